"""A refused correction names the field of the request to blame, on both databases: its own
``corrects`` and ``void`` as they are, a void as ``void`` (it gives no other field), and a
change as ``changes.<field>``, or the change that broke a rule about another field. Every
refusal changes nothing."""

from typing import Any

import pytest
from domain_helpers import NGO_UZ_2, World, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import award_body, create_award, create_competition, post

from registry.core.db import Database

PROBLEM = "application/problem+json"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def add(client: TestClient, award: dict, event: dict, world: World) -> Any:
    return post(client, f"/api/v1/awards/{award['id']}/events", event, world.fund)


def correction(seq: int, **fields: Any) -> dict:
    return {"type": "corrected", "corrects": seq, "reason": "Entered wrongly", **fields}


def refused(client: TestClient, database: Database, award: dict, event: dict, world: World):
    """The one error of a refused event, after checking that nothing changed."""
    before = ledger_size(database)
    current = client.get(f"/api/v1/awards/{award['id']}").json()
    response = add(client, award, event, world)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == current
    return error


def test_an_award_date_moved_after_a_disbursement_names_the_award_date(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(
        client,
        world,
        create_competition(client, world)["id"],
        period={"start": "2026-03-20", "end": "2026-12-31"},
    )
    paid = add(client, award, {"type": "disbursed", "amount": "1000", "date": "2026-03-10"}, world)
    assert paid.status_code == 201, paid.text

    error = refused(
        client,
        database,
        award,
        correction(award["published_seq"], changes={"award_date": "2026-03-15"}),
        world,
    )

    assert error == {
        "field": "changes.award_date",
        "message": "a disbursement cannot precede the award date",
    }


def test_a_second_void_names_corrects_and_a_void_of_the_publication_names_void(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(client, world, create_competition(client, world)["id"])
    paid = add(client, award, {"type": "disbursed", "amount": "1000", "date": "2026-03-10"}, world)
    seq = paid.json()["events"][-1]["seq"]
    assert add(client, award, correction(seq, void=True), world).status_code == 201

    again = refused(client, database, award, correction(seq, void=True), world)
    publication = refused(
        client, database, award, correction(award["published_seq"], void=True), world
    )

    assert again == {"field": "corrects", "message": f"entry {seq} was already voided"}
    assert publication == {
        "field": "void",
        "message": "the award itself cannot be voided; terminate it",
    }


def test_a_correction_over_the_budget_names_what_took_it_over(
    client: TestClient, world: World, database: Database
) -> None:
    """Voiding a termination counts the award's whole amount again (a terminated award
    counts only what it was paid), so with the budget spent since, the void is to blame;
    a corrected amount is named as the change it is."""
    competition = create_competition(client, world)  # a budget of 1,000,000,000 UZS
    award = create_award(client, world, competition["id"])  # 300,000,000
    paid = {"type": "disbursed", "amount": "100000000", "date": "2026-03-10"}
    assert add(client, award, paid, world).status_code == 201
    ended = add(
        client, award, {"type": "terminated", "date": "2026-04-01", "reason": "Ended"}, world
    )
    assert ended.status_code == 201, ended.text
    rest = post(
        client,
        "/api/v1/awards",
        award_body(competition["id"], recipient_id=NGO_UZ_2, amount="900000000"),
        world.fund,
    )
    assert rest.status_code == 201, rest.text

    void = refused(
        client, database, award, correction(ended.json()["events"][-1]["seq"], void=True), world
    )
    larger = refused(
        client,
        database,
        rest.json(),
        correction(rest.json()["published_seq"], changes={"amount": "900000001"}),
        world,
    )

    assert void["field"] == "void"
    assert larger["field"] == "changes.amount"
    for error in (void, larger):
        assert error["message"] == (
            f"exceeds what remains of {competition['id']}'s budget: 0.00 UZS"
        )
