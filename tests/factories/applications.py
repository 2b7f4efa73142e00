"""Factories for calls and joint applications.

``CallFactory()`` is a published call that is open now (opened yesterday, closes in 30 days)
with two sides, GB/GBP and KR/KRW, each paid by its own funder Organisation. Pass existing
funders with ``CallFactory(sides__gb=royal_society, sides__kr=nrf)``; ``sides=False`` makes a
call without sides.

``ApplicationFactory()`` is a draft with a UK lead and a KR lead (each a Person at a university
on their own side). Pass ``leads__gb=person`` / ``leads__kr=person`` to choose them, or
``leads=False`` for an application without a team. ``make_joint_application`` adds budget lines,
areas and a state in one call.

Factories write rows directly (no services, no audit entries): use services in the test itself
when the audit log or a state change is what the test is about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState, MemberRole
from accord.applications.models import Application, BudgetLine, TeamMember
from accord.programmes.models import Call, CallSide, Criterion, EligibilityRule, Programme
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory, PersonFactory
from tests.factories.partnerships import PartnershipFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"programme-{n}")
    name_en = factory.Sequence(lambda n: f"Joint programme {n}")
    name_ko = factory.Sequence(lambda n: f"공동 프로그램 {n}")


class FunderFactory(OrganisationFactory):
    """A funder Organisation (GB by default; pass ``country="KR"`` for the Korean side)."""

    slug = factory.Sequence(lambda n: f"funder-{n}")
    name_en = factory.Sequence(lambda n: f"Funding Agency {n}")
    name_ko = factory.Sequence(lambda n: f"연구재단 {n}")
    kind = "funder"


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    slug = factory.Sequence(lambda n: f"call-{n}")
    name_en = factory.Sequence(lambda n: f"Joint call {n}")
    name_ko = factory.Sequence(lambda n: f"공동 공모 {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    published = True

    @factory.post_generation
    def sides(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Two sides: ``gb`` (GBP) and ``kr`` (KRW); funders made unless passed in ``kwargs``."""
        if not create or extracted is False:
            return
        gb = kwargs.get("gb") or FunderFactory(country="GB")
        kr = kwargs.get("kr") or FunderFactory(country="KR")
        CallSideFactory(
            call=self,
            funder=gb,
            country="GB",
            currency="GBP",
            funding_rates=kwargs.get("gb_rates", {}),
        )
        CallSideFactory(
            call=self,
            funder=kr,
            country="KR",
            currency="KRW",
            funding_rates=kwargs.get("kr_rates", {}),
        )

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


class CallSideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallSide

    call = factory.SubFactory(CallFactory, sides=False)
    funder = factory.SubFactory(FunderFactory)
    country = "GB"
    currency = "GBP"
    funding_rates = factory.LazyFunction(dict)


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"rule-{n}")
    kind = "lead_each_side"
    params = factory.LazyFunction(dict)
    order = factory.Sequence(lambda n: n)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    name_ko = factory.Sequence(lambda n: f"평가 기준 {n}")
    weight = Decimal("1")
    order = factory.Sequence(lambda n: n)


def make_researcher(country: str = "GB", **kwargs: Any) -> Any:
    """A Person at a university on ``country``'s side (extra ``kwargs`` go to PersonFactory)."""
    kwargs.setdefault("organisation", OrganisationFactory(country=country, kind="university"))
    kwargs.setdefault("country", country)
    return PersonFactory(**kwargs)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    reference = factory.Sequence(lambda n: f"APP-{n:04d}")
    title_en = factory.Sequence(lambda n: f"Joint research project {n}")
    summary_en = "What we will do together."
    created_by = factory.SubFactory(UserFactory)
    state = ApplicationState.DRAFT

    @factory.post_generation
    def leads(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """A lead on each side: ``gb`` and ``kr`` Persons, made at a university unless passed."""
        if not create or extracted is False:
            return
        for country in ("GB", "KR"):
            person = kwargs.get(country.lower()) or make_researcher(country)
            TeamMemberFactory(
                application=self,
                person=person,
                role=MemberRole.LEAD,
                country=country,
                organisation=person.organisation,
            )

    @factory.post_generation
    def areas(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.areas.set(extracted)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    application = factory.SubFactory(ApplicationFactory, leads=False)
    person = factory.SubFactory(PersonFactory)
    role = MemberRole.CO_INVESTIGATOR
    country = factory.SelfAttribute("person.country")
    organisation = factory.SelfAttribute("person.organisation")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    country = "GB"
    organisation = factory.SubFactory(OrganisationFactory)
    category = "staff"
    description = ""
    amount = Decimal("1000")
    currency = "GBP"


def make_joint_application(
    *,
    call: Call | None = None,
    state: str = ApplicationState.DRAFT,
    gb_lead: Any = None,
    kr_lead: Any = None,
    budget: dict[str, Decimal | int | str] | None = None,
    areas: list[Any] | None = None,
    submitted_at: dt.datetime | None = None,
    **fields: Any,
) -> Application:
    """A joint application with a lead on each side and (optionally) one staff budget line per side.

    ``budget`` maps a side ("GB", "KR") to its eligible cost, paid to that side's lead's
    organisation in the side's currency. A state past draft gets ``submitted_at`` (now, unless given).
    """
    call = call or CallFactory()
    if submitted_at is None and state not in (ApplicationState.DRAFT,):
        submitted_at = timezone.now()
    application = ApplicationFactory(
        call=call,
        state=state,
        submitted_at=submitted_at,
        leads__gb=gb_lead,
        leads__kr=kr_lead,
        areas=areas,
        **fields,
    )
    currencies = {side.country: side.currency for side in call.sides.all()}
    leads = {m.country: m for m in application.members.all() if m.role == MemberRole.LEAD}
    for country, amount in (budget or {}).items():
        BudgetLineFactory(
            application=application,
            country=country,
            organisation=leads[country].organisation,
            amount=Decimal(str(amount)),
            currency=currencies[country],
        )
    if state != ApplicationState.DRAFT:
        # what the submission would have stored: the automatic eligibility of this application
        # and of the other applications of its people in the call
        from accord.applications.services.eligibility_store import application_changed

        application_changed(application, state_changed=True)
    return application


def make_officer(funder: Any, **kwargs: Any) -> Any:
    """A user who is a programme officer of ``funder``."""
    return UserFactory(roles=[(Role.OFFICER, funder)], **kwargs)


def make_applicant(person: Any = None, country: str = "GB", **kwargs: Any) -> Any:
    """A signed-up applicant linked to ``person`` (a new researcher on ``country``'s side if None)."""
    return UserFactory(
        person=person or make_researcher(country), roles=[(Role.APPLICANT, None)], **kwargs
    )
