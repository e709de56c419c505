from functools import partial

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from research.models import Wave
from research.services.import_batches import log_values_written
from research.services.observations import observations_import
from research.services.waves import waves_ensure_defaults
from units.access import Perm, unit_access
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Import a data file (wide or long, csv or xlsx) into a unit. All or nothing: on any "
        "problem the problems go to standard error, nothing is written and the exit status is 1. "
        "The import is done, and written in the access log, in the name of the person given "
        "with --as, who must manage the unit's research."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="the unit's slug")
        parser.add_argument("file", help="path of the data file")
        parser.add_argument("--wave", help="wave code for all rows (unless a 'wave' column)")
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            help="e-mail address of the person importing (who manages the unit's research)",
        )
        parser.add_argument("--sheet", default="", help="sheet of a workbook (default: the first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, unit, file, actor, wave=None, dry_run=False, sheet="", **options):
        found = Unit.objects.filter(slug=unit).first()
        if found is None:
            raise CommandError(f"There is no unit “{unit}”.")
        person = get_user_model().objects.filter(email__iexact=actor, is_active=True).first()
        if person is None:
            raise CommandError(f"There is no active account with the e-mail address “{actor}”.")
        access = unit_access(person, found)
        if not access.can(Perm.MANAGE_RESEARCH):
            raise CommandError(f"{actor} does not manage the research of “{found.slug}”.")
        chosen = None
        if wave:
            waves = {w.code.casefold(): w for w in waves_ensure_defaults(unit=found)}
            chosen = waves.get(wave.casefold())
            if chosen is None:
                known = ", ".join(w.code for w in Wave.objects.filter(unit=found))
                raise CommandError(f"The unit has no wave “{wave}” (waves: {known}).")
        try:
            result = observations_import(
                unit=found,
                file=file,
                wave=chosen,
                actor=person,
                dry_run=dry_run,
                sheet=sheet,
                on_written=partial(log_values_written, access),
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
