import re

import pytest
from django.core import mail

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_password_reset_by_email(client):
    user = UserFactory(email="lead@example.org")
    response = client.post("/accounts/password_reset/", {"email": "lead@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-Long-new-pass-42", "new_password2": "a-Long-new-pass-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-Long-new-pass-42")


def test_sign_in_and_out(client):
    UserFactory(username="lead")
    response = client.post("/accounts/login/", {"username": "lead", "password": "pw"})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "lead"
    client.post("/accounts/logout/")
    assert client.get("/").context["user"].is_authenticated is False
