"""C2SP signed notes and checkpoints against the golang/mod and C2SP vectors.

The vectors are quoted in tests/vectors/c2sp/signed-note-vectors.md; the constants below
are copied from it byte for byte.
"""

import base64
import hashlib
import string
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from registry.ledger.checkpoint import (
    ALG_ED25519,
    MAX_SIGNATURES,
    MAX_TREE_SIZE,
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    key_id,
    open_note,
    parse_checkpoint_body,
    parse_verifier_key,
    sign_checkpoint,
    verify_checkpoint,
)
from registry.ledger.errors import VerificationError

# Vector 1: PeterNeumann (golang/mod sumdb/note).
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SEED = "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173"
PETER_PUB = "1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6"
PETER_PREIMAGE_SHA256 = "c74f20a396cc785cf0db7fd5e83a8334c7f4f2ea8da9e5a3c7a1e6344af9d6bf"
PETER_SIGNATURE = "f64992e052f541bf49f7dcbc8010c5506d885ba92cbafca40704959227348b8652060dd451580b6a5948d5e02afa9fa9d9e0a2da5165be8a13a472c81c099c03"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
TEXT_HEX = "496620796f75207468696e6b2063727970746f6772617068792069732074686520616e7377657220746f20796f75722070726f626c656d2c0a7468656e20796f7520646f6e2774206b6e6f77207768617420796f75722070726f626c656d2069732e0a"
PETER_SIG_LINE = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
PETER_NOTE = TEXT + "\n" + PETER_SIG_LINE
PETER_NOTE_HEX = "496620796f75207468696e6b2063727970746f6772617068792069732074686520616e7377657220746f20796f75722070726f626c656d2c0a7468656e20796f7520646f6e2774206b6e6f77207768617420796f75722070726f626c656d2069732e0a0ae280942050657465724e65756d616e6e20783038676f2f5a4a6b7542533955472f536666637649415178564274694675704c4c7238704163456c5a496e4e4975475567594e314646594332705a534e58674b76716671646e676f7470525a62364b453652797942774a6e414d3d0a"

# Vector 2: EnochRoot (all-zero seed), co-signing Peter's text.
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
ENOCH_SKEY = "PRIVATE+KEY+EnochRoot+af0cfe78+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
ENOCH_PUB = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
ENOCH_SIGNATURE = "1ce665ad123b735b7d11b33c2a43724ca415749d797f8c36d08e5e6dbfe67dad88e1e9faf005d5a1ab439a2f4c6d35a0e4c6c2758ba31df759677546f31cf904"
ENOCH_SIG_LINE = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
COSIGNED_NOTE = PETER_NOTE + ENOCH_SIG_LINE

# Vector 3: the C2SP signed-note.md example.
FOO_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
FOO_PUB = "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4"
FOO_NOTE = (
    "This is an example message.\n"
    "\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)
FOO_SIGNATURE = "49fcb2b575c891a1d9561194bd539da82fd5812ae937d7a69ce2d8e36770095380aed9b60d444583595ec6233811f79855e644abb01e31b562eef62277b26903"

# The tlog-checkpoint.md example (no vkey is published, so structure only).
SOFA_NOTE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)

ROOT = hashlib.sha256(b"root").digest()

VECTORS_MD = Path(__file__).parent / "vectors" / "c2sp" / "signed-note-vectors.md"


def _seed_from_skey(skey: str) -> bytes:
    """Decode a golang/mod signer key: split on the first four '+' only."""
    private, key, name, id_hex, blob_b64 = skey.split("+", 4)
    assert (private, key) == ("PRIVATE", "KEY")
    blob = base64.b64decode(blob_b64, validate=True)
    assert blob[0] == ALG_ED25519
    signer = NoteSigner(name, Ed25519PrivateKey.from_private_bytes(blob[1:]))
    assert signer.key_id.hex() == id_hex
    return blob[1:]


def _signer_from_skey(skey: str) -> NoteSigner:
    name = skey.split("+", 4)[2]
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(_seed_from_skey(skey)))


