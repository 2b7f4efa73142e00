"""An officer solves and publishes the assignment; a reviewer declares no conflict and submits a
review; the officer sees it in the calibrated ranking."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.steps import ica_round

pytestmark = pytest.mark.e2e

REFERENCE = "E2E-R-0001"


@pytest.fixture
def reviewed_call(demo):
    """A closed RS–NRF call with one eligible application and a pool of two (one per country)."""
    from accord.applications.enums import ApplicationState
    from accord.review.enums import InvitationState
    from tests.factories.accounts import UserFactory
    from tests.factories.applications import make_joint_application, make_researcher
    from tests.factories.review import ReviewerInvitationFactory

    now = timezone.now()
    call = ica_round(
        "e2e-review", "E2E review round", "E2E 심사 공모", opened_days_ago=60, closes_in_days=-1
    )
    call.reviewers_per_application = 2
    call.save(update_fields=["reviewers_per_application"])
    make_joint_application(
        call=call,
        state=ApplicationState.ELIGIBLE,
        reference=REFERENCE,
        title_en="Quantum sensors for underground mapping",
        title_ko="지하 탐사를 위한 양자 센서",
    )
    uk = UserFactory(username="uk-reviewer", person=make_researcher("GB", name_en="Uma Reader"))
    kr = make_researcher("KR", name_en="Kang Reader")
    for person in (uk.person, kr):
        ReviewerInvitationFactory(
            call=call,
            person=person,
            state=InvitationState.ACCEPTED,
            due=(now + dt.timedelta(days=14)).date(),
        )
    return call


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()


def test_officer_assigns_reviewer_reviews_officer_ranks(live_server, browser, reviewed_call):
    base = live_server.url
    officer = browser.new_context().new_page()
    reviewer = browser.new_context().new_page()

    # The officer solves the assignment and publishes it.
    sign_in(officer, base, "officer-rs", "accord-officer-rs")
    officer.goto(f"{base}/manage/calls/e2e-review/assignment/")
    officer.get_by_role("button", name="Solve the assignment").click()
    row = officer.locator(f"#applications tr[data-application='{REFERENCE}']")
    expect(row).to_contain_text("Uma Reader")
    expect(row).to_contain_text("Kang Reader")
    officer.once("dialog", lambda dialog: dialog.accept())
    officer.get_by_role("button", name="Publish the assignment").click()
    expect(officer.locator(".messages")).to_contain_text("2 assignments published")

    # The reviewer declares no conflict, then reads the application and submits a review.
    sign_in(reviewer, base, "uk-reviewer", "pw")
    reviewer.goto(f"{base}/review/")
    reviewer.get_by_role("link", name=REFERENCE).click()
    expect(reviewer.locator("#who-applied")).to_contain_text(
        "Quantum sensors for underground mapping"
    )
    expect(reviewer.locator("body")).not_to_contain_text("Research excellence")
    reviewer.get_by_label("I have no conflict of interest with this application").check()
    reviewer.get_by_role("button", name="Declare").click()
    expect(reviewer.locator("h1")).to_have_text("Quantum sensors for underground mapping")
    reviewer.get_by_label("Research excellence").fill("6")
    reviewer.get_by_label("Quality and mutual benefit of the partnership").fill("5")
    reviewer.get_by_label("Development of the emerging research leaders").fill("4")
    reviewer.get_by_label("Confidence").select_option("4")
    reviewer.get_by_label("Comments for the applicants").fill("Ambitious and well planned.")
    reviewer.get_by_label("Comments for the panel only").fill("Fund it.")
    reviewer.once("dialog", lambda dialog: dialog.accept())
    reviewer.get_by_role("button", name="Submit the review").click()
    expect(reviewer.locator("#review-state")).to_have_text("Submitted")
    # (40·6 + 30·5 + 30·4) / 100
    expect(reviewer.locator("#weighted-total")).to_have_text("5.10")

    # The officer sees the review in the ranking.
    officer.goto(f"{base}/manage/calls/e2e-review/ranking/")
    ranked = officer.locator(f"#row-{REFERENCE}")
    expect(ranked.locator(".rank")).to_have_text("1")
    expect(ranked.locator(".raw")).to_have_text("5.1")
    expect(ranked.locator(".reviews")).to_have_text("1")
    expect(ranked.locator(".band")).to_have_text("Band 1")
    expect(officer.locator("#method")).to_contain_text("How the ranking is made")
