"""Writing an import's rows through the services, all or nothing.

The whole file is one write transaction (``Database.session(write=True)``): it commits
only if every row was written, and then, given a signer, a checkpoint is signed at once, as
``registry`` commands do after a write. Rows are written in two passes at most:

1. All rows, one after the other, with nothing between them. Most files are good, and this
   is the fast path: on PostgreSQL a savepoint per row makes an import about 2.5 times
   slower (every row re-locks and moves the ledger's head row inside its own
   subtransaction).
2. Only if a row was refused (or the file had rows that could not be read): the first
   transaction is rolled back and every row is attempted again, each in a savepoint of its
   own, so that a refused row leaves nothing behind for the rows after it to trip on and
   every refusal is found in one run. The transaction is rolled back and
   ``ImportRejected`` lists them all.

A row whose source id its funder has already published is skipped (its later events are
still added if they are new), so importing the same file again appends nothing. While it
runs, the import holds the ledger's write lock: the API's writers wait for it to finish.

Who the ledger says wrote what: awards, competitions and their events are written as their
funder, with the key prefix ``import-<first 8 hex digits of the file's SHA-256>`` (the actor
reads ``funder:<org-id>:import-1a2b3c4d``), and organizations are registered by
``import:1a2b3c4d``; either names the very file that wrote them.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.awards.models import Award, AwardEvent
from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.competitions.schemas import CompetitionCreate, CompetitionEventCreate
from registry.core.db import Database
from registry.core.errors import FieldError, RegistryError, field_name, human_message
from registry.imports import collector
from registry.imports.report import ImportRejected, Problem, Summary
from registry.imports.rows import (
    PUBLICATION,
    AwardRow,
    CompetitionRow,
    EventRow,
    EventsRow,
    OrganizationRef,
    Row,
    Unreadable,
    field_for,
    source_mark,
)
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationCreate
from registry.reference.money import InvalidAmount, format_amount, parse_amount

DIGEST_PREFIX_LENGTH: Final = 8
CHUNK: Final = 5000
"""Award rows the fast pass writes together: one ledger append for their publications, one
for the organizations they bring, and the search index refreshed once for all of them. (On
20,000 grants, 500 rows a chunk took 13.7 s, 2,000 took 11.2 s and 5,000 took 10.6–10.8 s:
fewer statements, longer COPYs. Every query of a chunk's ids stays far inside SQLite's
32,766 parameters.)"""

_AWARD_EVENT: Final[TypeAdapter[Any]] = TypeAdapter(AwardEventCreate)
_COMPETITION_EVENT: Final[TypeAdapter[Any]] = TypeAdapter(CompetitionEventCreate)


IMPORT_KEY_PREFIX: Final = "import-"


def key_prefix(digest: str) -> str:
    """The key prefix an import writes awards under: ``import-`` and the file's hash."""
    return f"{IMPORT_KEY_PREFIX}{digest[:DIGEST_PREFIX_LENGTH]}"


def wrote(actor: str) -> bool:
    """Whether an import wrote the entry of ``actor`` (``funder:<org-id>:import-1a2b3c4d``): an
    API key's prefix is hex digits only, so it never begins with ``import-``."""
    return actor.rsplit(":", 1)[-1].startswith(IMPORT_KEY_PREFIX)


def registrar(digest: str) -> str:
    """The actor an import registers organizations as."""
    return f"import:{digest[:DIGEST_PREFIX_LENGTH]}"


