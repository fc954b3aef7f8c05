"""Amounts in legal units (BRV, MCI): the reference tables, the CLI, awards stated in them
(the registry derives the money and records both), the Kazakh size bands against the
period, the Uzbek 1,000 × BRV cap on awards without a competition, and search by both."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    NGO_KZ,
    PUBLIC_FUND,
    World,
    bearer,
    build_world,
    ledger_size,
)
from fastapi.testclient import TestClient
from test_awards import award_body, create_competition
from typer.testing import CliRunner

from registry.awards.legal import add_months, band_of
from registry.cli import app as cli
from registry.core.db import Database
from registry.reference import legal_units
from registry.reference.legal_units import LegalUnit, UnknownUnitValue


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


# --- the tables ---------------------------------------------------------------------------


def test_a_value_applies_from_its_day_until_the_next_row() -> None:
    assert legal_units.value_on(LegalUnit.BRV, date(2025, 7, 31)).value == 375_000
    assert legal_units.value_on(LegalUnit.BRV, date(2025, 8, 1)).value == 412_000
    assert legal_units.value_on(LegalUnit.MCI, date(2025, 12, 31)).value == 3_932
    assert legal_units.value_on(LegalUnit.MCI, date(2026, 1, 1)).value == 4_325
    with pytest.raises(UnknownUnitValue, match="only from 2023-05-01"):
        legal_units.value_on(LegalUnit.BRV, date(2023, 4, 30))


def test_every_row_has_a_source_and_the_rows_are_in_order() -> None:
    for unit in LegalUnit:
        rows = legal_units.values(unit)
        assert [row.effective for row in rows] == sorted({row.effective for row in rows})
        assert all(row.source and row.value > 0 for row in rows)


def test_amounts_are_exact_decimals_in_minor_units() -> None:
    on = date(2026, 1, 1)
    assert legal_units.amount_minor(LegalUnit.MCI, Decimal(3000), on) == 12_975_000_00
    assert legal_units.amount_minor(LegalUnit.MCI, Decimal("2.5"), on) == 10_812_50
    # 0.0001 × 4,325 KZT = 0.4325 KZT: 43.25 tiyn, half to even → 43.
    assert legal_units.amount_minor(LegalUnit.MCI, Decimal("0.0001"), on) == 43
    assert legal_units.format_multiplier(Decimal("3000.00")) == "3000"
    assert legal_units.format_multiplier(Decimal("2.50")) == "2.5"


def test_bands_and_months() -> None:
    assert [band_of(Decimal(n)) for n in (499, 500, 2999, 3000, 9999, 10000)] == [
        "below",
        "short",
        "short",
        "medium",
        "medium",
        "long",
    ]
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_the_reference_command_lists_both_units_with_their_sources() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["reference"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert "412,000 UZS" in listed.output
    assert "4,325 KZT" in listed.output
    assert "republican budget for 2026-2028" in listed.output
    one = runner.invoke(cli, ["reference", "MCI", "--on", "2025-06-30"], env={"COLUMNS": "200"})
    assert one.exit_code == 0, one.output
    assert "3,932 KZT" in one.output
    assert "4,325" not in one.output
    early = runner.invoke(cli, ["reference", "BRV", "--on", "2020-01-01"])
    assert early.exit_code == 2
    assert "only from 2023-05-01" in early.output


# --- awards stated in legal units ----------------------------------------------------------


def kz_grant(**overrides: Any) -> dict[str, Any]:
    body = award_body(
        None,
        funder_id=KZ_OPERATOR,
        recipient_id=NGO_KZ,
        currency="KZT",
        legal_basis="Law No. 36 of 12.04.2005, art. 5",
        award_date="2026-03-01",
        period={"start": "2026-04-01", "end": "2027-03-31"},
        legal_unit={"unit": "MCI", "multiplier": "5000", "on": "2026-01-01"},
    )
    del body["amount"]
    return body | overrides


def refused(client: TestClient, database: Database, body: dict, token: str) -> dict:
    before = ledger_size(database)
    response = client.post("/api/v1/awards", json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert ledger_size(database) == before
    return response.json()


def test_an_award_stated_in_mci_gets_its_amount_and_keeps_the_statement(
    client: TestClient, world: World
) -> None:
    response = client.post("/api/v1/awards", json=kz_grant(), headers=bearer(world.operator))
    assert response.status_code == 201, response.text
    award = response.json()
    assert award["amount"] == "21625000.00"  # 5,000 × 4,325 KZT
    assert award["legal_unit"] == {
        "unit": "MCI",
        "multiplier": "5000",
        "on": "2026-01-01",
        "value": "4325",
        "amount": "21625000.00",
    }
    assert award["size_band"] == "medium"
    # The 201 is made from the publication's entry, not read back: it is what a GET reads.
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award
    recorded = award["events"][0]["body"]
    assert recorded["amount"] == "21625000.00"
    assert recorded["legal_unit"] == {
        "unit": "MCI",
        "multiplier": "5000",
        "on": "2026-01-01",
        "value": "4325",
    }
    # Given both, they must agree.
    agreeing = kz_grant(amount="21625000", title={"ru": "Второй"})
    response = client.post("/api/v1/awards", json=agreeing, headers=bearer(world.operator))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "21625000.01"}, "amount", "5000 MCI on 2026-01-01 is 21625000.00 KZT"),
        ({"currency": "UZS"}, "currency", "amounts in MCI are in KZT"),
        (
            {"legal_unit": {"unit": "MCI", "multiplier": "5000", "on": "2020-12-31"}},
            "legal_unit.on",
            "only from 2021-01-01",
        ),
        (
            {"legal_unit": {"unit": "MCI", "multiplier": "5e3", "on": "2026-01-01"}},
            "legal_unit.multiplier",
            "",
        ),
        (
            {"legal_unit": {"unit": "MCI", "multiplier": "499", "on": "2026-01-01"}},
            "legal_unit.multiplier",
            "at least 500 MCI",
        ),
        (
            {"legal_unit": {"unit": "RUB", "multiplier": "1", "on": "2026-01-01"}},
            "legal_unit.unit",
            "",
        ),
        ({"legal_unit": None}, "amount", "required unless legal_unit states it"),
    ],
)
def test_a_statement_that_does_not_hold_is_refused_naming_the_field(
    client: TestClient, database: Database, world: World, overrides: dict, field: str, message: str
) -> None:
    problem = refused(client, database, kz_grant(**overrides), world.operator)
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert any(name.endswith(field) for name in fields), fields
    assert message in " ".join(fields.values())


@pytest.mark.parametrize(
    ("multiplier", "start", "end", "accepted"),
    [
        ("500", "2026-04-01", "2026-06-30", True),  # short: exactly 3 months
        ("500", "2026-04-01", "2026-06-29", False),  # a day short of 3 months
        ("2999", "2026-04-01", "2027-03-31", True),  # short: exactly 12 months
        ("2999", "2026-04-01", "2027-04-01", False),  # short: 12 months and a day
        ("3000", "2026-04-01", "2026-09-30", True),  # at the shared end: short's length
        ("3000", "2026-04-01", "2027-09-30", True),  # ... or medium's
        ("5000", "2026-04-01", "2026-09-30", False),  # medium is 1-2 years
        ("5000", "2026-04-01", "2028-03-31", True),
        ("10000", "2026-04-01", "2027-09-30", True),  # at the shared end: medium's length
        ("12000", "2026-04-01", "2027-03-31", False),  # long is 2-3 years
        ("12000", "2026-04-01", "2029-03-31", True),
        ("12000", "2026-04-01", "2029-04-01", False),
    ],
)
def test_a_kazakh_grant_in_mci_runs_as_long_as_its_band(
    client: TestClient,
    database: Database,
    world: World,
    multiplier: str,
    start: str,
    end: str,
    accepted: bool,
) -> None:
    body = kz_grant(
        legal_unit={"unit": "MCI", "multiplier": multiplier, "on": "2026-01-01"},
        period={"start": start, "end": end},
    )
    if accepted:
        response = client.post("/api/v1/awards", json=body, headers=bearer(world.operator))
        assert response.status_code == 201, response.text
    else:
        problem = refused(client, database, body, world.operator)
        assert problem["errors"][0]["field"] == "period"
        assert "months" in problem["errors"][0]["message"]


def test_the_band_rule_is_for_grants_stated_in_mci_only(client: TestClient, world: World) -> None:
    # A social order stated in MCI is not a grant; a grant in money alone states no band.
    for body in (
        kz_grant(instrument="social_contract", period={"start": "2026-04-01", "end": "2026-04-30"}),
        kz_grant(
            legal_unit=None, amount="1000000", period={"start": "2026-04-01", "end": "2026-04-30"}
        ),
    ):
        response = client.post("/api/v1/awards", json=body, headers=bearer(world.operator))
        assert response.status_code == 201, response.text


# --- the Uzbek cap on awards without a competition -----------------------------------------


def direct(**overrides: Any) -> dict[str, Any]:
    return award_body(None, legal_basis="UP-124 of 26.08.2024", **overrides)


def test_a_direct_award_may_reach_the_cap_and_not_pass_it_without_an_override(
    client: TestClient, database: Database, world: World
) -> None:
    # 1,000 × 412,000 UZS on 2026-03-01.
    at_cap = client.post(
        "/api/v1/awards", json=direct(amount="412000000"), headers=bearer(world.fund)
    )
    assert at_cap.status_code == 201, at_cap.text
    problem = refused(client, database, direct(amount="412000000.01"), world.fund)
    assert problem["errors"][0]["field"] == "amount"
    assert "1,000 × BRV on 2026-03-01 (412000000.00 UZS)" in problem["errors"][0]["message"]
    # The BRV of the award date: 375,000 before 1 August 2025.
    problem = refused(
        client, database, direct(amount="400000000", award_date="2025-07-31"), world.fund
    )
    assert "375000000.00 UZS" in problem["errors"][0]["message"]
    overridden = direct(amount="500000000", cap_override="Cabinet resolution No. 1 of 2026")
    response = client.post("/api/v1/awards", json=overridden, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    assert response.json()["cap_override"] == "Cabinet resolution No. 1 of 2026"
    assert response.json()["events"][0]["body"]["cap_override"] == overridden["cap_override"]


def test_an_override_that_overrides_nothing_is_refused(
    client: TestClient, database: Database, world: World
) -> None:
    problem = refused(client, database, direct(amount="1000", cap_override="why not"), world.fund)
    assert problem["errors"][0]["field"] == "cap_override"
    competition = create_competition(client, world)
    with_competition = award_body(competition["id"], cap_override="why not")
    problem = refused(client, database, with_competition, world.fund)
    assert problem["errors"][0]["field"] == "cap_override"


def test_the_cap_is_uzbek(client: TestClient, world: World) -> None:
    body = kz_grant(
        legal_unit=None,
        amount="900000000",
        period={"start": "2026-04-01", "end": "2026-04-30"},
        instrument="social_contract",
    )
    response = client.post("/api/v1/awards", json=body, headers=bearer(world.operator))
    assert response.status_code == 201, response.text


# --- search and statistics -----------------------------------------------------------------


def test_search_filters_and_groups_by_unit_and_band(client: TestClient, world: World) -> None:
    for multiplier, end in (("5000", "2027-09-30"), ("12000", "2029-03-31")):
        body = kz_grant(
            legal_unit={"unit": "MCI", "multiplier": multiplier, "on": "2026-01-01"},
            period={"start": "2026-04-01", "end": end},
        )
        assert (
            client.post("/api/v1/awards", json=body, headers=bearer(world.operator)).status_code
            == 201
        )
    in_money = kz_grant(
        legal_unit=None, amount="1000000", period={"start": "2026-04-01", "end": "2026-06-30"}
    )
    assert (
        client.post("/api/v1/awards", json=in_money, headers=bearer(world.operator)).status_code
        == 201
    )
    assert (
        client.post("/api/v1/awards", json=direct(), headers=bearer(world.fund)).status_code == 201
    )

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/awards?{query}")
        assert response.status_code == 200, response.text
        return sorted(item["amount"] for item in response.json()["items"])

    assert ids("legal_unit=MCI") == ["21625000.00", "51900000.00"]
    assert ids("size_band=long") == ["51900000.00"]
    assert ids("size_band=below") == ["1000000.00"]  # 231 MCI: stated in money, banded all the same
    assert ids("size_band=medium,long&legal_unit=MCI") == ["21625000.00", "51900000.00"]
    stats = client.get("/api/v1/stats/awards?group_by=size_band&currency=KZT").json()
    assert {row["key"]: row["count"] for row in stats["rows"]} == {
        "below": 1,
        "medium": 1,
        "long": 1,
    }
    unknown = client.get("/api/v1/awards?size_band=huge")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "query.size_band"
    unknown = client.get("/api/v1/awards?legal_unit=USD")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "query.legal_unit"
    assert PUBLIC_FUND  # the Uzbek direct award is in no band and no unit


def test_the_cap_and_the_band_hold_after_publication(
    client: TestClient, database: Database, world: World
) -> None:
    award = client.post(
        "/api/v1/awards", json=direct(amount="400000000"), headers=bearer(world.fund)
    ).json()
    path = f"/api/v1/awards/{award['id']}/events"
    for event, field in (
        ({"type": "amended", "amount": "412000000.01", "reason": "more"}, "amount"),
        (
            {
                "type": "corrected",
                "corrects": award["published_seq"],
                "reason": "typo",
                "changes": {"amount": "900000000"},
            },
            "changes.amount",
        ),
    ):
        before = ledger_size(database)
        response = client.post(path, json=event, headers=bearer(world.fund))
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
        assert ledger_size(database) == before
    within = {"type": "amended", "amount": "412000000", "reason": "more"}
    assert client.post(path, json=within, headers=bearer(world.fund)).status_code == 201
    grant = client.post("/api/v1/awards", json=kz_grant(), headers=bearer(world.operator)).json()
    shorter = {
        "type": "amended",
        "period": {"start": "2026-04-01", "end": "2026-09-30"},
        "reason": "shorter",
    }
    response = client.post(
        f"/api/v1/awards/{grant['id']}/events", json=shorter, headers=bearer(world.operator)
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "period"


def test_a_uzbek_funders_cap_is_not_a_kazakh_funders(client: TestClient, world: World) -> None:
    # A Kazakh funder's direct award worth far more than 1,000 × BRV: the cap is Uzbek law,
    # for Uzbek funders (it paid in UZS here until a funder gave only its own country's money
    # or a donor's).
    body = kz_grant(
        legal_unit=None,
        currency="KZT",
        amount="900000000",
        instrument="social_contract",
        period={"start": "2026-04-01", "end": "2026-04-30"},
    )
    response = client.post("/api/v1/awards", json=body, headers=bearer(world.operator))
    assert response.status_code == 201, response.text


def test_a_statement_dated_after_today_is_refused(
    client: TestClient, database: Database, world: World
) -> None:
    future = kz_grant(legal_unit={"unit": "MCI", "multiplier": "5000", "on": "2099-01-01"})
    problem = refused(client, database, future, world.operator)
    assert problem["errors"][0]["field"] == "legal_unit.on"
    assert "after today" in problem["errors"][0]["message"]


def test_a_corrected_amount_is_held_to_the_cap_after_an_amendment(
    client: TestClient, database: Database, world: World
) -> None:
    """Correcting the publication's amount after an amendment moved it: the current amount
    does not change, but the corrected one is what the award was made for, so it is held to
    the cap as the publication was (a tester's 5 bn 'original' slipped past the cap)."""
    award = client.post(
        "/api/v1/awards", json=direct(amount="100000000"), headers=bearer(world.fund)
    ).json()
    path = f"/api/v1/awards/{award['id']}/events"
    amended = {"type": "amended", "amount": "100000000.01", "reason": "rounding"}
    assert client.post(path, json=amended, headers=bearer(world.fund)).status_code == 201
    correction = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "typo",
        "changes": {"amount": "5000000000"},
    }
    before = ledger_size(database)
    response = client.post(path, json=correction, headers=bearer(world.fund))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "changes.amount"
    assert "1,000 × BRV" in response.json()["errors"][0]["message"]
    assert ledger_size(database) == before
    within = {**correction, "changes": {"amount": "99000000"}}
    response = client.post(path, json=within, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    assert response.json()["original_amount"] == "99000000.00"
    assert response.json()["amount"] == "100000000.01"


@pytest.mark.parametrize(
    ("uzbek", "instrument"),
    [(True, "prize"), (True, "strategic_partnership"), (False, "subsidy")],
)
def test_an_instrument_is_one_the_funders_country_knows(
    client: TestClient, database: Database, world: World, uzbek: bool, instrument: str
) -> None:
    """Prizes and strategic partnership orders are Kazakh (Law No. 36), subsidies Uzbek
    ("On Social Partnership"): a tester's Uzbek fund published a prize competition."""
    if uzbek:
        body, token = direct(instrument=instrument), world.fund
    else:
        body, token = (
            kz_grant(instrument=instrument, legal_unit=None, amount="1000000"),
            world.operator,
        )
    problem = refused(client, database, body, token)
    assert problem["errors"][0]["field"] == "instrument"
    before = ledger_size(database)
    competition = {
        "funder_id": body["funder_id"],
        "instrument": instrument,
        "year": 2026,
        "title": {"ru": "Конкурс"},
        "budget": "100000000",
        "currency": body["currency"],
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
    }
    response = client.post("/api/v1/competitions", json=competition, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "instrument"
    assert ledger_size(database) == before
