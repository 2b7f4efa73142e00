"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: to the named field if the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
