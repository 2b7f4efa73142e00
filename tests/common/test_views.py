import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.accounts.enums import Role
from accord.common.services.audit import save_with_audit
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited_change():
    org = OrganisationFactory(name_en="Old name")
    save_with_audit(org, actor=None, values={"name_en": "Confidential new name"})
    return org


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ([(Role.SECRETARIAT, None)], 200),
        ([(Role.OFFICER, "funder")], 200),
        ([(Role.ADMIN, None)], 200),
        ([(Role.APPLICANT, None)], 403),
        ([(Role.REVIEWER, None)], 403),
        ([(Role.PANEL, None)], 403),
        ([], 403),
    ],
)
def test_audit_log_visible_to_secretariat_and_officers_only(client, audited_change, roles, status):
    funder = OrganisationFactory(kind="funder")
    user = UserFactory(roles=[(role, funder if f else None) for role, f in roles])
    client.force_login(user)
    response = client.get(reverse("audit_log"))
    assert response.status_code == status
    assert ("Confidential new name" in response.content.decode()) is (status == 200)


def test_audit_log_anonymous_is_sent_to_sign_in(client, audited_change):
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("n", [1, 3])
def test_audit_log_query_count_is_flat(client, n):
    for i in range(n):
        save_with_audit(OrganisationFactory(), actor=None, values={"name_en": f"renamed {i}"})
    client.force_login(UserFactory(roles=[(Role.SECRETARIAT, None)]))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("audit_log")).status_code == 200
    assert len(ctx.captured_queries) == 6


def test_home_lists_partnership_and_programmes(client, reference):
    html = client.get("/").content.decode()
    assert "UK–Republic of Korea Science &amp; Technology Accord" in html
    assert "UK–ROK International Collaboration Awards" in html
    assert "£4,500,000 GBP" in html


def test_dates_shown_in_london_and_seoul(client, audited_change):
    client.force_login(UserFactory(roles=[(Role.SECRETARIAT, None)]))
    html = client.get(reverse("audit_log")).content.decode()
    assert 'data-tz="Europe/London"' in html and 'data-tz="Asia/Seoul"' in html
