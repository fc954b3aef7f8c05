"""C2SP signed notes (Ed25519) and transparency-log checkpoints.

The ledger publishes its tree heads as checkpoints so that any C2SP tool (witnesses,
monitors, ``golang.org/x/mod/sumdb/note``) can check them without registry-specific code:

* c2sp.org/signed-note@v1.0.0: the note layout (text, blank line, ``— <name> <base64>``
  signature lines), the key ID, the verifier-key ("vkey") string and the Ed25519
  signature type ``0x01``;
* c2sp.org/tlog-checkpoint@v1.0.0: the note text of a checkpoint (origin, tree size,
  root hash, optional extension lines).

Copies of both live in ``shared/standards/c2sp/``. Where the spec leaves room, this module
does what the reference implementation (golang.org/x/mod/sumdb/note) does, so that the
byte-exact vectors in ``tests/vectors/c2sp/signed-note-vectors.md`` hold. It is stricter in
one respect: base64 must be canonical (RFC 4648 §3.5 lets decoders reject non-zero pad
bits), so every key, signature and root hash has exactly one accepted spelling.

Every verification failure raises :class:`~registry.ledger.errors.VerificationError`;
building a note or checkpoint from bad values raises :class:`ValueError`, because that is a
bug in the caller rather than untrusted input.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import VerificationError

__all__ = [
    "ALG_ED25519",
    "ED25519_PUBLIC_KEY_SIZE",
    "ED25519_SIGNATURE_SIZE",
    "KEY_ID_SIZE",
    "MAX_SIGNATURES",
    "MAX_TREE_SIZE",
    "ROOT_HASH_SIZE",
    "SIGNATURE_LINE_PREFIX",
    "Checkpoint",
    "NoteSigner",
    "NoteVerifier",
    "decode_base64",
    "encode_base64",
    "is_valid_name",
    "key_id",
    "open_note",
    "parse_checkpoint_body",
    "parse_signature_line",
    "parse_uint64",
    "parse_verifier_key",
    "parse_vkey",
    "sign_checkpoint",
    "split_note",
    "verify_checkpoint",
]

ALG_ED25519: Final = 0x01
"""signed-note "Signature types": the identifier byte of plain Ed25519 signatures."""

KEY_ID_SIZE: Final = 4
"""signed-note "Signatures": a key ID is a 32-bit big-endian value."""

ED25519_PUBLIC_KEY_SIZE: Final = 32
"""RFC 8032 §5.1.5: an Ed25519 public key is 32 bytes."""

ED25519_SIGNATURE_SIZE: Final = 64
"""RFC 8032 §5.1.6: an Ed25519 signature is 64 bytes."""

SIGNATURE_LINE_PREFIX: Final = "\u2014 "
"""signed-note "Format": each signature line starts with an em dash (U+2014) and a space."""

MAX_SIGNATURES: Final = 100
"""signed-note "Format": verifiers SHOULD cap the signature count and MUST accept 16.

100 is golang.org/x/mod/sumdb/note's cap; it bounds the work an untrusted note can cause.
"""

ROOT_HASH_SIZE: Final = 32
"""tlog-checkpoint "Note text" line 3: an RFC 6962 SHA-256 Merkle tree hash."""

MAX_TREE_SIZE: Final = 2**64 - 1
"""Tree sizes are uint64 in every C2SP implementation (RFC 6962 uses uint64 tree sizes)."""

_MAX_TREE_SIZE_DIGITS: Final = len(str(MAX_TREE_SIZE))

_MIN_SIGNATURE_BLOB: Final = KEY_ID_SIZE + 1
"""signed-note "Signatures": a key ID followed by a non-empty signature."""

_SEPARATOR: Final = "\n\n"
"""signed-note "Format": the text ends in a newline and is followed by a blank line."""

_VKEY_PARTS: Final = 3
"""signed-note "Verifier keys": name, key ID and key, separated by the first two ``+``."""

_CHECKPOINT_MIN_LINES: Final = 3
"""tlog-checkpoint "Note text": origin, tree size and root hash are mandatory."""

_FORBIDDEN_IN_NOTE: Final = re.compile("[\x00-\x09\x0b-\x1f\ud800-\udfff]")
"""signed-note "Format": no ASCII control character but newline; the surrogate range
catches text that cannot be UTF-8 (a str holding lone surrogates)."""

_FORBIDDEN_IN_NAME: Final = re.compile("[\\s+\x00-\x1f\ud800-\udfff]")
"""signed-note "Format": key names contain no Unicode space and no plus (U+002B)."""

_KEY_ID_HEX: Final = re.compile(f"[0-9a-f]{{{2 * KEY_ID_SIZE}}}")
"""signed-note "Conventions": hex is fixed-length, lowercase base 16."""

_TREE_SIZE: Final = re.compile("0|[1-9][0-9]*")
"""tlog-checkpoint "Note text" line 2: ASCII decimal with no leading zeroes."""


def is_valid_name(name: str) -> bool:
    return bool(name) and _FORBIDDEN_IN_NAME.search(name) is None


def decode_base64(text: str, what: str) -> bytes:
    """Decode standard padded base64 (RFC 4648 §4), accepting only the canonical spelling."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VerificationError(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise VerificationError(f"{what} is not canonical base64")
    return raw