def _sig_line(signed_note: str, text: str) -> str:
    return signed_note[len(text) + 1 :]


@pytest.fixture(scope="module")
def peter() -> NoteVerifier:
    return parse_verifier_key(PETER_VKEY)


@pytest.fixture(scope="module")
def enoch() -> NoteVerifier:
    return parse_verifier_key(ENOCH_VKEY)


# --- Vector 1 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quoted",
    [
        PETER_SKEY,
        PETER_VKEY,
        PETER_SEED,
        PETER_PUB,
        PETER_PREIMAGE_SHA256,
        PETER_SIGNATURE,
        TEXT_HEX,
        PETER_NOTE,
        PETER_NOTE_HEX,
        ENOCH_VKEY,
        ENOCH_SKEY,
        ENOCH_PUB,
        ENOCH_SIGNATURE,
        COSIGNED_NOTE,
        FOO_VKEY,
        FOO_PUB,
        FOO_NOTE,
        FOO_SIGNATURE,
        SOFA_NOTE,
    ],
)
def test_constants_are_quoted_verbatim_from_the_vectors_file(quoted: str) -> None:
    assert quoted in VECTORS_MD.read_text(encoding="utf-8")


def test_peter_key_material_and_key_id() -> None:
    assert _seed_from_skey(PETER_SKEY).hex() == PETER_SEED
    pub = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(PETER_SEED)).public_key()
    assert pub.public_bytes_raw().hex() == PETER_PUB
    preimage = b"PeterNeumann" + b"\x0a" + b"\x01" + bytes.fromhex(PETER_PUB)
    assert len(preimage) == 46
    assert hashlib.sha256(preimage).hexdigest() == PETER_PREIMAGE_SHA256
    assert key_id("PeterNeumann", bytes.fromhex(PETER_PUB)).hex() == "c74f20a3"


def test_peter_vkey_parses_and_round_trips(peter: NoteVerifier) -> None:
    assert peter.name == "PeterNeumann"
    assert peter.key_id == bytes.fromhex("c74f20a3")
    assert peter.public_key.public_bytes_raw().hex() == PETER_PUB
    assert peter.verifier_key() == PETER_VKEY


