"""Carry out an erasure: ``manage.py erase_person person@example.org``."""

from django.core.management.base import BaseCommand, CommandError

from accounts.erasure import user_erase
from accounts.models import User, email_normalise


class Command(BaseCommand):
    help = (
        "Erase a person's personal data (name, e-mail address, texts they wrote, files they "
        "uploaded); pseudonymous research data is kept. Marks their erasure request done."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address.")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email=email_normalise(email)).first()
        if user is None:
            raise CommandError(f"No person with the e-mail address {email!r}.")
        user_erase(user=user)
        self.stdout.write(f"Erased the personal data of person {user.pk}.")
