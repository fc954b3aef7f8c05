"""The add-checkpoint request body, parsed strictly (c2sp.org/tlog-witness "add-checkpoint").

The body is an ``old <size>`` line, zero to 63 base64 consistency-proof lines, an empty line
and a checkpoint as a signed note (c2sp.org/tlog-checkpoint, c2sp.org/signed-note); every
line ends in a newline. Anything else is a 400, reported before the witness looks at its
state or at any signature. The note's signatures are only checked for shape here: whether
they verify is decided against the trusted keys in ``service``.
"""

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from registry.ledger.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    decode_base64,
    parse_checkpoint_body,
    parse_signature_line,
    split_note,
)
from registry.ledger.errors import VerificationError
from registry.ledger.merkle import HASH_SIZE
from registry.witness.errors import MalformedRequest

MAX_PROOF_LINES: Final = 63
"""tlog-witness "add-checkpoint": a client MUST NOT send more than 63 proof lines."""

MAX_BODY_BYTES: Final = 64 * 1024
"""The largest body the witness reads (413 above it). A checkpoint with 16 ML-DSA-44
cosignatures, the most signed-note asks verifiers to accept, and 63 proof lines fit."""

_OLD_SIZE_LINE: Final = re.compile("old (0|[1-9][0-9]{0,19})")
"""tlog-witness: ``old``, a space and a decimal with no leading zeroes (``0`` for zero)."""


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The body a log sends: old size line, proof lines, empty line, checkpoint."""
    lines = [f"old {old_size}", *(base64.b64encode(node).decode("ascii") for node in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A well-formed request: nothing in it has been verified yet."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str
    """The checkpoint as submitted: note text, blank line, signature lines."""
    text: str
    """The note text (the checkpoint body), final newline included: what is cosigned."""
    checkpoint: Checkpoint


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint body; raises :class:`MalformedRequest` (400) if it is not one."""
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedRequest("the body is not UTF-8") from None
    header, newline, rest = decoded.partition("\n")
    match = _OLD_SIZE_LINE.fullmatch(header)
    if not newline or match is None:
        raise MalformedRequest("the body must start with an 'old <size>' line")
    old_size = int(match.group(1))
    if old_size > MAX_TREE_SIZE:
        raise MalformedRequest("the old size does not fit in 64 bits")
    proof: list[bytes] = []
    while True:
        line, newline, rest = rest.partition("\n")
        if not newline:
            raise MalformedRequest("the proof lines must be followed by an empty line")
        if not line:
            break
        if len(proof) == MAX_PROOF_LINES:
            raise MalformedRequest(f"more than {MAX_PROOF_LINES} consistency proof lines")
        proof.append(_decode_hash(line))
    text = _note_text(rest)
    try:
        checkpoint = parse_checkpoint_body(text)
    except VerificationError as exc:
        raise MalformedRequest(f"malformed checkpoint: {exc}") from None
    return AddCheckpointRequest(
        old_size=old_size, proof=tuple(proof), note=rest, text=text, checkpoint=checkpoint
    )


def _decode_hash(line: str) -> bytes:
    """A proof line: the canonical standard base64 (RFC 4648 §4) of one 32-byte hash."""
    try:
        raw = decode_base64(line, "a consistency proof line")
    except VerificationError as exc:
        raise MalformedRequest(str(exc)) from None
    if len(raw) != HASH_SIZE:
        raise MalformedRequest(f"a consistency proof line is not one {HASH_SIZE}-byte hash")
    return raw


def _note_text(note: str) -> str:
    """The text of a signed note whose signature block has the right shape (signed-note
    "Format": the text ends at the last blank line; one or more signature lines follow)."""
    try:
        text, lines = split_note(note)
        for line in lines:
            parse_signature_line(line)
    except VerificationError as exc:
        raise MalformedRequest(f"the checkpoint is not a well-formed signed note: {exc}") from None
    return text
