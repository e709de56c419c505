"""What the apps above accounts show on a person's profile page.

accounts knows no units; an app that holds something of the person that belongs on
their own page (their consent per unit) registers a section here from its
``AppConfig.ready()``: a template and ``context(user) -> dict`` (a fixed number of
queries). Registering under an existing key replaces the entry.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    key: str
    template: str
    context: Callable
    order: int = 100


_SECTIONS: dict[str, ProfileSection] = {}


def register_profile_section(*, key: str, template: str, context: Callable, order: int = 100):
    _SECTIONS[key] = ProfileSection(key=key, template=template, context=context, order=order)
    return _SECTIONS[key]


def profile_sections(user) -> list[tuple[str, dict]]:
    """(template, context) of every section, in order."""
    return [
        (s.template, s.context(user))
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    ]
