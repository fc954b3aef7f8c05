"""The auditor: check the ledger from outside, trusting nothing the server says that a
signature or a hash does not prove. ``registry audit verify`` and the standalone
``registry-audit`` (which installs with nothing but ``cryptography``) both run this.

1. Verify the latest checkpoint's signature against a pinned key.
2. Stream every leaf up to the checkpoint's size, checking each ``seq`` and ``prev`` link and
   folding the leaf hashes into a compact range (O(log n) memory).
3. The recomputed root must equal the checkpoint's; at the size saved by the last run it must
   equal the saved root, and the server's consistency proof between the two must verify. A
   rewritten history fails here even if it was re-signed.
4. On success, save the new checkpoint as the state for the next run.

When something is wrong, inclusion proofs against the signed root locate the first bad leaf.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from . import merkle
from .chain import ChainBreak, ChainVerifier
from .checkpoint import Checkpoint, NoteVerifier, parse_verifier_key, verify_checkpoint
from .cosignature import (
    Cosignature,
    CosignatureVerifier,
    parse_cosigner_key,
    verify_cosignatures,
)
from .errors import VerificationError

PAGE_SIZE = 1000
HTTP_TIMEOUT_SECONDS = 60.0


class AuditFailure(Exception):
    """The ledger did not verify; ``seq`` is the first bad entry when it could be located."""

    def __init__(self, message: str, *, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


class LedgerSource(Protocol):
    def verifier_key(self) -> str | None: ...
    def checkpoint(self) -> str: ...
    def leaves(self, start: int, end: int) -> list[bytes]: ...
    def inclusion_path(self, index: int, tree_size: int) -> list[bytes]: ...
    def consistency_proof(self, first: int, second: int) -> list[bytes]: ...


def key_text(given: str) -> str:
    """A key given on a command line: the vkey itself, or the path of a file holding it.
    Every key holds a '+', so a text without one is a path, and one that names no file is
    refused as such (VerificationError) rather than parsed as a malformed key."""
    path = Path(given)
    if path.is_file():
        try:
            return path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not text"
            raise VerificationError(f"cannot read key file {given}: {reason}") from exc
    if "+" not in given:
        raise VerificationError(f"no key file {given}")
    return given.strip()


def witness_keys(given: Sequence[str]) -> list[CosignatureVerifier]:
    """Witness cosigner keys (vkeys or files); VerificationError naming a bad one, or one
    key given twice (it would count twice toward a quorum in the auditor's own eyes)."""
    verifiers: list[CosignatureVerifier] = []
    for one in given:
        text = key_text(one)
        try:
            verifier = parse_cosigner_key(text)
        except VerificationError as exc:
            raise VerificationError(f"witness key {text!r}: {exc}") from exc
        raw = verifier.public_key.public_bytes_raw()
        if any(other.public_key.public_bytes_raw() == raw for other in verifiers):
            raise VerificationError(f"witness key {text!r} is given twice")
        verifiers.append(verifier)
    return verifiers


def required_quorum(witnesses: Sequence[CosignatureVerifier], quorum: int | None) -> int:
    """The quorum asked for, all the pinned witnesses by default; ValueError if out of range."""
    required = len(witnesses) if quorum is None else quorum
    if not 0 <= required <= len(witnesses):
        raise ValueError(f"the quorum must be between 0 and the {len(witnesses)} witness keys")
    return required


def cosigned_lines(cosignatures: Sequence[Cosignature]) -> list[str]:
    """One line per witness cosignature, with its time in UTC."""
    return [
        f"   cosigned by witness {cosignature.verifier.name} at "
        f"{datetime.fromtimestamp(cosignature.timestamp, UTC).isoformat()}"
        for cosignature in cosignatures
    ]


def report_lines(report: "AuditReport") -> list[str]:
    """What a passed audit says: the checkpoint, what it extends, who cosigned it."""
    checkpoint = report.checkpoint
    previous = report.previous_size
    since = f" (consistent with size {previous})" if previous is not None else ""
    root = checkpoint.root_hash.hex()
    return [
        f"OK {checkpoint.origin}: {checkpoint.size} entries, root {root}{since}",
        *cosigned_lines(report.cosignatures),
    ]


class Unreachable(Exception):
    """The ledger could not be read (network, HTTP status): nothing was judged."""


class UnreadableState(Exception):
    """The ``--state`` file is not one this tool wrote (not JSON, a field missing or of
    another type): nothing was judged, and the file is left as it is."""


class UnwritableState(Exception):
    """The ledger verified, but the ``--state`` file could not be written (a directory that
    is not there, no permission): the next run cannot compare with this one."""


Fetch = Callable[[str], bytes]
"""GET a URL and return the body; raise :class:`Unreachable` when it cannot."""


def urllib_fetch(url: str) -> bytes:
    """The standard library's GET, so the auditor needs no HTTP package."""
    request = urllib.request.Request(url, headers={"User-Agent": "registry-audit"})  # noqa: S310 - the URL is the auditor's own choice
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            body: bytes = response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise Unreachable(f"{url}: {exc}") from exc
    return body


class HttpSource:
    """The public HTTP contract under ``/api/v1/ledger``."""

    def __init__(self, base_url: str, fetch: Fetch = urllib_fetch) -> None:
        self._fetch = fetch
        self._base = base_url.rstrip("/") + "/api/v1/ledger"

    def close(self) -> None:
        """Nothing to release: kept so callers can treat every source alike."""

    def _get(self, path: str, **params: int) -> bytes:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._fetch(self._base + path + query)

    def _json(self, path: str, **params: int) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._get(path, **params))
        except ValueError as exc:
            raise AuditFailure(f"the server's answer to {path} is not JSON") from exc
        return data

    def verifier_key(self) -> str | None:
        return self._get("/key").decode("utf-8").strip()

    def checkpoint(self) -> str:
        return self._get("/checkpoint").decode("utf-8")

    def leaves(self, start: int, end: int) -> list[bytes]:
        body = self._get("/leaves", start=start, end=end)
        return body.split(b"\n")[:-1] if body else []

    def inclusion_path(self, index: int, tree_size: int) -> list[bytes]:
        proof = self._json("/proofs/inclusion", index=index, tree_size=tree_size)
        return [bytes.fromhex(node) for node in proof["audit_path"]]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        proof = self._json("/proofs/consistency", first=first, second=second)
        return [bytes.fromhex(node) for node in proof["proof"]]


