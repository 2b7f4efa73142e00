"""Errors the application services raise; each message says what to do."""

from django.core.exceptions import ValidationError


class ApplicationError(ValidationError):
    """A refused action on an application (the message is shown to the user)."""


class ConcurrentEditError(ApplicationError):
    """Someone else saved the application after this form was opened."""


class TransitionError(ApplicationError):
    """The state change is not allowed, or its conditions are not met."""
