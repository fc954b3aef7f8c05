"""A date or a time in a request body is a JSON string in ISO 8601 form, as the OpenAPI
document says (``type: string``, ``format: date`` or ``date-time``). Pydantic's lax mode took a
JSON number as a Unix timestamp: ``"award_date": 1772323200`` was recorded as 2026-03-01, one
not at midnight was refused in pydantic's words ("Datetimes provided to dates should have zero
time"), and a window's ``"opens": 1772323200`` became midnight UTC. A timestamp in quotes
(``"1772323200"``) was read the same way, and ``"20260301"`` given to a time was 1970-08-23.
Each is now a 422 naming the field in plain words, on both databases, and the ledger is the
size it was; every date and time written as before is read as before."""

from collections.abc import Iterator

import pytest
from domain_helpers import PUBLIC_FUND, World, bearer, build_world, ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_desk import Desk
from pydantic import TypeAdapter, ValidationError
from test_awards import award_body, competition_body, create_award, create_competition
from test_desk import award_form, errors_next_to, field_value, sign_in

from registry import main
from registry.core.db import Database
from registry.core.schemas import StrictInput

DATE_MESSAGE = 'must be a date written as YYYY-MM-DD, such as "2026-03-01"'
DATETIME_MESSAGE = (
    "must be a date and time written as YYYY-MM-DDThh:mm:ss with its UTC offset, such as "
    '"2026-03-01T09:00:00+05:00"'
)
PROBLEM = "application/problem+json"
MIDNIGHT = 1772323200  # 2026-03-01T00:00:00Z: taken as that date before
NOT_MIDNIGHT = MIDNIGHT + 9 * 3600  # refused before, in pydantic's words
NOT_A_DATE = [MIDNIGHT, NOT_MIDNIGHT, float(MIDNIGHT), True, str(MIDNIGHT), "20260301", None]
NOT_A_TIME = [MIDNIGHT, float(MIDNIGHT), False, str(MIDNIGHT), "20260301", ["2026-01-10"]]


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def refused_in_plain_words(
    client: TestClient,
    database: Database,
    token: str,
    path: str,
    body: dict,
    field: str,
    message: str,
) -> None:
    before = ledger_size(database)
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == 422, (body, response.text)
    assert response.headers["content-type"] == PROBLEM
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [(field, message)]
    assert ledger_size(database) == before


@pytest.mark.parametrize("given", NOT_A_DATE)
def test_an_award_date_is_a_date_in_iso_form_never_a_timestamp(
    client: TestClient, database: Database, world: World, given: object
) -> None:
    body = award_body(None, legal_basis="UP-124", award_date=given)
    refused_in_plain_words(
        client, database, world.fund, "/api/v1/awards", body, "award_date", DATE_MESSAGE
    )


def test_every_date_of_an_award_and_its_events_is_a_date_in_iso_form(
    client: TestClient, database: Database, world: World
) -> None:
    direct = award_body(None, legal_basis="UP-124")
    statement = {"unit": "BRV", "multiplier": "3", "on": MIDNIGHT}
    cases = [
        (direct | {"period": {"start": MIDNIGHT, "end": "2026-12-31"}}, "period.start"),
        (direct | {"period": {"start": "2026-03-15", "end": NOT_MIDNIGHT}}, "period.end"),
        (direct | {"amount": None, "legal_unit": statement}, "legal_unit.on"),
    ]
    for body, field in cases:
        refused_in_plain_words(
            client, database, world.fund, "/api/v1/awards", body, field, DATE_MESSAGE
        )
    award = create_award(client, world, None, legal_basis="UP-124")
    events = f"/api/v1/awards/{award['id']}/events"
    published_seq = award["published_seq"]
    paid = {"type": "disbursed", "amount": "100", "date": "2026-04-01"}
    for body, field in [
        (paid | {"date": MIDNIGHT + 31 * 86400}, "date"),
        ({"type": "reported", "date": True}, "date"),
        ({"type": "completed", "date": NOT_MIDNIGHT}, "date"),
        ({"type": "terminated", "date": str(MIDNIGHT), "reason": "Closed"}, "date"),
        (
            {"type": "amended", "period": {"start": "2026-03-15", "end": MIDNIGHT}, "reason": "x"},
            "period.end",
        ),
        (
            {
                "type": "corrected",
                "corrects": published_seq,
                "reason": "Typo",
                "changes": {"award_date": MIDNIGHT},
            },
            "changes.award_date",
        ),
    ]:
        refused_in_plain_words(client, database, world.fund, events, body, field, DATE_MESSAGE)
    made = client.post(events, json=paid, headers=bearer(world.fund))
    assert made.status_code == 201, made.text
    disbursed_seq = made.json()["events"][-1]["seq"]
    correction = {
        "type": "corrected",
        "corrects": disbursed_seq,
        "reason": "Wrong day",
        "changes": {"date": MIDNIGHT + 31 * 86400},
    }
    refused_in_plain_words(
        client, database, world.fund, events, correction, "changes.date", DATE_MESSAGE
    )
    assert client.get(f"/api/v1/awards/{award['id']}").json()["disbursed"] == "100.00"


