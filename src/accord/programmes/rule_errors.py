"""The core's rule errors (``accord.core.eligibility.RuleError``, English, with a stable ``code``)
as form errors in the reader's language, attached to the setting that needs fixing."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from accord.core.eligibility import RuleError

RULE_ERROR_MESSAGES = {
    "missing": _("This setting is required."),
    "unknown_param": _("This kind of rule does not take this setting."),
    "not_decimal": _("Enter a number, e.g. 150000 or 0.7."),
    "not_finite": _("Enter a finite number."),
    "not_country": _("Choose one of the call's countries."),
    "not_currency": _("Enter a currency code of three capital letters, e.g. GBP or KRW."),
    "negative": _("Enter 0 or more."),
    "share_range": _("Enter a share above 0% and at most 100%."),
    "not_int": _("Enter a whole number, e.g. 36."),
    "not_date": _("Enter a date, e.g. 2024-04-30."),
    "not_rates": _("Give the exchange rate of at least one currency."),
    "rate_not_positive": _("An exchange rate must be above 0."),
    "not_list": _("Choose at least one."),
    "unknown_values": _("Choose only from the list."),
    "min_above_max": _("The minimum must not be above the maximum."),
    "no_bounds": _("Give a minimum, a maximum or both."),
    "base_rate": _("The currency the costs are compared in has the rate 1."),
    "params_not_object": _("The settings of this rule could not be read."),
    "unknown_kind": _("Choose a kind of rule from the list."),
    "empty_key": _("Give the rule a key."),
    "duplicate_key": _("This call already has a rule with this key."),
}


def rule_field(param: str | None) -> str:
    """The form field of a core parameter: ``rates.KRW`` is the field ``rate_KRW``."""
    if not param:
        return NON_FIELD_ERRORS
    name, _dot, currency = param.partition(".")
    return f"rate_{currency}" if name == "rates" and currency else name


def rule_validation_error(exc: RuleError) -> ValidationError:
    """``exc`` as a ValidationError on the field of its parameter, worded for the reader."""
    message = RULE_ERROR_MESSAGES.get(exc.code)
    if message is None:  # a code this layer does not know yet: the core's English words
        return ValidationError({rule_field(exc.param): ValidationError(str(exc), code=exc.code)})
    return ValidationError({rule_field(exc.param): ValidationError(message, code=exc.code)})
