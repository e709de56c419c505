"""Helpers shared by the research views."""

from units.access import Perm


def data_context(access, section, **extra):
    """The context of a page of the data half (overview, codebook, waves, import)."""
    return {
        "unit": access.unit,
        "access": access,
        "section": section,
        "can_manage": access.can(Perm.MANAGE_RESEARCH),
        **extra,
    }
