"""What the apps above units add to it, without units importing them.

units is the ground floor: it knows nothing of phases, research or reports. Where
a unit page, the dashboard, the demo or the creation of a unit needs something
from a higher app, that app registers it here from its ``AppConfig.ready()``
(as ``phases.criteria`` does for the exit criteria of a phase)::

    from django.utils.translation import gettext_lazy as _
    from units import registry
    from units.access import Perm

    registry.register_tab(
        key="research", label=_("Research"), url_name="research:overview",
        order=70, perm=Perm.VIEW_RESEARCH,
    )

Registering under a key that exists replaces the entry, so ``ready()`` may run twice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .access import Perm
from .addresses import unit_url

# --- Dashboard: what needs a facilitator's attention ----------------------------------


@dataclass(frozen=True)
class AttentionSource:
    """``attention(units) -> {unit id: [message, ...]}``, at a fixed number of queries
    whatever the number of units (the dashboard asks every source on every visit)."""

    key: str
    attention: Callable
    order: int = 100


class AttentionLink(str):
    """An attention message that leads to where it can be dealt with (``url``)."""

    url: str

    def __new__(cls, text: str, url: str):
        message = super().__new__(cls, text)
        message.url = url
        return message


_ATTENTION: dict[str, AttentionSource] = {}


def register_attention(*, key: str, attention: Callable, order: int = 100) -> AttentionSource:
    _ATTENTION[key] = AttentionSource(key=key, attention=attention, order=order)
    return _ATTENTION[key]


def attention_sources() -> list[AttentionSource]:
    return sorted(_ATTENTION.values(), key=lambda s: (s.order, s.key))


# --- The tabs of a unit's pages ----------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    """One tab of a unit's navigation: ``key`` is the ``active`` value a page passes to
    ``units/_unit_nav.html``; the URL is reversed with the unit's slug."""

    key: str
    label: str  # lazily translated
    url_name: str
    order: int
    perm: Perm = Perm.VIEW


@dataclass(frozen=True)
class TabLink:
    key: str
    label: str
    url: str


_TABS: dict[str, Tab] = {}


def register_tab(*, key: str, label, url_name: str, order: int, perm: Perm = Perm.VIEW) -> Tab:
    if not isinstance(perm, Perm):
        raise TypeError(f"The tab {key!r} needs a units.access.Perm, not {perm!r}.")
    _TABS[key] = Tab(key=key, label=label, url_name=url_name, order=order, perm=perm)
    return _TABS[key]


def tabs() -> list[Tab]:
    return sorted(_TABS.values(), key=lambda t: (t.order, t.key))


def tab_links(unit, perms) -> list[TabLink]:
    """The tabs ``perms`` allow, with their URLs. No query; a URL name that does not
    reverse raises (a missing tab is a bug, not something to hide)."""
    return [
        TabLink(key=t.key, label=t.label, url=unit_url(t.url_name, unit.slug))
        for t in tabs()
        if t.perm in perms
    ]


# --- The overview page of a unit ---------------------------------------------------------


@dataclass(frozen=True)
class OverviewPanel:
    """A template included on the unit's overview page, below its theme. It gets the
    page's context (``unit``, ``access``); it should cost a fixed number of queries."""

    key: str
    template: str
    order: int = 100


_PANELS: dict[str, OverviewPanel] = {}


def register_overview_panel(*, key: str, template: str, order: int = 100) -> OverviewPanel:
    _PANELS[key] = OverviewPanel(key=key, template=template, order=order)
    return _PANELS[key]


def overview_panels() -> list[OverviewPanel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


# --- The demo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSeeder:
    """``seed(demo)`` adds an app's part of the demo (``units.demo.Demo``); seeders run
    by ``order``, later ones building on earlier ones. Each checks before it creates."""

    key: str
    seed: Callable
    order: int


_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(*, key: str, seed: Callable, order: int) -> DemoSeeder:
    _SEEDERS[key] = DemoSeeder(key=key, seed=seed, order=order)
    return _SEEDERS[key]


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_SEEDERS.values(), key=lambda s: (s.order, s.key))


# --- A unit was created ----------------------------------------------------------------


_UNIT_CREATED: dict[str, Callable] = {}


def register_unit_created(*, key: str, hook: Callable) -> None:
    """``hook(unit=unit)`` runs inside ``units.services.unit_create``'s transaction,
    after the unit and its facilitator exist: what a higher app needs every unit to
    have (a unit's default waves) is made with the unit, never later on a GET."""
    _UNIT_CREATED[key] = hook


def unit_created(*, unit) -> None:
    for key in sorted(_UNIT_CREATED):
        _UNIT_CREATED[key](unit=unit)


# --- Events: something happened that people may want to hear about ---------------------


_LISTENERS: dict[str, dict[str, Callable]] = {}

# The events units and the apps above it emit, with what they pass along.
EVENTS = {
    "session.planned": "sessions (one, or a series), actor",
    "session.moved": "sessions (the one moved or changed place), actor",
    "session.cancelled": "sessions (the one cancelled), actor",
    "invitation.accepted": "invitation, membership",
    "experiment.commented": "comment",
    "action_step.assigned": "step, actor",
    "phase.changed": "transition",
    "report.finished": "report",
    "unit.retention_due": "unit, ends_on (the day its personal data is removed)",
}


def register_listener(*, event: str, key: str, listener: Callable) -> None:
    """``listener(**payload)`` runs for every ``emit(event, ...)``, inside the emitter's
    transaction: what it writes is rolled back with the change that caused it, and
    anything it sends must wait for ``transaction.on_commit``."""
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event!r}; add it to units.registry.EVENTS.")
    _LISTENERS.setdefault(event, {})[key] = listener


def emit(event: str, **payload) -> None:
    if event not in EVENTS:
        raise ValueError(f"Unknown event {event!r}; add it to units.registry.EVENTS.")
    for key in sorted(_LISTENERS.get(event, {})):
        _LISTENERS[event][key](**payload)


# --- The dashboard's "My work": what is waiting for the person ---------------------------


@dataclass(frozen=True)
class WorkItem:
    """One line of "My work": a text, where it leads, and whether it is late."""

    text: str
    url: str
    unit: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class WorkSource:
    """``items(user, units) -> [WorkItem, ...]`` at a fixed number of queries (one or two).

    ``units`` are the person's current units as the dashboard read them
    (``selectors.units_for_dashboard``, with their next session): a source filters on
    their ids rather than joining the memberships again."""

    key: str
    label: str  # lazily translated
    items: Callable
    order: int = 100


_WORK: dict[str, WorkSource] = {}


def register_my_work(*, key: str, label, items: Callable, order: int = 100) -> WorkSource:
    _WORK[key] = WorkSource(key=key, label=label, items=items, order=order)
    return _WORK[key]


def my_work(user, units) -> list[tuple[WorkSource, list[WorkItem]]]:
    """Every source with what it has for ``user`` in ``units`` (their current units);
    sources with nothing are left out."""
    found = []
    for source in sorted(_WORK.values(), key=lambda s: (s.order, s.key)):
        items = source.items(user, units)
        if items:
            found.append((source, items))
    return found
