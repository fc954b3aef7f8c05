"""The ledger verifier's JavaScript (registry/web/static/js) in a real Chromium, mocking nothing.

* ``rfc6962.js`` and ``signednote.js`` run the same published vectors as the Python code
  (``tests/test_merkle.py``, ``tests/test_checkpoint.py``), plus notes and checkpoints that
  the Python signer makes, from a page served over real HTTP (WebCrypto needs a secure
  context: http://127.0.0.1 is one, about:blank and file:// are not).
* ``verify.js`` end to end: a real registry app on real uvicorn, on SQLite and PostgreSQL, an
  award written over HTTP, a test-only page rendering the award page's contract, and a click.
  The failures are made by ``page.route`` test doubles of one endpoint each, serving the real
  response with one thing changed.
"""

import base64
import hashlib
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from domain_helpers import NGO_UZ, PUBLIC_FUND, bearer, build_world
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from live_server import serve
from playwright.sync_api import Page, Route
from test_checkpoint import (
    COSIGNED_NOTE,
    ENOCH_SIG_LINE,
    ENOCH_VKEY,
    FOO_NOTE,
    FOO_PUB,
    FOO_VKEY,
    PETER_NOTE,
    PETER_PUB,
    PETER_SIG_LINE,
    PETER_SKEY,
    PETER_VKEY,
    SOFA_NOTE,
    TEXT,
)
from test_merkle import DIVERGENT_VECTORS, FIXTURE_LEAVES, FIXTURE_ROOTS, VECTORS

import registry
from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    NoteSigner,
    parse_verifier_key,
    sign_checkpoint,
    verify_checkpoint,
)
from registry.ledger.merkle import leaf_hash
from registry.main import create_app
from registry.web.assets import static_url

STATIC_DIR = Path(registry.__file__).parent / "web" / "static"
LOG = "test.registry/ledger"

# --- A page to run the modules in -------------------------------------------------------------

HARNESS_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>verifier modules</title></head><body></body></html>"
)


@pytest.fixture(scope="module")
def static_site() -> Iterator[str]:
    """The static directory and an empty page, over real HTTP on 127.0.0.1."""
    app = FastAPI()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", response_class=HTMLResponse)
    def harness() -> str:
        return HARNESS_HTML

    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def js(page: Page, static_site: str) -> Page:
    page.goto(static_site + "/")
    assert page.evaluate("isSecureContext && !!crypto.subtle")
    return page


# --- RFC 6962 / 9162: the transparency-dev vectors ------------------------------------------

RUN_VECTORS_JS = """
async ({ kind, vectors }) => {
  const m = await import("/static/js/rfc6962.js");
  const b64 = (text) => m.base64ToBytes(text);
  const results = [];
  for (const v of vectors) {
    // Decoded outside the try: a vector that fails to decode is a harness bug, not a pass.
    const proof = (v.proof ?? []).map(b64);
    const call = kind === "inclusion"
      ? () => m.verifyInclusion({ index: BigInt(v.leafIdx), treeSize: BigInt(v.treeSize),
                                  leafHash: b64(v.leafHash), proof, root: b64(v.root) })
      : () => m.verifyConsistency({ first: BigInt(v.size1), second: BigInt(v.size2), proof,
                                    firstRoot: b64(v.root1), secondRoot: b64(v.root2) });
    try {
      await call();
      results.push(null);
    } catch (error) {
      results.push(`${error.name}: ${error.message}`);
    }
  }
  return results;
}
"""


def _vectors(kind: str) -> list[tuple[str, dict[str, Any]]]:
    paths = sorted((VECTORS / kind).rglob("*.json"))
    return [(path.relative_to(VECTORS).as_posix(), json.loads(path.read_text())) for path in paths]


def _for_js(vector: dict[str, Any]) -> dict[str, Any]:
    """Sizes and indices as decimal strings: 2^64 - 1 does not survive a JavaScript number."""
    return {key: str(value) if type(value) is int else value for key, value in vector.items()}


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_transparency_dev_vectors(js: Page, kind: str) -> None:
    """Every file, as transparency-dev/merkle's verify_test.go runs them, with the one
    deliberate divergence tests/test_merkle.py makes: 12-byte roots are rejected even when the
    two sizes are equal (the Go verifier never checks their length on that path)."""
    vectors = _vectors(kind)
    assert len(vectors) == 98
    results = js.evaluate(
        RUN_VECTORS_JS, {"kind": kind, "vectors": [_for_js(v) for _, v in vectors]}
    )
    wrong = []
    for (name, vector), error in zip(vectors, results, strict=True):
        if error is not None and not error.startswith("VerificationError: "):
            wrong.append(f"{name}: not a VerificationError: {error}")
        elif name in DIVERGENT_VECTORS:
            assert vector["wantErr"] is False  # the vector still says what we diverge from
            if error is None or "32 bytes" not in error:
                wrong.append(f"{name}: should be rejected for its 12-byte roots, got {error}")
        elif (error is not None) != vector["wantErr"]:
            wrong.append(f"{name}: wantErr {vector['wantErr']}, got {error}")
    assert not wrong, "\n".join(wrong)
    # The 2^64 - 1 index reached the verifier intact and was refused as outside the tree.
    if kind == "inclusion":
        wrapped = [e for (n, _), e in zip(vectors, results, strict=True) if "leafIdx-sub" in n]
        assert any("18446744073709551615" in (e or "") for e in wrapped)


# --- RFC 6962 / 9162: every proof of small trees, from the RFC's own definitions ----------------

REFERENCE_LEAVES = [b"entry %d" % i for i in range(40)]


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]), RFC 6962 §2.1."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = _split(len(leaves))
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 6962 §2.1.1."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


