"""Writes a hostile client sends: a NUL in any text (a 500 on PostgreSQL before, and accepted
on SQLite, so such a ledger could not be replayed into PostgreSQL) and a key expiry without a
time offset (a 500 before). Each is a 422 naming the field, on both databases, and the ledger
is the size it was."""

import csv
import io
import json
import re
import unicodedata

import pytest
from domain_helpers import MINISTRY, NGO_UZ, PUBLIC_FUND, World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient

from registry.core import json_body, schemas
from registry.core.db import Database

PROBLEM = "application/problem+json"
NUL = "before\x00after"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def competition(client: TestClient, world: World) -> str:
    body = _competition_body()
    response = client.post("/api/v1/competitions", json=body, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def award(**overrides) -> dict:
    body = {
        "funder_id": PUBLIC_FUND,
        "recipient_id": NGO_UZ,
        "instrument": "subsidy",
        "title": {"uz": "Loyiha"},
        "amount": "1000",
        "currency": "UZS",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "legal_basis": "UP-124",
    } | overrides
    return {"path": "/api/v1/awards", "body": body}


def refused(client: TestClient, database: Database, token: str, path: str, body: dict, field: str):
    before = ledger_size(database)
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    fields = [error["field"] for error in response.json()["errors"]]
    assert any(name.endswith(field) for name in fields), fields
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_basis": NUL}, "legal_basis"),
        ({"title": {"uz": NUL}}, "title.uz"),
        ({"themes": ["youth", NUL]}, "themes"),
        ({"source_id": NUL}, "source_id"),
    ],
)
def test_a_nul_in_an_award_is_refused(client, database, world, overrides, field) -> None:
    request = award(**overrides)
    refused(client, database, world.fund, request["path"], request["body"], field)


def test_a_nul_in_an_event_reason_is_refused(client, database, world) -> None:
    request = award()
    created = client.post(request["path"], json=request["body"], headers=bearer(world.fund))
    assert created.status_code == 201, created.text
    path = f"/api/v1/awards/{created.json()['id']}/events"
    body = {"type": "terminated", "date": "2026-05-01", "reason": NUL}
    refused(client, database, world.fund, path, body, "reason")
    cancelled = {"type": "cancelled", "reason": NUL}
    path = f"/api/v1/competitions/{competition(client, world)}/events"
    refused(client, database, world.fund, path, cancelled, "reason")


def test_a_nul_in_an_organization_or_a_key_is_refused(client, database, world) -> None:
    organization = {"org_id": "UZ-STIR-309999990", "name": {"uz": NUL}, "kind": "ngo"}
    refused(client, database, world.admin, "/api/v1/organizations", organization, "name.uz")
    key = {"role": "admin", "label": NUL}
    refused(client, database, world.admin, "/api/v1/keys", key, "label")


def test_a_key_expiry_without_an_offset_is_refused_not_a_500(client, database, world) -> None:
    key = {"role": "admin", "expires_at": "2030-01-01T00:00:00"}
    refused(client, database, world.admin, "/api/v1/keys", key, "expires_at")
    with_offset = client.post(
        "/api/v1/keys",
        json={"role": "admin", "expires_at": "2030-01-01T00:00:00+05:00"},
        headers=bearer(world.admin),
    )
    assert with_offset.status_code == 201, with_offset.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"recipient_id": PUBLIC_FUND}, "recipient_id", "cannot award itself"),
        (
            {"award_date": "1999-03-01", "period": {"start": "1999-03-15", "end": "1999-12-31"}},
            "award_date",
            "on or after 2000-01-01",
        ),
        (
            {"award_date": "2099-03-01", "period": {"start": "2099-03-15", "end": "2099-12-31"}},
            "award_date",
            "is in the future",
        ),
        ({"period": {"start": "2026-02-01", "end": "2026-12-31"}}, "period.start", "before"),
    ],
)
def test_awards_a_funder_could_not_undo_are_refused(
    client, database, world, overrides, field, message
) -> None:
    """A self-award, an award dated 1999 or in the future, and a period that starts before
    the award is made: each a 422 naming the field, and the ledger unchanged."""
    request = award(**overrides)
    refused(client, database, world.fund, request["path"], request["body"], field)
    response = client.post(request["path"], json=request["body"], headers=bearer(world.fund))
    assert message in response.json()["errors"][0]["message"]


