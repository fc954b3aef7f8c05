"""The change feed (``GET /api/v1/changes``) and the mirror that replays a running registry
from its public API (``registry ledger replay --from-feed``), on both databases."""

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx2 as httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from ledger_helpers import append
from live_server import serve
from sqlalchemy import event
from test_replay import Scenario, snapshot
from typer.testing import CliRunner

from registry import demo, journal, replay
from registry.awards.projection import AWARD_KINDS
from registry.cli import app as cli
from registry.competitions import service as competitions
from registry.core.db import Database
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from registry.ledger.service import NewEntry
from registry.organizations import service as organizations
from registry.oversight import service as oversight
from registry.publication import changes

PROBLEM = "application/problem+json"
CHANGES = "/api/v1/changes"


def follow(client: TestClient, url: str) -> Iterator[dict]:
    """Every page, following ``next`` as a client would, never building a URL."""
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next"}
        yield page
        next_url = page["next"]


def record(database: Database, *kinds_and_subjects: tuple[str, str]) -> None:
    with database.session(write=True) as session:
        ledger_service.append(
            session,
            [
                NewEntry(kind=kind, subject=subject, actor="tests", body={"n": n})
                for n, (kind, subject) in enumerate(kinds_and_subjects)
            ],
        )


def seqs(pages: list[dict]) -> list[int]:
    return [item["seq"] for page in pages for item in page["items"]]


def test_following_next_from_the_start_returns_every_entry_exactly_once(
    client: TestClient, database: Database
) -> None:
    append(database, 20, batch=3)
    pages = list(follow(client, f"{CHANGES}?limit=5"))
    assert seqs(pages) == list(range(20))
    # 20 entries, 5 a page: the fourth page reaches the end and says so; no empty fifth page.
    assert [len(page["items"]) for page in pages] == [5, 5, 5, 5]
    assert pages[0]["next"] == f"http://testserver{CHANGES}?limit=5&after=4"
    assert pages[-1]["next"] is None
    # A follower polls from the last seq it saw: nothing new yet, then exactly the new entries.
    assert client.get(f"{CHANGES}?after=19").json() == {"items": [], "next": None}
    append(database, 3, start=20)
    assert seqs(list(follow(client, f"{CHANGES}?after=19&limit=2"))) == [20, 21, 22]


def test_items_are_exactly_the_signed_leaves(client: TestClient, database: Database) -> None:
    append(database, 12, batch=5)
    items = client.get(f"{CHANGES}?limit=1000").json()["items"]
    with database.session() as session:
        leaves = ledger_service.leaves(session, start=0, end=12, limit=1000)
    assert len(items) == len(leaves) == 12
    for item, leaf in zip(items, leaves, strict=True):
        decoded = json.loads(leaf)
        expected = {key: value for key, value in decoded.items() if key != "prev"}
        assert item == expected | {"leaf_hash": hashlib.sha256(b"\x00" + leaf).hexdigest()}
    assert items[3]["body"] == {"n": 3, "amount": "3.50", "note": "Oʻzbekiston — Қазақстан"}
    assert items[3]["time"].endswith("Z")


def test_after_starts_past_the_given_entry(client: TestClient, database: Database) -> None:
    append(database, 10, batch=10)
    assert seqs(list(follow(client, f"{CHANGES}?after=6"))) == [7, 8, 9]
    assert seqs(list(follow(client, f"{CHANGES}?after=-1&limit=4"))) == list(range(10))
    assert client.get(f"{CHANGES}?after=9").json() == {"items": [], "next": None}
    # A seq this ledger never had: the client is following some other ledger.
    for beyond in (10, 500):
        response = client.get(f"{CHANGES}?after={beyond}")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"][0]["field"] == "query.after"


def test_an_empty_ledger_is_an_empty_last_page(client: TestClient) -> None:
    assert client.get(CHANGES).json() == {"items": [], "next": None}