def test_peter_signer_reproduces_the_published_note_byte_for_byte(peter: NoteVerifier) -> None:
    signer = _signer_from_skey(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier == peter
    assert signer.verifier.verifier_key() == PETER_VKEY
    assert TEXT.encode().hex() == TEXT_HEX
    assert len(TEXT.encode()) == 99
    note = signer.sign(TEXT)
    assert note == PETER_NOTE
    assert note.encode().hex() == PETER_NOTE_HEX
    assert len(note.encode()) == 210


def test_peter_signature_blob() -> None:
    blob = base64.b64decode(PETER_SIG_LINE.split(" ")[2].strip(), validate=True)
    assert len(blob) == 68
    assert blob[:4].hex() == "c74f20a3"
    assert blob[4:].hex() == PETER_SIGNATURE


def test_open_peter_note(peter: NoteVerifier) -> None:
    text, signers = open_note(PETER_NOTE, [peter])
    assert text == TEXT
    assert signers == [peter]
    assert signers[0] is peter
    assert open_note(PETER_NOTE.encode(), [peter]) == (TEXT, [peter])


# --- Vector 2 ----------------------------------------------------------------------------


def test_enoch_key_material(enoch: NoteVerifier) -> None:
    assert _seed_from_skey(ENOCH_SKEY) == bytes(32)
    assert enoch.public_key.public_bytes_raw().hex() == ENOCH_PUB
    assert hashlib.sha256(b"EnochRoot\n\x01" + bytes.fromhex(ENOCH_PUB)).hexdigest() == (
        "af0cfe783a44d3da29f36ba4aaeadcc2da14a7ba4a0b269a7570e21e2653ddbb"
    )
    assert enoch.key_id.hex() == "af0cfe78"
    assert enoch.verifier_key() == ENOCH_VKEY
    blob = base64.b64decode(ENOCH_SIG_LINE.split(" ")[2].strip(), validate=True)
    assert blob[:4].hex() == "af0cfe78"
    assert blob[4:].hex() == ENOCH_SIGNATURE


def test_enoch_cosignature_reproduced_byte_for_byte() -> None:
    peter_note = _signer_from_skey(PETER_SKEY).sign(TEXT)
    enoch_line = _sig_line(_signer_from_skey(ENOCH_SKEY).sign(TEXT), TEXT)
    assert enoch_line == ENOCH_SIG_LINE
    assert peter_note + enoch_line == COSIGNED_NOTE


def test_cosigned_note_with_only_peter_ignores_unknown_enoch(peter: NoteVerifier) -> None:
    assert open_note(COSIGNED_NOTE, [peter]) == (TEXT, [peter])


def test_cosigned_note_with_both_keys(peter: NoteVerifier, enoch: NoteVerifier) -> None:
    assert open_note(COSIGNED_NOTE, [peter, enoch]) == (TEXT, [peter, enoch])
    # Signature order, not verifier order.
    assert open_note(COSIGNED_NOTE, [enoch, peter]) == (TEXT, [peter, enoch])
    assert open_note(COSIGNED_NOTE, [enoch]) == (TEXT, [enoch])


def test_no_known_key_rejects(peter: NoteVerifier) -> None:
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(COSIGNED_NOTE, [])
    foo = parse_verifier_key(FOO_VKEY)
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(COSIGNED_NOTE, [foo])
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(FOO_NOTE, [peter])


def _insert_abcd_at_byte_60(line: str) -> str:
    raw = line.encode()
    return (raw[:60] + b"ABCD" + raw[60:]).decode()


def test_abcd_inserted_signature_is_rejected(peter: NoteVerifier) -> None:
    bad = TEXT + "\n" + _insert_abcd_at_byte_60(PETER_SIG_LINE)
    with pytest.raises(VerificationError, match="invalid signature for key PeterNeumann"):
        open_note(bad, [peter])


def test_bad_signature_from_known_key_rejects_even_next_to_a_good_one(
    peter: NoteVerifier, enoch: NoteVerifier
) -> None:
    bad = PETER_NOTE + _insert_abcd_at_byte_60(ENOCH_SIG_LINE)
    assert open_note(bad, [peter]) == (TEXT, [peter])  # unknown: ignored
    with pytest.raises(VerificationError, match="invalid signature for key EnochRoot"):
        open_note(bad, [peter, enoch])


def test_repeated_signatures_are_skipped(peter: NoteVerifier, enoch: NoteVerifier) -> None:
    enoch_abcd = _insert_abcd_at_byte_60(ENOCH_SIG_LINE)
    note = (
        TEXT + "\n" + PETER_SIG_LINE + PETER_SIG_LINE + ENOCH_SIG_LINE + ENOCH_SIG_LINE + enoch_abcd
    )
    assert open_note(note, [peter]) == (TEXT, [peter])
    # The ABCD line repeats an already-verified (name, key ID): skipped without verifying.
    assert open_note(note, [peter, enoch]) == (TEXT, [peter, enoch])


def test_text_is_split_at_the_last_blank_line(peter: NoteVerifier) -> None:
    signer = _signer_from_skey(PETER_SKEY)
    for text in ("a\n\nb\n", "\n", "a\n\n", "a\n\n\u2014 x y\n"):
        assert open_note(signer.sign(text), [peter]) == (text, [peter])


# --- Vector 3 ----------------------------------------------------------------------------


def test_c2sp_example(peter: NoteVerifier) -> None:
    foo = parse_verifier_key(FOO_VKEY)
    assert foo.name == "example.com/foo"
    assert foo.public_key.public_bytes_raw().hex() == FOO_PUB
    assert hashlib.sha256(b"example.com/foo\n\x01" + bytes.fromhex(FOO_PUB)).hexdigest() == (
        "530d903a7ea3df8698bf0e1c23910705f3a16c93949a06109974cea0bcfff7d7"
    )
    assert foo.key_id.hex() == "530d903a"
    assert foo.verifier_key() == FOO_VKEY
    text, signers = open_note(FOO_NOTE, [peter, foo])
    assert text == "This is an example message.\n"
    assert len(text.encode()) == 28
    assert signers == [foo]
    blob = base64.b64decode(FOO_NOTE.rsplit(" ", 1)[1].strip(), validate=True)
    assert blob[4:].hex() == FOO_SIGNATURE


def test_tlog_checkpoint_example_structure() -> None:
    text = SOFA_NOTE[: SOFA_NOTE.rindex("\n\n") + 1]
    checkpoint = parse_checkpoint_body(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert len(checkpoint.root_hash) == 32
    assert checkpoint.extensions == ()
    assert checkpoint.body() == text
    blob = base64.b64decode(SOFA_NOTE.rsplit(" ", 1)[1].strip(), validate=True)
    assert len(blob) == 68
    assert blob[:4].hex() == "033de0ae"


# --- Malformed notes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        pytest.param(TEXT, id="no signature block"),
        pytest.param(TEXT + "\n", id="blank line but no signature lines"),
        pytest.param(PETER_NOTE[:-1], id="last signature line without newline"),
        pytest.param("\x01" + PETER_NOTE, id="leading control character"),
        pytest.param(PETER_NOTE.replace("problem,", "problem,\t"), id="tab in text"),
        pytest.param(PETER_NOTE.replace("\n", "\r\n"), id="carriage returns"),
        pytest.param("\ud800" + PETER_NOTE, id="lone surrogate"),
        pytest.param(
            TEXT
            + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            id="space in name, no newline",
        ),
        pytest.param(
            TEXT
            + "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            id="space in name",
        ),
        pytest.param(PETER_NOTE + "hello\n", id="stray line after signatures"),
        pytest.param(PETER_NOTE + "\n", id="blank line after signatures"),
        pytest.param(PETER_NOTE.replace("— ", "- "), id="hyphen instead of em dash"),
        pytest.param(PETER_NOTE.replace("— ", "—"), id="no space after em dash"),
        pytest.param(PETER_NOTE.replace("PeterNeumann ", "Peter+Neumann "), id="plus in name"),
        pytest.param(PETER_NOTE.replace("PeterNeumann ", " "), id="empty name"),
        pytest.param(PETER_NOTE.replace("PeterNeumann ", "PeterNeumann"), id="no blob"),
        pytest.param(PETER_NOTE.replace("AM=\n", "A\n"), id="bad base64 length"),
        pytest.param(PETER_NOTE.replace("AM=\n", "AN=\n"), id="non-canonical base64"),
        pytest.param(PETER_NOTE.replace("x08go/", "x08go/ "), id="space inside base64"),
        pytest.param(TEXT + "\n— PeterNeumann x08g\n", id="signature blob too short"),
    ],
)
def test_malformed_notes_rejected(note: str, peter: NoteVerifier, enoch: NoteVerifier) -> None:
    with pytest.raises(VerificationError):
        open_note(note, [peter, enoch])


