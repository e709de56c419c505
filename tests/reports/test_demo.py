import pytest

from reports import demo as reports_demo
from reports.models import Report, Status
from units.demo import Demo

from ..factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_the_demo_renders_the_reports_each_unit_has_reached_once(researcher, unit):
    early = UnitFactory()
    demo = Demo(
        people={"researcher@example.org": researcher},
        units={unit.slug: unit, early.slug: early},
        target_phase={unit.slug: 5, early.slug: 2},
    )

    reports_demo.seed(demo)
    reports_demo.seed(demo)

    made = Report.objects.order_by("kind").values_list("unit__slug", "kind", "status", "language")
    assert list(made) == [
        (unit.slug, "baseline", Status.DONE, "nl"),
        (unit.slug, "intermediary", Status.DONE, "nl"),
    ]
