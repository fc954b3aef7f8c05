"""A Kazakh NGO prize has no implementation period (a fixed sum, no project: Law No. 36 of
12 Apr 2005), on both databases: it is published without one and shown and exported without
one; a period given for it is refused, as a period missing from any other award still is;
a prize published with a period before this rule replays as it was."""

import csv
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    NGO_KZ,
    World,
    award_body,
    bearer,
    build_world,
    ledger_size,
)
from fastapi.testclient import TestClient
from oversight_desk import Desk
from sqlalchemy import select
from test_desk import errors_next_to, open_form, sign_in
from test_imports import _grant, _import, _package
from test_publication_standards import GRANTS_PACKAGE, RECORD_PACKAGE, _get_valid, _ocid

from registry import journal
from registry.awards.models import Award
from registry.core.db import Database
from registry.imports.files import ImportRejected
from registry.ledger.service import NewEntry

PROBLEM = "application/problem+json"
PRIZE_HAS_NO_PERIOD = (
    "a prize has no implementation period: it is a fixed sum with no project; leave the period out"
)
PERIOD = {"start": "2026-04-01", "end": "2026-12-31"}
A_GRANT = {
    "instrument": "grant",
    "period": PERIOD,
    "amount": "12000000",
    "award_date": "2026-03-01",
}
"""What makes ``prize()`` a Kazakh grant of 12 M KZT, with its period."""


@pytest.fixture
def target(database_url_factory: Callable[[], str]) -> Iterator[Database]:
    """A second, empty registry to import into (as ``test_imports``' own)."""
    database = Database(database_url_factory())
    yield database
    database.dispose()


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def prize(**overrides: Any) -> dict[str, Any]:
    """What the ministry of culture publishes: 4.5 M KZT to an NGO, no project, no period."""
    body = award_body(
        None,
        funder_id=KZ_OPERATOR,
        recipient_id=NGO_KZ,
        instrument="prize",
        title={"ru": "Премия для НПО"},
        amount="4500000",
        currency="KZT",
        legal_basis="Law No. 36 of 12.04.2005, art. 6",
        award_date="2026-07-01",
    )
    del body["period"]
    return body | overrides


def published(client: TestClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/awards", json=body, headers=bearer(world.operator))
    assert response.status_code == 201, response.text
    return response.json()


def refused(
    client: TestClient, database: Database, path: str, body: dict[str, Any], token: str
) -> list[dict[str, str]]:
    before = ledger_size(database)
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert ledger_size(database) == before
    return response.json()["errors"]


def test_a_prize_is_published_paid_and_amended_without_a_period(
    client: TestClient, world: World
) -> None:
    award = published(client, world, prize())
    assert award["instrument"] == "prize"
    assert award["period"] is None
    assert award["size_band"] is None  # a prize is no grant: not banded
    assert award["events"][0]["body"]["period"] is None  # the ledger says so, not a guess
    path = f"/api/v1/awards/{award['id']}/events"
    for event in (
        {"type": "amended", "amount": "4600000", "reason": "Indexed"},
        {"type": "disbursed", "amount": "4600000", "date": "2026-07-10", "tranche": 1},
        {"type": "completed", "date": "2026-07-10"},
    ):
        response = client.post(path, json=event, headers=bearer(world.operator))
        assert response.status_code == 201, response.text
    read = client.get(f"/api/v1/awards/{award['id']}").json()
    assert (read["period"], read["amount"], read["status"]) == (None, "4600000.00", "completed")
    listed = client.get("/api/v1/awards", params={"instrument": "prize"}).json()["items"]
    assert [(item["id"], item["period"]) for item in listed] == [(award["id"], None)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (prize(period=PERIOD), PRIZE_HAS_NO_PERIOD),
        (prize(instrument="grant"), "is required"),
        (prize(instrument="social_contract"), "is required"),
        (prize(instrument="grant", period=None), "must be an object with start and end, not null"),
    ],
    ids=["prize-with-period", "grant-without", "social-contract-without", "grant-null"],
)
def test_a_period_is_refused_on_a_prize_and_required_on_anything_else(
    client: TestClient, world: World, database: Database, body: dict, message: str
) -> None:
    errors = refused(client, database, "/api/v1/awards", body, world.operator)
    assert [(error["field"], error["message"]) for error in errors] == [("period", message)]


def test_no_amendment_or_correction_gives_a_prize_a_period(
    client: TestClient, world: World, database: Database
) -> None:
    award = published(client, world, prize())
    path = f"/api/v1/awards/{award['id']}/events"
    amended = {"type": "amended", "period": PERIOD, "reason": "A project after all"}
    errors = refused(client, database, path, amended, world.operator)
    assert [(error["field"], error["message"]) for error in errors] == [
        ("period", PRIZE_HAS_NO_PERIOD)
    ]
    corrected = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "Dates from the decree",
        "changes": {"period": PERIOD},
    }
    errors = refused(client, database, path, corrected, world.operator)
    assert [(error["field"], error["message"]) for error in errors] == [
        ("changes.period", PRIZE_HAS_NO_PERIOD)
    ]
    assert client.get(f"/api/v1/awards/{award['id']}").json()["period"] is None


