"""Public oversight: an overseer's conclusion, the addressed body's answer, and the clock.

Every step is a ledger entry (``oversight.*``); nothing is edited in place. The deadline is
not a write: the submission (or escalation) entry records how many calendar days the body has
and in which time zone they are counted, and the deadline follows from the entry's own ledger
time, so anyone holding the ledger can recompute it. A conclusion unanswered after its deadline
is overdue by the clock alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import journal
from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.awards.models import Award
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.core import clock
from registry.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from registry.core.ids import next_id
from registry.core.messages import N_, Region, Rule
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import service as organization_service
from registry.organizations.models import Organization
from registry.organizations.schemas import STATE_KINDS, OrganizationKind
from registry.oversight.models import Conclusion, ConclusionEvent, ConclusionRound
from registry.oversight.schemas import (
    BODY_EVENTS,
    Acknowledged,
    Attachment,
    ConclusionCreate,
    ConclusionEventCreate,
    ConclusionStatus,
    Decision,
    Escalated,
    Extended,
    SubjectType,
    Withdrawn,
)
from registry.reference.countries import HOME_COUNTRIES
from registry.reference.zones import local_zone

SUBMITTED = "oversight.submitted"
EVENT_KINDS = {
    "acknowledged": "oversight.acknowledged",
    "extended": "oversight.extended",
    "answered": "oversight.answered",
    "withdrawn": "oversight.withdrawn",
    "escalated": "oversight.escalated",
}
ID_PREFIX = "OVS"
ID_WIDTH = 5


@dataclass(frozen=True)
class Deadline:
    due_date: date  # the last day to answer, in the body's zone
    due_at: datetime  # the first instant after it, UTC
    time_zone: str


def deadline(addressed_at: datetime, days: int, time_zone: str) -> Deadline:
    """``days`` calendar days after the day the body received it, in its own time zone: a
    conclusion received on 3 March with 30 days is due by the end of 2 April, local time."""
    zone = ZoneInfo(time_zone)
    due_date = addressed_at.astimezone(zone).date() + timedelta(days=days)
    return _deadline_on(due_date, time_zone)


def _deadline_on(due_date: date, time_zone: str) -> Deadline:
    end = datetime.combine(due_date + timedelta(days=1), time(0), tzinfo=ZoneInfo(time_zone))
    return Deadline(due_date=due_date, due_at=end.astimezone(UTC), time_zone=time_zone)


def extended(current: Deadline, days: int) -> Deadline:
    return _deadline_on(current.due_date + timedelta(days=days), current.time_zone)


def calendar_days(start: datetime, end: datetime, time_zone: str) -> int:
    zone = ZoneInfo(time_zone)
    return (end.astimezone(zone).date() - start.astimezone(zone).date()).days


def status(conclusion: Conclusion, now: datetime | None = None) -> ConclusionStatus:
    if conclusion.withdrawn_at is not None:
        return ConclusionStatus.WITHDRAWN
    if conclusion.answered_at is not None:
        return ConclusionStatus.ANSWERED
    if (now or clock.now()) >= conclusion.due_at:
        return ConclusionStatus.OVERDUE
    if conclusion.acknowledged_at is not None:
        return ConclusionStatus.ACKNOWLEDGED
    if conclusion.round > 0:
        return ConclusionStatus.ESCALATED
    return ConclusionStatus.SUBMITTED


def _zone_of(body: Organization) -> str:
    return local_zone(body.region, body.country, body.org_id).key


NOT_REGISTERED: Final = N_("no organization %(org_id)s is registered")
AN_NGO: Final = {
    "addressed to": N_("%(org_id)s is an NGO; a conclusion is addressed to a state body"),
    "about the work of": N_("%(org_id)s is an NGO; a conclusion is about the work of a state body"),
}
"""What an NGO named where a state body belongs is told, by what the field makes it."""


def _body(session: Session, org_id: str, *, field: str, role: str = "addressed to") -> Organization:
    """A state body that can be a funder subject: registered, not an NGO. ``role``: what the
    field makes it, for the refusal's words (``AN_NGO``)."""
    canonical = organization_service.canonical_org_id(org_id, field=field)
    body = organization_service.find(session, canonical)
    if body is None:
        raise Unprocessable.for_field(field, Rule(NOT_REGISTERED, org_id=canonical))
    if body.kind == OrganizationKind.NGO:
        raise Unprocessable.for_field(field, Rule(AN_NGO[role], org_id=canonical))
    return body


@dataclass(frozen=True)
class CheckedSubject:
    """What a conclusion is about, checked: its type, canonical id, and country (an award's
    or a competition's region's, else its funder's; a funder's own)."""

    type: str
    id: str
    country: str

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "id": self.id}


