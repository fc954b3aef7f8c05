"""The log and its witnesses, all real: the registry behind a real uvicorn asks three
``registry witness serve`` processes to cosign every checkpoint it signs. The checkpoint then
carries their cosignatures, the auditor and the receipts require a quorum of them, and a
witness that is down delays nothing but its own cosignature."""

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from domain_helpers import World, bearer, build_world
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import serve
from test_awards import award_body
from test_witness import WitnessProcess, running_witnesses

from registry import auditor
from registry.core.db import Database
from registry.core.settings import Settings, WitnessSetting
from registry.ledger import store
from registry.ledger.checkpoint import NoteSigner, parse_verifier_key
from registry.ledger.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
)
from registry.ledger.errors import VerificationError
from registry.ledger.keys import load_or_create_signing_key
from registry.ledger.receipt import verify_receipt
from registry.main import create_app

ORIGIN = "test.registry/ledger"
WAIT_SECONDS = 20.0


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[tuple[WitnessProcess, CosignatureVerifier]]]:
    """Three witnesses trusting the log key the app below will sign with."""
    log_key = NoteSigner(ORIGIN, load_or_create_signing_key(tmp_path / "ledger.key"))
    logs = tmp_path / "logs.txt"
    logs.write_text(f"# the registry under test\n{log_key.verifier.verifier_key()}\n")
    with running_witnesses(tmp_path, logs) as witnesses:
        yield witnesses


@pytest.fixture
def witnessed_app(
    database_url: str, tmp_path: Path, witnesses: list[tuple[WitnessProcess, CosignatureVerifier]]
) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        signing_key_file=tmp_path / "ledger.key",
        log_origin=ORIGIN,
        checkpoint_interval_seconds=0,
        witnesses=[
            WitnessSetting(key=verifier.verifier_key(), url=process.url)
            for process, verifier in witnesses
        ],
        witness_quorum=2,
        witness_timeout_seconds=2,
    )
    return create_app(settings)


def _cosigned(base: str, count: int, *, size: int | None = None) -> httpx.Response:
    """Wait until the served checkpoint (of ``size``, if given) has ``count`` cosignatures."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        response = httpx.get(f"{base}/api/v1/ledger/checkpoint")
        lines = response.text.split("\n")
        if (size is None or lines[1] == str(size)) and int(
            response.headers["Witness-Cosignatures"]
        ) >= count:
            return response
        if time.monotonic() > deadline:
            pytest.fail(f"no checkpoint with {count} cosignatures: {response.text}")
        time.sleep(0.05)


def _publish(client: httpx.Client, world: World, base: str) -> dict:
    response = client.post(
        f"{base}/api/v1/awards",
        json=award_body(None, legal_basis="UP-124"),
        headers=bearer(world.fund),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_every_checkpoint_collects_the_witnesses_cosignatures(
    witnessed_app: FastAPI,
    database: Database,
    witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
) -> None:
    verifiers = [verifier for _, verifier in witnesses]
    with TestClient(witnessed_app) as local, serve(witnessed_app) as base, httpx.Client() as http:
        world = build_world(local, database)
        award = _publish(http, world, base)
        size = award["published_seq"] + 1
        served = _cosigned(base, 3, size=size)
        assert served.headers["Witness-Quorum"] == "2"
        log_key = parse_verifier_key(http.get(f"{base}/api/v1/ledger/key").text.strip())

        # The auditor pins the three witnesses and requires all of them.
        source = auditor.HttpSource(base, http)
        report = auditor.verify(source, key=log_key.verifier_key(), witnesses=verifiers, quorum=3)
        assert report.checkpoint.size >= size
        assert sorted(c.verifier.name for c in report.cosignatures) == [
            "witness.test/w1",
            "witness.test/w2",
            "witness.test/w3",
        ]
        # Another key under a pinned witness's name is not that witness.
        stranger = CosignatureSigner("witness.test/w1", Ed25519PrivateKey.generate()).verifier
        with pytest.raises(auditor.AuditFailure, match="0 valid cosignature"):
            auditor.verify(source, key=log_key.verifier_key(), witnesses=[stranger], quorum=1)

        # The award's receipt carries them too, and verifies offline with the quorum.
        receipt = http.get(f"{base}/api/v1/awards/{award['id']}/receipt").text
        proven = verify_receipt(receipt, log_key=log_key, witnesses=verifiers, quorum=3)
        assert proven.index == award["published_seq"]
        assert len(proven.cosignatures) == 3

        # The next checkpoint is cosigned from the size each witness saw last.
        second = _publish(http, world, base)
        _cosigned(base, 3, size=second["published_seq"] + 1)
        with database.session() as session:
            rows = store.cosignatures(session, [c.id for c in store.all_checkpoints(session)])
        assert len({row.witness for row in rows}) == 3
        for row in rows:
            assert row.line.startswith("\u2014 witness.test/w")


def test_a_witness_that_is_down_delays_nothing_but_its_own_cosignature(
    witnessed_app: FastAPI,
    database: Database,
    witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
) -> None:
    """The worst kind of down: stopped (SIGSTOP), so connections open and then hang until the
    log's 2 s timeout. Writes still answer at once; the others cosign; it catches up."""
    verifiers = [verifier for _, verifier in witnesses]
    hung, _ = witnesses[0]
    assert hung.process is not None
    with TestClient(witnessed_app) as local, serve(witnessed_app) as base, httpx.Client() as http:
        world = build_world(local, database)
        _cosigned(base, 3)
        log_key = http.get(f"{base}/api/v1/ledger/key").text.strip()
        source = auditor.HttpSource(base, http)
        hung.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            award = _publish(http, world, base)
            took = time.monotonic() - started
            served = _cosigned(base, 2, size=award["published_seq"] + 1)
            waited = time.monotonic() - started
            assert served.headers["Witness-Cosignatures"] == "2"
            report = auditor.verify(source, key=log_key, witnesses=verifiers, quorum=2)
            assert len(report.cosignatures) == 2
            with pytest.raises(auditor.AuditFailure, match=r"2 valid cosignature.*3 required"):
                auditor.verify(source, key=log_key, witnesses=verifiers, quorum=3)
            receipt = http.get(f"{base}/api/v1/awards/{award['id']}/receipt").text
            with pytest.raises(VerificationError, match="3 required"):
                verify_receipt(
                    receipt, log_key=parse_verifier_key(log_key), witnesses=verifiers, quorum=3
                )
        finally:
            hung.process.send_signal(signal.SIGCONT)
        # Neither the write nor the other witnesses waited for the hung one's timeout (2 s).
        assert took < 1, took
        assert waited < 2, waited

        # Crashed and restarted with its state: it catches up from the size it cosigned
        # (it answers 409 with that size; the log sends the proof from there).
        hung.kill()
        hung.start()
        _publish(http, world, base)
        _cosigned(base, 3)
