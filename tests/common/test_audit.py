import pytest
from django.db import transaction

from accord.common.models import AppendOnlyError, AuditEntry
from accord.common.services.audit import log_action, save_with_audit
from accord.directory.models import Organisation
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_create_and_update_are_audited_with_before_and_after():
    actor = UserFactory()
    org, written = save_with_audit(
        Organisation(slug="x"),
        actor=actor,
        values={"name_en": "X Univ", "country": "GB", "kind": "university"},
    )
    assert written is True
    save_with_audit(org, actor=actor, values={"name_en": "X University"})
    created, updated = AuditEntry.objects.order_by("id")
    assert (created.action, created.actor, created.after["name_en"]) == ("create", actor, "X Univ")
    assert (updated.action, updated.before, updated.after) == (
        "update",
        {"name_en": "X Univ"},
        {"name_en": "X University"},
    )


def test_no_change_writes_nothing():
    org = OrganisationFactory(name_en="Same")
    _, written = save_with_audit(org, actor=None, values={"name_en": "Same"})
    assert written is False
    assert AuditEntry.objects.count() == 0


def test_invalid_values_write_nothing():
    org = OrganisationFactory(ror_id="")
    with pytest.raises(Exception, match="ROR"):
        save_with_audit(org, actor=None, values={"ror_id": "not-a-ror"})
    org.refresh_from_db()
    assert org.ror_id == ""
    assert AuditEntry.objects.count() == 0


def test_entries_are_append_only():
    org = OrganisationFactory()
    with transaction.atomic():
        entry = log_action(
            actor=None, action="update", instance=org, before={"a": 1}, after={"a": 2}
        )
    entry.reason = "rewrite history"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == ""


@pytest.mark.django_db(transaction=True)
def test_log_action_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        log_action(actor=None, action="update", instance=OrganisationFactory())
