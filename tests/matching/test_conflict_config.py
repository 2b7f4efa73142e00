"""Per-call conflict-of-interest settings: reading Call.conflict_rules, the runs that use them,
and the officer's form on the call settings page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accord.common.models import AuditEntry
from accord.core.conflicts import ConflictConfig, ConflictType, Scope
from accord.matching.models import Conflict, MatchRun, RunState
from accord.matching.selectors.conflict_config import conflict_config_for, parse_conflict_rules
from accord.matching.services.conflict_config import set_conflict_rules
from accord.matching.services.runs import compute_matching
from accord.programmes.models import Call
from accord.programmes.services.calls import create_call_from_template
from tests.factories.applications import (
    CallFactory,
    make_joint_application,
    make_officer,
    make_researcher,
)
from tests.factories.directory import PublicationFactory

pytestmark = pytest.mark.django_db

ALL_BUT_COAUTHOR = [t.value for t in ConflictType if t is not ConflictType.COAUTHOR]


# ------------------------------------------------------------------ reading the JSON


def test_empty_settings_are_the_core_defaults():
    assert parse_conflict_rules({}) == ConflictConfig()
    assert parse_conflict_rules(None) == ConflictConfig()


def test_settings_override_the_defaults_key_by_key():
    config = parse_conflict_rules(
        {
            "rules": ["named_on_application", "family"],
            "coauthor_window_years": 3,
            "collaborator_window_years": 0,
            "fellowship_scheme": True,
            "supervision_window_years": None,
            "same_org_scope": {"GB": "department"},
        }
    )
    assert config == ConflictConfig(
        rules=frozenset({ConflictType.NAMED_ON_APPLICATION, ConflictType.FAMILY}),
        coauthor_window_years=3,
        collaborator_window_years=0,
        fellowship_scheme=True,
        same_org_scope={"GB": Scope.DEPARTMENT, "KR": Scope.DEPARTMENT},
    )
    assert config.supervision_window == 10


def test_a_side_not_named_keeps_its_default_scope():
    config = parse_conflict_rules({"same_org_scope": {"JP": "department"}})
    assert dict(config.same_org_scope) == {
        "GB": Scope.ORGANISATION,
        "KR": Scope.DEPARTMENT,
        "JP": Scope.DEPARTMENT,
    }


@pytest.mark.parametrize(
    ("data", "key", "message"),
    [
        (
            {"rules": ["coauthor", "rival"]},
            "rules",
            "Unknown conflict type rival; known: named_on_application, letter_of_support, "
            "same_organisation, coauthor, supervision, close_collaborator, family, household, "
            "named_by_applicant.",
        ),
        ({"rules": "coauthor"}, "rules", "rules must be a list of conflict types."),
        (
            {"coauthor_window_years": -1},
            "coauthor_window_years",
            "coauthor_window_years must be between 0 and 100 years, not -1.",
        ),
        (
            {"collaborator_window_years": "5"},
            "collaborator_window_years",
            "collaborator_window_years must be a whole number of years.",
        ),
        (
            {"supervision_window_years": True},
            "supervision_window_years",
            "supervision_window_years must be a whole number of years.",
        ),
        (
            {"fellowship_scheme": "yes"},
            "fellowship_scheme",
            "fellowship_scheme must be true or false.",
        ),
        (
            {"same_org_scope": {"KR": "faculty"}},
            "same_org_scope",
            "Unknown scope faculty for KR; use one of: organisation, department.",
        ),
        (
            {"same_org_scope": {"Korea": "department"}},
            "same_org_scope",
            "Korea is not a country code (two capital letters, e.g. GB).",
        ),
        (
            {"coauthor_years": 5},
            "coauthor_years",
            "Unknown conflict-of-interest setting coauthor_years; known: rules, "
            "coauthor_window_years, collaborator_window_years, fellowship_scheme, "
            "supervision_window_years, same_org_scope.",
        ),
    ],
    ids=[
        "unknown-type",
        "rules-not-a-list",
        "negative-window",
        "window-not-a-number",
        "window-a-boolean",
        "fellowship-not-a-boolean",
        "bad-scope",
        "bad-country",
        "unknown-key",
    ],
)
def test_bad_settings_name_the_key(data, key, message):
    with pytest.raises(ValidationError) as refused:
        parse_conflict_rules(data)
    assert refused.value.message_dict == {key: [message]}


def test_settings_that_are_not_an_object_are_refused():
    with pytest.raises(ValidationError) as refused:
        parse_conflict_rules(["coauthor"])
    assert refused.value.messages == ["The conflict-of-interest rules must be a JSON object."]


def test_service_stores_the_settings_in_full_and_audits_them():
    call = CallFactory()
    set_conflict_rules(call=call, rules={"coauthor_window_years": 3}, actor=None)
    call.refresh_from_db()
    assert call.conflict_rules == {
        "rules": [t.value for t in ConflictType],
        "coauthor_window_years": 3,
        "collaborator_window_years": 5,
        "fellowship_scheme": False,
        "supervision_window_years": None,
        "same_org_scope": {"GB": "organisation", "KR": "department"},
    }
    entry = AuditEntry.objects.get(object_id=str(call.pk), action="update")
    assert (entry.before, entry.after) == (
        {"conflict_rules": {}},
        {"conflict_rules": call.conflict_rules},
    )


def test_service_refuses_bad_settings_and_saves_nothing():
    call = CallFactory()
    with pytest.raises(ValidationError) as refused:
        set_conflict_rules(call=call, rules={"coauthor_window_years": -2}, actor=None)
    assert list(refused.value.message_dict) == ["coauthor_window_years"]
    call.refresh_from_db()
    assert call.conflict_rules == {}
    assert not AuditEntry.objects.filter(object_id=str(call.pk)).exists()


def test_ica_template_is_a_fellowship_type_scheme(reference):
    call = create_call_from_template(
        template="uk-rok-ica",
        slug="ica-round",
        name_en="2026 round",
        name_ko="2026년 공모",
        opens_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
        actor=None,
    )
    config = conflict_config_for(call)
    assert (config.fellowship_scheme, config.supervision_window) == (True, 10)


# ------------------------------------------------------------------ runs use the call's settings


@pytest.fixture
def coauthored():
    """A submitted application whose UK lead co-authored a 2024 paper with a Korean researcher."""
    call = CallFactory()
    application = make_joint_application(
        call=call,
        state="submitted",
        gb_lead=make_researcher("GB", name_en="Alex Morgan"),
        title_en="Silicon quantum dot spin qubits at wafer scale",
        summary_en="We fabricate silicon quantum dot arrays and measure spin qubit coherence.",
    )
    uk_lead = application.members.get(country="GB").person
    coauthor = make_researcher("KR", name_en="Close Coauthor")
    PublicationFactory(
        person=coauthor,
        title="Quantum dot charge sensing in silicon",
        year=2024,
        abstract="Charge sensing of silicon quantum dots.",
        coauthors=[uk_lead.name_en],
    )
    return call, application, coauthor


def test_default_call_flags_the_coauthor_and_a_call_without_the_rule_does_not(coauthored):
    call, application, coauthor = coauthored
    compute_matching(run=MatchRun.objects.create(call=call))
    assert list(
        Conflict.objects.filter(application=application, reviewer=coauthor).values_list(
            "type", "severity"
        )
    ) == [("coauthor", "hard")]

    Call.objects.filter(pk=call.pk).update(conflict_rules={"rules": ALL_BUT_COAUTHOR})
    run = compute_matching(run=MatchRun.objects.create(call=Call.objects.get(pk=call.pk)))
    assert run.state == RunState.DONE
    assert not Conflict.objects.filter(call=call, type="coauthor").exists()


def test_a_shorter_window_leaves_out_an_older_paper(coauthored):
    call, application, coauthor = coauthored
    closes = application.call.closes_at.year
    coauthor.publications.update(year=closes - 3)
    compute_matching(run=MatchRun.objects.create(call=call))
    assert Conflict.objects.filter(call=call, type="coauthor").count() == 1  # default: 5 years

    Call.objects.filter(pk=call.pk).update(conflict_rules={"coauthor_window_years": 2})
    compute_matching(run=MatchRun.objects.create(call=Call.objects.get(pk=call.pk)))
    assert not Conflict.objects.filter(call=call, type="coauthor").exists()


def test_a_run_with_unreadable_settings_fails_naming_the_key(coauthored):
    call, application, coauthor = coauthored
    Call.objects.filter(pk=call.pk).update(conflict_rules={"rules": ["rival"]})
    run = compute_matching(run=MatchRun.objects.create(call=Call.objects.get(pk=call.pk)))
    assert run.state == RunState.FAILED
    assert "rules" in run.message and "rival" in run.message


# ------------------------------------------------------------------ the officer's form


@pytest.fixture
def officer_call():
    call = CallFactory()
    return call, make_officer(call.sides.get(country="GB").funder)


def settings_url(call):
    return reverse("manage:call_settings", args=[call.slug])


def conflicts_url(call):
    return reverse("manage:call_conflicts_save", args=[call.slug])


def form_data(**changes):
    data = {
        "rules": [t.value for t in ConflictType],
        "coauthor_window_years": "5",
        "collaborator_window_years": "5",
        "supervision_window_years": "",
        "scope_GB": "organisation",
        "scope_KR": "department",
    }
    data.update(changes)
    return data


def test_settings_page_shows_the_calls_conflict_settings(client, officer_call):
    call, officer = officer_call
    Call.objects.filter(pk=call.pk).update(
        conflict_rules={"fellowship_scheme": True, "same_org_scope": {"GB": "department"}}
    )
    client.force_login(officer)
    response = client.get(settings_url(call))
    form = response.context["conflict_form"]
    assert form.initial == {
        "rules": [t.value for t in ConflictType],
        "coauthor_window_years": 5,
        "collaborator_window_years": 5,
        "fellowship_scheme": True,
        "supervision_window_years": None,
        "scope_GB": "department",
        "scope_KR": "department",
    }
    html = response.content.decode()
    assert "Conflicts of interest" in html
    assert "Reviewer co-authored with an applicant within the window (UK4)" in html
    assert "Same organisation, for reviewers from Republic of Korea" in html


def test_officer_saves_conflict_settings(client, officer_call):
    call, officer = officer_call
    client.force_login(officer)
    response = client.post(
        conflicts_url(call),
        form_data(
            rules=ALL_BUT_COAUTHOR,
            collaborator_window_years="3",
            fellowship_scheme="on",
            scope_KR="organisation",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == settings_url(call) + "#conflicts"
    call.refresh_from_db()
    assert call.conflict_rules == {
        "rules": ALL_BUT_COAUTHOR,
        "coauthor_window_years": 5,
        "collaborator_window_years": 3,
        "fellowship_scheme": True,
        "supervision_window_years": None,
        "same_org_scope": {"GB": "organisation", "KR": "organisation"},
    }
    assert AuditEntry.objects.filter(object_id=str(call.pk), actor=officer).count() == 1


def test_bad_conflict_settings_show_errors_and_keep_typed_input(client, officer_call):
    call, officer = officer_call
    client.force_login(officer)
    response = client.post(
        conflicts_url(call),
        form_data(
            rules=["coauthor", "rival"],
            coauthor_window_years="-1",
            supervision_window_years="twelve",
            scope_KR="faculty",
        ),
    )
    assert response.status_code == 200
    form = response.context["conflict_form"]
    assert sorted(form.errors) == [
        "coauthor_window_years",
        "rules",
        "scope_KR",
        "supervision_window_years",
    ]
    assert (form.data["coauthor_window_years"], form.data["supervision_window_years"]) == (
        "-1",
        "twelve",
    )
    html = response.content.decode()
    assert 'value="twelve"' in html
    call.refresh_from_db()
    assert call.conflict_rules == {}


def test_unreadable_stored_settings_show_the_defaults_and_say_why(client, officer_call):
    call, officer = officer_call
    Call.objects.filter(pk=call.pk).update(conflict_rules={"coauthor_window_years": -4})
    client.force_login(officer)
    response = client.get(settings_url(call))
    assert response.status_code == 200
    assert response.context["conflict_form"].initial["coauthor_window_years"] == 5
    assert response.context["conflict_problem"] == (
        "coauthor_window_years must be between 0 and 100 years, not -4."
    )


def test_conflict_settings_are_404_for_another_funders_officer(client, officer_call):
    call, _officer = officer_call
    client.force_login(make_officer(CallFactory().sides.first().funder))
    response = client.post(conflicts_url(call), form_data(coauthor_window_years="1"))
    assert response.status_code == 404
    call.refresh_from_db()
    assert call.conflict_rules == {}