ADDRESSEE_KINDS = ", ".join(sorted(STATE_KINDS))


def _addressee(
    session: Session, org_id: str, *, field: str, subject: CheckedSubject
) -> Organization:
    """The state body a conclusion is addressed or escalated to (``field``): registered, of a
    state kind (``STATE_KINDS``: a state body, a public fund or the grant operator, never an
    NGO nor an organization of kind ``other`` such as a public council), and of the country
    of the conclusion's subject, whose public record the conclusion then counts on."""
    canonical = organization_service.canonical_org_id(org_id, field=field)
    body = organization_service.find(session, canonical)
    if body is None:
        raise Unprocessable.for_field(field, Rule(NOT_REGISTERED, org_id=canonical))
    if body.kind == OrganizationKind.NGO:
        raise Unprocessable.for_field(
            field,
            Rule(
                "%(org_id)s is an NGO, not a state body; a conclusion is addressed to a state "
                "body (kind %(kinds)s), which must answer it",
                org_id=canonical,
                kinds=ADDRESSEE_KINDS,
            ),
        )
    if body.kind not in STATE_KINDS:
        raise Unprocessable.for_field(
            field,
            Rule(
                "%(org_id)s is of kind %(kind)s, not a state body; a conclusion is addressed to "
                "a state body (kind %(kinds)s), which must answer it",
                org_id=canonical,
                kind=str(body.kind),
                kinds=ADDRESSEE_KINDS,
            ),
        )
    if subject.country in HOME_COUNTRIES and body.country != subject.country:
        raise Unprocessable.for_field(
            field,
            Rule(
                OTHER_COUNTRY[subject.type],
                org_id=canonical,
                id=subject.id,
                country=Region(subject.country),
            ),
        )
    return body


OTHER_COUNTRY: Final = {
    SubjectType.AWARD.value: N_(
        "%(org_id)s is not in the country of award %(id)s (%(country)s); a conclusion is "
        "addressed to a state body of its subject's country"
    ),
    SubjectType.COMPETITION.value: N_(
        "%(org_id)s is not in the country of competition %(id)s (%(country)s); a conclusion is "
        "addressed to a state body of its subject's country"
    ),
    SubjectType.FUNDER.value: N_(
        "%(org_id)s is not in the country of funder %(id)s (%(country)s); a conclusion is "
        "addressed to a state body of its subject's country"
    ),
}
"""What an addressee of another country than the conclusion's subject is told, one sentence
for each kind of subject, as each language names it."""

NO_SUBJECT: Final = {
    SubjectType.AWARD.value: N_("no award %(id)s"),
    SubjectType.COMPETITION.value: N_("no competition %(id)s"),
}
"""What a conclusion about an award or a competition not registered is told."""


def _check_subject(session: Session, data: ConclusionCreate) -> CheckedSubject:
    subject = data.subject
    try:
        if subject.type is SubjectType.AWARD or subject.type is SubjectType.COMPETITION:
            found: Award | Competition = (
                award_service.get(session, subject.id, field="subject.id")
                if subject.type is SubjectType.AWARD
                else competition_service.get(session, subject.id, field="subject.id")
            )
            return CheckedSubject(subject.type.value, found.id, _country(session, found))
    except NotFound as exc:
        raise Unprocessable.for_field(
            "subject.id", Rule(NO_SUBJECT[subject.type.value], id=subject.id)
        ) from exc
    funder = _body(session, subject.id, field="subject.id", role="about the work of")
    return CheckedSubject(subject.type.value, funder.org_id, funder.country)


def _country(session: Session, found: Award | Competition) -> str:
    if found.region:
        return found.region[:2]
    funder = organization_service.find(session, found.funder_id)
    return funder.country if funder is not None else found.funder_id[:2]


def _subject_of(session: Session, conclusion: Conclusion) -> CheckedSubject:
    """The subject of a recorded conclusion, as ``_check_subject`` made it."""
    found: Award | Competition | None = None
    if conclusion.subject_type == SubjectType.AWARD:
        found = award_service.get(session, conclusion.subject_id)
    elif conclusion.subject_type == SubjectType.COMPETITION:
        found = competition_service.get(session, conclusion.subject_id)
    if found is not None:
        country = _country(session, found)
    else:
        funder = organization_service.find(session, conclusion.subject_id)
        country = funder.country if funder is not None else conclusion.subject_id[:2]
    return CheckedSubject(conclusion.subject_type, conclusion.subject_id, country)


