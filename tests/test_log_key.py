"""A server never signs a ledger's checkpoints with a key other than the one that signed
them: a journalist started a server on a copy of the database from another directory, the
relative ``./var/ledger.key`` did not exist there, a new key was made in silence and signed
the next checkpoints, and ``registry audit verify --key`` then failed against the pinned key."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from registry.cli import app as cli
from registry.core import server
from registry.core.db import Database
from registry.core.settings import Settings, get_settings
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.ledger.log_key import NotTheLogsKey, latest_note
from registry.main import create_app


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """The commands read the environment once per process (``get_settings`` is cached)."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def signed(settings: Settings, database: Database) -> NoteSigner:
    """The ledger with a checkpoint signed by the settings' key, and that key's signer."""
    signer = NoteSigner(
        name=settings.log_origin,
        private_key=load_or_create_signing_key(settings.signing_key_file),
    )
    with database.session(write=True) as session:
        ledger_service.sign_if_stale(session, signer=signer)
    assert latest_note(database) is not None
    return signer


def test_the_log_s_own_key_serves(settings: Settings, signed: NoteSigner) -> None:
    with TestClient(create_app(settings)) as client:
        key = client.get("/api/v1/ledger/key").text.strip()
    assert key == signed.verifier.verifier_key()


@pytest.mark.parametrize("change", ["another key file", "another origin"])
def test_the_app_refuses_a_key_that_did_not_sign_the_ledger(
    settings: Settings, signed: NoteSigner, tmp_path: Path, change: str
) -> None:
    other = (
        {"signing_key_file": tmp_path / "elsewhere" / "ledger.key"}
        if change == "another key file"
        else {"log_origin": "grants.example.uz/ledger"}
    )
    with pytest.raises(NotTheLogsKey) as refused:
        create_app(settings.model_copy(update=other))

    message = str(refused.value)
    assert f"by 'test.registry/ledger', key ID {signed.key_id.hex()}" in message
    assert "REGISTRY_SIGNING_KEY_FILE" in message
    assert not (tmp_path / "elsewhere").exists()  # no key made (review)


def _environment(monkeypatch: pytest.MonkeyPatch, settings: Settings, key_file: str) -> None:
    # `serve` sets REGISTRY_PUBLIC_URL to the address it serves: set and unset here, it is
    # restored afterwards (it leaked port 8399 into later tests' links; the final proof).
    monkeypatch.setenv("REGISTRY_PUBLIC_URL", "restored afterwards")
    monkeypatch.delenv("REGISTRY_PUBLIC_URL")
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REGISTRY_LOG_ORIGIN", settings.log_origin)
    monkeypatch.setenv("REGISTRY_SIGNING_KEY_FILE", key_file)


@pytest.mark.usefixtures("signed")
@pytest.mark.parametrize("command", [["serve", "--port", "8399"], ["ledger", "key"]])
def test_the_commands_make_no_key_for_a_signed_ledger(
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    tmp_path: Path,
    command: list[str],
) -> None:
    """Started from another directory, the default relative path names no file: refused,
    and no key is made there."""
    elsewhere = tmp_path / "another-directory"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    _environment(monkeypatch, settings, "./var/ledger.key")
    served: list[str] = []
    monkeypatch.setattr(server, "run", lambda *_args, **_kw: served.append("served"))

    result = CliRunner().invoke(cli, command)

    assert result.exit_code == 2, result.output
    assert "no signing key at" in result.stderr
    assert str(elsewhere / "var" / "ledger.key") in result.stderr
    assert "the path is relative" in result.stderr
    assert served == []
    assert not (elsewhere / "var").exists()


def test_the_commands_go_on_with_the_log_s_key(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, signed: NoteSigner
) -> None:
    _environment(monkeypatch, settings, str(settings.signing_key_file))
    served: list[str] = []
    monkeypatch.setattr(server, "run", lambda *_args, **_kw: served.append("served"))

    key = CliRunner().invoke(cli, ["ledger", "key"])
    serve = CliRunner().invoke(cli, ["serve", "--port", "8399"])

    assert key.exit_code == 0, key.output
    assert key.stdout.strip() == signed.verifier.verifier_key()
    assert serve.exit_code == 0, serve.output
    assert served == ["served"]
