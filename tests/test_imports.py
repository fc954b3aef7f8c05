"""Imports of 360Giving files, on both databases: a registry's own export, imported into an
empty registry, gives back the same awards; importing it again appends nothing; a file with
bad rows writes nothing and names every bad row and field; the CLI says so in its exit code.
"""

import csv
import gc
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import func, select
from typer.testing import CliRunner

from registry import demo
from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.awards.models import Award, AwardEvent
from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.cli import app as cli
from registry.competitions.models import Competition, CompetitionEvent
from registry.core.db import Database
from registry.core.settings import Settings, get_settings
from registry.imports import fields, files, giving360, languages
from registry.imports.ocds import STAGE_CODES
from registry.imports.report import ImportRejected, Problem
from registry.ledger import service as ledger_service
from registry.main import create_app
from registry.organizations import service as organization_service
from registry.organizations.models import Organization
from registry.publication import standards_router

FUNDER = "UZ-STIR-207050449"
RECIPIENT = "UZ-STIR-300712938"
KZ_RECIPIENT = "KZ-BIN-050140000656"
GRANT_OPERATOR = {"id": KZ_RECIPIENT, "name": "Азаматтық бастамаларды қолдау орталығы"}
"""Kazakhstan's Civil Initiatives Support Centre: it gives state grants, never receives one."""


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The app, with the open-data router included if ``create_app`` does not yet do so."""
    application = create_app(settings)
    if not any(
        getattr(route, "path", "") == "/api/v1/360giving/grants.json"
        for route in application.routes
    ):
        application.include_router(standards_router.router, prefix="/api/v1")
    return application


@pytest.fixture
def target(database_url_factory: Callable[[], str]) -> Iterator[Database]:
    """A second, empty registry to import into."""
    database = Database(database_url_factory())
    yield database
    database.dispose()


def _export_json(client: TestClient) -> bytes:
    """Every page of the 360Giving JSON export, as one package, amounts kept exact."""
    grants: list[Any] = []
    url: str | None = "/api/v1/360giving/grants.json?limit=25"
    pages = 0
    package: dict[str, Any] = {}
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.text
        package = json.loads(response.content, parse_float=Decimal)
        grants.extend(package["grants"])
        url = package["next"]
        pages += 1
    assert pages > 1  # the pagination was followed
    return standards_router.exact_json({**package, "grants": grants, "next": None})


def _awards(database: Database) -> list[Award]:
    with database.session() as session:
        return list(session.execute(select(Award).order_by(Award.id)).scalars())


def _size(database: Database) -> int:
    with database.session() as session:
        return ledger_service.size(session)


def _import(database: Database, content: bytes, file_format: str = "json") -> files.Summary:
    thresholds = gc.get_threshold()
    try:
        return files.import_file(
            database,
            content,
            standard=files.Standard.GIVING360,
            file_format=files.FileFormat(file_format),
        )
    finally:
        # The garbage collector's settings (registry.imports.collector) are restored however
        # the import ends, refused files included.
        assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, 0)


GRANT_PREFIX = "360G-uzkz-registry-"
GRANT_AWARD_STATE = (
    "funder_id",
    "recipient_id",
    "recipient_name",
    "instrument",
    "title",
    "purpose",
    "currency",
    "amount_minor",
    "award_date",
    "period_start",
    "period_end",
    "region",
    "legal_basis",
    "award_before_close",
    "status",
    "completed_on",
    "terminated_on",
)
"""What a 360Giving grant carries of an award, in both JSON and CSV. A grant is the award
as it now stands, so neither carries its history: an imported award starts from its current
amount (``original_amount_minor``) and has no reports (``last_report_on``); its ids and
ledger positions are the new registry's own. ``termination_reason`` is carried, but the
import appends its source mark to it (an event has no source id of its own to be found
again by), so it is compared as a prefix."""
GRANT_JSON_ONLY = ("themes", "disbursed_minor")
"""The JSON's ``classifications`` and ``disbursementTransaction`` lists, which the flattened
CSV has no columns for."""
PROGRAMME_STATE = (
    "funder_id",
    "instrument",
    "year",
    "round_number",
    "title",
    "description",
    "eligibility",
    "themes",
    "currency",
    "budget_minor",
    "opens_at",
    "closes_at",
    "region",
    "legal_basis",
    "award_count",
)
"""What a grant's ``grantProgramme`` carries of its competition: the competition as it now
stands. Its history (amendments, cancellation, results) is not in 360Giving, nor is a
competition no award was made from."""
ORGANIZATION_STATE = (
    "kind",
    "name_uz",
    "name_ru",
    "name_kk",
    "name_en",
    "legal_form",
    "country",
    "region",
)


def _organizations(database: Database) -> dict[str, Organization]:
    with database.session() as session:
        return {o.org_id: o for o in session.execute(select(Organization)).scalars()}


def _demo_with_every_field(database: Database) -> None:
    """The demo's 60 awards, and one more made before its competition closed (which the
    demo has none of), with its reason; then a check that every field a grant carries is
    somewhere set, so that the comparison below cannot pass on empty fields."""
    demo.load(database, awards=60)
    with database.session(write=True) as session:
        competition = next(
            c
            for c in session.execute(select(Competition).order_by(Competition.id)).scalars()
            if c.state == "published"
        )
        recipient = session.execute(
            select(Organization.org_id).where(Organization.kind == "ngo").limit(1)
        ).scalar_one()
        day = competition.closes_at.date() - timedelta(days=1)
        data = AwardCreate.model_validate(
            {
                "funder_id": competition.funder_id,
                "recipient_id": recipient,
                "competition_id": competition.id,
                "instrument": competition.instrument,
                "title": {"uz": "Erta gʻolib", "en": "An early winner"},
                "purpose": {"ru": "Решение принято досрочно"},
                "amount": "1000",
                "currency": competition.currency,
                "award_date": day.isoformat(),
                "period": {"start": day.isoformat(), "end": (day + timedelta(days=90)).isoformat()},
                "award_before_close": "The only applicant; the board decided early",
            }
        )
        principal = Principal(Role.FUNDER, "test", competition.funder_id)
        award_service.publish(session, principal=principal, data=data)
    awards = _awards(database)
    for name in ("award_before_close", "competition_id", "legal_basis", "purpose", "region"):
        assert any(getattr(a, name) for a in awards), name
    assert any(len(a.title) > 1 for a in awards)
    assert any(a.themes for a in awards)
    assert any(a.disbursed_minor for a in awards)
    assert {a.status for a in awards} == {"active", "completed", "terminated"}


def _assert_same_registry(original: Database, imported: Database, *, full: bool) -> None:
    """Every field a grant carries, of every award, its competition and its organizations,
    compared between the two registries; awards by the grant id the import kept as their
    source id (``360G-<prefix>-<award id>``), competitions by the programme code."""
    before_awards = {award.id: award for award in _awards(original)}
    before_competitions = {c.id: c for c in _competitions(original)}
    named = {a.funder_id for a in before_awards.values()}
    named |= {a.recipient_id for a in before_awards.values()}
    programmes = {a.competition_id for a in before_awards.values() if a.competition_id}
    competitions = {c.id: c for c in _competitions(imported)}
    awards = _awards(imported)
    assert len(awards) == len(before_awards)
    for award in awards:
        assert award.source_id is not None
        before = before_awards.pop(award.source_id.removeprefix(GRANT_PREFIX))
        for name in GRANT_AWARD_STATE + (GRANT_JSON_ONLY if full else ()):
            assert getattr(award, name) == getattr(before, name), (before.id, name)
        if before.termination_reason is not None:
            assert str(award.termination_reason).startswith(before.termination_reason + " [")
        linked = competitions[award.competition_id] if award.competition_id else None
        assert (linked.source_id if linked else None) == before.competition_id
        assert award.original_amount_minor == award.amount_minor
    assert before_awards == {}
    assert {c.source_id for c in competitions.values()} == programmes
    for competition in competitions.values():
        before = before_competitions[str(competition.source_id)]
        for name in PROGRAMME_STATE:
            assert getattr(competition, name) == getattr(before, name), (before.id, name)
    organizations = _organizations(imported)
    originals = _organizations(original)
    assert set(organizations) == named
    for org_id, organization in organizations.items():
        for name in ORGANIZATION_STATE:
            assert getattr(organization, name) == getattr(originals[org_id], name), (org_id, name)


def test_360giving_export_imports_into_an_empty_registry_once(
    client: TestClient, database: Database, target: Database
) -> None:
    _demo_with_every_field(database)
    original = _awards(database)
    content = _export_json(client)

    summary = _import(target, content)

    competitions = {a.competition_id for a in original if a.competition_id}
    assert (summary.rows, summary.created, summary.skipped) == (61 + len(competitions), 61, 0)
    assert summary.competitions == len(competitions)
    assert summary.events > 0  # disbursements
    _assert_same_registry(database, target, full=True)
    size = _size(target)
    assert summary.ledger_size == size
    tag = files.digest(content)[:8]
    with target.session() as session:
        award = _awards(target)[0]
        actors = {event.actor for event in award_service.events(session, award.id)}
        assert actors == {f"funder:{award.funder_id}:import-{tag}"}

    again = _import(target, content)

    assert (again.created, again.skipped, again.events, again.competitions) == (0, 61, 0, 0)
    assert again.competitions_skipped == len(competitions)
    assert again.events_skipped == summary.events
    assert again.differences == []
    assert _size(target) == size


def test_360giving_csv_export_imports_into_an_empty_registry_once(
    client: TestClient, database: Database, target: Database
) -> None:
    """The flattened CSV carries what the JSON does (extension columns included), except
    the grants' themes and disbursement transactions (``GRANT_JSON_ONLY``)."""
    _demo_with_every_field(database)
    response = client.get("/api/v1/360giving/grants.csv")
    assert response.status_code == 200, response.text

    summary = _import(target, response.content, "csv")

    ended = sum(1 for award in _awards(database) if award.status != "active")
    assert (summary.created, summary.events) == (61, ended)  # completions and terminations
    _assert_same_registry(database, target, full=False)
    size = _size(target)
    again = _import(target, response.content, "csv")
    assert (again.created, again.skipped, again.competitions, again.events) == (0, 61, 0, 0)
    assert again.differences == []
    assert _size(target) == size


