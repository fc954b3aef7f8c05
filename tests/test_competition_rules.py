"""A competition's window, stages, programme year and round number hold together: an
amendment does not move the close past what was already recorded after it, the year is the
window's, and a funder numbers each year's rounds once. Every refusal names the field, on
both databases, and changes nothing."""

from typing import Any

import pytest
from domain_helpers import World, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import create_competition, post

from registry.core.db import Database

PROBLEM = "application/problem+json"
OPENS = "2026-01-10T09:00:00+05:00"  # competition_body's window closes 2026-02-10 18:00


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def refused(response, field: str) -> str:
    """The one error's message, after checking it is a problem naming ``field``."""
    assert response.status_code in (409, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == field, error
    return str(error["message"])


def event(client: TestClient, competition: dict, body: dict, token: str) -> Any:
    return post(client, f"/api/v1/competitions/{competition['id']}/events", body, token)


def closing(closes: str) -> dict:
    return {
        "type": "amended",
        "changes": {"window": {"opens": OPENS, "closes": closes}},
        "reason": "Intake extended",
    }


def test_the_close_does_not_move_past_a_stage_already_recorded(
    client: TestClient, world: World, database: Database
) -> None:
    """A stage is dated on or after the day the window closed, so moving the close past one
    would leave a history that could never have been written in that order."""
    competition = create_competition(client, world)
    stage = {
        "type": "applications_closed",
        "date": "2026-02-12",
        "applications": 40,
        "organizations": 36,
    }
    assert event(client, competition, stage, world.fund).status_code == 201
    competition = client.get(f"/api/v1/competitions/{competition['id']}").json()
    before = ledger_size(database)

    response = event(client, competition, closing("2026-02-20T18:00:00+05:00"), world.fund)

    message = refused(response, "changes.window.closes")
    assert response.status_code == 422
    assert "after applications_closed was recorded (dated 2026-02-12)" in message
    assert "close it on or before 2026-02-12" in message
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition
    # Closing on the stage's own day keeps the stage after the close, as recording it would.
    same_day = event(client, competition, closing("2026-02-12T18:00:00+05:00"), world.fund)
    assert same_day.status_code == 201, same_day.text
    assert same_day.json()["window"]["closes"] == "2026-02-12T18:00:00+05:00"


def test_the_close_does_not_move_past_the_results(
    client: TestClient, world: World, database: Database
) -> None:
    competition = create_competition(client, world)
    results = {"type": "results_published", "applications_received": 12}
    assert event(client, competition, results, world.fund).status_code == 201
    competition = client.get(f"/api/v1/competitions/{competition['id']}").json()
    before = ledger_size(database)

    response = event(client, competition, closing("2099-02-20T18:00:00+05:00"), world.fund)

    assert "after its results were published" in refused(response, "changes.window.closes")
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition
    earlier = event(client, competition, closing("2026-02-11T18:00:00+05:00"), world.fund)
    assert earlier.status_code == 201, earlier.text
