"""What notifications holds of a person, for an erasure and the retention purge
(accounts.erasure): the notifications they received are removed; those telling
others what they did keep no title or text of theirs."""

from accounts.erasure import register_personal_data

from .models import Notification

# The keys of Notification.data that carry a text someone wrote.
TEXT_KEYS = ("title", "what")


def _scrub(queryset, text: str) -> None:
    for notification in queryset.only("pk", "data"):
        data = dict(notification.data or {})
        if any(data.get(key) for key in TEXT_KEYS):
            for key in TEXT_KEYS:
                if data.get(key):
                    data[key] = text
            Notification.objects.filter(pk=notification.pk).update(data=data)


def erase(user, text: str) -> None:
    from phases.models import Experiment

    Notification.objects.filter(recipient=user).delete()
    _scrub(Notification.objects.filter(actor=user), text)
    # Others told of a response to one of the person's experiments saw its title.
    experiments = list(Experiment.objects.filter(author=user).values_list("pk", flat=True))
    if experiments:
        _scrub(Notification.objects.filter(data__experiment__in=experiments), text)


def purge_unit(unit_id: int, text: str) -> None:
    _scrub(Notification.objects.filter(unit_id=unit_id), text)


def register() -> None:
    register_personal_data(key="notifications", erase=erase, purge_unit=purge_unit)
