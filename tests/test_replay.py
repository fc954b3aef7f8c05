"""The query tables are a function of the ledger: after a long random run of writes through
the services, ``registry ledger replay`` rebuilds tables equal to the originals."""

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from domain_helpers import (
    KZ_OPERATOR,
    MINISTRY,
    NGO_KZ,
    NGO_UZ,
    NGO_UZ_2,
    PUBLIC_FUND,
    organization,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from sqlalchemy import select
from typer.testing import CliRunner

from registry import journal, replay
from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.awards import service as award_service
from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.cli import app as cli
from registry.competitions import service as competition_service
from registry.competitions.schemas import CompetitionCreate, CompetitionEventCreate
from registry.core.db import Database
from registry.core.errors import RegistryError
from registry.ledger import service as ledger_service
from registry.ledger import store
from registry.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from registry.ledger.service import NewEntry
from registry.models import Base
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationCreate
from registry.oversight import service as oversight_service
from registry.oversight.schemas import ConclusionCreate, ConclusionEventCreate
from registry.publication import index

PROJECTIONS = (
    "organizations",
    "api_keys",
    "competitions",
    "competition_events",
    "awards",
    "award_events",
    "award_rollup",
    "award_facet_totals",
    "oversight_conclusions",
    "oversight_rounds",
    "oversight_events",
    # The search index: the same documents, word for word, whatever order a text's languages
    # came in (a replay decodes its leaves' members sorted).
    "search_documents",
    "search_words",
    "award_themes",
    "competition_themes",
)
OVERSIGHT_ACTIONS = ("conclude", "answer", "extend", "withdraw", "escalate")
award_event = TypeAdapter(AwardEventCreate)
oversight_event = TypeAdapter(ConclusionEventCreate)
competition_event = TypeAdapter(CompetitionEventCreate)


# Tables whose primary key is a surrogate number (which rewritten documents do not keep): their
# rows are compared without it, in the order of their natural key.
SURROGATE_KEYED = {"search_documents": ("kind", "ref_id")}


def snapshot(database: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every projection, ordered by primary key (or natural key)."""
    tables = {name: Base.metadata.tables[name] for name in PROJECTIONS}
    found = {}
    with database.session() as session:
        for name, table in tables.items():
            natural = SURROGATE_KEYED.get(name)
            order = [table.c[key] for key in natural] if natural else table.primary_key.columns
            rows = [dict(row._mapping) for row in session.execute(select(table).order_by(*order))]
            if natural:
                rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
            found[name] = rows
    return found


class Scenario:
    """Writes through the services, as the API would, ignoring the refusals the rules make."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.funders: dict[str, Principal] = {}
        self.competitions: list[str] = []
        self.awards: list[str] = []
        self.conclusions: list[str] = []
        self.overseer: Principal | None = None

    def write(self, work) -> None:
        try:
            with self.database.session(write=True) as session:
                work(session)
        except RegistryError:
            pass  # refused: nothing written, as the API would answer 4xx

    def setup(self) -> None:
        organizations = [
            (PUBLIC_FUND, "public_fund", "UZ"),
            (MINISTRY, "state_body", "UZ-TK"),
            (KZ_OPERATOR, "grant_operator", "KZ-71"),
            (NGO_UZ, "ngo", "UZ-SA"),
            (NGO_UZ_2, "ngo", "UZ-TO"),
            (NGO_KZ, "ngo", "KZ-75"),
        ]
        with self.database.session(write=True) as session:
            for org_id, kind, region in organizations:
                body = organization(
                    org_id, kind, uz=f"Tashkilot {org_id[-4:]}", ru="Организация", region=region
                )
                organization_service.register(
                    session, actor=SYSTEM_ACTOR, data=OrganizationCreate.model_validate(body)
                )
            for org_id in (PUBLIC_FUND, MINISTRY, KZ_OPERATOR):
                issued = auth_service.create_key(
                    session, actor=SYSTEM_ACTOR, role=Role.FUNDER, organization_id=org_id
                )
                self.funders[org_id] = Principal(
                    role=Role.FUNDER, key_prefix=issued.key.prefix, organization_id=org_id
                )
            issued = auth_service.create_key(
                session, actor=SYSTEM_ACTOR, role=Role.OVERSEER, organization_id=NGO_UZ_2
            )
            self.overseer = Principal(
                role=Role.OVERSEER, key_prefix=issued.key.prefix, organization_id=NGO_UZ_2
            )

    def oversee(self, action: str, pick: int) -> None:
        """A conclusion about an award or competition, or a step of one: by the overseer, or
        by the body it is addressed to now (refusals, e.g. an early escalation, are ignored)."""
        assert self.overseer is not None
        overseer = self.overseer
        if action == "conclude":
            subjects = [("award", a) for a in self.awards] + [
                ("competition", c) for c in self.competitions
            ]
            if not subjects:
                return
            kind, subject_id = subjects[pick % len(subjects)]
            body_id = (
                self._funder_of(subject_id)
                if kind == "award"
                else self._competition_funder(subject_id)
            )
            data = ConclusionCreate.model_validate(
                {
                    "overseer_id": NGO_UZ_2,
                    "addressed_to": body_id,
                    "subject": {"type": kind, "id": subject_id},
                    "title": {"uz": f"Xulosa {pick}"},
                    "findings": {"ru": "Выявлено"},
                    "attachments": [{"sha256": f"{pick:064x}", "size": pick}],
                }
            )
            self.write(
                lambda s: self.conclusions.append(
                    oversight_service.submit(s, principal=overseer, data=data, answer_days=30).id
                )
            )
            return
        if not self.conclusions:
            return
        conclusion_id = self.conclusions[pick % len(self.conclusions)]
        body = {
            "answer": {
                "type": "answered",
                "decision": ("accepted", "partly_accepted", "rejected")[pick % 3],
                "reasons": {"uz": "Sabab"},
                "measures": {"uz": "Choralar"},
            },
            "extend": {"type": "extended", "days": 1 + pick % 30, "reason": "Tekshiruv"},
            "withdraw": {"type": "withdrawn", "reason": "Hal qilindi"},
            "escalate": {
                "type": "escalated",
                "to": (MINISTRY, KZ_OPERATOR)[pick % 2],
                "reason": "Rad",
            },
        }[action]
        event = oversight_event.validate_python(body)

        def run(session) -> None:
            conclusion = oversight_service.get(session, conclusion_id)
            by = (
                overseer if action in ("withdraw", "escalate") else self.funders[conclusion.body_id]
            )
            oversight_service.add_event(
                session, principal=by, conclusion_id=conclusion_id, event=event, answer_days=30
            )

        self.write(run)

    def step(self, action: str, pick: int, amount: int, day: int) -> None:
        if action in OVERSIGHT_ACTIONS:
            self.oversee(action, pick)
            return
        funder_id = (PUBLIC_FUND, MINISTRY, KZ_OPERATOR)[pick % 3]
        principal = self.funders[funder_id]
        currency = "KZT" if funder_id == KZ_OPERATOR else "UZS"
        recipient = NGO_KZ if funder_id == KZ_OPERATOR else (NGO_UZ, NGO_UZ_2)[pick % 2]
        when = date(2026, 3, 1) + timedelta(days=day)
        if action == "competition":
            data = CompetitionCreate.model_validate(
                {
                    "funder_id": funder_id,
                    "instrument": "grant",
                    "year": 2026,
                    "title": {"uz": f"Tanlov {pick}"},
                    "budget": str(amount * 10),
                    "currency": currency,
                    "window": {
                        "opens": "2026-01-01T09:00:00+05:00",
                        "closes": "2026-02-01T18:00:00+05:00",
                    },
                }
            )
            self.write(
                lambda s: self.competitions.append(
                    competition_service.publish(s, principal=principal, data=data).id
                )
            )
        elif action == "award":
            competition = (
                self.competitions[pick % len(self.competitions)]
                if self.competitions and pick % 4
                else None
            )
            data = AwardCreate.model_validate(
                {
                    "funder_id": funder_id,
                    "recipient_id": recipient,
                    "competition_id": competition,
                    "instrument": "grant",
                    "title": {"ru": f"Проект {pick}"},
                    "amount": str(amount),
                    "currency": currency,
                    "award_date": when.isoformat(),
                    "period": {
                        "start": when.isoformat(),
                        "end": (when + timedelta(days=200)).isoformat(),
                    },
                    "legal_basis": None if competition else f"PQ-{pick}",
                }
            )
            self.write(
                lambda s: self.awards.append(
                    award_service.publish(s, principal=principal, data=data).id
                )
            )
        elif action == "cancel":
            if not self.competitions:
                return
            competition_id = self.competitions[pick % len(self.competitions)]
            owner = self.funders[self._competition_funder(competition_id)]
            event = competition_event.validate_python(
                {"type": "cancelled", "reason": "no applicants"}
            )
            self.write(
                lambda s: competition_service.add_event(
                    s, principal=owner, competition_id=competition_id, event=event
                )
            )
        elif self.awards:
            award_id = self.awards[pick % len(self.awards)]
            bodies = {
                "disburse": {
                    "type": "disbursed",
                    "amount": str(amount // 3 + 1),
                    "date": when.isoformat(),
                },
                "amend": {"type": "amended", "amount": str(amount), "reason": "revised estimate"},
                "report": {"type": "reported", "date": when.isoformat()},
                "complete": {"type": "completed", "date": when.isoformat()},
                "terminate": {"type": "terminated", "date": when.isoformat(), "reason": "stopped"},
            }
            if action == "correct":

                def correct(session) -> None:
                    history = award_service.events(session, award_id)
                    target = history[pick % len(history)]
                    body = {"type": "corrected", "corrects": target.seq, "reason": "fix"}
                    if target.kind == "award.disbursed" and pick % 2:
                        body["void"] = True
                    else:
                        body["changes"] = (
                            {"amount": str(amount)}
                            if target.kind
                            in ("award.published", "award.disbursed", "award.amended")
                            else {"date": when.isoformat()}
                        )
                    award_service.add_event(
                        session,
                        principal=self.funders[history[0].body["funder_id"]],
                        award_id=award_id,
                        event=award_event.validate_python(body),
                    )

                self.write(correct)
            else:
                owner = self.funders[self._funder_of(award_id)]
                event = award_event.validate_python(bodies[action])
                self.write(
                    lambda s: award_service.add_event(
                        s, principal=owner, award_id=award_id, event=event
                    )
                )

    def _competition_funder(self, competition_id: str) -> str:
        with self.database.session() as session:
            return competition_service.get(session, competition_id).funder_id

    def _funder_of(self, award_id: str) -> str:
        with self.database.session() as session:
            return award_service.get(session, award_id).funder_id


ACTIONS = st.sampled_from(
    [
        "competition",
        "award",
        "award",
        "disburse",
        "amend",
        "report",
        "complete",
        "terminate",
        "correct",
        "cancel",
        *OVERSIGHT_ACTIONS,
        "answer",
    ]
)
STEPS = st.lists(
    st.tuples(ACTIONS, st.integers(0, 50), st.integers(1, 10**9), st.integers(0, 300)),
    min_size=5,
    max_size=40,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_replay_rebuilds_equal_projections(database_url_factory, steps) -> None:
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    try:
        scenario = Scenario(source)
        scenario.setup()
        for step in steps:
            scenario.step(*step)
        signer = _signer()
        with source.session(write=True) as session:
            ledger_service.sign_if_stale(session, signer=signer)
        report = replay.replay(source, target, verifier=signer.verifier)
        with source.session() as session:
            assert report.entries == ledger_service.size(session)
        assert snapshot(target) == snapshot(source)
        with source.session() as s, target.session() as t:
            assert ledger_service.root(t, report.entries) == ledger_service.root(s, report.entries)
            assert [c.note for c in ledger_service.checkpoints(t)] == [
                c.note for c in ledger_service.checkpoints(s)
            ]
    finally:
        source.dispose()
        target.dispose()


def _signer() -> NoteSigner:
    return NoteSigner(name="test.registry/ledger", private_key=Ed25519PrivateKey.generate())


def test_replay_refuses_a_database_that_already_has_a_ledger(database_url_factory) -> None:
    source = Database(database_url_factory())
    scenario = Scenario(source)
    scenario.setup()
    try:
        with pytest.raises(replay.ReplayError, match="already holds a ledger"):
            replay.replay(source, source, verifier=None)
    finally:
        source.dispose()


def test_replay_cli(database_url_factory) -> None:
    source_url = database_url_factory()
    source = Database(source_url)
    Scenario(source).setup()
    source.dispose()
    target_url = database_url_factory()
    result = CliRunner().invoke(
        cli, ["ledger", "replay", "--from", source_url, "--into", target_url]
    )
    assert result.exit_code == 0, result.output
    assert "replayed 10 entries" in result.stdout
    source, target = Database(source_url), Database(target_url)
    try:
        assert snapshot(target) == snapshot(source)
    finally:
        source.dispose()
        target.dispose()


def _signed_source(url: str, signer: NoteSigner) -> Database:
    """A small ledger with a good checkpoint at size 9 and one more entry after it."""
    source = Database(url)
    scenario = Scenario(source)
    scenario.setup()
    with source.session(write=True) as session:
        ledger_service.sign_if_stale(session, signer=signer)
    return source


def _forge(signer: NoteSigner, *, size: int, root: bytes) -> str:
    return sign_checkpoint(Checkpoint(origin=signer.name, size=size, root_hash=root), signer)


def _flip_signature(note: str) -> str:
    """The same note with one bit of its Ed25519 signature changed."""
    text, _, signature_line = note.rstrip("\n").rpartition("\n")
    prefix, _, blob = signature_line.rpartition(" ")
    raw = bytearray(base64.b64decode(blob))
    raw[-1] ^= 1
    return f"{text}\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


TAMPERED = (
    "signature bit flipped",
    "signed by another key",
    "a root the tree never had",
    "row and note disagree on the size",
    "row root differs from the signed one",
)


def _tampered(tamper: str, signer: NoteSigner, good) -> tuple[int, bytes, str]:
    """(tree_size, root_hash, note) of a bad checkpoint row, derived from a good one."""
    size, root = good.tree_size, good.root_hash
    return {
        "signature bit flipped": (size, root, _flip_signature(good.note)),
        "signed by another key": (size, root, _forge(_signer(), size=size, root=root)),
        "a root the tree never had": (size, bytes(32), _forge(signer, size=size, root=bytes(32))),
        "row and note disagree on the size": (size - 1, root, good.note),
        "row root differs from the signed one": (size, bytes(32), good.note),
    }[tamper]


@pytest.mark.parametrize("tamper", TAMPERED)
def test_replay_refuses_a_source_with_a_bad_checkpoint(database_url_factory, tamper) -> None:
    signer = _signer()
    source = _signed_source(database_url_factory(), signer)
    target = Database(database_url_factory())
    try:
        with source.session() as session:
            (good,) = ledger_service.checkpoints(session)
            size = ledger_service.size(session)
        # A bad checkpoint after the good one, as an altered source database would hold it
        # (checkpoint rows cannot be updated: the triggers refuse).
        tree_size, root, note = _tampered(tamper, signer, good)
        with source.session(write=True) as session:
            store.insert_checkpoint(
                session,
                tree_size=tree_size,
                root_hash=root,
                signed_at=datetime.now(UTC),
                note=note,
            )
        with pytest.raises(replay.ReplayError, match="checkpoint at tree size"):
            replay.replay(source, target, verifier=signer.verifier)
        with target.session() as session:  # refused before anything was written
            assert ledger_service.size(session) == 0
            assert ledger_service.checkpoints(session) == []
        assert size == good.tree_size
    finally:
        source.dispose()
        target.dispose()


def test_replay_copies_verified_checkpoints_and_needs_a_key_for_them(
    database_url_factory,
) -> None:
    signer = _signer()
    source = _signed_source(database_url_factory(), signer)
    target = Database(database_url_factory())
    try:
        with pytest.raises(replay.ReplayError, match="give the log's verifier key"):
            replay.replay(source, target, verifier=None)
        report = replay.replay(source, target, verifier=signer.verifier)
        assert (report.entries, report.checkpoints) == (10, 1)
        with source.session() as s, target.session() as t:
            assert [c.note for c in ledger_service.checkpoints(t)] == [
                c.note for c in ledger_service.checkpoints(s)
            ]
    finally:
        source.dispose()
        target.dispose()


def test_replay_cli_checks_checkpoints_with_the_given_key(database_url_factory, tmp_path) -> None:
    signer = _signer()
    source_url = database_url_factory()
    _signed_source(source_url, signer).dispose()
    key_file = tmp_path / "verifier.key"
    key_file.write_text(signer.verifier.verifier_key() + "\n")
    stranger = _signer().verifier.verifier_key()
    refused = CliRunner().invoke(
        cli,
        [
            "ledger",
            "replay",
            "--from",
            source_url,
            "--into",
            database_url_factory(),
            "--key",
            stranger,
        ],
    )
    assert refused.exit_code != 0
    assert "does not verify" in refused.output
    target_url = database_url_factory()
    result = CliRunner().invoke(
        cli,
        ["ledger", "replay", "--from", source_url, "--into", target_url, "--key", str(key_file)],
    )
    assert result.exit_code == 0, result.output
    assert "replayed 10 entries and 1 checkpoints" in result.stdout


def test_a_replay_that_fails_midway_leaves_the_target_as_it_was(
    database_url_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source that serves a bad page after good ones (here the third page's first leaf does
    not continue the chain) fails the replay, and the target holds nothing: no leaves of the
    first pages, no rows projected from them. It can simply be run again."""
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    try:
        Scenario(source).setup()
        with source.session() as session:
            assert ledger_service.size(session) >= 9
        monkeypatch.setattr(replay, "PAGE_SIZE", 3)
        served = ledger_service.leaves

        def a_bad_third_page(session: Any, *, start: int, end: int, limit: int) -> list[bytes]:
            page = served(session, start=start, end=end, limit=limit)
            if start == 6:
                at = page[0].index(b'"prev":"') + len(b'"prev":"')
                page[0] = page[0][:at] + b"0" * 64 + page[0][at + 64 :]
            return page

        monkeypatch.setattr(replay.ledger_service, "leaves", a_bad_third_page)
        with pytest.raises(replay.ReplayError, match="does not continue"):
            replay.replay(source, target, verifier=None)
        assert all(rows == [] for rows in snapshot(target).values())
        with target.session() as session:
            assert ledger_service.size(session) == 0
        monkeypatch.setattr(replay.ledger_service, "leaves", served)
        report = replay.replay(source, target, verifier=None)  # and it can be run again
        assert snapshot(target) == snapshot(source)
        assert report.entries >= 9
    finally:
        source.dispose()
        target.dispose()


def test_one_write_of_several_kinds_projects_as_a_replay_does(database_url_factory) -> None:
    """One append whose entries change kind several times (so it is projected in runs), with
    two events of one kind for one award in a run (the last run among them) and a correction
    of an event of an earlier write, leaves exactly the tables a replay (entry by entry)
    builds."""
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    try:
        scenario = Scenario(source)
        scenario.setup()
        principal = scenario.funders[PUBLIC_FUND]

        def award(n: int) -> tuple[Principal, AwardCreate]:
            data = AwardCreate.model_validate(
                {
                    "funder_id": PUBLIC_FUND,
                    "recipient_id": (NGO_UZ, NGO_UZ_2)[n % 2],
                    "instrument": "grant",
                    "title": {"ru": f"Проект {n}"},
                    "amount": "1000000",
                    "currency": "UZS",
                    "award_date": "2026-03-02",
                    "period": {"start": "2026-03-02", "end": "2026-12-31"},
                    "legal_basis": f"PQ-{n}",
                    "themes": ["youth"],
                }
            )
            return principal, data

        with source.session(write=True) as session:
            first, second = award_service.publish_many(session, [award(1), award(2)])
            award_service.add_events_many(
                session,
                [
                    (principal, first, award_event.validate_python(body))
                    for body in ({"type": "disbursed", "amount": "100000", "date": "2026-03-10"},)
                ],
            )
            disbursed = award_service.events(session, first)[-1].seq
        events = [
            (first, {"type": "disbursed", "amount": "200000", "date": "2026-03-11"}),
            (first, {"type": "disbursed", "amount": "300000", "date": "2026-03-12"}),
            (second, {"type": "disbursed", "amount": "50000", "date": "2026-03-12"}),
            (first, {"type": "corrected", "corrects": disbursed, "reason": "fix", "void": True}),
            (second, {"type": "amended", "amount": "900000", "reason": "revised estimate"}),
            (first, {"type": "disbursed", "amount": "10000", "date": "2026-03-13"}),
            (second, {"type": "reported", "date": "2026-03-14"}),
            (second, {"type": "disbursed", "amount": "1000", "date": "2026-03-15"}),
            (second, {"type": "disbursed", "amount": "2000", "date": "2026-03-15"}),
        ]
        with source.session(write=True) as session:
            before = ledger_service.size(session)
            award_service.add_events_many(
                session,
                [
                    (principal, award_id, award_event.validate_python(body))
                    for award_id, body in events
                ],
            )
            assert ledger_service.size(session) == before + len(events)
        with source.session() as session:
            got = {award_id: award_service.get(session, award_id) for award_id in (first, second)}
            assert got[first].disbursed_minor == (200_000 + 300_000 + 10_000) * 100
            assert got[second].amount_minor == 900_000 * 100
            assert got[second].disbursed_minor == (50_000 + 1_000 + 2_000) * 100
            assert got[second].last_report_on == date(2026, 3, 14)
            voided = [e.seq for e in award_service.events(session, first) if e.voided]
            assert voided == [disbursed]
        report = replay.replay(source, target, verifier=None)
        assert snapshot(target) == snapshot(source)
        assert report.entries == before + len(events)
    finally:
        source.dispose()
        target.dispose()


def test_a_savepoint_rolled_back_leaves_no_stale_award(database_url_factory) -> None:
    """Projected rows are inserted outside the unit of work, so a savepoint rolled back must
    not leave their loaded objects behind: the next award takes the same id, and reading it
    gives the new award, not the one rolled back."""
    database = Database(database_url_factory())
    try:
        scenario = Scenario(database)
        scenario.setup()
        principal = scenario.funders[PUBLIC_FUND]

        def data(title: str) -> AwardCreate:
            return AwardCreate.model_validate(
                {
                    "funder_id": PUBLIC_FUND,
                    "recipient_id": NGO_UZ,
                    "instrument": "grant",
                    "title": {"ru": title},
                    "amount": "1000000",
                    "currency": "UZS",
                    "award_date": "2026-03-02",
                    "period": {"start": "2026-03-02", "end": "2026-12-31"},
                    "legal_basis": "PQ-1",
                }
            )

        with database.session(write=True) as session:
            savepoint = session.begin_nested()
            undone = award_service.publish(session, principal=principal, data=data("Отменён"))
            savepoint.rollback()
            kept = award_service.publish(session, principal=principal, data=data("Сохранён"))
            assert kept.id == undone.id
            assert kept.title == {"ru": "Сохранён"}
        with database.session() as session:
            assert award_service.get(session, kept.id).title == {"ru": "Сохранён"}
    finally:
        database.dispose()


def test_a_replay_keeps_nothing_of_the_search_index_from_page_to_page(
    database_url_factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replay is one transaction as long as the ledger: after each page, what the search
    index keeps for the rest of a transaction (organizations' names, words added) is dropped
    with the page's objects, so its memory does not grow with the ledger."""
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    try:
        Scenario(source).setup()
        monkeypatch.setattr(replay, "PAGE_SIZE", 3)
        copy_page = replay._copy_page
        kept: list[tuple[int, int]] = []

        def copying(session: Any, page: Any) -> None:
            copy_page(session, page)
            kept.append(
                (
                    len(session.info.get(index._NAMES, ())),
                    len(session.info.get(index._ADDED_WORDS, ())),
                )
            )

        monkeypatch.setattr(replay, "_copy_page", copying)
        report = replay.replay(source, target, verifier=None)
        assert len(kept) >= 3
        assert set(kept) == {(0, 0)}
        assert snapshot(target) == snapshot(source)
        assert report.entries >= 9
    finally:
        source.dispose()
        target.dispose()


def _as_an_older_release_wrote(session, principal: Principal, kind: str, subject: str, body):
    """Record an entry straight to the journal, as the service of a release before a newer
    write-time rule recorded it: the ledger keeps it, so a replay must take it."""
    journal.record(
        session, [NewEntry(kind=kind, subject=subject, actor=principal.actor, body=body)]
    )


def test_entries_accepted_before_newer_write_rules_still_replay(database_url_factory) -> None:
    """The write-time rules judge new requests only: a ledger holding what they now refuse
    (an amendment or a correction that changes nothing, of an award or a competition; a
    document link that is not http(s)) replays to equal projections, while the same write
    made today is refused and writes nothing."""
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    try:
        scenario = Scenario(source)
        scenario.setup()
        principal = scenario.funders[PUBLIC_FUND]
        data = AwardCreate.model_validate(
            {
                "funder_id": PUBLIC_FUND,
                "recipient_id": NGO_UZ,
                "instrument": "grant",
                "title": {"ru": "Проект"},
                "amount": "1000000",
                "currency": "UZS",
                "award_date": "2026-03-02",
                "period": {"start": "2026-03-02", "end": "2026-12-31"},
                "legal_basis": "PQ-1",
            }
        )
        competition_data = CompetitionCreate.model_validate(
            {
                "funder_id": PUBLIC_FUND,
                "instrument": "grant",
                "year": 2026,
                "title": {"uz": "Tanlov"},
                "budget": "5000000",
                "currency": "UZS",
                "window": {
                    "opens": "2026-01-01T09:00:00+05:00",
                    "closes": "2026-02-01T18:00:00+05:00",
                },
            }
        )
        with source.session(write=True) as session:
            award = award_service.publish(session, principal=principal, data=data)
            award_id, published_seq = award.id, award.published_seq
            competition_id = competition_service.publish(
                session, principal=principal, data=competition_data
            ).id
        older = [
            (award_id, "award.amended", {"amount": "1000000.00", "reason": "Restated"}),
            (
                award_id,
                "award.corrected",
                {
                    "corrects": published_seq,
                    "reason": "Restated",
                    "void": False,
                    "changes": {"amount": "1000000.00"},
                },
            ),
            (
                competition_id,
                "competition.amended",
                {"changes": {"budget": "5000000.00"}, "reason": "Restated"},
            ),
            (
                award_id,
                "award.reported",
                {"date": "2026-04-01", "document_url": "javascript:alert(1)"},
            ),
            (
                competition_id,
                "competition.commission_decided",
                {"date": "2026-02-05", "members": 5, "document_url": "file:///srv/minutes.pdf"},
            ),
        ]
        with source.session(write=True) as session:
            for subject, kind, body in older:
                _as_an_older_release_wrote(session, principal, kind, subject, body)
            size = ledger_service.size(session)
        for body in (
            {"type": "amended", "amount": "1000000", "reason": "Restated"},
            {"type": "corrected", "corrects": published_seq, "reason": "Restated",
             "changes": {"amount": "1000000"}},
        ):  # fmt: skip
            event = award_event.validate_python(body)
            with (
                pytest.raises(RegistryError, match="changes nothing"),
                source.session(write=True) as session,
            ):
                award_service.add_event(
                    session, principal=principal, award_id=award_id, event=event
                )
        restated = competition_event.validate_python(
            {"type": "amended", "changes": {"budget": "5000000"}, "reason": "Restated"}
        )
        with (
            pytest.raises(RegistryError, match="changes nothing"),
            source.session(write=True) as session,
        ):
            competition_service.add_event(
                session, principal=principal, competition_id=competition_id, event=restated
            )
        with source.session() as session:
            assert ledger_service.size(session) == size

        report = replay.replay(source, target, verifier=None)

        assert report.entries == size
        assert snapshot(target) == snapshot(source)
        with target.session() as session:
            kinds = [event.kind for event in award_service.events(session, award_id)]
        assert kinds == ["award.published", "award.amended", "award.corrected", "award.reported"]
    finally:
        source.dispose()
        target.dispose()
