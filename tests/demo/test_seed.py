"""The demo seed: deterministic, idempotent, and the closed call's applications are as designed."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from accord.accounts.models import User
from accord.applications.enums import EDITABLE_STATES, ApplicationState, MemberRole
from accord.applications.errors import ApplicationError
from accord.applications.models import (
    Application,
    BudgetLine,
    Invitation,
    SignOff,
    Snapshot,
    TeamMember,
)
from accord.applications.selectors.eligibility import evaluate_application
from accord.applications.services.drafting import (
    call_is_open,
    start_application,
    update_application,
)
from accord.common.models import AuditEntry
from accord.demo.seed import seed_demo
from accord.directory.models import Person
from accord.programmes.models import Call

pytestmark = pytest.mark.django_db

CLOSED, OPEN = "uk-rok-ica-2025", "uk-rok-ica-2026"
IN_OPEN_CALL = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def counts() -> dict[str, int]:
    return {
        "calls": Call.objects.count(),
        "applications": Application.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "members": TeamMember.objects.count(),
        "invitations": Invitation.objects.count(),
        "budget_lines": BudgetLine.objects.count(),
        "signoffs": SignOff.objects.count(),
        "snapshots": Snapshot.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def demo(db):
    """The seed takes seconds: the tests below share one run each and check several things."""
    return seed_demo()


def test_running_the_seed_twice_adds_nothing(demo):
    first = counts()
    seed_demo()
    assert counts() == first
    assert (first["calls"], first["applications"]) == (2, 43)


def test_the_closed_call_has_the_designed_applications(demo):
    closed = Counter(Application.objects.filter(call__slug=CLOSED).values_list("state", flat=True))
    opened = Counter(Application.objects.filter(call__slug=OPEN).values_list("state", flat=True))
    # The 28 eligible ones went through review to the panel; six were funded by both funders.
    assert dict(closed) == {
        "at_panel": 22,
        "funded": 6,
        "ineligible": 5,
        "submitted": 3,
        "withdrawn": 3,
    }
    assert dict(opened) == {"draft": 4}

    # Every submitted application has a snapshot of the version both leads signed.
    submitted = Application.objects.filter(submitted_at__isnull=False)
    assert submitted.count() == 28 + 5 + 3 + 2  # two were withdrawn after submission
    for application in submitted:
        snapshot = Snapshot.objects.get(application=application)
        leads = {
            m.country: m.person_id for m in application.members.all() if m.role == MemberRole.LEAD
        }
        assert sorted(leads) == ["GB", "KR"]
        assert snapshot.data["signed_by"] == sorted(leads.values())
        assert application.submitted_at <= application.call.closes_at

    # A lead on each side; nobody leads two applications.
    leads = TeamMember.objects.filter(role=MemberRole.LEAD)
    assert Counter(leads.values_list("country", flat=True)) == {"GB": 43, "KR": 43}
    assert max(Counter(leads.values_list("person_id", flat=True)).values()) == 1

    # The officer's decisions agree with the rules; each ineligible one fails for a real reason.
    for application in Application.objects.filter(
        call__slug=CLOSED, submitted_at__isnull=False
    ).exclude(state__in=[ApplicationState.SUBMITTED, ApplicationState.WITHDRAWN]):
        failing = sorted(line.key for line in evaluate_application(application) if not line.passed)
        assert (application.state != ApplicationState.INELIGIBLE) == (failing == []), (
            application.reference
        )
    reasons = sorted(
        line.key
        for application in Application.objects.filter(state=ApplicationState.INELIGIBLE)
        for line in evaluate_application(application)
        if not line.passed
    )
    assert reasons == [
        "duration",
        "emerging-leaders",
        "emerging-leaders",
        "hosts-kr",
        "hosts-uk",
        "korean-summary",
        "max-request-kr",
    ]


def test_no_application_in_the_closed_call_is_editable_and_the_open_call_takes_new_ones(demo):
    closed = Application.objects.filter(call__slug=CLOSED)
    assert closed.filter(state__in=EDITABLE_STATES).count() == 0
    for application in closed:
        lead = application.members.get(role=MemberRole.LEAD, country="GB").person.user
        assert lead.has_perm("applications.change_application", application) is False
        with pytest.raises(ApplicationError):
            update_application(
                application=application,
                expected_version=application.version,
                values={"title_en": "x"},
                areas=None,
                actor=lead,
            )
    # The open call (fixed dates: 1 September 2026 – 31 March 2027) takes the demo applicant's application.
    open_call, closed_call = Call.objects.get(slug=OPEN), Call.objects.get(slug=CLOSED)
    assert (call_is_open(open_call, IN_OPEN_CALL), call_is_open(closed_call, IN_OPEN_CALL)) == (
        True,
        False,
    )
    application = start_application(
        call=open_call,
        user=User.objects.get(username="applicant-uk"),
        title_en="My idea",
        now=IN_OPEN_CALL,
    )
    assert application.members.get().person.slug == "demo-uk-applicant"


def test_the_closed_call_went_through_review_panel_and_decisions(demo):
    from accord.decisions.models import Award, Decision
    from accord.decisions.selectors.opendata import open_data_errors, published_package
    from accord.review.models import Assignment, Review

    call = Call.objects.get(slug=CLOSED)
    assignments = Assignment.objects.filter(call=call)
    assert assignments.count() == 28 * call.reviewers_per_application
    for application_id in set(assignments.values_list("application_id", flat=True)):
        countries = set(
            assignments.filter(application_id=application_id).values_list(
                "reviewer__country", flat=True
            )
        )
        assert countries == {"GB", "KR"}
    # every review but the two demo reviewers' (one per side) is in
    demo_reviewers = [
        User.objects.get(username=name).person for name in ("reviewer", "reviewer-kr")
    ]
    assert sorted(p.country for p in demo_reviewers) == ["GB", "KR"]
    left = assignments.filter(reviewer__in=demo_reviewers)
    assert left.count() >= 2
    assert (
        Review.objects.filter(assignment__call=call, state="submitted").count()
        == assignments.count() - left.count()
    )
    # the demo panel member sits on the panel and sees the calibrated ranking
    panel = User.objects.get(username="panel")
    assert panel.person in call.panel.all()
    awards = Award.objects.filter(application__call=call)
    assert awards.count() == 6
    assert all(sorted(a.sides.values_list("country", flat=True)) == ["GB", "KR"] for a in awards)
    # one disagreement left to reconcile: GB approved, KR declined
    split = Decision.objects.exclude(application__award__isnull=False).filter(
        application__call=call
    )
    assert sorted(split.values_list("country", "verdict")) == [("GB", "approve"), ("KR", "decline")]
    assert open_data_errors(published_package()) == []
    assert len(published_package()["grants"]) == 12


def test_the_story_accounts_have_reviews_to_answer_and_an_award(demo):
    """applicant-reviews leads the Korean side of an application at the panel whose reviews are
    open to its team; applicant-funded leads the UK side of a funded one with an award."""
    from accord.decisions.models import Award
    from accord.review.selectors.reviews import response_stage, submitted_reviews

    reviews_user = User.objects.get(username="applicant-reviews")
    funded_user = User.objects.get(username="applicant-funded")
    assert (reviews_user.preferred_language, funded_user.preferred_language) == ("ko", "en")
    assert reviews_user.check_password("accord-applicant-reviews")
    assert funded_user.check_password("accord-applicant-funded")

    answering = Application.objects.get(reference="UK-ROK-ICA-2025-0017")
    assert answering.state == ApplicationState.AT_PANEL
    assert answering.members.get(role=MemberRole.LEAD, country="KR").person == reviews_user.person
    assert response_stage(answering.call) == "open"
    assert submitted_reviews([answering.pk]).count() == 3

    funded = Application.objects.get(reference="UK-ROK-ICA-2025-0022")
    assert funded.state == ApplicationState.FUNDED
    assert funded.members.get(role=MemberRole.LEAD, country="GB").person == funded_user.person
    assert Award.objects.filter(application=funded).count() == 1
    # the people the demo accounts took over have no second account
    assert not User.objects.filter(username__in=["jeon-haneul", "grant-eilidh"]).exists()


def test_the_demo_writes_only_through_audited_services(demo):
    """The superuser flag, the matching and assignment runs and the panel each leave an entry."""
    from django.contrib.contenttypes.models import ContentType

    from accord.accounts.enums import Role
    from accord.matching.models import MatchRun
    from accord.review.models import AssignmentRun

    def entries(model, pk):
        return AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
        )

    admin = User.objects.get(role_grants__role=Role.ADMIN)
    assert admin.is_superuser
    assert entries(User, admin.pk).get(action="create").after["is_superuser"] is True
    runs = [*MatchRun.objects.all(), *AssignmentRun.objects.all()]
    assert len(runs) >= 2
    for run in runs:
        assert entries(type(run), run.pk).filter(action="create").count() == 1, run
    call = Call.objects.get(slug=CLOSED)
    panel = sorted(call.panel.values_list("pk", flat=True))
    assert panel  # the demo panel member and two UK reviewers (one may be both)
    [entry] = entries(Call, call.pk).filter(action="update", after__has_key="panel")
    assert entry.after["panel"] == panel
