"""Downloads on both databases: one consistent snapshot however long they stream, and a pool of
their own, so that many at once get a clear 503 instead of starving the API.
"""

import contextlib
import csv
import gc
import io
import json
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import anyio
import httpx2 as httpx
import pytest
from domain_helpers import KZ_OPERATOR, NGO_KZ, bearer, build_world, issue_key, ledger_size
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from live_server import serve
from starlette.responses import StreamingResponse
from test_awards import award_body, create_award, create_competition

from registry import demo
from registry.auth.principal import Role
from registry.awards.router import to_summary
from registry.core.db import Database
from registry.core.settings import Settings
from registry.core.streams import ClosingStreamingResponse
from registry.main import create_app
from registry.publication import search
from registry.publication.router import _CSV_SOURCE, CSV_COLUMNS, _export
from registry.publication.snapshots import Taken
from registry.reference.money import format_amount

BY_AMOUNT = search.AwardSort.AMOUNT_DESC
IN_SOUM = search.AwardFilters(currency=("UZS",))  # amounts are ordered within a currency
BATCH = 5


def test_a_download_is_one_snapshot_while_awards_change(
    client: TestClient, database: Database
) -> None:
    """An award amended mid-download, so that its sort key moves from the part already read to
    the part still to come, is neither repeated nor skipped, and shows as it was when the
    download began. Paging with cursors, each page its own snapshot, would repeat it."""
    demo.load(database, awards=40)
    with database.session() as session:
        before = [
            row
            for batch in search.stream_awards(
                session, IN_SOUM, sort=BY_AMOUNT, batch=1000, columns=_CSV_SOURCE
            )
            for row in batch
        ]
    smallest = before[-1].amount_minor
    # One of the first batch that an amendment can move to the very end of the order.
    moved = next(
        row
        for row in before[:BATCH]
        if row.status == "active" and max(row.disbursed_minor, 100) < smallest
    )
    award_id, amount, currency = moved.id, moved.amount_minor, moved.currency
    smaller = max(moved.disbursed_minor, 100)

    with database.snapshot() as session:
        batches = search.stream_awards(
            session, IN_SOUM, sort=BY_AMOUNT, batch=BATCH, columns=_CSV_SOURCE
        )
        seen = [(row.id, row.amount_minor) for row in next(batches)]
        assert (award_id, amount) in seen

        token = issue_key(database, Role.FUNDER, moved.funder_id)
        response = client.post(
            f"/api/v1/awards/{award_id}/events",
            headers=bearer(token),
            json={
                "type": "amended",
                "amount": format_amount(smaller, currency),
                "reason": "Budget revised by the commission",
            },
        )
        assert response.status_code == 201, response.text

        seen += [(row.id, row.amount_minor) for batch in batches for row in batch]

    assert seen == [(row.id, row.amount_minor) for row in before]
    after = client.get("/api/v1/awards.csv", params={"sort": "-amount", "currency": "UZS"})
    rows = list(csv.DictReader(io.StringIO(after.text)))
    assert rows[-1]["id"] == award_id  # the amendment took effect, and moved it to the end
    assert rows[-1]["amount"] == format_amount(smaller, currency)
    assert [row["id"] for row in rows].count(award_id) == 1


COLUMNS_BEFORE_ENDINGS = 33
"""The awards CSV's columns before completion, termination, legal unit and size band were added
after them: a script reading the file by position reads the same columns as before."""
ENDINGS = (
    "completed_on",
    "terminated_on",
    "termination_reason",
    "legal_unit.unit",
    "legal_unit.multiplier",
    "legal_unit.on",
    "legal_unit.value",
    "legal_unit.amount",
    "size_band",
)


def _csv(response: httpx.Response, delimiter: str = ",") -> dict[str, dict[str, str]]:
    assert response.status_code == 200, response.text
    text = response.content.decode().removeprefix("\ufeff")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)}