def test_invalid_utf8_rejected(peter: NoteVerifier) -> None:
    with pytest.raises(VerificationError, match="malformed note"):
        open_note(b"\xff" + PETER_NOTE.encode(), [peter])
    with pytest.raises(VerificationError, match="malformed note"):
        open_note(PETER_NOTE.encode().replace(b"problem,", b"problem,\xc0\xaf"), [peter])


def _unknown_sig_lines(count: int) -> str:
    blob = base64.b64encode(bytes(68)).decode()
    return "".join(f"— unknown{i} {blob}\n" for i in range(count))


def test_signature_count_limit(peter: NoteVerifier) -> None:
    at_limit = PETER_NOTE + _unknown_sig_lines(MAX_SIGNATURES - 1)
    assert open_note(at_limit, [peter]) == (TEXT, [peter])
    over_limit = PETER_NOTE + _unknown_sig_lines(MAX_SIGNATURES)
    with pytest.raises(VerificationError, match="malformed note"):
        open_note(over_limit, [peter])
    # The spec's floor: at least 16 signatures must be accepted.
    assert open_note(PETER_NOTE + _unknown_sig_lines(15), [peter]) == (TEXT, [peter])


def test_same_name_or_same_id_alone_does_not_match(peter: NoteVerifier) -> None:
    other = NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
    note = other.sign(TEXT)
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(note, [peter])  # same name, other key ID: unknown, ignored
    renamed = PETER_NOTE.replace("— PeterNeumann ", "— PeterNeumanm ")
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(renamed, [peter])  # same key ID, other name: unknown, ignored


