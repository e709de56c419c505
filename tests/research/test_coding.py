"""Qualitative coding: material, selecting passages, themes, the theme page and export."""

import csv
import io

import pytest
from django.urls import reverse

from research.models import CodedFragment, Material, Theme
from research.passages import highlighted_segments, locate_passage, resolve_offsets
from research.selectors import get_source, themes_with_counts
from tests.factories import (
    ExperimentFactory,
    MaterialFactory,
    ProgrammeFactory,
    SessionFactory,
    ThemeFactory,
    UnitFactory,
)


def _code_url(unit, kind, pk, field):
    return reverse(
        "research:code_source", kwargs={"slug": unit.slug, "kind": kind, "pk": pk, "field": field}
    )


# --- Offsets ----------------------------------------------------------------------


def test_locate_passage_exact_and_with_other_whitespace():
    text = "One two three.\nFour five six. Four five six."
    assert locate_passage(text, "two three") == (4, 13)
    assert locate_passage(text, "three.  Four\n five") == (8, 24)
    assert locate_passage(text, "Four five six.", near=30) == (30, 44)
    assert locate_passage(text, "seven") is None
    assert locate_passage(text, "   ") is None


def test_offsets_from_the_browser_are_checked_against_the_text():
    text = "Alpha beta gamma"
    assert resolve_offsets(text, start=6, end=10, passage="beta") == (6, 10)
    # Selection with surrounding spaces is trimmed to the words.
    assert resolve_offsets(text, start=5, end=11, passage=" beta ") == (6, 10)
    # Offsets that do not match the passage: the passage is looked up instead.
    assert resolve_offsets(text, start=0, end=4, passage="gamma") == (11, 16)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        resolve_offsets(text, start=10, end=99, passage="beta")
    with pytest.raises(ValidationError):
        resolve_offsets(text, start=None, end=None, passage="delta")


def test_offsets_count_characters_not_bytes():
    text = "Café 🙂 met de buurvrouw"
    start, end = resolve_offsets(text, start=7, end=10, passage="met")
    assert text[start:end] == "met"


def test_highlighted_segments_cover_the_text_once():
    class F:
        def __init__(self, start, end):
            self.start, self.end = start, end

    text = "abcdefghij"
    segments = highlighted_segments(text, [F(2, 5), F(4, 8), F(50, 60)])
    assert "".join(piece for piece, _ in segments) == text
    assert segments == [("ab", 0), ("cd", 1), ("e", 2), ("fgh", 1), ("ij", 0)]


# --- Material -----------------------------------------------------------------------


def test_researcher_adds_material_and_member_may_not(client_for, unit, researcher, member):
    url = reverse("research:material_add", kwargs={"slug": unit.slug})
    data = {"kind": "interview", "title": "Interview R3", "date": "2026-03-01", "text": "A\r\nB"}
    assert client_for(member).post(url, data).status_code == 403
    assert not Material.objects.exists()
    response = client_for(researcher).post(url, data)
    material = Material.objects.get()
    assert response.status_code == 302
    assert response.url == _code_url(unit, "material", material.pk, "text")
    assert material.text == "A\nB"  # line breaks as the browser shows them
    assert material.created_by == researcher


def test_material_list_shows_every_kind_of_source(client_for, unit, researcher, manager):
    MaterialFactory(unit=unit, title="Focus group June")
    SessionFactory(unit=unit, notes="We talked about waiting lists.")
    SessionFactory(unit=unit, notes="")
    ExperimentFactory(unit=unit, title="Shared try-out", visibility="shared")
    ExperimentFactory(unit=unit, title="Private draft", visibility="draft")
    html = (
        client_for(manager)
        .get(reverse("research:materials", kwargs={"slug": unit.slug}))
        .content.decode()
    )
    assert "Focus group June" in html
    assert "Shared try-out" in html
    assert "Private draft" not in html
    assert html.count("Session of") == 1
    assert "Add material" not in html  # a manager reads only


