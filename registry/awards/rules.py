"""An award's current state, folded from its events: the one place its rules live.

The service folds the existing events plus a proposed one and refuses the proposal if any
rule breaks; the projector folds the same events to write the query row. A correction
replaces fields of the event it names (or voids it) before the fold, so the original entry
stays in the ledger and the state reads as if it had been right all along.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from registry.core.messages import N_, Money, Rule, said
from registry.reference.money import InvalidAmount, parse_amount

TERMINAL = frozenset({"completed", "terminated"})
ENDED: Final = {
    "completed": N_("the award is completed; only corrections may follow"),
    "terminated": N_("the award is terminated; only corrections may follow"),
}
"""What an event after the award's end is told, by how it ended."""
PUBLISHED = "award.published"
AMENDED = "award.amended"
CORRECTED = "award.corrected"


class RuleViolation(ValueError):
    """A rule an award's events break; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    body: dict[str, Any]


@dataclass
class AwardState:
    currency: str
    amount_minor: int
    original_amount_minor: int
    award_date: date
    period_start: date | None
    """None for a prize published without a period (it has none: a fixed sum, no project)."""
    period_end: date | None
    recipient_id: str
    published: dict[str, Any]
    disbursed_minor: int = 0
    status: str = "active"
    last_report_on: date | None = None
    first_report_on: date | None = None
    completed_on: date | None = None
    terminated_on: date | None = None
    termination_reason: str | None = None
    corrected_seqs: dict[int, int] = field(default_factory=dict)  # corrected seq -> by seq
    voided_seqs: frozenset[int] = frozenset()

    @property
    def committed_minor(self) -> int:
        """What counts against a competition's budget: a terminated award only what it paid."""
        return self.disbursed_minor if self.status == "terminated" else self.amount_minor


def effective_events(events: Sequence[Event]) -> tuple[list[Event], dict[int, int], set[int]]:
    """Apply every correction to the event it names; drop voided events and corrections."""
    bodies = {event.seq: dict(event.body) for event in events}
    kinds = {event.seq: event.kind for event in events}
    corrected: dict[int, int] = {}
    voided: set[int] = set()
    for event in events:
        if event.kind != CORRECTED:
            continue
        target = event.body["corrects"]
        if target not in kinds or target >= event.seq:
            raise RuleViolation(
                "corrects",
                Rule("entry %(seq)s is not an earlier event of this award", seq=str(target)),
            )
        if kinds[target] == CORRECTED:
            raise RuleViolation("corrects", Rule("correct the original event, not a correction"))
        if target in voided:
            raise RuleViolation(
                "corrects", Rule("entry %(seq)s was already voided", seq=str(target))
            )
        if event.body.get("void"):
            if kinds[target] == PUBLISHED:
                raise RuleViolation("void", Rule("the award itself cannot be voided; terminate it"))
            voided.add(target)
        else:
            bodies[target].update(event.body.get("changes") or {})
        corrected[target] = event.seq
    effective = [
        Event(event.seq, event.kind, bodies[event.seq])
        for event in events
        if event.kind != CORRECTED and event.seq not in voided
    ]
    return effective, corrected, voided


def _amount(body: dict[str, Any], currency: str, field: str) -> int:
    try:
        return parse_amount(body[field], currency)
    except InvalidAmount as exc:
        raise RuleViolation(field, said(exc)) from exc


def _date(body: dict[str, Any], field: str) -> date:
    try:
        return date.fromisoformat(body[field])
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleViolation(field, Rule("must be a date, YYYY-MM-DD")) from exc


def fold(events: Sequence[Event]) -> AwardState:
    """The award's state after ``events`` (in ledger order); ``RuleViolation`` if any breaks
    a rule: amounts positive in the currency's minor units, the period in order, disbursements
    never above the current amount, nothing but corrections after completion or termination."""
    effective, corrected, voided = effective_events(events)
    if not effective or effective[0].kind != PUBLISHED:
        raise RuleViolation("award", Rule("an award starts with its publication"))
    published = effective[0].body
    currency = published["currency"]
    amount = _amount(published, currency, "amount")
    state = AwardState(
        currency=currency,
        amount_minor=amount,
        original_amount_minor=amount,
        award_date=_date(published, "award_date"),
        period_start=None,
        period_end=None,
        recipient_id=published["recipient_id"],
        published=published,
        corrected_seqs=corrected,
        voided_seqs=frozenset(voided),
    )
    if published.get("period") is not None:
        state.period_start = _date(published["period"], "start")
        state.period_end = _date(published["period"], "end")
        _check_period(state)
    for event in effective[1:]:
        if state.status in TERMINAL:
            raise RuleViolation("type", Rule(ENDED[state.status]))
        apply = _APPLY.get(event.kind)
        if apply is None:
            raise RuleViolation("type", Rule("unknown award event %(kind)s", kind=event.kind))
        disbursed_before = state.disbursed_minor
        apply(state, event.body)
        if state.disbursed_minor > state.amount_minor:
            # A disbursement being made now is told what remained; a correction or a void that
            # leaves an earlier one (replayed here) over the amount is told the totals.
            paying = event.kind == "award.disbursed" and event.seq == events[-1].seq
            raise RuleViolation("amount", _over_disbursed(state, paying, disbursed_before))
    return state


