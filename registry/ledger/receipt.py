"""Offline receipts: one ledger entry's proof of inclusion, in the C2SP tlog-proof format.

c2sp.org/tlog-proof@v1 (copy in ``shared/standards/c2sp/tlog-proof.md``) is a text file::

    c2sp.org/tlog-proof@v1
    extra <base64 of the entry's leaf bytes>
    index <seq>
    <base64 inclusion proof hash, leaf's sibling first>   (zero or more lines)

    <the signed checkpoint, verbatim, with the witnesses' cosignature lines>

The spec leaves the ``extra`` line to the application and says it is not authenticated by
itself. Here it carries the entry's exact RFC 8785 leaf bytes, so the receipt is
self-contained: the verifier hashes them (RFC 6962 leaf hash), and the inclusion proof binds
that hash to the root the log signed. A changed byte of the leaf, of a proof hash, of the
checkpoint or of a signature makes verification fail.

Verification needs no network: the log's verifier key, and the witnesses' keys with a quorum,
are given by the person verifying, never taken from the receipt.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from . import merkle
from .canonical import CanonicalizationError, parse_canonical
from .checkpoint import (
    Checkpoint,
    NoteVerifier,
    decode_base64,
    encode_base64,
    parse_signature_line,
    parse_uint64,
    split_note,
    verify_checkpoint,
)
from .cosignature import Cosignature, CosignatureVerifier, verify_cosignatures
from .errors import VerificationError

__all__ = [
    "FILE_EXTENSION",
    "HEADER",
    "MEDIA_TYPE",
    "ProvenEntry",
    "Receipt",
    "describe",
    "format_receipt",
    "parse_receipt",
    "verify_receipt",
]

HEADER: Final = "c2sp.org/tlog-proof@v1"
FILE_EXTENSION: Final = ".tlog-proof"
MEDIA_TYPE: Final = "text/plain; charset=utf-8"
MAX_PROOF_LINES: Final = 63
"""An inclusion proof in a tree of at most 2**63 leaves has at most 63 hashes."""


@dataclass(frozen=True)
class Receipt:
    leaf: bytes
    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: str


def format_receipt(receipt: Receipt) -> str:
    lines = [
        HEADER,
        f"extra {encode_base64(receipt.leaf)}",
        f"index {receipt.index}",
        *(encode_base64(node) for node in receipt.proof),
    ]
    return "\n".join(lines) + "\n\n" + receipt.checkpoint_note


def parse_receipt(data: str | bytes) -> Receipt:
    """Parse a receipt strictly; raises :class:`VerificationError` naming what is wrong."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise VerificationError("the receipt is not UTF-8 text") from None
    head, separator, note = data.partition("\n\n")
    if not separator:
        raise VerificationError("the receipt has no blank line before its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise VerificationError(f"the receipt's first line must be {HEADER}")
    if len(lines) < 3 or not lines[1].startswith("extra "):  # noqa: PLR2004 - header, extra, index
        raise VerificationError("the receipt has no 'extra' line carrying the entry")
    leaf = decode_base64(lines[1].removeprefix("extra "), "the entry (extra line)")
    if not lines[2].startswith("index "):
        raise VerificationError("the receipt's third line must be 'index <decimal>'")
    index = parse_uint64(lines[2].removeprefix("index "), "the receipt's index")
    proof_lines = lines[3:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise VerificationError(f"the inclusion proof has more than {MAX_PROOF_LINES} hashes")
    proof = tuple(decode_base64(line, "an inclusion proof hash") for line in proof_lines)
    return Receipt(leaf=leaf, index=index, proof=proof, checkpoint_note=note)


@dataclass(frozen=True)
class ProvenEntry:
    """What a verified receipt proves."""

    index: int
    leaf_hash: bytes
    entry: dict[str, Any]
    checkpoint: Checkpoint
    log_key: NoteVerifier
    cosignatures: tuple[Cosignature, ...]
    ignored_signatures: int
    """Signature lines by keys the verifier did not pin (signed-note: ignored, as anyone can
    add, change or remove them)."""


def verify_receipt(
    data: str | bytes,
    *,
    log_key: NoteVerifier,
    witnesses: Sequence[CosignatureVerifier] = (),
    quorum: int = 0,
) -> ProvenEntry:
    """Verify a receipt against pinned keys, offline. Raises :class:`VerificationError`.

    1. the checkpoint carries a valid signature by ``log_key``, whose name is its origin;
    2. it carries at least ``quorum`` valid cosignatures by the pinned ``witnesses``;
    3. the entry's leaf hash, with the inclusion proof, gives the checkpoint's root at the
       receipt's index (RFC 9162 §2.1.3.2);
    4. the entry is a ledger leaf whose own ``seq`` is that index.
    """
    receipt = parse_receipt(data)
    checkpoint = verify_checkpoint(receipt.checkpoint_note, log_key)
    _, cosignatures = verify_cosignatures(receipt.checkpoint_note, witnesses)
    if len(cosignatures) < quorum:
        raise VerificationError(
            f"the checkpoint carries {len(cosignatures)} valid cosignature(s) by the pinned "
            f"witnesses; {quorum} required"
        )
    leaf_hash = merkle.leaf_hash(receipt.leaf)
    merkle.verify_inclusion(
        index=receipt.index,
        size=checkpoint.size,
        leaf_hash=leaf_hash,
        proof=receipt.proof,
        root=checkpoint.root_hash,
    )
    try:
        entry = parse_canonical(receipt.leaf)
    except CanonicalizationError as exc:
        raise VerificationError(f"the entry is not its canonical JSON: {exc}") from None
    if not isinstance(entry, dict) or entry.get("seq") != receipt.index:
        raise VerificationError("the entry's own seq is not the receipt's index")
    pinned = {(log_key.name, log_key.key_id)} | {(w.name, w.key_id) for w in witnesses}
    _, lines = split_note(receipt.checkpoint_note)
    return ProvenEntry(
        index=receipt.index,
        leaf_hash=leaf_hash,
        entry=entry,
        checkpoint=checkpoint,
        log_key=log_key,
        cosignatures=tuple(cosignatures),
        ignored_signatures=sum(parse_signature_line(line)[:2] not in pinned for line in lines),
    )


def describe(proven: ProvenEntry) -> list[str]:
    """What a verified receipt proves, in words."""
    entry, checkpoint = proven.entry, proven.checkpoint
    kind, subject, actor, time = (entry.get(name) for name in ("kind", "subject", "actor", "time"))
    key = f"{proven.log_key.name}+{proven.log_key.key_id.hex()}"
    lines = [
        f"OK: entry {proven.index} of the ledger {checkpoint.origin} is proven.",
        (
            f"  It records {kind} of {subject} by {actor}, entered at {time}; "
            f"its leaf hash is {proven.leaf_hash.hex()}."
        ),
        (
            f"  The log's key {key} signed a tree of {checkpoint.size} entries with root "
            f"{checkpoint.root_hash.hex()}, and the inclusion proof places exactly these bytes in "
            "that tree: the log cannot show another entry at this place without its own signature "
            "proving the change."
        ),
    ]
    for cosignature in proven.cosignatures:
        moment = datetime.fromtimestamp(cosignature.timestamp, UTC).isoformat()
        lines.append(
            f"  Witness {cosignature.verifier.name} cosigned that tree at {moment}: it had "
            "checked that this tree extends every earlier one it saw from this log."
        )
    if not proven.cosignatures:
        lines.append(
            "  No witness cosignature was required or checked: this proves what the log signed, "
            "not that everyone was shown the same history."
        )
    if proven.ignored_signatures:
        lines.append(
            "  Signature lines by keys you did not pin were ignored: "
            f"{proven.ignored_signatures} of them, which prove nothing either way."
        )
    return lines
