from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Registers "a report exists" phase criteria with the phases registry.
        from phases.monitor import register_report_marks
        from units import registry

        from . import criteria, demo, monitor_marks

        criteria.register()
        register_report_marks(key="reports", marks=monitor_marks.report_marks)

        # What this app adds to the ground floor (units/registry.py).
        registry.register_tab(key="reports", label=_("Reports"), url_name="reports:list", order=80)
        registry.register_demo_seeder(key="reports", seed=demo.seed, order=40)
