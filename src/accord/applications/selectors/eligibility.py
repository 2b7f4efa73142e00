"""Encode an application into the core's facts, evaluate the call's rules, apply officer overrides.

The rules themselves are data (``programmes.EligibilityRule``) evaluated by
``accord.core.eligibility``; this module is only the encoder and the translator of messages.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext, ngettext

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, TeamMember
from accord.applications.selectors.budget import budget_summary
from accord.core import eligibility as core
from accord.directory.enums import CareerStage, Country, OrganisationKind
from accord.programmes.models import Call, EligibilityRule

INACTIVE_STATES = (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)


@dataclass(frozen=True)
class EligibilityLine:
    key: str
    kind: str
    passed: bool
    message: str
    overridden: bool
    override_reason: str


def core_rule(rule: EligibilityRule) -> core.Rule:
    return core.Rule(key=rule.key, kind=rule.kind, params=rule.params)


def facts_for(
    application: Application, *, other_counts: dict[int, int] | None = None
) -> core.ApplicationFacts:
    """The plain facts the core needs. Uses prefetched relations where the caller has them."""
    call: Call = application.call
    sides = list(call.sides.all())
    members: list[TeamMember] = list(application.members.all())
    if other_counts is None:
        other_counts = other_application_counts(
            call, [m.person_id for m in members], exclude=application.pk
        )
    budget = budget_summary(application)
    return core.ApplicationFacts(
        countries=tuple(s.country for s in sides)[:2],  # type: ignore[arg-type]
        members=tuple(
            core.Member(
                person_id=str(m.person_id),
                country=m.country,
                role=m.role,
                org_kind=m.organisation.kind,
                org_size=m.organisation.size,
                career_stage=m.person.career_stage,
                phd_year=m.person.phd_year,
                other_applications=other_counts.get(m.person_id, 0),
            )
            for m in members
        ),
        sides=tuple(
            core.SideFacts(
                country=b.country,
                currency=b.currency,
                eligible_cost=b.eligible_cost,
                requested=b.requested,
            )
            for b in budget.values()
            if b.eligible_cost > 0
        ),
        duration_months=application.duration_months,
        title_ko=application.title_ko,
        summary_ko=application.summary_ko,
        areas=tuple(a.slug for a in application.areas.all()),
        call_areas=tuple(a.slug for a in call.areas.all()),
        reference_date=call.closes_at.date(),
    )


def other_application_counts(
    call: Call, person_ids: list[int], *, exclude: int | None
) -> dict[int, int]:
    """For each person, their other active applications in this call (one query)."""
    qs = (
        TeamMember.objects.filter(application__call=call, person_id__in=person_ids)
        .exclude(application__state__in=INACTIVE_STATES)
        .exclude(application_id=exclude)
        .values("person_id")
        .annotate(n=Count("id"))
    )
    return {row["person_id"]: row["n"] for row in qs}


def evaluate_application(
    application: Application, *, other_counts: dict[int, int] | None = None
) -> list[EligibilityLine]:
    """One line per rule of the call, in the user's language, with overrides applied."""
    rules = [core_rule(r) for r in application.call.rules.all()]
    results = core.evaluate(rules, facts_for(application, other_counts=other_counts))
    overrides = {o.rule_key: o for o in application.eligibility_overrides.all()}
    names = {str(m.person_id): m.person.name for m in application.members.all()}
    lines = []
    for result in results:
        params = _readable(dict(result.params), names)
        template = _plain(result.code, params) or gettext(result.template)
        try:
            message = template % params
        except (
            KeyError,
            ValueError,
        ):  # a translation that lost a placeholder must not break the page
            message = result.template % params
        override = overrides.get(result.key)
        lines.append(
            EligibilityLine(
                key=result.key,
                kind=result.kind,
                passed=override.passed if override else result.passed,
                message=message,
                overridden=override is not None,
                override_reason=override.reason if override else "",
            )
        )
    return lines


