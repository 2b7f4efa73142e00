import pytest


@pytest.fixture
def reference(db):
    """The UK–ROK Accord as `accord load-reference` loads it."""
    from accord.partnerships.services.reference import load_reference

    return load_reference()
