"""The demo applicants, from sign-in to a draft with a partner invited, in English and Korean.

Breaks of issue 11 these walks catch: the partner finder ending on a person page with no way to
invite them; the invitation form defaulting to one's own side; invitations that cannot be sent
again or cancelled; the case for support saved and shown nowhere; an upload error printed at the
top while the page jumps to #documents; withdrawing in one click; English left on Korean pages.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import go, land, sign_in

pytestmark = pytest.mark.e2e

CASE = "Why now: the two groups' methods meet at wafer scale."


@pytest.mark.parametrize(
    ("username", "language", "title", "other"),
    [
        ("applicant-uk", "en", "Charge noise at wafer scale (E2E UK)", "KR"),
        ("applicant-kr", "ko", "웨이퍼 규모 전하 잡음 (E2E KR)", "GB"),
    ],
)
def test_applicant_starts_finds_a_partner_and_invites_them(tour, username, language, title, other):
    page = tour.page(language)
    sign_in(page, username)
    assert page.url.endswith("/applications/")

    # An open call → start a joint application.
    go(page, "/calls/uk-rok-ica-2026/")
    page.locator("#id_title_en").fill(title)
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    land(page)
    expect(page.locator("#state")).to_be_visible()
    reference = page.locator("dl.facts dd").first.inner_text()
    detail = f"/applications/{reference}/"

    # The invitation form proposes the lead of the other side.
    expect(page.locator("#invite-form select[name=country]")).to_have_value(other)
    expect(page.locator("#invite-form select[name=role]")).to_have_value("lead")

    # The case for support is saved and shown to the team.
    page.locator("a[href$='/edit/']").first.click()
    land(page)
    page.locator("#id_case_for_support").fill(CASE)
    page.locator("main form button[type=submit]").last.click()
    land(page)
    expect(page.locator("#case-for-support")).to_contain_text(CASE)

    # The budget page: one row per line, both sides, labelled, within the window.
    go(page, f"{detail}budget/")
    expect(page.locator("main form tbody tr").first).to_be_visible()
    go(page, detail)

    # An upload error stays in view (the page does not jump to #documents).
    page.locator("#upload-form input[type=file]").set_input_files(
        files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}]
    )
    page.locator("#upload-form button[type=submit]").click()
    land(page)
    expect(page.locator(".messages li").first).to_be_in_viewport()

    # Find a partner → their page → invite them: to their side, as its lead.
    page.locator("#main-nav a[href='/partners/']").click()
    land(page)
    page.locator("main form button[type=submit]").last.click()
    land(page)
    page.locator("ol.matches li.match h3 a").first.click()
    land(page)
    page.locator("#invite-person select[name=application]").select_option(reference)
    page.locator("#invite-person button[type=submit]").click()
    land(page)
    assert page.url.split("#")[0].endswith(detail)
    invitation = page.locator("tr.invitation").first
    expect(invitation).to_be_visible()
    expect(invitation.locator("td").nth(2)).not_to_be_empty()

    # Sent again, then cancelled (after a confirmation).
    invitation.locator("form[action$='/resend/'] button").click()
    land(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("tr.invitation form[action$='/cancel/'] button").first.click()
    land(page)
    expect(page.locator("tr.invitation")).to_have_count(0)

    # Withdrawing asks first; dismissing keeps the draft.
    if page.locator("#withdraw-button").count():
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.locator("#withdraw-button").click()
        expect(page.locator("#state")).to_have_attribute("class", "status status-draft")
