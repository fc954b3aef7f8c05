"""OCDS 1.1 and 360Giving 1.4.3 publication through HTTP, on both databases.

Every package a test receives is validated against the official schemas shipped in
``registry/publication/schemas``, offline: the package schemas ``$ref`` the item schemas by
absolute URL (the 360Giving one by its 1.4.2 URL), so a ``referencing`` registry maps those
URLs to the local files, and dates are checked by a format checker that really checks
date-time (``rfc3339-validator``). Amounts are parsed as ``Decimal`` and compared exactly.
"""

import csv
import io
import json
import socket
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any
from uuid import UUID

import jsonschema
import pytest
from domain_helpers import (
    MINISTRY,
    NGO_UZ,
    NGO_UZ_2,
    PUBLIC_FUND,
    World,
    bearer,
    build_world,
    ledger_size,
)
from fastapi.testclient import TestClient
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012
from sqlalchemy import func, select
from test_awards import award_body, competition_body, post

from registry import demo, journal
from registry.awards import rules
from registry.awards.models import Award
from registry.core.db import Database
from registry.publication import giving360, ocds, standards_router

SCHEMAS = Path(ocds.__file__).parent / "standards"
OCDS_RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
GIVING_GRANT_URLS = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json",
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json",
)
PROBLEM = "application/problem+json"
ELDERLY_NGO = "UZ-STIR-309990001"
ELDERLY_NGO_NAME = "Ассоциация «Нуроний»"
FUND_NAME = "Fuqarolik jamiyati institutlarini qoʻllab-quvvatlash jamoat fondi"


def _load(path: str) -> dict:
    return json.loads((SCHEMAS / path).read_text("utf-8"))


def _ocds_validators() -> tuple[jsonschema.Draft4Validator, jsonschema.Draft4Validator]:
    registry = Registry().with_resource(
        OCDS_RELEASE_URL,
        Resource.from_contents(_load("ocds/release-schema.json"), default_specification=DRAFT4),
    )
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    return (
        jsonschema.Draft4Validator(
            _load("ocds/release-package-schema.json"), registry=registry, format_checker=checker
        ),
        jsonschema.Draft4Validator(
            _load("ocds/record-package-schema.json"), registry=registry, format_checker=checker
        ),
    )


