"""Reads for reviewer assignment: the call encoded as a core instance, and the solver's answers in words.

Encoding (``build_instance``), rows are applications and columns reviewers:

- applications: the call's applications that are eligible or in review (in review = already
  assigned and published; a re-solve keeps their published pairs as far as it can);
- reviewers: the people whose invitation to the call is accepted, with their loads;
- affinity: ``matching.AffinityScore`` (0 when missing);
- conflict: a hard ``matching.Conflict``, membership of the application's team, the reviewer's
  own declaration of a conflict, or an assignment of the pair the reviewer declined;
- reviewer_country: 0 for the call's first side's country (GB in the UK–ROK calls), 1 for the
  other side's. When the call does not ask for a reviewer from each country, every reviewer is
  encoded as country 0: the core applies the bilateral rule only when both countries are present.

The core raises structured errors (``InfeasibleAssignmentError.kind`` + ``params``) and reports
broken rules as ``Violation`` (kind + params) with indices ("proposal 3", "reviewer 5");
``infeasible_text`` and ``violation_text`` word them with gettext in the active language, with
application references, reviewer names and country names (no rewriting of English).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, TeamMember
from accord.core.assignment import (
    AssignmentInstance,
    InfeasibleAssignmentError,
    InstanceError,
    Violation,
    violations,
)
from accord.directory.enums import Country
from accord.directory.models import Person
from accord.matching.models import AffinityScore, Conflict, ConflictSeverity
from accord.programmes.models import Call
from accord.review.enums import AssignmentState, InvitationState
from accord.review.models import Assignment, ConflictDeclaration, ReviewerInvitation

#: Applications that take part in the assignment.
ASSIGNED_STATES = (ApplicationState.ELIGIBLE, ApplicationState.IN_REVIEW)


#: Assignments that count (a declined one is only a forbidden pair).
LIVE_STATES = (AssignmentState.PROPOSED, AssignmentState.PUBLISHED)


Encoded = tuple[AssignmentInstance, list[Application], list[Person]]


def build_instance(call: Call) -> Encoded:
    """The call as a core instance, with the applications (rows) and reviewers (columns).

    Raises :class:`accord.core.assignment.InstanceError` when the instance cannot be built
    (e.g. fewer reviewers in the pool than ``reviewers_per_application``), and
    :class:`InfeasibleAssignmentError` when the call wants a reviewer from each country but the
    pool has none from one of them (the core would then solve without the rule).
    """
    sides = [side.country for side in call.sides.all()]
    applications = list(
        Application.objects.filter(call=call, state__in=ASSIGNED_STATES).order_by("reference")
    )
    invitations = list(
        ReviewerInvitation.objects.filter(call=call, state=InvitationState.ACCEPTED)
        .select_related("person__organisation")
        .order_by("person__country", "person__name_en", "person_id")
    )
    reviewers = [inv.person for inv in invitations]
    rows = {a.pk: i for i, a in enumerate(applications)}
    cols = {p.pk: j for j, p in enumerate(reviewers)}
    n_props, n_revs = len(applications), len(reviewers)

    affinity = np.zeros((n_props, n_revs), dtype=np.float64)
    for app_id, person_id, score in AffinityScore.objects.filter(call=call).values_list(
        "application_id", "reviewer_id", "score"
    ):
        if app_id in rows and person_id in cols:
            affinity[rows[app_id], cols[person_id]] = score

    conflict = np.zeros((n_props, n_revs), dtype=np.bool_)
    sources: list[Iterable[tuple[int, int]]] = [
        Conflict.objects.filter(call=call, severity=ConflictSeverity.HARD).values_list(
            "application_id", "reviewer_id"
        ),
        TeamMember.objects.filter(application__call=call).values_list(
            "application_id", "person_id"
        ),
        ConflictDeclaration.objects.filter(assignment__call=call, has_conflict=True).values_list(
            "assignment__application_id", "assignment__reviewer_id"
        ),
        Assignment.objects.filter(call=call, state=AssignmentState.DECLINED).values_list(
            "application_id", "reviewer_id"
        ),
    ]
    for source in sources:
        for app_id, person_id in source:
            if app_id in rows and person_id in cols:
                conflict[rows[app_id], cols[person_id]] = True

    first = sides[0] if sides else ""
    if call.reviewers_from_each_country:
        country = [0 if p.country == first else 1 for p in reviewers]
        # The core applies the rule only when both countries are in the pool; the call wants it.
        absent = [c for c in (0, 1) if c not in country]
        if applications and reviewers and absent and len(sides) == 2:
            with translation.override("en"):
                labels = [str(Country(c).label) for c in sides]
            raise InfeasibleAssignmentError.of("country_absent", labels, country=absent[0])
    else:
        country = [0] * n_revs  # one country only: the core then drops the bilateral rule
    with translation.override("en"):  # the core's messages are in English
        names = tuple(str(Country(c).label) if c in Country.values else c for c in sides[:2])
    instance = AssignmentInstance(
        affinity=affinity,
        conflict=conflict,
        reviewer_country=np.asarray(country, dtype=np.int64),
        k=int(call.reviewers_per_application),
        min_load=np.asarray([inv.min_load for inv in invitations], dtype=np.int64),
        max_load=np.asarray([inv.max_load for inv in invitations], dtype=np.int64),
        country_names=names if len(names) == 2 else ("country 0", "country 1"),  # type: ignore[arg-type]
    )
    return instance, applications, reviewers


def failure_message(
    exc: Exception, call: Call, applications: list[Application], reviewers: list[Person]
) -> str:
    """Why no assignment exists, in the active language (see :func:`infeasible_text`)."""
    if isinstance(exc, InstanceError) and exc.array == "k":
        return _(
            "The call asks for %(k)s reviewers per application, but only %(n)s people have "
            "accepted to review."
        ) % {
            "k": call.reviewers_per_application,
            "n": ReviewerInvitation.objects.filter(
                call=call, state=InvitationState.ACCEPTED
            ).count(),
        }
    if isinstance(exc, InfeasibleAssignmentError):
        return infeasible_text(exc, _Names(call, applications, reviewers))
    return str(exc)


class _Names:
    """Application references, reviewer names and country names for the core's indices."""

    def __init__(
        self, call: Call, applications: list[Application], reviewers: list[Person]
    ) -> None:
        self.applications = applications
        self.reviewers = reviewers
        self.sides = [side.country for side in call.sides.all()]

    def app(self, i: int) -> str:
        apps = self.applications
        return apps[i].reference if 0 <= i < len(apps) else str(i)

    def apps(self, items: list[int], limit: int = 10) -> str:
        return self._listing([self.app(i) for i in items[:limit]], len(items))

    def person(self, j: int) -> str:
        revs = self.reviewers
        return revs[j].name_en if 0 <= j < len(revs) else str(j)

    def people(self, items: list[int], limit: int = 10) -> str:
        return self._listing([self.person(j) for j in items[:limit]], len(items))

    @staticmethod
    def _listing(shown: list[str], total: int) -> str:
        """The first names, then "and N more" for the rest."""
        text = ", ".join(shown)
        if total > len(shown):
            text += _(" and %(n)s more") % {"n": total - len(shown)}
        return text

    def country(self, c: int) -> str:
        if 0 <= c < len(self.sides) and self.sides[c] in Country.values:
            return str(Country(self.sides[c]).label)
        return _("country %(number)s") % {"number": c}


