# ruff: noqa: F811 -- pytest fixtures imported from the shared conftest modules are parameters
"""Personal API tokens (hashed at rest, one role, read or read-write, revocable, audited) and the
API's writes and exports for a funder's integrations, through the same services and rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accord.accounts.enums import Role
from accord.accounts.models import RoleGrant
from accord.api.models import ApiToken, TokenScope
from accord.api.services.tokens import create_token, revoke_token
from accord.applications.enums import ApplicationState
from accord.applications.models import FunderCheck
from accord.common.models import AuditEntry
from accord.decisions.models import Award, Decision
from tests.applications.conftest import (  # noqa: F401 -- fixtures shared with the applications tests
    call,
    funding,
    nrf_officer,
    officer_of,
    rs_officer,
)
from tests.decisions.conftest import at_panel, lead_user
from tests.factories.accounts import UserFactory
from tests.factories.applications import make_joint_application

pytestmark = pytest.mark.django_db


def token_for(user, role, scope=TokenScope.WRITE, days=30):
    return create_token(
        user=user, name="grants system", role=role, scope=scope, days=days, actor=user
    )


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def put(client, path, body, secret=None):
    return client.put(
        path,
        json.dumps(body),
        content_type="application/json",
        **(bearer(secret) if secret else {}),
    )


@pytest.fixture
def panel_app(call):
    return at_panel(call, merit=5, reference="ICA-2025-0001", title_en="At panel")


# ------------------------------------------------------------------ the token itself


def test_only_the_digest_is_stored_and_the_secret_works_once_made(client, panel_app, rs_officer):
    new = token_for(rs_officer, Role.OFFICER)
    stored = ApiToken.objects.get()
    assert new.secret.startswith("acc_") and len(new.secret) == 47
    assert stored.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    assert stored.prefix == new.secret[:12]
    assert new.secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    response = client.get("/api/applications", **bearer(new.secret))
    assert response.status_code == 200
    assert [a["reference"] for a in response.json()["items"]] == ["ICA-2025-0001"]
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "spoil",
    ["revoked", "expired", "role_withdrawn", "inactive", "wrong_secret", "not_bearer"],
)
def test_a_spoilt_token_is_401(client, panel_app, rs_officer, spoil):
    new = token_for(rs_officer, Role.OFFICER)
    headers = bearer(new.secret)
    if spoil == "revoked":
        revoke_token(token=new.token, actor=rs_officer)
    elif spoil == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif spoil == "role_withdrawn":
        RoleGrant.objects.filter(user=rs_officer).delete()
    elif spoil == "inactive":
        type(rs_officer).objects.filter(pk=rs_officer.pk).update(is_active=False)
    elif spoil == "wrong_secret":
        headers = bearer(new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B"))
    else:
        headers = {"HTTP_AUTHORIZATION": f"Token {new.secret}"}
    response = client.get("/api/applications", **headers)
    assert (response.status_code, response.json()) == (401, {"detail": "Unauthorized"})


def test_a_token_acts_as_its_one_role(client, panel_app, funding):
    both = officer_of("royal-society")
    RoleGrant.objects.create(user=both, role=Role.REVIEWER)
    as_reviewer = token_for(both, Role.REVIEWER)
    as_officer = token_for(both, Role.OFFICER)
    listed = client.get("/api/applications", **bearer(as_reviewer.secret)).json()
    assert listed == {"items": [], "count": 0}
    listed = client.get("/api/applications", **bearer(as_officer.secret)).json()
    assert listed["count"] == 1


def test_a_superuser_token_for_another_role_is_not_an_administrator(client, panel_app):
    admin = UserFactory(is_superuser=True, roles=[(Role.SECRETARIAT, None)])
    as_secretariat = token_for(admin, Role.SECRETARIAT)
    as_admin = token_for(admin, Role.ADMIN)
    assert client.get("/api/applications", **bearer(as_secretariat.secret)).json()["count"] == 0
    assert client.get("/api/applications", **bearer(as_admin.secret)).json()["count"] == 1


def test_a_token_only_for_a_role_one_holds(rs_officer):
    with pytest.raises(Exception, match="role you hold"):
        token_for(rs_officer, Role.ADMIN)
    assert not ApiToken.objects.exists()


def test_making_and_revoking_are_audited_without_the_secret(rs_officer):
    new = token_for(rs_officer, Role.OFFICER)
    revoke_token(token=new.token, actor=rs_officer)
    revoke_token(token=new.token, actor=rs_officer)  # twice: nothing more
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ApiToken), object_id=str(new.token.pk)
    ).order_by("pk")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("create", rs_officer.pk),
        ("update", rs_officer.pk),
    ]
    assert entries[0].after["prefix"] == new.secret[:12]
    assert entries[0].after["role"] == "officer" and entries[0].after["scope"] == "write"
    assert "digest" not in entries[0].after
    assert new.secret not in json.dumps([e.after for e in entries])
    assert entries[1].before == {"revoked_at": None}


# ------------------------------------------------------------------ the account page


def test_the_page_makes_a_token_shows_it_once_and_lists_only_ones_own(client, rs_officer):
    other = token_for(UserFactory(roles=[(Role.REVIEWER, None)]), Role.REVIEWER)
    client.force_login(rs_officer)
    response = client.post(
        "/account/api-tokens/new/",
        {"name": "RS grants system", "role": "officer", "scope": "write", "days": "90"},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    mine = ApiToken.objects.get(user=rs_officer)
    assert secret in response.content.decode() and mine.prefix == secret[:12]
    assert (mine.name, mine.role, mine.scope) == ("RS grants system", "officer", "write")
    assert round((mine.expires_at - mine.created_at) / dt.timedelta(days=1)) == 90
    page = client.get("/account/api-tokens/").content.decode()
    assert "RS grants system" in page and secret not in page and other.token.prefix not in page


def test_the_page_refuses_a_role_one_does_not_hold(client, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        "/account/api-tokens/new/",
        {"name": "x", "role": "admin", "scope": "read", "days": "30"},
    )
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_anothers_token_is_404_and_ones_own_works(client, rs_officer):
    other = token_for(UserFactory(roles=[(Role.REVIEWER, None)]), Role.REVIEWER)
    mine = token_for(rs_officer, Role.OFFICER)
    client.force_login(rs_officer)
    assert client.post(f"/account/api-tokens/{other.token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=other.token.pk).revoked_at is None
    response = client.post(f"/account/api-tokens/{mine.token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=mine.token.pk).revoked_at is not None


def test_the_page_is_for_signed_in_users(client):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------ writes


def test_an_officer_records_its_sides_check(client, panel_app, rs_officer):
    new = token_for(rs_officer, Role.OFFICER)
    response = put(
        client,
        "/api/applications/ICA-2025-0001/checks/GB",
        {"status": "passed", "notes": "Host eligible."},
        new.secret,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["country"], body["status"], body["notes"], body["checked_by"]) == (
        "GB",
        "passed",
        "Host eligible.",
        str(rs_officer),
    )
    check = FunderCheck.objects.get(application=panel_app, country="GB")
    assert (check.status, check.checked_by_id) == ("passed", rs_officer.pk)
    assert AuditEntry.objects.filter(
        actor=rs_officer, object_id=str(panel_app.pk), after__check_GB__status="passed"
    ).exists()


def test_the_other_sides_check_is_403_and_nothing_is_written(client, panel_app, rs_officer):
    new = token_for(rs_officer, Role.OFFICER)
    response = put(
        client, "/api/applications/ICA-2025-0001/checks/KR", {"status": "passed"}, new.secret
    )
    assert response.status_code == 403
    assert "KR" in response.json()["detail"]
    assert not FunderCheck.objects.filter(country="KR", status="passed").exists()


def test_a_read_only_token_may_not_write(client, panel_app, rs_officer):
    new = token_for(rs_officer, Role.OFFICER, scope=TokenScope.READ)
    response = put(
        client, "/api/applications/ICA-2025-0001/checks/GB", {"status": "passed"}, new.secret
    )
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token is read only; make a read-and-write token to write."},
    )
    assert not FunderCheck.objects.filter(status="passed").exists()


def test_the_team_is_403_and_a_stranger_404_on_a_check(client, panel_app, funding):
    lead = token_for(lead_user(panel_app, "GB"), Role.APPLICANT)
    stranger = token_for(officer_of("kiat"), Role.OFFICER)
    body = {"status": "passed"}
    path = "/api/applications/ICA-2025-0001/checks/GB"
    assert put(client, path, body, lead.secret).status_code == 403
    assert put(client, path, body, stranger.secret).status_code == 404
    assert put(client, path, body).status_code == 401


def test_both_funders_approving_through_the_api_make_the_award(
    client, panel_app, rs_officer, nrf_officer
):
    path = "/api/applications/ICA-2025-0001/decisions/{}"
    gb = put(
        client,
        path.format("GB"),
        {"verdict": "approve", "amount": "150000.00", "starts_on": "2025-10-01"},
        token_for(rs_officer, Role.OFFICER).secret,
    )
    assert gb.status_code == 200
    assert (gb.json()["amount"], gb.json()["currency"], gb.json()["outcome"]) == (
        "150000.00",
        "GBP",
        "pending",
    )
    kr = put(
        client,
        path.format("KR"),
        {"verdict": "approve", "starts_on": "2025-10-01"},
        token_for(nrf_officer, Role.OFFICER).secret,
    )
    assert (kr.status_code, kr.json()["outcome"], kr.json()["currency"]) == (200, "award", "KRW")
    award = Award.objects.get(application=panel_app)
    assert award.starts_on == dt.date(2025, 10, 1)
    assert Decision.objects.get(application=panel_app, country="GB").decided_by == rs_officer
    panel_app.refresh_from_db()
    assert panel_app.state == ApplicationState.FUNDED


def test_a_decision_the_service_refuses_is_400_with_the_reason(client, panel_app, rs_officer):
    secret = token_for(rs_officer, Role.OFFICER).secret
    path = "/api/applications/ICA-2025-0001/decisions/GB"
    put(client, path, {"verdict": "decline"}, secret)
    put(client, path.replace("GB", "KR"), {"verdict": "decline"}, secret)  # 403: not its side
    assert Decision.objects.count() == 1
    response = put(client, path, {"verdict": "approve", "amount": "0"}, secret)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["amount"]
    assert "above zero" in response.json()["detail"]


def test_an_invalid_body_is_422(client, panel_app, rs_officer):
    secret = token_for(rs_officer, Role.OFFICER).secret
    response = put(
        client, "/api/applications/ICA-2025-0001/decisions/GB", {"verdict": "maybe"}, secret
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "verdict"]


# ------------------------------------------------------------------ exports and pages of lists


def test_a_calls_officers_export_its_submitted_applications(client, call, panel_app, funding):
    make_joint_application(call=call, reference="ICA-2025-0002", state=ApplicationState.DRAFT)
    assert panel_app.submitted_at is not None
    secret = token_for(officer_of("nrf"), Role.OFFICER).secret
    data = client.get("/api/calls/ica-2025/applications", **bearer(secret)).json()
    assert ([a["reference"] for a in data["items"]], data["count"]) == (["ICA-2025-0001"], 1)
    stranger = token_for(officer_of("kiat"), Role.OFFICER).secret
    assert client.get("/api/calls/ica-2025/applications", **bearer(stranger)).status_code == 404


def test_anonymised_reviews_for_the_calls_officers_only(client, panel_app, rs_officer, funding):
    officer = token_for(rs_officer, Role.OFFICER).secret
    data = client.get("/api/applications/ICA-2025-0001/reviews", **bearer(officer)).json()
    assert data["count"] == 1
    [review] = data["items"]
    assert (review["label"], review["number"], review["total"]) == ("Reviewer 1", 1, "5.00")
    assert {s["criterion"] for s in review["scores"]} == {
        c.key for c in panel_app.call.criteria.all()
    }
    body = json.dumps(data)
    reviewer = panel_app.assignments.get().reviewer
    assert reviewer.name_en not in body
    lead = token_for(lead_user(panel_app, "GB"), Role.APPLICANT).secret
    assert client.get("/api/applications/ICA-2025-0001/reviews", **bearer(lead)).status_code == 403
    stranger = token_for(officer_of("kiat"), Role.OFFICER).secret
    assert (
        client.get("/api/applications/ICA-2025-0001/reviews", **bearer(stranger)).status_code == 404
    )


def test_pages_are_bounded(client, reference):
    assert client.get("/api/programmes?limit=1").json()["count"] == 2
    assert len(client.get("/api/programmes?limit=1").json()["items"]) == 1
    assert len(client.get("/api/programmes?limit=1&offset=1").json()["items"]) == 1
    assert client.get("/api/programmes?limit=101").status_code == 422
    assert client.get("/api/programmes?limit=0").status_code == 422


def test_a_session_write_needs_the_csrf_token(panel_app, rs_officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(rs_officer)
    response = browser.put(
        "/api/applications/ICA-2025-0001/checks/GB",
        json.dumps({"status": "passed"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not FunderCheck.objects.filter(status="passed").exists()
    assert browser.get("/api/applications").status_code == 200  # reads need no token
