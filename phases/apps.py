from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhasesConfig(AppConfig):
    name = "phases"
    verbose_name = _("Phases")

    def ready(self):
        from units import registry
        from units.access import Perm

        # criteria: this app's exit criteria, registered on import; other apps
        # register theirs the same way.
        from . import criteria, demo, demo_monitor, monitor, selectors, work  # noqa: F401

        # What this app adds to the ground floor (units/registry.py).
        registry.register_tab(key="phases", label=_("Phases"), url_name="phases:overview", order=40)
        registry.register_tab(key="plan", label=_("Plan"), url_name="phases:plan", order=50)
        registry.register_tab(
            key="experiments", label=_("Experiments"), url_name="phases:experiments", order=60
        )
        registry.register_tab(
            key="monitor",
            label=_("Monitor"),
            url_name="phases:monitor",
            order=65,
            perm=Perm.VIEW_RESEARCH,
        )
        # Overdue action steps; no experiments for six weeks in realization.
        registry.register_attention(key="phases", attention=selectors.attention_for_units, order=20)
        # The learning monitor's warning signs (attendance, experiments, responses, run chart).
        registry.register_attention(key="monitor", attention=monitor.dashboard_attention, order=30)
        registry.register_overview_panel(
            key="phase_timeline", template="phases/_unit_overview_timeline.html", order=10
        )
        # The menu shows "Learning monitor" to those it has something for, decided once at
        # login and kept in the session (no query on every page); a role given later shows
        # it from the next login on, the unit's own Monitor tab at once.
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(remember_monitor_menu, dispatch_uid="phases_remember_monitor_menu")
        # What it holds of a person, for erasure and retention (accounts.erasure).
        from . import privacy

        privacy.register()
        registry.register_demo_seeder(key="phases", seed=demo.seed, order=20)
        # A unit that stalls after phase 4, for the learning monitor (after the others).
        registry.register_demo_seeder(key="phases_monitor", seed=demo_monitor.seed, order=25)
        registry.register_my_work(
            key="steps", label=_("My action steps"), items=work.my_steps, order=20
        )
        registry.register_my_work(
            key="drafts", label=_("My drafts"), items=work.my_drafts, order=40
        )


MONITOR_MENU_SESSION_KEY = "monitor_menu"


def remember_monitor_menu(sender, request, user, **kwargs):
    from .selectors import watches_units

    if request is not None and hasattr(request, "session"):
        request.session[MONITOR_MENU_SESSION_KEY] = user.is_staff or watches_units(user)
