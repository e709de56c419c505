"""The data a report is made from, gathered once and stored with the report.

Everything here is plain JSON (codes, numbers, ISO dates), never translated
labels: the PDF is rendered from the snapshot in the report's language, and a
re-delivered task renders the same report from the same snapshot. Each app's
part comes from its own models and selectors; the statistics are the research
app's own ``unit_statistics`` so that the numbers on paper are the numbers on
screen.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils import timezone

from research.statistics import unit_statistics
from units.consent import left_out_respondent_codes, left_out_user_ids
from units.models import ROLES_NEVER_NAMED_IN_REPORTS, Attendance, Membership, Role, Session

from .models import Kind, ReportNarrative

# 2: people are named by role and number; by name only where the unit allows it.
# 3: people who declined or withdrew consent are left out ("consent"); text answers,
#    knowledge sources, coders' agreement and programme factors.
SNAPSHOT_VERSION = 3
QUOTES_PER_THEME = 2
REFLECTIONS = 4
STEPS_IN_BODY = 30


def _iso(value):
    return value.isoformat() if value is not None else None


# --- Unit parts ---------------------------------------------------------------


def _unit_part(unit) -> dict:
    return {
        "slug": unit.slug,
        "name": unit.name,
        "theme": unit.theme,
        "target_group": unit.target_group,
        "organisations": [o.name for o in unit.organisations.all()],
        "programme": unit.programme.name if unit.programme_id else "",
        "planned_start": _iso(unit.planned_start),
        "planned_end": _iso(unit.planned_end),
        "cadence_weeks": unit.cadence_weeks,
        "phase": unit.phase,
    }


def _members_part(unit, left_out: frozenset[int] = frozenset()) -> list[dict]:
    """The unit's members as a report may show them: by role and number ("Family carer
    2"); by name only where the unit allows it, and never clients or family carers.
    People who declined or withdrew consent (``left_out``) are not among them."""
    memberships = (
        Membership.objects.filter(unit=unit)
        .exclude(user_id__in=left_out)
        .select_related("user")
        .order_by("role", "joined_on", "pk")
    )
    order = {code: i for i, code in enumerate(Role.values)}
    numbers = Counter()
    rows = []
    for m in memberships:
        numbers[m.role] += 1
        named = unit.names_in_reports and m.role not in ROLES_NEVER_NAMED_IN_REPORTS
        rows.append(
            {
                "user_id": m.user_id,
                "name": (m.user.full_name or m.user.email.split("@")[0]) if named else "",
                "role": m.role,
                "number": numbers[m.role],
                "joined_on": _iso(m.joined_on),
                "left_on": _iso(m.left_on),
            }
        )
    rows.sort(key=lambda r: (order.get(r["role"], 99), r["number"]))
    return rows


def _person(members: list[dict], user_id) -> dict | None:
    """How a report refers to this person (see _members_part); None for nobody, and
    a person without role or number for someone outside the unit (an administrator)."""
    if user_id is None:
        return None
    for m in members:
        if m["user_id"] == user_id:
            return {"name": m["name"], "role": m["role"], "number": m["number"]}
    return {"name": "", "role": "", "number": 0}


def _phases_part(unit, members: list[dict]) -> list[dict]:
    from phases.models import PhaseTransition

    return [
        {
            "from": t.from_phase,
            "to": t.to_phase,
            "direction": t.direction,
            "at": _iso(t.at),
            "by": _person(members, t.actor_id),
            "overridden": len(t.overridden or []),
            "justification": t.justification,
        }
        for t in PhaseTransition.objects.filter(unit=unit).with_people()
    ]


def _sessions_part(unit, members: list[dict], left_out: frozenset[int] = frozenset()) -> dict:
    now = timezone.now()
    counted = ~Q(attendances__user_id__in=left_out)
    sessions = list(
        Session.objects.filter(unit=unit)
        .annotate(
            present=Count(
                "attendances",
                filter=Q(attendances__status=Attendance.Status.PRESENT) & counted,
            ),
            excused=Count(
                "attendances",
                filter=Q(attendances__status=Attendance.Status.EXCUSED) & counted,
            ),
            absent=Count(
                "attendances", filter=Q(attendances__status=Attendance.Status.ABSENT) & counted
            ),
        )
        .order_by("starts_at")
    )
    held = [s for s in sessions if s.status == Session.Status.PLANNED and s.starts_at <= now]
    cancelled = sum(1 for s in sessions if s.status == Session.Status.CANCELLED)
    upcoming = sum(1 for s in sessions if s.status == Session.Status.PLANNED and s.starts_at > now)
    held_ids = [s.pk for s in held]
    per_person = defaultdict(Counter)
    for user_id, status, n in (
        Attendance.objects.filter(session_id__in=held_ids)
        .values_list("user_id", "status")
        .annotate(n=Count("id"))
    ):
        per_person[user_id][status] = n
    recorded = sum(s.present + s.excused + s.absent for s in held)
    present = sum(s.present for s in held)
    attendance = []
    for m in members:
        if m["left_on"] is not None or m["role"] == Role.MANAGER:
            continue
        counts = per_person.get(m["user_id"], Counter())
        attendance.append(
            {
                "name": m["name"],
                "role": m["role"],
                "number": m["number"],
                "present": counts[Attendance.Status.PRESENT],
                "excused": counts[Attendance.Status.EXCUSED],
                "absent": counts[Attendance.Status.ABSENT],
            }
        )
    return {
        "held": len(held),
        "cancelled": cancelled,
        "upcoming": upcoming,
        "first": _iso(held[0].starts_at) if held else None,
        "last": _iso(held[-1].starts_at) if held else None,
        "attendance_rate": (present / recorded) if recorded else None,
        "list": [
            {
                "at": _iso(s.starts_at),
                "phase": s.phase,
                "present": s.present,
                "excused": s.excused,
                "absent": s.absent,
                "decisions": s.decisions[:300],
            }
            for s in held
        ],
        "per_person": attendance,
    }


def _baseline_items_part(unit) -> list[dict]:
    from phases.models import BaselineItem

    return [
        {"kind": b.kind, "text": b.text, "source": b.knowledge_source}
        for b in BaselineItem.objects.filter(unit=unit).order_by("kind", "pk")
    ]


def _plan_part(unit, members: list[dict]) -> dict:
    from phases.models import ActionStep, Goal, PlanVersion
    from research.models import Measure

    goals = list(Goal.objects.filter(unit=unit).prefetch_related("steps", "measure_links__measure"))
    # What a goal aims at, by the measures' names: the linked measures, or else the
    # measure whose code the goal's free text names (never a bare code in a report).
    measure_labels = dict(Measure.objects.filter(unit=unit).values_list("code", "label"))
    status_counts = Counter(
        ActionStep.objects.filter(goal__unit=unit).values_list("status", flat=True)
    )
    today = timezone.localdate()
    goal_rows = []
    for g in goals:
        steps = list(g.steps.all())
        goal_rows.append(
            {
                "id": g.pk,
                "text": g.text,
                "target": g.target,
                "measures": [link.measure.label for link in g.measure_links.all()]
                or ([measure_labels[g.target]] if g.target in measure_labels else []),
                "steps_total": len(steps),
                "steps_done": sum(1 for s in steps if s.status == ActionStep.Status.DONE),
                "steps": [
                    {
                        "what": s.what,
                        "owner": _person(members, s.owner_id),
                        "due": _iso(s.due_date),
                        "status": s.status,
                        "overdue": bool(s.is_open and s.due_date and s.due_date < today),
                    }
                    for s in steps
                ],
            }
        )
    versions = [
        {
            "number": v.number,
            "approved_at": _iso(v.approved_at),
            "approved_by": _person(members, v.approved_by_id),
            "reason": v.reason,
            "goals": len((v.snapshot or {}).get("goals", [])),
        }
        for v in PlanVersion.objects.filter(unit=unit)
    ]
    return {
        "goals": goal_rows,
        "step_status": dict(status_counts),
        "steps_total": sum(status_counts.values()),
        "versions": versions,
    }


def _experiments_part(unit, members: list[dict], left_out: frozenset[int] = frozenset()) -> dict:
    from phases.models import Experiment

    shared = Experiment.objects.filter(unit=unit).shared().exclude(author_id__in=left_out)
    roles = {m["user_id"]: m["role"] for m in members}
    per_member = [
        {**_person(members, a), "n": n}
        for a, n in shared.values_list("author_id").annotate(n=Count("id")).order_by("-n")
    ]
    goals = dict(unit.goals.values_list("id", "text"))
    per_goal = [
        {"goal": goals.get(g, "") if g else "", "n": n}
        for g, n in shared.values_list("goal_id").annotate(n=Count("id")).order_by("-n")
    ]
    sources = Counter()
    for ks in shared.values_list("knowledge_sources", flat=True):
        sources.update(s for s in (ks or []) if isinstance(s, str))
    reflections = [
        {
            "title": e.title,
            "date": _iso(e.date),
            "role": roles.get(e.author_id, ""),
            "learned": e.learned[:600],
        }
        for e in shared.exclude(learned="").order_by("-date", "-pk")[:REFLECTIONS]
    ]
    return {
        "shared": shared.count(),
        "drafts": Experiment.objects.filter(unit=unit)
        .exclude(author_id__in=left_out)
        .exclude(pk__in=shared.values("pk"))
        .count(),
        "authors": len(per_member),
        "per_member": per_member,
        "per_goal": per_goal,
        "knowledge_sources": dict(sources),
        "reflections": reflections,
    }


def _statistics_part(unit, leave_out_codes: frozenset[str] = frozenset()) -> dict:
    return unit_statistics(unit, leave_out=leave_out_codes).to_dict()


def _text_answers_part(unit, left_out_codes: frozenset[str] = frozenset()) -> dict[str, list[dict]]:
    """A few answers to each text measure, by respondent code (a pseudonym); none of
    people who declined or withdrew consent."""
    from research.selectors import text_answer_samples

    return text_answer_samples(unit, leave_out=left_out_codes)


def _quote_sources(fragments, members: list[dict]) -> dict[int, dict]:
    """Where each quoted passage comes from: the kind of source, its date and, for a
    practice experiment, its author's role (never a name)."""
    from research.sources import kind_for_model

    roles = {m["user_id"]: m["role"] for m in members}
    wanted = defaultdict(set)
    for f in fragments:
        wanted[f.content_type_id].add(f.object_id)
    found = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        kind = kind_for_model(model)
        for obj in model._default_manager.filter(pk__in=ids):
            when = getattr(obj, "date", None) or getattr(obj, "starts_at", None)
            found[(type_id, obj.pk)] = {
                "source": kind.key,
                "date": _iso(timezone.localtime(when).date() if hasattr(when, "tzinfo") else when),
                "role": roles.get(getattr(obj, "author_id", None), ""),
            }
    return {
        f.pk: found.get((f.content_type_id, f.object_id), {"source": "", "date": None, "role": ""})
        for f in fragments
    }


