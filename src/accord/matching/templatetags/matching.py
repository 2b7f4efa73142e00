"""``{% run_summary run %}``: what a finished matching run produced, in the reader's language;
``{% run_stage run %}``: what a running one is doing.

The run's stored message is written in the language of whoever (or whichever worker) ran it;
the summary is counted again from the stored scores and conflicts, and phrased when shown.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

# The stages a run reports (the web's own, and the core's words for the steps of one scoring
# call, which a run without batches shows as they come).
_STAGES = {
    "loading": gettext_lazy("reading the applications and the reviewer pool"),
    "scoring": gettext_lazy("scoring every reviewer against every application"),
    "tokenising": gettext_lazy("reading the words of every text"),
    "translating Korean terms": gettext_lazy("translating Korean terms"),
    "glossing Korean terms": gettext_lazy("glossing Korean texts in English"),
    "aggregating": gettext_lazy("combining each reviewer's publications"),
}


@register.simple_tag
def run_stage(run: Any) -> str:
    """The stage of a running matching run in words (never the stored code)."""
    stage = str(getattr(run, "stage", "") or "")
    if stage == "embedding" or stage.startswith("embedding ("):
        done, total = getattr(run, "done", 0), getattr(run, "total", 0)
        if stage == "embedding":
            return _("reading the texts (%(done)s of %(total)s batches)") % {
                "done": done,
                "total": total,
            }
        return _("reading the texts with the language model (%(done)s of %(total)s)") % {
            "done": done,
            "total": total,
        }
    return str(_STAGES.get(stage, gettext_lazy("working")))


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


def _name(obj: Any) -> str:
    from accord.common.i18n import pick

    return pick(obj, "name") if obj is not None else "—"


@register.simple_tag
def conflict_sentence(conflict: Any) -> str:
    """A conflict explained in the reader's language, with names instead of database ids.

    The stored sentence (written by the numeric core, in English, with ids) stays the record;
    this is how a person reads it.
    """
    from accord.applications.enums import MemberRole
    from accord.directory.models import Organisation, Person

    evidence = conflict.evidence or {}
    member = (
        Person.objects.filter(pk=evidence.get("member_id")).first()
        if evidence.get("member_id")
        else None
    )
    org = (
        Organisation.objects.filter(pk=evidence.get("organisation_id")).first()
        if evidence.get("organisation_id")
        else None
    )
    role = evidence.get("role") or ""
    role_label = str(dict(MemberRole.choices).get(role, role)).lower()
    values = {
        "reviewer": _name(conflict.reviewer),
        "member": _name(member),
        "role": role_label,
        "organisation": _name(org),
        "reference": conflict.application.reference,
    }
    kind = conflict.type
    if kind == "same_organisation" and member is not None:
        if evidence.get("scope") == "department" and conflict.severity != "hard":
            return (
                _(
                    "%(reviewer)s works at %(organisation)s, like %(role)s %(member)s of %(reference)s, but in another department: declared, not blocking."
                )
                % values
            )
        return (
            _("%(reviewer)s works at %(organisation)s, like %(role)s %(member)s of %(reference)s.")
            % values
        )
    if kind == "same_organisation":
        return (
            _("%(reviewer)s works at %(organisation)s, which is named on %(reference)s.") % values
        )
    if kind == "coauthor":
        publications = evidence.get("publications") or [{}]
        first = publications[0]
        text = _(
            "%(reviewer)s co-authored “%(title)s” (%(year)s) with %(role)s %(member)s of %(reference)s, within %(years)s years."
        ) % {
            **values,
            "title": first.get("title", ""),
            "year": first.get("year", ""),
            "years": evidence.get("window_years", ""),
        }
        if len(publications) > 1:
            text += " " + _("%(n)s more joint publications.") % {"n": len(publications) - 1}
        if "initials" in (first.get("member_matched_by"), first.get("reviewer_matched_by")):
            text += " " + _("Matched by initials only: please check.")
        return text
    if kind in ("supervision", "family", "household", "close_collaborator"):
        labels = {
            "supervision": _("supervision"),
            "family": _("family"),
            "household": _("household"),
            "close_collaborator": _("close collaboration"),
        }
        return _(
            "%(reviewer)s has a declared %(relation)s relation with %(role)s %(member)s of %(reference)s."
        ) % {**values, "relation": labels[kind]}
    if kind == "named_by_applicant":
        return _("The applicants of %(reference)s asked that %(reviewer)s not review it.") % values
    if kind in ("named_on_application", "letter_of_support"):
        return _("%(reviewer)s is named on %(reference)s.") % values
    return str(conflict.sentence)