def test_a_disbursement_in_the_future_is_refused_even_by_a_correction(
    client, database, world
) -> None:
    made = client.post("/api/v1/awards", json=award()["body"], headers=bearer(world.fund))
    assert made.status_code == 201, made.text
    path = f"/api/v1/awards/{made.json()['id']}/events"
    future_day = "2099-01-01"
    future = {"type": "disbursed", "amount": "100", "date": future_day}
    refused(client, database, world.fund, path, future, "date")
    paid = client.post(
        path, json=future | {"date": "2026-04-01"}, headers=bearer(world.fund)
    ).json()
    seq = paid["events"][-1]["seq"]
    correction = {
        "type": "corrected",
        "corrects": seq,
        "reason": "Wrong date",
        "changes": {"date": future_day},
    }
    refused(client, database, world.fund, path, correction, "changes.date")
    moved = {
        "type": "amended",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "reason": "Started early",
    }
    refused(client, database, world.fund, path, moved, "period.start")
    # A write that moves neither date is judged as before.
    fine = {"type": "reported", "date": "2026-05-01"}
    assert client.post(path, json=fine, headers=bearer(world.fund)).status_code == 201


def test_a_record_too_large_for_a_tile_entry_is_refused(client, database, world) -> None:
    """Texts within their own limits can add up to more than a tlog-tiles entry holds
    (65,535 bytes): refused before it is appended, so the log stays publishable as tiles."""
    long = dict.fromkeys(("uz", "ru", "kk", "en"), "Ж" * 4000)
    body = {
        "funder_id": PUBLIC_FUND,
        "instrument": "grant",
        "year": 2026,
        "round_number": 7,
        "title": long,
        "description": long,
        "eligibility": long,
        "budget": "1000000",
        "currency": "UZS",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
    }
    refused(client, database, world.fund, "/api/v1/competitions", body, "body")
    response = client.post("/api/v1/competitions", json=body, headers=bearer(world.fund))
    assert "65,535" in response.json()["errors"][0]["message"]
    body["title"] = {"ru": "Ж" * 4000}
    body["eligibility"] = {"ru": "Ж" * 4000}
    response = client.post("/api/v1/competitions", json=body, headers=bearer(world.fund))
    assert response.status_code == 201, response.text[:300]


def test_errors_name_fields_one_way_and_say_what_is_wrong(client, database, world) -> None:
    """Schema checks and business rules name a body field the same way (its path in the body:
    ``amount``, never ``body.amount``), say "positive" rather than show a regular expression,
    and a missing, wrong or misused key is a problem with an ``errors`` list too."""
    made = client.post("/api/v1/awards", json=award()["body"], headers=bearer(world.fund))
    path = f"/api/v1/awards/{made.json()['id']}/events"
    cases = [
        ({"amount": "-5"}, "amount", "positive amount in decimal digits"),
        ({"amount": 100}, "amount", "must be a string in quotes"),
        ({"currency": "uzs1"}, "currency", "ISO 4217 currency code"),
        (
            {
                "amount": None,
                "legal_unit": {"unit": "BRV", "multiplier": "3e3", "on": "2026-01-10"},
            },
            "legal_unit.multiplier",
            "a number in decimal digits",
        ),
        ({"period": {"start": "2026-03-15"}}, "period.end", "is required"),
        # Pydantic's own words were "Field required" and "Extra inputs are not permitted"
        # (found by a funder's integrator).
        ({"amout": "5.00"}, "amout", "is not a field the registry takes here"),
    ]
    for change, field, message in cases:
        before = ledger_size(database)
        response = client.post(
            "/api/v1/awards", json=award(**change)["body"], headers=bearer(world.fund)
        )
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert error["field"] == field
        assert message in error["message"]
        assert "^" not in error["message"]  # no regular expression
        assert ledger_size(database) == before
    event = client.post(
        path, json={"type": "terminated", "date": "2026-05-01"}, headers=bearer(world.fund)
    )
    assert [e["field"] for e in event.json()["errors"]] == ["reason"]  # not terminated.reason
    unknown = client.post(path, json={"type": "paused"}, headers=bearer(world.fund))
    assert unknown.json()["errors"][0]["field"] == "type"

    missing = client.post("/api/v1/awards", json=award()["body"])
    assert missing.status_code == 401
    assert missing.json()["errors"][0]["field"] == "header.authorization"
    wrong = client.post("/api/v1/awards", json=award()["body"], headers=bearer("reg_x_y"))
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["field"] == "header.authorization"
    other = client.post(
        "/api/v1/awards", json=award(funder_id=MINISTRY)["body"], headers=bearer(world.fund)
    )
    assert other.status_code == 403
    assert other.json()["errors"][0]["field"] == "funder_id"
    admin_only = client.post("/api/v1/organizations", json={}, headers=bearer(world.fund))
    assert admin_only.status_code == 403
    assert admin_only.json()["errors"][0]["field"] == "header.authorization"


SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}
FORMULAS = ('=HYPERLINK("https://example.org/x","Open")', "@SUM(1+1)", "-2+3", "+cmd|' /C calc'!A0")


@pytest.mark.parametrize(
    ("params", "spreadsheet"),
    [
        ({}, False),
        ({"sep": "comma"}, False),
        ({"decimal": "comma"}, True),
        ({"bom": "true"}, True),
        ({"sep": "semicolon"}, True),
        ({"sep": "tab"}, True),
        ({"sep": "tab", "decimal": "comma"}, True),
    ],
)
def test_a_formula_in_a_title_stays_text_in_a_spreadsheet_download(
    client, world, params, spreadsheet
) -> None:
    """CSV injection: a funder's text starting with = + - @ is quoted in every spreadsheet
    download (a BOM, a decimal comma, or fields separated by semicolons or tabs: such files
    are opened by spreadsheets; ``sep=tab`` alone quoted nothing before), so the spreadsheet
    shows it and never runs it; the plain comma CSV keeps the text exactly as recorded."""
    for title in FORMULAS:
        made = client.post(
            "/api/v1/awards", json=award(title={"uz": title})["body"], headers=bearer(world.fund)
        )
        assert made.status_code == 201, made.text

    response = client.get("/api/v1/awards.csv", params=params | {"sort": "award_date"})
    assert response.status_code == 200, response.text
    text = response.content.decode().removeprefix("\ufeff")
    default = "semicolon" if params.get("decimal") == "comma" else "comma"
    delimiter = SEPARATORS[params.get("sep", default)]
    titles = sorted(
        row["title.uz"] for row in csv.DictReader(io.StringIO(text), delimiter=delimiter)
    )
    assert titles == sorted("'" + title if spreadsheet else title for title in FORMULAS)


def test_a_formula_in_a_title_stays_text_in_a_360giving_csv_for_spreadsheets(client, world) -> None:
    """The same for the 360Giving CSV: ``bom=true`` quotes the formula (and starts with a
    BOM); the plain file keeps every cell exactly as the 360Giving JSON has it."""
    title = "@SUM(1+1)*cmd|' /C calc'!A0"
    made = client.post(
        "/api/v1/awards", json=award(title={"uz": title})["body"], headers=bearer(world.fund)
    )
    assert made.status_code == 201, made.text

    def titles(**params: str) -> tuple[bool, list[str]]:
        body = client.get("/api/v1/360giving/grants.csv", params=params).content.decode()
        rows = csv.DictReader(io.StringIO(body.removeprefix("\ufeff")))
        return body.startswith("\ufeff"), [row["title_uz"] for row in rows]

    assert titles() == (False, [title])
    assert titles(bom="true") == (True, ["'" + title])


