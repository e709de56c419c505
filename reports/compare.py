"""What changed between two versions of a report: the numbers, side by side.

Only what the report contains is compared: the waves its kind looks at (a
baseline report has no intermediary or final figures, whatever its snapshot
holds; ``presenting.WAVES_FOR_KIND``) and, per measure, the figures its kind
has (a yes/no measure its proportion, a text measure its number of answers).
"""

from __future__ import annotations

import math

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from research.statistics.unit import KIND_OF_CODE

from .presenting import WAVES_FOR_KIND

FIGURES = {
    "n": "n",
    "mean": _("mean"),
    "sd": _("SD"),
    "median": _("median"),
    "proportion": _("proportion yes"),
}
# The figures of each kind of measure (the others are empty or repeat these).
FIGURES_OF_KIND = {
    "numeric": ("n", "mean", "sd", "median"),
    "likert": ("n", "mean", "sd", "median"),
    "yesno": ("n", "proportion"),
    "text": ("n",),
}
CHANGE_FIGURES = {
    "n_pairs": _("pairs"),
    "mean_difference": _("mean difference"),
    "effect_size": "d_z",
}
COUNTS = {
    ("sessions", "held"): _("Sessions held"),
    ("experiments", "shared"): _("Shared practice experiments"),
    ("plan", "steps_total"): _("Action steps"),
}


def _differs(a, b) -> bool:
    if a is None or b is None:
        return a is not b
    if isinstance(a, float) or isinstance(b, float):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def _wave_labels(stats: dict, report_kind: str | None) -> dict[str, str] | None:
    """{code: label in the active language} of the waves a report of this kind shows;
    None for statistics that list no waves (every wave code then stands for itself)."""
    if "waves" not in stats:
        return None
    wanted = WAVES_FOR_KIND.get(report_kind)
    labels = {}
    for w in stats.get("waves", []):
        kind = w.get("kind") or KIND_OF_CODE.get(w["code"], "intermediary")
        if wanted is None or kind in wanted:
            labels[w["code"]] = gettext(w["label"]) if w.get("label") else w["code"]
    return labels


def _measure_rows(stats: dict | None, unit_name: str, report_kind: str | None = None) -> dict:
    """{key: (what, wave label, figure label, value)} for every figure of every measure
    in the waves a report of ``report_kind`` shows."""
    rows = {}
    stats = stats or {}
    waves = _wave_labels(stats, report_kind)
    for m in stats.get("measures", []):
        what = f"{unit_name}{m['label']} ({m['code']})"
        figures = FIGURES_OF_KIND.get(m.get("kind"), tuple(FIGURES))
        for w in m.get("waves", []):
            if waves is not None and w["wave_code"] not in waves:
                continue
            wave = waves[w["wave_code"]] if waves is not None else w["wave_code"]
            for figure in figures:
                key = (unit_name, m["code"], w["wave_code"], figure)
                label = gettext("answers") if m.get("kind") == "text" else FIGURES[figure]
                rows[key] = (what, wave, label, w["stats"].get(figure))
        # Before rules 2, d_z was later - baseline; now positive means better.
        flip = stats.get("rules", 1) < 2 and not m.get("higher_is_better", True)
        for c in m.get("changes", []):
            if waves is not None and c["wave_code"] not in waves:
                continue
            wave = waves[c["wave_code"]] if waves is not None else c["wave_code"]
            for figure, label in CHANGE_FIGURES.items():
                key = (unit_name, m["code"], c["wave_code"], f"change.{figure}")
                value = c["change"].get(figure)
                if flip and figure == "effect_size" and value is not None:
                    value = -value
                rows[key] = (what, wave, label, value)
    return rows


def _unit_rows(snapshot: dict, unit_name: str = "") -> dict:
    rows = {}
    for (section, name), label in COUNTS.items():
        value = (snapshot.get(section) or {}).get(name)
        if value is not None:
            rows[(unit_name, section, "", name)] = (f"{unit_name}{label}", "", "", value)
    rows.update(_measure_rows(snapshot.get("statistics"), unit_name, snapshot.get("kind")))
    return rows


def snapshot_rows(snapshot: dict) -> dict:
    if "units" in snapshot:  # a programme comparison: every unit's figures
        rows = {}
        for u in snapshot["units"]:
            rows.update(_measure_rows(u.get("statistics"), f"{u['unit']['name']}: "))
        return rows
    return _unit_rows(snapshot)


def snapshot_differences(old: dict, new: dict) -> list[dict]:
    """Every figure that differs between two snapshots (added and removed ones too)."""
    before, after = snapshot_rows(old or {}), snapshot_rows(new or {})
    changed = []
    for key in sorted(set(before) | set(after)):
        old_row = before.get(key)
        new_row = after.get(key)
        old_value = old_row[3] if old_row else None
        new_value = new_row[3] if new_row else None
        if _differs(old_value, new_value):
            what, wave, figure, _value = new_row or old_row
            changed.append(
                {
                    "what": what,
                    "wave": wave,
                    "figure": figure,
                    "before": old_value,
                    "after": new_value,
                }
            )
    return changed
