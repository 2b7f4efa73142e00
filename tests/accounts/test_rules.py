import pytest
from django.core.exceptions import ValidationError

from accord.accounts.enums import Role
from accord.accounts.models import RoleGrant
from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_audit_permission_per_role(role):
    funder = OrganisationFactory(kind="funder") if role == Role.OFFICER else None
    user = UserFactory(roles=[(role, funder)])
    expected = role in {Role.SECRETARIAT, Role.OFFICER, Role.ADMIN}
    assert user.has_perm("common.view_audit_log") is expected


def test_anonymous_has_no_permission():
    from django.contrib.auth.models import AnonymousUser

    assert AnonymousUser().has_perm("common.view_audit_log") is False


def test_officer_must_be_bound_to_a_funder():
    grant = RoleGrant(user=UserFactory(), role=Role.OFFICER)
    with pytest.raises(ValidationError, match="bound to one funder"):
        grant.full_clean()


def test_officer_funder_ids():
    rs, nrf = OrganisationFactory(kind="funder"), OrganisationFactory(kind="funder")
    user = UserFactory(roles=[(Role.OFFICER, rs), (Role.REVIEWER, None)])
    assert user.funder_ids() == {rs.pk}
    assert nrf.pk not in user.funder_ids()
