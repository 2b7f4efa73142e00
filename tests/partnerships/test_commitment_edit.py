"""The secretariat updates a commitment's status and evidence (audited); overdue commitments are flagged."""

import datetime as dt

import pytest
from django.urls import reverse

from accord.accounts.enums import Role
from accord.common.models import AuditEntry
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory
from tests.factories.partnerships import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    return CommitmentFactory(
        status="in_progress",
        due=dt.date(2025, 3, 31),
        evidence=[
            {"title": "Joint statement", "url": "https://example.org/a", "date": "2024-01-10"}
        ],
    )


def edit_url(c):
    return reverse("partnerships:commitment_edit", args=[c.instrument.partnership.slug, c.slug])


def tracker(c):
    return reverse("partnerships:commitments", args=[c.instrument.partnership.slug])


def test_secretariat_sets_status_adds_and_removes_evidence_audited(client, commitment):
    client.force_login(UserFactory(roles=[(Role.SECRETARIAT, None)]))
    response = client.post(
        edit_url(commitment),
        {
            "status": "delivered",
            "evidence_title": "First joint call awarded",
            "evidence_url": "https://example.org/awards",
            "evidence_date": "2025-10-01",
            "remove": ["0"],
            "reason": "Awards published.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{tracker(commitment)}#commitment-{commitment.slug}"
    commitment.refresh_from_db()
    assert commitment.status == "delivered"
    assert commitment.evidence == [
        {
            "title": "First joint call awarded",
            "url": "https://example.org/awards",
            "date": "2025-10-01",
        }
    ]
    entry = AuditEntry.objects.filter(object_id=str(commitment.pk)).latest("pk")
    assert entry.before["status"] == "in_progress" and entry.after["status"] == "delivered"
    assert entry.reason == "Awards published."


def test_evidence_needs_a_title(client, commitment):
    client.force_login(UserFactory(roles=[(Role.SECRETARIAT, None)]))
    response = client.post(
        edit_url(commitment), {"status": "delivered", "evidence_url": "https://x.org"}
    )
    assert response.status_code == 200
    assert "Give the evidence a title." in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


@pytest.mark.parametrize(
    "roles",
    [
        [],
        [(Role.APPLICANT, None)],
        [(Role.REVIEWER, None)],
        [(Role.PANEL, None)],
        [(Role.OFFICER, "f")],
    ],
)
def test_other_roles_get_404(client, commitment, roles):
    funder = OrganisationFactory(kind="funder")
    client.force_login(UserFactory(roles=[(r, funder if f else None) for r, f in roles]))
    assert client.get(edit_url(commitment)).status_code == 404
    assert client.post(edit_url(commitment), {"status": "delivered"}).status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    assert "Update</a>" not in client.get(tracker(commitment)).content.decode()


def test_overdue_commitments_are_flagged(client, commitment):
    done = CommitmentFactory(
        instrument=commitment.instrument, status="delivered", due=dt.date(2025, 3, 31)
    )
    later = CommitmentFactory(
        instrument=commitment.instrument, status="planned", due=dt.date(2999, 1, 1)
    )
    assert (commitment.overdue, done.overdue, later.overdue) == (True, False, False)
    html = client.get(tracker(commitment)).content.decode()
    row = html.split(f'id="commitment-{commitment.slug}"')[1].split("</tr>")[0]
    assert '<span class="tag overdue">Overdue</span>' in row
    assert "overdue" not in html.split(f'id="commitment-{done.slug}"')[1].split("</tr>")[0]
