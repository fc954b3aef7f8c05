"""The award rollup always equals a GROUP BY over the awards: after a random run of writes
through the HTTP API, facets and statistics read from it equal those grouped from the awards
table, and a replay, a fresh migration's backfill and ``rollup.rebuild`` all give it back."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from domain_helpers import KZ_OPERATOR, NGO_KZ, NGO_UZ, NGO_UZ_2, PUBLIC_FUND, World, build_world
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from registry import replay
from registry.core import migrations
from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.publication import rollup
from registry.publication.models import AwardFacetTotal, AwardRollup

FACETS = "instrument,region,funder,recipient,status,year,currency"
ROLLUP_GROUPS = ("funder", "instrument", "region", "year")
# Matches every award the test writes, and is no rollup dimension: forces the awards table.
EVERYTHING_FROM_AWARDS = {"awarded_from": "1990-01-01"}


def _rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    tables = (AwardRollup.__table__, AwardFacetTotal.__table__)
    return {
        table.name: [
            tuple(row)
            for row in session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in tables
    }


def rollup_rows(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    with database.session() as session:
        return _rows(session)


def grouped_from_awards(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """What the rollup tables should hold, recomputed (in a transaction rolled back after)."""
    with database.engine.connect() as connection, Session(bind=connection) as session:
        rollup.rebuild(session)
        rows = _rows(session)
        session.rollback()
    return rows


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL every engine runs meanwhile, to tell which table a request read."""
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", note)


