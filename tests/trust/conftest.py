from tests.applications.conftest import (  # noqa: F401 — fixtures shared with the applications tests
    call,
    draft,
    funding,
    kr_lead,
    nrf_officer,
    rs_officer,
    signed,
    uk_lead,
)
