from django.core.management.base import BaseCommand
from django.db import transaction

from units import registry
from units.demo import DEMO_PASSWORD, PEOPLE, Demo
from units.models import Membership


class Command(BaseCommand):
    help = "Create a believable demo programme of three units, and print its accounts."

    def handle(self, *args, **options):
        demo = Demo()
        with transaction.atomic():
            # Each app registers its part (units.registry), run in their order.
            for seeder in registry.demo_seeders():
                seeder.seed(demo)
        if demo.log:
            self.stdout.write(f"Created: {len(demo.log)} demo records.")
        else:
            self.stdout.write("The demo data was already there; nothing changed.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        roles = self._roles_by_email()
        for email, name, _language, is_staff in PEOPLE:
            described = (["administrator"] if is_staff else []) + roles.get(email, [])
            self.stdout.write(f"  {email:<28} {name:<20} {'; '.join(described)}")

    @staticmethod
    def _roles_by_email() -> dict[str, list[str]]:
        """Each demo person's roles, with the units they hold them in: "facilitator in
        eindhoven-ervaringsdeskundigheid, tilburg-...". Current memberships only."""
        units_by_role: dict[str, dict[str, list[str]]] = {}
        memberships = (
            Membership.objects.current()
            .filter(user__email__in=[email for email, *_rest in PEOPLE])
            .select_related("user", "unit")
            .order_by("unit__slug")
        )
        for membership in memberships:
            person = units_by_role.setdefault(membership.user.email, {})
            person.setdefault(membership.role, []).append(membership.unit.slug)
        return {
            email: [f"{role} in {', '.join(slugs)}" for role, slugs in by_role.items()]
            for email, by_role in units_by_role.items()
        }
