"""The research data pages: who may do what, the import preview and confirm, waves, export."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.models import ImportBatch, Observation, Wave

from .import_helpers import make_codebook, nothing_written, run_import, values, wave

pytestmark = pytest.mark.django_db


def url(name, unit, **kwargs):
    return reverse(f"research:{name}", kwargs={"slug": unit.slug, **kwargs})


def upload(content, name="data.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


# --- Who may see and do what ---------------------------------------------------------

READ_PAGES = ["overview", "codebook", "waves"]
MANAGE_PAGES = ["import", "export", "measure_add"]


@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages(page, unit, researcher, facilitator, manager, member, outsider, client_for):
    assert client_for(researcher).get(url(page, unit)).status_code == 200
    assert client_for(facilitator).get(url(page, unit)).status_code == 200
    assert client_for(manager).get(url(page, unit)).status_code == 200
    assert client_for(member).get(url(page, unit)).status_code == 403
    assert client_for(outsider).get(url(page, unit)).status_code == 404


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_manage_pages(page, unit, researcher, facilitator, manager, member, outsider, client_for):
    assert client_for(researcher).get(url(page, unit)).status_code == 200
    assert client_for(facilitator).get(url(page, unit)).status_code == 403
    assert client_for(manager).get(url(page, unit)).status_code == 403
    assert client_for(member).get(url(page, unit)).status_code == 403
    assert client_for(outsider).get(url(page, unit)).status_code == 404


def test_unknown_unit_is_404(researcher, client_for):
    response = client_for(researcher).get("/units/no-such-unit/research/")
    assert response.status_code == 404


def test_viewers_cannot_change_codebook_or_waves(unit, facilitator, client_for):
    client = client_for(facilitator)
    response = client.post(url("codebook", unit), {"file": upload("code,label,type\nx,X,text\n")})
    assert response.status_code == 403
    response = client.post(url("waves", unit), {"new-code": "t9", "new-label": "T9"})
    assert response.status_code == 403
    baseline = wave(unit, "baseline")
    response = client.post(url("wave_edit", unit, pk=baseline.pk), {"wave-1-label": "x"})
    assert response.status_code == 403
    assert not Wave.objects.filter(code="t9").exists()


def test_viewers_see_no_management_links(unit, facilitator, researcher, client_for):
    page = client_for(facilitator).get(url("overview", unit)).content.decode()
    assert url("import", unit) not in page and url("export", unit) not in page
    page = client_for(researcher).get(url("overview", unit)).content.decode()
    assert url("import", unit) in page and url("export", unit) in page


def test_another_units_objects_are_404(unit, researcher, client_for):
    from tests.factories import UnitFactory

    other = UnitFactory()
    measures = make_codebook(other)
    run_import(other, "respondent,ucla\nR1,1\n")
    client = client_for(researcher)
    assert client.get(url("measure_edit", unit, pk=measures["ucla"].pk)).status_code == 404
    assert client.post(url("measure_delete", unit, pk=measures["ucla"].pk)).status_code == 404
    other_wave = Wave.objects.get(unit=other, code="final")
    assert client.post(url("wave_edit", unit, pk=other_wave.pk)).status_code == 404
    batch = ImportBatch.objects.get(unit=other)
    assert client.post(url("import_confirm", unit, pk=batch.pk)).status_code == 404


# --- Import: checked in the background, previewed, then confirmed ------------------------


@pytest.fixture
def post_and_run(django_capture_on_commit_callbacks):
    """POST, then run what the request sent on commit (the task, in-process), and follow
    the redirect to the batch page."""

    def post(client, path, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, data or {})
        if response.status_code == 302:
            return client.get(response["Location"])
        return response

    return post


def test_preview_then_confirm(unit, researcher, client_for, settings, post_and_run):
    make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,1\n")
    client = client_for(researcher)
    baseline = wave(unit, "baseline")
    content = "respondent;ucla;djg\nR1;2;3,5\nR2;4;\n"
    response = post_and_run(
        client, url("import", unit), {"file": upload(content), "wave": baseline.pk}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 new values will be added." in page
    assert "1 existing value will be replaced" in page
    # Nothing written yet; the file is kept with the batch, under imports/<unit>/.
    assert values(unit) == {("R1", "baseline", "ucla"): 1.0}
    batch = ImportBatch.objects.get(unit=unit, status="previewed")
    assert batch.file.name.startswith(f"imports/{unit.slug}/")
    assert (settings.MEDIA_ROOT / batch.file.name).read_bytes() == content.encode()
    assert (batch.values_created, batch.values_updated) == (2, 1)
    assert batch.sample_changes == [
        {
            "line": 2,
            "respondent": "R1",
            "wave": "baseline",
            "measure": "ucla",
            "old": 1.0,
            "new": 2.0,
        }
    ]

    response = post_and_run(client, url("import_confirm", unit, pk=batch.pk))
    assert response.status_code == 200
    assert "added 2 values, replaced 1" in response.content.decode()
    assert values(unit) == {
        ("R1", "baseline", "ucla"): 2.0,
        ("R1", "baseline", "djg"): 3.5,
        ("R2", "baseline", "ucla"): 4.0,
    }
    batch.refresh_from_db()
    assert batch.status == "confirmed" and batch.uploaded_by == researcher

    # Confirming twice does not import twice.
    response = post_and_run(client, url("import_confirm", unit, pk=batch.pk))
    assert "confirmed already" in response.content.decode()
    assert Observation.objects.filter(unit=unit, batch=batch).count() == 3


def test_preview_lists_every_problem_and_keeps_nothing(
    unit, researcher, client_for, settings, post_and_run
):
    make_codebook(unit)
    response = post_and_run(
        client_for(researcher),
        url("import", unit),
        {"file": upload("respondent,ucla,foo\nJan Jansen,9,1\n")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    for text in ["C (foo)", "A (respondent)", "B (ucla)", "9 is above the maximum 4."]:
        assert text in page
    assert "nothing was changed" in page
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.problems_total, batch.file.name) == ("failed", 4, "")
    assert not list((settings.MEDIA_ROOT / "imports").rglob("*.csv"))
    assert nothing_written(unit)


def test_confirm_reads_the_file_again(unit, researcher, client_for, post_and_run):
    measures = make_codebook(unit)
    client = client_for(researcher)
    baseline = wave(unit, "baseline")
    post_and_run(
        client, url("import", unit), {"file": upload("respondent,djg\nR1,5\n"), "wave": baseline.pk}
    )
    batch = ImportBatch.objects.get(unit=unit)
    # The codebook changed between preview and confirm: the range no longer fits.
    measures["djg"].max_value = 4
    measures["djg"].save()
    response = post_and_run(client, url("import_confirm", unit, pk=batch.pk))
    assert response.status_code == 200
    assert "5 is above the maximum 4." in response.content.decode()
    assert nothing_written(unit)
    batch.refresh_from_db()
    assert batch.status == "failed"


def test_facilitator_cannot_confirm(unit, researcher, facilitator, client_for, post_and_run):
    make_codebook(unit)
    baseline = wave(unit, "baseline")
    post_and_run(
        client_for(researcher),
        url("import", unit),
        {"file": upload("respondent,ucla\nR1,1\n"), "wave": baseline.pk},
    )
    batch = ImportBatch.objects.get(unit=unit)
    assert client_for(facilitator).post(url("import_confirm", unit, pk=batch.pk)).status_code == 403
    assert client_for(facilitator).get(url("import_status", unit, pk=batch.pk)).status_code == 403
    assert nothing_written(unit)


def test_upload_form_refuses_other_file_types_and_large_files(
    unit, researcher, client_for, settings
):
    make_codebook(unit)
    client = client_for(researcher)
    response = client.post(url("import", unit), {"file": upload("x", name="data.pdf")})
    assert response.status_code == 400
    assert "Upload a .csv, .xlsx or .ods file" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 10
    response = client.post(url("import", unit), {"file": upload("respondent,ucla\nR1,1\n")})
    assert response.status_code == 400
    assert "The file is too large" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_xlsx_upload_on_the_page(unit, researcher, client_for, post_and_run):
    from .import_helpers import xlsx_bytes

    make_codebook(unit)
    content = xlsx_bytes([["respondent", "wave", "ucla"], ["R1", "final", 2]])
    response = post_and_run(
        client_for(researcher), url("import", unit), {"file": upload(content, name="data.xlsx")}
    )
    assert response.status_code == 200
    assert "1 new value will be added." in response.content.decode()


# --- Import: while a worker is at it, and when the broker is down ------------------------


def test_the_upload_answers_at_once_and_the_page_polls_until_checked(
    unit, researcher, client_for, django_capture_on_commit_callbacks
):
    make_codebook(unit)
    client = client_for(researcher)
    data = {"file": upload("respondent,ucla\nR1,1\n"), "wave": wave(unit, "baseline").pk}
    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = client.post(url("import", unit), data)
    batch = ImportBatch.objects.get(unit=unit)
    assert response.status_code == 302
    assert response["Location"] == url("import_batch", unit, pk=batch.pk)
    # The check is sent on commit (the other callback marks the stored file as kept).
    sends = [callback for callback in sent if callback.__module__ != "bpu.stored_files"]
    assert (batch.status, len(sends)) == ("queued", 1)
    status = url("import_status", unit, pk=batch.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to be checked" in page and f'hx-get="{status}"' in page
    from research.services import import_batch_process, progress_key

    sends[0]()  # the worker takes it
    batch.refresh_from_db()
    assert batch.status == "previewed"
    fragment = client.get(status).content.decode()
    assert "1 new value will be added." in fragment and "hx-get" not in fragment
    assert import_batch_process(batch.pk).status == "previewed"  # a second delivery: no-op
    from django.core.cache import cache

    # While it is being worked on, the progress shows.
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing")
    cache.set(progress_key(batch.pk), 42)
    fragment = client.get(status).content.decode()
    assert 'data-progress="42"' in fragment and "Being imported" in fragment


def test_broker_down_the_batch_stays_queued_and_is_sent_again(
    unit, researcher, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from research import tasks
    from research.services import import_batches_resend_stale

    make_codebook(unit)
    client = client_for(researcher)

    def down(*args, **kwargs):
        raise OperationalError("Connection refused")

    data = {"file": upload("respondent,ucla\nR1,1\n"), "wave": wave(unit, "baseline").pk}
    # (monkeypatch.context, not undo(): undo would also lift the in-process tasks.)
    with monkeypatch.context() as broker, django_capture_on_commit_callbacks(execute=True):
        broker.setattr(tasks.process_import_task, "apply_async", down)
        response = client.post(url("import", unit), data)
    assert response.status_code == 302  # the page does not fail
    batch = ImportBatch.objects.get(unit=unit)
    assert batch.status == "queued"
    # Five minutes later the beat task sends it again, and a worker checks it.
    later = timezone.now() + timedelta(minutes=6)
    assert import_batches_resend_stale(now=later) == {"resent": [batch.pk], "failed": []}
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_a_worker_that_died_mid_import_is_restarted_then_given_up(unit, researcher, settings):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from research.services import import_batches_resend_stale

    make_codebook(unit)
    batch = ImportBatch(
        unit=unit,
        wave=wave(unit, "baseline"),
        status="importing",
        attempts=1,
        # Confirmed by a researcher of the unit: the worker writes in their name.
        confirmed_by=researcher,
    )
    batch.file.save("data.csv", ContentFile(b"respondent,ucla\nR1,3\n"), save=False)
    batch.started_at = timezone.now()
    batch.save()
    later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    assert import_batches_resend_stale(now=later) == {"resent": [batch.pk], "failed": []}
    batch.refresh_from_db()
    assert batch.status == "confirmed"
    assert values(unit) == {("R1", "baseline", "ucla"): 3.0}

    stuck = ImportBatch(unit=unit, status="checking", attempts=3, started_at=timezone.now())
    stuck.save()
    assert import_batches_resend_stale(now=later) == {"resent": [], "failed": [stuck.pk]}
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert stuck.error.startswith("The work stopped 3 times without finishing")


# --- Waves -------------------------------------------------------------------------


def test_the_waves_page_shows_the_three_default_waves(unit, facilitator, client_for):
    from research.services.waves import waves_ensure_defaults

    waves_ensure_defaults(unit=unit)  # as when the unit is created
    page = client_for(facilitator).get(url("waves", unit)).content.decode()
    codes = list(Wave.objects.filter(unit=unit).values_list("code", flat=True))
    assert codes == ["baseline", "intermediary", "final"]
    assert "Baseline" in page and "Intermediary" in page and "Final" in page


def test_research_pages_of_a_unit_without_waves_write_nothing(unit, researcher, client_for):
    """Reads never write: a unit without waves (older data) shows an empty state."""
    client = client_for(researcher)
    for name in ("overview", "waves", "import", "statistics"):
        response = client.get(url(name, unit))
        assert response.status_code == 200, name
        if name in ("overview", "waves"):
            assert "This unit has no waves yet." in response.content.decode(), name
    assert not Wave.objects.filter(unit=unit).exists()


def test_researcher_dates_a_wave_and_adds_one(unit, researcher, client_for):
    client = client_for(researcher)
    client.get(url("waves", unit))
    baseline = wave(unit, "baseline")
    prefix = f"wave-{baseline.pk}"
    response = client.post(
        url("wave_edit", unit, pk=baseline.pk),
        {f"{prefix}-label": "Nulmeting", f"{prefix}-date": "2026-03-01"},
    )
    assert response.status_code == 302
    baseline.refresh_from_db()
    assert (baseline.label, baseline.date) == ("Nulmeting", date(2026, 3, 1))

    response = client.post(
        url("waves", unit), {"new-code": "followup", "new-label": "Follow-up", "new-date": ""}
    )
    assert response.status_code == 302
    assert list(Wave.objects.filter(unit=unit).values_list("code", flat=True))[-1] == "followup"

    response = client.post(url("waves", unit), {"new-code": "Final", "new-label": "Again"})
    assert response.status_code == 400
    assert "A wave with code Final already exists." in response.content.decode()


# --- Export ------------------------------------------------------------------------


def test_export_download(unit, researcher, client_for):
    make_codebook(unit)
    run_import(unit, "respondent,note\nR1,=1+1\n")
    response = client_for(researcher).get(url("export", unit) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffunit,respondent,wave,measure,value")
    assert f"{unit.slug},R1,baseline,note,'=1+1" in body

    response = client_for(researcher).get(url("export", unit) + "?format=xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


# --- Queries do not grow with the data -------------------------------------------------


def test_overview_queries_do_not_grow(unit, researcher, client_for, django_assert_num_queries):
    make_codebook(unit)
    client = client_for(researcher)
    page = url("overview", unit)
    run_import(unit, "respondent,ucla\nR1,1\n")
    client.get(page)
    # session, user; savepoint, unit, membership, waves, values per wave, measures count,
    # recent imports, release; the session save (3).
    with django_assert_num_queries(14):
        client.get(page)
    rows = "".join(f"R{i},{1 + i % 4},{i % 11}\n" for i in range(200))
    run_import(unit, "respondent,ucla,djg\n" + rows, wave_code="final")
    run_import(unit, "respondent,ucla\nR1,2\n", wave_code="intermediary")
    with django_assert_num_queries(14):
        client.get(page)


def test_import_page_queries_do_not_grow(unit, researcher, client_for, django_assert_num_queries):
    make_codebook(unit)
    client = client_for(researcher)
    page = url("import", unit)
    run_import(unit, "respondent,ucla\nR1,1\n")
    client.get(page)
    # session, user; savepoint, unit, membership, measures, waves of the form, imports,
    # release; the session save (3).
    with django_assert_num_queries(13) as first:
        client.get(page)
    for _ in range(5):
        run_import(unit, "respondent,ucla\nR1,2\n")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(page)


def test_unconfirmed_previews_are_forgotten_after_a_day(
    unit, researcher, client_for, settings, post_and_run
):
    from datetime import timedelta

    from django.utils import timezone

    make_codebook(unit)
    client = client_for(researcher)
    data = {"file": upload("respondent,ucla\nR1,1\n"), "wave": wave(unit, "baseline").pk}
    post_and_run(client, url("import", unit), data)
    old = ImportBatch.objects.get(unit=unit)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    path = settings.MEDIA_ROOT / old.file.name
    assert path.exists()
    data = {"file": upload("respondent,ucla\nR2,1\n"), "wave": wave(unit, "baseline").pk}
    post_and_run(client, url("import", unit), data)
    assert not ImportBatch.objects.filter(pk=old.pk).exists()
    assert not path.exists()
    assert ImportBatch.objects.filter(unit=unit, status="previewed").count() == 1


def test_default_wave_labels_are_shown_in_the_readers_language(unit, researcher, client_for):
    wave(unit)  # the default waves, as when the unit is created
    researcher.language = "nl"
    researcher.save()
    client = client_for(researcher)
    page = client.get(url("waves", unit), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nulmeting" in page and "Eindmeting" in page
    assert Wave.objects.get(unit=unit, code="baseline").label == "Baseline"


# --- Safe codes, and one submission one effect ---------------------------------------


def test_a_wave_code_cannot_start_with_a_hyphen(unit, researcher, client_for):
    response = client_for(researcher).post(
        url("waves", unit), {"new-code": "-A1-B1", "new-label": "Formula"}
    )
    assert response.status_code == 400
    assert (
        "Use only letters, digits, hyphens (-) and underscores (_), and start with a letter, "
        "a digit or an underscore." in response.content.decode()
    )
    assert not Wave.objects.filter(unit=unit, code="-A1-B1").exists()


def _blind(monkeypatch, model, method):
    """A double click: the second request checks before the first one's row is committed,
    so its check sees no row of ``model`` (once), and its insert meets the first one's."""
    from django.db.models.query import QuerySet

    original = getattr(QuerySet, method)
    state = {"blind": True}

    def blinded(self, *args, **kwargs):
        if self.model is model and state["blind"]:
            state["blind"] = False
            return False if method == "exists" else iter([])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, method, blinded)