def _over_disbursed(state: AwardState, paying: bool, disbursed_before: int) -> Rule:
    """Why the disbursed total would pass the awarded amount, with the figures a funder needs
    to put it right (found by a tester: the refusal said only that it would, while the award's
    page showed what remained): a disbursement being made, what remained of how much; any
    other change (an amendment, a correction, a void), how much is paid of how much."""
    if paying:
        return Rule(
            "the disbursed total would exceed the awarded amount: %(remaining)s remains to "
            "disburse of %(awarded)s",
            remaining=Money(state.amount_minor - disbursed_before, state.currency),
            awarded=Money(state.amount_minor, state.currency),
        )
    return Rule(
        "the disbursed total would exceed the awarded amount: %(disbursed)s is disbursed, "
        "more than the %(awarded)s awarded",
        disbursed=Money(state.disbursed_minor, state.currency),
        awarded=Money(state.amount_minor, state.currency),
    )


def _amended(state: AwardState, body: dict[str, Any]) -> None:
    if "amount" in body:
        state.amount_minor = _amount(body, state.currency, "amount")
    if "period" in body:
        state.period_start = _date(body["period"], "start")
        state.period_end = _date(body["period"], "end")
        _check_period(state)


def _disbursed(state: AwardState, body: dict[str, Any]) -> None:
    if _date(body, "date") < state.award_date:
        raise RuleViolation("date", Rule("a disbursement cannot precede the award date"))
    state.disbursed_minor += _amount(body, state.currency, "amount")


def _reported(state: AwardState, body: dict[str, Any]) -> None:
    state.last_report_on = _date(body, "date")
    if state.first_report_on is None or state.last_report_on < state.first_report_on:
        state.first_report_on = state.last_report_on


def _completed(state: AwardState, body: dict[str, Any]) -> None:
    state.status = "completed"
    state.completed_on = _date(body, "date")


def _terminated(state: AwardState, body: dict[str, Any]) -> None:
    state.status = "terminated"
    state.terminated_on = _date(body, "date")
    state.termination_reason = body["reason"]


_APPLY: dict[str, Callable[[AwardState, dict[str, Any]], None]] = {
    "award.amended": _amended,
    "award.disbursed": _disbursed,
    "award.reported": _reported,
    "award.completed": _completed,
    "award.terminated": _terminated,
}


def _check_period(state: AwardState) -> None:
    if state.period_start is None or state.period_end is None:
        return
    if state.period_end < state.period_start:
        raise RuleViolation("period", Rule("the implementation period ends before it starts"))


EARLIEST_AWARD_DATE: Final = date(2000, 1, 1)
"""Older grants belong in an archive: a date before it is almost always a typing slip."""


def check_new_dates(before: AwardState | None, after: AwardState, *, today: date) -> None:
    """The date rules a write is judged by when it is made, not part of :func:`fold`: a replay
    of an older ledger keeps what was accepted then, and "today" moves.

    Checked for a publication (``before`` is None) and for any later write that moves the
    award date or the period: the award date lies between 2000-01-01 and today, the
    implementation period does not start before the award is made, and an award date that
    moves is not after the award's reports, completion or termination
    (:func:`check_event_date`).
    """
    moved = before is None or (before.award_date, before.period_start) != (
        after.award_date,
        after.period_start,
    )
    if not moved:
        return
    if after.award_date < EARLIEST_AWARD_DATE:
        raise RuleViolation(
            "award_date",
            Rule("must be on or after %(earliest)s; check the year", earliest=EARLIEST_AWARD_DATE),
        )
    if after.award_date > today:
        raise RuleViolation(
            "award_date",
            Rule(
                "is in the future (today is %(today)s); publish an award once it is made",
                today=today,
            ),
        )
    if after.period_start is not None and after.period_start < after.award_date:
        raise RuleViolation(
            "period.start",
            Rule(
                "the implementation period cannot start before the award date %(award_date)s",
                award_date=after.award_date,
            ),
        )
    if before is not None and before.award_date == after.award_date:
        return  # only the period moved: older events are not judged again (they were then)
    happened = [
        day
        for day in (after.first_report_on, after.completed_on, after.terminated_on)
        if day is not None
    ]
    if happened and min(happened) < after.award_date:
        raise RuleViolation(
            "award_date",
            Rule(
                "is after a report, completion or termination of the award (%(date)s)",
                date=min(happened),
            ),
        )


