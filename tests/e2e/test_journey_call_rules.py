"""A call's rules and criteria through the officers' forms, in both languages.

The Royal Society officer (English) adds a rule with its own form, edits it, meets a validation
error, deletes it through the confirmation page and changes a criterion's weight; the NRF officer
(Korean) reads the rules described in Korean; an officer of the other side and an applicant
cannot reach what is not theirs (403 and 404). Every page is checked (console errors, overflow,
untranslated strings, axe)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, ica_round, land, sign_in

pytestmark = pytest.mark.e2e

SETTINGS = "/manage/calls/e2e-rules/settings/"


@pytest.fixture
def rules_call(demo):

    return ica_round("e2e-rules", "Rules round", "규칙 공모", opened_days_ago=1, closes_in_days=30)


def test_officers_edit_rules_and_criteria_with_forms(browse, rules_call):
    page = browse.page("en")
    sign_in(page, "officer-rs")
    go(page, SETTINGS)

    # add a rule of the UK side: its kind first, then its own form
    page.get_by_role("link", name="Add a rule").click()
    land(page)
    page.locator("#id_rule_kind_kind").select_option("years_since_phd")
    page.get_by_role("button", name="Choose this kind").click()
    land(page)
    page.locator("#id_rule_key").fill("phd-uk")
    page.locator("#id_rule_country").select_option("GB")
    page.locator("#id_rule_max").fill("12")
    page.get_by_role("button", name="Add rule").click()
    land(page)
    row = page.locator("#rule-phd-uk")
    expect(row).to_contain_text(
        "On the United Kingdom side, the lead applicant received their PhD at most 12 years "
        "before the closing date."
    )

    # edit it: a minimum above the maximum is refused on the field, the input kept
    row.get_by_role("link", name="Edit").click()
    land(page)
    expect(page.locator("#id_rule_max")).to_have_value("12")
    page.locator("#id_rule_min").fill("15")
    page.get_by_role("button", name="Save rule").click()
    land(page)
    expect(page.locator("#rule-form .errorlist")).to_have_text(
        "The minimum must not be above the maximum."
    )
    expect(page.locator("#id_rule_min")).to_have_value("15")
    page.locator("#id_rule_min").fill("2")
    page.get_by_role("button", name="Save rule").click()
    land(page)
    expect(page.locator("#rule-phd-uk")).to_contain_text("PhD 2 to 12 years before")

    # delete it through the confirmation page, which says what follows
    page.locator("#rule-phd-uk").get_by_role("link", name="Delete").click()
    land(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete rule phd-uk?")
    expect(page.locator(".consequences")).to_contain_text("The rule is deleted at once")
    page.get_by_role("button", name="Delete the rule").click()
    land(page)
    expect(page.locator("#rule-phd-uk")).to_have_count(0)

    # the criteria editor: the first criterion's weight
    page.get_by_role("link", name="Edit the criteria").click()
    land(page)
    page.locator("#id_criteria-0-weight").fill("50")
    page.get_by_role("button", name="Save the criteria").click()
    land(page)
    expect(page.locator("#criteria ~ table").first).to_contain_text("50")

    # the NRF officer reads the rules in Korean, and opens the Korean side's rule
    korean = browse.page("ko")
    sign_in(korean, "officer-nrf")
    go(korean, SETTINGS)
    expect(korean.locator("#rule-max-request-kr")).to_contain_text(
        "대한민국 측은 최대 600,000,000 KRW까지 신청할 수 있습니다."
    )
    korean.locator("#rule-hosts-kr").get_by_role("link", name="수정").click()
    land(korean)
    expect(korean.locator("input[name=kinds][value=university]")).to_be_checked()

    # ... but not the UK side's: 403; an applicant does not find the call's pages at all: 404
    edit_uk = "/manage/calls/e2e-rules/rules/max-request-uk/edit/"
    korean.guard.allow(403, edit_uk)
    assert korean.goto(korean.base + edit_uk).status == 403
    land(korean)
    applicant = browse.page("en")
    sign_in(applicant, "applicant-uk")
    for path in (SETTINGS, "/manage/calls/e2e-rules/criteria/", edit_uk):
        applicant.guard.allow(404, path)
        assert applicant.goto(applicant.base + path).status == 404
        land(applicant)
