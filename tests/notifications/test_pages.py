"""The bell, the list, reading, and the e-mail settings (logged in and by signed link)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Frequency, Kind, Notification, NotificationPreference
from notifications.preferences import link_token
from tests.factories import ExperimentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notifications(user, unit, n, **extra):
    experiment = ExperimentFactory(unit=unit, author=user, title="Open questions")
    actor = UserFactory(full_name="Kees Mulder")
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=Kind.RESPONSE,
            event="experiment.commented",
            unit=unit,
            actor=actor,
            url=experiment.get_absolute_url(),
            data={"title": experiment.title, "own": True},
            **extra,
        )
        for _ in range(n)
    )


def test_the_bell_shows_the_unread_count_at_one_query(
    client_for, unit, member, django_assert_num_queries
):
    client = client_for(member)
    url = reverse("notifications:preferences")
    # session, user, the preferences, the person's client roles, the bell's count,
    # the request's savepoints and the session's idle-time update (5).
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert "Notifications" in page and "badge rounded-pill" not in page
    _notifications(member, unit, 30)
    _notifications(member, unit, 5, read_at=timezone.now())
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert "Notifications: 30 unread" in page


def test_the_list_is_paginated_at_a_constant_number_of_queries(
    client_for, unit, member, django_assert_num_queries
):
    client = client_for(member)
    _notifications(member, unit, 2)
    url = reverse("notifications:list")
    # session, user, the page's count, the page (+ unit, actor), the bell's count,
    # the request's savepoints and the session's idle-time update (5).
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count("responded to your experiment") == 2
    _notifications(member, unit, 40)
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count("responded to your experiment") == 25
    assert "Page 1 of 2" in page
    # Looking is not reading: nothing was marked.
    assert Notification.objects.unread().count() == 42


def test_opening_a_notification_marks_it_read_and_goes_to_it(client_for, unit, member):
    [notification] = _notifications(member, unit, 1)
    response = client_for(member).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == notification.url
    notification.refresh_from_db()
    assert notification.is_read


def test_someone_elses_notification_cannot_be_opened(client_for, unit, member, facilitator):
    [notification] = _notifications(member, unit, 1)
    response = client_for(facilitator).post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    assert not Notification.objects.get().is_read


def test_mark_all_as_read(client_for, unit, member, facilitator):
    _notifications(member, unit, 3)
    _notifications(facilitator, unit, 2)
    response = client_for(member).post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=member).unread().count() == 0
    assert Notification.objects.filter(recipient=facilitator).unread().count() == 2


def test_the_settings_page_shows_the_defaults_and_saves_a_choice(client_for, member):
    client = client_for(member)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert (
        'value="daily" checked' in page.replace("\n", " ").replace("  ", " ") or "checked" in page
    )
    data = dict.fromkeys(Kind.values, Frequency.DAILY)
    data[Kind.SESSION] = Frequency.WEEKLY
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.values_list("kind", "frequency"))
    # Only what differs from the default is stored.
    assert saved == {
        Kind.SESSION: Frequency.WEEKLY,
        Kind.REPORT: Frequency.DAILY,
        Kind.MONITOR: Frequency.DAILY,
        Kind.RETENTION: Frequency.DAILY,
    }


def test_the_signed_link_changes_the_setting_without_logging_in(client, member):
    url = reverse("notifications:link", args=[link_token(user=member, kind=Kind.RESPONSE)])
    page = client.get(url)
    assert page.status_code == 200
    assert member.email in page.content.decode()
    assert not NotificationPreference.objects.exists()  # a GET changes nothing
    response = client.post(url, {"frequency": Frequency.NEVER})
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    preference = NotificationPreference.objects.get()
    assert (preference.user, preference.kind, preference.frequency) == (
        member,
        Kind.RESPONSE,
        Frequency.NEVER,
    )


def test_the_mail_programs_one_click_unsubscribe_works(client, member):
    url = reverse("notifications:link", args=[link_token(user=member, kind=Kind.PHASE)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get().frequency == Frequency.NEVER


@pytest.mark.parametrize("change", ["kind", "person", "garbage"])
def test_a_tampered_link_is_refused_with_a_clear_page(client, member, change):
    token = link_token(user=member, kind=Kind.RESPONSE)
    other = UserFactory()
    tampered = {
        "kind": token.replace(
            token.split(":")[0], link_token(user=member, kind=Kind.PHASE).split(":")[0]
        ),
        "person": link_token(user=other, kind=Kind.RESPONSE)[:-3] + token[-3:],
        "garbage": "not-a-token",
    }[change]
    for method in ("get", "post"):
        response = getattr(client, method)(
            reverse("notifications:link", args=[tampered]), {"frequency": Frequency.NEVER}
        )
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_list_in_dutch(client_for, unit, member):
    member.language = "nl"
    member.save(update_fields=["language"])
    _notifications(member, unit, 1)
    client = client_for(member)
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Meldingen" in page
    assert "reageerde op je experiment" in page


def test_the_signed_link_speaks_the_persons_language(client, member):
    member.language = "nl"
    member.save(update_fields=["language"])
    url = reverse("notifications:link", args=[link_token(user=member, kind=Kind.RESPONSE)])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "E-mailinstellingen" in page and "Geen e-mail" in page


def test_the_bell_counts_what_the_unread_queryset_counts(rf, unit, member, service_user):
    from notifications.selectors import unread_count

    _notifications(member, unit, 3)
    _notifications(member, unit, 2, read_at=timezone.now())
    _notifications(service_user, unit, 4)
    request = rf.get("/")
    request.user = member
    assert unread_count(request) == Notification.objects.for_user(member).unread().count() == 3