def _grant(number: int, **changes: Any) -> dict[str, Any]:
    grant: dict[str, Any] = {
        "id": f"360G-test-{number}",
        "title": f"Mahalla kutubxonasi {number}",
        "description": "Kitobxonlikni qoʻllab-quvvatlash",
        "currency": "UZS",
        "amountAwarded": Decimal("125000000.50"),
        "awardDate": "2026-03-02",
        "plannedDates": [{"startDate": "2026-03-10", "endDate": "2026-12-31"}],
        "recipientOrganization": [{"id": RECIPIENT, "name": "«Ilm ziyosi» NNT"}],
        "fundingOrganization": [{"id": FUNDER, "name": "Jamoat fondi"}],
        "beneficiaryLocation": [{"countryCode": "UZ", "geoCode": "UZ-TK"}],
    }
    grant.update(changes)
    return grant


def _package(*grants: dict[str, Any]) -> bytes:
    return standards_router.exact_json({"version": "1.4", "grants": list(grants)})


def test_bad_rows_are_all_reported_and_nothing_is_written(target: Database) -> None:
    long_title = "x" * 5000
    content = _package(
        _grant(1),
        _grant(2, amountAwarded="12,500,000"),
        _grant(3, currency="XYZ"),
        _grant(4, awardDate="2026-02-30"),
        # What a publisher that sums floats writes: a JSON number, but not an amount.
        _grant(5, amountAwarded=Decimal("0.30000000000000004")),
        _grant(6, title=long_title),
        _grant(7, recipientOrganization=[{"id": "UZ-STIR-12345", "name": "Short"}]),
        _grant(8, plannedDates=[{"startDate": "2026-03-10", "endDate": "2026-01-01"}]),
        _grant(1),
        _grant(9, awardStatus="paused", actualDates=[{"endDate": "2026-10-01"}]),
        _grant(
            10,
            grantProgramme=[
                {
                    "code": "P-1",
                    "budget": "12,000",
                    "currency": "UZS",
                    "year": 2026,
                    "applicationsOpen": "2026-01-01T09:00:00+05:00",
                    "applicationsClose": "2026-02-01T18:00:00",  # no offset
                }
            ],
        ),
    )

    with pytest.raises(ImportRejected) as caught:
        _import(target, content)

    found = {(problem.row, problem.field): problem.message for problem in caught.value.problems}
    assert set(found) == {
        ("grants[1] (360G-test-2)", "amountAwarded"),
        ("grants[2] (360G-test-3)", "currency"),
        ("grants[3] (360G-test-4)", "awardDate"),
        ("grants[4] (360G-test-5)", "amountAwarded"),
        ("grants[5] (360G-test-6)", "title"),
        ("grants[6] (360G-test-7)", "recipientOrganization[0].id"),
        ("grants[7] (360G-test-8)", "plannedDates[0].endDate"),
        ("grants[8] (360G-test-1)", "id"),
        ("grants[9] (360G-test-9)", "awardStatus"),
        ("grants[10] (360G-test-10)", "grantProgramme[0].budget"),
        ("grants[10] (360G-test-10)", "grantProgramme[0].applicationsClose"),
    }
    assert "thousands separator" in found[("grants[1] (360G-test-2)", "amountAwarded")]
    assert "'XYZ'" in found[("grants[2] (360G-test-3)", "currency")]
    assert "decimal place" in found[("grants[4] (360G-test-5)", "amountAwarded")]
    assert found[("grants[5] (360G-test-6)", "title")] == (
        "is 5,000 characters long; at most 4,000 are taken"
    )
    assert "grants[0]" in found[("grants[8] (360G-test-1)", "id")]
    assert (
        "'paused' is not one of completed, terminated"
        in found[("grants[9] (360G-test-9)", "awardStatus")]
    )
    assert (
        "with its offset"
        in found[("grants[10] (360G-test-10)", "grantProgramme[0].applicationsClose")]
    )
    assert str(caught.value) == "10 of 11 row(s) refused; nothing was written"
    assert _size(target) == 0
    with target.session() as session:
        assert organization_service.find(session, RECIPIENT) is None


