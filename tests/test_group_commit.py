"""Group commit: writes that arrive together share one transaction and one COMMIT, and each
is accepted or refused exactly as it would be alone (each seeing the ones before it).

A gate holds the first batch open so that the next requests queue behind it and must form
one batch; the award publications and events go through the routes' own operations against
the real database, on SQLite and PostgreSQL.
"""

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from domain_helpers import (
    NGO_UZ,
    NGO_UZ_2,
    PUBLIC_FUND,
    World,
    build_world,
    issue_key,
    ledger_size,
)
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from test_awards import award_body, create_award, create_competition, post

from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Role
from registry.awards import router as awards_router
from registry.awards.models import Award
from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.core import idempotency
from registry.core.db import Database, in_write_transaction, transient
from registry.core.errors import RegistryError
from registry.core.group_commit import GroupCommit, WritesQueued

EVENT = TypeAdapter(AwardEventCreate)
Result = TypeVar("Result")


class Gate:
    """An operation that holds its batch open until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, _session: Session, units: Sequence[object]) -> list[None]:
        self.entered.set()
        assert self.release.wait(30)
        return [None] * len(units)


class Batches:
    """A GroupCommit on its own engine, counting its COMMITs and each operation call's units."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.commits = 0
        self.calls: list[int] = []
        self.committer = GroupCommit(database, max_batch=50)
        event.listen(database.engine, "commit", self._committed)

    def _committed(self, _connection: object) -> None:
        self.commits += 1

    def counted(self, operation: Callable[[Session, Sequence[Any]], list[Any]]) -> Any:
        def call(session: Session, units: Sequence[Any]) -> list[Any]:
            self.calls.append(len(units))
            return operation(session, units)

        return call

    def together(self, operation: Any, units: Sequence[Any]) -> list[Future[Any]]:
        """Submit ``units`` while a gated batch runs, so that they queue and form one batch."""
        gate = Gate()
        pool = ThreadPoolExecutor(len(units) + 1)
        held = pool.submit(self.committer.submit, gate, None)
        assert gate.entered.wait(30)
        futures = []
        for unit in units:
            futures.append(pool.submit(self.committer.submit, operation, unit))
            # In this order: wait until it is queued before submitting the next.
            while self.committer.queued() < len(futures):
                threading.Event().wait(0.005)
        self.commits = 0
        gate.release.set()
        held.result(30)
        pool.shutdown(wait=True)
        return futures


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


@pytest.fixture
def batches(database_url: str) -> Iterator[Batches]:
    database = Database(database_url)
    yield Batches(database)
    database.dispose()


def publication(database: Database, token: str, key: str | None = None, **body: Any) -> Any:
    """A publication as the route hands it to the group, with its key claimed as the route
    claims it (the fingerprint of the request's method, path and body)."""
    with database.session() as session:
        principal = auth_service.authenticate(session, token)
    data = AwardCreate.model_validate(award_body(**body))
    claimed = None
    if key is not None:
        fingerprint = idempotency.fingerprint("POST", "/api/v1/awards", data)
        claimed = idempotency.Claim(principal.key_prefix, key, fingerprint)
    return awards_router._Publication(principal, data, claimed)


def outcome(future: Future[Any]) -> tuple[int, dict[str, Any]]:
    try:
        response = future.result(30)
    except RegistryError as refused:
        return refused.status, refused.problem().model_dump()
    return response.status_code, json.loads(response.body)


