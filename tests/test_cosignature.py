"""cosignature/v1 (c2sp.org/tlog-cosignature, Ed25519): published vectors, round trips, tampering.

Published vectors, quoted byte for byte:

* thesm-os/core commit ``a518bfe4a8b3346560d4b9bad9bc7556685ff547``,
  ``tlog/checkpoint/testdata/{policy,cosigned,extension}.txt`` (Apache-2.0). Per that
  repository's ``tlog/checkpoint/cosignature_test.go`` they were made with
  filippo.io/torchwood v0.10.0 and golang.org/x/mod v0.40.0: a checkpoint of
  ``example.com/log`` signed by the log and cosigned by the Ed25519 witnesses W1, W2 and W3
  (the ML-DSA-44 line of that file is left out: this module implements Ed25519 only), and a
  checkpoint with an extension line cosigned by W1.
* transparency-dev/formats commit ``091ce41666c09683aa9350785e572be27f0c026d``,
  ``note/note_cosigv1_test.go`` (``TestCoSigV1NewVerifier``, BSD-style): a native type-0x04
  verifier key, and a type-0x01 key that Go converts but this module refuses on purpose.
"""

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.ledger.checkpoint import (
    Checkpoint,
    NoteSigner,
    open_note,
    parse_verifier_key,
    sign_checkpoint,
    verify_checkpoint,
)
from registry.ledger.cosignature import (
    ALG_COSIGNATURE_V1,
    MAX_TIMESTAMP,
    CosignatureSigner,
    append_signature_lines,
    cosignature_key_id,
    cosigned_message,
    parse_cosigner_key,
    verify_cosignatures,
)
from registry.ledger.errors import VerificationError

# thesm-os/core tlog/checkpoint/testdata/policy.txt (the log and the Ed25519 witnesses).
VECTOR_LOG_VKEY = "example.com/log+bff03704+ASCnxbDygGa23JIkY9tjqisWYoqagOS63fcd9daLrTE7"
VECTOR_WITNESS_VKEYS = (
    "example.com/w1+a72856e1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nu",
    "example.com/w2+d3a59932+BD+1Dyxs+Mvh3r33SEWPVGxtc66lJRcr2n3BT9H/ob6E",
    "example.com/w3+a20121ef+BMjDI6bhql0gNbDEQV4SB1Ep0SH3aZh4GLay7ZBO1CMm",
)
VECTOR_TIMESTAMP = 1790866138  # 0x6abe72da, the bytes after each witness's key ID

# thesm-os/core tlog/checkpoint/testdata/cosigned.txt, without its final ML-DSA-44 line.
VECTOR_COSIGNED = """example.com/log
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/log v/A3BO2uStYDdI9UMljsq3mM1p1zkCAfr3O/m7FSS/7rV0xpbU/D+gTkuS7BfUejcrDk8Pw3G6yiAoGnsoIXI8laqAw=
— example.com/w1 pyhW4QAAAABqvnLat8ho08Kz255OYB7Vy/8NdAHlKq0tpL+LQ/+W3m2+ah53FZu1aOulmPJQLWQPp3b3rEd8kb4XOmrjIP8u8rqeBA==
— example.com/w2 06WZMgAAAABqvnLade9rIRPZ3Egg6SDr+LQJN481TCxQ1msvM48JPJLUqMM9jxiBejwYSOTaTVDctQa/B80DEMn9xL+Np7nzg6qiDw==
— example.com/w3 ogEh7wAAAABqvnLaPcIA/Kr45bkNY/BVMyG100G2Xkj8bXD5c2fZBe6nDwl/N4fYBJTTOJxXADPCSffzDqgFdKAjr0L9xmGRF5A0AA==
"""