def test_duplicate_verifiers_are_fine(peter: NoteVerifier) -> None:
    assert open_note(PETER_NOTE, [peter, parse_verifier_key(PETER_VKEY)]) == (TEXT, [peter])


# --- Verifier keys -----------------------------------------------------------------------


def _vkey_for(name: str, blob: bytes) -> str:
    digest = hashlib.sha256(name.encode() + b"\n" + blob).digest()[:4]
    return f"{name}+{digest.hex()}+{base64.b64encode(blob).decode()}"


@pytest.mark.parametrize(
    "vkey",
    [
        pytest.param(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
            id="golang wrong key length",
        ),
        pytest.param(
            "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            id="golang unknown algorithm 0x65",
        ),
        pytest.param(
            _vkey_for("PeterNeumann", b"\x01" + bytes.fromhex(PETER_PUB) + b"BADKEY"),
            id="long key with matching id, canonical base64",
        ),
        pytest.param(
            _vkey_for("PeterNeumann", b"\x01" + bytes.fromhex(PETER_PUB)[:31]),
            id="short key with matching id",
        ),
        pytest.param(
            _vkey_for("PeterNeumann", b"\x04" + bytes.fromhex(PETER_PUB)),
            id="cosignature type 0x04",
        ),
        pytest.param(_vkey_for("PeterNeumann", b""), id="empty key"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "C74F20A3"), id="uppercase hex"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f20a"), id="short hex"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f20a30"), id="long hex"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f20ag"), id="not hex"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f20a4"), id="wrong key id"),
        pytest.param(PETER_VKEY.replace("c74f20a3", "c74f 0a3"), id="space in hex"),
        pytest.param(PETER_VKEY + "=", id="bad base64"),
        pytest.param(PETER_VKEY.replace("ARpc", "ARpc\n"), id="newline in base64"),
        pytest.param(PETER_VKEY.replace("PeterNeumann", "Peter Neumann"), id="space in name"),
        pytest.param(PETER_VKEY.replace("PeterNeumann", ""), id="empty name"),
        pytest.param(_vkey_for("Peter\u00a0Neumann", b"\x01" + bytes(32)), id="nbsp in name"),
        pytest.param(_vkey_for("Peter\x01", b"\x01" + bytes(32)), id="control char in name"),
        pytest.param("PeterNeumann", id="one part"),
        pytest.param("PeterNeumann+c74f20a3", id="two parts"),
        pytest.param("", id="empty"),
    ],
)
def test_bad_vkeys_rejected(vkey: str) -> None:
    with pytest.raises(VerificationError):
        parse_verifier_key(vkey)


def test_name_with_plus_is_never_a_valid_vkey() -> None:
    # Splitting on the first two '+' makes the name "Peter", the ID "Neumann": rejected.
    with pytest.raises(VerificationError):
        parse_verifier_key(_vkey_for("Peter+Neumann", b"\x01" + bytes(32)))


def test_vkey_base64_may_contain_plus() -> None:
    # The vectors' skey has a '+' in its base64; find a (deterministic) key whose vkey does.
    for counter in range(256):
        seed = hashlib.sha256(counter.to_bytes(2, "big")).digest()
        signer = NoteSigner("example.com/log", Ed25519PrivateKey.from_private_bytes(seed))
        vkey = signer.verifier.verifier_key()
        if "+" in vkey.split("+", 2)[2]:
            break
    assert "+" in vkey.split("+", 2)[2]
    assert parse_verifier_key(vkey) == signer.verifier
    assert parse_verifier_key(vkey).verifier_key() == vkey


