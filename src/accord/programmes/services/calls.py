"""Open and configure calls. Rules are data, checked by the core before they are saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.rules import require
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit, snapshot
from accord.core import eligibility as core
from accord.directory.enums import Country
from accord.directory.models import Organisation
from accord.partnerships.models import TechnologyArea
from accord.programmes.call_templates import TEMPLATES
from accord.programmes.models import (
    Call,
    CallSide,
    Criterion,
    EligibilityRule,
    JointRuleChange,
    Programme,
)
from accord.programmes.rule_errors import rule_validation_error
from accord.programmes.rules import call_officer_side, rule_side


def check_rule(*, key: str, kind: str, params: dict[str, Any]) -> None:
    """Raise ValidationError unless the core accepts the rule: on the field of the parameter
    to fix (``rule_field``), in the reader's language, with the core's ``code``."""
    try:
        core.validate_rule(core.Rule(key=key, kind=kind, params=params))
    except core.RuleError as exc:
        raise rule_validation_error(exc) from exc


def create_call_from_template(
    *,
    template: str,
    slug: str,
    name_en: str,
    name_ko: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    actor: Any,
    published: bool = False,
) -> Call:
    """A new call with the template's sides, rules, criteria and review settings."""
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValidationError({"template": _("Unknown template %(t)s.") % {"t": template}})
    with transaction.atomic():
        programme = Programme.objects.get(slug=spec["programme"])
        call, _written = save_with_audit(
            Call(programme=programme, slug=slug),
            actor=actor,
            values={
                "name_en": name_en,
                "name_ko": name_ko,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "published": published,
                "template": template,
                **spec["settings"],
            },
        )
        assert isinstance(call, Call)
        call.areas.set(TechnologyArea.objects.filter(slug__in=spec["areas"]))
        funders = {
            o.slug: o
            for o in Organisation.objects.filter(slug__in=[s["funder"] for s in spec["sides"]])
        }
        for side in spec["sides"]:
            save_with_audit(
                CallSide(call=call),
                actor=actor,
                values={
                    "funder": funders[side["funder"]],
                    "country": side["country"],
                    "currency": side["currency"],
                    "funding_rates": side["funding_rates"],
                },
            )
        for order, rule in enumerate(spec["rules"]):
            check_rule(key=rule["key"], kind=rule["kind"], params=rule["params"])
            save_with_audit(
                EligibilityRule(call=call, key=rule["key"]),
                actor=actor,
                values={"kind": rule["kind"], "params": rule["params"], "order": order},
            )
        for order, crit in enumerate(spec["criteria"]):
            save_with_audit(
                Criterion(call=call, key=crit["key"]),
                actor=actor,
                values={
                    "name_en": crit["name_en"],
                    "name_ko": crit["name_ko"],
                    "weight": Decimal(crit["weight"]),
                    "order": order,
                },
            )
        return call


def update_call(
    *, call: Call, values: dict[str, Any], areas: list[TechnologyArea] | None, actor: Any
) -> Call:
    with transaction.atomic():
        obj, _written = save_with_audit(call, actor=actor, values=values)
        if areas is not None:
            from accord.common.services.audit import set_related_with_audit

            set_related_with_audit(obj, field="areas", objects=areas, actor=actor)
        assert isinstance(obj, Call)
        if _written or areas is not None:  # areas and dates feed the rules
            _eligibility_changed(obj, actor)
        return obj


def _eligibility_changed(call: Call, actor: Any) -> None:
    """A rule, area or date of the call changed: recompute its stored eligibility in the
    background, if it has applications past the draft."""
    from accord.applications.enums import ApplicationState
    from accord.applications.services.eligibility_store import start_eligibility_run

    if call.applications.exclude(state=ApplicationState.DRAFT).exists():
        start_eligibility_run(call=call, actor=actor)


def set_rule(
    *, call: Call, key: str, kind: str, params: dict[str, Any], actor: Any
) -> EligibilityRule:
    """Add or change a side's rule; only that side's funder's officer may (``programmes.change_side_rule``).

    A rule that spans both sides changes only through :func:`propose_joint_rule_change` and the
    other funder's agreement. ``actor`` None is the system (templates, seeds).
    """
    check_rule(key=key, kind=kind, params=params)
    existing = EligibilityRule.objects.filter(call=call, key=key).first()
    for rule in filter(
        None, [existing, EligibilityRule(call=call, key=key, kind=kind, params=params)]
    ):
        require(actor, "programmes.change_side_rule", rule, _side_rule_refusal(rule))
    return _save_rule(call=call, key=key, kind=kind, params=params, actor=actor)