def test_the_awards_csv_holds_completion_termination_legal_unit_and_size_band(
    client: TestClient, database: Database
) -> None:
    """What JSON Lines says of an award's end, its amount in a legal unit and its size band, the
    CSV says too (a data journalist found them only in JSON Lines), in columns added at the end;
    an award without them has empty cells. The spreadsheet modes quote a reason that would start
    a formula and write the multiplier and amount with a decimal comma, as other amounts."""
    world = build_world(client, database)
    competition = create_competition(client, world)["id"]
    plain = create_award(client, world, competition)
    completed = create_award(client, world, competition, title={"uz": "Tugallangan"})
    terminated = create_award(client, world, competition, title={"uz": "Toʻxtatilgan"})
    for award, event in (
        (completed, {"type": "completed", "date": "2026-11-30"}),
        (terminated, {"type": "terminated", "date": "2026-05-01", "reason": "-Loyiha toʻxtadi"}),
    ):
        response = client.post(
            f"/api/v1/awards/{award['id']}/events", json=event, headers=bearer(world.fund)
        )
        assert response.status_code == 201, response.text
    kazakh = award_body(
        None,
        funder_id=KZ_OPERATOR,
        recipient_id=NGO_KZ,
        currency="KZT",
        legal_basis="Law No. 36 of 12.04.2005, art. 5",
        period={"start": "2026-04-01", "end": "2027-03-31"},
        legal_unit={"unit": "MCI", "multiplier": "5000.5", "on": "2026-01-01"},
    )
    del kazakh["amount"]
    response = client.post("/api/v1/awards", json=kazakh, headers=bearer(world.operator))
    assert response.status_code == 201, response.text
    stated = response.json()
    assert stated["amount"] == "21627162.50"  # 5,000.5 × 4,325 KZT
    size = ledger_size(database)

    after_endings = COLUMNS_BEFORE_ENDINGS + len(ENDINGS)
    assert CSV_COLUMNS[COLUMNS_BEFORE_ENDINGS:after_endings] == ENDINGS
    response = client.get("/api/v1/awards.csv")
    header = next(csv.reader(io.StringIO(response.text)))
    assert header[:COLUMNS_BEFORE_ENDINGS] == list(CSV_COLUMNS[:COLUMNS_BEFORE_ENDINGS])
    assert header[COLUMNS_BEFORE_ENDINGS:after_endings] == list(ENDINGS)
    rows = _csv(response)
    ending = {award_id: [row[name] for name in ENDINGS] for award_id, row in rows.items()}
    assert ending[plain["id"]] == [""] * len(ENDINGS)
    assert ending[completed["id"]] == ["2026-11-30", *[""] * 8]
    assert ending[terminated["id"]] == ["", "2026-05-01", "-Loyiha toʻxtadi", *[""] * 6]
    assert ending[stated["id"]] == [
        "",
        "",
        "",
        "MCI",
        "5000.5",
        "2026-01-01",
        "4325",
        "21627162.50",
        "medium",
    ]
    # Each cell as JSON Lines has it.
    for line in client.get("/api/v1/awards.jsonl").text.splitlines():
        award = json.loads(line)
        unit = award["legal_unit"] or {}
        assert ending[award["id"]] == [
            award["completed_on"] or "",
            award["terminated_on"] or "",
            award["termination_reason"] or "",
            *(unit.get(name, "") for name in ("unit", "multiplier", "on", "value", "amount")),
            award["size_band"] or "",
        ]

    for params, delimiter in (
        ({"decimal": "comma", "bom": "true"}, ";"),
        ({"sep": "tab"}, "\t"),
        ({"bom": "true"}, ","),
    ):
        spreadsheet = _csv(client.get("/api/v1/awards.csv", params=params), delimiter)
        comma = params.get("decimal") == "comma"
        assert spreadsheet[terminated["id"]]["termination_reason"] == "'-Loyiha toʻxtadi"
        row = spreadsheet[stated["id"]]
        assert row["legal_unit.multiplier"] == ("5000,5" if comma else "5000.5")
        assert row["legal_unit.amount"] == ("21627162,50" if comma else "21627162.50")
        assert row["legal_unit.value"] == "4325"
        assert row["legal_unit.on"] == "2026-01-01"
        assert [spreadsheet[plain["id"]][name] for name in ENDINGS] == [""] * len(ENDINGS)
    assert ledger_size(database) == size


