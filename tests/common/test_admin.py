import pytest
from django.urls import reverse

from accord.common.models import AuditEntry
from accord.directory.models import Organisation
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_admin_edit_is_audited(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    org = OrganisationFactory(name_en="Old", country="GB", kind="university")
    client.force_login(staff)
    url = reverse("admin:directory_organisation_change", args=[org.pk])
    response = client.post(
        url,
        {
            "slug": org.slug,
            "name_en": "New name",
            "name_ko": org.name_ko,
            "country": "GB",
            "kind": "university",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="update", object_id=str(org.pk))
    assert (entry.actor, entry.before, entry.after, entry.reason) == (
        staff,
        {"name_en": "Old"},
        {"name_en": "New name"},
        "admin",
    )
    assert Organisation.objects.get(pk=org.pk).name_en == "New name"


def test_non_staff_cannot_open_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:directory_organisation_changelist")).status_code == 302
