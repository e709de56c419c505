from django.core.management.base import BaseCommand
from django.db import transaction

from units import registry
from units.demo import DEMO_PASSWORD, PEOPLE, Demo


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
        for email, name, _language, is_staff in PEOPLE:
            role = "administrator" if is_staff else ""
            self.stdout.write(f"  {email:<28} {name:<20} {role}")