def test_editing_material_keeps_coded_passages_in_place(client_for, unit, researcher):
    material = MaterialFactory(unit=unit, text="Waiting lists remain a problem.")
    theme = ThemeFactory(unit=unit, name="Waiting")
    client = client_for(researcher)
    client.post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": "Waiting lists", "themes": [theme.pk]},
    )
    url = reverse("research:material_edit", kwargs={"slug": unit.slug, "pk": material.pk})
    base = {"kind": "interview", "title": material.title}
    response = client.post(url, {**base, "text": "Intro. Waiting lists remain a problem."})
    assert response.status_code == 302
    fragment = CodedFragment.objects.get()
    assert (fragment.start, fragment.end) == (7, 20)
    # A text without the coded passage is refused, and nothing changes.
    response = client.post(url, {**base, "text": "Something else entirely."})
    assert response.status_code == 200
    assert "no longer in the text" in response.content.decode()
    material.refresh_from_db()
    assert material.text.startswith("Intro.")


# --- Coding --------------------------------------------------------------------------


def test_researcher_codes_a_selected_passage(client_for, unit, researcher):
    material = MaterialFactory(unit=unit)
    theme = ThemeFactory(unit=unit, name="Being heard")
    text = material.text
    start = text.index("taken seriously")
    end = start + len("taken seriously")
    response = client_for(researcher).post(
        _code_url(unit, "material", material.pk, "text"),
        {
            "start": start,
            "end": end,
            "passage": "taken seriously",
            "themes": [theme.pk],
            "new_themes": "Carer involvement, being heard",
        },
    )
    assert response.status_code == 302
    fragment = CodedFragment.objects.get()
    assert (fragment.start, fragment.end) == (start, end)
    assert fragment.text == "taken seriously"
    assert fragment.source == material
    assert fragment.coded_by == researcher
    # "being heard" is the existing theme (case-insensitive), "Carer involvement" is new.
    assert sorted(t.name for t in fragment.themes.all()) == ["Being heard", "Carer involvement"]
    assert Theme.objects.filter(unit=unit).count() == 2


def test_without_javascript_the_pasted_passage_is_found(client_for, unit, researcher):
    material = MaterialFactory(unit=unit)
    client_for(researcher).post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": "Waiting lists remain\na problem.", "new_themes": "Access"},
    )
    fragment = CodedFragment.objects.get()
    assert material.text[fragment.start : fragment.end] == "Waiting lists remain a problem."


@pytest.mark.parametrize(
    "data, message",
    [
        ({"passage": "not in this text at all"}, "does not occur in the text"),
        ({"passage": "Waiting", "start": 5, "end": 9999}, "outside the text"),
        ({"passage": "Waiting lists", "new_themes": ""}, "Choose at least one theme"),
        ({"passage": ""}, "This field is required"),
    ],
)
def test_coding_refuses_bad_input(client_for, unit, researcher, data, message):
    material = MaterialFactory(unit=unit)
    theme = ThemeFactory(unit=unit)
    payload = {"themes": [theme.pk], **data}
    if data.get("new_themes") == "":
        payload.pop("themes")
    response = client_for(researcher).post(
        _code_url(unit, "material", material.pk, "text"), payload
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CodedFragment.objects.exists()


def test_a_theme_of_another_unit_cannot_be_used(client_for, unit, researcher):
    material = MaterialFactory(unit=unit)
    foreign = ThemeFactory(unit=UnitFactory())
    response = client_for(researcher).post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": "Waiting lists", "themes": [foreign.pk]},
    )
    assert response.status_code == 400
    assert not CodedFragment.objects.exists()


def test_who_may_code_and_read(client_for, unit, researcher, manager, member, outsider):
    material = MaterialFactory(unit=unit)
    url = _code_url(unit, "material", material.pk, "text")
    post = {"passage": "Waiting lists", "new_themes": "Access"}
    assert client_for(member).get(url).status_code == 403
    assert client_for(member).post(url, post).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(url, post).status_code == 404
    read = client_for(manager).get(url)
    assert read.status_code == 200
    assert "Code this passage" not in read.content.decode()
    assert client_for(manager).post(url, post).status_code == 403
    assert not CodedFragment.objects.exists()
    assert client_for(researcher).post(url, post).status_code == 302


