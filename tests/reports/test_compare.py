"""Comparing two versions of a report compares what the report contains: the waves of
its kind, and per kind of measure the figures it has."""

from django.utils import translation

from reports.compare import snapshot_differences
from reports.models import Kind


def _stats(mean, answers):
    def wave(code, label, kind):
        return {"code": code, "label": label, "date": None, "kind": kind}

    def figures(n, m):
        return {"n": n, "mean": m, "sd": 1.0, "median": m}

    return {
        "rules": 2,
        "waves": [
            wave("baseline", "Baseline", "baseline"),
            wave("intermediary", "Intermediary", "intermediary"),
            wave("final", "Final", "final"),
        ],
        "measures": [
            {
                "code": "wellbeing",
                "label": "Wellbeing",
                "kind": "numeric",
                "higher_is_better": True,
                "waves": [
                    {"wave_code": code, "stats": figures(10, mean + i)}
                    for i, code in enumerate(["baseline", "intermediary", "final"])
                ],
                "changes": [
                    {"wave_code": "final", "change": {"n_pairs": 9, "mean_difference": 2.0}},
                ],
            },
            {
                "code": "story",
                "label": "Story",
                "kind": "text",
                "higher_is_better": True,
                "waves": [{"wave_code": "baseline", "stats": {"n": answers}}],
                "changes": [],
            },
        ],
    }


def _snapshot(kind, mean, answers=3):
    return {"kind": kind, "statistics": _stats(mean, answers)}


def test_a_baseline_report_lists_no_figures_of_later_waves():
    with translation.override("en"):
        rows = snapshot_differences(_snapshot(Kind.BASELINE, 3.0), _snapshot(Kind.BASELINE, 3.5))
    assert [(r["what"], r["wave"], str(r["figure"]), r["before"], r["after"]) for r in rows] == [
        ("Wellbeing (wellbeing)", "Baseline", "mean", 3.0, 3.5),
        ("Wellbeing (wellbeing)", "Baseline", "median", 3.0, 3.5),
    ]


def test_a_final_report_lists_every_wave_and_the_changes_in_the_readers_language():
    with translation.override("nl"):
        rows = snapshot_differences(_snapshot(Kind.FINAL, 3.0), _snapshot(Kind.FINAL, 3.5))
    assert {r["wave"] for r in rows} == {"Nulmeting", "Tussenmeting", "Eindmeting"}
    assert len(rows) == 6  # mean and median in each of the three waves; the change is the same


def test_a_text_measure_is_compared_by_its_number_of_answers():
    with translation.override("en"):
        rows = snapshot_differences(
            _snapshot(Kind.BASELINE, 3.0, answers=3), _snapshot(Kind.BASELINE, 3.0, answers=5)
        )
    assert [(r["what"], str(r["figure"]), r["before"], r["after"]) for r in rows] == [
        ("Story (story)", "answers", 3, 5)
    ]
