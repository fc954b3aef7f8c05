"""An import writes its award rows in chunks: one ledger append for a chunk's publications
(``award_service.publish_many``), one for its organizations (``register_many``), one for its
events (``add_events_many``), and one search-index refresh (``index.refresh_many``). Each of
these keeps every rule of its one-at-a-time form, the later writes seeing the earlier ones, and
what they leave verifies, replays to equal projections and indexes as one-by-one writes do."""

import gc
import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from domain_helpers import NGO_UZ, PUBLIC_FUND, organization
from pydantic import TypeAdapter
from sqlalchemy import delete, select
from test_replay import snapshot
from test_rollup import grouped_from_awards, rollup_rows

from registry import auditor, replay
from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.awards import service as award_service
from registry.awards.models import Award
from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.bench import imports as imports_bench
from registry.competitions import service as competition_service
from registry.competitions.schemas import CompetitionCreate
from registry.core.db import Database, table_of
from registry.core.errors import Conflict, RegistryError, Unprocessable
from registry.imports import files, writer
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationCreate
from registry.publication import index
from registry.publication.models import AwardTheme, SearchDocument, SearchWord

AWARD_EVENT: TypeAdapter[Any] = TypeAdapter(AwardEventCreate)


def _world(database: Database) -> tuple[Principal, str]:
    """A funder with a key, an NGO, and a competition of 100,000,000 UZS."""
    with database.session(write=True) as session:
        for org_id, kind in ((PUBLIC_FUND, "public_fund"), (NGO_UZ, "ngo")):
            body = organization(org_id, kind, uz=f"Tashkilot {org_id[-4:]}", region="UZ-TK")
            organization_service.register(
                session, actor=SYSTEM_ACTOR, data=OrganizationCreate.model_validate(body)
            )
        issued = auth_service.create_key(
            session, actor=SYSTEM_ACTOR, role=Role.FUNDER, organization_id=PUBLIC_FUND
        )
        principal = Principal(
            Role.FUNDER, key_prefix=issued.key.prefix, organization_id=PUBLIC_FUND
        )
        competition = competition_service.publish(
            session,
            principal=principal,
            data=CompetitionCreate.model_validate(
                {
                    "funder_id": PUBLIC_FUND,
                    "instrument": "grant",
                    "year": 2026,
                    "title": {"uz": "Tanlov"},
                    "budget": "100000000",
                    "currency": "UZS",
                    "window": {
                        "opens": "2026-01-01T09:00:00+05:00",
                        "closes": "2026-02-01T18:00:00+05:00",
                    },
                }
            ),
        )
    return principal, competition.id


def _award(amount: str, competition_id: str | None = None, **changes: Any) -> AwardCreate:
    return AwardCreate.model_validate(
        {
            "funder_id": PUBLIC_FUND,
            "recipient_id": NGO_UZ,
            "competition_id": competition_id,
            "instrument": "grant",
            "title": {"uz": "Mahalla kutubxonasi"},
            "amount": amount,
            "currency": "UZS",
            "award_date": "2026-03-02",
            "period": {"start": "2026-03-10", "end": "2026-12-31"},
            "legal_basis": None if competition_id else "PQ-12",
        }
        | changes
    )


def _refused(database: Database, write: Callable[[Any], object]) -> RegistryError:
    """The error ``write`` raises in a write session, and that it appended nothing."""
    with database.session() as session:
        before = ledger_service.size(session)
    with (
        pytest.raises((Conflict, Unprocessable)) as caught,
        database.session(write=True) as session,
    ):
        write(session)
    with database.session() as session:
        assert ledger_service.size(session) == before
    return caught.value


