"""Group-committed writes (awards and their events) are let in on a key this process checked
lately, without a database round trip of their own, and their batch confirms the key in the
write's own transaction: a key revoked or expired meanwhile, here or in another process,
writes nothing."""

from datetime import timedelta

import pytest
from domain_helpers import PUBLIC_FUND, World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient
from test_awards import award_body, create_competition, post

from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.core import clock
from registry.core.db import Database
from registry.core.errors import Unauthorized


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def _revoke_elsewhere(database: Database, token: str) -> None:
    """Revoke a key as another process would: straight in the database, past this app."""
    prefix = token.split("_")[1]
    with database.session(write=True) as session:
        auth_service.revoke_key(session, actor=SYSTEM_ACTOR, prefix=prefix)


def _key_expiring_tomorrow(database: Database) -> str:
    with database.session(write=True) as session:
        return auth_service.create_key(
            session,
            actor=SYSTEM_ACTOR,
            role=Role.FUNDER,
            organization_id=PUBLIC_FUND,
            expires_at=clock.now() + timedelta(days=1),
        ).token


def test_a_key_revoked_elsewhere_after_this_process_checked_it_writes_nothing(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    award = post(client, "/api/v1/awards", award_body(competition["id"]), world.fund)
    assert award.status_code == 201, award.text  # the key is now remembered by this app
    _revoke_elsewhere(database, world.fund)
    before = ledger_size(database)

    # The order of refusals is what the memory changes: until the key is refused once, a
    # body that is not valid is refused for itself first (README: Group commit).
    invalid = post(client, "/api/v1/awards", {"funder_id": PUBLIC_FUND}, world.fund)
    assert invalid.status_code == 422
    refused = post(client, "/api/v1/awards", award_body(competition["id"]), world.fund)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert "revoked" in refused.json()["detail"]
    event = {"type": "disbursed", "amount": "1000", "date": "2026-04-01"}
    refused = post(client, f"/api/v1/awards/{award.json()['id']}/events", event, world.fund)
    assert refused.status_code == 401
    assert ledger_size(database) == before


def test_a_key_revoked_through_this_process_is_forgotten_at_once(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    assert post(client, "/api/v1/awards", award_body(competition["id"]), world.fund).is_success
    prefix = world.fund.split("_")[1]
    revoked = client.post(f"/api/v1/keys/{prefix}/revoke", json={}, headers=bearer(world.admin))
    assert revoked.status_code == 200, revoked.text
    before = ledger_size(database)
    # Checked in the database again, before the body is read: 401, not 422.
    refused = post(client, "/api/v1/awards", {"funder_id": PUBLIC_FUND}, world.fund)
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert ledger_size(database) == before


def test_a_remembered_key_that_expires_writes_nothing(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    token = _key_expiring_tomorrow(database)
    assert post(client, "/api/v1/awards", award_body(competition["id"]), token).is_success
    before = ledger_size(database)
    with clock.travel(clock.now() + timedelta(days=2)):
        refused = post(client, "/api/v1/awards", award_body(competition["id"]), token)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    assert ledger_size(database) == before


def test_only_valid_keys_are_remembered_and_at_most_size_of_them(
    database: Database, world: World
) -> None:
    keys = auth_service.CheckedKeys(size=2)
    tokens = [world.fund, world.ministry, world.operator]
    with database.session() as session:
        for guess in (world.fund + "x", "reg_nope_nope", "nonsense"):
            with pytest.raises(Unauthorized):
                keys.check(session, guess)
            assert keys.get(guess) is None
        principals = [keys.check(session, token) for token in tokens]
    # The least recently used is forgotten first.
    assert keys.get(tokens[0]) is None
    assert [keys.get(token) for token in tokens[1:]] == principals[1:]
    keys.forget(tokens[1].split("_")[1])
    assert keys.get(tokens[1]) is None


def test_a_remembered_key_is_checked_in_the_database_again_after_its_time(
    database: Database, world: World
) -> None:
    keys = auth_service.CheckedKeys(seconds=0)
    with database.session() as session:
        keys.check(session, world.fund)
    assert keys.get(world.fund) is None


def test_confirm_refuses_a_revoked_key_among_several(database: Database, world: World) -> None:
    with database.session() as session:
        fund = auth_service.authenticate(session, world.fund)
        ministry = auth_service.authenticate(session, world.ministry)
    _revoke_elsewhere(database, world.ministry)
    with database.session() as session:
        auth_service.confirm(session, [fund, fund])
        with pytest.raises(Unauthorized, match="revoked"):
            auth_service.confirm(session, [fund, ministry])


def test_confirm_refuses_an_expired_key_and_one_it_does_not_know(
    database: Database, world: World
) -> None:
    token = _key_expiring_tomorrow(database)
    with database.session() as session:
        fund = auth_service.authenticate(session, world.fund)
        expiring = auth_service.authenticate(session, token)
        auth_service.confirm(session, [fund, expiring])
        later = clock.now() + timedelta(days=2)
        with clock.travel(later), pytest.raises(Unauthorized, match="expired"):
            auth_service.confirm(session, [fund, expiring])
        stranger = Principal(Role.FUNDER, "000000000000", PUBLIC_FUND)
        with pytest.raises(Unauthorized, match="not valid"):
            auth_service.confirm(session, [stranger])


def test_a_key_forgotten_is_not_remembered_again_by_a_check_that_read_it_before(
    database: Database, world: World
) -> None:
    keys = auth_service.CheckedKeys()
    with database.session() as session:
        # A check reads the key, the key is revoked and forgotten, then the check remembers.
        keys.forget(world.fund.split("_")[1])
        assert keys.check(session, world.fund).organization_id == PUBLIC_FUND
    assert keys.get(world.fund) is None
    with database.session() as session:
        keys.check(session, world.ministry)
    assert keys.get(world.ministry) is not None


def test_a_key_a_batch_refuses_is_forgotten_so_its_next_request_is_refused_first(
    client: TestClient, database: Database, world: World
) -> None:
    competition = create_competition(client, world)
    assert post(client, "/api/v1/awards", award_body(competition["id"]), world.fund).is_success
    _revoke_elsewhere(database, world.fund)
    before = ledger_size(database)
    assert (
        post(client, "/api/v1/awards", award_body(competition["id"]), world.fund).status_code == 401
    )
    refused = post(client, "/api/v1/awards", {"funder_id": PUBLIC_FUND}, world.fund)
    assert refused.status_code == 401  # no longer let in on memory: 401 before the body's 422
    assert ledger_size(database) == before
