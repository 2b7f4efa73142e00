import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_partnership_api_lists_instruments(client, reference):
    data = client.get("/api/partnerships/uk-rok-2023").json()
    core = [i for i in data["instruments"] if i["core"]]
    assert [i["number"] for i in core] == [1, 2, 3, 4, 5, 6, 7]
    assert core[0]["parties"] == ["dsit", "msit"]


def test_programmes_api(client, reference):
    data = {p["slug"]: p for p in client.get("/api/programmes").json()["items"]}
    assert {(f["organisation"], f["currency"]) for f in data["uk-rok-ica"]["funders"]} == {
        ("royal-society", "GBP"),
        ("nrf", "KRW"),
    }


def test_unknown_partnership_is_404(client, db):
    assert client.get("/api/partnerships/nope").status_code == 404


def test_committed_openapi_schema_is_current(client):
    served = client.get("/api/openapi.json").json()
    committed = json.loads(
        (Path(__file__).resolve().parents[2] / "doc" / "api" / "openapi.json").read_text()
    )
    assert served == committed, "The API changed: run `make schema` and commit doc/api/openapi.json"
