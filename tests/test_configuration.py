"""A ``REGISTRY_`` variable that is no setting is an error, as the README says: a new user's
``REGISTRY_KEY_PATH`` was passed over in silence (pydantic-settings reads only what it knows),
and a misspelt ``REGISTRY_DATABSE_URL`` would have left the registry on its SQLite default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from registry.core.settings import ConfigurationError, environment_problems
from registry.main import create_app


def _registry(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """The real command line (``registry.cli.main``) in ``tmp_path``, with only ``variables``
    of the registry's own set."""
    environ = {k: v for k, v in os.environ.items() if not k.upper().startswith("REGISTRY_")}
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        env=environ | variables,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "hint"),
    [
        ("REGISTRY_DATABSE_URL", "; did you mean REGISTRY_DATABASE_URL?"),
        ("REGISTRY_KEY_PATH", ""),  # nothing near enough to suggest
        ("registry_log_orign", "; did you mean REGISTRY_LOG_ORIGIN?"),
    ],
)
def test_a_variable_that_is_no_setting_stops_the_command(
    tmp_path: Path, variable: str, hint: str
) -> None:
    database = tmp_path / "chosen.db"

    result = _registry(
        tmp_path, "migrate", REGISTRY_DATABASE_URL=f"sqlite:///{database}", **{variable: "x"}
    )

    assert result.returncode == 2, result.stderr
    expected = f"{variable} is not a setting of the registry (README: Configuration){hint}"
    assert result.stderr.strip() == f"configuration: {expected}"
    assert "Traceback" not in result.stderr
    assert not database.exists()
    assert not (tmp_path / "var").exists()


def test_every_wrong_variable_is_named_and_no_value_repeated(tmp_path: Path) -> None:
    result = _registry(
        tmp_path,
        "migrate",
        REGISTRY_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
        REGISTRY_READ_WAIT_SECONDS="secret-looking-value",
        REGISTRY_EXPORT_CONNECTIONS="many",
    )

    assert result.returncode == 2, result.stderr
    assert "secret-looking-value" not in result.stderr
    lines = result.stderr.removeprefix("configuration: ").splitlines()
    assert sorted(line.split(":")[0] for line in lines) == [
        "REGISTRY_EXPORT_CONNECTIONS",
        "REGISTRY_READ_WAIT_SECONDS",
    ]
    assert not (tmp_path / "r.db").exists()


def test_a_json_setting_that_does_not_parse_is_named_without_a_traceback(tmp_path: Path) -> None:
    """pydantic-settings raises its own error, not a validation error, for a complex setting's
    JSON (found by review)."""
    result = _registry(
        tmp_path,
        "migrate",
        REGISTRY_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
        REGISTRY_WITNESSES='[{"key": "secret-looking',
    )

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "configuration: REGISTRY_WITNESSES: is not valid JSON"
    assert not (tmp_path / "r.db").exists()


def test_the_variables_read_elsewhere_are_no_error(tmp_path: Path) -> None:
    result = _registry(
        tmp_path,
        "migrate",
        REGISTRY_DATABASE_URL=f"sqlite:///{tmp_path / 'r.db'}",
        REGISTRY_TELEMETRY="true",
        REGISTRY_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1/x",
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.db").exists()
    assert environment_problems({"PATH": "/bin", "REGISTRY_PUBLIC_URL": "https://x.uz"}) == []


def test_the_app_refuses_to_start_on_a_variable_that_is_no_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``uvicorn registry.main:create_app --factory`` makes its settings from the
    environment, as each of ``registry serve``'s workers does."""
    monkeypatch.setenv("REGISTRY_SIGNING_KEY_PATH", "/tmp/elsewhere.key")

    with pytest.raises(ConfigurationError, match="REGISTRY_SIGNING_KEY_PATH is not a setting"):
        create_app()
