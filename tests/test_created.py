"""A 201 names what it created in ``Location`` (found by a tester: no POST answered with one,
so a client built each record's URL from the body by hand). The URL is the GET that reads the
same record; a retry with the same idempotency key gets the same header; a refusal has none."""

from domain_helpers import award_body, bearer, competition_body, ledger_size, organization
from oversight_desk import CONCLUSIONS, Desk


def _follows(desk: Desk, path: str, body: dict, token: str) -> dict:
    """POSTs ``body`` twice with one idempotency key: both 201s carry the same ``Location``,
    which reads back the record the first answer gave."""
    headers = bearer(token) | {"Idempotency-Key": f"created-{path}"}
    first = desk.client.post(path, json=body, headers=headers)
    again = desk.client.post(path, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    location = first.headers["location"]
    assert again.headers["location"] == location
    assert location.startswith("http://testserver/api/v1/"), location
    read = desk.client.get(location)
    assert read.status_code == 200, read.text
    created: dict = first.json()
    assert {key: read.json().get(key) for key in ("id", "org_id")} == {
        key: created.get(key) for key in ("id", "org_id")
    }
    return created


def test_each_new_record_is_at_its_location(desk: Desk) -> None:
    world = desk.world
    competition = _follows(
        desk, "/api/v1/competitions", competition_body(round_number=5), world.fund
    )
    award = _follows(desk, "/api/v1/awards", award_body(competition["id"]), world.fund)
    assert desk.client.get(f"/api/v1/awards/{award['id']}").json()["id"] == award["id"]
    ngo = organization("UZ-STIR-309999991", "ngo", uz="Yangi tashkilot", region="UZ-SA")
    registered = _follows(desk, "/api/v1/organizations", ngo, world.admin)
    assert registered["org_id"] == "UZ-STIR-309999991"
    _follows(desk, CONCLUSIONS, desk.conclusion(), desk.overseer)


def test_an_event_and_a_refusal_name_no_location(desk: Desk) -> None:
    """An event's answer is its award as it is now, not a new record (its entry's URL is in
    the body); a refused POST created nothing and says nowhere."""
    before = ledger_size(desk.database)
    refused = desk.client.post(
        "/api/v1/awards",
        json=award_body(desk.competition["id"]) | {"recipient_id": "UZ-STIR-000000000"},
        headers=bearer(desk.world.fund),
    )
    assert refused.status_code in (404, 422), refused.text
    assert "location" not in refused.headers
    assert ledger_size(desk.database) == before
    event = desk.client.post(
        f"/api/v1/awards/{desk.award['id']}/events",
        json={"type": "disbursed", "amount": "1000", "date": desk.award["award_date"]},
        headers=bearer(desk.world.fund),
    )
    assert event.status_code == 201, event.text
    assert "location" not in event.headers