DATED_EVENTS: Final = {
    "award.disbursed": (
        N_("a disbursement cannot be dated in the future (today is %(today)s)"),
        N_("a disbursement cannot be dated before the award date %(award_date)s"),
    ),
    "award.reported": (
        N_("a report cannot be dated in the future (today is %(today)s)"),
        N_("a report cannot be dated before the award date %(award_date)s"),
    ),
    "award.completed": (
        N_("a completion cannot be dated in the future (today is %(today)s)"),
        N_("a completion cannot be dated before the award date %(award_date)s"),
    ),
    "award.terminated": (
        N_("a termination cannot be dated in the future (today is %(today)s)"),
        N_("a termination cannot be dated before the award date %(award_date)s"),
    ),
}
"""The events that record what already happened to the award, with what an event of each
kind dated after today, and before the award date, is told."""


def check_event_date(kind: str, body: dict[str, Any], *, award_date: date, today: date) -> None:
    """A disbursement, report, completion or termination records what already happened: it
    is dated neither after today nor before the award was made. Judged when written, as
    :func:`check_new_dates` is: a disbursement before the award date is also a rule of
    :func:`fold`, which older ledgers already kept; the other events were recorded without
    these two rules, and replay as they were accepted."""
    told = DATED_EVENTS.get(kind)
    if told is None:
        return
    in_future, before_award = told
    day = _date(body, "date")
    if day > today:
        raise RuleViolation("date", Rule(in_future, today=today))
    if day < award_date:
        raise RuleViolation("date", Rule(before_award, award_date=award_date))


def check_changes_something(proposed: Event, history: Sequence[Event], before: AwardState) -> None:
    """An amendment that gives every field as the award already has it, or a correction that
    gives every field as the event it corrects already records it, is refused: it would be
    an entry that changes nothing. Judged when written, as :func:`check_new_dates` is, not
    part of :func:`fold`: such entries accepted before this rule replay as they were.

    An amendment is refused naming ``body`` (its fields are the body's), a correction naming
    ``changes``. A void always changes something."""
    if proposed.kind == AMENDED:
        _check_amendment_changes(proposed.body, before)
    elif proposed.kind == CORRECTED and not proposed.body.get("void"):
        _check_correction_changes(proposed.body, history, before.currency)


def _check_amendment_changes(body: dict[str, Any], before: AwardState) -> None:
    if "amount" in body and _amount(body, before.currency, "amount") != before.amount_minor:
        return
    if "period" in body:
        period = (_date(body["period"], "start"), _date(body["period"], "end"))
        if period != (before.period_start, before.period_end):
            return
    amount = Money(before.amount_minor, before.currency)
    start, end = before.period_start, before.period_end
    if start is None or end is None:
        return  # a prize's amendment giving a period: the service refuses it (it has none)
    if "amount" in body and "period" in body:
        raise RuleViolation(
            "body",
            Rule(
                "the amendment changes nothing: the amount is already %(amount)s and the "
                "period is already %(start)s to %(end)s; an amendment gives a new amount or "
                "period",
                amount=amount,
                start=start,
                end=end,
            ),
        )
    if "amount" in body:
        raise RuleViolation(
            "body",
            Rule(
                "the amendment changes nothing: the amount is already %(amount)s; an "
                "amendment gives a new amount or period",
                amount=amount,
            ),
        )
    if "period" in body:
        raise RuleViolation(
            "body",
            Rule(
                "the amendment changes nothing: the period is already %(start)s to %(end)s; "
                "an amendment gives a new amount or period",
                start=start,
                end=end,
            ),
        )


def _check_correction_changes(
    body: dict[str, Any], history: Sequence[Event], currency: str
) -> None:
    changes = body.get("changes") or {}
    effective, _, _ = effective_events(history)
    target = next((event for event in effective if event.seq == body.get("corrects")), None)
    if target is None or not changes:
        return  # not an event to correct: fold says so
    for name, value in changes.items():
        recorded = target.body.get(name)
        if name == "amount" and isinstance(value, str) and isinstance(recorded, str):
            if _amount(changes, currency, name) != _amount(target.body, currency, name):
                return
        elif value != recorded:
            return
    raise RuleViolation(
        "changes",
        Rule(
            "the correction changes nothing: entry %(seq)s already records %(fields)s as given",
            seq=str(target.seq),
            fields=", ".join(sorted(changes)),
        ),
    )