def test_kind_filter_exact_and_family(client: TestClient, database: Database) -> None:
    record(
        database,
        ("award.published", "AWD-1"),  # 0
        ("awardee.published", "AWD-1"),  # 1: shares the letters, not the family
        ("award.disbursed", "AWD-1"),  # 2
        ("api_key.created", "key:a"),  # 3
        ("apixkey.created", "key:b"),  # 4: "_" must not act as a LIKE wildcard
        ("award.published", "AWD-2"),  # 5
        ("competition.published", "CMP-1"),  # 6
    )
    family = list(follow(client, f"{CHANGES}?kind=award.&limit=1"))
    assert seqs(family) == [0, 2, 5]
    assert all("kind=award." in page["next"] for page in family[:-1])
    assert family[-1]["next"] is None
    assert seqs(list(follow(client, f"{CHANGES}?kind=award.published"))) == [0, 5]
    assert seqs(list(follow(client, f"{CHANGES}?kind=api_key."))) == [3]
    assert seqs(list(follow(client, f"{CHANGES}?kind=award.&after=2"))) == [5]


def test_kind_family_is_exact_and_case_sensitive(client: TestClient, database: Database) -> None:
    """Not LIKE: SQLite's ignores ASCII case, and ``%``/``_`` are wildcards in it. The API
    takes only the registry's kinds; the query itself is checked on kinds it would refuse."""
    record(
        database,
        ("award.published", "AWD-1"),  # 0
        ("Award.published", "AWD-1"),  # 1: another family, by case alone
        ("AWARD.disbursed", "AWD-1"),  # 2
        ("award%x.published", "AWD-1"),  # 3
        ("award.disbursed", "AWD-1"),  # 4
    )
    assert seqs(list(follow(client, f"{CHANGES}?kind=award."))) == [0, 4]

    def found(kind: str) -> list[int]:
        with database.session() as session:
            page = changes.page(session, after=-1, limit=10, kind=kind, subject=None)
        return [item.seq for item in page.items]

    assert found("Award.") == [1]
    assert found("AWARD.") == [2]
    assert found("award%x.") == [3]
    for pattern in ("awa%.", "awar_.", "AWARD.PUBLISHED", "award.Published"):
        assert found(pattern) == []
    assert found("Award.published") == [1]


@pytest.mark.parametrize(
    "kind", ["award", "bogus", "Award.", "award.Published", "awar_.", "award.bogus", "test.entry"]
)
def test_a_kind_the_registry_does_not_record_is_a_400_listing_the_families(
    client: TestClient, database: Database, kind: str
) -> None:
    """Found by a re-user: ``kind=award`` (its dot missing) and ``kind=bogus`` were an empty
    200, which reads as "no changes"."""
    record(database, ("award.published", "AWD-1"))
    response = client.get(CHANGES, params={"kind": kind})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "query.kind"
    assert error["message"] == changes.KIND_MESSAGE
    assert "api_key., award., competition., organization., oversight." in error["message"]


def test_every_kind_the_registry_records_is_one_the_feed_takes() -> None:
    recorded = {
        *AWARD_KINDS,
        competitions.PUBLISHED,
        *competitions.EVENT_KINDS.values(),
        oversight.SUBMITTED,
        *oversight.EVENT_KINDS.values(),
        organizations.REGISTERED,
        "api_key.created",
        "api_key.revoked",
    }
    assert recorded == changes.KINDS
    # Every kind the journal has a projector for, so a kind added to the ledger and its
    # projection but not to the feed's list fails here (from the review).
    assert journal.known_kinds() == changes.KINDS


def test_the_feed_starts_at_seq_0(client: TestClient, database: Database) -> None:
    record(database, ("award.published", "AWD-1"), ("award.published", "AWD-2"))
    assert seqs(list(follow(client, CHANGES))) == [0, 1]
    assert seqs(list(follow(client, f"{CHANGES}?after=-1"))) == [0, 1]
    assert seqs(list(follow(client, f"{CHANGES}?after=0"))) == [1]


