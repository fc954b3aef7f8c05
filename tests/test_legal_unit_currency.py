"""A legal unit fixes the currency (BRV: UZS, MCI: KZT): a competition or an award stated in
one may leave its currency out, and one given must be the unit's; search reads the unit in
any case, as it reads a currency. On both databases; a refusal changes nothing."""

from typing import Any

import pytest
from domain_helpers import World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import competition_body
from test_legal_units import direct, kz_grant

from registry.core.db import Database

KAZAKH_WINDOW = {"opens": "2026-01-12T09:00:00+05:00", "closes": "2026-02-10T18:30:00+05:00"}


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name not in names}


def kz_competition(**overrides: Any) -> dict[str, Any]:
    body = competition_body(
        funder_id="KZ-BIN-050140000656",
        region="KZ-71",
        window=KAZAKH_WINDOW,
        legal_unit={"unit": "MCI", "multiplier": "50000", "on": "2026-01-01"},
    )
    return without(body, "budget", "currency") | overrides


def test_a_budget_in_mci_needs_no_currency(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/competitions", json=kz_competition(), headers=bearer(world.operator)
    )
    assert response.status_code == 201, response.text
    competition = response.json()
    assert (competition["budget"], competition["currency"]) == ("216250000.00", "KZT")
    assert competition["events"][0]["body"]["currency"] == "KZT"


def test_an_award_in_brv_or_mci_needs_no_currency(client: TestClient, world: World) -> None:
    in_mci = client.post(
        "/api/v1/awards", json=without(kz_grant(), "currency"), headers=bearer(world.operator)
    )
    assert in_mci.status_code == 201, in_mci.text
    assert (in_mci.json()["amount"], in_mci.json()["currency"]) == ("21625000.00", "KZT")
    stated = {"unit": "BRV", "multiplier": "100", "on": "2026-01-01"}
    in_brv = client.post(
        "/api/v1/awards",
        json=without(direct(legal_unit=stated), "amount", "currency"),
        headers=bearer(world.fund),
    )
    assert in_brv.status_code == 201, in_brv.text
    assert (in_brv.json()["amount"], in_brv.json()["currency"]) == ("41200000.00", "UZS")


@pytest.mark.parametrize(
    ("path", "token", "body", "message"),
    [
        (
            "/api/v1/competitions",
            "operator",
            kz_competition(currency="UZS"),
            "amounts in MCI are in KZT",
        ),
        ("/api/v1/awards", "operator", kz_grant(currency="USD"), "amounts in MCI are in KZT"),
        (
            "/api/v1/awards",
            "operator",
            without(kz_grant(legal_unit=None, amount="1000000"), "currency"),
            "required unless legal_unit states the amount (its unit fixes it)",
        ),
        (
            "/api/v1/competitions",
            "operator",
            without(kz_competition(legal_unit=None, budget="1000000"), "currency"),
            "required unless legal_unit states the amount (its unit fixes it)",
        ),
    ],
)
def test_a_currency_the_unit_does_not_fix_is_refused(
    client: TestClient,
    world: World,
    database: Database,
    path: str,
    token: str,
    body: dict,
    message: str,
) -> None:
    _refused_on_currency(client, database, path, bearer(getattr(world, token)), body, message)


def _refused_on_currency(
    client: TestClient,
    database: Database,
    path: str,
    headers: dict[str, str],
    body: dict,
    message: str,
) -> None:
    before = ledger_size(database)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": "currency", "message": message}]
    assert ledger_size(database) == before


