"""Turns a stored snapshot into what the report templates show.

Runs inside ``translation.override(report.language)``: labels (roles, phases,
statuses) are translated here, from the codes the snapshot keeps. Statistics
are read back into the research app's own structures and charted with its own
chart code, so the report shows what the research pages show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext

from phases.choices import KnowledgeSource
from research.sources import SOURCE_KINDS
from units.choices import Phase
from units.models import Role

from .models import Kind
from .monitor_section import monitor_view

# Which kinds of wave a report kind looks at (in time, as the statistics page).
WAVES_FOR_KIND = {
    Kind.BASELINE: {"baseline"},
    Kind.INTERMEDIARY: {"baseline", "intermediary"},
    Kind.FINAL: None,  # every wave
    Kind.COMPARISON: None,
}
STEPS_IN_BODY = 24


def parse_date(value):
    if not value:
        return None
    if isinstance(value, date | datetime):
        return value
    if "T" in value:
        parsed = datetime.fromisoformat(value)
        return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    return date.fromisoformat(value)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _step_status_label(code: str) -> str:
    from phases.models import ActionStep

    return _label(ActionStep.Status, code)


# --- Statistics --------------------------------------------------------------------


def _chart(measure, waves):
    """The research app's own SVG chart of one measure (the one on the statistics page)."""
    from research.charts import measure_chart_svg

    return measure_chart_svg(measure, waves)


def _distribution_chart(measure, waves):
    """A Likert item's answers per point of its scale (the research app's chart)."""
    from research.charts import likert_distribution_svg

    return likert_distribution_svg(measure, waves)


def statistics_view(
    data: dict | None, kind: str, *, charts: bool = True, text_answers: dict | None = None
) -> dict | None:
    """The measures of a report of this kind: per wave (only the waves the kind looks
    at), the changes, the chart; a text measure by its number of answers per wave and a
    few of the answers (``text_answers``, by respondent code)."""
    if not data:
        return None
    from research.statistics import UnitStatistics

    stats = UnitStatistics.from_dict(data)
    wanted = WAVES_FOR_KIND.get(kind)
    waves = [w for w in stats.waves if wanted is None or w.kind in wanted]
    codes = {w.code for w in waves}
    labels = {w.code: w.display_label for w in waves}
    measures = []
    for m in stats.measures:
        if m.is_text:
            per_wave = [(w, m.for_wave(w.code)) for w in waves if m.for_wave(w.code) is not None]
            measures.append(
                {
                    "m": m,
                    "per_wave": per_wave,
                    "answers": [
                        {**a, "wave_label": labels[a["wave"]]}
                        for a in (text_answers or {}).get(m.code, [])
                        if a["wave"] in codes
                    ],
                    "changes": [],
                    "marked": False,
                    "chart": None,
                }
            )
            continue
        per_wave = [(w, m.for_wave(w.code)) for w in waves if m.for_wave(w.code) is not None]
        changes = [(stats.wave(c.wave_code), c.change) for c in m.changes if c.wave_code in codes]
        measures.append(
            {
                "m": m,
                "per_wave": per_wave,
                "changes": changes,
                "marked": any(c.ci_excludes_zero for _w, c in changes),
                "chart": _chart(m, waves) if charts and m.has_data else None,
                "distribution_chart": _distribution_chart(m, waves) if charts else None,
            }
        )
    return {
        "stats": stats,
        "waves": waves,
        "measures": measures,
        "has_data": any(x["m"].has_data for x in measures),
    }


def final_changes(data: dict | None) -> list[dict]:
    """Baseline -> the (latest) final wave for every quantitative measure (the final
    report's summary); no rows when the unit has no final wave after its baseline."""
    if not data:
        return []
    from research.programme import span_label
    from research.statistics import UnitStatistics

    stats = UnitStatistics.from_dict(data)
    baseline, final = stats.baseline, stats.last_wave_of_kind("final")
    if baseline is None or final is None:
        return []
    rows = []
    for m in stats.measures:
        if m.is_text:
            continue
        rows.append(
            {
                "m": m,
                "baseline": m.for_wave(baseline.code),
                "final": m.for_wave(final.code),
                "change": m.change_to(final.code),
                "span": span_label("final"),
            }
        )
    return rows


def any_marked(rows, key="change") -> bool:
    return any(r[key] is not None and r[key].ci_excludes_zero for r in rows)


# --- Unit report ---------------------------------------------------------------------


