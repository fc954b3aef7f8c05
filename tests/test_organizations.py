"""Registering organizations and issuing keys, through HTTP, on both databases."""

import json

import pytest
from domain_helpers import (
    NGO_UZ,
    PUBLIC_FUND,
    bearer,
    build_world,
    issue_key,
    ledger_size,
    organization,
)
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from registry.auth.principal import Role
from registry.cli import app as cli
from registry.core.db import Database
from registry.core.settings import Settings, get_settings

PROBLEM = "application/problem+json"
BLANK = "is blank (it needs at least one visible character)"


def test_register_and_read_an_organization(client: TestClient, database: Database) -> None:
    admin = issue_key(database, Role.ADMIN)
    before = ledger_size(database)
    body = organization(
        "uz-stir-306581234", "ngo", uz="«Mehr-shafqat» NNT", ru="ННО «Мехр-шафкат»", region="uz-sa"
    )
    created = client.post("/api/v1/organizations", json=body, headers=bearer(admin))
    assert created.status_code == 201, created.text
    read = created.json()
    assert read["org_id"] == NGO_UZ  # normalised
    assert read["region"] == "UZ-SA"
    assert read["country"] == "UZ"
    assert read["name"] == {
        "uz": "«Mehr-shafqat» NNT",
        "ru": "ННО «Мехр-шафкат»",
        "kk": None,
        "en": None,
    }
    assert read["registered_seq"] == before
    public = client.get(f"/api/v1/organizations/{NGO_UZ}").json()  # no key needed to read
    assert public == read | {"given": [], "received": [], "oversight": []}
    entry = client.get(f"/api/v1/ledger/entries/{before}").json()["entry"]
    assert entry["kind"] == "organization.registered"
    assert entry["subject"] == NGO_UZ
    assert entry["actor"].startswith("admin:")
    assert entry["body"]["name"]["ru"] == "ННО «Мехр-шафкат»"
    # The time it was recorded is named for what it is; no legal date was given.
    assert read["recorded_at"].startswith(entry["time"][:19])
    assert read["registered_at"] == read["recorded_at"]  # the old name, kept as an alias
    assert read["registration_date"] is None
    assert "registration_date" not in entry["body"]  # absent, so older entries read the same


def test_a_legal_registration_date_is_kept_beside_the_recorded_time(
    client: TestClient, database: Database
) -> None:
    admin = issue_key(database, Role.ADMIN)
    body = organization("UZ-STIR-306581234", "ngo", uz="NNT", region="UZ-SA")
    body["registration_date"] = "2012-04-17"
    created = client.post("/api/v1/organizations", json=body, headers=bearer(admin)).json()
    assert created["registration_date"] == "2012-04-17"
    assert created["recorded_at"][:4] != "2012"
    entry = client.get(f"/api/v1/ledger/entries/{created['registered_seq']}").json()["entry"]
    assert entry["body"]["registration_date"] == "2012-04-17"
    page = client.get("/organizations/UZ-STIR-306581234", params={"lang": "en"}).text
    assert "State registration" in page