def infeasible_text(exc: InfeasibleAssignmentError, names: _Names) -> str:
    """The core's structured infeasibility (``exc.kind`` + ``exc.params``) in the active
    language, with application references, reviewer names and country names."""
    p = exc.params
    kind = exc.kind

    def also_apps(others: list[int]) -> str:
        if not others:
            return ""
        return ngettext(
            " (so does application %(list)s)", " (so do applications %(list)s)", len(others)
        ) % {"list": names.apps(others)}

    if kind == "no_proposals_min_load":
        return _(
            "There are no applications to review, but reviewer %(reviewer)s has a minimum load "
            "of %(min_load)s."
        ) % {"reviewer": names.person(p["reviewer"]), "min_load": p["min_load"]}
    if kind == "k":
        return _(
            "Every application needs a reviewer from each country, so the call must ask for at "
            "least 2 reviewers per application; it asks for %(k)s."
        ) % {"k": p["k"]}
    if kind == "proposal_country":
        return _(
            "application %(application)s has no %(country)s reviewer without a conflict; "
            "it needs at least 1 from each country and %(k)s in all"
        ) % {
            "application": names.app(p["proposal"]),
            "country": names.country(p["country"]),
            "k": p["k"],
        } + also_apps(p["others"])
    if kind == "proposal_reviewers":
        values = {"application": names.app(p["proposal"]), "available": p["available"], "k": p["k"]}
        if p.get("by_country"):
            text = _(
                "application %(application)s has only %(available)s reviewers without a "
                "conflict (%(n0)s %(country0)s, %(n1)s %(country1)s); it needs at least 1 from "
                "each country and %(k)s in all"
            ) % {
                **values,
                "n0": p["by_country"][0],
                "n1": p["by_country"][1],
                "country0": names.country(0),
                "country1": names.country(1),
            }
        else:
            text = (
                _(
                    "application %(application)s has only %(available)s reviewers without a "
                    "conflict; it needs %(k)s in all"
                )
                % values
            )
        return text + also_apps(p["others"])
    if kind == "total_max_load":
        values = {"total": p["total"], "demand": p["demand"], "k": p["k"], "n": p["n_proposals"]}
        if p.get("with_conflicts"):
            return (
                _(
                    "Counting conflicts, the reviewers can take at most %(total)s reviews, fewer "
                    "than the %(demand)s needed: raise maximum loads or invite more reviewers."
                )
                % values
            )
        return (
            _(
                "The reviewers' maximum loads add up to %(total)s, fewer than the %(demand)s reviews "
                "needed (%(k)s for each of %(n)s applications): raise maximum loads or invite more "
                "reviewers."
            )
            % values
        )
    if kind == "total_min_load":
        return _(
            "The reviewers' minimum loads add up to %(total)s, more than the %(demand)s reviews "
            "there are (%(k)s for each of %(n)s applications): lower the minimum loads."
        ) % {"total": p["total"], "demand": p["demand"], "k": p["k"], "n": p["n_proposals"]}
    if kind == "country_max_load":
        values = {
            "country": names.country(p["country"]),
            "total": p["total"],
            "n": p["n_proposals"],
        }
        if p.get("with_conflicts"):
            return (
                _(
                    "Counting conflicts, the %(country)s reviewers can take at most %(total)s "
                    "reviews, fewer than the %(n)s applications, each of which needs one of them."
                )
                % values
            )
        return (
            _(
                "The %(country)s reviewers' maximum loads add up to %(total)s, fewer than the "
                "%(n)s applications, each of which needs one of them."
            )
            % values
        )
    if kind == "country_min_load":
        return _(
            "The %(country)s reviewers' minimum loads add up to %(total)s, more than the "
            "%(limit)s reviews they can have (at most %(per)s per application): lower the "
            "minimum loads."
        ) % {
            "country": names.country(p["country"]),
            "total": p["total"],
            "limit": p["limit"],
            "per": p["k"] - 1,
        }
    if kind == "reviewer_min_load":
        others = p["others"]
        more = (
            ngettext(" (so does reviewer %(list)s)", " (so do reviewers %(list)s)", len(others))
            % {"list": names.people(others)}
            if others
            else ""
        )
        return (
            _(
                "reviewer %(reviewer)s has a minimum load of %(min_load)s but only %(available)s "
                "applications without a conflict"
            )
            % {
                "reviewer": names.person(p["reviewer"]),
                "min_load": p["min_load"],
                "available": p["available"],
            }
            + more
        )
    if kind == "country_absent":
        return _(
            "every application needs a %(country)s reviewer, but no %(country)s reviewer is in "
            "the pool"
        ) % {"country": names.country(p["country"])}
    if kind == "hall":
        who: list[str] = []
        if p["need_k"]:
            who.append(
                _("applications %(list)s need %(k)s reviewers each")
                % {"list": names.apps(p["need_k"]), "k": p["k"]}
            )
        for c in (0, 1):
            if p["need_country"][c]:
                who.append(
                    _("applications %(list)s need a %(country)s reviewer")
                    % {"list": names.apps(p["need_country"][c]), "country": names.country(c)}
                )
        if p["need_min"]:
            who.append(
                _("reviewers %(list)s need their minimum loads")
                % {"list": names.people(p["need_min"])}
            )
        return _(
            "No assignment satisfies every rule: %(demand)s places are needed (%(who)s) but at "
            "most %(supply)s can be filled, so %(unfilled)s stay empty. Invite reviewers without "
            "conflicts for these applications, raise maximum loads, or lower the reviewers per "
            "application or the minimum loads."
        ) % {
            "demand": round(p["demand"]),
            "who": "; ".join(who),
            "supply": round(p["supply"]),
            "unfilled": p["unfilled"],
        }
    return str(exc)