def _subproof(m: int, leaves: list[bytes], *, complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 6962 §2.1.2."""
    if m == len(leaves):
        return [] if complete else [_mth(leaves)]
    k = _split(len(leaves))
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), _mth(leaves[:k])]


def _flip(value: bytes) -> bytes:
    return bytes([value[0] ^ 0x01]) + value[1:]


def _reference_cases() -> list[dict[str, Any]]:
    """Every (index, size) and (first, second) up to 40 leaves, each valid and mutated."""
    cases: list[dict[str, Any]] = []
    roots = [b""] + [_mth(REFERENCE_LEAVES[:n]) for n in range(1, 41)]
    for size in range(1, 41):
        for index in range(size):
            valid = {
                "kind": "inclusion",
                "index": index,
                "size": size,
                "leaf": hashlib.sha256(b"\x00" + REFERENCE_LEAVES[index]).digest(),
                "proof": _path(index, REFERENCE_LEAVES[:size]),
                "root": roots[size],
            }
            cases.append(valid | {"ok": True})
            cases.append(valid | {"ok": False, "root": _flip(roots[size])})
            if valid["proof"]:
                flipped = [*valid["proof"][:-1], _flip(valid["proof"][-1])]
                cases.append(valid | {"ok": False, "proof": flipped})
        for first in range(1, size + 1):
            valid = {
                "kind": "consistency",
                "first": first,
                "second": size,
                "proof": _subproof(first, REFERENCE_LEAVES[:size], complete=True),
                "first_root": roots[first],
                "second_root": roots[size],
            }
            cases.append(valid | {"ok": True})
            cases.append(valid | {"ok": False, "second_root": _flip(roots[size])})
            if valid["proof"]:
                cases.append(valid | {"ok": False, "proof": [_flip(valid["proof"][0])]})
    return [
        {
            key: [item.hex() for item in value]
            if isinstance(value, list)
            else value.hex()
            if isinstance(value, bytes)
            else value
            for key, value in case.items()
        }
        for case in cases
    ]


RUN_REFERENCE_JS = """
async (cases) => {
  const m = await import("/static/js/rfc6962.js");
  const h = (text) => m.hexToBytes(text);
  const results = [];
  for (const c of cases) {
    // Plain numbers this time: safe integers are accepted as well as BigInts.
    const call = c.kind === "inclusion"
      ? () => m.verifyInclusion({ index: c.index, treeSize: c.size, leafHash: h(c.leaf),
                                  proof: c.proof.map(h), root: h(c.root) })
      : () => m.verifyConsistency({ first: c.first, second: c.second, proof: c.proof.map(h),
                                    firstRoot: h(c.first_root), secondRoot: h(c.second_root) });
    try {
      await call();
      results.push(null);
    } catch (error) {
      results.push(`${error.name}: ${error.message}`);
    }
  }
  return results;
}
"""


def test_every_proof_of_trees_up_to_40_leaves(js: Page) -> None:
    """RFC 6962 §2.1.1 PATH and §2.1.2 PROOF written out in Python; the JS must accept each
    one and reject it with one bit flipped (in the root or in the proof)."""
    cases = _reference_cases()
    assert len(cases) > 3000
    results = js.evaluate(RUN_REFERENCE_JS, cases)
    wrong = [
        f"{case}: got {error}"
        for case, error in zip(cases, results, strict=True)
        if (error is None) != case["ok"]
        or (error is not None and not error.startswith("VerificationError: "))
    ]
    assert not wrong, "\n".join(wrong[:10])


HASHES_AND_ENCODINGS_JS = """
async ({ leaves }) => {
  const m = await import("/static/js/rfc6962.js");
  const leafHashes = [];
  for (const leaf of leaves) leafHashes.push(await m.leafHash(m.hexToBytes(leaf)));
  const rejects = async (fn) => {
    try { await fn(); return "accepted"; } catch (error) { return `${error.name}: ${error.message}`; }
  };
  const root = await m.nodeHash(leafHashes[0], leafHashes[1]);
  return {
    leafHashes: leafHashes.map(m.bytesToHex),
    root2: m.bytesToHex(root),
    swapped: m.bytesToHex(await m.nodeHash(leafHashes[1], leafHashes[0])),
    empty: Array.from(m.base64ToBytes("")),
    roundTrip: m.bytesToBase64(m.base64ToBytes("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")),
    badBase64: await Promise.all(
      [" AAAA", "AA", "AAA", "AB==", "AAA=\\n", "A===", "Zm9v!A=="].map(
        (text) => rejects(() => m.base64ToBytes(text)))),
    badHex: await Promise.all(
      ["ABCD", "abc", "0g", " 00"].map((text) => rejects(() => m.hexToBytes(text)))),
    badNumbers: await Promise.all(
      [2 ** 53, 1.5, -1, "3", -1n, 2n ** 64n, NaN].map((value) => rejects(
        () => m.verifyInclusion({ index: 0, treeSize: value, leafHash: leafHashes[0],
                                  proof: [], root: leafHashes[0] })))),
    bigIndex: await rejects(() => m.verifyInclusion({
      index: 2n ** 64n - 2n, treeSize: 2n ** 64n - 1n, leafHash: leafHashes[0], proof: [],
      root: leafHashes[0] })),
    maxTreeSize: String(m.MAX_TREE_SIZE),
  };
}
"""


def test_hashes_and_encodings(js: Page) -> None:
    result = js.evaluate(
        HASHES_AND_ENCODINGS_JS, {"leaves": [leaf.hex() for leaf in FIXTURE_LEAVES]}
    )
    # transparency-dev's fixture tree: the leaf hash of "" is the root of size 1, and so on.
    assert result["leafHashes"] == [leaf_hash(leaf).hex() for leaf in FIXTURE_LEAVES]
    assert result["leafHashes"][0] == FIXTURE_ROOTS[1].hex()
    assert result["root2"] == FIXTURE_ROOTS[2].hex()
    assert result["swapped"] != result["root2"]
    assert result["empty"] == []
    assert result["roundTrip"] == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert all(r.startswith("VerificationError: ") for r in result["badBase64"]), result
    assert all(r.startswith("VerificationError: ") for r in result["badHex"]), result
    assert all(r.startswith("VerificationError: ") for r in result["badNumbers"]), result
    assert "safe integer" in result["badNumbers"][0]
    assert "0..2^64-1" in result["badNumbers"][5]
    # BigInt indices far above 2^53 go through the bit arithmetic exactly: the last leaf of a
    # 2^64 - 1 leaf tree (64 perfect subtrees) needs the roots of the other 63.
    assert "needs 63 hashes, got 0" in result["bigIndex"]
    assert result["maxTreeSize"] == str(MAX_TREE_SIZE)


# --- C2SP signed notes: the golang/mod and C2SP vectors -------------------------------------

OPEN_NOTES_JS = """
async ({ vkeys, cases }) => {
  const n = await import("/static/js/signednote.js");
  const keys = {};
  for (const [label, vkey] of Object.entries(vkeys)) keys[label] = await n.parseVerifierKey(vkey);
  const results = [];
  for (const c of cases) {
    let note = c.text;
    if (c.hex !== undefined) note = Uint8Array.from(c.hex.match(/../g) ?? [], (b) => parseInt(b, 16));
    if (c.loneSurrogate) note = "\\ud800" + note;
    try {
      const { text, signers } = await n.openNote(note, c.keys.map((label) => keys[label]));
      results.push({ text, signers: signers.map((key) => `${key.name}+${key.keyIdHex}`) });
    } catch (error) {
      results.push({ error: `${error.name}: ${error.message}` });
    }
  }
  return results;
}
"""

VKEYS = {"peter": PETER_VKEY, "enoch": ENOCH_VKEY, "foo": FOO_VKEY}
PETER = "PeterNeumann+c74f20a3"
ENOCH = "EnochRoot+af0cfe78"


def open_notes(page: Page, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """openNote in the browser; each case is {"text" | "hex", "keys": [labels of VKEYS]}."""
    return page.evaluate(OPEN_NOTES_JS, {"vkeys": VKEYS, "cases": cases})


def _signer(skey: str) -> NoteSigner:
    _, _, name, _, blob = skey.split("+", 4)
    seed = base64.b64decode(blob)[1:]
    return NoteSigner(name, Ed25519PrivateKey.from_private_bytes(seed))


def _abcd_at_byte_60(line: str) -> str:
    raw = line.encode()
    return (raw[:60] + b"ABCD" + raw[60:]).decode()


def test_signed_note_vectors(js: Page) -> None:
    peter_signer = _signer(PETER_SKEY)
    enoch_abcd = _abcd_at_byte_60(ENOCH_SIG_LINE)
    repeated = (
        TEXT + "\n" + PETER_SIG_LINE + PETER_SIG_LINE + ENOCH_SIG_LINE + ENOCH_SIG_LINE + enoch_abcd
    )
    split_texts = ["a\n\nb\n", "\n", "a\n\n", "a\n\n\u2014 x y\n"]
    cases = [
        # Vector 1, as text and as the bytes received.
        {"text": PETER_NOTE, "keys": ["peter"]},
        {"hex": PETER_NOTE.encode().hex(), "keys": ["peter"]},
        # Vector 2: unknown signatures are ignored; signature order, not key order.
        {"text": COSIGNED_NOTE, "keys": ["peter"]},
        {"text": COSIGNED_NOTE, "keys": ["peter", "enoch"]},
        {"text": COSIGNED_NOTE, "keys": ["enoch", "peter"]},
        {"text": COSIGNED_NOTE, "keys": ["enoch"]},
        # Vector 3, the C2SP example.
        {"text": FOO_NOTE, "keys": ["peter", "foo"]},
        # Repeats of a verified key are skipped, even a bad one (golang/mod TestOpen).
        {"text": repeated, "keys": ["peter"]},
        {"text": repeated, "keys": ["peter", "enoch"]},
        # The text ends at the LAST blank line (notes signed here by the Python signer).
        *({"text": peter_signer.sign(text), "keys": ["peter"]} for text in split_texts),
    ]
    results = open_notes(js, cases)
    assert results == [
        {"text": TEXT, "signers": [PETER]},
        {"text": TEXT, "signers": [PETER]},
        {"text": TEXT, "signers": [PETER]},
        {"text": TEXT, "signers": [PETER, ENOCH]},
        {"text": TEXT, "signers": [PETER, ENOCH]},
        {"text": TEXT, "signers": [ENOCH]},
        {"text": "This is an example message.\n", "signers": ["example.com/foo+530d903a"]},
        {"text": TEXT, "signers": [PETER]},
        {"text": TEXT, "signers": [PETER, ENOCH]},
        *({"text": text, "signers": [PETER]} for text in split_texts),
    ]


def test_signed_note_rejections(js: Page) -> None:
    other = NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
    unknown_blob = base64.b64encode(bytes(68)).decode()

    def unknown(count: int) -> str:
        return "".join(f"— unknown{i} {unknown_blob}\n" for i in range(count))

    expected = {
        # (case, error substring) pairs; the golang/mod TestOpen behaviours first.
        "no verifiable signatures": [
            {"text": COSIGNED_NOTE, "keys": []},
            {"text": COSIGNED_NOTE, "keys": ["foo"]},
            {"text": FOO_NOTE, "keys": ["peter"]},
            # Same name, other key ID; same key ID, other name: both unknown, so ignored.
            {"text": other.sign(TEXT), "keys": ["peter"]},
            {"text": PETER_NOTE.replace("— PeterNeumann ", "— PeterNeumanm "), "keys": ["peter"]},
        ],
        f"invalid signature for key {PETER}": [
            {"text": TEXT + "\n" + _abcd_at_byte_60(PETER_SIG_LINE), "keys": ["peter"]},
        ],
        f"invalid signature for key {ENOCH}": [
            {"text": PETER_NOTE + _abcd_at_byte_60(ENOCH_SIG_LINE), "keys": ["peter", "enoch"]},
        ],
        "malformed note": [
            {"text": note, "keys": ["peter", "enoch"]}
            for note in (
                TEXT,
                TEXT + "\n",
                PETER_NOTE[:-1],
                "\x01" + PETER_NOTE,
                PETER_NOTE.replace("problem,", "problem,\t"),
                PETER_NOTE.replace("\n", "\r\n"),
                TEXT + "\n— Bad Name " + PETER_SIG_LINE.split(" ")[2].strip(),
                TEXT + "\n— Bad Name " + PETER_SIG_LINE.split(" ")[2],
                PETER_NOTE + "hello\n",
                PETER_NOTE + "\n",
                PETER_NOTE.replace("— ", "- "),
                PETER_NOTE.replace("— ", "—"),
                PETER_NOTE.replace("PeterNeumann ", "Peter+Neumann "),
                PETER_NOTE.replace("PeterNeumann ", " "),
                PETER_NOTE.replace("PeterNeumann ", "PeterNeumann"),
                PETER_NOTE.replace("AM=\n", "A\n"),
                PETER_NOTE.replace("AM=\n", "AN=\n"),
                PETER_NOTE.replace("x08go/", "x08go/ "),
                TEXT + "\n— PeterNeumann x08g\n",
                PETER_NOTE + unknown(100),  # 101 signatures: golang/mod's cap is 100
            )
        ]
        + [
            {"loneSurrogate": True, "text": PETER_NOTE, "keys": ["peter"]},
            {"hex": "ff" + PETER_NOTE.encode().hex(), "keys": ["peter"]},
            {"hex": PETER_NOTE.encode().replace(b",", b",\xc0\xaf", 1).hex(), "keys": ["peter"]},
        ],
    }
    cases = [case for group in expected.values() for case in group]
    results = open_notes(js, cases)
    wrong = []
    for case, result in zip(cases, results, strict=True):
        want = next(error for error, group in expected.items() if case in group)
        if not result.get("error", "").startswith("VerificationError: ") or want not in result.get(
            "error", ""
        ):
            wrong.append(f"{case!r}: want {want!r}, got {result}")
    assert not wrong, "\n".join(wrong)
    # The spec's floor (16 signatures) and golang/mod's cap (100) are both accepted.
    assert (
        open_notes(
            js,
            [
                {"text": PETER_NOTE + unknown(15), "keys": ["peter"]},
                {"text": PETER_NOTE + unknown(99), "keys": ["peter"]},
            ],
        )
        == [{"text": TEXT, "signers": [PETER]}] * 2
    )


PARSE_VKEYS_JS = """
async (vkeys) => {
  const n = await import("/static/js/signednote.js");
  const { bytesToHex } = await import("/static/js/rfc6962.js");
  const results = [];
  for (const vkey of vkeys) {
    try {
      const key = await n.parseVerifierKey(vkey);
      results.push({ name: key.name, keyId: key.keyIdHex, publicKey: bytesToHex(key.publicKey),
                     computedId: bytesToHex(await n.keyId(key.name, key.publicKey)) });
    } catch (error) {
      results.push({ error: `${error.name}: ${error.message}` });
    }
  }
  return results;
}
"""


def _vkey_for(name: str, blob: bytes) -> str:
    digest = hashlib.sha256(name.encode() + b"\n" + blob).digest()[:4]
    return f"{name}+{digest.hex()}+{base64.b64encode(blob).decode()}"


def test_verifier_keys(js: Page) -> None:
    # A key whose base64 holds a '+': only the first two '+' separate the parts.
    for counter in range(256):
        seed = hashlib.sha256(counter.to_bytes(2, "big")).digest()
        plus_key = NoteSigner("example.com/log", Ed25519PrivateKey.from_private_bytes(seed))
        plus_vkey = plus_key.verifier.verifier_key()
        if "+" in plus_vkey.split("+", 2)[2]:
            break
    good = js.evaluate(PARSE_VKEYS_JS, [PETER_VKEY, FOO_VKEY, plus_vkey])
    assert good[0] == {
        "name": "PeterNeumann",
        "keyId": "c74f20a3",
        "publicKey": PETER_PUB,
        "computedId": "c74f20a3",
    }
    assert good[1]["publicKey"] == FOO_PUB
    assert good[1]["keyId"] == "530d903a"
    assert good[2]["keyId"] == plus_key.key_id.hex()

    bad = [
        # golang/mod note_test.go: wrong key length, unknown algorithm 0x65.
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        _vkey_for("PeterNeumann", b"\x01" + bytes.fromhex(PETER_PUB) + b"BADKEY"),
        _vkey_for("PeterNeumann", b"\x01" + bytes.fromhex(PETER_PUB)[:31]),
        _vkey_for("PeterNeumann", b"\x04" + bytes.fromhex(PETER_PUB)),
        _vkey_for("PeterNeumann", b""),
        PETER_VKEY.replace("c74f20a3", "C74F20A3"),
        PETER_VKEY.replace("c74f20a3", "c74f20a"),
        PETER_VKEY.replace("c74f20a3", "c74f20a30"),
        PETER_VKEY.replace("c74f20a3", "c74f20ag"),
        PETER_VKEY.replace("c74f20a3", "c74f20a4"),
        PETER_VKEY.replace("c74f20a3", "c74f 0a3"),
        PETER_VKEY + "=",
        PETER_VKEY.replace("ARpc", "ARpc\n"),
        PETER_VKEY.replace("PeterNeumann", "Peter Neumann"),
        PETER_VKEY.replace("PeterNeumann", ""),
        _vkey_for("Peter\u00a0Neumann", b"\x01" + bytes(32)),
        _vkey_for("Peter\u3000Neumann", b"\x01" + bytes(32)),
        _vkey_for("Peter\x01", b"\x01" + bytes(32)),
        _vkey_for("Peter+Neumann", b"\x01" + bytes(32)),
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "",
        # golang/mod: every proper substring and every single-character increment.
        *(
            PETER_VKEY[start:end]
            for start in range(len(PETER_VKEY))
            for end in range(start, len(PETER_VKEY) + 1)
            if end - start != len(PETER_VKEY)
        ),
        *(
            PETER_VKEY[:i] + chr(ord(char) + 1) + PETER_VKEY[i + 1 :]
            for i, char in enumerate(PETER_VKEY)
        ),
    ]
    results = js.evaluate(PARSE_VKEYS_JS, bad)
    accepted = [
        vkey
        for vkey, result in zip(bad, results, strict=True)
        if not result.get("error", "").startswith("VerificationError: ")
    ]
    assert not accepted
    assert len(results) > 2000


# --- C2SP tlog-checkpoint -----------------------------------------------------------------

CHECKPOINTS_JS = """
async ({ vkey, notes, bodies }) => {
  const n = await import("/static/js/signednote.js");
  const { bytesToHex } = await import("/static/js/rfc6962.js");
  const key = await n.parseVerifierKey(vkey);
  const show = (c) => ({ origin: c.origin, size: String(c.size), root: bytesToHex(c.rootHash),
                         extensions: [...c.extensions] });
  const attempt = async (fn) => {
    try { return show(await fn()); } catch (error) { return { error: `${error.name}: ${error.message}` }; }
  };
  const verified = [];
  for (const note of notes) verified.push(await attempt(() => n.verifyCheckpoint(note, key)));
  const parsed = [];
  for (const body of bodies) parsed.push(await attempt(() => n.parseCheckpointBody(body)));
  return { verified, parsed };
}
"""

ROOT = hashlib.sha256(b"root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()


def _checkpoints(page: Page, vkey: str, notes: list[str], bodies: list[str]) -> dict[str, Any]:
    return page.evaluate(CHECKPOINTS_JS, {"vkey": vkey, "notes": notes, "bodies": bodies})


def test_checkpoints_signed_by_the_python_signer_verify(js: Page) -> None:
    signer = NoteSigner(LOG, Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"log").digest()))
    witness = NoteSigner("witness.example/w1", Ed25519PrivateKey.generate())
    checkpoints = [
        Checkpoint(origin=LOG, size=size, root_hash=ROOT, extensions=extensions)
        for size in (0, 1, 20852163, 2**53 + 1, MAX_TREE_SIZE)
        for extensions in ((), ("ext one",), ("a", "b+c"))
    ]
    notes = [sign_checkpoint(checkpoint, signer) for checkpoint in checkpoints]
    body = checkpoints[2].body()
    cosigned = notes[2] + witness.sign(body)[len(body) + 1 :]
    sofa_text = SOFA_NOTE[: SOFA_NOTE.rindex("\n\n") + 1]
    result = _checkpoints(js, signer.verifier.verifier_key(), [*notes, cosigned], [sofa_text])
    assert result["verified"] == [
        {"origin": LOG, "size": str(c.size), "root": ROOT.hex(), "extensions": list(c.extensions)}
        for c in [*checkpoints, checkpoints[2]]
    ]
    assert result["parsed"] == [
        {
            "origin": "example.com/behind-the-sofa",
            "size": "20852163",
            "root": base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=").hex(),
            "extensions": [],
        }
    ]


def _with_pad_bit_set(b64: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    stripped = b64.rstrip("=")
    flipped = alphabet[alphabet.index(stripped[-1]) ^ 1]
    return stripped[:-1] + flipped + "=" * (len(b64) - len(stripped))


def test_bad_checkpoints_are_rejected(js: Page) -> None:
    signer = NoteSigner(LOG, Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"log").digest()))
    impostor = NoteSigner(LOG, Ed25519PrivateKey.generate())
    other_log = NoteSigner("other.example/log", Ed25519PrivateKey.generate())
    note = sign_checkpoint(Checkpoint(origin=LOG, size=41, root_hash=ROOT), signer)
    other_root = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    expected_notes = {
        "no verifiable signatures": [
            sign_checkpoint(Checkpoint(origin=LOG, size=41, root_hash=ROOT), impostor),
            other_log.sign(Checkpoint(origin=LOG, size=41, root_hash=ROOT).body()),
        ],
        "invalid signature": [
            note.replace("\n41\n", "\n42\n"),
            note.replace("\n41\n", "\n410\n"),
            note.replace(ROOT_B64, other_root),
            note.replace(f"{ROOT_B64}\n", f"{ROOT_B64}\next\n"),
            note.replace(LOG + "\n", "x" + LOG + "\n", 1),
        ],
        # Validly signed by the log's key, but not a checkpoint, or another log's.
        "checkpoint": [
            signer.sign(f"{LOG}\n01\n{ROOT_B64}\n"),
            signer.sign(f"{LOG}\n1\n"),
            signer.sign(f"{LOG}\n1\n{ROOT_B64}\n\nx\n"),
            signer.sign(f"other.example/log\n1\n{ROOT_B64}\n"),
        ],
    }
    bodies = [
        f"{LOG}\n{size}\n{ROOT_B64}\n"
        for size in ("01", "00", "-1", "+1", " 1", "1 ", "1_000", "0x10", "\u0661")
    ] + [
        f"{LOG}\n{MAX_TREE_SIZE + 1}\n{ROOT_B64}\n",
        f"{LOG}\n{'9' * 5000}\n{ROOT_B64}\n",
        f"{LOG}\n\n{ROOT_B64}\n",
        f"{LOG}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{LOG}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n",
        f"{LOG}\n1\n{ROOT.hex()}\n",
        f"{LOG}\n1\n{ROOT_B64.rstrip('=')}\n",
        f"{LOG}\n1\n{_with_pad_bit_set(ROOT_B64)}\n",
        f"{LOG}\n1\n",
        f"{LOG}\n",
        "",
        f"{LOG}\n1\n{ROOT_B64}",
        f"\n1\n{ROOT_B64}\n",
        f"{LOG}\n1\n{ROOT_B64}\n\n",
        f"{LOG}\n1\n{ROOT_B64}\na\n\nb\n",
        f"{LOG}\n1\n{ROOT_B64}\r\n",
        f"{LOG}\n1\n{ROOT_B64}\nx\x00\n",
    ]
    notes = [note for group in expected_notes.values() for note in group]
    result = _checkpoints(js, signer.verifier.verifier_key(), notes, bodies)
    wrong = []
    for bad, got in zip(notes, result["verified"], strict=True):
        want = next(error for error, group in expected_notes.items() if bad in group)
        if want not in got.get("error", ""):
            wrong.append(f"{bad!r}: want {want!r}, got {got}")
    for bad, got in zip(bodies, result["parsed"], strict=True):
        if not got.get("error", "").startswith("VerificationError: checkpoint"):
            wrong.append(f"{bad!r}: want a checkpoint error, got {got}")
    assert not wrong, "\n".join(wrong)


# --- verify.js end to end: a real registry, a real award, a real click -----------------------

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'"
)
RUSSIAN = {
    "key": "Закреплённый ключ журнала {name}, идентификатор {keyid}",
    "checkpoint": "Подписанная контрольная точка: {size} записей, корень {root}",
    "ok": "Проверено в вашем браузере: все записи ({count}) есть в подписанном реестре",
}


def award_page(*, subject: str, seqs: str, key: str, messages: dict[str, str]) -> str:
    """The award page's contract (see the top of verify.js), and nothing else."""
    attributes = {
        "data-api": "/api/v1",
        "data-key": key,
        "data-subject": subject,
        "data-seqs": seqs,
    } | {f"data-msg-{name}": text for name, text in messages.items()}
    rendered = " ".join(f'{name}="{html.escape(value)}"' for name, value in attributes.items())
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(subject)}</title>
<script type="module" src="{static_url("js/verify.js")}"></script>
</head>
<body>
<main>
<h1>{html.escape(subject)}</h1>
<section class="verify" data-verify {rendered}>
  <h2>Check this award against the public ledger</h2>
  <button type="button" hidden>Verify</button>
  <ol class="verify-steps" aria-live="polite"></ol>