def test_publications_that_arrive_together_share_one_append_and_one_commit(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(batches.database)
    units = [
        publication(
            batches.database,
            world.fund,
            competition_id=competition["id"],
            recipient_id=(NGO_UZ, NGO_UZ_2)[n % 2],
            amount=f"{1000 + n}",
            source_id=f"src-{n}",
            purpose={"ru": f"Цель {n}"},
        )
        for n in range(4)
    ]
    futures = batches.together(batches.counted(awards_router._publish), units)
    results = [outcome(future) for future in futures]
    assert [status for status, _ in results] == [201] * 4
    assert batches.calls == [4]  # one call for all four: one ledger append
    assert batches.commits == 1
    assert ledger_size(batches.database) == before + 4
    for n, (_, award) in enumerate(results):
        assert (award["amount"], award["source_id"]) == (f"{1000 + n}.00", f"src-{n}")
        # Made from the publication's entry, not read back: what a GET reads.
        assert client.get(f"/api/v1/awards/{award['id']}").json() == award


def test_a_transient_row_reads_its_values_and_no_session_writes_it(
    client: TestClient, world: World, database: Database
) -> None:
    """The publications' 201s are made of ``transient`` rows: never tracked, never written;
    a value for no column is refused, as the model's constructor refuses it."""
    award = create_award(client, world, create_competition(client, world)["id"])
    with database.session() as session:
        values = dict(
            session.execute(select(Award.__table__).where(Award.id == award["id"])).one()._mapping
        )
    copy = transient(Award, values | {"title": {"uz": "Boshqa"}})
    assert (copy.id, copy.amount_minor, copy.title) == (
        award["id"],
        values["amount_minor"],
        {"uz": "Boshqa"},
    )
    assert inspect(copy).transient
    with pytest.raises(TypeError, match="colour"):
        transient(Award, values | {"colour": "red"})
    with database.session(write=True) as session:
        session.get(Award, award["id"])  # the same key loaded beside it
        session.flush()
        assert copy not in session
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award


def test_a_refusal_in_a_batch_refuses_only_its_own_request(
    client: TestClient, world: World, batches: Batches
) -> None:
    # A budget for two of the four: the first two are accepted, the third and fourth each see
    # the ones before them and are refused; an unknown recipient between them is refused too.
    competition = create_competition(client, world, budget="1000")
    before = ledger_size(batches.database)
    units = [
        publication(batches.database, world.fund, competition_id=competition["id"], amount="400"),
        publication(
            batches.database,
            world.fund,
            competition_id=competition["id"],
            amount="1",
            recipient_id="UZ-STIR-999999999",
        ),
        publication(batches.database, world.fund, competition_id=competition["id"], amount="500"),
        publication(batches.database, world.fund, competition_id=competition["id"], amount="200"),
        publication(batches.database, world.fund, competition_id=competition["id"], amount="100"),
    ]
    futures = batches.together(batches.counted(awards_router._publish), units)
    results = [outcome(future) for future in futures]
    assert [status for status, _ in results] == [201, 404, 201, 422, 201]
    assert "recipient_id" in str(results[1][1])
    assert results[3][1]["errors"][0]["field"] == "amount"
    assert "100.00 UZS" in results[3][1]["errors"][0]["message"]
    # The batch first, then each alone in order.
    assert batches.calls == [5, 1, 1, 1, 1, 1]
    assert batches.commits == 1
    assert ledger_size(batches.database) == before + 3
    read = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert read["committed"] == "1000.00"


def test_a_key_used_twice_in_one_batch_is_answered_as_a_retry(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(batches.database)
    first = publication(batches.database, world.fund, "k-1", competition_id=competition["id"])
    other = publication(batches.database, world.fund, "k-2", competition_id=competition["id"])
    futures = batches.together(awards_router._publish, [first, other, first])
    responses = [future.result(30) for future in futures]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert json.loads(responses[2].body) == json.loads(responses[0].body)
    assert responses[2].headers["Idempotent-Replay"] == "true"
    assert batches.commits == 1
    assert ledger_size(batches.database) == before + 2


def test_events_to_one_award_in_one_batch_each_answer_with_the_award_after_their_own(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    award = post(client, "/api/v1/awards", award_body(competition["id"]), world.fund).json()
    with batches.database.session() as session:
        principal = auth_service.authenticate(session, world.fund)
    events = [
        EVENT.validate_python(
            {"type": "disbursed", "amount": amount, "date": "2026-03-20", "tranche": tranche}
        )
        for tranche, amount in ((1, "1000"), (2, "2000"))
    ]
    units = [awards_router._Event(principal, award["id"], e, None) for e in events]
    futures = batches.together(batches.counted(awards_router._add_events), units)
    first, second = (future.result(30) for future in futures)

    assert len(json.loads(first.body)["events"]) == 2
    assert len(json.loads(second.body)["events"]) == 3
    assert batches.calls == [2, 1, 1]
    assert batches.commits == 1


def test_a_key_stored_earlier_is_a_retry_and_a_key_reused_for_another_body_a_422(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    first = publication(batches.database, world.fund, "k-1", competition_id=competition["id"])
    (earlier,) = [batches.committer.submit(awards_router._publish, first)]
    before = ledger_size(batches.database)
    other_body = publication(
        batches.database, world.fund, "k-1", competition_id=competition["id"], amount="7"
    )
    fresh = publication(batches.database, world.fund, "k-3", competition_id=competition["id"])
    futures = batches.together(batches.counted(awards_router._publish), [first, other_body, fresh])
    retry, reused, new = (outcome(future) for future in futures)
    assert retry == (201, json.loads(earlier.body))
    assert futures[0].result().headers["Idempotent-Replay"] == "true"
    assert reused[0] == 422
    assert reused[1]["errors"][0]["field"] == "header.Idempotency-Key"
    assert new[0] == 201
    assert batches.calls == [3, 1, 1, 1]  # the stored key sent them one by one
    assert batches.commits == 1
    assert ledger_size(batches.database) == before + 1


class Boom(Exception):
    pass


def test_an_error_that_is_not_a_refusal_fails_the_whole_batch(
    client: TestClient, world: World, batches: Batches
) -> None:
    # A database error or a bug is not a problem of one request: SQLite, for one, rolls the
    # whole transaction back on some errors, so nothing of the batch may be acknowledged.
    competition = create_competition(client, world)
    before = ledger_size(batches.database)
    units = [
        publication(batches.database, world.fund, competition_id=competition["id"], amount=amount)
        for amount in ("1", "2", "3")
    ]

    def breaks_on_two(session: Session, batch: Sequence[Any]) -> list[Any]:
        if any(unit.data.amount == "2" for unit in batch):
            raise Boom("the disk is full")
        return awards_router._publish(session, batch)

    futures = batches.together(batches.counted(breaks_on_two), units)
    for future in futures:
        with pytest.raises(Boom, match="the disk is full"):
            future.result(30)
    assert batches.calls == [3]  # not retried one by one
    assert batches.commits == 0
    assert ledger_size(batches.database) == before
    # The writer carries on: the next write goes through.
    (response,) = [batches.committer.submit(awards_router._publish, units[0])]
    assert response.status_code == 201


def test_a_failed_commit_fails_every_request_of_its_batch(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(batches.database)
    units = [
        publication(batches.database, world.fund, competition_id=competition["id"])
        for _ in range(3)
    ]
    armed = threading.Event()

    def refuse(session: Session) -> None:
        if armed.is_set() and in_write_transaction(session):
            raise RuntimeError("the disk is full")

    gate = Gate()
    pool = ThreadPoolExecutor(4)
    event.listen(Session, "before_commit", refuse)
    try:
        held = pool.submit(batches.committer.submit, gate, None)
        assert gate.entered.wait(30)

        def arming(session: Session, batch: Sequence[Any]) -> list[Any]:
            armed.set()  # the three's COMMIT fails, not the gate's before them
            return awards_router._publish(session, batch)

        operation = batches.counted(arming)
        futures = [pool.submit(batches.committer.submit, operation, u) for u in units]
        while batches.committer.queued() < 3:
            threading.Event().wait(0.005)
        gate.release.set()
        assert held.result(30) is None  # the gate's batch commits before the three
        errors = []
        for future in futures:
            with pytest.raises(RuntimeError, match="the disk is full") as raised:
                future.result(30)
            errors.append(raised.value)
        assert len({id(error) for error in errors}) == 3  # each request raises its own
        assert batches.calls == [3]  # one batch, and it did not commit
    finally:
        event.remove(Session, "before_commit", refuse)
        pool.shutdown()
    assert ledger_size(batches.database) == before
    (response,) = [batches.committer.submit(awards_router._publish, units[0])]
    assert response.status_code == 201
    assert ledger_size(batches.database) == before + 1


def _in_own_loop(coroutine: Coroutine[Any, Any, Result]) -> Result:
    """``asyncio.run`` in a thread of its own: this thread may have a loop running already
    (the browser tests' Playwright leaves one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(60)


def test_writes_awaited_on_an_event_loop_form_one_batch_and_hold_no_thread_each(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(batches.database)
    units = [
        publication(
            batches.database, world.fund, competition_id=competition["id"], amount=f"{2000 + n}"
        )
        for n in range(6)
    ]
    operation = batches.counted(awards_router._publish)
    gate = Gate()

    async def scenario() -> tuple[list[Any], set[threading.Thread], set[threading.Thread]]:
        held = asyncio.ensure_future(asyncio.to_thread(batches.committer.submit, gate, None))
        assert await asyncio.to_thread(gate.entered.wait, 30)
        threads = set(threading.enumerate())
        writes = [asyncio.ensure_future(batches.committer.write(operation, u)) for u in units]
        while batches.committer.queued() < len(units):  # noqa: ASYNC110 - no event tells
            await asyncio.sleep(0.005)
        waiting = set(threading.enumerate())
        batches.commits = 0
        gate.release.set()
        await held
        return await asyncio.gather(*writes), threads, waiting

    responses, threads, waiting = _in_own_loop(scenario())
    assert not waiting - threads  # six writes queued, not one thread more
    assert len([t for t in waiting if t.name == "group-commit"]) == 1
    assert [response.status_code for response in responses] == [201] * 6
    assert [json.loads(r.body)["amount"] for r in responses] == [f"{2000 + n}.00" for n in range(6)]
    assert batches.calls == [6]
    assert batches.commits == 1
    assert ledger_size(batches.database) == before + 6


def test_the_writer_stops_when_nothing_is_queued_and_the_next_write_starts_another(
    batches: Batches,
) -> None:
    def writers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "group-commit"]

    def alone(_session: Session, units: Sequence[int]) -> list[int]:
        return [unit * 2 for unit in units]

    for n in range(3):
        assert batches.committer.submit(alone, n) == n * 2
        for writer in writers():
            writer.join(30)
        assert not writers()
    assert _in_own_loop(batches.committer.write(alone, 21)) == 42


def test_a_revoked_key_in_a_batch_refuses_only_its_own_request(
    client: TestClient, world: World, batches: Batches
) -> None:
    competition = create_competition(client, world)
    spare = issue_key(batches.database, Role.FUNDER, PUBLIC_FUND)
    units = [
        publication(batches.database, token, competition_id=competition["id"], amount=amount)
        for token, amount in ((world.fund, "100"), (spare, "200"), (world.fund, "300"))
    ]
    with batches.database.session(write=True) as session:  # after its request was let in
        auth_service.revoke_key(session, actor=SYSTEM_ACTOR, prefix=spare.split("_")[1])
    before = ledger_size(batches.database)
    futures = batches.together(batches.counted(awards_router._publish), units)
    results = [outcome(future) for future in futures]
    assert [status for status, _ in results] == [201, 401, 201]
    assert "revoked" in results[1][1]["detail"]
    assert batches.calls == [3, 1, 1, 1]
    assert ledger_size(batches.database) == before + 2  # nothing of the revoked key's


def test_writes_beyond_the_queue_are_refused_with_a_503_and_change_nothing(
    database: Database,
) -> None:
    committer = GroupCommit(database, max_batch=2, max_queued=3)
    gate = Gate()
    before = ledger_size(database)
    with ThreadPoolExecutor(5) as pool:
        held = pool.submit(committer.submit, gate, None)
        assert gate.entered.wait(30)
        queued = [pool.submit(committer.submit, lambda _s, units: list(units), n) for n in range(3)]
        while committer.queued() < 3:
            threading.Event().wait(0.005)
        with pytest.raises(WritesQueued) as refused:
            committer.submit(lambda _s, units: list(units), 99)
        assert refused.value.status == 503
        assert refused.value.headers["Retry-After"] == "1"
        gate.release.set()
        held.result(30)
        assert [future.result(30) for future in queued] == [0, 1, 2]
    assert committer.close(30)
    assert ledger_size(database) == before


def test_close_waits_for_the_writes_queued(database: Database) -> None:
    finished: list[int] = []
    gate = Gate()

    def slow(_session: Session, units: Sequence[int]) -> list[int]:
        finished.extend(units)
        return list(units)

    committer = GroupCommit(database, max_batch=10)
    with ThreadPoolExecutor(3) as pool:
        pool.submit(committer.submit, gate, None)
        assert gate.entered.wait(30)
        pool.submit(committer.submit, slow, 7)
        while committer.queued() < 1:
            threading.Event().wait(0.005)
        assert not committer.close(0.05)  # the gate still holds the writer
        gate.release.set()
        assert committer.close(30)
        assert finished == [7]


def _within(committer: GroupCommit, unit: int) -> int:
    """``unit`` written through ``committer``, or a failure after 30 s (never a hung test)."""
    written: list[int] = []
    # A daemon thread: a write that hangs must not hang the test run (or its exit) too.
    thread = threading.Thread(
        target=lambda: written.append(committer.submit(lambda _s, units: list(units), unit)),
        daemon=True,
    )
    thread.start()
    thread.join(30)
    assert written, "the write was not answered in 30 s"
    return written[0]


def test_a_system_exit_in_a_batch_reaches_its_requests_as_an_error_not_the_server(
    database: Database,
) -> None:
    committer = GroupCommit(database, max_batch=10)

    def exits(_session: Session, _units: Sequence[int]) -> list[int]:
        raise SystemExit(3)

    with pytest.raises(RuntimeError, match="batch was stopped") as stopped:
        committer.submit(exits, 1)
    assert isinstance(stopped.value.__cause__, SystemExit)
    assert _within(committer, 2) == 2  # the writer carries on


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_writer_that_dies_after_its_commit_answers_its_batch_and_another_takes_over(
    database: Database,
) -> None:
    calls: list[int] = []

    def after_commit() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt  # kills the writer thread, as a bug in it might

    before = set(threading.enumerate())
    committer = GroupCommit(database, max_batch=10, after_commit=after_commit)
    assert _within(committer, 5) == 5  # committed before the writer died: answered
    assert _within(committer, 6) == 6  # another writer took over
    assert committer.close(30)
    assert len(calls) == 2
    # The dead writer's exception reaches threading's hook as its thread ends, which may be
    # after the answers above: wait for it here, where it is expected, not in the next test
    # (the final proof of 4cadf38 saw it there, an error in that test's set-up).
    for thread in set(threading.enumerate()) - before:
        if thread.name == "group-commit":
            thread.join(30)


def test_a_writer_that_cannot_start_fails_its_request_and_strands_nothing(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    committer = GroupCommit(database, max_batch=10)

    def refuse(_thread: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patched:
        patched.setattr(threading.Thread, "start", refuse)
        with pytest.raises(RuntimeError, match="can't start new thread"):
            committer.submit(lambda _s, units: list(units), 1)
    assert committer.queued() == 0
    assert _within(committer, 2) == 2
