"""The portfolio page: the funded set is exactly ``solve_portfolio``'s; infeasible is explained;
what-if shows what moves and why."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from accord.core.portfolio import instance_from_dict, solve_portfolio
from accord.decisions.models import Scenario
from accord.decisions.selectors.merit import merits_from_reviews
from accord.decisions.selectors.portfolio import (
    candidate_rows,
    instance_dict,
    portfolio_candidates,
)
from accord.decisions.services.portfolio import run_scenario
from accord.partnerships.models import TechnologyArea
from tests.decisions.conftest import at_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(call):
    """Four applications at panel; the UK budget of 450,000 fits two of the 200,000 ones."""
    return [
        at_panel(call, merit=5.5, gbp=200_000, krw=400_000_000, reference="ICA-A"),
        at_panel(call, merit=5.0, gbp=200_000, krw=300_000_000, reference="ICA-B"),
        at_panel(
            call, merit=4.5, gbp=100_000, krw=300_000_000, reference="ICA-C", areas=("quantum",)
        ),
        at_panel(
            call, merit=3.0, gbp=50_000, krw=100_000_000, reference="ICA-D", areas=("quantum",)
        ),
    ]


def shown(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'id="{prefix}-([A-Z0-9-]+)"', html))


@pytest.fixture
def post_scenario(django_capture_on_commit_callbacks):
    """POST the budget form; the queued run's task runs once the request commits."""

    def post(client, call, **data):
        form = {"name": "Test", "budget_GB": "450000", "budget_KR": "1000000000", **data}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("decisions:scenario_run", args=[call.slug]), form)
        assert response.status_code == 302
        return client.get(response["Location"])

    return post


def test_merit_is_the_panels_moderated_score(call, candidates):
    assert merits_from_reviews(call) == {
        candidates[0].pk: 5.5,
        candidates[1].pk: 5.0,
        candidates[2].pk: 4.5,
        candidates[3].pk: 3.0,
    }


def test_portfolio_page_funds_what_solve_portfolio_funds(
    client, call, candidates, rs_officer, post_scenario
):
    client.force_login(rs_officer)
    response = post_scenario(client, call)
    assert response.status_code == 200

    rows = candidate_rows(call, portfolio_candidates(call))
    data = instance_dict(rows, budgets={"GB": Decimal(450000), "KR": Decimal(1000000000)})
    expected = set(solve_portfolio(instance_from_dict(data)).funded)
    html = response.content.decode()
    assert shown(html, "funded") == expected
    assert expected == {"ICA-A", "ICA-B", "ICA-D"}
    assert shown(html, "unfunded") == {"ICA-C"}
    assert set(Scenario.objects.get().funded) == expected


def test_area_bound_changes_the_portfolio(client, call, candidates, rs_officer, post_scenario):
    client.force_login(rs_officer)
    response = post_scenario(client, call, min_quantum="2")
    assert shown(response.content.decode(), "funded") == {"ICA-A", "ICA-C", "ICA-D"}


def test_infeasible_scenario_is_explained_in_words(
    client, call, candidates, rs_officer, post_scenario
):
    client.force_login(rs_officer)
    response = post_scenario(client, call, must_fund=["ICA-A", "ICA-B", "ICA-C"])
    html = response.content.decode()
    scenario = Scenario.objects.get()
    assert scenario.result["status"] == "infeasible"
    assert scenario.funded == []
    assert scenario.result["message"] == (
        "must-fund applications cost 500,000 GB against a GB budget of 450,000; "
        "raise the GB budget or take applications off must_fund"
    )
    assert scenario.result["message"] in html
    assert "No portfolio meets these constraints" in html