def test_subject_filter_pages_by_seq(client: TestClient, database: Database) -> None:
    append(database, 30, batch=7)  # subject-{n % 7}
    pages = list(follow(client, f"{CHANGES}?subject=subject-3&limit=2"))
    assert seqs(pages) == [3, 10, 17, 24]
    assert [len(page["items"]) for page in pages] == [2, 2]
    assert {item["subject"] for page in pages for item in page["items"]} == {"subject-3"}
    assert seqs(list(follow(client, f"{CHANGES}?subject=subject-3&after=10"))) == [17, 24]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=1001", "query.limit"),
        ("limit=0", "query.limit"),
        ("limit=ten", "query.limit"),
        ("after=-5", "query.after"),
        (f"after={2**63}", "query.after"),
        ("kind=", "query.kind"),
        (f"kind={'a' * 65}", "query.kind"),
        (f"subject={'s' * 201}", "query.subject"),
    ],
)
def test_bad_parameters_are_400_problems_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    response = client.get(f"{CHANGES}?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/bad-request"
    assert [error["field"] for error in problem["errors"]] == [field]


def test_a_deep_page_runs_the_same_keyset_query_as_the_first(
    app: FastAPI, client: TestClient, database: Database
) -> None:
    append(database, 40, batch=40)
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if "ledger_entries.seq > " in statement:
            statements.append((statement, parameters))

    engine = app.state.database.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        first = client.get(f"{CHANGES}?limit=5").json()
        deep = client.get(f"{CHANGES}?limit=5&after=29").json()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert seqs([first]) == [0, 1, 2, 3, 4]
    assert seqs([deep]) == [30, 31, 32, 33, 34]
    (first_sql, first_params), (deep_sql, deep_params) = statements
    # The same statement, and only the bound seq differs: the database seeks to the page, it
    # never reads and skips the ones before. (SQLite's compiler writes ``LIMIT ? OFFSET ?``
    # whenever there is a limit, binding 0: it is the same 0 on every page.)
    assert first_sql == deep_sql
    assert "ORDER BY ledger_entries.seq" in first_sql
    first_values, deep_values = _bound(first_params), _bound(deep_params)
    assert [(a, b) for a, b in zip(first_values, deep_values, strict=True) if a != b] == [(-1, 29)]
    if database.dialect == "postgresql":
        assert "OFFSET" not in first_sql.upper()


def _bound(parameters) -> list:
    return list(parameters.values()) if isinstance(parameters, dict) else list(parameters)


def test_the_feed_is_documented_with_its_problems(app: FastAPI) -> None:
    operation = app.openapi()["paths"][CHANGES]["get"]
    assert operation["operationId"] == "changes-list_changes"
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "after",
        "limit",
        "kind",
        "subject",
        "min_seq",  # read-your-writes on a read replica, as on every GET
    }


# ---- the mirror: replay from a running registry's public API


