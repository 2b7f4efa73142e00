"""Decisions in the browser, both funders: each officer takes a scenario (the Royal Society's in
English, NRF's in Korean), the run finishes and the page explains who is left out and why; both
keys approve, the award letters appear; the lead accepts the award and only then is it public.
An unrelated officer and another applicant get 404, an administrator 403 on the actions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, ica_round, land, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def round_at_panel(demo):
    """A Royal Society–NRF call with three applications at panel. Under a Korean budget of
    ₩1,000,000,000 the best portfolio funds E2E-0001 and E2E-0003 and leaves E2E-0002 out, though
    its merit is higher than E2E-0003's: it would exceed the Korean budget."""
    from tests.decisions.conftest import at_panel, lead_user

    call = ica_round(
        "e2e-decisions",
        "E2E decisions round",
        "E2E 선정 공모",
        opened_days_ago=60,
        closes_in_days=-30,
    )
    first = at_panel(
        call,
        merit=5.5,
        reference="E2E-0001",
        title_en="Spin qubits at wafer scale",
        title_ko="웨이퍼 규모의 스핀 큐비트",
        gbp=210_000,
        krw=480_000_000,
        areas=("quantum",),
    )
    at_panel(call, merit=5.0, reference="E2E-0002", gbp=100_000, krw=900_000_000)
    at_panel(call, merit=3.0, reference="E2E-0003", gbp=50_000, krw=100_000_000)
    lead = lead_user(first, "GB", username="lead-e2e")
    return call, first, lead


def take_scenario(page, call, name, labels):
    go(page, f"/manage/calls/{call.slug}/decisions/")
    page.locator("#id_name").fill(name)
    page.locator("#id_budget_GB").fill("1000000")
    page.locator("#id_budget_KR").fill("1000000000")
    page.locator("#portfolio-form button[type=submit]").click()
    land(page)
    # The run is over (the test server works through its queue at once) and the page says so.
    expect(page.locator("#funded-E2E-0001")).to_be_visible()
    expect(page.locator("#funded-E2E-0003")).to_be_visible()
    expect(page.locator("#unfunded-E2E-0002")).to_be_visible()
    why = page.locator("#why-E2E-0002")
    expect(why).to_contain_text(labels["exceed"])
    expect(why).to_contain_text("₩480,000,000 KRW")  # 900M − (1,000M − 480M − 100M)
    expect(page.locator("#funded-E2E-0001")).to_contain_text(labels["area"])


def approve(page, call, reference, feedback):
    go(page, f"/manage/calls/{call.slug}/decisions/applications/{reference}/")
    page.locator("input[name=verdict][value=approve]").check()
    page.locator("#id_feedback_en").fill(feedback)
    page.locator("#decision-form button[type=submit]").click()
    land(page)
    expect(page.locator(".messages")).to_be_visible()


def test_both_officers_decide_the_lead_accepts_and_the_award_is_public(browse, round_at_panel):
    call, application, lead = round_at_panel
    rs, nrf = browse.page("en"), browse.page("ko")
    for page in (rs, nrf):  # the last key asks for a confirmation: the officer confirms
        page.on("dialog", lambda dialog: dialog.accept())

    sign_in(rs, "officer-rs")
    take_scenario(
        rs, call, "Both budgets", {"exceed": "it would exceed the budget of the", "area": "Quantum"}
    )
    sign_in(nrf, "officer-nrf")
    take_scenario(nrf, call, "양측 예산", {"exceed": "예산을", "area": "양자"})

    approve(rs, call, application.reference, "An excellent partnership.")
    approve(nrf, call, application.reference, "Strong Korean contribution.")
    expect(nrf.locator("#state")).not_to_have_text("평가위원회 검토 중")

    # The award is offered: its letters are ready, and it is not public yet.
    go(rs, f"/manage/awards/{application.reference}/")
    expect(rs.locator("#award-state")).to_contain_text("Offered")
    expect(rs.locator("#letters a")).to_have_count(2)
    public = browse.page("en")
    go(public, "/awards/")
    expect(public.locator(f"#award-{application.reference}")).to_have_count(0)

    # The lead accepts, after a page saying what follows.
    applicant = browse.page("en")
    sign_in(applicant, lead.username, "pw")
    go(applicant, f"/applications/{application.reference}/decision/")
    applicant.locator("#accept").click()
    land(applicant)
    expect(applicant.locator(".late-warning")).to_contain_text("360Giving export")
    applicant.locator("#confirm-accept").click()
    land(applicant)
    expect(applicant.locator("#award-state")).to_have_text("Active")

    go(public, "/awards/")
    row = public.locator(f"#award-{application.reference}")
    expect(row).to_contain_text("Spin qubits at wafer scale")
    expect(row).to_contain_text("£210,000 GBP")


def test_outsiders_are_not_found_and_administrators_may_not_act(browse, round_at_panel):
    from accord.directory.models import Organisation
    from tests.factories.accounts import UserFactory
    from tests.factories.applications import make_applicant, make_officer

    call, application, _lead = round_at_panel
    portfolio = f"/manage/calls/{call.slug}/decisions/"
    decide = f"{portfolio}applications/{application.reference}/"

    make_officer(Organisation.objects.get(slug="kiat"), username="officer-kiat-e2e")
    kiat = browse.page("en")
    sign_in(kiat, "officer-kiat-e2e", "pw")
    for path in (portfolio, decide):
        kiat.guard.allow(404, path)
        response = kiat.goto(kiat.base + path)
        assert response.status == 404, path
        land(kiat)

    other = make_applicant(username="other-e2e")
    stranger = browse.page("en")
    sign_in(stranger, other.username, "pw")
    for path in (portfolio, f"/awards/{application.reference}/accept/"):
        stranger.guard.allow(404, path)
        response = stranger.goto(stranger.base + path)
        assert response.status == 404, path
        land(stranger)

    UserFactory(username="admin-e2e", is_superuser=True, is_staff=True)
    admin = browse.page("en")
    sign_in(admin, "admin-e2e", "pw")
    go(admin, portfolio)  # administrators read …
    admin.guard.allow(403, f"{portfolio}scenarios/new/")
    admin.locator("#portfolio-form button[type=submit]").click()
    land(admin)
    expect(admin.locator(".code")).to_contain_text("403")  # … but do not run scenarios
