"""The public ledger contract over HTTP, as an outside verifier uses it."""

import base64
import hashlib
import json
import stat

import pytest
from fastapi.testclient import TestClient
from ledger_helpers import append

from registry.core.db import Database
from registry.ledger import merkle
from registry.ledger.checkpoint import parse_verifier_key, verify_checkpoint

PROBLEM = "application/problem+json"


def _verified_checkpoint(client: TestClient):
    verifier = parse_verifier_key(client.get("/api/v1/ledger/key").text.strip())
    return verify_checkpoint(client.get("/api/v1/ledger/checkpoint").text, verifier)


def test_key_is_a_signed_note_verifier_key(client: TestClient, settings) -> None:
    response = client.get("/api/v1/ledger/key")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    name, key_id, key = response.text.strip().split("+", 2)
    assert name == "test.registry/ledger"
    raw = base64.b64decode(key)
    assert raw[0] == 0x01
    assert len(raw) == 33
    assert key_id == hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex()
    # The private key file exists with mode 0600 and never appears in a response.
    mode = stat.S_IMODE(settings.signing_key_file.stat().st_mode)
    assert mode == 0o600
    assert settings.signing_key_file.read_text() not in response.text


def test_empty_ledger_has_a_signed_checkpoint_of_size_zero(client: TestClient) -> None:
    checkpoint = _verified_checkpoint(client)
    assert checkpoint.origin == "test.registry/ledger"
    assert checkpoint.size == 0
    assert checkpoint.root_hash == merkle.EMPTY_ROOT
    assert client.get("/api/v1/ledger/leaves", params={"start": 0, "end": 10}).content == b""


def test_checkpoint_covers_every_write(client: TestClient, database: Database) -> None:
    appended = append(database, 7, batch=3)
    client.app.state.checkpointer.after_write()
    checkpoint = _verified_checkpoint(client)
    assert checkpoint.size == 7
    hashes = [a.leaf_hash for a in appended]
    chain_root = merkle.CompactRange()
    for value in hashes:
        chain_root.append(value)
    assert checkpoint.root_hash == chain_root.root()


def test_leaves_are_served_byte_for_byte_and_clipped(
    client: TestClient, database: Database
) -> None:
    appended = append(database, 12, batch=4)
    response = client.get("/api/v1/ledger/leaves", params={"start": 3, "end": 100})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl"
    lines = response.content.split(b"\n")
    assert lines[-1] == b""
    assert lines[:-1] == [a.leaf for a in appended[3:]]
    assert client.get("/api/v1/ledger/leaves", params={"start": 12, "end": 13}).content == b""


def test_leaves_come_at_most_a_thousand_at_a_time(client: TestClient, database: Database) -> None:
    append(database, 1005, batch=500)
    first = client.get("/api/v1/ledger/leaves", params={"start": 0, "end": 5000}).content
    lines = first.split(b"\n")[:-1]
    assert len(lines) == 1000
    assert json.loads(lines[-1])["seq"] == 999
    rest = client.get("/api/v1/ledger/leaves", params={"start": 1000, "end": 5000}).content
    assert [json.loads(line)["seq"] for line in rest.split(b"\n")[:-1]] == list(range(1000, 1005))


def test_entry_carries_an_inclusion_proof_against_the_checkpoint(
    client: TestClient, database: Database
) -> None:
    appended = append(database, 9, batch=9)
    client.app.state.checkpointer.after_write()
    checkpoint = _verified_checkpoint(client)
    body = client.get("/api/v1/ledger/entries/5").json()
    assert body["seq"] == 5
    assert body["entry"] == json.loads(appended[5].leaf)
    assert body["leaf_hash"] == appended[5].leaf_hash.hex()
    proof = body["inclusion_proof"]
    assert proof["tree_size"] == checkpoint.size == body["checkpoint"]["tree_size"]
    merkle.verify_inclusion(
        index=5,
        size=proof["tree_size"],
        leaf_hash=bytes.fromhex(body["leaf_hash"]),
        proof=[bytes.fromhex(node) for node in proof["audit_path"]],
        root=checkpoint.root_hash,
    )


def test_proof_endpoints_verify(client: TestClient, database: Database) -> None:
    appended = append(database, 21, batch=7)
    hashes = [a.leaf_hash for a in appended]
    roots = {}
    tree = merkle.CompactRange()
    for size, value in enumerate(hashes, start=1):
        tree.append(value)
        roots[size] = tree.root()
    inclusion = client.get(
        "/api/v1/ledger/proofs/inclusion", params={"index": 13, "tree_size": 20}
    ).json()
    assert set(inclusion) == {"index", "tree_size", "leaf_hash", "audit_path"}
    assert inclusion["leaf_hash"] == hashes[13].hex()
    merkle.verify_inclusion(
        index=13,
        size=20,
        leaf_hash=hashes[13],
        proof=[bytes.fromhex(node) for node in inclusion["audit_path"]],
        root=roots[20],
    )
    consistency = client.get(
        "/api/v1/ledger/proofs/consistency", params={"first": 6, "second": 21}
    ).json()
    assert set(consistency) == {"first", "second", "proof"}
    merkle.verify_consistency(
        first=6,
        second=21,
        proof=[bytes.fromhex(node) for node in consistency["proof"]],
        first_root=roots[6],
        second_root=roots[21],
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/api/v1/ledger/leaves", {"start": 5, "end": 5}, 400, "query.end"),
        ("/api/v1/ledger/leaves", {"start": -1, "end": 5}, 400, "query.start"),
        ("/api/v1/ledger/leaves", {"start": "x", "end": 5}, 400, "query.start"),
        ("/api/v1/ledger/leaves", {"start": 99, "end": 105}, 404, "query.start"),
        ("/api/v1/ledger/leaves", {"end": 5}, 400, "query.start"),
        ("/api/v1/ledger/proofs/inclusion", {"index": 4, "tree_size": 4}, 400, "query.index"),
        ("/api/v1/ledger/proofs/inclusion", {"index": 0, "tree_size": 99}, 404, "query.tree_size"),
        (
            "/api/v1/ledger/proofs/inclusion",
            {"index": 0, "tree_size": 2**63},
            400,
            "query.tree_size",
        ),
        (
            "/api/v1/ledger/proofs/inclusion",
            {"index": 0, "tree_size": 2**63 - 1},
            404,
            "query.tree_size",
        ),
        ("/api/v1/ledger/proofs/consistency", {"first": 0, "second": 3}, 400, "query.first"),
        ("/api/v1/ledger/proofs/consistency", {"first": 4, "second": 3}, 400, "query.first"),
        ("/api/v1/ledger/proofs/consistency", {"first": 1, "second": 99}, 404, "query.second"),
        ("/api/v1/ledger/entries/99", {}, 404, "path.seq"),
        ("/api/v1/ledger/entries/-1", {}, 400, "path.seq"),
        ("/api/v1/ledger/entries/99999999999999999999", {}, 400, "path.seq"),
    ],
)
def test_bad_parameters_are_problems_not_500s(
    client: TestClient, database: Database, path: str, params: dict, status: int, field: str
) -> None:
    append(database, 5)
    response = client.get(path, params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["type"]
    assert field in [error["field"] for error in problem["errors"]]


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "instance": "/api/v1/nowhere",
    }
