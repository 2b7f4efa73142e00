"""A call's assessment criteria through ``save_criteria``: added, changed, removed and reordered
in one audited save by the call's officers, and fixed once a review has been submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.common.models import AuditEntry
from accord.programmes.models import Criterion
from accord.programmes.services.criteria import save_criteria
from accord.review.enums import ReviewState
from accord.review.models import Review
from tests.applications.conftest import officer_of
from tests.factories.applications import ApplicationFactory
from tests.factories.review import AssignmentFactory

pytestmark = pytest.mark.django_db


def rows_of(call):
    return [
        {
            "id": c.pk,
            "key": c.key,
            "name_en": c.name_en,
            "name_ko": c.name_ko,
            "description_en": c.description_en,
            "description_ko": c.description_ko,
            "weight": c.weight,
        }
        for c in call.criteria.all()
    ]


def criteria(call):
    return [(c.key, c.name_en, c.weight, c.order) for c in call.criteria.all()]


def test_criteria_are_changed_added_removed_and_reordered_in_one_save(call, rs_officer):
    excellence, partnership, leadership = rows_of(call)
    excellence["weight"] = Decimal("50")
    new = {
        "id": None,
        "key": "impact",
        "name_en": "Impact",
        "name_ko": "파급 효과",
        "description_en": "",
        "description_ko": "",
        "weight": Decimal("20"),
    }
    save_criteria(call=call, rows=[partnership, new, excellence], actor=rs_officer)
    assert criteria(call) == [
        ("partnership", "Quality and mutual benefit of the partnership", Decimal("30"), 0),
        ("impact", "Impact", Decimal("20"), 1),
        ("excellence", "Research excellence", Decimal("50"), 2),
    ]
    entries = AuditEntry.objects.filter(content_type__model="criterion", actor=rs_officer)
    assert sorted(e.action for e in entries) == ["create", "delete", "update", "update"]
    assert (
        entries.get(action="delete").object_repr == "Development of the emerging research leaders"
    )
    assert leadership["key"] not in {c.key for c in Criterion.objects.filter(call=call)}


def test_an_existing_criterion_keeps_its_key(call, rs_officer):
    rows = rows_of(call)
    rows[0]["key"] = "renamed"
    save_criteria(call=call, rows=rows, actor=rs_officer)
    assert [c.key for c in call.criteria.all()] == ["excellence", "partnership", "leadership"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda rows: [], "no_criteria"),
        (lambda rows: [*rows, {**rows[0], "id": None}], "duplicate_key"),
        (lambda rows: [{**row, "weight": Decimal(0)} for row in rows], "no_weight"),
        (lambda rows: [{**rows[0], "weight": Decimal(-1)}], "negative_weight"),
        (lambda rows: [{**rows[0], "id": 987654}], "unknown_criterion"),
    ],
    ids=["none", "duplicate-key", "all-weights-zero", "negative-weight", "other-calls-criterion"],
)
def test_invalid_criteria_are_refused_and_nothing_changes(call, rs_officer, change, code):
    before = criteria(call)
    with pytest.raises(ValidationError) as refused:
        save_criteria(call=call, rows=change(rows_of(call)), actor=rs_officer)
    assert [e.code for e in refused.value.error_list] == [code]
    assert criteria(call) == before


def test_criteria_are_fixed_once_a_review_is_submitted(call, rs_officer):
    assignment = AssignmentFactory(application=ApplicationFactory(call=call))
    Review.objects.create(assignment=assignment, state=ReviewState.DRAFT, scores={})
    rows = rows_of(call)
    rows[0]["name_en"] = "Excellence"
    save_criteria(call=call, rows=rows, actor=rs_officer)  # a draft review does not fix them
    Review.objects.filter(assignment=assignment).update(state=ReviewState.SUBMITTED)
    rows[0]["name_en"] = "Research quality"
    with pytest.raises(ValidationError) as refused:
        save_criteria(call=call, rows=rows, actor=rs_officer)
    assert refused.value.messages == [
        "Reviews of this call have been submitted on these criteria, so they can no longer change."
    ]
    assert call.criteria.get(key="excellence").name_en == "Excellence"


def test_only_the_calls_officers_change_its_criteria(call):
    with pytest.raises(PermissionDenied):
        save_criteria(call=call, rows=rows_of(call)[:1], actor=officer_of("kiat"))
    assert call.criteria.count() == 3
