"""Eligibility rules for joint calls, evaluated on plain data (no Django).

A call carries its eligibility rules as DATA: rows of ``Rule(key, kind, params)``, where
``kind`` names one of the evaluators in :data:`RULE_KINDS` and ``params`` is a JSON object.
There is no code branch per call. The web side encodes an application into
:class:`ApplicationFacts`, calls :func:`evaluate` and shows one :class:`RuleResult` per rule,
pass or fail, with a reason.

Messages are translatable: each result carries a stable ``code`` (``"<kind>.<outcome>"``), the
English ``template`` (``%(name)s`` placeholders only) and ``params`` (all values as strings:
raw ``str(Decimal)`` amounts plus currency codes, which the web side formats). Every template
is wrapped in :func:`gettext_noop` so that Django's ``makemessages`` extracts it; the web layer
calls ``gettext(result.template) % result.params``.

Rule kinds (params; fail codes):

==============================  ==============================================  ===============================
kind                            params                                          fail codes
==============================  ==============================================  ===============================
lead_each_side                  {}                                              missing, duplicate
max_request                     country, amount, currency                       currency, over
budget_each_side                {}                                              missing
org_kinds                       country, kinds, roles? (default: all roles)     unknown, not_allowed
career_stage                    country, stages, roles? (default: lead)         not_allowed
years_since_phd                 country, min?, max? (one at least), roles?      unknown, below_min, above_max
duration                        min, max (months, inclusive)                    missing, too_short, too_long
cost_balance                    max_share, rates, rate_date, base               no_rate, no_costs, over
max_applications_per_person     max                                             over
korean_summary                  {}                                              missing
areas_in_call                   {}                                              none, outside
==============================  ==============================================  ===============================

Each rule yields exactly one result: the first failure found, in a deterministic order
(countries in ``facts.countries`` order, members by ``person_id``, areas sorted), else
``<kind>.ok``. A rule whose params are invalid is a configuration error, not an applicant
failure: :func:`validate_rule` raises :class:`RuleError` naming the rule key, the parameter
and the fix, and :func:`evaluate` validates every rule before evaluating any.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any, NamedTuple

__all__ = [
    "CAREER_STAGES",
    "MEMBER_ROLES",
    "ORG_KINDS",
    "ORG_SIZES",
    "RULE_KINDS",
    "TEMPLATES",
    "ApplicationFacts",
    "FactsError",
    "Member",
    "ParamSpec",
    "Rule",
    "RuleError",
    "RuleKind",
    "RuleResult",
    "SideFacts",
    "evaluate",
    "evaluate_rule",
    "gettext_noop",
    "is_eligible",
    "validate_rule",
]


def gettext_noop(s: str) -> str:
    """Mark ``s`` for translation without translating it (Django's makemessages extracts it)."""
    return s


MEMBER_ROLES: tuple[str, ...] = ("lead", "co_investigator", "researcher", "partner")
ORG_KINDS: tuple[str, ...] = (
    "university",
    "institute",
    "company",
    "government",
    "funder",
    "international",
)
ORG_SIZES: tuple[str, ...] = ("micro", "small", "medium", "large", "mid_tier", "non_profit")
CAREER_STAGES: tuple[str, ...] = ("doctoral", "early", "mid", "senior", "industry", "other")

_COUNTRY_RE = re.compile(r"[A-Z]{2}")
_CURRENCY_RE = re.compile(r"[A-Z]{3}")
# Precision for exact comparisons of money × rate; realistic amounts and rates need far less.
_PRECISION = 80


# --------------------------------------------------------------------------------------------
# Data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """One person on the application team."""

    person_id: str
    country: str  # "GB", "KR", ...
    role: str  # one of MEMBER_ROLES
    org_kind: str  # one of ORG_KINDS, or "" when not stated
    org_size: str  # one of ORG_SIZES, or ""
    career_stage: str  # one of CAREER_STAGES
    phd_year: int | None
    other_applications: int  # this person's OTHER active applications in the same call


@dataclass(frozen=True, slots=True)
class SideFacts:
    """The budget of one side (country) of a joint application."""

    country: str
    currency: str
    eligible_cost: Decimal  # total eligible cost of this side, in currency
    requested: Decimal  # after the funder's rates, in currency


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """Everything the rules look at, encoded from one application.

    Shapes (checked by :func:`evaluate`): ``countries`` has exactly 2 distinct codes;
    ``sides`` has at most one entry per country (a side without budget lines may be absent).
    """

    countries: tuple[str, str]  # the call's two countries, e.g. ("GB", "KR")
    members: tuple[Member, ...]
    sides: tuple[SideFacts, ...]  # one per country that has budget lines (may be missing)
    duration_months: int | None
    title_ko: str
    summary_ko: str
    areas: tuple[str, ...]  # the application's area slugs
    call_areas: tuple[str, ...]
    reference_date: date  # the call's closing date (for career windows)


@dataclass(frozen=True, slots=True)
class Rule:
    """One eligibility rule of a call: stored data, not code."""

    key: str  # stable id within the call, e.g. "max-request-kr"
    kind: str  # a key of RULE_KINDS
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """Outcome of one rule on one application: pass/fail with a translatable reason."""

    key: str
    kind: str
    passed: bool
    code: str  # e.g. "max_request.over"
    template: str  # English template with %(name)s placeholders
    params: dict[str, str]  # all values as strings

    @property
    def message(self) -> str:
        """The English message (the web layer uses ``gettext(template) % params`` instead)."""
        return self.template % self.params


class RuleError(ValueError):
    """A rule's kind or params are invalid; the message names the rule key, parameter and fix.

    ``rule_key`` and ``param`` are also attributes, so a form can attach the error to a field
    (``param`` is ``None`` when the problem is the kind or the params object as a whole), and
    ``code`` names the problem in a stable word (the web layer words it in the reader's
    language): ``missing``, ``unknown_param``, ``not_decimal``, ``not_finite``, ``not_country``,
    ``not_currency``, ``negative``, ``share_range``, ``not_int``, ``not_date``, ``not_rates``,
    ``rate_not_positive``, ``not_list``, ``unknown_values``, ``min_above_max``, ``no_bounds``,
    ``base_rate``, ``params_not_object``, ``unknown_kind``, ``empty_key``, ``duplicate_key``.
    """

    def __init__(
        self, message: str, *, rule_key: str = "", param: str | None = None, code: str = "invalid"
    ) -> None:
        super().__init__(message)
        self.rule_key = rule_key
        self.param = param
        self.code = code


class FactsError(ValueError):
    """The application facts do not have the documented shape (names the failing field)."""


# --------------------------------------------------------------------------------------------
# Message templates: one per code. Every string is marked for extraction by makemessages.
# --------------------------------------------------------------------------------------------

TEMPLATES: dict[str, str] = {
    # lead_each_side
    "lead_each_side.ok": gettext_noop("Each side has exactly one lead applicant."),
    "lead_each_side.missing": gettext_noop(
        "The %(country)s side has no lead applicant; name one team member from %(country)s as lead."
    ),
    "lead_each_side.duplicate": gettext_noop(
        "The %(country)s side has %(count)s lead applicants; exactly one is allowed."
    ),
    # max_request
    "max_request.ok": gettext_noop(
        "The %(country)s side requests %(requested)s %(currency)s, within the limit of %(amount)s %(currency)s."
    ),
    "max_request.currency": gettext_noop(
        "The %(country)s side's budget is in %(side_currency)s but this call's limit is in %(currency)s; enter the budget in %(currency)s."
    ),
    "max_request.over": gettext_noop(
        "The %(country)s side requests %(requested)s %(currency)s, which is %(excess)s %(currency)s over the limit of %(amount)s %(currency)s."
    ),
    # budget_each_side
    "budget_each_side.ok": gettext_noop("Each side has a budget with eligible costs."),
    "budget_each_side.missing": gettext_noop(
        "The %(country)s side has no eligible costs; add its budget lines."
    ),
    # org_kinds
    "org_kinds.ok": gettext_noop(
        "Every checked member on the %(country)s side is at an eligible type of organisation."
    ),
    "org_kinds.unknown": gettext_noop(
        "Team member %(person_id)s has not stated the type of their organisation; eligible types: %(allowed)s."
    ),
    "org_kinds.not_allowed": gettext_noop(
        "Team member %(person_id)s is at an organisation of type %(org_kind)s, which is not eligible; eligible types: %(allowed)s."
    ),
    # career_stage
    "career_stage.ok": gettext_noop(
        "Every checked member on the %(country)s side is at an eligible career stage."
    ),
    "career_stage.not_allowed": gettext_noop(
        "Team member %(person_id)s is at career stage %(career_stage)s, which is not eligible; eligible stages: %(allowed)s."
    ),
    # years_since_phd
    "years_since_phd.ok": gettext_noop(
        "Every checked member on the %(country)s side is within the allowed years since PhD."
    ),
    "years_since_phd.unknown": gettext_noop(
        "Team member %(person_id)s has not stated the year of their PhD; the call limits the years since PhD."
    ),
    "years_since_phd.below_min": gettext_noop(
        "Team member %(person_id)s received their PhD in %(phd_year)s, %(years)s years before the closing date; at least %(min)s years are required."
    ),
    "years_since_phd.above_max": gettext_noop(
        "Team member %(person_id)s received their PhD in %(phd_year)s, %(years)s years before the closing date; at most %(max)s years are allowed."
    ),
    # duration
    "duration.ok": gettext_noop(
        "The duration of %(duration)s months is within %(min)s to %(max)s months."
    ),
    "duration.missing": gettext_noop(
        "The project duration is not stated; give a duration of %(min)s to %(max)s months."
    ),
    "duration.too_short": gettext_noop(
        "The duration of %(duration)s months is shorter than the minimum of %(min)s months."
    ),
    "duration.too_long": gettext_noop(
        "The duration of %(duration)s months is longer than the maximum of %(max)s months."
    ),
    # cost_balance
    "cost_balance.ok": gettext_noop(
        "No side has more than %(max)s%% of the total eligible cost (converted to %(base)s at the rates of %(rate_date)s)."
    ),
    "cost_balance.no_rate": gettext_noop(
        "The %(country)s side's costs are in %(currency)s, for which the call has no exchange rate."
    ),
    "cost_balance.no_costs": gettext_noop(
        "The application has no eligible costs, so the balance between the sides cannot be checked."
    ),
    "cost_balance.over": gettext_noop(
        "The %(country)s side has %(share)s%% of the total eligible cost, more than the %(max)s%% allowed (converted to %(base)s at the rates of %(rate_date)s)."
    ),
    # max_applications_per_person
    "max_applications_per_person.ok": gettext_noop(
        "No team member is on more than %(max)s applications to this call."
    ),
    "max_applications_per_person.over": gettext_noop(
        "Team member %(person_id)s would be on %(count)s applications to this call; the limit is %(max)s."
    ),
    # korean_summary
    "korean_summary.ok": gettext_noop("The Korean title and summary are given."),
    "korean_summary.missing": gettext_noop(
        "The Korean-language field %(field)s is empty; fill it in."
    ),
    # areas_in_call
    "areas_in_call.ok": gettext_noop("All of the application's areas are in the call."),
    "areas_in_call.none": gettext_noop("The application has no area; choose at least one."),
    "areas_in_call.outside": gettext_noop(
        "The area %(area)s is not one of this call's areas; remove it or choose another."
    ),
}


# --------------------------------------------------------------------------------------------
# Parameter schemas and validation
# --------------------------------------------------------------------------------------------


class ParamSpec(NamedTuple):
    """One parameter of a rule kind.

    ``type`` is one of: ``"country"`` (2 upper-case letters), ``"currency"`` (3 upper-case
    letters), ``"amount"`` (Decimal ≥ 0, as a string or int), ``"share"`` (Decimal in (0, 1]),
    ``"int"`` (int ≥ 0), ``"date"`` (ISO ``YYYY-MM-DD`` string), ``"rates"`` (object currency →
    Decimal > 0), ``"roles"`` / ``"org_kinds"`` / ``"career_stages"`` (non-empty list of the
    known values).
    """

    type: str
    required: bool
    help: str


class RuleKind(NamedTuple):
    """An entry of :data:`RULE_KINDS`: how to evaluate, which params, and the set-up label."""

    evaluator: Callable[[Rule, ApplicationFacts], RuleResult]
    params: Mapping[str, ParamSpec]
    label: str  # English, no placeholders, marked with gettext_noop


def _err(rule: Rule, param: str | None, problem: str, fix: str, *, code: str) -> RuleError:
    where = f"rule {rule.key!r} ({rule.kind})"
    if param is not None:
        where += f", parameter {param!r}"
    return RuleError(f"{where}: {problem}; {fix}", rule_key=rule.key, param=param, code=code)


def _decimal(rule: Rule, name: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _err(
            rule,
            name,
            f"expected a decimal number as a string, got {type(value).__name__} {value!r}",
            'write it as a string, e.g. "150000" or "0.7"',
            code="not_decimal",
        )
    try:
        d = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise _err(
            rule,
            name,
            f"{value!r} is not a decimal number",
            'write digits, e.g. "150000.00"',
            code="not_decimal",
        ) from None
    if not d.is_finite():
        raise _err(
            rule,
            name,
            f"{value!r} is not a finite number",
            "give a finite amount",
            code="not_finite",
        )
    return d


def _check_param(rule: Rule, name: str, spec: ParamSpec, value: object) -> None:
    t = spec.type
    if t == "country":
        if not isinstance(value, str) or not _COUNTRY_RE.fullmatch(value):
            raise _err(
                rule,
                name,
                f"{value!r} is not a country code",
                'use the ISO 3166 two-letter upper-case code, e.g. "GB" or "KR"',
                code="not_country",
            )
    elif t == "currency":
        if not isinstance(value, str) or not _CURRENCY_RE.fullmatch(value):
            raise _err(
                rule,
                name,
                f"{value!r} is not a currency code",
                'use the ISO 4217 three-letter upper-case code, e.g. "GBP" or "KRW"',
                code="not_currency",
            )
    elif t == "amount":
        if _decimal(rule, name, value) < 0:
            raise _err(
                rule, name, f"{value!r} is negative", "give an amount of 0 or more", code="negative"
            )
    elif t == "share":
        d = _decimal(rule, name, value)
        if not (0 < d <= 1):
            raise _err(
                rule,
                name,
                f"{value!r} is outside (0, 1]",
                'give a fraction above 0 and at most 1, e.g. "0.7" for 70%',
                code="share_range",
            )
    elif t == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _err(
                rule,
                name,
                f"expected a whole number, got {type(value).__name__} {value!r}",
                "give a whole number without quotes, e.g. 36",
                code="not_int",
            )
        if value < 0:
            raise _err(
                rule, name, f"{value} is negative", "give a number of 0 or more", code="negative"
            )
    elif t == "date":
        try:
            if not isinstance(value, str):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise _err(
                rule,
                name,
                f"{value!r} is not a date",
                'write it as YYYY-MM-DD, e.g. "2024-04-30"',
                code="not_date",
            ) from None
    elif t == "rates":
        if not isinstance(value, Mapping) or not value:
            raise _err(
                rule,
                name,
                f"expected a non-empty object of currency → rate, got {value!r}",
                'give e.g. {"GBP": "1", "KRW": "0.00058"}',
                code="not_rates",
            )
        for cur, rate in value.items():
            if not isinstance(cur, str) or not _CURRENCY_RE.fullmatch(cur):
                raise _err(
                    rule,
                    name,
                    f"{cur!r} is not a currency code",
                    'use three upper-case letters, e.g. "KRW"',
                    code="not_currency",
                )
            if _decimal(rule, f"{name}.{cur}", rate) <= 0:
                raise _err(
                    rule,
                    f"{name}.{cur}",
                    f"rate {rate!r} is not positive",
                    "give a rate above 0",
                    code="rate_not_positive",
                )
    else:
        allowed = {"roles": MEMBER_ROLES, "org_kinds": ORG_KINDS, "career_stages": CAREER_STAGES}[t]
        if (
            not isinstance(value, (list, tuple))
            or not value
            or not all(isinstance(v, str) for v in value)
        ):
            raise _err(
                rule,
                name,
                f"expected a non-empty list of strings, got {value!r}",
                f"give a list of some of: {', '.join(allowed)}",
                code="not_list",
            )
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise _err(
                rule,
                name,
                f"unknown value(s) {', '.join(map(repr, unknown))}",
                f"use only: {', '.join(allowed)}",
                code="unknown_values",
            )


def validate_rule(rule: Rule) -> None:
    """Check ``rule`` against its kind's parameter schema; raise :class:`RuleError` if invalid.

    Checks: known kind, params is an object, no missing or extra params, types and formats,
    non-negative amounts and counts, ``max_share`` in (0, 1], ``min`` ≤ ``max``, rates given
    for the base currency consistent with it (rate 1).
    """
    if not isinstance(rule.key, str) or not rule.key.strip():
        raise RuleError(
            f"rule of kind {rule.kind!r}: the key is empty; give a stable id such as 'max-request-kr'",
            rule_key=str(rule.key),
            code="empty_key",
        )
    kind = RULE_KINDS.get(rule.kind)
    if kind is None:
        raise RuleError(
            f"rule {rule.key!r}: unknown kind {rule.kind!r}; use one of: {', '.join(RULE_KINDS)}",
            rule_key=rule.key,
            code="unknown_kind",
        )
    if not isinstance(rule.params, Mapping):
        raise _err(
            rule,
            None,
            f"params must be an object, got {type(rule.params).__name__}",
            "give {}",
            code="params_not_object",
        )
    extra = sorted(set(rule.params) - set(kind.params))
    if extra:
        raise _err(
            rule,
            str(extra[0]),
            "unknown parameter",
            f"remove it; this kind takes: {', '.join(kind.params) or 'no parameters'}",
            code="unknown_param",
        )
    for name, spec in kind.params.items():
        if name not in rule.params:
            if spec.required:
                raise _err(rule, name, "missing", f"add it ({spec.help})", code="missing")
            continue
        _check_param(rule, name, spec, rule.params[name])
    p = rule.params
    lo, hi = p.get("min"), p.get("max")
    if (
        rule.kind in ("duration", "years_since_phd")
        and lo is not None
        and hi is not None
        and lo > hi
    ):
        raise _err(
            rule,
            "min",
            f"min {lo} is greater than max {hi}",
            "make min ≤ max",
            code="min_above_max",
        )
    if rule.kind == "years_since_phd" and "min" not in p and "max" not in p:
        raise _err(
            rule, "min", "neither min nor max is given", "give min, max or both", code="no_bounds"
        )
    if rule.kind == "cost_balance":
        base_rate = p["rates"].get(p["base"])
        if base_rate is not None and Decimal(str(base_rate).strip()) != 1:
            raise _err(
                rule,
                f"rates.{p['base']}",
                f"the base currency {p['base']} has rate {base_rate!r}",
                "the base currency's rate must be 1 (or leave it out)",
                code="base_rate",
            )


# --------------------------------------------------------------------------------------------
# Evaluators: each returns exactly one result (first failure in a fixed order, else ok)
# --------------------------------------------------------------------------------------------


def _result(rule: Rule, outcome: str, **params: object) -> RuleResult:
    code = f"{rule.kind}.{outcome}"
    return RuleResult(
        key=rule.key,
        kind=rule.kind,
        passed=outcome == "ok",
        code=code,
        template=TEMPLATES[code],
        params={k: str(v) for k, v in params.items()},
    )


def _side(facts: ApplicationFacts, country: str) -> SideFacts | None:
    for s in facts.sides:
        if s.country == country:
            return s
    return None


def _members(facts: ApplicationFacts, country: str, roles: Iterable[str] | None) -> list[Member]:
    """Members of ``country`` (with a role in ``roles``, if given), sorted by person_id."""
    wanted = None if roles is None else frozenset(roles)
    found = [
        m for m in facts.members if m.country == country and (wanted is None or m.role in wanted)
    ]
    return sorted(found, key=lambda m: m.person_id)


def _eval_lead_each_side(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    for country in facts.countries:
        count = sum(1 for m in facts.members if m.country == country and m.role == "lead")
        if count == 0:
            return _result(rule, "missing", country=country)
        if count > 1:
            return _result(rule, "duplicate", country=country, count=count)
    return _result(rule, "ok")


def _eval_max_request(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    country: str = rule.params["country"]
    currency: str = rule.params["currency"]
    amount = Decimal(str(rule.params["amount"]).strip())
    side = _side(facts, country)
    if side is None:  # no budget lines on this side: nothing requested (budget_each_side says more)
        return _result(
            rule, "ok", country=country, requested=Decimal(0), amount=amount, currency=currency
        )
    if side.currency != currency:
        return _result(
            rule, "currency", country=country, side_currency=side.currency, currency=currency
        )
    if side.requested > amount:
        with localcontext(prec=_PRECISION):
            excess = side.requested - amount
        return _result(
            rule,
            "over",
            country=country,
            requested=side.requested,
            amount=amount,
            currency=currency,
            excess=excess,
        )
    return _result(
        rule, "ok", country=country, requested=side.requested, amount=amount, currency=currency
    )


def _eval_budget_each_side(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    for country in facts.countries:
        side = _side(facts, country)
        if side is None or not side.eligible_cost > 0:
            return _result(rule, "missing", country=country)
    return _result(rule, "ok")


def _eval_org_kinds(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    country: str = rule.params["country"]
    kinds: Sequence[str] = rule.params["kinds"]
    allowed = ", ".join(kinds)
    for m in _members(facts, country, rule.params.get("roles")):
        if not m.org_kind:
            return _result(rule, "unknown", person_id=m.person_id, allowed=allowed)
        if m.org_kind not in kinds:
            return _result(
                rule, "not_allowed", person_id=m.person_id, org_kind=m.org_kind, allowed=allowed
            )
    return _result(rule, "ok", country=country)


def _eval_career_stage(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    country: str = rule.params["country"]
    stages: Sequence[str] = rule.params["stages"]
    for m in _members(facts, country, rule.params.get("roles", ("lead",))):
        if m.career_stage not in stages:
            return _result(
                rule,
                "not_allowed",
                person_id=m.person_id,
                career_stage=m.career_stage,
                allowed=", ".join(stages),
            )
    return _result(rule, "ok", country=country)


def _eval_years_since_phd(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    country: str = rule.params["country"]
    lo: int | None = rule.params.get("min")
    hi: int | None = rule.params.get("max")
    for m in _members(facts, country, rule.params.get("roles", ("lead",))):
        if m.phd_year is None:
            return _result(rule, "unknown", person_id=m.person_id)
        years = facts.reference_date.year - m.phd_year
        if lo is not None and years < lo:
            return _result(
                rule, "below_min", person_id=m.person_id, phd_year=m.phd_year, years=years, min=lo
            )
        if hi is not None and years > hi:
            return _result(
                rule, "above_max", person_id=m.person_id, phd_year=m.phd_year, years=years, max=hi
            )
    return _result(rule, "ok", country=country)


def _eval_duration(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    lo: int = rule.params["min"]
    hi: int = rule.params["max"]
    d = facts.duration_months
    if d is None:
        return _result(rule, "missing", min=lo, max=hi)
    if d < lo:
        return _result(rule, "too_short", duration=d, min=lo)
    if d > hi:
        return _result(rule, "too_long", duration=d, max=hi)
    return _result(rule, "ok", duration=d, min=lo, max=hi)


def _percent(x: Decimal, places: int) -> str:
    """``x`` (a fraction) as a percentage string with exactly ``places`` decimals, half-up."""
    with localcontext(prec=_PRECISION):
        return str((x * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _percent_exact(x: Decimal) -> str:
    """``x`` as a percentage with at least one decimal and no rounding: 0.7 → "70.0"."""
    with localcontext(prec=_PRECISION):
        p = (x * 100).normalize()
    exp = p.as_tuple().exponent
    assert isinstance(exp, int)  # finite (validated)
    return str(p.quantize(Decimal("0.1"))) if exp >= -1 else f"{p:f}"


def _eval_cost_balance(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    p = rule.params
    base: str = p["base"]
    rates = {cur: Decimal(str(r).strip()) for cur, r in p["rates"].items()}
    rates.setdefault(base, Decimal(1))
    max_share = Decimal(str(p["max_share"]).strip())
    rate_date: str = p["rate_date"]
    order = {c: i for i, c in enumerate(facts.countries)}
    sides = sorted(facts.sides, key=lambda s: (order.get(s.country, len(order)), s.country))
    converted: list[tuple[str, Decimal]] = []
    with localcontext(prec=_PRECISION):
        for s in sides:
            rate = rates.get(s.currency)
            if rate is None:
                return _result(rule, "no_rate", country=s.country, currency=s.currency)
            converted.append((s.country, s.eligible_cost * rate))
        total = sum((c for _, c in converted), Decimal(0))
        if total <= 0:
            return _result(rule, "no_costs")
        limit = max_share * total
        for country, amount in converted:
            if amount > limit:
                share = amount / total
                # One decimal, as the page shows; more if rounding would print the limit itself.
                places = 1
                while places < 12 and Decimal(_percent(share, places)) <= max_share * 100:
                    places += 1
                return _result(
                    rule,
                    "over",
                    country=country,
                    share=_percent(share, places),
                    max=_percent_exact(max_share),
                    base=base,
                    rate_date=rate_date,
                )
    return _result(rule, "ok", max=_percent_exact(max_share), base=base, rate_date=rate_date)


def _eval_max_applications_per_person(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    limit: int = rule.params["max"]
    for m in sorted(facts.members, key=lambda m: m.person_id):
        count = m.other_applications + 1
        if count > limit:
            return _result(rule, "over", person_id=m.person_id, count=count, max=limit)
    return _result(rule, "ok", max=limit)


def _eval_korean_summary(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    for field_name, value in (("title_ko", facts.title_ko), ("summary_ko", facts.summary_ko)):
        if not value.strip():
            return _result(rule, "missing", field=field_name)
    return _result(rule, "ok")


def _eval_areas_in_call(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    if not facts.areas:
        return _result(rule, "none")
    call_areas = frozenset(facts.call_areas)
    for area in sorted(facts.areas):
        if area not in call_areas:
            return _result(rule, "outside", area=area)
    return _result(rule, "ok")


_COUNTRY = ParamSpec("country", True, 'the side\'s country code, e.g. "KR"')


def _roles(default: str) -> ParamSpec:
    return ParamSpec("roles", False, f"list of member roles to check; default {default}")


RULE_KINDS: dict[str, RuleKind] = {
    "lead_each_side": RuleKind(
        _eval_lead_each_side, {}, gettext_noop("Exactly one lead applicant on each side")
    ),
    "max_request": RuleKind(
        _eval_max_request,
        {
            "country": _COUNTRY,
            "amount": ParamSpec("amount", True, 'the limit as a string, e.g. "150000"'),
            "currency": ParamSpec("currency", True, 'the limit\'s currency, e.g. "KRW"'),
        },
        gettext_noop("Maximum amount requested from one side's funder"),
    ),
    "budget_each_side": RuleKind(
        _eval_budget_each_side, {}, gettext_noop("Both sides have a budget with eligible costs")
    ),
    "org_kinds": RuleKind(
        _eval_org_kinds,
        {
            "country": _COUNTRY,
            "kinds": ParamSpec("org_kinds", True, "list of eligible organisation types"),
            "roles": _roles("all members of that country"),
        },
        gettext_noop("Eligible types of organisation on one side"),
    ),
    "career_stage": RuleKind(
        _eval_career_stage,
        {
            "country": _COUNTRY,
            "stages": ParamSpec("career_stages", True, "list of eligible career stages"),
            "roles": _roles('["lead"]'),
        },
        gettext_noop("Eligible career stages on one side"),
    ),
    "years_since_phd": RuleKind(
        _eval_years_since_phd,
        {
            "country": _COUNTRY,
            "min": ParamSpec("int", False, "fewest years since PhD, inclusive"),
            "max": ParamSpec("int", False, "most years since PhD, inclusive"),
            "roles": _roles('["lead"]'),
        },
        gettext_noop("Years since PhD on one side"),
    ),
    "duration": RuleKind(
        _eval_duration,
        {
            "min": ParamSpec("int", True, "shortest duration in months, inclusive"),
            "max": ParamSpec("int", True, "longest duration in months, inclusive"),
        },
        gettext_noop("Project duration"),
    ),
    "cost_balance": RuleKind(
        _eval_cost_balance,
        {
            "max_share": ParamSpec("share", True, 'largest share of one side, e.g. "0.7"'),
            "rates": ParamSpec("rates", True, 'rates to the base, e.g. {"KRW": "0.00058"}'),
            "rate_date": ParamSpec("date", True, 'date of the rates, e.g. "2024-04-30"'),
            "base": ParamSpec("currency", True, 'currency to compare in, e.g. "GBP"'),
        },
        gettext_noop("Balance of eligible costs between the sides"),
    ),
    "max_applications_per_person": RuleKind(
        _eval_max_applications_per_person,
        {"max": ParamSpec("int", True, "most applications per person in this call, e.g. 2")},
        gettext_noop("Maximum applications per person in this call"),
    ),
    "korean_summary": RuleKind(
        _eval_korean_summary, {}, gettext_noop("Korean title and summary given")
    ),
    "areas_in_call": RuleKind(
        _eval_areas_in_call, {}, gettext_noop("Application areas are within the call's areas")
    ),
}


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def _check_facts(facts: ApplicationFacts) -> None:
    if len(facts.countries) != 2 or facts.countries[0] == facts.countries[1]:
        raise FactsError(
            f"facts.countries must be the call's two distinct countries, got {facts.countries!r}"
        )
    seen: set[str] = set()
    for s in facts.sides:
        if s.country in seen:
            raise FactsError(
                f"facts.sides has two entries for country {s.country!r}; merge them into one"
            )
        seen.add(s.country)
    for m in facts.members:
        if m.other_applications < 0:
            raise FactsError(
                f"facts.members: person {m.person_id!r} has other_applications="
                f"{m.other_applications}; it must be 0 or more"
            )


def evaluate_rule(rule: Rule, facts: ApplicationFacts) -> RuleResult:
    """Validate ``rule`` and evaluate it on ``facts`` (facts are not shape-checked here)."""
    validate_rule(rule)
    return RULE_KINDS[rule.kind].evaluator(rule, facts)


def evaluate(rules: Sequence[Rule], facts: ApplicationFacts) -> list[RuleResult]:
    """Evaluate every rule on ``facts``: one :class:`RuleResult` per rule, in the rules' order.

    Raises :class:`RuleError` if any rule is invalid or two rules share a key (before
    evaluating anything), and :class:`FactsError` if ``facts`` breaks its documented shape.
    """
    seen: set[str] = set()
    for rule in rules:
        validate_rule(rule)
        if rule.key in seen:
            raise RuleError(
                f"rule {rule.key!r}: the key is used by another rule of this call; give each rule its own key",
                rule_key=rule.key,
                code="duplicate_key",
            )
        seen.add(rule.key)
    _check_facts(facts)
    return [RULE_KINDS[r.kind].evaluator(r, facts) for r in rules]


def is_eligible(results: Iterable[RuleResult]) -> bool:
    """True when every result passed (an empty rule set is eligible)."""
    return all(r.passed for r in results)
