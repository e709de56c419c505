"""Waves in time (issue 12): ordered by date then position, with a kind; empty waves can be
deleted; change runs from the baseline to the later waves in time; the programme
comparison compares the same kind of wave in every unit."""

import statistics as py_stats
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from scipy import stats as scipy_stats

from research.models import Wave, WaveKind
from research.programme import programme_comparison
from research.selectors import unit_waves
from research.services.waves import wave_create, wave_delete, wave_move, waves_ensure_defaults
from research.statistics import IMPROVED, NO_CLEAR_CHANGE, unit_statistics
from tests.factories import ProgrammeFactory, UnitFactory, UserFactory

from .analysis_data import (
    PILOT_BASELINE,
    PILOT_FINAL_DIFFS,
    add_values,
    make_measure,
    unit_with_waves_out_of_order,
)

IN_TIME = ["pilot", "baseline", "intermediary", "t2b", "final", "followup"]


def _url(name, unit, **kwargs):
    return reverse(f"research:{name}", kwargs={"slug": unit.slug, **kwargs})


# --- Order and kind --------------------------------------------------------------------


def test_waves_are_in_time_whenever_they_were_added(unit):
    unit_with_waves_out_of_order(unit)
    waves = unit_waves(unit)
    assert [w.code for w in waves] == IN_TIME
    assert [w.kind for w in waves] == [
        "pilot",
        "baseline",
        "intermediary",
        "intermediary",
        "final",
        "follow_up",
    ]


def test_waves_without_a_date_come_after_the_dated_ones_by_position(unit):
    waves_ensure_defaults(unit=unit)
    wave_create(unit=unit, code="extra", label="Extra", date=date(2026, 1, 1))
    assert [w.code for w in unit_waves(unit)] == ["extra", "baseline", "intermediary", "final"]


def test_default_waves_have_their_kinds(unit):
    assert [w.kind for w in waves_ensure_defaults(unit=unit)] == [
        "baseline",
        "intermediary",
        "final",
    ]


def test_the_data_migration_sets_kinds_and_keeps_the_order(unit):
    import importlib

    migration = importlib.import_module("research.migrations.0006_wave_kind_and_time")
    waves_ensure_defaults(unit=unit)
    wave_create(unit=unit, code="t4", label="T4")
    Wave.objects.filter(unit=unit).update(kind=WaveKind.INTERMEDIARY, order=7)
    Wave.objects.filter(unit=unit, code="t4").update(order=1)  # it came first before
    migration.set_kind_and_position(apps, None)
    rows = list(Wave.objects.filter(unit=unit).order_by("order").values_list("code", "kind"))
    # Ties on the old order are broken as the old ordering did (by date, then code).
    assert rows == [
        ("t4", "intermediary"),
        ("baseline", "baseline"),
        ("final", "final"),
        ("intermediary", "intermediary"),
    ]


def test_move_changes_the_order_of_waves_without_a_date(unit):
    waves = waves_ensure_defaults(unit=unit)
    wave_move(wave=waves[2], up=True)
    assert [w.code for w in unit_waves(unit)] == ["baseline", "final", "intermediary"]
    wave_move(wave=Wave.objects.get(unit=unit, code="baseline"), up=True)  # first: stays
    assert [w.code for w in unit_waves(unit)] == ["baseline", "final", "intermediary"]


def test_move_across_dates_is_refused(unit):
    unit_with_waves_out_of_order(unit)
    with pytest.raises(ValidationError, match="ordered by their date"):
        wave_move(wave=Wave.objects.get(unit=unit, code="t2b"), up=False)


def test_an_empty_wave_can_be_deleted_one_with_data_cannot(unit):
    unit_with_waves_out_of_order(unit)
    wave_delete(wave=Wave.objects.get(unit=unit, code="intermediary"))
    assert not Wave.objects.filter(unit=unit, code="intermediary").exists()
    with pytest.raises(ValidationError, match="has data and cannot be deleted"):
        wave_delete(wave=Wave.objects.get(unit=unit, code="final"))
    assert Wave.objects.filter(unit=unit, code="final").exists()


def test_delete_asks_first_and_refuses_a_wave_with_data(unit, researcher, client_for):
    unit_with_waves_out_of_order(unit)
    client = client_for(researcher)
    empty = Wave.objects.get(unit=unit, code="intermediary")
    page = client.get(_url("wave_delete", unit, pk=empty.pk))
    assert page.status_code == 200
    assert "Delete wave Intermediary?" in page.content.decode()
    assert Wave.objects.filter(pk=empty.pk).exists()  # nothing written on a GET
    response = client.post(_url("wave_delete", unit, pk=empty.pk), follow=True)
    assert "The wave was deleted." in response.content.decode()
    assert not Wave.objects.filter(pk=empty.pk).exists()

    final = Wave.objects.get(unit=unit, code="final")
    page = client.get(_url("wave_delete", unit, pk=final.pk)).content.decode()
    assert "The wave Final cannot be deleted" in page and 'type="submit"' not in page.split(
        "<main", 1
    )[-1].split("</main>")[0].replace('class="d-inline"', "")
    response = client.post(_url("wave_delete", unit, pk=final.pk), follow=True)
    assert "has data and cannot be deleted" in response.content.decode()
    assert Wave.objects.filter(pk=final.pk).exists()