def test_kazakh_region_aliases_are_stored_as_current_codes(
    client: TestClient, database: Database
) -> None:
    admin = issue_key(database, Role.ADMIN)
    body = organization("KZ-BIN-120240012341", "ngo", uz="Dala", region="KZ-ALA")
    created = client.post("/api/v1/organizations", json=body, headers=bearer(admin))
    assert created.status_code == 201, created.text
    assert created.json()["region"] == "KZ-75"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"org_id": "UZ-STIR-12345678"}, "org_id"),
        ({"org_id": "KZ-BIN-120240012342"}, "org_id"),  # wrong check digit
        ({"region": "UZ-XX"}, "region"),
        ({"region": "KZ-75"}, "region"),  # not in Uzbekistan
        ({"kind": "company"}, "kind"),
        ({"name": {}}, "name"),
        ({"name": {"fr": "Nom"}}, "name.fr"),
        ({"website": "https://example.org"}, "website"),
        ({"registration_date": "1989-05-01"}, "registration_date"),
        ({"registration_date": "2099-05-01"}, "registration_date"),
        ({"registration_date": "2020-02-30"}, "registration_date"),
    ],
)
def test_bad_organizations_are_refused_and_change_nothing(
    client: TestClient, database: Database, change: dict, field: str
) -> None:
    admin = issue_key(database, Role.ADMIN)
    before = ledger_size(database)
    body = organization("UZ-STIR-306581234", "ngo", uz="NNT", region="UZ-SA") | change
    response = client.post("/api/v1/organizations", json=body, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in [error["field"] for error in response.json()["errors"]]
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ({"uz": "   "}, "name.uz"),
        ({"uz": ""}, "name.uz"),
        ({"uz": "NNT", "ru": " \t\n "}, "name.ru"),
        ({"uz": "\u200b"}, "name.uz"),  # a zero-width space shows nothing either
        ({"uz": "\u00a0\u2003"}, "name.uz"),  # no-break and em spaces
    ],
)
def test_a_blank_name_is_refused_as_blank_and_changes_nothing(
    client: TestClient, database: Database, name: dict, field: str
) -> None:
    admin = issue_key(database, Role.ADMIN)
    before = ledger_size(database)
    body = organization("UZ-STIR-306581234", "ngo", uz="NNT", region="UZ-SA") | {"name": name}
    response = client.post("/api/v1/organizations", json=body, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["errors"] == [{"field": field, "message": BLANK}]
    assert problem["detail"] == f"{field}: {BLANK}"
    assert ledger_size(database) == before


def test_duplicate_organization_is_a_conflict(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    body = organization(PUBLIC_FUND, "public_fund", uz="Again")
    response = client.post("/api/v1/organizations", json=body, headers=bearer(world.admin))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "org_id"
    assert ledger_size(database) == before


def test_unknown_organization_is_404(client: TestClient) -> None:
    response = client.get("/api/v1/organizations/UZ-STIR-000000000")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": "path.org_id", "message": "no organization UZ-STIR-000000000"}
    ]


def test_an_unknown_key_or_its_organization_is_named_where_it_came_from(
    client: TestClient, database: Database
) -> None:
    """The path's ``prefix`` of a key to revoke; the body's ``organization_id`` of a new key."""
    world = build_world(client, database)
    before = ledger_size(database)
    revoke = client.post(
        "/api/v1/keys/000000000000/revoke", json={"reason": "x"}, headers=bearer(world.admin)
    )
    assert revoke.status_code == 404, revoke.text
    assert revoke.json()["errors"] == [
        {"field": "path.prefix", "message": "no API key 000000000000"}
    ]
    issue = client.post(
        "/api/v1/keys",
        json={"role": "funder", "organization_id": "UZ-STIR-000000000"},
        headers=bearer(world.admin),
    )
    assert issue.status_code == 404, issue.text
    assert issue.json()["errors"] == [
        {"field": "organization_id", "message": "no organization UZ-STIR-000000000"}
    ]
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("funder", "a funder key acts for one organization"),
        ("overseer", "an overseer key acts for one organization"),
    ],
)
def test_a_key_for_one_organization_names_it(
    client: TestClient, database: Database, role: str, message: str
) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    issue = client.post("/api/v1/keys", json={"role": role}, headers=bearer(world.admin))
    assert issue.status_code == 422, issue.text
    assert issue.json()["errors"] == [{"field": "organization_id", "message": message}]
    assert ledger_size(database) == before


