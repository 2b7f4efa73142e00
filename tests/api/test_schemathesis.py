# ruff: noqa: F811 -- pytest fixtures imported from the shared conftest modules are parameters
"""Schemathesis over the whole API schema, as each role (a read-and-write token each) and anonymous.

Every generated request is sent twice: as generated (path parameters are random, so mostly
"not found"), and with the path parameters of the objects below (a call, an application at panel,
a published award), so each role also reaches the 200, 400 and 403 answers. Checks: no server
error, no undocumented status code or content type, every body valid against the schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accord.accounts.enums import Role
from accord.api.models import TokenScope
from accord.api.services.tokens import create_token
from accord.config.wsgi import application as wsgi_app
from accord.decisions.models import Award
from accord.review.models import Assignment
from tests.applications.conftest import (  # noqa: F401 -- fixtures shared with the applications tests
    call,
    funding,
    nrf_officer,
    rs_officer,
)
from tests.decisions.conftest import approve, at_panel, lead_user
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "applicant", "reviewer", "panel", "officer", "secretariat", "admin"]


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Requests go through the WSGI handler, whose request signals close the database connection
    (the test's transaction with it); Django's own test client unhooks them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(call, rs_officer, nrf_officer, wsgi_keeps_the_test_connection):
    """One call with an application at panel (reviewed) and a published award; a token per role."""
    at_panel_app = at_panel(call, merit=5, reference="ICA-2025-0001", title_en="At panel")
    awarded = at_panel(call, merit=4, reference="ICA-2025-0002", title_en="Awarded")
    approve(awarded, rs_officer, "GB")
    approve(awarded, nrf_officer, "KR")
    assert Award.objects.filter(application=awarded, published=True).exists()
    reviewer_person = Assignment.objects.get(application=at_panel_app).reviewer
    panel = UserFactory(roles=[(Role.PANEL, None)], person=awarded.members.first().person)
    call.panel.add(panel.person)
    users = {
        "applicant": (lead_user(at_panel_app, "GB"), Role.APPLICANT),
        "reviewer": (
            UserFactory(roles=[(Role.REVIEWER, None)], person=reviewer_person),
            Role.REVIEWER,
        ),
        "panel": (panel, Role.PANEL),
        "officer": (rs_officer, Role.OFFICER),
        "secretariat": (UserFactory(roles=[(Role.SECRETARIAT, None)]), Role.SECRETARIAT),
        "admin": (UserFactory(is_superuser=True, roles=[(Role.ADMIN, None)]), Role.ADMIN),
    }
    headers = {"anonymous": {}}
    for name, (user, role) in users.items():
        new = create_token(
            user=user, name="fuzz", role=role, scope=TokenScope.WRITE, days=1, actor=user
        )
        headers[name] = {"Authorization": f"Bearer {new.secret}"}
    known = {"slug": call.slug, "reference": at_panel_app.reference}
    return headers, known


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_as_each_role(case, role, world):
    headers, known = world
    case.call_and_validate(headers=headers[role], checks=CHECKS)
    if case.path_parameters:
        for name in case.path_parameters:
            if name in known:
                case.path_parameters[name] = known[name]
        case.call_and_validate(headers=headers[role], checks=CHECKS)
