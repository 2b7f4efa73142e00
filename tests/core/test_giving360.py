"""360Giving packages: a valid package validates, broken records name the field, flat CSV."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from accord.core.giving360 import (
    AwardSide,
    Giving360Error,
    Organisation,
    Publisher,
    build_package,
    org_identifier,
    to_flat_csv,
    validate_package,
)

PUBLISHER = Publisher("360G-accord", "UK-Korea Accord secretariat", website="https://example.org")
ROYAL_SOCIETY = Organisation(
    "Royal Society", ror="https://ror.org/03wnrjx87", crossref_funder_id="10.13039/501100000288"
)
NRF = Organisation("National Research Foundation of Korea", ror="013aysd81")
IMPERIAL = Organisation("Imperial College London", ror="041kmwe10", country="GB")
KAIST = Organisation("KAIST", ror="05apxxy63", country="KR")


def joint_award() -> list[AwardSide]:
    uk = AwardSide(
        identifier="ACC-2024-017-UK",
        title="Quantum sensing for navigation",
        description="UK side of a joint UK-Korea project.",
        currency="GBP",
        amount_awarded=250_000,
        award_date=date(2024, 3, 1),
        recipient=IMPERIAL,
        funder=ROYAL_SOCIETY,
        planned_start=date(2024, 4, 1),
        planned_end=date(2027, 3, 31),
        planned_duration_months=36,
        beneficiary_country="GB",
        related=("ACC-2024-017-KR",),
        programme_code="UKKR-QUANTUM-2024",
        programme_title="UK-Korea quantum call 2024",
        from_open_call=True,
        date_modified=datetime(2024, 3, 2, 9, 30, tzinfo=UTC),
    )
    kr = AwardSide(
        identifier="ACC-2024-017-KR",
        title="Quantum sensing for navigation",
        description="Korean side of a joint UK-Korea project.",
        currency="KRW",
        amount_awarded=500_000_000,
        award_date=date(2024, 3, 1),
        recipient=KAIST,
        funder=NRF,
        beneficiary_country="KR",
        related=("ACC-2024-017-UK",),
    )
    return [uk, kr]


def package() -> dict[str, Any]:
    return build_package(
        joint_award(), publisher=PUBLISHER, title="Accord awards", issued=date(2024, 3, 5)
    )


def test_valid_package_has_no_errors() -> None:
    assert validate_package(package()) == []


def test_sides_of_a_joint_award_point_at_each_other() -> None:
    uk, kr = package()["grants"]
    assert uk["id"] == "360G-accord-ACC-2024-017-UK"
    assert uk["relatedActivity"] == [kr["id"]]
    assert kr["relatedActivity"] == [uk["id"]]
    assert (uk["currency"], kr["currency"]) == ("GBP", "KRW")


def test_organisations_get_ror_org_ids_and_no_personal_fields() -> None:
    uk = package()["grants"][0]
    assert uk["fundingOrganization"] == [{"id": "XI-ROR-03wnrjx87", "name": "Royal Society"}]
    assert uk["recipientOrganization"] == [
        {"id": "XI-ROR-041kmwe10", "name": "Imperial College London", "addressCountry": "GB"}
    ]
    flat = str(package())
    for personal in ("recipientIndividual", "contactName", "email", "telephone"):
        assert personal not in flat


def test_org_identifier_fallbacks() -> None:
    assert org_identifier(Organisation("X", org_id="GB-CHC-1164883"), "360G-accord") == (
        "GB-CHC-1164883"
    )
    assert org_identifier(
        Organisation("DSIT", crossref_funder_id="10.13039/100031278"), "360G-accord"
    ) == ("360G-accord-ORG-FUNDREF-100031278")
    assert org_identifier(Organisation("Y", local_id="org 42"), "360G-accord") == (
        "360G-accord-ORG-org-42"
    )
    with pytest.raises(Giving360Error) as caught:
        org_identifier(Organisation("Z", ror="not-a-ror"), "360G-accord")
    assert caught.value.where == "organisation 'Z'.ror"


def test_missing_amount_awarded_is_named() -> None:
    broken = copy.deepcopy(package())
    del broken["grants"][1]["amountAwarded"]
    assert validate_package(broken) == ["grants[1].amountAwarded: required field is missing"]


def test_bad_award_date_is_named() -> None:
    broken = copy.deepcopy(package())
    broken["grants"][0]["awardDate"] = "2024-13-01"
    assert validate_package(broken) == [
        "grants[0].awardDate: '2024-13-01' is not a valid date; write YYYY-MM-DD or a full "
        "date-time such as 2024-03-01T09:00:00+00:00"
    ]


def test_full_date_time_award_date_is_accepted() -> None:
    fine = copy.deepcopy(package())
    fine["grants"][0]["awardDate"] = "2024-03-01T09:00:00+00:00"
    assert validate_package(fine) == []


def test_bad_currency_is_named() -> None:
    broken = copy.deepcopy(package())
    broken["grants"][0]["currency"] = "POUNDS"
    assert validate_package(broken) == [
        "grants[0].currency: 'POUNDS' is not an allowed value (360Giving codelist currency.csv)"
    ]


def test_several_errors_are_all_reported_in_path_order() -> None:
    broken = copy.deepcopy(package())
    del broken["grants"][0]["fundingOrganization"]
    broken["grants"][1]["plannedDates"] = [{"startDate": "01/04/2024"}]
    assert validate_package(broken) == [
        "grants[0].fundingOrganization: required field is missing",
        "grants[1].plannedDates[0].startDate: '01/04/2024' is not a valid date; write "
        "YYYY-MM-DD or a full date-time such as 2024-03-01T09:00:00+00:00",
    ]


def test_empty_package_is_invalid() -> None:
    assert validate_package({}) == ["grants: required field is missing"]


def test_builder_refuses_naive_datetime_and_unknown_related() -> None:
    uk, kr = joint_award()
    naive = AwardSide(**{**uk.__dict__, "date_modified": datetime(2024, 3, 2)})
    with pytest.raises(Giving360Error) as caught:
        build_package([naive, kr], publisher=PUBLISHER, title="t")
    assert caught.value.where == "award 'ACC-2024-017-UK'.date_modified"
    with pytest.raises(Giving360Error) as caught:
        build_package([uk], publisher=PUBLISHER, title="t")
    assert caught.value.where == "award 'ACC-2024-017-UK'.related"


def test_flat_csv_header_and_rows() -> None:
    text = to_flat_csv(package())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Award Date",
        "URL",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Planned Dates:Duration (months)",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Country",
        "Recipient Org:Web Address",
        "Beneficiary Location:Name",
        "Beneficiary Location:Country Code",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Funding Org:Department",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "Grant Programme:URL",
        "From An Open Call?",
        "Related Activity",
        "Last Modified",
        "Data Source",
    ]
    assert len(rows) == 3
    uk = dict(zip(rows[0], rows[1], strict=True))
    assert uk["Identifier"] == "360G-accord-ACC-2024-017-UK"
    assert uk["Amount Awarded"] == "250000"
    assert uk["Currency"] == "GBP"
    assert uk["Award Date"] == "2024-03-01"
    assert uk["Planned Dates:Duration (months)"] == "36"
    assert uk["Recipient Org:Identifier"] == "XI-ROR-041kmwe10"
    assert uk["Funding Org:Identifier"] == "XI-ROR-03wnrjx87"
    assert uk["From An Open Call?"] == "Yes"
    assert uk["Related Activity"] == "360G-accord-ACC-2024-017-KR"
    assert uk["Last Modified"] == "2024-03-02T09:30:00+00:00"
    kr = dict(zip(rows[0], rows[2], strict=True))
    assert (kr["Amount Awarded"], kr["Currency"], kr["Planned Dates:Start Date"]) == (
        "500000000",
        "KRW",
        "",
    )


def test_importing_giving360_does_not_import_django() -> None:
    code = "import sys, accord.core.giving360; print('django' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "False"


VENDORED = Path(__file__).resolve().parents[2] / "src" / "accord" / "core" / "data" / "360giving"
SCHEMAS = ("360-giving-schema.json", "360-giving-package-schema.json")


def test_vendored_schemas_match_their_checksums():
    """The vendored copies are byte for byte the published files (SHA256SUMS beside them)."""
    sums = {}
    for line in (VENDORED / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        sums[name] = digest
    assert sorted(sums) == sorted(SCHEMAS)
    for name in SCHEMAS:
        assert hashlib.sha256((VENDORED / name).read_bytes()).hexdigest() == sums[name], name


def test_vendored_schemas_are_the_standards_own():
    """Extra check where the project's shared/ folder sits beside the checkout: same schemas."""
    shared = Path(__file__).resolve().parents[3] / "shared" / "schemas" / "360giving"
    if not shared.exists():
        pytest.skip("the shared/ folder is not beside this checkout (the checksum test still ran)")
    for name in SCHEMAS:
        assert json.loads((VENDORED / name).read_text()) == json.loads((shared / name).read_text())


def test_flat_csv_does_not_let_a_title_or_summary_run_as_a_formula() -> None:
    hostile = copy.deepcopy(package())
    hostile["grants"][0]["title"] = '=HYPERLINK("http://evil","Click")'
    hostile["grants"][0]["description"] = "@SUM(1+1)"
    rows = list(csv.reader(io.StringIO(to_flat_csv(hostile))))
    assert rows[1][1:3] == ['\'=HYPERLINK("http://evil","Click")', "'@SUM(1+1)"]
    assert rows[1][5] == str(hostile["grants"][0]["amountAwarded"])
