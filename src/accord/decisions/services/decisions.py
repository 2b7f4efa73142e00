"""Two-key decisions: each funder decides its own side; an award needs both approvals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.rules import Side, require
from accord.applications.enums import ApplicationState
from accord.applications.models import Application
from accord.applications.selectors.budget import budget_summary
from accord.applications.services.lifecycle import transition_application
from accord.common.services.audit import save_with_audit
from accord.decisions.enums import Verdict
from accord.decisions.errors import DecisionError
from accord.decisions.models import Decision
from accord.decisions.services.awards import make_award

# What the pair of decisions means.
PENDING = "pending"  # a side has not decided yet
AWARD = "award"  # both approved
DECLINED = "declined"  # both declined
DISAGREEMENT = "disagreement"  # one approved, the other declined: the officers must reconcile


def outcome(verdicts: dict[str, str], countries: list[str]) -> str:
    """PENDING, AWARD, DECLINED or DISAGREEMENT for the sides' verdicts."""
    given = [verdicts.get(c) for c in countries]
    if not countries or None in given:
        return PENDING
    if all(v == Verdict.APPROVE for v in given):
        return AWARD
    if all(v == Verdict.DECLINE for v in given):
        return DECLINED
    return DISAGREEMENT


def require_decision_right(actor: Any, application: Application, country: str) -> None:
    """PermissionDenied unless ``actor`` may decide the ``country`` side of ``application``."""
    require(
        actor,
        "decisions.decide_side",
        Side(application, country),
        _("Only an officer of the funder of the %(side)s side records its decision.")
        % {"side": country},
    )


def record_decision(
    *,
    application: Application,
    country: str,
    verdict: str,
    amount: Decimal | None,
    feedback_en: str,
    feedback_ko: str,
    actor: Any,
    starts_on: dt.date | None = None,
) -> Decision:
    """Record (or change) one side's decision on an application at panel.

    Only an officer of that side's funder may (PermissionDenied otherwise). An approval is for an
    amount in that side's currency (default: what the application requests from that funder).
    Audited. When both sides approved: ``make_award`` (the application becomes funded; the award
    starts on ``starts_on`` or the 1st of next month). When both declined: the application is
    declined. One approval and one decline: nothing more happens until the officers reconcile.
    """
    require_decision_right(actor, application, country)
    if verdict not in Verdict.values:
        raise DecisionError({"verdict": _("Choose fund or do not fund.")})
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("call")
            .prefetch_related("call__sides", "budget_lines__organisation")
            .get(pk=application.pk)
        )
        if locked.state != ApplicationState.AT_PANEL:
            raise DecisionError(
                _("Only an application at panel can be decided; this one is %(state)s.")
                % {"state": ApplicationState(locked.state).label.lower()},
                code="not_at_panel",
            )
        side = next(s for s in locked.call.sides.all() if s.country == country)
        if verdict == Verdict.APPROVE:
            if amount is None:
                amount = budget_summary(locked)[country].requested
            if amount <= 0:
                raise DecisionError(
                    {
                        "amount": _("An approval is for an amount above zero, in %(currency)s.")
                        % {"currency": side.currency}
                    }
                )
        else:
            amount = None
        decision = Decision.objects.filter(application=locked, country=country).first()
        decision, _changed = save_with_audit(
            decision or Decision(application=locked, country=country),
            actor=actor,
            values={
                "funder": side.funder,
                "verdict": verdict,
                "amount": amount,
                "currency": side.currency,
                "feedback_en": feedback_en.strip(),
                "feedback_ko": feedback_ko.strip(),
                "decided_by": actor,
            },
        )
        verdicts = dict(locked.decisions.values_list("country", "verdict"))
        result = outcome(verdicts, [s.country for s in locked.call.sides.all()])
        if result == AWARD:
            make_award(application=locked, actor=actor, starts_on=starts_on)
        elif result == DECLINED:
            transition_application(
                application=locked,
                to=ApplicationState.DECLINED,
                actor=actor,
                reason=_("Both funders declined."),
            )
        return decision
