"""The demo data set: written through the services, every rule kept, the ledger verifiable, the
same seed giving the same data, and ``registry demo load --if-empty`` loading only once."""

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from registry import auditor, demo
from registry.auth import service as auth_service
from registry.auth.principal import Role
from registry.awards.models import Award, AwardEvent
from registry.cli import app as cli
from registry.competitions import service as competition_service
from registry.competitions.models import Competition, CompetitionEvent
from registry.competitions.schemas import CompetitionStatus
from registry.core.db import Database
from registry.core.errors import Conflict
from registry.core.settings import Settings, get_settings
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.organizations.models import Organization
from registry.reference.identifiers import parse_org_id

SMALL = 120


def _signer(settings: Settings) -> NoteSigner:
    return NoteSigner(
        name=settings.log_origin, private_key=load_or_create_signing_key(settings.signing_key_file)
    )


def _size(database: Database) -> int:
    with database.session() as session:
        return ledger_service.size(session)


def test_a_small_demo_keeps_every_rule_and_verifies(database: Database, settings: Settings) -> None:
    assert demo.is_empty(database)
    signer = _signer(settings)

    result = demo.load(database, awards=SMALL, signer=signer)

    assert not demo.is_empty(database)
    with database.session() as session:
        organizations = session.execute(select(Organization)).scalars().all()
        competitions = session.execute(select(Competition)).scalars().all()
        awards = session.execute(select(Award)).scalars().all()
        event_kinds = Counter(session.execute(select(AwardEvent.kind)).scalars())
        voided = session.execute(
            select(func.count()).select_from(AwardEvent).where(AwardEvent.voided)
        ).scalar_one()
        competition_events = session.execute(
            select(func.count()).select_from(CompetitionEvent)
        ).scalar_one()
        checkpoint = ledger_service.latest_checkpoint(session)
        admin = auth_service.authenticate(session, result.admin_token)

    # Counts: what the result reports is what is in the tables and the ledger.
    assert result.awards == len(awards) == SMALL
    assert result.organizations == len(organizations) > 200
    assert result.funders == 11
    # The funders, a public council (an overseer) and the body the demo escalates to.
    assert sum(1 for o in organizations if o.kind != "ngo") == 13
    assert result.competitions == len(competitions)
    later_events = event_kinds.total() - event_kinds["award.published"]
    assert result.events == later_events + competition_events - len(competitions)
    keys = 1 + result.funders + 1 + result.overseers  # the admin's, the escalation body's
    assert result.ledger_size == (
        keys
        + result.organizations
        + result.competitions
        + result.awards
        + result.events
        + result.conclusions
        + result.oversight_events
    )
    assert admin.role is Role.ADMIN

    _check_organizations(organizations)
    _check_awards(awards, competitions)
    # The rarer events are all there, however small the demo.
    statuses = Counter(a.status for a in awards)
    assert statuses["terminated"] >= 1
    assert statuses["completed"] >= 1
    assert event_kinds["award.corrected"] >= 2  # a mistyped tranche and a voided duplicate
    assert voided >= 1
    assert event_kinds["award.amended"] >= 1
    assert event_kinds["award.reported"] >= 1
    assert {competition_service.status(c) for c in competitions} == set(CompetitionStatus)

    # The signed checkpoint covers everything, and the ledger verifies from outside.
    assert checkpoint is not None
    assert checkpoint.tree_size == result.ledger_size
    report = auditor.verify(auditor.DatabaseSource(database), key=signer.verifier.verifier_key())
    assert report.checkpoint.size == result.ledger_size

    # A second load is refused before anything is written.
    with pytest.raises(Conflict, match="already registered"):
        demo.load(database, awards=SMALL)
    assert _size(database) == result.ledger_size


def _check_organizations(organizations: Sequence[Organization]) -> None:
    """Both countries, every Uzbek region, Uzbek Latin written with the real oʻ and gʻ."""
    ngos = [o for o in organizations if o.kind == "ngo"]
    countries = Counter(o.country for o in ngos)
    assert countries["UZ"] > countries["KZ"] > 0
    assert {o.region for o in ngos if o.country == "UZ"} == set(demo.UZ_PLACES)
    assert {parse_org_id(o.org_id).prefix for o in organizations} == {"UZ-STIR", "KZ-BIN"}
    assert all("'" not in (o.name_uz or "") for o in organizations)
    assert any("ʻ" in (o.name_uz or "") for o in organizations)