def test_session_notes_and_shared_experiments_can_be_coded(client_for, unit, researcher):
    session = SessionFactory(unit=unit, notes="Everyone agreed to try the kitchen-table talk.")
    experiment = ExperimentFactory(unit=unit, visibility="shared")
    client = client_for(researcher)
    response = client.post(
        _code_url(unit, "session", session.pk, "notes"),
        {"passage": "kitchen-table talk", "new_themes": "Informal talk"},
    )
    assert response.status_code == 302
    response = client.post(
        _code_url(unit, "experiment", experiment.pk, "learned"),
        {"passage": "Open questions", "new_themes": "Informal talk"},
    )
    assert response.status_code == 302
    sources = {(f.content_type.model, f.source_field) for f in CodedFragment.objects.all()}
    assert sources == {("session", "notes"), ("experiment", "learned")}


def test_private_drafts_and_other_units_sources_are_not_found(client_for, unit, researcher):
    draft = ExperimentFactory(unit=unit, visibility="draft")
    other = MaterialFactory(unit=UnitFactory())
    client = client_for(researcher)
    assert client.get(_code_url(unit, "experiment", draft.pk, "learned")).status_code == 404
    assert client.get(_code_url(unit, "material", other.pk, "text")).status_code == 404
    assert client.get(_code_url(unit, "material", 999, "text")).status_code == 404
    assert client.get(_code_url(unit, "unit", unit.pk, "name")).status_code == 404
    assert client.get(_code_url(unit, "experiment", draft.pk, "author")).status_code == 404
    with pytest.raises(Exception):  # noqa: B017 - Http404
        get_source(unit, "experiment", draft.pk, "learned")


def test_removing_a_coding(client_for, unit, researcher, member):
    material = MaterialFactory(unit=unit)
    client = client_for(researcher)
    client.post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": "Waiting lists", "new_themes": "Access"},
    )
    fragment = CodedFragment.objects.get()
    url = reverse("research:fragment_delete", kwargs={"slug": unit.slug, "pk": fragment.pk})
    assert client_for(member).post(url).status_code == 403
    assert client.post(url).status_code == 302
    assert not CodedFragment.objects.exists()


# --- Themes ------------------------------------------------------------------------------


def _code(unit, researcher, client, material, passage, *themes):
    response = client.post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": passage, "themes": [t.pk for t in themes]},
    )
    assert response.status_code == 302


def test_themes_page_lists_unit_and_programme_themes_with_counts(client_for, researcher):
    programme = ProgrammeFactory()
    unit = researcher.memberships.get().unit
    unit.programme = programme
    unit.save()
    mine = ThemeFactory(unit=unit, name="Trust", factor="contextual")
    shared = Theme.objects.create(programme=programme, name="Time", factor="common")
    ThemeFactory(unit=UnitFactory(), name="Not ours")
    client = client_for(researcher)
    material = MaterialFactory(unit=unit)
    _code(unit, researcher, client, material, "Waiting lists", mine, shared)
    _code(unit, researcher, client, material, "taken seriously", mine)
    html = client.get(reverse("research:themes", kwargs={"slug": unit.slug})).content.decode()
    assert "Trust" in html and "Time" in html and "Not ours" not in html
    assert "Contextual factor" in html and "Common factor" in html
    themes = {t.name: t.n_fragments for t in themes_with_counts(unit)}
    assert themes == {"Trust": 2, "Time": 1}


def test_researcher_adds_a_programme_theme(client_for, researcher, member):
    programme = ProgrammeFactory()
    unit = researcher.memberships.get().unit
    unit.programme = programme
    unit.save()
    url = reverse("research:themes", kwargs={"slug": unit.slug})
    data = {"name": "Shared language", "factor": "common", "for_programme": "on"}
    assert client_for(member).post(url, data).status_code == 403
    assert client_for(researcher).post(url, data).status_code == 302
    theme = Theme.objects.get()
    assert theme.programme == programme and theme.unit is None
    duplicate = client_for(researcher).post(
        url, {"name": "shared language", "factor": "none", "for_programme": "on"}
    )
    assert duplicate.status_code == 400
    assert "already a theme with this name" in duplicate.content.decode()
    assert Theme.objects.count() == 1


