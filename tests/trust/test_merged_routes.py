"""The routes and API operations merged without the policy layer now ask its named rules, and the
services they call refuse on their own (``require``) whoever calls them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState
from accord.applications.models import Document, EligibilityRun, Invitation
from accord.applications.services.documents import delete_document, upload_document
from accord.applications.services.eligibility_store import start_eligibility_run
from accord.applications.services.lifecycle import transition_application
from accord.applications.services.team import cancel_invitation, invite_member, resend_invitation
from tests.applications.conftest import (
    BEFORE_CLOSE,
    add_member,
    make_researcher,
    pdf_bytes,
    sign_both,
)
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(draft, uk_lead):
    return invite_member(
        application=draft, email="x@example.org", role="researcher", country="GB", actor=uk_lead
    )


def outsiders(rs_officer):
    admin = UserFactory(is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)])
    return [rs_officer, admin, make_researcher(country="GB", org="imperial", name_en="Other One")]


def test_only_the_team_resends_or_cancels_an_invitation(draft, invitation, uk_lead, rs_officer):
    for user in outsiders(rs_officer):
        with pytest.raises(PermissionDenied):
            resend_invitation(invitation=invitation, actor=user)
        with pytest.raises(PermissionDenied):
            cancel_invitation(invitation=invitation, actor=user)
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None
    cancel_invitation(invitation=invitation, actor=uk_lead)
    assert Invitation.objects.get(pk=invitation.pk).cancelled_at is not None


def test_only_the_team_uploads_or_removes_a_document(draft, uk_lead, rs_officer):
    document = upload_document(
        application=draft, kind="case", name="case.pdf", data=pdf_bytes(1), actor=uk_lead
    )
    for user in outsiders(rs_officer):
        with pytest.raises(PermissionDenied):
            upload_document(
                application=draft, kind="case", name="x.pdf", data=pdf_bytes(1), actor=user
            )
        with pytest.raises(PermissionDenied):
            delete_document(document=document, actor=user)
    assert list(Document.objects.filter(application=draft)) == [document]


def test_only_the_calls_officers_recompute_eligibility(client, call, rs_officer, kr_lead):
    admin = UserFactory(is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)])
    for user in (admin, kr_lead):
        with pytest.raises(PermissionDenied):
            start_eligibility_run(call=call, actor=user)
    assert not EligibilityRun.objects.exists()
    client.force_login(admin)
    url = reverse("manage:call", kwargs={"slug": call.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Recompute the eligibility results" not in page.content
    assert client.post(url).status_code == 403
    assert not EligibilityRun.objects.exists()
    start_eligibility_run(call=call, actor=rs_officer)
    assert EligibilityRun.objects.count() == 1


def test_a_team_member_who_is_not_a_lead_may_not_withdraw(client, signed, uk_lead, kr_lead):
    member = make_researcher(country="GB", org="imperial", name_en="Tom Member")
    add_member(signed, member, role="co_investigator", by=uk_lead)
    application = transition_application(
        application=sign_both(signed, uk_lead, kr_lead),
        to=ApplicationState.SUBMITTED,
        actor=uk_lead,
        now=BEFORE_CLOSE,
    )
    client.force_login(member)
    response = client.post(reverse("applications:withdraw", args=[application.reference]))
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
