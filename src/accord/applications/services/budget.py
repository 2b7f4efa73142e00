"""Saving a budget: lines per side, each in that side's currency (totals: ``selectors.budget``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accord.accounts.rules import Side, require
from accord.applications.errors import ApplicationError
from accord.applications.models import Application, BudgetLine
from accord.applications.selectors.budget import CENT
from accord.applications.services.drafting import lock_for_edit
from accord.common.models import AuditAction
from accord.common.services.audit import log_action


def save_budget(
    *,
    application: Application,
    expected_version: int,
    lines: list[dict[str, Any]],
    actor: Any,
    country: str | None = None,
) -> Application:
    """Replace one side's budget lines with ``lines`` (dicts of country, organisation, category,
    description, amount, currency); the other side's lines are never touched.

    ``country`` names the side being saved (all ``lines`` must be of it; no lines clears that
    side). Without ``country``, each side that ``lines`` mention is replaced in turn — the
    system's convenience for seeds and tests; each side still needs its own lead's right.
    Refuses, and changes nothing, when a line is in another currency than its side's, names an
    organisation that is not on that side, or has a negative amount; "Line n" is a line's
    ``line`` (the row on the page) or else its place in ``lines``.
    """
    sides_saved = [country] if country else list(dict.fromkeys(d["country"] for d in lines))
    with transaction.atomic():
        locked = lock_for_edit(application, expected_version=expected_version)
        for side_country in sides_saved:
            require(
                actor,
                "applications.change_budget_side",
                Side(locked, side_country),
                _("Only the lead of the %(country)s side changes that side's budget.")
                % {"country": side_country},
            )
        sides = {s.country: s for s in locked.call.sides.all()}
        team_orgs = {(m.country, m.organisation_id) for m in locked.members.all()}
        errors: list[str] = []
        new_lines = []
        for number, given in enumerate(lines, start=1):
            data = dict(given)
            number = data.pop("line", number)  # the row the person sees, when the form knows it
            side = sides.get(data["country"])
            if side is None or data["country"] not in sides_saved:
                errors.append(
                    _("Line %(n)s: this call has no %(country)s side.")
                    % {"n": number, "country": data["country"]}
                    if side is None
                    else _("Line %(n)s belongs to the %(country)s side, which is not saved here.")
                    % {"n": number, "country": side.get_country_display()}
                )
                continue
            if data["currency"] != side.currency:
                errors.append(
                    _(
                        "Line %(n)s: the %(side)s side is paid in %(expected)s, not %(given)s. Enter this cost in %(expected)s."
                    )
                    % {
                        "n": number,
                        "side": side.get_country_display(),
                        "expected": side.currency,
                        "given": data["currency"],
                    }
                )
            if data["amount"] < 0:
                errors.append(_("Line %(n)s: a cost cannot be negative.") % {"n": number})
            org = data["organisation"]
            if (data["country"], org.pk) not in team_orgs:
                errors.append(
                    _("Line %(n)s: %(org)s is not an organisation of a team member on that side.")
                    % {"n": number, "org": org}
                )
            new_lines.append(BudgetLine(application=locked, **data))
        if errors:
            raise ApplicationError(errors, code="budget")
        kept = locked.budget_lines.filter(country__in=sides_saved)
        before = [_line_dict(line) for line in kept]
        after = [_line_dict(line) for line in new_lines]
        if before == after:
            return locked
        kept.delete()
        BudgetLine.objects.bulk_create(new_lines)
        locked.version += 1
        locked.save(update_fields=["version", "updated_at"])
        log_action(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=locked,
            before={"budget": before},
            after={"budget": after},
        )
        return locked


def _line_dict(line: BudgetLine) -> dict[str, Any]:
    return {
        "country": line.country,
        "organisation": line.organisation_id,
        "category": line.category,
        "description": line.description,
        "amount": str(Decimal(line.amount).quantize(CENT)),
        "currency": line.currency,
    }
