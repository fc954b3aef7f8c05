"""``registry audit verify``: a clean log passes; tampering behind the triggers' back and a
re-signed rewritten history fail, naming the first bad entry."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from ledger_helpers import append
from sqlalchemy import text
from typer.testing import CliRunner

from registry import auditor
from registry.cli import app as cli
from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger import audit, audit_cli, merkle, receipt
from registry.ledger.checkpoint import Checkpoint, NoteSigner
from registry.ledger.errors import VerificationError
from registry.main import create_app


def _http(client: TestClient) -> auditor.HttpSource:
    return auditor.HttpSource("http://testserver", client=client)


def _key(client: TestClient) -> str:
    return client.get("/api/v1/ledger/key").text.strip()


def _tamper(database: Database, seq: int, edit) -> None:
    """Change one stored leaf the way an insider with table access would: triggers off."""
    with database.session(write=True) as session:
        if database.dialect == "postgresql":
            session.execute(
                text("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only")
            )
        else:
            session.execute(text("DROP TRIGGER ledger_entries_no_update"))
        leaf = session.execute(
            text("SELECT leaf FROM ledger_entries WHERE seq = :seq"), {"seq": seq}
        ).scalar_one()
        session.execute(
            text("UPDATE ledger_entries SET leaf = :leaf WHERE seq = :seq"),
            {"leaf": edit(bytes(leaf)), "seq": seq},
        )


def _sign(client: TestClient) -> None:
    client.app.state.checkpointer.sign_now()


def test_a_clean_log_verifies_and_stays_consistent(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    state = tmp_path / "audit-state.json"
    append(database, 30, batch=7)
    _sign(client)
    report = auditor.verify(_http(client), key=_key(client), state_path=state)
    assert report.checkpoint.size == 30
    assert report.previous_size is None
    saved = json.loads(state.read_text())
    assert saved["tree_size"] == 30
    assert saved["verifier_key"] == _key(client)

    append(database, 11, start=30)
    _sign(client)
    report = auditor.verify(_http(client), state_path=state)  # the key pinned by the last run
    assert report.key_was_pinned
    assert (report.previous_size, report.checkpoint.size) == (30, 41)
    assert json.loads(state.read_text())["tree_size"] == 41


def test_the_database_source_verifies_the_same_log(client: TestClient, database: Database) -> None:
    append(database, 10, batch=3)
    _sign(client)
    report = auditor.verify(auditor.DatabaseSource(database), key=_key(client))
    assert report.checkpoint.size == 10


@pytest.mark.parametrize("seq", [0, 7, 19])
def test_an_altered_leaf_fails_at_its_seq(client: TestClient, database: Database, seq: int) -> None:
    append(database, 20, batch=6)
    _sign(client)
    _tamper(database, seq, lambda leaf: leaf.replace(b'"n":', b'"m":'))
    with pytest.raises(auditor.AuditFailure) as failure:
        auditor.verify(_http(client), key=_key(client))
    assert failure.value.seq == seq
    assert f"seq {seq}" in str(failure.value)


def test_an_altered_prev_link_fails_at_its_seq(client: TestClient, database: Database) -> None:
    append(database, 9)
    _sign(client)
    _tamper(database, 4, lambda leaf: leaf.replace(b'"prev":"', b'"prev":"f', 1)[:-1] + b"}")
    with pytest.raises(auditor.AuditFailure) as failure:
        auditor.verify(auditor.DatabaseSource(database), key=_key(client))
    assert failure.value.seq == 4


def test_a_rewritten_history_fails_against_the_saved_state(
    client: TestClient,
    database: Database,
    settings: Settings,
    tmp_path: Path,
    database_url_factory,
) -> None:
    state = tmp_path / "audit-state.json"
    append(database, 12, batch=4)
    _sign(client)
    auditor.verify(_http(client), key=_key(client), state_path=state)

    # The operator builds another history of the same length and more, and signs it with the
    # same key. Every signature checks out; only the auditor's memory catches it.
    other_url = database_url_factory()
    forged = Database(other_url)
    append(forged, 15, batch=5, start=1000)
    forged_settings = settings.model_copy(update={"database_url": other_url})
    with TestClient(create_app(forged_settings)) as forged_client:
        assert _key(forged_client) == _key(client)
        with pytest.raises(auditor.AuditFailure, match="history rewritten"):
            auditor.verify(_http(forged_client), state_path=state)
        # Without the saved state the forged log is self-consistent: that is why state matters.
        assert auditor.verify(_http(forged_client), key=_key(client)).checkpoint.size == 15
    forged.dispose()
    assert json.loads(state.read_text())["tree_size"] == 12  # a failed run saves nothing


def test_a_different_key_is_refused(client: TestClient, database: Database) -> None:
    append(database, 3)
    _sign(client)
    wrong_key = NoteSigner(
        name="test.registry/ledger", private_key=Ed25519PrivateKey.generate()
    ).verifier.verifier_key()
    with pytest.raises(auditor.AuditFailure, match="does not verify against the pinned key"):
        auditor.verify(_http(client), key=wrong_key)


def test_cli_exit_codes(
    client: TestClient, database: Database, database_url: str, tmp_path: Path
) -> None:
    append(database, 8)
    _sign(client)
    key_file = tmp_path / "ledger.pub"
    key_file.write_text(_key(client) + "\n")
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["audit", "verify", "--database-url", database_url, "--key", str(key_file)]
    )
    assert ok.exit_code == 0, ok.output
    assert "OK test.registry/ledger: 8 entries" in ok.stdout

    _tamper(database, 3, lambda leaf: leaf.replace(b"tests", b"tesTs"))
    bad = runner.invoke(
        cli, ["audit", "verify", "--database-url", database_url, "--key", str(key_file)]
    )
    assert bad.exit_code == 1
    assert "first bad seq: 3" in bad.stderr


def test_a_boolean_seq_is_not_a_number() -> None:
    from registry.ledger.chain import ChainBreak, ChainVerifier  # noqa: PLC0415

    chain = ChainVerifier()
    chain.feed(b'{"prev":"' + b"0" * 64 + b'","seq":0}')
    forged = b'{"prev":"' + chain._prev_hex.encode() + b'","seq":true}'
    with pytest.raises(ChainBreak, match="seq field is True"):
        chain.feed(forged)


def test_what_cannot_be_read_exits_2_not_1(
    client: TestClient, database: Database, database_url: str, tmp_path: Path
) -> None:
    """Exit 1 says the ledger failed verification; a key file mistyped or holding something
    else, a state file that is not one, or a receipt that is not there is the auditor's own
    input and exits 2 in both tools, as the README says (found by a new user: a missing key
    file was "FAILED: the verifier key is malformed" with exit 1, a damaged state file a
    traceback, and `registry receipt verify` of a missing file exit 1 where `registry-audit`
    said 2)."""
    append(database, 5)
    _sign(client)
    key_file = tmp_path / "ledger.pub"
    key_file.write_text(_key(client) + "\n")
    garbage = tmp_path / "garbage.pub"
    garbage.write_text("not a key\n")
    damaged = tmp_path / "audit-state.json"
    damaged.write_text("{\n")
    incomplete = tmp_path / "incomplete-state.json"
    incomplete.write_text('{"verifier_key": 1}\n')
    missing = str(tmp_path / "missing.pub")
    binary = tmp_path / "binary.pub"
    binary.write_bytes(bytes(range(256)))
    runner = CliRunner()
    source = ["--database-url", database_url]
    cases = {
        "a missing key file": (["--key", missing], "missing.pub"),
        "a file that holds no key": (["--key", str(garbage)], "--key"),
        "a file that is not text": (["--key", str(binary)], "binary.pub"),
        "a damaged state file": (
            ["--key", str(key_file), "--state", str(damaged)],
            "audit-state.json",
        ),
        "an incomplete state file": (
            ["--key", str(key_file), "--state", str(incomplete)],
            "incomplete-state.json",
        ),
        # The ledger verifies, but where the state should go is not there (a traceback
        # before, found by an outside auditor).
        "a state file that cannot be written": (
            ["--key", str(key_file), "--state", str(tmp_path / "nowhere" / "state.json")],
            "could not be saved to",
        ),
    }
    for case, (arguments, named) in cases.items():
        result = runner.invoke(cli, ["audit", "verify", *source, *arguments])
        assert result.exit_code == 2, (case, result.output)
        assert named in _unboxed(result.stderr), (case, result.stderr)
        assert "Traceback" not in result.output, case
        assert "FAILED" not in result.stderr, case
        tool = audit_cli.main(["verify", "--url", "http://127.0.0.1:9", *arguments])
        assert tool == 2, case
    assert damaged.read_text() == "{\n"  # nothing is overwritten

    receipt_missing = runner.invoke(
        cli, ["receipt", "verify", str(tmp_path / "gone.tlog-proof"), "--key", str(key_file)]
    )
    assert receipt_missing.exit_code == 2, receipt_missing.output
    assert "gone.tlog-proof" in _unboxed(receipt_missing.stderr)
    tool = audit_cli.main(["receipt", str(tmp_path / "gone.tlog-proof"), "--key", str(key_file)])
    assert tool == 2
    receipt = tmp_path / "entry.tlog-proof"
    receipt.write_bytes(client.get("/api/v1/ledger/entries/2/receipt").content)
    assert audit_cli.main(["receipt", str(receipt), "--key", missing]) == 2
    assert audit_cli.main(["receipt", str(receipt), "--key", str(key_file)]) == 0


def _unboxed(said: str) -> str:
    """The command line's error as one line: typer draws it in a box as wide as the terminal
    (80 columns where there is none) and folds a long path across the box's lines, so a file
    name may be cut in two wherever the test's temporary folder happens to end."""
    return "".join(line.strip().strip("│╭╮╰╯─").strip() for line in said.splitlines())