_LABELS: dict[str, Any] = {
    "org_kind": OrganisationKind,
    "career_stage": CareerStage,
    "country": Country,
}


def _label(enum: Any, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


def _readable(params: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Person ids become names and codes become labels in the reader's language."""
    if "person_id" in params:
        params["person_id"] = names.get(params["person_id"], params["person_id"])
    for key, enum in _LABELS.items():
        if key in params:
            params[key] = _label(enum, params[key])
    for key in ("amount", "requested", "excess"):
        if key in params:
            with contextlib.suppress(InvalidOperation, ValueError):
                params[key] = formats.number_format(
                    Decimal(params[key]), decimal_pos=0, force_grouping=True
                )
    if "allowed" in params:
        enum = (
            OrganisationKind
            if params["allowed"].split(",")[0].strip() in OrganisationKind.values
            else CareerStage
        )
        params["allowed"] = ", ".join(_label(enum, v.strip()) for v in params["allowed"].split(","))
    return params


def _plain(code: str, params: dict[str, str]) -> str:
    """Plain-language wording where the core's template reads oddly for these values
    ("36 to 36 months", "1 applications", a field's internal name); "" keeps the core's."""
    if code == "korean_summary.missing":
        return {
            "title_ko": gettext("The Korean title is empty; fill it in."),
            "summary_ko": gettext("The Korean summary is empty; fill it in."),
        }.get(params.get("field", ""), "")
    exact = params.get("min") is not None and params.get("min") == params.get("max")
    if code == "duration.ok" and exact:
        return gettext(
            "The duration of %(duration)s months is the %(min)s months the call asks for."
        )
    if code == "duration.missing" and exact:
        return gettext("The project duration is not stated; the call asks for %(min)s months.")
    if code == "max_applications_per_person.ok":
        with contextlib.suppress(ValueError):
            return ngettext(
                "No team member is on more than %(max)s application to this call.",
                "No team member is on more than %(max)s applications to this call.",
                int(params["max"]),
            )
    return ""


def rule_summary(rule: EligibilityRule) -> str:
    return rule_description(rule.kind, rule.params)


def rule_description(kind: str, params: Any) -> str:
    """A rule's settings as a reader sees them, without parameter names or codes:
    kinds and stages as labels, countries as names, amounts grouped (for the public call page)."""
    parts = []
    rule = EligibilityRule(kind=kind, params=params if isinstance(params, dict) else {})
    # The side first, then the settings by name: the same order on every database (PostgreSQL's
    # jsonb does not keep the order in which the keys were written).
    items = sorted((rule.params or {}).items(), key=lambda kv: (kv[0] != "country", kv[0]))
    for key, value in items:
        if isinstance(value, dict):  # e.g. exchange rates: currency codes and numbers
            parts.append(", ".join(f"{k} {v}" for k, v in value.items()))
            continue
        values = value if isinstance(value, list) else [value]
        shown = []
        for v in values:
            text = str(v)
            if key == "country" or text in Country.values:
                text = _label(Country, text)
            elif text in OrganisationKind.values:
                text = _label(OrganisationKind, text)
            elif text in CareerStage.values:
                text = _label(CareerStage, text)
            elif (isinstance(v, int | float | Decimal) and not isinstance(v, bool)) or (
                isinstance(v, str) and v.isdigit()
            ):
                text = formats.number_format(Decimal(str(v)), force_grouping=True)
            shown.append(text)
        parts.append(", ".join(shown))
    return "; ".join(p for p in parts if p)


def is_eligible(lines: list[EligibilityLine]) -> bool:
    return all(line.passed for line in lines)


def rule_label(kind: str) -> str:
    spec = core.RULE_KINDS.get(kind)
    return gettext(spec.label) if spec is not None else kind


__all__ = [
    "EligibilityLine",
    "evaluate_application",
    "facts_for",
    "is_eligible",
    "rule_description",
    "rule_label",
    "rule_summary",
]
