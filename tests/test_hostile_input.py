"""Hostile input to the public read endpoints: a 400 problem naming the field (or an exact
answer), never a 500, on SQLite and PostgreSQL. Cases that were 500s before this file say so."""

import base64
import json

import pytest
from fastapi.testclient import TestClient

from registry.publication.pagination import CursorCodec
from registry.publication.search import AwardSort, award_scope

PROBLEM = "application/problem+json"


def _refused(response, field: str) -> dict:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 400
    assert [error["field"] for error in problem["errors"]] == [field], problem
    return problem


def _cursor(url: str) -> str:
    return url.split("cursor=")[1]


def _codec(client: TestClient) -> CursorCodec:
    return client.app.state.cursors  # type: ignore[attr-defined]


# --- Signed cursors ----------------------------------------------------------------------------

LISTS = [
    ("/api/v1/awards", {"sort": "amount"}),
    ("/api/v1/competitions", {"sort": "budget"}),
    ("/api/v1/organizations", {}),
    ("/api/v1/ocds/releases", {}),
    ("/api/v1/360giving/grants.json", {}),
]


def _next_of(client: TestClient, path: str, params: dict) -> str:
    body = client.get(path, params=params | {"limit": 2}).json()
    following = body["next"] if "next" in body else body["links"]["next"]
    assert following is not None
    return _cursor(following)


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_an_issued_cursor_pages_on_but_an_edited_one_is_refused(
    demo_client: TestClient, path: str, params: dict
) -> None:
    cursor = _next_of(demo_client, path, params)
    assert demo_client.get(path, params=params | {"limit": 2, "cursor": cursor}).status_code == 200
    payload, tag = cursor.split(".")
    values = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    # The same kind of position, one step further: a well-formed cursor this server never issued.
    values[-1] = values[-1] + 1 if isinstance(values[-1], int) else values[-1] + "0"
    edited = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    for forged in (f"{edited}.{tag}", edited, payload, f"{payload}.{tag[:-2]}", f"{payload}."):
        response = demo_client.get(path, params=params | {"cursor": forged})
        _refused(response, "query.cursor")


@pytest.mark.parametrize(("source", "target"), [(0, 1), (1, 2), (2, 0), (3, 4), (4, 3)])
def test_a_cursor_of_another_list_is_refused(
    demo_client: TestClient, source: int, target: int
) -> None:
    cursor = _next_of(demo_client, *LISTS[source])
    path, params = LISTS[target]
    _refused(demo_client.get(path, params=params | {"cursor": cursor}), "query.cursor")


@pytest.mark.parametrize(
    ("path", "issued", "other"),
    [
        ("/api/v1/awards", {"sort": "award_date"}, {"sort": "-award_date"}),
        ("/api/v1/awards", {"sort": "amount"}, {"sort": "-amount"}),
        ("/api/v1/awards", {"sort": "-amount"}, {"sort": "award_date"}),
        ("/api/v1/competitions", {"sort": "closes"}, {"sort": "budget"}),
        ("/api/v1/competitions", {"sort": "-budget"}, {"sort": "budget"}),
    ],
)
def test_a_cursor_of_another_sort_order_is_refused(
    demo_client: TestClient, path: str, issued: dict, other: dict
) -> None:
    cursor = _next_of(demo_client, path, issued)
    _refused(demo_client.get(path, params=other | {"cursor": cursor}), "query.cursor")


