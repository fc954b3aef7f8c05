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
from registry.ledger import witnesses as log_witnesses
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
WITNESS_TIMEOUT = 4.0
"""How long the log waits for a witness's answer: what a write and the other witnesses must
not wait for when one hangs (long enough that a busy machine's slowness is not mistaken
for it)."""


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
        witness_timeout_seconds=WITNESS_TIMEOUT,
    )
    return create_app(settings)


def _cosigned(
    base: str, count: int, folder: Path, *, size: int | None = None, wait: float = WAIT_SECONDS
) -> httpx.Response:
    """Wait until the served checkpoint (of ``size``, if given) has ``count`` cosignatures.
    On failure the output of the witnesses in ``folder`` is shown beside the log's warnings
    (pytest's captured log)."""
    deadline = time.monotonic() + wait
    while True:
        response = httpx.get(f"{base}/api/v1/ledger/checkpoint")
        lines = response.text.split("\n")
        if (size is None or lines[1] == str(size)) and int(
            response.headers["Witness-Cosignatures"]
        ) >= count:
            return response
        if time.monotonic() > deadline:
            outputs = "".join(
                f"\n--- {output.name}\n{output.read_text(errors='replace')[-3000:]}"
                for output in sorted(folder.glob("w*.log"))
            )
            pytest.fail(f"no checkpoint with {count} cosignatures: {response.text}{outputs}")
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
    tmp_path: Path,
) -> None:
    verifiers = [verifier for _, verifier in witnesses]
    with TestClient(witnessed_app) as local, serve(witnessed_app) as base, httpx.Client() as http:
        world = build_world(local, database)
        award = _publish(http, world, base)
        size = award["published_seq"] + 1
        served = _cosigned(base, 3, tmp_path, size=size)
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
        _cosigned(base, 3, tmp_path, size=second["published_seq"] + 1)
        with database.session() as session:
            rows = store.cosignatures(session, [c.id for c in store.all_checkpoints(session)])
        assert len({row.witness for row in rows}) == 3
        for row in rows:
            assert row.line.startswith("\u2014 witness.test/w")


def test_a_witness_that_is_down_delays_nothing_but_its_own_cosignature(
    witnessed_app: FastAPI,
    database: Database,
    witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
    tmp_path: Path,
) -> None:
    """The worst kind of down: stopped (SIGSTOP), so connections open and then hang until the
    log's timeout. Writes still answer at once; the others cosign; it catches up."""
    verifiers = [verifier for _, verifier in witnesses]
    hung, _ = witnesses[0]
    assert hung.process is not None
    with TestClient(witnessed_app) as local, serve(witnessed_app) as base, httpx.Client() as http:
        world = build_world(local, database)
        _cosigned(base, 3, tmp_path)
        log_key = http.get(f"{base}/api/v1/ledger/key").text.strip()
        source = auditor.HttpSource(base, http)
        hung.process.send_signal(signal.SIGSTOP)
        try:
            started = time.monotonic()
            award = _publish(http, world, base)
            took = time.monotonic() - started
            served = _cosigned(base, 2, tmp_path, size=award["published_seq"] + 1)
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
        # Neither the write nor the other witnesses waited for the hung one's timeout.
        assert took < WITNESS_TIMEOUT, took
        assert waited < WITNESS_TIMEOUT, waited

        # Crashed and restarted with its state: it catches up from the size it cosigned
        # (it answers 409 with that size; the log sends the proof from there).
        hung.kill()
        hung.start()
        _publish(http, world, base)
        _cosigned(base, 3, tmp_path)


# The log's threads retry the same way whichever database it keeps.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_witness_back_from_a_long_outage_is_asked_again_soon_after_the_next_checkpoint(
    witnessed_app: FastAPI,
    database: Database,
    witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The log retries a witness that is down with a pause that doubles, up to a minute. A
    new checkpoint starts it again from the first: the witness, back, cosigns within seconds
    of the checkpoint, not after twice the pause its outage had grown to."""
    monkeypatch.setattr(log_witnesses, "FIRST_RETRY_SECONDS", 0.1)  # 0.1, 0.2, 0.4 … s
    down, _ = witnesses[0]
    with TestClient(witnessed_app) as local, serve(witnessed_app) as base, httpx.Client() as http:
        world = build_world(local, database)
        _cosigned(base, 3, tmp_path)
        down.kill()
        _publish(http, world, base)
        # Refused at once (nothing listens) and retried after 0.1, 0.2 … 6.4 s: 12.7 s after
        # the checkpoint the pause has grown to 12.8 s.
        time.sleep(13.5)
        signed = time.monotonic()
        award = _publish(http, world, base)  # refused at once too: the pause would be 25.6 s
        down.start()
        _cosigned(base, 3, tmp_path, size=award["published_seq"] + 1, wait=40)
        # From that checkpoint the pauses went 0.1, 0.2 … again, so the witness is asked at
        # most about as long after it is back as its restart took (restarts here take 2-10 s).
        took = time.monotonic() - signed
        assert took < 22, took