def _qualitative_part(unit, members: list[dict], left_out: frozenset[int] = frozenset()) -> dict:
    from phases.models import Experiment
    from research.models import CodedFragment, Theme
    from research.selectors import visible_fragments

    # Only passages whose source exists and may be seen now (never a private draft),
    # and none from the experiments of people who withdrew or declined consent.
    visible = visible_fragments(unit)
    experiment_type = ContentType.objects.get_for_model(Experiment)
    if left_out:
        visible = visible.exclude(
            content_type=experiment_type,
            object_id__in=Experiment.objects.filter(unit=unit, author_id__in=left_out).values("pk"),
        )
    themes = list(
        Theme.objects.filter(Q(unit=unit) | Q(programme__units=unit))
        .annotate(n=Count("fragments", filter=Q(fragments__in=visible)))
        .order_by("-n", "name")
        .distinct()
    )
    quotes = defaultdict(list)
    through = CodedFragment.themes.through
    links = (
        through.objects.filter(codedfragment__in=visible)
        .select_related("codedfragment")
        .order_by("theme_id", "-codedfragment__created_at")
    )
    for link in links:
        if len(quotes[link.theme_id]) < QUOTES_PER_THEME:
            quotes[link.theme_id].append(link.codedfragment)
    sources = _quote_sources([f for fs in quotes.values() for f in fs], members)
    quotes = {
        theme_id: [{"text": f.text[:500], **sources[f.pk]} for f in fragments]
        for theme_id, fragments in quotes.items()
    }
    return {
        "themes": [
            {
                "name": t.name,
                "description": t.description,
                "factor": t.factor,
                "level": "programme" if t.programme_id else "unit",
                "n": t.n,
                "quotes": quotes.get(t.pk, []),
            }
            for t in themes
        ],
        "experiment_themes": _experiment_themes(visible, experiment_type),
    }


