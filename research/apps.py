from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Research")

    def ready(self):
        from units import registry
        from units.access import Perm

        # criteria: the phase criterion "the baseline wave has data", registered on
        # import with the phases.criteria registry.
        from . import criteria, demo, services  # noqa: F401
        from .sources import connect_source_deletion

        # A coded passage goes with its source (experiment, session, material).
        connect_source_deletion()

        # What this app adds to the ground floor (units/registry.py).
        registry.register_tab(
            key="research",
            label=_("Research"),
            url_name="research:overview",
            order=70,
            perm=Perm.VIEW_RESEARCH,
        )
        # Every unit has its baseline, intermediary and final wave from the start.
        registry.register_unit_created(key="research_waves", hook=services.waves_ensure_defaults)
        # What it holds of a person, for erasure and retention (accounts.erasure).
        from . import privacy

        privacy.register()
        registry.register_demo_seeder(key="research", seed=demo.seed, order=30)