def submit(
    session: Session, *, principal: Principal, data: ConclusionCreate, answer_days: int
) -> Conclusion:
    overseer_id = organization_service.canonical_org_id(data.overseer_id, field="overseer_id")
    principal.check_acts_for(overseer_id, field="overseer_id")
    attachments = _attachments(data.attachments)
    ledger_service.lock(session)
    subject = _check_subject(session, data)
    body = _addressee(session, data.addressed_to, field="addressed_to", subject=subject)
    zone = _zone_of(body)
    conclusion_id = next_id(
        session, Conclusion.id, ID_PREFIX, clock.now().astimezone(ZoneInfo(zone)).year, ID_WIDTH
    )
    entry_body: dict[str, Any] = {
        "id": conclusion_id,
        "overseer_id": overseer_id,
        "addressed_to": body.org_id,
        "subject": subject.as_dict(),
        "title": data.title.as_dict(),
        "findings": data.findings.as_dict(),
        "recommendations": data.recommendations.as_dict() if data.recommendations else None,
        "attachments": attachments,
        "answer_days": answer_days,
        "time_zone": zone,
    }
    journal.record(
        session,
        [NewEntry(kind=SUBMITTED, subject=conclusion_id, actor=principal.actor, body=entry_body)],
    )
    return get(session, conclusion_id)


def add_event(
    session: Session,
    *,
    principal: Principal,
    conclusion_id: str,
    event: ConclusionEventCreate,
    answer_days: int,
    id_field: str = "path.conclusion_id",
) -> Conclusion:
    """Record ``event``; an unknown conclusion is a ``NotFound`` naming ``id_field``, where
    ``conclusion_id`` came from."""
    ledger_service.lock(session)
    conclusion = get(session, conclusion_id, field=id_field)
    if event.type in BODY_EVENTS:
        if principal.role is not Role.FUNDER:
            raise Forbidden(
                Rule(
                    "only the addressed body (%(body_id)s) may do this", body_id=conclusion.body_id
                )
            )
        principal.check_acts_for(conclusion.body_id)
    else:
        if principal.role is not Role.OVERSEER:
            raise Forbidden(
                Rule(
                    "only the overseer (%(overseer_id)s) may do this",
                    overseer_id=conclusion.overseer_id,
                )
            )
        principal.check_acts_for(conclusion.overseer_id)
    if conclusion.withdrawn_at is not None:
        raise Conflict.for_field("type", Rule("the overseer withdrew this conclusion"))
    current = current_round(session, conclusion)
    now = clock.now()  # under the ledger's lock: the entry is stamped with this very time
    body = _event_body(session, conclusion, current, event, now, answer_days)
    journal.record(
        session,
        [
            NewEntry(
                kind=EVENT_KINDS[event.type],
                subject=conclusion_id,
                actor=principal.actor,
                body=body,
            )
        ],
        at=now,
    )
    return get(session, conclusion_id)


def _event_body(
    session: Session,
    conclusion: Conclusion,
    current: ConclusionRound,
    event: ConclusionEventCreate,
    now: datetime,
    answer_days: int,
) -> dict[str, Any]:
    """The entry's body, once the event's rules hold; a 409 or 422 naming the field if not."""
    if isinstance(event, Withdrawn | Escalated):
        if isinstance(event, Escalated):
            return _escalation(session, conclusion, current, event, now, answer_days)
        if current.answered_at is not None:
            raise Conflict.for_field(
                "type", Rule("it is answered; a withdrawal comes before an answer")
            )
        return {"reason": event.reason}
    if current.answered_at is not None:
        raise Conflict.for_field(
            "type", Rule("%(org_id)s already answered it", org_id=current.body_id)
        )
    if isinstance(event, Acknowledged):
        if current.acknowledged_at is not None:
            raise Conflict.for_field(
                "type", Rule("%(org_id)s already acknowledged it", org_id=current.body_id)
            )
        return {"body_id": current.body_id, "note": event.note.as_dict() if event.note else None}
    if isinstance(event, Extended):
        return _extension(current, event, now, answer_days)
    if event.decision is not Decision.REJECTED and event.measures is None:
        raise Unprocessable.for_field(
            "measures", Rule("say what will be done when accepting, even in part")
        )
    return {
        "body_id": current.body_id,
        "decision": event.decision.value,
        "reasons": event.reasons.as_dict(),
        "measures": event.measures.as_dict() if event.measures else None,
        "attachments": _attachments(event.attachments),
    }


def _attachments(attachments: Sequence[Attachment]) -> list[dict[str, Any]]:
    """The documents as the entry records them; the same document (by its SHA-256) listed
    twice is refused, naming the second."""
    seen: dict[str, int] = {}
    for index, attachment in enumerate(attachments):
        first = seen.setdefault(attachment.sha256, index)
        if first != index:
            raise Unprocessable.for_field(
                f"attachments.{index}.sha256",
                Rule(
                    "the same document as %(first)s (the same SHA-256): list each document once",
                    first=f"attachments.{first}",
                ),
            )
    return [attachment.model_dump(exclude_none=True) for attachment in attachments]


