"""The ledger's write path and storage on both databases: leaves, chain, tree, triggers,
gapless sequence numbers under concurrent writers."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from ledger_helpers import append, entry
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from registry.core.db import Database
from registry.ledger import merkle, service
from registry.ledger.canonical import canonicalize
from registry.ledger.chain import ChainVerifier
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.models import LedgerEntry


def naive_root(hashes: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, straight from the definition."""
    if not hashes:
        return merkle.EMPTY_ROOT
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    return merkle.node_hash(naive_root(hashes[:split]), naive_root(hashes[split:]))


def test_leaves_are_canonical_chained_and_hashed(database: Database) -> None:
    appended = append(database, 5, batch=2)
    assert [a.seq for a in appended] == [0, 1, 2, 3, 4]
    prev = "00" * 32
    for item in appended:
        decoded = json.loads(item.leaf)
        assert set(decoded) == {"seq", "prev", "time", "kind", "actor", "subject", "body"}
        assert decoded["seq"] == item.seq
        assert decoded["prev"] == prev
        assert decoded["time"].endswith("Z")
        assert canonicalize(decoded) == item.leaf  # stored bytes are already canonical
        assert item.leaf_hash == merkle.leaf_hash(item.leaf)
        prev = item.leaf_hash.hex()
    with database.session() as session:
        stored = session.execute(select(LedgerEntry.leaf).order_by(LedgerEntry.seq)).scalars().all()
        assert [bytes(leaf) for leaf in stored] == [a.leaf for a in appended]
        assert service.root(session, 5) == naive_root([a.leaf_hash for a in appended])


def test_roots_and_proofs_from_storage_match_the_definition(database: Database) -> None:
    appended = append(database, 37, batch=5)
    hashes = [a.leaf_hash for a in appended]
    with database.session() as session:
        for size in range(1, 38):
            root = service.root(session, size)
            assert root == naive_root(hashes[:size])
            for index in (0, size // 2, size - 1):
                proof = service.inclusion_proof(session, index=index, tree_size=size)
                assert proof.leaf_hash == hashes[index]
                merkle.verify_inclusion(
                    index=index,
                    size=size,
                    leaf_hash=hashes[index],
                    proof=proof.audit_path,
                    root=root,
                )
            for first in (1, size // 3 or 1, size):
                consistency = service.consistency_proof(session, first=first, second=size)
                merkle.verify_consistency(
                    first=first,
                    second=size,
                    proof=consistency.proof,
                    first_root=naive_root(hashes[:first]),
                    second_root=root,
                )


def test_a_failed_transaction_appends_nothing(database: Database) -> None:
    append(database, 3)

    def fail_after_appending() -> None:
        with database.session(write=True) as session:
            service.append(session, [entry(100), entry(101)])
            raise RuntimeError("caller failed after appending")

    with pytest.raises(RuntimeError, match="caller failed"):
        fail_after_appending()
    with database.session() as session:
        assert service.size(session) == 3
        count = session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
        assert count == 3
    assert append(database, 1, start=3)[0].seq == 3


def test_leaves_refuse_floats(database: Database) -> None:
    bad = service.NewEntry(kind="test.entry", subject="s", actor="a", body={"amount": 1.5})
    with pytest.raises(ValueError, match="float"), database.session(write=True) as session:
        service.append(session, [bad])
    with database.session() as session:
        assert service.size(session) == 0


# PostgreSQL serialises through SELECT … FOR UPDATE in any transaction.
@pytest.mark.parametrize("backend", ["sqlite"])
def test_sqlite_appends_need_a_write_session(database: Database) -> None:
    with pytest.raises(RuntimeError, match="write session"), database.session() as session:
        service.append(session, [entry(0)])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET kind = 'forged' WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 2",
        "UPDATE ledger_entries SET subtree_hashes = leaf_hash WHERE seq = 1",
        "UPDATE ledger_checkpoints SET note = 'forged'",
        "DELETE FROM ledger_checkpoints",
        "UPDATE ledger_head SET size = 0",
        "DELETE FROM ledger_head",
    ],
)
def test_the_database_refuses_to_rewrite_the_ledger(database: Database, statement: str) -> None:
    append(database, 4)
    with database.session(write=True) as session:
        signer = _signer()
        service.sign_if_stale(session, signer=signer)
    with (
        pytest.raises(DBAPIError, match=r"append-only|only grows|must describe"),
        database.session(write=True) as session,
    ):
        session.execute(text(statement))
    with database.session() as session:
        assert service.size(session) == 4
        assert session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one() == 4


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite has no TRUNCATE
def test_postgresql_refuses_truncate(database: Database) -> None:
    append(database, 2)
    for table in ("ledger_entries", "ledger_checkpoints", "ledger_head"):
        with (
            pytest.raises(DBAPIError, match="append-only"),
            database.session(write=True) as session,
        ):
            session.execute(text(f"TRUNCATE {table} CASCADE"))


