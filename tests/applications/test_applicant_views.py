"""Applicant pages: who may see what, and nothing typed is lost on a refusal."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from accord.applications.enums import ApplicationState
from accord.applications.models import Application, Document
from accord.applications.services.documents import upload_document
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    make_applicant,
    make_joint_application,
    make_officer,
)

pytestmark = pytest.mark.django_db


def _pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def joint():
    """Application A with its UK lead's account, plus a second applicant with their own application B."""
    a = make_joint_application(title_en="Secret project A", budget={"GB": 1000, "KR": 2000000})
    uk_lead = a.members.get(country="GB", role="lead")
    owner = make_applicant(person=uk_lead.person)
    b = make_joint_application(call=a.call, title_en="Project B")
    other = make_applicant(person=b.members.get(country="GB").person)
    upload_document(application=a, kind="case", name="case.pdf", data=_pdf(2), actor=owner)
    a.refresh_from_db()
    return a, owner, other


PAGES = ["applications:detail", "applications:edit", "applications:budget"]


@pytest.mark.parametrize("name", PAGES)
def test_team_member_sees_own_application(client, joint, name):
    a, owner, _other = joint
    client.force_login(owner)
    response = client.get(reverse(name, args=[a.reference]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_other_applicant_gets_404(client, joint, name):
    a, _owner, other = joint
    client.force_login(other)
    response = client.get(reverse(name, args=[a.reference]))
    assert response.status_code == 404
    assert b"Secret project A" not in response.content


@pytest.mark.parametrize(
    "name",
    [
        "applications:sign",
        "applications:submit",
        "applications:withdraw",
        "applications:invite",
        "applications:upload",
    ],
)
def test_other_applicant_cannot_post(client, joint, name):
    a, _owner, other = joint
    client.force_login(other)
    assert client.post(reverse(name, args=[a.reference]), {"version": a.version}).status_code == 404
    a.refresh_from_db()
    assert (a.state, a.version) == ("draft", 2)


def test_document_is_private(client, joint):
    a, owner, other = joint
    document = Document.objects.get(application=a)
    url = reverse("applications:document", args=[a.reference, document.pk])
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_officer_of_another_funder_gets_404(client, joint):
    a, _owner, _other = joint
    stranger = make_officer(CallFactory().sides.first().funder)
    client.force_login(stranger)
    assert client.get(reverse("applications:detail", args=[a.reference])).status_code == 404


def test_call_officer_sees_it_from_submission_and_may_read_but_not_edit(client, joint):
    a, _owner, _other = joint
    officer = make_officer(a.call.sides.get(country="KR").funder)
    client.force_login(officer)
    assert client.get(reverse("applications:detail", args=[a.reference])).status_code == 404
    Application.objects.filter(pk=a.pk).update(
        state=ApplicationState.SUBMITTED, submitted_at=timezone.now()
    )
    assert client.get(reverse("applications:detail", args=[a.reference])).status_code == 200
    assert client.get(reverse("applications:edit", args=[a.reference])).status_code == 403


def test_invalid_edit_keeps_the_typed_text(client, joint):
    a, owner, _other = joint
    client.force_login(owner)
    response = client.post(
        reverse("applications:edit", args=[a.reference]),
        {
            "version": a.version,
            "title_en": "",
            "summary_en": "My long careful summary",
            "duration_months": "abc",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "My long careful summary" in html
    assert "errorlist" in html
    assert Application.objects.get(pk=a.pk).summary_en == "What we will do together."


def test_stale_edit_is_refused_and_both_texts_are_shown(client, joint):
    a, owner, _other = joint
    client.force_login(owner)
    url = reverse("applications:edit", args=[a.reference])
    first = client.post(
        url, {"version": a.version, "title_en": "First editor's title", "summary_en": ""}
    )
    assert first.status_code == 302
    second = client.post(
        url, {"version": a.version, "title_en": "Second editor's title", "summary_en": ""}
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "Second editor&#x27;s title" in html
    assert "First editor&#x27;s title" in html
    assert Application.objects.get(pk=a.pk).title_en == "First editor's title"


def test_fake_pdf_upload_is_refused(client, joint):
    a, owner, _other = joint
    client.force_login(owner)
    fake = SimpleUploadedFile(
        "cv.pdf", b"\x89PNG\r\n\x1a\n not a pdf", content_type="application/pdf"
    )
    response = client.post(
        reverse("applications:upload", args=[a.reference]),
        {"kind": "cv", "file": fake},
        follow=True,
    )
    assert "cv.pdf is not a PDF file" in response.content.decode()
    assert Document.objects.filter(application=a).count() == 1
    assert Application.objects.get(pk=a.pk).version == a.version


def test_budget_in_the_wrong_currency_is_refused_and_kept(client, joint):
    a, owner, _other = joint
    client.force_login(owner)
    kr_lead = a.members.get(country="KR")
    client.force_login(make_applicant(person=kr_lead.person))
    data = {
        "side": "KR",
        "version": a.version,
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-organisation": kr_lead.organisation_id,
        "form-0-category": "staff",
        "form-0-description": "Postdoc",
        "form-0-amount": "123456",
        "form-0-currency": "GBP",
    }
    response = client.post(reverse("applications:budget", args=[a.reference]) + "?side=KR", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Line 1: the Republic of Korea side is paid in KRW, not GBP" in html
    assert 'value="123456' in html
    assert sorted(a.budget_lines.values_list("currency", flat=True)) == ["GBP", "KRW"]


def test_co_investigator_cannot_sign(client, joint):
    from tests.factories.applications import TeamMemberFactory, make_researcher

    a, _owner, _other = joint
    coi = TeamMemberFactory(application=a, person=make_researcher("GB"))
    user = make_applicant(person=coi.person)
    client.force_login(user)
    assert (
        client.post(
            reverse("applications:sign", args=[a.reference]), {"version": a.version}
        ).status_code
        == 403
    )
    assert a.signoffs.count() == 0


def test_anonymous_is_sent_to_sign_in(client, joint):
    a, _owner, _other = joint
    response = client.get(reverse("applications:detail", args=[a.reference]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("n", [1, 3])
def test_my_applications_query_count_is_flat(client, n):
    user = make_applicant()
    call = CallFactory()
    mine = [make_joint_application(call=call, gb_lead=user.person) for _ in range(n)]
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("applications:mine"))
    assert response.status_code == 200
    # session, user, role grants, invitations, the applications with their call (no team)
    assert len(ctx.captured_queries) == 5  # the policy's rules need no permission tables
    html = response.content.decode()
    for application in mine:
        assert f'<a href="{application.get_absolute_url()}">{application.reference}</a>' in html
    assert html.count(f"<td>{call.name_en}</td>") == n


@pytest.mark.parametrize("n", [1, 3])
def test_detail_query_count_does_not_grow_with_the_team(client, n):
    from tests.factories.applications import TeamMemberFactory, make_researcher

    a = make_joint_application(budget={"GB": 1000, "KR": 1000})
    for _ in range(n):
        TeamMemberFactory(application=a, person=make_researcher("KR"))
    user = make_applicant(person=a.members.filter(role="lead").first().person)
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("applications:detail", args=[a.reference])).status_code == 200
    # 15: the call's sides with their funders, and budget lines with organisations, joined;
    # no review criteria or funders' checks (officers' pages)
    assert len(ctx.captured_queries) == 15


def test_public_call_page(client):
    call = CallFactory(name_en="Round 9")
    html = client.get(reverse("applications:call", args=[call.slug])).content.decode()
    assert "Round 9" in html
    assert 'data-tz="Asia/Seoul"' in html
    unpublished = CallFactory(published=False)
    assert client.get(reverse("applications:call", args=[unpublished.slug])).status_code == 404


def test_user_without_profile_cannot_start(client):
    call = CallFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("applications:start", args=[call.slug]), {"title_en": "X"}, follow=True
    )
    assert "Complete your profile" in response.content.decode()
    assert Application.objects.count() == 0


@pytest.mark.parametrize("n", [1, 3])
def test_public_call_list_query_count_is_flat(client, n):
    for _ in range(n):
        CallFactory()
    CallFactory(published=False)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("applications:calls"))
    assert response.status_code == 200
    assert len(response.context["calls"]) == n
    assert len(ctx.captured_queries) == 4