def write(
    database: Database,
    rows: Sequence[Row],
    *,
    digest: str,
    signer: NoteSigner | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write ``rows`` (read from the file whose SHA-256 is ``digest``) or nothing at all.

    Raises ``ImportRejected`` listing every refused row; ``progress(done, total)`` is called
    after each row.
    """
    problems = [problem for row in rows if isinstance(row, Unreadable) for problem in row.problems]
    problems.extend(_duplicates(rows))
    with collector.fewer_collections():
        summary = None if problems else _write_or_stop(database, rows, digest, progress)
        if summary is None:
            summary = _write_every_row(database, rows, digest, progress, problems)
    if signer is not None:
        with database.session(write=True) as session:
            ledger_service.sign_if_stale(session, signer=signer)
    return summary


class _Stop(Exception):
    """The first refusal of the fast pass: roll it back and find every refusal."""


def _write_or_stop(
    database: Database,
    rows: Sequence[Row],
    digest: str,
    progress: Callable[[int, int], None] | None,
) -> Summary | None:
    """The fast pass: the file's summary, or None (and nothing written) at the first refusal."""
    summary = Summary(rows=len(rows))
    try:
        with database.session(write=True) as session:
            writer = _Writer(session, digest, summary, savepoints=False)
            _write_until_refused(writer, rows, progress)
            summary.ledger_size = ledger_service.size(session)
    except _Stop:
        return None
    return summary


def _write_until_refused(
    writer: "_Writer", rows: Sequence[Row], progress: Callable[[int, int], None] | None
) -> None:
    """Write every row; ``_Stop`` (raised inside the transaction, which it rolls back) at the
    first refused one. Consecutive award rows are written ``CHUNK`` at a time."""
    done = 0
    chunk: list[AwardRow] = []

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(rows))

    def write_chunk() -> None:
        if chunk and writer.write_awards(chunk):
            raise _Stop
        advance(len(chunk))
        chunk.clear()

    for row in rows:
        if isinstance(row, AwardRow):
            chunk.append(row)
            if len(chunk) == CHUNK:
                write_chunk()
            continue
        write_chunk()
        if not isinstance(row, Unreadable) and writer.write(row):
            raise _Stop
        advance(1)
    write_chunk()


def _write_every_row(
    database: Database,
    rows: Sequence[Row],
    digest: str,
    progress: Callable[[int, int], None] | None,
    problems: list[Problem],
) -> Summary:
    """The thorough pass: every row in its own savepoint. Raises ``ImportRejected`` listing
    ``problems`` and every refused row; returns the summary only if no row is refused (as
    when the fast pass met a refusal that a concurrent writer has since cleared)."""
    summary = Summary(rows=len(rows))
    with database.session(write=True) as session:
        writer = _Writer(session, digest, summary, savepoints=True)
        for done, row in enumerate(rows, start=1):
            if not isinstance(row, Unreadable):
                problems.extend(writer.write(row))
            if progress is not None:
                progress(done, len(rows))
        if problems:
            # Raised inside the transaction, so that it is rolled back.
            raise ImportRejected(_in_file_order(problems, rows), rows=len(rows))
        summary.ledger_size = ledger_service.size(session)
    return summary


def _duplicates(rows: Sequence[Row]) -> list[Problem]:
    """A source id twice in one file for one funder: which of the two is meant is unknown,
    so the second is refused rather than silently skipped as "already present"."""
    seen: dict[tuple[str, str, str], str] = {}
    problems: list[Problem] = []
    for row in rows:
        if isinstance(row, Unreadable | EventsRow):
            continue
        kind = "award" if isinstance(row, AwardRow) else "competition"
        key = (kind, row.funder.org_id, row.source_id)
        if key in seen:
            problems.append(
                Problem(
                    row.row,
                    row.fields.get("source_id", "id"),
                    f"{row.source_id} is also at {seen[key]}; an id is unique per funder",
                )
            )
        else:
            seen[key] = row.row
    return problems


def _in_file_order(problems: list[Problem], rows: Sequence[Row]) -> list[Problem]:
    order = {row.row: index for index, row in enumerate(rows)}
    return sorted(problems, key=lambda problem: order.get(problem.row, -1))


class _Refused(Exception):
    """A row's refusal, its fields already named as the file names them."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@contextmanager
def _as_file_fields(
    fields: Mapping[str, str], default: str = "", body: object = None
) -> Iterator[None]:
    """Turn a service's or a schema's refusal into ``_Refused`` under the file's names.

    ``body``: what a schema validated, so that the tag a union of events puts in an error's
    location (``reported.document_url``) is dropped, as the API's errors drop it."""
    try:
        yield
    except RegistryError as exc:
        errors = exc.errors or [FieldError(field="", message=exc.detail)]
        raise _Refused(
            [(field_for(fields, error.field, default), error.message) for error in errors]
        ) from exc
    except ValidationError as exc:
        raise _Refused(
            [
                (
                    field_for(
                        fields,
                        field_name(["body", *error["loc"]], body) if error["loc"] else "",
                        default,
                    ),
                    human_message(error),
                )
                for error in exc.errors()
            ]
        ) from exc