def _phase_timeline(unit: dict, transitions: list[dict]) -> list[dict]:
    entered = {}
    for t in transitions:
        if t["direction"] == "advance":
            entered[t["to"]] = parse_date(t["at"])
    current = unit["phase"]
    return [
        {
            "number": p.value,
            "label": str(p.label),
            "state": "done" if p.value < current else "current" if p.value == current else "",
            "entered": entered.get(p.value),
        }
        for p in Phase
    ]


def person_label(person) -> str:
    """A person as the report names them: their name where the unit allowed it,
    otherwise their role and number ("Family carer 2"). Reports taken before
    snapshot version 2 stored a plain name."""
    if not person:
        return ""
    if isinstance(person, str):
        return person
    if person["name"]:
        return person["name"]
    if not person["role"]:
        return gettext("an administrator")
    return f"{_label(Role, person['role'])} {person['number']}"


def _quote(quote) -> dict:
    """A quoted passage with where it comes from (kind of source, date, author's role).
    Reports taken before snapshot version 2 stored the text alone."""
    if isinstance(quote, str):
        return {"text": quote, "source": ""}
    kind = SOURCE_KINDS.get(quote["source"])
    parts = [str(kind.label) if kind else ""]
    if quote["role"]:
        parts.append(_label(Role, quote["role"]))
    return {**quote, "source": " · ".join(p for p in parts if p), "date": parse_date(quote["date"])}


def _members_by_role(members: list[dict]) -> list[dict]:
    """Current members per role: their names where the report may print them,
    otherwise just how many (a list of "Professional 1, Professional 2" says no more)."""
    groups = defaultdict(list)
    for m in members:
        if m["left_on"] is None:
            groups[m["role"]].append(m)
    return [
        {
            "role": str(label),
            "people": [{**m, "name": person_label(m)} for m in groups[code]],
            "named": any(m["name"] for m in groups[code]),
        }
        for code, label in Role.choices
        if groups.get(code)
    ]


def _plan_view(plan: dict) -> dict:
    shown = 0
    goals = []
    for g in plan["goals"]:
        steps = []
        for s in g["steps"]:
            steps.append(
                {
                    **s,
                    "owner": person_label(s["owner"]),
                    "due": parse_date(s["due"]),
                    "status_label": _step_status_label(s["status"]),
                }
            )
        body_steps = steps[: max(0, STEPS_IN_BODY - shown)]
        shown += len(body_steps)
        goals.append({**g, "steps": steps, "body_steps": body_steps})
    return {
        **plan,
        "goals": goals,
        "more_in_appendix": shown < plan["steps_total"],
        "step_status": [
            (_step_status_label(code), n) for code, n in sorted(plan["step_status"].items())
        ],
        "versions": [
            {
                **v,
                "approved_at": parse_date(v["approved_at"]),
                "approved_by": person_label(v["approved_by"]),
            }
            for v in plan["versions"]
        ],
    }


