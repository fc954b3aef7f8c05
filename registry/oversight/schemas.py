"""Public oversight conclusions: what an overseer submits, what a state body answers."""

import enum
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, StrictInt

from registry.core.schemas import (
    MEDIA_TYPE_PATTERN,
    HttpUrl,
    LocalizedText,
    LocalizedTextRead,
    NotBlank,
    Reason,
    Sha256,
    StrictInput,
    Verbatim,
    tag_required,
)


class SubjectType(enum.StrEnum):
    """What a conclusion is about."""

    AWARD = "award"
    COMPETITION = "competition"
    FUNDER = "funder"  # a state body's support of NGOs as a whole


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    PARTLY_ACCEPTED = "partly_accepted"
    REJECTED = "rejected"


class ConclusionStatus(enum.StrEnum):
    """Derived from the conclusion's entries and the clock, never stored.

    ``submitted`` → ``acknowledged`` → ``answered``; ``overdue`` once the deadline has passed
    without an answer; ``escalated`` once the overseer has taken it to a higher body (which
    then acknowledges and answers in turn); ``withdrawn`` by the overseer before an answer.
    """

    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    WITHDRAWN = "withdrawn"


class Subject(StrictInput):
    type: SubjectType
    id: Annotated[str, Field(min_length=1, max_length=100), NotBlank] = Field(
        description="An award id, a competition id, or the funder's org-id.",
        examples=["AWD-2026-000042"],
    )


class Attachment(StrictInput):
    """A document kept elsewhere, named by its hash: the registry stores no files."""

    sha256: Sha256 = Field(
        description="SHA-256 of the document's bytes: 64 lowercase hex characters.",
    )
    size: StrictInt = Field(
        ge=1,
        le=2**53 - 1,
        description="The document's size in bytes: an empty file is no document.",
    )
    name: Annotated[str, Field(min_length=1, max_length=300), NotBlank] | None = None
    media_type: (
        Annotated[str, Field(max_length=100, pattern=MEDIA_TYPE_PATTERN), Verbatim] | None
    ) = Field(default=None, examples=["application/pdf"])
    url: HttpUrl | None = Field(default=None, description="Where it is kept.")


class ConclusionCreate(StrictInput):
    overseer_id: str = Field(
        max_length=100, description="The overseer's org-id; an overseer key writes only its own."
    )
    addressed_to: str = Field(
        max_length=100, description="The org-id of the state body that must answer."
    )
    subject: Subject
    title: LocalizedText
    findings: LocalizedText
    recommendations: LocalizedText | None = None
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)


class Acknowledged(StrictInput):
    type: Literal["acknowledged"]
    note: LocalizedText | None = None


class Extended(StrictInput):
    type: Literal["extended"]
    days: StrictInt = Field(ge=1, le=365, description="Calendar days added to the deadline.")
    reason: Reason


class Answered(StrictInput):
    type: Literal["answered"]
    decision: Decision
    reasons: LocalizedText = Field(description="Why, always, whatever the decision.")
    measures: LocalizedText | None = Field(
        default=None,
        description="What the body will do; required when it accepts, wholly or in part.",
    )
    attachments: list[Attachment] = Field(default_factory=list, max_length=50)


class Withdrawn(StrictInput):
    type: Literal["withdrawn"]
    reason: Reason


class Escalated(StrictInput):
    type: Literal["escalated"]
    to: str = Field(max_length=100, description="The org-id of the higher body.")
    reason: Reason


_ConclusionEvents = Acknowledged | Extended | Answered | Withdrawn | Escalated
ConclusionEventCreate = Annotated[
    _ConclusionEvents,
    Discriminator("type"),
    tag_required("type", _ConclusionEvents),
]
BODY_EVENTS = frozenset({"acknowledged", "extended", "answered"})
"""The events the addressed body writes; the overseer writes the others."""


class ConclusionEventRead(BaseModel):
    seq: int = Field(description="The ledger entry that recorded it.")
    kind: str
    time: datetime
    actor: str
    body: dict[str, Any]
    proof: str = Field(description="Where to fetch the entry with its inclusion proof.")


class RoundRead(BaseModel):
    """One addressee's turn: the body first addressed, then each body escalated to."""

    round: int
    body_id: str
    addressed_at: datetime
    addressed_seq: int
    due_date: date = Field(description="The last day to answer, in the body's time zone.")
    due_at: datetime = Field(description="The first instant after the deadline (UTC).")
    time_zone: str
    acknowledged_at: datetime | None
    extended_days: int | None
    answered_at: datetime | None
    answered_seq: int | None
    decision: Decision | None
    answered_late: bool | None
    days_to_answer: int | None = Field(description="Calendar days, in the body's time zone.")
    closed: Literal["escalated", "withdrawn"] | None


class ConclusionSummary(BaseModel):
    id: str
    status: ConclusionStatus
    overseer_id: str
    body_id: str = Field(
        description="The body that must answer now (after an escalation, the higher body)."
    )
    subject: dict[str, str]
    title: LocalizedTextRead
    decision: Decision | None
    answered_late: bool | None
    due_date: date
    due_at: datetime
    time_zone: str
    submitted_at: datetime
    submitted_seq: int
    answered_at: datetime | None
    withdrawn_at: datetime | None
    escalations: int


class ConclusionRead(ConclusionSummary):
    findings: LocalizedTextRead
    recommendations: LocalizedTextRead | None
    attachments: list[dict[str, Any]]
    rounds: list[RoundRead]
    events: list[ConclusionEventRead]


class ConclusionPage(BaseModel):
    items: list[ConclusionSummary]
    next: str | None = Field(description="The full URL of the next page; null on the last.")


class GroupBy(enum.StrEnum):
    BODY = "body"
    OVERSEER = "overseer"
    YEAR = "year"


class OversightStatsRow(BaseModel):
    key: str = Field(description="The body's or overseer's org-id, or the year.")
    name: LocalizedTextRead | None = Field(
        description="The organization's name, if a body or an overseer."
    )
    conclusions: int = Field(
        description="The conclusions this row counts, each once: by body, those addressed to "
        "it (first, or by escalation); by overseer, those it submitted; by year, those "
        "submitted that year. By overseer or year, each is counted as it stands now (its "
        "current addressee's answer, deadline or withdrawal), so answered, overdue, pending "
        "and withdrawn add up to it."
    )
    received: int = Field(
        description="The same number as conclusions, under the name it has for a body "
        "(received); kept for /api/v1 clients. For an overseer it is the conclusions it "
        "submitted, not received: read conclusions."
    )
    answered: int
    answered_on_time: int
    answered_late: int
    overdue: int = Field(description="Past the deadline with no answer, now, and still with it.")
    lapsed: int = Field(
        description="Let the deadline pass unanswered, after which the overseer escalated it "
        "to a higher body (by overseer or year: the conclusions a body let lapse so)."
    )
    pending: int = Field(description="Not answered, not withdrawn, deadline still ahead.")
    withdrawn: int
    accepted: int
    partly_accepted: int
    rejected: int
    escalated: int = Field(
        description="Taken by the overseer to a higher body (by overseer or year: the "
        "conclusions escalated at least once)."
    )
    median_days_to_answer: str | None = Field(
        description='Calendar days from receipt to answer, as a decimal string (e.g. "12.5").'
    )


class OversightStats(BaseModel):
    group_by: GroupBy
    as_of: datetime = Field(description="The time overdue and pending were computed at.")
    rows: list[OversightStatsRow]
