"""Reads for matching: the applications a run matches and the people who can review them.

The encoder from the database to the numeric core is ``selectors.encode``, the partner finder
(an in-process index over the directory, rebuilt when it changes) ``selectors.partners`` and a
call's conflict-of-interest settings ``selectors.conflict_config``.
"""

from __future__ import annotations

from django.db.models import Prefetch

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, TeamMember
from accord.directory.models import Person, Publication
from accord.programmes.models import Call

# Applications that are matched: everything submitted and not withdrawn or ruled out.
MATCHED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.ELIGIBLE,
    ApplicationState.IN_REVIEW,
    ApplicationState.AT_PANEL,
)


def reviewer_pool(call: Call) -> list[Person]:
    """People who can review: everyone in the directory with a publication record."""
    return list(
        Person.objects.filter(publications__isnull=False)
        .distinct()
        .select_related("organisation")
        .prefetch_related(Prefetch("publications", queryset=Publication.objects.order_by("id")))
        .order_by("pk")
    )


def matched_applications(call: Call) -> list[Application]:
    return list(
        Application.objects.filter(call=call, state__in=MATCHED_STATES)
        .select_related("call")
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("person")))
        .order_by("pk")
    )
