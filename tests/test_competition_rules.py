"""A competition's window, stages, programme year and round number hold together: an
amendment does not move the close past what was already recorded after it, the year is the
window's, and a funder numbers each year's rounds once. Every refusal names the field, on
both databases, and changes nothing."""

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from domain_helpers import PUBLIC_FUND, World, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import competition_body, create_competition, post

from registry.core.db import Database
from registry.imports import files
from registry.imports.report import ImportRejected

PROBLEM = "application/problem+json"
TASHKENT = ZoneInfo("Asia/Tashkent")
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


@pytest.mark.parametrize(
    ("year", "window", "message"),
    [
        (2031, None, "2031 is not this window's programme year"),
        (2019, None, "(2026 or 2027, Asia/Tashkent)"),
        # Counted in the competition's zone: this window opens on 1 January in Tashkent,
        # though it is still 2025 in UTC.
        (
            2025,
            {"opens": "2026-01-01T00:30:00+05:00", "closes": "2026-01-20T18:00:00+05:00"},
            "the year the window opens or closes in, or the year after",
        ),
    ],
)
def test_the_programme_year_is_the_window_s(
    client: TestClient,
    world: World,
    database: Database,
    year: int,
    window: dict | None,
    message: str,
) -> None:
    body = competition_body(year=year) | ({"window": window} if window else {})
    before = ledger_size(database)

    response = post(client, "/api/v1/competitions", body, world.fund)

    assert response.status_code == 422
    assert message in refused(response, "year")
    assert ledger_size(database) == before


@pytest.mark.parametrize("year", [2026, 2027])
def test_a_round_may_belong_to_the_year_after_its_window(
    client: TestClient, world: World, year: int
) -> None:
    """A round of next year's programme may be announced and held in the last weeks of the
    year before, so that its projects start in January."""
    december = {"opens": "2026-11-02T09:00:00+05:00", "closes": "2026-11-30T18:00:00+05:00"}
    created = create_competition(client, world, year=year, window=december)
    assert created["year"] == year
    assert created["id"] == f"CMP-{year}-00001"


def test_a_funder_numbers_each_year_s_rounds_once(
    client: TestClient, world: World, database: Database
) -> None:
    """The same round published twice without an Idempotency-Key (a retry) is a 409 naming
    round_number; the number is the funder's, for one instrument and one year, and a
    cancelled round's number may be announced again."""
    first = create_competition(client, world)  # grant round 4 of 2026
    before = ledger_size(database)

    again = post(client, "/api/v1/competitions", competition_body(), world.fund)

    assert again.status_code == 409
    message = refused(again, "round_number")
    assert message.startswith(
        f"UZ-STIR-207050449 already published grant round 4 of 2026 ({first['id']})"
    )
    assert ledger_size(database) == before
    assert client.get("/api/v1/competitions").json()["items"][0]["id"] == first["id"]
    # In a batch, the second of two alike is refused and neither is written.
    batch = {
        "operations": [
            {"op": "competitions.create", "body": competition_body(round_number=5)},
            {"op": "competitions.create", "body": competition_body(round_number=5)},
        ]
    }
    response = post(client, "/api/v1/batches", batch, world.fund)
    assert refused(response, "operations.1.body.round_number")
    assert ledger_size(database) == before
    # A retry with an Idempotency-Key still gives the first answer, writing nothing.
    keyed = {"Idempotency-Key": "round-6"}
    sixth = post(
        client, "/api/v1/competitions", competition_body(round_number=6), world.fund, **keyed
    )
    assert sixth.status_code == 201, sixth.text
    retried = post(
        client, "/api/v1/competitions", competition_body(round_number=6), world.fund, **keyed
    )
    assert (retried.status_code, retried.json()) == (201, sixth.json())
    # Another instrument, another funder or another year numbers its own rounds.
    for other, token in (
        (competition_body(instrument="social_contract"), world.fund),
        (competition_body(funder_id="UZ-STIR-201122919"), world.ministry),
        (competition_body(year=2027), world.fund),
    ):
        response = post(client, "/api/v1/competitions", other, token)
        assert response.status_code == 201, response.text
    cancelled = event(
        client, first, {"type": "cancelled", "reason": "Budget withdrawn"}, world.fund
    )
    assert cancelled.status_code == 201, cancelled.text
    announced_again = post(client, "/api/v1/competitions", competition_body(), world.fund)
    assert announced_again.status_code == 201, announced_again.text
    assert announced_again.json()["round_number"] == 4


