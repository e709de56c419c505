from django.core.management.base import BaseCommand, CommandError

from research.services.codebook import codebook_import
from units.models import Unit


class Command(BaseCommand):
    help = "Create or update a unit's measures from a codebook file (csv or xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("unit", help="the unit's slug")
        parser.add_argument("file", help="path of the codebook file")

    def handle(self, *args, unit, file, **options):
        found = Unit.objects.filter(slug=unit).first()
        if found is None:
            raise CommandError(f"There is no unit “{unit}”.")
        try:
            result = codebook_import(unit=found, file=file)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems.not_shown:
                self.stderr.write(f"... and {result.problems.not_shown} more problems.")
            raise CommandError(
                f"{len(result.problems)} problem(s) in {file}; nothing was changed.", returncode=1
            )
        self.stdout.write(
            f"{found.slug}: {result.created} measures added, {result.updated} updated."
        )