def _extension(
    current: ConclusionRound, event: Extended, now: datetime, answer_days: int
) -> dict[str, Any]:
    if current.extended_days is not None:
        raise Conflict.for_field("type", Rule("the deadline was already extended once"))
    if now >= current.due_at:
        raise Conflict.for_field(
            "type",
            Rule(
                "the deadline (%(due)s) has passed; an extension comes before",
                due=current.due_date,
            ),
        )
    if event.days > answer_days:
        raise Unprocessable.for_field("days", Rule("at most %(days)s days", days=answer_days))
    return {"body_id": current.body_id, "days": event.days, "reason": event.reason}


ANSWERED_NOT_REJECTED: Final = {
    True: N_(
        "%(org_id)s answered it (accepted); a conclusion is escalated when it is overdue or "
        "rejected"
    ),
    False: N_(
        "%(org_id)s answered it (partly accepted); a conclusion is escalated when it is overdue "
        "or rejected"
    ),
}
"""What an escalation of a conclusion answered otherwise than rejected is told: accepted
(True) or partly."""


def _escalation(
    session: Session,
    conclusion: Conclusion,
    current: ConclusionRound,
    event: Escalated,
    now: datetime,
    answer_days: int,
) -> dict[str, Any]:
    """To a higher body, when the body addressed now let the deadline pass or rejected it; and
    again from that body on the same terms (a khokimiyat, then its ministry, then the Cabinet):
    each round is one body's turn, and a body is addressed once."""
    if current.answered_at is not None and current.decision != Decision.REJECTED:
        accepted = ANSWERED_NOT_REJECTED[current.decision == Decision.ACCEPTED]
        raise Conflict.for_field("type", Rule(accepted, org_id=current.body_id))
    if current.answered_at is None and now < current.due_at:
        raise Conflict.for_field(
            "type",
            Rule(
                "a conclusion is escalated when it is overdue or rejected (it is due by %(due)s)",
                due=current.due_date,
            ),
        )
    higher = _addressee(session, event.to, field="to", subject=_subject_of(session, conclusion))
    addressed = set(
        session.execute(
            select(ConclusionRound.body_id).where(ConclusionRound.conclusion_id == conclusion.id)
        ).scalars()
    )
    if higher.org_id in addressed:
        raise Unprocessable.for_field(
            "to", Rule("%(org_id)s was already addressed", org_id=higher.org_id)
        )
    return {
        "to": higher.org_id,
        "reason": event.reason,
        "answer_days": answer_days,
        "time_zone": _zone_of(higher),
    }


def get(session: Session, conclusion_id: str, *, field: str = "path.conclusion_id") -> Conclusion:
    """The conclusion ``conclusion_id``; ``NotFound`` naming ``field``, where the id came
    from: the path parameter of the API's and the portal's routes, unless the caller names a
    body field."""
    conclusion = session.get(Conclusion, conclusion_id)
    if conclusion is None:
        raise NotFound.for_field(field, f"no conclusion {conclusion_id}")
    return conclusion


def current_round(session: Session, conclusion: Conclusion) -> ConclusionRound:
    found = session.get(ConclusionRound, (conclusion.id, conclusion.round))
    assert found is not None, f"conclusion {conclusion.id} has no round {conclusion.round}"
    return found


def rounds(session: Session, conclusion_id: str) -> list[ConclusionRound]:
    statement = (
        select(ConclusionRound)
        .where(ConclusionRound.conclusion_id == conclusion_id)
        .order_by(ConclusionRound.round)
    )
    return list(session.execute(statement).scalars())


def events(session: Session, conclusion_id: str) -> list[ConclusionEvent]:
    statement = (
        select(ConclusionEvent)
        .where(ConclusionEvent.conclusion_id == conclusion_id)
        .order_by(ConclusionEvent.seq)
    )
    return list(session.execute(statement).scalars())


def about(session: Session, subject_type: SubjectType, subject_id: str) -> list[Conclusion]:
    """The conclusions about one award, competition or funder, newest first."""
    return about_many(session, subject_type, [subject_id])[subject_id]


def about_many(
    session: Session, subject_type: SubjectType, subject_ids: Sequence[str]
) -> dict[str, list[Conclusion]]:
    """The conclusions about each of these subjects, newest first, in one query."""
    found: dict[str, list[Conclusion]] = {subject_id: [] for subject_id in subject_ids}
    statement = (
        select(Conclusion)
        .where(
            Conclusion.subject_type == subject_type.value,
            Conclusion.subject_id.in_(found),
        )
        .order_by(Conclusion.submitted_seq.desc())
    )
    for conclusion in session.execute(statement).scalars():
        found[conclusion.subject_id].append(conclusion)
    return found
