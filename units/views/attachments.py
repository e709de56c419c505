"""Adding a file to what a unit records (a session's notes, a practice experiment): the
same form, checks and messages wherever a file is attached."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..forms import AttachmentForm


def add_attachment_from(request, add: Callable) -> None:
    """Read the uploaded file from ``request`` and hand it to ``add(upload)`` (a service
    that checks and stores it); say in a message what became of it."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():  # no file, or an empty one
        messages.error(request, " ".join(form.errors["file"]))
        return
    try:
        attachment = add(form.cleaned_data["file"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” is added.") % {"name": attachment.original_name})