def _experiment_themes(visible, experiment_type) -> list[dict]:
    counts = Counter()
    for theme in visible.filter(content_type=experiment_type).values_list(
        "themes__name", flat=True
    ):
        if theme:
            counts[theme] += 1
    return [{"name": name, "n": n} for name, n in counts.most_common(8)]


def _knowledge_part(units) -> dict[int, list[dict]]:
    """Per unit, the knowledge sources counted where they were recorded (issue 18)."""
    from research.knowledge import knowledge_by_unit

    return {
        unit_id: [row.to_dict() for row in rows]
        for unit_id, rows in knowledge_by_unit(units).items()
    }


def _factors_part(programme, units) -> list[dict]:
    """The programme's factors with their evidence counted per unit (issue 18): whether each
    is common or contextual as computed from the coding, and the researcher's answer and
    reason where one was given."""
    from research.factors import factor_table

    return [
        {
            "name": row.factor.name,
            "description": row.factor.description,
            "computed": row.computed,
            "override": row.factor.override,
            "reason": row.factor.override_reason,
            "occurrence": row.occurrence,
            "units": [
                {"slug": cell["unit"].slug, **{k: v for k, v in cell.items() if k != "unit"}}
                for cell in row.per_unit
            ],
        }
        for row in factor_table(programme, units)
    ]


