"""A person's own data: everything the application holds that refers to them.

The models are found by walking the model graph, not listed by hand, so that a
model added later is part of the export without anyone remembering it: every
model with a foreign key to the user model (their own rows, the rows they
created, changed or are named in, history included), and every model that
names them by e-mail address (invitations).
"""

import io
import json
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Never exported, not even to the person themselves: a password hash, and the secret
# of an authenticator app (django-otp's TOTPDevice.key), which would make its codes.
SECRET_FIELDS = {"password", "key"}


@dataclass(frozen=True)
class Reference:
    """One way a model refers to a person: ``field`` holds them (or their address)."""

    model: type
    field: str
    by_email: bool = False

    @property
    def name(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


def personal_references() -> list[Reference]:
    """Every model field that points at a person, in a stable order."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        if model is user_model:
            continue
        for field in model._meta.get_fields():
            if not field.concrete:
                continue
            if field.is_relation and field.related_model is user_model:
                found.append(Reference(model, field.name))
            elif isinstance(field, models.EmailField):
                found.append(Reference(model, field.name, by_email=True))
    return sorted(found, key=lambda r: r.name)


def _rows(queryset) -> list[dict]:
    names = [f.attname for f in queryset.model._meta.concrete_fields]
    return [
        {name: value for name, value in row.items() if name not in SECRET_FIELDS}
        for row in queryset.values(*names)
    ]


def personal_data(user) -> dict:
    """Everything about ``user``: their account, then per reference the rows."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    account = _rows(user_model.objects.filter(pk=user.pk))[0]
    data = {"account": account, "references": {}}
    for ref in personal_references():
        value = user.email if ref.by_email else user.pk
        lookup = f"{ref.field}__iexact" if ref.by_email else ref.field
        data["references"][ref.name] = _rows(ref.model._default_manager.filter(**{lookup: value}))
    return data


def personal_data_zip(user) -> bytes:
    """The export as a ZIP: one JSON file per kind of record and a note to read first."""
    data = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("account.json", _json(data["account"]))
        for name, rows in data["references"].items():
            if rows:
                archive.writestr(f"records/{name}.json", _json(rows))
        with translation.override(user.language or settings.LANGUAGE_CODE):
            archive.writestr("README.txt", _readme(user, data))
    return buffer.getvalue()


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def _readme(user, data) -> str:
    counts = [(name, len(rows)) for name, rows in data["references"].items() if rows]
    lines = [
        _("Your data in the BPU application"),
        "",
        _("Made on %(date)s for %(email)s.")
        % {"date": date_format(timezone.localtime(), "DATETIME_FORMAT"), "email": user.email},
        "",
        _(
            "account.json holds your account (your password is never exported). The folder "
            "records holds one file per kind of record that refers to you: what you wrote, "
            "your memberships and attendance, and the history of changes you made. Research "
            "answers are stored under a respondent code, not under your name, and are not "
            "part of this export; the researcher of your unit can tell you which code is yours."
        ),
        "",
        _(
            "Your consent per unit is in records/units.ConsentRecord.user.json: when you "
            "answered, to which version of the consent text, and how (online, or on paper "
            "recorded by the facilitator). A request to erase your data is in "
            "records/accounts.ErasureRequest.user.json."
        ),
        "",
    ]
    lines += [f"records/{name}.json: {n}" for name, n in counts]
    return "\n".join(lines) + "\n"
