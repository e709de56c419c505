"""The statistics page: what a researcher or manager sees, who may see it, and that
it costs the same number of queries for one measure as for many."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from research.statistics import unit_statistics

from .analysis_data import add_values, make_measure


def _url(unit):
    return reverse("research:statistics", kwargs={"slug": unit.slug})


def _fill(unit, n_measures, n_respondents):
    for i in range(n_measures):
        m = make_measure(unit, f"m{i}")
        for k, wave in enumerate(("baseline", "intermediary", "final")):
            add_values(
                unit, m, wave, {f"R{r:04d}": 1 + (r + k + i) % 5 for r in range(n_respondents)}
            )


@pytest.mark.django_db
def test_unit_statistics_matches_the_observations(unit):
    m = make_measure(unit, "wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6, "c": 5, "d": None})
    add_values(unit, m, "final", {"a": 6, "b": 7, "c": 8, "e": 9})
    yn = make_measure(unit, "has_network", type="yesno")
    add_values(unit, yn, "baseline", {"a": 0, "b": 1, "c": 0})
    add_values(unit, yn, "final", {"a": 1, "b": 1, "c": 1})
    txt = make_measure(unit, "remarks", type="text")
    add_values(unit, txt, "final", {"a": "fine", "f": "better"})

    stats = unit_statistics(unit)

    assert [w.code for w in stats.waves] == ["baseline", "intermediary", "final"]
    assert stats.n_respondents == 5  # a, b, c, e (numbers) and f (text); d is missing
    well = stats.measure("wellbeing")
    assert well.for_wave("baseline").n == 3 and well.for_wave("baseline").mean == 5
    assert well.for_wave("intermediary").n == 0
    assert well.for_wave("final").mean == 7.5
    final_change = next(c.change for c in well.changes if c.wave_code == "final")
    assert final_change.n_pairs == 3  # a, b, c: e has no baseline
    assert final_change.mean_difference == pytest.approx(2)  # (2 + 1 + 3) / 3
    assert final_change.direction == "no_clear_change"  # 2 +- 2.48 includes 0
    network = stats.measure("has_network")
    assert network.for_wave("baseline").proportion == pytest.approx(1 / 3)
    assert network.for_wave("final").count_yes == 3
    assert stats.measure("remarks").for_wave("final").n == 2
    assert stats.measure("remarks").changes == []


def test_researcher_sees_tables_and_charts(client_for, researcher, unit):
    m = make_measure(unit, "wellbeing", label="Wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6, "c": 5, "d": 3})
    add_values(unit, m, "final", {"a": 6, "b": 8, "c": 8, "d": 5})
    response = client_for(researcher).get(_url(unit))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wellbeing" in html
    assert "4.50" in html and "6.75" in html  # means at baseline and final
    assert "+2.25" in html  # mean difference: 2, 2, 3, 2; 95% CI 1.45 to 3.05
    assert "improved" in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    ET.fromstring(svg)


def test_numbers_in_dutch_for_a_dutch_reader(client_for, researcher, unit):
    researcher.language = "nl"
    researcher.save()
    m = make_measure(unit, "wellbeing")
    add_values(unit, m, "baseline", {"a": 3, "b": 3.94, "c": 3.47})
    client = client_for(researcher)
    client.cookies["django_language"] = "nl"
    html = client.get(_url(unit), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "3,47" in html  # the median


def test_empty_states(client_for, researcher, unit):
    client = client_for(researcher)
    assert "no measures yet" in client.get(_url(unit)).content.decode()
    make_measure(unit, "wellbeing")
    html = client.get(_url(unit)).content.decode()
    assert "No data has been imported yet." in html
    assert "<svg" not in html


def test_who_may_see_the_statistics(
    client_for, unit, researcher, manager, facilitator, member, outsider
):
    url = _url(unit)
    assert client_for(researcher).get(url).status_code == 200
    assert client_for(manager).get(url).status_code == 200
    assert client_for(facilitator).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(researcher)
        .get(reverse("research:statistics", kwargs={"slug": "no-such-unit"}))
        .status_code
        == 404
    )


def test_query_count_does_not_grow_with_measures_or_respondents(
    client_for, researcher, unit, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MembershipFactory, UnitFactory

    client = client_for(researcher)
    _fill(unit, 1, 2)
    client.get(_url(unit))  # the waves exist from now on
    cache.clear()
    # session, user, unit, membership, waves, measures, data version, the numbers,
    # the texts, the bell's unread count (plus savepoints and the session's
    # idle-time update: fixed in number)
    with CaptureQueriesContext(connection) as cold:
        assert client.get(_url(unit)).status_code == 200
    n_cold = len(cold)  # read now: the next request clears Django's query log
    assert sum(q["sql"].startswith("SELECT") for q in cold.captured_queries) == 10
    # Computed once for this version of the data: the numbers are not read again.
    with CaptureQueriesContext(connection) as warm:
        assert client.get(_url(unit)).status_code == 200
    n_warm = len(warm)
    assert sum(q["sql"].startswith("SELECT") for q in warm.captured_queries) == 8

    big = UnitFactory()
    MembershipFactory(unit=big, user=researcher, role="researcher")
    _fill(big, 6, 60)
    client.get(_url(big))
    cache.clear()
    with django_assert_num_queries(n_cold):
        assert client.get(_url(big)).status_code == 200
    with django_assert_num_queries(n_warm):
        assert client.get(_url(big)).status_code == 200


def test_new_data_is_shown_at_once(unit):
    from django.utils import timezone

    from research.models import Observation
    from research.services import data_version_bump

    m = make_measure(unit, "wellbeing")
    add_values(unit, m, "baseline", {"a": 2, "b": 4})
    assert unit_statistics(unit).measure("wellbeing").for_wave("baseline").mean == 3
    add_values(unit, m, "baseline", {"c": 6})
    assert unit_statistics(unit).measure("wellbeing").for_wave("baseline").mean == 4
    # A value replaced, as the importer does it (it sets updated_at and a new data version).
    Observation.objects.filter(respondent="c").update(value_numeric=9, updated_at=timezone.now())
    data_version_bump(unit=unit)
    assert unit_statistics(unit).measure("wellbeing").for_wave("baseline").mean == 5
    m.label = "Well-being"
    m.save()
    assert unit_statistics(unit).measure("wellbeing").label == "Well-being"


def test_the_cached_page_shows_new_data_at_once(client_for, researcher, unit):
    """The tables are kept rendered per version of the data: an import gives a new
    version, so the next view shows the new numbers, never the kept ones."""
    m = make_measure(unit, "wellbeing", label="Wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 4, "b": 6})
    client = client_for(researcher)
    assert "5.00" in client.get(_url(unit)).content.decode()  # the mean, now kept
    add_values(unit, m, "baseline", {"c": 8})
    html = client.get(_url(unit)).content.decode()
    assert "6.00" in html and "5.00" not in html


def test_the_cached_page_speaks_the_readers_language(client_for, researcher, unit, manager):
    """An English reader's view is not served to a Dutch reader of the same data."""
    m = make_measure(unit, "wellbeing", minimum=0, maximum=10)
    add_values(unit, m, "baseline", {"a": 3, "b": 3.5})
    researcher.language = "en"
    researcher.save()
    manager.language = "nl"
    manager.save()
    english = client_for(researcher).get(_url(unit)).content.decode()
    dutch = client_for(manager).get(_url(unit)).content.decode()
    assert '<th scope="row">mean</th>' in english and "3.25" in english
    assert '<th scope="row">gemiddelde</th>' in dutch and "3,25" in dutch
    assert '<th scope="row">mean</th>' not in dutch
