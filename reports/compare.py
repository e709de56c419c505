"""What changed between two versions of a report: the numbers, side by side."""

from __future__ import annotations

import math

FIGURES = ("n", "mean", "sd", "median", "proportion")
CHANGE_FIGURES = ("n_pairs", "mean_difference", "effect_size")
COUNTS = (
    ("sessions", "held"),
    ("experiments", "shared"),
    ("plan", "steps_total"),
)


def _differs(a, b) -> bool:
    if a is None or b is None:
        return a is not b
    if isinstance(a, float) or isinstance(b, float):
        return not math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a != b


def _measure_rows(stats: dict | None) -> dict:
    """{(measure code, wave code, figure): (measure label, wave code, value)}."""
    rows = {}
    for m in (stats or {}).get("measures", []):
        for w in m.get("waves", []):
            for figure in FIGURES:
                rows[(m["code"], w["wave_code"], figure)] = (m["label"], w["stats"].get(figure))
        for c in m.get("changes", []):
            for figure in CHANGE_FIGURES:
                key = (m["code"], f"{c['wave_code']}", f"change.{figure}")
                rows[key] = (m["label"], c["change"].get(figure))
    return rows


def _unit_rows(snapshot: dict, prefix: str = "") -> dict:
    rows = {}
    for section, name in COUNTS:
        value = (snapshot.get(section) or {}).get(name)
        if value is not None:
            rows[(prefix + section, "", name)] = (prefix + section, value)
    for key, value in _measure_rows(snapshot.get("statistics")).items():
        rows[(prefix + key[0], key[1], key[2])] = value
    return rows


def snapshot_rows(snapshot: dict) -> dict:
    if "units" in snapshot:  # a programme comparison
        rows = {}
        for u in snapshot["units"]:
            rows.update(_unit_rows(u, prefix=f"{u['unit']['slug']}/"))
        return rows
    return _unit_rows(snapshot)


def snapshot_differences(old: dict, new: dict) -> list[dict]:
    """Every figure that differs between two snapshots (added and removed ones too)."""
    before, after = snapshot_rows(old), snapshot_rows(new)
    changed = []
    for key in sorted(set(before) | set(after)):
        old_label, old_value = before.get(key, (None, None))
        new_label, new_value = after.get(key, (None, None))
        if _differs(old_value, new_value):
            changed.append(
                {
                    "code": key[0],
                    "label": new_label or old_label,
                    "wave": key[1],
                    "figure": key[2],
                    "before": old_value,
                    "after": new_value,
                }
            )
    return changed