CSV_HEADER = [
    "Identifier",
    "Title",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Planned Dates:Start Date",
    "Planned Dates:Duration (months)",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
]
"""The columns of a 360Giving CSV file that a grant needs."""


def _csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_csv_rows_are_reported_by_line_and_column(target: Database) -> None:
    header = [*CSV_HEADER, "Beneficiary Location:Geographic Code"]
    good = ["360G-a", "Bolalar uchun", "UZS", "1000.00", "2026-01-15", "2026-02-01", "3"]
    orgs = [RECIPIENT, "Ilm ziyosi", FUNDER, "Jamoat fondi"]
    rows = [
        [*good, *orgs, "UZ-TK"],
        ["360G-b", "Bolalar", "UZS", "1e6", "2026-01-15", "2026-02-01", "3", *orgs, "UZ-XX"],
        ["360G-c", "Bolalar", "UZS", "1000", "15.01.2026", "2026-02-01", "two", *orgs, ""],
    ]

    with pytest.raises(ImportRejected) as caught:
        _import(target, _csv_text([header, *rows]), "csv")

    assert [str(problem) for problem in caught.value.problems] == [
        "line 3 (360G-b): Amount Awarded: '1e6' uses an exponent; write the amount out in full",
        (
            "line 3 (360G-b): Beneficiary Location:Geographic Code: 'UZ-XX' is not a current "
            "ISO 3166-2 subdivision code (expected e.g. UZ-TK for Tashkent city, KZ-75 for "
            "Almaty city)"
        ),
        (
            "line 4 (360G-c): Award Date: '15.01.2026' is not a date (YYYY-MM-DD) or an "
            "RFC 3339 date-time"
        ),
        "line 4 (360G-c): Planned Dates:Duration (months): 'two' is not a whole number of months",
    ]
    assert _size(target) == 0

    summary = _import(target, _csv_text([header, rows[0]]), "csv")
    with target.session() as session:
        award = award_service.find_by_source(session, FUNDER, "360G-a")
        assert award is not None
        assert (award.period_start, award.period_end) == (date(2026, 2, 1), date(2026, 4, 30))
        assert award.amount_minor == 100_000
        assert award.region == "UZ-TK"
    assert summary.organizations == 2


