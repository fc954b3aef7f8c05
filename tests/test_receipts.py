"""Offline receipts (C2SP tlog-proof): served for an award and each of its events, verified
with no network by `registry receipt verify`, and refused when any byte is changed."""

import base64
import re
import subprocess
import sys
from pathlib import Path

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from domain_helpers import World, bearer, build_world
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body

from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger import merkle
from registry.ledger.checkpoint import parse_verifier_key
from registry.ledger.cosignature import CosignatureSigner, parse_cosigner_key
from registry.ledger.errors import VerificationError
from registry.ledger.receipt import (
    HEADER,
    describe,
    format_receipt,
    parse_receipt,
    verify_receipt,
)
from registry.main import create_app

PROBLEM = "application/problem+json"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


@pytest.fixture
def award(client: TestClient, world: World) -> dict:
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()
    response = client.post(
        "/api/v1/awards", json=award_body(competition["id"]), headers=bearer(world.fund)
    )
    assert response.status_code == 201, response.text
    event = {"type": "disbursed", "amount": "100000000", "date": "2026-03-20", "tranche": 1}
    response = client.post(
        f"/api/v1/awards/{response.json()['id']}/events", json=event, headers=bearer(world.fund)
    )
    assert response.status_code == 201, response.text
    return response.json()


def _log_key(client: TestClient) -> str:
    return client.get("/api/v1/ledger/key").text.strip()


def test_an_award_receipt_proves_its_publication_offline(client: TestClient, award: dict) -> None:
    response = client.get(f"/api/v1/awards/{award['id']}/receipt")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    disposition = response.headers["content-disposition"]
    assert f'filename="award-{award["id"]}.tlog-proof"' in disposition
    text = response.text
    assert text.startswith(HEADER + "\nextra ")

    proven = verify_receipt(text, log_key=parse_verifier_key(_log_key(client)))
    assert proven.index == award["published_seq"]
    assert proven.entry["kind"] == "award.published"
    assert proven.entry["subject"] == award["id"]
    assert proven.entry["body"]["amount"] == award["original_amount"]
    # The same bytes the ledger serves, hashed as RFC 6962 leaves.
    seq = award["published_seq"]
    leaf = client.get("/api/v1/ledger/leaves", params={"start": seq, "end": seq + 1}).content
    assert proven.leaf_hash == merkle.leaf_hash(leaf.rstrip(b"\n"))


def test_each_event_has_its_receipt_and_only_the_awards_own(
    client: TestClient, award: dict
) -> None:
    log_key = parse_verifier_key(_log_key(client))
    for event in award["events"]:
        response = client.get(f"/api/v1/awards/{award['id']}/events/{event['seq']}/receipt")
        assert response.status_code == 200, response.text
        assert verify_receipt(response.text, log_key=log_key).entry["kind"] == event["kind"]
    foreign = award["events"][0]["seq"] - 1  # an organization's registration, not the award's
    response = client.get(f"/api/v1/awards/{award['id']}/events/{foreign}/receipt")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == "path.seq"
    response = client.get("/api/v1/awards/AWD-2026-999999/receipt")
    assert response.status_code == 404
    assert client.get(f"/api/v1/ledger/entries/{foreign}/receipt").status_code == 200
    assert client.get("/api/v1/ledger/entries/999999/receipt").status_code == 404


def _tamper_line(text: str, line_number: int, *, byte: int = 0) -> str:
    """Flip one bit of the decoded bytes of a base64 line (keeping it canonical base64)."""
    lines = text.split("\n")
    prefix, _, encoded = lines[line_number].rpartition(" ")
    raw = bytearray(base64.b64decode(encoded))
    raw[byte] ^= 0x01
    lines[line_number] = (prefix + " " if prefix else "") + base64.b64encode(raw).decode()
    return "\n".join(lines)


