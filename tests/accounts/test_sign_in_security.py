"""Sign-in security (issue 10, findings 3 and 5): failed sign-ins are throttled per account and per
address on the site and /admin/ (django-axes); Argon2 is the production hasher; passwords need 12
characters and not only digits; staff sessions end when idle; staff prove a TOTP second factor
when the operator requires it (django-otp)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accord.accounts.enums import Role
from accord.accounts.security import LAST_SEEN
from accord.common.models import AuditEntry
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_lock_the_account_from_any_address(client):
    UserFactory(username="lead")
    for attempt in range(9):
        assert sign_in(client, "lead", f"guess-{attempt}").status_code == 200
    assert sign_in(client, "lead", "guess-9").status_code == 429  # the tenth failure locks
    refused = sign_in(client, "lead", "pw", address="10.9.9.9")
    assert refused.status_code == 429
    assert "Sign-in is paused for this account or from this address" in refused.content.decode()
    assert client.get("/").context["user"].is_authenticated is False


def test_wrong_passwords_lock_the_address_for_every_account(client):
    UserFactory(username="lead")
    for attempt in range(10):
        sign_in(client, f"someone-{attempt}", "guess")
    assert sign_in(client, "lead", "pw").status_code == 429
    assert sign_in(client, "lead", "pw", address="10.0.0.2").status_code == 302


def test_admin_sign_in_is_throttled_too(client):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    admin = "/admin/login/?next=/admin/"
    for attempt in range(9):
        assert sign_in(client, "boss", f"guess-{attempt}", url=admin).status_code == 200
    assert sign_in(client, "boss", "guess-9", url=admin).status_code == 429
    assert sign_in(client, "boss", "pw", address="10.9.9.9", url=admin).status_code == 429


def test_a_right_password_resets_the_count(client):
    UserFactory(username="lead")
    for attempt in range(9):
        sign_in(client, "lead", f"guess-{attempt}")
    assert sign_in(client, "lead", "pw").status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(9):
        sign_in(client, "lead", f"guess-{attempt}")
    assert sign_in(client, "lead", "pw").status_code == 302


def test_argon2_is_the_production_hasher():
    from accord.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "accord.accounts.hashers.Argon2idHasher"
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        encoded = make_password("a-Long-new-pass-42")
        assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        assert check_password("a-Long-new-pass-42", encoded)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("20261202", "This password is too short. It must contain at least 12 characters."),
        ("202612021830", "This password is entirely numeric."),
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert message in caught.value.messages
    validate_password("a-Long-new-pass-42")


@pytest.fixture
def officer():
    return UserFactory(roles=[(Role.OFFICER, OrganisationFactory(slug="rs"))])


def age_session(client, seconds):
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_idle_staff_are_signed_out(client, officer):
    client.force_login(officer)
    assert client.get("/").status_code == 200
    age_session(client, 29 * 60)
    assert client.get("/").context["user"] == officer
    age_session(client, 31 * 60)
    response = client.get("/programmes/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/programmes/",
    )
    page = client.get(response["Location"])
    assert page.context["user"].is_authenticated is False
    assert "You were signed out after 30 minutes without activity." in page.content.decode()


def test_idle_applicants_stay_signed_in(client):
    applicant = UserFactory(roles=[(Role.APPLICANT, None)])
    client.force_login(applicant)
    age_session(client, 24 * 3600)
    assert client.get("/").context["user"] == applicant


def current_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.token()


@override_settings(ACCORD_STAFF_TOTP=True)
def test_staff_must_enrol_and_prove_a_second_factor(client, officer):
    client.force_login(officer)
    response = client.get("/programmes/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/two-factor/?next=%2Fprogrammes%2F",
    )
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/?next=%2Fadmin%2F"
    page = client.get(response["Location"])
    assert page.context["qr"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": "/programmes/"})
    assert wrong.status_code == 400
    assert "That code is not right or has expired." in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down guessing: 1 s, 2 s, 4 s…
    device.throttle_reset()
    ok = client.post(
        "/accounts/two-factor/",
        {"token": f"{(int(current_code(device)))}".zfill(6), "next": "/programmes/"},
    )
    assert (ok.status_code, ok["Location"]) == (302, "/programmes/")
    assert client.get("/programmes/").status_code == 200
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    entry = AuditEntry.objects.get(
        object_id=str(device.pk), reason="two-factor authenticator enrolled"
    )
    assert entry.actor == officer
    # A new session must prove the factor again.
    client.logout()
    client.force_login(officer)
    assert client.get("/programmes/")["Location"] == "/accounts/two-factor/?next=%2Fprogrammes%2F"
    assert (
        "Enter the six-digit code your authenticator app shows"
        in client.get("/accounts/two-factor/").content.decode()
    )


@override_settings(ACCORD_STAFF_TOTP=True)
def test_applicants_need_no_second_factor_and_next_stays_on_site(client, officer):
    applicant = UserFactory(roles=[(Role.APPLICANT, None)])
    client.force_login(applicant)
    assert client.get("/programmes/").status_code == 200
    client.force_login(officer)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(
        "/accounts/two-factor/",
        {"token": str(current_code(device)).zfill(6), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse(
        "work"
    )  # an outside "next" falls back to the own work page


@override_settings(ACCORD_STAFF_TOTP=False)
def test_second_factor_is_off_unless_the_operator_requires_it(client, officer):
    client.force_login(officer)
    assert client.get("/programmes/").status_code == 200


def test_anonymous_two_factor_page_sends_to_sign_in(client):
    assert (
        client.get("/accounts/two-factor/")["Location"]
        == "/accounts/login/?next=/accounts/two-factor/"
    )