COLUMNS_BEFORE_THE_REST = COLUMNS_BEFORE_ENDINGS + len(ENDINGS)
"""The awards CSV's columns before the rest of what JSON Lines says was added after them."""
THE_REST = ("award_before_close", "cap_override", "last_report_on", "source_id", "published_at")


def test_the_awards_csv_holds_what_else_json_lines_says(
    client: TestClient, database: Database
) -> None:
    """The five fields JSON Lines had and the CSV had not (a data journalist found them only in
    JSON Lines): why an award was made before its competition closed, or above the direct-award
    cap, its last report's date, the funder's own id for it and when it was published, in
    columns added at the end, each cell as JSON Lines has it; the spreadsheet modes quote those
    texts when they would start a formula."""
    world = build_world(client, database)
    competition = create_competition(client, world)["id"]  # closes 2026-02-10
    plain = create_award(client, world, competition)
    early = create_award(
        client,
        world,
        competition,
        award_date="2026-02-01",
        award_before_close="+Emergency flood relief, commission decision 12",
    )
    direct = create_award(
        client,
        world,
        None,
        amount="500000000",
        legal_basis="PQ-4 of 2024",
        cap_override="@Cabinet resolution 31, art. 5",
        source_id="-grant-17",
    )
    response = client.post(
        f"/api/v1/awards/{direct['id']}/events",
        json={"type": "reported", "date": "2026-07-01", "summary": {"ru": "Отчёт"}},
        headers=bearer(world.fund),
    )
    assert response.status_code == 201, response.text
    size = ledger_size(database)

    assert CSV_COLUMNS[:COLUMNS_BEFORE_THE_REST] == (
        *CSV_COLUMNS[:COLUMNS_BEFORE_ENDINGS],
        *ENDINGS,
    )
    assert CSV_COLUMNS[COLUMNS_BEFORE_THE_REST:] == THE_REST
    response = client.get("/api/v1/awards.csv")
    header = next(csv.reader(io.StringIO(response.text)))
    assert header == list(CSV_COLUMNS)
    rows = _csv(response)
    rest = {award_id: [row[name] for name in THE_REST] for award_id, row in rows.items()}
    published = {
        award["id"]: award["published_at"]
        for award in map(json.loads, client.get("/api/v1/awards.jsonl").text.splitlines())
    }
    assert rest[plain["id"]] == ["", "", "", "", published[plain["id"]]]
    assert rest[early["id"]] == [
        "+Emergency flood relief, commission decision 12",
        "",
        "",
        "",
        published[early["id"]],
    ]
    assert rest[direct["id"]] == [
        "",
        "@Cabinet resolution 31, art. 5",
        "2026-07-01",
        "-grant-17",
        published[direct["id"]],
    ]
    assert published[direct["id"]].endswith("Z")
    # Each cell as JSON Lines has it.
    for line in client.get("/api/v1/awards.jsonl").text.splitlines():
        award = json.loads(line)
        assert rest[award["id"]] == [award[name] or "" for name in THE_REST]

    for params, delimiter in (
        ({"decimal": "comma", "bom": "true"}, ";"),
        ({"sep": "tab"}, "\t"),
        ({"bom": "true"}, ","),
    ):
        spreadsheet = _csv(client.get("/api/v1/awards.csv", params=params), delimiter)
        assert spreadsheet[early["id"]]["award_before_close"] == (
            "'+Emergency flood relief, commission decision 12"
        )
        row = spreadsheet[direct["id"]]
        assert row["cap_override"] == "'@Cabinet resolution 31, art. 5"
        assert row["source_id"] == "'-grant-17"
        assert (row["last_report_on"], row["published_at"]) == (
            "2026-07-01",
            published[direct["id"]],
        )
        assert [spreadsheet[plain["id"]][name] for name in THE_REST[:-1]] == [""] * 4
    assert ledger_size(database) == size


DOWNLOADS = (
    "/api/v1/awards.csv",
    "/api/v1/awards.jsonl",
    "/api/v1/360giving/grants.csv",
    "/api/v1/360giving/grants.download.json",
    "/api/v1/ocds/releases.download.json",
)


