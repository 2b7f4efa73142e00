"""Bilingual content: models with ``<field>_en`` and ``<field>_ko`` columns show the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language


def pick(obj: object, field: str, language: str | None = None) -> str:
    """The value of ``field`` in ``language`` (default: the active one), falling back to English."""
    lang = (language or get_language() or "en")[:2]
    value = getattr(obj, f"{field}_{lang}", "") or ""
    return value or getattr(obj, f"{field}_en", "") or ""


class Bilingual:
    """Mixin: ``obj.local('name')`` is the name in the reader's language."""

    def local(self, field: str) -> str:
        return pick(self, field)

    @property
    def name(self) -> str:
        return pick(self, "name")
