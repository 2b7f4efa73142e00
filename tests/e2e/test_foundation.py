import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_demo_in_korean_officer_signs_in_and_reads_the_audit_log(live_server, page, demo):
    page.goto(f"{live_server.url}/accord/uk-rok-2023/")
    expect(page.locator("h1")).to_have_text("UK–Republic of Korea Science & Technology Accord")

    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text("한-영 과학기술 협력 (다우닝가 합의)")
    expect(page.locator("table.instruments tbody tr")).to_have_count(7)
    expect(page.get_by_text("반도체 협력 프레임워크")).to_be_visible()

    page.get_by_role("link", name="로그인").click()
    page.locator("#id_username").fill("officer-rs")
    page.locator("#id_password").fill("accord-officer-rs")
    page.locator("form.stacked button[type=submit]").click()

    page.get_by_role("link", name="감사 로그").click()
    expect(page.locator("h1")).to_have_text("감사 로그")
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() == 50  # the first page of the reference data's audit trail
    page.locator("input[name=q]").fill("Framework for Semiconductor")
    page.get_by_role("button", name="필터 적용").click()
    expect(rows.first.locator("td").nth(3)).to_contain_text(
        "Framework for Semiconductor Cooperation"
    )
    expect(rows.first.locator("[data-tz='Asia/Seoul']")).to_contain_text("(서울)")
