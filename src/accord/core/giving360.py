"""Awards as 360Giving Data Standard (1.4.3) packages: build, validate, flatten to CSV.

A bilateral award is published as one grant record per funder side (each record has one
currency and one funding organisation, as the standard expects); the sides of the same joint
award point at each other through ``relatedActivity`` (the standard's "identifiers of any
related activities, e.g. other grants given as part of a multi-grant project").

Only organisations appear: the dataclasses have no field for a person, and the builder never
writes ``recipientIndividual``, ``contactName``, ``email`` or ``telephone``.

Organisation identifiers follow the Organisation Identifier Standard (org-id.guide), in this
order: an org-id already known (``GB-CHC-…``, ``GB-COH-…``); else ``XI-ROR-<ror id>`` from a
ROR ID; else the 360Giving fallback ``<publisher prefix>-ORG-<local id>``. A Crossref Funder ID
has no org-id list of its own, so it is used only through that fallback
(``<prefix>-ORG-FUNDREF-501100000288``).

Pure Python + jsonschema; no Django. Schemas are read from the vendored copies in
``accord/core/data/360giving/`` (never from the network).
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from accord.core import csvsafe

SCHEMA_VERSION = "1.4"
GRANT_SCHEMA_FILE = "360-giving-schema.json"
PACKAGE_SCHEMA_FILE = "360-giving-package-schema.json"
#: the URL by which the 1.4.3 package schema refers to the grant schema
GRANT_SCHEMA_REF = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
COUNTRY_NAMES = {"GB": "United Kingdom", "KR": "Republic of Korea"}

_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}[0-9]{2})$")
_FUNDREF = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?10\.13039/([0-9]+)$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class Giving360Error(ValueError):
    """An award cannot be expressed in 360Giving; ``where`` names the record and field."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Organisation:
    """An organisation (never a person).

    ror: "https://ror.org/03wnrjx87" or "03wnrjx87"; crossref_funder_id: "10.13039/501100000288";
    org_id: an org-id.guide identifier already known (wins over the others);
    local_id: our own stable id, used in the 360G fallback identifier;
    country: ISO 3166-1 alpha-2, written as the address country.
    """

    name: str
    ror: str | None = None
    crossref_funder_id: str | None = None
    org_id: str | None = None
    local_id: str | None = None
    department: str | None = None
    country: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class AwardSide:
    """One funder's side of an award (one currency, one funder).

    identifier: our stable id for this side, e.g. "ACC-2024-017-UK"; the grant id is
                "<publisher prefix>-<identifier>"
    amount_awarded: in ``currency`` (ISO 4217, e.g. "GBP", "KRW")
    award_date: a date, or an aware datetime
    related: identifiers (ours, unprefixed) of the other sides of the same joint award
    beneficiary_country: ISO 3166-1 alpha-2 of where the benefit is, e.g. "KR"
    planned_*: written only when given (nothing is derived)
    """

    identifier: str
    title: str
    description: str
    currency: str
    amount_awarded: float
    award_date: date
    recipient: Organisation
    funder: Organisation
    amount_applied_for: float | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    planned_duration_months: float | None = None
    beneficiary_country: str | None = None
    related: tuple[str, ...] = ()
    programme_code: str | None = None
    programme_title: str | None = None
    programme_url: str | None = None
    from_open_call: bool | None = None
    url: str | None = None
    data_source: str | None = None
    date_modified: datetime | None = None


@dataclass(frozen=True)
class Publisher:
    """Package metadata.

    prefix: the publisher's 360Giving prefix, "360G-" + letters/digits (e.g. "360G-accord")
    """

    prefix: str
    name: str
    identifier: str | None = None
    website: str | None = None
    license: str = DEFAULT_LICENSE


def _check_prefix(prefix: str) -> str:
    if not re.fullmatch(r"360G-[A-Za-z0-9_.-]+", prefix):
        raise Giving360Error("publisher.prefix", f"must look like '360G-yourname', got {prefix!r}")
    return prefix


def grant_id(prefix: str, identifier: str) -> str:
    """'360G-accord' + 'ACC 17/UK' -> '360G-accord-ACC-17-UK' (only safe characters)."""
    safe = _SAFE.sub("-", identifier).strip("-")
    if not safe:
        raise Giving360Error("identifier", f"no usable characters in {identifier!r}")
    return f"{_check_prefix(prefix)}-{safe}"


def org_identifier(organisation: Organisation, prefix: str) -> str:
    """The org-id for ``organisation`` (see the module docstring for the order)."""
    if organisation.org_id:
        return organisation.org_id.strip()
    if organisation.ror:
        match = _ROR.match(organisation.ror.strip())
        if not match:
            raise Giving360Error(
                f"organisation {organisation.name!r}.ror",
                f"{organisation.ror!r} is not a ROR ID (https://ror.org/0xxxxxxNN)",
            )
        return f"XI-ROR-{match.group(1)}"
    if organisation.crossref_funder_id:
        match = _FUNDREF.match(organisation.crossref_funder_id.strip())
        if not match:
            raise Giving360Error(
                f"organisation {organisation.name!r}.crossref_funder_id",
                f"{organisation.crossref_funder_id!r} is not a Crossref Funder ID (10.13039/NNN)",
            )
        return f"{_check_prefix(prefix)}-ORG-FUNDREF-{match.group(1)}"
    if organisation.local_id:
        return f"{_check_prefix(prefix)}-ORG-{_SAFE.sub('-', organisation.local_id).strip('-')}"
    raise Giving360Error(
        f"organisation {organisation.name!r}",
        "needs an org_id, a ROR ID, a Crossref Funder ID or a local_id to be identified",
    )


