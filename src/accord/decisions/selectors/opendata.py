"""Open data: published awards as a 360Giving package (one grant per funder side, linked).

Nothing is published unless the package validates against the vendored 360Giving schema and
Accord's own checks (no negative amounts): ``published_package`` raises OpenDataInvalid with
every error instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from accord.core import giving360
from accord.decisions.errors import NoOpenData, OpenDataInvalid
from accord.decisions.models import Award
from accord.decisions.selectors import open_awards
from accord.directory.models import Organisation

PUBLISHER_PREFIX = getattr(settings, "ACCORD_360GIVING_PREFIX", "360G-accord")
PUBLISHER_NAME = getattr(settings, "ACCORD_360GIVING_PUBLISHER", "Accord")
TITLE = "Accord awards"


def _organisation(org: Organisation) -> giving360.Organisation:
    """An organisation as 360Giving knows it: names and identifiers only, never a person."""
    return giving360.Organisation(
        name=org.name_en,
        ror=org.ror_id or None,
        crossref_funder_id=org.funder_id or None,
        local_id=org.slug,
        country=org.country if len(org.country) == 2 and org.country != "XX" else None,
        url=org.website or None,
    )


def side_identifier(award: Award, country: str) -> str:
    return f"{award.reference}-{country}"


def award_sides(awards: Iterable[Award]) -> list[giving360.AwardSide]:
    """One 360Giving record per funder side of each award, in that side's currency."""
    records = []
    for award in awards:
        application = award.application
        call = application.call
        sides = list(award.sides.all())
        countries = [s.country for s in sides]
        for side in sides:
            records.append(
                giving360.AwardSide(
                    identifier=side_identifier(award, side.country),
                    title=application.title_en,
                    description=application.summary_en or application.title_en,
                    currency=side.currency,
                    amount_awarded=float(side.amount),
                    award_date=timezone.localdate(award.created_at),
                    recipient=_organisation(side.recipient),
                    funder=_organisation(side.funder),
                    planned_start=award.starts_on,
                    planned_end=award.ends_on,
                    beneficiary_country=side.country,
                    related=tuple(
                        side_identifier(award, c) for c in countries if c != side.country
                    ),
                    programme_code=call.slug,
                    programme_title=f"{call.programme.name_en} — {call.name_en}",
                    from_open_call=True,
                    date_modified=award.updated_at,
                )
            )
    return records


def published_awards() -> Any:
    return (
        open_awards()
        .select_related("application__call__programme")
        .prefetch_related("sides__funder", "sides__recipient")
        .order_by("reference")
    )


def build_open_data(awards: Iterable[Award] | None = None) -> dict[str, Any]:
    """The 360Giving package of ``awards`` (default: every published award). Not yet validated."""
    return giving360.build_package(
        award_sides(published_awards() if awards is None else awards),
        publisher=giving360.Publisher(prefix=PUBLISHER_PREFIX, name=PUBLISHER_NAME),
        title=TITLE,
        issued=timezone.localdate(),
    )


def open_data_errors(package: Any) -> list[str]:
    """Schema errors (360Giving 1.4.3) and Accord's own: an amount is never negative."""
    errors = giving360.validate_package(package)
    grants = package.get("grants", []) if isinstance(package, dict) else []
    for index, grant in enumerate(grants):
        for field in ("amountAwarded", "amountAppliedFor"):
            value = grant.get(field) if isinstance(grant, dict) else None
            if isinstance(value, int | float) and value < 0:
                errors.append(f"grants[{index}].{field}: must not be negative, got {value}")
    return errors


def checked(package: dict[str, Any]) -> dict[str, Any]:
    """``package`` itself when it validates; OpenDataInvalid with every error otherwise."""
    errors = open_data_errors(package)
    if errors:
        raise OpenDataInvalid(errors)
    return package


def published_package() -> dict[str, Any]:
    """The validated package of every published award.

    Raises NoOpenData when nothing is published yet, OpenDataInvalid when it does not validate.
    """
    awards = list(published_awards())
    if not awards:
        raise NoOpenData
    try:
        package = build_open_data(awards)
    except giving360.Giving360Error as error:
        raise OpenDataInvalid([str(error)]) from error
    return checked(package)


def flat_csv(package: dict[str, Any]) -> str:
    return giving360.to_flat_csv(package)
