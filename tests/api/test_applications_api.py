"""The calls and applications API: public calls; applications only for their teams and officers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState
from accord.applications.services.checks import override_eligibility
from accord.directory.models import Organisation
from accord.partnerships.models import TechnologyArea
from accord.programmes.services.calls import create_call_from_template
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    make_applicant,
    make_joint_application,
    make_officer,
    make_researcher,
)

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2025, 4, 30, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def call(reference):
    return create_call_from_template(
        template="uk-rok-ica",
        slug="ica-2025",
        name_en="2025 round",
        name_ko="2025년 공모",
        opens_at=OPENS,
        closes_at=CLOSES,
        actor=None,
        published=True,
    )


@pytest.fixture
def application(call):
    return make_joint_application(
        call=call,
        reference="ICA-2025-0001",
        state=ApplicationState.SUBMITTED,
        submitted_at=dt.datetime(2025, 4, 30, 14, 59, 59, tzinfo=dt.UTC),
        title_en="Quantum sensors",
        title_ko="양자 센서",
        summary_ko="요약",
        duration_months=36,
        gb_lead=make_researcher("GB", name_en="Alice Hart"),
        kr_lead=make_researcher("KR", name_en="Kim Minseo", name_ko="김민서"),
        budget={"GB": 200000, "KR": 500000000},
        areas=[TechnologyArea.objects.get(slug="quantum")],
    )


def org(slug):
    return Organisation.objects.get(slug=slug)


def test_published_calls_are_public_with_sides_rules_and_criteria(client, call):
    CallFactory(slug="hidden", published=False)
    data = client.get("/api/calls").json()["items"]
    assert [c["slug"] for c in data] == ["ica-2025"]
    ica = data[0]
    assert (ica["programme"], ica["opens_at"], ica["closes_at"]) == (
        "uk-rok-ica",
        "2025-01-15T09:00:00Z",
        "2025-04-30T15:00:00Z",
    )
    assert [(s["country"], s["currency"], s["funder"]) for s in ica["sides"]] == [
        ("GB", "GBP", "royal-society"),
        ("KR", "KRW", "nrf"),
    ]
    assert ica["rules"][2] == {
        "key": "max-request-uk",
        "kind": "max_request",
        "params": {"country": "GB", "amount": "225000", "currency": "GBP"},
    }
    assert [c["key"] for c in ica["criteria"]] == ["excellence", "partnership", "leadership"]
    assert "quantum" in ica["areas"]


def test_one_call_and_unpublished_is_404(client, call):
    CallFactory(slug="hidden", published=False)
    assert client.get("/api/calls/ica-2025").json()["name_ko"] == "2025년 공모"
    response = client.get("/api/calls/hidden")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize(
    "path",
    [
        "/api/applications",
        "/api/applications/ICA-2025-0001",
        "/api/applications/ICA-2025-0001/eligibility",
    ],
)
def test_anonymous_gets_401(client, application, path):
    response = client.get(path)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_team_member_sees_own_application(client, application):
    client.force_login(make_applicant(person=application.members.get(country="KR").person))
    data = client.get("/api/applications/ICA-2025-0001").json()
    assert data == {
        "reference": "ICA-2025-0001",
        "call": "ica-2025",
        "state": "submitted",
        "title_en": "Quantum sensors",
        "title_ko": "양자 센서",
        "summary_en": "What we will do together.",
        "summary_ko": "요약",
        "areas": ["quantum"],
        "team": [
            {
                "name_en": "Alice Hart",
                "name_ko": "",
                "role": "lead",
                "side": "GB",
                "organisation": data["team"][0]["organisation"],
            },
            {
                "name_en": "Kim Minseo",
                "name_ko": "김민서",
                "role": "lead",
                "side": "KR",
                "organisation": data["team"][1]["organisation"],
            },
        ],
        "budget": [
            {
                "country": "GB",
                "currency": "GBP",
                "eligible_cost": "200000.00",
                "requested": "200000.00",
            },
            {
                "country": "KR",
                "currency": "KRW",
                "eligible_cost": "500000000.00",
                "requested": "500000000.00",
            },
        ],
        "submitted_at": "2025-04-30T14:59:59Z",
    }


@pytest.mark.parametrize(
    ("who", "visible"),
    [("rs", True), ("nrf", True), ("kiat", False), ("stranger", False), ("admin", True)],
)
def test_applications_visible_to_team_and_the_calls_officers(client, application, who, visible):
    users = {
        "rs": lambda: make_officer(org("royal-society")),
        "nrf": lambda: make_officer(org("nrf")),
        "kiat": lambda: make_officer(org("kiat")),
        "stranger": lambda: make_applicant(),
        "admin": lambda: UserFactory(roles=[(Role.ADMIN, None)]),
    }
    client.force_login(users[who]())
    listed = [a["reference"] for a in client.get("/api/applications").json()["items"]]
    assert listed == (["ICA-2025-0001"] if visible else [])
    response = client.get("/api/applications/ICA-2025-0001")
    assert response.status_code == (200 if visible else 404)
    assert ("Quantum sensors" in response.content.decode()) is visible
    # The eligibility preview is the applicants' own: those who see the application get 403
    # (applications.view_eligibility_preview), the others 404.
    response = client.get("/api/applications/ICA-2025-0001/eligibility")
    assert response.status_code == (403 if visible else 404)
    assert "Quantum sensors" not in response.content.decode()


def test_the_eligibility_preview_is_the_teams(client, application):
    for member in application.members.all():
        client.force_login(make_applicant(person=member.person))
        response = client.get("/api/applications/ICA-2025-0001/eligibility")
        assert response.status_code == 200
        assert response.json()["count"] == 11


def test_eligibility_lines_with_override(client, application):
    officer = make_officer(org("royal-society"))
    override_eligibility(
        application=application,
        rule_key="korean-summary",
        passed=False,
        reason="Summary is one word",
        actor=officer,
    )
    client.force_login(
        make_applicant(person=application.members.get(country="GB").person)
    )  # the team reads it
    lines = {
        line["key"]: line
        for line in client.get("/api/applications/ICA-2025-0001/eligibility").json()["items"]
    }
    assert list(lines) == [
        "leads",
        "budgets",
        "max-request-uk",
        "max-request-kr",
        "hosts-uk",
        "hosts-kr",
        "emerging-leaders",
        "duration",
        "one-per-person",
        "korean-summary",
        "areas",
    ]
    assert lines["leads"] == {
        "key": "leads",
        "kind": "lead_each_side",
        "passed": True,
        "message": lines["leads"]["message"],
        "overridden": False,
    }
    assert lines["korean-summary"]["passed"] is False
    assert lines["korean-summary"]["overridden"] is True
    assert lines["max-request-uk"]["passed"] is True


def test_eligibility_message_in_the_requests_language(client, application):
    client.force_login(make_applicant(person=application.members.get(country="KR").person))
    path = "/api/applications/ICA-2025-0001/eligibility"
    english = {line["key"]: line["message"] for line in client.get(path).json()["items"]}
    korean = {
        line["key"]: line["message"]
        for line in client.get(path, HTTP_ACCEPT_LANGUAGE="ko").json()["items"]
    }
    assert english["max-request-uk"] == (
        "The United Kingdom side requests 200,000 GBP, within the limit of 225,000 GBP."
    )
    assert "영국" in korean["max-request-uk"]
    assert "United Kingdom" not in korean["max-request-uk"]


def test_unknown_application_is_404(client, application):
    client.force_login(make_officer(org("royal-society")))
    response = client.get("/api/applications/NOPE")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize("n", [1, 3])
def test_application_list_query_count_is_flat(client, call, n):
    for _ in range(n):
        make_joint_application(
            call=call, state=ApplicationState.SUBMITTED, budget={"GB": 10, "KR": 10}
        )
    client.force_login(make_officer(org("royal-society")))
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/applications").json()["items"]
    assert len(data) == n
    assert len(ctx.captured_queries) == 17  # 16 (sides+funders, lines+organisations joined) + count


@pytest.mark.parametrize("n", [1, 3])
def test_call_list_query_count_is_flat(client, reference, n):
    for i in range(n):
        CallFactory(slug=f"c{i}")
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/calls").json()["items"]
    assert len(data) == n
    assert len(ctx.captured_queries) == 7  # 6 + the page's count