def test_imports_still_tidy_what_the_api_takes_exactly(target: Database) -> None:
    """The API refuses an amount or a currency with a space around it, as its schema says;
    an import reads other people's files, and still reads them as the amount they mean."""
    spaced = _grant(1, amountAwarded=" 1000.50 ", currency=" UZS\t")
    _import(target, _package(spaced))
    with target.session() as session:
        award = award_service.find_by_source(session, FUNDER, "360G-test-1")
        assert award is not None
        assert (award.amount_minor, award.currency) == (100_050, "UZS")
    row = ["360G-d", "Kutubxona", "UZS ", "\t2000 ", "2026-01-15", "2026-02-01", "3"]
    orgs = [RECIPIENT, "Ilm ziyosi", FUNDER, "Jamoat fondi"]
    _import(target, _csv_text([CSV_HEADER, [*row, *orgs]]), "csv")
    with target.session() as session:
        award = award_service.find_by_source(session, FUNDER, "360G-d")
        assert award is not None
        assert award.amount_minor == 200_000


def test_an_already_imported_grant_that_changed_is_reported_not_written(
    target: Database,
) -> None:
    _import(target, _package(_grant(1)))
    size = _size(target)

    summary = _import(target, _package(_grant(1, amountAwarded=Decimal("130000000.00"))))

    assert (summary.created, summary.skipped) == (0, 1)
    assert summary.differences == [
        Problem(
            "grants[0] (360G-test-1)",
            "amountAwarded",
            "the registry has 125000000.50, the file 130000000.00; left as it is",
        )
    ]
    assert _size(target) == size


def test_unreadable_files_are_refused_whole(target: Database) -> None:
    for content, message in (
        (b"{not json", "not JSON"),
        (b'{"grants": {}}', "a 360Giving package is a JSON object with a grants array"),
        (b'{"grants": [{"id": "x", "amountAwarded": NaN}]}', "not JSON: NaN"),
    ):
        with pytest.raises(ImportRejected) as caught:
            _import(target, content)
        assert message in str(caught.value.problems[0])
        assert caught.value.rows == 0
    with pytest.raises(ImportRejected, match="could not be read") as missing:
        _import(target, b"Identifier,Title\n360G-a,x\n", "csv")
    assert "Amount Awarded" in missing.value.problems[0].message