def test_adding_a_wave_twice_at_once_is_one_wave_and_a_form_error(
    unit, researcher, client_for, monkeypatch
):
    client = client_for(researcher)
    data = {"new-code": "t9", "new-label": "T9"}
    assert client.post(url("waves", unit), data).status_code == 302
    _blind(monkeypatch, Wave, "exists")
    response = client.post(url("waves", unit), data)
    assert response.status_code == 400
    assert "A wave with code t9 already exists." in response.content.decode()
    assert Wave.objects.filter(unit=unit, code="t9").count() == 1


def test_adding_a_measure_twice_at_once_is_one_measure_and_a_form_error(
    unit, researcher, client_for, monkeypatch
):
    from research.models import Measure

    client = client_for(researcher)
    data = {"code": "ucla", "label": "UCLA", "type": "text", "respondent": "client", "order": 1}
    assert client.post(url("measure_add", unit), data).status_code == 302
    _blind(monkeypatch, Measure, "exists")
    response = client.post(url("measure_add", unit), data)
    assert response.status_code == 200
    assert "A measure with code ucla already exists." in response.content.decode()
    assert Measure.objects.filter(unit=unit, code="ucla").count() == 1


def test_uploading_a_codebook_twice_at_once_is_one_set_of_measures(
    unit, researcher, client_for, monkeypatch
):
    from research.models import Measure

    client = client_for(researcher)
    content = "code,label,type\nucla,UCLA,text\nnew,New,text\n"
    response = client.post(url("codebook", unit), {"file": upload(content)})
    assert response.status_code == 302
    _blind(monkeypatch, Measure, "__iter__")
    response = client.post(url("codebook", unit), {"file": upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file has 1 problem; nothing was changed." in page
    assert (
        "<tr><td>2</td><td>code</td><td>A measure with code ucla already exists (added while "
        "this file was read); upload the codebook again to update it.</td></tr>" in page
    )
    assert sorted(Measure.objects.filter(unit=unit).values_list("code", flat=True)) == [
        "new",
        "ucla",
    ]


@pytest.mark.parametrize(
    "name", ["overview", "codebook", "waves", "import", "statistics", "materials", "themes"]
)
def test_every_research_page_has_the_same_tabs(unit, researcher, client_for, name):
    html = client_for(researcher).get(url(name, unit)).content.decode()
    tabs = html[html.index('class="nav nav-pills mb-3 flex-wrap research-nav"') :]
    tabs = tabs[: tabs.index("</ul>")]
    for tab in ("overview", "codebook", "waves", "import", "statistics", "materials", "themes"):
        assert f'href="{url(tab, unit)}"' in tabs
    assert tabs.count('aria-current="page"') == 1