class _Writer:
    """Writes rows in one session; counts go into ``summary`` only once a row has held."""

    def __init__(
        self, session: Session, digest: str, summary: Summary, *, savepoints: bool
    ) -> None:
        self.session = session
        self.savepoints = savepoints
        self.digest = digest
        self.summary = summary
        # Organizations known to be registered, so that each is looked up once per file; one
        # registered by a row counts only once that row has held (its savepoint may roll back).
        self.present: set[str] = set()
        self.pending: set[str] = set()

    def principal(self, funder_id: str) -> Principal:
        return Principal(Role.FUNDER, key_prefix=key_prefix(self.digest), organization_id=funder_id)

    def write(self, row: AwardRow | CompetitionRow | EventsRow) -> list[Problem]:
        counts = Summary()
        self.pending = set()
        try:
            with self.session.begin_nested() if self.savepoints else nullcontext():
                if isinstance(row, AwardRow):
                    self._award(row, counts)
                elif isinstance(row, CompetitionRow):
                    self._competition(row, counts)
                elif row.subject == "award":
                    self._later_award_events(row, counts)
                else:
                    self._later_competition_events(row, counts)
        except _Refused as exc:
            return [Problem(row.row, field, message) for field, message in exc.problems]
        self._held(counts)
        return []

    def write_awards(self, rows: Sequence[AwardRow]) -> bool:
        """The fast pass's way with a run of award rows: whether one was refused (then the
        caller rolls the whole file back, and the thorough pass says which and why).

        The rows' published source ids are read in one query; the new ones' organizations
        are registered in one append and their awards published in another
        (``award_service.publish_many``, the same rules as one by one); then their events,
        and the rows already published, are written as ``write`` writes them."""
        counts = Summary()
        self.pending = set()
        try:
            published = award_service.published_source_ids(
                self.session, [(row.funder.org_id, row.source_id) for row in rows]
            )
            new = [row for row in rows if (row.funder.org_id, row.source_id) not in published]
            writes = []
            for row in new:
                with _as_file_fields(row.fields):
                    data = AwardCreate.model_validate(self._in_competition(row))
                writes.append((self.principal(row.funder.org_id), data))
            self._organizations([ref for row in new for ref in (row.funder, row.recipient)], counts)
            with _as_file_fields({}):
                award_ids = award_service.publish_many(self.session, writes)
            counts.created += len(award_ids)
            with_events = [
                (row, award_id) for row, award_id in zip(new, award_ids, strict=True) if row.events
            ]
            awards = award_service.get_many(self.session, [award_id for _, award_id in with_events])
            batch: list[tuple[Principal, str, AwardEventCreate]] = []
            for row, award_id in with_events:
                self._award_events(awards[award_id], row.events, counts, new=True, batch=batch)
            self._add_events(batch)
        except _Refused:
            return True
        self._held(counts)
        return any(
            self.write(row) for row in rows if (row.funder.org_id, row.source_id) in published
        )

    def _held(self, counts: Summary) -> None:
        """Add the counts of rows that held to the file's summary."""
        self.present |= self.pending
        for name in (
            "created",
            "skipped",
            "organizations",
            "competitions",
            "competitions_skipped",
            "events",
            "events_skipped",
        ):
            setattr(self.summary, name, getattr(self.summary, name) + getattr(counts, name))
        self.summary.differences.extend(counts.differences)

    def _organizations(self, refs: Sequence[OrganizationRef], counts: Summary) -> None:
        """Register those of ``refs`` the registry lacks, in one append; each is looked up
        once per file."""
        wanted = {
            ref.org_id: ref
            for ref in refs
            if ref.org_id not in self.present and ref.org_id not in self.pending
        }
        if not wanted:
            return
        self.pending |= set(wanted)
        registered = organization_service.registered(self.session, set(wanted))
        missing = [ref for org_id, ref in wanted.items() if org_id not in registered]
        if not missing:
            return
        organizations = []
        for ref in missing:
            with _as_file_fields(ref.fields, ref.fields["org_id"]):
                organizations.append(
                    OrganizationCreate.model_validate(
                        {
                            "org_id": ref.org_id,
                            "name": ref.name,
                            "kind": ref.kind,
                            "region": ref.region,
                            "legal_form": ref.legal_form,
                        }
                    )
                )
        # A refusal is named under the first one's fields: exact for the thorough pass, which
        # registers a row's organizations one by one; the fast pass only needs to know.
        first = missing[0].fields
        with _as_file_fields(first, first["org_id"]):
            organization_service.register_many(
                self.session, actor=registrar(self.digest), organizations=organizations
            )
        counts.organizations += len(missing)

    def _in_competition(self, row: AwardRow) -> dict[str, Any]:
        """The row's award in the registry's competition the row names, if it names one,
        before it is read as an ``AwardCreate``: its instrument decides whether the award
        must give a period (a prize has none)."""
        if row.competition_source_id is None:
            return row.award
        competition = competition_service.find_by_source(
            self.session, row.funder.org_id, row.competition_source_id
        )
        if competition is None:
            missing = f"its competition {row.competition_source_id} is not in the registry"
            raise _Refused([(row.fields.get("competition_id", ""), missing)])
        # An award from a competition is of the competition's instrument; OCDS gives it on
        # the tender, which a release of the award need not repeat.
        return {**row.award, "competition_id": competition.id, "instrument": competition.instrument}

    def _award(self, row: AwardRow, counts: Summary) -> None:
        award = award_service.find_by_source(self.session, row.funder.org_id, row.source_id)
        with _as_file_fields(row.fields):
            data = AwardCreate.model_validate(self._in_competition(row))
        if award is None:
            self._organizations([row.funder], counts)
            self._organizations([row.recipient], counts)
            with _as_file_fields(row.fields):
                award = award_service.publish(
                    self.session, principal=self.principal(row.funder.org_id), data=data
                )
            counts.created += 1
            self._award_events(award, row.events, counts, new=True)
        else:
            counts.skipped += 1
            published = award_service.events(self.session, award.id)[0].body
            counts.differences.extend(_differences(row, award, published))
            self._award_events(award, row.events, counts)

    def _later_award_events(self, row: EventsRow, counts: Summary) -> None:
        award = award_service.find_by_source(self.session, row.funder_id, row.subject_source_id)
        if award is None:
            raise _Refused([("", f"its award {row.subject_source_id} is not in the registry")])
        self._award_events(award, row.events, counts)

    def _award_events(
        self,
        award: Award,
        events: Sequence[EventRow],
        counts: Summary,
        *,
        new: bool = False,
        batch: list[tuple[Principal, str, AwardEventCreate]] | None = None,
    ) -> None:
        """Add the events not yet recorded. The award's history is read once (not at all for
        an award this row published), and what is added is remembered alongside it.

        With ``batch`` (the fast pass's chunk), events are collected there for one append
        (``_add_events``); without it (the thorough pass) each is added at once, so that a
        refusal names its event."""
        if not events:
            return
        principal = self.principal(award.funder_id)
        known: list[tuple[str, dict[str, Any]]] = (
            [] if new else [(e.kind, e.body) for e in award_service.events(self.session, award.id)]
        )
        for event in events:
            if _award_event_recorded(event, known):
                counts.events_skipped += 1
                continue
            body = event.body
            if event.corrects is not None:
                if batch:
                    self._add_events(batch)  # the event it corrects may be waiting there
                history = award_service.events(self.session, award.id)
                body = {**body, "corrects": _corrected_seq(award, event, history)}
            with _as_file_fields(event.fields, event.fields.get("", ""), body):
                parsed = _AWARD_EVENT.validate_python(body)
                if batch is None:
                    award_service.add_events_many(self.session, [(principal, award.id, parsed)])
            if batch is not None:
                batch.append((principal, award.id, parsed))
            known.append((f"award.{parsed.type}", parsed.model_dump(mode="json")))
            counts.events += 1

    def _add_events(self, batch: list[tuple[Principal, str, AwardEventCreate]]) -> None:
        """Add the collected events in one append; a refusal is only known to be one of them."""
        if batch:
            with _as_file_fields({}):
                award_service.add_events_many(self.session, batch)
            batch.clear()

    def _competition(self, row: CompetitionRow, counts: Summary) -> None:
        with _as_file_fields(row.fields):
            data = CompetitionCreate.model_validate(row.competition)
        competition = competition_service.find_by_source(
            self.session, row.funder.org_id, row.source_id
        )
        if competition is None:
            self._organizations([row.funder], counts)
            with _as_file_fields(row.fields):
                competition = competition_service.publish(
                    self.session, principal=self.principal(row.funder.org_id), data=data
                )
            counts.competitions += 1
        else:
            counts.competitions_skipped += 1
        self._competition_events(competition, row.events, counts)

    def _later_competition_events(self, row: EventsRow, counts: Summary) -> None:
        competition = competition_service.find_by_source(
            self.session, row.funder_id, row.subject_source_id
        )
        if competition is None:
            raise _Refused(
                [("", f"its competition {row.subject_source_id} is not in the registry")]
            )
        self._competition_events(competition, row.events, counts)

    def _competition_events(
        self, competition: Competition, events: Sequence[EventRow], counts: Summary
    ) -> None:
        principal = self.principal(competition.funder_id)
        for event in events:
            recorded = _recorded(
                event.body for event in competition_service.events(self.session, competition.id)
            )
            if _competition_event_recorded(competition, event, recorded):
                counts.events_skipped += 1
                continue
            with _as_file_fields(event.fields, event.fields.get("", ""), event.body):
                parsed = _COMPETITION_EVENT.validate_python(event.body)
                competition = competition_service.add_event(
                    self.session, principal=principal, competition_id=competition.id, event=parsed
                )
            counts.events += 1