def _date(value: date, where: str, *, full: bool = False) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise Giving360Error(where, "a date-time needs a time zone (e.g. UTC)")
        return value.isoformat()
    if full:
        raise Giving360Error(where, "a full date-time with time zone is required")
    return value.isoformat()


def _amount(value: float, where: str) -> int | float:
    number = float(value)
    if not math.isfinite(number):
        raise Giving360Error(where, f"must be a finite number, got {value}")
    return int(number) if number.is_integer() else number


def _organisation(org: Organisation, prefix: str, *, funder: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"id": org_identifier(org, prefix), "name": org.name}
    if org.department:
        record["department"] = org.department
    if not funder:
        if org.country:
            record["addressCountry"] = org.country
        if org.url:
            record["url"] = org.url
    return record


def grant_record(award: AwardSide, prefix: str) -> dict[str, Any]:
    """One 360Giving grant dict for one award side."""
    where = f"award {award.identifier!r}"
    grant: dict[str, Any] = {
        "id": grant_id(prefix, award.identifier),
        "title": award.title,
        "description": award.description,
        "currency": award.currency,
        "amountAwarded": _amount(award.amount_awarded, f"{where}.amount_awarded"),
        "awardDate": _date(award.award_date, f"{where}.award_date"),
    }
    if award.amount_applied_for is not None:
        grant["amountAppliedFor"] = _amount(award.amount_applied_for, f"{where}.amount_applied_for")
    if award.url:
        grant["url"] = award.url
    planned: dict[str, Any] = {}
    if award.planned_start is not None:
        planned["startDate"] = _date(award.planned_start, f"{where}.planned_start")
    if award.planned_end is not None:
        planned["endDate"] = _date(award.planned_end, f"{where}.planned_end")
    if award.planned_duration_months is not None:
        planned["duration"] = _amount(award.planned_duration_months, f"{where}.planned_duration")
    if planned:
        grant["plannedDates"] = [planned]
    grant["recipientOrganization"] = [_organisation(award.recipient, prefix, funder=False)]
    if award.beneficiary_country:
        code = award.beneficiary_country
        grant["beneficiaryLocation"] = [
            {"name": COUNTRY_NAMES.get(code, code), "countryCode": code}
        ]
    grant["fundingOrganization"] = [_organisation(award.funder, prefix, funder=True)]
    if award.programme_code or award.programme_title:
        programme: dict[str, Any] = {}
        if award.programme_code:
            programme["code"] = award.programme_code
        if award.programme_title:
            programme["title"] = award.programme_title
        if award.programme_url:
            programme["url"] = award.programme_url
        grant["grantProgramme"] = [programme]
    if award.from_open_call is not None:
        grant["fromOpenCall"] = "Yes" if award.from_open_call else "No"
    if award.related:
        grant["relatedActivity"] = [
            r if r.startswith("360G-") else grant_id(prefix, r) for r in award.related
        ]
    if award.date_modified is not None:
        grant["dateModified"] = _date(award.date_modified, f"{where}.date_modified", full=True)
    if award.data_source:
        grant["dataSource"] = award.data_source
    return grant


def build_package(
    awards: Sequence[AwardSide],
    *,
    publisher: Publisher,
    title: str,
    description: str = "",
    issued: date | None = None,
    identifier: str | None = None,
) -> dict[str, Any]:
    """A 360Giving package ``{"grants": [...], "version": "1.4", ...}`` for ``awards``.

    Raises Giving360Error for an award that cannot be expressed (no identifiable
    organisation, a naive datetime, a duplicate identifier, a related id that is not in the
    package and not a full 360G id). Call :func:`validate_package` on the result before
    publishing: it checks what the schema checks (currency code, dates, required fields).
    """
    _check_prefix(publisher.prefix)
    seen: set[str] = set()
    for award in awards:
        if award.identifier in seen:
            raise Giving360Error(f"award {award.identifier!r}", "duplicate identifier")
        seen.add(award.identifier)
    for award in awards:
        for other in award.related:
            if not other.startswith("360G-") and other not in seen:
                raise Giving360Error(
                    f"award {award.identifier!r}.related",
                    f"{other!r} is not an award in this package; give its full 360G id",
                )
    package: dict[str, Any] = {
        "grants": [grant_record(a, publisher.prefix) for a in awards],
        "version": SCHEMA_VERSION,
        "title": title,
        "license": publisher.license,
        "publisher": {"name": publisher.name},
    }
    if description:
        package["description"] = description
    if issued is not None:
        package["issued"] = _date(issued, "issued")
    if identifier:
        package["identifier"] = identifier
    if publisher.identifier:
        package["publisher"]["identifier"] = publisher.identifier
    if publisher.website:
        package["publisher"]["website"] = publisher.website
    return package