class _ResignedSource:
    """A server (or a proxy before it) that serves ``leaves`` and signs a checkpoint of them
    with the log's own key: every hash and signature agrees with what it serves."""

    def __init__(self, leaves: list[bytes], signer: NoteSigner) -> None:
        self._leaves = leaves
        self._hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
        self._signer = signer

    def verifier_key(self) -> str | None:
        return None

    def checkpoint(self) -> str:
        root = _tree_hash(self._hashes)
        return self._signer.sign(Checkpoint(self._signer.name, len(self._leaves), root).body())

    def leaves(self, start: int, end: int) -> list[bytes]:
        return self._leaves[start:end]

    def inclusion_path(self, index: int, tree_size: int) -> list[bytes]:
        ranges = merkle.inclusion_ranges(index, tree_size)
        return [_tree_hash(self._hashes[a:b]) for a, b in ranges]

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        ranges = merkle.consistency_ranges(first, second)
        return [_tree_hash(self._hashes[a:b]) for a, b in ranges]


def _tree_hash(hashes: list[bytes]) -> bytes:
    """MTH (RFC 9162 §2.1.1), straight from its definition."""
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << (len(hashes) - 1).bit_length() - 1
    return merkle.node_hash(_tree_hash(hashes[:split]), _tree_hash(hashes[split:]))


