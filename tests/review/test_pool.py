"""The reviewer pool: invitations (audited, mailed in the invitee's language), answers by the
invited person only, the officers' pool page and the reviewer's invitations page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from accord.common.models import AuditEntry
from accord.matching.models import AffinityScore
from accord.review.enums import InvitationState
from accord.review.models import ReviewerInvitation
from accord.review.services.pool import answer_invitation, invite_reviewers
from tests.factories.accounts import UserFactory
from tests.factories.applications import (
    CallFactory,
    make_applicant,
    make_joint_application,
    make_officer,
    make_researcher,
)
from tests.factories.partnerships import AreaFactory
from tests.factories.review import ReviewerInvitationFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2025, 9, 30)


@pytest.fixture
def call():
    return CallFactory(name_en="Quantum round", name_ko="양자 공모")


@pytest.fixture
def officer(call):
    return make_officer(call.sides.get(country="GB").funder)


@pytest.fixture
def people():
    uk = make_researcher("GB", name_en="Alice Archer", email="alice@example.ac.uk")
    kr = make_researcher("KR", name_en="Kim Minji", name_ko="김민지", email="minji@example.ac.kr")
    return uk, kr


def test_invite_creates_invitations_audits_and_mails_each_in_their_language(
    call, officer, people, django_capture_on_commit_callbacks
):
    uk, kr = people
    with django_capture_on_commit_callbacks(execute=True):
        invited = invite_reviewers(
            call=call, people=[uk, kr], due=DUE, max_load=4, min_load=1, actor=officer
        )

    assert [(i.person, i.state, i.due, i.min_load, i.max_load) for i in invited] == [
        (uk, InvitationState.INVITED, DUE, 1, 4),
        (kr, InvitationState.INVITED, DUE, 1, 4),
    ]
    assert AuditEntry.objects.filter(content_type__model="reviewerinvitation").count() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_address) == ["alice@example.ac.uk", "minji@example.ac.kr"]
    link = reverse("review_assign:invitations")
    english, korean = by_address["alice@example.ac.uk"], by_address["minji@example.ac.kr"]
    with translation.override("en"):
        assert english.subject == "Accord: you are invited to review for Quantum round"
    assert "Dear Alice Archer," in english.body
    assert link in english.body and link in korean.body
    assert "양자 공모" in korean.subject  # the call's Korean name: the mail is written in Korean
    assert "김민지" in korean.body
    assert "Kim Minji" not in english.body and "Alice" not in korean.body


def test_inviting_someone_twice_or_from_a_third_country_is_refused(call, officer, people):
    uk, _kr = people
    invite_reviewers(call=call, people=[uk], due=DUE, max_load=4, actor=officer)
    swiss = make_researcher("CH", name_en="Hans Meier")
    with pytest.raises(ValidationError) as twice:
        invite_reviewers(call=call, people=[uk], due=DUE, max_load=4, actor=officer)
    assert twice.value.message_dict == {"people": ["Already invited to this call: Alice Archer."]}
    with pytest.raises(ValidationError) as foreign:
        invite_reviewers(call=call, people=[swiss], due=DUE, max_load=4, actor=officer)
    assert foreign.value.message_dict == {
        "people": ["Reviewers come from the call's two countries; Hans Meier cannot be invited."]
    }
    with pytest.raises(ValidationError):
        invite_reviewers(call=call, people=[swiss], due=DUE, max_load=2, min_load=3, actor=officer)
    assert ReviewerInvitation.objects.count() == 1


def test_only_the_invited_person_answers_and_a_decline_needs_a_reason(call, people):
    uk, kr = people
    invitation = ReviewerInvitationFactory(call=call, person=uk)
    stranger = UserFactory(person=kr)
    invitee = UserFactory(person=uk)
    with pytest.raises(ValidationError):
        answer_invitation(invitation=invitation, user=stranger, accept=True)
    with pytest.raises(ValidationError) as no_reason:
        answer_invitation(invitation=invitation, user=invitee, accept=False, reason="  ")
    assert no_reason.value.message_dict == {
        "reason": ["Tell the programme officers why you decline."]
    }
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.INVITED

    answered = answer_invitation(invitation=invitation, user=invitee, accept=False, reason="Busy")
    assert (answered.state, answered.decline_reason) == (InvitationState.DECLINED, "Busy")
    entry = AuditEntry.objects.get(content_type__model="reviewerinvitation")
    assert (entry.before, entry.after, entry.reason) == (
        {"state": "invited"},
        {"state": "declined"},
        "Busy",
    )
    with pytest.raises(ValidationError):
        answer_invitation(invitation=invitation, user=invitee, accept=True)


# --- pages ---------------------------------------------------------------------------------------


def pool_url(call, query=""):
    return reverse("review_assign:pool", args=[call.slug]) + query


def test_pool_page_lists_the_pool_and_offers_the_directory_with_affinity(
    client, call, officer, people
):
    uk, kr = people
    ReviewerInvitationFactory(call=call, person=uk, state=InvitationState.ACCEPTED, max_load=5)
    application = make_joint_application(call=call, state="eligible")
    AffinityScore.objects.create(call=call, application=application, reviewer=kr, score=0.8125)
    client.force_login(officer)

    response = client.get(pool_url(call))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice Archer" in html and "0–5" in html
    offered = list(response.context["form"].fields["people"].queryset)
    assert uk not in offered  # already invited
    assert kr in offered
    assert "best affinity 0.812" in html  # 0.8125 rounded to 3 places


def test_pool_page_filters_by_country_and_area(client, call, officer, people):
    uk, kr = people
    quantum = AreaFactory(slug="quantum")
    kr.areas.add(quantum)
    client.force_login(officer)
    by_country = client.get(pool_url(call, "?country=GB")).context["form"]
    assert (
        uk in by_country.fields["people"].queryset
        and kr not in by_country.fields["people"].queryset
    )
    by_area = client.get(pool_url(call, "?area=quantum")).context["form"]
    assert list(by_area.fields["people"].queryset) == [kr]


def test_pool_page_invites_and_keeps_input_on_error(client, call, officer, people):
    uk, kr = people
    client.force_login(officer)
    refused = client.post(
        pool_url(call),
        {"people": [uk.pk], "due": "2025-09-30", "min_load": "5", "max_load": "2"},
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "min_load": ["The fewest applications cannot be more than the most."]
    }
    assert 'value="2025-09-30"' in refused.content.decode()
    assert ReviewerInvitation.objects.count() == 0

    done = client.post(
        pool_url(call),
        {"people": [uk.pk, kr.pk], "due": "2025-09-30", "min_load": "0", "max_load": "3"},
    )
    assert done.status_code == 302
    assert sorted(ReviewerInvitation.objects.values_list("person__name_en", "max_load")) == [
        ("Alice Archer", 3),
        ("Kim Minji", 3),
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_pool_page_query_count_is_flat(client, call, officer, n, django_assert_num_queries):
    for _ in range(n):
        ReviewerInvitationFactory(call=call, person=make_researcher("KR"))
        make_researcher("GB")
    client.force_login(officer)
    with django_assert_num_queries(8):
        assert client.get(pool_url(call)).status_code == 200


@pytest.mark.parametrize("who", ["other_officer", "reviewer", "applicant"])
def test_pool_page_is_404_for_everyone_but_the_calls_officers(client, call, people, who):
    uk, _kr = people
    ReviewerInvitationFactory(call=call, person=uk)
    if who == "other_officer":
        user = make_officer(CallFactory().sides.first().funder)
    elif who == "reviewer":
        user = UserFactory(person=uk)
    else:
        user = make_applicant(person=make_joint_application(call=call).members.first().person)
    client.force_login(user)
    assert client.get(pool_url(call)).status_code == 404
    assert client.post(pool_url(call), {"people": [uk.pk]}).status_code == 404


def test_pool_page_sends_anonymous_visitors_to_sign_in(client, call):
    response = client.get(pool_url(call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_invitations_page_answers_and_hides_other_peoples_invitations(client, call, people):
    uk, kr = people
    mine = ReviewerInvitationFactory(call=call, person=uk)
    theirs = ReviewerInvitationFactory(call=call, person=kr)
    client.force_login(UserFactory(person=uk))

    page = client.get(reverse("review_assign:invitations"))
    assert page.status_code == 200
    assert [inv for inv, _form in page.context["rows"]] == [mine]

    url = reverse("review_assign:answer", args=[mine.pk])
    refused = client.post(url, {f"i{mine.pk}-answer": "decline", f"i{mine.pk}-reason": ""})
    assert refused.status_code == 400
    assert "Tell the programme officers why you decline." in refused.content.decode()

    assert (
        client.post(
            reverse("review_assign:answer", args=[theirs.pk]), {f"i{theirs.pk}-answer": "accept"}
        ).status_code
        == 404
    )
    assert client.post(url, {f"i{mine.pk}-answer": "accept"}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, theirs.state) == (InvitationState.ACCEPTED, InvitationState.INVITED)


def test_candidates_come_most_expert_first_and_reviews_fall_due_after_the_call_closes(
    client, call, officer
):
    application = make_joint_application(call=call, state="eligible")
    low = make_researcher("GB", name_en="Aaron Low")
    high = make_researcher("GB", name_en="Zoe High")
    make_researcher("GB", name_en="Adam Unscored")
    AffinityScore.objects.create(call=call, application=application, reviewer=low, score=0.2)
    AffinityScore.objects.create(call=call, application=application, reviewer=high, score=0.9)
    call.closes_at = dt.datetime(2999, 1, 31, 12, tzinfo=dt.UTC)
    call.save(update_fields=["closes_at"])
    client.force_login(officer)
    form = client.get(pool_url(call)).context["form"]
    offered = [p for p in form.fields["people"].queryset if p.country == "GB"]
    names = [p.name_en for p in offered]
    assert names.index("Zoe High") < names.index("Aaron Low") < names.index("Adam Unscored")
    assert form.fields["due"].initial == dt.date(2999, 2, 28)