def violation_text(violation: Violation, names: _Names) -> str:
    """One broken rule of an assignment (the core's :class:`Violation`), in the active language."""
    p = violation.params
    kind = violation.kind
    if kind == "duplicate":
        return _("%(reviewer)s is assigned to application %(application)s more than once") % {
            "reviewer": names.person(p["reviewer"]),
            "application": names.app(p["proposal"]),
        }
    if kind == "conflict":
        return _("%(reviewer)s has a conflict with application %(application)s") % {
            "reviewer": names.person(p["reviewer"]),
            "application": names.app(p["proposal"]),
        }
    if kind == "reviewer_count":
        return _("application %(application)s has %(count)s reviewers, not k = %(k)s") % {
            "application": names.app(p["proposal"]),
            "count": p["count"],
            "k": p["k"],
        }
    if kind == "no_country":
        return _("application %(application)s has no %(country)s reviewer") % {
            "application": names.app(p["proposal"]),
            "country": names.country(p["country"]),
        }
    if kind == "over_max_load":
        return _(
            "reviewer %(reviewer)s has %(load)s applications, more than their maximum %(max_load)s"
        ) % {"reviewer": names.person(p["reviewer"]), "load": p["load"], "max_load": p["max_load"]}
    if kind == "under_min_load":
        return _(
            "reviewer %(reviewer)s has %(load)s applications, fewer than their minimum %(min_load)s"
        ) % {"reviewer": names.person(p["reviewer"]), "load": p["load"], "min_load": p["min_load"]}
    return f"{kind}: {dict(p)}"


def broken_rules(
    instance: AssignmentInstance,
    pairs: np.ndarray,
    call: Call,
    applications: list[Application],
    reviewers: list[Person],
) -> str:
    """The rules ``pairs`` breaks, in the active language ('' when none)."""
    names = _Names(call, applications, reviewers)
    return "; ".join(violation_text(v, names) for v in violations(instance, pairs))


def live_pairs(
    call: Call, applications: list[Application], reviewers: list[Person]
) -> set[tuple[int, int]]:
    """The call's proposed and published pairs, as (row, column) of the instance."""
    rows = {a.pk: i for i, a in enumerate(applications)}
    cols = {p.pk: j for j, p in enumerate(reviewers)}
    return {
        (rows[a], cols[r])
        for a, r in Assignment.objects.filter(call=call, state__in=LIVE_STATES).values_list(
            "application_id", "reviewer_id"
        )
        if a in rows and r in cols
    }