def test_the_keys_command_names_its_own_arguments_when_it_refuses(
    client: TestClient, database: Database, settings: Settings
) -> None:
    """``registry keys revoke`` of an unknown or revoked key, and ``registry keys create``
    without the organization it needs, say what is wrong in the command's terms (its PREFIX
    argument, its --org option), never the API's (``path.prefix``, ``organization_id``);
    each exits 1 and writes nothing."""
    build_world(client, database)
    env = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "REGISTRY_LOG_ORIGIN": settings.log_origin,
    }
    runner = CliRunner()

    def run(*args: str) -> Result:
        get_settings.cache_clear()  # the CLI reads its settings from ``env``
        try:
            return runner.invoke(cli, ["keys", *args], env=env)
        finally:
            get_settings.cache_clear()

    def refused(*args: str) -> str:
        before = ledger_size(database)
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        assert ledger_size(database) == before
        said = " ".join(result.stderr.split())
        assert "path." not in said
        assert "organization_id" not in said
        return said

    assert refused("revoke", "000000000000") == "refused: PREFIX: no API key 000000000000"
    assert refused("create", "--role", "funder") == (
        "refused: --org: a funder key acts for one organization"
    )
    assert refused("create", "--role", "overseer", "--org", "UZ-STIR-000000000") == (
        "refused: --org: no organization UZ-STIR-000000000"
    )
    assert refused("create", "--role", "admin", "--org", PUBLIC_FUND) == (
        "refused: --org: an admin key belongs to no organization"
    )
    issued = run("create", "--role", "admin")
    assert issued.exit_code == 0, issued.output
    prefix = issued.stdout.strip().split("_")[1]
    revoked = run("revoke", prefix, "--reason", "left")
    assert revoked.exit_code == 0, revoked.output
    assert revoked.stdout == f"revoked {prefix}\n"
    assert refused("revoke", prefix) == "refused: PREFIX: this key is already revoked"
    # A prefix is printed as given, never read as the console's markup.
    assert refused("revoke", "[bold]x[/bold]") == "refused: PREFIX: no API key [bold]x[/bold]"


def test_keys_are_issued_once_and_revoked_through_the_ledger(
    client: TestClient, database: Database
) -> None:
    world = build_world(client, database)
    before = ledger_size(database)
    issued = client.post(
        "/api/v1/keys",
        json={"role": "funder", "organization_id": PUBLIC_FUND, "label": "grants desk"},
        headers=bearer(world.admin),
    )
    assert issued.status_code == 201, issued.text
    key = issued.json()
    token = key["token"]
    assert token.startswith(f"reg_{key['prefix']}_")
    leaf = client.get("/api/v1/ledger/leaves", params={"start": before, "end": before + 1}).content
    assert token.encode() not in leaf  # the secret never enters the ledger
    assert json.loads(leaf)["kind"] == "api_key.created"

    org = organization("UZ-STIR-306581234", "ngo", uz="NNT")
    assert client.post("/api/v1/organizations", json=org, headers=bearer(token)).status_code == 403

    revoked = client.post(
        f"/api/v1/keys/{key['prefix']}/revoke", json={"reason": "left"}, headers=bearer(world.admin)
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None
    refused = client.post("/api/v1/organizations", json=org, headers=bearer(token))
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    again = client.post(
        f"/api/v1/keys/{key['prefix']}/revoke", json={}, headers=bearer(world.admin)
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Bearer reg_abcdef012345_wrongsecret"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_writes_without_a_valid_key_are_401(
    client: TestClient, database: Database, headers: dict
) -> None:
    before = ledger_size(database)
    body = organization("UZ-STIR-306581234", "ngo", uz="NNT")
    response = client.post("/api/v1/organizations", json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert ledger_size(database) == before


def test_an_idempotent_retry_returns_the_first_response(
    client: TestClient, database: Database
) -> None:
    admin = issue_key(database, Role.ADMIN)
    body = organization("UZ-STIR-306581234", "ngo", uz="NNT")
    headers = bearer(admin) | {"Idempotency-Key": "org-306581234"}
    first = client.post("/api/v1/organizations", json=body, headers=headers)
    size = ledger_size(database)
    retry = client.post("/api/v1/organizations", json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replay"] == "true"
    assert ledger_size(database) == size
    different = client.post("/api/v1/organizations", json=body | {"kind": "other"}, headers=headers)
    assert different.status_code == 422
    assert different.json()["errors"][0]["field"] == "header.Idempotency-Key"
    assert ledger_size(database) == size


def test_issuing_a_key_refuses_an_idempotency_key(client: TestClient, database: Database) -> None:
    """A replay would have to show the secret again, so it would have to be stored."""
    admin = issue_key(database, Role.ADMIN)
    before = ledger_size(database)
    response = client.post(
        "/api/v1/keys", json={"role": "admin"}, headers=bearer(admin) | {"Idempotency-Key": "k1"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"
    assert ledger_size(database) == before
