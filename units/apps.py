from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Units")

    def ready(self):
        # units' own part of the registries the apps above fill in (units/registry.py).
        from django.db.backends.signals import connection_created

        from accounts.second_factor import register_second_factor_rule

        from . import access_log_guard, demo, registry, selectors, work

        connection_created.connect(
            access_log_guard.register_sqlite_function, dispatch_uid="access_log_sqlite_function"
        )

        registry.register_tab(
            key="overview", label=_("Overview"), url_name="units:detail", order=10
        )
        registry.register_tab(
            key="sessions", label=_("Sessions"), url_name="units:sessions", order=20
        )
        registry.register_tab(key="members", label=_("Members"), url_name="units:members", order=30)
        registry.register_attention(key="sessions", attention=selectors.session_attention, order=10)
        # What it holds of a person, for erasure and retention (accounts.erasure).
        from . import privacy

        privacy.register()
        registry.register_demo_seeder(key="units", seed=demo.seed, order=10)
        # Researchers hold pseudonymous data: they need a second factor when it is required.
        register_second_factor_rule(key="researcher", applies=selectors.is_researcher)
        registry.register_my_work(
            key="consent", label=_("Consent asked"), items=work.consent_to_answer, order=5
        )
        # The person's consent per unit, on their profile page (accounts.profile).
        from accounts.profile import register_profile_section

        from .consent import profile_consent_section

        register_profile_section(
            key="consent",
            template="units/_profile_consent.html",
            context=profile_consent_section,
            order=10,
        )
        # Who looked at the person's data (the access log), linked from the same page.
        register_profile_section(
            key="access_log",
            template="units/_profile_access_log.html",
            context=lambda user: {},
            order=20,
        )
        registry.register_my_work(
            key="next_session", label=_("My next session"), items=work.next_session, order=10
        )
