"""Validators shared by the apps (units is the ground floor every app may import)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Names end up in e-mail subjects and calendar entries, where a line break is
# refused (an e-mail header) or starts a new field: they are one line of text.
single_line = RegexValidator(
    r"[\x00-\x1f\x7f\u2028\u2029]",
    inverse_match=True,
    message=_("Use a single line, without line breaks or tabs."),
    code="single_line",
)
