import datetime as dt
import enum
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, StrictInt

from registry.core.schemas import (
    SHA256_PATTERN,
    Amount,
    Currency,
    HttpUrl,
    Instrument,
    IsoDate,
    LegalBasis,
    LegalUnitRead,
    LegalUnitStatement,
    LocalizedText,
    LocalizedTextChange,
    LocalizedTextRead,
    Reason,
    SourceId,
    StrictInput,
    Themes,
    Verbatim,
    Window,
    tag_required,
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
    year: StrictInt = Field(
        ge=2000,
        le=2100,
        description="The programme year the round belongs to: the year its window opens or "
        "closes in (in its time zone), or the year after it closes.",
    )
    round_number: StrictInt | None = Field(
        default=None,
        ge=1,
        le=1000,
        description='"The fifth grant competition of 2025" is 5. A funder gives each number '
        "once per instrument and year (a cancelled round's number may be given again).",
    )
    title: LocalizedText
    description: LocalizedText | None = None
    eligibility: LocalizedText | None = Field(default=None, description="Who may apply.")
    themes: Themes = Field(default_factory=list)
    budget: Amount | None = Field(
        default=None, description="Required unless the budget is stated in a legal unit."
    )
    legal_unit: LegalUnitStatement | None = Field(
        default=None,
        description="The budget as the law or the plan states it (e.g. 50,000 MCI): the "
        "registry derives the money budget, which must equal `budget` when both are given.",
    )
    currency: Currency | None = Field(
        default=None,
        description="ISO 4217. Required unless legal_unit states the budget: its unit fixes "
        "the currency (BRV: UZS, MCI: KZT), which, if given, must be that one.",
    )
    window: Window
    region: str | None = Field(
        default=None,
        max_length=10,
        description="ISO 3166-2 or country; in the funder's own country if the funder is "
        "Uzbek or Kazakh.",
    )
    legal_basis: LegalBasis | None = Field(default=None, examples=["UP-124 of 26.08.2024"])
    time_zone: str | None = Field(
        default=None,
        max_length=64,
        description="The IANA time zone its deadlines are counted in (Asia/Almaty); by "
        "default its region's or funder's country's. An Uzbek or Kazakh funder names one of its "
        "own country's zones. The window's offsets must be this zone's.",
        examples=["Asia/Almaty"],
    )
    source_id: SourceId = None


class CompetitionChanges(StrictInput):
    """The fields an amendment may change; omitted fields stay as they are."""

    title: LocalizedTextChange | None = None
    description: LocalizedTextChange | None = None
    eligibility: LocalizedTextChange | None = None
    themes: Themes | None = None
    budget: Amount | None = None
    window: Window | None = None
    region: str | None = Field(default=None, max_length=10)
    legal_basis: LegalBasis | None = None


class CompetitionAmended(StrictInput):
    type: Literal["amended"]
    changes: CompetitionChanges
    reason: Reason


class CompetitionCancelled(StrictInput):
    type: Literal["cancelled"]
    reason: Reason


class CompetitionResultsPublished(StrictInput):
    type: Literal["results_published"]
    applications_received: StrictInt | None = Field(default=None, ge=0, le=10**9)
    applicant_organizations: StrictInt | None = Field(default=None, ge=0, le=10**9)
    note: LocalizedText | None = None


class Stage(enum.StrEnum):
    """A competition's stages after its window, in the order they happen. Each is recorded at
    most once, never after a later one."""

    APPLICATIONS_CLOSED = "applications_closed"
    COMPLIANCE_CHECKED = "compliance_checked"
    COMMISSION_DECIDED = "commission_decided"
    PRELIMINARY_RESULTS = "preliminary_results"
    FINAL_RESULTS = "final_results"


class ApplicationLanguage(enum.StrEnum):
    UZ = "uz"
    RU = "ru"
    KK = "kk"
    EN = "en"


class RefusalReason(enum.StrEnum):
    """Why applications were not admitted, as categories that can be counted."""

    LATE = "late"
    INCOMPLETE_DOCUMENTS = "incomplete_documents"
    INELIGIBLE_APPLICANT = "ineligible_applicant"
    OFF_TOPIC = "off_topic"
    OVER_BUDGET = "over_budget"
    OTHER = "other"


Count = Annotated[StrictInt, Field(ge=0, le=10**7)]
DocumentHash = Annotated[
    str | None,
    Field(
        default=None,
        pattern=SHA256_PATTERN,
        description="SHA-256 of the published document (minutes, extract, list), lowercase hex.",
    ),
    Verbatim,
]
DocumentUrl = Annotated[HttpUrl | None, Field(default=None)]


class _StageEvent(StrictInput):
    date: IsoDate = Field(description="The day it happened, in the competition's time zone.")


class ApplicationsClosed(_StageEvent):
    type: Literal["applications_closed"]
    applications: Count
    organizations: Count = Field(description="Distinct NGOs that applied.")
    by_language: dict[ApplicationLanguage, Count] | None = Field(
        default=None, description="Applications by their language; the counts add up."
    )


class ComplianceChecked(_StageEvent):
    type: Literal["compliance_checked"]
    admitted: Count
    refused: Count
    reasons: dict[RefusalReason, Count] | None = Field(
        default=None, description="Refused applications by reason; the counts add up."
    )


class CommissionDecided(_StageEvent):
    type: Literal["commission_decided"]
    members: StrictInt = Field(ge=1, le=1000, description="Commission members who took part.")
    extract: LocalizedText | None = Field(default=None, description="Extract of the minutes.")
    document_sha256: DocumentHash = None
    document_url: DocumentUrl = None


class ResultsStage(_StageEvent):
    winners: Count | None = None
    note: LocalizedText | None = None
    document_sha256: DocumentHash = None
    document_url: DocumentUrl = None


class PreliminaryResults(ResultsStage):
    type: Literal["preliminary_results"]


class FinalResults(ResultsStage):
    type: Literal["final_results"]


STAGE_EVENTS = (
    ApplicationsClosed,
    ComplianceChecked,
    CommissionDecided,
    PreliminaryResults,
    FinalResults,
)
StageEvent = (
    ApplicationsClosed | ComplianceChecked | CommissionDecided | PreliminaryResults | FinalResults
)

_CompetitionEvents = (
    CompetitionAmended
    | CompetitionCancelled
    | CompetitionResultsPublished
    | ApplicationsClosed
    | ComplianceChecked
    | CommissionDecided
    | PreliminaryResults
    | FinalResults
)
CompetitionEventCreate = Annotated[
    _CompetitionEvents, Discriminator("type"), tag_required("type", _CompetitionEvents)
]


class StageRead(BaseModel):
    stage: Stage
    seq: int = Field(description="The ledger entry that recorded it.")
    date: dt.date
    body: dict[str, Any] = Field(description="What was recorded: the counts, the document.")


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
    legal_unit: LegalUnitRead | None = Field(
        default=None, description="The budget as it was stated in a legal unit, if it was."
    )
    time_zone: str = Field(description="Where its deadlines are counted, e.g. Asia/Almaty.")
    stages: list[StageRead] = Field(
        default_factory=list, description="Its stages after the window, in order."
    )
    applications: int | None = Field(
        default=None, description="Applications received (at applications_closed or results)."
    )
    admitted: int | None = Field(default=None, description="Applications admitted.")
    applications_per_award: str | None = Field(
        default=None, description="applications / awards made, a decimal string."
    )


class CompetitionRead(CompetitionSummary):
    events: list[EventRead]
    oversight: list[ConclusionSummary] = Field(
        description="Public oversight conclusions about this competition, newest first."
    )