def _recorded(bodies: Iterable[dict[str, Any]]) -> str:
    """Every earlier event's body as one text, to look for source marks in."""
    return "\n".join(json.dumps(body, ensure_ascii=False) for body in bodies)


def _award_event_recorded(event: EventRow, history: Sequence[tuple[str, dict[str, Any]]]) -> bool:
    """An award event is known by the source mark in its note or reason; a report, which
    has neither, by its date and summary."""
    if event.body.get("type") == "reported":
        wanted = TypeAdapter(Any).dump_python(
            {"date": event.body.get("date"), "summary": event.body.get("summary")}, mode="json"
        )
        return any(
            kind == "award.reported"
            and body.get("date") == wanted["date"]
            and body.get("summary") == wanted["summary"]
            for kind, body in history
        )
    mark = source_mark(event.source_id)
    return any(mark in _recorded([body]) for _, body in history)


def _corrected_seq(award: Award, event: EventRow, history: Sequence[AwardEvent]) -> int:
    """The ledger seq of the event ``event`` corrects, found by its source mark."""
    if event.corrects == PUBLICATION:
        return award.published_seq
    mark = source_mark(str(event.corrects))
    for earlier in history:
        if earlier.kind != "award.corrected" and mark in _recorded([earlier.body]):
            return earlier.seq
    if event.corrects_body is not None:  # a report: known by its date and summary
        target = EventRow(str(event.corrects), event.corrects_body, {})
        for earlier in history:
            if _award_event_recorded(target, [(earlier.kind, earlier.body)]):
                return earlier.seq
    raise _Refused(
        [(event.fields.get("", ""), f"the event it corrects ({event.corrects}) is not recorded")]
    )


