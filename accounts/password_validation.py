"""Password rules whose messages Django's own Dutch catalogue does not cover."""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidatorTranslated(MinimumLengthValidator):
    """Django's minimum length rule, with its error in the reader's language.

    Django 5.2 changed this message's text ("%d" for "%(min_length)d") and its Dutch
    catalogue still has the old one, so the message came out in English on Dutch
    pages. The message is ours here, so our catalogue translates it.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
