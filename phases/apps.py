from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhasesConfig(AppConfig):
    name = "phases"
    verbose_name = _("Phases")

    def ready(self):
        # Registers this app's exit criteria; other apps register theirs the same way.
        from . import criteria  # noqa: F401