def test_cli_imports_once_and_exits_1_on_bad_rows(
    database: Database, settings: Settings, tmp_path: Path
) -> None:
    env = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "REGISTRY_LOG_ORIGIN": settings.log_origin,
    }
    good = tmp_path / "grants.json"
    good.write_bytes(
        _package(
            _grant(1),
            _grant(2, recipientOrganization=[{"id": KZ_RECIPIENT, "name": "Жастар орталығы"}]),
        )
    )
    bad = tmp_path / "bad.json"
    bad.write_bytes(_package(_grant(3), _grant(4, currency="ABC")))

    def run(*args: str):
        get_settings.cache_clear()  # the CLI reads its settings from ``env``
        try:
            return CliRunner().invoke(cli, ["import", "360giving", *args], env=env)
        finally:
            get_settings.cache_clear()

    first = run(str(good))
    assert first.exit_code == 0, first.output
    assert "2 award(s) created, 0 already present" in first.stdout
    size = _size(database)
    with database.session() as session:
        checkpoint = ledger_service.latest_checkpoint(session)
        assert checkpoint is not None
        assert checkpoint.tree_size == size
        kazakh = organization_service.get(session, KZ_RECIPIENT)
        assert kazakh.name_kk == "Жастар орталығы"

    again = run(str(good))
    assert again.exit_code == 0, again.output
    assert "0 award(s) created, 2 already present" in again.stdout
    assert _size(database) == size

    refused = run(str(bad))
    assert refused.exit_code == 1
    assert refused.stdout.splitlines() == [
        (
            "grants[1] (360G-test-4): currency: 'ABC' is not an ISO 4217 currency code the "
            "registry accepts (e.g. UZS, KZT, USD, EUR)"
        )
    ]
    assert "1 of 2 row(s) refused; nothing was written" in refused.stderr
    assert _size(database) == size

    missing = run(str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 2


def test_language_of_a_plain_text() -> None:
    cases = {
        "Namangan viloyati «Inklyuziv taʼlim» xayriya jamoat fondi": "uz",
        "Toshkent shahrida davlat xizmatlari sifatini jamoatchilik monitoringi": "uz",
        "Inclusive Education Charitable Foundation, Namangan Region": "en",
        "Поддержка молодёжных инициатив": "ru",
        "ауылдарда ауыз сумен қамтамасыз етуді қоғамдық бақылау": "kk",
        "Ёшлар ташаббусларини қўллаб-қувватлаш": "uz",
    }
    for text, language in cases.items():
        assert languages.guess(text, country="UZ") == language, text
    assert languages.guess("Almaty Eco Camp", country="KZ") == "en"
    assert languages.guess("Almaty Eco Camp", country="UZ") == "uz"


def test_dates_and_durations() -> None:
    assert fields.parse_day("2026-03-01") == date(2026, 3, 1)
    assert fields.parse_day("2026-03-01T23:30:00+05:00") == date(2026, 3, 1)
    assert fields.parse_day("2026-03-01T00:00:00Z") == date(2026, 3, 1)
    rows = giving360.read_json(
        _package(_grant(1, plannedDates=[{"startDate": "2026-01-31", "duration": 1}]))
    )
    award = rows[0].award  # type: ignore[union-attr]
    assert award["period"] == {"start": date(2026, 1, 31), "end": date(2026, 2, 27)}
    assert award["purpose"] == {"uz": "Kitobxonlikni qoʻllab-quvvatlash"}
    assert award["amount"] == "125000000.50"


# --- OCDS ------------------------------------------------------------------------------------


def _export_releases(client: TestClient) -> bytes:
    """Every page of the OCDS release feed, as one release package, amounts kept exact."""
    releases: list[Any] = []
    url: str | None = "/api/v1/ocds/releases?limit=100"
    package: dict[str, Any] = {}
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.text
        package = json.loads(response.content, parse_float=Decimal)
        releases.extend(package["releases"])
        url = package["links"]["next"]
    return standards_router.exact_json({**package, "releases": releases, "links": {"next": None}})


def _import_ocds(database: Database, content: bytes) -> files.Summary:
    return files.import_file(
        database, content, standard=files.Standard.OCDS, file_format=files.FileFormat.JSON
    )


def _competitions(database: Database) -> list[Competition]:
    with database.session() as session:
        return list(session.execute(select(Competition).order_by(Competition.id)).scalars())


AWARD_STATE = (
    "funder_id",
    "recipient_id",
    "instrument",
    "title",
    "purpose",
    "currency",
    "amount_minor",
    "original_amount_minor",
    "disbursed_minor",
    "award_date",
    "period_start",
    "period_end",
    "legal_basis",
    "status",
    "last_report_on",
    "completed_on",
    "terminated_on",
    "region",
    "recipient_name",
    "themes",
    "award_before_close",
)
COMPETITION_STATE = (
    "funder_id",
    "instrument",
    "title",
    "description",
    "eligibility",
    "currency",
    "budget_minor",
    "opens_at",
    "closes_at",
    "legal_basis",
    "state",
    "cancel_reason",
    "committed_minor",
    "award_count",
    "year",
    "round_number",
    "themes",
    "region",
    "results",
)


def _later_events(database: Database) -> int:
    """The events after publication that the import makes again: an award's tranches,
    reports, amendments, corrections…, a competition's amendments, cancellation and results
    (not its stages, which the release feed carries as milestones the import leaves out)."""
    with database.session() as session:
        awards = session.execute(
            select(func.count()).select_from(AwardEvent).where(AwardEvent.kind != "award.published")
        ).scalar_one()
        competitions = session.execute(
            select(func.count())
            .select_from(CompetitionEvent)
            .where(
                CompetitionEvent.kind.not_in(
                    ["competition.published", *(f"competition.{c}" for c in STAGE_CODES)]
                )
            )
        ).scalar_one()
    return int(awards) + int(competitions)


def test_ocds_feed_imports_into_an_empty_registry_once(
    client: TestClient, database: Database, target: Database, database_url_factory
) -> None:
    """Every field of every award, competition and organization, and every award's history
    (kinds, voids, and which event each correction corrects) round-trips through the release
    feed. Not compared: ids, ledger seqs and times (the new registry's own), and an award's
    ``termination_reason``, to which the import appends its source mark (an event has no
    source id of its own to be found again by)."""
    _demo_with_every_field(database)
    corrections = _corrections_of_every_kind(database)
    content = _export_releases(client)
    original_competitions = {c.id: c for c in _competitions(database)}
    original_awards = {a.id: a for a in _awards(database)}

    summary = _import_ocds(target, content)

    assert (summary.created, summary.competitions) == (61, len(original_competitions))
    # Every later event of the demo (tranches, reports, amendments…) and the corrections.
    assert corrections
    assert summary.events == _later_events(database)
    competitions = _competitions(target)
    by_source = {}
    for competition in competitions:
        assert competition.source_id is not None
        before = original_competitions.pop(competition.source_id.removeprefix("ocds-uzkz01-"))
        by_source[competition.id] = before.id
        for name in COMPETITION_STATE:
            assert getattr(competition, name) == getattr(before, name), (before.id, name)
    assert original_competitions == {}
    for award in _awards(target):
        assert award.source_id is not None
        ocid, _, award_id = award.source_id.partition("/")
        before = original_awards.pop(award_id)
        for name in AWARD_STATE:
            assert getattr(award, name) == getattr(before, name), (before.id, name)
        assert by_source.get(award.competition_id) == before.competition_id
        assert ocid == f"ocds-uzkz01-{before.competition_id or before.id}"
        assert _history(target, award.id) == _history(database, before.id), before.id
    assert original_awards == {}
    organizations = _organizations(target)
    originals = _organizations(database)
    named = {c.funder_id for c in _competitions(database)}
    for award in _awards(database):
        named |= {award.funder_id, award.recipient_id}
    assert set(organizations) == named
    for org_id, organization in organizations.items():
        for name in ORGANIZATION_STATE:
            assert getattr(organization, name) == getattr(originals[org_id], name), (org_id, name)
    size = _size(target)

    again = _import_ocds(target, content)

    assert (again.created, again.competitions, again.events) == (0, 0, 0)
    assert again.events_skipped == summary.events
    assert again.differences == []
    assert _size(target) == size

    # One process as a record package, into a third registry: the same competition.
    ocid = "ocds-uzkz01-" + next(iter(by_source.values()))
    record = client.get(f"/api/v1/ocds/records/{ocid}")
    assert record.status_code == 200, record.text
    third = Database(database_url_factory())
    try:
        from_record = _import_ocds(third, record.content)
        assert from_record.competitions == 1
        (competition,) = _competitions(third)
        assert competition.source_id == ocid
        assert competition.award_count == next(
            c.award_count for c in _competitions(target) if c.source_id == ocid
        )
    finally:
        third.dispose()


def _corrections_of_every_kind(database: Database) -> int:
    """Corrections the demo has none of, each on a different award: of a publication (its
    title), of a report (its summary), of a completion (its note), and a report voided.
    Returns how many were written."""
    wanted = {
        "award.published": {"title": {"uz": "Tuzatilgan nom", "en": "A corrected title"}},
        "award.reported": {"summary": {"en": "The summary, corrected"}},
        "award.completed": {"note": "Completed; the date was confirmed by the bank"},
        "void:award.reported": None,
    }
    written = 0
    with database.session(write=True) as session:
        awards = session.execute(select(Award).order_by(Award.id)).scalars().all()
        used: set[str] = set()
        for kind, changes in wanted.items():
            target_kind = kind.removeprefix("void:")
            award, event = next(
                (award, event)
                for award in awards
                if award.id not in used
                for event in award_service.events(session, award.id)
                if event.kind == target_kind
                and event.corrected_by is None
                and not any(
                    e.kind == "award.corrected" for e in award_service.events(session, award.id)
                )
            )
            used.add(award.id)
            body: dict[str, Any] = {"type": "corrected", "corrects": event.seq, "reason": "Review"}
            body.update({"void": True} if changes is None else {"changes": changes})
            award_service.add_event(
                session,
                principal=Principal(Role.FUNDER, "test", award.funder_id),
                award_id=award.id,
                event=TypeAdapter(AwardEventCreate).validate_python(body),
            )
            written += 1
    return written


def _history(database: Database, award_id: str) -> list[tuple[Any, ...]]:
    """An award's events as kinds and what each correction corrects (by its position in the
    history, since seqs differ between registries), with which are voided or corrected."""
    with database.session() as session:
        events = award_service.events(session, award_id)
    position = {event.seq: index for index, event in enumerate(events)}
    return [
        (
            event.kind,
            position.get(event.body.get("corrects", -1)),
            event.voided,
            position.get(event.corrected_by) if event.corrected_by is not None else None,
        )
        for event in events
    ]


def test_ocds_windows_given_in_utc_import_in_the_competitions_zone(
    client: TestClient, database: Database, target: Database
) -> None:
    """Another publisher's feed gives a window's bounds in UTC; a window must carry the
    offsets of the zone its competition's deadlines are counted in, so the import states the
    same instants in that zone rather than refuse every competition."""
    demo.load(database, awards=20)
    package = json.loads(_export_releases(client), parse_float=Decimal)
    # And a blank rationale, as feeds have: no legal basis, not a refused file.
    next(r for r in package["releases"] if r.get("tender"))["planning"] = {"rationale": "  "}
    for release in package["releases"]:
        period = (release.get("tender") or {}).get("tenderPeriod") or {}
        for key in ("startDate", "endDate"):
            if period.get(key):
                moment = datetime.fromisoformat(period[key]).astimezone(UTC)
                period[key] = moment.isoformat().replace("+00:00", "Z")
    summary = _import_ocds(target, standards_router.exact_json(package))
    originals = {c.id: c for c in _competitions(database)}
    assert summary.competitions == len(originals)
    for competition in _competitions(target):
        assert competition.source_id is not None
        before = originals[competition.source_id.removeprefix("ocds-uzkz01-")]
        assert (competition.opens_at, competition.closes_at) == (before.opens_at, before.closes_at)


def _release(seq: int, **changes: Any) -> dict[str, Any]:
    release: dict[str, Any] = {
        "ocid": "ocds-test-AWD-1",
        "id": f"ocds-test-AWD-1-{seq}",
        "date": f"2026-03-0{seq}T10:00:00Z",
        "tag": ["award", "contract"],
        "initiationType": "tender",
        "buyer": {"id": FUNDER, "name": "Jamoat fondi"},
        "tender": {
            "id": "AWD-1",
            "status": "complete",
            "procurementMethod": "direct",
            "procurementMethodDetails": "Direct subsidy",
            "procurementMethodRationale": "Decision No. 1 of 01.03.2026",
        },
        "awards": [
            {
                "id": "AWD-1",
                "title": "Mahalla kutubxonasi",
                "date": "2026-03-02T00:00:00+05:00",
                "value": {"amount": Decimal("5000000.00"), "currency": "UZS"},
                "suppliers": [{"id": RECIPIENT, "name": "«Ilm ziyosi» NNT"}],
            }
        ],
        "contracts": [
            {
                "id": "AWD-1",
                "awardID": "AWD-1",
                "value": {"amount": Decimal("5000000.00"), "currency": "UZS"},
                "period": {
                    "startDate": "2026-03-10T00:00:00+05:00",
                    "endDate": "2026-12-31T23:59:59+05:00",
                },
            }
        ],
    }
    release.update(changes)
    return release


def test_ocds_bad_releases_write_nothing(
    target: Database, settings: Settings, tmp_path: Path
) -> None:
    bad_amount = _release(1)
    bad_amount["contracts"][0]["value"]["amount"] = Decimal("5000000.001")
    orphan = _release(
        2, ocid="ocds-test-CMP-9", id="ocds-test-CMP-9-2", tender=None
    )  # an award of a competition this registry has never seen
    tranche = _release(3, tag=["implementation"])
    tranche["ocid"], tranche["id"] = "ocds-test-AWD-2", "ocds-test-AWD-2-3"
    tranche["contracts"][0]["implementation"] = {
        "transactions": [
            {"id": "t1", "date": "2026-02-01", "value": {"amount": Decimal(1), "currency": "UZS"}}
        ]
    }
    package = {"version": "1.1", "releases": [bad_amount, orphan, tranche]}
    path = tmp_path / "releases.json"
    path.write_bytes(standards_router.exact_json(package))

    with pytest.raises(ImportRejected) as caught:
        _import_ocds(target, path.read_bytes())

    assert [(p.row, p.field) for p in caught.value.problems] == [
        ("releases[0] (ocds-test-AWD-1-1)", "contracts[0].value.amount"),
        ("releases[1] (ocds-test-CMP-9-2)", "ocid"),
        ("releases[2] (ocds-test-AWD-2-3)", "contracts[0].implementation.transactions[0].date"),
    ]
    assert "decimal place" in caught.value.problems[0].message
    assert "ocds-test-CMP-9 is not in the registry" in caught.value.problems[1].message
    assert "precede the award date" in caught.value.problems[2].message
    assert _size(target) == 0

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli,
            ["import", "ocds", str(path)],
            env={
                "REGISTRY_DATABASE_URL": target.url,
                "REGISTRY_SIGNING_KEY_FILE": str(settings.signing_key_file),
            },
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert "3 of 3 row(s) refused" in result.stderr
    assert _size(target) == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///srv/hisobot.pdf", "hisobot.pdf"])
def test_an_ocds_report_links_its_document_over_http_only(target: Database, url: str) -> None:
    """A progress report's document ``url`` is held to the API's rule for ``document_url``:
    anything but an absolute http(s) URL refuses the release, naming the document's url in
    the file, and nothing is written; an https link is imported as given."""
    published = _release(1)
    reported = _release(2, tag=["implementation"])
    document = {
        "id": "r1",
        "documentType": "physicalProgressReport",
        "title": "Oraliq hisobot",
        "datePublished": "2026-04-01T10:00:00+05:00",
        "url": url,
    }
    reported["contracts"][0]["implementation"] = {"documents": [document]}

    with pytest.raises(ImportRejected) as caught:
        _import_ocds(target, standards_router.exact_json({"releases": [published, reported]}))

    (problem,) = caught.value.problems
    assert (problem.row, problem.field) == (
        "releases[1] (ocds-test-AWD-1-2)",
        "contracts[0].implementation.documents[0].url",
    )
    assert problem.message.startswith("must be an absolute http or https URL")
    assert _size(target) == 0
    document["url"] = "https://fond.uz/hisobot.pdf"
    _import_ocds(target, standards_router.exact_json({"releases": [published, reported]}))
    with target.session() as session:
        events = session.execute(select(AwardEvent.kind, AwardEvent.body)).all()
    assert [body.get("document_url") for kind, body in events if kind == "award.reported"] == [
        "https://fond.uz/hisobot.pdf"
    ]


def test_a_grant_to_a_state_body_is_a_refused_row(target: Database) -> None:
    """The registry records state support for civil society: a grant whose recipient the
    file gives as a state body (or a public fund, or a grant operator) is refused as a bad
    row is, naming the recipient's id, and nothing is written."""
    akimat = {"id": "UZ-STIR-201122919", "name": "Tuman hokimligi", "organisationType": ""}
    content = _package(
        _grant(1),
        _grant(2, recipientOrganization=[akimat | {"organisationType": "state_body"}]),
        _grant(3, recipientOrganization=[akimat | {"organisationType": "public_fund"}]),
        _grant(4, recipientOrganization=[GRANT_OPERATOR | {"organisationType": "grant_operator"}]),
    )

    with pytest.raises(ImportRejected) as caught:
        _import(target, content)

    assert [(p.row, p.field) for p in caught.value.problems] == [
        ("grants[1] (360G-test-2)", "recipientOrganization[0].id"),
        ("grants[2] (360G-test-3)", "recipientOrganization[0].id"),
        ("grants[3] (360G-test-4)", "recipientOrganization[0].id"),
    ]
    assert "civil society" in caught.value.problems[0].message
    assert f"{KZ_RECIPIENT} is a grant operator" in caught.value.problems[2].message
    assert _size(target) == 0


@pytest.mark.parametrize("kind", ["state_body", "public_fund", "grant_operator"])
def test_an_ocds_award_to_a_giver_of_state_support_is_a_refused_release(
    target: Database, kind: str
) -> None:
    """As a 360Giving grant is: an award whose supplier the release's parties give as a
    state body, a public fund or a grant operator (``details.kind``) refuses the release,
    naming the supplier's id, and nothing is written."""
    party = {"id": RECIPIENT, "roles": ["supplier"], "details": {"kind": kind}}
    release = _release(1, parties=[party])

    with pytest.raises(ImportRejected) as caught:
        _import_ocds(target, standards_router.exact_json({"releases": [release]}))

    (problem,) = caught.value.problems
    assert (problem.row, problem.field) == (
        "releases[0] (ocds-test-AWD-1-1)",
        "awards[0].suppliers[0].id",
    )
    assert problem.message.startswith(f"{RECIPIENT} is a {kind.replace('_', ' ')} (kind {kind})")
    assert "civil society" in problem.message
    assert _size(target) == 0


def test_refusals_only_the_services_see_are_all_reported(target: Database) -> None:
    """Every row reads cleanly, so the fast pass writes until the API's own schema refuses
    one; then every row is tried again in a savepoint of its own, and all are reported."""
    too_long = "x" * 5000
    content = _package(
        _grant(1),
        _grant(2, title=too_long),
        _grant(3, recipientOrganization=[{"id": KZ_RECIPIENT, "name": "Жастар орталығы"}]),
        _grant(4, description=too_long),
    )

    with pytest.raises(ImportRejected) as caught:
        _import(target, content)

    assert [(p.row, p.field) for p in caught.value.problems] == [
        ("grants[1] (360G-test-2)", "title"),
        ("grants[3] (360G-test-4)", "description"),
    ]
    assert _size(target) == 0
