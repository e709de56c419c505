from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from units import registry

        from . import demo, listeners, work

        # The events of units, phases and reports (units/registry.py), turned into
        # notifications for whoever may see them.
        listeners.register()
        # What it holds of a person, for erasure and retention (accounts.erasure).
        from . import privacy

        privacy.register()
        registry.register_demo_seeder(key="notifications", seed=demo.seed, order=50)
        registry.register_my_work(
            key="responses", label=_("New responses to me"), items=work.new_responses, order=30
        )
