"""Errors the decision services (and the open-data selector) raise; each message says what to do."""

from django.core.exceptions import ValidationError


class DecisionError(ValidationError):
    """A refused action on a decision, an award or a scenario (the message is shown to the user)."""


class OpenDataInvalid(Exception):
    """The open-data package does not validate; nothing may be published. ``errors`` says why."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


class NoOpenData(OpenDataInvalid):
    """No award is published yet: a 360Giving package needs at least one grant."""

    def __init__(self) -> None:
        super().__init__(
            ["no award is published yet; a 360Giving package needs at least one grant"]
        )
