"""Practice experiments: members log, share and respond; authors alone edit."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from phases.models import Experiment, ExperimentComment
from phases.selectors import experiment_activity

from ..factories import ExperimentCommentFactory, ExperimentFactory, GoalFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "title": "Asking about loneliness at the door",
        "date": "2026-05-12",
        "situation": "Mrs. J. (84) lives alone since her husband died.",
        "tried": "I asked how her evenings are.",
        "happened": "She talked for twenty minutes about the long evenings.",
        "learned": "A concrete question works better than 'are you lonely?'.",
        "next_steps": "Ask the same question at two other addresses.",
        "knowledge_sources": ["experiential", "professional"],
        "visibility": "shared",
    }
    return data | overrides


def test_member_logs_a_shared_experiment_that_others_read_and_respond_to(
    unit, member, service_user, client_for
):
    goal = GoalFactory(unit=unit)
    r = client_for(member).post(
        reverse("phases:experiment_create", args=[unit.slug]), _data(goal=goal.pk)
    )
    assert r.status_code == 302
    experiment = Experiment.objects.get()
    assert (experiment.author, experiment.goal, experiment.knowledge_sources) == (
        member,
        goal,
        ["experiential", "professional"],
    )
    other = client_for(service_user)
    page = other.get(reverse("phases:experiment_detail", args=[unit.slug, experiment.pk]))
    assert "A concrete question works better" in page.content.decode()
    r = other.post(
        reverse("phases:experiment_comment", args=[unit.slug, experiment.pk]),
        {"text": "I recognise this from my mother."},
    )
    assert r.status_code == 302
    assert ExperimentComment.objects.get().author == service_user


def test_a_private_draft_is_the_authors_alone(unit, member, facilitator, client_for):
    draft = ExperimentFactory(unit=unit, author=member, visibility="draft", title="Half an idea")
    assert (
        "Half an idea"
        in client_for(member).get(reverse("phases:experiments", args=[unit.slug])).content.decode()
    )
    facilitator_client = client_for(facilitator)
    listing = facilitator_client.get(reverse("phases:experiments", args=[unit.slug]))
    assert "Half an idea" not in listing.content.decode()
    url = reverse("phases:experiment_detail", args=[unit.slug, draft.pk])
    assert facilitator_client.get(url).status_code == 404
    comment_url = reverse("phases:experiment_comment", args=[unit.slug, draft.pk])
    assert facilitator_client.post(comment_url, {"text": "x"}).status_code == 404
    # Not even the author can start a discussion on a draft.
    assert client_for(member).post(comment_url, {"text": "x"}).status_code == 403


def test_a_member_cannot_edit_or_delete_another_members_experiment(
    unit, member, facilitator, client_for
):
    other = MembershipFactory(unit=unit).user
    theirs = ExperimentFactory(unit=unit, author=other, title="Theirs")
    client = client_for(member)
    edit = reverse("phases:experiment_edit", args=[unit.slug, theirs.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, _data(title="Hijacked")).status_code == 403
    delete = reverse("phases:experiment_delete", args=[unit.slug, theirs.pk])
    assert client.post(delete).status_code == 403
    # Facilitators neither: an experiment is the author's own reflection.
    assert client_for(facilitator).post(edit, _data(title="Hijacked")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"

    assert client_for(other).post(edit, _data(title="Improved")).status_code == 302
    theirs.refresh_from_db()
    assert theirs.title == "Improved"


def test_outsiders_get_404_and_managers_cannot_log(unit, manager, outsider, client_for):
    experiment = ExperimentFactory(unit=unit)
    for name, args in [
        ("experiments", [unit.slug]),
        ("experiment_create", [unit.slug]),
        ("experiment_detail", [unit.slug, experiment.pk]),
    ]:
        assert client_for(outsider).get(reverse(f"phases:{name}", args=args)).status_code == 404
    assert (
        client_for(manager).get(reverse("phases:experiments", args=[unit.slug])).status_code == 200
    )
    create = reverse("phases:experiment_create", args=[unit.slug])
    assert client_for(manager).post(create, _data()).status_code == 403


def test_a_goal_of_another_unit_is_refused(unit, member, client_for):
    foreign_goal = GoalFactory()
    r = client_for(member).post(
        reverse("phases:experiment_create", args=[unit.slug]), _data(goal=foreign_goal.pk)
    )
    assert r.status_code == 200
    assert "goal" in r.context["form"].errors
    assert not Experiment.objects.exists()


def test_activity_table_counts_experiments_and_comments_per_member_and_month(
    unit, facilitator, member, client_for
):
    now = timezone.now()
    ExperimentFactory(unit=unit, author=member, created_at=now)
    ExperimentFactory(unit=unit, author=member, created_at=now, visibility="draft")
    old = ExperimentFactory(unit=unit, author=member, created_at=now - timedelta(days=62))
    ExperimentCommentFactory(experiment=old, author=facilitator, created_at=now)
    months, rows = experiment_activity(unit)
    by_user = {membership.user: (cells, e, c) for membership, cells, e, c in rows}
    cells, experiments, comments = by_user[member]
    assert (experiments, comments) == (3, 0)
    assert cells[-1] == (2, 0)
    assert by_user[facilitator][1:] == (0, 1)
    assert (
        client_for(member).get(reverse("phases:experiment_activity", args=[unit.slug])).status_code
        == 403
    )
    page = client_for(facilitator).get(reverse("phases:experiment_activity", args=[unit.slug]))
    assert escape(member.get_full_name()) in page.content.decode()


def test_experiment_list_queries_stay_constant(
    unit, member, facilitator, client_for, django_assert_num_queries
):
    def grow(n):
        for _i in range(n):
            e = ExperimentFactory(unit=unit, author=member, goal=GoalFactory(unit=unit))
            ExperimentCommentFactory(experiment=e, author=facilitator)

    grow(1)
    client = client_for(facilitator)
    url = reverse("phases:experiments", args=[unit.slug])
    # session, user, savepoint, unit, membership, the bell's unread count, the page
    # count, experiments (+ authors, goals, comment counts), the search form's members
    # and goals, the access log (one INSERT for the whole page), release, session save
    # (savepoint, update, release).
    with django_assert_num_queries(15):
        client.get(url)
    grow(30)
    with django_assert_num_queries(15):
        page = client.get(url).content.decode()
    # One page of 20, and the way to the rest.
    assert page.count("1 response") == 20
    assert "Page 1 of 2" in page and 'href="?page=2"' in page
    with django_assert_num_queries(15):
        rest = client.get(url + "?page=2").content.decode()
    assert rest.count("1 response") == 11


def test_my_experiments_keep_their_filter_from_page_to_page(unit, member, client_for):
    for _i in range(21):
        ExperimentFactory(unit=unit, author=member)
    page = client_for(member).get(reverse("phases:experiments", args=[unit.slug]) + "?mine=1")
    assert 'href="?mine=1&amp;page=2"' in page.content.decode()


def test_the_experiments_list_finds_a_members_experiments_for_a_goal_in_a_period(
    unit, member, facilitator, client_for
):
    goal = GoalFactory(unit=unit)
    wanted = ExperimentFactory(unit=unit, author=member, goal=goal, date="2026-03-10")
    ExperimentFactory(unit=unit, author=member, goal=goal, date="2026-05-10")  # too late
    ExperimentFactory(unit=unit, author=member, date="2026-03-11")  # another goal
    ExperimentFactory(unit=unit, author=facilitator, goal=goal, date="2026-03-12")  # another member
    search = {
        "author": member.pk,
        "goal": goal.pk,
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    url = reverse("phases:experiments", args=[unit.slug])
    response = client_for(facilitator).get(url, search)
    assert list(response.context["page"]) == [wanted]


def test_a_search_keeps_its_terms_from_page_to_page(unit, member, client_for):
    for _i in range(21):
        ExperimentFactory(unit=unit, author=member)
    url = reverse("phases:experiments", args=[unit.slug])
    page = client_for(member).get(url, {"mine": "1", "author": member.pk}).content.decode()
    assert f'href="?mine=1&amp;author={member.pk}&amp;page=2"' in page


def test_a_period_that_ends_before_it_starts_is_said_to_and_finds_nothing(unit, member, client_for):
    ExperimentFactory(unit=unit, author=member, date="2026-03-10")
    url = reverse("phases:experiments", args=[unit.slug])
    response = client_for(member).get(url, {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "The end of the period is before its start." in response.content.decode()


def test_experiment_detail_queries_stay_constant(
    unit, member, facilitator, client_for, django_assert_num_queries
):
    experiment = ExperimentFactory(unit=unit, author=member)
    for _i in range(5):
        ExperimentCommentFactory(experiment=experiment, author=facilitator)
    client = client_for(facilitator)
    url = reverse("phases:experiment_detail", args=[unit.slug, experiment.pk])
    # session, user, unit, membership, experiment (+ author, goal), the responses' count,
    # a page of responses (+ authors), its files, the access log entry (one INSERT),
    # the session save and the savepoints.
    with django_assert_num_queries(15):
        assert len(client.get(url).context["comments"]) == 5
    for _i in range(55):
        ExperimentCommentFactory(experiment=experiment, author=MembershipFactory(unit=unit).user)
    with django_assert_num_queries(15):
        page = client.get(url)
    assert len(page.context["comments"]) == 20
    assert "Page 1 of 3" in page.content.decode()


def test_the_newest_response_comes_first(unit, member, facilitator, client_for):
    experiment = ExperimentFactory(unit=unit, author=member)
    now = timezone.now()
    ExperimentCommentFactory(
        experiment=experiment, author=facilitator, text="First", created_at=now
    )
    ExperimentCommentFactory(
        experiment=experiment, author=facilitator, text="Later", created_at=now + timedelta(hours=1)
    )
    url = reverse("phases:experiment_detail", args=[unit.slug, experiment.pk])
    comments = client_for(member).get(url).context["comments"]
    assert [c.text for c in comments] == ["Later", "First"]


def test_the_newest_experiment_comes_first(unit, member, client_for):
    ExperimentFactory(unit=unit, author=member, title="Older", date="2026-01-05")
    ExperimentFactory(unit=unit, author=member, title="Newer", date="2026-03-09")
    ExperimentCommentFactory(experiment=Experiment.objects.get(title="Older"), author=member)
    page = client_for(member).get(reverse("phases:experiments", args=[unit.slug])).content.decode()
    assert page.index("Newer") < page.index("Older")


def test_an_update_saves_only_what_it_changes(unit, member):
    from phases import services

    experiment = ExperimentFactory(unit=unit, author=member, title="Before")
    # Someone else's change lands between loading and saving (another tab).
    Experiment.objects.filter(pk=experiment.pk).update(situation="Changed meanwhile")
    services.experiment_update(experiment=experiment, actor=member, learned="Listen first.")
    experiment.refresh_from_db()
    assert (experiment.situation, experiment.learned) == ("Changed meanwhile", "Listen first.")


def test_an_update_with_an_unknown_field_is_a_programming_error(unit, member):
    from phases import services

    experiment = ExperimentFactory(unit=unit, author=member)
    with pytest.raises(TypeError, match=r"Experiment cannot change \['author'\]"):
        services.experiment_update(experiment=experiment, actor=member, author=None)
