"""Changing a row through a service: only known fields, and only those are saved."""


def apply_changes(instance, changes: dict, *, allowed) -> list[str]:
    """Set ``changes`` on ``instance``; return the field names to save.

    A name outside ``allowed`` is a programming error (TypeError), not input to
    ignore. The names returned include the model's ``auto_now`` fields, so that
    ``save(update_fields=...)`` keeps "last changed" right.
    """
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"{type(instance).__name__} cannot change {sorted(unknown)}")
    for name, value in changes.items():
        setattr(instance, name, value)
    auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    return [*changes, *auto_now]
