"""A competition's stages as ledger entries (applications closed, compliance checked,
commission decided, preliminary and final results): their order, dates and counts, the time
zone its deadlines are counted in, and applications per award by funder and year."""

import re
from datetime import datetime, timedelta, timezone
from html import unescape
from typing import Any

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    NGO_UZ_2,
    PUBLIC_FUND,
    World,
    build_world,
    ledger_size,
)
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body, create_competition, post

from registry import demo
from registry.core import clock
from registry.core.db import Database

MINUTES = "9f2c" * 16

STAGES: list[dict[str, Any]] = [
    {
        "type": "applications_closed",
        "date": "2026-02-10",
        "applications": 40,
        "organizations": 36,
        "by_language": {"uz": 30, "ru": 10},
    },
    {
        "type": "compliance_checked",
        "date": "2026-02-24",
        "admitted": 31,
        "refused": 9,
        "reasons": {"late": 2, "incomplete_documents": 7},
    },
    {"type": "commission_decided", "date": "2026-03-10", "members": 9, "document_sha256": MINUTES},
    {"type": "preliminary_results", "date": "2026-03-12", "winners": 2},
    {"type": "final_results", "date": "2026-03-20", "winners": 2},
]


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def add(client: TestClient, competition_id: str, event: dict, token: str) -> Any:
    return post(client, f"/api/v1/competitions/{competition_id}/events", event, token)


def refused(
    client: TestClient, database: Database, competition_id: str, event: dict, token: str
) -> tuple[int, dict]:
    before = ledger_size(database)
    response = add(client, competition_id, event, token)
    assert response.status_code in (403, 409, 422), response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert ledger_size(database) == before
    return response.status_code, response.json()["errors"][0]


def test_the_stages_are_entries_shown_in_order_with_their_counts(
    client: TestClient, world: World
) -> None:
    competition = create_competition(client, world)
    seqs = []
    for stage in STAGES:
        response = add(client, competition["id"], stage, world.fund)
        assert response.status_code == 201, response.text
        seqs.append(response.json()["events"][-1]["seq"])
    read = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert [s["stage"] for s in read["stages"]] == [s["type"] for s in STAGES]
    assert [s["seq"] for s in read["stages"]] == seqs
    assert read["stages"][0]["body"]["by_language"] == {"uz": 30, "ru": 10}
    assert read["stages"][1]["body"]["reasons"] == {"late": 2, "incomplete_documents": 7}
    assert read["stages"][2]["body"]["document_sha256"] == MINUTES
    assert read["applications"] == 40
    assert read["admitted"] == 31
    assert read["status"] == "awarded"  # final results publish the results
    assert read["time_zone"] == "Asia/Tashkent"
    for recipient in (None, NGO_UZ_2):
        body = award_body(competition["id"], amount="1000")
        if recipient:
            body["recipient_id"] = recipient
        assert post(client, "/api/v1/awards", body, world.fund).status_code == 201
    read = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert read["applications_per_award"] == "20.00"
    entry = client.get(f"/api/v1/ledger/entries/{seqs[0]}").json()
    assert entry["entry"]["kind"] == "competition.applications_closed"


@pytest.mark.parametrize(
    ("event", "status", "field", "message"),
    [
        (
            {**STAGES[0], "date": "2026-02-09"},
            422,
            "date",
            "before applications closed (2026-02-10",
        ),
        ({**STAGES[0], "date": "2099-01-01"}, 422, "date", "after today"),
        ({**STAGES[0], "organizations": 41}, 422, "organizations", "more organizations"),
        ({**STAGES[0], "by_language": {"uz": 30}}, 422, "by_language", "adds up to 30, not 40"),
        ({**STAGES[0], "by_language": {"fr": 40}}, 422, "by_language", ""),
        ({**STAGES[1], "reasons": {"late": 1}}, 422, "reasons", "adds up to 1, not 9"),
        ({**STAGES[1], "reasons": {"bribery": 9}}, 422, "reasons", ""),
        (
            {"type": "commission_decided", "date": "2026-03-10", "members": 9},
            422,
            "extract",
            "extract",
        ),
        ({**STAGES[2], "document_sha256": "XYZ"}, 422, "document_sha256", ""),
        ({**STAGES[2], "members": 0}, 422, "members", ""),
        (
            {**STAGES[2], "document_url": "javascript:alert(1)"},
            422,
            "document_url",
            "must be an absolute http or https URL",
        ),
        (
            {**STAGES[4], "document_url": "file:///srv/minutes.pdf"},
            422,
            "document_url",
            "file: links are refused",
        ),
    ],
)
def test_a_stage_that_does_not_add_up_is_refused_naming_the_field(
    client: TestClient,
    database: Database,
    world: World,
    event: dict,
    status: int,
    field: str,
    message: str,
) -> None:
    competition = create_competition(client, world)
    code, error = refused(client, database, competition["id"], event, world.fund)
    assert code == status
    assert field in error["field"], error
    assert message in error["message"]


