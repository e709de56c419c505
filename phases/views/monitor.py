"""The learning-mode monitor: a unit's signals and run chart, the facilitator's and
manager's view across their units, a programme's units side by side, and the help
page that defines every signal. Read-only pages: nothing here writes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from units.access import Perm, get_programme_access, get_unit_access
from units.models import Role

from .. import monitor, run_chart
from ..monitor_chart import run_chart_svg
from ..selectors import monitor_units_for


@login_required
@require_GET
def unit_monitor(request, slug):
    access = get_unit_access(request.user, slug, Perm.VIEW_RESEARCH)
    signals = monitor.unit_signals([access.unit])[access.unit.pk]
    return render(
        request,
        "phases/monitor.html",
        {
            "unit": access.unit,
            "access": access,
            "signals": signals,
            "chart": run_chart_svg(signals),
            "can_act": access.can(Perm.MANAGE_PHASE),
            # The facilitator's notes are the unit's facilitators' own (an administrator
            # may act on the phase, but not open them).
            "notes_are_theirs": access.role == Role.FACILITATOR,
            "min_run_points": run_chart.MIN_RUN_POINTS,
        },
    )


@login_required
@require_GET
def my_monitor(request):
    """Per unit the person facilitates: what needs attention now, most urgent first.
    Per unit they are a manager of: the same overview a programme gets, read-only."""
    facilitated, managed = monitor_units_for(request.user)
    signals = monitor.unit_signals([*facilitated, *managed])
    programmes = {u.programme for u in [*facilitated, *managed] if u.programme_id}
    return render(
        request,
        "phases/monitor_mine.html",
        {
            "facilitated": [signals[u.pk] for u in facilitated],
            "managed": [signals[u.pk] for u in managed],
            "programmes": sorted(programmes, key=lambda p: p.name),
        },
    )


@login_required
@require_GET
def programme_monitor(request, slug):
    """The programme's units whose figures the person may see (the research permission):
    phase and time in it, trends as small multiples, overdue steps, reports."""
    access = get_programme_access(request.user, slug, Perm.VIEW_RESEARCH, in_every_unit=False)
    units = access.units_where(Perm.VIEW_RESEARCH)
    signals = monitor.unit_signals(units)
    return render(
        request,
        "phases/monitor_programme.html",
        {"programme": access.programme, "rows": [signals[u.pk] for u in units]},
    )


@require_GET
def monitor_help(request):
    return render(
        request,
        "phases/monitor_help.html",
        {
            "recent_days": monitor.RECENT_DAYS,
            "recent_sessions": monitor.RECENT_SESSIONS,
            "present_at_least": monitor.PRESENT_AT_LEAST,
            "low_rate": monitor.EXPERIMENTS_PER_MEMBER_MONTH_LOW,
            "silence_days": monitor.SHARED_SILENCE_DAYS,
            "unanswered_pct": round(monitor.UNANSWERED_SHARE_HIGH * 100),
            "closed_pct": round(monitor.CLOSED_CYCLE_SHARE_LOW * 100),
            "drop_points": monitor.ATTENDANCE_DROP_POINTS,
            "shift_points": run_chart.SHIFT_POINTS,
            "trend_points": run_chart.TREND_POINTS,
            "min_run_points": run_chart.MIN_RUN_POINTS,
        },
    )