def _agreement_part(unit) -> list[dict]:
    """Agreement between coders on the unit's blind second codings (issue 18): overall and
    per theme, for the method section."""
    from research.agreement import comparison_result
    from research.models import CodingComparison

    def figures(a) -> dict:
        return {"n": a.n, "agreed": a.agreed, "alpha": a.alpha, "kappa": a.kappa}

    rows = []
    for comparison in (
        CodingComparison.objects.filter(unit=unit)
        .exclude(status=CodingComparison.Status.OPEN)
        .select_related("material", "second_coder")
        .order_by("created_at", "pk")
    ):
        result = comparison_result(comparison)
        rows.append(
            {
                "material": comparison.material.title,
                "paragraphs": len(result.rows),
                "status": comparison.status,
                "overall": figures(result.overall),
                "themes": [{"name": a.theme.name, **figures(a)} for a in result.per_theme],
            }
        )
    return rows


def _products_part(unit) -> dict:
    from phases.models import Dissemination, Product

    return {
        "products": [
            {
                "kind": p.kind,
                "title": p.title,
                "description": p.description[:400],
                "files": p.n_files,
            }
            for p in Product.objects.filter(unit=unit).annotate(n_files=Count("files"))
        ],
        "disseminations": [
            {"what": d.what, "date": _iso(d.date), "audience": d.audience, "reach": d.reach}
            for d in Dissemination.objects.filter(unit=unit).order_by("date")
        ],
    }


def _narrative(*, unit=None, programme=None, kind) -> dict:
    narrative = ReportNarrative.objects.filter(unit=unit, programme=programme, kind=kind).first()
    if narrative is None:
        return dict.fromkeys(ReportNarrative.SECTIONS, "")
    return narrative.as_dict()


