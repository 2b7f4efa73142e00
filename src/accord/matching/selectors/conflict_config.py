"""A call's conflict-of-interest settings: ``Call.conflict_rules`` (JSON) over the core defaults.

The JSON holds only what the call changes; every key is optional::

    {"rules": ["named_on_application", "coauthor", ...],   # the conflict types that apply
     "coauthor_window_years": 5, "collaborator_window_years": 5,
     "fellowship_scheme": false,                            # UK4b: 10-year supervision window
     "supervision_window_years": null,                      # null: 10 if fellowship, else 5
     "same_org_scope": {"GB": "organisation", "KR": "department"}}

``conflict_config_for(call)`` turns it into the core's :class:`ConflictConfig`; anything it cannot
read raises a ValidationError naming the key, so a bad setting stops a run with a clear reason
instead of being ignored. The one write is ``services.conflict_config.set_conflict_rules``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.conflicts import ConflictConfig, ConflictType, Scope
from accord.programmes.models import Call

#: The longest look-back window accepted, in years (a larger one is a typing slip).
MAX_WINDOW_YEARS = 100

WINDOW_KEYS = ("coauthor_window_years", "collaborator_window_years")
KEYS = ("rules", *WINDOW_KEYS, "fellowship_scheme", "supervision_window_years", "same_org_scope")

#: Each conflict type: what it means, and the UK / Korean rules it carries out (domain.md §8).
RULE_TYPES: dict[ConflictType, tuple[Promise, str]] = {
    ConflictType.NAMED_ON_APPLICATION: (
        gettext_lazy("Reviewer is named on the application"),
        "UK1, KR1",
    ),
    ConflictType.LETTER_OF_SUPPORT: (
        gettext_lazy("Reviewer wrote a letter of support"),
        "UK5",
    ),
    ConflictType.SAME_ORGANISATION: (
        gettext_lazy("Reviewer works at the same organisation as an applicant"),
        "UK3, KR4",
    ),
    ConflictType.COAUTHOR: (
        gettext_lazy("Reviewer co-authored with an applicant within the window"),
        "UK4",
    ),
    ConflictType.SUPERVISION: (
        gettext_lazy("Reviewer supervised an applicant, or was supervised, within the window"),
        "UK4, UK4b, KR5",
    ),
    ConflictType.CLOSE_COLLABORATOR: (
        gettext_lazy("Reviewer is a declared close collaborator within the window"),
        "UK4",
    ),
    ConflictType.FAMILY: (
        gettext_lazy("Reviewer is or was a relative of an applicant"),
        "UK2, KR2",
    ),
    ConflictType.HOUSEHOLD: (gettext_lazy("Reviewer shares a household with an applicant"), "UK2"),
    ConflictType.NAMED_BY_APPLICANT: (
        gettext_lazy("The applicants named the reviewer or their organisation as conflicted"),
        "UK7, KR9",
    ),
}


def _window(data: Mapping[str, Any], key: str, *, allow_none: bool = False) -> int | None:
    value = data[key]
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {key: _("%(key)s must be a whole number of years.") % {"key": key}}, code="invalid"
        )
    if not 0 <= value <= MAX_WINDOW_YEARS:
        raise ValidationError(
            {
                key: _("%(key)s must be between 0 and %(max)s years, not %(value)s.")
                % {"key": key, "max": MAX_WINDOW_YEARS, "value": value}
            },
            code="range",
        )
    return int(value)


def parse_conflict_rules(data: Any) -> ConflictConfig:
    """The ConflictConfig that ``data`` (a call's ``conflict_rules``) asks for, over the defaults.

    Raises ValidationError keyed by the offending key ("rules", "coauthor_window_years", ...).
    """
    if data in (None, ""):
        data = {}
    if not isinstance(data, Mapping):
        raise ValidationError(
            _("The conflict-of-interest rules must be a JSON object."), code="invalid"
        )
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        raise ValidationError(
            {
                unknown[0]: _("Unknown conflict-of-interest setting %(key)s; known: %(known)s.")
                % {"key": unknown[0], "known": ", ".join(KEYS)}
            },
            code="unknown",
        )
    defaults = ConflictConfig()
    values: dict[str, Any] = {}
    if "rules" in data:
        names = data["rules"]
        if not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            raise ValidationError(
                {"rules": _("rules must be a list of conflict types.")}, code="invalid"
            )
        known = {t.value for t in ConflictType}
        bad = [n for n in names if n not in known]
        if bad:
            raise ValidationError(
                {
                    "rules": _("Unknown conflict type %(name)s; known: %(known)s.")
                    % {"name": bad[0], "known": ", ".join(t.value for t in ConflictType)}
                },
                code="unknown",
            )
        values["rules"] = frozenset(ConflictType(n) for n in names)
    for key in WINDOW_KEYS:
        if key in data:
            values[key] = _window(data, key)
    if "supervision_window_years" in data:
        values["supervision_window_years"] = _window(
            data, "supervision_window_years", allow_none=True
        )
    if "fellowship_scheme" in data:
        if not isinstance(data["fellowship_scheme"], bool):
            raise ValidationError(
                {"fellowship_scheme": _("fellowship_scheme must be true or false.")},
                code="invalid",
            )
        values["fellowship_scheme"] = data["fellowship_scheme"]
    if "same_org_scope" in data:
        scopes = data["same_org_scope"]
        if not isinstance(scopes, Mapping):
            raise ValidationError(
                {"same_org_scope": _("same_org_scope must map a country code to a scope.")},
                code="invalid",
            )
        merged = dict(defaults.same_org_scope)
        allowed = [s.value for s in Scope]
        for country, scope in scopes.items():
            if not (isinstance(country, str) and len(country) == 2 and country.isupper()):
                raise ValidationError(
                    {
                        "same_org_scope": _(
                            "%(country)s is not a country code (two capital letters, e.g. GB)."
                        )
                        % {"country": country}
                    },
                    code="invalid",
                )
            if scope not in allowed:
                raise ValidationError(
                    {
                        "same_org_scope": _(
                            "Unknown scope %(scope)s for %(country)s; use one of: %(allowed)s."
                        )
                        % {"scope": scope, "country": country, "allowed": ", ".join(allowed)}
                    },
                    code="unknown",
                )
            merged[country] = Scope(scope)
        values["same_org_scope"] = merged
    return ConflictConfig(**values)


def conflict_config_for(call: Call) -> ConflictConfig:
    """The conflict-of-interest settings of ``call``: its ``conflict_rules`` over the defaults."""
    return parse_conflict_rules(call.conflict_rules)


def conflict_rules_of(config: ConflictConfig) -> dict[str, Any]:
    """``config`` as the JSON stored on a call (every key written out; rule types in core order)."""
    return {
        "rules": [t.value for t in ConflictType if t in config.rules],
        "coauthor_window_years": config.coauthor_window_years,
        "collaborator_window_years": config.collaborator_window_years,
        "fellowship_scheme": config.fellowship_scheme,
        "supervision_window_years": config.supervision_window_years,
        "same_org_scope": {c: str(s) for c, s in sorted(config.same_org_scope.items())},
    }
