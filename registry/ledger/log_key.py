"""The log's key is the key that signed its checkpoints: a server never signs a ledger's
checkpoints with another.

``REGISTRY_SIGNING_KEY_FILE`` is ``./var/ledger.key`` by default, read from the working
directory: a server started from another directory on the same database made itself a new
key there and signed the next checkpoints with it, so that every auditor who had pinned the
log's key saw them fail ("the checkpoint does not verify against the pinned key"), with no
warning on the server (found by a journalist). A key that did not sign the latest checkpoint
(or a changed ``REGISTRY_LOG_ORIGIN``, which is part of the key's identity) is refused, and
no key is created for a ledger whose checkpoints are already signed.
"""

from pathlib import Path

from sqlalchemy import inspect, select

from registry.core.db import Database
from registry.ledger.checkpoint import (
    NoteSigner,
    parse_signature_line,
    split_note,
    verify_checkpoint,
)
from registry.ledger.errors import VerificationError
from registry.ledger.keys import load_or_create_signing_key
from registry.ledger.models import LedgerCheckpoint


class NotTheLogsKey(RuntimeError):
    """The configured key (or origin) is not the one that signed the ledger's checkpoints."""


def log_signer(database: Database, key_file: Path, origin: str) -> NoteSigner:
    """The signer of ``database``'s log: the key at ``key_file``, created only for a ledger
    that has no signed checkpoint yet, and refused unless it signed the latest one."""
    latest = latest_note(database)
    if latest is not None and not key_file.is_file():
        raise NotTheLogsKey(
            f"no signing key at {key_file.resolve()}, and this ledger's checkpoints are signed "
            f"({_signed_by(latest)}): a new key would sign the next ones as another log. "
            f"{_where(key_file)}"
        )
    signer = NoteSigner(name=origin, private_key=load_or_create_signing_key(key_file))
    _check(latest, signer, key_file)
    return signer


def check_signer(database: Database, signer: NoteSigner, key_file: Path) -> None:
    """``NotTheLogsKey`` unless ``signer`` signed the ledger's latest checkpoint (or there is
    none yet)."""
    _check(latest_note(database), signer, key_file)


def latest_note(database: Database) -> str | None:
    """The latest signed checkpoint's note, or None (none yet, or a database not migrated:
    the server then fails on its first request, as before)."""
    if not inspect(database.engine).has_table(LedgerCheckpoint.__tablename__):
        return None
    with database.session() as session:
        return session.scalars(
            select(LedgerCheckpoint.note).order_by(LedgerCheckpoint.id.desc()).limit(1)
        ).first()


def _check(latest: str | None, signer: NoteSigner, key_file: Path) -> None:
    if latest is None:
        return
    try:
        verify_checkpoint(latest, signer.verifier)
    except VerificationError as exc:
        raise NotTheLogsKey(
            f"the key at {key_file.resolve()} under the origin {signer.name!r} (key ID "
            f"{signer.key_id.hex()}) did not sign this ledger's latest checkpoint "
            f"({_signed_by(latest)}), and auditors who pinned the log's key would refuse what "
            f"it signs. {_where(key_file)}"
        ) from exc


def _signed_by(note: str) -> str:
    """Who signed a checkpoint: ``<origin> key ID <hex>`` of its first signature line."""
    try:
        _, lines = split_note(note)
        name, key_id, _ = parse_signature_line(lines[0])
    except (VerificationError, IndexError):
        return "by a key this server cannot read"
    return f"by {name!r}, key ID {key_id.hex()}"


def _where(key_file: Path) -> str:
    relative = "" if key_file.is_absolute() else f" (read from {Path.cwd()}: the path is relative)"
    return (
        f"Set REGISTRY_SIGNING_KEY_FILE{relative} to the log's key file and REGISTRY_LOG_ORIGIN "
        "to its origin, or run from the directory the log was started in."
    )
