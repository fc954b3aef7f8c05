"""A funder's competitions and awards take place in its own country: an Uzbek funder's in
Uzbekistan, a Kazakh funder's in Kazakhstan, as an organization's own region lies in its
country. Every refusal names the field, on both databases, and changes nothing. A funder
that belongs to neither country (an international donor co-funding in USD) may fund work in
either."""

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    NGO_KZ,
    NGO_UZ,
    PUBLIC_FUND,
    World,
    bearer,
    build_world,
    issue_key,
    ledger_size,
    organization,
)
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body, create_award, create_competition, post

from registry.auth.principal import Role
from registry.core.db import Database

PROBLEM = "application/problem+json"
NOT_IN_UZ = f"is not in the country of {PUBLIC_FUND}"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def refused(response, field: str) -> str:
    """The one error's message, after checking it is a 422 problem naming ``field``."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == field, error
    return str(error["message"])


def kazakh_competition(**overrides) -> dict:
    kazakh = {
        "funder_id": KZ_OPERATOR,
        "currency": "KZT",
        "budget": "90000000",
        "region": "KZ-71",
        "window": {"opens": "2026-03-02T09:00:00+05:00", "closes": "2026-03-27T18:30:00+05:00"},
    }
    return competition_body(**kazakh | overrides)


def budget_in(unit: str) -> dict:
    """A competition's budget stated as 100 of ``unit``, its money left to the registry."""
    return {
        "budget": None,
        "currency": None,
        "legal_unit": {"unit": unit, "multiplier": "100", "on": "2026-01-01"},
    }


@pytest.mark.parametrize(
    ("funder", "body", "field", "message"),
    [
        ("fund", competition_body(region="KZ-19"), "region", f"KZ-19 {NOT_IN_UZ}"),
        ("fund", competition_body(region="KZ"), "region", f"KZ {NOT_IN_UZ}"),
        (
            "operator",
            kazakh_competition(region="UZ-TK"),
            "region",
            f"UZ-TK is not in the country of {KZ_OPERATOR}",
        ),
        # A withdrawn Kazakh code is judged as the current code it stands for.
        ("fund", competition_body(region="KZ-ALA"), "region", f"KZ-75 {NOT_IN_UZ}"),
        # A Kazakh body's budget in BRV would be an amount in UZS fixed by an Uzbek decree:
        # a legal unit is its country's law's, as an instrument is.
        (
            "operator",
            kazakh_competition(**budget_in("BRV")),
            "legal_unit.unit",
            f"BRV is Uzbekistan's unit of account; {KZ_OPERATOR} states amounts in MCI or in money",
        ),
        (
            "fund",
            competition_body(**budget_in("MCI")),
            "legal_unit.unit",
            f"MCI is Kazakhstan's unit of account; {PUBLIC_FUND} states amounts in BRV or in money",
        ),
    ],
    ids=[
        "uz-in-kz-19",
        "uz-in-kz",
        "kz-in-uz-tk",
        "uz-in-withdrawn-kz-ala",
        "kz-budget-in-brv",
        "uz-budget-in-mci",
    ],
)
def test_a_competition_outside_its_funders_country_is_refused(
    client: TestClient,
    world: World,
    database: Database,
    funder: str,
    body: dict,
    field: str,
    message: str,
) -> None:
    """Held in another country (its region) or under another country's law (the legal unit
    its budget is stated in): a 422 naming the field, and nothing is written."""
    before = ledger_size(database)

    response = post(client, "/api/v1/competitions", body, getattr(world, funder))

    assert refused(response, field) == message
    assert ledger_size(database) == before
    assert client.get("/api/v1/competitions").json()["items"] == []


def test_an_amendment_cannot_move_a_competition_to_another_country(
    client: TestClient, world: World, database: Database
) -> None:
    """Nor, with it, the zone its deadlines are counted in (Asia/Almaty for KZ-19)."""
    competition = create_competition(client, world)
    path = f"/api/v1/competitions/{competition['id']}/events"
    before = ledger_size(database)

    response = post(
        client,
        path,
        {"type": "amended", "changes": {"region": "KZ-19"}, "reason": "Moved"},
        world.fund,
    )

    assert refused(response, "changes.region") == f"KZ-19 {NOT_IN_UZ}"
    assert ledger_size(database) == before
    now = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert now == competition
    assert now["time_zone"] == "Asia/Tashkent"
    within = post(
        client,
        path,
        {"type": "amended", "changes": {"region": "UZ-SA"}, "reason": "Samarqand only"},
        world.fund,
    )
    assert within.status_code == 201, within.text
    assert within.json()["region"] == "UZ-SA"


