"""Encode an application into the core's facts, evaluate the call's rules, apply officer overrides.

The rules themselves are data (``programmes.EligibilityRule``) evaluated by
``accord.core.eligibility``; this module is only the encoder and the translator of messages.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import formats
from django.utils.translation import gettext, ngettext

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, BudgetLine, TeamMember
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


def team_and_budget() -> list[Prefetch]:
    """The team (in the order the pages list it) and the budget lines, each with its
    organisation: what eligibility reads of an application, and the detail pages show."""
    return [
        Prefetch(
            "members",
            queryset=TeamMember.objects.select_related("person", "organisation").order_by(
                "country", "role", "id"
            ),
        ),
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("organisation")),
    ]


def for_evaluation(qs: QuerySet[Application]) -> QuerySet[Application]:
    """What ``facts_for`` and the call's rules read, prefetched (the stored evaluation of an
    application: on submission, on a later change, in a whole-call recompute)."""
    return qs.select_related("call").prefetch_related(
        "call__sides", "call__rules", "call__areas", "areas", *team_and_budget()
    )


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
    """A rule in words, in the reader's language (the public call page, the officers' pages)."""
    return rule_description(rule.kind, rule.params)


def _labels(enum: Any, values: Any) -> str:
    return ", ".join(_label(enum, str(v)) for v in values) if isinstance(values, list) else ""


def _number(value: Any) -> str:
    try:
        return formats.number_format(Decimal(str(value).strip()), force_grouping=True)
    except (InvalidOperation, ValueError):
        return str(value)


def _roles_words(params: dict[str, Any], default: str) -> str:
    """Who a rule checks, as the subject of a sentence ("lead applicants and co-investigators")."""
    roles = params.get("roles")
    if isinstance(roles, list) and roles:
        words = {
            "lead": gettext("lead applicants"),
            "co_investigator": gettext("co-investigators"),
            "researcher": gettext("researchers"),
            "partner": gettext("project partners"),
        }
        return ", ".join(words.get(str(r), str(r)) for r in roles)
    return {"all": gettext("every team member"), "lead": gettext("the lead applicant")}[default]


def rule_description(kind: str, params: Any) -> str:
    """What a rule asks, in one sentence in the reader's language: countries, organisation kinds,
    career stages and roles by their names, amounts grouped. Parameters the core would refuse
    (stored by hand) are shown as they are, never an error."""
    p = params if isinstance(params, dict) else {}
    country = _label(Country, str(p.get("country", "")))
    try:
        return _describe(kind, p, country)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return _generic_description(p)


def _describe(kind: str, p: dict[str, Any], country: str) -> str:
    if kind == "lead_each_side":
        return gettext("Each side names exactly one lead applicant.")
    if kind == "budget_each_side":
        return gettext("Each side has a budget with eligible costs.")
    if kind == "korean_summary":
        return gettext("The application has a Korean title and summary.")
    if kind == "areas_in_call":
        return gettext("The application's technology areas are among the call's areas.")
    if kind == "max_request":
        return gettext("The %(country)s side may request at most %(amount)s %(currency)s.") % {
            "country": country,
            "amount": _number(p["amount"]),
            "currency": p["currency"],
        }
    if kind == "org_kinds":
        return gettext(
            "On the %(country)s side, %(who)s must be at one of these types of organisation: %(kinds)s."
        ) % {
            "country": country,
            "who": _roles_words(p, "all"),
            "kinds": _labels(OrganisationKind, p["kinds"]),
        }
    if kind == "career_stage":
        return gettext(
            "On the %(country)s side, %(who)s must be at one of these career stages: %(stages)s."
        ) % {
            "country": country,
            "who": _roles_words(p, "lead"),
            "stages": _labels(CareerStage, p["stages"]),
        }
    if kind == "years_since_phd":
        values = {**p, "country": country, "who": _roles_words(p, "lead")}
        if p.get("min") is not None and p.get("max") is not None:
            template = gettext(
                "On the %(country)s side, %(who)s received their PhD %(min)s to %(max)s years before the closing date."
            )
        elif p.get("min") is not None:
            template = gettext(
                "On the %(country)s side, %(who)s received their PhD at least %(min)s years before the closing date."
            )
        else:
            template = gettext(
                "On the %(country)s side, %(who)s received their PhD at most %(max)s years before the closing date."
            )
        return template % values
    if kind == "duration":
        if p["min"] == p["max"]:
            return ngettext(
                "The project lasts %(months)s month.",
                "The project lasts %(months)s months.",
                int(p["min"]),
            ) % {"months": p["min"]}
        return gettext("The project lasts %(min)s to %(max)s months.") % p
    if kind == "max_applications_per_person":
        return ngettext(
            "A person may be on at most %(max)s application to this call.",
            "A person may be on at most %(max)s applications to this call.",
            int(p["max"]),
        ) % {"max": p["max"]}
    if kind == "cost_balance":
        share = Decimal(str(p["max_share"]).strip()) * 100
        rates = "; ".join(
            f"1 {currency} = {_number(rate)} {p['base']}"
            for currency, rate in sorted(p["rates"].items())
            if currency != p["base"]
        )
        return gettext(
            "No side has more than %(share)s%% of the total eligible cost, compared in %(base)s at the rates of %(date)s (%(rates)s)."
        ) % {
            "share": formats.number_format(share.normalize()),
            "base": p["base"],
            "date": formats.date_format(dt.date.fromisoformat(p["rate_date"])),
            "rates": rates,
        }
    return _generic_description(p)


def _generic_description(params: dict[str, Any]) -> str:
    """Settings as values, without parameter names: for a rule the words above do not cover."""
    parts = []
    # The side first, then the settings by name: the same order on every database (PostgreSQL's
    # jsonb does not keep the order in which the keys were written).
    items = sorted(params.items(), key=lambda kv: (kv[0] != "country", kv[0]))
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


def rule_has_settings(kind: str) -> bool:
    """Whether rules of ``kind`` take parameters (an officer has something to edit)."""
    spec = core.RULE_KINDS.get(kind)
    return spec is not None and bool(spec.params)


def rule_label(kind: str) -> str:
    spec = core.RULE_KINDS.get(kind)
    return gettext(spec.label) if spec is not None else kind


__all__ = [
    "EligibilityLine",
    "evaluate_application",
    "facts_for",
    "is_eligible",
    "rule_description",
    "rule_has_settings",
    "rule_label",
    "rule_summary",
]