def _consent_part(left_out, left_out_codes) -> dict:
    """How many people the report leaves out for want of consent (never who)."""
    return {"left_out": len(left_out), "respondent_codes": len(left_out_codes)}


def unit_snapshot(unit, kind: str) -> dict:
    """Everything a unit report of this kind shows, as plain JSON. The people whose
    latest answer declines or withdraws consent are left out of every part."""
    left_out = frozenset(left_out_user_ids(unit))
    left_out_codes = frozenset(left_out_respondent_codes(unit))
    members = _members_part(unit, left_out)
    data = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "taken_at": _iso(timezone.now()),
        "unit": _unit_part(unit),
        "consent": _consent_part(left_out, left_out_codes),
        "members": members,
        "phases": _phases_part(unit, members),
        "sessions": _sessions_part(unit, members, left_out),
        "baseline_items": _baseline_items_part(unit),
        "plan": _plan_part(unit, members),
        "experiments": _experiments_part(unit, members, left_out),
        "statistics": _statistics_part(unit, left_out_codes),
        "text_answers": _text_answers_part(unit, left_out_codes),
        "qualitative": _qualitative_part(unit, members, left_out),
        "narrative": _narrative(unit=unit, kind=kind),
        "knowledge": _knowledge_part([unit])[unit.pk],
        "agreement": _agreement_part(unit),
    }
    for m in data["members"]:
        m.pop("user_id")
    if kind == Kind.FINAL:
        data["products"] = _products_part(unit)
        if unit.programme_id:
            data["factors"] = _factors_part(
                unit.programme, list(unit.programme.units.order_by("name"))
            )
    if kind in (Kind.INTERMEDIARY, Kind.FINAL):
        from .monitor_section import monitor_part

        data["monitor"] = monitor_part(unit)
    return data


# --- Programme comparison --------------------------------------------------------


def programme_snapshot(programme) -> dict:
    """The programme's units side by side: each unit's summary and statistics."""
    from research.models import Theme

    units = list(programme.units.order_by("name").prefetch_related("organisations"))
    knowledge = _knowledge_part(units)
    rows = []
    for unit in units:
        left_out = frozenset(left_out_user_ids(unit))
        left_out_codes = frozenset(left_out_respondent_codes(unit))
        members = _members_part(unit, left_out)
        sessions = _sessions_part(unit, members, left_out)
        experiments = _experiments_part(unit, members, left_out)
        plan = _plan_part(unit, members)
        rows.append(
            {
                "unit": _unit_part(unit),
                "members": sum(1 for m in members if m["left_on"] is None),
                "roles": dict(Counter(m["role"] for m in members if m["left_on"] is None)),
                "sessions_held": sessions["held"],
                "attendance_rate": sessions["attendance_rate"],
                "experiments": experiments["shared"],
                "goals": len(plan["goals"]),
                "steps_total": plan["steps_total"],
                "steps_done": plan["step_status"].get("done", 0),
                "plan_versions": len(plan["versions"]),
                "consent": _consent_part(left_out, left_out_codes),
                "statistics": _statistics_part(unit, left_out_codes),
                "themes": [
                    {"name": t["name"], "factor": t["factor"], "n": t["n"]}
                    for t in _qualitative_part(unit, members, left_out)["themes"]
                    if t["n"] or t["factor"] != "none"
                ],
                "knowledge": knowledge[unit.pk],
            }
        )
    programme_themes = [
        {"name": t.name, "factor": t.factor, "description": t.description}
        for t in Theme.objects.filter(programme=programme).order_by("name")
    ]
    return {
        "version": SNAPSHOT_VERSION,
        "kind": Kind.COMPARISON,
        "taken_at": _iso(timezone.now()),
        "programme": {
            "slug": programme.slug,
            "name": programme.name,
            "field": programme.field,
            "description": programme.description,
        },
        "units": rows,
        "programme_themes": programme_themes,
        "factors": _factors_part(programme, units),
        "narrative": _narrative(programme=programme, kind=Kind.COMPARISON),
    }