@pytest.mark.parametrize("given", NOT_A_TIME)
def test_a_competition_window_is_two_times_in_iso_form_never_timestamps(
    client: TestClient, database: Database, world: World, given: object
) -> None:
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"}
    for name in ("opens", "closes"):
        body = competition_body(window=window | {name: given})
        refused_in_plain_words(
            client,
            database,
            world.fund,
            "/api/v1/competitions",
            body,
            f"window.{name}",
            DATETIME_MESSAGE,
        )


def test_an_amended_window_and_a_stage_are_dated_in_iso_form(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    events = f"/api/v1/competitions/{competition['id']}/events"
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": MIDNIGHT}
    amended = {"type": "amended", "changes": {"window": window}, "reason": "Later"}
    refused_in_plain_words(
        client, database, world.fund, events, amended, "changes.window.closes", DATETIME_MESSAGE
    )
    stage = {"type": "applications_closed", "date": MIDNIGHT, "applications": 3}
    refused_in_plain_words(
        client, database, world.fund, events, stage | {"organizations": 2}, "date", DATE_MESSAGE
    )
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition


def test_an_organization_a_key_and_a_batch_take_dates_in_iso_form(
    client: TestClient, database: Database, world: World
) -> None:
    organization = {
        "org_id": "UZ-STIR-309999990",
        "name": {"uz": "Yangi tashkilot"},
        "kind": "ngo",
        "registration_date": MIDNIGHT,
    }
    refused_in_plain_words(
        client,
        database,
        world.admin,
        "/api/v1/organizations",
        organization,
        "registration_date",
        DATE_MESSAGE,
    )
    key = {"role": "admin", "expires_at": 1893456000}  # 2030-01-01T00:00:00Z, taken before
    refused_in_plain_words(
        client, database, world.admin, "/api/v1/keys", key, "expires_at", DATETIME_MESSAGE
    )
    operations = [
        {"op": "competitions.create", "body": competition_body()},
        {"op": "awards.create", "body": award_body("$0", award_date=MIDNIGHT)},
    ]
    refused_in_plain_words(
        client,
        database,
        world.fund,
        "/api/v1/batches",
        {"operations": operations},
        "operations.1.body.award_date",
        DATE_MESSAGE,
    )


def test_dates_and_times_written_as_before_are_read_as_before(
    client: TestClient, database: Database, world: World
) -> None:
    """A date, a time with its offset (a space for the T, seconds left out or with a
    fraction), and the refusals of a time without an offset, as they were."""
    made = create_competition(
        client,
        world,
        window={"opens": "2026-01-10 09:00+05:00", "closes": "2026-02-10T18:00:00.000+05:00"},
    )
    assert made["window"] == {
        "opens": "2026-01-10T09:00:00+05:00",
        "closes": "2026-02-10T18:00:00+05:00",
    }
    award = create_award(client, world, made["id"], award_date="2026-03-01")
    assert (award["award_date"], award["period"]) == (
        "2026-03-01",
        {"start": "2026-03-15", "end": "2026-12-31"},
    )
    naive = {"opens": "2026-01-10T09:00:00", "closes": "2026-02-10T18:00:00"}
    before = ledger_size(database)
    response = client.post(
        "/api/v1/competitions",
        json=competition_body(round_number=5, window=naive),
        headers=bearer(world.fund),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "window"
    assert ledger_size(database) == before
    key = client.post(
        "/api/v1/keys",
        json={"role": "funder", "organization_id": PUBLIC_FUND, "expires_at": "2030-01-01"},
        headers=bearer(world.admin),
    )
    assert key.status_code == 422, key.text
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("path", "change", "field", "message"),
    [
        (
            "/api/v1/awards",
            {"award_date": "2026-02-30"},
            "award_date",
            f"{DATE_MESSAGE} (day value is outside expected range)",
        ),
        (
            "/api/v1/awards",
            {"award_date": "2026-03-01T09:00:00+05:00"},
            "award_date",
            f"{DATE_MESSAGE}, without a time",
        ),
        (
            "/api/v1/competitions",
            {"window": {"opens": "2026-01-10T25:00+05:00", "closes": "2026-02-10T18:00+05:00"}},
            "window.opens",
            DATETIME_MESSAGE,  # pydantic's reason, from reading it as a date, would mislead
        ),
        ("/api/v1/keys", {"expires_at": "2030-01-01T00:00:00"}, "expires_at", DATETIME_MESSAGE),
    ],
)
def test_a_date_or_time_string_that_is_wrong_is_told_so_in_plain_words(
    client: TestClient,
    database: Database,
    world: World,
    path: str,
    change: dict,
    field: str,
    message: str,
) -> None:
    """Pydantic's own words were "Datetimes provided to dates should have zero time - e.g. be
    exact dates" and "Input should have timezone info"; what is expected comes first now, and
    what is wrong with the text after it, where pydantic says."""
    bodies = {
        "/api/v1/awards": award_body(None, legal_basis="UP-124"),
        "/api/v1/competitions": competition_body(),
        "/api/v1/keys": {"role": "admin"},
    }
    token = world.admin if path == "/api/v1/keys" else world.fund
    refused_in_plain_words(client, database, token, path, bodies[path] | change, field, message)


def test_a_date_filter_in_the_query_is_told_so_in_the_same_words(client: TestClient) -> None:
    response = client.get("/api/v1/awards", params={"awarded_from": "2026-13-01"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == [
        {
            "field": "query.awarded_from",
            "message": f"{DATE_MESSAGE} (month value is outside expected range of 1-12)",
        }
    ]


@pytest.mark.parametrize("typed", [str(MIDNIGHT), "01.03.2026"])
def test_the_desk_shows_a_date_not_in_iso_form_next_to_its_field(
    client: TestClient, database: Database, app: FastAPI, typed: str
) -> None:
    """A date typed as a timestamp was taken by the award form as 2026-03-01, as the API took
    it; the local form 01.03.2026 was refused in pydantic's words. Both are now refused next
    to the field, in the API's words on an English page (the reader's language on another),
    with what was typed kept."""
    desk = Desk(client, database)
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as browser:
        sign_in(browser, desk.world.fund)
        before = ledger_size(database)
        form = award_form(browser, desk.competition["id"]) | {"award_date": typed}
        response = browser.post("/desk/forms/award", data=form, params={"lang": "en"})
    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "award_date") == [DATE_MESSAGE]
    assert field_value(response.text, "award_date") == typed
    assert ledger_size(database) == before


def test_a_date_filter_in_the_query_is_read_as_before(client: TestClient, world: World) -> None:
    award = create_award(client, world, create_competition(client, world)["id"])
    found = client.get("/api/v1/awards", params={"awarded_from": "2026-03-01"}).json()
    assert [item["id"] for item in found["items"]] == [award["id"]]
    later = client.get("/api/v1/awards", params={"awarded_from": "2026-03-02"}).json()
    assert later["items"] == []


def test_the_openapi_document_still_says_string_with_a_format(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["AwardCreate"]["properties"]["award_date"] == {
        "type": "string",
        "format": "date",
        "title": "Award Date",
    }
    assert schemas["Window"]["properties"]["opens"] == {
        "type": "string",
        "format": "date-time",
        "title": "Opens",
    }


def _request_models(model: type[StrictInput]) -> Iterator[type[StrictInput]]:
    for subclass in model.__subclasses__():
        yield subclass
        yield from _request_models(subclass)


def test_every_date_and_time_of_every_request_body_refuses_a_number() -> None:
    """A date or time field added to a request model without ``IsoDate`` or ``IsoDatetime``
    fails here: every field whose schema says ``format: date`` or ``date-time`` refuses a
    timestamp in this module's words."""
    assert main.create_app  # every feature's request models are imported
    checked = []
    for model in set(_request_models(StrictInput)):
        for name, info in model.model_fields.items():
            field = TypeAdapter(info.rebuild_annotation())
            schema = field.json_schema()
            formats = {node.get("format") for node in _nodes(schema) if isinstance(node, dict)}
            if not formats & {"date", "date-time"}:
                continue
            with pytest.raises(ValidationError) as refused:
                field.validate_python(MIDNIGHT)
            messages = {error["msg"] for error in refused.value.errors()}
            assert messages & {DATE_MESSAGE, DATETIME_MESSAGE}, (model.__name__, name, messages)
            checked.append(f"{model.__name__}.{name}")
    assert {"AwardCreate.award_date", "Window.opens", "ApiKeyCreate.expires_at"} <= set(checked)


def _nodes(node: object) -> Iterator[object]:
    """A field's schema and the schemas in it, short of models (checked as models of their
    own: a nested model's schema is an object with properties, or in ``$defs``)."""
    if isinstance(node, dict) and "properties" in node:
        return
    yield node
    if isinstance(node, dict):
        node = {key: value for key, value in node.items() if key != "$defs"}
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _nodes(child)
