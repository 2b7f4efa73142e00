"""Programme officer pages: who may see a call and its applications, the officer's forms, the CSV.

The call is the Royal Society–NRF ``ica-2025`` call made from its template (conftest ``call``);
applications come from the factories. A KIAT officer is an officer too, but of another funder:
every page of this call is 404 for them, exactly as for an applicant.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.models import Application, EligibilityOverride, FunderCheck
from accord.applications.selectors.eligibility import evaluate_application
from accord.applications.services.checks import record_funder_check
from accord.common.models import AuditEntry
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call
from tests.applications.conftest import officer_of
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    TeamMemberFactory,
    make_applicant,
    make_joint_application,
    make_researcher,
)

pytestmark = pytest.mark.django_db

SUBMITTED = dt.datetime(2025, 4, 30, 14, 59, 59, tzinfo=dt.UTC)


@pytest.fixture
def kiat_officer(reference):
    return officer_of("kiat")


@pytest.fixture
def secret(call):
    """A submitted application of the call, with text that must not leak."""
    return make_joint_application(
        call=call,
        reference="ICA-2025-0001",
        state=ApplicationState.SUBMITTED,
        submitted_at=SUBMITTED,
        title_en="Secret quantum sensors",
        title_ko="비밀 양자 센서",
        summary_ko="한국어 요약",
        duration_months=36,
        budget={"GB": 200000, "KR": 500000000},
        areas=[TechnologyArea.objects.get(slug="quantum")],
    )


def url(name, call=None, application=None, query=""):
    if application is not None:
        return reverse(f"manage:{name}", args=[application.reference]) + query
    return reverse(f"manage:{name}", args=[call.slug]) + query


PAGES = [
    ("call", ""),
    ("call_applications", ""),
    ("call_applications", "?format=csv"),
    ("call_settings", ""),
    ("application", ""),
]


def page_url(name, query, call, application):
    return (
        url(name, application=application, query=query)
        if name == "application"
        else url(name, call, query=query)
    )


@pytest.mark.parametrize(("name", "query"), PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rs_officer", 200),
        ("nrf_officer", 200),
        ("admin", 200),
        ("kiat_officer", 404),
        ("applicant", 404),
    ],
)
def test_call_pages_visible_to_the_calls_officers_only(
    client, request, call, secret, name, query, who, status
):
    users = {
        "admin": lambda: UserFactory(roles=[(Role.ADMIN, None)]),
        "applicant": lambda: make_applicant(person=secret.members.get(country="GB").person),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(page_url(name, query, call, secret))
    assert response.status_code == status
    body = response.getvalue() if response.streaming else response.content
    assert ("Secret quantum sensors" in body.decode()) is (
        status == 200 and name not in {"call", "call_settings"}
    )


@pytest.mark.parametrize(("name", "query"), [*PAGES, ("calls", ""), ("call_new", "")])
def test_call_pages_send_anonymous_to_sign_in(client, call, secret, name, query):
    target = (
        reverse(f"manage:{name}")
        if name in {"calls", "call_new"}
        else page_url(name, query, call, secret)
    )
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_funders_officer_cannot_post_to_application(client, call, secret, kiat_officer):
    client.force_login(kiat_officer)
    response = client.post(
        url("application_decision", application=secret), {"decision-to": "eligible"}
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=secret.pk).state == ApplicationState.SUBMITTED


def test_call_list_shows_own_calls_with_counts(client, call, secret, rs_officer, kiat_officer):
    make_joint_application(call=call)  # a draft
    client.force_login(rs_officer)
    html = client.get(reverse("manage:calls")).content.decode()
    assert "2025 round" in html
    assert "<td>2</td>\n      <td>1</td>" in html  # two applications, one submitted
    assert 'data-tz="Asia/Seoul"' in html
    client.force_login(kiat_officer)
    assert "2025 round" not in client.get(reverse("manage:calls")).content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_call_list_query_count_is_flat(client, reference, rs_officer, n):
    from tests.applications.conftest import make_call

    for i in range(n):
        make_call(slug=f"ica-{i}")
    client.force_login(rs_officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("manage:calls"))
    assert response.status_code == 200
    assert len(response.context["calls"]) == n
    assert len(ctx.captured_queries) == 5


# ------------------------------------------------------------------ opening a call


def test_officer_opens_call_from_template_with_seoul_times(client, reference, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        reverse("manage:call_new"),
        {
            "template": "uk-rok-ica",
            "name_en": "2026 round",
            "name_ko": "2026년 공모",
            "slug": "ica-2026",
            "opens_at": "2026-01-15T09:00",
            "closes_at": "2026-04-30T18:00",
            "time_zone": "Asia/Seoul",
            "published": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:call_settings", args=["ica-2026"])
    call = Call.objects.get(slug="ica-2026")
    assert (call.opens_at, call.closes_at, call.published, call.name_ko) == (
        dt.datetime(2026, 1, 15, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 30, 9, 0, tzinfo=dt.UTC),
        True,
        "2026년 공모",
    )
    assert [(s.funder.slug, s.currency) for s in call.sides.all()] == [
        ("royal-society", "GBP"),
        ("nrf", "KRW"),
    ]
    assert call.rules.count() == 11


def test_officer_sees_only_templates_of_their_funders_programmes(client, reference, kiat_officer):
    client.force_login(kiat_officer)
    form = client.get(reverse("manage:call_new")).context["form"]
    assert [key for key, _label in form.fields["template"].choices] == ["iuk-kiat-crd"]
    response = client.post(
        reverse("manage:call_new"),
        {
            "template": "uk-rok-ica",
            "name_en": "Mine",
            "name_ko": "내 공모",
            "slug": "mine",
            "opens_at": "2026-01-15T09:00",
            "closes_at": "2026-04-30T18:00",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["template"]
    assert 'value="Mine"' in response.content.decode()
    assert not Call.objects.filter(slug="mine").exists()


def test_new_call_closing_before_opening_is_refused_and_input_kept(client, reference, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("manage:call_new"),
        {
            "template": "uk-rok-ica",
            "name_en": "Backwards",
            "name_ko": "거꾸로",
            "slug": "backwards",
            "opens_at": "2026-04-30T18:00",
            "closes_at": "2026-01-15T09:00",
            "time_zone": "Europe/London",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"closes_at": ["The call must close after it opens."]}
    assert 'value="거꾸로"' in response.content.decode()


# ------------------------------------------------------------------ settings and rules


def test_settings_saved_in_chosen_time_zone(client, call, rs_officer):
    client.force_login(rs_officer)
    form = client.get(url("call_settings", call)).context["settings_form"]
    data = {k: v for k, v in form.initial.items() if k != "areas" and v is not None}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data.update(
        closes_at="2025-05-07T16:00",
        time_zone="Europe/London",
        max_pages="8",
        areas=[TechnologyArea.objects.get(slug="ai").pk],
    )
    response = client.post(url("call_settings_save", call), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.closes_at, call.max_pages, [a.slug for a in call.areas.all()]) == (
        dt.datetime(2025, 5, 7, 15, 0, tzinfo=dt.UTC),
        8,
        ["ai"],
    )


# ------------------------------------------------------------------ one application


def test_officers_side_view_orders_titles_by_side(client, call, secret, rs_officer, nrf_officer):
    client.force_login(nrf_officer)
    response = client.get(url("application", application=secret))
    assert response.context["side"] == "KR"
    html = response.content.decode()
    assert html.index("비밀 양자 센서") < html.index("Secret quantum sensors")
    client.force_login(rs_officer)
    html = client.get(url("application", application=secret)).content.decode()
    assert html.index("Secret quantum sensors") < html.index("비밀 양자 센서")
    html = client.get(url("application", application=secret, query="?side=KR")).content.decode()
    assert html.index("비밀 양자 센서") < html.index("Secret quantum sensors")


def test_officer_records_own_sides_check(client, secret, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        url("application_check", application=secret),
        {
            "check-country": "KR",
            "check-status": "query",
            "check-notes": "KAIST letter missing",
        },
    )
    assert response.status_code == 302
    check = FunderCheck.objects.get(application=secret, country="KR")
    assert (check.status, check.notes, check.checked_by) == (
        "query",
        "KAIST letter missing",
        nrf_officer,
    )


def test_officer_cannot_change_other_funders_check(client, secret, rs_officer, nrf_officer):
    record_funder_check(
        application=secret,
        country="GB",
        status=CheckStatus.PASSED,
        notes="All fine",
        actor=rs_officer,
    )
    client.force_login(nrf_officer)
    response = client.post(
        url("application_check", application=secret),
        {
            "check-country": "GB",
            "check-status": "failed",
            "check-notes": "Overruled",
        },
    )
    assert response.status_code == 403
    assert response.context["check_form"].non_field_errors() == [
        "Only an officer of the GB funder records that side's check."
    ]
    assert "Overruled" in response.content.decode()
    check = FunderCheck.objects.get(application=secret, country="GB")
    assert (check.status, check.notes, check.checked_by) == ("passed", "All fine", rs_officer)
    assert not FunderCheck.objects.filter(application=secret, country="KR").exists()


def test_override_changes_the_eligibility_line_and_is_audited(client, secret, rs_officer):
    before = {
        line.key: line.passed
        for line in evaluate_application(Application.objects.get(pk=secret.pk))
    }
    assert before["emerging-leaders"] is True
    client.force_login(rs_officer)
    response = client.post(
        url("application_override", application=secret),
        {
            "override-rule_key": "emerging-leaders",
            "override-passed": "no",
            "override-reason": "Lead is a professor emeritus",
        },
    )
    assert response.status_code == 302
    page = client.get(url("application", application=secret))
    line = next(line for line in page.context["eligibility"] if line.key == "emerging-leaders")
    assert (line.passed, line.overridden, line.override_reason) == (
        False,
        True,
        "Lead is a professor emeritus",
    )
    entry = AuditEntry.objects.filter(
        object_id=str(secret.pk), reason="Lead is a professor emeritus"
    ).get()
    assert (entry.actor, entry.after) == (
        rs_officer,
        {"override": "emerging-leaders", "side": "GB", "passed": False},
    )


def test_override_without_reason_is_refused(client, secret, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        url("application_override", application=secret),
        {
            "override-rule_key": "duration",
            "override-passed": "yes",
            "override-reason": "",
        },
    )
    assert response.status_code == 200
    assert list(response.context["override_form"].errors) == ["reason"]
    assert not EligibilityOverride.objects.exists()


def test_extension_granted_in_seoul_time(client, secret, nrf_officer):
    client.force_login(nrf_officer)
    response = client.post(
        url("application_extension", application=secret),
        {
            "extension-until": "2025-05-07T18:00",
            "extension-time_zone": "Asia/Seoul",
            "extension-reason": "Flood at the host institute",
        },
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=secret.pk).deadline_extension == dt.datetime(
        2025, 5, 7, 9, 0, tzinfo=dt.UTC
    )


def test_extension_before_deadline_shows_service_message_and_keeps_reason(
    client, secret, rs_officer
):
    client.force_login(rs_officer)
    response = client.post(
        url("application_extension", application=secret),
        {
            "extension-until": "2025-04-01T12:00",
            "extension-time_zone": "Europe/London",
            "extension-reason": "Illness of the lead",
        },
    )
    assert response.status_code == 200
    assert response.context["extension_form"].non_field_errors() == [
        "An extension must end after the call's deadline."
    ]
    assert "Illness of the lead" in response.content.decode()
    assert Application.objects.get(pk=secret.pk).deadline_extension is None


def test_eligible_when_both_funders_checks_pass(client, secret, rs_officer, nrf_officer):
    for officer, country in ((rs_officer, "GB"), (nrf_officer, "KR")):
        client.force_login(officer)
        response = client.post(
            url("application_check", application=secret),
            {"check-country": country, "check-status": "passed"},
        )
        assert response.status_code == 302
    assert Application.objects.get(pk=secret.pk).state == ApplicationState.ELIGIBLE
    assert (
        AuditEntry.objects.filter(
            action="state", object_id=str(secret.pk), after={"state": "eligible"}
        ).count()
        == 1
    )


def test_refused_decision_shows_service_message_and_keeps_reason(client, secret, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        url("application_decision", application=secret),
        {"decision-to": "ineligible", "decision-reason": "Too early"},
    )
    assert response.status_code == 200
    assert response.context["decision_form"].non_field_errors() == [
        "Ineligible needs a funder's failed check."
    ]
    assert "Too early" in response.content.decode()
    assert Application.objects.get(pk=secret.pk).state == ApplicationState.SUBMITTED


# ------------------------------------------------------------------ list, CSV, dashboard


@pytest.fixture
def two(call, secret):
    """``secret`` (with a Korean title) and a second, English-only application that is ineligible."""
    other = make_joint_application(
        call=call,
        reference="ICA-2025-0002",
        state=ApplicationState.INELIGIBLE,
        submitted_at=dt.datetime(2025, 4, 29, 8, 30, tzinfo=dt.UTC),
        title_en="Robots, with commas",
        gb_lead=make_researcher("GB", name_en="Zoe Ng"),
        kr_lead=make_researcher("KR", name_en="Park Jiwoo", name_ko="박지우"),
        budget={"GB": 1000},
        areas=[TechnologyArea.objects.get(slug="ai"), TechnologyArea.objects.get(slug="data")],
    )
    return secret, other


def test_csv_has_exact_header_and_rows(client, two, rs_officer):
    secret, _other = two
    leads = {m.country: m.person.name_en for m in secret.members.all()}
    client.force_login(rs_officer)
    response = client.get(url("call_applications", secret.call, query="?format=csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ica-2025-applications.csv"'
    assert response.streaming  # streamed: the first bytes leave before the last row is read
    content = response.getvalue()
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines() == [
        "reference,state,title_en,title_ko,uk_lead,kr_lead,areas,requested_GB,currency_GB,requested_KR,currency_KR,submitted_at,eligible",
        f"ICA-2025-0001,submitted,Secret quantum sensors,비밀 양자 센서,{leads['GB']},{leads['KR']},quantum,200000.00,GBP,500000000.00,KRW,2025-04-30T14:59:59Z,—",
        'ICA-2025-0002,ineligible,"Robots, with commas",,Zoe Ng,Park Jiwoo,ai; data,1000.00,GBP,0.00,KRW,2025-04-29T08:30:00Z,no',
    ]


def test_csv_follows_the_filters(client, two, rs_officer):
    client.force_login(rs_officer)
    response = client.get(
        url("call_applications", two[0].call, query="?format=csv&state=ineligible&q=robots")
    )
    assert [
        line.split(",")[0] for line in response.getvalue().decode("utf-8-sig").splitlines()
    ] == [
        "reference",
        "ICA-2025-0002",
    ]


@pytest.mark.parametrize(
    ("query", "href"),
    [
        ("", "?format=csv"),
        ("?state=ineligible&q=robots", "?state=ineligible&amp;q=robots&amp;format=csv"),
    ],
)
def test_csv_link_keeps_every_filter(client, two, rs_officer, query, href):
    client.force_login(rs_officer)
    html = client.get(url("call_applications", two[0].call, query=query)).content.decode()
    assert f'<a href="{href}" download>' in html
    assert "??" not in html


def test_list_filters_and_htmx_swaps_only_the_table(client, two, nrf_officer):
    client.force_login(nrf_officer)
    response = client.get(
        url("call_applications", two[0].call, query="?area=quantum"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert [row["application"].reference for row in response.context["rows"]] == ["ICA-2025-0001"]
    assert "<html" not in html and 'id="application-ICA-2025-0001"' in html
    assert "Download CSV" in html and "format=csv" in html


def test_list_filters_by_side_and_area_list_each_application_once(client, two, rs_officer):
    secret, other = two
    # a second member on the British side of each: the side filter matches leads only, once each
    TeamMemberFactory(application=secret, person=make_researcher("GB"))
    TeamMemberFactory(
        application=other, person=make_researcher("GB"), role=MemberRole.CO_INVESTIGATOR
    )
    client.force_login(rs_officer)
    for query, references, count in [
        ("?side=GB", ["ICA-2025-0001", "ICA-2025-0002"], "2 applications"),
        ("?side=KR&area=data", ["ICA-2025-0002"], "1 application "),
        ("?area=ai", ["ICA-2025-0002"], "1 application "),
        ("?side=JP", [], "0 applications"),
    ]:
        response = client.get(url("call_applications", two[0].call, query=query))
        assert [row["application"].reference for row in response.context["rows"]] == references
        assert f'<p class="summary">{count}' in response.content.decode()


def test_list_shows_each_sides_lead_not_the_other_members(client, two, rs_officer):
    secret, _other = two
    member = TeamMemberFactory(application=secret, person=make_researcher("GB"))
    client.force_login(rs_officer)
    response = client.get(url("call_applications", secret.call))
    row = response.context["rows"][0]
    gb_lead = secret.members.get(role=MemberRole.LEAD, country="GB")
    assert [(side.country, lead.pk if lead else None) for side, lead in row["leads"]] == [
        ("GB", gb_lead.pk),
        ("KR", secret.members.get(role=MemberRole.LEAD, country="KR").pk),
    ]
    assert member.person.name_en not in response.content.decode()


def test_list_shows_korean_title_to_korean_readers(client, two, nrf_officer):
    client.force_login(nrf_officer)
    english = client.get(url("call_applications", two[0].call)).content.decode()
    korean = client.get(
        url("call_applications", two[0].call), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "비밀 양자 센서" not in english
    assert "비밀 양자 센서" in korean


@pytest.mark.parametrize("n", [1, 3])
def test_list_and_csv_query_counts_are_flat(client, call, rs_officer, n):
    for _ in range(n):
        make_joint_application(
            call=call, state=ApplicationState.SUBMITTED, budget={"GB": 100, "KR": 1000}
        )
    client.force_login(rs_officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("call_applications", call))
    assert len(response.context["rows"]) == n
    assert len(ctx.captured_queries) == 13
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("call_applications", call, query="?format=csv"))
        content = response.getvalue()  # the rows are read while streaming
    assert len(content.decode("utf-8-sig").splitlines()) == n + 1
    assert len(ctx.captured_queries) == 12


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_query_count_is_flat(client, call, rs_officer, n):
    for _ in range(n):
        make_joint_application(
            call=call, state=ApplicationState.SUBMITTED, budget={"GB": 100, "KR": 1000}
        )
    client.force_login(rs_officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url("call", call))
    assert response.context["eligibility"]["count"] == n
    assert len(ctx.captured_queries) == 16


def test_dashboard_counts_by_state_area_side_and_rule(client, two, rs_officer):
    secret, _other = two
    make_joint_application(call=secret.call, budget={"GB": 50, "KR": 70})  # a draft: no eligibility
    client.force_login(rs_officer)
    context = client.get(url("call", secret.call)).context
    states = {value: n for value, _label, n in context["by_state"]}
    assert (
        states["draft"],
        states["submitted"],
        states["ineligible"],
        states["eligible"],
        context["total"],
    ) == (1, 1, 1, 0, 3)
    assert {a.slug: a.n for a in context["by_area"]} == {"ai": 1, "quantum": 1, "data": 1}
    assert [(r["side"].country, r["applications"], r["requested"]) for r in context["by_side"]] == [
        ("GB", 3, Decimal("201050.00")),
        ("KR", 3, Decimal("500000070.00")),
    ]
    rules = {r["rule"].key: (r["passed"], r["failed"]) for r in context["eligibility"]["rows"]}
    assert rules["budgets"] == (1, 1)  # the second application has no Korean budget
    assert rules["korean-summary"] == (1, 1)
    assert rules["leads"] == (2, 0)
    assert rules["one-per-person"] == (2, 0)


def test_dashboard_counts_other_applications_of_the_same_person(client, call, rs_officer):
    lead = make_researcher("GB")
    for _ in range(2):
        make_joint_application(call=call, state=ApplicationState.SUBMITTED, gb_lead=lead)
    client.force_login(rs_officer)
    rules = {
        r["rule"].key: (r["passed"], r["failed"])
        for r in client.get(url("call", call)).context["eligibility"]["rows"]
    }
    assert rules["one-per-person"] == (0, 2)


def test_csv_does_not_let_a_title_run_as_a_formula(client, call, rs_officer):
    make_joint_application(
        call=call,
        reference="ICA-2025-0009",
        title_en='=HYPERLINK("http://evil")',
        state=ApplicationState.SUBMITTED,
    )
    client.force_login(rs_officer)
    response = client.get(url("call_applications", call, query="?format=csv"))
    row = response.getvalue().decode("utf-8-sig").splitlines()[1]
    assert row.startswith('ICA-2025-0009,submitted,"\'=HYPERLINK(""http://evil"")",,')


def test_csv_does_not_let_a_korean_title_or_lead_name_run_as_a_formula(client, call, rs_officer):
    application = make_joint_application(
        call=call,
        reference="ICA-2025-0010",
        title_ko="@SUM(1+1)",
        state=ApplicationState.SUBMITTED,
    )
    lead = application.members.get(role="lead", country="GB").person
    lead.name_en = "-2+3+cmd|' /C calc'!A0"
    lead.save()
    client.force_login(rs_officer)
    response = client.get(url("call_applications", call, query="?format=csv"))
    row = next(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1])
        )
    )
    assert row[3:5] == ["'@SUM(1+1)", "'-2+3+cmd|' /C calc'!A0"]
