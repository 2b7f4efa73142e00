"""Where signing in lands, the styled error pages (also in DEBUG), the favicon."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from accord.accounts.enums import Role
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.OFFICER, "/manage/calls/"),
        (Role.REVIEWER, "/review/"),
        (Role.PANEL, "/panel/"),
        (Role.APPLICANT, "/applications/"),
        (None, "/"),
    ],
)
def test_sign_in_lands_on_the_users_work(client, role, target):
    funder = OrganisationFactory(kind="funder")
    user = UserFactory(
        person=PersonFactory() if role in (Role.PANEL, Role.APPLICANT) else None,
        roles=[(role, funder if role == Role.OFFICER else None)] if role else [],
    )
    response = client.post(reverse("login"), {"username": user.username, "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("work")
    assert client.get(reverse("work"))["Location"] == target


def test_secretariat_lands_on_the_commitments_tracker(client, reference):
    client.force_login(UserFactory(roles=[(Role.SECRETARIAT, None)]))
    assert client.get(reverse("work"))["Location"] == "/accord/uk-rok-2023/commitments/"


def test_work_page_asks_anonymous_users_to_sign_in(client):
    response = client.get(reverse("work"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("ko", "페이지를 찾을 수 없습니다")]
)
def test_missing_page_is_styled_and_lists_no_url_patterns(client, debug, language, heading):
    with override_settings(DEBUG=debug):
        for path in ("/no-such-page/", "/calls/no-such-call/"):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            body = response.content.decode()
            assert response.status_code == 404
            assert f"<h1>{heading}</h1>" in body
            assert "URLconf" not in body and "accord.config.urls" not in body
            assert 'class="site"' in body  # the site's own header: a styled page


def test_append_slash_still_redirects_in_debug(client):
    with override_settings(DEBUG=True):
        response = client.get("/calls")
    assert response.status_code == 301
    assert response["Location"] == "/calls/"


def test_forbidden_page_is_styled_in_both_languages(rf, settings):
    from django.views.defaults import permission_denied

    for language, heading in (
        ("en", "You cannot do this here"),
        ("ko", "이 작업을 할 수 없습니다"),
    ):
        from django.utils import translation

        request = rf.get("/x/")
        request.user = UserFactory()
        with translation.override(language):
            response = permission_denied(request, PermissionDenied())
        assert response.status_code == 403
        assert f"<h1>{heading}</h1>" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.test import RequestFactory
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("accord/favicon.svg")
