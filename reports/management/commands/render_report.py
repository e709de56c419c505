from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.models import UNIT_KINDS, Kind, Status
from reports.services import report_render_now, report_request
from units.models import Programme, Unit


class Command(BaseCommand):
    help = (
        "Render a report now, through the same code path as the workers. "
        "UNIT KIND for a unit (KIND: baseline, intermediary or final), "
        "or --programme SLUG for a programme comparison."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", nargs="?", help="The unit's short name (slug).")
        parser.add_argument("kind", nargs="?", help="baseline, intermediary or final.")
        parser.add_argument("--programme", help="A programme's slug: render its comparison.")
        parser.add_argument("--output", help="Also copy the PDF to this path.")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], default="nl"
        )
        parser.add_argument("--as", dest="actor", help="E-mail of the person asking (optional).")

    def handle(self, *args, unit, kind, programme, output, language, actor, **options):
        owner = self._owner(unit, kind, programme)
        requester = None
        if actor:
            requester = get_user_model().objects.filter(email__iexact=actor).first()
            if requester is None:
                raise CommandError(f"No person with e-mail address {actor!r}.")
        try:
            if isinstance(owner, Unit):
                report = report_request(
                    unit=owner, kind=kind, language=language, actor=requester, send=False
                )
            else:
                report = report_request(
                    programme=owner,
                    kind=Kind.COMPARISON,
                    language=language,
                    actor=requester,
                    send=False,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report = report_render_now(report.pk)
        if report.status != Status.DONE:
            raise CommandError(f"Report {report.pk} failed: {report.error}")
        if output:
            target = Path(output)
            if target.is_dir():
                target = target / report.download_name()
            try:
                target.write_bytes(report.pdf.read())
            except OSError as exc:
                raise CommandError(f"Could not write {target}: {exc}") from exc
            finally:
                report.pdf.close()
            self.stdout.write(f"Wrote {target}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report} done: {report.page_count} pages, stored as {report.pdf.name}"
            )
        )

    def _owner(self, unit, kind, programme):
        if programme:
            if unit or kind:
                raise CommandError("Give either UNIT KIND or --programme SLUG, not both.")
            found = Programme.objects.filter(slug=programme).first()
            if found is None:
                raise CommandError(f"No programme with short name {programme!r}.")
            return found
        if not unit or not kind:
            raise CommandError("Give UNIT and KIND (or --programme SLUG).")
        if kind not in UNIT_KINDS:
            raise CommandError(f"Unknown report kind {kind!r}: use one of {', '.join(UNIT_KINDS)}.")
        found = Unit.objects.filter(slug=unit).first()
        if found is None:
            raise CommandError(f"No unit with short name {unit!r}.")
        return found
