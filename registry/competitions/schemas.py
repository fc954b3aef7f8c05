import enum
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from registry.core.schemas import (
    Amount,
    Currency,
    Instrument,
    LocalizedText,
    LocalizedTextRead,
    Reason,
    SourceId,
    StrictInput,
    Themes,
    Window,
)
from registry.oversight.schemas import ConclusionSummary


class CompetitionStatus(enum.StrEnum):
    PLANNED = "planned"  # published, applications not open yet
    OPEN = "open"
    CLOSED = "closed"  # applications closed, results not published
    AWARDED = "awarded"  # results published
    CANCELLED = "cancelled"


class CompetitionCreate(StrictInput):
    funder_id: str = Field(description="The funder's org-id; a funder key writes only its own.")
    instrument: Instrument
    year: int = Field(ge=2000, le=2100, description="The programme year the round belongs to.")
    round_number: int | None = Field(
        default=None, ge=1, le=1000, description='"The fifth grant competition of 2025" is 5.'
    )
    title: LocalizedText
    description: LocalizedText | None = None
    eligibility: LocalizedText | None = Field(default=None, description="Who may apply.")
    themes: Themes = Field(default_factory=list)
    budget: Amount
    currency: Currency
    window: Window
    region: str | None = Field(default=None, max_length=10, description="ISO 3166-2 or country.")
    legal_basis: str | None = Field(default=None, max_length=500, examples=["UP-124 of 26.08.2024"])
    source_id: SourceId = None


class CompetitionChanges(StrictInput):
    """The fields an amendment may change; omitted fields stay as they are."""

    title: LocalizedText | None = None
    description: LocalizedText | None = None
    eligibility: LocalizedText | None = None
    themes: Themes | None = None
    budget: Amount | None = None
    window: Window | None = None
    region: str | None = Field(default=None, max_length=10)
    legal_basis: str | None = Field(default=None, max_length=500)


class CompetitionAmended(StrictInput):
    type: Literal["amended"]
    changes: CompetitionChanges
    reason: Reason


class CompetitionCancelled(StrictInput):
    type: Literal["cancelled"]
    reason: Reason


class CompetitionResultsPublished(StrictInput):
    type: Literal["results_published"]
    applications_received: int | None = Field(default=None, ge=0, le=10**9)
    applicant_organizations: int | None = Field(default=None, ge=0, le=10**9)
    note: LocalizedText | None = None


CompetitionEventCreate = Annotated[
    CompetitionAmended | CompetitionCancelled | CompetitionResultsPublished,
    Field(discriminator="type"),
]


class EventRead(BaseModel):
    seq: int = Field(description="The ledger entry that recorded it.")
    kind: str
    time: datetime
    actor: str
    body: dict[str, Any]
    proof: str = Field(description="Where to fetch the entry with its inclusion proof.")


class CompetitionSummary(BaseModel):
    """A competition as lists show it: everything but its event history."""

    id: str
    funder_id: str
    instrument: Instrument
    year: int
    round_number: int | None
    status: CompetitionStatus
    title: LocalizedTextRead
    description: LocalizedTextRead | None
    eligibility: LocalizedTextRead | None
    themes: list[str]
    budget: str
    currency: str
    window: dict[str, datetime]
    region: str | None
    legal_basis: str | None
    cancel_reason: str | None
    results: dict[str, Any] | None
    award_count: int = Field(description="Awards made from it.")
    committed: str = Field(
        description="What its awards commit: current amounts, or what was paid if terminated."
    )
    remaining_budget: str = Field(description="budget − committed.")
    source_id: str | None
    published_at: datetime
    published_seq: int


class CompetitionRead(CompetitionSummary):
    events: list[EventRead]
    oversight: list[ConclusionSummary] = Field(
        description="Public oversight conclusions about this competition, newest first."
    )
