"""The team: an e-mail invitation in both languages, accepted by someone on the right side."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accord.applications.enums import MemberRole
from accord.applications.errors import ApplicationError
from accord.applications.models import Invitation, TeamMember
from accord.applications.services.drafting import start_application
from accord.applications.services.team import accept_invitation, decline_invitation, invite_member
from accord.common.models import AuditEntry
from tests.applications.conftest import DURING, fresh, make_researcher
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

INVITATION_EN = "You are invited to join the joint application"


def has_korean_translation(msgid: str) -> bool:
    with translation.override("ko"):
        return translation.gettext(msgid) != msgid


def invite(application, email, actor, *, role=MemberRole.CO_INVESTIGATOR, country="GB"):
    return invite_member(
        application=application,
        email=email,
        role=role,
        country=country,
        actor=actor,
        base_url="https://accord.example",
    )


def test_invitation_mail_is_in_english_and_korean_with_the_link(
    draft, uk_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(draft, "colleague@imperial.example", uk_lead)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    link = "https://accord.example" + reverse(
        "applications:invitation", kwargs={"token": invitation.token}
    )
    english, korean = message.body.split("\n\n----\n\n")
    assert message.to == ["colleague@imperial.example"]
    assert message.subject.startswith(
        f"Accord: you are invited to join application {draft.reference} / "
    )
    assert english.startswith(f"{INVITATION_EN} {draft.reference} to the call ")
    assert (
        "Written by the person who invited you, not by Accord:\n"
        "  Their name: “Alice Hart”\n"
        "  Application title: “Ferroelectric memory for edge AI”"
    ) in english
    assert (link in english, link in korean) == (True, True)
    if has_korean_translation("Sign in to Accord and follow this link to accept or decline:"):
        assert korean != english
    assert len(invitation.token) >= 40


def test_no_mail_is_sent_when_the_invitation_is_refused(
    draft, uk_lead, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ApplicationError) as refused,
    ):
        invite(draft, "second-lead@imperial.example", uk_lead, role=MemberRole.LEAD)
    assert (refused.value.code, refused.value.messages, len(mail.outbox)) == (
        "lead_exists",
        ["This side already has a lead."],
        0,
    )
    assert Invitation.objects.filter(email="second-lead@imperial.example").count() == 0


def test_accepting_on_the_right_side_adds_the_member_and_bumps_the_version(draft, uk_lead):
    colleague = make_researcher(country="GB", org="cambridge", name_en="Ben Cole")
    invitation = invite(draft, colleague.email, uk_lead)

    member = accept_invitation(invitation=invitation, user=colleague)

    assert (member.person, member.role, member.country, member.organisation.slug) == (
        colleague.person,
        "co_investigator",
        "GB",
        "cambridge",
    )
    stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.member, stored.accepted_at is not None, stored.is_open) == (member, True, False)
    assert fresh(draft).version == draft.version + 1
    assert (
        AuditEntry.objects.filter(
            object_id=str(member.pk), action="create", content_type__model="teammember"
        ).count()
        == 1
    )


def test_accepting_from_the_wrong_side_is_refused(draft, uk_lead):
    korean = make_researcher(country="KR", org="kribb")
    invitation = invite(draft, korean.email, uk_lead, country="GB")

    with pytest.raises(ApplicationError) as refused:
        accept_invitation(invitation=invitation, user=korean)

    assert (refused.value.code, refused.value.messages) == (
        "wrong_side",
        [
            "This invitation is for the United Kingdom side, but your profile is in Republic of Korea."
        ],
    )
    assert (
        TeamMember.objects.filter(person=korean.person).count(),
        Invitation.objects.get(pk=invitation.pk).is_open,
    ) == (0, True)


def test_a_second_lead_on_a_side_is_refused_when_accepting(call, uk_lead):
    application = start_application(
        call=call, user=uk_lead, title_en="Two leads invited", now=DURING
    )
    first, second = (
        make_researcher(country="KR", org="kaist"),
        make_researcher(country="KR", org="kribb"),
    )
    first_invitation = invite(application, first.email, uk_lead, role=MemberRole.LEAD, country="KR")
    second_invitation = invite(
        application, second.email, uk_lead, role=MemberRole.LEAD, country="KR"
    )  # both open: allowed
    accept_invitation(invitation=first_invitation, user=first)

    with pytest.raises(ApplicationError) as refused:
        accept_invitation(invitation=second_invitation, user=second)

    assert (refused.value.code, refused.value.messages) == (
        "lead_exists",
        ["This side already has a lead."],
    )
    leads = TeamMember.objects.filter(application=application, role=MemberRole.LEAD).order_by(
        "country"
    )
    assert [(m.country, m.person) for m in leads] == [("GB", uk_lead.person), ("KR", first.person)]


def test_a_declined_invitation_cannot_be_accepted(draft, uk_lead):
    colleague = make_researcher(country="GB", org="imperial")
    invitation = invite(draft, colleague.email, uk_lead)
    decline_invitation(invitation=invitation, user=colleague)

    with pytest.raises(ApplicationError) as refused:
        accept_invitation(invitation=invitation, user=colleague)

    assert (refused.value.code, refused.value.messages) == (
        "answered",
        ["This invitation has already been answered."],
    )
    assert (TeamMember.objects.filter(person=colleague.person).count(), fresh(draft).version) == (
        0,
        draft.version,
    )


def test_inviting_the_same_address_twice_is_refused(draft, uk_lead):
    invite(draft, "twice@imperial.example", uk_lead)
    with pytest.raises(ApplicationError) as refused:
        invite(draft, "TWICE@imperial.example", uk_lead)
    assert refused.value.messages == ["TWICE@imperial.example has already been invited."]


def test_a_user_without_an_organisation_cannot_accept(draft, uk_lead):
    invitation = invite(draft, "nobody@example.org", uk_lead)
    with pytest.raises(ApplicationError) as refused:
        accept_invitation(invitation=invitation, user=UserFactory(email="nobody@example.org"))
    assert refused.value.code == "no_profile"


def test_applicant_text_is_quoted_on_one_line_and_labelled(
    draft, uk_lead, django_capture_on_commit_callbacks
):
    """A title crafted to look like Accord's own words stays one labelled, quoted line."""
    from accord.applications.models import Application

    hostile = (
        "Urgent\n\nACCORD SECURITY: your account is locked, sign in at http://evil.example\u202e"
    )
    Application.objects.filter(pk=draft.pk).update(title_en=hostile + " x" * 100)
    with django_capture_on_commit_callbacks(execute=True):
        invite(draft, "colleague@imperial.example", uk_lead)
    english, korean = mail.outbox[0].body.split("\n\n----\n\n")
    [line] = [x for x in english.splitlines() if x.startswith("  Application title: ")]
    assert line.startswith(
        "  Application title: “Urgent ACCORD SECURITY: your account is locked, sign in at "
        "http://evil.example x x"
    )
    assert line.endswith("…”") and len(line) == len("  Application title: ") + 202
    assert "\u202e" not in mail.outbox[0].body
    assert not any(x.startswith("ACCORD SECURITY") for x in mail.outbox[0].body.splitlines())
    if has_korean_translation("Written by the person who invited you, not by Accord:"):
        assert "다음은 Accord가 아니라 초대한 사람이 쓴 내용입니다:" in korean