def test_search_reads_a_unit_in_any_case(client: TestClient, world: World) -> None:
    assert (
        client.post("/api/v1/awards", json=kz_grant(), headers=bearer(world.operator)).status_code
        == 201
    )
    assert (
        client.post("/api/v1/awards", json=direct(), headers=bearer(world.fund)).status_code == 201
    )

    def amounts(path: str, **params: str) -> list[str]:
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        return sorted(item["amount"] for item in response.json()["items"])

    assert amounts("/api/v1/awards", legal_unit="mci") == ["21625000.00"]
    assert amounts("/api/v1/awards", legal_unit=" Mci ,brv") == ["21625000.00"]
    assert amounts("/api/v1/awards", legal_unit="MCI", currency="kzt") == ["21625000.00"]
    stats = client.get("/api/v1/stats/awards", params={"group_by": "year", "legal_unit": "mci"})
    assert [(row["key"], row["currency"], row["count"]) for row in stats.json()["rows"]] == [
        ("2026", "KZT", 1)
    ]
    unknown = client.get("/api/v1/awards", params={"legal_unit": "usd"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "query.legal_unit"


def test_an_amount_worked_out_from_a_legal_unit_is_refused_as_its_multiplier(
    client: TestClient, world: World, database: Database
) -> None:
    """An award stated only in a legal unit has no amount field: passing its competition's
    budget, alone or in a batch, or the 1,000 × BRV cap on a direct award, is refused naming
    legal_unit.multiplier, the field the request gave (amount when it gave both), and
    nothing is written."""
    stated = {"unit": "MCI", "multiplier": "6000", "on": "2026-01-01"}
    competition = client.post(
        "/api/v1/competitions",
        json=kz_competition(legal_unit=stated),
        headers=bearer(world.operator),
    )
    assert competition.status_code == 201, competition.text
    grant = without(kz_grant(competition_id=competition.json()["id"], legal_basis=None), "currency")
    first = client.post("/api/v1/awards", json=grant, headers=bearer(world.operator))
    assert first.status_code == 201, first.text
    before = ledger_size(database)

    over = client.post("/api/v1/awards", json=grant, headers=bearer(world.operator))
    both = client.post(
        "/api/v1/awards", json=grant | {"amount": "21625000"}, headers=bearer(world.operator)
    )
    batch = client.post(
        "/api/v1/batches",
        json={
            "operations": [
                {
                    "op": "competitions.create",
                    "body": kz_competition(legal_unit=stated, round_number=5),
                },
                {"op": "awards.create", "body": grant | {"competition_id": "$0"}},
                {"op": "awards.create", "body": grant | {"competition_id": "$0"}},
            ]
        },
        headers=bearer(world.operator),
    )
    brv = {"unit": "BRV", "multiplier": "1001", "on": "2026-01-01"}
    capped = client.post(
        "/api/v1/awards",
        json=without(direct(legal_unit=brv), "amount", "currency"),
        headers=bearer(world.fund),
    )

    for response, field, message in (
        (over, "legal_unit.multiplier", "exceeds what remains of"),
        (both, "amount", "exceeds what remains of"),
        (batch, "operations.2.body.legal_unit.multiplier", "exceeds what remains of"),
        (capped, "legal_unit.multiplier", "the cap for an award without a competition"),
    ):
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert error["field"] == field
        assert message in error["message"]
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("path", "token", "body", "message"),
    [
        (
            "/api/v1/awards",
            "operator",
            kz_grant(legal_unit=None, amount="50000000", currency="UZS"),
            "KZ-BIN-050140000656 gives KZT, or EUR or USD for donor co-funding, not UZS",
        ),
        (
            "/api/v1/competitions",
            "operator",
            kz_competition(legal_unit=None, budget="100000000", currency="UZS"),
            "KZ-BIN-050140000656 gives KZT, or EUR or USD for donor co-funding, not UZS",
        ),
        (
            "/api/v1/awards",
            "fund",
            direct(amount="1000000", currency="KZT"),
            "UZ-STIR-207050449 gives UZS, or EUR or USD for donor co-funding, not KZT",
        ),
    ],
)
def test_a_funder_gives_its_own_countrys_money_or_a_donors(
    client: TestClient,
    world: World,
    database: Database,
    path: str,
    token: str,
    body: dict,
    message: str,
) -> None:
    """A Kazakh operator's competition and award in UZS were taken, and its page then showed
    soums among its tenge (found by a funder's integrator)."""
    _refused_on_currency(client, database, path, bearer(getattr(world, token)), body, message)
    donor = body | {"currency": "EUR"}
    donor.pop("legal_unit", None)
    assert client.post(path, json=donor, headers=bearer(getattr(world, token))).status_code == 201
