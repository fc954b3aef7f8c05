"""C2SP tlog-cosignature v1 (Ed25519): a witness's statement that it saw a checkpoint.

c2sp.org/tlog-cosignature (copy in ``shared/standards/c2sp/tlog-cosignature.md``):

* a cosignature is a signed-note signature line ``— <name> base64(key ID || timestamp ||
  Ed25519 signature)`` added to a checkpoint, the timestamp a big-endian u64 of POSIX
  seconds (at most 2**63 - 1);
* the key ID is ``SHA-256(name || 0x0A || 0x04 || public key)[:4]``, so a cosigner key never
  matches a plain note key (type ``0x01``) of the same name and key;
* the signed message is ``cosignature/v1\\n``, ``time <decimal>\\n`` and the whole checkpoint
  note text, final newline included, signature lines excluded;
* verifier keys are vkeys with type byte ``0x04``.

Semantically a v1 cosignature says: "as of this time, the largest consistent tree head I
have seen for this origin has this root hash". The witness that makes such statements is in
``registry.witness``; this module is pure (standard library and ``cryptography``) so that
the log, the auditor and the offline receipt verifier share it.
"""

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .checkpoint import (
    ED25519_PUBLIC_KEY_SIZE,
    ED25519_SIGNATURE_SIZE,
    KEY_ID_SIZE,
    SIGNATURE_LINE_PREFIX,
    Checkpoint,
    encode_base64,
    is_valid_name,
    parse_checkpoint_body,
    parse_signature_line,
    parse_vkey,
    split_note,
)
from .errors import VerificationError

__all__ = [
    "ALG_COSIGNATURE_V1",
    "MAX_TIMESTAMP",
    "Cosignature",
    "CosignatureSigner",
    "CosignatureVerifier",
    "append_signature_lines",
    "cosignature_key_id",
    "cosigned_message",
    "parse_cosigner_key",
    "verify_cosignatures",
]

ALG_COSIGNATURE_V1: Final = 0x04
"""tlog-cosignature "Format": the type byte of Ed25519 cosignature/v1 keys and key IDs."""

MAX_TIMESTAMP: Final = 2**63 - 1
"""tlog-cosignature "Format": a timestamp MUST NOT exceed 2**63 - 1."""

_TIMESTAMP_SIZE: Final = 8
_BLOB_SIZE: Final = KEY_ID_SIZE + _TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """``SHA-256(name || "\\n" || 0x04 || public key)[:4]`` (tlog-cosignature "Format")."""
    if len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        raise ValueError(f"an Ed25519 public key is {ED25519_PUBLIC_KEY_SIZE} bytes")
    preimage = name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + public_key
    return hashlib.sha256(preimage).digest()[:KEY_ID_SIZE]


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a cosignature signs: header line, time line, checkpoint note text."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"a cosignature timestamp is in 0..{MAX_TIMESTAMP}")
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


@dataclass(frozen=True)
class CosignatureVerifier:
    """A trusted witness key: name, cosignature key ID and Ed25519 public key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(hash=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise ValueError(f"invalid key name {self.name!r}")
        if self.key_id != cosignature_key_id(self.name, self.public_key.public_bytes_raw()):
            raise ValueError("key ID does not match the name and public key")

    def verifier_key(self) -> str:
        """The vkey string: ``<name>+<hex key ID>+<base64(0x04 || public key)>``."""
        blob = bytes([ALG_COSIGNATURE_V1]) + self.public_key.public_bytes_raw()
        return f"{self.name}+{self.key_id.hex()}+{encode_base64(blob)}"


def parse_cosigner_key(vkey: str) -> CosignatureVerifier:
    """Parse a witness's vkey (type ``0x04``); raises :class:`VerificationError`."""
    name, claimed_id, public_key = parse_vkey(
        vkey.strip(), algorithm=ALG_COSIGNATURE_V1, key_id_of=cosignature_key_id
    )
    return CosignatureVerifier(name=name, key_id=claimed_id, public_key=public_key)


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's Ed25519 key, signing cosignature/v1 lines."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise ValueError(f"invalid key name {self.name!r}")

    @property
    def verifier(self) -> CosignatureVerifier:
        public_key = self.private_key.public_key()
        return CosignatureVerifier(
            name=self.name,
            key_id=cosignature_key_id(self.name, public_key.public_bytes_raw()),
            public_key=public_key,
        )

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        """Return the signature line (newline-terminated) cosigning a checkpoint text."""
        parse_checkpoint_body(checkpoint_text)  # only checkpoints are cosigned
        signature = self.private_key.sign(cosigned_message(checkpoint_text, timestamp))
        blob = self.verifier.key_id + struct.pack(">Q", timestamp) + signature
        return f"{SIGNATURE_LINE_PREFIX}{self.name} {encode_base64(blob)}\n"


@dataclass(frozen=True)
class Cosignature:
    """A verified cosignature: who made it, when (POSIX seconds), and its signature line."""

    verifier: CosignatureVerifier
    timestamp: int
    line: str


def verify_cosignatures(
    note: str | bytes, verifiers: Sequence[CosignatureVerifier]
) -> tuple[Checkpoint, list[Cosignature]]:
    """Return the checkpoint a note carries and the valid cosignatures by trusted witnesses.

    Lines from unknown keys (the log's own signature, other witnesses) are ignored, as
    signed-note requires; a line that matches a trusted witness by name and key ID but does
    not verify makes the note malformed (:class:`VerificationError`), as does a blob of the
    wrong size or a timestamp above 2**63 - 1. A witness counts once however many lines it
    has, and so does a public key pinned under several names (the Ed25519 message does not
    commit to the name, so one key's line can be relabelled with another name's key ID).
    The log's own signature is not checked here: use
    :func:`registry.ledger.checkpoint.verify_checkpoint` for that.
    """
    text, lines = split_note(note)
    checkpoint = parse_checkpoint_body(text)
    known = {(verifier.name, verifier.key_id): verifier for verifier in verifiers}
    found: dict[bytes, Cosignature] = {}
    for line in lines:
        name, signer_id, rest = parse_signature_line(line)
        verifier = known.get((name, signer_id))
        if verifier is None or verifier.public_key.public_bytes_raw() in found:
            continue
        if KEY_ID_SIZE + len(rest) != _BLOB_SIZE:
            raise VerificationError(f"cosignature by {name} has the wrong size")
        (timestamp,) = struct.unpack(">Q", rest[:_TIMESTAMP_SIZE])
        if timestamp > MAX_TIMESTAMP:
            raise VerificationError(f"cosignature by {name} has a timestamp above 2**63 - 1")
        try:
            verifier.public_key.verify(rest[_TIMESTAMP_SIZE:], cosigned_message(text, timestamp))
        except InvalidSignature:
            raise VerificationError(f"invalid cosignature by {name}") from None
        found[verifier.public_key.public_bytes_raw()] = Cosignature(
            verifier=verifier, timestamp=timestamp, line=line + "\n"
        )
    return checkpoint, list(found.values())


def append_signature_lines(note: str, lines: Sequence[str]) -> str:
    """Add signature lines (each newline-terminated) to a signed note, skipping repeats."""
    present = set(note.split("\n"))
    extra: list[str] = []
    for line in lines:
        bare = line.rstrip("\n")
        if bare not in present:  # also skips a line repeated within ``lines``
            present.add(bare)
            extra.append(bare + "\n")
    return note + "".join(extra)