def _giving_validator() -> jsonschema.Draft202012Validator:
    grant = Resource.from_contents(
        _load("360giving/360-giving-schema.json"), default_specification=DRAFT202012
    )
    registry = Registry().with_resources((url, grant) for url in GIVING_GRANT_URLS)
    return jsonschema.Draft202012Validator(
        _load("360giving/360-giving-package-schema.json"),
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


RELEASE_PACKAGE, RECORD_PACKAGE = _ocds_validators()
GRANTS_PACKAGE = _giving_validator()


def _valid(validator: Any, document: dict) -> dict:
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    return document


def _json(response) -> dict:
    """The body with every JSON number as a Decimal: amounts compared exactly."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    return json.loads(response.text, parse_float=Decimal)


def _get_valid(client: TestClient, url: str, validator: Any) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    # Validate the document as a consumer parses it (floats), and keep the Decimal copy.
    _valid(validator, response.json())
    return _json(response)


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def _ok(response) -> dict:
    assert response.status_code == 201, response.text
    return response.json()


def _scenario(client: TestClient, world: World) -> dict[str, Any]:
    """A competition (amended, then its results published) with two awards that go through
    every kind of event; a direct award; a competition that is cancelled."""
    elderly = {
        "org_id": ELDERLY_NGO,
        "name": {"ru": ELDERLY_NGO_NAME},
        "kind": "ngo",
        "region": "UZ-TK",
    }
    _ok(client.post("/api/v1/organizations", json=elderly, headers=bearer(world.admin)))
    competition = _ok(post(client, "/api/v1/competitions", competition_body(), world.fund))
    events = f"/api/v1/competitions/{competition['id']}/events"
    _ok(
        post(
            client,
            events,
            {"type": "amended", "changes": {"budget": "1200000000"}, "reason": "Extra funds"},
            world.fund,
        )
    )

    first = _ok(post(client, "/api/v1/awards", award_body(competition["id"]), world.fund))
    path = f"/api/v1/awards/{first['id']}/events"
    for step in (
        {"type": "disbursed", "amount": "100000000", "date": "2026-03-20", "tranche": 1},
        {"type": "amended", "amount": "350000000", "reason": "Second phase added"},
        {"type": "disbursed", "amount": "150000000.00", "date": "2026-06-20", "tranche": 2},
        {
            "type": "reported",
            "date": "2026-07-01",
            "summary": {"ru": "Промежуточный отчёт", "uz": "Oraliq hisobot"},
            "document_url": "https://example.org/reports/1.pdf",
        },
    ):
        award = _ok(post(client, path, step, world.fund))
    second_tranche = award["events"][3]["seq"]
    _ok(
        post(
            client,
            path,
            {
                "type": "corrected",
                "corrects": second_tranche,
                "reason": "Bank statement shows 140M",
                "changes": {"amount": "140000000"},
            },
            world.fund,
        )
    )
    _ok(
        post(
            client,
            path,
            {"type": "terminated", "date": "2026-09-01", "reason": "The NGO stopped the project"},
            world.fund,
        )
    )

    second = _ok(
        post(
            client,
            "/api/v1/awards",
            award_body(
                competition["id"],
                recipient_id=ELDERLY_NGO,
                title={"ru": "Поддержка пожилых людей"},
                amount="200000000.00",
            ),
            world.fund,
        )
    )
    path = f"/api/v1/awards/{second['id']}/events"
    tranche = {"type": "disbursed", "amount": "50000000", "date": "2026-04-01"}
    _ok(post(client, path, tranche, world.fund))
    duplicate = _ok(post(client, path, tranche, world.fund))["events"][-1]["seq"]
    _ok(
        post(
            client,
            path,
            {"type": "corrected", "corrects": duplicate, "reason": "Recorded twice", "void": True},
            world.fund,
        )
    )
    _ok(post(client, path, {"type": "completed", "date": "2026-11-30"}, world.fund))
    _ok(
        post(
            client,
            events,
            {
                "type": "results_published",
                "applications_received": 40,
                "applicant_organizations": 35,
            },
            world.fund,
        )
    )

    direct = _ok(
        post(
            client,
            "/api/v1/awards",
            award_body(
                None,
                funder_id=MINISTRY,
                recipient_id=NGO_UZ_2,
                instrument="social_contract",
                title={"uz": "Yoshlar uchun oʻquv markazi"},
                amount="75000000.50",
                legal_basis="Contract 12/2026",
            ),
            world.ministry,
        )
    )
    cancelled = _ok(
        post(client, "/api/v1/competitions", competition_body(round_number=5), world.fund)
    )
    _ok(
        post(
            client,
            f"/api/v1/competitions/{cancelled['id']}/events",
            {"type": "cancelled", "reason": "Budget withdrawn"},
            world.fund,
        )
    )
    return {
        "competition": competition["id"],
        "first": first["id"],
        "second": second["id"],
        "second_tranche": second_tranche,
        "duplicate": duplicate,
        "direct": direct["id"],
        "cancelled": cancelled["id"],
    }


def _all_releases(client: TestClient, url: str) -> list[dict]:
    releases: list[dict] = []
    while url:
        package = _get_valid(client, url, RELEASE_PACKAGE)
        releases.extend(package["releases"])
        url = package["links"]["next"]
    return releases


def _ocid(identifier: str) -> str:
    return f"ocds-uzkz01-{identifier}"


def _compiled_until(releases: list[dict], release_id: str) -> dict:
    """The compiled release as it stood when ``release_id`` was published."""
    cut = next(release["date"] for release in releases if release["id"] == release_id)
    return ocds.compile_release([release for release in releases if release["date"] <= cut])


def _by_id(items: list[dict], identifier: str) -> dict:
    return next(item for item in items if item["id"] == identifier)


def test_each_ledger_event_is_a_release_with_its_tags(client: TestClient, world: World) -> None:
    ids = _scenario(client, world)
    releases = _all_releases(client, "/api/v1/ocds/releases?limit=500")

    ledger = client.get("/api/v1/ledger/leaves?start=0&end=1000").text.splitlines()
    entries = [json.loads(line) for line in ledger]
    published = [e for e in entries if e["kind"] in ocds.RELEASE_KINDS]
    assert [r["id"].rsplit("-", 1)[1] for r in releases] == [str(e["seq"]) for e in published]
    assert [r["date"] for r in releases] == [e["time"] for e in published]
    assert len({r["date"] for r in releases}) == len(releases)  # never ambiguous to compile

    tags: dict[str, list[list[str]]] = {}
    for release in releases:
        tags.setdefault(release["ocid"], []).append(release["tag"])
    assert tags[_ocid(ids["competition"])] == [
        ["tender"],
        ["tenderAmendment"],
        ["award", "contract"],  # the first award
        ["implementation"],
        ["awardUpdate", "contractAmendment"],
        ["implementation"],
        ["implementation"],
        ["implementationUpdate"],  # tranche 2 corrected
        ["contractTermination"],
        ["award", "contract"],  # the second award
        ["implementation"],
        ["implementation"],
        ["implementationUpdate"],  # the duplicate tranche voided
        ["contractTermination"],  # completed
        ["tenderUpdate"],  # results published
    ]
    assert tags[_ocid(ids["direct"])] == [["award", "contract"]]
    assert tags[_ocid(ids["cancelled"])] == [["tender"], ["tenderCancellation"]]
    assert _ocid(ids["first"]) not in tags  # an award of a competition shares its ocid

    direct = next(r for r in releases if r["ocid"] == _ocid(ids["direct"]))
    assert direct["tender"]["procurementMethod"] == "direct"
    assert direct["tender"]["procurementMethodRationale"] == "Contract 12/2026"
    assert direct["awards"][0]["value"] == {"amount": Decimal("75000000.50"), "currency": "UZS"}
    # The exact decimal text is on the wire: a JSON number, never a rounded float.
    raw = client.get("/api/v1/ocds/releases?limit=500").text
    assert '"amount":75000000.50,' in raw
    assert '"amount":350000000.00,' in raw


def test_the_record_compiles_the_latest_state(client: TestClient, world: World) -> None:
    ids = _scenario(client, world)
    process = _ocid(ids["competition"])
    package = _get_valid(client, f"/api/v1/ocds/records/{process}", RECORD_PACKAGE)
    (record,) = package["records"]
    assert record["ocid"] == process
    assert [r["date"] for r in record["releases"]] == sorted(r["date"] for r in record["releases"])
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["value"] == {"amount": Decimal("1200000000.00"), "currency": "UZS"}
    assert compiled["tender"]["status"] == "complete"
    assert compiled["tender"]["numberOfTenderers"] == 35
    assert compiled["tender"]["title"] == "Yoshlar tashabbuslarini qoʻllab-quvvatlash"
    assert compiled["tender"]["title_ru"] == "Поддержка молодёжных инициатив"

    first = _by_id(compiled["awards"], ids["first"])
    assert first["value"]["amount"] == Decimal("350000000.00")
    contract = _by_id(compiled["contracts"], ids["first"])
    assert contract["status"] == "terminated"
    assert contract["value"]["amount"] == Decimal("350000000.00")
    transactions = contract["implementation"]["transactions"]
    assert [(t["date"], t["value"]["amount"]) for t in transactions] == [
        ("2026-03-20T00:00:00+05:00", Decimal("100000000.00")),
        ("2026-06-20T00:00:00+05:00", Decimal("140000000.00")),  # as corrected
    ]
    assert all(t["payer"]["id"] == PUBLIC_FUND and t["payee"]["id"] == NGO_UZ for t in transactions)
    (report,) = contract["implementation"]["documents"]
    assert report["url"] == "https://example.org/reports/1.pdf"
    assert report["title_ru"] == "Промежуточный отчёт"
    (termination,) = contract["implementation"]["milestones"]
    assert (termination["status"], termination["description"]) == (
        "notMet",
        "The NGO stopped the project",
    )

    second = _by_id(compiled["contracts"], ids["second"])
    assert second["status"] == "terminated"  # completed: the contract has come to a close
    # The duplicate tranche was voided: it never happened, so it is not in the latest state,
    # not even as an id with an empty value, a payer and a payee (as merging alone leaves it).
    (paid,) = second["implementation"]["transactions"]
    assert paid["id"] != str(ids["duplicate"])
    assert paid["value"] == {"amount": Decimal("50000000.00"), "currency": "UZS"}
    assert (paid["payer"]["id"], paid["payee"]["id"]) == (PUBLIC_FUND, ELDERLY_NGO)

    parties = {party["id"]: party for party in compiled["parties"]}
    assert parties[PUBLIC_FUND]["roles"] == ["buyer", "procuringEntity", "funder", "payer"]
    assert parties[PUBLIC_FUND]["name"] == FUND_NAME
    assert parties[PUBLIC_FUND]["identifier"] == {
        "scheme": "UZ-STIR",
        "id": "207050449",
        "legalName": FUND_NAME,
    }
    assert parties[NGO_UZ]["roles"] == ["supplier", "payee", "tenderer"]
    assert parties[ELDERLY_NGO]["name"] == ELDERLY_NGO_NAME
    assert compiled["buyer"] == {"id": PUBLIC_FUND, "name": FUND_NAME}


def test_a_voided_payment_report_or_completion_is_not_in_the_compiled_record(
    client: TestClient, world: World
) -> None:
    """A voided event never happened. Its release stays in the feed and the record (the ledger
    keeps it), its correction's release deletes its item as OCDS's merge guidance says (every
    field it can null, nulled) and says so on its amendment (``void``), and the record's
    compiled release leaves the item out: merging alone would keep it, its id with an empty
    value, a payer and a payee. 360Giving counts only the payments that happened."""
    award = _ok(post(client, "/api/v1/awards", award_body(None, legal_basis="UP-1"), world.fund))
    path = f"/api/v1/awards/{award['id']}/events"
    steps = (
        {"type": "disbursed", "amount": "100000000", "date": "2026-04-01", "tranche": 1},
        {"type": "disbursed", "amount": "100000000", "date": "2026-04-01", "tranche": 1},
        {"type": "reported", "date": "2026-05-01", "document_url": "https://example.org/r.pdf"},
        {"type": "completed", "date": "2026-06-01"},
    )
    paid, twice, report, completion = (
        _ok(post(client, path, step, world.fund))["events"][-1]["seq"] for step in steps
    )
    for seq in (twice, report, completion):
        void = {"type": "corrected", "corrects": seq, "reason": "Recorded in error", "void": True}
        _ok(post(client, path, void, world.fund))

    process = _ocid(award["id"])
    (record,) = _get_valid(client, f"/api/v1/ocds/records/{process}", RECORD_PACKAGE)["records"]
    assert len(record["releases"]) == 8  # every release stays: the publication, 4 events, 3 voids
    (contract,) = record["compiledRelease"]["contracts"]
    assert contract["implementation"] == {
        "transactions": [
            {
                "id": str(paid),
                "date": "2026-04-01T00:00:00+05:00",
                "value": {"amount": Decimal("100000000.00"), "currency": "UZS"},
                "payer": {"id": PUBLIC_FUND, "name": FUND_NAME},
                "payee": {"id": NGO_UZ, "name": "«Mehr-shafqat» nodavlat notijorat tashkiloti"},
            }
        ]
    }
    assert [(a["correctsReleaseID"], a.get("void")) for a in contract["amendments"]] == [
        (f"{process}-{seq}", True) for seq in (twice, report, completion)
    ]
    assert contract["status"] == "active"  # the completion was voided too

    # The correction's own release: the item with what it carried nulled, as OCDS deletes one.
    releases = _all_releases(client, "/api/v1/ocds/releases?limit=500")
    voiding = next(
        r for r in releases if r["ocid"] == process and r["tag"] == ["implementationUpdate"]
    )
    (item,) = voiding["contracts"][0]["implementation"]["transactions"]
    assert item == {"id": str(twice), "date": None, "value": {"amount": None, "currency": None}}
    # Merging the releases alone keeps the item: why the compiled release takes it out.
    merged = ocds._merger().create_compiled_release(record["releases"])
    kept = merged["contracts"][0]["implementation"]["transactions"]
    assert [t["id"] for t in kept] == [str(paid), str(twice)]

    (grant,) = _get_valid(client, "/api/v1/360giving/grants.json", GRANTS_PACKAGE)["grants"]
    assert grant["amountDisbursed"] == Decimal("100000000.00")
    assert [(t["id"], t["value"]) for t in grant["disbursementTransaction"]] == [
        (f"360G-uzkz-registry-{award['id']}-{paid}", Decimal("100000000.00"))
    ]


def test_every_amendment_keeps_the_values_before_and_after(
    client: TestClient, world: World
) -> None:
    ids = _scenario(client, world)
    process = _ocid(ids["competition"])
    (record,) = _get_valid(client, f"/api/v1/ocds/records/{process}", RECORD_PACKAGE)["records"]
    releases = record["releases"]
    release_ids = [release["id"] for release in releases]
    amendments = [
        amendment
        for release in releases
        for holder in (release.get("tender", {}), *release.get("contracts", []))
        for amendment in holder.get("amendments", [])
    ]
    assert len(amendments) == 4  # the budget, the amount, the tranche, the void
    for amendment in amendments:
        assert amendment["rationale"]
        assert amendment["releaseID"] == f"{process}-{amendment['id']}"
        assert release_ids.index(amendment["amendsReleaseID"]) < release_ids.index(
            amendment["releaseID"]
        )

    def before_after(amendment: dict, value) -> tuple:
        return (
            value(_compiled_until(releases, amendment["amendsReleaseID"])),
            value(_compiled_until(releases, amendment["releaseID"])),
        )

    budget, amount, tranche, void = amendments
    assert before_after(budget, lambda c: c["tender"]["value"]["amount"]) == (
        Decimal("1000000000.00"),
        Decimal("1200000000.00"),
    )
    assert budget["description"] == "budget: 1000000000.00 UZS → 1200000000.00 UZS"

    def first_contract_value(compiled: dict) -> Decimal:
        return _by_id(compiled["contracts"], ids["first"])["value"]["amount"]

    assert before_after(amount, first_contract_value) == (
        Decimal("300000000.00"),
        Decimal("350000000.00"),
    )
    assert amount["description"] == "amount: 300000000.00 UZS → 350000000.00 UZS"
    assert amount["rationale"] == "Second phase added"

    def second_tranche(compiled: dict) -> Decimal:
        contract = _by_id(compiled["contracts"], ids["first"])
        transaction = _by_id(contract["implementation"]["transactions"], str(ids["second_tranche"]))
        return transaction["value"]["amount"]

    assert before_after(tranche, second_tranche) == (
        Decimal("150000000.00"),
        Decimal("140000000.00"),
    )
    assert tranche["description"] == (
        f"Corrects ledger entry {ids['second_tranche']} (award.disbursed): "
        "amount: 150000000.00 UZS → 140000000.00 UZS; "
        "disbursed: 250000000.00 UZS → 240000000.00 UZS"
    )
    assert void["description"] == (
        f"Voids ledger entry {ids['duplicate']} (award.disbursed: 50000000.00 UZS, 2026-04-01); "
        "disbursed: 100000000.00 UZS → 50000000.00 UZS"
    )


def test_paging_returns_every_release_exactly_once(client: TestClient, database: Database) -> None:
    demo.load(database, awards=60)
    everything = _all_releases(client, "/api/v1/ocds/releases?limit=500")
    paged = _all_releases(client, "/api/v1/ocds/releases?limit=37")
    assert [r["id"] for r in paged] == [r["id"] for r in everything]
    assert len({r["id"] for r in paged}) == len(paged) > 37 * 3
    assert Counter(tag for r in everything for tag in r["tag"]).keys() >= {
        "tender",
        "tenderUpdate",
        "award",
        "contract",
        "implementation",
        "implementationUpdate",
        "contractTermination",
    }

    first = client.get("/api/v1/ocds/releases?limit=5")
    following = first.json()["links"]["next"]
    assert first.headers["link"] == f'<{following}>; rel="next"'
    assert "limit=5" in following

    # Every process's record is a valid record package, and compiles.
    for process in sorted({r["ocid"] for r in everything}):
        package = _get_valid(client, f"/api/v1/ocds/records/{process}", RECORD_PACKAGE)
        (record,) = package["records"]
        assert len(record["releases"]) == sum(r["ocid"] == process for r in everything)


def test_release_filters(client: TestClient, world: World) -> None:
    ids = _scenario(client, world)
    by_ministry = _all_releases(client, f"/api/v1/ocds/releases?funder={MINISTRY}")
    assert {r["ocid"] for r in by_ministry} == {_ocid(ids["direct"])}
    for_elderly = _all_releases(client, f"/api/v1/ocds/releases?recipient={ELDERLY_NGO}")
    assert len(for_elderly) == 5
    assert all(r["awards"][0]["id"] == ids["second"] for r in for_elderly)
    assert _all_releases(client, "/api/v1/ocds/releases?year=2026")
    empty = client.get("/api/v1/ocds/releases?year=2030").json()
    assert empty["releases"] == []
    assert empty["links"]["next"] is None


def _all_grants(client: TestClient, url: str) -> list[dict]:
    grants: list[dict] = []
    while url:
        package = _get_valid(client, url, GRANTS_PACKAGE)
        grants.extend(package["grants"])
        url = package["next"]
    return grants


def _csv(client: TestClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="360giving-grants'
    )  # named after the filters: test_the_360giving_csv_is_named_after_its_filters
    text = response.content.decode("utf-8")  # strict: the bytes are UTF-8
    return list(csv.DictReader(io.StringIO(text)))


def test_360giving_json_and_csv_have_one_grant_per_award(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load(database, awards=60)
    monkeypatch.setattr(standards_router, "EXPORT_PAGE", 7)  # the stream reads many pages
    with database.session() as session:
        awards = {award.id: award for award in session.execute(select(Award)).scalars()}
    grants = _all_grants(client, "/api/v1/360giving/grants.json?limit=7")
    assert [g["id"] for g in grants] == [f"360G-uzkz-registry-{a}" for a in sorted(awards)]
    for item in grants:
        award = awards[item["id"].removeprefix("360G-uzkz-registry-")]
        assert item["amountAwarded"] == Decimal(award.amount_minor) / 100
        assert item["amountDisbursed"] == Decimal(award.disbursed_minor) / 100
        paid = sum((t["value"] for t in item.get("disbursementTransaction", [])), Decimal(0))
        assert paid == item["amountDisbursed"]
        assert item["fromOpenCall"] == ("Yes" if award.competition_id else "No")

    rows = _csv(client, "/api/v1/360giving/grants.csv")
    assert [row["Identifier"] for row in rows] == [g["id"] for g in grants]
    assert [Decimal(row["Amount Awarded"]) for row in rows] == [g["amountAwarded"] for g in grants]
    assert [row["Recipient Org:Identifier"] for row in rows] == [
        g["recipientOrganization"][0]["id"] for g in grants
    ]
    assert [row["Funding Org:Name"] for row in rows] == [
        g["fundingOrganization"][0]["name"] for g in grants
    ]


GRANTS_DOWNLOAD = "/api/v1/360giving/grants.download.json"
RELEASES_DOWNLOAD = "/api/v1/ocds/releases.download.json"


def _served_items(client: TestClient, url: str, key: str, validator: Any) -> list[bytes]:
    """Every item of a paged feed followed to its end, each as the bytes it was served as (a
    page parsed with exact decimals writes back to the very bytes served, so each item's
    ``exact_json`` is its slice of the page)."""
    items: list[bytes] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        _valid(validator, response.json())
        package = _json(response)
        assert standards_router.exact_json(package) == response.content
        items.extend(standards_router.exact_json(item) for item in package[key])
        url = package["links"]["next"] if key == "releases" else package["next"]
    return items


def _download(client: TestClient, url: str, validator: Any, name: str) -> tuple[bytes, dict]:
    """A whole-package download: its bytes, and its document with exact decimals."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    _valid(validator, response.json())
    return response.content, _json(response)


def _busiest_funder(database: Database) -> tuple[str, int]:
    with database.session() as session:
        funder, count = session.execute(
            select(Award.funder_id, func.count())
            .group_by(Award.funder_id)
            .order_by(func.count().desc(), Award.funder_id)
            .limit(1)
        ).one()
    return funder, count


def test_the_360giving_download_is_every_grant_the_paged_feed_gives(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load(database, awards=60)
    monkeypatch.setattr(standards_router, "EXPORT_PAGE", 3)  # the download reads many pages
    funder, count = _busiest_funder(database)
    assert count > 3
    for query, name in (
        ("", "360giving-grants.json"),
        (f"funder={funder}", f"360giving-grants-{funder}.json"),
        (f"funder={funder}&year=2026&year=2025", f"360giving-grants-2026-2025-{funder}.json"),
    ):
        served = _served_items(
            client, f"/api/v1/360giving/grants.json?limit=2&{query}", "grants", GRANTS_PACKAGE
        )
        assert len(served) > 3
        content, package = _download(client, f"{GRANTS_DOWNLOAD}?{query}", GRANTS_PACKAGE, name)
        # Every grant, in the feed's order, each the same bytes; the whole package is one.
        assert b'"grants":[' + b",".join(served) + b"]" in content
        assert [standards_router.exact_json(grant) for grant in package["grants"]] == served
        assert len({grant["id"] for grant in package["grants"]}) == len(served)
        first = _json(client.get(f"/api/v1/360giving/grants.json?{query}"))
        assert package["version"] == first["version"] == giving360.SCHEMA_VERSION
        assert package["publisher"] == first["publisher"]
        assert package["modified"] == max(grant["dateModified"] for grant in package["grants"])
        assert set(package) == {"version", "publisher", "grants", "modified"}  # no "next"
    everything = _download(client, GRANTS_DOWNLOAD, GRANTS_PACKAGE, "360giving-grants.json")[1]
    assert len(everything["grants"]) == 60


def test_the_360giving_downloads_take_the_order_the_award_downloads_take(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sort`` puts the grants in the order the awards CSV and JSON Lines give for it
    (relevance too), a batch at a time, each grant the paged feed's bytes: the portal's
    360Giving links dropped the page's order, since these downloads took none. Without it they
    are by award id, as before. An order the query cannot have is a 400 before any byte."""
    demo.load(database, awards=60)
    monkeypatch.setattr(standards_router, "EXPORT_PAGE", 7)  # the download reads many batches
    served = set(
        _served_items(client, "/api/v1/360giving/grants.json?limit=500", "grants", GRANTS_PACKAGE)
    )
    size = ledger_size(database)
    for params in (
        {"sort": "award_date"},
        {"sort": "-award_date"},
        {"sort": "amount"},
        {"sort": "-amount", "currency": "UZS"},
        {"sort": "relevance", "q": "yoshlar"},
    ):
        lines = client.get("/api/v1/awards.jsonl", params=params).text.splitlines()
        expected = [json.loads(line)["id"] for line in lines]
        assert len(expected) > 7, params
        assert expected != sorted(expected), params  # an order of its own, not by id
        response = client.get(GRANTS_DOWNLOAD, params=params)
        assert response.status_code == 200, response.text
        package = _valid(GRANTS_PACKAGE, response.json())
        assert [grant["dataSource"].rsplit("/", 1)[1] for grant in package["grants"]] == expected
        grants = {standards_router.exact_json(grant) for grant in _json(response)["grants"]}
        assert grants <= served
        table = client.get("/api/v1/360giving/grants.csv", params=params)
        assert table.status_code == 200, table.text
        identifiers = [row["Identifier"] for row in csv.DictReader(io.StringIO(table.text))]
        assert identifiers == [grant["id"] for grant in package["grants"]]
    unordered = _json(client.get(GRANTS_DOWNLOAD))["grants"]
    assert [grant["id"] for grant in unordered] == sorted(grant["id"] for grant in unordered)
    for path in (GRANTS_DOWNLOAD, "/api/v1/360giving/grants.csv"):
        for params, message in (
            ({"sort": "relevance"}, "relevance needs a text query"),
            ({"sort": "title"}, "award_date"),
        ):
            response = client.get(path, params=params)
            assert response.status_code == 400, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["errors"][0]["field"] == "query.sort"
            assert message in response.text
    assert ledger_size(database) == size


def test_the_ocds_download_is_every_release_the_paged_feed_gives(
    client: TestClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.load(database, awards=60)
    monkeypatch.setattr(standards_router, "EXPORT_PAGE", 11)  # the download reads many pages
    funder, _ = _busiest_funder(database)
    for query, name in (
        ("", "ocds-releases.json"),
        (f"funder={funder}", f"ocds-releases-{funder}.json"),
        (f"funder={funder}&year=2026", f"ocds-releases-2026-{funder}.json"),
    ):
        served = _served_items(
            client, f"/api/v1/ocds/releases?limit=7&{query}", "releases", RELEASE_PACKAGE
        )
        assert len(served) > 11
        url = f"{RELEASES_DOWNLOAD}?{query}"
        content, package = _download(client, url, RELEASE_PACKAGE, name)
        assert b'"releases":[' + b",".join(served) + b"]" in content
        assert [standards_router.exact_json(item) for item in package["releases"]] == served
        first = _json(client.get(f"/api/v1/ocds/releases?{query}"))
        assert package["version"] == first["version"] == ocds.OCDS_VERSION
        assert package["publisher"] == first["publisher"]
        assert package["uri"] == f"http://testserver{url}".rstrip("?")
        assert package["publishedDate"] == max(item["date"] for item in package["releases"])
        assert "links" not in package  # a whole file: no next page


def test_a_download_of_nothing_is_an_empty_package(client: TestClient, world: World) -> None:
    _scenario(client, world)
    for download, paged, key, date in (
        (GRANTS_DOWNLOAD, "/api/v1/360giving/grants.json", "grants", "modified"),
        (RELEASES_DOWNLOAD, "/api/v1/ocds/releases", "releases", "publishedDate"),
    ):
        response = client.get(f"{download}?year=2030")
        assert response.status_code == 200, response.text
        package = _json(response)
        assert package[key] == _json(client.get(f"{paged}?year=2030"))[key] == []
        assert package[date]


def test_360giving_grants_of_the_scenario(client: TestClient, world: World) -> None:
    ids = _scenario(client, world)
    (package,) = [_get_valid(client, "/api/v1/360giving/grants.json", GRANTS_PACKAGE)]
    assert package["next"] is None
    grants = {g["id"]: g for g in package["grants"]}
    assert len(grants) == 3
    first = grants[f"360G-uzkz-registry-{ids['first']}"]
    assert (first["amountAwarded"], first["amountDisbursed"]) == (
        Decimal("350000000.00"),
        Decimal("240000000.00"),
    )
    assert [t["value"] for t in first["disbursementTransaction"]] == [
        Decimal("100000000.00"),
        Decimal("140000000.00"),
    ]
    assert first["beneficiaryLocation"] == [
        {"countryCode": "UZ", "name": "Samarqand", "geoCode": "UZ-SA"}
    ]
    second = grants[f"360G-uzkz-registry-{ids['second']}"]
    assert [t["value"] for t in second["disbursementTransaction"]] == [Decimal("50000000.00")]
    direct = grants[f"360G-uzkz-registry-{ids['direct']}"]
    assert direct["amountAwarded"] == Decimal("75000000.50")
    assert '"amountAwarded":75000000.50,' in client.get("/api/v1/360giving/grants.json").text

    rows = _csv(client, "/api/v1/360giving/grants.csv")
    header = list(rows[0])
    assert header == list(giving360.csv_header())
    assert header[:8] == [
        "Identifier",
        "Title",
        "title_uz",
        "title_ru",
        "title_kk",
        "title_en",
        "Description",
        "description_uz",
    ]
    assert {
        "Recipient Org:name_ru",
        "Recipient Org:Organisation Type",
        "Recipient Org:Location:Geographic Code",
        "Grant Programme:Code",
        "Grant Programme:budget",
        "Grant Programme:applicationsClose",
        "Funding Type:Code",
        "legalBasis",
        "awardBeforeClose",
    } <= set(header)
    by_id = {row["Identifier"]: row for row in rows}
    assert set(by_id) == set(grants)
    row = by_id[second["id"]]
    assert (row["Title"], row["Recipient Org:Name"]) == (
        "Поддержка пожилых людей",
        ELDERLY_NGO_NAME,
    )
    assert row["Funding Org:Name"] == FUND_NAME  # oʻ (U+02BB) intact
    assert (row["title_ru"], row["title_uz"], row["Recipient Org:name_ru"]) == (
        "Поддержка пожилых людей",
        "",
        ELDERLY_NGO_NAME,
    )
    assert row["Grant Programme:budget"] == "1200000000.00"
    assert by_id[direct["id"]]["legalBasis"] == "Contract 12/2026"
    assert by_id[direct["id"]]["Amount Awarded"] == "75000000.50"
    assert by_id[direct["id"]]["Title"] == "Yoshlar uchun oʻquv markazi"
    assert by_id[direct["id"]]["From An Open Call?"] == "No"

    only_ministry = _all_grants(client, f"/api/v1/360giving/grants.json?funder={MINISTRY}")
    assert [g["id"] for g in only_ministry] == [direct["id"]]
    assert [
        r["Identifier"]
        for r in _csv(client, f"/api/v1/360giving/grants.csv?recipient={ELDERLY_NGO}")
    ] == [second["id"]]
    assert _csv(client, "/api/v1/360giving/grants.csv?year=2025") == []


def test_360giving_extension_fields_of_the_scenario(client: TestClient, world: World) -> None:
    """What 360Giving has no field for, in the registry's extension fields (README)."""
    ids = _scenario(client, world)
    (package,) = [_get_valid(client, "/api/v1/360giving/grants.json", GRANTS_PACKAGE)]
    grants = {g["id"].removeprefix("360G-uzkz-registry-"): g for g in package["grants"]}
    first, second = grants[ids["first"]], grants[ids["second"]]
    (funder,) = first["fundingOrganization"]
    assert (funder["id"], funder["name"], funder["name_uz"]) == (PUBLIC_FUND, FUND_NAME, FUND_NAME)
    assert funder["organisationType"] == "public_fund"
    assert funder["location"] == [{"countryCode": "UZ", "name": "Uzbekistan"}]  # nationwide
    assert (first["awardStatus"], first["actualDates"]) == (
        "terminated",
        [{"endDate": "2026-09-01"}],
    )
    assert first["terminationReason"] == "The NGO stopped the project"
    (programme,) = first["grantProgramme"]
    assert (programme["code"], programme["budget"]) == (
        ids["competition"],
        Decimal("1200000000.00"),
    )
    # The competition's page, for people, as README says (it was the API's address).
    assert programme["url"] == f"http://127.0.0.1:8000/competitions/{ids['competition']}"
    page = client.get(programme["url"].removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert programme["title"] == programme["title_uz"]
    (elderly,) = second["recipientOrganization"]
    assert (elderly["name"], elderly["name_ru"]) == (ELDERLY_NGO_NAME, ELDERLY_NGO_NAME)
    assert "name_uz" not in elderly
    assert (elderly["organisationType"], elderly["location"][0]["geoCode"]) == ("ngo", "UZ-TK")
    assert (second["title"], second["title_ru"]) == ("Поддержка пожилых людей",) * 2
    assert "title_uz" not in second
    assert (second["awardStatus"], second["actualDates"]) == (
        "completed",
        [{"endDate": "2026-11-30"}],
    )
    assert "terminationReason" not in second
    direct = grants[ids["direct"]]
    assert (direct["legalBasis"], "grantProgramme" in direct) == ("Contract 12/2026", False)


def test_ocds_extension_fields_of_the_scenario(client: TestClient, world: World) -> None:
    """What OCDS has no field for, in the registry's extension fields (README)."""
    ids = _scenario(client, world)
    releases = _all_releases(client, "/api/v1/ocds/releases?limit=100")
    process = _ocid(ids["competition"])
    published = next(r for r in releases if r["ocid"] == process and r["tag"] == ["tender"])
    tender = published["tender"]
    assert (tender["programmeYear"], tender["roundNumber"]) == (2026, 4)
    assert (tender["themes"], tender["region"]) == (["youth", "ecology"], "UZ")
    (party,) = published["parties"]
    assert party["details"] == {"kind": "public_fund", "region": "UZ"}
    award = next(
        r["awards"][0]
        for r in releases
        if r["tag"] == ["award", "contract"] and r["awards"][0]["id"] == ids["first"]
    )
    assert (award["themes"], award["region"], award["awardBeforeClose"]) == (
        ["ecology"],
        "UZ-SA",
        None,
    )
    corrections = [
        r for r in releases if r["ocid"] == process and "implementationUpdate" in r["tag"]
    ]
    assert [r["contracts"][0]["amendments"][0]["correctsReleaseID"] for r in corrections] == [
        f"{process}-{seq}" for seq in (ids["second_tranche"], ids["duplicate"])
    ]


def test_bad_parameters_are_400_problems(client: TestClient, world: World) -> None:
    _scenario(client, world)
    for url in (
        "/api/v1/ocds/releases?cursor=not-a-cursor!",
        "/api/v1/ocds/releases?cursor=WyJ4Il0",  # ["x"]: a cursor, but not of this list
        "/api/v1/360giving/grants.json?cursor=WzFd",  # [1]
        "/api/v1/360giving/grants.json?cursor=%25%25",
        "/api/v1/ocds/releases?limit=501",
        "/api/v1/ocds/releases?funder=nonsense",
        "/api/v1/360giving/grants.csv?recipient=UZ-STIR-12",
    ):
        response = client.get(url)
        assert response.status_code == 400, (url, response.text)
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["status"] == 400
        assert problem["errors"][0]["field"].startswith("query."), problem
    for url, field in (
        (f"{GRANTS_DOWNLOAD}?recipient=UZ-STIR-12", "query.recipient"),
        (f"{GRANTS_DOWNLOAD}?status=maybe", "query.status"),
        (f"{GRANTS_DOWNLOAD}?limit=500", "query.limit"),  # a download has no pages
        (f"{RELEASES_DOWNLOAD}?funder=nonsense", "query.funder"),
        (f"{RELEASES_DOWNLOAD}?year=1800", "query.year"),
        (f"{RELEASES_DOWNLOAD}?cursor=WzFd", "query.cursor"),
    ):
        response = client.get(url)
        assert response.status_code == 400, (url, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert [error["field"] for error in response.json()["errors"]] == [field], url


def test_unknown_ocid_is_a_404_problem(client: TestClient, world: World) -> None:
    ids = _scenario(client, world)
    for ocid in (
        "ocds-uzkz01-CMP-2026-99999",
        _ocid(ids["first"]),  # an award of a competition: its process is the competition's
        f"ocds-other1-{ids['competition']}",
        "nonsense",
    ):
        response = client.get(f"/api/v1/ocds/records/{ocid}")
        assert response.status_code == 404, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["errors"][0]["field"] == "path.ocid"


def test_every_award_competition_and_oversight_kind_is_published() -> None:
    families = ("award.", "competition.", "oversight.")
    kinds = {kind for kind in journal.known_kinds() if kind.startswith(families)}
    assert kinds == ocds.RELEASE_KINDS


def test_records_compile_offline(client: TestClient, world: World, monkeypatch) -> None:
    ids = _scenario(client, world)

    def no_network(*_args, **_kwargs):
        raise AssertionError("ocdsmerge tried to reach the network")

    ocds._merger.cache_clear()
    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    (record,) = _get_valid(client, f"/api/v1/ocds/records/{_ocid(ids['direct'])}", RECORD_PACKAGE)[
        "records"
    ]
    assert record["compiledRelease"]["awards"][0]["value"]["amount"] == Decimal("75000000.50")


def test_exact_json_writes_decimals_as_they_are_and_refuses_floats() -> None:
    document = {"a": Decimal("0.10"), "b": [Decimal("12500000.00"), 3, None, True], "c": "oʻ Ж"}
    text = standards_router.exact_json(document).decode()
    assert text == '{"a":0.10,"b":[12500000.00,3,null,true],"c":"oʻ Ж"}'
    assert json.loads(text, parse_float=Decimal) == document
    with pytest.raises(TypeError):
        standards_router.exact_json({"amount": 0.1})
    with pytest.raises(ValueError, match="no JSON form"):
        standards_router.exact_json(Decimal("NaN"))


def _every_character() -> str:
    """Every code point a str may be written with (not a lone surrogate), between quotes and
    backslashes."""
    return '"\\'.join(chr(point) for point in range(0x110000) if not 0xD800 <= point <= 0xDFFF)


def test_exact_json_writes_as_the_reference_writer_does() -> None:
    text = _every_character()
    document = {
        text: [text, {"k\u2028\x7f\x00": text[:5000]}],
        "decimals": [Decimal(d) for d in ("0.10", "-0", "1E+2", "1E-7", "12500000.00", "9" * 40)],
        "integers": [0, -1, 2**63 - 1, -(2**63)],
        "tuple": (1, "two", None, False),
        "empty": [{}, [], ()],
    }
    written = standards_router.exact_json(document)
    assert written == standards_router.exact_json_reference(document)
    assert json.loads(written, parse_float=Decimal)[text][0] == text


class _Kind(StrEnum):
    GRANT = "grant"


@pytest.mark.parametrize(
    "document",
    [
        {"past 64 bits": [2**64, -(2**63) - 1]},
        {"a str subclass": _Kind.GRANT, _Kind.GRANT: 1},
        MappingProxyType({"a mapping": [MappingProxyType({"b": Decimal("1.50")})]}),
        {"a bool key": {True: 1, 2: "two"}},
    ],
)
def test_exact_json_leaves_what_orjson_writes_otherwise_to_the_reference_writer(
    document: Any,
) -> None:
    # orjson refuses integers past 64 bits and keys that are not str, and reads a str
    # subclass or a Mapping its own way: the reference writer writes them as it always has.
    assert standards_router.exact_json(document) == standards_router.exact_json_reference(document)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0.1, TypeError),  # orjson would write it
        (datetime(2026, 3, 1, tzinfo=UTC), TypeError),  # orjson would write it
        (UUID(int=1), TypeError),  # orjson would write it
        (Decimal("Infinity"), ValueError),
        ("\ud800", UnicodeEncodeError),
    ],
)
def test_exact_json_refuses_what_the_reference_writer_refuses(
    value: Any, error: type[Exception]
) -> None:
    for document in ({"deep": [{"value": value}]}, [value], value):
        with pytest.raises(error):
            standards_router.exact_json(document)


def test_a_record_is_served_as_the_reference_writer_writes_it(
    client: TestClient, world: World, database: Database
) -> None:
    """The record the route serves (compiled with a correction, a voided tranche, texts in
    several languages) is, byte for byte, the reference writer's text of the record package
    built from the same ledger."""
    ids = _scenario(client, world)
    settings = client.app.state.settings
    for identifier in (ids["competition"], ids["direct"]):
        path = f"/api/v1/ocds/records/{_ocid(identifier)}"
        served = client.get(path)
        assert served.status_code == 200, served.text
        with database.session() as session:
            releases = ocds.read_record_releases(
                session, prefix=settings.ocds_prefix, process=_ocid(identifier)
            )
        package = ocds.record_package(
            _ocid(identifier),
            releases,
            uri=f"http://testserver{path}",
            public_url=settings.public_url,
        )
        assert served.content == standards_router.exact_json_reference(package)


def test_a_record_is_revalidated_by_its_etag_until_the_ledger_grows(
    client: TestClient, world: World, database: Database
) -> None:
    """A record is a function of the ledger (append-only) for its address: while the ledger's
    size stays, a client or cache that names the record's ETag gets a 304 with no body."""
    ids = _scenario(client, world)
    path = f"/api/v1/ocds/records/{_ocid(ids['competition'])}"
    first = client.get(path)
    assert first.status_code == 200, first.text
    etag = first.headers["etag"]
    assert etag.startswith(f'"{ledger_size(database)}-')
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(path)
    assert (again.content, again.headers["etag"]) == (first.content, etag)

    for named in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        unchanged = client.get(path, headers={"If-None-Match": named})
        assert unchanged.status_code == 304, named
        assert unchanged.content == b""
        assert (unchanged.headers["etag"], unchanged.headers["cache-control"]) == (etag, "no-cache")
    other = client.get(path, headers={"If-None-Match": '"0-0"'})
    assert (other.status_code, other.content) == (200, first.content)

    # Another address is another record (its package's uri), with its own tag.
    elsewhere = client.get(f"http://registry.example{path}", headers={"If-None-Match": etag})
    assert elsewhere.status_code == 200
    assert elsewhere.headers["etag"] != etag
    assert _json(elsewhere)["uri"] == f"http://registry.example{path}"

    # A new entry of the process: the tag no longer matches, and the record is the new one.
    size = ledger_size(database)
    award = client.get(f"/api/v1/awards/{ids['second']}").json()
    paid = next(e["seq"] for e in award["events"] if e["kind"] == "award.disbursed")
    correction = {
        "type": "corrected",
        "corrects": paid,
        "reason": "Bank statement",
        "changes": {"amount": "40000000"},
    }
    _ok(post(client, f"/api/v1/awards/{ids['second']}/events", correction, world.fund))
    moved = client.get(path, headers={"If-None-Match": etag})
    assert moved.status_code == 200
    assert moved.headers["etag"].startswith(f'"{size + 1}-')
    (record,) = _valid(RECORD_PACKAGE, moved.json())["records"]
    assert record["releases"][-1]["id"] == f"{_ocid(ids['competition'])}-{size}"
    assert client.get(path, headers={"If-None-Match": moved.headers["etag"]}).status_code == 304

    # A tag is never an answer for a process that does not exist.
    missing = client.get(
        "/api/v1/ocds/records/ocds-uzkz01-CMP-2026-09999", headers={"If-None-Match": "*"}
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def test_a_records_etag_names_the_ledger_by_its_root_not_only_its_size() -> None:
    """Two ledgers of one size (a registry's database replaced behind the same address) give
    a record different tags: a cache never keeps one ledger's record for the other's."""
    uri, prefix, public_url = "https://registry.example/api/v1/ocds/records/x", "ocds-x", "/"
    one = standards_router._record_etag((1842, b"\x01" * 32), uri, prefix, public_url)
    other = standards_router._record_etag((1842, b"\x02" * 32), uri, prefix, public_url)
    assert one.startswith('"1842-')
    assert other.startswith('"1842-')
    assert one != other
    assert one == standards_router._record_etag((1842, b"\x01" * 32), uri, prefix, public_url)


def test_a_records_etag_changes_with_the_code_migrations_and_libraries_that_make_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From review: the tag digested the package's code only, so a deploy that upgraded
    ocdsmerge (which compiles the record) or added a migration rewriting the rows a record
    reads kept every tag, and a client got a 304 for changed bytes."""
    head, args = (7, b"\x03" * 32), ("https://r.example/api/v1/ocds/records/x", "ocds-x", "/")
    taken = standards_router._code_version()
    standards_router._code_version.cache_clear()
    assert standards_router._code_version() == taken  # the same files, the same digest
    before = standards_router._record_etag(head, *args)
    versions = {"ocdsmerge": "0.0.1"}
    real = standards_router.importlib.metadata.version
    monkeypatch.setattr(
        standards_router.importlib.metadata,
        "version",
        lambda name: versions.get(name) or real(name),
    )
    standards_router._code_version.cache_clear()
    try:
        assert standards_router._record_etag(head, *args) != before
    finally:
        monkeypatch.undo()
        standards_router._code_version.cache_clear()
    assert standards_router._record_etag(head, *args) == before


def test_the_build_digest_covers_every_directory_it_is_given(tmp_path: Path) -> None:
    """The code's digest reads the migrations' directory as well as the package's: a new or
    changed migration changes it, as a changed module does."""
    code, migrations = tmp_path / "registry", tmp_path / "migrations"
    (code / "publication").mkdir(parents=True)
    migrations.mkdir()
    (code / "publication" / "ocds.py").write_text("RELEASE = 1\n")
    (migrations / "0001_first.py").write_text("def upgrade(): pass\n")
    (migrations / "notes.txt").write_text("not code")
    digest = standards_router.build_digest([code, migrations], ["ocdsmerge"])
    assert digest == standards_router.build_digest([code, migrations], ["ocdsmerge"])
    (migrations / "notes.txt").write_text("still not code")
    assert digest == standards_router.build_digest([code, migrations], ["ocdsmerge"])
    (migrations / "0002_rewrite_rows.py").write_text("def upgrade(): rewrite()\n")
    with_migration = standards_router.build_digest([code, migrations], ["ocdsmerge"])
    assert with_migration != digest
    (code / "publication" / "ocds.py").write_text("RELEASE = 2\n")
    assert standards_router.build_digest([code, migrations], ["ocdsmerge"]) != with_migration
    assert standards_router.build_digest([code, migrations], []) != with_migration


def test_a_record_read_while_the_ledger_grew_is_served_without_a_tag(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry appended between the two reads of the ledger's head (PostgreSQL reads each
    statement afresh) may or may not be in the record read: it is served, untagged."""
    ids = _scenario(client, world)
    path = f"/api/v1/ocds/records/{_ocid(ids['competition'])}"
    tagged = client.get(path)
    heads = iter([(1, b"\x01" * 32), (2, b"\x02" * 32)])
    monkeypatch.setattr(ocds, "ledger_head", lambda _session: next(heads))
    moved = client.get(path)
    assert moved.status_code == 200, moved.text
    assert "etag" not in moved.headers
    assert moved.content == tagged.content


def test_the_format_checker_really_checks_date_time() -> None:
    # Without rfc3339-validator, jsonschema accepts any string as a date-time, and every
    # 360Giving date would match both branches of its oneOf and fail.
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    assert not checker.conforms("2026-03-01", "date-time")
    assert checker.conforms("2026-03-01T00:00:00+05:00", "date-time")


def test_the_awards_table_is_what_the_grants_count(
    client: TestClient, world: World, database: Database
) -> None:
    _scenario(client, world)
    with database.session() as session:
        count = session.execute(select(func.count()).select_from(Award)).scalar_one()
    assert len(_all_grants(client, "/api/v1/360giving/grants.json?limit=1")) == count == 3


@pytest.mark.parametrize(
    ("url", "published"),
    [
        ("javascript:alert(1)", None),
        ("file:///srv/minutes.pdf", None),
        ("HTTPS://Fond.uz/Minutes.pdf", "HTTPS://Fond.uz/Minutes.pdf"),
    ],
)
def test_only_http_document_links_are_published_in_ocds(url: str, published: str | None) -> None:
    """A stage's or a report's document link that a release before the http(s) rule accepted
    (a ledger keeps it) is left out of OCDS, as the award page shows it only as text; an
    http(s) link, in any case, is published as recorded."""
    time = datetime(2026, 3, 10, 9, tzinfo=UTC)
    stage = journal.Recorded(
        seq=7,
        time=time,
        kind="competition.commission_decided",
        actor="funder:UZ-STIR-207050449:0123456789ab",
        subject="CMP-2026-00001",
        body={
            "date": "2026-03-10",
            "members": 9,
            "document_url": url,
            "document_sha256": "ab" * 32,
        },
    )
    (document,) = ocds._stage_milestone(stage)["documents"]
    assert document.get("url") == published
    report = rules.Event(8, "award.reported", {"date": "2026-04-01", "document_url": url})
    assert ocds._report(report, None).get("url") == published  # type: ignore[arg-type]


def _untagged_in_their_language(release: dict) -> None:
    """Every text with a variant in the release's ``language`` is untagged in it, and an Uzbek
    text in Cyrillic is tagged ``uz-Cyrl``, never ``uz``."""
    language = release["language"]
    assert language in ocds.TAGS
    # The language is chosen by counting each tag's texts in one pass over the release: the
    # same counts as reading every text with its variants.
    counts = dict.fromkeys(ocds.TAGS, 0)
    ocds._count_variants(release, counts)
    variants_read = Counter(tag for _, _, found in ocds._multilingual(release) for tag in found)
    assert counts == dict.fromkeys(ocds.TAGS, 0) | dict(variants_read)
    for container, field, variants in ocds._multilingual(release):
        if language in variants:
            assert container[field] == variants[language], (field, release["id"])
        for tag, text in variants.items():
            assert ocds._tag("uz" if tag.startswith("uz") else tag, text) == tag


def test_each_release_says_the_language_of_its_untagged_texts(
    client: TestClient, world: World
) -> None:
    """Found by a re-user: no release set ``language``, so their Uzbek and Russian titles and
    names were declared English (the schema's default)."""
    russian = _ok(
        post(
            client,
            "/api/v1/awards",
            award_body(
                None,
                recipient_id=NGO_UZ_2,
                title={"ru": "Школа экологов", "kk": "Экологтар мектебі"},
                purpose={"ru": "Обучение школьников"},
                legal_basis="Contract 13/2026",
            ),
            world.fund,
        )
    )
    cyrillic = _ok(
        post(
            client,
            "/api/v1/awards",
            award_body(
                None,
                funder_id=MINISTRY,
                recipient_id=NGO_UZ_2,
                instrument="social_contract",
                title={"uz": "Ёшлар учун ўқув маркази"},
                purpose={"uz": "Ёшларни касбга ўргатиш"},
                legal_basis="Contract 14/2026",
            ),
            world.ministry,
        )
    )
    _ok(
        post(
            client,
            f"/api/v1/awards/{cyrillic['id']}/events",
            {"type": "reported", "date": "2026-07-01", "summary": {"uz": "Оралиқ ҳисобот"}},
            world.ministry,
        )
    )
    releases = _all_releases(client, "/api/v1/ocds/releases?limit=500")
    for release in releases:
        _untagged_in_their_language(release)

    (published,) = [r for r in releases if r["ocid"] == _ocid(russian["id"])]
    assert published["language"] == "ru"
    assert published["awards"][0]["title"] == "Школа экологов"
    funder = _by_id(published["parties"], PUBLIC_FUND)
    assert funder["name"] == funder["name_ru"] == funder["identifier"]["legalName"]
    assert published["buyer"]["name"] == funder["name_ru"]

    first, reported = [r for r in releases if r["ocid"] == _ocid(cyrillic["id"])]
    award = first["awards"][0]
    assert award["title"] == award["title_uz-Cyrl"] == "Ёшлар учун ўқув маркази"
    assert "title_uz" not in award
    assert first["language"] == reported["language"] == "uz-Cyrl"  # most of their texts
    ministry = _by_id(first["parties"], MINISTRY)  # no Cyrillic name: its Latin one, tagged
    assert (
        ministry["name"]
        == ministry["name_uz"]
        == "Oʻzbekiston Respublikasi Yoshlar ishlari agentligi"
    )
    assert reported["awards"][0]["description"] == "Ёшларни касбга ўргатиш"


def test_a_compiled_release_says_the_language_of_its_own_untagged_texts(demo_client) -> None:
    """language is one member, which the merge took from a process's last release: a
    competition's compiled release said "ru" where its documents' untagged titles, from an
    earlier release, were Kazakh (found by review on the demo: 2 records of 70)."""
    competitions = demo_client.get("/api/v1/competitions", params={"limit": 500}).json()
    assert competitions["items"]
    for competition in competitions["items"]:
        record = demo_client.get(f"/api/v1/ocds/records/{_ocid(competition['id'])}")
        assert record.status_code == 200, record.text
        _untagged_in_their_language(record.json()["records"][0]["compiledRelease"])


def test_the_360giving_csv_is_named_after_its_filters(client: TestClient, world: World) -> None:
    """It was always grants.csv, where every other download says what was asked."""
    _scenario(client, world)
    response = client.get(f"/api/v1/360giving/grants.csv?year=2026&funder={PUBLIC_FUND}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="360giving-grants-2026-{PUBLIC_FUND}.csv"'
    )
    spreadsheet = client.get("/api/v1/360giving/grants.csv?year=2026&bom=true")
    assert spreadsheet.headers["content-disposition"] == (
        'attachment; filename="360giving-grants-spreadsheet-2026.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert {row["Funding Org:Identifier"] for row in rows} == {PUBLIC_FUND}
    assert _csv(client, "/api/v1/360giving/grants.csv?year=2026")


def test_a_corrected_amendment_says_each_change_once(client: TestClient, world: World) -> None:
    """Found by a re-user: "amount: 1300000.00 UZS → 1250000.00 UZS; amount: 1300000.00 UZS →
    1250000.00 UZS": the amendment's amount and the award's, the very same change."""
    award = _ok(
        post(client, "/api/v1/awards", award_body(None, legal_basis="Contract 15/2026"), world.fund)
    )
    path = f"/api/v1/awards/{award['id']}/events"
    amended = _ok(
        post(client, path, {"type": "amended", "amount": "1300000", "reason": "More"}, world.fund)
    )
    seq = amended["events"][-1]["seq"]
    correction = {
        "type": "corrected",
        "corrects": seq,
        "reason": "Typo",
        "changes": {"amount": "1250000"},
    }
    _ok(post(client, path, correction, world.fund))
    releases = _all_releases(client, "/api/v1/ocds/releases?limit=500")
    (last,) = [
        r for r in releases if r["ocid"] == _ocid(award["id"]) and "amendments" in r["contracts"][0]
    ][-1:]
    amendment = last["contracts"][0]["amendments"][-1]
    assert amendment["description"] == (
        f"Corrects ledger entry {seq} (award.amended): amount: 1300000.00 UZS → 1250000.00 UZS"
    )


def test_a_stages_texts_are_in_its_ocds_milestone() -> None:
    """A commission's extract of its minutes and a result's note were left out of OCDS, which
    said only "Members: 9." (found by a Kazakh funder's integrator): they are the milestone's
    description, first, and each language's text as extract_<lang> or note_<lang>."""
    time = datetime(2026, 3, 10, 9, tzinfo=UTC)
    decided = journal.Recorded(
        seq=7,
        time=time,
        kind="competition.commission_decided",
        actor="funder:KZ-BIN-050140000656:0123456789ab",
        subject="CMP-2026-00001",
        body={
            "date": "2026-03-10",
            "members": 9,
            "extract": {"ru": "Комиссия рекомендовала 12 проектов", "kk": "Комиссия 12 жобаны"},
        },
    )
    milestone = ocds._stage_milestone(decided)
    assert milestone["description"] == "Комиссия рекомендовала 12 проектов Members: 9."
    assert milestone["description_kk"] == "Комиссия 12 жобаны Members: 9."
    assert milestone["extract"] == milestone["extract_ru"] == "Комиссия рекомендовала 12 проектов"
    assert milestone["extract_kk"] == "Комиссия 12 жобаны"
    # A release in Kazakh says them in Kazakh, untagged (review: the description stayed in
    # the first language, and Uzbek in Cyrillic was tagged uz, not uz-Cyrl).
    kazakh = ocds.with_language(
        {"tender": {"milestones": [milestone]}, "parties": []}
        | {"tender": {"milestones": [milestone], "title": "Грант", "title_kk": "Грант"}}
    )
    assert kazakh["tender"]["milestones"][0]["description"] == "Комиссия 12 жобаны Members: 9."
    cyrillic = ocds._stage_milestone(
        journal.Recorded(
            **{
                **vars(decided),
                "body": {**decided.body, "extract": {"uz": "Комиссия 12 лойиҳани танлади"}},
            }
        )
    )
    assert cyrillic["extract_uz-Cyrl"] == "Комиссия 12 лойиҳани танлади"
    assert "extract_uz" not in cyrillic
    results = journal.Recorded(
        seq=8,
        time=time,
        kind="competition.final_results",
        actor=decided.actor,
        subject=decided.subject,
        body={"date": "2026-03-12", "winners": 12, "note": {"kk": "Жеңімпаздар тізімі"}},
    )
    milestone = ocds._stage_milestone(results)
    assert milestone["description"] == "Жеңімпаздар тізімі Winners: 12."
    assert milestone["note_kk"] == "Жеңімпаздар тізімі"