def test_a_download_says_the_ledger_size_it_was_read_at(settings: Settings) -> None:
    """``Registry-Ledger-Size`` is the ledger's size in the download's own snapshot, taken
    before its response starts: an award published while the file streams is neither in it
    nor counted, and the change feed from ``after=size - 1`` gives exactly what the file
    lacks (a mirror loads the file, then follows the feed, missing nothing)."""
    app = create_app(settings)
    with TestClient(app) as client, serve(app) as base:
        world = build_world(client, app.state.database)
        competition = create_competition(client, world)["id"]
        create_award(client, world, competition, amount="1000000.00")
        for path in DOWNLOADS:
            with httpx.stream("GET", f"{base}{path}", timeout=30) as response:
                assert response.status_code == 200
                size = int(response.headers["registry-ledger-size"])
                assert size == ledger_size(app.state.database)
                new = create_award(
                    client, world, competition, amount="1000000.00"
                )  # the snapshot is already taken
                body = response.read().decode()
            assert new["id"] not in body, path
            changes = client.get("/api/v1/changes", params={"after": size - 1}).json()["items"]
            assert [(c["kind"], c["subject"]) for c in changes] == [
                ("award.published", new["id"])
            ], path
            again = httpx.get(f"{base}{path}", timeout=30)
            assert int(again.headers["registry-ledger-size"]) == size + 1
            assert new["id"] in again.text, path
            head = httpx.head(f"{base}{path}", timeout=30)
            assert head.headers["registry-ledger-size"] == str(size + 1)


@pytest.fixture
def busy_settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        signing_key_file=tmp_path / "ledger.key",
        log_origin="test.registry/ledger",
        checkpoint_interval_seconds=0,
        export_connections=1,
        export_wait_seconds=0.2,
    )


def test_downloads_beyond_their_pool_are_a_503_and_the_api_still_answers(
    busy_settings: Settings,
) -> None:
    app = create_app(busy_settings)
    with TestClient(app) as client:
        demo.load(app.state.database, awards=10)
        size = ledger_size(app.state.database)
        with app.state.database.snapshot():  # the one download connection, taken
            for path in (
                "/api/v1/awards.csv",
                "/api/v1/awards.jsonl",
                "/api/v1/360giving/grants.csv",
                "/api/v1/360giving/grants.download.json",
                "/api/v1/ocds/releases.download.json",
            ):
                response = client.get(path)
                assert response.status_code == 503
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["retry-after"] == "60"
                problem = response.json()
                assert problem["status"] == 503
                assert "download connections are in use" in problem["detail"]
            listed = client.get("/api/v1/awards", params={"limit": 3})
            assert listed.status_code == 200
            assert len(listed.json()["items"]) == 3
        response = client.get("/api/v1/awards.csv")
        assert response.status_code == 200
        assert len(list(csv.DictReader(io.StringIO(response.text)))) == len(
            client.get("/api/v1/awards", params={"limit": 500}).json()["items"]
        )
        assert ledger_size(app.state.database) == size


def test_a_slow_consumer_still_reads_loaded_awards_after_the_rows_run_out(
    app: FastAPI, database: Database
) -> None:
    """The batch read ahead reaches the end of the rows while the consumer is still formatting
    the last batch; the snapshot session must outlive the consumer, not the reader, or the
    JSON Lines download's ORM objects are expired under it."""
    demo.load(database, awards=20)
    request = Request({"type": "http", "app": app})

    ids = []
    try:
        batches = _export(request, search.AwardFilters(), search.AwardSort.AWARD_DATE_DESC, Taken())
        for batch in batches:
            time.sleep(0.3)  # the reader has long since found no more rows
            ids.extend(to_summary(award).id for award in batch)
    finally:
        app.state.database.dispose()  # no lifespan ran: the app's pools are this test's

    with database.session() as session:
        assert ids == [
            row.id
            for batch in search.stream_awards(
                session, search.AwardFilters(), sort=search.AwardSort.AWARD_DATE_DESC, batch=100
            )
            for row in batch
        ]
    assert len(ids) >= 20


