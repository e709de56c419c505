"""The processing register's technical part, generated from the models: which
records hold personal data, in which table, through which fields."""

import csv
from collections import defaultdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models

from accounts.personal_data import personal_references


class Command(BaseCommand):
    help = (
        "Print, as CSV, every kind of record that refers to a person: its table, the fields "
        "that point at the person, its free-text fields (which may name people), and how "
        "long it is kept (PRIVACY_RETENTION). Generated from the models, so it stays current."
    )

    def handle(self, *args, **options):
        by_model = defaultdict(list)
        for ref in personal_references():
            by_model[ref.model].append(ref.field)
        kept = settings.PRIVACY_RETENTION or "not set (PRIVACY_RETENTION)"
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["record", "table", "refers to a person through", "free text", "kept"])
        for model in sorted(by_model, key=lambda m: m._meta.label):
            free_text = [
                f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)
            ]
            writer.writerow(
                [
                    model._meta.label,
                    model._meta.db_table,
                    ", ".join(by_model[model]),
                    ", ".join(free_text),
                    kept,
                ]
            )
