import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.config.env import load

PRODUCTION = {"ACCORD_SECRET_KEY": "s" * 50, "ACCORD_EMAIL_URL": "smtp+tls://u:p@mail.example:587"}


def test_development_is_explicit_and_embedded():
    config = load({"ACCORD_DEBUG": "true"})
    assert (config.bool("DEBUG"), config.str("DATABASE_URL"), config.str("TASKS")) == (
        True,
        "",
        "immediate",
    )


def test_unset_debug_is_production():
    """Production is anything not explicitly development: no ACCORD_DEBUG, no public secret key."""
    with pytest.raises(
        ImproperlyConfigured, match="ACCORD_SECRET_KEY is required when ACCORD_DEBUG is off"
    ):
        load({"ACCORD_ALLOWED_HOSTS": "accord.example.org"})
    assert load(PRODUCTION).bool("DEBUG") is False


def test_secret_key_required_in_production():
    with pytest.raises(
        ImproperlyConfigured, match="ACCORD_SECRET_KEY is required when ACCORD_DEBUG is off"
    ):
        load({"ACCORD_DEBUG": "false"})
    assert load({**PRODUCTION, "ACCORD_DEBUG": "false"}).bool("DEBUG") is False


@pytest.mark.parametrize("url", ["consolemail://", "filemail:///tmp/mail", "dummymail://"])
def test_mail_that_is_never_delivered_is_refused_in_production(url):
    with pytest.raises(ImproperlyConfigured) as caught:
        load({**PRODUCTION, "ACCORD_EMAIL_URL": url})
    assert str(caught.value).startswith(f"ACCORD_EMAIL_URL is {url!r}, which never delivers mail")
    assert "smtp+tls://user:password@smtp.example.org:587" in str(caught.value)
    assert load({"ACCORD_DEBUG": "true", "ACCORD_EMAIL_URL": url}).str("EMAIL_URL") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("nonsense", "it has no scheme (postgres:// or sqlite://)"),
        ("postgres://", "it names no database"),
        ("mongodb://db/accord", "unknown scheme 'mongodb'; use postgres:// or sqlite://"),
        (
            "postgres://accord:hunter2@db:port/accord",
            "Port could not be cast to integer value as 'port'",
        ),
    ],
)
def test_unparseable_database_url_names_the_variable(url, reason):
    for mode in ({"ACCORD_DEBUG": "true"}, PRODUCTION):
        with pytest.raises(ImproperlyConfigured) as caught:
            load({**mode, "ACCORD_DATABASE_URL": url})
        message = str(caught.value)
        assert message.startswith("ACCORD_DATABASE_URL ")
        assert f"is not a database URL Accord can use: {reason}." in message
        assert "hunter2" not in message


def test_bad_boolean_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="ACCORD_DEBUG must be true or false"):
        load({"ACCORD_DEBUG": "maybe"})


def test_config_file_then_environment(tmp_path):
    path = tmp_path / "accord.toml"
    path.write_text('allowed_hosts = "a.example"\ntasks = "database"\n', encoding="utf-8")
    config = load(
        {
            "ACCORD_DEBUG": "true",
            "ACCORD_CONFIG": str(path),
            "ACCORD_ALLOWED_HOSTS": "b.example,c.example",
        }
    )
    assert config.list("ALLOWED_HOSTS") == ["b.example", "c.example"]
    assert config.str("TASKS") == "database"


def test_unknown_setting_in_file_is_refused(tmp_path):
    path = tmp_path / "accord.toml"
    path.write_text("debgu = false\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown setting 'debgu'"):
        load({"ACCORD_DEBUG": "true", "ACCORD_CONFIG": str(path)})


def test_example_config_lists_every_setting():
    from pathlib import Path

    from accord.config.env import SETTINGS

    example = (Path(__file__).resolve().parents[2] / "accord.example.toml").read_text(
        encoding="utf-8"
    )
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in SETTINGS:
        assert f"{name.lower()} =" in example, name
        assert f"ACCORD_{name}" in readme, name


def test_a_run_timeout_below_three_heartbeats_is_refused_with_the_fix():
    with pytest.raises(
        ImproperlyConfigured, match="ACCORD_RUN_STALE_SECONDS must be a whole number"
    ):
        load({"ACCORD_DEBUG": "true", "ACCORD_RUN_STALE_SECONDS": "10"})
    assert (
        load({"ACCORD_DEBUG": "true", "ACCORD_RUN_STALE_SECONDS": "600"}).str("RUN_STALE_SECONDS")
        == "600"
    )


def test_database_connection_age_is_a_whole_number_of_seconds():
    with pytest.raises(ImproperlyConfigured, match="ACCORD_DATABASE_CONN_MAX_AGE must be a whole"):
        load({"ACCORD_DEBUG": "true", "ACCORD_DATABASE_CONN_MAX_AGE": "forever"})
    config = load({"ACCORD_DEBUG": "true", "ACCORD_DATABASE_CONN_MAX_AGE": "60"})
    assert config.str("DATABASE_CONN_MAX_AGE") == "60"
    assert load({"ACCORD_DEBUG": "true"}).str("DATABASE_CONN_MAX_AGE") == "0"