class Writer:
    """Random publications and later events, through HTTP, keeping only what was accepted."""

    def __init__(self, client: TestClient, world: World, rng: random.Random) -> None:
        self.client, self.world, self.rng = client, world, rng
        self.awards: list[tuple[str, str]] = []  # (award id, the funder's key)

    def post(self, path: str, body: dict[str, Any], token: str) -> dict[str, Any] | None:
        response = self.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (201, 422), response.text
        return response.json() if response.status_code == 201 else None

    def publish(self) -> None:
        rng = self.rng
        kazakh = rng.random() < 0.3
        token = self.world.operator if kazakh else self.world.fund
        day = rng.randrange(1, 28)
        year = rng.choice((2025, 2026))
        body = {
            "funder_id": KZ_OPERATOR if kazakh else PUBLIC_FUND,
            "recipient_id": NGO_KZ if kazakh else rng.choice((NGO_UZ, NGO_UZ_2)),
            # Each country's own instruments (subsidies are Uzbek, prizes Kazakh).
            "instrument": rng.choice(
                ("grant", "prize", "social_contract")
                if kazakh
                else ("grant", "subsidy", "social_contract")
            ),
            "title": {"uz": f"Loyiha {len(self.awards)}"},
            "amount": str(rng.randrange(1, 50) * 1_000_000),
            "currency": "KZT" if kazakh else "UZS",
            "award_date": f"{year}-0{rng.randrange(1, 10)}-{day:02d}",
            "period": {"start": f"{year}-10-01", "end": f"{year + 1}-06-30"},
            "legal_basis": "PQ-1",
            "themes": [rng.choice(("youth", "ecology", "health"))],
        }
        if body["instrument"] == "prize":
            del body["period"]  # a prize is a fixed sum with no project, so no period
        if rng.random() < 0.3:
            body["region"] = rng.choice(("KZ-75", "KZ-19") if kazakh else ("UZ-TK", "UZ-FA"))
        created = self.post("/api/v1/awards", body, token)
        assert created is not None
        self.awards.append((created["id"], token))

    def later_event(self) -> None:
        rng = self.rng
        award_id, token = rng.choice(self.awards)
        award = self.client.get(f"/api/v1/awards/{award_id}").json()
        kind = rng.choice(("amend", "disburse", "disburse", "complete", "terminate", "correct"))
        if kind == "amend":
            body = {"type": "amended", "amount": str(rng.randrange(1, 60) * 1_000_000)}
            body["reason"] = "revised"
        elif kind == "disburse":
            body = {"type": "disbursed", "amount": str(rng.randrange(1, 20) * 100_000)}
            body["date"] = "2026-10-15"
        elif kind == "complete":
            body = {"type": "completed", "date": "2026-11-30"}
        elif kind == "terminate":
            body = {"type": "terminated", "date": "2026-12-01", "reason": "stopped"}
        else:
            body = self.correction(award)
        self.post(f"/api/v1/awards/{award_id}/events", body, token)

    def correction(self, award: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        target = rng.choice([e for e in award["events"] if e["kind"] != "award.corrected"])
        body: dict[str, Any] = {"type": "corrected", "corrects": target["seq"], "reason": "fix"}
        if target["kind"] == "award.published":
            body["changes"] = rng.choice(
                (
                    {"award_date": f"{rng.choice((2024, 2025, 2026))}-05-05"},
                    {"region": rng.choice(("UZ-SA", "UZ-NG"))},
                    {"amount": str(rng.randrange(1, 50) * 1_000_000)},
                )
            )
        elif target["kind"] in ("award.disbursed", "award.terminated", "award.completed"):
            body["void"] = True
        else:
            body["changes"] = {"reason": "corrected reason"}
        return body


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


@pytest.mark.parametrize("seed", [5, 11])
def test_rollup_facets_equal_the_awards_after_random_writes(
    client: TestClient,
    world: World,
    database: Database,
    database_url_factory,
    settings: Settings,
    seed: int,
) -> None:
    writer = Writer(client, world, random.Random(seed))
    for _ in range(8):
        writer.publish()
    for _ in range(60):
        if writer.rng.random() < 0.25:
            writer.publish()
        else:
            writer.later_event()

    expected = grouped_from_awards(database)
    assert rollup_rows(database) == expected
    statuses = {row[5] for row in expected["award_rollup"]}
    assert {"active", "terminated"} <= statuses or {"active", "completed"} <= statuses

    for filters, table in (
        ({}, "award_facet_totals"),
        ({"funder": PUBLIC_FUND}, "award_rollup"),
        ({"region": "UZ-SA,UZ-TK", "year": "2026"}, "award_rollup"),
        ({"year": ["2026", "2024"]}, "award_facet_totals"),  # year facet; the others: rollup
    ):
        with statements() as read:
            from_rollup = client.get("/api/v1/awards", params=filters | {"facets": FACETS})
        assert from_rollup.status_code == 200, from_rollup.text
        assert any(f"FROM {table}" in sql for sql in read)
        from_awards = client.get(
            "/api/v1/awards", params=filters | EVERYTHING_FROM_AWARDS | {"facets": FACETS}
        )
        assert from_rollup.status_code == from_awards.status_code == 200
        assert from_rollup.json()["facets"] == from_awards.json()["facets"]
        assert from_rollup.json()["facets"]["funder"]  # not vacuously equal
        for group in ROLLUP_GROUPS:
            stats = client.get("/api/v1/stats/awards", params=filters | {"group_by": group})
            base = client.get(
                "/api/v1/stats/awards",
                params=filters | EVERYTHING_FROM_AWARDS | {"group_by": group},
            )
            assert stats.json() == base.json()
    with statements() as read:
        client.get("/api/v1/awards", params=EVERYTHING_FROM_AWARDS | {"facets": "funder"})
    assert not any("award_rollup" in sql or "award_facet_totals" in sql for sql in read)

    totals = client.get(f"/api/v1/organizations/{PUBLIC_FUND}").json()["given"]
    assert sum(row["count"] for row in totals) == sum(
        row[6] for row in expected["award_rollup"] if row[0] == PUBLIC_FUND
    )

    copy = Database(database_url_factory())
    try:
        signer = NoteSigner(
            name=settings.log_origin,
            private_key=load_or_create_signing_key(settings.signing_key_file),
        )
        replay.replay(database, copy, verifier=signer.verifier)
        assert rollup_rows(copy) == expected
    finally:
        copy.dispose()

    # An upgraded database is filled from its awards by the migration. The app's checkpoint
    # timer stops first: on SQLite its write transaction every half second would lock the file
    # under the migration.
    client.app.state.checkpointer.stop()
    database.dispose()
    migrations.downgrade(database.url, "0005_source_ids")
    migrations.upgrade(database.url)
    assert rollup_rows(database) == expected


def test_an_award_leaving_its_key_empties_it(client: TestClient, world: World) -> None:
    """The rollup holds no zero rows: a key whose last award moves away is deleted."""
    writer = Writer(client, world, random.Random(1))
    writer.publish()
    award_id, token = writer.awards[0]
    before = client.get("/api/v1/awards", params={"facets": "status"}).json()["facets"]
    assert [value["value"] for value in before["status"]] == ["active"]
    assert writer.post(
        f"/api/v1/awards/{award_id}/events",
        {"type": "terminated", "date": "2026-12-01", "reason": "stopped"},
        token,
    )
    after = client.get("/api/v1/awards", params={"facets": "status"}).json()["facets"]
    assert [(value["value"], value["count"]) for value in after["status"]] == [("terminated", 1)]


def test_deltas_never_flushed_refuse_the_commit(database: Database) -> None:
    """A projector's deltas are written by ``journal.record``; a path that forgot to would
    leave the rollup short, so the commit is refused rather than silently drifting."""
    contribution = rollup.Contribution(
        ("UZ-STIR-207050449", "grant", "", 2026, "UZS", "active"), 100, 0
    )
    with (
        pytest.raises(RuntimeError, match="never flushed"),
        database.session(write=True) as session,
    ):
        rollup.move(session, None, contribution)
    assert rollup_rows(database) == {"award_rollup": [], "award_facet_totals": []}
