"""Removing a person's personal data: on their request (erasure) or when their
unit's retention period is over (purge).

accounts is the ground floor and knows no other app's models; every app says
what of a person it holds by registering here from its ``AppConfig.ready()``:

- ``erase(user, text)``: replace the free text the person wrote with ``text``,
  delete the files they uploaded, forget their address;
- ``purge_unit(unit_id, text)``: the same for every member's texts and files in
  one unit (retention).

Free text is replaced by ``REMOVED_TEXT``, one marker in both languages of the
application, so that it reads the same whoever looks and never needs a
translation at display time. Pseudonymous research data (observations under a
respondent code) is not personal data the application can tie to a name once
the name is gone, and is kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ErasureRequest, User, WebAuthnCredential

# Both languages in one marker: stored once, read the same in Dutch and English.
REMOVED_TEXT = "[verwijderd op verzoek / removed at the person's request]"
REMOVED_BY_RETENTION = "[verwijderd na de bewaartermijn / removed after the retention period]"


@dataclass(frozen=True)
class PersonalData:
    key: str
    erase: Callable
    purge_unit: Callable | None = None


_HOLDERS: dict[str, PersonalData] = {}


def register_personal_data(*, key: str, erase: Callable, purge_unit: Callable | None = None):
    """``erase(user, text)`` and ``purge_unit(unit_id, text)`` run inside the erasure's
    (or purge's) transaction; files are deleted once it commits."""
    _HOLDERS[key] = PersonalData(key=key, erase=erase, purge_unit=purge_unit)
    return _HOLDERS[key]


def holders() -> list[PersonalData]:
    return [_HOLDERS[k] for k in sorted(_HOLDERS)]


# --- Helpers the registered functions share ------------------------------------------


def _fitting(field, text: str) -> str:
    limit = getattr(field, "max_length", None)
    return text[:limit] if limit else text


def replace_text(queryset, fields, text: str) -> int:
    """Replace the non-empty ``fields`` of the rows with ``text``, in the rows and in
    their change history (django-simple-history), so that no copy is left."""
    querysets = [queryset]
    history = getattr(queryset.model, "history", None)
    if history is not None and hasattr(history, "model"):
        pks = list(queryset.values_list("pk", flat=True))
        querysets.append(
            history.model.objects.filter(**{queryset.model._meta.pk.attname + "__in": pks})
        )
    changed = 0
    for qs in querysets:
        for name in fields:
            field = qs.model._meta.get_field(name)
            changed += qs.exclude(**{name: ""}).update(**{name: _fitting(field, text)})
    return changed


def delete_files(queryset, field_name: str, *, name_field: str = "", text: str = "") -> int:
    """Delete the stored files of the rows (once the transaction commits) and empty the
    field; ``name_field`` (the original file name) is replaced with ``text``."""
    names = [n for n in queryset.values_list(field_name, flat=True) if n]
    if not names:
        return 0
    storage = queryset.model._meta.get_field(field_name).storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
    update = {field_name: ""}
    if name_field:
        update[name_field] = _fitting(queryset.model._meta.get_field(name_field), text)
    queryset.exclude(**{field_name: ""}).update(**update)
    return len(names)


def erased_email(user) -> str:
    """An address that names nobody, unique per account, that can never receive mail."""
    return f"erased-{user.pk}@invalid"


# --- The services ---------------------------------------------------------------------


@transaction.atomic
def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    """The person asks; asking again while one is open finds the open one."""
    existing = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).first()
    if existing is not None:
        return existing
    return ErasureRequest.objects.create(user=user, reason=reason.strip())


@transaction.atomic
def user_erase(*, user: User, by: User | None = None) -> User:
    """Remove the person's personal data: their name and address, the free text they
    wrote, the files they uploaded; their account can no longer log in. What the
    research exemption keeps (settings.PRIVACY_ERASURE_KEEPS_RESEARCH_PASSAGES) and
    pseudonymous research data stay. Their open erasure request is marked done."""
    user = User.objects.select_for_update().get(pk=user.pk)
    for holder in holders():
        holder.erase(user, REMOVED_TEXT)
    ErasureRequest.objects.filter(user=user).update(reason="")
    ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).update(
        status=ErasureRequest.Status.DONE, handled_at=timezone.now(), handled_by=by
    )
    # The account can no longer log in: its second factors (named by the person, e.g.
    # "Anna's laptop", and holding secrets: the app's key, the recovery codes) have
    # nothing left to do. Recovery codes go with their device.
    WebAuthnCredential.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.full_name = ""
    user.email = erased_email(user)
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return user


def unit_purge_texts(*, unit_id: int, text: str = REMOVED_BY_RETENTION) -> None:
    """Every registered holder removes the texts and files of one unit's members.
    Called by units.services.retention inside its transaction."""
    for holder in holders():
        if holder.purge_unit is not None:
            holder.purge_unit(unit_id, text)


def text_fields(model) -> list[models.Field]:
    """The concrete text columns of a model (used by tests and the purge's checks)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def mentions(model, needle: str) -> Q:
    """Rows of ``model`` with ``needle`` in any text column."""
    q = Q()
    for f in text_fields(model):
        q |= Q(**{f"{f.name}__icontains": needle})
    return q
