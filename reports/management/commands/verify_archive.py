"""Check a report archive against its manifest: every file there, with its size and SHA-256."""

from django.core.management.base import BaseCommand, CommandError

from reports.archive import verify_archive


class Command(BaseCommand):
    help = (
        "Verify a report archive (ZIP) against its manifest.json: every file listed is "
        "there with its size and SHA-256, and no file is there that is not listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the ZIP archive.")

    def handle(self, *args, archive, **options):
        problems = verify_archive(archive)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{archive}: {len(problems)} problem(s); the archive does not verify."
            )
        self.stdout.write(f"{archive}: every file matches its manifest.")
