"""Phase exit criteria that need a report: registered with the phases registry."""


def register() -> None:
    """Nothing to register while the phases criteria registry does not exist yet."""
