"""``registry ledger replay``: rebuild every query table of a new database from a ledger.

The leaves are copied byte for byte (each checked to continue the chain and to be canonical)
and applied with the same projectors the live service uses, so the rebuilt tables equal the
originals. The signed checkpoints come along only if each verifies: its Ed25519 signature under
the log's key, its signed size and root equal to the row's, and that root equal to the rebuilt
tree's. A source with one bad checkpoint is refused before anything is written.

A replay is one transaction on the target: a failure anywhere (a bad leaf on page 40, a lost
connection) leaves the target as empty as it was, so it can simply be run again. Each page is
flushed and then dropped from the session, so memory stays flat however long the ledger is.
"""

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx2 as httpx
from sqlalchemy.orm import Session

from registry import auditor, journal
from registry.core.db import Database
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteVerifier, parse_verifier_key, verify_checkpoint
from registry.ledger.errors import VerificationError
from registry.ledger.models import LedgerCheckpoint
from registry.publication import index

PAGE_SIZE = 1000  # also the most ``GET /ledger/leaves`` serves per call
LEDGER_API = "/api/v1/ledger"
HTTP_TIMEOUT_SECONDS = 60.0


class ReplayError(Exception):
    pass


@dataclass(frozen=True)
class ReplayReport:
    entries: int
    checkpoints: int


def replay(
    source: Database,
    target: Database,
    *,
    verifier: NoteVerifier | None,
    progress: Callable[[int, int], None] | None = None,
) -> ReplayReport:
    """Rebuild ``target`` from ``source``'s ledger; ``verifier`` is the log's key, needed
    when the source holds signed checkpoints (without one they cannot be trusted, so the
    replay is refused rather than copying them unchecked)."""
    _require_empty(target)
    with source.session() as session:
        size = ledger_service.size(session)
        checkpoints = [c for c in ledger_service.checkpoints(session) if c.tree_size <= size]
        _verify_checkpoints(session, checkpoints, verifier)
    copied = 0
    with target.session(write=True) as written:
        while copied < size:
            with source.session() as session:
                page = ledger_service.leaves(session, start=copied, end=size, limit=PAGE_SIZE)
            try:
                _copy_page(written, page)
            except VerificationError as exc:
                raise ReplayError(f"the source's leaves do not form one ledger: {exc}") from exc
            copied += len(page)
            if progress is not None:
                progress(copied, size)
        for checkpoint in checkpoints:
            try:
                ledger_service.copy_checkpoint(written, checkpoint)  # its root is the tree's
            except VerificationError as exc:
                raise ReplayError(
                    f"the checkpoint at tree size {checkpoint.tree_size} does not match the "
                    f"replayed leaves: {exc}"
                ) from exc
    return ReplayReport(entries=copied, checkpoints=len(checkpoints))


def _verify_checkpoints(
    session: Session, checkpoints: Sequence[LedgerCheckpoint], verifier: NoteVerifier | None
) -> None:
    """Before anything is copied: each checkpoint's note is signed by the log's key and signs
    the size and root its row claims, and that root is the source tree's at that size. (The
    rebuilt tree is checked again as each checkpoint is copied: the source's stored hashes
    are not trusted either.)"""
    if verifier is None:
        if checkpoints:
            raise ReplayError(
                f"the source holds {len(checkpoints)} signed checkpoints: give the log's "
                "verifier key to check them"
            )
        return
    for checkpoint in checkpoints:
        try:
            signed = verify_checkpoint(checkpoint.note, verifier)
        except VerificationError as exc:
            raise ReplayError(
                f"the checkpoint at tree size {checkpoint.tree_size} does not verify: {exc}"
            ) from exc
        if (signed.size, signed.root_hash) != (checkpoint.tree_size, checkpoint.root_hash):
            raise ReplayError(
                f"the checkpoint at tree size {checkpoint.tree_size} signs size {signed.size} "
                f"and root {signed.root_hash.hex()}, not its row's root "
                f"{checkpoint.root_hash.hex()}"
            )
        if ledger_service.root(session, signed.size) != signed.root_hash:
            raise ReplayError(
                f"the checkpoint at tree size {signed.size} signs root "
                f"{signed.root_hash.hex()}, which is not the ledger's root at that size"
            )


