"""How each person wants their e-mail, per kind: their own choice, or the default for them."""

from django.core import signing
from django.db import transaction

from units.models import Membership, Role

from .models import Frequency, Kind, NotificationPreference

# Service users and family carers hear at once of a response to what they wrote
# (that is what keeps them taking part); for others a daily e-mail is enough.
CLIENT_ROLES = frozenset({Role.SERVICE_USER, Role.FAMILY_CARER})

# kind: (default for clients and family carers, default for everyone else)
DEFAULTS: dict[str, tuple[str, str]] = {
    Kind.RESPONSE: (Frequency.IMMEDIATELY, Frequency.DAILY),
    Kind.STEP_ASSIGNED: (Frequency.DAILY, Frequency.DAILY),
    Kind.STEP_DUE: (Frequency.DAILY, Frequency.DAILY),
    Kind.SESSION: (Frequency.IMMEDIATELY, Frequency.IMMEDIATELY),
    Kind.REPORT: (Frequency.IMMEDIATELY, Frequency.IMMEDIATELY),
    Kind.INVITATION: (Frequency.DAILY, Frequency.DAILY),
    Kind.PHASE: (Frequency.WEEKLY, Frequency.DAILY),
    # Told to facilitators only (notifications.monitor): once a week is the rhythm.
    Kind.MONITOR: (Frequency.WEEKLY, Frequency.WEEKLY),
    # Told to facilitators only, weeks ahead, who get an e-mail of its own at once
    # (units.services.retention): the weekly e-mail reminds them, no second e-mail now.
    Kind.RETENTION: (Frequency.WEEKLY, Frequency.WEEKLY),
}


def clients_among(user_ids) -> set[int]:
    """Who of these people is a service user or family carer in a unit (one query)."""
    return set(
        Membership.objects.current()
        .filter(user_id__in=user_ids, role__in=CLIENT_ROLES)
        .values_list("user_id", flat=True)
    )


def default_for(kind: str, *, is_client: bool) -> str:
    client, other = DEFAULTS[kind]
    return client if is_client else other


def frequencies_for(kind: str, user_ids) -> dict[int, str]:
    """{user id: frequency} for one kind (two queries, whatever the number of people)."""
    user_ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "frequency"
        )
    )
    clients = clients_among(user_ids)
    return {pk: chosen.get(pk) or default_for(kind, is_client=pk in clients) for pk in user_ids}


def preferences_of(user) -> dict[str, str]:
    """{kind: frequency} for every kind, defaults filled in (two queries)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    is_client = bool(clients_among([user.pk]))
    return {k: chosen.get(k) or default_for(k, is_client=is_client) for k in Kind.values}


@transaction.atomic
def preference_set(*, user, kind: str, frequency: str) -> NotificationPreference:
    if kind not in Kind.values or frequency not in Frequency.values:
        raise ValueError(f"Unknown kind or frequency: {kind!r}, {frequency!r}")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    return preference


# --- The link in every e-mail that changes the setting without logging in -----------

LINK_SALT = "notifications.preference-link"


def link_token(*, user, kind: str) -> str:
    """Signed with SECRET_KEY; it names the person and the kind, nothing else. It does
    not expire: a link in an old e-mail must still let someone stop the e-mails."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=LINK_SALT, compress=True)


def link_read(token: str) -> tuple[int, str]:
    """(user id, kind), or ``signing.BadSignature`` for a changed or made-up token."""
    value = signing.loads(token, salt=LINK_SALT)
    if not isinstance(value, dict) or value.get("k") not in Kind.values:
        raise signing.BadSignature("Not a preference link")
    return int(value["u"]), value["k"]
