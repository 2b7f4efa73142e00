"""API: a reviewer's assignments; for a call's officers, its calibrated ranking and the export of
an application's anonymised reviews (404 for a call or application one may not see)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accord.api.auth import SIGNED_IN
from accord.api.schemas import Page, reference_path, responses, slug_path
from accord.applications.selectors import applications_visible_to
from accord.programmes.models import Call
from accord.review.selectors import open_assignments, reviewer_assignments
from accord.review.selectors.panel import call_ranking
from accord.review.selectors.reviews import anonymise, due_moment, submitted_reviews, with_due

router = Router(tags=["review"], auth=SIGNED_IN)


class AssignmentOut(Schema):
    id: int
    application: str
    call: str
    declared: bool | None = Field(
        description="None until the reviewer declares; then whether they declared a conflict."
    )
    open: bool = Field(
        description="Declared free of conflict and no conflict detected: the application is open."
    )
    title_en: str | None = Field(description="Only when the assignment is open.")
    title_ko: str | None = Field(description="Only when the assignment is open.")
    review: str | None = Field(description="The review's state; None before a draft is saved.")
    due: dt.date | None
    due_at: dt.datetime | None = Field(description="The last second of the due date in Seoul.")

    @staticmethod
    def resolve_application(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.application.reference)

    @staticmethod
    def resolve_call(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.call.slug)

    @staticmethod
    def resolve_declared(obj) -> bool | None:  # type: ignore[no-untyped-def]
        declaration = getattr(obj, "declaration", None)
        return None if declaration is None else bool(declaration.has_conflict)

    @staticmethod
    def resolve_open(obj) -> bool:  # type: ignore[no-untyped-def]
        return bool(obj.is_open)

    @staticmethod
    def resolve_title_en(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.application.title_en if obj.is_open else None

    @staticmethod
    def resolve_title_ko(obj) -> str | None:  # type: ignore[no-untyped-def]
        return obj.application.title_ko if obj.is_open else None

    @staticmethod
    def resolve_review(obj) -> str | None:  # type: ignore[no-untyped-def]
        review = getattr(obj, "review", None)
        return None if review is None else str(review.state)

    @staticmethod
    def resolve_due_at(obj) -> dt.datetime | None:  # type: ignore[no-untyped-def]
        due = due_moment(obj.due)
        return due.astimezone(dt.UTC) if due else None


class RankingRowOut(Schema):
    reference: str
    rank: int
    tied: bool
    raw: float | None
    calibrated: float | None
    low: float | None
    high: float | None
    moderated: Decimal | None
    n_reviews: int

    @staticmethod
    def resolve_reference(obj) -> str:  # type: ignore[no-untyped-def]
        return str(obj.application.reference)


class ScoreOut(Schema):
    criterion: str = Field(description="The criterion's key in the call.")
    score: int | None

    @staticmethod
    def resolve_criterion(obj) -> str:  # type: ignore[no-untyped-def]
        criterion, _score = obj
        return str(criterion.key)

    @staticmethod
    def resolve_score(obj) -> int | None:  # type: ignore[no-untyped-def]
        _criterion, score = obj
        return score  # type: ignore[no-any-return]


class AnonymousReviewOut(Schema):
    label: str = Field(description='"Reviewer N", in a stable order that says nothing of who.')
    number: int
    scores: list[ScoreOut]
    total: Decimal | None = Field(description="The weighted total on the call's scale.")
    confidence: int | None
    comments_applicant: str
    comments_panel: str


def managed_call(request, slug: str) -> Call:  # type: ignore[no-untyped-def]
    """A call the caller manages; 404 for anyone else (nothing says the call exists)."""
    request.user.grants()  # read once; every permission check reuses them
    call = Call.objects.prefetch_related("sides", "criteria").filter(slug=slug).first()
    if call is None or not request.user.has_perm("review.manage_call", call):
        raise Http404
    return call


@router.get(
    "/reviews/assignments",
    response=responses(list[AssignmentOut], 401, 422),
    summary="My published review assignments; titles only of those open to me (signed in)",
)
@paginate(Page)
def list_my_assignments(request):  # type: ignore[no-untyped-def]
    opened = open_assignments(request.user).filter(pk=OuterRef("pk"))
    return (
        with_due(reviewer_assignments(request.user))
        .select_related("declaration", "review")
        .annotate(is_open=Exists(opened))
        .order_by("due", "application__reference", "pk")
    )


@router.get(
    "/calls/{slug}/ranking",
    response=responses(list[RankingRowOut], 401, 404, 422),
    summary="The calibrated ranking of a call, best first (the call's officers; 404 otherwise)",
)
@paginate(Page)
def get_call_ranking(request, slug: str = slug_path()):  # type: ignore[no-untyped-def]
    return call_ranking(managed_call(request, slug))


@router.get(
    "/applications/{reference}/reviews",
    response=responses(list[AnonymousReviewOut], 401, 403, 404, 422),
    summary="Export: an application's submitted reviews, anonymised, with the comments for the "
    "panel (the call's officers; 403 for its team, 404 for others)",
)
@paginate(Page)
def list_application_reviews(request, reference: str = reference_path()):  # type: ignore[no-untyped-def]
    application = get_object_or_404(
        applications_visible_to(request.user).select_related("call"), reference=reference
    )
    call = application.call
    if not request.user.has_perm("review.manage_call", call):
        raise PermissionDenied
    criteria = list(call.criteria.all())
    return anonymise(submitted_reviews([application.pk]), criteria, for_panel=True)
