"""Reads from a real streaming replica (``REGISTRY_READ_DATABASE_URL``), writes to the primary.

A primary and its replica made with ``pg_basebackup -R`` (``replica_cluster``) on this machine.
The publication tests run against such a pair too: ``demo_settings`` has a ``replica`` case,
so every read-only search, download and portal test runs with its reads on the replica. Here:
which server answers. With the replica's replay paused, a GET answers from the replica (and
so does not see a write yet), a GET with ``min_seq`` of that write waits briefly and then
answers from the primary, and a write is never sent to the replica.
"""

import threading
from collections.abc import Iterator

import psycopg
import pytest
from domain_helpers import NGO_UZ, World, bearer, build_world, organization
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from replica_cluster import ReplicaPair, wait_for_replay
from sqlalchemy import event
from test_awards import award_body, competition_body

from registry.core import migrations
from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger.tiles_router import router as tiles_router
from registry.main import create_app
from registry.web.app import PAGE_ROUTERS

NEW_NGO = "UZ-STIR-300000777"


@pytest.fixture(scope="module")
def urls(replica_cluster: ReplicaPair) -> tuple[str, str]:
    with psycopg.connect(
        f"host=127.0.0.1 port={replica_cluster.primary_port} user=postgres", autocommit=True
    ) as connection:
        connection.execute("DROP DATABASE IF EXISTS registry_rw")
        connection.execute("CREATE DATABASE registry_rw")
    migrations.upgrade(replica_cluster.primary("registry_rw"))
    wait_for_replay(replica_cluster)
    return replica_cluster.primary("registry_rw"), replica_cluster.replica("registry_rw")


