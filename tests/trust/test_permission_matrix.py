"""The permission matrix: every route of the URL resolver (pages, the admin site and the API under
/api/) × GET and POST (and PUT for the API's write operations) × every role and side, against ONE declared policy table
(``tests/trust/policy_table.py``).

A route that is not in the table fails. Forbidden-by-existence answers 404. The world contains
what would leak if a check were missing — a panel-only comment, a reviewer's name, the other
side's budget line, a draft's title — and no response to a role that may not see them contains
them. Every request runs in a savepoint that is rolled back, so a POST that succeeds changes
nothing for the next cell; the world is built once per class (``setUpTestData``).

Run: ``pytest tests/trust/test_permission_matrix.py`` (add ``ACCORD_DATABASE_URL=postgres://…``
for PostgreSQL). To see what the site answers today (when adding a route), set
``ACCORD_WRITE_POLICY_TABLE=/tmp/observed.py`` and compare it with the declared table.
"""

from __future__ import annotations

import json
import os
import pprint
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver

from accord.accounts.enums import Role
from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.models import FunderCheck
from accord.applications.services.budget import save_budget
from accord.applications.services.documents import upload_document
from accord.applications.services.lifecycle import transition_application
from accord.applications.services.team import invite_member
from accord.directory.models import Organisation
from accord.matching.models import Conflict
from accord.partnerships.models import Partnership
from accord.partnerships.services.reference import load_reference
from accord.programmes.models import Programme
from accord.review.enums import AssignmentState, InvitationState, ReviewState
from accord.review.models import Assignment, ConflictDeclaration, Review, ReviewerInvitation
from tests.applications.conftest import (
    BEFORE_CLOSE,
    add_member,
    budget_line,
    fill_in,
    fresh,
    funding_reference_text,
    make_call,
    make_researcher,
    officer_of,
    pdf_bytes,
    ready_application,
    set_budget,
    sign_both,
    start_team,
)
from tests.factories.accounts import UserFactory
from tests.factories.directory import PublicationFactory
from tests.factories.partnerships import CommitmentFactory, InstrumentFactory
from tests.trust.policy_table import LEAKS, ROLES, expected

PANEL_ONLY = "PANEL-ONLY-COMMENT-7Q"
REVIEWER_NAME = "Zebulon Quillfeather"
KR_LINE = "KR-ONLY-COST-LINE-7Q"
DRAFT_TITLE = "DRAFT-PRIVATE-TITLE-7Q"
MISSING = 987654  # a pk that exists nowhere: such routes answer 404 to everyone
# The API's write operations are PUTs: each is also tried with PUT and a valid body (on the KR side
# of the application in review: officer_b's own side, not officer_a's).
API_WRITES: dict[str, dict[str, Any]] = {
    "api:put_funder_check": {"status": "passed", "notes": "Checked."},
    "api:put_decision": {"verdict": "decline", "feedback_en": "No.", "feedback_ko": "아니요."},
}


