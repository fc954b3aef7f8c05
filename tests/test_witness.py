"""The witness (c2sp.org/tlog-witness "add-checkpoint"): every status code, atomicity, and real
``registry witness serve`` processes on loopback.

The logs are built in the test from leaves with ``registry.ledger.merkle`` and sign their
checkpoints with a ``NoteSigner`` named after the origin. A *forking* log is a test double: two
trees that share their first ``FORK_AT`` leaves and then differ, both signed by the same key.

For an end-to-end test of the registry with witnesses, reuse ``WitnessProcess`` (a real
``registry witness serve`` on a free port: ``start()``, ``kill()`` for kill -9, ``stop()``) and
``witness_cosigner_key`` (the output of ``registry witness key``).
"""

import base64
import hashlib
import itertools
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from live_server import free_port, serve

from registry.core.db import Database
from registry.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint, verify_checkpoint
from registry.ledger.cosignature import (
    Cosignature,
    CosignatureSigner,
    CosignatureVerifier,
    parse_cosigner_key,
    verify_cosignatures,
)
from registry.ledger.merkle import EMPTY_ROOT, CompactRange, consistency_ranges, leaf_hash
from registry.witness import repository
from registry.witness.app import create_app, default_database_path
from registry.witness.logs import TrustedLogs, parse_logs
from registry.witness.models import CosignedCheckpoint
from registry.witness.protocol import MAX_BODY_BYTES, MAX_PROOF_LINES

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "example.org/test-log"
WITNESS_NAME = "witness.test/w1"
LEAVES = 64
FORK_AT = 20
NOW = 1_765_000_000
SIZE_CONTENT_TYPE = "text/x.tlog.size"
STARTUP_TIMEOUT_SECONDS = 30


# A log built in the test


