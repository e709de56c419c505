from django.core.management.base import BaseCommand, CommandError

from research.exporting import write_csv, write_xlsx
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Export a unit's data, long (unit, respondent, wave, measure, value) or wide; "
        "--dutch writes the CSV with ';' and decimal commas."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="the unit's slug")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--shape", choices=["long", "wide"], default="long")
        parser.add_argument("--dutch", action="store_true", help="CSV with ';' and decimal commas")
        parser.add_argument("--output", help="file to write (default: standard output, csv only)")

    def handle(self, *args, unit, format="csv", output=None, shape="long", dutch=False, **options):
        found = Unit.objects.filter(slug=unit).first()
        if found is None:
            raise CommandError(f"There is no unit “{unit}”.")
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output PATH.")
        try:
            if format == "xlsx":
                write_xlsx(found, output, shape=shape)
            elif output:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    write_csv(found, out, shape=shape, dutch=dutch)
            else:
                write_csv(found, self.stdout, shape=shape, dutch=dutch)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from None
        if output:
            self.stderr.write(f"Wrote {output}.")
