"""A UK applicant and a Korean applicant create, sign and submit one joint application."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import ica_round

pytestmark = pytest.mark.e2e


@pytest.fixture
def open_call(demo):

    return ica_round("e2e-round", "E2E round", "E2E 공모", opened_days_ago=1, closes_in_days=30)


def sign_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form.stacked button[type=submit]").click()


def fill_budget(page, base, reference, side, lines, *, save=True):
    """Open one side's budget page and type ``lines`` (organisation, amount, currency) into it."""
    page.goto(f"{base}/applications/{reference}/budget/?side={side}")
    rows = page.locator("#budget-form tbody tr")
    for i, (org, amount, currency) in enumerate(lines):
        row = rows.nth(i)
        row.locator("select[name$=organisation]").select_option(index=1)  # the side's own org
        row.locator("input[name$=description]").fill(org)
        row.locator("input[name$=amount]").fill(amount)
        row.locator("select[name$=currency]").select_option(currency)
    if save:
        page.locator("#budget-form button[type=submit]").click()


def test_uk_and_korean_leads_create_sign_and_submit(live_server, browser, open_call):
    base = live_server.url
    uk = browser.new_context().new_page()
    kr = browser.new_context(locale="ko-KR").new_page()

    # The UK lead starts the application and fills it in.
    sign_in(uk, base, "applicant-uk", "accord-applicant-uk")
    uk.goto(f"{base}/calls/e2e-round/")
    uk.locator("#id_title_en").fill("Wafer-scale quantum dot arrays for spin qubits")
    uk.get_by_role("button", name="Start a joint application").click()
    expect(uk.locator("#state")).to_have_text("Draft")
    reference = uk.locator("dl.facts dd").first.inner_text()

    uk.get_by_role("link", name="Edit the project details").click()
    uk.locator("#id_summary_en").fill(
        "We will fabricate silicon quantum dot arrays at wafer scale."
    )
    uk.locator("#id_title_ko").fill("스핀 큐비트를 위한 웨이퍼 규모 양자점 배열")
    uk.locator("#id_summary_ko").fill("웨이퍼 규모의 실리콘 양자점 배열을 제작한다.")
    uk.locator("#id_duration_months").fill("36")
    uk.get_by_label("Quantum").check()
    uk.get_by_role("button", name="Save").click()
    expect(uk.locator(".messages")).to_contain_text("Saved")

    uk.locator("input[name=email]").fill("applicant-kr@accord.example")
    uk.locator("select[name=role]").select_option("lead")
    uk.locator("select[name=country]").select_option("KR")
    uk.get_by_role("button", name="Send invitation").click()
    expect(uk.locator(".messages")).to_contain_text("Invitation sent")

    # The Korean lead accepts, in Korean.
    sign_in(kr, base, "applicant-kr", "accord-applicant-kr")
    kr.goto(f"{base}/applications/")
    kr.get_by_role("link", name=reference).first.click()
    kr.locator("button[name=answer][value=accept]").click()
    expect(kr.locator("h1")).to_have_text("스핀 큐비트를 위한 웨이퍼 규모 양자점 배열")

    # Each lead enters their own side's budget, in its own currency.
    fill_budget(uk, base, reference, "GB", [("Imperial", "150000", "GBP")])
    expect(uk.locator(".messages")).to_contain_text("Budget saved")
    fill_budget(kr, base, reference, "KR", [("Korea Advanced", "450000000", "KRW")])
    uk.goto(f"{base}/applications/{reference}/")
    expect(uk.locator(".eligibility")).to_be_visible()
    expect(uk.locator("table.eligibility .status-at_risk")).to_have_count(0)

    # Both sign the same version; one signature is not enough.
    uk.get_by_role("button", name="I have read version").click()
    expect(uk.locator("#submit-button")).to_have_count(0)
    kr.goto(f"{base}/applications/{reference}/")
    kr.locator("form[action$='/sign/'] button").click()
    kr.locator("#submit-button").click()
    expect(kr.locator("#state")).to_have_text("제출됨")

    uk.reload()
    expect(uk.locator("#state")).to_have_text("Submitted")
