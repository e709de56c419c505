"""The run chart's month labels never run into each other, however many months the
unit has lived and in either language ("September 2026", "september 2026")."""

from datetime import date

import pytest
from django.utils import translation

from phases.monitor import UnitSignals
from phases.monitor_chart import run_chart_svg
from phases.run_chart import MonthPoint
from tests.factories import UnitFactory
from tests.research.test_charts_legible import _overlaps, _text_boxes

pytestmark = pytest.mark.django_db


def _months(n):
    return [MonthPoint(month=date(2026 + (3 + i) // 12, (3 + i) % 12 + 1, 1)) for i in range(n)]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("n", [3, 10, 12, 24, 48])
def test_no_two_month_labels_overlap(language, n):
    signals = UnitSignals(unit=UnitFactory(), months=_months(n))
    with translation.override(language):
        _root, boxes = _text_boxes(run_chart_svg(signals))
    months = [b for b in boxes if b[4][-4:].isdigit() and b[4][:1].isalpha()]
    assert months, "the chart has month labels"
    assert [(a[4], b[4]) for a, b in zip(months, months[1:], strict=False) if _overlaps(a, b)] == []
    assert months[0][4] == ("april 2026" if language == "nl" else "April 2026")
