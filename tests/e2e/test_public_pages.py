"""The public pages of the demo, in English and Korean, through every page check."""

import pytest

from tests.e2e.steps import go

pytestmark = pytest.mark.e2e

PUBLIC = [
    "/",
    "/accord/",
    "/accord/uk-rok-2023/",
    "/accord/uk-rok-2023/commitments/",
    "/accord/uk-rok-2023/delivery/",
    "/programmes/",
    "/calls/",
    "/calls/uk-rok-ica-2026/",
    "/directory/organisations/",
    "/awards/",
    "/accounts/login/",
]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_public_pages(tour, language):
    page = tour.page(language)
    failures = []
    for path in PUBLIC:
        try:
            go(page, path)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)