def test_waves_page_lists_waves_in_time_with_kind(unit, researcher, client_for):
    unit_with_waves_out_of_order(unit)
    html = client_for(researcher).get(_url("waves", unit)).content.decode()
    positions = [html.index(f"<code>{code}</code>") for code in IN_TIME]
    assert positions == sorted(positions)
    assert "Follow-up" in html and "Pilot" in html


# --- Change from the baseline, in time -------------------------------------------------


def test_change_runs_from_the_baseline_to_each_later_wave_in_time(unit):
    unit_with_waves_out_of_order(unit)
    stats = unit_statistics(unit)
    assert [w.code for w in stats.waves] == IN_TIME
    assert stats.baseline.code == "baseline"
    assert [w.code for w in stats.later_waves] == ["intermediary", "t2b", "final", "followup"]
    lonely = stats.measure("lonely")
    assert [c.wave_code for c in lonely.changes] == ["intermediary", "t2b", "final", "followup"]
    assert lonely.for_wave("pilot").n == 3  # shown, but no change to it

    final = lonely.change_to("final")
    assert (final.n_baseline, final.n_later, final.n_pairs) == (12, 11, 11)
    assert final.mean_difference == pytest.approx(-16 / 11)
    sd = py_stats.stdev(PILOT_FINAL_DIFFS)
    assert final.sd_difference == pytest.approx(sd)
    later = [PILOT_BASELINE[f"r{i}"] + d for i, d in enumerate(PILOT_FINAL_DIFFS, start=1)]
    before = [PILOT_BASELINE[f"r{i}"] for i in range(1, 12)]
    interval = scipy_stats.ttest_rel(later, before).confidence_interval(0.95)
    assert final.ci_low == pytest.approx(interval.low)
    assert final.ci_high == pytest.approx(interval.high)
    assert final.effect_size == pytest.approx((16 / 11) / sd)  # lower is better: positive
    assert final.direction == IMPROVED

    single = lonely.change_to("t2b")
    assert single.n_pairs == 1 and single.mean_difference == -4  # r1: 5 -> 1
    assert single.ci_low is None and single.direction == NO_CLEAR_CHANGE
    assert lonely.change_to("followup").n_pairs == 2
    assert lonely.change_to("followup").too_few
    assert lonely.change_to("intermediary").n_pairs == 0
    assert lonely.change_to("intermediary").direction is None


def test_a_unit_whose_baseline_is_dated_later_than_a_pilot(unit):
    """A wave dated before the baseline is never a later wave, whatever its kind."""
    waves_ensure_defaults(unit=unit)
    Wave.objects.filter(unit=unit, code="baseline").update(date=date(2026, 3, 1))
    wave_create(unit=unit, code="early", label="Early", date=date(2026, 1, 1))
    stats = unit_statistics(unit)
    assert [w.code for w in stats.waves][:2] == ["early", "baseline"]
    assert "early" not in [w.code for w in stats.later_waves]


def test_statistics_page_shows_waves_in_time_and_small_samples(unit, researcher, client_for):
    unit_with_waves_out_of_order(unit)
    html = client_for(researcher).get(_url("statistics", unit)).content.decode()
    table = html[html.index('id="measure-lonely"') :]
    heads = [table.index(label) for label in ("Pilot", "Baseline", "Second intermediary")]
    assert heads == sorted(heads)
    assert "before the baseline" in table
    assert "only 1 pair: too few for a confidence interval" in table
    assert "only 2 pairs: too few for a confidence interval" in table
    assert "improved" in table  # to the final wave: 11 pairs, CI below 0
    assert "The 95% confidence interval does not include 0." in table
    assert _url("method", unit) in html