@dataclass(frozen=True)
class AuditState:
    """What one run leaves for the next: the checkpoint it verified, and the key it trusted."""

    verifier_key: str
    tree_size: int
    root_hash: bytes
    checkpoint: str
    verified_at: str

    @classmethod
    def load(cls, path: Path) -> "AuditState | None":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError as exc:  # not UTF-8 or not JSON
            raise UnreadableState(f"{path} is not an audit state file: {exc}") from exc
        try:
            state = cls(
                verifier_key=data["verifier_key"],
                tree_size=int(data["tree_size"]),
                root_hash=bytes.fromhex(data["root_hash"]),
                checkpoint=data["checkpoint"],
                verified_at=data["verified_at"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise UnreadableState(f"{path} is not an audit state file: {exc!r}") from exc
        if not all(isinstance(text, str) for text in (state.verifier_key, state.checkpoint)):
            raise UnreadableState(f"{path} is not an audit state file: a text is not a string")
        return state

    def save(self, path: Path) -> None:
        data = {
            "verifier_key": self.verifier_key,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "checkpoint": self.checkpoint,
            "verified_at": self.verified_at,
        }
        temporary = path.with_suffix(path.suffix + ".tmp")
        try:
            temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            temporary.replace(path)  # atomic: a crash never leaves half a state file
        except OSError as exc:
            raise UnwritableState(
                f"the ledger verified, but the state could not be saved to {path}: "
                f"{exc.strerror or exc}"
            ) from exc


@dataclass(frozen=True)
class AuditReport:
    checkpoint: Checkpoint
    verifier_key: str
    previous_size: int | None
    key_was_pinned: bool
    cosignatures: tuple[Cosignature, ...] = ()


Progress = Callable[[int, int], None]


def verify(
    source: LedgerSource,
    *,
    key: str | None = None,
    state_path: Path | None = None,
    progress: Progress | None = None,
    witnesses: Sequence[CosignatureVerifier] = (),
    quorum: int = 0,
) -> AuditReport:
    """Run the whole audit; raise ``AuditFailure`` naming what is wrong.

    With ``witnesses`` and ``quorum``, the checkpoint must also carry at least ``quorum``
    valid cosignatures by those pinned witness keys (C2SP tlog-cosignature): the witnesses
    vouch that this is the one history they have seen, so a split view shown to this
    auditor alone would need them to collude.
    """
    state = AuditState.load(state_path) if state_path else None
    verifier, pinned = _choose_key(source, key, state)
    note = source.checkpoint()
    try:
        checkpoint = verify_checkpoint(note, verifier)
    except VerificationError as exc:
        raise AuditFailure(f"the checkpoint does not verify against the pinned key: {exc}") from exc
    cosignatures = check_quorum(note, witnesses, quorum)

    if state is not None:
        _check_size_against_state(state, checkpoint)

    chain = ChainVerifier()
    for leaf in _stream(source, checkpoint.size):
        try:
            chain.feed(leaf)
        except ChainBreak as exc:
            bad = _first_bad(source, checkpoint, exc.seq)
            raise AuditFailure(_describe_break(exc, bad), seq=bad) from exc
        if state is not None and chain.size == state.tree_size and chain.root() != state.root_hash:
            raise AuditFailure(
                f"history rewritten: the first {state.tree_size} leaves no longer hash to the root "
                f"verified on {state.verified_at}"
            )
        if progress is not None:
            progress(chain.size, checkpoint.size)
    if chain.size != checkpoint.size:
        raise AuditFailure(
            f"the ledger served {chain.size} leaves but the checkpoint covers {checkpoint.size}",
            seq=chain.size,
        )
    _check_root(source, checkpoint, chain)
    if state is not None:
        # After the leaves: a rewritten prefix has already failed above, by its own hashes,
        # whatever the server answers for its proof.
        _check_consistency_proof(source, state, checkpoint)

    if state_path is not None:
        AuditState(
            verifier_key=verifier.verifier_key(),
            tree_size=checkpoint.size,
            root_hash=checkpoint.root_hash,
            checkpoint=note,
            verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ).save(state_path)
    return AuditReport(
        checkpoint=checkpoint,
        verifier_key=verifier.verifier_key(),
        previous_size=state.tree_size if state else None,
        key_was_pinned=pinned,
        cosignatures=tuple(cosignatures),
    )


def check_quorum(
    note: str, witnesses: Sequence[CosignatureVerifier], quorum: int
) -> list[Cosignature]:
    """The valid cosignatures by the pinned witnesses; AuditFailure below ``quorum``."""
    try:
        _, found = verify_cosignatures(note, witnesses)
    except VerificationError as exc:
        raise AuditFailure(f"a witness cosignature is invalid: {exc}") from exc
    if len(found) < quorum:
        raise AuditFailure(
            f"the checkpoint carries {len(found)} valid cosignature(s) by the pinned witnesses; "
            f"{quorum} required"
        )
    return found


def _choose_key(
    source: LedgerSource, key: str | None, state: AuditState | None
) -> tuple[NoteVerifier, bool]:
    """The key given on the command line, else the one pinned by the last run, else (trust on
    first use) the one the server serves."""
    chosen = key or (state.verifier_key if state else None)
    pinned = chosen is not None
    if chosen is None:
        chosen = source.verifier_key()
        if chosen is None:
            raise AuditFailure("no verifier key: pass --key (the database does not hold one)")
    try:
        return parse_verifier_key(chosen.strip()), pinned
    except VerificationError as exc:
        raise AuditFailure(f"the verifier key is malformed: {exc}") from exc


def _check_root(source: LedgerSource, checkpoint: Checkpoint, chain: ChainVerifier) -> None:
    if chain.root() != checkpoint.root_hash:
        seq = _bisect_first_bad(source, checkpoint)
        where = f"first bad leaf: seq {seq}" if seq is not None else "no single leaf was located"
        raise AuditFailure(
            f"the leaves' Merkle root {chain.root().hex()} is not the signed root "
            f"{checkpoint.root_hash.hex()} ({where})",
            seq=seq,
        )


def _check_size_against_state(state: AuditState, checkpoint: Checkpoint) -> None:
    if checkpoint.size < state.tree_size:
        raise AuditFailure(
            f"the ledger shrank: checkpoint size {checkpoint.size} < {state.tree_size} verified "
            f"on {state.verified_at}"
        )
    if checkpoint.size == state.tree_size and checkpoint.root_hash != state.root_hash:
        raise AuditFailure(f"history rewritten: a different root for size {checkpoint.size}")


def _check_consistency_proof(
    source: LedgerSource, state: AuditState, checkpoint: Checkpoint
) -> None:
    """The server's own consistency proof must verify too: a log that cannot prove what it
    has already shown is misbehaving."""
    if state.tree_size in (0, checkpoint.size):
        return  # the empty tree is a prefix of every tree; equal sizes were compared
    try:
        proof = source.consistency_proof(state.tree_size, checkpoint.size)
    except (ValueError, KeyError, TypeError) as exc:
        raise AuditFailure(f"the server's consistency proof is malformed ({exc!r})") from exc
    try:
        merkle.verify_consistency(
            first=state.tree_size,
            second=checkpoint.size,
            proof=proof,
            first_root=state.root_hash,
            second_root=checkpoint.root_hash,
        )
    except VerificationError as exc:
        raise AuditFailure(
            f"history rewritten: the checkpoint of size {checkpoint.size} is not consistent with "
            f"the one of size {state.tree_size} verified on {state.verified_at} ({exc})"
        ) from exc


def _stream(source: LedgerSource, size: int) -> Iterator[bytes]:
    start = 0
    while start < size:
        page = source.leaves(start, min(start + PAGE_SIZE, size))
        if not page:
            return
        yield from page
        start += len(page)


def _leaf_is_included(source: LedgerSource, checkpoint: Checkpoint, seq: int) -> bool:
    """Does the leaf the server serves at ``seq`` hash into the signed root?"""
    (leaf,) = source.leaves(seq, seq + 1)
    try:
        merkle.verify_inclusion(
            index=seq,
            size=checkpoint.size,
            leaf_hash=merkle.leaf_hash(leaf),
            proof=source.inclusion_path(seq, checkpoint.size),
            root=checkpoint.root_hash,
        )
    except VerificationError:
        return False
    return True


def _first_bad(source: LedgerSource, checkpoint: Checkpoint, seq: int) -> int:
    """A broken ``prev`` at ``seq`` means leaf ``seq - 1`` or leaf ``seq`` was altered."""
    if seq > 0 and seq - 1 < checkpoint.size and not _leaf_is_included(source, checkpoint, seq - 1):
        return seq - 1
    return seq


def _describe_break(exc: ChainBreak, bad: int) -> str:
    if bad != exc.seq:
        return (
            f"seq {bad}: the leaf was altered (it is not in the signed tree, and seq {exc.seq}'s "
            "prev no longer matches its hash)"
        )
    return str(exc)


def _bisect_first_bad(source: LedgerSource, checkpoint: Checkpoint) -> int | None:
    """The first leaf that fails its inclusion proof, assuming the damage runs to the end
    (a rewritten suffix or a last leaf changed); ``None`` if every leaf checked is included."""
    last = checkpoint.size - 1
    if _leaf_is_included(source, checkpoint, last):
        return None
    low, high = 0, last
    while low < high:
        middle = (low + high) // 2
        if _leaf_is_included(source, checkpoint, middle):
            low = middle + 1
        else:
            high = middle
    return low