@pytest.fixture
def what_if(django_capture_on_commit_callbacks):
    """POST a what-if on ``scenario``; its run's task runs once the request commits."""

    def post(client, call, scenario, data):
        url = reverse("decisions:what_if", args=[call.slug, scenario.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302
        run = Scenario.objects.get(base=scenario)
        assert response["Location"] == reverse("decisions:scenario", args=[call.slug, run.pk])
        return client.get(response["Location"])

    return post


def test_what_if_shows_newly_in_and_out_with_reasons(client, call, candidates, rs_officer, what_if):
    scenario = run_scenario(
        call=call,
        name="Base",
        budgets={"GB": Decimal(450000), "KR": Decimal(1000000000)},
        actor=rs_officer,
    )
    client.force_login(rs_officer)
    response = what_if(
        client, call, scenario, {"budget_GB": "500000", "rate_applies_to": "costs", "bound": "min"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    newly_in = re.search(r'id="newly-in">(.*?)</dd>', html, re.S).group(1)
    newly_out = re.search(r'id="newly-out">(.*?)</dd>', html, re.S).group(1)
    assert re.findall(r'<span class="tag">([^<]+)</span>', newly_in) == ["ICA-C"]
    assert re.findall(r'<span class="tag">([^<]+)</span>', newly_out) == ["ICA-D"]
    borderline = re.search(r'id="borderline">(.*?)</ul>', html, re.S).group(1)
    assert borderline.count("<li>") == 4
    assert (
        "ICA-C (merit 4.5) is funded. Without it the portfolio would fund ICA-D instead, "
        "losing 1.5 merit." in borderline
    )


def test_what_if_that_leaves_no_portfolio_says_why(client, call, candidates, rs_officer, what_if):
    scenario = run_scenario(
        call=call,
        name="Base",
        budgets={"GB": Decimal(450000), "KR": Decimal(1000000000)},
        actor=rs_officer,
    )
    client.force_login(rs_officer)
    response = what_if(
        client,
        call,
        scenario,
        {
            "area": "quantum",
            "bound": "min",
            "bound_value": "3",
            "rate_applies_to": "costs",
        },
    )
    html = response.content.decode()
    assert 'id="infeasible"' in html
    assert "With these changes no portfolio meets the constraints" in html
    assert (
        "area quantum needs at least 3 funded applications but only 2 eligible applications list it"
        in html
    )


def test_budget_form_keeps_input_and_names_the_field(client, call, candidates, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("decisions:scenario_run", args=[call.slug]),
        {"name": "Typed name", "budget_GB": "-5", "budget_KR": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed name"' in html
    assert 'value="-5"' in html
    assert Scenario.objects.count() == 0


def test_the_post_returns_at_once_and_the_page_polls_the_run(client, call, candidates, rs_officer):
    client.force_login(rs_officer)
    form = {"name": "Queued", "budget_GB": "450000", "budget_KR": "1000000000"}
    # No commit, so no task: the run stays queued, as it does while the worker is busy.
    response = client.post(reverse("decisions:scenario_run", args=[call.slug]), form)
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert (scenario.state, scenario.funded, scenario.result) == ("queued", [], {})
    html = client.get(response["Location"]).content.decode()
    progress = reverse("decisions:scenario_progress", args=[call.slug, scenario.pk])
    assert f'hx-get="{progress}"' in html
    assert 'hx-trigger="every 1s"' in html
    # Looking at the page solves nothing.
    scenario.refresh_from_db()
    assert (scenario.state, scenario.result) == ("queued", {})
    partial = client.get(progress, HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in partial


def test_the_progress_partial_refreshes_the_page_once_the_run_is_over(
    client, call, candidates, rs_officer
):
    scenario = run_scenario(
        call=call, name="Done", budgets={"GB": Decimal(450000), "KR": Decimal(1)}, actor=rs_officer
    )
    client.force_login(rs_officer)
    progress = reverse("decisions:scenario_progress", args=[call.slug, scenario.pk])
    response = client.get(progress, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_a_failed_run_says_why_and_can_be_run_again(
    client, call, candidates, rs_officer, django_capture_on_commit_callbacks
):
    from accord.decisions.services.portfolio import compute_scenario, create_scenario

    failed = create_scenario(
        call=call,
        name="Broken",
        budgets={"GB": "450000", "KR": "1000000000"},
        must_fund=["NO-SUCH-APPLICATION"],
        actor=rs_officer,
    )
    failed = compute_scenario(run=failed)
    assert failed.state == "failed"
    assert failed.message.startswith("The scenario cannot be built:")
    assert "NO-SUCH-APPLICATION" in failed.message
    client.force_login(rs_officer)
    html = client.get(reverse("decisions:scenario", args=[call.slug, failed.pk])).content.decode()
    assert 'id="run-failed"' in html
    assert escape(failed.message) in html
    rerun = reverse("decisions:scenario_rerun", args=[call.slug, failed.pk])
    assert f'action="{rerun}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rerun)
    again = Scenario.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == reverse("decisions:scenario", args=[call.slug, again.pk])
    assert (again.must_fund, again.state) == (["NO-SUCH-APPLICATION"], "failed")


def test_only_the_calls_officers_start_runs(client, call, candidates, kiat_officer):
    from accord.accounts.enums import Role
    from tests.factories.accounts import UserFactory

    scenario = run_scenario(
        call=call, name="Base", budgets={"GB": Decimal(450000), "KR": Decimal(1)}, actor=None
    )
    admin = UserFactory(is_superuser=True, is_staff=True, roles=[(Role.ADMIN, None)])
    urls = [
        reverse("decisions:scenario_run", args=[call.slug]),
        reverse("decisions:scenario_rerun", args=[call.slug, scenario.pk]),
        reverse("decisions:what_if", args=[call.slug, scenario.pk]),
    ]
    for url in urls:
        client.force_login(kiat_officer)
        assert client.post(url).status_code == 404, url
        client.force_login(admin)
        assert client.post(url).status_code == 403, url
    assert Scenario.objects.count() == 1


def test_the_scenario_page_says_why_higher_merit_is_left_out(
    client, call, candidates, rs_officer, post_scenario
):
    client.force_login(rs_officer)
    html = post_scenario(client, call).content.decode()
    why = re.search(r'<li id="why-ICA-C">(.*?)</ul>\s*</li>', html, re.S).group(1)
    assert "not funded although ICA-D, with lower merit, is:" in why
    gb, kr = call.sides.get(country="GB"), call.sides.get(country="KR")
    assert (
        f"it would exceed the budget of the {gb.get_country_display()} side "
        f"({gb.funder.short_name or gb.funder.name_en}) by £100,000 GBP" in why
    )
    assert (
        f"it would exceed the budget of the {kr.get_country_display()} side "
        f"({kr.funder.short_name or kr.funder.name_en}) by ₩100,000,000 KRW" in why
    )
    assert re.findall(r'<li id="why-([A-Z0-9-]+)">', html) == ["ICA-C"]
    # areas by their names, not their keys
    quantum = TechnologyArea.objects.get(slug="quantum")
    assert f'<span class="tag">{quantum.name_en}</span>' in html
    assert '<span class="tag">quantum</span>' not in html


def test_a_korean_reader_sees_korean_area_and_funder_names(
    client, call, candidates, nrf_officer, post_scenario
):
    client.force_login(nrf_officer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ko"
    html = post_scenario(client, call).content.decode()
    quantum = TechnologyArea.objects.get(slug="quantum")
    kr = call.sides.get(country="KR")
    assert quantum.name_ko and f'<span class="tag">{quantum.name_ko}</span>' in html
    assert kr.funder.name_ko and f"({kr.funder.name_ko})" in html