def unit_context(kind: str, snap: dict) -> dict:
    unit = {
        **snap["unit"],
        "planned_start": parse_date(snap["unit"]["planned_start"]),
        "planned_end": parse_date(snap["unit"]["planned_end"]),
        "phase_label": _label(Phase, snap["unit"]["phase"]),
    }
    sessions = snap["sessions"]
    sessions = {
        **sessions,
        "first": parse_date(sessions["first"]),
        "last": parse_date(sessions["last"]),
        "list": [
            {**s, "at": parse_date(s["at"]), "phase_label": _label(Phase, s["phase"])}
            for s in sessions["list"]
        ],
        "per_person": [
            {
                **p,
                "name": person_label(p),
                "role_label": _label(Role, p["role"]),
                "total": p["present"] + p["excused"] + p["absent"],
            }
            for p in sessions["per_person"]
        ],
    }
    experiments = snap["experiments"]
    experiments = {
        **experiments,
        "per_member": [
            {**r, "name": person_label(r), "role_label": _label(Role, r["role"])}
            for r in experiments["per_member"]
        ],
        "knowledge_sources": [
            (_label(KnowledgeSource, code), n)
            for code, n in sorted(experiments["knowledge_sources"].items())
        ],
        "reflections": [
            {**r, "date": parse_date(r["date"]), "role_label": _label(Role, r["role"])}
            for r in experiments["reflections"]
        ],
    }
    qualitative = snap["qualitative"]
    themes = [{**t, "quotes": [_quote(q) for q in t["quotes"]]} for t in qualitative["themes"]]
    factor_labels = {"contextual": gettext("Contextual"), "common": gettext("Common")}
    context = {
        "unit": unit,
        "members_by_role": _members_by_role(snap["members"]),
        "member_count": sum(1 for m in snap["members"] if m["left_on"] is None),
        # Snapshots before version 3 knew nothing of consent: nobody was left out.
        "consent": snap.get("consent") or {"left_out": 0, "respondent_codes": 0},
        "timeline": _phase_timeline(snap["unit"], snap["phases"]),
        "transitions": [
            {
                **t,
                "by": person_label(t["by"]),
                "at": parse_date(t["at"]),
                "from_label": _label(Phase, t["from"]),
                "to_label": _label(Phase, t["to"]),
            }
            for t in snap["phases"]
        ],
        "sessions": sessions,
        "baseline_items": [
            {**b, "source_label": _label(KnowledgeSource, b["source"])}
            for b in snap["baseline_items"]
        ],
        "plan": _plan_view(snap["plan"]),
        "experiments": experiments,
        "statistics": statistics_view(
            snap["statistics"], kind, text_answers=snap.get("text_answers")
        ),
        "themes": [t for t in themes if t["n"]],
        "experiment_themes": qualitative.get("experiment_themes", []),
        "factors": [
            {**t, "factor_label": factor_labels[t["factor"]]}
            for t in themes
            if t["factor"] in factor_labels
        ],
        "narrative": snap["narrative"],
        "monitor": monitor_view(snap.get("monitor"), snap["unit"]["name"]),
        "show_plan": kind != Kind.BASELINE or bool(snap["plan"]["goals"]),
        "show_experiments": kind != Kind.BASELINE,
        "show_products": kind == Kind.FINAL,
        "knowledge": knowledge_view(snap.get("knowledge")),
        "agreement": snap.get("agreement") or [],
    }
    if kind == Kind.FINAL:
        products = snap.get("products") or {"products": [], "disseminations": []}
        from phases.models import Product

        context["products"] = [
            {**p, "kind_label": _label(Product.Kind, p["kind"])} for p in products["products"]
        ]
        context["disseminations"] = [
            {**d, "date": parse_date(d["date"])} for d in products["disseminations"]
        ]
        context["final_changes"] = final_changes(snap["statistics"])
        context["final_changes_marked"] = any_marked(context["final_changes"])
        context["programme_factors"] = factors_view(snap.get("factors"), snap["unit"]["slug"])
    return context


# --- Knowledge sources (issue 18) -------------------------------------------------------


def _short_source_labels() -> list[str]:
    """ "Experiential", not "Experiential (clients and carers)": a table column on paper."""
    return [_label(KnowledgeSource, c).split(" (")[0] for c in KnowledgeSource.values]


def knowledge_view(rows: list[dict] | None) -> dict | None:
    """The knowledge table of a snapshot in the reader's language; None for a snapshot
    taken before knowledge sources were counted, or with nothing recorded."""
    if not rows or not any(r["total"] for r in rows):
        return None
    from research.knowledge import PLACES

    labels = {key: label for key, label, _phase in PLACES}
    codes = KnowledgeSource.values
    return {
        "source_labels": _short_source_labels(),
        "rows": [
            {
                **r,
                "label": str(labels.get(r["key"], r["key"])),
                "cells": [r["sources"].get(c, 0) for c in codes],
            }
            for r in rows
        ],
        "totals": [sum(r["sources"].get(c, 0) for r in rows) for c in codes],
    }


def knowledge_per_unit(units: list[dict]) -> dict | None:
    """Per unit, the records naming each kind of knowledge anywhere in the unit."""
    if not any(u.get("knowledge") for u in units):
        return None
    codes = KnowledgeSource.values
    return {
        "source_labels": _short_source_labels(),
        "rows": [
            {
                "name": u["unit"]["name"],
                "total": sum(r["total"] for r in u.get("knowledge") or []),
                "cells": [
                    sum(r["sources"].get(c, 0) for r in u.get("knowledge") or []) for c in codes
                ],
            }
            for u in units
        ],
    }