def test_stages_come_once_and_in_order(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    assert add(client, competition["id"], STAGES[0], world.fund).status_code == 201
    code, error = refused(client, database, competition["id"], STAGES[0], world.fund)
    assert (code, error["field"]) == (409, "type")
    assert "already recorded" in error["message"]
    # A stage may be skipped (the Uzbek rounds have no preliminary results) ...
    assert add(client, competition["id"], STAGES[2], world.fund).status_code == 201
    # ... but never recorded after a later one.
    code, error = refused(client, database, competition["id"], STAGES[1], world.fund)
    assert (code, error["field"]) == (409, "type")
    assert "cannot come after commission_decided" in error["message"]
    # Compliance counts must match the applications received.
    other = create_competition(client, world, title={"uz": "Boshqa"}, round_number=5)
    assert add(client, other["id"], STAGES[0], world.fund).status_code == 201
    wrong = {**STAGES[1], "admitted": 30}
    code, error = refused(client, database, other["id"], wrong, world.fund)
    assert (code, error["field"]) == (422, "admitted")
    assert "40 applications were received" in error["message"]


def test_a_cancelled_or_finished_competition_takes_no_stage(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    cancel = {"type": "cancelled", "reason": "no funds"}
    assert add(client, competition["id"], cancel, world.fund).status_code == 201
    code, _ = refused(client, database, competition["id"], STAGES[0], world.fund)
    assert code == 409
    # The cancelled round's number may be announced again.
    published = create_competition(client, world, title={"uz": "Natijali"})
    results = {"type": "results_published", "applications_received": 12}
    assert add(client, published["id"], results, world.fund).status_code == 201
    code, error = refused(client, database, published["id"], STAGES[4], world.fund)
    assert (code, error["field"]) == (409, "type")
    # Only the funder that posted it records its stages.
    other = create_competition(client, world, title={"uz": "Yana"}, round_number=5)
    code, error = refused(client, database, other["id"], STAGES[0], world.operator)
    assert (code, error["field"]) == (403, "header.authorization")


def test_deadlines_carry_their_time_zone(
    client: TestClient, database: Database, world: World
) -> None:
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:30:00+05:00"}
    body = competition_body(
        funder_id=KZ_OPERATOR,
        currency="KZT",
        region="KZ-71",
        window=window,
        time_zone="Asia/Almaty",
    )
    response = post(client, "/api/v1/competitions", body, world.operator)
    assert response.status_code == 201, response.text
    assert response.json()["time_zone"] == "Asia/Almaty"
    assert response.json()["events"][0]["body"]["time_zone"] == "Asia/Almaty"
    published = response.json()
    for wrong, field in (
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        (
            {
                "time_zone": "Asia/Almaty",
                "window": {**window, "closes": "2026-02-10T18:30:00+06:00"},
            },
            "window.closes",
        ),
    ):
        before = ledger_size(database)
        response = post(client, "/api/v1/competitions", body | wrong, world.operator)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
        assert ledger_size(database) == before
    # Without a zone named, the region's country's.
    default = post(client, "/api/v1/competitions", competition_body(), world.fund).json()
    assert default["time_zone"] == "Asia/Tashkent"
    # The window reads in the competition's zone, as it was announced, in every response
    # (a POST answered with +05:00 and a GET with Z, as the database returned it).
    assert published["window"] == window
    path = f"/api/v1/competitions/{published['id']}"
    assert client.get(path).json()["window"] == window
    later = {**window, "closes": "2026-02-12T18:30:00+05:00"}
    amended = add(
        client,
        published["id"],
        {"type": "amended", "changes": {"window": later}, "reason": "Extended"},
        world.operator,
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["window"] == later == client.get(path).json()["window"]
    listed = client.get("/api/v1/competitions", params={"funder": KZ_OPERATOR}).json()
    assert [c["window"] for c in listed["items"]] == [later]


def test_applications_per_award_by_funder_and_year(client: TestClient, world: World) -> None:
    reporting = create_competition(client, world)
    silent = create_competition(
        client,
        world,
        title={"uz": "Sokin"},
        year=2025,
        window={"opens": "2025-01-10T09:00:00+05:00", "closes": "2025-02-10T18:00:00+05:00"},
    )
    assert add(client, reporting["id"], STAGES[0], world.fund).status_code == 201
    for competition, recipient in ((reporting, None), (reporting, NGO_UZ_2), (silent, None)):
        body = award_body(competition["id"], amount="1000")
        if recipient:
            body["recipient_id"] = recipient
        assert post(client, "/api/v1/awards", body, world.fund).status_code == 201
    by_funder = client.get("/api/v1/stats/competitions?group_by=funder&lang=ru").json()
    (row,) = [row for row in by_funder["rows"] if row["key"] == PUBLIC_FUND]
    # The silent competition's award does not dilute the figure: only reporting ones count.
    assert row | {"name": None} == {
        "key": PUBLIC_FUND,
        "name": None,
        "competitions": 2,
        "reporting": 1,
        "applications": 40,
        "awards": 2,
        "applications_per_award": "20.00",
    }
    assert row["name"]
    by_year = client.get("/api/v1/stats/competitions?group_by=year").json()
    assert [(r["key"], r["applications_per_award"]) for r in by_year["rows"]] == [
        ("2025", None),
        ("2026", "20.00"),
    ]
    wrong = client.get("/api/v1/stats/competitions?group_by=region")
    assert wrong.status_code in (400, 422)


def test_the_demo_operator_publishes_its_stages(demo_client: TestClient) -> None:
    found = demo_client.get("/api/v1/competitions", params={"funder": demo.KZ_OPERATOR})
    items = found.json()["items"]
    staged = [item for item in items if item["stages"]]
    assert staged
    stages = staged[0]["stages"]
    assert [s["stage"] for s in stages][:3] == [
        "applications_closed",
        "compliance_checked",
        "commission_decided",
    ]
    closed = stages[0]["body"]
    assert sum(closed["by_language"].values()) == closed["applications"]
    assert set(closed["by_language"]) == {"kk", "ru"}


def test_the_competition_page_shows_the_stages_with_their_counts(
    client: TestClient, world: World
) -> None:
    competition = create_competition(client, world)
    for stage in STAGES[:3]:
        assert add(client, competition["id"], stage, world.fund).status_code == 201
    html = client.get(f"/competitions/{competition['id']}", params={"lang": "en"}).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Applications closed" in text
    assert "40 applications from 36 organizations: in Uzbek 30, in Russian 10" in text
    assert "31 admitted, 9 refused: late 2, incomplete documents 7" in text
    assert "9 commission members" in text
    assert MINUTES in text
    assert "local time, Asia/Tashkent" in text
    russian = client.get(f"/competitions/{competition['id']}", params={"lang": "ru"}).text
    assert "Приём заявок завершён" in russian
    # Each count in its own plural (found by a funder's integrator: "134 заявок от 121
    # организаций" for "134 заявки от 121 организации"); Kazakh and Uzbek say the
    # organizations first.
    assert "40 заявок от 36 организаций" in " ".join(unescape(russian).split())
    for round_number, applications, organizations, said in (
        (5, 134, 121, "134 заявки от 121 организации"),
        (6, 21, 1, "21 заявка от 1 организации"),
    ):
        other = create_competition(client, world, round_number=round_number)
        stage = STAGES[0] | {
            "applications": applications,
            "organizations": organizations,
            "by_language": {"uz": applications},
        }
        assert add(client, other["id"], stage, world.fund).status_code == 201
        page = client.get(f"/competitions/{other['id']}", params={"lang": "ru"}).text
        assert said in " ".join(unescape(page).split())
    kazakh = client.get(f"/competitions/{competition['id']}", params={"lang": "kk"}).text
    assert "36 ұйымнан 40 өтінім" in " ".join(unescape(kazakh).split())


def test_the_competition_page_shows_what_an_amendment_changed_and_the_commissions_texts(
    client: TestClient, world: World
) -> None:
    """A reader saw only "Reason: …" under an amendment, and none of the commission's
    extract or documents: the page shows each change before and after, as the award page
    does, and every text and link a stage carries (a link only if it is http or https)."""
    competition = create_competition(client, world, budget="600000000")
    changes = {
        "budget": "750000000",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-12T18:00:00+05:00"},
        "title": {"uz": "Yangi nom"},
    }
    amended = {"type": "amended", "changes": changes, "reason": "Second intake"}
    assert add(client, competition["id"], amended, world.fund).status_code == 201
    stages = [
        {**STAGES[0], "date": "2026-02-12"},
        {**STAGES[1], "date": "2026-02-24"},
        {
            **STAGES[2],
            "extract": {"uz": "Komissiya 2 loyihani tanladi"},
            "document_url": "https://example.uz/minutes.pdf",
        },
        {**STAGES[3], "note": {"uz": "Eʼtirozlar 5 kun ichida"}},
    ]
    for stage in stages:
        response = add(client, competition["id"], stage, world.fund)
        assert response.status_code == 201, response.text
    html = client.get(f"/competitions/{competition['id']}", params={"lang": "en"}).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Budget UZS 600,000,000 UZS 750,000,000" in text
    # Before and after, in Tashkent time.
    assert (
        "Application window Jan 10, 2026, 9:00 AM – Feb 10, 2026, 6:00 PM "
        "Jan 10, 2026, 9:00 AM – Feb 12, 2026, 6:00 PM"
    ) in text
    assert "Yangi nom" in text
    assert "Komissiya 2 loyihani tanladi" in text
    assert 'href="https://example.uz/minutes.pdf"' in html
    assert "Eʼtirozlar 5 kun ichida" in text


def test_stages_are_dated_in_order_and_none_follows_the_results(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    assert (
        add(client, competition["id"], {**STAGES[0], "date": "2026-03-10"}, world.fund).status_code
        == 201
    )
    code, error = refused(
        client, database, competition["id"], {**STAGES[1], "date": "2026-03-09"}, world.fund
    )
    assert (code, error["field"]) == (422, "date")
    assert "before the last stage recorded (2026-03-10)" in error["message"]
    done = create_competition(client, world, title={"uz": "Tugagan"}, round_number=5)
    results = {"type": "results_published", "applications_received": 3}
    assert add(client, done["id"], results, world.fund).status_code == 201
    code, error = refused(client, database, done["id"], STAGES[3], world.fund)
    assert (code, error["field"]) == (409, "type")


def test_a_zone_that_is_a_folder_and_an_amended_window_in_another_offset_are_refused(
    client: TestClient, database: Database, world: World
) -> None:
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:30:00+05:00"}
    body = competition_body(
        funder_id=KZ_OPERATOR, currency="KZT", region="KZ-71", window=window, time_zone="Asia"
    )
    before = ledger_size(database)
    response = post(client, "/api/v1/competitions", body, world.operator)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "time_zone"
    assert ledger_size(database) == before
    created = post(
        client, "/api/v1/competitions", body | {"time_zone": "Asia/Almaty"}, world.operator
    ).json()
    amended = {
        "type": "amended",
        "changes": {"window": {**window, "closes": "2026-02-12T18:30:00+06:00"}},
        "reason": "extended",
    }
    code, error = refused(client, database, created["id"], amended, world.operator)
    assert (code, error["field"]) == (422, "changes.window.closes")


@pytest.mark.parametrize("offset", ["+06:00", "-03:00", "+00:00"])
def test_a_window_carries_its_default_zone_s_offsets_too(
    client: TestClient, database: Database, world: World, offset: str
) -> None:
    """Without a time_zone named, the window is checked against the zone the competition
    reports (its region's or funder's country's, Asia/Tashkent here), at publication and at
    every amendment of the window."""
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"}
    wrong = {**window, "closes": f"2026-02-10T18:00:00{offset}"}
    before = ledger_size(database)
    response = post(client, "/api/v1/competitions", competition_body(window=wrong), world.fund)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == "window.closes"
    assert "is not Asia/Tashkent time (its offset then: +05:00)" in error["message"]
    assert ledger_size(database) == before
    created = create_competition(client, world, window=window)
    assert created["time_zone"] == "Asia/Tashkent"
    amended = {"type": "amended", "changes": {"window": wrong}, "reason": "Extended"}
    code, error = refused(client, database, created["id"], amended, world.fund)
    assert (code, error["field"]) == (422, "changes.window.closes")
    assert client.get(f"/api/v1/competitions/{created['id']}").json() == created


def test_both_window_times_in_a_wrong_offset_are_both_reported(
    client: TestClient, database: Database, world: World
) -> None:
    """A window whose open and close are both in another offset than its zone's is refused
    naming each of them, at publication and at an amendment of the window, so that a funder
    fixes both at once; nothing is written."""
    wrong = {"opens": "2026-01-10T09:00:00+03:00", "closes": "2026-02-10T18:00:00+03:00"}
    message = "{} is not Asia/Tashkent time (its offset then: +05:00)"
    before = ledger_size(database)

    response = post(client, "/api/v1/competitions", competition_body(window=wrong), world.fund)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "window.opens", "message": message.format(wrong["opens"])},
        {"field": "window.closes", "message": message.format(wrong["closes"])},
    ]
    assert ledger_size(database) == before
    created = create_competition(client, world)
    amended = {"type": "amended", "changes": {"window": wrong}, "reason": "Extended"}
    before = ledger_size(database)
    refused_amendment = post(
        client, f"/api/v1/competitions/{created['id']}/events", amended, world.fund
    )
    assert refused_amendment.status_code == 422, refused_amendment.text
    fields = [error["field"] for error in refused_amendment.json()["errors"]]
    assert fields == ["changes.window.opens", "changes.window.closes"]
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/competitions/{created['id']}").json() == created


def test_the_close_does_not_move_past_an_award_made_without_an_override(
    client: TestClient, database: Database, world: World
) -> None:
    """An award dated before its competition closes needs award_before_close; moving the
    close past an award made without one is refused as publishing it then would be. An
    award with the override, or dated on or after the new close, does not stand in the way."""
    competition = create_competition(client, world)  # closes 2026-02-10
    after_close = post(client, "/api/v1/awards", award_body(competition["id"]), world.fund)
    assert after_close.status_code == 201, after_close.text  # dated 2026-03-01
    early = award_body(
        competition["id"],
        recipient_id=NGO_UZ_2,
        award_date="2026-02-01",
        period={"start": "2026-02-15", "end": "2026-12-31"},
        award_before_close="Emergency flood relief, commission decision 12",
    )
    assert post(client, "/api/v1/awards", early, world.fund).status_code == 201
    window = competition["window"]

    def moved(closes: str) -> dict:
        opens = "2026-01-10T09:00:00+05:00"
        changes = {"window": {"opens": opens, "closes": closes}}
        return {"type": "amended", "changes": changes, "reason": "Second intake"}

    competition = client.get(f"/api/v1/competitions/{competition['id']}").json()
    code, error = refused(
        client, database, competition["id"], moved("2026-03-02T18:00:00+05:00"), world.fund
    )
    assert (code, error["field"]) == (422, "changes.window.closes")
    assert after_close.json()["id"] in error["message"]
    assert "award_before_close" in error["message"]
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition
    assert competition["window"] == window
    # Closing on the award's own day leaves it after the close, as publishing it would.
    same_day = add(client, competition["id"], moved("2026-03-01T18:00:00+05:00"), world.fund)
    assert same_day.status_code == 201, same_day.text


def test_a_budget_may_be_stated_in_a_legal_unit(
    client: TestClient, database: Database, world: World
) -> None:
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:30:00+05:00"}
    stated = {"unit": "MCI", "multiplier": "50000", "on": "2026-01-01"}
    body = competition_body(
        funder_id=KZ_OPERATOR, currency="KZT", region="KZ-71", window=window, legal_unit=stated
    )
    del body["budget"]
    response = post(client, "/api/v1/competitions", body, world.operator)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["budget"] == "216250000.00"  # 50,000 × 4,325 KZT
    assert created["legal_unit"] == {**stated, "value": "4325", "amount": "216250000.00"}
    assert created["events"][0]["body"]["legal_unit"] == {**stated, "value": "4325"}
    page = client.get(f"/competitions/{created['id']}", params={"lang": "en"}).text
    assert "Stated as 50,000 MCI" in page
    for wrong, field in (
        ({"budget": "216250000.01"}, "budget"),
        ({"currency": "UZS", "region": "UZ"}, "currency"),
        ({"legal_unit": None}, "budget"),
    ):
        before = ledger_size(database)
        response = post(client, "/api/v1/competitions", body | wrong, world.operator)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
        assert ledger_size(database) == before
    agreeing = body | {"budget": "216250000", "title": {"ru": "Ещё один"}, "round_number": 5}
    assert post(client, "/api/v1/competitions", agreeing, world.operator).status_code == 201


def test_the_competition_page_says_what_each_stage_date_is_to_the_minute(
    client: TestClient, world: World
) -> None:
    """A journalist read "May 29, 2026 May 29, 2026, 9:00:00 AM" under a stage: two unlabelled
    dates, seconds, no zone. Each now says what it is (the stage's date as the funder gave it,
    when the ledger recorded it), to the minute, in the competition's zone, named."""
    competition = create_competition(client, world)  # closes 2026-02-10 18:00, Tashkent
    with clock.travel(datetime(2026, 2, 11, 9, 15, tzinfo=timezone(timedelta(hours=5)))):
        assert add(client, competition["id"], STAGES[0], world.fund).status_code == 201
    html = client.get(f"/competitions/{competition['id']}", params={"lang": "en"}).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Times are local time, Asia/Tashkent." in text
    assert (
        "Applications closed · date given by the funder: Feb 10, 2026 "
        "· recorded in the ledger: Feb 11, 2026, 9:15 AM · entry #"
    ) in text
    assert "Applications close Feb 10, 2026, 6:00 PM (local time, Asia/Tashkent)" in text
    assert not re.search(r"\d:\d\d:\d\d", text)  # no seconds anywhere on the page
    russian = client.get(f"/competitions/{competition['id']}", params={"lang": "ru"}).text
    assert "дата, указанная финансирующей организацией:" in russian
    assert "внесено в журнал:" in russian


def test_a_stage_is_not_recorded_while_applications_are_still_open(
    client: TestClient, world: World, database: Database
) -> None:
    """The demo recorded "applications closed" at 9:00 on the closing day, before the 18:00
    deadline, and the registry took it (a stage's date is a day, and only the day was
    checked): the page then read as a competition closed early. Until the window's own hour
    has passed, no stage after it is recorded, and nothing is written."""
    competition = create_competition(client, world)  # closes 2026-02-10 18:00, Tashkent
    tashkent = timezone(timedelta(hours=5))
    size = ledger_size(database)
    with clock.travel(datetime(2026, 2, 10, 9, 0, tzinfo=tashkent)):
        early = add(client, competition["id"], STAGES[0], world.fund)
    assert early.status_code == 422, early.text
    assert early.json()["errors"] == [
        {
            "field": "type",
            "message": "applications close at 2026-02-10 18:00 (Asia/Tashkent): a stage after "
            "the window is recorded once it has closed",
        }
    ]
    assert ledger_size(database) == size
    with clock.travel(datetime(2026, 2, 10, 18, 1, tzinfo=tashkent)):
        assert add(client, competition["id"], STAGES[0], world.fund).status_code == 201