def _chained(bodies: list[bytes]) -> list[bytes]:
    """Leaves with these bodies (as written, canonical or not), each linked to the one before."""
    leaves: list[bytes] = []
    prev = "00" * 32
    for seq, body in enumerate(bodies):
        leaf = b'{"body":' + body + b',"prev":"' + prev.encode() + b'","seq":%d}' % seq
        leaves.append(leaf)
        prev = merkle.leaf_hash(leaf).hex()
    return leaves


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"amount":"99.00","amount":"12345678.90"}', "'amount' is given more than once"),
        (b'{"amount": "99.00"}', "canonical form"),
        (b'{"b":"1","a":"2"}', "canonical form"),
        (b'{"amount":99.5}', "floats"),
        (b'{"title":"\\u0041"}', "canonical form"),
    ],
)
def test_a_leaf_that_is_not_canonical_json_fails_though_everything_else_is_signed(
    body: bytes, reason: str
) -> None:
    """A leaf is the RFC 8785 canonical JSON of its entry: one byte string per value, and so
    one reading. An auditor's proxy served a leaf with "amount" twice, chained and re-signed,
    and both tools said it verified (found by an outside auditor): a reader taking the first
    member saw 99.00, one taking the last 12,345,678.90. Each leaf is now read back to its
    canonical form, byte for byte, and a member named twice is refused by name."""
    signer = NoteSigner(name="test.registry/ledger", private_key=Ed25519PrivateKey.generate())
    key = signer.verifier.verifier_key()
    leaves = _chained([b'{"amount":"1.00"}', body, b'{"amount":"2.00"}'])
    with pytest.raises(auditor.AuditFailure, match=reason) as failure:
        auditor.verify(_ResignedSource(leaves, signer), key=key)
    assert failure.value.seq == 1
    # The receipt of that leaf, checked offline, is refused the same way.
    source = _ResignedSource(leaves, signer)
    proof = receipt.Receipt(
        index=1,
        leaf=leaves[1],
        proof=tuple(source.inclusion_path(1, 3)),
        checkpoint_note=source.checkpoint(),
    )
    with pytest.raises(VerificationError, match=reason):
        receipt.verify_receipt(receipt.format_receipt(proof), log_key=signer.verifier)
    # The same leaves written canonically verify.
    fine = _chained([b'{"amount":"1.00"}', b'{"amount":"12345678.90"}', b'{"amount":"2.00"}'])
    assert auditor.verify(_ResignedSource(fine, signer), key=key).checkpoint.size == 3


def test_a_state_that_cannot_be_saved_is_said_so(tmp_path: Path) -> None:
    state = audit.AuditState(
        verifier_key="k", tree_size=1, root_hash=bytes(32), checkpoint="c", verified_at="now"
    )
    with pytest.raises(audit.UnwritableState, match=r"could not be saved to .*nowhere"):
        state.save(tmp_path / "nowhere" / "state.json")
