"""Factories for the review app: pool invitations and assignments.

``ReviewerInvitationFactory()`` invites a new GB researcher to a new call (state invited, due in
30 days, loads 0..6); pass ``state=InvitationState.ACCEPTED`` for a pool member.
``AssignmentFactory()`` is a PROPOSED assignment of a new GB researcher to a new draft application
of that application's call. ``make_pool`` accepts invitations for people of the given countries.

Factories write rows directly (no services, no audit entries, no e-mails).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from accord.review.enums import AssignmentState, InvitationState
from accord.review.models import Assignment, ReviewerInvitation
from tests.factories.applications import ApplicationFactory, CallFactory, make_researcher
from tests.factories.directory import PersonFactory


class ReviewerInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerInvitation

    call = factory.SubFactory(CallFactory)
    person = factory.SubFactory(PersonFactory)
    state = InvitationState.INVITED
    due = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    min_load = 0
    max_load = 6


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory)
    call = factory.SelfAttribute("application.call")
    reviewer = factory.SubFactory(PersonFactory)
    affinity = 0.0
    state = AssignmentState.PROPOSED


def make_pool(
    call: Any, countries: list[str], *, max_load: int = 6, min_load: int = 0, **kwargs: Any
) -> list[Any]:
    """One accepted reviewer (a new researcher) per entry of ``countries``; returns the Persons."""
    people = []
    for country in countries:
        person = make_researcher(country)
        ReviewerInvitationFactory(
            call=call,
            person=person,
            state=InvitationState.ACCEPTED,
            max_load=max_load,
            min_load=min_load,
            **kwargs,
        )
        people.append(person)
    return people