def _signer() -> NoteSigner:
    return NoteSigner(name="test.registry/ledger", private_key=Ed25519PrivateKey.generate())


@pytest.mark.parametrize("writers", [16])
def test_concurrent_writers_leave_a_gapless_verifying_log(database: Database, writers: int) -> None:
    per_writer = 12 if database.dialect == "postgresql" else 6
    start = threading.Barrier(writers)

    def write(worker: int) -> list[int]:
        start.wait()
        seqs = []
        for n in range(per_writer):
            batch = 1 + (n % 3)
            with database.session(write=True) as session:
                seqs += [a.seq for a in service.append(session, [entry(worker * 1000 + n)] * batch)]
        return seqs

    with ThreadPoolExecutor(writers) as pool:
        results = list(pool.map(write, range(writers)))
    seqs = sorted(seq for result in results for seq in result)
    total = sum(1 + (n % 3) for n in range(per_writer)) * writers
    assert seqs == list(range(total))  # gapless, no duplicates
    chain = ChainVerifier()
    with database.session() as session:
        for leaf in service.leaves(session, start=0, end=total, limit=total):
            chain.feed(leaf)
        assert chain.size == total
        assert chain.root() == service.root(session, total)
        assert service.size(session) == total


UPSERTS = {
    # SQLite's REPLACE deletes the row in the way without firing its DELETE trigger.
    "sqlite": [
        (
            "INSERT OR REPLACE INTO ledger_entries SELECT seq, leaf, leaf_hash, subtree_hashes, "
            "time, 'forged', actor, subject FROM ledger_entries WHERE seq = 1"
        ),
        (
            "REPLACE INTO ledger_head (id, size, root_hash, last_leaf_hash, frontier) "
            "SELECT id, 0, root_hash, last_leaf_hash, x'' FROM ledger_head"
        ),
        (
            "INSERT OR REPLACE INTO ledger_checkpoints SELECT id, tree_size, root_hash, "
            "signed_at, 'forged' FROM ledger_checkpoints"
        ),
    ],
    "postgresql": [
        (
            "INSERT INTO ledger_entries SELECT * FROM ledger_entries WHERE seq = 1 "
            "ON CONFLICT (seq) DO UPDATE SET kind = 'forged'"
        ),
        "INSERT INTO ledger_head SELECT * FROM ledger_head ON CONFLICT (id) DO UPDATE SET size = 0",
        (
            "INSERT INTO ledger_checkpoints SELECT * FROM ledger_checkpoints "
            "ON CONFLICT (id) DO UPDATE SET note = 'forged'"
        ),
    ],
}


@pytest.mark.parametrize("index", range(3))
def test_the_database_refuses_to_replace_a_ledger_row(
    database: Database, backend: str, index: int
) -> None:
    append(database, 4)
    with database.session(write=True) as session:
        service.sign_if_stale(session, signer=_signer())
        before = session.execute(select(LedgerEntry.leaf).order_by(LedgerEntry.seq)).all()
    with (
        pytest.raises(DBAPIError, match=r"append-only|only grows"),
        database.session(write=True) as session,
    ):
        session.execute(text(UPSERTS[backend][index]))
    with database.session() as session:
        assert service.size(session) == 4
        assert session.execute(select(LedgerEntry.leaf).order_by(LedgerEntry.seq)).all() == before


def test_with_an_interval_writes_never_sign_on_the_request_path(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However many writes queue, even when a checkpoint is due, they leave signing to the
    timer: no request waits to sign."""
    checkpointer = service.Checkpointer(database, signer=_signer(), interval=3600)
    checkpointer.start()  # signs the current state once, then sleeps an hour
    try:
        append(database, 3)
        signed_by: list[str] = []

        def sign_if_stale(_session: object, **_: object) -> None:
            signed_by.append(threading.current_thread().name)

        monkeypatch.setattr(service, "sign_if_stale", sign_if_stale)
        monkeypatch.setattr(checkpointer, "_last_signed", float("-inf"))  # a checkpoint is due
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="request") as pool:
            list(pool.map(lambda _: checkpointer.after_write(), range(64)))
        # Only request threads count: a timer thread (this one's or another app's still
        # running in the test process) signing meanwhile is the design, not a failure.
        assert [name for name in signed_by if name.startswith("request")] == []
    finally:
        checkpointer.stop()


def test_without_an_interval_every_write_is_signed(database: Database) -> None:
    checkpointer = service.Checkpointer(database, signer=_signer(), interval=0)
    append(database, 2)
    checkpointer.after_write()
    with database.session() as session:
        latest = service.latest_checkpoint(session)
        assert latest is not None
        assert latest.tree_size == 2
