"""A ledger head that cannot lie (issue 14): the raw statements a tamper test got accepted as the
database owner are refused by the database, and a head changed with the guards out of the way
(a superuser's ``session_replication_role = replica``, or SQLite's triggers dropped) makes every
write a 503 problem and a log line: never a 500, never an entry on a broken chain."""

import logging

import pytest
from domain_helpers import World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient
from ledger_helpers import append, entry
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from test_awards import award_body

from registry.core.db import Database
from registry.core.errors import ServiceUnavailable
from registry.ledger import service
from registry.ledger.models import LedgerEntry, LedgerHead

PROBLEM = "application/problem+json"
ZEROS = "00" * 32
FORGED_ENTRY = (
    "INSERT INTO ledger_entries (seq, leaf, leaf_hash, subtree_hashes, time, kind, actor, "
    "subject) SELECT seq + 1, leaf, leaf_hash, subtree_hashes, time, kind, actor, subject "
    "FROM ledger_entries WHERE seq = (SELECT max(seq) FROM ledger_entries)"
)


def _bytes(backend: str, hex_digits: str) -> str:
    return f"'\\x{hex_digits}'::bytea" if backend == "postgresql" else f"x'{hex_digits}'"


def tampering(backend: str) -> dict[str, list[str]]:
    """Each raw statement the issue found accepted, one transaction each."""
    return {
        "root": [f"UPDATE ledger_head SET root_hash = {_bytes(backend, ZEROS)}"],
        "last leaf": [f"UPDATE ledger_head SET last_leaf_hash = {_bytes(backend, ZEROS)}"],
        "frontier": [f"UPDATE ledger_head SET frontier = {_bytes(backend, ZEROS * 2)}"],
        "empty frontier": [f"UPDATE ledger_head SET frontier = {_bytes(backend, '')}"],
        "size": ["UPDATE ledger_head SET size = size + 5"],
        "forged entry and head": [
            FORGED_ENTRY,
            (
                "UPDATE ledger_head SET size = size + 1, last_leaf_hash = "
                "(SELECT leaf_hash FROM ledger_entries WHERE seq = "
                "(SELECT max(seq) FROM ledger_entries))"
            ),
        ],
    }


def _state(database: Database) -> tuple[object, ...]:
    with database.session() as session:
        head = session.execute(
            select(
                LedgerHead.size,
                LedgerHead.root_hash,
                LedgerHead.last_leaf_hash,
                LedgerHead.frontier,
            )
        ).one()
        leaves = session.execute(select(LedgerEntry.leaf).order_by(LedgerEntry.seq)).all()
    return tuple(head), tuple(leaves)


def _run(database: Database, statements: list[str]) -> None:
    """The statements in one transaction, committed."""
    with database.session(write=True) as session:
        for statement in statements:
            session.execute(text(statement))


@pytest.mark.parametrize(
    "case", ["root", "last leaf", "frontier", "empty frontier", "size", "forged entry and head"]
)
def test_the_database_refuses_a_head_that_does_not_follow_from_the_entries(
    database: Database, backend: str, case: str
) -> None:
    append(database, 6)  # a frontier of two subtrees (4 + 2)
    before = _state(database)
    with pytest.raises(DBAPIError, match=r"registry: "):
        _run(database, tampering(backend)[case])
    assert _state(database) == before
    append(database, 1)  # and the ledger still takes real appends
    with database.session() as session:
        assert service.size(session) == 7


def test_an_entry_appended_without_its_head_is_refused(database: Database, backend: str) -> None:
    """PostgreSQL refuses it at COMMIT: an entry and its head are appended together or not at
    all. SQLite has no deferred triggers, so it keeps the row, and the service then refuses
    to append after it (the next real append would collide with it)."""
    append(database, 3)
    before = _state(database)
    if backend == "postgresql":
        with (
            pytest.raises(DBAPIError, match=r"beyond the head"),
            database.session(write=True) as session,
        ):
            session.execute(text(FORGED_ENTRY))
        assert _state(database) == before
        append(database, 1)
        return
    with database.session(write=True) as session:
        session.execute(text(FORGED_ENTRY))
    with (
        pytest.raises(ServiceUnavailable, match="already occupies a new seq"),
        database.session(write=True) as session,
    ):
        service.append(session, [entry(3)])
    with database.session() as session:
        assert service.size(session) == 3


BYPASSED = ("root", "last leaf", "empty frontier", "size", "forged entry alone")


def _tamper_past_the_guards(database: Database, backend: str, case: str) -> None:
    statements = [FORGED_ENTRY] if case == "forged entry alone" else tampering(backend)[case]
    with database.session(write=True) as session:
        if backend == "postgresql":
            session.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in ("ledger_head_matches_entries", "ledger_head_only_grows"):
                session.execute(text(f"DROP TRIGGER {trigger}"))
        for statement in statements:
            session.execute(text(statement))


@pytest.mark.parametrize("case", BYPASSED)
def test_writes_after_tampering_are_a_503(
    client: TestClient,
    database: Database,
    backend: str,
    case: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world: World = build_world(client, database)
    _tamper_past_the_guards(database, backend, case)
    before = _state(database)
    size = ledger_size(database)
    with caplog.at_level(logging.ERROR, logger="registry.ledger.service"):
        response = client.post(
            "/api/v1/awards",
            json=award_body(None, legal_basis="UP-124"),
            headers=bearer(world.fund),
        )
    assert response.status_code == 503, response.text[:300]
    assert response.headers["content-type"] == PROBLEM
    assert "head does not describe its entries" in response.json()["detail"]
    assert any("ledger head refused" in record.message for record in caplog.records)
    assert _state(database) == before
    assert ledger_size(database) == size
    # Reads still answer: the signed history is there to audit.
    assert client.get("/api/v1/ledger/checkpoint").status_code == 200


def test_a_head_moved_by_another_process_is_checked(database: Database, backend: str) -> None:
    """A head this process did not write or check (another worker's, or one changed with the
    guards off) is checked against the entries before the next append, not trusted."""
    append(database, 5)
    other = Database(str(database.engine.url.render_as_string(hide_password=False)))
    try:
        append(other, 2)  # another process moves the head, honestly
        _tamper_past_the_guards(other, backend, "last leaf")
        with (
            pytest.raises(ServiceUnavailable, match="last leaf hash is not entry 6's"),
            database.session(write=True) as session,
        ):
            service.append(session, [entry(7)])
    finally:
        other.dispose()