def test_every_proper_substring_of_a_valid_vkey_is_rejected() -> None:
    count = 0
    for start in range(len(PETER_VKEY)):
        for end in range(start, len(PETER_VKEY) + 1):
            if end - start == len(PETER_VKEY):
                continue
            with pytest.raises(VerificationError):
                parse_verifier_key(PETER_VKEY[start:end])
            count += 1
    length = len(PETER_VKEY)
    # Every (start, end) with start < length and start <= end <= length, but the whole.
    assert count == length * (length + 1) // 2 + length - 1


def test_every_single_byte_increment_of_a_valid_vkey_is_rejected() -> None:
    for index, char in enumerate(PETER_VKEY):
        bumped = PETER_VKEY[:index] + chr(ord(char) + 1) + PETER_VKEY[index + 1 :]
        with pytest.raises(VerificationError):
            parse_verifier_key(bumped)


def test_key_id_rejects_wrong_key_length() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        key_id("PeterNeumann", bytes(31))


def test_verifier_and_signer_validate_their_fields(peter: NoteVerifier) -> None:
    with pytest.raises(ValueError, match="key ID"):
        NoteVerifier(name="PeterNeumann", key_id=bytes(4), public_key=peter.public_key)
    with pytest.raises(ValueError, match="key ID"):
        NoteVerifier(name="EnochRoot", key_id=peter.key_id, public_key=peter.public_key)
    for name in ("", "a b", "a+b", "a\nb", "a\u3000b"):
        with pytest.raises(ValueError, match="invalid key name"):
            NoteSigner(name, Ed25519PrivateKey.generate())


def test_signer_rejects_texts_that_would_not_open() -> None:
    signer = _signer_from_skey(PETER_SKEY)
    for text in ("", "no newline", "tab\there\n", "cr\r\n", "\ud800\n"):
        with pytest.raises(ValueError, match="note text"):
            signer.sign(text)


def test_frozen_values_and_no_private_key_in_repr(peter: NoteVerifier) -> None:
    signer = _signer_from_skey(PETER_SKEY)
    with pytest.raises(AttributeError):
        signer.name = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        peter.name = "x"  # type: ignore[misc]
    assert "private_key" not in repr(signer)
    assert hash(peter) == hash(parse_verifier_key(PETER_VKEY))


# --- Checkpoints -------------------------------------------------------------------------

LOG = "registry.example/ledger"


@pytest.fixture(scope="module")
def log_signer() -> NoteSigner:
    return NoteSigner(LOG, Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"log").digest()))


def test_checkpoint_body_layout() -> None:
    checkpoint = Checkpoint(origin=LOG, size=20852163, root_hash=ROOT)
    root_b64 = base64.b64encode(ROOT).decode()
    assert checkpoint.body() == f"{LOG}\n20852163\n{root_b64}\n"
    with_ext = Checkpoint(origin=LOG, size=0, root_hash=ROOT, extensions=("x y", "z"))
    assert with_ext.body() == f"{LOG}\n0\n{root_b64}\nx y\nz\n"


@pytest.mark.parametrize("extensions", [(), ("ext one",), ("a", "b+c")])
@pytest.mark.parametrize("size", [0, 1, 20852163, MAX_TREE_SIZE])
def test_checkpoint_sign_verify_round_trip(
    log_signer: NoteSigner, size: int, extensions: tuple[str, ...]
) -> None:
    checkpoint = Checkpoint(origin=LOG, size=size, root_hash=ROOT, extensions=extensions)
    note = sign_checkpoint(checkpoint, log_signer)
    assert note.startswith(checkpoint.body() + "\n— " + LOG + " ")
    assert verify_checkpoint(note, log_signer.verifier) == checkpoint
    assert verify_checkpoint(note.encode(), log_signer.verifier) == checkpoint
    vkey = log_signer.verifier.verifier_key()
    assert verify_checkpoint(note, parse_verifier_key(vkey)) == checkpoint


