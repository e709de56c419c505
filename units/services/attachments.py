"""Files with a session's notes: a photo of the flip-over, a handout.

The same rules as a product's files (``units.files``). A deleted attachment, session or
unit takes its stored file along (``models._delete_session_attachment_file``).
"""

from django.db import transaction

from ..files import store_upload
from ..models import Session, SessionAttachment


@transaction.atomic
def session_attachment_add(*, session: Session, actor, upload) -> SessionAttachment:
    """Store an uploaded file after checking its size, extension and actual content."""
    attachment = SessionAttachment(session=session, uploaded_by=actor)
    store_upload(attachment, upload)
    return attachment


@transaction.atomic
def session_attachment_delete(*, attachment: SessionAttachment) -> None:
    attachment.delete()