def test_a_receipt_with_any_byte_changed_fails(client: TestClient, award: dict) -> None:
    seq = award["events"][-1]["seq"]
    text = client.get(f"/api/v1/awards/{award['id']}/events/{seq}/receipt").text
    log_key = parse_verifier_key(_log_key(client))
    verify_receipt(text, log_key=log_key)
    receipt = parse_receipt(text)
    assert receipt.proof, "the tree must be large enough for the proof to have hashes"
    lines = text.split("\n")
    note_start = lines.index("") + 1
    tampered = {
        "a byte of the entry": _tamper_line(text, 1, byte=40),
        "the index": text.replace(f"index {seq}\n", f"index {seq - 1}\n"),
        "a proof hash": _tamper_line(text, 3, byte=7),
        "the checkpoint's size": "\n".join(
            [
                *lines[: note_start + 1],
                str(int(lines[note_start + 1]) + 1),
                *lines[note_start + 2 :],
            ]
        ),
        "the checkpoint's root": _tamper_line(text, note_start + 2),
        "the log's signature": _tamper_line(text, note_start + 4, byte=10),
        "a missing proof hash": "\n".join(lines[:3] + lines[4:]),
    }
    for what, changed in tampered.items():
        assert changed != text, what
        with pytest.raises(VerificationError):  # what: see the dict's key
            verify_receipt(changed, log_key=log_key)


def test_a_receipt_needs_the_pinned_witnesses(client: TestClient, award: dict) -> None:
    """Without cosignatures a quorum fails; with a pinned witness's line it passes."""
    text = client.get(f"/api/v1/awards/{award['id']}/receipt").text
    log_key = parse_verifier_key(_log_key(client))
    witness = CosignatureSigner("witness.test/w1", Ed25519PrivateKey.generate())
    with pytest.raises(VerificationError, match="0 valid cosignature"):
        verify_receipt(text, log_key=log_key, witnesses=[witness.verifier], quorum=1)
    receipt = parse_receipt(text)
    body = receipt.checkpoint_note.split("\n\n")[0] + "\n"
    cosigned = format_receipt(
        receipt.__class__(
            leaf=receipt.leaf,
            index=receipt.index,
            proof=receipt.proof,
            checkpoint_note=receipt.checkpoint_note + witness.cosign(body, 1_780_000_000),
        )
    )
    proven = verify_receipt(cosigned, log_key=log_key, witnesses=[witness.verifier], quorum=1)
    assert [c.verifier.name for c in proven.cosignatures] == ["witness.test/w1"]
    # A pinned witness's line with one byte changed fails, even with a quorum of zero.
    lines = cosigned.split("\n")
    witness_line = next(i for i, line in enumerate(lines) if "witness.test/w1" in line)
    for quorum in (0, 1):
        with pytest.raises(VerificationError, match="invalid cosignature"):
            verify_receipt(
                _tamper_line(cosigned, witness_line, byte=20),
                log_key=log_key,
                witnesses=[witness.verifier],
                quorum=quorum,
            )
    assert parse_cosigner_key(witness.verifier.verifier_key()) == witness.verifier