def test_publish_many_checks_each_award_against_the_ones_before_it(database: Database) -> None:
    principal, competition_id = _world(database)
    # Each fits the budget alone; together they exceed it: the second is refused.
    error = _refused(
        database,
        lambda session: award_service.publish_many(
            session,
            [
                (principal, _award("60000000", competition_id)),
                (principal, _award("50000000", competition_id)),
            ],
        ),
    )
    assert [(e.field, e.message) for e in error.errors] == [
        ("amount", f"exceeds what remains of {competition_id}'s budget: 40000000.00 UZS")
    ]
    error = _refused(
        database,
        lambda session: award_service.publish_many(
            session,
            [
                (principal, _award("10", source_id="G-1")),
                (principal, _award("20", source_id="G-1")),
            ],
        ),
    )
    assert [(e.field, e.message) for e in error.errors] == [
        ("source_id", f"{PUBLIC_FUND} already published G-1")
    ]

    with database.session(write=True) as session:
        ids = award_service.publish_many(
            session,
            [
                (principal, _award("60000000", competition_id, source_id="G-1")),
                (principal, _award("40000000", competition_id, source_id="G-2")),
                (principal, _award("5", award_date="2025-06-01", source_id="G-3")),
            ],
        )
    assert ids == ["AWD-2026-000001", "AWD-2026-000002", "AWD-2025-000001"]
    with database.session() as session:
        competition = competition_service.get(session, competition_id)
        assert (competition.committed_minor, competition.award_count) == (10_000_000_000, 2)
        published = [award_service.get(session, award_id) for award_id in ids]
        assert [(a.source_id, a.published_seq) for a in published] == [
            ("G-1", published[0].published_seq),
            ("G-2", published[0].published_seq + 1),
            ("G-3", published[0].published_seq + 2),
        ]
    # A source id published by an earlier call is a conflict too.
    error = _refused(
        database,
        lambda session: award_service.publish_many(
            session, [(principal, _award("1", source_id="G-3"))]
        ),
    )
    assert error.errors[0].field == "source_id"


def test_add_events_many_folds_each_event_after_the_ones_before_it(database: Database) -> None:
    principal, _ = _world(database)
    with database.session(write=True) as session:
        (first, second) = award_service.publish_many(
            session, [(principal, _award("1000")), (principal, _award("500"))]
        )

    def disbursed(award_id: str, amount: str, day: int) -> tuple[Principal, str, Any]:
        when = (date(2026, 3, 10) + timedelta(days=day)).isoformat()
        event = AWARD_EVENT.validate_python({"type": "disbursed", "amount": amount, "date": when})
        return principal, award_id, event

    # 600 + 600 of an award of 1000: the second disbursement is refused, the first with it.
    error = _refused(
        database,
        lambda session: award_service.add_events_many(
            session,
            [disbursed(first, "600", 1), disbursed(second, "100", 1), disbursed(first, "600", 2)],
        ),
    )
    assert [(e.field, e.message) for e in error.errors] == [
        (
            "amount",
            (
                "the disbursed total would exceed the awarded amount: 400.00 UZS remains to "
                "disburse of 1000.00 UZS"
            ),
        )
    ]

    with database.session(write=True) as session:
        award_service.add_events_many(
            session,
            [disbursed(first, "600", 1), disbursed(second, "100", 1), disbursed(first, "400", 2)],
        )
    with database.session() as session:
        awards = award_service.get_many(session, [first, second])
        assert (awards[first].disbursed_minor, awards[first].status) == (100_000, "active")
        assert awards[second].disbursed_minor == 10_000
        assert [e.kind for e in award_service.events(session, first)] == [
            "award.published",
            "award.disbursed",
            "award.disbursed",
        ]


def test_register_many_refuses_an_organization_twice(database: Database) -> None:
    def data(org_id: str) -> OrganizationCreate:
        return OrganizationCreate.model_validate(organization(org_id, "ngo", uz="NNT"))

    error = _refused(
        database,
        lambda session: organization_service.register_many(
            session, actor=SYSTEM_ACTOR, organizations=[data(NGO_UZ), data(NGO_UZ)]
        ),
    )
    assert [(e.field, e.message) for e in error.errors] == [
        ("org_id", f"{NGO_UZ} is already registered")
    ]
    with database.session(write=True) as session:
        assert organization_service.register_many(
            session, actor=SYSTEM_ACTOR, organizations=[data(NGO_UZ), data(PUBLIC_FUND)]
        ) == [NGO_UZ, PUBLIC_FUND]
    error = _refused(
        database,
        lambda session: organization_service.register_many(
            session, actor=SYSTEM_ACTOR, organizations=[data(PUBLIC_FUND)]
        ),
    )
    assert error.errors[0].field == "org_id"


