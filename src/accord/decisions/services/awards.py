"""Awards: made when both funders approved; one side per funder, payments, reports, outputs."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.rules import Side, require
from accord.applications.enums import ApplicationState, MemberRole
from accord.applications.models import Application
from accord.applications.services.lifecycle import transition_application
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit, snapshot
from accord.decisions.enums import AwardState, PaymentState, ReportKind, Verdict
from accord.decisions.errors import DecisionError
from accord.decisions.models import Award, AwardSide, Output, Payment, Report
from accord.partnerships.models import Commitment

CENT = Decimal("0.01")
DEFAULT_MONTHS = 12
FINAL_REPORT_AFTER_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_next_month(today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), 1)


def award_months(application: Application) -> int:
    """The call's programme duration (its longest, else its shortest), else the application's."""
    programme = application.call.programme
    return (
        programme.duration_months_max
        or programme.duration_months_min
        or application.duration_months
        or DEFAULT_MONTHS
    )


def instalments(amount: Decimal, count: int) -> list[Decimal]:
    """``amount`` in ``count`` equal instalments (to the cent); the last takes the remainder."""
    each = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [amount - each * (count - 1)]


def _schedule(award: Award, months: int) -> None:
    years = max(1, -(-months // 12))
    for side in award.sides.all():
        for year, amount in enumerate(instalments(side.amount, years)):
            Payment.objects.create(
                side=side, due_on=add_months(award.starts_on, 12 * year), amount=amount
            )
    for year in range(1, years):
        if add_months(award.starts_on, 12 * year) < award.ends_on:
            Report.objects.create(
                award=award,
                kind=ReportKind.PROGRESS,
                due_on=add_months(award.starts_on, 12 * year),
            )
    Report.objects.create(
        award=award,
        kind=ReportKind.FINAL,
        due_on=add_months(award.ends_on, FINAL_REPORT_AFTER_MONTHS),
    )


def make_award(
    *,
    application: Application,
    actor: Any,
    starts_on: dt.date | None = None,
    commitment: Commitment | None = None,
) -> Award:
    """Make the joint award of an application both funders approved.

    Validates that every side of the call approved and has a lead; creates the Award (reference =
    the application's; dates from the programme's duration, starting on ``starts_on`` or the 1st
    of next month), one AwardSide per funder (recipient: that side's lead's organisation; amount:
    that side's decision, in its currency), annual payment instalments per side, annual progress
    reports and a final report; links it to ``commitment`` (default: the programme's first);
    moves the application at_panel → funded (``transition_application``); audits; and, once
    committed, writes the award letters in the background. All of it or none of it.
    """
    from accord.decisions.services.letters import request_letters

    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("call__programme")
            .get(pk=application.pk)
        )
        if Award.objects.filter(application=locked).exists():
            raise DecisionError(_("This application already has an award."), code="exists")
        sides = list(locked.call.sides.select_related("funder").order_by("country"))
        decisions = {d.country: d for d in locked.decisions.all()}
        leads = {
            m.country: m
            for m in locked.members.select_related("organisation").order_by("id")
            if m.role == MemberRole.LEAD
        }
        for side in sides:
            decision = decisions.get(side.country)
            if decision is None or decision.verdict != Verdict.APPROVE:
                raise DecisionError(
                    _("An award needs both funders' approval; the %(side)s side has not approved.")
                    % {"side": side.get_country_display()},
                    code="not_approved",
                )
            if side.country not in leads:
                raise DecisionError(
                    _("The %(side)s side has no lead, so there is no one to pay.")
                    % {"side": side.get_country_display()},
                    code="no_lead",
                )
        if len(sides) < 2:
            raise DecisionError(_("A joint award needs two funders."), code="one_side")
        months = award_months(locked)
        start = starts_on or first_of_next_month(timezone.localdate())
        end = add_months(start, months) - dt.timedelta(days=1)
        if commitment is None:
            commitment = locked.call.programme.commitments.order_by(
                "instrument__number", "slug"
            ).first()
        award = Award.objects.create(
            application=locked,
            reference=locked.reference,
            starts_on=start,
            ends_on=end,
            commitment=commitment,
            published=True,
        )
        for side in sides:
            AwardSide.objects.create(
                award=award,
                country=side.country,
                funder=side.funder,
                recipient=leads[side.country].organisation,
                amount=decisions[side.country].amount,
                currency=side.currency,
            )
        _schedule(award, months)
        log_action(
            actor=actor,
            action=AuditAction.CREATE,
            instance=award,
            after={
                **snapshot(award),
                "sides": [
                    {"country": s.country, "amount": s.amount, "currency": s.currency}
                    for s in award.sides.all()
                ],
            },
        )
        transition_application(
            application=locked,
            to=ApplicationState.FUNDED,
            actor=actor,
            reason=_("Both funders approved; award %(reference)s made.")
            % {"reference": award.reference},
        )
        request_letters(award=award, actor=actor)
        return award


def mark_payment_paid(*, payment: Payment, paid_on: dt.date, actor: Any) -> Payment:
    """Only an officer of the side's own funder marks its payment paid (audited)."""
    side = payment.side
    require(
        actor,
        "decisions.record_payment",
        Side(side.award.application, side.country),
        _("Only an officer of this side's funder records its payments."),
    )
    if paid_on < side.award.starts_on - dt.timedelta(days=366):
        raise DecisionError({"paid_on": _("This date is long before the award starts.")})
    payment, _changed = save_with_audit(
        payment, actor=actor, values={"state": PaymentState.PAID, "paid_on": paid_on}
    )
    return payment


def add_output(
    *,
    award: Award,
    kind: str,
    title: str,
    year: int | None = None,
    count: int = 1,
    link: str = "",
    actor: Any,
) -> Output:
    """Record an output of the award (publication, patent, people trained...), audited."""
    output, _changed = save_with_audit(
        Output(award=award),
        actor=actor,
        values={"kind": kind, "title": title, "year": year, "count": count, "link": link},
    )
    return output


def set_published(*, award: Award, published: bool, actor: Any, reason: str = "") -> Award:
    """Publish the award in the open data, or take it out (with a reason)."""
    award, _changed = save_with_audit(
        award, actor=actor, values={"published": published}, reason=reason
    )
    return award


def accept_award(*, award: Award, actor: Any, on_behalf: bool = False) -> Award:
    """Record the lead's acceptance of an offered award: Offered → Active (audited).

    A lead of the application accepts; one of the call's officers may record the lead's
    acceptance on their behalf (``on_behalf``, said in the audit log). The application stays
    funded. Only an accepted award is in the open data (``OPEN_DATA_STATES``).
    """
    require(
        actor,
        "decisions.accept_award",
        award,
        _(
            "Only a lead of the application (or its call's officer, on the lead's behalf) accepts the award."
        ),
    )
    with transaction.atomic():
        locked = Award.objects.select_for_update().select_related("application").get(pk=award.pk)
        if locked.state != AwardState.OFFERED:
            raise DecisionError(
                _("This award is not waiting for acceptance; it is %(state)s.")
                % {"state": AwardState(locked.state).label.lower()},
                code="not_offered",
            )
        reason = _("Accepted on the lead's behalf.") if on_behalf else _("Accepted by the lead.")
        locked, _changed = save_with_audit(
            locked, actor=actor, values={"state": AwardState.ACTIVE}, reason=reason
        )
        return locked
