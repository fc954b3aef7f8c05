"""The auditor's tool on its own: ``audit/`` builds a ``registry-audit`` wheel that installs
into a fresh virtualenv with nothing but ``cryptography``, cannot import the server, and
verifies a live registry over HTTP and a receipt with the network cut."""

import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from domain_helpers import bearer, build_world
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import serve
from test_awards import award_body

from registry.core.db import Database

REPOSITORY = Path(__file__).resolve().parent.parent
OFFLINE = ["unshare", "--map-root-user", "--net", "--"]
ALLOWED = {"cffi", "cryptography", "pip", "pycparser", "registry-audit", "setuptools"}


@pytest.fixture(scope="session")
def audit_tool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``registry-audit`` script of a fresh virtualenv holding only the wheel and its
    dependency (installed from the package index, as an auditor would)."""
    folder = tmp_path_factory.mktemp("registry-audit")
    wheels = folder / "wheels"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(wheels), str(REPOSITORY / "audit")),
        ],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("registry_audit-*.whl")
    environment = folder / "venv"
    venv.create(environment, with_pip=True)
    pip = environment / "bin" / "pip"
    subprocess.run([pip, "install", "--quiet", str(wheel)], check=True, timeout=300)
    return environment / "bin" / "registry-audit"


def _run(*command: object, offline: bool = False) -> subprocess.CompletedProcess[str]:
    prefix = OFFLINE if offline else []
    # Run from elsewhere than the repository, whose registry/ a bare `python -c` would import.
    return subprocess.run(
        [*prefix, *map(str, command)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=Path(command[0]).parent,
    )


def test_the_tool_installs_alone(audit_tool: Path) -> None:
    python = audit_tool.parent / "python"
    installed = _run(audit_tool.parent / "pip", "list", "--format=freeze").stdout.splitlines()
    names = {line.split("==")[0].lower() for line in installed}
    assert names <= ALLOWED, names - ALLOWED
    result = _run(python, "-c", "import registry")
    assert result.returncode != 0
    assert "No module named 'registry'" in result.stderr
    assert _run(audit_tool, "--help").returncode == 0


@pytest.fixture
def live(app: FastAPI, client: TestClient, database: Database) -> Iterator[tuple[str, dict]]:
    world = build_world(client, database)
    response = client.post(
        "/api/v1/awards", json=award_body(None, legal_basis="UP-124"), headers=bearer(world.fund)
    )
    assert response.status_code == 201, response.text
    with serve(app) as base:
        yield base, response.json()


def test_the_tool_verifies_a_live_registry_and_a_receipt_offline(
    audit_tool: Path, live: tuple[str, dict], client: TestClient, tmp_path: Path
) -> None:
    base, award = live
    key = tmp_path / "registry.pub"
    key.write_text(client.get("/api/v1/ledger/key").text)
    state = tmp_path / "state.json"
    size = award["published_seq"] + 1

    result = _run(audit_tool, "verify", "--url", base, "--key", key, "--state", state)
    assert result.returncode == 0, result.stderr
    assert f"OK test.registry/ledger: {size} entries" in result.stdout
    again = _run(audit_tool, "verify", "--url", base, "--key", key, "--state", state)
    assert f"(consistent with size {size})" in again.stdout
    needs_witness = _run(audit_tool, "verify", "--url", base, "--key", key, "--witness", key)
    assert needs_witness.returncode == 2  # a log key is not a witness key
    assert "witness key" in needs_witness.stderr

    receipt = tmp_path / "award.tlog-proof"
    receipt.write_bytes(client.get(f"/api/v1/awards/{award['id']}/receipt").content)
    result = _run(audit_tool, "receipt", receipt, "--key", key, offline=True)
    assert result.returncode == 0, result.stderr
    assert f"OK: entry {award['published_seq']} of the ledger test.registry/ledger" in result.stdout
    receipt.write_text(receipt.read_text().replace("\nindex ", "\nindex 1", 1))
    result = _run(audit_tool, "receipt", receipt, "--key", key, offline=True)
    assert result.returncode == 1
    assert result.stderr.startswith("FAILED:")

    unreachable = _run(audit_tool, "verify", "--url", base, "--key", key, offline=True)
    assert unreachable.returncode == 2
    assert "cannot read" in unreachable.stderr
