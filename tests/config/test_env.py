import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.config.env import load


def test_defaults_are_embedded_mode():
    config = load({})
    assert (config.bool("DEBUG"), config.str("DATABASE_URL"), config.str("TASKS")) == (
        True,
        "",
        "immediate",
    )


def test_secret_key_required_in_production():
    with pytest.raises(
        ImproperlyConfigured, match="ACCORD_SECRET_KEY is required when ACCORD_DEBUG is off"
    ):
        load({"ACCORD_DEBUG": "false"})
    assert load({"ACCORD_DEBUG": "false", "ACCORD_SECRET_KEY": "s" * 50}).bool("DEBUG") is False


def test_bad_boolean_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="ACCORD_DEBUG must be true or false"):
        load({"ACCORD_DEBUG": "maybe"})


def test_config_file_then_environment(tmp_path):
    path = tmp_path / "accord.toml"
    path.write_text('allowed_hosts = "a.example"\ntasks = "database"\n', encoding="utf-8")
    config = load({"ACCORD_CONFIG": str(path), "ACCORD_ALLOWED_HOSTS": "b.example,c.example"})
    assert config.list("ALLOWED_HOSTS") == ["b.example", "c.example"]
    assert config.str("TASKS") == "database"


def test_unknown_setting_in_file_is_refused(tmp_path):
    path = tmp_path / "accord.toml"
    path.write_text("debgu = false\n", encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="unknown setting 'debgu'"):
        load({"ACCORD_CONFIG": str(path)})


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
    with pytest.raises(ImproperlyConfigured, match="ACCORD_RUN_STALE_SECONDS must be a whole number"):
        load({"ACCORD_RUN_STALE_SECONDS": "10"})
    assert load({"ACCORD_RUN_STALE_SECONDS": "600"}).str("RUN_STALE_SECONDS") == "600"
