"""From the panel's ranking to the public record: an officer of each funder approves its own side
in the browser; the joint award is offered, and once the lead has accepted it, it appears on the
public awards page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import ica_round

pytestmark = pytest.mark.e2e


@pytest.fixture
def ranked(demo):
    """A call of the Royal Society and NRF with two applications at panel, scored by the panel."""
    from tests.decisions.conftest import at_panel

    call = ica_round(
        "e2e-awards", "E2E awards round", "E2E 선정 공모", opened_days_ago=60, closes_in_days=-30
    )
    first = at_panel(
        call,
        merit=5.5,
        reference="E2E-0001",
        title_en="Spin qubits at wafer scale",
        gbp=210_000,
        krw=480_000_000,
    )
    at_panel(call, merit=3.0, reference="E2E-0002", title_en="Second-ranked project")
    return call, first


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()


def decide(page, base, call, reference, feedback):
    page.goto(f"{base}/manage/calls/{call.slug}/decisions/applications/")
    page.get_by_role("link", name=reference).first.click()
    page.locator("input[name=verdict][value=approve]").check()
    page.locator("#id_feedback_en").fill(feedback)
    page.locator("#decision-form button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()


def test_both_officers_approve_and_the_award_is_public(live_server, browser, ranked):
    call, application = ranked
    base = live_server.url
    uk = browser.new_context().new_page()
    kr = browser.new_context(locale="ko-KR").new_page()
    public = browser.new_context().new_page()
    for page in (uk, kr):  # the last key asks for a confirmation: the officer confirms
        page.on("dialog", lambda dialog: dialog.accept())

    # The Royal Society approves the UK side: one key is not an award.
    sign_in(uk, base, "officer-rs", "accord-officer-rs")
    decide(uk, base, call, application.reference, "An excellent partnership.")
    expect(uk.locator("#side-GB .status")).to_contain_text("Fund")
    public.goto(f"{base}/awards/")
    expect(public.locator(f"#award-{application.reference}")).to_have_count(0)

    # NRF approves the Korean side, in Korean: the award is made and published.
    sign_in(kr, base, "officer-nrf", "accord-officer-nrf")
    decide(kr, base, call, application.reference, "Strong Korean contribution.")
    expect(kr.locator("#state")).not_to_have_text("At panel")
    expect(uk.locator("#last-key")).to_have_count(0)

    # Offered, not yet accepted: not public.
    public.goto(f"{base}/awards/")
    expect(public.locator(f"#award-{application.reference}")).to_have_count(0)
    from accord.accounts.models import User
    from accord.decisions.models import Award
    from accord.decisions.services.awards import accept_award

    accept_award(
        award=Award.objects.get(reference=application.reference),
        actor=User.objects.get(username="officer-rs"),
        on_behalf=True,
    )
    public.goto(f"{base}/awards/")
    row = public.locator(f"#award-{application.reference}")
    expect(row).to_contain_text("Spin qubits at wafer scale")
    expect(row).to_contain_text("£210,000 GBP")
    expect(row).to_contain_text("₩480,000,000 KRW")
    expect(public.locator("#award-E2E-0002")).to_have_count(0)