# thesm-os/core tlog/checkpoint/testdata/extension.txt.
VECTOR_EXTENSION = """example.com/log
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
an extension line

— example.com/log v/A3BKMjmv3d7C6xPbd58TECfECK1q+BtKQiNdenVdvwpEn7y2la9SCtDdxvALHglFXvYGNWAvCf7jSj6g1RvNBOWAA=
— example.com/w1 pyhW4QAAAABqvnLasqEFje9lXVOqbpGT8kMXrnXxC8/3zNGWkUUwS5UY6R7dHCn1tPLFbrs+B2TyAZqs8T2WK6X4+VcKNtetsSrLAg==
"""

# transparency-dev/formats note/note_cosigv1_test.go, TestCoSigV1NewVerifier.
FORMATS_COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
FORMATS_ED25519_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"

ROOT = hashlib.sha256(b"root").digest()
CHECKPOINT = Checkpoint(origin="example.org/log", size=42, root_hash=ROOT)
TEXT = CHECKPOINT.body()
NOW = 1_765_000_000


def _witness(name: str = "witness.example/w1") -> CosignatureSigner:
    return CosignatureSigner(name=name, private_key=Ed25519PrivateKey.generate())


def _cosigned(signer: CosignatureSigner, timestamp: int = NOW) -> str:
    log = NoteSigner(name=CHECKPOINT.origin, private_key=Ed25519PrivateKey.generate())
    return sign_checkpoint(CHECKPOINT, log) + signer.cosign(TEXT, timestamp)


def _blob(line: str) -> bytes:
    return base64.b64decode(line.rstrip("\n").rpartition(" ")[2])


def _replace_blob(note: str, line: str, blob: bytes) -> str:
    name = line.split(" ")[1]
    return note.replace(line, f"— {name} {base64.b64encode(blob).decode()}\n")


# Published vectors


def test_the_published_cosignatures_verify_with_their_timestamps() -> None:
    witnesses = [parse_cosigner_key(vkey) for vkey in VECTOR_WITNESS_VKEYS]
    checkpoint, cosignatures = verify_cosignatures(VECTOR_COSIGNED, witnesses)
    assert checkpoint == verify_checkpoint(VECTOR_COSIGNED, parse_verifier_key(VECTOR_LOG_VKEY))
    assert checkpoint.size == 20852163
    assert [c.verifier.name for c in cosignatures] == [
        "example.com/w1",
        "example.com/w2",
        "example.com/w3",
    ]
    assert {c.timestamp for c in cosignatures} == {VECTOR_TIMESTAMP}


def test_a_published_cosignature_covers_the_extension_lines() -> None:
    w1 = parse_cosigner_key(VECTOR_WITNESS_VKEYS[0])
    checkpoint, cosignatures = verify_cosignatures(VECTOR_EXTENSION, [w1])
    assert checkpoint.extensions == ("an extension line",)
    assert [c.timestamp for c in cosignatures] == [VECTOR_TIMESTAMP]
    tampered = VECTOR_EXTENSION.replace("an extension line", "an extension lime")
    with pytest.raises(VerificationError, match="invalid cosignature"):
        verify_cosignatures(tampered, [w1])


@pytest.mark.parametrize("vkey", [*VECTOR_WITNESS_VKEYS, FORMATS_COSIGNER_VKEY])
def test_published_cosigner_keys_round_trip_and_their_ids_follow_the_spec(vkey: str) -> None:
    verifier = parse_cosigner_key(vkey)
    assert verifier.verifier_key() == vkey
    name, id_hex, key_b64 = vkey.split("+", 2)
    blob = base64.b64decode(key_b64)
    assert blob[0] == ALG_COSIGNATURE_V1
    # tlog-cosignature "Format": SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4].
    expected = hashlib.sha256(name.encode() + b"\n" + b"\x04" + blob[1:]).digest()[:4]
    assert verifier.key_id == expected == bytes.fromhex(id_hex)


