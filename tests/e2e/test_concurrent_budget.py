"""Two leads edit the same application's budget at the same time, each on their own side."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_joint_application import fill_budget, open_call, sign_in  # noqa: F401

pytestmark = pytest.mark.e2e


def test_both_sides_lines_survive_and_a_stale_save_shows_both_versions(
    live_server,
    browser,
    open_call,  # noqa: F811
):
    from accord.accounts.models import User
    from accord.applications.enums import MemberRole
    from accord.applications.models import BudgetLine
    from accord.applications.services.drafting import start_application
    from accord.applications.services.team import accept_invitation, invite_member

    uk_user = User.objects.get(username="applicant-uk")
    kr_user = User.objects.get(username="applicant-kr")
    application = start_application(call=open_call, user=uk_user, title_en="Concurrent budgets")
    invitation = invite_member(
        application=application,
        email=kr_user.email,
        role=MemberRole.LEAD,
        country="KR",
        actor=uk_user,
    )
    accept_invitation(invitation=invitation, user=kr_user)
    reference = application.reference

    base = live_server.url
    uk = browser.new_context().new_page()
    kr = browser.new_context(locale="ko-KR").new_page()
    sign_in(uk, base, "applicant-uk", "accord-applicant-uk")
    sign_in(kr, base, "applicant-kr", "accord-applicant-kr")

    # Both open their side's budget page on the same version and type their lines.
    fill_budget(
        uk,
        base,
        reference,
        "GB",
        [("UK postdoc", "120000", "GBP"), ("UK travel", "8000", "GBP")],
        save=False,
    )
    fill_budget(
        kr,
        base,
        reference,
        "KR",
        [("KR postdoc", "300000000", "KRW"), ("KR travel", "9000000", "KRW")],
        save=False,
    )

    uk.locator("#budget-form button[type=submit]").click()
    expect(uk.locator(".messages")).to_contain_text("Budget saved")

    # The Korean lead's page is stale: refused, with the budget as saved meanwhile and their lines.
    kr.locator("#budget-form button[type=submit]").click()
    expect(kr.locator(".errorlist")).to_be_visible()
    expect(kr.locator("table.current-lines")).to_contain_text("UK postdoc")
    expect(kr.locator("input[name$=description]").first).to_have_value("KR postdoc")
    assert list(BudgetLine.objects.filter(application=application, country="KR")) == []

    # They save again (the page now carries the current version): both sides' lines survive.
    kr.locator("#budget-form button[type=submit]").click()
    kr.wait_for_url(f"**/applications/{reference}/")
    lines = sorted(
        BudgetLine.objects.filter(application=application).values_list("country", "description")
    )
    assert lines == [
        ("GB", "UK postdoc"),
        ("GB", "UK travel"),
        ("KR", "KR postdoc"),
        ("KR", "KR travel"),
    ]
