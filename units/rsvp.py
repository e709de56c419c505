"""The signed link in a session reminder that lets a member answer without logging in."""

from django.core import signing

SALT = "units.rsvp-link"


def rsvp_token(*, session, user) -> str:
    """Names one session and one person, signed with SECRET_KEY. It stops working
    when the session is over or cancelled (``services.rsvp_set`` refuses then)."""
    return signing.dumps({"s": session.pk, "u": user.pk}, salt=SALT, compress=True)


def rsvp_read(token: str) -> tuple[int, int]:
    """(session id, user id), or ``signing.BadSignature``."""
    value = signing.loads(token, salt=SALT)
    if not isinstance(value, dict) or not {"s", "u"} <= value.keys():
        raise signing.BadSignature("Not an RSVP link")
    return int(value["s"]), int(value["u"])