def test_a_plain_ed25519_verifier_key_is_not_a_cosigner_key() -> None:
    parse_verifier_key(FORMATS_ED25519_VKEY)  # a valid type-0x01 key ...
    with pytest.raises(VerificationError, match="0x04"):
        parse_cosigner_key(FORMATS_ED25519_VKEY)  # ... which Go converts, and we do not


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("example.com/w1+a72856e1", "three"),
        ("example.com/w1+A72856E1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nu", "hex"),
        ("example.com/w1+a72856e2+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nu", "does not match"),
        ("example.com/w2+a72856e1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nu", "does not match"),
        ("example.com/w1+a72856e1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3n", "base64"),
        ("example.com/w1+a72856e1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nuAA==", "32 bytes"),
        ("bad name+a72856e1+BHjw7QAzt7GUhD5JnLF3XLaP6DpiJeWa9pnwQtbET3nu", "name"),
    ],
)
def test_malformed_cosigner_keys_are_refused(vkey: str, message: str) -> None:
    with pytest.raises(VerificationError, match=message):
        parse_cosigner_key(vkey)


# Round trips


def test_a_cosignature_round_trips() -> None:
    signer = _witness()
    note = _cosigned(signer)
    checkpoint, cosignatures = verify_cosignatures(note, [signer.verifier])
    assert checkpoint == CHECKPOINT
    assert [(c.verifier, c.timestamp) for c in cosignatures] == [(signer.verifier, NOW)]


def test_the_line_is_key_id_timestamp_and_a_signature_over_the_spec_message() -> None:
    signer = _witness()
    line = signer.cosign(TEXT, NOW)
    assert line.startswith(f"— {signer.name} ")
    assert line.endswith("\n")
    blob = _blob(line)
    public = signer.private_key.public_key().public_bytes_raw()
    assert blob[:4] == hashlib.sha256(signer.name.encode() + b"\n\x04" + public).digest()[:4]
    assert blob[:4] == cosignature_key_id(signer.name, public)
    assert struct.unpack(">Q", blob[4:12]) == (NOW,)
    message = f"cosignature/v1\ntime {NOW}\n{TEXT}".encode()
    assert cosigned_message(TEXT, NOW) == message
    signer.private_key.public_key().verify(blob[12:], message)
    assert len(blob) == 4 + 8 + 64


def test_the_verifier_key_round_trips() -> None:
    signer = _witness()
    vkey = signer.verifier.verifier_key()
    name, id_hex, key_b64 = vkey.split("+", 2)
    assert (name, id_hex) == (signer.name, signer.verifier.key_id.hex())
    public = signer.private_key.public_key().public_bytes_raw()
    assert base64.b64decode(key_b64) == b"\x04" + public
    assert parse_cosigner_key(vkey) == signer.verifier
    assert parse_cosigner_key(f"  {vkey}\n") == signer.verifier


def test_timestamps_outside_the_u63_range_cannot_be_signed() -> None:
    signer = _witness()
    signer.cosign(TEXT, MAX_TIMESTAMP)
    with pytest.raises(ValueError, match="timestamp"):
        signer.cosign(TEXT, MAX_TIMESTAMP + 1)
    with pytest.raises(ValueError, match="timestamp"):
        signer.cosign(TEXT, -1)


def test_only_checkpoints_are_cosigned() -> None:
    with pytest.raises(VerificationError):
        _witness().cosign("not a checkpoint\n", NOW)


# Tampering


def test_a_changed_timestamp_fails() -> None:
    signer = _witness()
    note = _cosigned(signer)
    line = signer.cosign(TEXT, NOW)
    blob = _blob(line)
    later = blob[:4] + struct.pack(">Q", NOW + 1) + blob[12:]
    with pytest.raises(VerificationError, match="invalid cosignature"):
        verify_cosignatures(_replace_blob(note, line, later), [signer.verifier])


def test_a_timestamp_above_two_to_the_63_fails() -> None:
    signer = _witness()
    note = _cosigned(signer)
    line = signer.cosign(TEXT, NOW)
    blob = _blob(line)
    huge = blob[:4] + struct.pack(">Q", 2**63) + blob[12:]
    with pytest.raises(VerificationError, match="2\\*\\*63"):
        verify_cosignatures(_replace_blob(note, line, huge), [signer.verifier])


