"""The upload rules live in ``units.files`` (sessions have attachments too); kept here
for the phases code that imports them."""

from units.files import ALLOWED_TYPES, allowed_extensions_text, validate_upload

__all__ = ["ALLOWED_TYPES", "allowed_extensions_text", "validate_upload"]
