"""Audit entries as a reader reads them: field names and values in the reader's language.

The log stores raw values (ids, codes, nested dicts for one change of several fields); this turns
them into (field, before, after) rows of text: a model field's verbose name, a choice's label,
``name: value`` pairs for nested records, one line per budget line.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.applications.enums import ApplicationState, BudgetCategory, CheckStatus
from accord.directory.enums import Country

# Keys of nested records (checks, budget lines, overrides) that are not fields of the entry's model.
KEY_LABELS: dict[str, Any] = {
    "budget": gettext_lazy("budget"),
    "status": gettext_lazy("check"),
    "notes": gettext_lazy("notes"),
    "state": gettext_lazy("state"),
    "country": gettext_lazy("side"),
    "side": gettext_lazy("side"),
    "organisation": gettext_lazy("organisation"),
    "category": gettext_lazy("category"),
    "description": gettext_lazy("description"),
    "amount": gettext_lazy("eligible cost"),
    "currency": gettext_lazy("currency"),
    "override": gettext_lazy("rule overridden"),
    "passed": gettext_lazy("counts as passed"),
    "signed_by": gettext_lazy("signed by"),
    "version": gettext_lazy("version"),
}
VALUE_LABELS: dict[str, Any] = {
    "status": CheckStatus,
    "state": ApplicationState,
    "country": Country,
    "side": Country,
    "category": BudgetCategory,
}
CHECK_KEY = re.compile(r"^check_([A-Z]{2})$")


def key_label(model: Any, key: str) -> str:
    match = CHECK_KEY.match(key)
    if match:
        return _("check of the %(country)s side") % {"country": _choice(Country, match[1])}
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            pass
    return str(KEY_LABELS.get(key, key.replace("_", " ")))


def _choice(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value)


def value_text(model: Any, key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(
            f"{key_label(None, k)}: {value_text(None, k, v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return "\n".join(value_text(None, key, v) for v in value) or "—"
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if key in VALUE_LABELS and isinstance(value, str):
        return _choice(VALUE_LABELS[key], value)
    return str(value)


def readable_changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field, before, after) for each changed field of ``entry``, in the reader's language."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    keys = list(dict.fromkeys([*entry.before.keys(), *entry.after.keys()]))
    rows = []
    for key in keys:
        before, after = entry.before.get(key), entry.after.get(key)
        if key in entry.before and before == after:
            continue
        rows.append(
            (
                key_label(model, key),
                value_text(model, key, before) if key in entry.before else "",
                value_text(model, key, after) if key in entry.after else "",
            )
        )
    return rows