def test_an_award_outside_its_funders_country_is_refused(
    client: TestClient, world: World, database: Database
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(database)

    given = post(
        client, "/api/v1/awards", award_body(competition["id"], region="KZ-75"), world.fund
    )
    assert refused(given, "region") == f"KZ-75 {NOT_IN_UZ}"
    # A Kazakh NGO's own region is not where an Uzbek funder's award takes place: the award
    # says where the work happens.
    taken = post(
        client, "/api/v1/awards", award_body(competition["id"], recipient_id=NGO_KZ), world.fund
    )
    message = refused(taken, "region")
    assert message.startswith(f"KZ-75 {NOT_IN_UZ} (the recipient's region")
    assert "give the region where the work happens" in message
    assert ledger_size(database) == before

    in_uzbekistan = create_award(
        client, world, competition["id"], recipient_id=NGO_KZ, region="UZ-TK"
    )
    assert in_uzbekistan["region"] == "UZ-TK"


def test_a_correction_cannot_move_an_award_to_another_country(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    correction = {"type": "corrected", "corrects": award["published_seq"], "reason": "Typo"}
    before = ledger_size(database)

    response = post(client, path, correction | {"changes": {"region": "KZ-75"}}, world.fund)

    assert refused(response, "changes.region") == f"KZ-75 {NOT_IN_UZ}"
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award
    within = post(client, path, correction | {"changes": {"region": "UZ-TO"}}, world.fund)
    assert within.status_code == 201, within.text
    assert within.json()["region"] == "UZ-TO"


def test_an_international_donor_funds_work_in_either_country(
    client: TestClient, world: World, database: Database
) -> None:
    """The cross-border case the domain has: donors co-fund in USD or EUR, and one that
    belongs to no country (an XI- org-id) funds work in Uzbekistan and in Kazakhstan."""
    donor = "XI-IATI-DONOR-01"
    registered = client.post(
        "/api/v1/organizations",
        json=organization(donor, "other", uz="Xalqaro donor", region="UZ-TK"),
        headers=bearer(world.admin),
    )
    assert registered.status_code == 201, registered.text
    key = issue_key(database, Role.FUNDER, donor)

    in_kazakhstan = post(
        client,
        "/api/v1/competitions",
        kazakh_competition(funder_id=donor, currency="USD", budget="200000"),
        key,
    )
    assert in_kazakhstan.status_code == 201, in_kazakhstan.text
    assert in_kazakhstan.json()["region"] == "KZ-71"
    in_uzbekistan = post(
        client,
        "/api/v1/awards",
        award_body(
            None,
            funder_id=donor,
            recipient_id=NGO_UZ,
            instrument="grant",
            amount="25000",
            currency="USD",
            legal_basis="Co-funding agreement 7",
            region="UZ-SA",
        ),
        key,
    )
    assert in_uzbekistan.status_code == 201, in_uzbekistan.text
    assert in_uzbekistan.json()["region"] == "UZ-SA"


@pytest.mark.parametrize("region", [None, 5, ["UZ-TK"]])
def test_a_corrected_region_that_is_no_code_is_refused(
    client: TestClient, world: World, database: Database, region: object
) -> None:
    """A correction's changes are free-form JSON: a region that is not text is a 422 naming
    it (it was a 500), and changes nothing."""
    award = create_award(client, world, create_competition(client, world)["id"])
    before = ledger_size(database)

    response = post(
        client,
        f"/api/v1/awards/{award['id']}/events",
        {
            "type": "corrected",
            "corrects": award["published_seq"],
            "reason": "Typo",
            "changes": {"region": region},
        },
        world.fund,
    )

    assert "ISO 3166-2 code" in refused(response, "changes.region")
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("funder", "body", "zone"),
    [
        (
            "operator",
            kazakh_competition(
                time_zone="Europe/Moscow",
                window={
                    "opens": "2026-03-02T09:00:00+03:00",
                    "closes": "2026-03-27T18:30:00+03:00",
                },
            ),
            "Europe/Moscow",
        ),
        (
            "fund",
            competition_body(
                time_zone="UTC",
                window={
                    "opens": "2026-01-10T04:00:00+00:00",
                    "closes": "2026-02-10T13:00:00+00:00",
                },
            ),
            "UTC",
        ),
        # Kazakhstan's zones are Kazakh, not Uzbek, however alike their offsets are now.
        ("fund", competition_body(time_zone="Asia/Almaty"), "Asia/Almaty"),
    ],
)
def test_a_competition_s_deadlines_are_counted_in_its_funders_country(
    client: TestClient, world: World, database: Database, funder: str, body: dict, zone: str
) -> None:
    """A Kazakh akimat's deadline is in Kazakh time: a zone of another country (Moscow, UTC)
    would show every deadline and stage date in a time the competition is not held in."""
    before = ledger_size(database)

    response = post(client, "/api/v1/competitions", body, getattr(world, funder))

    message = refused(response, "time_zone")
    country = {"UZ": "Uzbekistan", "KZ": "Kazakhstan"}[body["funder_id"][:2]]
    assert message.startswith(f"{zone} is not a time zone of {country},"), message
    assert ledger_size(database) == before
    assert client.get("/api/v1/competitions").json()["items"] == []


def test_a_funder_names_any_zone_of_its_own_country(client: TestClient, world: World) -> None:
    """Kazakhstan has several zones in the tz database (Qostanay, Aqtobe…); each is its own,
    and a donor of neither country may name any."""
    kazakh = post(
        client,
        "/api/v1/competitions",
        kazakh_competition(time_zone="Asia/Qostanay"),
        world.operator,
    )
    assert kazakh.status_code == 201, kazakh.text
    assert kazakh.json()["time_zone"] == "Asia/Qostanay"
    uzbek = post(
        client,
        "/api/v1/competitions",
        competition_body(time_zone="Asia/Samarkand", round_number=9),
        world.fund,
    )
    assert uzbek.status_code == 201, uzbek.text


def test_an_award_is_stated_in_its_funders_own_legal_unit(
    client: TestClient, world: World, database: Database
) -> None:
    before = ledger_size(database)
    brv = {"unit": "BRV", "multiplier": "10", "on": "2026-01-01"}
    body = award_body(
        None,
        funder_id=KZ_OPERATOR,
        recipient_id=NGO_KZ,
        amount=None,
        currency=None,
        legal_unit=brv,
        legal_basis="Order 45",
    )

    response = post(client, "/api/v1/awards", body, world.operator)

    assert refused(response, "legal_unit.unit").startswith("BRV is Uzbekistan's unit of account")
    assert ledger_size(database) == before
    mci = body | {
        "legal_unit": {"unit": "MCI", "multiplier": "1000", "on": "2026-01-01"},
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
    }
    accepted = post(client, "/api/v1/awards", mci, world.operator)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["amount"] == "4325000.00"