@pytest.mark.parametrize(
    ("old", "new"),
    [("\n42\n", "\n43\n"), ("example.org/log\n", "example.org/lag\n")],
)
def test_a_changed_checkpoint_text_fails(old: str, new: str) -> None:
    signer = _witness()
    note = _cosigned(signer).replace(old, new, 1)
    with pytest.raises(VerificationError, match="invalid cosignature"):
        verify_cosignatures(note, [signer.verifier])


def test_a_changed_signature_fails() -> None:
    signer = _witness()
    note = _cosigned(signer)
    line = signer.cosign(TEXT, NOW)
    blob = bytearray(_blob(line))
    blob[-1] ^= 1
    with pytest.raises(VerificationError, match="invalid cosignature"):
        verify_cosignatures(_replace_blob(note, line, bytes(blob)), [signer.verifier])


def test_a_known_key_with_a_blob_of_the_wrong_size_fails() -> None:
    signer = _witness()
    note = _cosigned(signer)
    line = signer.cosign(TEXT, NOW)
    with pytest.raises(VerificationError, match="wrong size"):
        verify_cosignatures(_replace_blob(note, line, _blob(line)[:-1]), [signer.verifier])


def test_a_cosignature_moved_to_another_checkpoint_fails() -> None:
    signer = _witness()
    line = signer.cosign(TEXT, NOW)
    other = Checkpoint(origin="example.org/log", size=43, root_hash=ROOT)
    log = NoteSigner(name=other.origin, private_key=Ed25519PrivateKey.generate())
    with pytest.raises(VerificationError, match="invalid cosignature"):
        verify_cosignatures(sign_checkpoint(other, log) + line, [signer.verifier])


# Matching lines to keys


def test_cosignatures_of_unknown_witnesses_are_ignored() -> None:
    known, unknown = _witness("witness.example/known"), _witness("witness.example/unknown")
    note = _cosigned(unknown)
    assert verify_cosignatures(note, [known.verifier]) == (CHECKPOINT, [])
    both = note + known.cosign(TEXT, NOW + 5)
    _, cosignatures = verify_cosignatures(both, [known.verifier])
    assert [(c.verifier.name, c.timestamp) for c in cosignatures] == [(known.name, NOW + 5)]


def test_a_witness_that_signed_twice_counts_once() -> None:
    signer = _witness()
    note = _cosigned(signer) + signer.cosign(TEXT, NOW + 1)
    _, cosignatures = verify_cosignatures(note, [signer.verifier])
    assert [c.timestamp for c in cosignatures] == [NOW]


def test_a_plain_note_key_of_the_same_name_and_key_never_matches() -> None:
    private = Ed25519PrivateKey.generate()
    cosigner = CosignatureSigner(name="witness.example/w1", private_key=private)
    plain = NoteSigner(name="witness.example/w1", private_key=private)
    assert plain.key_id != cosigner.verifier.key_id  # type byte 0x01 versus 0x04
    # A plain signature line by the same name and key is not a cosignature ...
    plain_only = plain.sign(TEXT)
    assert verify_cosignatures(plain_only, [cosigner.verifier]) == (CHECKPOINT, [])
    # ... and a cosignature is not a plain note signature.
    cosigned_only = TEXT + "\n" + cosigner.cosign(TEXT, NOW)
    with pytest.raises(VerificationError, match="no verifiable signatures"):
        open_note(cosigned_only, [plain.verifier])


def test_append_signature_lines_adds_each_line_once() -> None:
    signer = _witness()
    note = _cosigned(signer)
    line = signer.cosign(TEXT, NOW)
    other = _witness("witness.example/w2").cosign(TEXT, NOW)
    assert append_signature_lines(note, [line, other, other.rstrip("\n")]) == note + other