def _mth(hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes (RFC 6962 §2.1): the root of a tree of exactly them."""
    tree = CompactRange()
    for item in hashes:
        tree.push(item)
    return tree.root()


def _leaves(tag: str, count: int = LEAVES) -> list[bytes]:
    return [f"{tag} {n}".encode() for n in range(count)]


@dataclass
class SimulatedLog:
    """A Merkle tree over fixed leaves whose checkpoints a log key signs."""

    signer: NoteSigner
    leaves: Sequence[bytes]
    hashes: list[bytes] = field(init=False)

    def __post_init__(self) -> None:
        self.hashes = [leaf_hash(leaf) for leaf in self.leaves]

    @property
    def origin(self) -> str:
        return self.signer.name

    def root(self, size: int) -> bytes:
        return _mth(self.hashes[:size])

    def checkpoint(self, size: int) -> str:
        body = Checkpoint(origin=self.origin, size=size, root_hash=self.root(size))
        return sign_checkpoint(body, self.signer)

    def proof(self, old: int, new: int) -> list[bytes]:
        """PROOF(old, D[new]) (RFC 6962 §2.1.2); empty from size 0, as tlog-witness requires."""
        if old == 0:
            return []
        return [_mth(self.hashes[start:end]) for start, end in consistency_ranges(old, new)]

    def body(self, old: int, new: int, *, proof: Sequence[bytes] | None = None) -> bytes:
        """The add-checkpoint request from ``old`` to the checkpoint of size ``new``."""
        lines = self.proof(old, new) if proof is None else proof
        encoded = "".join(base64.b64encode(item).decode() + "\n" for item in lines)
        return f"old {old}\n{encoded}\n{self.checkpoint(new)}".encode()


def _log_signer(origin: str = ORIGIN) -> NoteSigner:
    return NoteSigner(name=origin, private_key=Ed25519PrivateKey.generate())


def _fork_of(log: SimulatedLog) -> SimulatedLog:
    """The same log key signing a second tree that shares only the first FORK_AT leaves."""
    return SimulatedLog(log.signer, [*log.leaves[:FORK_AT], *_leaves("fork")[FORK_AT:]])


@pytest.fixture
def log() -> SimulatedLog:
    return SimulatedLog(_log_signer(), _leaves("leaf"))


@pytest.fixture
def fork(log: SimulatedLog) -> SimulatedLog:
    return _fork_of(log)


@pytest.fixture
def witness_signer() -> CosignatureSigner:
    return CosignatureSigner(name=WITNESS_NAME, private_key=Ed25519PrivateKey.generate())


@pytest.fixture
def trusted(log: SimulatedLog) -> TrustedLogs:
    return parse_logs(f"# the logs this witness cosigns\n\n{log.signer.verifier.verifier_key()}\n")


@pytest.fixture
def witness_database(tmp_path: Path) -> Iterator[Database]:
    database = repository.open_database(tmp_path / "witness.db")
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Callable[[], int]:
    ticks = itertools.count(NOW)
    return lambda: next(ticks)


@pytest.fixture
def client(
    witness_signer: CosignatureSigner,
    trusted: TrustedLogs,
    witness_database: Database,
    clock: Callable[[], int],
) -> Iterator[TestClient]:
    app = create_app(signer=witness_signer, logs=trusted, database=witness_database, clock=clock)
    with TestClient(app) as test_client:
        yield test_client


def _post(client: TestClient, body: bytes) -> httpx.Response:
    return client.post("/add-checkpoint", content=body)


def _stored(database: Database, origin: str = ORIGIN) -> CosignedCheckpoint | None:
    with database.session() as session:
        return repository.get_latest(session, origin=origin)


def _state(database: Database, origin: str = ORIGIN) -> tuple[int, bytes] | None:
    row = _stored(database, origin)
    return None if row is None else (row.size, row.root_hash)


def _cosignature(
    response: httpx.Response, checkpoint_note: str, verifier: CosignatureVerifier
) -> Cosignature:
    """The one verifying cosignature line a 200 answer must be (tlog-witness, tlog-cosignature)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.count("\n") == 1
    assert response.text.startswith(f"— {verifier.name} ")
    _, cosignatures = verify_cosignatures(checkpoint_note + response.text, [verifier])
    assert len(cosignatures) == 1
    assert cosignatures[0].timestamp > 0
    return cosignatures[0]


def _assert_size_conflict(response: httpx.Response, latest: int) -> None:
    assert response.status_code == 409, response.text
    assert response.text == f"{latest}\n"
    assert response.headers["content-type"] == SIZE_CONTENT_TYPE


def _advance(client: TestClient, log: SimulatedLog, *sizes: int) -> None:
    old = 0
    for size in sizes:
        assert _post(client, log.body(old, size)).status_code == 200
        old = size


# 200: cosigning


def test_the_first_checkpoint_is_cosigned_from_size_zero(
    client: TestClient,
    log: SimulatedLog,
    witness_signer: CosignatureSigner,
    witness_database: Database,
) -> None:
    response = _post(client, log.body(0, 5))
    cosignature = _cosignature(response, log.checkpoint(5), witness_signer.verifier)
    assert cosignature.timestamp == NOW
    row = _stored(witness_database)
    assert row is not None
    assert (row.size, row.root_hash, row.cosigned_at) == (5, log.root(5), NOW)
    # The stored note is the checkpoint, the log's signature and the witness's cosignature.
    assert row.note == log.checkpoint(5) + response.text
    assert verify_checkpoint(row.note, log.signer.verifier).size == 5


def test_a_growing_log_is_cosigned_at_every_step(
    client: TestClient,
    log: SimulatedLog,
    witness_signer: CosignatureSigner,
    witness_database: Database,
) -> None:
    old = 0
    timestamps = []
    for size in (1, 2, 3, 7, 8, 13, 13, 32, 33, 64):
        response = _post(client, log.body(old, size))
        timestamps.append(_cosignature(response, log.checkpoint(size), witness_signer.verifier))
        assert _state(witness_database) == (size, log.root(size))
        old = size
    assert [c.timestamp for c in timestamps] == list(range(NOW, NOW + 10))


def test_the_same_checkpoint_again_is_cosigned_again_with_a_new_time(
    client: TestClient, log: SimulatedLog, witness_signer: CosignatureSigner
) -> None:
    _advance(client, log, 9)
    again = _cosignature(_post(client, log.body(9, 9)), log.checkpoint(9), witness_signer.verifier)
    assert again.timestamp == NOW + 1


def test_the_empty_tree_is_cosigned_and_then_any_size_follows_without_a_proof(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    assert log.root(0) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert _post(client, log.body(0, 0)).status_code == 200
    assert _state(witness_database) == (0, EMPTY_ROOT)
    assert _post(client, log.body(0, 11)).status_code == 200
    assert _state(witness_database) == (11, log.root(11))


def test_signatures_of_unknown_keys_are_ignored_and_not_stored(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    stranger = NoteSigner(name="example.org/stranger", private_key=Ed25519PrivateKey.generate())
    stranger_line = stranger.sign(log.checkpoint(4).partition("\n\n")[0] + "\n").partition("\n\n")[
        2
    ]
    body = log.body(0, 4) + stranger_line.encode()
    response = _post(client, body)
    assert response.status_code == 200
    row = _stored(witness_database)
    assert row is not None
    assert stranger_line not in row.note
    assert row.note == log.checkpoint(4) + response.text


def test_a_log_with_two_keys_may_sign_with_either(
    witness_signer: CosignatureSigner, witness_database: Database, log: SimulatedLog
) -> None:
    rotated = SimulatedLog(_log_signer(), log.leaves)
    keys = f"{log.signer.verifier.verifier_key()}\n{rotated.signer.verifier.verifier_key()}\n"
    app = create_app(signer=witness_signer, logs=parse_logs(keys), database=witness_database)
    with TestClient(app) as client:
        assert _post(client, log.body(0, 3)).status_code == 200
        assert _post(client, rotated.body(3, 6)).status_code == 200
    assert _state(witness_database) == (6, log.root(6))


# 400: malformed requests


def _with_proof_lines(log: SimulatedLog, lines: Sequence[str], *, old: int = 3) -> bytes:
    proof = "".join(f"{line}\n" for line in lines)
    return f"old {old}\n{proof}\n{log.checkpoint(9)}".encode()


GOOD_HASH = base64.b64encode(bytes(32)).decode()
MALFORMED_BODIES: dict[str, Callable[[SimulatedLog], bytes]] = {
    "empty": lambda _log: b"",
    "no old line": lambda log: log.checkpoint(5).encode(),
    "old with a leading zero": lambda log: b"old 05\n\n" + log.checkpoint(5).encode(),
    "negative old": lambda log: b"old -1\n\n" + log.checkpoint(5).encode(),
    "old above 2**64 - 1": lambda log: b"old 18446744073709551616\n\n" + log.checkpoint(5).encode(),
    "two spaces": lambda log: b"old  0\n\n" + log.checkpoint(5).encode(),
    "CRLF lines": lambda log: log.body(0, 5).replace(b"\n", b"\r\n"),
    "no empty line": lambda _log: f"old 3\n{GOOD_HASH}\n".encode(),
    "proof line not base64": lambda log: _with_proof_lines(log, ["not base64!"]),
    "proof hash of 31 bytes": lambda log: _with_proof_lines(
        log, [base64.b64encode(bytes(31)).decode()]
    ),
    "proof hash not canonical": lambda log: _with_proof_lines(log, [GOOD_HASH[:-2] + "B="]),
    "64 proof lines": lambda log: _with_proof_lines(log, [GOOD_HASH] * (MAX_PROOF_LINES + 1)),
    "not UTF-8": lambda log: (
        b"old 0\n\n" + log.checkpoint(5).encode().replace(b"example", b"\xffxample")
    ),
    "note without signatures": lambda log: (
        b"old 0\n\n" + log.checkpoint(5).partition("\n\n")[0].encode() + b"\n"
    ),
    "malformed signature line": lambda log: (
        b"old 0\n\n" + log.checkpoint(5).encode() + b"\xe2\x80\x94 no signature here!\n"
    ),
    "size not a number": lambda log: (
        b"old 0\n\n" + log.signer.sign(f"{ORIGIN}\nfive\n{GOOD_HASH}\n").encode()
    ),
    "root hash of 31 bytes": lambda log: (
        b"old 0\n\n"
        + log.signer.sign(f"{ORIGIN}\n5\n{base64.b64encode(bytes(31)).decode()}\n").encode()
    ),
    "old size above the checkpoint size": lambda log: log.body(0, 5).replace(
        b"old 0\n", b"old 6\n"
    ),
}


@pytest.mark.parametrize("make_body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_request_is_a_400_and_changes_nothing(
    client: TestClient,
    log: SimulatedLog,
    witness_database: Database,
    make_body: Callable[[SimulatedLog], bytes],
) -> None:
    _advance(client, log, 3)
    response = _post(client, make_body(log))
    assert response.status_code == 400, response.text
    assert response.text.endswith("\n")
    assert 0 < len(response.text) < 200
    assert _state(witness_database) == (3, log.root(3))


def test_63_proof_lines_are_not_malformed(client: TestClient, log: SimulatedLog) -> None:
    _advance(client, log, 3)
    response = _post(client, _with_proof_lines(log, [GOOD_HASH] * MAX_PROOF_LINES))
    assert response.status_code == 422  # well-formed, but not the right proof


def test_a_body_over_the_limit_is_refused_unread(client: TestClient, log: SimulatedLog) -> None:
    padding = b"x" * (MAX_BODY_BYTES + 1)
    assert _post(client, log.body(0, 5) + padding).status_code == 413
    chunks = iter([log.body(0, 5), padding])  # no Content-Length: read until the limit
    response = client.post("/add-checkpoint", content=chunks)
    assert response.status_code == 413


def test_only_post_is_allowed(client: TestClient) -> None:
    assert client.get("/add-checkpoint").status_code == 405


# 404: unknown log


def test_a_checkpoint_of_an_unknown_origin_is_a_404(
    client: TestClient, witness_database: Database
) -> None:
    other = SimulatedLog(_log_signer("example.org/other-log"), _leaves("other"))
    response = _post(client, other.body(0, 5))
    assert response.status_code == 404
    assert "example.org/other-log" in response.text
    assert _stored(witness_database, "example.org/other-log") is None


# 403: not signed by the log


def test_a_checkpoint_signed_by_another_key_of_the_same_name_is_a_403(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    impostor = SimulatedLog(_log_signer(ORIGIN), log.leaves)
    response = _post(client, impostor.body(0, 5))
    assert response.status_code == 403
    assert "no verifiable signatures" in response.text
    assert _stored(witness_database) is None


def test_a_failing_signature_by_the_trusted_key_is_a_403_even_beside_a_valid_one(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    note = log.checkpoint(5)
    line = note.partition("\n\n")[2]
    blob = bytearray(base64.b64decode(line.rstrip("\n").rpartition(" ")[2]))
    blob[-1] ^= 1
    broken = f"— {ORIGIN} {base64.b64encode(bytes(blob)).decode()}\n"
    response = _post(client, b"old 0\n\n" + note.replace(line, broken).encode())
    assert response.status_code == 403
    assert "invalid signature" in response.text
    assert _stored(witness_database) is None


def test_a_checkpoint_signed_by_another_trusted_log_is_a_403(
    witness_signer: CosignatureSigner, witness_database: Database, log: SimulatedLog
) -> None:
    other = _log_signer("example.org/other-log")
    keys = f"{log.signer.verifier.verifier_key()}\n{other.verifier.verifier_key()}\n"
    app = create_app(signer=witness_signer, logs=parse_logs(keys), database=witness_database)
    signed_by_other = other.sign(Checkpoint(origin=ORIGIN, size=5, root_hash=log.root(5)).body())
    with TestClient(app) as client:
        assert _post(client, b"old 0\n\n" + signed_by_other.encode()).status_code == 403


# 409: the old size is not the latest cosigned size


def test_an_old_size_other_than_the_latest_is_a_409_with_that_size(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    _assert_size_conflict(_post(client, log.body(5, 9)), 0)  # never cosigned: latest is 0
    _advance(client, log, 5)
    for old in (0, 3, 7):
        _assert_size_conflict(_post(client, log.body(old, 9)), 5)
    assert _state(witness_database) == (5, log.root(5))


# 422: not consistent


def test_a_wrong_consistency_proof_is_a_422(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    _advance(client, log, 5)
    proof = log.proof(5, 13)
    tampered = [bytes(32), *proof[1:]]
    assert _post(client, log.body(5, 13, proof=tampered)).status_code == 422
    assert _post(client, log.body(5, 13, proof=proof[:-1])).status_code == 422
    assert _post(client, log.body(5, 13, proof=[])).status_code == 422
    assert _state(witness_database) == (5, log.root(5))


def test_a_proof_from_size_zero_is_a_422(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    response = _post(client, log.body(0, 5, proof=[log.root(1)]))
    assert response.status_code == 422
    assert "empty" in response.text
    assert _stored(witness_database) is None


def test_an_empty_tree_with_another_root_is_a_422(
    client: TestClient, log: SimulatedLog, witness_database: Database
) -> None:
    wrong = Checkpoint(origin=ORIGIN, size=0, root_hash=hashlib.sha256(b"x").digest())
    body = b"old 0\n\n" + sign_checkpoint(wrong, log.signer).encode()
    assert _post(client, body).status_code == 422
    assert _stored(witness_database) is None


def test_the_same_size_with_another_root_is_a_422(
    client: TestClient, log: SimulatedLog, fork: SimulatedLog, witness_database: Database
) -> None:
    _advance(client, log, 25)
    assert fork.root(25) != log.root(25)
    response = _post(client, fork.body(25, 25))
    assert response.status_code == 422
    assert "two different roots" in response.text
    assert _state(witness_database) == (25, log.root(25))


def test_each_side_of_a_fork_is_cosigned_only_if_the_witness_has_not_seen_the_other(
    client: TestClient,
    log: SimulatedLog,
    fork: SimulatedLog,
    witness_signer: CosignatureSigner,
    witness_database: Database,
) -> None:
    _advance(client, log, FORK_AT)
    # Both sides are consistent with the common prefix, so the first one seen is cosigned ...
    _cosignature(
        _post(client, fork.body(FORK_AT, 30)), fork.checkpoint(30), witness_signer.verifier
    )
    # ... and the other side is refused at every size after it.
    _assert_size_conflict(_post(client, log.body(FORK_AT, 30)), 30)
    assert _post(client, log.body(30, 30)).status_code == 422
    assert _post(client, log.body(30, 40)).status_code == 422
    assert _post(client, log.body(30, 64)).status_code == 422
    assert _state(witness_database) == (30, fork.root(30))
    assert _post(client, fork.body(30, 40)).status_code == 200


# The monitoring endpoint


def test_the_latest_cosigned_checkpoint_is_served_by_origin_hash(
    client: TestClient, log: SimulatedLog, witness_signer: CosignatureSigner
) -> None:
    path = f"/{hashlib.sha256(ORIGIN.encode()).hexdigest()}/checkpoint"
    assert client.get(path).status_code == 404
    _advance(client, log, 5, 12)
    response = client.get(path)
    assert response.status_code == 200
    assert verify_checkpoint(response.text, log.signer.verifier).size == 12
    _, cosignatures = verify_cosignatures(response.text, [witness_signer.verifier])
    assert [c.timestamp for c in cosignatures] == [NOW + 1]
    unknown = hashlib.sha256(b"example.org/other-log").hexdigest()
    assert client.get(f"/{unknown}/checkpoint").status_code == 404


# The logs file and the start-up helpers


def test_the_logs_file_allows_comments_blank_lines_and_several_keys_per_origin() -> None:
    first, second, other = _log_signer(), _log_signer(), _log_signer("example.org/other")
    text = (
        "# witnessed logs\n\n"
        f"{first.verifier.verifier_key()}\n"
        f"  {second.verifier.verifier_key()}  \n"
        f"{first.verifier.verifier_key()}\n"
        "   # indented comment\n"
        f"{other.verifier.verifier_key()}\n"
    )
    logs = parse_logs(text)
    assert logs.verifiers(ORIGIN) == (first.verifier, second.verifier)
    assert logs.verifiers("example.org/other") == (other.verifier,)
    assert logs.verifiers("example.org/unknown") == ()
    assert logs.origin_for_hash(hashlib.sha256(ORIGIN.encode()).hexdigest()) == ORIGIN


def test_a_bad_line_in_the_logs_file_is_named() -> None:
    cosigner = CosignatureSigner(name="w", private_key=Ed25519PrivateKey.generate())
    with pytest.raises(ValueError, match="line 2"):
        parse_logs(f"# ok\n{cosigner.verifier.verifier_key()}\n")  # a 0x04 key is no log key


def test_the_database_defaults_to_the_key_file_with_db(tmp_path: Path) -> None:
    assert default_database_path(tmp_path / "witness.key") == tmp_path / "witness.db"
    assert default_database_path(tmp_path / "witness") == tmp_path / "witness.db"
    assert default_database_path(tmp_path / "w.db") == tmp_path / "w.db.db"


# Atomicity: concurrent requests, two apps on one SQLite file


def _chase(
    urls: Sequence[str], trees: Sequence[SimulatedLog], *, start: int, seed: int, rounds: int
) -> list[tuple[int, SimulatedLog, str]]:
    """A client that keeps trying to move the witness forward on a random side of the fork,
    learning the latest size from 409s; returns (size, tree, cosignature line) of each 200."""
    rng = random.Random(seed)
    believed = start
    cosigned = []
    with httpx.Client(timeout=60) as http:
        for _ in range(rounds):
            tree = rng.choice(trees)
            size = rng.randint(believed, min(believed + 6, LEAVES))
            response = http.post(
                f"{rng.choice(urls)}/add-checkpoint", content=tree.body(believed, size)
            )
            if response.status_code == 200:
                cosigned.append((size, tree, response.text))
                believed = size
            elif response.status_code == 409:
                believed = int(response.text)
            else:
                assert response.status_code == 422, response.text
    return cosigned


def _assert_one_history(
    cosigned: Sequence[tuple[int, SimulatedLog, str]], verifier: CosignatureVerifier
) -> tuple[int, SimulatedLog]:
    """No size was cosigned with two roots, and past the fork only one side was cosigned."""
    roots: dict[int, set[bytes]] = {}
    for size, tree, line in cosigned:
        roots.setdefault(size, set()).add(tree.root(size))
        _, found = verify_cosignatures(tree.checkpoint(size) + line, [verifier])
        assert len(found) == 1
    assert all(len(found) == 1 for found in roots.values()), roots
    sides = {id(tree) for size, tree, _ in cosigned if size > FORK_AT}
    assert len(sides) <= 1
    size, tree, _ = max(cosigned, key=lambda item: item[0])
    return size, tree


def test_concurrent_requests_to_two_apps_on_one_database_are_atomic(
    tmp_path: Path,
    log: SimulatedLog,
    fork: SimulatedLog,
    witness_signer: CosignatureSigner,
    trusted: TrustedLogs,
) -> None:
    path = tmp_path / "shared.db"
    first, second = repository.open_database(path), repository.open_database(path)
    ticks = itertools.count(NOW)  # read under the write lock: its order is the commit order
    apps = [
        create_app(
            signer=witness_signer, logs=trusted, database=database, clock=lambda: next(ticks)
        )
        for database in (first, second)
    ]
    try:
        with serve(apps[0]) as url_a, serve(apps[1]) as url_b:
            urls = (url_a, url_b)
            assert (
                httpx.post(f"{url_a}/add-checkpoint", content=log.body(0, FORK_AT)).status_code
                == 200
            )

            # Everyone claims old size FORK_AT at once: exactly one wins, the rest learn its size.
            jobs = [
                (urls[n % 2], (log, fork)[n // 2 % 2].body(FORK_AT, FORK_AT + 1 + n))
                for n in range(24)
            ]
            with ThreadPoolExecutor(max_workers=12) as pool:
                answers = list(
                    pool.map(
                        lambda job: httpx.post(
                            f"{job[0]}/add-checkpoint", content=job[1], timeout=60
                        ),
                        jobs,
                    )
                )
            winners = [n for n, answer in enumerate(answers) if answer.status_code == 200]
            assert len(winners) == 1
            winner_size = FORK_AT + 1 + winners[0]
            for n, answer in enumerate(answers):
                if n != winners[0]:
                    _assert_size_conflict(answer, winner_size)

            # Clients racing on both sides of the fork through both apps.
            with ThreadPoolExecutor(max_workers=8) as pool:
                runs = pool.map(
                    lambda seed: _chase(urls, (log, fork), start=winner_size, seed=seed, rounds=12),
                    range(8),
                )
                cosigned = [item for run in runs for item in run]
        assert cosigned
        size, tree = _assert_one_history(cosigned, witness_signer.verifier)
        assert _state(first) == (size, tree.root(size))
        # Ordered by the timestamps taken under the lock, the cosigned sizes never go back.
        in_commit_order = sorted(
            (
                verify_cosignatures(t.checkpoint(s) + line, [witness_signer.verifier])[1][
                    0
                ].timestamp,
                s,
            )
            for s, t, line in cosigned
        )
        sizes = [s for _, s in in_commit_order]
        assert sizes == sorted(sizes)
    finally:
        first.dispose()
        second.dispose()


# Real processes on loopback


def witness_cosigner_key(key: Path, name: str) -> str:
    """``registry witness key``: the cosigner vkey (type 0x04) of the key file, created if
    missing."""
    result = subprocess.run(
        [sys.executable, "-m", "registry.cli", "witness", "key", "--key", str(key), "--name", name],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=STARTUP_TIMEOUT_SECONDS,
    )
    return result.stdout.strip()


@dataclass
class WitnessProcess:
    """A ``registry witness serve`` subprocess on 127.0.0.1; ``start()`` waits until it answers.

    The port is kept across restarts, and the key and database files stay where they are, so
    ``kill()`` then ``start()`` is a crash and a restart of the same witness.
    """

    name: str
    key: Path
    logs: Path
    database: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    output: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.launch()
        self.wait_until_answering()

    def launch(self) -> None:
        command = [
            sys.executable, "-m", "registry.cli", "witness", "serve",
            "--key", str(self.key), "--logs", str(self.logs), "--name", self.name,
            "--database", str(self.database), "--port", str(self.port),
        ]  # fmt: skip
        self.output = self.key.with_suffix(f".{time.monotonic_ns()}.log")
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(
                command, cwd=REPOSITORY_ROOT, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_until_answering(self) -> None:
        assert self.process is not None
        assert self.output is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the witness exited: {self.output.read_text()}")
            try:
                httpx.get(f"{self.url}/", timeout=1)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the witness did not answer: {self.output.read_text()}"
                    ) from None
                time.sleep(0.1)
            else:
                return

    def kill(self) -> None:
        """kill -9: no clean shutdown, nothing flushed that was not already committed."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=STARTUP_TIMEOUT_SECONDS)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def add_checkpoint(self, body: bytes) -> httpx.Response:
        return httpx.post(f"{self.url}/add-checkpoint", content=body, timeout=60)


GROWING = "example.org/growing-log"
FORKING = "example.org/forking-log"
RESTARTED = "example.org/restarted-log"


@pytest.fixture(scope="module")
def process_logs() -> dict[str, SimulatedLog]:
    return {
        origin: SimulatedLog(_log_signer(origin), _leaves(origin))
        for origin in (GROWING, FORKING, RESTARTED)
    }


@pytest.fixture(scope="module")
def logs_file(
    process_logs: dict[str, SimulatedLog], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    path = tmp_path_factory.mktemp("logs") / "logs.txt"
    keys = "".join(
        f"# {origin}\n{log.signer.verifier.verifier_key()}\n"
        for origin, log in process_logs.items()
    )
    path.write_text(keys, encoding="utf-8")
    return path


@contextmanager
def running_witnesses(
    folder: Path, logs: Path, count: int = 3
) -> Iterator[list[tuple[WitnessProcess, CosignatureVerifier]]]:
    """``count`` witness processes trusting the log keys in ``logs``, each with its key and
    database in ``folder``; stopped on exit. Yields each process with its cosigner key."""
    names = [f"witness.test/w{number}" for number in range(1, count + 1)]
    with ThreadPoolExecutor(max_workers=count) as pool:
        vkeys = list(
            pool.map(lambda name: witness_cosigner_key(folder / f"{name[-2:]}.key", name), names)
        )
    witnesses = [
        WitnessProcess(
            name=name,
            key=folder / f"{name[-2:]}.key",
            logs=logs,
            database=folder / f"{name[-2:]}.db",
        )
        for name in names
    ]
    try:
        for witness in witnesses:
            witness.launch()
        for witness in witnesses:
            witness.wait_until_answering()
        yield [
            (witness, parse_cosigner_key(vkey))
            for witness, vkey in zip(witnesses, vkeys, strict=True)
        ]
    finally:
        for witness in witnesses:
            witness.stop()


@pytest.fixture(scope="module")
def three_witnesses(
    logs_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[tuple[WitnessProcess, CosignatureVerifier]]]:
    with running_witnesses(tmp_path_factory.mktemp("witnesses"), logs_file) as witnesses:
        yield witnesses


def test_the_key_command_prints_the_cosigner_key_of_the_key_file(tmp_path: Path) -> None:
    key = tmp_path / "witness.key"
    vkey = witness_cosigner_key(key, WITNESS_NAME)
    assert key.stat().st_mode & 0o777 == 0o600
    assert witness_cosigner_key(key, WITNESS_NAME) == vkey  # the same key, not a new one
    verifier = parse_cosigner_key(vkey)
    assert verifier.name == WITNESS_NAME
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04


def test_three_witness_processes_cosign_a_growing_log(
    three_witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
    process_logs: dict[str, SimulatedLog],
) -> None:
    log = process_logs[GROWING]
    old = 0
    for size in (1, 5, 5, 17, 40, 64):
        note = log.checkpoint(size)
        lines = []
        for witness, verifier in three_witnesses:
            response = witness.add_checkpoint(log.body(old, size))
            _cosignature(response, note, verifier)
            lines.append(response.text)
        # The log concatenates the answers to its checkpoint: three cosignatures verify.
        _, cosignatures = verify_cosignatures(
            note + "".join(lines), [v for _, v in three_witnesses]
        )
        assert len(cosignatures) == 3
        old = size
    for witness, _ in three_witnesses:
        _assert_size_conflict(witness.add_checkpoint(log.body(40, 64)), 64)


def test_three_witness_processes_never_cosign_both_sides_of_a_fork(
    three_witnesses: list[tuple[WitnessProcess, CosignatureVerifier]],
    process_logs: dict[str, SimulatedLog],
) -> None:
    side_a = process_logs[FORKING]
    side_b = _fork_of(side_a)
    size = 40
    for witness, _ in three_witnesses:
        assert witness.add_checkpoint(side_a.body(0, FORK_AT)).status_code == 200
    first, second, third = (witness for witness, _ in three_witnesses)
    answers: dict[str, dict[str, httpx.Response]] = {
        first.name: {"a": first.add_checkpoint(side_a.body(FORK_AT, size))},
        second.name: {"b": second.add_checkpoint(side_b.body(FORK_AT, size))},
    }
    answers[first.name]["b"] = first.add_checkpoint(side_b.body(FORK_AT, size))
    answers[second.name]["a"] = second.add_checkpoint(side_a.body(FORK_AT, size))
    with ThreadPoolExecutor(max_workers=2) as pool:  # the third gets both at once
        at_once = pool.map(
            lambda side: third.add_checkpoint(side.body(FORK_AT, size)), (side_a, side_b)
        )
        answers[third.name] = dict(zip("ab", at_once, strict=True))
    sides = {"a": side_a, "b": side_b}
    for witness, verifier in three_witnesses:
        cosigned = [
            side for side, answer in answers[witness.name].items() if answer.status_code == 200
        ]
        assert len(cosigned) == 1, (witness.name, answers[witness.name])
        [accepted] = cosigned
        refused = "b" if accepted == "a" else "a"
        _assert_size_conflict(answers[witness.name][refused], size)
        _cosignature(answers[witness.name][accepted], sides[accepted].checkpoint(size), verifier)
        # Having cosigned one side, the witness refuses the other with the right old size too.
        other = sides[refused]
        assert witness.add_checkpoint(other.body(size, size)).status_code == 422
        assert witness.add_checkpoint(other.body(size, LEAVES)).status_code == 422
    # Sequential submissions: each witness cosigned the side it saw first.
    assert answers[first.name]["a"].status_code == 200
    assert answers[second.name]["b"].status_code == 200


def test_a_witness_killed_and_restarted_keeps_its_state(
    logs_file: Path, process_logs: dict[str, SimulatedLog], tmp_path: Path
) -> None:
    side_a = process_logs[RESTARTED]
    side_b = _fork_of(side_a)
    key = tmp_path / "witness.key"
    verifier = parse_cosigner_key(witness_cosigner_key(key, WITNESS_NAME))
    witness = WitnessProcess(
        name=WITNESS_NAME, key=key, logs=logs_file, database=tmp_path / "witness.db"
    )
    try:
        witness.start()
        assert witness.add_checkpoint(side_a.body(0, FORK_AT)).status_code == 200
        _cosignature(
            witness.add_checkpoint(side_a.body(FORK_AT, 30)), side_a.checkpoint(30), verifier
        )
        witness.kill()
        with pytest.raises(httpx.TransportError):
            witness.add_checkpoint(side_b.body(FORK_AT, 30))
        witness.start()
        _assert_size_conflict(witness.add_checkpoint(side_b.body(FORK_AT, 30)), 30)
        _assert_size_conflict(witness.add_checkpoint(side_a.body(0, 30)), 30)
        assert witness.add_checkpoint(side_b.body(30, 30)).status_code == 422
        assert witness.add_checkpoint(side_b.body(30, 50)).status_code == 422
        _cosignature(witness.add_checkpoint(side_a.body(30, 50)), side_a.checkpoint(50), verifier)
        origin_hash = hashlib.sha256(RESTARTED.encode()).hexdigest()
        served = httpx.get(f"{witness.url}/{origin_hash}/checkpoint", timeout=10).text
        assert verify_checkpoint(served, side_a.signer.verifier).size == 50
        assert len(verify_cosignatures(served, [verifier])[1]) == 1
    finally:
        witness.stop()


def test_two_witness_processes_on_one_database_never_roll_back_or_fork(tmp_path: Path) -> None:
    side_a = SimulatedLog(_log_signer(GROWING), _leaves("shared"))
    logs = tmp_path / "logs.txt"
    logs.write_text(side_a.signer.verifier.verifier_key() + "\n", encoding="utf-8")
    key = tmp_path / "witness.key"
    verifier = parse_cosigner_key(witness_cosigner_key(key, WITNESS_NAME))
    database = tmp_path / "witness.db"
    processes = [
        WitnessProcess(name=WITNESS_NAME, key=key, logs=logs, database=database) for _ in range(2)
    ]
    try:
        for process in processes:
            process.launch()
        for process in processes:
            process.wait_until_answering()
        urls = [process.url for process in processes]
        assert processes[0].add_checkpoint(side_a.body(0, FORK_AT)).status_code == 200
        trees = (side_a, _fork_of(side_a))
        lock = threading.Lock()
        cosigned: list[tuple[int, SimulatedLog, str]] = []

        def client(seed: int) -> None:
            found = _chase(urls, trees, start=FORK_AT, seed=seed, rounds=10)
            with lock:
                cosigned.extend(found)

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(client, range(6)))
        assert cosigned
        size, tree = _assert_one_history(cosigned, verifier)
        stored = Database(f"sqlite:///{database}")
        try:
            assert _state(stored, GROWING) == (size, tree.root(size))
        finally:
            stored.dispose()
    finally:
        for process in processes:
            process.stop()
