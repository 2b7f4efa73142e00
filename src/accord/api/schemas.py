"""What every router shares: error bodies, the bounded page, path parameters, text inputs."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field, Path, Schema
from ninja.pagination import LimitOffsetPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
REFERENCE_PATTERN = r"^[-a-zA-Z0-9_]+$"
# No NUL characters (PostgreSQL text cannot hold them).
TEXT_PATTERN = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str


class RefusedOut(Schema):
    """A refused input: what to fix, and the messages per field (``__all__``: the whole request)."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class ValidationErrorOut(Schema):
    """A request that does not match the schema (pydantic's errors, one per problem)."""

    detail: list[dict[str, Any]]


ERRORS: dict[int, type[Schema]] = {
    400: RefusedOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut,
}


def responses(ok: Any, *statuses: int) -> dict[int, Any]:
    """The response map of an operation: 200 ``ok`` and the error bodies of ``statuses``."""
    return {200: ok, **{status: ERRORS[status] for status in statuses}}


def slug_path() -> Any:
    return Path(..., pattern=SLUG_PATTERN, max_length=100)


def reference_path() -> Any:
    return Path(..., pattern=REFERENCE_PATTERN, max_length=40)


def country_path() -> Any:
    return Path(..., description="The side, by its country code.")


Text = Annotated[str, Field(max_length=20_000, pattern=TEXT_PATTERN)]


class Page(LimitOffsetPagination):
    """``limit`` (1–100, default 50) items from ``offset``; ``count`` is the total."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (≤ 100).")
        offset: int = Field(0, ge=0, le=1_000_000_000, description="Items to skip.")