def test_a_grant_still_needs_its_period_in_an_amendment_and_a_correction(
    client: TestClient, world: World, database: Database
) -> None:
    award = published(client, world, prize(**A_GRANT))
    corrected = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "No period",
        "changes": {"period": None},
    }
    path = f"/api/v1/awards/{award['id']}/events"
    errors = refused(client, database, path, corrected, world.operator)
    assert [error["field"] for error in errors] == ["changes.period"]
    assert client.get(f"/api/v1/awards/{award['id']}").json()["period"] == PERIOD


def test_a_prize_published_with_a_period_before_the_rule_keeps_it_until_corrected(
    client: TestClient, world: World, database: Database
) -> None:
    """Older ledgers hold prizes with the period their funder had to make up: they replay as
    they were, and a correction may remove the period (null), never change it."""
    first = published(client, world, prize())
    legacy = dict(first["events"][0]["body"]) | {"id": "AWD-2026-09001", "period": PERIOD}
    with database.session(write=True) as session:
        journal.record(
            session,
            [
                NewEntry(
                    kind="award.published",
                    subject=legacy["id"],
                    actor=first["events"][0]["actor"],
                    body=legacy,
                )
            ],
        )
    award = client.get(f"/api/v1/awards/{legacy['id']}").json()
    assert award["period"] == PERIOD
    path = f"/api/v1/awards/{legacy['id']}/events"
    moved = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "Other dates",
        "changes": {"period": {"start": "2026-08-01", "end": "2026-12-31"}},
    }
    errors = refused(client, database, path, moved, world.operator)
    assert [error["field"] for error in errors] == ["changes.period"]
    removed = dict(moved, reason="A prize has no period", changes={"period": None})
    response = client.post(path, json=removed, headers=bearer(world.operator))
    assert response.status_code == 201, response.text
    assert response.json()["period"] is None
    with database.session() as session:
        row = session.execute(select(Award).where(Award.id == legacy["id"])).scalar_one()
        assert (row.period_start, row.period_end) == (None, None)
    page = client.get(f"/awards/{legacy['id']}", params={"lang": "en"}).text
    assert "A prize has no period" in page
    # The OCDS record drops the period its first release gave (its dates null in the last).
    package = _get_valid(client, f"/api/v1/ocds/records/{_ocid(legacy['id'])}", RECORD_PACKAGE)
    (record,) = package["records"]
    first, *_, last = record["releases"]
    assert first["awards"][0]["contractPeriod"]["startDate"].startswith(PERIOD["start"])
    assert last["awards"][0]["contractPeriod"] == {"startDate": None, "endDate": None}
    compiled = record["compiledRelease"]
    assert not compiled["awards"][0].get("contractPeriod", {}).get("startDate")
    assert not compiled["contracts"][0].get("period", {}).get("endDate")


def test_the_award_page_shows_no_period_for_a_prize(client: TestClient, world: World) -> None:
    award = published(client, world, prize())
    grant = published(client, world, prize(**A_GRANT))
    for lang, label in (("en", "Implementation period"), ("ru", "Срок реализации")):
        page = client.get(f"/awards/{award['id']}", params={"lang": lang})
        assert page.status_code == 200, page.text
        assert label not in page.text
        assert "Премия для НПО" in page.text  # the prize's own page (its title)
        assert label in client.get(f"/awards/{grant['id']}", params={"lang": lang}).text
    listing = client.get("/awards", params={"lang": "en", "instrument": "prize"})
    assert listing.status_code == 200, listing.text
    assert award["id"] in listing.text