def test_a_download_the_client_abandons_gives_its_connection_back_at_once(
    demo_settings: Settings,
) -> None:
    """A client that hangs up mid-download (a cancelled browser download) left the download's
    generator, and the database connection its snapshot holds, to the garbage collector,
    which in a quiet server came minutes later: with four cancelled, every download was a 503
    meanwhile (found by an open-data user). With one download connection and the collector
    off, so that only the response itself can let it go, the next download gets it at once.
    The OCDS package (about 30 MB of the demo) is the download too large for the sockets'
    buffers to take whole; every download's response is held to the same by the test below."""
    path = "/api/v1/ocds/releases.download.json"
    settings = demo_settings.model_copy(
        update={"export_connections": 1, "export_wait_seconds": 0.5}
    )
    app = create_app(settings)
    with collector_off(), serve(app) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.socket() as reader:
            # A small window, read no further than the head: the server is mid-body,
            # its sends blocked, when the client goes.
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader.connect(("127.0.0.1", port))
            reader.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
            head = reader.recv(1024)
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
            time.sleep(0.5)
        deadline = time.monotonic() + 10
        while True:
            response = httpx.get(f"{base}/api/v1/awards.csv?year=2024", timeout=30)
            if response.status_code == 200 or time.monotonic() > deadline:
                break
        assert response.status_code == 200, response.text[:300]
        assert response.text.startswith("id,")


@pytest.mark.parametrize("closing", [True, False])
def test_a_streamed_body_is_closed_when_its_client_goes(closing: bool) -> None:
    """ClosingStreamingResponse closes its body when the client disconnects mid-stream,
    without the garbage collector; Starlette's StreamingResponse (the second case, for
    contrast) leaves it open."""
    closed: list[bool] = []

    def body() -> Iterator[bytes]:
        try:
            while True:
                yield b"x" * 1024
        finally:
            closed.append(True)

    response_class = ClosingStreamingResponse if closing else StreamingResponse
    response = response_class(body())
    gone = anyio.Event()
    sends = 0

    async def receive() -> dict[str, str]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(_message: object) -> None:
        nonlocal sends
        sends += 1
        if sends == 3:  # the client goes while a send waits on its full socket
            gone.set()
            await anyio.sleep(30)

    async def respond() -> list[bool]:
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}}
        await response(scope, receive, send)
        # Asked while the response (and so its body) is still held, as a server's would be:
        # the event loop's end would finalise a forgotten body anyway.
        return list(closed)

    with collector_off():
        assert _run_elsewhere(respond) == ([True] if closing else [])


def test_a_download_whose_client_is_gone_before_its_body_begins_ends_its_snapshot() -> None:
    """The snapshot's generator is taken before the response starts (a busy pool is a 503,
    not a 200 cut short) and wrapped by the body: a client gone before the body's first
    chunk (Starlette's disconnect listener wins at once) left the wrapper unstarted, and
    closing a generator that has not begun runs none of its code, so the snapshot was left
    to the garbage collector (found by review). The response closes what holds it too."""
    closed: list[str] = []

    def snapshot() -> Iterator[bytes]:
        try:
            yield b"head"
            yield b"rows"
        finally:
            closed.append("snapshot")

    held = snapshot()
    first = next(held)

    def body() -> Iterator[bytes]:
        with contextlib.closing(held):
            yield first
            yield from held

    response = ClosingStreamingResponse(body(), holds=held)

    async def receive() -> dict[str, str]:
        return {"type": "http.disconnect"}  # gone already

    async def send(_message: object) -> None:
        await anyio.sleep(30)  # never sent: the disconnect comes first

    async def respond() -> list[str]:
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}}
        await response(scope, receive, send)
        return list(closed)

    with collector_off():
        assert _run_elsewhere(respond) == ["snapshot"]


T = TypeVar("T")


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The garbage collector off meanwhile, so that only what the code under test closes is
    closed (a forgotten generator is then let go at the test's end, not in its middle)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _run_elsewhere(main: Callable[[], Awaitable[T]]) -> T:
    """``anyio.run(main)`` on a thread of its own: the browser tests' Playwright keeps an
    event loop running on this one, where anyio cannot start another."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()
