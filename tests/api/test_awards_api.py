"""The awards API (public): published awards only, both sides in their own currencies, and the
organisations by name and ROR — never a person's name."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.decisions.models import Award
from tests.applications.conftest import (  # noqa: F401 -- fixtures shared with the applications tests
    call,
    funding,
    nrf_officer,
    rs_officer,
)
from tests.decisions.conftest import accept, approve, at_panel
from tests.factories.applications import make_researcher

pytestmark = pytest.mark.django_db


def award(of_call, gb_officer, kr_officer, reference, **fields):
    """An award made by both funders' approvals and accepted (published, as the service makes it)."""
    application = at_panel(of_call, merit=5, reference=reference, **fields)
    approve(application, gb_officer, "GB")
    approve(application, kr_officer, "KR")
    return accept(Award.objects.get(application=application), gb_officer)


def test_published_awards_with_both_sides_and_no_person(client, call, rs_officer, nrf_officer):  # noqa: F811
    shown = award(
        call,
        rs_officer,
        nrf_officer,
        "ICA-2025-0001",
        title_en="Quantum sensors",
        title_ko="양자 센서",
        gb_lead=make_researcher("GB", name_en="Zebedee Distinctlead"),
        kr_lead=make_researcher("KR", name_en="Kim Uniquelead", name_ko="김유일"),
    )
    hidden = award(call, rs_officer, nrf_officer, "ICA-2025-0002", title_en="Withdrawn study")
    Award.objects.filter(pk=hidden.pk).update(published=False)
    sides = {s.country: s for s in shown.sides.select_related("recipient")}

    response = client.get("/api/awards")
    data = response.json()["items"]

    assert response.status_code == 200
    assert data == [
        {
            "reference": shown.reference,
            "title_en": "Quantum sensors",
            "title_ko": "양자 센서",
            "call": "ica-2025",
            "starts_on": "2025-09-01",
            "ends_on": shown.ends_on.isoformat(),
            "sides": [
                {
                    "country": "GB",
                    "funder": {
                        "name_en": "The Royal Society",
                        "name_ko": data[0]["sides"][0]["funder"]["name_ko"],
                        "ror_id": data[0]["sides"][0]["funder"]["ror_id"],
                    },
                    "recipient": {
                        "name_en": sides["GB"].recipient.name_en,
                        "name_ko": sides["GB"].recipient.name_ko,
                        "ror_id": sides["GB"].recipient.ror_id,
                    },
                    "amount": "200000.00",
                    "currency": "GBP",
                },
                {
                    "country": "KR",
                    "funder": {
                        "name_en": "National Research Foundation of Korea",
                        "name_ko": data[0]["sides"][1]["funder"]["name_ko"],
                        "ror_id": data[0]["sides"][1]["funder"]["ror_id"],
                    },
                    "recipient": {
                        "name_en": sides["KR"].recipient.name_en,
                        "name_ko": sides["KR"].recipient.name_ko,
                        "ror_id": sides["KR"].recipient.ror_id,
                    },
                    "amount": "500000000.00",
                    "currency": "KRW",
                },
            ],
        }
    ]
    assert [s["funder"]["ror_id"] != "" for s in data[0]["sides"]] == [True, True]
    # The raw body escapes Korean; the re-encoded JSON shows it as written.
    body = response.content.decode() + json.dumps(data, ensure_ascii=False)
    for name in ("Zebedee", "Distinctlead", "Uniquelead", "김유일", "Withdrawn study"):
        assert name not in body


def test_no_awards_is_an_empty_list(client, call):  # noqa: F811
    assert client.get("/api/awards").json() == {"items": [], "count": 0}


@pytest.mark.parametrize("n", [1, 3])
def test_award_list_query_count_is_flat(client, call, rs_officer, nrf_officer, n):  # noqa: F811
    for i in range(n):
        award(call, rs_officer, nrf_officer, f"ICA-2025-{i + 1:04d}")
    with CaptureQueriesContext(connection) as ctx:
        data = client.get("/api/awards").json()["items"]
    assert len(data) == n
    assert len(ctx.captured_queries) == 5  # 4 + the page's count
