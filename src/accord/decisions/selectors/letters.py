"""What an award letter says: its context per language, and the visible text of its HTML."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from django.utils.html import strip_tags

from accord.applications.enums import MemberRole
from accord.common.i18n import pick
from accord.decisions.models import Award


def letter_context(award: Award, language: str) -> dict[str, Any]:
    application = award.application
    call = application.call
    sides = list(award.sides.select_related("funder", "recipient").order_by("country"))
    decisions = {d.country: d for d in application.decisions.all()}
    leads = [
        m
        for m in application.members.select_related("person", "organisation").order_by("country")
        if m.role == MemberRole.LEAD
    ]
    return {
        "award": award,
        "application": application,
        "title": pick(application, "title", language),
        "call_name": pick(call, "name", language),
        "programme_name": pick(call.programme, "name", language),
        "sides": [
            {
                "side": side,
                "funder": pick(side.funder, "name", language),
                "recipient": pick(side.recipient, "name", language),
                "feedback": pick(decisions[side.country], "feedback", language)
                if side.country in decisions
                else "",
            }
            for side in sides
        ],
        "leads": [
            {
                "name": pick(m.person, "name", language),
                "organisation": pick(m.organisation, "name", language),
            }
            for m in leads
        ],
        "conditions": pick(award, "conditions", language),
        "reports": list(award.reports.all()),
        "today": timezone.localdate(),
        "language": language,
    }


def letter_text(html: str) -> str:
    """The visible text of the letter's HTML, whitespace collapsed."""
    body = re.sub(r"(?is)<(style|head)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", strip_tags(body)).strip()
