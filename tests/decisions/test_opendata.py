"""Open data: published awards as a 360Giving package that validates; a broken record is refused
with the field named, by the command (exit 1, nothing written) and by the downloads (503)."""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.core.giving360 import validate_package
from accord.decisions.models import Award, AwardSide
from accord.decisions.selectors.opendata import build_open_data, open_data_errors
from tests.decisions.conftest import accept, approve, at_panel

pytestmark = pytest.mark.django_db


@pytest.fixture
def awards(call, rs_officer, nrf_officer):
    for merit, reference in ((5, "ICA-2025-0001"), (4, "ICA-2025-0002")):
        application = at_panel(call, merit=merit, reference=reference)
        approve(application, rs_officer, "GB")
        approve(application, nrf_officer, "KR")
        accept(Award.objects.get(application=application), rs_officer)
    return list(Award.objects.order_by("reference"))


def test_package_of_real_awards_validates_with_zero_errors(awards):
    package = build_open_data()
    assert validate_package(package) == []
    assert open_data_errors(package) == []


def test_one_record_per_side_in_its_currency_linked_to_the_other(awards):
    grants = build_open_data()["grants"]
    assert [(g["id"], g["currency"], g["amountAwarded"]) for g in grants] == [
        ("360G-accord-ICA-2025-0001-GB", "GBP", 200000),
        ("360G-accord-ICA-2025-0001-KR", "KRW", 500000000),
        ("360G-accord-ICA-2025-0002-GB", "GBP", 200000),
        ("360G-accord-ICA-2025-0002-KR", "KRW", 500000000),
    ]
    assert grants[0]["relatedActivity"] == ["360G-accord-ICA-2025-0001-KR"]
    assert grants[1]["relatedActivity"] == ["360G-accord-ICA-2025-0001-GB"]
    assert [g["fundingOrganization"][0]["name"] for g in grants[:2]] == [
        "The Royal Society",
        "National Research Foundation of Korea",
    ]


def test_unpublished_awards_are_left_out(awards):
    Award.objects.filter(pk=awards[0].pk).update(published=False)
    grants = build_open_data()["grants"]
    assert [g["id"] for g in grants] == [
        "360G-accord-ICA-2025-0002-GB",
        "360G-accord-ICA-2025-0002-KR",
    ]


@pytest.mark.parametrize(
    ("break_it", "error"),
    [
        (lambda g: g.pop("amountAwarded"), "grants[1].amountAwarded: required field is missing"),
        (
            lambda g: g.__setitem__("amountAwarded", -5),
            "grants[1].amountAwarded: must not be negative, got -5",
        ),
    ],
)
def test_a_broken_record_names_the_field(awards, break_it, error):
    broken = copy.deepcopy(build_open_data())
    break_it(broken["grants"][1])
    assert open_data_errors(broken) == [error]


def test_command_writes_json_and_csv(awards, tmp_path):
    out, flat = tmp_path / "awards.json", tmp_path / "awards.csv"
    call_command("export", "360giving", "--out", str(out), "--csv", str(flat))
    package = json.loads(out.read_text(encoding="utf-8"))
    assert validate_package(package) == []
    assert len(package["grants"]) == 4
    rows = list(csv.reader(io.StringIO(flat.read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["Identifier", "Title"]
    assert [r[0] for r in rows[1:]] == [g["id"] for g in package["grants"]]


def test_command_refuses_a_package_that_does_not_validate(awards, tmp_path, capsys):
    AwardSide.objects.filter(award=awards[0], country="KR").update(amount=-1)
    out, flat = tmp_path / "awards.json", tmp_path / "awards.csv"
    with pytest.raises(CommandError) as caught:
        call_command("export", "360giving", "--out", str(out), "--csv", str(flat))
    assert "nothing written" in str(caught.value)
    assert capsys.readouterr().err.splitlines() == [
        "grants[1].amountAwarded: must not be negative, got -1"
    ]
    assert not out.exists() and not flat.exists()


def test_downloads_serve_the_valid_package(client, awards):
    response = client.get(reverse("decisions:open_json"))
    assert response.status_code == 200
    assert validate_package(json.loads(response.content)) == []
    response = client.get(reverse("decisions:open_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().count("360G-accord-ICA-2025-") == 4 + 4  # ids and related


def test_downloads_are_503_while_the_package_does_not_validate(client, awards):
    AwardSide.objects.filter(award=awards[0], country="GB").update(currency="XYZ")
    for name in ("decisions:open_json", "decisions:open_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 503
        assert (
            "grants[0].currency: &#x27;XYZ&#x27; is not an allowed value"
            in response.content.decode()
        )


def test_nothing_published_yet(client, call, tmp_path):
    for name in ("decisions:open_json", "decisions:open_csv"):
        assert client.get(reverse(name)).status_code == 404
    out = tmp_path / "awards.json"
    with pytest.raises(CommandError):
        call_command("export", "360giving", "--out", str(out))
    assert not out.exists()


HOSTILE_TITLE = '=HYPERLINK("http://evil.example","Click")'


def test_public_csv_and_command_never_serve_a_live_formula(client, awards, tmp_path):
    from accord.applications.models import Application

    Application.objects.filter(reference="ICA-2025-0001").update(
        title_en=HOSTILE_TITLE, summary_en="+cmd|' /C calc'!A0"
    )
    response = client.get(reverse("decisions:open_csv"))
    served = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    out, flat = tmp_path / "awards.json", tmp_path / "awards.csv"
    call_command("export", "360giving", "--out", str(out), "--csv", str(flat))
    written = list(csv.reader(io.StringIO(flat.read_text(encoding="utf-8"))))
    for rows in (served, written):
        assert [row[1:3] for row in rows[1:3]] == [["'" + HOSTILE_TITLE, "'+cmd|' /C calc'!A0"]] * 2
        assert json.loads(out.read_text(encoding="utf-8"))["grants"][0]["title"] == HOSTILE_TITLE
