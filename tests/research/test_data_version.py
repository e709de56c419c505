"""The version of a unit's research data: the statistics cache key. Every service that
writes or deletes values gives it a new one; reading it does not touch the values."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from research.models import DataVersion
from research.selectors import data_version
from research.services import measure_delete
from research.statistics import unit_statistics

from .import_helpers import make_codebook, run_import, wave

pytestmark = pytest.mark.django_db


def test_a_confirmed_import_gives_the_data_a_new_version(unit):
    make_codebook(unit)
    before = data_version(unit)
    assert run_import(unit, "respondent,ucla\nR1,1\n").ok
    after = data_version(unit)
    assert after and after != before


def test_a_preview_or_a_refused_file_keeps_the_version(unit):
    make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,1\n")
    version = data_version(unit)
    assert run_import(unit, "respondent,ucla\nR1,2\n", dry_run=True).ok
    assert not run_import(unit, "respondent,ucla\nR1,9\n").ok  # 9 is above the maximum
    assert data_version(unit) == version


def test_deleting_a_measure_with_values_gives_a_new_version(unit):
    measures = make_codebook(unit)
    run_import(unit, "respondent,ucla,djg\nR1,1,3\n")
    version = data_version(unit)
    measure_delete(measure=measures["djg"])
    assert data_version(unit) != version
    assert unit_statistics(unit).measure("djg") is None


def test_new_values_are_in_the_statistics_at_once_and_a_cached_read_skips_the_values(unit):
    make_codebook(unit)
    run_import(unit, "respondent,ucla\nR1,1\nR2,3\n")
    assert unit_statistics(unit).measure("ucla").for_wave("baseline").mean == 2
    run_import(unit, "respondent,ucla\nR3,2\nR4,2\n")
    with CaptureQueriesContext(connection) as cached_or_not:
        stats = unit_statistics(unit)
    assert stats.measure("ucla").for_wave("baseline").mean == 2
    assert stats.measure("ucla").for_wave("baseline").n == 4
    # Computed (new version): the values were read.
    assert any("research_observation" in q["sql"] for q in cached_or_not.captured_queries)

    with CaptureQueriesContext(connection) as cached:
        assert unit_statistics(unit).measure("ucla").for_wave("baseline").n == 4
    # The waves, the codebook and the version row: not one look at the values.
    assert len(cached) == 3
    assert not any("research_observation" in q["sql"] for q in cached.captured_queries)


def test_every_unit_has_its_own_version(unit):
    from tests.factories import UnitFactory

    other = UnitFactory()
    make_codebook(unit)
    make_codebook(other)
    run_import(unit, "respondent,ucla\nR1,1\n")
    run_import(other, "respondent,ucla\nR1,1\n")
    assert DataVersion.objects.count() >= 2
    assert data_version(unit) != data_version(other)


def test_the_import_task_leaves_the_statistics_ready_for_the_first_view(
    unit, researcher, client_for, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from research.models import ImportBatch

    make_codebook(unit)
    client = client_for(researcher)
    upload = io.BytesIO(b"respondent,ucla\nR1,2\nR2,4\n")
    upload.name = "data.csv"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("research:import", kwargs={"slug": unit.slug}),
            {"file": upload, "wave": wave(unit, "baseline").pk},
        )
    batch = ImportBatch.objects.get(unit=unit, status="previewed")
    confirm = reverse("research:import_confirm", kwargs={"slug": unit.slug, "pk": batch.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    batch.refresh_from_db()
    assert batch.status == "confirmed"

    with CaptureQueriesContext(connection) as first_view:
        stats = unit_statistics(unit)
    assert stats.measure("ucla").for_wave("baseline").mean == 3
    assert not any("research_observation" in q["sql"] for q in first_view.captured_queries)
