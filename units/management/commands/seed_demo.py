from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from units.demo import DEMO_PASSWORD, PEOPLE, Demo

# Each app adds its part of the demo, in this order (later parts build on earlier ones).
SEEDERS = ["units.demo", "phases.demo", "research.demo", "reports.demo"]


class Command(BaseCommand):
    help = "Create a believable demo programme of three units, and print its accounts."

    def handle(self, *args, **options):
        demo = Demo()
        with transaction.atomic():
            for module_name in SEEDERS:
                import_module(module_name).seed(demo)
        if demo.log:
            self.stdout.write(f"Created: {len(demo.log)} demo records.")
        else:
            self.stdout.write("The demo data was already there; nothing changed.")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for email, name, _language, is_staff in PEOPLE:
            role = "administrator" if is_staff else ""
            self.stdout.write(f"  {email:<28} {name:<20} {role}")