def change_rule(
    *, call: Call, key: str, kind: str, params: dict[str, Any], actor: Any
) -> EligibilityRule | JointRuleChange:
    """Add or change a rule as the officer may: a side's rule is saved at once (by that side's
    funder, :func:`set_rule`); a rule of both sides is proposed to the other funder
    (:func:`propose_joint_rule_change`) and applies when they agree."""
    existing = EligibilityRule.objects.filter(call=call, key=key).first()
    candidate = EligibilityRule(call=call, key=key, kind=kind, params=params)
    if all(rule_side(r) is None for r in filter(None, [existing, candidate])):
        return propose_joint_rule_change(call=call, key=key, kind=kind, params=params, actor=actor)
    return set_rule(call=call, key=key, kind=kind, params=params, actor=actor)


def remove_rule(*, rule: EligibilityRule, actor: Any) -> JointRuleChange | None:
    """Delete a side's rule at once (:func:`delete_rule`), or propose to delete a rule of both
    sides (returned: it applies when the other funder agrees)."""
    if rule_side(rule) is None:
        return propose_joint_rule_change(call=rule.call, key=rule.key, delete=True, actor=actor)
    delete_rule(rule=rule, actor=actor)
    return None


def _side_rule_refusal(rule: EligibilityRule) -> str:
    side = rule_side(rule)
    if side is None:
        return _(
            "Rule %(key)s spans both sides: propose the change; it applies when the other funder agrees."
        ) % {"key": rule.key}
    return _(
        "Rule %(key)s belongs to the %(country)s side: only that side's funder changes it."
    ) % {
        "key": rule.key,
        "country": Country(side).label if side in Country.values else side,
    }


def _save_rule(
    *, call: Call, key: str, kind: str, params: dict[str, Any], actor: Any
) -> EligibilityRule:
    with transaction.atomic():
        rule = EligibilityRule.objects.filter(call=call, key=key).first() or EligibilityRule(
            call=call, key=key, order=call.rules.count()
        )
        obj, _written = save_with_audit(rule, actor=actor, values={"kind": kind, "params": params})
        assert isinstance(obj, EligibilityRule)
        _eligibility_changed(call, actor)
        return obj


def delete_rule(*, rule: EligibilityRule, actor: Any) -> None:
    require(actor, "programmes.change_side_rule", rule, _side_rule_refusal(rule))
    _delete_rule(rule=rule, actor=actor)


def _delete_rule(*, rule: EligibilityRule, actor: Any) -> None:
    with transaction.atomic():
        log_action(actor=actor, action=AuditAction.DELETE, instance=rule, before=snapshot(rule))
        rule.delete()
        _eligibility_changed(rule.call, actor)


def propose_joint_rule_change(
    *,
    call: Call,
    key: str,
    actor: Any,
    kind: str = "",
    params: dict[str, Any] | None = None,
    delete: bool = False,
) -> JointRuleChange:
    """One funder's officer proposes to add, change or delete a rule that spans both sides."""
    require(actor, "programmes.propose_joint_rule_change", call)
    existing = EligibilityRule.objects.filter(call=call, key=key).first()
    if delete:
        if existing is None:
            raise ValidationError({"key": _("This call has no rule %(key)s.") % {"key": key}})
        kind, params = existing.kind, {}
    else:
        check_rule(key=key, kind=kind, params=params or {})
    for rule in filter(
        None,
        [
            existing,
            None if delete else EligibilityRule(call=call, key=key, kind=kind, params=params or {}),
        ],
    ):
        if rule_side(rule) is not None:
            raise ValidationError({"params": _side_rule_refusal(rule)})
    with transaction.atomic():
        change, _written = save_with_audit(
            JointRuleChange(
                call=call, proposed_by=actor, proposed_side=call_officer_side(actor, call) or ""
            ),
            actor=actor,
            values={"key": key, "kind": kind, "params": params or {}, "delete": delete},
        )
        assert isinstance(change, JointRuleChange)
        return change


def answer_joint_rule_change(
    *, change: JointRuleChange, agree: bool, actor: Any
) -> JointRuleChange:
    """The other funder's officer agrees (the change is applied) or does not (nothing changes)."""
    require(
        actor,
        "programmes.answer_joint_rule_change",
        change,
        _("Only an officer of the other funder answers this proposal."),
    )
    with transaction.atomic():
        locked = (
            JointRuleChange.objects.select_for_update().select_related("call").get(pk=change.pk)
        )
        if locked.state != JointRuleChange.State.PENDING:
            raise ValidationError(_("This proposal has already been answered."))
        if agree:
            if locked.delete:
                rule = EligibilityRule.objects.filter(call=locked.call, key=locked.key).first()
                if rule is not None:
                    _delete_rule(rule=rule, actor=actor)
            else:
                check_rule(key=locked.key, kind=locked.kind, params=locked.params)
                _save_rule(
                    call=locked.call,
                    key=locked.key,
                    kind=locked.kind,
                    params=locked.params,
                    actor=actor,
                )
        obj, _written = save_with_audit(
            locked,
            actor=actor,
            values={
                "state": JointRuleChange.State.APPLIED if agree else JointRuleChange.State.REJECTED,
                "answered_by": actor,
                "answered_side": call_officer_side(actor, locked.call) or "",
            },
        )
        assert isinstance(obj, JointRuleChange)
        return obj
