"""HEAD on every GET route answers the GET's status and headers without its body (RFC 9110
§9.3.2; it was a 405 everywhere), and a download's HEAD stops at its headers."""

import pytest
from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/awards?limit=3",
        "/api/v1/awards/AWD-2026-000001",
        "/api/v1/stats/awards?group_by=year",
        "/api/v1/changes?limit=2",
        "/api/v1/ledger/checkpoint",
        "/api/v1/ocds/releases?limit=2",
        "/api/v1/360giving/grants.json?limit=2",
        "/awards?lang=en",
        "/",
    ],
)
def test_head_is_the_get_without_its_body(demo_client: TestClient, url: str) -> None:
    get = demo_client.get(url)
    head = demo_client.head(url)
    assert head.status_code == get.status_code
    assert head.content == b""
    for name in ("content-type", "content-length", "content-disposition", "link"):
        assert head.headers.get(name) == get.headers.get(name), name


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/awards.csv?year=2026",
        "/api/v1/awards.jsonl",
        "/api/v1/ocds/releases.download.json?year=2026",
        "/api/v1/360giving/grants.download.json",
        "/api/v1/360giving/grants.csv?year=2026",
    ],
)
def test_head_of_a_download_gives_its_headers_and_frees_its_snapshot(
    demo_client: TestClient, url: str
) -> None:
    get = demo_client.get(url)
    assert get.status_code == 200
    for _ in range(12):  # more than the downloads' pool holds: each HEAD gives its connection back
        head = demo_client.head(url)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-disposition"] == get.headers["content-disposition"]
    assert demo_client.get(url).content == get.content


def test_head_of_a_refused_query_is_the_gets_problem_without_its_body(
    demo_client: TestClient,
) -> None:
    get = demo_client.get("/api/v1/awards?status=bogus")
    head = demo_client.head("/api/v1/awards?status=bogus")
    assert (head.status_code, head.headers["content-type"]) == (400, PROBLEM)
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.content == b""
    assert demo_client.head("/api/v1/awards/AWD-1999-999999").status_code == 404


def test_head_of_a_route_without_get_is_still_a_405(demo_client: TestClient) -> None:
    response = demo_client.head("/api/v1/batches")
    assert response.status_code == 405
    assert response.content == b""