def encode_base64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes_raw()


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID of an Ed25519 note key.

    signed-note "Ed25519 signatures": ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``.
    Hashing the name and the type byte in means the same key under another name or
    algorithm gets another ID.
    """
    if len(public_key) != ED25519_PUBLIC_KEY_SIZE:
        raise ValueError(f"an Ed25519 public key is {ED25519_PUBLIC_KEY_SIZE} bytes")
    preimage = name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key
    return hashlib.sha256(preimage).digest()[:KEY_ID_SIZE]


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted Ed25519 note key: the (name, key ID) pair signatures are matched by.

    ``public_key`` takes no part in hashing (cryptography's key objects are unhashable);
    equality still compares it.
    """

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey = field(hash=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise ValueError(f"invalid key name {self.name!r}")
        if self.key_id != key_id(self.name, _raw_public_key(self.public_key)):
            raise ValueError("key ID does not match the name and public key")

    def verifier_key(self) -> str:
        """Return the vkey string (signed-note "Verifier keys").

        ``<name>+<hex key ID>+<base64(0x01 || public key)>``, hex in lowercase.
        """
        blob = bytes([ALG_ED25519]) + _raw_public_key(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{encode_base64(blob)}"


def parse_vkey(
    vkey: str, *, algorithm: int, key_id_of: Callable[[str, bytes], bytes]
) -> tuple[str, bytes, Ed25519PublicKey]:
    """Parse a vkey string (signed-note "Verifier keys") of one Ed25519 signature type.

    Only the first two ``+`` separate fields, since base64 may itself contain ``+``. The key
    ID must be 8 lowercase hex digits and equal ``key_id_of(name, key)``, the type byte must
    be ``algorithm`` and the key 32 bytes; otherwise VerificationError.
    """
    parts = vkey.split("+", _VKEY_PARTS - 1)
    if len(parts) != _VKEY_PARTS:
        raise VerificationError("a verifier key has three '+'-separated parts")
    name, id_hex, key_b64 = parts
    if not is_valid_name(name):
        raise VerificationError(f"invalid key name {name!r} in verifier key")
    if not _KEY_ID_HEX.fullmatch(id_hex):
        raise VerificationError("the key ID in a verifier key is not 8 lowercase hex digits")
    claimed_id = bytes.fromhex(id_hex)
    blob = decode_base64(key_b64, "verifier key")
    if not blob:
        raise VerificationError("verifier key has no key material")
    if blob[0] != algorithm:
        raise VerificationError(
            f"signature type 0x{blob[0]:02x} in verifier key; expected 0x{algorithm:02x}"
        )
    public_bytes = blob[1:]
    if len(public_bytes) != ED25519_PUBLIC_KEY_SIZE:
        raise VerificationError(f"an Ed25519 public key is {ED25519_PUBLIC_KEY_SIZE} bytes")
    if key_id_of(name, public_bytes) != claimed_id:
        raise VerificationError("verifier key ID does not match its name and key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(public_bytes)
    except ValueError:
        raise VerificationError("verifier key is not a valid Ed25519 public key") from None
    return name, claimed_id, public_key


def parse_verifier_key(vkey: str) -> NoteVerifier:
    """Parse a note key's vkey (type ``0x01``) into a :class:`NoteVerifier`."""
    name, claimed_id, public_key = parse_vkey(vkey, algorithm=ALG_ED25519, key_id_of=key_id)
    return NoteVerifier(name=name, key_id=claimed_id, public_key=public_key)


@dataclass(frozen=True)
class NoteSigner:
    """An Ed25519 note key that signs note texts (signed-note "Ed25519 signatures")."""

    name: str
    private_key: Ed25519PrivateKey = field(repr=False)

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise ValueError(f"invalid key name {self.name!r}")

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, _raw_public_key(self.private_key.public_key()))

    @property
    def verifier(self) -> NoteVerifier:
        public_key = self.private_key.public_key()
        return NoteVerifier(
            name=self.name,
            key_id=key_id(self.name, _raw_public_key(public_key)),
            public_key=public_key,
        )

    def sign(self, text: str) -> str:
        """Return the signed note: ``text``, a blank line and this key's signature line.

        signed-note "Format": the signature covers the UTF-8 text including its final
        newline, and nothing after it. The text must itself be a valid note text (ends in a
        newline, no control characters but newline) so that :func:`open_note` accepts the
        result.
        """
        if not text.endswith("\n"):
            raise ValueError("a note text must end with a newline")
        if _FORBIDDEN_IN_NOTE.search(text):
            raise ValueError("a note text must not contain control characters or surrogates")
        signature = self.private_key.sign(text.encode("utf-8"))
        blob = encode_base64(self.key_id + signature)
        return f"{text}\n{SIGNATURE_LINE_PREFIX}{self.name} {blob}\n"


def _index_verifiers(
    verifiers: Sequence[NoteVerifier],
) -> dict[tuple[str, bytes], list[NoteVerifier]]:
    """Group the trusted keys by (name, key ID), dropping repeats of the same key."""
    known: dict[tuple[str, bytes], list[NoteVerifier]] = {}
    for verifier in verifiers:
        same_id = known.setdefault((verifier.name, verifier.key_id), [])
        raw = _raw_public_key(verifier.public_key)
        if all(_raw_public_key(other.public_key) != raw for other in same_id):
            same_id.append(verifier)
    return known


def split_note(note: str | bytes) -> tuple[str, list[str]]:
    """Split a note into its text and signature lines (signed-note "Format")."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise VerificationError("malformed note: not valid UTF-8") from None
    if _FORBIDDEN_IN_NOTE.search(note):
        raise VerificationError("malformed note: control character or invalid UTF-8")
    split = note.rfind(_SEPARATOR)
    if split < 0:
        raise VerificationError("malformed note: no signature block")
    text = note[: split + 1]
    signature_block = note[split + len(_SEPARATOR) :]
    if not signature_block.endswith("\n"):
        raise VerificationError("malformed note: the signature block must end with a newline")
    lines = signature_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerificationError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    return text, lines


def parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    """Return (key name, key ID, signature) of ``— <name> <base64(key ID || signature)>``."""
    if not line.startswith(SIGNATURE_LINE_PREFIX):
        raise VerificationError("malformed note: a line in the signature block is no signature")
    name, _, blob_b64 = line[len(SIGNATURE_LINE_PREFIX) :].partition(" ")
    if not is_valid_name(name) or not blob_b64:
        raise VerificationError("malformed note: bad signature line")
    try:
        blob = decode_base64(blob_b64, "signature")
    except VerificationError as exc:
        raise VerificationError(f"malformed note: {exc}") from None
    if len(blob) < _MIN_SIGNATURE_BLOB:
        raise VerificationError("malformed note: signature too short")
    return name, blob[:KEY_ID_SIZE], blob[KEY_ID_SIZE:]


def open_note(
    note: str | bytes, verifiers: Sequence[NoteVerifier]
) -> tuple[str, list[NoteVerifier]]:
    """Check a signed note against trusted keys; return its text and the keys that signed it.

    Follows signed-note "Format" and "Signatures" as golang.org/x/mod/sumdb/note does:

    * the note must be UTF-8 without control characters other than newline, and end with
      a blank line followed by one or more ``— <name> <base64>`` lines, each ending in a
      newline; the text (final newline included) is everything before the *last* blank
      line; more than :data:`MAX_SIGNATURES` lines make the note malformed;
    * a signature is matched to a trusted key by name *and* key ID; signatures from
      unknown keys are ignored (MUST), so logs can rotate keys and witnesses can add
      cosignatures; later signatures by an already-verified key are skipped;
    * a known key whose signature fails rejects the whole note (the SHOULD is taken), and
      a note with no signature from a trusted key is rejected (MUST).

    ``note`` may be bytes as received, so that invalid UTF-8 is reported as a malformed
    note. The returned keys are the given :class:`NoteVerifier` objects, in signature
    order. Raises :class:`VerificationError` on every failure.
    """
    text, lines = split_note(note)
    signatures = [parse_signature_line(line) for line in lines]
    known = _index_verifiers(verifiers)
    message = text.encode("utf-8")
    seen: set[tuple[str, bytes]] = set()
    verified: list[NoteVerifier] = []
    for name, signer_id, signature in signatures:
        candidates = known.get((name, signer_id))
        if not candidates or (name, signer_id) in seen:
            continue
        if len(candidates) > 1:
            raise VerificationError(f"ambiguous trusted keys for {name}+{signer_id.hex()}")
        seen.add((name, signer_id))
        verifier = candidates[0]
        try:
            verifier.public_key.verify(signature, message)
        except InvalidSignature:
            raise VerificationError(f"invalid signature for key {name}+{signer_id.hex()}") from None
        verified.append(verifier)
    if not verified:
        raise VerificationError("note has no verifiable signatures")
    return text, verified


def _check_line(value: str, what: str) -> None:
    if not value:
        raise ValueError(f"checkpoint {what} must be non-empty")
    if "\n" in value or _FORBIDDEN_IN_NOTE.search(value):
        raise ValueError(f"checkpoint {what} must be a single line without control characters")


@dataclass(frozen=True)
class Checkpoint:
    """A transparency-log tree head (tlog-checkpoint "Note text").

    ``root_hash`` is the RFC 6962 Merkle tree hash of the first ``size`` leaves;
    ``extensions`` are opaque, non-empty extra lines (NOT RECOMMENDED by the spec, but they
    must round-trip when present).
    """

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line(self.origin, "origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise TypeError("checkpoint size must be an int")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise ValueError(f"checkpoint size must be in 0..{MAX_TREE_SIZE}")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != ROOT_HASH_SIZE:
            raise ValueError(f"checkpoint root hash must be {ROOT_HASH_SIZE} bytes")
        if not isinstance(self.extensions, tuple):
            raise TypeError("checkpoint extensions must be a tuple of str")
        for extension in self.extensions:
            _check_line(extension, "extension line")

    def body(self) -> str:
        """Return the note text: origin, decimal size, base64 root, extension lines.

        Every line, the last included, ends in a newline (tlog-checkpoint "Note text").
        """
        lines = [self.origin, str(self.size), encode_base64(self.root_hash), *self.extensions]
        return "\n".join(lines) + "\n"


def parse_uint64(text: str, what: str) -> int:
    """A C2SP size or index: ASCII decimal digits without leading zeroes, at most 2**64 - 1.

    ``[0-9]``, never ``str.isdigit``: other scripts' digits would give a second spelling of
    the same number, and superscripts make ``int`` fail.
    """
    if len(text) > _MAX_TREE_SIZE_DIGITS or not _TREE_SIZE.fullmatch(text):
        raise VerificationError(f"{what} is not a decimal without leading zeroes")
    value = int(text)
    if value > MAX_TREE_SIZE:
        raise VerificationError(f"{what} does not fit in 64 bits")
    return value


def parse_checkpoint_body(text: str) -> Checkpoint:
    """Parse a checkpoint note text strictly (tlog-checkpoint "Note text").

    At least three non-empty lines, each ending in a newline: a non-empty origin, a tree
    size in ASCII decimal without leading zeroes (at most 2**64 - 1), and the canonical
    base64 of a 32-byte root hash; any further lines are non-empty extension lines.
    Strictness keeps the body-to-checkpoint mapping one-to-one, so a signed body has a
    single meaning. Raises :class:`VerificationError`.
    """
    if not text.endswith("\n"):
        raise VerificationError("checkpoint text must end with a newline")
    if _FORBIDDEN_IN_NOTE.search(text):
        raise VerificationError("checkpoint text contains a control character")
    lines = text[:-1].split("\n")
    if len(lines) < _CHECKPOINT_MIN_LINES:
        raise VerificationError("checkpoint needs origin, tree size and root hash lines")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise VerificationError("checkpoint origin is empty")
    size = parse_uint64(size_text, "checkpoint tree size")
    root_hash = decode_base64(root_text, "checkpoint root hash")
    if len(root_hash) != ROOT_HASH_SIZE:
        raise VerificationError(f"checkpoint root hash is not {ROOT_HASH_SIZE} bytes")
    if not all(extensions):
        raise VerificationError("checkpoint extension lines must be non-empty")
    return Checkpoint(origin=origin, size=size, root_hash=root_hash, extensions=tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> str:
    """Return the checkpoint as a note signed by the log's key.

    tlog-checkpoint "Signatures": the key name SHOULD match the origin line; it is required
    here because :func:`verify_checkpoint` requires it, so a mismatch is caught at signing.
    """
    if signer.name != checkpoint.origin:
        raise ValueError(
            f"signer name {signer.name!r} does not match checkpoint origin {checkpoint.origin!r}"
        )
    return signer.sign(checkpoint.body())


def verify_checkpoint(note: str | bytes, verifier: NoteVerifier) -> Checkpoint:
    """Verify a checkpoint note with the log's key and return the checkpoint it signs.

    The note must carry a valid signature by ``verifier`` (others, such as witness
    cosignatures, are ignored), its origin must equal the key name, so one log's key cannot
    vouch for another log's tree, and its text must parse strictly. Raises
    :class:`VerificationError`.
    """
    text, _ = open_note(note, [verifier])
    checkpoint = parse_checkpoint_body(text)
    if checkpoint.origin != verifier.name:
        raise VerificationError(
            f"checkpoint origin {checkpoint.origin!r} does not match key name {verifier.name!r}"
        )
    return checkpoint