def routes() -> list[tuple[str, str, Any]]:
    """(name, path pattern, callback) of every route, admin and API included."""
    found = []

    def walk(patterns: Any, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                path = prefix + str(p.pattern)
                # an unnamed route (the admin's redirects) is known by its path pattern
                name = ":".join(filter(None, [namespace, p.name])) if p.name else path
                found.append((name, path, p))

    walk(get_resolver().url_patterns, "", "")
    return found


def outcome(response: Any) -> str:
    code = response.status_code
    if code in (301, 302, 303):
        location = response.get("Location", "")
        if "/login/" in location:
            return "login"
        return "redirect"
    if code in (200, 201, 204):
        return "ok"
    return str(code)


class PermissionMatrix(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load_reference(text=funding_reference_text())
        w: dict[str, Any] = {}
        call = make_call()
        uk = make_researcher(country="GB", org="imperial", name_en="Alice Hart")
        kr = make_researcher(country="KR", org="kaist", name_en="Kim Minseo")
        member = make_researcher(country="GB", org="imperial", name_en="Tom Member")
        application = start_team(call, uk, kr)
        add_member(application, member, role=MemberRole.CO_INVESTIGATOR, by=uk)
        invite_member(
            application=application,
            email="someone@example.org",
            role="researcher",
            country="GB",
            actor=uk,
        )
        fill_in(application, uk)
        set_budget(application, uk)
        kaist = Organisation.objects.get(slug="kaist")
        current = fresh(application)
        save_budget(
            application=current,
            expected_version=current.version,
            actor=kr,
            country="KR",
            lines=[{**budget_line("KR", kaist, 500000000, "KRW"), "description": KR_LINE}],
        )
        upload_document(
            application=application, kind="case", name="case.pdf", data=pdf_bytes(1), actor=uk
        )
        application = sign_both(application, uk, kr)
        application = transition_application(
            application=application, to=ApplicationState.SUBMITTED, actor=uk, now=BEFORE_CLOSE
        )
        rs, nrf, kiat = officer_of("royal-society"), officer_of("nrf"), officer_of("kiat")
        for country in ("GB", "KR"):
            FunderCheck.objects.create(
                application=application, country=country, status=CheckStatus.PASSED
            )
        application = transition_application(
            application=application, to=ApplicationState.ELIGIBLE, actor=rs
        )
        application = transition_application(
            application=application, to=ApplicationState.IN_REVIEW, actor=rs
        )
        # a funded application of the same team: its award, with a payment schedule per side
        from accord.decisions.services.decisions import record_decision

        funded = ready_application(call, uk, kr)
        funded = transition_application(
            application=funded, to=ApplicationState.SUBMITTED, actor=uk, now=BEFORE_CLOSE
        )
        for country in ("GB", "KR"):
            FunderCheck.objects.create(
                application=funded, country=country, status=CheckStatus.PASSED
            )
        for state in (
            ApplicationState.ELIGIBLE,
            ApplicationState.IN_REVIEW,
            ApplicationState.AT_PANEL,
        ):
            funded = transition_application(application=funded, to=state, actor=rs)
        for country, officer in (("GB", rs), ("KR", nrf)):
            record_decision(
                application=fresh(funded),
                country=country,
                verdict="approve",
                amount=None,
                feedback_en="Funded.",
                feedback_ko="선정.",
                actor=officer,
            )
        award = fresh(funded).award
        from accord.decisions.services.awards import accept_award

        award = accept_award(award=award, actor=rs, on_behalf=True)  # public: in the open data
        # another team's draft in the same call
        other = make_researcher(country="GB", org="imperial", name_en="Olga Other")
        other_kr = make_researcher(country="KR", org="kaist", name_en="Park Other")
        start_team(call, other, other_kr, title=DRAFT_TITLE)
        # review: an assigned reviewer (with a panel-only comment), a conflicted one, a pool member
        reviewers = {}
        for role, name in (
            ("reviewer_assigned", REVIEWER_NAME),
            ("reviewer_conflicted", "Rita Conflicted"),
            ("reviewer_unassigned", "Ulla Unassigned"),
        ):
            user = make_researcher(country="GB", org="imperial", name_en=name)
            user.person.public_profile = False  # a reviewer who keeps their profile private
            user.person.save(update_fields=["public_profile"])
            user.role_grants.create(role=Role.REVIEWER)
            ReviewerInvitation.objects.create(
                call=call,
                person=user.person,
                state=InvitationState.ACCEPTED,
                due=BEFORE_CLOSE.date(),
                min_load=0,
                max_load=6,
            )
            reviewers[role] = user
        assignment = Assignment.objects.create(
            call=call,
            application=application,
            reviewer=reviewers["reviewer_assigned"].person,
            affinity=0.5,
            state=AssignmentState.PUBLISHED,
        )
        ConflictDeclaration.objects.create(assignment=assignment, has_conflict=False)
        Review.objects.create(
            assignment=assignment,
            state=ReviewState.SUBMITTED,
            scores={},
            confidence=4,
            comments_applicant="Clear plan.",
            comments_panel=PANEL_ONLY,
            submitted_at=BEFORE_CLOSE,
        )
        conflicted = Assignment.objects.create(
            call=call,
            application=application,
            reviewer=reviewers["reviewer_conflicted"].person,
            affinity=0.4,
            state=AssignmentState.PUBLISHED,
        )
        ConflictDeclaration.objects.create(
            assignment=conflicted, has_conflict=True, details="co-author"
        )
        panel = make_researcher(country="KR", org="kaist", name_en="Pan Member")
        panel_conflicted = make_researcher(country="GB", org="imperial", name_en="Pat Conflicted")
        for user in (panel, panel_conflicted):
            user.role_grants.create(role=Role.PANEL)
            call.panel.add(user.person)
        Conflict.objects.create(
            call=call,
            application=application,
            reviewer=panel_conflicted.person,
            type="coauthor",
            severity="hard",
            sentence="Co-authored a paper with the UK lead.",
            source="test",
        )
        publication = PublicationFactory(person=uk.person)
        w["users"] = {
            "anonymous": None,
            "uk_lead": uk,
            "kr_lead": kr,
            "team_member": member,
            "other_applicant": other,
            **reviewers,
            "panel_member": panel,
            "panel_conflicted": panel_conflicted,
            "officer_a": rs,
            "officer_b": nrf,
            "officer_unrelated": kiat,
            "secretariat": UserFactory(roles=[(Role.SECRETARIAT, None)]),
            "administrator": UserFactory(
                is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)]
            ),
        }
        assert set(w["users"]) == set(ROLES)
        invitation = application.invitations.first()
        w["kwargs"] = {
            "call_slug": call.slug,
            "reference": application.reference,
            "token": invitation.token,
            "assignment": assignment.pk,
            "document": application.documents.first().pk,
            "publication": publication.pk,
            "partnership": Partnership.objects.first().slug,
            "commitment": CommitmentFactory(
                instrument=InstrumentFactory(partnership=Partnership.objects.first())
            ).slug,
            "programme": Programme.objects.first().slug,
            "organisation": "imperial",
            "person": uk.person.slug,
            "award": award.reference,
            "letter": award.letters.first().pk if award.letters.exists() else MISSING,
            "review_invitation": ReviewerInvitation.objects.filter(
                person=reviewers["reviewer_unassigned"].person
            )
            .first()
            .pk,
        }
        cls.world = w

    def url_for(self, name: str, pattern: str) -> str | None:
        """The route's path with the world's objects in it (None: the route takes no sample)."""
        k = self.world["kwargs"]
        path = pattern.replace("^", "").replace("$", "").replace("\\Z", "")
        app = name.split(":")[0]
        slug = {
            "partnerships": k["partnership"],
            "programmes": k["programme"],
        }.get(app, k["call_slug"])
        if name == "directory:organisation":
            slug = k["organisation"]
        elif name == "directory:person":
            slug = k["person"]
        elif name == "decisions:delivery":
            slug = k["partnership"]
        pk = {
            "review:assignment": k["assignment"],
            "review:review": k["assignment"],
            "review:review_submit": k["assignment"],
            "review:document": k["assignment"],
            "review_assign:decline": k["assignment"],
            "review_assign:answer": k["review_invitation"],
            "applications:document": k["document"],
            "directory:my_publication_edit": k["publication"],
            "directory:my_publication_delete": k["publication"],
        }.get(name, MISSING)
        reference = (
            k["award"]
            if name in ("decisions:letter", "decisions:accept", "decisions:award")
            or name.startswith("decisions:award_")
            else k["reference"]
        )
        if name == "decisions:letter":
            pk = k["letter"]
        values = {
            "<slug:slug>": slug,
            "<slug:key>": k["commitment"],
            "<slug:rule>": "hosts-kr",  # a rule of the KR side (officer_b's, not officer_a's)
            "<str:reference>": reference,
            "<reference>": k["reference"],
            "<slug>": slug,
            "<int:pk>": pk,
            "<int:document>": k["document"],
            "<str:token>": k["token"],
            "<country>": "KR",
            "<uidb64>": "MQ",
            "<token>": "set-password",
        }
        for marker, value in values.items():
            path = path.replace(marker, str(value))
        if "<" in path or "(?P" in path:
            # admin object routes: the model's first object (the same on SQLite and PostgreSQL,
            # whose ids do not restart at 1), or an id that exists nowhere when it has none
            import re

            found = re.match(r"admin/(\w+)/(\w+)/", path)
            if found and ("<path:object_id>" in path or "<id>" in path):
                model = apps.get_model(*found.groups())
                first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
                path = re.sub(r"<path:object_id>|<id>", str(first or MISSING), path)
            path = re.sub(r"<path:object_id>|<id>|<path:content_type_id>", "1", path)
            path = re.sub(r"\(\?P<app_label>[^)]*\)", "directory", path)
            path = path.replace("(?P<url>.*)", "no-such-page/")
            if "<" in path or "(?P" in path:
                return None
        return "/" + path

    def check_role(self, role: str) -> None:
        user = self.world["users"][role]
        client = Client()
        if user is not None:
            client.force_login(user)
        # A request may sign the user out or set a language cookie; every cell starts as the role.
        cookies = {key: morsel.value for key, morsel in client.cookies.items()}
        problems: list[str] = []
        observed: dict[str, dict[str, str]] = {}
        for name, pattern, _callback in routes():
            url = self.url_for(name, pattern)
            if url is None:
                # A route the matrix cannot build a URL for is not tested at all: say so, so that
                # a new route with a new parameter gets a sample in url_for, not a silent pass.
                problems.append(
                    f"{name} ({pattern}) has no sample URL: add its parameter to url_for"
                )
                continue
            methods = ("GET", "POST", "PUT") if name in API_WRITES else ("GET", "POST")
            for method in methods:
                client.cookies.clear()
                for key, value in cookies.items():
                    client.cookies[key] = value
                with transaction.atomic():
                    if method == "PUT":
                        response = client.put(
                            url, data=json.dumps(API_WRITES[name]), content_type="application/json"
                        )
                    else:
                        response = getattr(client, method.lower())(url)
                    transaction.set_rollback(True)
                got = outcome(response)
                observed.setdefault(name, {})[method] = got
                want = expected(name, method, role)
                if want is None:
                    problems.append(f"{name} is not in the policy table (add it)")
                elif got != want:
                    problems.append(f"{method} {url} ({name}) as {role}: {got}, policy says {want}")
                body = b"" if getattr(response, "streaming", False) else response.content
                for marker, allowed in LEAKS.items():
                    if role not in allowed and marker.encode() in body:
                        problems.append(f"{method} {url} ({name}) shows {marker!r} to {role}")
        if os.environ.get("ACCORD_WRITE_POLICY_TABLE"):
            with open(f"{os.environ['ACCORD_WRITE_POLICY_TABLE']}.{role}", "w") as out:
                out.write(pprint.pformat(observed, width=120))
        assert not problems, "\n".join(sorted(set(problems)))


for _role in ROLES:

    def _test(self: PermissionMatrix, role: str = _role) -> None:
        self.check_role(role)

    setattr(PermissionMatrix, f"test_{_role}", _test)

_ = Decimal
