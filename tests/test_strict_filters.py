"""Filters never fail silently: an unknown value or parameter is a 400 naming it (with the
allowed values), never an empty 200 that reads as "nothing found"; withdrawn region codes and
lower-case currencies read as what they stand for."""

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("path", "params", "field", "hint"),
    [
        ("/api/v1/awards", {"instrument": "bogus"}, "query.instrument", "social_contract"),
        ("/api/v1/awards", {"status": "bogus"}, "query.status", "terminated"),
        ("/api/v1/awards", {"currency": "XYZ"}, "query.currency", "ISO 4217"),
        ("/api/v1/awards", {"region": "UZ-XX"}, "query.region", "ISO 3166-2"),
        ("/api/v1/awards", {"foo": "bar"}, "query.foo", "instrument"),
        ("/api/v1/awards.csv", {"instrument": "grant,bogus"}, "query.instrument", "grant"),
        ("/api/v1/stats/awards", {"group_by": "year", "cursor": "5"}, "query.cursor", "group_by"),
        ("/api/v1/competitions", {"status": "bogus"}, "query.status", "awarded"),
        ("/api/v1/competitions", {"funder": "nobody"}, "query.funder", ""),
        ("/api/v1/organizations", {"kind": "funder"}, "query.kind", "public_fund"),
        ("/api/v1/changes", {"since": "5"}, "query.since", "after"),
        ("/api/v1/360giving/grants.json", {"region": "KZ-XX"}, "query.region", ""),
    ],
)
def test_an_unknown_value_or_parameter_is_a_400_naming_it(
    demo_client: TestClient, path: str, params: dict, field: str, hint: str
) -> None:
    response = demo_client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert field in [error["field"] for error in errors]
    assert hint in response.json()["detail"]


def test_withdrawn_region_codes_and_currency_case_read_as_the_current_ones(
    demo_client: TestClient,
) -> None:
    def ids(**params: str) -> list[str]:
        response = demo_client.get("/api/v1/awards", params={"limit": 50, **params})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    almaty = ids(region="KZ-75")
    assert almaty
    assert ids(region="KZ-ALA") == almaty
    assert ids(region="kz-75") == almaty
    assert ids(currency="uzs") == ids(currency="UZS")
