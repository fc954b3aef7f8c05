"""Every award entry re-folds the award from its events (``rules.fold``), so corrections and
amendments land exactly as the rules read them, live and on replay alike. The award's share of
the competition's committed total and of the award rollup moves with it, in the same
transaction."""

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import journal
from registry.awards import legal, rules
from registry.awards import service as award_service
from registry.awards.models import Award, AwardEvent
from registry.competitions import projection as competition_projection
from registry.core.db import table_of
from registry.journal import Recorded, projector
from registry.publication import rollup

_SLICE: Final = 1000  # awards per history query, inside either database's parameter limit
AWARD_KINDS = (
    "award.published",
    "award.amended",
    "award.disbursed",
    "award.reported",
    "award.completed",
    "award.terminated",
    "award.corrected",
)


@projector(*AWARD_KINDS)
def award_event(session: Session, entry: Recorded) -> None:
    if entry.kind == rules.PUBLISHED:
        _published(session, entry)
        return
    event = AwardEvent(**event_values(entry))
    read = _read(session)
    award = read.awards[entry.subject]
    before_committed = _committed(award)
    before_rollup = rollup.contribution(award)
    journal.add_new(session, event)
    history = read.histories[award.id]
    history.append(event)
    state = rules.fold([rules.Event(e.seq, e.kind, e.body) for e in history])
    for earlier in history:
        earlier.corrected_by = state.corrected_seqs.get(earlier.seq)
        earlier.voided = earlier.seq in state.voided_seqs
    for name, value in _state_values(award.currency, award.instrument, state, entry.seq).items():
        if getattr(award, name) != value:  # the unit of work then has only changes to diff
            setattr(award, name, value)
    rollup.move(session, before_rollup, rollup.contribution(award))
    if award.competition_id is not None:
        competition_projection.commit(
            session,
            award.competition_id,
            amount_delta=_committed(award) - before_committed,
            count_delta=0,
        )


def event_values(entry: Recorded) -> dict[str, Any]:
    """The ``award_events`` row of an entry, as it is first projected."""
    return {
        "seq": entry.seq,
        "award_id": entry.subject,
        "kind": entry.kind,
        "time": entry.time,
        "actor": entry.actor,
        "body": entry.body,
        "corrected_by": None,
        "voided": False,
    }


def _published(session: Session, entry: Recorded) -> None:
    """A new award: its row made as plain values, inserted with the batch's (``add_new``),
    never an object of the session."""
    award = published_values(entry)
    journal.add_new_values(session, table_of(Award), award)
    journal.add_new_values(session, table_of(AwardEvent), event_values(entry))
    rollup.move(session, None, rollup.contribution_of(award))
    if award["competition_id"] is not None:
        competition_projection.commit(
            session,
            award["competition_id"],
            amount_delta=_committed_minor(
                award["status"], award["amount_minor"], award["disbursed_minor"]
            ),
            count_delta=1,
        )


def published_values(entry: Recorded) -> dict[str, Any]:
    """The ``awards`` row an ``award.published`` entry makes: every column's value."""
    body = entry.body
    state = rules.fold([rules.Event(entry.seq, entry.kind, body)])
    return {
        "id": body["id"],
        "competition_id": body["competition_id"],
        "funder_id": body["funder_id"],
        "recipient_id": body["recipient_id"],
        "recipient_name": body["recipient_name"],
        "instrument": body["instrument"],
        "currency": body["currency"],
        "source_id": body.get("source_id"),
        "published_at": entry.time,
        "published_seq": entry.seq,
        **_state_values(body["currency"], body["instrument"], state, entry.seq),
    }


_READ = "award histories"


@dataclass(frozen=True)
class _Read:
    awards: dict[str, Award]
    histories: dict[str, list[AwardEvent]]  # each award's events, in seq order


def _read(session: Session) -> _Read:
    """The awards the batch (a run of entries of one kind) adds events to, with their events:
    read once, two queries per slice of awards, and kept up to date as the batch's events are
    projected. One entry at a time this cost a flush and a query per entry; an import's
    chunk, thousands."""
    state = journal.batch(session).state
    read: _Read | None = state.get(_READ)
    if read is not None:
        return read
    entries = journal.batch(session).entries
    wanted = list(
        dict.fromkeys(
            entry.subject
            for entry in entries
            if entry.kind in AWARD_KINDS and entry.kind != rules.PUBLISHED
        )
    )
    read = _Read(awards={}, histories={award_id: [] for award_id in wanted})
    for start in range(0, len(wanted), _SLICE):
        ids = wanted[start : start + _SLICE]
        read.awards.update(award_service.get_many(session, ids))
        events = select(AwardEvent).where(AwardEvent.award_id.in_(ids))
        for event in session.scalars(events.order_by(AwardEvent.award_id, AwardEvent.seq)):
            read.histories[event.award_id].append(event)
    missing = set(wanted) - set(read.awards)
    assert not missing, f"events before publication for {sorted(missing)}"
    state[_READ] = read
    return read


def _committed(award: Award) -> int:
    return _committed_minor(award.status, award.amount_minor, award.disbursed_minor)


def _committed_minor(status: str, amount_minor: int, disbursed_minor: int) -> int:
    """What counts against a competition's budget: a terminated award only what it paid."""
    return disbursed_minor if status == "terminated" else amount_minor


def _state_values(
    currency: str, instrument: str, state: rules.AwardState, seq: int
) -> dict[str, Any]:
    """The award's columns that follow from its folded state."""
    published = state.published
    stated = published.get("legal_unit")
    return {
        "title": published["title"],
        "purpose": published["purpose"],
        "region": published["region"],
        "legal_basis": published["legal_basis"],
        "themes": published["themes"],
        "award_before_close": published["award_before_close"],
        "legal_unit": stated["unit"] if stated else None,
        "legal_multiplier": stated["multiplier"] if stated else None,
        "legal_unit_on": date.fromisoformat(stated["on"]) if stated else None,
        "legal_unit_value": int(stated["value"]) if stated else None,
        "cap_override": published.get("cap_override"),
        "size_band": legal.kazakh_band(
            currency, instrument, state.amount_minor, state.award_date, stated
        ),
        "amount_minor": state.amount_minor,
        "original_amount_minor": state.original_amount_minor,
        "disbursed_minor": state.disbursed_minor,
        "award_date": state.award_date,
        "period_start": state.period_start,
        "period_end": state.period_end,
        "status": state.status,
        "last_report_on": state.last_report_on,
        "completed_on": state.completed_on,
        "terminated_on": state.terminated_on,
        "termination_reason": state.termination_reason,
        "updated_seq": seq,
    }
