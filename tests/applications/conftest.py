"""Applications built the way users build them: through the services, never by writing rows.

The fixtures give a published Royal Society–NRF call (``uk-rok-ica``) open from 15 January to
30 April 2025, a UK and a Korean lead with accounts, and officers of both funders. The helpers
take an application one step further each (team, content, budget, signatures), so a test can
stop at exactly the step it is about.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfWriter

from accord.accounts.enums import Role
from accord.applications.enums import MemberRole
from accord.applications.models import Application
from accord.applications.services.budget import save_budget
from accord.applications.services.drafting import start_application, update_application
from accord.applications.services.lifecycle import sign_off
from accord.applications.services.team import accept_invitation, invite_member
from accord.directory.models import Organisation
from accord.partnerships.models import TechnologyArea
from accord.partnerships.services.reference import DEFAULT_FILE, load_reference
from accord.programmes.models import Call
from accord.programmes.services.calls import create_call_from_template
from tests.factories.accounts import UserFactory
from tests.factories.directory import PersonFactory

LONDON = ZoneInfo("Europe/London")
SEOUL = ZoneInfo("Asia/Seoul")
OPENS = dt.datetime(2025, 1, 15, 9, 0, tzinfo=LONDON)
CLOSES = dt.datetime(2025, 4, 30, 16, 0, tzinfo=LONDON)  # 15:00 UTC (British Summer Time)
DURING = dt.datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)  # inside the call window
BEFORE_CLOSE = CLOSES - dt.timedelta(hours=1)


def make_call(
    *,
    template: str = "uk-rok-ica",
    slug: str = "ica-2025",
    opens_at: dt.datetime = OPENS,
    closes_at: dt.datetime = CLOSES,
) -> Call:
    return create_call_from_template(
        template=template,
        slug=slug,
        name_en="2025 round",
        name_ko="2025년 공모",
        opens_at=opens_at,
        closes_at=closes_at,
        actor=None,
        published=True,
    )


def make_researcher(
    *, country: str, org: str | Organisation, career_stage: str = "early", **person: Any
) -> Any:
    """A person at ``org`` (a slug from the reference data, or an Organisation) with an account."""
    organisation = org if isinstance(org, Organisation) else Organisation.objects.get(slug=org)
    someone = PersonFactory(
        country=country, organisation=organisation, career_stage=career_stage, **person
    )
    first, _, last = someone.name_en.partition(" ")
    return UserFactory(
        person=someone, email=f"{someone.slug}@example.org", first_name=first, last_name=last
    )


def officer_of(funder_slug: str) -> Any:
    return UserFactory(roles=[(Role.OFFICER, Organisation.objects.get(slug=funder_slug))])


def add_member(
    application: Application, user: Any, *, role: str = MemberRole.CO_INVESTIGATOR, by: Any
) -> Any:
    """Invite ``user`` by e-mail and have them accept (the only way onto a team)."""
    invitation = invite_member(
        application=application, email=user.email, role=role, country=user.person.country, actor=by
    )
    return accept_invitation(invitation=invitation, user=user)


def fresh(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


def start_team(
    call: Call, uk_lead: Any, kr_lead: Any, *, title: str = "Ferroelectric memory for edge AI"
) -> Application:
    """A draft started by the UK lead, with the Korean lead on the team (not yet signed)."""
    application = start_application(call=call, user=uk_lead, title_en=title, now=DURING)
    add_member(application, kr_lead, role=MemberRole.LEAD, by=uk_lead)
    return fresh(application)


def fill_in(
    application: Application,
    actor: Any,
    *,
    duration: int = 36,
    summary_ko: str = "강유전 메모리 소자를 공동 개발한다.",
    **values: Any,
) -> Application:
    """Everything the call asks for in the text fields, and one area of the call."""
    return update_application(
        application=application,
        expected_version=fresh(application).version,
        values={
            "summary_en": "We develop ferroelectric memory devices together.",
            "title_ko": "엣지 AI를 위한 강유전 메모리",
            "summary_ko": summary_ko,
            "duration_months": duration,
            **values,
        },
        areas=[TechnologyArea.objects.get(slug="semiconductors")],
        actor=actor,
    )


def budget_line(
    country: str,
    organisation: Organisation,
    amount: str | int,
    currency: str,
    category: str = "staff",
) -> dict[str, Any]:
    return {
        "country": country,
        "organisation": organisation,
        "category": category,
        "description": "",
        "amount": Decimal(amount),
        "currency": currency,
    }


def set_budget(
    application: Application, actor: Any, *, gbp: str | int = 200000, krw: str | int = 500000000
) -> Application:
    """One staff line on each side, at the leads' organisations, each saved by its own side's lead
    (``actor`` saves the side they lead; the other lead saves theirs)."""
    application = fresh(application)
    leads = {
        m.country: m
        for m in application.members.filter(role=MemberRole.LEAD).select_related("person__user")
    }
    amounts = {"GB": (gbp, "GBP"), "KR": (krw, "KRW")}
    for country, lead in leads.items():
        amount, currency = amounts[country]
        saver = actor if getattr(actor, "person_id", None) == lead.person_id else lead.person.user
        application = save_budget(
            application=application,
            expected_version=fresh(application).version,
            actor=saver,
            country=country,
            lines=[budget_line(country, lead.organisation, amount, currency)],
        )
    return application


def sign_both(application: Application, uk_lead: Any, kr_lead: Any) -> Application:
    version = fresh(application).version
    sign_off(application=application, user=uk_lead, version=version)
    sign_off(application=application, user=kr_lead, version=version)
    return fresh(application)


def ready_application(call: Call, uk_lead: Any, kr_lead: Any, **fill: Any) -> Application:
    """A complete draft that both leads signed: it can be submitted before the deadline."""
    application = start_team(call, uk_lead, kr_lead)
    fill_in(application, uk_lead, **fill)
    set_budget(application, uk_lead)
    return sign_both(application, uk_lead, kr_lead)


def pdf_bytes(pages: int) -> bytes:
    """A real PDF with ``pages`` blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@functools.cache
def funding_reference_text() -> str:
    """The reference file without its instruments and commitments (a quarter of the load time).

    Areas, organisations, funders and both programmes are exactly as in the full file; the
    instrument links are the only thing the call services do not need.
    """
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    head, rest = text.split("[[instruments]]", 1)
    programmes = rest[rest.index("[[programmes]]") :]
    return head + re.sub(
        r"^(instruments|commitments) = \[.*\]$", r"\1 = []", programmes, flags=re.MULTILINE
    )


@pytest.fixture
def funding(db) -> Any:
    """Areas, organisations and the two programmes with their funders, as the loader writes them."""
    return load_reference(text=funding_reference_text())


@pytest.fixture
def call(funding) -> Call:
    return make_call()


@pytest.fixture
def uk_lead(funding) -> Any:
    return make_researcher(country="GB", org="imperial", name_en="Alice Hart")


@pytest.fixture
def kr_lead(funding) -> Any:
    return make_researcher(country="KR", org="kaist", name_en="Kim Minseo", name_ko="김민서")


@pytest.fixture
def draft(call, uk_lead, kr_lead) -> Application:
    """Both leads on the team, nothing else yet."""
    return start_team(call, uk_lead, kr_lead)


@pytest.fixture
def signed(call, uk_lead, kr_lead) -> Application:
    """Complete and signed by both leads: ready to submit."""
    return ready_application(call, uk_lead, kr_lead)


@pytest.fixture
def rs_officer(funding) -> Any:
    return officer_of("royal-society")


@pytest.fixture
def nrf_officer(funding) -> Any:
    return officer_of("nrf")