def _index_rows(database: Database) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with database.session() as session:
        documents = session.execute(
            select(
                SearchDocument.kind, SearchDocument.ref_id, SearchDocument.body, SearchDocument.tsv
            ).order_by(SearchDocument.kind, SearchDocument.ref_id)
        ).all()
        themes = session.execute(
            select(AwardTheme.award_id, AwardTheme.theme).order_by(
                AwardTheme.award_id, AwardTheme.theme
            )
        ).all()
    return [tuple(row) for row in documents], [tuple(row) for row in themes]


def _search_words(database: Database) -> set[str]:
    with database.session() as session:
        return set(session.execute(select(SearchWord.word)).scalars())


def _lexemes(tsv: str) -> list[str]:
    """The words of a ``tsvector`` as PostgreSQL prints it: 'word':1,2 'other':3."""
    return [part.split(":")[0].strip("'") for part in tsv.split(" ")]


def _chunks_written(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each chunk of award rows the import writes, as it writes them."""
    chunks: list[int] = []
    write_awards = writer._Writer.write_awards

    def counted(self: writer._Writer, rows: Sequence[Any]) -> bool:
        chunks.append(len(rows))
        return write_awards(self, rows)

    monkeypatch.setattr(writer._Writer, "write_awards", counted)
    return chunks


@pytest.mark.parametrize("chunk", [writer.CHUNK, 40], ids=["one chunk", "four chunks"])
def test_a_chunked_import_verifies_replays_and_indexes_as_one_by_one(
    database_url_factory: Callable[[], str], monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    def thorough_pass(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the chunked pass fell back to the row-by-row pass")

    monkeypatch.setattr(writer, "_write_every_row", thorough_pass)
    # One chunk: an append of more than COPY_FROM_ENTRIES publications (the ledger's COPY).
    # Four: what one chunk leaves for the next (organizations' names, words added, rollup
    # deltas) within the import's one transaction.
    monkeypatch.setattr(writer, "CHUNK", chunk)
    chunks = _chunks_written(monkeypatch)
    source = Database(database_url_factory())
    target = Database(database_url_factory())
    private_key = Ed25519PrivateKey.generate()
    signer = NoteSigner(name="test.registry/ledger", private_key=private_key)
    try:
        grants_count = 150
        content = imports_bench.package(grants_count)
        grants = json.loads(content)["grants"]
        organizations = len(
            {
                grant[side][0]["id"]
                for grant in grants
                for side in ("fundingOrganization", "recipientOrganization")
            }
        )
        disbursements = sum(len(grant.get("disbursementTransaction", [])) for grant in grants)
        assert disbursements > 0
        thresholds = gc.get_threshold()
        summary = files.import_file(
            source,
            content,
            standard=files.Standard.GIVING360,
            file_format=files.FileFormat.JSON,
            signer=signer,
        )
        assert (summary.created, summary.organizations, summary.events) == (
            grants_count,
            organizations,
            disbursements,
        )
        assert summary.ledger_size == grants_count + organizations + disbursements
        assert chunks == ([grants_count] if chunk > grants_count else [40, 40, 40, 30])
        # The garbage collector's settings, changed while the rows were written, are back.
        assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, 0)

        # The index the chunk refreshed in bulk is the one a refresh of each thing gives.
        indexed = _index_rows(source)
        assert len(indexed[0]) == grants_count + organizations
        words = _search_words(source)
        with source.session(write=True) as session:
            assert index.rebuild(session) == grants_count + organizations
        assert _index_rows(source) == indexed
        # Every word of a PostgreSQL document is in the word list, and nothing else.
        assert words == _search_words(source)
        if source.engine.dialect.name == "postgresql":
            assert words == {word for _, _, _, tsv in indexed[0] for word in _lexemes(tsv)}
            assert len(words) > grants_count  # the award ids' numbers, at least
        else:
            assert words == set()

        # The rollup's deltas, summed over each chunk and written once, equal a GROUP BY.
        assert rollup_rows(source) == grouped_from_awards(source)
        assert rollup_rows(source)["award_rollup"]

        report = auditor.verify(auditor.DatabaseSource(source), key=signer.verifier.verifier_key())
        assert report.checkpoint.size == summary.ledger_size
        replayed = replay.replay(source, target, verifier=signer.verifier)
        assert replayed.entries == summary.ledger_size
        assert snapshot(target) == snapshot(source)

        again = files.import_file(
            source, content, standard=files.Standard.GIVING360, file_format=files.FileFormat.JSON
        )
        assert (again.created, again.skipped, again.events, again.ledger_size) == (
            0,
            grants_count,
            0,
            summary.ledger_size,
        )
    finally:
        source.dispose()
        target.dispose()


def test_published_source_ids_asks_about_a_chunk_of_many_funders_at_once(
    database: Database,
) -> None:
    """One term for any number of funders: OR-ed terms per funder passed SQLite's expression
    depth (1,000) in a chunk of many funders."""
    principal, competition_id = _world(database)
    with database.session(write=True) as session:
        award_service.publish_many(
            session,
            [(principal, _award("1000", competition_id, source_id="S-1"))],
        )
    wanted = [(f"UZ-STIR-{n:09d}", f"S-{n}") for n in range(1500)] + [(PUBLIC_FUND, "S-1")]
    with database.session() as session:
        assert award_service.published_source_ids(session, wanted) == {(PUBLIC_FUND, "S-1")}


def test_an_award_changed_by_another_entry_of_the_write_is_indexed_as_read(
    database: Database,
) -> None:
    """``refresh_many`` indexes an award the write created from its row as inserted, but one
    that another entry of the same write changed (a correction) from the row as it now is."""
    principal, competition_id = _world(database)
    with database.session(write=True) as session:
        (award_id,) = award_service.publish_many(
            session, [(principal, _award("1000000", competition_id))]
        )
    with database.session() as session:
        row = dict(
            session.execute(select(*index._AWARD_COLUMNS).where(Award.id == award_id))
            .mappings()
            .one()
        )
    inserted = {table_of(Award): [row | {"title": {"uz": "Eskirgan nom"}}]}

    def body(changes: list[tuple[str, str]]) -> str:
        with database.session(write=True) as session:
            session.execute(delete(SearchDocument).where(SearchDocument.ref_id == award_id))
            session.execute(delete(AwardTheme).where(AwardTheme.award_id == award_id))
            index.refresh_many(session, changes, inserted=inserted)
            return session.execute(
                select(SearchDocument.body).where(SearchDocument.ref_id == award_id)
            ).scalar_one()

    # Created and changed by nothing else: the row as the projector inserted it.
    assert "eskirgan" in body([("award.published", award_id)])
    # Corrected in the same write: read back, as the correction left it.
    read = body([("award.published", award_id), ("award.corrected", award_id)])
    assert "eskirgan" not in read
    assert "kutubxonasi" in read


def test_the_index_forgets_what_it_knows_at_a_savepoint_not_at_a_flush(database: Database) -> None:
    """Organizations' names and the words added are kept for the rest of a transaction: a
    flush (which ends an inner transaction of its own) keeps them, a savepoint's end drops
    them (a rolled-back savepoint may have taken the words with it)."""
    names = {"org_id": NGO_UZ, "name_uz": "Nodavlat", "name_ru": None, "name_kk": None}
    with database.session(write=True) as session:
        index.know_names(session, [names | {"name_en": "NGO"}])
        session.info[index._ADDED_WORDS] = {"nodavlat"}
        session.add(SearchWord(word="nodavlat"))
        session.flush()
        assert session.info[index._NAMES] == {NGO_UZ: ["Nodavlat", "NGO"]}
        assert session.info[index._ADDED_WORDS] == {"nodavlat"}
        with session.begin_nested():
            pass
        assert index._NAMES not in session.info
        assert index._ADDED_WORDS not in session.info
        # A savepoint rolled back takes its words with it, and the index forgets them.
        savepoint = session.begin_nested()
        session.add(SearchWord(word="mahalla"))
        session.flush()
        session.info[index._ADDED_WORDS] = {"mahalla"}
        savepoint.rollback()
        assert index._ADDED_WORDS not in session.info
        assert session.get(SearchWord, "mahalla") is None
