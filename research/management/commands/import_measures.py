from django.core.management.base import BaseCommand, CommandError

from research.models import Wave
from research.services.observations import observations_import
from research.services.waves import waves_ensure_defaults
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Import a data file (wide or long, csv or xlsx) into a unit. All or nothing: on any "
        "problem the problems go to standard error, nothing is written and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="the unit's slug")
        parser.add_argument("file", help="path of the data file")
        parser.add_argument("--wave", help="wave code for all rows (unless a 'wave' column)")
        parser.add_argument("--sheet", default="", help="sheet of a workbook (default: the first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, unit, file, wave=None, dry_run=False, sheet="", **options):
        found = Unit.objects.filter(slug=unit).first()
        if found is None:
            raise CommandError(f"There is no unit “{unit}”.")
        chosen = None
        if wave:
            waves = {w.code.casefold(): w for w in waves_ensure_defaults(unit=found)}
            chosen = waves.get(wave.casefold())
            if chosen is None:
                known = ", ".join(w.code for w in Wave.objects.filter(unit=found))
                raise CommandError(f"The unit has no wave “{wave}” (waves: {known}).")
        try:
            result = observations_import(
                unit=found, file=file, wave=chosen, dry_run=dry_run, sheet=sheet
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from None
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            if result.problems.not_shown:
                self.stderr.write(f"... and {result.problems.not_shown} more problems.")
            raise CommandError(
                f"{len(result.problems)} problem(s) in {file}; nothing was written.", returncode=1
            )
        self.stdout.write(f"{found.slug}: {result.summary_line()}")
