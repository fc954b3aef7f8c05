"""The most of a request body the registry reads (``registry.core.body_limit``): a 413 problem
naming the body above it, declared or streamed, before any key is checked, and nothing is
written; the largest body the schemas allow is far below it, and a batch has a limit of its
own. On both databases, through the ASGI app and over real HTTP."""

import contextlib
import json
import socket
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from domain_helpers import PUBLIC_FUND, World, bearer, build_world, ledger_size
from fastapi.testclient import TestClient
from live_server import serve
from pydantic import ValidationError
from test_awards import award_body, competition_body

from registry.core.body_limit import DEFAULT_MAX_BATCH_BODY_BYTES, DEFAULT_MAX_BODY_BYTES
from registry.core.db import Database
from registry.core.settings import Settings
from registry.main import create_app

PROBLEM = "application/problem+json"
LIMIT = DEFAULT_MAX_BODY_BYTES


def _padded(body: dict, size: int) -> bytes:
    """``body`` as JSON of exactly ``size`` bytes: valid JSON, padded with spaces."""
    text = json.dumps(body, ensure_ascii=False).encode()
    assert len(text) <= size
    return text + b" " * (size - len(text))


def _chunks(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """The body as a stream without a length: sent chunked, counted as it arrives."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _assert_too_large(response: httpx.Response, path: str, limit: int = LIMIT) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/content-too-large"
    assert problem["errors"] == [
        {
            "field": "body",
            "message": f"is larger than {limit:,} bytes, the most the registry reads of a "
            f"body for {path}",
        }
    ]


def test_a_body_declared_over_the_limit_is_refused_unread_before_the_key(
    client: TestClient, database: Database
) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    body = _padded(award_body(None, legal_basis="PQ-1", instrument="subsidy"), LIMIT + 1)
    for token in (world.fund, "reg_nokey_nosecret"):
        response = client.post(
            "/api/v1/awards",
            content=body,
            headers=bearer(token) | {"Content-Type": "application/json"},
        )
        _assert_too_large(response, "/api/v1/awards")
    assert ledger_size(database) == before


def test_a_streamed_body_is_refused_once_it_passes_the_limit(
    client: TestClient, database: Database
) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    body = _padded(competition_body(), LIMIT + 1)
    response = client.post(
        "/api/v1/competitions",
        content=_chunks(body),
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    _assert_too_large(response, "/api/v1/competitions")
    assert ledger_size(database) == before
    # Exactly at the limit, the body is read and the competition published.
    at_limit = client.post(
        "/api/v1/competitions",
        content=_chunks(_padded(competition_body(), LIMIT)),
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    assert at_limit.status_code == 201, at_limit.text


def test_the_largest_write_the_ledger_records_is_well_under_the_limit(
    client: TestClient, database: Database
) -> None:
    """A ledger entry holds at most 65,535 bytes: a competition whose texts fill it, in all
    four languages of a two-byte script and sent as \\u escapes (six bytes a character, three
    times what the entry holds), is still under a quarter of the limit, so the limit refuses
    only what no write could record."""
    world = build_world(client, database)
    text = dict.fromkeys(("uz", "ru", "kk", "en"), "Ж" * 2500)
    body = competition_body(title=text, description=text, eligibility=text)
    encoded = json.dumps(body, ensure_ascii=True).encode()
    assert LIMIT // 4 > len(encoded) > 3 * 4 * 2500 * 6
    response = client.post(
        "/api/v1/competitions",
        content=encoded,
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"]["kk"] == "Ж" * 2500


def test_a_batch_reads_more_than_a_single_write(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    operations = [{"op": "competitions.create", "body": competition_body()}]
    big = _padded({"operations": operations}, 2 * LIMIT)
    response = client.post(
        "/api/v1/batches",
        content=big,
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    before = ledger_size(database)
    over = _padded({"operations": operations}, DEFAULT_MAX_BATCH_BODY_BYTES + 1)
    response = client.post(
        "/api/v1/batches",
        content=over,
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    _assert_too_large(response, "/api/v1/batches", DEFAULT_MAX_BATCH_BODY_BYTES)
    assert ledger_size(database) == before


def test_behind_a_path_prefix_a_batch_keeps_its_own_limit(
    app, client: TestClient, database: Database
) -> None:
    """Behind a proxy's prefix (uvicorn --root-path /registry) the server puts the prefix in
    the path; the limits are the routes', found as Starlette routes."""

    async def prefixed(scope, receive, send):
        if scope["type"] == "http":
            scope = scope | {"root_path": "/registry", "path": "/registry" + scope["path"]}
        await app(scope, receive, send)

    world = build_world(client, database)
    operations = [{"op": "competitions.create", "body": competition_body()}]
    with TestClient(prefixed) as behind:
        response = behind.post(
            "/api/v1/batches",
            content=_padded({"operations": operations}, 2 * LIMIT),
            headers=bearer(world.fund) | {"Content-Type": "application/json"},
        )
    assert response.status_code == 201, response.text


def test_the_limits_are_settings(settings: Settings, database: Database) -> None:
    with pytest.raises(ValidationError, match="max_batch_body_bytes"):
        settings.model_validate(settings.model_dump() | {"max_batch_body_bytes": 64 * 1024})
    small = settings.model_copy(update={"max_body_bytes": 64 * 1024})
    with TestClient(create_app(small)) as client:
        world = build_world(client, database)
        response = client.post(
            "/api/v1/competitions",
            content=_padded(competition_body(), 64 * 1024 + 1),
            headers=bearer(world.fund) | {"Content-Type": "application/json"},
        )
    _assert_too_large(response, "/api/v1/competitions", 64 * 1024)


def test_over_real_http_both_ways_and_the_server_keeps_serving(
    app, database: Database, client: TestClient
) -> None:
    """uvicorn answers the 413 without reading the declared body, refuses a streamed one
    where it passes the limit, and serves the next request."""
    world: World = build_world(client, database)
    before = ledger_size(database)
    body = _padded(award_body(None, legal_basis="PQ-1", instrument="subsidy"), LIMIT + 1)
    headers = bearer(world.fund) | {"Content-Type": "application/json"}
    with serve(app) as base, httpx.Client(base_url=base, timeout=30) as http:
        _assert_too_large(
            http.post("/api/v1/awards", content=body, headers=headers), "/api/v1/awards"
        )
        streamed = http.post("/api/v1/awards", content=_chunks(body), headers=headers)
        _assert_too_large(streamed, "/api/v1/awards")
        assert http.get(f"/api/v1/organizations/{PUBLIC_FUND}").status_code == 200
    assert ledger_size(database) == before


def test_a_request_head_of_any_size_is_not_buffered(app) -> None:
    """The body is bounded here; a request's line and headers by the HTTP parser the
    registry's servers run (registry.core.server: h11, at most 16 KiB, answered 400). A
    header that never ends is refused after a few tens of kilobytes, with the connection
    closed, rather than held in memory as it grows (uvicorn's httptools parser would)."""
    with serve(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
            answer = b""
            try:
                for _ in range(64):  # at most 4 MiB, in 64 KiB pieces
                    connection.sendall(b"a" * 64 * 1024)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server stopped reading: the head was refused
            with contextlib.suppress(ConnectionResetError):
                while chunk := connection.recv(65536):
                    answer += chunk
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert httpx.get(f"{base}/api/v1/ledger/checkpoint").status_code in (200, 404)


def test_a_desk_form_too_large_gets_the_portals_page(client: TestClient) -> None:
    """A person posting a form gets a page, in their language, not the API's JSON."""
    for content in (b"token=" + b"a" * LIMIT, _chunks(b"token=" + b"a" * LIMIT)):
        response = client.post(
            "/desk/sign-in?lang=ru",
            content=content,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert response.status_code == 413, response.text[:300]
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert '<html lang="ru">' in response.text
        assert "is larger than 1,048,576 bytes" in response.text


def test_the_connection_is_closed_after_a_body_too_large(app) -> None:
    """The rest of a body too large is never read: after the 413 the server closes the
    connection, rather than read and discard whatever the client goes on sending."""
    with serve(app) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(
                b"POST /api/v1/awards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000000\r\n\r\n" + b" " * 65536
            )
            answer = b""
            with contextlib.suppress(ConnectionResetError):
                while chunk := connection.recv(65536):
                    answer += chunk
                    if b"content-too-large" in answer:
                        # Whatever follows: the server must stop reading and hang up.
                        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                            for _ in range(32):
                                connection.sendall(b" " * 65536)
    head, _, _ = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), answer[:300]
    assert b"connection: close" in head.lower(), head
