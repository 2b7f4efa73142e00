"""Submission: the deadline to the second in both time zones and across daylight saving, officer
extensions, the two-lead sign-off, the immutable snapshot and optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.applications.enums import ApplicationState, DocumentKind, MemberRole
from accord.applications.errors import ApplicationError, ConcurrentEditError, TransitionError
from accord.applications.models import Snapshot
from accord.applications.selectors.lifecycle import missing_signatures
from accord.applications.services.documents import upload_document
from accord.applications.services.drafting import start_application, update_application
from accord.applications.services.lifecycle import grant_extension, sign_off, transition_application
from accord.common.models import AppendOnlyError, AuditAction, AuditEntry
from tests.applications.conftest import (
    CLOSES,
    LONDON,
    SEOUL,
    add_member,
    fill_in,
    fresh,
    make_call,
    make_researcher,
    pdf_bytes,
    ready_application,
    set_budget,
    sign_both,
)

pytestmark = pytest.mark.django_db

SECOND = dt.timedelta(seconds=1)
UTC = dt.UTC


def submit(application, actor, now):
    return transition_application(
        application=application, to=ApplicationState.SUBMITTED, actor=actor, now=now
    )


# ------------------------------------------------------------------ deadline, to the second


def test_submission_at_exactly_the_deadline_succeeds(signed, uk_lead):
    submitted = submit(signed, uk_lead, CLOSES)
    assert (submitted.state, submitted.submitted_at) == ("submitted", CLOSES)


def test_submission_one_second_late_is_refused_and_nothing_changes(signed, uk_lead):
    with pytest.raises(TransitionError) as refused:
        submit(signed, uk_lead, CLOSES + SECOND)
    assert (refused.value.code, refused.value.messages) == (
        "deadline",
        ["The deadline has passed; the application was not submitted."],
    )
    stored = fresh(signed)
    assert (stored.state, stored.submitted_at, Snapshot.objects.count()) == ("draft", None, 0)


@pytest.mark.parametrize(
    "call_zone", [LONDON, SEOUL], ids=["closes-17h-London", "closes-17h-Seoul"]
)
@pytest.mark.parametrize(
    "clock_zone", [LONDON, SEOUL, UTC], ids=["clock-London", "clock-Seoul", "clock-UTC"]
)
def test_deadline_is_one_instant_whatever_the_zones(funding, call_zone, clock_zone):
    closes = dt.datetime(2025, 4, 30, 17, 0, tzinfo=call_zone)
    call = make_call(closes_at=closes)
    uk = make_researcher(country="GB", org="imperial")
    kr = make_researcher(country="KR", org="kaist")
    on_time, late = (
        ready_application(call, uk, kr),
        ready_application(
            call,
            make_researcher(country="GB", org="cambridge"),
            make_researcher(country="KR", org="kribb"),
        ),
    )
    boundary = closes.astimezone(clock_zone)  # the same instant, read on another clock

    assert submit(on_time, uk, boundary).state == "submitted"
    with pytest.raises(TransitionError, match="deadline has passed"):
        submit(late, uk, boundary + SECOND)


def test_seoul_deadline_is_eight_hours_before_the_london_one_in_summer(funding):
    """17:00 in Seoul is 09:00 in London in British Summer Time: a London applicant at 10:00 is late."""
    call = make_call(closes_at=dt.datetime(2025, 4, 30, 17, 0, tzinfo=SEOUL))
    uk, kr = (
        make_researcher(country="GB", org="imperial"),
        make_researcher(country="KR", org="kaist"),
    )
    application = ready_application(call, uk, kr)
    with pytest.raises(TransitionError, match="deadline has passed"):
        submit(application, uk, dt.datetime(2025, 4, 30, 9, 0, 1, tzinfo=LONDON))
    assert (
        submit(application, uk, dt.datetime(2025, 4, 30, 9, 0, 0, tzinfo=LONDON)).state
        == "submitted"
    )


@pytest.mark.parametrize(
    ("closes", "utc_boundary"),
    [
        (
            dt.datetime(2024, 3, 31, 17, 0, tzinfo=LONDON),
            dt.datetime(2024, 3, 31, 16, 0, tzinfo=UTC),
        ),  # clocks went forward at 01:00
        (
            dt.datetime(2024, 10, 27, 17, 0, tzinfo=LONDON),
            dt.datetime(2024, 10, 27, 17, 0, tzinfo=UTC),
        ),  # clocks went back at 02:00
    ],
    ids=["spring-forward", "autumn-back"],
)
@pytest.mark.parametrize(
    ("offset", "accepted"), [(-1, True), (0, True), (1, False)], ids=["1s-before", "at", "1s-after"]
)
def test_deadline_on_a_daylight_saving_day(funding, closes, utc_boundary, offset, accepted):
    call = make_call(opens_at=closes - dt.timedelta(days=60), closes_at=closes)
    assert call.closes_at == utc_boundary
    uk, kr = (
        make_researcher(country="GB", org="imperial"),
        make_researcher(country="KR", org="kaist"),
    )
    application = start_application(
        call=call, user=uk, title_en="Daylight saving", now=closes - dt.timedelta(days=1)
    )
    add_member(application, kr, role=MemberRole.LEAD, by=uk)
    fill_in(application, uk)
    set_budget(application, uk)
    sign_both(application, uk, kr)
    now = utc_boundary + offset * SECOND
    if accepted:
        assert submit(application, uk, now).state == "submitted"
    else:
        with pytest.raises(TransitionError, match="deadline has passed"):
            submit(application, uk, now)
        assert fresh(application).state == "draft"


# ------------------------------------------------------------------ extensions


def test_extension_lets_that_application_submit_late_but_not_another(
    call, signed, uk_lead, rs_officer
):
    other_uk, other_kr = (
        make_researcher(country="GB", org="cambridge"),
        make_researcher(country="KR", org="kribb"),
    )
    other = ready_application(call, other_uk, other_kr)
    until = CLOSES + dt.timedelta(days=2)

    grant_extension(
        application=signed, until=until, reason="Flood at the host institution", actor=rs_officer
    )

    late = CLOSES + dt.timedelta(days=1)
    assert submit(signed, uk_lead, late).state == "submitted"
    with pytest.raises(TransitionError, match="deadline has passed"):
        submit(other, other_uk, late)
    entry = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(signed.pk), reason="Flood at the host institution"
    ).get()
    assert (entry.actor, entry.before, entry.after) == (
        rs_officer,
        {"deadline_extension": None},
        {"deadline_extension": until.isoformat()},
    )


def test_extended_deadline_holds_to_the_second(signed, uk_lead, rs_officer):
    until = CLOSES + dt.timedelta(days=2)
    grant_extension(application=signed, until=until, reason="Illness", actor=rs_officer)
    with pytest.raises(TransitionError, match="deadline has passed"):
        submit(signed, uk_lead, until + SECOND)
    assert submit(signed, uk_lead, until).state == "submitted"


@pytest.mark.parametrize(
    ("until", "reason", "code"),
    [
        (CLOSES + dt.timedelta(days=1), "  ", "reason"),
        (CLOSES, "Illness", "too_early"),
        (CLOSES - dt.timedelta(hours=1), "Illness", "too_early"),
    ],
    ids=["no-reason", "at-deadline", "before-deadline"],
)
def test_extension_is_refused_without_reason_or_before_the_deadline(
    signed, rs_officer, until, reason, code
):
    entries = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as refused:
        grant_extension(application=signed, until=until, reason=reason, actor=rs_officer)
    assert refused.value.code == code
    assert fresh(signed).deadline_extension is None
    assert AuditEntry.objects.count() == entries


# ------------------------------------------------------------------ two-lead sign-off


def test_one_signature_is_not_enough_and_the_error_names_the_missing_side(call, uk_lead, kr_lead):
    application = ready_application(call, uk_lead, kr_lead)
    update_application(
        application=application,
        expected_version=fresh(application).version,
        values={"keywords": "HfZrO2"},
        areas=None,
        actor=uk_lead,
    )
    sign_off(application=application, user=uk_lead, version=fresh(application).version)

    with pytest.raises(TransitionError) as refused:
        submit(application, uk_lead, CLOSES)
    assert (refused.value.code, refused.value.messages) == (
        "unsigned",
        ["Both leads must sign the current version first. Still to sign: KR."],
    )
    assert fresh(application).state == "draft"


def test_no_signature_names_both_sides(draft, uk_lead):
    with pytest.raises(TransitionError) as refused:
        submit(draft, uk_lead, CLOSES)
    assert refused.value.messages == [
        "Both leads must sign the current version first. Still to sign: GB, KR."
    ]


def test_both_leads_signed_then_submit_works(signed, kr_lead):
    assert missing_signatures(signed) == []
    assert submit(signed, kr_lead, CLOSES).state == "submitted"


def _edit(application, actor):
    update_application(
        application=application,
        expected_version=fresh(application).version,
        values={"keywords": "memory"},
        areas=None,
        actor=actor,
    )


def _budget(application, actor):
    set_budget(application, actor, gbp=199000)


def _upload(application, actor):
    upload_document(
        application=application,
        kind=DocumentKind.CASE,
        name="case.pdf",
        data=pdf_bytes(2),
        actor=actor,
    )


def _new_member(application, actor):
    add_member(application, make_researcher(country="GB", org="imperial"), by=actor)


@pytest.mark.parametrize(
    "change",
    [_edit, _budget, _upload, _new_member],
    ids=["edit", "budget", "document", "invitation-accepted"],
)
def test_a_change_after_signing_voids_the_signatures(
    signed, uk_lead, kr_lead, change, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    version = signed.version

    change(signed, uk_lead)

    changed = fresh(signed)
    assert changed.version == version + 1
    assert missing_signatures(changed) == ["GB", "KR"]
    with pytest.raises(TransitionError, match="Still to sign: GB, KR"):
        submit(changed, uk_lead, CLOSES)
    with pytest.raises(ApplicationError) as stale:
        sign_off(application=changed, user=kr_lead, version=version)
    assert (stale.value.code, stale.value.messages) == (
        "stale_version",
        [
            f"The application changed after you opened it (now version {version + 1}). Read it again and sign the current version."
        ],
    )
    assert submit(sign_both(changed, uk_lead, kr_lead), uk_lead, CLOSES).state == "submitted"


def test_a_co_investigator_cannot_sign(signed, uk_lead):
    colleague = make_researcher(country="GB", org="imperial")
    add_member(signed, colleague, by=uk_lead)
    with pytest.raises(ApplicationError) as refused:
        sign_off(application=signed, user=colleague, version=fresh(signed).version)
    assert (
        refused.value.code,
        fresh(signed).signoffs.filter(member__person=colleague.person).count(),
    ) == ("not_lead", 0)


def test_signing_is_audited_once_per_version(draft, uk_lead):
    sign_off(application=draft, user=uk_lead, version=draft.version)
    sign_off(application=draft, user=uk_lead, version=draft.version)  # the same signature again
    entries = AuditEntry.objects.filter(object_id=str(draft.pk), after__has_key="signed_by")
    assert [e.after for e in entries] == [
        {"signed_by": uk_lead.person_id, "version": draft.version}
    ]


# ------------------------------------------------------------------ snapshot and immutability


def test_submitted_version_is_an_immutable_snapshot(signed, uk_lead, kr_lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload_document(
        application=signed,
        kind=DocumentKind.CASE,
        name="case.pdf",
        data=pdf_bytes(3),
        actor=uk_lead,
    )
    application = sign_both(signed, uk_lead, kr_lead)

    submit(application, uk_lead, CLOSES)

    snapshot = Snapshot.objects.get(application=application)
    data = snapshot.data
    members = sorted((m["role"], m["country"], m["name"]) for m in data["members"])
    assert (
        snapshot.version,
        data["title_en"],
        data["title_ko"],
        data["duration_months"],
        data["areas"],
    ) == (
        application.version,
        "Ferroelectric memory for edge AI",
        "엣지 AI를 위한 강유전 메모리",
        36,
        ["semiconductors"],
    )
    assert members == [("lead", "GB", "Alice Hart"), ("lead", "KR", "Kim Minseo")]
    assert [(line["country"], line["amount"], line["currency"]) for line in data["budget"]] == [
        ("GB", "200000.00", "GBP"),
        ("KR", "500000000.00", "KRW"),
    ]
    assert [(d["kind"], d["name"], d["pages"]) for d in data["documents"]] == [
        ("case", "case.pdf", 3)
    ]
    assert data["signed_by"] == sorted([uk_lead.person_id, kr_lead.person_id])

    snapshot.data = {"title_en": "rewritten"}
    with pytest.raises(AppendOnlyError):
        snapshot.save()
    with pytest.raises(AppendOnlyError):
        snapshot.delete()
    assert (
        Snapshot.objects.get(pk=snapshot.pk).data["title_en"] == "Ferroelectric memory for edge AI"
    )


def test_a_submitted_application_cannot_be_edited(signed, uk_lead):
    submitted = submit(signed, uk_lead, CLOSES)
    with pytest.raises(ApplicationError) as refused:
        update_application(
            application=submitted,
            expected_version=submitted.version,
            values={"title_en": "Changed"},
            areas=None,
            actor=uk_lead,
        )
    assert (refused.value.code, refused.value.messages) == (
        "not_editable",
        ["This application is submitted and can no longer be changed."],
    )
    assert fresh(signed).title_en == "Ferroelectric memory for edge AI"


# ------------------------------------------------------------------ optimistic locking


def test_second_editor_of_the_same_version_is_refused_and_the_first_text_stays(
    draft, uk_lead, kr_lead
):
    opened = draft.version  # both editors open version N

    update_application(
        application=draft,
        expected_version=opened,
        values={"summary_en": "First editor's text."},
        areas=None,
        actor=uk_lead,
    )
    with pytest.raises(ConcurrentEditError) as refused:
        update_application(
            application=draft,
            expected_version=opened,
            values={"summary_en": "Second editor's text."},
            areas=None,
            actor=kr_lead,
        )

    assert refused.value.code == "concurrent_edit"
    assert refused.value.messages == [
        f"Someone else saved this application while you were editing it (version {opened + 1}, yours {opened}). "
        "Your text is kept below: compare it with theirs and save again."
    ]
    stored = fresh(draft)
    assert (stored.summary_en, stored.version) == ("First editor's text.", opened + 1)


def test_saving_unchanged_values_does_not_bump_the_version(draft, uk_lead):
    update_application(
        application=draft,
        expected_version=draft.version,
        values={"title_en": draft.title_en},
        areas=None,
        actor=uk_lead,
    )
    assert fresh(draft).version == draft.version


def test_only_a_calls_officer_may_extend_a_deadline(signed):
    from django.core.exceptions import PermissionDenied

    from tests.factories.applications import CallFactory, make_applicant, make_officer

    until = signed.call.closes_at + dt.timedelta(days=2)
    for stranger in (make_officer(CallFactory().sides.first().funder), make_applicant()):
        with pytest.raises(PermissionDenied):
            grant_extension(application=signed, until=until, reason="Because", actor=stranger)
    signed.refresh_from_db()
    assert signed.deadline_extension is None
