"""POST /batches: many writes, one transaction, contiguous ledger entries; one refusal and
nothing is written."""

from domain_helpers import NGO_UZ, NGO_UZ_2, World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body

from registry.core.db import Database


def test_a_batch_is_applied_whole_with_references(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    operations = [
        {"op": "competitions.create", "body": competition_body()},
        {"op": "awards.create", "body": award_body("$0")},
        {"op": "awards.create", "body": award_body("$0", recipient_id=NGO_UZ_2, amount="50000000")},
        {
            "op": "awards.event",
            "award_id": "$1",
            "body": {"type": "disbursed", "amount": "100000000", "date": "2026-03-05"},
        },
        {
            "op": "competitions.event",
            "competition_id": "$0",
            "body": {"type": "results_published", "applications_received": 40},
        },
    ]
    response = client.post(
        "/api/v1/batches", json={"operations": operations}, headers=bearer(world.fund)
    )
    assert response.status_code == 201, response.text
    batch = response.json()
    assert (batch["first_seq"], batch["last_seq"]) == (before, before + len(operations) - 1)
    ids = [result["id"] for result in batch["results"]]
    assert ids == [
        "CMP-2026-00001",
        "AWD-2026-000001",
        "AWD-2026-000002",
        "AWD-2026-000001",
        "CMP-2026-00001",
    ]
    assert batch["results"][3]["resource"]["disbursed"] == "100000000.00"
    assert client.get("/api/v1/competitions/CMP-2026-00001").json()["status"] == "awarded"
    leaves = client.get(
        "/api/v1/ledger/leaves", params={"start": before, "end": before + 10}
    ).text.splitlines()
    assert len(leaves) == len(operations)


def test_one_bad_operation_rolls_back_the_whole_batch(
    client: TestClient, database: Database
) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    operations = [
        {"op": "competitions.create", "body": competition_body(budget="100000000")},
        {"op": "awards.create", "body": award_body("$0", amount="60000000")},
        {"op": "awards.create", "body": award_body("$0", recipient_id=NGO_UZ_2, amount="60000000")},
    ]
    response = client.post(
        "/api/v1/batches", json={"operations": operations}, headers=bearer(world.fund)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operations.2.body.amount"
    assert response.json()["detail"].startswith("operation 2:")
    assert ledger_size(database) == before
    assert client.get("/api/v1/competitions/CMP-2026-00001").status_code == 404


def test_batch_operations_keep_their_role_rules(client: TestClient, database: Database) -> None:
    world: World = build_world(client, database)
    before = ledger_size(database)
    as_funder = [
        {
            "op": "organizations.create",
            "body": {"org_id": "UZ-STIR-300000001", "name": {"uz": "NNT"}, "kind": "ngo"},
        }
    ]
    response = client.post(
        "/api/v1/batches", json={"operations": as_funder}, headers=bearer(world.fund)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "operation 0: this operation needs an admin key"
    as_admin = [
        {"op": "awards.create", "body": award_body(None, legal_basis="PQ-1", recipient_id=NGO_UZ)}
    ]
    response = client.post(
        "/api/v1/batches", json={"operations": as_admin}, headers=bearer(world.admin)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "operation 0: this operation needs a funder key"
    assert ledger_size(database) == before


def test_bad_references_and_sizes_are_refused(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    dangling = [
        {
            "op": "awards.event",
            "award_id": "$3",
            "body": {"type": "completed", "date": "2026-05-01"},
        }
    ]
    response = client.post(
        "/api/v1/batches", json={"operations": dangling}, headers=bearer(world.fund)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operations.0.award_id"
    for op, field, body in (
        ("awards.event", "award_id", {"type": "completed", "date": "2026-05-01"}),
        ("competitions.event", "competition_id", {"type": "cancelled", "reason": "x"}),
    ):
        unknown = {"op": op, field: "NOPE-2026-99999", "body": body}
        response = client.post(
            "/api/v1/batches", json={"operations": [unknown]}, headers=bearer(world.fund)
        )
        assert response.status_code == 404, response.text
        assert response.json()["errors"][0]["field"] == f"operations.0.{field}"
    # A field of an operation's body is named by its path in the request, whoever refused it:
    # the service (an unknown recipient or competition), the rules (a date) or the schema.
    for operation, field in (
        ({"op": "awards.create", "body": award_body(None, recipient_id="UZ-STIR-999999999",
                                                     legal_basis="PQ-1")}, "body.recipient_id"),
        ({"op": "awards.create", "body": award_body("CMP-2026-09999")}, "body.competition_id"),
        ({"op": "awards.create", "body": award_body("$7")}, "body.competition_id"),
        ({"op": "awards.create", "body": award_body(None, amount="1.001", legal_basis="PQ-1")},
         "body.amount"),
    ):  # fmt: skip
        response = client.post(
            "/api/v1/batches", json={"operations": [operation]}, headers=bearer(world.fund)
        )
        assert response.status_code in (404, 422), response.text
        assert response.json()["errors"][0]["field"] == f"operations.0.{field}", response.text
    too_many = {"operations": [{"op": "competitions.create", "body": competition_body()}] * 1001}
    response = client.post("/api/v1/batches", json=too_many, headers=bearer(world.fund))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "operations"
    empty = client.post("/api/v1/batches", json={"operations": []}, headers=bearer(world.fund))
    assert empty.status_code == 422
    assert ledger_size(database) == before


def test_an_operation_that_changes_nothing_refuses_the_batch(
    client: TestClient, database: Database
) -> None:
    """An amendment or correction that restates what an earlier operation of the same batch
    has just written changes nothing: it is refused as it would be alone, naming its body
    (or its correction's changes), and the batch writes nothing."""
    world = build_world(client, database)
    before = ledger_size(database)
    raise_amount = {"type": "amended", "amount": "350000000", "reason": "Second phase"}
    restate_period = {
        "type": "amended",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "reason": "Restated",
    }
    restate_title = {
        "type": "corrected",
        "corrects": before + 1,  # the award's publication, the batch's second entry
        "reason": "Restated",
        "changes": {"title": award_body(None)["title"]},
    }
    for body, field in (
        (raise_amount, "operations.3.body"),
        (restate_period, "operations.3.body"),
        (restate_title, "operations.3.body.changes"),
    ):
        operations = [
            {"op": "competitions.create", "body": competition_body()},
            {"op": "awards.create", "body": award_body("$0")},
            {"op": "awards.event", "award_id": "$1", "body": raise_amount},
            {"op": "awards.event", "award_id": "$1", "body": body},
        ]
        response = client.post(
            "/api/v1/batches", json={"operations": operations}, headers=bearer(world.fund)
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        (error,) = response.json()["errors"]
        assert error["field"] == field
        assert "changes nothing" in error["message"]
        assert response.json()["detail"].startswith("operation 3:")
        assert ledger_size(database) == before
        assert client.get("/api/v1/awards/AWD-2026-000001").status_code == 404