def _tender(number: int, **tender: Any) -> dict[str, Any]:
    """An OCDS release announcing a competition of the Public Fund's."""
    return {
        "ocid": f"ocds-test-CMP-{number}",
        "id": f"ocds-test-CMP-{number}-1",
        "date": "2026-01-05T10:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": {"id": PUBLIC_FUND, "name": "Jamoat fondi"},
        "tender": {
            "id": f"CMP-{number}",
            "title": f"Grant tanlovi {number}",
            "status": "active",
            "value": {"amount": "1000000000", "currency": "UZS"},
            "tenderPeriod": {
                "startDate": "2026-01-10T09:00:00+05:00",
                "endDate": "2026-02-10T18:00:00+05:00",
            },
            **tender,
        },
    }


def test_an_import_is_held_to_the_year_and_the_round_naming_the_file_s_fields(
    database: Database,
) -> None:
    """An OCDS feed's programme year and round number are the registry's extensions: a
    year that is not the window's, or a round the file gives twice, is refused under the
    file's own names and nothing is written. A release without a programme year takes the
    year its window opens in, which always fits."""
    releases = [
        _tender(1, programmeYear=2019, roundNumber=1),
        _tender(2, roundNumber=4),
        _tender(3, programmeYear=2026, roundNumber=4),
    ]
    content = json.dumps({"version": "1.1", "releases": releases}).encode()

    with pytest.raises(ImportRejected) as caught:
        files.import_file(
            database, content, standard=files.Standard.OCDS, file_format=files.FileFormat.JSON
        )

    assert [(p.row, p.field) for p in caught.value.problems] == [
        ("releases[0] (ocds-test-CMP-1-1)", "tender.programmeYear"),
        ("releases[2] (ocds-test-CMP-3-1)", "tender.roundNumber"),
    ]
    assert "2019 is not this window's programme year" in caught.value.problems[0].message
    assert "already published grant round 4 of 2026" in caught.value.problems[1].message
    assert ledger_size(database) == 0
    fixed = [releases[0] | {"tender": releases[0]["tender"] | {"programmeYear": 2026}}]
    summary = files.import_file(
        database,
        json.dumps({"version": "1.1", "releases": [*fixed, releases[1]]}).encode(),
        standard=files.Standard.OCDS,
        file_format=files.FileFormat.JSON,
    )
    assert summary.competitions == 2


def test_the_close_does_not_move_past_the_results_within_their_day(
    client: TestClient, world: World, database: Database
) -> None:
    """Results published today at some time: the close may not move past that time, even
    on the same day."""
    today = datetime.now(TASHKENT).replace(microsecond=0)
    window = {"opens": (today - timedelta(days=30)).isoformat(), "closes": ""}
    window["closes"] = (today - timedelta(minutes=30)).isoformat()
    competition = create_competition(client, world, year=today.year, window=window)
    results = {"type": "results_published", "applications_received": 12}
    assert event(client, competition, results, world.fund).status_code == 201
    before = ledger_size(database)
    later = {**window, "closes": (today + timedelta(minutes=30)).isoformat()}

    response = event(
        client,
        competition,
        {"type": "amended", "changes": {"window": later}, "reason": "Late"},
        world.fund,
    )

    assert "after its results were published" in refused(response, "changes.window.closes")
    assert ledger_size(database) == before
