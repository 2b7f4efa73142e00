"""Identifier checks shared by models, forms, the reference loader and the API.

Each check raises ValidationError with a message that says what is wrong and what a valid value
looks like. Normalisers return the canonical stored form.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6}[0-9]{2})$")
_FUNDER_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?(?:10\.13039/)?(\d{9,12})$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orcid_checksum_ok(digits: str) -> bool:
    """ISO 7064 MOD 11-2 over the first 15 digits; the 16th is the check character."""
    total = 0
    for char in digits[:15]:
        total = (total + int(char)) * 2
    result = (12 - total % 11) % 11
    check = "X" if result == 10 else str(result)
    return digits[15] == check


def normalise_orcid(value: str) -> str:
    match = _ORCID_RE.match(
        value.strip()
        .upper()
        .replace("HTTPS://ORCID.ORG/", "https://orcid.org/")
        .replace("HTTP://ORCID.ORG/", "https://orcid.org/")
    )
    if not match:
        raise ValidationError(
            _(
                "“%(value)s” is not an ORCID iD. Write it as 0000-0002-1825-0097 (16 characters in four groups)."
            ),
            code="orcid_format",
            params={"value": value},
        )
    digits = "".join(match.groups())
    if not orcid_checksum_ok(digits):
        raise ValidationError(
            _(
                "The ORCID iD “%(value)s” has a wrong check digit: please copy it again from orcid.org."
            ),
            code="orcid_checksum",
            params={"value": value},
        )
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def validate_orcid(value: str) -> None:
    normalise_orcid(value)


def ror_checksum_ok(ror_id: str) -> bool:
    number = 0
    for char in ror_id[:7]:
        number = number * 32 + _CROCKFORD.index(char)
    return int(ror_id[7:]) == 98 - ((number * 100) % 97)


def normalise_ror(value: str) -> str:
    match = _ROR_RE.match(value.strip().lower())
    if not match or not ror_checksum_ok(match.group(1)):
        raise ValidationError(
            _(
                "“%(value)s” is not a ROR ID. Write it as https://ror.org/03wnrjx87 or 03wnrjx87 (nine characters, starting with 0)."
            ),
            code="ror",
            params={"value": value},
        )
    return match.group(1)


def validate_ror(value: str) -> None:
    normalise_ror(value)


def normalise_funder_id(value: str) -> str:
    match = _FUNDER_RE.match(value.strip())
    if not match:
        raise ValidationError(
            _(
                "“%(value)s” is not a Crossref Funder ID. Write it as 10.13039/501100000288 or 501100000288."
            ),
            code="funder_id",
            params={"value": value},
        )
    return f"10.13039/{match.group(1)}"


def validate_funder_id(value: str) -> None:
    normalise_funder_id(value)
