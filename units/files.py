"""Checks on uploaded files (products, attachments): size, extension and real content."""

import struct
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from bpu.stored_files import delete_unless_committed

# extension: content type served back
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "csv": "text/csv",
}

# Office Open XML files are zip archives with a folder of their own.
_OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_TEXT_CONTROL_OK = {9, 10, 12, 13}


def allowed_extensions_text() -> str:
    return ", ".join(sorted({ext for ext in ALLOWED_TYPES if ext != "jpeg"}))


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _content_matches(ext: str, upload) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in ("txt", "csv"):
        if any(b < 32 and b not in _TEXT_CONTROL_OK for b in head):
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sample.
            if exc.start < len(head) - 3:
                try:
                    head.decode("cp1252")  # Dutch Excel exports
                except UnicodeDecodeError:
                    return False
        return True
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if ext == "odt":
                return (
                    "mimetype" in names
                    and archive.read("mimetype").strip() == ALLOWED_TYPES["odt"].encode()
                )
            return "[Content_Types].xml" in names and any(
                n.startswith(_OOXML_FOLDER[ext]) for n in names
            )
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    finally:
        upload.seek(0)


def validate_upload(upload) -> str:
    """The content type to serve the file with, or a ValidationError that names the problem."""
    name = upload.name or ""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; files may be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.UPLOAD_MAX_BYTES),
            },
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    ext = _extension(name)
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("“%(name)s” is not an allowed type of file. Allowed: %(allowed)s.")
            % {"name": name, "allowed": allowed_extensions_text()},
            code="type",
        )
    if not _content_matches(ext, upload):
        raise ValidationError(
            _("“%(name)s” does not contain what its extension .%(ext)s says.")
            % {"name": name, "ext": ext},
            code="content",
        )
    return ALLOWED_TYPES[ext]


def store_upload(record, upload) -> None:
    """Check an upload and save it with its record (an attachment or product file).

    The record has ``file``, ``original_name``, ``size`` and ``content_type``; the file
    is stored under a random name, and removed again if the record cannot be saved or
    its transaction rolls back later (``bpu.stored_files``).
    """
    record.content_type = validate_upload(upload)
    record.original_name = upload.name[:255]
    record.size = upload.size
    record.file.save(upload.name, upload, save=False)
    delete_unless_committed(record.file)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise


def demo_png(width: int = 4, height: int = 3) -> bytes:
    """A small grey PNG, for the demo's photos of a flip-over (no image files shipped)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xd0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
