"""For views that serve a file."""

from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control

#: Reports, products and exports hold personal data: neither a shared computer's
#: browser cache nor a proxy may keep a copy (Cache-Control: private, no-store).
private_download = cache_control(private=True, no_store=True)


def stored_file_response(stored, *, filename: str, content_type: str) -> FileResponse:
    """An uploaded file (a product's, an experiment's or a session's) as a download under
    the name it was uploaded with; a file gone from storage is a 404, not a 500."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