# Positions a signed cursor could carry if the key leaked or an older release issued it: each
# reaches the range checks behind the signature. Unsigned, the overflows, the naive and
# pre-year-1 times, the NUL and the lone surrogate were 500s before those checks.
HOSTILE_POSITIONS = [
    pytest.param("awards?sort=amount", ["UZS", 2**70, "AWD-2026-000001"], id="bigint overflow"),
    pytest.param(
        "awards?sort=-amount", ["UZS", -(2**70), "AWD-2026-000001"], id="negative overflow"
    ),
    pytest.param("awards?sort=amount", ["UZS", True, "AWD-2026-000001"], id="bool as int"),
    pytest.param("awards?sort=amount", ["UZS", 1.5, "AWD-2026-000001"], id="float"),
    pytest.param("awards?sort=amount", ["UZS", 1, "AWD\x00"], id="NUL in id"),
    pytest.param("awards?sort=amount", ["UZS", 1, "\ud800"], id="lone surrogate"),
    pytest.param("awards?sort=amount", ["UZS", 1, "A" * 41], id="id wider than its column"),
    pytest.param("awards?sort=amount", ["UZS", 1, ["AWD"]], id="list as id"),
    pytest.param("awards?sort=amount", ["UZS", 1, None], id="null id"),
    pytest.param("awards?sort=amount", ["UZSX", 1, "AWD"], id="currency wider than its column"),
    pytest.param("awards?sort=-amount", [None, 1, "AWD"], id="null currency"),
    pytest.param("awards?sort=-amount", [1, "AWD"], id="a position of the older order"),
    pytest.param("awards?sort=award_date", ["99999-01-01", "AWD"], id="year 99999"),
    pytest.param("awards?sort=award_date", [20260101, "AWD"], id="int as date"),
    pytest.param("competitions?sort=closes", ["2026-01-01T00:00:00", "CMP"], id="naive datetime"),
    pytest.param(
        "competitions?sort=closes", ["0001-01-01T00:00:00+05:00", "CMP"], id="before year 1 in UTC"
    ),
    pytest.param("competitions?sort=budget", ["UZS", 2**63, "CMP"], id="budget past BIGINT"),
    pytest.param("organizations", ["UZ\x00", "UZ\x00"], id="NUL in org id"),
    pytest.param("ocds/releases", [2**70], id="seq past BIGINT"),
    pytest.param("ocds/releases", [-1], id="negative seq"),
    pytest.param("360giving/grants", ["AWD\x00"], id="NUL in award id"),
    pytest.param("360giving/grants", ["A" * 41], id="award id too long"),
]
SCOPE_PATHS = {
    "awards": "/api/v1/awards",
    "competitions": "/api/v1/competitions",
    "organizations": "/api/v1/organizations",
    "ocds/releases": "/api/v1/ocds/releases",
    "360giving/grants": "/api/v1/360giving/grants.json",
}


@pytest.mark.parametrize(("scope", "values"), HOSTILE_POSITIONS)
def test_a_signed_cursor_with_an_impossible_position_is_a_400(
    demo_client: TestClient, scope: str, values: list
) -> None:
    path, _, query = scope.partition("?")
    params = dict([query.split("=")]) if query else {}
    cursor = _codec(demo_client).encode(values, scope=scope)
    _refused(demo_client.get(SCOPE_PATHS[path], params=params | {"cursor": cursor}), "query.cursor")


def test_the_award_scope_is_the_one_the_list_uses(demo_client: TestClient) -> None:
    """A position signed under ``award_scope`` with the server's key continues exactly where the
    server's own cursor does: the scope and the position are what the list itself uses."""
    first = demo_client.get("/api/v1/awards", params={"sort": "-amount", "limit": 3}).json()
    last = first["items"][-1]
    minor = int(last["amount"].replace(".", ""))  # UZS and KZT: two minor-unit digits
    built = _codec(demo_client).encode(
        [last["currency"], minor, last["id"]], scope=award_scope(AwardSort.AMOUNT_DESC)
    )
    served = demo_client.get(
        "/api/v1/awards", params={"sort": "-amount", "cursor": _cursor(first["next"])}
    )
    ours = demo_client.get("/api/v1/awards", params={"sort": "-amount", "cursor": built})
    assert served.status_code == ours.status_code == 200
    assert ours.json()["items"] == served.json()["items"]
    assert last["id"] not in [item["id"] for item in ours.json()["items"]]


def test_cursors_are_bound_to_the_signing_key(demo_client: TestClient) -> None:
    cursor = _next_of(demo_client, "/api/v1/awards", {})
    stranger = CursorCodec.ephemeral().encode(
        _codec(demo_client).decode(cursor, scope="awards?sort=-award_date", length=2),
        scope="awards?sort=-award_date",
    )
    assert stranger != cursor
    _refused(demo_client.get("/api/v1/awards", params={"cursor": stranger}), "query.cursor")


# --- Out-of-range query parameters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/awards", {"limit": 10**30}, "query.limit"),
        ("/api/v1/awards", {"limit": 0}, "query.limit"),
        ("/api/v1/awards", {"year": 99999}, "query.year"),
        ("/api/v1/awards", {"year": 2**70}, "query.year"),
        ("/api/v1/awards", {"awarded_from": "99999-01-01"}, "query.awarded_from"),
        ("/api/v1/awards", {"amount_min": "1" * 41}, "query.amount_min"),
        ("/api/v1/awards", {"cursor": "x" * 501}, "query.cursor"),
        ("/api/v1/stats/awards", {"group_by": "year", "year": 10**30}, "query.year"),
        ("/api/v1/competitions", {"year": 2**70}, "query.year"),
        ("/api/v1/ocds/releases", {"year": 2**70}, "query.year"),
        ("/api/v1/360giving/grants.json", {"limit": 2**70}, "query.limit"),
        ("/api/v1/changes", {"after": 2**70}, "query.after"),
        ("/api/v1/changes", {"after": -(2**70)}, "query.after"),
        ("/api/v1/changes", {"limit": 2**70}, "query.limit"),
        ("/api/v1/ledger/leaves", {"start": 2**70, "end": 2**71}, "query.start"),
        ("/api/v1/ledger/proofs/inclusion", {"index": 2**70, "tree_size": 1}, "query.index"),
        ("/api/v1/ledger/proofs/consistency", {"first": 1, "second": 2**70}, "query.second"),
    ],
)
def test_out_of_range_parameters_are_400_problems(
    demo_client: TestClient, path: str, params: dict, field: str
) -> None:
    response = demo_client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [error["field"] for error in response.json()["errors"]], response.text


