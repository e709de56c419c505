"""The version of a unit's research data: bumped by every service that writes or
deletes values, read as the statistics cache key (``research.statistics.unit``)."""

from __future__ import annotations

import uuid

from django.db import transaction

from ..models import DataVersion


@transaction.atomic
def data_version_bump(*, unit) -> uuid.UUID:
    """Give the unit's research data a new version: cached statistics of the old one
    are not read again. In the caller's transaction, so a rolled-back write keeps the
    old version."""
    token = uuid.uuid4()
    DataVersion.objects.update_or_create(unit=unit, defaults={"token": token})
    return token