def test_a_mirror_replayed_from_the_feed_equals_the_source(
    app: FastAPI,
    database: Database,
    database_url_factory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo.load(database, awards=40)
    monkeypatch.setattr(replay, "PAGE_SIZE", 100)  # several pages, not one
    target = Database(database_url_factory())
    try:
        with serve(app) as base_url:  # the server signs a checkpoint as it starts
            report = replay.replay_from_http(base_url, target)
        size = ledger_service.size
        with database.session() as source_session, target.session() as target_session:
            assert report == replay.ReplayReport(entries=size(source_session), checkpoints=1)
            assert report.entries > 400
            assert ledger_service.root(target_session, report.entries) == ledger_service.root(
                source_session, report.entries
            )
            source_checkpoint = ledger_service.latest_checkpoint(source_session)
            mirrored = ledger_service.checkpoints(target_session)
            assert source_checkpoint is not None
            assert [(c.tree_size, c.note, c.signed_at) for c in mirrored] == [
                (report.entries, source_checkpoint.note, source_checkpoint.signed_at)
            ]
            assert ledger_service.leaves(
                target_session, start=0, end=report.entries, limit=1000
            ) == ledger_service.leaves(source_session, start=0, end=report.entries, limit=1000)
        assert snapshot(target) == snapshot(database)
    finally:
        target.dispose()


def test_replay_from_feed_cli(app: FastAPI, database: Database, database_url_factory) -> None:
    Scenario(database).setup()  # 6 organizations and 3 keys: entries the projectors know
    target_url = database_url_factory()
    with serve(app) as base_url:
        result = CliRunner().invoke(
            cli, ["ledger", "replay", "--from-feed", base_url, "--into", target_url]
        )
    assert result.exit_code == 0, result.output
    assert f"replayed 10 entries and 1 checkpoints into {target_url}" in result.stdout
    target = Database(target_url)
    try:
        assert snapshot(target) == snapshot(database)
    finally:
        target.dispose()
    both = CliRunner().invoke(
        cli, ["ledger", "replay", "--from", target_url, "--from-feed", "http://x", "--into", "y"]
    )
    assert both.exit_code == 2
    assert "at most one of --from and --from-feed" in both.output


class FakeRegistry:
    """A server that serves a real ledger's leaves, as altered as the test needs."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.signer = NoteSigner(
            name="fake.registry/ledger", private_key=Ed25519PrivateKey.generate()
        )
        self.altered: dict[int, bytes] = {}
        self.signed_root: bytes | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1/ledger")
        with self.database.session() as session:
            size = ledger_service.size(session)
            if path == "/key":
                return httpx.Response(200, text=self.signer.verifier.verifier_key() + "\n")
            if path == "/leaves":
                start = int(request.url.params["start"])
                end = int(request.url.params["end"])
                leaves = ledger_service.leaves(session, start=start, end=end, limit=1000)
                served = [self.altered.get(start + i, leaf) for i, leaf in enumerate(leaves)]
                return httpx.Response(200, content=b"".join(leaf + b"\n" for leaf in served))
            root = self.signed_root or ledger_service.root(session, size)
        note = sign_checkpoint(Checkpoint(self.signer.name, size, root), self.signer)
        signed_at = ledger_service.format_time(datetime.now(UTC))
        return httpx.Response(200, json={"checkpoint": {"note": note, "signed_at": signed_at}})

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))


def test_replay_from_feed_refuses_a_root_the_server_did_not_sign(
    database: Database, database_url_factory
) -> None:
    Scenario(database).setup()
    fake = FakeRegistry(database)
    fake.signed_root = bytes(32)
    target = Database(database_url_factory())
    try:
        with fake.client() as client, pytest.raises(replay.ReplayError, match="does not verify"):
            replay.replay_from_http("http://registry.test", target, client=client)
        with target.session() as session:
            assert ledger_service.checkpoints(session) == []
    finally:
        target.dispose()


def test_replay_from_feed_refuses_an_altered_leaf(database: Database, database_url_factory) -> None:
    Scenario(database).setup()
    with database.session() as session:
        (leaf,) = ledger_service.leaves(session, start=3, end=4, limit=1)
    fake = FakeRegistry(database)
    # Still canonical, still linked to leaf 2: only leaf 4's ``prev`` gives it away.
    fake.altered[3] = leaf.replace(b'"region":"UZ-SA"', b'"region":"UZ-TO"')
    assert fake.altered[3] != leaf
    target = Database(database_url_factory())
    try:
        with fake.client() as client, pytest.raises(replay.ReplayError, match="seq 4"):
            replay.replay_from_http("http://registry.test", target, client=client)
    finally:
        target.dispose()


def test_replay_from_feed_checks_against_a_correct_fake_too(
    database: Database, database_url_factory
) -> None:
    """The fake itself is faithful when nothing is altered, so the refusals above are real."""
    Scenario(database).setup()
    target = Database(database_url_factory())
    try:
        with FakeRegistry(database).client() as client:
            report = replay.replay_from_http("http://registry.test", target, client=client)
        assert report == replay.ReplayReport(entries=10, checkpoints=1)
        assert snapshot(target) == snapshot(database)
    finally:
        target.dispose()