def _require_empty(target: Database) -> None:
    with target.session() as session:
        if ledger_service.size(session):
            raise ReplayError(
                "the target database already holds a ledger; replay needs an empty one"
            )


def _copy_page(session: Session, page: Sequence[bytes]) -> None:
    """Append one page of leaves and project them as the service would, in the replay's one
    transaction; then flush, and forget the page's objects and what the search index kept
    (memory stays flat)."""
    for decoded in ledger_service.copy_leaves(session, page):
        journal.apply(session, journal.Recorded.from_decoded(decoded))
    session.flush()
    session.expunge_all()
    index.forget(session)


def _copy_served(
    source: auditor.HttpSource, target: Session, *, start: int, until: int | None = None
) -> int:
    """Copy the server's leaves from ``start`` until it has no more (or ``until`` is reached);
    return how many the target holds then."""
    copied = start
    while until is None or copied < until:
        page = source.leaves(copied, copied + PAGE_SIZE)
        if not page:
            break
        try:
            _copy_page(target, page)
        except (VerificationError, json.JSONDecodeError) as exc:
            raise ReplayError(f"the server's leaves do not form this ledger: {exc}") from exc
        copied += len(page)
    return copied


def replay_from_http(
    base_url: str, target: Database, *, client: httpx.Client | None = None
) -> ReplayReport:
    """Rebuild ``target`` from a running registry's public API, as ``replay`` does from its
    database, trusting only what verifies.

    The leaves come from ``GET /ledger/leaves``, byte for byte (the change feed re-encodes
    them, and a mirror must hold the exact signed bytes), each checked to continue the chain
    and to be canonical as it is copied, until the server has no more. Then the server's
    latest signed checkpoint, verified with the key it serves, must be the root of the rebuilt
    tree at its size, and is kept, so the mirror serves the same checkpoint and proofs. A
    checkpoint signed after the last page is caught up with first, so the root is always
    checked when the server has signed anything.

    The checkpoint is read from ``GET /ledger/entries/{last}``, which serves the note with its
    ``signed_at`` (``/ledger/checkpoint`` serves only the note, and a note carries no time).
    Only the latest checkpoint comes along: the API does not serve older ones. The server's key
    is trusted on first use: this proves the copy is the ledger the server signs, not that the
    server never rewrote it; ``registry audit verify --key`` checks that against a pinned key.
    """
    http = client or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
    source = auditor.HttpSource(base_url, http)
    try:
        _require_empty(target)
        verifier = parse_verifier_key(source.verifier_key() or "")
        with target.session(write=True) as written:
            copied = _copy_served(source, written, start=0)
            if not copied:
                return ReplayReport(entries=0, checkpoints=0)
            served = http.get(f"{base_url.rstrip('/')}{LEDGER_API}/entries/{copied - 1}")
            latest = served.raise_for_status().json()["checkpoint"]
            if latest is None:
                return ReplayReport(entries=copied, checkpoints=0)
            checkpoint = verify_checkpoint(latest["note"], verifier)
            copied = _copy_served(source, written, start=copied, until=checkpoint.size)
            if copied < checkpoint.size:
                raise ReplayError(
                    f"the server signed {checkpoint.size} entries but serves {copied}"
                )
            ledger_service.copy_checkpoint(
                written,
                LedgerCheckpoint(
                    tree_size=checkpoint.size,
                    root_hash=checkpoint.root_hash,
                    signed_at=datetime.fromisoformat(latest["signed_at"]),
                    note=latest["note"],
                ),
            )
    except VerificationError as exc:
        raise ReplayError(f"the server's signed checkpoint does not verify: {exc}") from exc
    finally:
        if client is None:
            http.close()
    return ReplayReport(entries=copied, checkpoints=1)