def test_statistics_page_in_dutch(unit, researcher, client_for):
    unit_with_waves_out_of_order(unit)
    m = make_measure(unit, "wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6, "c": 5})
    add_values(unit, m, "final", {"a": 6, "b": 7, "c": 8})  # 2, 1, 3: CI includes 0
    researcher.language = "nl"
    researcher.save()
    client = client_for(researcher)
    client.cookies["django_language"] = "nl"
    html = client.get(_url("statistics", unit), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "alleen 1 paar: te weinig voor een betrouwbaarheidsinterval" in html
    assert "geen duidelijke verandering" in html
    assert "verbeterd" in html
    assert "−1,45" in html or "-1,45" in html  # -16/11 with a decimal comma


def test_the_footnote_only_when_a_row_has_the_mark(unit, researcher, client_for):
    m = make_measure(unit, "wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6, "c": 5})
    add_values(unit, m, "final", {"a": 6, "b": 7, "c": 8})  # 2, 1, 3: CI includes 0
    html = client_for(researcher).get(_url("statistics", unit)).content.decode()
    assert "no clear change" in html
    assert "does not include 0" not in html
    assert "improved" not in html


def test_the_method_page(unit, researcher, client_for):
    html = client_for(researcher).get(_url("method", unit)).content.decode()
    assert "How we compute" in html
    assert "no clear change" in html and "Newcombe" in html and "Wilcoxon" in html
    assert "With fewer than 3 pairs" in html


# --- The programme comparison: like with like --------------------------------------------


def _programme_of_two(db):
    programme = ProgrammeFactory(name="Programme")
    first = UnitFactory(programme=programme, name="Alpha")
    second = UnitFactory(programme=programme, name="Beta")
    unit_with_waves_out_of_order(first)
    m = make_measure(second, "lonely", label="Loneliness", higher_is_better=False)
    add_values(second, m, "baseline", {"a": 4, "b": 5, "c": 4, "d": 5})
    add_values(second, m, "final", {"a": 3, "b": 3, "c": 3, "d": 4})
    return programme, first, second


def test_the_comparison_shows_baseline_to_final_in_every_unit(db):
    programme, first, second = _programme_of_two(db)
    data = programme_comparison(UserFactory(is_staff=True), programme)
    lonely = next(m for m in data.measures if m.code == "lonely")
    assert lonely.span.kind == "final" and lonely.span.same
    assert lonely.span.label == "Baseline → Final"
    alpha, beta = lonely.rows
    assert alpha.change.wave_code == "final" and alpha.change.change.n_pairs == 11
    assert alpha.change.change.direction == IMPROVED
    assert beta.change.wave_code == "final" and beta.change.change.n_pairs == 4
    assert not lonely.scales_differ
    # Columns: by kind, the pilot first and the follow-up last.
    assert [w.code for w in data.waves] == IN_TIME


def test_the_comparison_page_names_the_span(db, client_for):
    programme, first, second = _programme_of_two(db)
    url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
    html = client_for(UserFactory(is_staff=True)).get(url).content.decode()
    assert "change Baseline → Final" in html
    assert "11 pairs" in html and "1 pair)" not in html


def test_a_code_with_two_scales_is_flagged(db):
    programme, first, second = _programme_of_two(db)
    from research.models import Measure

    Measure.objects.filter(unit=second, code="lonely").update(max_value=10)
    data = programme_comparison(UserFactory(is_staff=True), programme)
    assert next(m for m in data.measures if m.code == "lonely").scales_differ


def test_units_without_a_common_kind_are_not_compared_as_if_they_were(db, client_for):
    programme = ProgrammeFactory()
    first, second = UnitFactory(programme=programme), UnitFactory(programme=programme)
    for u, later in ((first, "intermediary"), (second, "final")):
        m = make_measure(u, "lonely")
        add_values(u, m, "baseline", {"a": 1, "b": 2, "c": 3})
        add_values(u, m, later, {"a": 2, "b": 3, "c": 5})
    data = programme_comparison(UserFactory(is_staff=True), programme)
    lonely = data.measures[0]
    assert not lonely.span.same and lonely.span.kind is None
    assert [r.change.wave_code for r in lonely.rows] == ["intermediary", "final"]
    url = reverse("research_programme:comparison", kwargs={"slug": programme.slug})
    html = client_for(UserFactory(is_staff=True)).get(url).content.decode()
    assert "no later wave of the same kind" in html


# --- Queries ----------------------------------------------------------------------------


def test_waves_page_queries_do_not_grow_with_waves(
    unit, researcher, client_for, django_assert_num_queries
):
    client = client_for(researcher)
    waves_ensure_defaults(unit=unit)
    client.get(_url("waves", unit))
    # session, user; savepoint, unit, membership, the waves in time with whether each has
    # data, release; the unread count of the bell; the session save in its own
    # savepoint (3 queries).
    with django_assert_num_queries(11):
        client.get(_url("waves", unit))
    unit_with_waves_out_of_order(unit)
    with django_assert_num_queries(11):
        client.get(_url("waves", unit))


def test_method_page_queries(unit, researcher, client_for, django_assert_num_queries):
    client = client_for(researcher)
    client.get(_url("method", unit))
    # session, user; savepoint, unit, membership, release; the unread count of the bell;
    # the session save (3 queries).
    with django_assert_num_queries(10):
        assert client.get(_url("method", unit)).status_code == 200


def test_a_unit_has_one_baseline(unit, researcher, client_for):
    waves_ensure_defaults(unit=unit)
    with pytest.raises(ValidationError, match="already has a baseline: Baseline"):
        wave_create(unit=unit, code="b2", label="B2", kind=WaveKind.BASELINE)
    final = Wave.objects.get(unit=unit, code="final")
    prefix = f"wave-{final.pk}"
    response = client_for(researcher).post(
        _url("wave_edit", unit, pk=final.pk),
        {f"{prefix}-label": "Final", f"{prefix}-kind": "baseline", f"{prefix}-date": ""},
        follow=True,
    )
    assert "already has a baseline" in response.content.decode()
    final.refresh_from_db()
    assert final.kind == "final"
