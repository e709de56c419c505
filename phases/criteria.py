"""Exit criteria of the six phases: a registry other apps add to.

A criterion is a code, the phase it belongs to, a translatable label and a
check ``check(unit) -> bool`` that decides from the data whether it is met.
Checks should cost one query each (or none): the overview page and the
dashboard evaluate a phase's criteria on every visit.

Other apps register their criteria in a module imported from their
``AppConfig.ready()``::

    from django.utils.translation import gettext_lazy as _
    from phases.criteria import criterion

    @criterion(phase=3, code="baseline_wave", label=_("The baseline wave has data"))
    def baseline_wave_has_data(unit):
        return Observation.objects.filter(wave__unit=unit, wave__kind="baseline").exists()
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from units.choices import Phase
from units.models import GROUP_SIZE_MAX, GROUP_SIZE_MIN, Membership, Role


@dataclass(frozen=True)
class Criterion:
    code: str
    phase: int
    label: str
    check: Callable
    order: int = 100


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    met: bool

    @property
    def code(self) -> str:
        return self.criterion.code

    @property
    def label(self) -> str:
        return self.criterion.label


_REGISTRY: dict[str, Criterion] = {}


def register_criterion(*, phase: int, code: str, label, check: Callable, order: int = 100):
    """Add (or replace, by code) an exit criterion of ``phase``."""
    if phase not in Phase.values:
        raise ValueError(f"Unknown phase {phase!r} for criterion {code!r}.")
    _REGISTRY[code] = Criterion(code=code, phase=phase, label=label, check=check, order=order)
    return _REGISTRY[code]


def criterion(*, phase: int, code: str, label, order: int = 100):
    """Decorator form of ``register_criterion``: the decorated function is the check."""

    def decorator(check: Callable) -> Callable:
        register_criterion(phase=phase, code=code, label=label, check=check, order=order)
        return check

    return decorator


def criteria_for_phase(phase: int) -> list[Criterion]:
    return sorted(
        (c for c in _REGISTRY.values() if c.phase == phase), key=lambda c: (c.order, c.code)
    )


def get_criterion(code: str) -> Criterion | None:
    return _REGISTRY.get(code)


# What the checks of one evaluation share (the unit's project design): read once.
_shared_reads: ContextVar[dict | None] = ContextVar("criteria_shared_reads", default=None)


def evaluate_phase(unit, phase: int | None = None) -> list[CriterionResult]:
    """Every exit criterion of ``phase`` (default: the unit's current phase), checked."""
    phase = unit.phase if phase is None else phase
    token = _shared_reads.set({})
    try:
        return [CriterionResult(c, bool(c.check(unit))) for c in criteria_for_phase(phase)]
    finally:
        _shared_reads.reset(token)


def unmet_criteria(unit, phase: int | None = None) -> list[CriterionResult]:
    return [r for r in evaluate_phase(unit, phase) if not r.met]


# --- The criteria this app knows about ------------------------------------------


def _design(unit):
    """The unit's project design (or None), read once per evaluation of a phase."""
    from .models import ProjectDesign

    reads = _shared_reads.get()
    key = ("design", unit.pk)
    if reads is None or key not in reads:
        design = ProjectDesign.objects.filter(unit=unit).first()
        if reads is None:
            return design
        reads[key] = design
    return reads[key]


@criterion(phase=Phase.AMBITION, code="ambition", label=_("The ambition is written down"), order=10)
def _ambition(unit):
    design = _design(unit)
    return bool(design and design.ambition != "")


@criterion(
    phase=Phase.AMBITION,
    code="project_design",
    label=_("The project design gives the duration and the research design"),
    order=20,
)
def _project_design(unit):
    design = _design(unit)
    return bool(design and design.has_design)


@criterion(
    phase=Phase.SELECTION, code="facilitator", label=_("A facilitator is a member"), order=10
)
def _facilitator(unit):
    return Membership.objects.current().filter(unit=unit, role=Role.FACILITATOR).exists()


@criterion(phase=Phase.SELECTION, code="researcher", label=_("A researcher is a member"), order=20)
def _researcher(unit):
    return Membership.objects.current().filter(unit=unit, role=Role.RESEARCHER).exists()


def group_size(unit) -> int:
    """Current members who take part in the group (managers and stakeholders only watch)."""
    return Membership.objects.current().filter(unit=unit).exclude(role=Role.MANAGER).count()


@criterion(
    phase=Phase.SELECTION,
    code="group_size",
    label=_("The group has 7 to 12 members, or a reason why not is given"),
    order=30,
)
def _group_size(unit):
    if GROUP_SIZE_MIN <= group_size(unit) <= GROUP_SIZE_MAX:
        return True
    design = _design(unit)
    return bool(design and design.group_size_reason.strip())


@criterion(
    phase=Phase.BASELINE,
    code="baseline_assessment",
    label=_("The baseline assessment names at least one strength and one point for improvement"),
    order=10,
)
def _baseline_assessment(unit):
    from .models import BaselineItem

    kinds = set(BaselineItem.objects.filter(unit=unit).values_list("kind", flat=True).distinct())
    return kinds >= {BaselineItem.Kind.STRENGTH, BaselineItem.Kind.IMPROVEMENT}


@criterion(
    phase=Phase.PLAN,
    code="goals_with_steps",
    label=_("At least one goal has action steps"),
    order=10,
)
def _goals_with_steps(unit):
    from .models import ActionStep

    return ActionStep.objects.filter(goal__unit=unit).exists()


@criterion(
    phase=Phase.PLAN, code="plan_approved", label=_("The plan of action is approved"), order=20
)
def _plan_approved(unit):
    from .models import PlanVersion

    return PlanVersion.objects.filter(unit=unit).exists()


@criterion(
    phase=Phase.REALIZATION,
    code="plan_revised",
    label=_("A revised plan (version 2 or later) says why it changed"),
    order=20,
)
def _plan_revised(unit):
    from .models import PlanVersion

    return PlanVersion.objects.filter(unit=unit, number__gte=2).exclude(reason="").exists()


@criterion(
    phase=Phase.OUTCOMES, code="product", label=_("At least one product is recorded"), order=20
)
def _product(unit):
    from .models import Product

    return Product.objects.filter(unit=unit).exists()