def _award_created(client: TestClient, world: World) -> str:
    made = client.post("/api/v1/awards", json=award()["body"], headers=bearer(world.fund))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _sent(client: TestClient, database: Database, token: str, path: str, raw: bytes) -> dict:
    """A raw body refused with a 422 problem, the ledger unchanged; the problem's body."""
    before = ledger_size(database)
    headers = bearer(token) | {"content-type": "application/json"}
    response = client.post(path, content=raw, headers=headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert ledger_size(database) == before
    problem = response.json()
    assert problem["errors"], problem
    return problem


def test_a_name_given_twice_in_a_body_is_refused_naming_it(client, database, world) -> None:
    """``{"amount": "1", "amount": "2"}`` was a 201 for 2.00: Python keeps the last, another
    parser the first, or refuses it. The ledger is I-JSON, so the body is refused wherever the
    name repeats, the field named as the body's path names it, and nothing is written."""
    award_id = _award_created(client, world)
    events = f"/api/v1/awards/{award_id}/events"
    tranche = '{"type": "disbursed", "amount": "1", "amount": "2", "date": "2026-04-01"}'
    period = json.dumps(award()["body"]).replace('"start": ', '"start": "2026-04-01", "start": ')
    batch = {
        "operations": [
            {"op": "awards.event", "award_id": award_id, "body": {"type": "reported"}},
        ]
    }
    batch_text = json.dumps(batch).replace(
        '"type": ', '"date": "2026-05-01", "date": "2026-05-02", "type": '
    )
    organization = '{"org_id": "UZ-STIR-309999991", "kind": "ngo", "name": {"uz": "A", "uz": "B"}}'
    cases = [
        (world.fund, events, tranche, "amount"),
        (world.fund, "/api/v1/awards", period, "period.start"),
        (world.fund, "/api/v1/batches", batch_text, "operations.0.body.date"),
        (world.admin, "/api/v1/organizations", organization, "name.uz"),
        (world.admin, "/api/v1/keys", '{"role": "admin", "role": "funder"}', "role"),
    ]
    for token, path, text, field in cases:
        problem = _sent(client, database, token, path, text.encode())
        assert [error["field"] for error in problem["errors"]] == [field], problem
        assert "given twice" in problem["errors"][0]["message"]
    # The same bodies with the name given once are written.
    once = '{"type": "disbursed", "amount": "2", "date": "2026-04-01"}'
    response = client.post(
        events, content=once, headers=bearer(world.fund) | {"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["disbursed"] == "2.00"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            b'{"type": "disbursed", "amount": "\xff1", "date": "2026-04-01"}',
            "is not UTF-8: byte 33",
        ),
        (
            '{"type": "reported", "date": "2026-04-01"}'.encode("utf-16"),
            "is not UTF-8 (it looks like UTF-16)",
        ),
        (b'{"type": "disbursed", "amount": "1", "date": "2026-04-01", "tranche": NaN}', "NaN"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"type": "reported", "date": ', "not valid JSON at offset 29"),
    ],
)
def test_a_body_that_is_not_ijson_is_a_problem_naming_the_body(
    client, database, world, raw, message
) -> None:
    """Bad UTF-8 was a 400 ``about:blank`` "There was an error parsing the body", naming no
    field; so were a body nested too deeply to parse. Each is now a 422 problem whose
    ``errors`` name ``body`` and say what is wrong, as a syntax error's already did."""
    events = f"/api/v1/awards/{_award_created(client, world)}/events"
    problem = _sent(client, database, world.fund, events, raw)
    assert problem["type"] == "/problems/unprocessable"
    (error,) = problem["errors"]
    assert error["field"] == "body"
    assert message in error["message"], error


def test_a_body_with_a_byte_order_mark_is_still_read(client, world) -> None:
    """RFC 8259 lets a parser ignore a UTF-8 byte order mark, and the registry always has."""
    events = f"/api/v1/awards/{_award_created(client, world)}/events"
    raw = "\ufeff" + json.dumps({"type": "reported", "date": "2026-04-01"})
    headers = bearer(world.fund) | {"content-type": "application/json"}
    response = client.post(events, content=raw.encode(), headers=headers)
    assert response.status_code == 201, response.text


def test_every_operation_that_takes_a_json_body_reads_it_as_ijson(client, database) -> None:
    """Every operation the OpenAPI document gives a JSON body refuses a name given twice,
    naming it, before its key or its path is looked at, and writes nothing: a router that
    took JSON without ``JsonBodyRoute`` would take the second value again."""
    spec = client.get("/openapi.json").json()
    operations = [
        (method, path)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]
    assert len(operations) >= 10
    before = ledger_size(database)
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", "X-1", path)
        response = client.request(
            method,
            url,
            content=b'{"reason": "a", "reason": "b"}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 422, (method, path, response.text)
        error = response.json()["errors"][0]
        assert error["field"] == "reason", (method, path)
        assert "is given twice in the same object" in error["message"], (method, path)
    assert ledger_size(database) == before


def test_ijson_reading_alone() -> None:
    assert json_body.loads('{"a": [{"b": 1}, {"c": {"d": 2}}]}') == {
        "a": [{"b": 1}, {"c": {"d": 2}}]
    }
    for text, field in (
        ('{"a": 1, "a": 1}', "a"),
        ('{"a": [{"b": 1}, {"c": {"d": 2, "d": 3}}]}', "a.1.c.d"),
        ('[{"x": {}}, {"y": 1, "z": {"k": 1}, "y": 2}]', "1.y"),
    ):
        with pytest.raises(json_body.DuplicateMember) as raised:
            json_body.loads(text)
        assert raised.value.field == field
    for constant in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(json_body.NotIJson, match="not a JSON number"):
            json_body.loads(f'{{"a": {constant}}}')
    assert json_body.decode("\ufeff{}".encode()) == "{}"
    with pytest.raises(json_body.NotIJson, match=r"byte 1 \(0xc3\)"):
        json_body.decode(b'"\xc3("')


SPACED_AMOUNTS = [" 100", "100 ", "\t100", "\n100", "100\r\n"]
SPACED = "must not start or end with a space, tab or line break: it is read exactly as written"


@pytest.mark.parametrize("amount", SPACED_AMOUNTS)
def test_an_amount_with_a_space_around_it_is_refused_as_its_schema_says(
    client, database, world, amount
) -> None:
    """The published schema of an amount is ``^[0-9]+(\\.[0-9]+)?$``, which ``" 100"`` does not
    match, but the API stripped it and stored 100.00: a client checking against the OpenAPI
    document and the server disagreed. Every amount, currency and multiplier of a body is now
    taken exactly as written, and a space around it is refused in plain words."""
    award_id = _award_created(client, world)
    events = f"/api/v1/awards/{award_id}/events"
    published_seq = client.get(f"/api/v1/awards/{award_id}").json()["published_seq"]
    statement = {"unit": "BRV", "multiplier": amount.replace("100", "3"), "on": "2026-01-10"}
    cases = [
        ("/api/v1/awards", award(amount=amount)["body"], "amount"),
        ("/api/v1/awards", award(currency=amount.replace("100", "UZS"))["body"], "currency"),
        (
            "/api/v1/awards",
            award(amount=None, legal_unit=statement)["body"],
            "legal_unit.multiplier",
        ),
        (events, {"type": "disbursed", "amount": amount, "date": "2026-04-01"}, "amount"),
        (events, {"type": "amended", "amount": amount, "reason": "More"}, "amount"),
        (
            events,
            {
                "type": "corrected",
                "corrects": published_seq,
                "reason": "Typo",
                "changes": {"amount": amount},
            },
            "changes.amount",
        ),
        (
            "/api/v1/competitions",
            {**_competition_body(), "budget": amount},
            "budget",
        ),
    ]
    for path, body, field in cases:
        before = ledger_size(database)
        response = client.post(path, json=body, headers=bearer(world.fund))
        assert response.status_code == 422, (field, response.text)
        assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [(field, SPACED)]
        assert ledger_size(database) == before
    paid = client.post(
        events,
        json={"type": "disbursed", "amount": "100", "date": "2026-04-01"},
        headers=bearer(world.fund),
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["disbursed"] == "100.00"


def _competition_body() -> dict:
    return {
        "funder_id": PUBLIC_FUND,
        "instrument": "grant",
        "year": 2026,
        "round_number": 1,
        "title": {"uz": "Tanlov"},
        "budget": "1000000",
        "currency": "UZS",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
    }


def test_numbers_keep_their_json_type_as_amounts_do(client, database, world) -> None:
    """An amount as a JSON number is refused (so it is never rounded); an integer given as
    ``"2"`` or ``2.0``, or a boolean as ``"true"``, was coerced. Each value now keeps its JSON
    type: a tranche or a year is a JSON integer, ``void`` is ``true`` or ``false``, and an
    amount in a correction of the publication is a string, as in the publication itself
    (``900`` and even ``900.5`` were taken there)."""
    award_id = _award_created(client, world)
    events = f"/api/v1/awards/{award_id}/events"
    published_seq = client.get(f"/api/v1/awards/{award_id}").json()["published_seq"]
    whole = "must be a whole number written as a JSON integer"
    quoted = "must be a string in quotes"
    tranche = {"type": "disbursed", "amount": "100", "date": "2026-04-01"}
    correction = {"type": "corrected", "corrects": published_seq, "reason": "Typo"}
    cases = [
        (events, tranche | {"tranche": "2"}, "tranche", whole),
        (events, tranche | {"tranche": 2.0}, "tranche", whole),
        (events, tranche | {"tranche": True}, "tranche", whole),
        (events, correction | {"corrects": str(published_seq), "void": True}, "corrects", whole),
        (events, correction | {"changes": {"amount": 900}}, "changes.amount", quoted),
        (events, correction | {"changes": {"amount": 900.5}}, "changes.amount", quoted),
        (events, correction | {"void": "true"}, "void", "must be true or false"),
        ("/api/v1/competitions", {**_competition_body(), "year": "2026"}, "year", whole),
        (
            "/api/v1/competitions",
            {**_competition_body(), "round_number": 1.0},
            "round_number",
            whole,
        ),
    ]
    for path, body, field, message in cases:
        before = ledger_size(database)
        response = client.post(path, json=body, headers=bearer(world.fund))
        assert response.status_code == 422, (body, response.text)
        (error,) = response.json()["errors"]
        assert error["field"] == field, error
        assert message in error["message"], error
        assert ledger_size(database) == before
    fine = client.post(events, json=tranche | {"tranche": 2}, headers=bearer(world.fund))
    assert fine.status_code == 201, fine.text
    corrected = client.post(
        events, json=correction | {"changes": {"amount": "900"}}, headers=bearer(world.fund)
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["amount"] == "900.00"


ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
"""The flag of England: a black flag and tag characters (format characters), the last one
ending the text."""


@pytest.mark.parametrize(
    ("given", "recorded"),
    [
        ("\ufeffLoyiha", "Loyiha"),  # a byte order mark pasted from a file: the finding
        ("Loyiha\ufeff", "Loyiha"),
        (" \ufeff\u200b\tLoyiha \u200d\u2060", "Loyiha"),
        ("\u2060Loyiha\u00ad", "Loyiha"),
        ("\u200fLoyiha\u200f", "\u200fLoyiha\u200f"),  # direction marks set how it shows
        ("\u00a0Loyiha\u3000", "Loyiha"),
        ("Oʻzbek\u200btili", "Oʻzbek\u200btili"),  # inside a text, as written
        ("Yurak \u2764\ufe0f", "Yurak \u2764\ufe0f"),  # a variation selector ends an emoji
        (f"Angliya {ENGLAND}", f"Angliya {ENGLAND}"),
    ],
)
def test_a_text_is_recorded_without_invisible_characters_around_it(
    client, world, given, recorded
) -> None:
    """Leading spaces and tabs were trimmed but a leading U+FEFF (a byte order mark, or zero
    width no-break space) was kept, so two titles that look the same were different texts.
    Texts now lose every space and invisible format character at either end, alike; one made
    of nothing else is refused as blank, as before; inside a text, and marks or tags that end
    an emoji, are kept as written."""
    body = award(title={"uz": given}, themes=[given], legal_basis=given)["body"]
    made = client.post("/api/v1/awards", json=body, headers=bearer(world.fund))
    assert made.status_code == 201, made.text
    read = made.json()
    assert (read["title"]["uz"], read["themes"], read["legal_basis"]) == (
        recorded,
        [recorded],
        recorded,
    )
    leaf = client.get(f"/api/v1/ledger/entries/{read['published_seq']}").json()
    assert leaf["entry"]["body"]["title"] == {"uz": recorded}


def test_a_text_of_invisible_characters_only_is_blank(client, database, world) -> None:
    for blank in ("\ufeff", " \ufeff\u200b ", "\u2060\t"):
        request = award(title={"uz": blank})
        refused(client, database, world.fund, request["path"], request["body"], "title.uz")


def test_the_trimmed_whitespace_is_all_of_pythons() -> None:
    every = "".join(chr(code) for code in range(0x110000) if chr(code).isspace())
    assert every == schemas.WHITESPACE
    assert all(unicodedata.category(char) == "Cf" for char in schemas.INVISIBLE_FORMATS)