def test_an_entry_past_bigint_is_a_400(demo_client: TestClient) -> None:
    _refused(demo_client.get(f"/api/v1/ledger/entries/{2**70}"), "path.seq")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/awards/AWD-2026-000001%00", "path.award_id"),
        ("/api/v1/competitions/CMP%00", "path.competition_id"),
        ("/api/v1/organizations/UZ-STIR-%00", "path.org_id"),
        ("/api/v1/ocds/records/ocds-uzkz01-%00", "path.ocid"),
    ],
)
def test_a_nul_in_a_path_parameter_is_a_400(demo_client: TestClient, path: str, field: str) -> None:
    _refused(demo_client.get(path), field)


def _ids(client: TestClient, params: dict) -> list[str]:
    ids: list[str] = []
    url: str | None = "/api/v1/awards"
    query: dict | None = params | {"limit": 500, "sort": "amount"}
    while url is not None:
        body = client.get(url, params=query).json()
        ids += [item["id"] for item in body["items"]]
        url, query = body["next"], None
    return ids


@pytest.mark.parametrize("huge", ["1" + "0" * 30, "9" * 40, "9223372036854775808"])
def test_an_amount_bound_past_any_stored_amount_is_exact_not_a_500(
    demo_client: TestClient, huge: str
) -> None:
    """No award exceeds 10**18 minor units, so a larger bound is exact without reaching
    BIGINT's limit: nothing is at least it, everything is at most it."""
    everything = _ids(demo_client, {})
    assert everything
    assert _ids(demo_client, {"amount_min": huge}) == []
    assert _ids(demo_client, {"amount_max": huge}) == everything
    response = demo_client.get("/api/v1/awards.csv", params={"amount_min": huge})
    assert response.status_code == 200
    assert response.text.count("\n") == 1  # the header row only
    stats = demo_client.get("/api/v1/stats/awards", params={"group_by": "year", "amount_max": huge})
    assert stats.status_code == 200
    assert sum(row["count"] for row in stats.json()["rows"]) == len(everything)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/awards", {"q": "a\x00b"}),
        ("/api/v1/awards", {"funder": "UZ\x00"}),
        ("/api/v1/awards", {"theme": "\x00"}),
        ("/api/v1/competitions", {"region": "UZ-\x00"}),
        ("/api/v1/organizations", {"q": "\x00"}),
        ("/api/v1/changes", {"subject": "AWD\x00"}),
        ("/api/v1/changes", {"kind": "award.\x00"}),
    ],
)
def test_a_nul_in_a_text_parameter_is_a_400_not_a_database_error(  # a 500 on PostgreSQL
    demo_client: TestClient, path: str, params: dict
) -> None:
    (name,) = params
    _refused(demo_client.get(path, params=params), f"query.{name}")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/awards", {"year": [2026] * 1200}),
        ("/api/v1/awards.jsonl", {"year": [2026] * 1200}),
        ("/api/v1/stats/awards", {"group_by": "month", "year": [2026] * 1200}),
        ("/api/v1/competitions", {"status": ",".join(["open"] * 1200)}),
    ],
)
def test_a_repeated_filter_value_is_one_condition(
    demo_client: TestClient, path: str, params: dict
) -> None:
    """A value given 1,200 times once built an OR chain deeper than SQLite allows (a 500)."""
    once = {
        name: value[:1] if isinstance(value, list) else "open" for name, value in params.items()
    }
    if "group_by" in params:
        once["group_by"] = params["group_by"]
    repeated = demo_client.get(path, params=params)
    assert repeated.status_code == 200, repeated.text
    single = demo_client.get(path, params=once)
    if path.endswith(".jsonl"):
        assert repeated.content == single.content
        assert repeated.content.strip()
    else:  # the same rows (``next`` repeats the query it continues, so it differs)
        body, expected = repeated.json(), single.json()
        key = "rows" if "rows" in body else "items"
        assert body[key] == expected[key]
        assert body[key]