def _competition_event_recorded(competition: Competition, event: EventRow, recorded: str) -> bool:
    """A competition is cancelled and its results published once: those two are known by
    the competition's state; an amendment by the source mark in its reason."""
    kind = event.body.get("type")
    if kind == "cancelled":
        return competition.state == "cancelled"
    if kind == "results_published":
        return competition.state == "results_published"
    return source_mark(event.source_id) in recorded


def _differences(row: AwardRow, award: Award, published: Mapping[str, Any]) -> list[Problem]:
    """Where a row that is already published disagrees with the registry: reported, never
    written (an import does not amend; the funder publishes an amendment or a correction).

    A row that gives the award as it was published (OCDS: later releases carry the
    amendments) is compared with the publication; one that gives it as it now stands
    (360Giving) with the award's current figures."""
    if row.as_published:
        period = published.get("period") or {}
        registry: dict[str, object] = {
            "currency": published.get("currency"),
            "amount": published.get("amount"),
            "recipient_id": published.get("recipient_id"),
            "award_date": _as_date(published.get("award_date")),
            "period.start": _as_date(period.get("start")),
            "period.end": _as_date(period.get("end")),
        }
    else:
        registry = {
            "currency": award.currency,
            "amount": format_amount(award.amount_minor, award.currency),
            "recipient_id": award.recipient_id,
            "award_date": award.award_date,
            "period.start": award.period_start,
            "period.end": award.period_end,
        }
    wanted = row.award
    period = wanted.get("period") or {}
    try:
        amount: object = format_amount(
            parse_amount(str(wanted.get("amount")), award.currency), award.currency
        )
    except InvalidAmount:
        amount = wanted.get("amount")
    in_file: dict[str, object] = {
        "currency": wanted.get("currency"),
        "amount": amount,
        "recipient_id": wanted.get("recipient_id"),
        "award_date": _as_date(wanted.get("award_date")),
        "period.start": _as_date(period.get("start")),
        "period.end": _as_date(period.get("end")),
    }
    return [
        Problem(
            row.row,
            field_for(row.fields, name),
            f"the registry has {registry[name]}, the file {in_file[name]}; left as it is",
        )
        for name in in_file
        if registry[name] != in_file[name]
    ]


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