def test_invitations_are_limited_per_address(draft, uk_lead):
    for _ in range(3):
        invite(draft, "target@example.org", uk_lead)
        Invitation.objects.filter(email="target@example.org").update(
            declined_at="2025-02-01T00:00Z"
        )
    with pytest.raises(ApplicationError) as refused:
        invite(draft, "TARGET@example.org", uk_lead)
    assert refused.value.code == "rate_limited"
    [message] = refused.value.messages
    assert message.startswith(
        "TARGET@example.org has been sent 3 invitations in the last 24 hours, the most Accord "
        "sends to one address. Try again after "
    )
    assert Invitation.objects.filter(email__iexact="target@example.org").count() == 3


def test_invitations_are_limited_per_user(draft, uk_lead):
    from accord.applications.services.team import INVITES_PER_USER

    already = Invitation.objects.filter(invited_by=uk_lead).count()  # the draft's partner lead
    for i in range(INVITES_PER_USER - already):
        invite(draft, f"person{i}@example.org", uk_lead)
    with pytest.raises(ApplicationError) as refused:
        invite(draft, "one-more@example.org", uk_lead)
    [message] = refused.value.messages
    assert message.startswith(
        f"You have sent {INVITES_PER_USER} invitations in the last 24 hours, the most Accord "
        "sends for one person. Try again after "
    )
    assert not Invitation.objects.filter(email="one-more@example.org").exists()