</section>
</main>
</body>
</html>
"""


def add_test_page(app: FastAPI, verifier_key: str) -> None:
    """One test-only page beside the portal's, holding just the verifier's contract."""

    @app.get("/test/award", tags=["test"], include_in_schema=False)
    def page(subject: str, seqs: str, key: str | None = None, lang: str = "en") -> HTMLResponse:
        messages = RUSSIAN if lang == "ru" else {}
        body = award_page(subject=subject, seqs=seqs, key=key or verifier_key, messages=messages)
        return HTMLResponse(body, headers={"Content-Security-Policy": CSP})


def competition_body() -> dict[str, Any]:
    return {
        "funder_id": PUBLIC_FUND,
        "instrument": "grant",
        "year": 2026,
        "round_number": 4,
        "title": {"uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash"},
        "themes": ["youth", "ecology"],
        "budget": "1000000000",
        "currency": "UZS",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
        "region": "UZ",
        "legal_basis": "UP-124 of 26.08.2024",
    }


def award_body(competition_id: str) -> dict[str, Any]:
    return {
        "funder_id": PUBLIC_FUND,
        "recipient_id": NGO_UZ,
        "competition_id": competition_id,
        "instrument": "grant",
        # Non-ASCII on purpose: the leaf hash is over the stored UTF-8 bytes, never re-encoded.
        "title": {"uz": "Ekologik maktab — qoʻllab-quvvatlash", "ru": "Экологическая школа"},
        "amount": "300000000.00",
        "currency": "UZS",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "themes": ["ecology"],
    }


EVENTS = [
    {"type": "disbursed", "amount": "100000000", "date": "2026-03-20", "tranche": 1},
    {"type": "amended", "amount": "350000000", "reason": "Ikkinchi bosqich qoʻshildi"},
    {"type": "reported", "date": "2026-07-01", "summary": {"ru": "Промежуточный отчёт"}},
]


@dataclass
class Registry:
    """A live registry with one award whose entries are all in a signed checkpoint."""

    base_url: str
    backend: str
    app: FastAPI
    http: httpx.Client
    fund_token: str
    verifier_key: str
    award_id: str
    seqs: list[int]
    competition_seq: int

    def page_url(self, **params: str) -> str:
        query = {"subject": self.award_id, "seqs": " ".join(map(str, self.seqs))} | params
        return f"{self.base_url}/test/award?{urlencode(query)}"

    def sign_now(self) -> None:
        self.app.state.checkpointer.sign_now()

    def checkpoint(self) -> Checkpoint:
        note = self.http.get("/api/v1/ledger/checkpoint").text
        return verify_checkpoint(note, parse_verifier_key(self.verifier_key))

    def leaf(self, seq: int) -> bytes:
        body = self.http.get("/api/v1/ledger/leaves", params={"start": seq, "end": seq + 1})
        assert body.content.endswith(b"\n")
        return body.content[:-1]


@pytest.fixture(scope="module")
def registry_site(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Registry]:
    """One registry per backend for the whole module (a browser test is slow enough).

    Checkpoints are signed only when a test says so (an hour's interval), so a test can make an
    entry that is newer than the latest checkpoint.
    """
    settings = Settings(
        database_url=module_database_url,
        signing_key_file=tmp_path_factory.mktemp("key") / "ledger.key",
        log_origin=LOG,
        checkpoint_interval_seconds=3600,
    )
    app = create_app(settings)
    verifier_key = app.state.signer.verifier.verifier_key()
    add_test_page(app, verifier_key)
    database = Database(module_database_url)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        world = build_world(http, database)  # an httpx client, as TestClient is
        competition = http.post(
            "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
        )
        assert competition.status_code == 201, competition.text
        award = http.post(
            "/api/v1/awards",
            json=award_body(competition.json()["id"]),
            headers=bearer(world.fund),
        )
        assert award.status_code == 201, award.text
        for event in EVENTS:
            response = http.post(
                f"/api/v1/awards/{award.json()['id']}/events",
                json=event,
                headers=bearer(world.fund),
            )
            assert response.status_code == 201, response.text
        app.state.checkpointer.sign_now()
        events = response.json()["events"]
        assert len(events) == 1 + len(EVENTS)
        yield Registry(
            base_url=base_url,
            backend="sqlite" if module_database_url.startswith("sqlite") else "postgresql",
            app=app,
            http=http,
            fund_token=world.fund,
            verifier_key=verifier_key,
            award_id=award.json()["id"],
            seqs=[event["seq"] for event in events],
            competition_seq=competition.json()["published_seq"],
        )
    database.dispose()


@pytest.fixture
def csp_page(page: Page) -> Iterator[Page]:
    """The page, failing the test on any Content-Security-Policy violation."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert not violations, violations


@dataclass
class Outcome:
    state: str  # the section's class: verify-ok, verify-failed or verify-pending
    steps: list[str]
    result: str


def click_verify(page: Page) -> Outcome:
    button = page.get_by_role("button", name="Verify")
    assert button.is_visible()  # shown by the module; hidden in the HTML
    button.click()
    page.wait_for_selector(
        "section.verify-ok, section.verify-failed, section.verify-pending", timeout=20_000
    )
    section = page.locator("section[data-verify]")
    classes = (section.get_attribute("class") or "").split()
    [state] = [name for name in classes if name in {"verify-ok", "verify-failed", "verify-pending"}]
    assert section.get_attribute("aria-busy") is None
    assert page.locator(".verify-steps").get_attribute("aria-live") == "polite"
    return Outcome(
        state=state,
        steps=page.locator(".verify-steps > li").all_inner_texts(),
        result=page.locator(".verify-result").inner_text(),
    )


def test_every_step_passes(csp_page: Page, registry_site: Registry, screenshot) -> None:
    page = csp_page
    site = registry_site
    page.goto(site.page_url())
    outcome = click_verify(page)
    checkpoint = site.checkpoint()
    verifier = parse_verifier_key(site.verifier_key)
    expected = [
        f"✓ Pinned log key {LOG}, key ID {verifier.key_id.hex()}",
        (
            f"✓ Signed checkpoint verified: {checkpoint.size} entries, "
            f"root hash {checkpoint.root_hash.hex()}"
        ),
    ]
    for seq in site.seqs:
        leaf = site.leaf(seq)
        expected += [
            f"✓ Entry {seq} is a record about {site.award_id}; leaf hash {leaf_hash(leaf).hex()}",
            f"✓ Entry {seq} is included in the signed ledger of {checkpoint.size} entries",
        ]
    assert outcome.steps == expected
    assert outcome.state == "verify-ok"
    assert outcome.result == (
        f"✓ Verified in your browser: all {len(site.seqs)} entries are in the log's signed ledger"
    )
    # The hashes above are over the stored bytes: this leaf's title is not ASCII.
    assert any(byte >= 0x80 for byte in site.leaf(site.seqs[0]))
    screenshot(page, f"verify-ok-{site.backend}")


def test_messages_come_from_the_page(csp_page: Page, registry_site: Registry) -> None:
    page = csp_page
    page.goto(registry_site.page_url(lang="ru"))
    outcome = click_verify(page)
    assert outcome.state == "verify-ok"
    key_id = parse_verifier_key(registry_site.verifier_key).key_id.hex()
    assert outcome.steps[0] == f"✓ Закреплённый ключ журнала {LOG}, идентификатор {key_id}"
    assert outcome.steps[1].startswith("✓ Подписанная контрольная точка: ")
    assert outcome.steps[2].startswith("✓ Entry ")  # no data-msg-leaf: English
    count = len(registry_site.seqs)
    assert (
        outcome.result
        == f"✓ Проверено в вашем браузере: все записи ({count}) есть в подписанном реестре"
    )


def test_an_entry_newer_than_the_checkpoint_is_pending_until_signed(
    csp_page: Page, registry_site: Registry, screenshot
) -> None:
    site = registry_site
    response = site.http.post(
        f"/api/v1/awards/{site.award_id}/events",
        json={"type": "reported", "date": "2026-08-01", "summary": {"uz": "Yakuniy hisobot"}},
        headers=bearer(site.fund_token),
    )
    assert response.status_code == 201, response.text
    newest = response.json()["events"][-1]["seq"]
    size = site.checkpoint().size
    assert newest >= size  # written after the latest checkpoint
    page = csp_page
    page.goto(site.page_url(seqs=" ".join(map(str, [*site.seqs, newest]))))

    outcome = click_verify(page)
    assert outcome.state == "verify-pending"
    assert outcome.steps[-1] == (
        f"… Entry {newest} is newer than the latest signed checkpoint ({size} entries): "
        "not yet in a signed checkpoint, try again in a few seconds"
    )
    assert all(step.startswith("✓ ") for step in outcome.steps[:-1])
    count = len(site.seqs) + 1
    assert outcome.result == (
        f"… {count - 1} of {count} entries verified; 1 not yet in a signed checkpoint, "
        "try again in a few seconds"
    )
    screenshot(page, f"verify-pending-{site.backend}")

    site.sign_now()
    again = click_verify(page)
    assert again.state == "verify-ok"
    assert again.steps[-1] == (
        f"✓ Entry {newest} is included in the signed ledger of {site.checkpoint().size} entries"
    )


def _change_one_byte(leaf: bytes) -> bytes:
    """One digit of the entry's time, so the leaf still parses with the same seq and subject."""
    at = leaf.index(b'"time":"') + len(b'"time":"') + 3
    digit = b"1" if leaf[at : at + 1] != b"1" else b"2"
    return leaf[:at] + digit + leaf[at + 1 :]


def test_a_tampered_leaf_fails(csp_page: Page, registry_site: Registry, screenshot) -> None:
    """The server serves a leaf with one byte changed and, lying consistently, the inclusion
    proof endpoint claims that leaf's hash: the page ignores the claim and hashes for itself."""
    page = csp_page
    site = registry_site
    first = site.seqs[0]
    tampered = _change_one_byte(site.leaf(first))
    assert json.loads(tampered)["seq"] == first

    def leaves(route: Route) -> None:
        response = route.fetch()
        assert response.body() == site.leaf(first) + b"\n"
        route.fulfill(response=response, body=tampered + b"\n")

    def inclusion(route: Route) -> None:
        response = route.fetch()
        claimed = response.json() | {"leaf_hash": leaf_hash(tampered).hex()}
        route.fulfill(response=response, json=claimed)

    page.route("**/api/v1/ledger/leaves*", leaves)
    page.route("**/api/v1/ledger/proofs/inclusion*", inclusion)
    page.goto(site.page_url())
    outcome = click_verify(page)

    size = site.checkpoint().size
    assert outcome.state == "verify-failed"
    assert outcome.steps[0].startswith("✓ Pinned log key ")
    assert outcome.steps[1].startswith("✓ Signed checkpoint verified: ")
    assert outcome.steps[2] == (
        f"✓ Entry {first} is a record about {site.award_id}; leaf hash {leaf_hash(tampered).hex()}"
    )
    assert outcome.steps[3] == (
        f"✗ The inclusion proof of entry {first} did not verify: "
        f"inclusion proof for leaf {first} of {size} does not lead to the signed root"
    )
    assert len(outcome.steps) == 4
    assert outcome.result == (
        "✗ Verification failed: the step marked ✗ says why. Do not rely on this record."
    )
    screenshot(page, f"verify-failed-leaf-{site.backend}")


def test_a_wrong_proof_fails(csp_page: Page, registry_site: Registry) -> None:
    page = csp_page
    site = registry_site
    first = site.seqs[0]

    def inclusion(route: Route) -> None:
        response = route.fetch()
        proof = response.json()
        path = proof["audit_path"]
        flipped = f"{int(path[0][:2], 16) ^ 0x01:02x}{path[0][2:]}"
        route.fulfill(response=response, json=proof | {"audit_path": [flipped, *path[1:]]})

    page.route("**/api/v1/ledger/proofs/inclusion*", inclusion)
    page.goto(site.page_url())
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert len(outcome.steps) == 4
    assert outcome.steps[2].startswith(f"✓ Entry {first} is a record about {site.award_id}")
    assert outcome.steps[3] == (
        f"✗ The inclusion proof of entry {first} did not verify: "
        f"inclusion proof for leaf {first} of {site.checkpoint().size} "
        "does not lead to the signed root"
    )


def test_a_wrong_pinned_key_fails(csp_page: Page, registry_site: Registry) -> None:
    """Another Ed25519 key under the log's own name: the real checkpoint is not signed by it."""
    page = csp_page
    other = NoteSigner(LOG, Ed25519PrivateKey.generate()).verifier
    page.goto(registry_site.page_url(key=other.verifier_key()))
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert outcome.steps == [
        f"✓ Pinned log key {LOG}, key ID {other.key_id.hex()}",
        (
            "✗ The log's signed checkpoint did not verify: "
            f"note has no verifiable signatures by {LOG}+{other.key_id.hex()}"
        ),
    ]


def test_a_malformed_pinned_key_fails(csp_page: Page, registry_site: Registry) -> None:
    page = csp_page
    page.goto(registry_site.page_url(key="not a key"))
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert outcome.steps == [
        "✗ The pinned log key cannot be used: a verifier key has three '+'-separated parts"
    ]


@pytest.mark.parametrize(
    ("forgery", "reason"),
    [
        ("resigned by another key", "note has no verifiable signatures"),
        ("size changed, signature kept", f"invalid signature for key {LOG}+"),
    ],
)
def test_a_checkpoint_not_signed_by_the_pinned_key_fails(
    csp_page: Page, registry_site: Registry, screenshot, forgery: str, reason: str
) -> None:
    page = csp_page
    site = registry_site
    impostor = NoteSigner(LOG, Ed25519PrivateKey.generate())

    def checkpoint(route: Route) -> None:
        response = route.fetch()
        real = verify_checkpoint(response.text(), parse_verifier_key(site.verifier_key))
        if forgery == "resigned by another key":
            note = sign_checkpoint(real, impostor)
        else:
            note = response.text().replace(f"\n{real.size}\n", f"\n{real.size + 1}\n", 1)
        route.fulfill(response=response, body=note)

    page.route("**/api/v1/ledger/checkpoint", checkpoint)
    page.goto(site.page_url())
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert len(outcome.steps) == 2
    assert outcome.steps[0].startswith("✓ Pinned log key ")
    assert outcome.steps[1].startswith(f"✗ The log's signed checkpoint did not verify: {reason}")
    if forgery == "resigned by another key":
        screenshot(page, f"verify-failed-checkpoint-{site.backend}")


def test_an_entry_about_another_subject_fails(csp_page: Page, registry_site: Registry) -> None:
    page = csp_page
    site = registry_site
    other = site.competition_seq
    page.goto(site.page_url(seqs=f"{site.seqs[0]} {other}"))
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert outcome.steps[-1].startswith(f"✗ Entry {other} did not verify: leaf {other} is about ")
    assert outcome.steps[-1].endswith(f', not "{site.award_id}"')


@pytest.mark.parametrize(
    "misbehaviour",
    ["unavailable", "another entry", "two lines", "no newline", "not JSON"],
)
def test_a_misbehaving_leaves_endpoint_fails_naming_the_entry(
    csp_page: Page, registry_site: Registry, misbehaviour: str
) -> None:
    page = csp_page
    site = registry_site
    first, second = site.seqs[:2]
    leaf, next_leaf = site.leaf(first), site.leaf(second)
    status, body, reason = {
        "unavailable": (503, b"busy", "HTTP 503 from /api/v1/ledger/leaves"),
        # A real, signed leaf, but not the one asked for.
        "another entry": (
            200,
            next_leaf + b"\n",
            f"the leaf served for entry {first} has seq {second}",
        ),
        "two lines": (200, leaf + b"\n" + next_leaf + b"\n", "more than one line"),
        "no newline": (200, leaf, "no complete leaf"),
        "not JSON": (200, leaf[:-1] + b"\n", f"leaf {first} is not UTF-8 JSON"),
    }[misbehaviour]
    page.route(
        "**/api/v1/ledger/leaves*",
        lambda route: route.fulfill(status=status, body=body, content_type="application/jsonl"),
    )
    page.goto(site.page_url())
    outcome = click_verify(page)
    assert outcome.state == "verify-failed"
    assert len(outcome.steps) == 3
    assert outcome.steps[-1].startswith(f"✗ Entry {first} did not verify: ")
    assert reason in outcome.steps[-1]