def test_registry_receipt_verify_works_with_the_network_cut(
    client: TestClient, award: dict, tmp_path: Path
) -> None:
    """The command runs in a network namespace with no interface but a downed loopback."""
    receipt_file = tmp_path / "award.tlog-proof"
    receipt_file.write_bytes(client.get(f"/api/v1/awards/{award['id']}/receipt").content)
    key_file = tmp_path / "log.vkey"
    key_file.write_text(_log_key(client) + "\n")
    command = [sys.executable, "-m", "registry.cli", "receipt", "verify", str(receipt_file)]
    offline = ["unshare", "--map-root-user", "--net", "--"]
    result = subprocess.run(
        [*offline, *command, "--key", str(key_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"entry {award['published_seq']} of the ledger test.registry/ledger" in result.stdout
    assert "award.published" in result.stdout
    assert "No witness cosignature was required" in result.stdout
    assert "did not pin" not in result.stdout  # the receipt has no other signature line

    receipt_file.write_text(_tamper_line(receipt_file.read_text(), 1, byte=30))
    result = subprocess.run(
        [*offline, *command, "--key", str(key_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "FAILED" in result.stderr


def test_the_network_is_really_cut_in_that_test() -> None:
    probe = "import socket; socket.create_connection(('127.0.0.1', 5432), timeout=2)"
    result = subprocess.run(
        ["unshare", "--map-root-user", "--net", "--", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    # Not "Connection refused", which a host that is not isolated gives when nothing listens.
    assert "Network is unreachable" in result.stderr


def _permanent_url(award: dict, leaf_hash: str) -> str:
    return f"http://127.0.0.1:8000/awards/{award['id']}?leaf={leaf_hash}"


def test_the_award_page_offers_the_receipt_and_a_qr_code_of_its_permanent_link(
    client: TestClient, award: dict
) -> None:
    seq = award["published_seq"]
    leaf_hash = client.get(f"/api/v1/ledger/entries/{seq}").json()["leaf_hash"]
    page = client.get(f"/awards/{award['id']}")
    assert page.status_code == 200
    html = page.text
    assert f'href="/api/v1/awards/{award["id"]}/receipt" download' in html
    for event in award["events"]:
        assert f"/api/v1/awards/{award['id']}/events/{event['seq']}/receipt" in html
    url = _permanent_url(award, leaf_hash)
    assert f"<code>{url}</code>" in html
    # The QR code on the page is exactly the code of the permanent link (segno is
    # deterministic: the same text, error level and version give the same matrix).
    expected = segno.make(url, error="m")
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert svg.group(0) == expected.svg_inline(scale=3, border=2, title=url, omitsize=True)
    assert expected.designator.endswith("-M")
    # The link the code carries opens this award's page and confirms the printed hash.
    path = url.removeprefix("http://127.0.0.1:8000")
    confirmed = client.get(path + "&lang=en").text
    assert "leaf-check-ok" in confirmed
    assert f"is ledger entry #{seq} of this award" in confirmed


def test_a_leaf_hash_that_is_not_the_awards_is_flagged(client: TestClient, award: dict) -> None:
    for given, echoed in (("0" * 64, True), ("Call +998 71 000 00 00 to confirm", False)):
        html = client.get(f"/awards/{award['id']}", params={"leaf": given, "lang": "en"}).text
        assert 'class="leaf-check leaf-check-bad" role="alert"' in html
        # Only a hash is repeated: the page never says arbitrary words from a link.
        assert (given in html) is echoed
        if not echoed:
            assert "does not carry a leaf hash" in html
    assert client.get(f"/awards/{award['id']}", params={"leaf": "x" * 201}).status_code == 400


def test_the_competition_page_offers_verification_and_receipts_of_its_entries(
    client: TestClient, world: World
) -> None:
    """As an award's page does (reported by users: a competition's page had neither): the
    verifier over every entry of the competition, each entry's receipt, and a QR code of the
    permanent link with its announcement's leaf hash, which opened says whose entry it is."""
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()
    stage = {"type": "applications_closed", "date": "2026-02-10"}
    stage |= {"applications": 40, "organizations": 36}
    response = client.post(
        f"/api/v1/competitions/{competition['id']}/events", json=stage, headers=bearer(world.fund)
    )
    assert response.status_code == 201, response.text
    seqs = [event["seq"] for event in response.json()["events"]]
    assert len(seqs) == 2
    page = client.get(f"/competitions/{competition['id']}", params={"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert f'data-subject="{competition["id"]}" data-seqs="{seqs[0]} {seqs[1]}"' in html
    assert "js/verify.js" in html
    assert f'href="/api/v1/competitions/{competition["id"]}/receipt" download' in html
    assert (
        f'<a href="/api/v1/ledger/entries/{seqs[1]}/receipt" download>#{seqs[1]} Applications closed</a>'
        in html
    )
    assert f"registry receipt verify competition-{competition['id']}.tlog-proof" in html
    # Each receipt the page links proves its entry offline.
    log_key = parse_verifier_key(_log_key(client))
    for seq in seqs:
        proven = verify_receipt(
            client.get(f"/api/v1/ledger/entries/{seq}/receipt").text, log_key=log_key
        )
        assert proven.index == seq
    leaf_hash = client.get(f"/api/v1/ledger/entries/{seqs[0]}").json()["leaf_hash"]
    url = f"http://127.0.0.1:8000/competitions/{competition['id']}?leaf={leaf_hash}"
    assert f"<code>{url}</code>" in html
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert svg.group(0) == segno.make(url, error="m").svg_inline(
        scale=3, border=2, title=url, omitsize=True
    )
    confirmed = client.get(url.removeprefix("http://127.0.0.1:8000") + "&lang=en").text
    assert "leaf-check-ok" in confirmed
    assert f"is ledger entry #{seqs[0]} of this competition (Announced)" in confirmed
    # A hash that is not the competition's (an award's, a made-up one) is flagged.
    other = client.get(
        f"/competitions/{competition['id']}", params={"leaf": "0" * 64, "lang": "en"}
    )
    assert 'class="leaf-check leaf-check-bad" role="alert"' in other.text
    assert "is not an entry of this competition" in other.text
    too_long = client.get(f"/competitions/{competition['id']}", params={"leaf": "x" * 201})
    assert too_long.status_code == 400


def test_a_competitions_receipt_downloads_under_its_name(client: TestClient, world: World) -> None:
    """The announcement's receipt, named after the competition as an award's is after the
    award (it downloaded as the ledger's ``entry-<seq>.tlog-proof``); a competition not
    registered is a 404 naming its path parameter."""
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()

    response = client.get(f"/api/v1/competitions/{competition['id']}/receipt")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    disposition = response.headers["content-disposition"]
    assert f'filename="competition-{competition["id"]}.tlog-proof"' in disposition
    proven = verify_receipt(response.text, log_key=parse_verifier_key(_log_key(client)))
    assert proven.index == competition["published_seq"]
    assert proven.entry["kind"] == "competition.published"
    assert proven.entry["subject"] == competition["id"]
    seq = competition["published_seq"]
    assert response.text == client.get(f"/api/v1/ledger/entries/{seq}/receipt").text
    missing = client.get("/api/v1/competitions/CMP-2026-99999/receipt")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["errors"][0]["field"] == "path.competition_id"


IGNORED = "Signature lines by keys you did not pin were ignored"


def test_ignored_signature_lines_are_mentioned_only_when_there_are_some(
    client: TestClient, award: dict
) -> None:
    """Found by a journalist: `registry receipt verify` always said that signature lines by
    keys not pinned were ignored, of a receipt that had none."""
    text = client.get(f"/api/v1/awards/{award['id']}/receipt").text
    log_key = parse_verifier_key(_log_key(client))
    plain = verify_receipt(text, log_key=log_key)
    assert plain.ignored_signatures == 0
    assert not any(IGNORED in line for line in describe(plain))
    receipt = parse_receipt(text)
    body = receipt.checkpoint_note.split("\n\n")[0] + "\n"
    witnesses = [
        CosignatureSigner(f"witness.test/w{n}", Ed25519PrivateKey.generate()) for n in (1, 2)
    ]
    cosigned = format_receipt(
        receipt.__class__(
            leaf=receipt.leaf,
            index=receipt.index,
            proof=receipt.proof,
            checkpoint_note=receipt.checkpoint_note
            + "".join(witness.cosign(body, 1_780_000_000) for witness in witnesses),
        )
    )
    # Neither witness pinned: both lines ignored, and said so.
    unpinned = verify_receipt(cosigned, log_key=log_key)
    assert unpinned.ignored_signatures == 2
    assert [line for line in describe(unpinned) if IGNORED in line] == [
        f"  {IGNORED}: 2 of them, which prove nothing either way."
    ]
    # One pinned: the other's line is the one ignored.
    one = verify_receipt(cosigned, log_key=log_key, witnesses=[witnesses[0].verifier])
    assert one.ignored_signatures == 1
    assert any(f"{IGNORED}: 1 of them" in line for line in describe(one))
    both = verify_receipt(cosigned, log_key=log_key, witnesses=[w.verifier for w in witnesses])
    assert both.ignored_signatures == 0
    assert not any(IGNORED in line for line in describe(both))


def test_a_receipt_no_checkpoint_covers_yet_is_a_409_naming_the_entry(settings: Settings) -> None:
    """Until the next checkpoint is signed there is no receipt: a 409 with Retry-After and
    the path parameter that names the entry (it had neither, found by an outside auditor)."""
    app = create_app(settings.model_copy(update={"checkpoint_interval_seconds": 3600}))
    with TestClient(app) as client:
        world = build_world(client, app.state.database)
        client.app.state.checkpointer.sign_now()
        competition = client.post(
            "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
        ).json()
        created = client.post(
            "/api/v1/awards", json=award_body(competition["id"]), headers=bearer(world.fund)
        ).json()
        seq = created["published_seq"]
        for url, field in (
            (f"/api/v1/awards/{created['id']}/receipt", "path.award_id"),
            (f"/api/v1/awards/{created['id']}/events/{seq}/receipt", "path.seq"),
            (f"/api/v1/ledger/entries/{seq}/receipt", "path.seq"),
        ):
            response = client.get(url)
            assert response.status_code == 409, (url, response.text)
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["retry-after"] == "3600"  # the checkpoints' interval
            assert [error["field"] for error in response.json()["errors"]] == [field]
        client.app.state.checkpointer.sign_now()
        assert client.get(f"/api/v1/ledger/entries/{seq}/receipt").status_code == 200