def _check_awards(awards: Sequence[Award], competitions: Sequence[Competition]) -> None:
    """Every award keeps the rules: amounts, currencies, dates, budgets, legal bases."""
    assert all(a.disbursed_minor <= a.amount_minor for a in awards)
    assert {a.currency for a in awards} == {"UZS", "KZT"}
    assert {a.instrument for a in awards} == {"grant", "subsidy", "social_contract", "prize"}
    assert any(a.amount_minor != a.original_amount_minor for a in awards)
    by_id = {c.id: c for c in competitions}
    # A legal basis is the act as its issuer names it, in the issuer's language: not English
    # prose ("PQ-319 of 03.10.2025" read so on the Uzbek, Russian and Kazakh pages).
    bases = {a.legal_basis for a in awards} | {c.legal_basis for c in competitions}
    assert not [basis for basis in bases if basis and re.search(r"\b(of|No\.|Law)\b", basis)]
    early = []
    for award in awards:
        if award.competition_id is None:
            assert award.legal_basis
            assert award.amount_minor <= demo.DIRECT_AWARD_CEILING_UZS * 100
        else:
            competition = by_id[award.competition_id]
            assert award.currency == competition.currency
            if award.award_before_close is None:
                assert award.award_date >= competition.closes_at.date()
            else:
                early.append(award)
    assert len(early) == 1  # planted for the awarded_before_close indicator, with its reason
    assert all(c.committed_minor <= c.budget_minor for c in competitions)


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Everything a load decides, leaving out key secrets, actors and ledger times."""
    database = Database(url)
    try:
        with database.session() as session:
            awards = session.execute(
                select(
                    Award.id,
                    Award.funder_id,
                    Award.recipient_id,
                    Award.competition_id,
                    Award.amount_minor,
                    Award.disbursed_minor,
                    Award.award_date,
                    Award.status,
                ).order_by(Award.id)
            ).all()
            events = session.execute(
                select(AwardEvent.seq, AwardEvent.award_id, AwardEvent.kind, AwardEvent.body)
                .where(AwardEvent.kind != "award.published")
                .order_by(AwardEvent.seq)
            ).all()
            organizations = session.execute(
                select(Organization.org_id, Organization.name_uz, Organization.name_kk).order_by(
                    Organization.org_id
                )
            ).all()
    finally:
        database.dispose()
    return {
        "awards": [tuple(row) for row in awards],
        "events": [(row.seq, row.award_id, row.kind, str(row.body)) for row in events],
        "organizations": [tuple(row) for row in organizations],
    }


def test_the_same_seed_loads_the_same_data(database_url_factory) -> None:
    urls = [database_url_factory() for _ in range(3)]
    for url, seed in zip(urls, (11, 11, 12), strict=True):
        database = Database(url)
        try:
            demo.load(database, seed=seed, awards=60)
        finally:
            database.dispose()

    first, again, other = (_snapshot(url) for url in urls)

    assert len(first["awards"]) == 60
    assert again == first
    assert other["awards"] != first["awards"]


def test_cli_loads_once_if_empty(database: Database, settings: Settings) -> None:
    env = {
        "REGISTRY_DATABASE_URL": settings.database_url,
        "REGISTRY_SIGNING_KEY_FILE": str(settings.signing_key_file),
        "REGISTRY_LOG_ORIGIN": settings.log_origin,
    }
    runner = CliRunner()

    def run(*args: str):
        get_settings.cache_clear()  # the CLI reads its settings from ``env``
        try:
            return runner.invoke(cli, ["demo", "load", *args], env=env)
        finally:
            get_settings.cache_clear()

    first = run("--if-empty", "--awards", "50")
    assert first.exit_code == 0, first.output
    token = first.stdout.strip()
    assert token.startswith("reg_")
    assert "50 awards" in first.stderr
    size = _size(database)
    with database.session() as session:
        assert auth_service.authenticate(session, token).role is Role.ADMIN
        checkpoint = ledger_service.latest_checkpoint(session)
        assert checkpoint is not None
        assert checkpoint.tree_size == size

    again = run("--if-empty", "--awards", "50")
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    assert "already has entries" in again.stderr
    assert _size(database) == size

    refused = run("--awards", "50")
    assert refused.exit_code == 1
    assert "already registered" in refused.stderr
    assert _size(database) == size


def test_every_demo_competition_with_awards_shows_who_decided(demo_client: TestClient) -> None:
    """A journalist saw CMP-2026-00016 "Closed", its stages stopping at the compliance check,
    with a winner: nothing said who decided. Every demo competition that made awards has
    published its results (so it is "awarded"), one that records stages records the
    commission's decision, and no stage is recorded in the ledger before the deadline
    (applications_closed was written at 09:00 of the closing day, before its 18:30 close)."""
    listed = demo_client.get("/api/v1/competitions", params={"limit": 100}).json()["items"]
    assert any(item["award_count"] for item in listed)
    for item in listed:
        if not item["award_count"]:
            continue
        assert item["status"] == CompetitionStatus.AWARDED, item["id"]
        competition = demo_client.get(f"/api/v1/competitions/{item['id']}").json()
        stages = [stage["stage"] for stage in competition["stages"]]
        if stages:
            assert "commission_decided" in stages, (item["id"], stages)
        closes = datetime.fromisoformat(competition["window"]["closes"])
        for event in competition["events"]:
            if event["body"].get("date") is not None:  # a stage
                assert datetime.fromisoformat(event["time"]) >= closes, (item["id"], event)