# --- validation ---------------------------------------------------------------------------


def _load(name: str) -> dict[str, Any]:
    text = resources.files("accord.core").joinpath("data", "360giving", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    grant = _load(GRANT_SCHEMA_FILE)
    package = _load(PACKAGE_SCHEMA_FILE)
    # the schemas say "$schema": "http://json-schema.org/draft/2020-12/schema" (no https),
    # which referencing does not recognise, so the dialect is named explicitly
    resource: Resource[Any] = DRAFT202012.create_resource(grant)
    registry: Registry[Any] = Registry().with_resources(
        [(GRANT_SCHEMA_REF, resource), (grant["$id"], resource)]
    )  # no retrieve function: an unknown $ref fails instead of fetching
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _path(parts: Iterable[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(package)"


def _is_date_choice(error: ValidationError) -> bool:
    return all(sub.validator in ("format", "pattern") for sub in error.context or [])


def _messages(error: ValidationError) -> list[str]:
    path = _path(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, Mapping) else {}
        missing = [name for name in error.validator_value if name not in instance]
        prefix = "" if path == "(package)" else f"{path}."
        return [f"{prefix}{name}: required field is missing" for name in missing]
    if error.validator == "oneOf" and error.context:
        if _is_date_choice(error):
            return [
                f"{path}: {error.instance!r} is not a valid date; write YYYY-MM-DD "
                "or a full date-time such as 2024-03-01T09:00:00+00:00"
            ]
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        return [message for sub in closest for message in _messages(sub)]
    if error.validator == "enum":
        codelist = error.schema.get("codelist") if isinstance(error.schema, Mapping) else None
        where = f" (360Giving codelist {codelist})" if codelist else ""
        return [f"{path}: {error.instance!r} is not an allowed value{where}"]
    return [f"{path}: {error.message}"]


def validate_package(package: object) -> list[str]:
    """Human-readable schema errors, each starting with its JSON path; [] when valid.

    Uses the vendored 360Giving 1.4.3 schemas with format checking on (dates as date-time
    via rfc3339-validator). Example: "grants[0].amountAwarded: required field is missing".
    """
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(map(str, e.path)))
    messages: list[str] = []
    for error in errors:
        for message in _messages(error):
            if message not in messages:
                messages.append(message)
    return messages


# --- flat CSV -------------------------------------------------------------------------------

#: the fields written to the flat CSV, as JSON paths ("/0/" = first item of an array)
FLAT_FIELDS = (
    "id",
    "title",
    "description",
    "currency",
    "amountAppliedFor",
    "amountAwarded",
    "awardDate",
    "url",
    "plannedDates/0/startDate",
    "plannedDates/0/endDate",
    "plannedDates/0/duration",
    "recipientOrganization/0/id",
    "recipientOrganization/0/name",
    "recipientOrganization/0/addressCountry",
    "recipientOrganization/0/url",
    "beneficiaryLocation/0/name",
    "beneficiaryLocation/0/countryCode",
    "fundingOrganization/0/id",
    "fundingOrganization/0/name",
    "fundingOrganization/0/department",
    "grantProgramme/0/code",
    "grantProgramme/0/title",
    "grantProgramme/0/url",
    "fromOpenCall",
    "relatedActivity",
    "dateModified",
    "dataSource",
)


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    reference = schema.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/$defs/"):
        resolved: Mapping[str, Any] = root["$defs"][reference.removeprefix("#/$defs/")]
        return resolved
    return schema


@cache
def flat_titles() -> tuple[str, ...]:
    """Column titles of :data:`FLAT_FIELDS`, built from the schema's ``title``s the way the
    standard's flat templates name them ("Recipient Org:Identifier", "Amount Awarded")."""
    root = _load(GRANT_SCHEMA_FILE)
    titles = []
    for field in FLAT_FIELDS:
        schema: Mapping[str, Any] = root
        parts = []
        for step in field.split("/"):
            if step == "0":
                schema = _resolve(schema["items"], root)
                continue
            schema = _resolve(schema["properties"][step], root)
            parts.append(str(schema["title"]))
        titles.append(":".join(parts))
    return tuple(titles)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _get(grant: Mapping[str, Any], field: str) -> Any:
    value: Any = grant
    for step in field.split("/"):
        if step == "0":
            value = value[0] if isinstance(value, list) and value else None
        else:
            value = value.get(step) if isinstance(value, Mapping) else None
        if value is None:
            return None
    return value


def to_flat_csv(package: Mapping[str, Any]) -> str:
    """The package's grants as a 360Giving flat CSV: one row per grant, titled columns.

    Arrays of organisations / locations / dates contribute their first item (Accord writes
    one of each per record); ``Related Activity`` joins its ids with ";".
    """
    grants = package.get("grants", [])
    stream = io.StringIO()
    writer = csvsafe.writer(stream, lineterminator="\n")
    writer.writerow(flat_titles())
    for grant in grants:
        writer.writerow([_cell(_get(grant, field)) for field in FLAT_FIELDS])
    return stream.getvalue()
