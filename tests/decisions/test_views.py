"""Decision and award pages: who sees what (own funder 200, other funder 404, applicant 404),
the public awards page names organisations only, query counts stay flat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.accounts.enums import Role
from accord.applications.enums import MemberRole
from accord.common.models import AuditEntry
from accord.decisions.enums import OutputKind, PaymentState
from accord.decisions.models import Award, Decision, Output, Payment
from accord.decisions.services.awards import add_output
from tests.decisions.conftest import accept, approve, at_panel, decline, lead_user
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_applicant, make_researcher
from tests.factories.partnerships import CommitmentFactory, InstrumentFactory

pytestmark = pytest.mark.django_db

SECRET_LEAD = "Zebediah Quillfeather"


@pytest.fixture
def awarded(call, rs_officer, nrf_officer):
    """An award whose UK lead has a distinctive name that must never reach a public page."""
    application = at_panel(
        call,
        merit=5,
        reference="ICA-2025-0007",
        title_en="Ferroelectric memory for edge AI",
        title_ko="엣지 AI를 위한 강유전 메모리",
        gb_lead=make_researcher("GB", name_en=SECRET_LEAD, name_ko="제베다이아"),
    )
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR")
    return accept(Award.objects.get(application=application), rs_officer)


def officer_pages(call, award):
    return [
        reverse("decisions:portfolio", args=[call.slug]),
        reverse("decisions:board", args=[call.slug]),
        reverse("decisions:decide", args=[call.slug, award.reference]),
        reverse("decisions:disagreements", args=[call.slug]),
        reverse("decisions:award", args=[award.reference]),
    ]


@pytest.mark.parametrize("page", range(5))
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
def test_officer_pages_visible_to_the_calls_officers_only(
    client, request, call, awarded, page, who, status
):
    users = {
        "admin": lambda: UserFactory(roles=[(Role.ADMIN, None)]),
        "applicant": lambda: lead_user(awarded.application, "GB"),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(officer_pages(call, awarded)[page])
    assert response.status_code == status


def test_officer_pages_send_anonymous_to_sign_in(client, call, awarded):
    for url in officer_pages(call, awarded):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_other_funders_officer_cannot_post_a_decision(client, call, kiat_officer, rs_officer):
    application = at_panel(call, merit=5)
    url = reverse("decisions:decide_record", args=[call.slug, application.reference])
    client.force_login(kiat_officer)
    response = client.post(url, {"verdict": "approve", "feedback_en": "x"})
    assert response.status_code == 404
    assert Decision.objects.count() == 0


def test_decision_form_records_the_officers_own_side(client, call, nrf_officer):
    application = at_panel(call, merit=5)
    url = reverse("decisions:decide_record", args=[call.slug, application.reference])
    client.force_login(nrf_officer)
    response = client.post(
        url, {"verdict": "decline", "feedback_en": "Not now.", "feedback_ko": "이번에는 아닙니다."}
    )
    assert response.status_code == 302
    assert list(Decision.objects.values_list("country", "verdict", "feedback_ko")) == [
        ("KR", "decline", "이번에는 아닙니다.")
    ]


def test_decision_form_keeps_input_on_refusal(client, call, rs_officer):
    application = at_panel(call, merit=5)
    url = reverse("decisions:decide_record", args=[call.slug, application.reference])
    client.force_login(rs_officer)
    response = client.post(
        url, {"verdict": "approve", "amount": "0", "feedback_en": "Typed feedback stays."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "An approval is for an amount above zero, in GBP." in html
    assert "Typed feedback stays." in html
    assert Decision.objects.count() == 0


def test_decision_pages_show_feedback_in_both_languages(client, call, awarded, rs_officer):
    client.force_login(rs_officer)
    url = reverse("decisions:decide", args=[call.slug, awarded.reference])
    html = client.get(url).content.decode()
    assert "Approved by the KR side." in html
    assert "KR 측이 승인했습니다." in html


def test_disagreements_page_lists_split_decisions(client, call, rs_officer, nrf_officer):
    split = at_panel(call, merit=5, reference="ICA-SPLIT")
    approve(split, rs_officer, "GB")
    decline(split, nrf_officer, "KR")
    client.force_login(rs_officer)
    html = client.get(reverse("decisions:disagreements", args=[call.slug])).content.decode()
    assert html.count('id="disagreement-') == 1
    assert 'id="disagreement-ICA-SPLIT"' in html


def test_only_the_sides_officer_marks_its_payment_paid(client, awarded, rs_officer, nrf_officer):
    gb = Payment.objects.filter(side__award=awarded, side__country="GB").first()
    url = reverse("decisions:award_payment", args=[awarded.reference])
    client.force_login(nrf_officer)
    response = client.post(url, {"payment": gb.pk, "paid_on": "2025-09-03"})
    assert response.status_code == 200
    assert "Only an officer of this side" in response.content.decode()
    client.force_login(rs_officer)
    response = client.post(url, {"payment": gb.pk, "paid_on": "2025-09-03"})
    assert response.status_code == 302
    gb.refresh_from_db()
    assert (gb.state, gb.paid_on) == (PaymentState.PAID, dt.date(2025, 9, 3))


def test_officer_adds_an_output(client, awarded, rs_officer):
    client.force_login(rs_officer)
    url = reverse("decisions:award_output", args=[awarded.reference])
    response = client.post(url, {"kind": "people_trained", "title": "PhD students", "count": "4"})
    assert response.status_code == 302
    assert list(Output.objects.values_list("kind", "title", "count")) == [
        ("people_trained", "PhD students", 4)
    ]


# --- the applicants' decision page ------------------------------------------------------------


def test_applicant_sees_decision_and_feedback_in_their_language_first(client, awarded):
    kr_lead = lead_user(awarded.application, "KR", preferred_language="ko")
    client.force_login(kr_lead)
    url = reverse("decisions:my_decision", args=[awarded.reference])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "KR 측이 승인했습니다." in html
    assert "Approved by the KR side." in html
    assert html.index("KR 측이 승인했습니다.") < html.index("Approved by the KR side.")
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index("Approved by the KR side.") < html.index("KR 측이 승인했습니다.")


def test_decision_page_is_404_for_anyone_but_the_team(client, awarded, rs_officer):
    url = reverse("decisions:my_decision", args=[awarded.reference])
    outsider = UserFactory(person=make_researcher("GB"))
    for user in (outsider, rs_officer):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_a_single_sides_decision_is_not_shown_before_the_outcome(client, call, rs_officer):
    application = at_panel(call, merit=5)
    decline(application, rs_officer, "GB", feedback_en="Hidden until both decide.")
    client.force_login(lead_user(application, "GB"))
    html = client.get(reverse("decisions:my_decision", args=[application.reference])).content
    assert "Hidden until both decide." not in html.decode()
    assert b'id="no-decision"' in html


# --- public pages -----------------------------------------------------------------------------


def test_public_awards_page_names_organisations_never_people(client, awarded):
    html = client.get(reverse("decisions:awards")).content.decode()
    assert 'id="award-ICA-2025-0007"' in html
    assert "Ferroelectric memory for edge AI" in html
    side = awarded.sides.get(country="GB")
    assert side.recipient.name_en in html
    assert "£200,000 GBP" in html
    assert "₩500,000,000 KRW" in html
    assert SECRET_LEAD not in html
    assert "제베다이아" not in html


def test_unpublished_award_is_not_on_the_public_page(client, awarded):
    Award.objects.filter(pk=awarded.pk).update(published=False)
    html = client.get(reverse("decisions:awards")).content.decode()
    assert 'id="award-' not in html


def make_awards(call, n, rs_officer, nrf_officer):
    for i in range(n):
        application = at_panel(call, merit=5 - i, areas=("semiconductors", "quantum"))
        approve(application, rs_officer, "GB")
        approve(application, nrf_officer, "KR")
        accept(Award.objects.get(application=application), rs_officer)


@pytest.mark.parametrize("n", [1, 3])
def test_public_awards_query_count_is_flat(client, call, rs_officer, nrf_officer, n):
    make_awards(call, n, rs_officer, nrf_officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("decisions:awards"))
    assert response.status_code == 200
    assert response.content.decode().count('id="award-') == n
    assert len(ctx.captured_queries) == 3


@pytest.mark.parametrize("n", [1, 3])
def test_board_query_count_is_flat(client, call, rs_officer, nrf_officer, n):
    make_awards(call, n, rs_officer, nrf_officer)
    client.force_login(rs_officer)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("decisions:board", args=[call.slug]))
    assert response.status_code == 200
    assert response.content.decode().count('id="row-') == n
    assert len(ctx.captured_queries) == 12


@pytest.mark.parametrize("n", [1, 3])
def test_delivery_page_query_count_is_flat(client, call, rs_officer, nrf_officer, n):
    make_awards(call, n, rs_officer, nrf_officer)
    slug = call.programme.partnership.slug
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("decisions:delivery", args=[slug]))
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 4


def test_delivery_charts_carry_values_as_text(client, call, awarded):
    add_output(award=awarded, kind=OutputKind.PUBLICATION, title="A paper", actor=None)
    slug = call.programme.partnership.slug
    html = client.get(reverse("decisions:delivery", args=[slug])).content.decode()
    assert html.count("<svg") == 7  # area, funder, organisation × 2 currencies + rounds
    assert "<title>Funding by technology area (GBP)</title>" in html
    assert '<text x="' in html and "£200,000 GBP</text>" in html
    assert "₩500,000,000 KRW</text>" in html
    assert "2025 round: awards<title>2025 round: awards</title></text>" in html
    assert SECRET_LEAD not in html


# --- the commitments tracker: money and awards per commitment ---------------------------------


def test_commitments_tracker_shows_money_awards_and_outputs(client, call, awarded):
    commitment = CommitmentFactory(
        instrument=InstrumentFactory(partnership=call.programme.partnership)
    )
    Award.objects.filter(pk=awarded.pk).update(commitment=commitment)
    add_output(award=awarded, kind=OutputKind.PATENT, title="A patent", actor=None)
    add_output(award=awarded, kind=OutputKind.PUBLICATION, title="A paper", actor=None)
    url = reverse("partnerships:commitments", args=[call.programme.partnership.slug])
    html = client.get(url).content.decode()
    row = html[html.index(f'id="commitment-{commitment.slug}"') :]
    row = row[: row.index("</tr>")]
    assert '<div class="money">£200,000 GBP</div><div class="money">₩500,000,000 KRW</div>' in row
    assert '<td class="award-count">1</td>' in row
    assert '<td class="output-count">2</td>' in row


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [1, 3])
def test_portfolio_page_query_count_is_flat(client, call, rs_officer, n):
    for i in range(n):
        at_panel(call, merit=5 - i, areas=("semiconductors", "quantum"))
    client.force_login(rs_officer)
    assert count_queries(client, reverse("decisions:portfolio", args=[call.slug])) == 18


@pytest.mark.parametrize("n", [1, 3])
def test_disagreements_page_query_count_is_flat(client, call, rs_officer, nrf_officer, n):
    for i in range(n):
        split = at_panel(call, merit=5 - i)
        approve(split, rs_officer, "GB")
        decline(split, nrf_officer, "KR")
    client.force_login(rs_officer)
    assert count_queries(client, reverse("decisions:disagreements", args=[call.slug])) == 12


def test_the_last_key_warns_and_asks_for_confirmation(client, call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5)
    url = reverse("decisions:decide", args=[call.slug, application.reference])
    client.force_login(nrf_officer)
    first = client.get(url).content.decode()
    assert 'id="last-key"' not in first and "data-confirm" not in first
    client.post(
        reverse("decisions:decide_record", args=[call.slug, application.reference]),
        {"verdict": "approve", "amount": "1000", "feedback_en": "Yes."},
    )
    client.force_login(rs_officer)
    last = client.get(url).content.decode()
    assert 'id="last-key"' in last
    assert (
        'data-confirm="Record this decision? If it is an approval, the award is made at once'
        in last
    )


# --- one view per action on an award ---------------------------------------------------------

AWARD_ACTIONS = ("award_payment", "award_output", "award_letters", "award_unpublish")


def test_award_actions_are_404_for_an_unrelated_officer_and_403_for_an_administrator(
    client, awarded, kiat_officer
):
    admin = UserFactory(is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)])
    for name in (*AWARD_ACTIONS, "award_publish"):
        url = reverse(f"decisions:{name}", args=[awarded.reference])
        client.force_login(kiat_officer)
        assert client.post(url).status_code == 404, name
        client.force_login(admin)
        assert client.post(url).status_code == 403, name
    assert Output.objects.count() == 0
    awarded.refresh_from_db()
    assert awarded.published is True


def test_award_page_takes_no_post(client, awarded, rs_officer):
    client.force_login(rs_officer)
    assert client.post(reverse("decisions:award", args=[awarded.reference])).status_code == 405


def test_publishing_asks_first_and_says_where_it_goes(client, awarded, rs_officer):
    Award.objects.filter(pk=awarded.pk).update(published=False)
    client.force_login(rs_officer)
    url = reverse("decisions:award_publish", args=[awarded.reference])
    html = client.get(url).content.decode()
    assert "public award list" in html
    assert "/api/awards" in html
    assert "360Giving export" in html
    assert 'id="confirm-publish"' in html
    awarded.refresh_from_db()
    assert awarded.published is False  # the confirmation page changes nothing
    response = client.post(url)
    assert response.status_code == 302
    awarded.refresh_from_db()
    assert awarded.published is True


def test_taking_an_award_out_of_the_open_data_needs_a_reason(client, awarded, rs_officer):
    client.force_login(rs_officer)
    url = reverse("decisions:award_unpublish", args=[awarded.reference])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    awarded.refresh_from_db()
    assert awarded.published is True
    response = client.post(url, {"reason": "Asked by the funder."})
    assert response.status_code == 302
    awarded.refresh_from_db()
    assert awarded.published is False


def test_writing_the_letters_again_makes_a_new_pair(client, awarded, rs_officer):
    before = awarded.letters.count()
    client.force_login(rs_officer)
    response = client.post(reverse("decisions:award_letters", args=[awarded.reference]))
    assert response.status_code == 302
    assert awarded.letters.count() == before + 2


# --- acceptance: an award is offered, the lead accepts, then it is public ---------------------


def award_audit(award):
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Award), object_id=str(award.pk)
        )
        .order_by("pk")
        .last()
    )


@pytest.fixture
def offered(call, rs_officer, nrf_officer):
    application = at_panel(call, merit=5, reference="ICA-2025-0009", title_en="Offered project")
    approve(application, rs_officer, "GB")
    approve(application, nrf_officer, "KR")
    return Award.objects.get(application=application)


def test_an_offered_award_is_in_no_open_data(client, offered):
    assert (offered.state, offered.published) == ("offered", True)
    assert "ICA-2025-0009" not in client.get(reverse("decisions:awards")).content.decode()
    assert "ICA-2025-0009" not in client.get("/api/awards").content.decode()
    assert client.get(reverse("decisions:open_json")).status_code == 404  # nothing public yet


def test_the_lead_accepts_after_a_page_that_says_what_follows(client, offered):
    lead = lead_user(offered.application, "KR")
    client.force_login(lead)
    page = client.get(reverse("decisions:my_decision", args=[offered.reference])).content.decode()
    accept_url = reverse("decisions:accept", args=[offered.reference])
    assert f'href="{accept_url}"' in page
    html = client.get(accept_url).content.decode()
    assert "public award list, in the API and in the 360Giving export" in html
    offered.refresh_from_db()
    assert offered.state == "offered"  # the page changes nothing
    response = client.post(accept_url)
    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.state == "active"
    assert "ICA-2025-0009" in client.get(reverse("decisions:awards")).content.decode()
    assert "ICA-2025-0009" in client.get("/api/awards").content.decode()
    entry = award_audit(offered)
    assert (entry.actor_id, entry.reason) == (lead.pk, "Accepted by the lead.")


def test_who_may_accept(client, offered, rs_officer, kiat_officer):
    url = reverse("decisions:accept", args=[offered.reference])
    member = make_applicant(person=make_researcher("GB"))
    gb_lead = offered.application.members.get(country="GB", role=MemberRole.LEAD)
    offered.application.members.create(
        person=member.person,
        country="GB",
        role=MemberRole.CO_INVESTIGATOR,
        organisation=gb_lead.organisation,
    )
    outsider = UserFactory(person=make_researcher("GB"))
    checks = ((member, 403), (outsider, 404), (rs_officer, 404), (kiat_officer, 404))
    for user, status in checks:
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url).status_code == status
    officer_url = reverse("decisions:award_accept", args=[offered.reference])
    client.force_login(kiat_officer)
    assert client.post(officer_url).status_code == 404
    admin = UserFactory(is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)])
    client.force_login(admin)
    assert client.post(officer_url).status_code == 403
    offered.refresh_from_db()
    assert offered.state == "offered"
    client.force_login(rs_officer)
    assert "public award list" in client.get(officer_url).content.decode()
    assert client.post(officer_url).status_code == 302
    offered.refresh_from_db()
    assert offered.state == "active"
    entry = award_audit(offered)
    assert (entry.actor_id, entry.reason) == (rs_officer.pk, "Accepted on the lead's behalf.")
