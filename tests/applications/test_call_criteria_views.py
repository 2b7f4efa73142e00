"""The criteria editor of a call: a formset of names in both languages, guidance, weights and
order; the call's officers only; closed once a review has been submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accord.accounts.enums import Role
from accord.review.enums import ReviewState
from accord.review.models import Review
from tests.applications.conftest import officer_of
from tests.factories.accounts import UserFactory
from tests.factories.applications import ApplicationFactory, make_applicant
from tests.factories.review import AssignmentFactory

pytestmark = pytest.mark.django_db


def criteria_url(call):
    return reverse("manage:call_criteria", args=[call.slug])


def formset_data(call, changes=None, extra=None):
    """The page's formset as the browser sends it, with ``changes`` per row index."""
    rows = [
        {
            "id": c.pk,
            "name_en": c.name_en,
            "name_ko": c.name_ko,
            "description_en": c.description_en,
            "description_ko": c.description_ko,
            "weight": str(c.weight),
            "ORDER": str(n),
        }
        for n, c in enumerate(call.criteria.all(), start=1)
    ]
    for index, change in (changes or {}).items():
        rows[index].update(change)
    if extra:
        rows.append(extra)
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(call.criteria.count()),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"criteria-{n}-{k}": v for k, v in row.items()})
    return data


def test_officer_edits_adds_removes_and_reorders_criteria(client, call, rs_officer):
    client.force_login(rs_officer)
    page = client.get(criteria_url(call))
    assert page.status_code == 200
    assert len(page.context["formset"].forms) == 4  # three criteria and an empty one
    data = formset_data(
        call,
        changes={
            0: {"ORDER": "3", "weight": "50", "name_ko": "연구 우수성"},
            2: {"DELETE": "on"},
        },
        extra={
            "key": "impact",
            "name_en": "Impact",
            "name_ko": "파급 효과",
            "weight": "20",
            "ORDER": "2",
        },
    )
    response = client.post(criteria_url(call), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:call_settings", args=[call.slug]) + "#criteria"
    assert [(c.key, c.name_ko, c.weight) for c in call.criteria.all()] == [
        ("partnership", "협력의 질과 상호 호혜성", Decimal("30")),
        ("impact", "파급 효과", Decimal("20")),
        ("excellence", "연구 우수성", Decimal("50")),
    ]


def test_a_new_criterion_without_key_or_with_a_negative_weight_is_refused(client, call, rs_officer):
    client.force_login(rs_officer)
    data = formset_data(
        call,
        changes={0: {"weight": "-1"}},
        extra={"name_en": "Impact", "name_ko": "파급 효과", "weight": "20"},
    )
    response = client.post(criteria_url(call), data)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert list(forms[0].errors) == ["weight"]
    assert forms[3].errors == {"key": ["Give the new criterion a key."]}
    assert call.criteria.get(key="excellence").weight == Decimal("40")


def test_criteria_are_refused_with_a_clear_message_once_a_review_is_submitted(
    client, call, rs_officer
):
    assignment = AssignmentFactory(application=ApplicationFactory(call=call))
    Review.objects.create(assignment=assignment, state=ReviewState.SUBMITTED, scores={})
    client.force_login(rs_officer)
    page = client.get(criteria_url(call))
    message = (
        "Reviews of this call have been submitted on these criteria, so they can no longer change."
    )
    assert message in page.content.decode()
    assert "Save the criteria" not in page.content.decode()
    response = client.post(criteria_url(call), formset_data(call, changes={0: {"weight": "5"}}))
    assert response.status_code == 200
    assert response.context["refused"] == [message]
    assert call.criteria.get(key="excellence").weight == Decimal("40")


@pytest.mark.parametrize(
    ("who", "status"),
    [("nrf_officer", 200), ("admin", 403), ("kiat", 404), ("applicant", 404)],
)
def test_criteria_editor_for_the_calls_officers_only(client, request, call, who, status):
    users = {
        "admin": lambda: UserFactory(roles=[(Role.ADMIN, None)]),
        "kiat": lambda: officer_of("kiat"),
        "applicant": lambda: make_applicant(),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(criteria_url(call)).status_code == status
    response = client.post(criteria_url(call), formset_data(call, changes={0: {"weight": "5"}}))
    assert response.status_code == (302 if status == 200 else status)
    assert call.criteria.get(key="excellence").weight == Decimal(5 if status == 200 else 40)


def test_anonymous_is_sent_to_sign_in(client, call):
    response = client.get(criteria_url(call))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
