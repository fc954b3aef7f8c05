"""Every write endpoint × every kind of caller: only the right one writes; the others get
401 or 403 and the ledger does not move."""

import pytest
from domain_helpers import (
    MINISTRY,
    NGO_UZ,
    NGO_UZ_2,
    PUBLIC_FUND,
    World,
    bearer,
    build_world,
    issue_key,
    ledger_size,
    organization,
)
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body

from registry.auth.principal import Role
from registry.core.db import Database

CALLERS = ("no key", "revoked key", "admin", "owner", "other funder", "overseer")
OVERSEER = NGO_UZ_2


def _requests(client: TestClient, world: World, overseer: str) -> dict[str, tuple[str, str, dict]]:
    """endpoint name → (whose endpoint it is, path, body), against fresh objects."""
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()
    award = client.post(
        "/api/v1/awards", json=award_body(competition["id"]), headers=bearer(world.fund)
    ).json()
    spare = client.post(
        "/api/v1/keys",
        json={"role": "funder", "organization_id": PUBLIC_FUND},
        headers=bearer(world.admin),
    ).json()
    conclusion = {
        "overseer_id": OVERSEER,
        "addressed_to": PUBLIC_FUND,
        "subject": {"type": "award", "id": award["id"]},
        "title": {"uz": "Xulosa"},
        "findings": {"uz": "Topilmalar"},
    }
    submitted = client.post(
        "/api/v1/oversight/conclusions", json=conclusion, headers=bearer(overseer)
    ).json()
    events = f"/api/v1/oversight/conclusions/{submitted['id']}/events"
    rejected = client.post(
        "/api/v1/oversight/conclusions", json=conclusion, headers=bearer(overseer)
    ).json()
    rejected_events = f"/api/v1/oversight/conclusions/{rejected['id']}/events"
    answer = {"type": "answered", "decision": "rejected", "reasons": {"uz": "Asossiz"}}
    assert client.post(rejected_events, json=answer, headers=bearer(world.fund)).is_success
    return {
        "conclusions": ("overseer", "/api/v1/oversight/conclusions", conclusion),
        "conclusion answer": ("owner", events, answer),
        "conclusion escalation": (
            "overseer",
            rejected_events,
            {"type": "escalated", "to": MINISTRY, "reason": "Rad etildi"},
        ),
        "conclusion acknowledgement": ("owner", events, {"type": "acknowledged"}),
        "conclusion extension": ("owner", events, {"type": "extended", "days": 5, "reason": "."}),
        "conclusion withdrawal": ("overseer", events, {"type": "withdrawn", "reason": "Hal"}),
        "organizations": (
            "admin",
            "/api/v1/organizations",
            organization("UZ-STIR-300000001", "ngo", uz="Yangi NNT"),
        ),
        "keys": ("admin", "/api/v1/keys", {"role": "admin"}),
        "keys revoke": ("admin", f"/api/v1/keys/{spare['prefix']}/revoke", {}),
        "competitions": ("owner", "/api/v1/competitions", competition_body(round_number=5)),
        "competition events": (
            "owner",
            f"/api/v1/competitions/{competition['id']}/events",
            {"type": "amended", "changes": {"legal_basis": "UP-124"}, "reason": "typo"},
        ),
        "awards": (
            "owner",
            "/api/v1/awards",
            award_body(competition["id"], recipient_id=NGO_UZ, amount="1000"),
        ),
        "award events": (
            "owner",
            f"/api/v1/awards/{award['id']}/events",
            {"type": "disbursed", "amount": "1000", "date": "2026-03-10"},
        ),
        "batches": (
            "owner",
            "/api/v1/batches",
            {
                "operations": [
                    {
                        "op": "awards.event",
                        "award_id": award["id"],
                        "body": {"type": "reported", "date": "2026-04-01"},
                    }
                ]
            },
        ),
    }


ENDPOINTS = (
    "organizations",
    "keys",
    "keys revoke",
    "competitions",
    "competition events",
    "awards",
    "award events",
    "batches",
    "conclusions",
    "conclusion answer",
    "conclusion acknowledgement",
    "conclusion extension",
    "conclusion withdrawal",
    "conclusion escalation",
)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("caller", CALLERS)
def test_auth_matrix(client: TestClient, database: Database, endpoint: str, caller: str) -> None:
    world = build_world(client, database)
    revoked = issue_key(database, Role.FUNDER, PUBLIC_FUND)
    prefix = revoked.split("_")[1]
    assert (
        client.post(
            f"/api/v1/keys/{prefix}/revoke", json={}, headers=bearer(world.admin)
        ).status_code
        == 200
    )
    overseer = issue_key(database, Role.OVERSEER, OVERSEER)
    owner, path, body = _requests(client, world, overseer)[endpoint]
    tokens = {
        "no key": None,
        "revoked key": revoked,
        "admin": world.admin,
        "owner": world.fund,
        "other funder": world.ministry,
        "overseer": overseer,
    }
    token = tokens[caller]
    before = ledger_size(database)
    response = client.post(path, json=body, headers=bearer(token) if token else {})
    allowed = caller == owner or (owner == "admin" and caller == "admin")
    if allowed:
        assert response.status_code in (200, 201), response.text
        assert ledger_size(database) > before
        return
    expected = 401 if caller in ("no key", "revoked key") else 403
    assert response.status_code == expected, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert ledger_size(database) == before