@pytest.fixture(scope="module")
def app_client(
    urls: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    primary, replica = urls
    folder = tmp_path_factory.mktemp("replica-app")
    settings = Settings(
        database_url=primary,
        read_database_url=replica,
        read_wait_seconds=0.3,
        signing_key_file=folder / "ledger.key",
        log_origin="test.registry/ledger",
        checkpoint_interval_seconds=0,
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def world(app_client: TestClient, urls: tuple[str, str], replica_cluster: ReplicaPair) -> World:
    database = Database(urls[0])
    try:
        built = build_world(app_client, database)
    finally:
        database.dispose()
    wait_for_replay(replica_cluster)
    return built


def _replay(pair: ReplicaPair, *, paused: bool) -> None:
    with psycopg.connect(
        f"host=127.0.0.1 port={pair.replica_port} user=postgres", autocommit=True
    ) as connection:
        connection.execute(
            "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"
        )


def test_reads_go_to_the_replica_and_min_seq_falls_back_to_the_primary(
    app_client: TestClient, world: World, replica_cluster: ReplicaPair
) -> None:
    assert app_client.get(f"/api/v1/organizations/{NGO_UZ}").status_code == 200
    _replay(replica_cluster, paused=True)
    try:
        # The write goes to the primary though the replica is frozen.
        written = app_client.post(
            "/api/v1/organizations",
            json=organization(NEW_NGO, "ngo", uz="Yangi nodavlat tashkilot"),
            headers=bearer(world.admin),
        )
        assert written.status_code == 201, written.text[:300]
        seq = written.json()["registered_seq"]
        # A plain read answers from the replica, which has not replayed the write.
        plain = app_client.get(f"/api/v1/organizations/{NEW_NGO}")
        assert plain.status_code == 404
        assert plain.headers["Registry-Read-From"] == "replica"
        # Asking for at least the write's seq: the replica does not get there in time, so the
        # primary answers, and the client sees its own write.
        own = app_client.get(f"/api/v1/organizations/{NEW_NGO}", params={"min_seq": seq})
        assert own.status_code == 200, own.text[:300]
        assert own.headers["Registry-Read-From"] == "primary"
        # The portal reads the same way.
        page = app_client.get(f"/organizations/{NEW_NGO}", params={"min_seq": seq})
        assert page.status_code == 200
        # Downloads read from the replica as well.
        listed = app_client.get("/api/v1/organizations", params={"limit": 500})
        assert NEW_NGO not in {item["org_id"] for item in listed.json()["items"]}
    finally:
        _replay(replica_cluster, paused=False)
    wait_for_replay(replica_cluster)
    caught_up = app_client.get(f"/api/v1/organizations/{NEW_NGO}", params={"min_seq": seq})
    assert caught_up.status_code == 200
    assert caught_up.headers["Registry-Read-From"] == "replica"


@pytest.mark.usefixtures("world")
def test_a_min_seq_past_the_ledgers_end_is_answered_by_the_primary_without_waiting(
    app_client: TestClient,
) -> None:
    """An entry the primary does not hold either cannot come to the replica by waiting: the
    primary answers at once (a fuzzer's min_seq=10**12 kept a thread polling the replica for
    read_wait_seconds, every time). Counted by the replica's polls, not timed."""
    database: Database = app_client.app.state.database  # type: ignore[attr-defined]
    assert database.read_engine is not None
    polls = 0

    def count(*hooked: object) -> None:  # (connection, cursor, statement, …)
        nonlocal polls
        polls += "FROM ledger_head" in str(hooked[2])

    event.listen(database.read_engine, "before_cursor_execute", count)
    try:
        response = app_client.get(f"/api/v1/organizations/{NGO_UZ}", params={"min_seq": 10**12})
    finally:
        event.remove(database.read_engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Registry-Read-From"] == "primary"
    assert polls == 1


@pytest.mark.usefixtures("world")
def test_min_seq_is_a_checked_parameter(app_client: TestClient) -> None:
    response = app_client.get(f"/api/v1/organizations/{NGO_UZ}", params={"min_seq": "-1"})
    assert response.status_code == 400, response.text[:300]
    assert response.json()["errors"][0]["field"] == "query.min_seq"


# The portal's pages and the tiles (the API's GETs come from the OpenAPI document), each route
# with the URLs that exercise it. The desk's pages are not among them: they read on the
# primary by design (``PrimarySessionDep``).
PORTAL_PATHS = {
    "/": ["/"],
    "/awards": ["/awards", "/awards?q=maktab&format=csv"],
    "/awards/{award_id}": ["/awards/{award_id}"],
    "/competitions": ["/competitions", "/competitions?q=yoshlar"],
    "/competitions/{competition_id}": ["/competitions/{competition_id}"],
    "/organizations": ["/organizations", "/organizations?q=nodavlat"],
    "/organizations/{org_id}": ["/organizations/{org_id}"],
    "/stats": ["/stats"],
    "/regions": ["/regions"],
    "/regions/{code}": ["/regions/{code}"],
    "/ledger": ["/ledger"],
    "/oversight": ["/oversight"],
    "/oversight/bodies/{org_id}": ["/oversight/bodies/{org_id}"],
    "/oversight/conclusions/{conclusion_id}": ["/oversight/conclusions/{conclusion_id}"],
    "/problems": ["/problems"],
    "/problems/{slug}": ["/problems/bad-request"],
    "/tiles/checkpoint": ["/tiles/checkpoint"],
    "/tiles/{path:path}": ["/tiles/tile/0/000.p/{size}", "/tiles/tile/entries/000.p/{size}"],
}
# Required query parameters whose values must agree with each other.
_QUERIES = {"start": 0, "end": 1, "index": 0, "tree_size": 1, "first": 1, "second": 2}


def test_the_portal_paths_are_every_page_but_the_desks() -> None:
    """A page added to the portal is added to ``PORTAL_PATHS`` too, or this fails."""
    routes = {
        route.path
        for router in (*PAGE_ROUTERS, tiles_router)
        for route in router.routes
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and not route.path.startswith("/desk")
    }
    assert set(PORTAL_PATHS) == routes


def _get_paths(app_client: TestClient) -> list[tuple[str, dict[str, str | int]]]:
    """Every GET path of the API with its required query parameters (an enum's first value),
    then the portal's pages."""
    document = app_client.app.openapi()  # type: ignore[attr-defined]
    schemas = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue
        query = {}
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] != "query" or not parameter.get("required"):
                continue
            name, schema = parameter["name"], parameter["schema"]
            referenced = schemas.get(schema.get("$ref", "/").rsplit("/", 1)[-1], {})
            enum = schema.get("enum") or referenced.get("enum")
            query[name] = enum[0] if enum else _QUERIES[name]
        found.append((path, query))
    return found + [(url, {}) for urls in PORTAL_PATHS.values() for url in urls]


def test_no_get_reads_the_primary(
    app_client: TestClient, world: World, replica_cluster: ReplicaPair
) -> None:
    """With a replica, every GET of the API and the portal (searches, pages, downloads,
    proofs, tiles) reads from it: not one statement reaches the primary."""
    competition = app_client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    )
    assert competition.status_code == 201, competition.text[:300]
    award = app_client.post(
        "/api/v1/awards", json=award_body(competition.json()["id"]), headers=bearer(world.fund)
    )
    assert award.status_code == 201, award.text[:300]
    wait_for_replay(replica_cluster)
    values = {
        "award_id": award.json()["id"],
        "competition_id": competition.json()["id"],
        "org_id": NGO_UZ,
        "seq": award.json()["published_seq"],
        "ocid": f"ocds-uzkz01-{competition.json()['id']}",
        "conclusion_id": "1",  # a 404, read from the replica all the same
        "code": "UZ-TK",
        "size": app_client.get("/tiles/checkpoint").text.splitlines()[1],
    }
    primary: list[str] = []

    def executed(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        # The checkpointer signs on the primary in a thread of its own, on its timer.
        if threading.current_thread().name != "ledger-checkpointer":
            primary.append(statement)

    engine = app_client.app.state.database.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", executed)
    try:
        for path, query in _get_paths(app_client):
            url = path.format(**values)
            response = app_client.get(url, params=query)
            expected = 404 if "{conclusion_id}" in path else 200  # none exists
            assert response.status_code == expected, (url, response.text[:300])
            assert primary == [], (url, primary)
    finally:
        event.remove(engine, "before_cursor_execute", executed)