def test_themes_page_query_count_is_constant(
    client_for, unit, researcher, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(researcher)
    url = reverse("research:themes", kwargs={"slug": unit.slug})
    material = MaterialFactory(unit=unit)
    _code(unit, researcher, client, material, "Waiting lists", ThemeFactory(unit=unit))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    n_few = len(few)
    for i in range(8):
        _code(
            unit,
            researcher,
            client,
            material,
            "taken seriously",
            ThemeFactory(unit=unit, name=f"T{i}"),
        )
    client.get(url)
    with django_assert_num_queries(n_few):
        assert client.get(url).status_code == 200


def test_theme_page_shows_passages_with_their_source(
    client_for, unit, researcher, manager, member, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    theme = ThemeFactory(unit=unit, name="Waiting")
    client = client_for(researcher)
    material = MaterialFactory(unit=unit, title="Interview Ans")
    session = SessionFactory(unit=unit, notes="The waiting list is long.")
    _code(unit, researcher, client, material, "Waiting lists", theme)
    url = reverse("research:theme_detail", kwargs={"slug": unit.slug, "pk": theme.pk})
    manager_client = client_for(manager)
    with CaptureQueriesContext(connection) as one:
        html = manager_client.get(url).content.decode()
    n_one = len(one)
    assert "Waiting lists" in html and "Interview Ans" in html
    client.post(
        _code_url(unit, "session", session.pk, "notes"),
        {"passage": "waiting list is long", "themes": [theme.pk]},
    )
    for text in ("remain a problem", "taken seriously"):
        _code(unit, researcher, client, material, text, theme)
    # One more query for the second kind of source (sessions), then constant.
    with django_assert_num_queries(n_one + 1):
        html = manager_client.get(url).content.decode()
    assert "Session of" in html and "waiting list is long" in html
    assert client_for(member).get(url).status_code == 403
    other_unit_theme = ThemeFactory(unit=UnitFactory())
    assert (
        client.get(
            reverse("research:theme_detail", kwargs={"slug": unit.slug, "pk": other_unit_theme.pk})
        ).status_code
        == 404
    )


def test_export_of_coded_passages(client_for, unit, researcher, member, outsider):
    material = MaterialFactory(unit=unit, text="=HYPERLINK(evil) and a plain quote.")
    client = client_for(researcher)
    client.post(
        _code_url(unit, "material", material.pk, "text"),
        {"passage": "=HYPERLINK(evil)", "new_themes": "Risk, @home"},
    )
    url = reverse("research:fragments_export", kwargs={"slug": unit.slug})
    assert client_for(member).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["unit", "source_kind", "source"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["passage"] == "'=HYPERLINK(evil)"  # neutralised, not a formula
    assert row["themes"] == "'@home; Risk"


def test_material_page_query_count_is_constant(
    client_for, unit, researcher, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(researcher)
    url = reverse("research:materials", kwargs={"slug": unit.slug})
    MaterialFactory(unit=unit)
    SessionFactory(unit=unit, notes="Notes.")
    ExperimentFactory(unit=unit, visibility="shared")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    n_few = len(few)
    for _ in range(5):
        material = MaterialFactory(unit=unit)
        _code(unit, researcher, client, material, "Waiting lists", ThemeFactory(unit=unit))
        SessionFactory(unit=unit, notes="More notes.")
        ExperimentFactory(unit=unit, visibility="shared")
    with django_assert_num_queries(n_few):
        assert client.get(url).status_code == 200


# --- A coded passage follows its source ---------------------------------------------------


@pytest.fixture
def quoted(unit, researcher, client_for):
    """A shared experiment and a material, one passage of each coded with "Waiting"."""
    theme = ThemeFactory(unit=unit, name="Waiting")
    author = researcher
    experiment = ExperimentFactory(
        unit=unit, author=author, visibility="shared", learned="The waiting list hurt him."
    )
    material = MaterialFactory(unit=unit, text="Nobody called back for weeks.")
    client = client_for(researcher)
    for kind, obj, field, passage in (
        ("experiment", experiment, "learned", "waiting list hurt him"),
        ("material", material, "text", "Nobody called back"),
    ):
        response = client.post(
            _code_url(unit, kind, obj.pk, field), {"passage": passage, "themes": [theme.pk]}
        )
        assert response.status_code == 302
    return {"theme": theme, "experiment": experiment, "material": material, "client": client}


def _seen(unit, quoted):
    """The quotes on the theme page, in the passages CSV and in a report's snapshot."""
    from reports.snapshot import unit_snapshot

    theme, client = quoted["theme"], quoted["client"]
    page = client.get(reverse("research:theme_detail", kwargs={"slug": unit.slug, "pk": theme.pk}))
    html = page.content.decode()
    on_page = [q for q in ("waiting list hurt him", "Nobody called back") if q in html]
    export = client.get(reverse("research:fragments_export", kwargs={"slug": unit.slug}))
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    snapshot = unit_snapshot(unit, "baseline")["qualitative"]
    (waiting,) = [t for t in snapshot["themes"] if t["name"] == "Waiting"]
    return {
        "page": on_page,
        "csv": sorted(r["passage"] for r in rows),
        "snapshot": (waiting["n"], sorted(q["text"] for q in waiting["quotes"])),
        "experiment_themes": snapshot["experiment_themes"],
    }


def test_the_quotes_of_a_source_are_everywhere_while_it_is_shared(unit, quoted):
    assert _seen(unit, quoted) == {
        "page": ["waiting list hurt him", "Nobody called back"],
        "csv": ["Nobody called back", "waiting list hurt him"],
        "snapshot": (2, ["Nobody called back", "waiting list hurt him"]),
        "experiment_themes": [{"name": "Waiting", "n": 1}],
    }


def test_a_deleted_experiments_quotes_are_gone(unit, researcher, quoted):
    from phases.services import experiment_delete

    experiment = quoted["experiment"]
    experiment_delete(experiment=experiment, actor=researcher)
    assert not CodedFragment.objects.filter(object_id=experiment.pk, source_field="learned")
    assert _seen(unit, quoted) == {
        "page": ["Nobody called back"],
        "csv": ["Nobody called back"],
        "snapshot": (1, ["Nobody called back"]),
        "experiment_themes": [],
    }


def test_a_deleted_materials_quotes_are_gone(unit, quoted):
    quoted["material"].delete()
    assert _seen(unit, quoted) == {
        "page": ["waiting list hurt him"],
        "csv": ["waiting list hurt him"],
        "snapshot": (1, ["waiting list hurt him"]),
        "experiment_themes": [{"name": "Waiting", "n": 1}],
    }


def test_a_deleted_sessions_quotes_are_gone(unit, researcher, client_for):
    theme = ThemeFactory(unit=unit, name="Waiting")
    session = SessionFactory(unit=unit, notes="The waiting list is long.")
    client_for(researcher).post(
        _code_url(unit, "session", session.pk, "notes"),
        {"passage": "waiting list is long", "themes": [theme.pk]},
    )
    assert CodedFragment.objects.filter(unit=unit).count() == 1
    session.delete()
    assert not CodedFragment.objects.filter(unit=unit).exists()


def test_an_experiment_made_private_again_hides_its_quotes(unit, researcher, quoted):
    from phases.models import Experiment

    Experiment.objects.filter(pk=quoted["experiment"].pk).update(visibility="draft")
    hidden = {
        "page": ["Nobody called back"],
        "csv": ["Nobody called back"],
        "snapshot": (1, ["Nobody called back"]),
        "experiment_themes": [],
    }
    assert _seen(unit, quoted) == hidden
    # Hidden, not gone: shared again, the coding is back.
    Experiment.objects.filter(pk=quoted["experiment"].pk).update(visibility="shared")
    assert _seen(unit, quoted)["page"] == ["waiting list hurt him", "Nobody called back"]


def test_the_migration_forgets_passages_whose_source_was_deleted_before(unit, quoted):
    from importlib import import_module

    from django.apps import apps
    from django.db.models.signals import post_delete

    from research.models import Material

    migration = import_module("research.migrations.0003_forget_fragments_of_deleted_sources")
    post_delete.disconnect(dispatch_uid="research-fragments-of-material", sender=Material)
    try:
        quoted["material"].delete()  # as it was: the passage stayed behind
        assert CodedFragment.objects.filter(unit=unit).count() == 2
        migration.forget_orphans(apps, None)
    finally:
        from research.sources import connect_source_deletion

        connect_source_deletion()
    assert list(CodedFragment.objects.filter(unit=unit).values_list("text", flat=True)) == [
        "waiting list hurt him"
    ]