def factors_view(factors: list[dict] | None, unit_slug: str | None = None) -> list[dict]:
    """The factor table of a snapshot in the reader's language: for a unit's final report
    (``unit_slug``) this unit's evidence counts, for a comparison every unit's."""
    from research.factors import OCCURRENCE_LABELS

    rows = []
    for f in factors or []:
        cells = [c for c in f["units"] if unit_slug is None or c["slug"] == unit_slug]
        rows.append(
            {
                **f,
                "occurrence_label": str(OCCURRENCE_LABELS.get(f["occurrence"], f["occurrence"])),
                "computed_label": str(OCCURRENCE_LABELS.get(f["computed"], f["computed"])),
                "overridden": bool(f["override"]) and f["override"] != f["computed"],
                "cells": cells,
                "n_evidenced": sum(1 for c in f["units"] if c["passages"]),
                "n_units": len(f["units"]),
                "passages": sum(c["passages"] for c in cells),
                "experiments": sum(c["experiments"] for c in cells),
                "goals": sum(c["goals"] for c in cells),
                "measures": sum(c["measures"] for c in cells),
            }
        )
    return rows


# --- Programme comparison ---------------------------------------------------------------


def comparison_context(snap: dict) -> dict:
    from research.programme import comparable_changes, span_label
    from research.statistics import UnitStatistics

    units = []
    by_code: dict[str, dict] = {}
    for row in snap["units"]:
        stats = UnitStatistics.from_dict(row["statistics"]) if row["statistics"] else None
        units.append(
            {
                **row,
                "unit": {**row["unit"], "phase_label": _label(Phase, row["unit"]["phase"])},
                "stats": stats,
            }
        )
        for m in stats.measures if stats else []:
            if m.is_text or not m.has_data:
                continue
            entry = by_code.setdefault(
                m.code, {"code": m.code, "label": m.label, "cells": {}, "entries": []}
            )
            entry["entries"].append((row["unit"]["slug"], stats, m))
    measures = []
    for entry in by_code.values():
        entries = entry.pop("entries")
        span, changes = comparable_changes([(s, m) for _slug, s, m in entries])
        for (slug, s, m), change in zip(entries, changes, strict=True):
            wave = s.wave(change.wave_code) if change else None
            entry["cells"][slug] = {
                "baseline": m.for_wave(s.baseline.code) if s.baseline else None,
                "latest_wave": wave.display_label if wave else None,
                "span": span_label(wave.kind) if wave else "",
                "change": change.change if change else None,
                "m": m,
            }
        entry["span"] = span
        entry["scales_differ"] = len({(m.kind, m.minimum, m.maximum) for _sl, _s, m in entries}) > 1
        entry["marked"] = any(c and c.change.ci_excludes_zero for c in changes)
        entry["rows"] = [(u, entry["cells"].get(u["unit"]["slug"])) for u in units]
        measures.append(entry)
    factor_labels = {"contextual": gettext("Contextual"), "common": gettext("Common")}
    # A theme marked in one unit only is contextual; in every unit, common.
    seen = defaultdict(set)
    for u in units:
        for t in u["themes"]:
            seen[t["name"]].add(u["unit"]["slug"])
    factor_rows = []
    for name, slugs in sorted(seen.items()):
        marked = {t["factor"] for u in units for t in u["themes"] if t["name"] == name} - {"none"}
        factor_rows.append(
            {
                "name": name,
                "in_units": [u["unit"]["slug"] in slugs for u in units],
                "factor_label": ", ".join(str(factor_labels[f]) for f in sorted(marked)),
                "everywhere": len(slugs) == len(units),
            }
        )
    return {
        "programme": snap["programme"],
        "units": units,
        "measures": measures,
        "marked": any(e["marked"] for e in measures),
        "factor_rows": factor_rows,
        "programme_themes": [
            {**t, "factor_label": factor_labels.get(t["factor"], "")}
            for t in snap["programme_themes"]
        ],
        "narrative": snap["narrative"],
        "has_narrative": any(v.strip() for v in snap["narrative"].values()),
        # Snapshots before version 3 knew nothing of consent: nobody was left out.
        "left_out": sum((row.get("consent") or {}).get("left_out", 0) for row in snap["units"]),
        "knowledge": knowledge_per_unit(snap["units"]),
        "programme_factors": factors_view(snap.get("factors")),
    }


def report_context(*, kind: str, snapshot: dict, meta: dict) -> dict:
    meta = {
        **meta,
        "kind_label": _label(Kind, kind),
        "taken_at": parse_date(snapshot.get("taken_at")),
    }
    if kind == Kind.COMPARISON:
        body = comparison_context(snapshot)
        title = snapshot["programme"]["name"]
    else:
        body = unit_context(kind, snapshot)
        title = snapshot["unit"]["name"]
    return {"meta": meta, "kind": kind, "title": title, **body}
