"""Template helpers: bilingual fields, dates in both capitals, money in its own currency."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accord.common.i18n import pick

register = template.Library()

_SYMBOLS = {"GBP": "£", "KRW": "₩", "EUR": "€", "USD": "$", "JPY": "¥"}


@register.filter
def local(obj: Any, field: str) -> str:
    """``{{ instrument|local:"summary" }}``: the field in the reader's language, else English."""
    return pick(obj, field)


@register.simple_tag
def dual_time(value: dt.datetime | None) -> SafeString | str:
    """A moment shown in every display time zone: ``22 Nov 2023, 09:00 (London) · 18:00 (Seoul)``."""
    if value is None:
        return ""
    parts = []
    for zone, label in settings.ACCORD_DISPLAY_TIME_ZONES:
        local_value = value.astimezone(zoneinfo.ZoneInfo(zone))
        parts.append(
            (
                zone,
                formats.date_format(local_value, "DATE_FORMAT"),
                formats.time_format(local_value, "H:i"),
                str(label),
            )
        )
    return format_html(
        '<span class="dual-time">{}</span>',
        format_html_join(
            " · ",
            '<time datetime="{}" data-tz="{}">{} {} ({})</time>',
            ((value.isoformat(), z, d, t, label) for z, d, t, label in parts),
        ),
    )


@register.filter
def money(amount: Decimal | int | None, currency: str) -> str:
    if amount is None:
        return ""
    symbol = _SYMBOLS.get(currency, "")
    text = formats.number_format(
        Decimal(amount).quantize(Decimal(1)), decimal_pos=0, force_grouping=True
    )
    return f"{symbol}{text} {currency}" if symbol else f"{text} {currency}"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def audit_changes(entry: Any) -> list[tuple[str, str, str]]:
    """An audit entry's changes as readable (field, before, after) rows."""
    from accord.common.audit_display import readable_changes

    return readable_changes(entry)
