"""The applicant's journey pages: inviting the other side, resending and cancelling invitations,
deleting and replacing documents, errors shown where they are seen, the case for support shown
to the team and the officers, and a submitted application explained instead of a bare 403."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accord.applications.enums import ApplicationState
from accord.applications.models import Document, Invitation
from accord.applications.services.documents import upload_document
from accord.applications.services.team import invite_member
from accord.common.models import AuditEntry as AuditLog
from tests.applications.test_applicant_views import _pdf
from tests.factories.applications import make_applicant, make_joint_application, make_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    application = make_joint_application(title_en="Spin qubits", budget={"GB": 1000, "KR": 2000000})
    application.case_for_support = "Why now: the two groups' methods meet."
    application.save(update_fields=["case_for_support"])
    owner = make_applicant(person=application.members.get(country="GB", role="lead").person)
    return application, owner


def detail(application):
    return reverse("applications:detail", args=[application.reference])


def test_invite_form_proposes_the_other_side(client):
    application = make_joint_application(title_en="One-sided")
    application.members.filter(country="KR").delete()
    owner = make_applicant(person=application.members.get(country="GB", role="lead").person)
    client.force_login(owner)
    form = client.get(detail(application)).context["invite_form"]
    assert form.initial == {"country": "KR", "role": "lead"}


def test_invite_form_proposes_a_member_when_the_other_side_has_its_lead(client, team):
    application, owner = team
    client.force_login(owner)
    assert client.get(detail(application)).context["invite_form"].initial == {
        "country": "KR",
        "role": "co_investigator",
    }


def test_an_invitation_is_sent_again_with_a_new_link_then_cancelled(
    client, team, django_capture_on_commit_callbacks
):
    application, owner = team
    invitation = invite_member(
        application=application,
        email="p@kaist.example",
        role="co_investigator",
        country="KR",
        actor=owner,
    )
    old = invitation.token
    client.force_login(owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:invitation_resend", args=[application.reference, invitation.pk])
        )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.token != old
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert client.get(reverse("applications:invitation", args=[old])).status_code == 404

    client.post(
        reverse("applications:invitation_cancel", args=[application.reference, invitation.pk])
    )
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None and not invitation.is_open
    assert (
        client.get(reverse("applications:invitation", args=[invitation.token])).status_code == 404
    )
    assert AuditLog.objects.filter(object_id=str(invitation.pk), action="update").count() == 2
    # The address may be invited again.
    invite_member(
        application=application,
        email="p@kaist.example",
        role="co_investigator",
        country="KR",
        actor=owner,
    )
    assert Invitation.objects.filter(application=application, email="p@kaist.example").count() == 2


def test_others_cannot_resend_or_cancel(client, team):
    application, owner = team
    invitation = invite_member(
        application=application,
        email="p@kaist.example",
        role="co_investigator",
        country="KR",
        actor=owner,
    )
    stranger = make_applicant(
        person=make_joint_application(call=application.call).members.first().person
    )
    client.force_login(stranger)
    for name in ("applications:invitation_resend", "applications:invitation_cancel"):
        assert (
            client.post(reverse(name, args=[application.reference, invitation.pk])).status_code
            == 404
        )
    invitation.refresh_from_db()
    assert invitation.is_open


def test_documents_are_deleted_and_replaced(client, team):
    application, owner = team
    first = upload_document(
        application=application, kind="case", name="case.pdf", data=_pdf(2), actor=owner
    )
    client.force_login(owner)
    response = client.post(
        reverse("applications:upload", args=[application.reference]),
        {
            "kind": "case",
            "replaces": first.pk,
            "file": SimpleUploadedFile("case-v2.pdf", _pdf(3), "application/pdf"),
        },
    )
    assert response["Location"].endswith("#documents")
    assert list(application.documents.values_list("original_name", "pages")) == [("case-v2.pdf", 3)]
    second = application.documents.get()
    page = client.get(detail(application)).content.decode()
    assert "case-v2.pdf replaces case.pdf." in page
    client.post(reverse("applications:document_delete", args=[application.reference, second.pk]))
    assert not Document.objects.filter(application=application).exists()
    assert AuditLog.objects.filter(action="delete", object_id=str(second.pk)).exists()


def test_an_upload_error_does_not_jump_away_from_the_message(client, team):
    application, owner = team
    client.force_login(owner)
    response = client.post(
        reverse("applications:upload", args=[application.reference]),
        {"kind": "case", "file": SimpleUploadedFile("notes.pdf", b"not a pdf", "application/pdf")},
    )
    assert response["Location"] == detail(application)  # no #documents: the error is at the top
    assert '<ul class="messages">' in client.get(detail(application)).content.decode()


def test_case_for_support_is_shown_to_the_team_and_both_officers(client, team):
    application, owner = team
    client.force_login(owner)
    assert "Why now: the two groups" in client.get(detail(application)).content.decode()
    for side in application.call.sides.all():  # a draft is the team's alone (issue 9)
        client.force_login(make_officer(side.funder))
        page = client.get(reverse("manage:application", args=[application.reference]))
        assert page.status_code == 404
    application.state, application.submitted_at = ApplicationState.SUBMITTED, timezone.now()
    application.save(update_fields=["state", "submitted_at"])
    for side in application.call.sides.all():  # from submission on, both funders' officers
        client.force_login(make_officer(side.funder))
        page = client.get(reverse("manage:application", args=[application.reference]))
        assert page.status_code == 200
        assert "Why now: the two groups" in page.content.decode()


@pytest.mark.parametrize("name", ["applications:edit", "applications:budget"])
def test_a_submitted_application_is_explained_not_forbidden(client, name):
    application = make_joint_application(state=ApplicationState.SUBMITTED, title_en="Sent")
    owner = make_applicant(person=application.members.get(country="GB", role="lead").person)
    client.force_login(owner)
    response = client.get(reverse(name, args=[application.reference]), follow=True)
    assert response.redirect_chain == [(detail(application), 302)]
    assert "it can no longer be changed" in response.content.decode()


def test_withdraw_asks_for_confirmation(client, team):
    application, owner = team
    client.force_login(owner)
    html = client.get(detail(application)).content.decode()
    assert 'data-confirm="Withdraw this application for good?' in html


def test_a_partner_is_invited_from_their_page_to_the_right_side(client):
    from tests.factories.applications import make_researcher

    application = make_joint_application(title_en="Looking for a partner")
    application.members.filter(country="KR").delete()
    owner = make_applicant(person=application.members.get(country="GB", role="lead").person)
    partner = make_researcher("KR", name_en="Park Partner", email="park@kaist.example")
    client.force_login(owner)
    page = client.get(reverse("directory:person", args=[partner.slug]))
    assert [a.reference for a in page.context["drafts"]] == [application.reference]
    response = client.post(
        reverse("applications:invite_person", args=[partner.slug]),
        {"application": application.reference},
    )
    assert response["Location"] == detail(application) + "#team"
    invitation = application.invitations.get()
    assert (invitation.email, invitation.country, invitation.role) == (
        "park@kaist.example",
        "KR",
        "lead",
    )


def test_inviting_from_a_page_into_someone_elses_application_is_404(client):
    from tests.factories.applications import make_researcher

    application = make_joint_application(title_en="Not yours")
    stranger = make_applicant()
    partner = make_researcher("KR", email="park@kaist.example")
    client.force_login(stranger)
    assert client.get(reverse("directory:person", args=[partner.slug])).context["drafts"] == []
    response = client.post(
        reverse("applications:invite_person", args=[partner.slug]),
        {"application": application.reference},
    )
    assert response.status_code == 404
    assert not application.invitations.exists()
