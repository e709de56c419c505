from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = _("Research")

    def ready(self):
        # The phase criterion "the baseline wave has data" (phases.criteria registry).
        from . import criteria  # noqa: F401
        from .sources import connect_source_deletion

        # A coded passage goes with its source (experiment, session, material).
        connect_source_deletion()
