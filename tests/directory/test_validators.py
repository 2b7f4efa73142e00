import pytest
from django.core.exceptions import ValidationError

from accord.directory.validators import normalise_funder_id, normalise_orcid, normalise_ror


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),  # X check character
    ],
)
def test_orcid_normalised(raw, expected):
    assert normalise_orcid(raw) == expected


def test_orcid_wrong_check_digit_says_so():
    with pytest.raises(ValidationError) as exc:
        normalise_orcid("0000-0002-1825-0098")
    assert exc.value.code == "orcid_checksum"


@pytest.mark.parametrize("raw", ["0000-0002-1825", "orcid", "0000-0002-1825-00977"])
def test_orcid_bad_format(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_orcid(raw)
    assert exc.value.code == "orcid_format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://ror.org/03wnrjx87", "03wnrjx87"),
        ("013AYSD81", "013aysd81"),
        ("05apxxy63", "05apxxy63"),
    ],
)
def test_ror_normalised(raw, expected):
    assert normalise_ror(raw) == expected


@pytest.mark.parametrize("raw", ["03wnrjx88", "13wnrjx87", "03wnrjx8", "03wnrjl87"])
def test_ror_invalid_checksum_or_format(raw):
    with pytest.raises(ValidationError) as exc:
        normalise_ror(raw)
    assert exc.value.code == "ror"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("501100000288", "10.13039/501100000288"),
        ("10.13039/100014013", "10.13039/100014013"),
        ("https://doi.org/10.13039/501100003725", "10.13039/501100003725"),
    ],
)
def test_funder_id_normalised(raw, expected):
    assert normalise_funder_id(raw) == expected


def test_funder_id_rejects_other_doi():
    with pytest.raises(ValidationError):
        normalise_funder_id("10.1000/182")