def test_checkpoint_with_witness_cosignature_still_verifies(log_signer: NoteSigner) -> None:
    checkpoint = Checkpoint(origin=LOG, size=5, root_hash=ROOT)
    note = sign_checkpoint(checkpoint, log_signer)
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate())
    cosigned = note + _sig_line(witness.sign(checkpoint.body()), checkpoint.body())
    assert verify_checkpoint(cosigned, log_signer.verifier) == checkpoint
    _, signers = open_note(cosigned, [log_signer.verifier, witness.verifier])
    assert signers == [log_signer.verifier, witness.verifier]


def test_signing_with_a_key_named_differently_from_the_origin_is_refused(
    log_signer: NoteSigner,
) -> None:
    checkpoint = Checkpoint(origin="other.example/log", size=1, root_hash=ROOT)
    with pytest.raises(ValueError, match="does not match checkpoint origin"):
        sign_checkpoint(checkpoint, log_signer)


def test_origin_must_match_verifier_name() -> None:
    other = NoteSigner("other.example/log", Ed25519PrivateKey.generate())
    checkpoint = Checkpoint(origin=LOG, size=1, root_hash=ROOT)
    note = other.sign(checkpoint.body())  # a validly signed note, wrong origin for the key
    assert open_note(note, [other.verifier])[0] == checkpoint.body()
    with pytest.raises(VerificationError, match="origin"):
        verify_checkpoint(note, other.verifier)


def test_checkpoint_from_another_key_is_rejected(log_signer: NoteSigner) -> None:
    impostor = NoteSigner(LOG, Ed25519PrivateKey.generate())
    note = sign_checkpoint(Checkpoint(origin=LOG, size=1, root_hash=ROOT), impostor)
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        verify_checkpoint(note, log_signer.verifier)


def test_tampered_checkpoints_are_rejected(log_signer: NoteSigner) -> None:
    checkpoint = Checkpoint(origin=LOG, size=41, root_hash=ROOT)
    note = sign_checkpoint(checkpoint, log_signer)
    root_b64 = base64.b64encode(ROOT).decode()
    other_root_b64 = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    tampered = [
        note.replace("\n41\n", "\n42\n"),
        note.replace("\n41\n", "\n410\n"),
        note.replace(root_b64, other_root_b64),
        note.replace(f"{root_b64}\n", f"{root_b64}\next\n"),
        note.replace(LOG + "\n", "x" + LOG + "\n", 1),
    ]
    for bad in tampered:
        assert bad != note
        with pytest.raises(VerificationError, match="invalid signature"):
            verify_checkpoint(bad, log_signer.verifier)


def test_signed_but_unparsable_body_is_rejected(log_signer: NoteSigner) -> None:
    root_b64 = base64.b64encode(ROOT).decode()
    for body in (f"{LOG}\n01\n{root_b64}\n", f"{LOG}\n1\n", f"{LOG}\n1\n{root_b64}\n\nx\n"):
        note = log_signer.sign(body)
        with pytest.raises(VerificationError, match="checkpoint"):
            verify_checkpoint(note, log_signer.verifier)


_ROOT_B64 = base64.b64encode(ROOT).decode()
_B64_ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"