def test_the_exports_give_a_prize_no_period(client: TestClient, world: World) -> None:
    award = published(client, world, prize())
    grant = published(client, world, prize(**A_GRANT))
    response = client.get("/api/v1/awards.csv")
    assert response.status_code == 200, response.text
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert (rows[award["id"]]["period.start"], rows[award["id"]]["period.end"]) == ("", "")
    assert rows[grant["id"]]["period.start"] == PERIOD["start"]
    lines = client.get("/api/v1/awards.jsonl").text.splitlines()
    jsonl = {line["id"]: line for line in map(json.loads, lines)}
    assert jsonl[award["id"]]["period"] is None
    assert jsonl[grant["id"]]["period"] == PERIOD

    package = _get_valid(client, f"/api/v1/ocds/records/{_ocid(award['id'])}", RECORD_PACKAGE)
    (record,) = package["records"]
    for release in [*record["releases"], record["compiledRelease"]]:
        if "awards" not in release:
            continue  # a linked release, by its URL
        (ocds_award,) = release["awards"]
        (contract,) = release["contracts"]
        assert "contractPeriod" not in ocds_award
        assert "period" not in contract
        assert ocds_award["value"]["amount"] == Decimal(4500000)
    other = _get_valid(client, f"/api/v1/ocds/records/{_ocid(grant['id'])}", RECORD_PACKAGE)
    compiled = other["records"][0]["compiledRelease"]
    assert compiled["contracts"][0]["period"]["startDate"].startswith(PERIOD["start"])

    grants = _get_valid(client, "/api/v1/360giving/grants.json", GRANTS_PACKAGE)["grants"]
    planned = {item["amountAwarded"]: item.get("plannedDates") for item in grants}
    assert planned == {
        Decimal(4500000): None,
        Decimal(12000000): [{"startDate": PERIOD["start"], "endDate": PERIOD["end"]}],
    }
    giving_csv = client.get("/api/v1/360giving/grants.csv")
    assert giving_csv.status_code == 200, giving_csv.text
    cells = {
        row["Amount Awarded"]: row["Planned Dates:Start Date"]
        for row in csv.DictReader(io.StringIO(giving_csv.text))
    }
    assert cells == {"4500000.00": "", "12000000.00": PERIOD["start"]}


def test_the_desk_publishes_a_prize_with_its_period_left_empty(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.operator)
    before = ledger_size(desk.database)
    page = browser_like.get("/desk/forms/award", params={"lang": "en"}).text
    assert 'name="period.start"' in page
    assert "Leave both dates empty for a prize" in page
    filled = {
        "recipient_id": NGO_KZ,
        "instrument": "prize",
        "title.ru": "Премия для НПО",
        "amount": "4500000",
        "currency": "KZT",
        "award_date": "2026-07-01",
        "legal_basis": "Law No. 36 of 12.04.2005, art. 6",
        "period.start": "",
        "period.end": "",
    }
    # A grant so filled is refused next to its period, and nothing is written.
    form = open_form(browser_like, "award") | filled | {"instrument": "grant"}
    response = browser_like.post("/desk/forms/award", data=form, params={"lang": "en"})
    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "period.start") == ["Fill this in."]
    assert ledger_size(desk.database) == before
    # A prize given a period is refused next to it, in the page's language.
    form = (
        open_form(browser_like, "award")
        | filled
        | {
            "period.start": "2026-07-01",
            "period.end": "2026-07-01",
        }
    )
    response = browser_like.post("/desk/forms/award", data=form, params={"lang": "ru"})
    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "period.start") == [
        "у премии нет срока реализации: это фиксированная сумма без проекта; не указывайте срок"
    ]
    assert ledger_size(desk.database) == before
    form = open_form(browser_like, "award") | filled
    response = browser_like.post("/desk/forms/award", data=form)
    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    (created,) = desk.client.get("/api/v1/awards", params={"instrument": "prize"}).json()["items"]
    assert (created["period"], created["amount"]) == (None, "4500000.00")


KZ_FUNDER = {"id": KZ_OPERATOR, "name": "Civil Initiatives Support Centre"}
KZ_NGO = {"id": NGO_KZ, "name": "ОО «Дала»"}
PRIZE_TYPE = [{"code": "prize", "title": "Prize", "vocabulary": "registry:instrument"}]


def kz_grant(number: int, **changes: Any) -> dict[str, Any]:
    return _grant(
        number,
        currency="KZT",
        amountAwarded=Decimal(4500000),
        awardDate="2026-07-01",
        recipientOrganization=[KZ_NGO],
        fundingOrganization=[KZ_FUNDER],
        beneficiaryLocation=[{"countryCode": "KZ", "geoCode": "KZ-75"}],
        **changes,
    )


def test_a_360giving_prize_imports_without_planned_dates(target: Database) -> None:
    content = _package(kz_grant(1, fundingType=PRIZE_TYPE, plannedDates=None))
    summary = _import(target, content)
    assert summary.created == 1
    with target.session() as session:
        (award,) = session.execute(select(Award)).scalars()
        assert (award.instrument, award.period_start, award.period_end) == ("prize", None, None)


def test_a_360giving_grant_without_planned_dates_or_a_prize_with_them_is_refused(
    target: Database,
) -> None:
    content = _package(
        kz_grant(1, plannedDates=None),
        kz_grant(2, fundingType=PRIZE_TYPE),
    )
    with pytest.raises(ImportRejected) as caught:
        _import(target, content)
    found = {(problem.row, problem.field): problem.message for problem in caught.value.problems}
    assert found == {
        ("grants[0] (360G-test-1)", "plannedDates"): "is required",
        ("grants[1] (360G-test-2)", "plannedDates[0]"): PRIZE_HAS_NO_PERIOD,
    }
    with target.session() as session:
        assert session.execute(select(Award)).first() is None
