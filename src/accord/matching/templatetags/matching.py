"""``{% run_summary run %}``: what a finished matching run produced, in the reader's language.

The run's stored message is written in the language of whoever (or whichever worker) ran it;
the summary is counted again from the stored scores and conflicts, and phrased when shown.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def run_summary(run: Any) -> str:
    from accord.matching.models import AffinityScore, Conflict

    if getattr(run, "state", "") != "done":
        return str(getattr(run, "message", "") or "")
    scores = AffinityScore.objects.filter(call_id=run.call_id).aggregate(
        n=Count("pk"),
        apps=Count("application_id", distinct=True),
        people=Count("reviewer_id", distinct=True),
    )
    return _(
        "%(scores)s scores for %(apps)s applications and %(people)s reviewers; %(conflicts)s conflicts found."
    ) % {
        "scores": scores["n"],
        "apps": scores["apps"],
        "people": scores["people"],
        "conflicts": Conflict.objects.filter(call_id=run.call_id).count(),
    }