def _with_pad_bit_set(b64: str) -> str:
    """The same bytes spelled with a non-zero pad bit (RFC 4648 §3.5): decodable, not canonical."""
    last = b64.rstrip("=")[-1]
    flipped = _B64_ALPHABET[_B64_ALPHABET.index(last) ^ 1]
    padding = len(b64) - len(b64.rstrip("="))
    return b64.rstrip("=")[:-1] + flipped + "=" * padding


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"{LOG}\n01\n{_ROOT_B64}\n", id="leading zero"),
        pytest.param(f"{LOG}\n00\n{_ROOT_B64}\n", id="double zero"),
        pytest.param(f"{LOG}\n-1\n{_ROOT_B64}\n", id="negative"),
        pytest.param(f"{LOG}\n+1\n{_ROOT_B64}\n", id="plus sign"),
        pytest.param(f"{LOG}\n 1\n{_ROOT_B64}\n", id="leading space"),
        pytest.param(f"{LOG}\n1 \n{_ROOT_B64}\n", id="trailing space"),
        pytest.param(f"{LOG}\n1_000\n{_ROOT_B64}\n", id="underscore"),
        pytest.param(f"{LOG}\n0x10\n{_ROOT_B64}\n", id="hex"),
        pytest.param(f"{LOG}\n\u0661\n{_ROOT_B64}\n", id="non-ASCII digit"),
        pytest.param(f"{LOG}\n{MAX_TREE_SIZE + 1}\n{_ROOT_B64}\n", id="above uint64"),
        pytest.param(f"{LOG}\n{'9' * 5000}\n{_ROOT_B64}\n", id="huge number"),
        pytest.param(f"{LOG}\n\n{_ROOT_B64}\n", id="empty size"),
        pytest.param(f"{LOG}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", id="31-byte root"),
        pytest.param(f"{LOG}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n", id="33-byte root"),
        pytest.param(f"{LOG}\n1\n{ROOT.hex()}\n", id="hex root"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64.rstrip('=')}\n", id="unpadded root"),
        pytest.param(f"{LOG}\n1\n{_with_pad_bit_set(_ROOT_B64)}\n", id="non-canonical root"),
        pytest.param(f"{LOG}\n1\n", id="missing root line"),
        pytest.param(f"{LOG}\n", id="missing size and root lines"),
        pytest.param("", id="empty text"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64}", id="no final newline"),
        pytest.param(f"\n1\n{_ROOT_B64}\n", id="empty origin"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64}\n\n", id="empty extension line"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64}\na\n\nb\n", id="empty middle extension line"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64}\r\n", id="carriage return"),
        pytest.param(f"{LOG}\n1\n{_ROOT_B64}\nx\x00\n", id="control character"),
    ],
)
def test_parse_checkpoint_body_rejections(text: str) -> None:
    with pytest.raises(VerificationError):
        parse_checkpoint_body(text)


def test_parse_checkpoint_body_accepts_valid_forms() -> None:
    assert parse_checkpoint_body(f"{LOG}\n0\n{_ROOT_B64}\n").size == 0
    assert parse_checkpoint_body(f"{LOG}\n{MAX_TREE_SIZE}\n{_ROOT_B64}\n").size == MAX_TREE_SIZE
    parsed = parse_checkpoint_body(f"{LOG}\n7\n{_ROOT_B64}\nfirst ext\nsecond\n")
    assert parsed == Checkpoint(LOG, 7, ROOT, ("first ext", "second"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"origin": ""},
        {"origin": "a\nb"},
        {"size": -1},
        {"size": MAX_TREE_SIZE + 1},
        {"root_hash": ROOT[:31]},
        {"extensions": ("",)},
        {"extensions": ("a\nb",)},
    ],
)
def test_checkpoint_rejects_bad_values(kwargs: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"origin": LOG, "size": 1, "root_hash": ROOT} | kwargs
    with pytest.raises(ValueError, match="checkpoint"):
        Checkpoint(**fields)


@pytest.mark.parametrize(
    "kwargs", [{"size": True}, {"size": 1.0}, {"extensions": ["a"]}, {"root_hash": "x" * 32}]
)
def test_checkpoint_rejects_bad_types(kwargs: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"origin": LOG, "size": 1, "root_hash": ROOT} | kwargs
    with pytest.raises((TypeError, ValueError), match="checkpoint"):
        Checkpoint(**fields)


_LINE = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@given(
    origin=st.text(alphabet=string.ascii_letters + "./-", min_size=1, max_size=30),
    size=st.integers(min_value=0, max_value=MAX_TREE_SIZE),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(_LINE, max_size=3).map(tuple),
)
def test_checkpoint_body_parse_round_trip(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    checkpoint = Checkpoint(origin, size, root, extensions)
    assert parse_checkpoint_body(checkpoint.body()) == checkpoint
