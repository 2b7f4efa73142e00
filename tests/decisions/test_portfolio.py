"""The portfolio page: the funded set is exactly ``solve_portfolio``'s; infeasible is explained;
what-if shows what moves and why."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accord.core.portfolio import instance_from_dict, solve_portfolio
from accord.decisions.models import Scenario
from accord.decisions.selectors.merit import merits_from_reviews
from accord.decisions.selectors.portfolio import (
    candidate_rows,
    instance_dict,
    portfolio_candidates,
)
from accord.decisions.services.portfolio import run_scenario
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


def post_scenario(client, call, **data):
    form = {"name": "Test", "budget_GB": "450000", "budget_KR": "1000000000", **data}
    return client.post(reverse("decisions:portfolio", args=[call.slug]), form, follow=True)


def test_merit_is_the_panels_moderated_score(call, candidates):
    assert merits_from_reviews(call) == {
        candidates[0].pk: 5.5,
        candidates[1].pk: 5.0,
        candidates[2].pk: 4.5,
        candidates[3].pk: 3.0,
    }


def test_portfolio_page_funds_what_solve_portfolio_funds(client, call, candidates, rs_officer):
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


def test_area_bound_changes_the_portfolio(client, call, candidates, rs_officer):
    client.force_login(rs_officer)
    response = post_scenario(client, call, min_quantum="2")
    assert shown(response.content.decode(), "funded") == {"ICA-A", "ICA-C", "ICA-D"}


def test_infeasible_scenario_is_explained_in_words(client, call, candidates, rs_officer):
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


def test_what_if_shows_newly_in_and_out_with_reasons(client, call, candidates, rs_officer):
    scenario = run_scenario(
        call=call,
        name="Base",
        budgets={"GB": Decimal(450000), "KR": Decimal(1000000000)},
        actor=rs_officer,
    )
    client.force_login(rs_officer)
    url = reverse("decisions:scenario", args=[call.slug, scenario.pk])
    response = client.get(
        url, {"what_if": "1", "budget_GB": "500000", "rate_applies_to": "costs", "bound": "min"}
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


def test_what_if_that_leaves_no_portfolio_says_why(client, call, candidates, rs_officer):
    scenario = run_scenario(
        call=call,
        name="Base",
        budgets={"GB": Decimal(450000), "KR": Decimal(1000000000)},
        actor=rs_officer,
    )
    client.force_login(rs_officer)
    url = reverse("decisions:scenario", args=[call.slug, scenario.pk])
    response = client.get(
        url,
        {
            "what_if": "1",
            "area": "quantum",
            "bound": "min",
            "bound_value": "3",
            "rate_applies_to": "costs",
        },
    )
    html = response.content.decode()
    assert 'id="what-if-infeasible"' in html
    assert (
        "area quantum needs at least 3 funded applications but only 2 eligible applications list it"
        in html
    )


def test_budget_form_keeps_input_and_names_the_field(client, call, candidates, rs_officer):
    client.force_login(rs_officer)
    response = client.post(
        reverse("decisions:portfolio", args=[call.slug]),
        {"name": "Typed name", "budget_GB": "-5", "budget_KR": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Typed name"' in html
    assert 'value="-5"' in html
    assert Scenario.objects.count() == 0
