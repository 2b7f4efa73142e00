from tests.applications.conftest import (  # noqa: F401 — fixtures shared with the applications tests
    call,
    funding,
    nrf_officer,
    rs_officer,
)
