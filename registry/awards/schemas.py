import enum
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from registry.competitions.schemas import EventRead
from registry.core.messages import N_
from registry.core.schemas import (
    Amount,
    Currency,
    HttpUrl,
    Instrument,
    IsoDate,
    LegalBasis,
    LegalUnitRead,
    LegalUnitStatement,
    LocalizedText,
    LocalizedTextRead,
    Period,
    Reason,
    SourceId,
    StrictInput,
    Themes,
    tag_required,
)
from registry.oversight.schemas import ConclusionSummary

PRIZE_HAS_NO_PERIOD: Final = N_(
    "a prize has no implementation period: it is a fixed sum with no project; leave the period out"
)
"""What a period given for a prize (at publication, in an amendment or a correction) is told."""
_ABSENT: Final = object()
"""A period left out of an award that needs one (``AwardCreate._absent_period``)."""


class AwardStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class AwardCreate(StrictInput):
    funder_id: str = Field(description="The funder's org-id; a funder key writes only its own.")
    recipient_id: str = Field(description="The recipient's org-id; it must be registered.")
    competition_id: str | None = Field(
        default=None, description="The competition it came from; null for a direct award."
    )
    instrument: Instrument
    title: LocalizedText
    purpose: LocalizedText | None = None
    amount: Amount | None = Field(
        default=None, description="Required unless the amount is stated in a legal unit."
    )
    legal_unit: LegalUnitStatement | None = Field(
        default=None,
        description="The amount as the law states it (e.g. 3,000 MCI): the registry derives "
        "the money amount, which must equal `amount` when both are given.",
    )
    currency: Currency | None = Field(
        default=None,
        description="ISO 4217. Required unless legal_unit states the amount: its unit fixes "
        "the currency (BRV: UZS, MCI: KZT), which, if given, must be that one.",
    )
    award_date: IsoDate
    period: Period | None = Field(
        default=None,
        description="The implementation period. Required for every instrument but a prize, "
        "which has none: a Kazakh NGO prize is a fixed sum with no project (Law No. 36), so a "
        "period given for a prize is refused.",
    )
    region: str | None = Field(
        default=None,
        max_length=10,
        description="ISO 3166-2; defaults to the recipient's. In the funder's own country if "
        "the funder is Uzbek or Kazakh.",
    )
    legal_basis: LegalBasis | None = Field(
        default=None,
        description="Decree or contract number; required for an award without a competition.",
    )
    themes: Themes = Field(default_factory=list)
    award_before_close: Reason | None = Field(
        default=None,
        description="Only to award before the competition closes: why. Recorded in the ledger.",
    )
    cap_override: Reason | None = Field(
        default=None,
        description="Only for an Uzbek award without a competition above 1,000 × BRV on its "
        "award date: the legal basis that allows it. Recorded in the ledger.",
    )
    source_id: SourceId = None

    @model_validator(mode="before")
    @classmethod
    def _absent_period(cls, data: Any) -> Any:
        """Marks a period left out of anything but a prize, so that ``_period_unless_prize``
        refuses it as a missing field always was, and tells it from one given as null."""
        if isinstance(data, dict) and "period" not in data and data.get("instrument") != "prize":
            return {**data, "period": _ABSENT}
        return data

    @field_validator("period", mode="before")
    @classmethod
    def _period_unless_prize(cls, period: Any, info: ValidationInfo) -> Any:
        """A project's implementation period: every instrument has one but a prize, which is a
        fixed sum with no project. Missing on any other instrument it is refused as a missing
        field always was, and null as any object given as null is. One given for a prize is
        refused by the service (``PRIZE_HAS_NO_PERIOD``), after it has checked that the
        funder's country has prizes at all: an Uzbek fund's "prize" is told its instrument is
        wrong first."""
        if period is _ABSENT:
            raise PydanticCustomError("missing", "Field required")
        instrument = info.data.get("instrument")  # absent if the instrument itself was refused
        if period is None and instrument is not None and instrument is not Instrument.PRIZE:
            raise PydanticCustomError(
                "model_type", "Input should be a valid dictionary or instance of Period"
            )
        return period


class AwardAmended(StrictInput):
    type: Literal["amended"]
    amount: Amount | None = None
    period: Period | None = None
    reason: Reason

    @model_validator(mode="after")
    def _changes_something(self) -> "AwardAmended":
        if self.amount is None and self.period is None:
            raise ValueError("an amendment changes the amount, the period, or both")
        return self


class AwardDisbursed(StrictInput):
    type: Literal["disbursed"]
    amount: Amount
    date: IsoDate
    tranche: StrictInt | None = Field(default=None, ge=1, le=1000)
    note: str | None = Field(default=None, max_length=4000)


class AwardReported(StrictInput):
    type: Literal["reported"]
    date: IsoDate
    summary: LocalizedText | None = None
    document_url: HttpUrl | None = None


class AwardCompleted(StrictInput):
    type: Literal["completed"]
    date: IsoDate
    note: str | None = Field(default=None, max_length=4000)


class AwardTerminated(StrictInput):
    type: Literal["terminated"]
    date: IsoDate
    reason: Reason


CHANGES_AND_VOID: Final = "a correction either gives changes or voids the event, not both"
NEITHER_CHANGES_NOR_VOID: Final = (
    "a correction gives the changes to make, or voids the event (void: true)"
)
"""A correction's refusals of its own (the desk says them in a form's words)."""


class AwardCorrected(StrictInput):
    type: Literal["corrected"]
    corrects: StrictInt = Field(
        ge=0, le=2**53 - 1, description="The ledger seq of the event being corrected."
    )
    reason: Reason
    changes: dict[str, Any] | None = Field(
        default=None, description="Fields of that event, with their right values."
    )
    void: StrictBool = Field(
        default=False, description="The event should never have been recorded."
    )

    @model_validator(mode="after")
    def _changes_or_void(self) -> "AwardCorrected":
        if self.changes and self.void:
            raise ValueError(CHANGES_AND_VOID)
        if not self.changes and not self.void:
            raise ValueError(NEITHER_CHANGES_NOR_VOID)
        return self


_AwardEvents = (
    AwardAmended
    | AwardDisbursed
    | AwardReported
    | AwardCompleted
    | AwardTerminated
    | AwardCorrected
)
AwardEventCreate = Annotated[
    _AwardEvents, Discriminator("type"), tag_required("type", _AwardEvents)
]


class AwardEventRead(EventRead):
    corrected_by: int | None = Field(description="The seq of the correction that amends it.")
    voided: bool


class AwardSummary(BaseModel):
    """An award as lists and exports show it: everything but its event history."""

    id: str
    competition_id: str | None
    funder_id: str
    recipient_id: str
    recipient_name: LocalizedTextRead = Field(description="As it was when the award was made.")
    instrument: Instrument
    status: AwardStatus
    title: LocalizedTextRead
    purpose: LocalizedTextRead | None
    amount: str
    original_amount: str
    disbursed: str
    currency: str
    award_date: date
    period: dict[str, date] | None = Field(
        description="The implementation period (start, end); null for a prize, which has none."
    )
    region: str | None
    legal_basis: str | None
    themes: list[str]
    award_before_close: str | None
    legal_unit: LegalUnitRead | None = Field(
        default=None, description="The amount as it was stated in a legal unit, if it was."
    )
    cap_override: str | None = Field(
        default=None, description="Why a direct award may exceed 1,000 × BRV, if it does."
    )
    size_band: str | None = Field(
        default=None,
        description="A Kazakh grant's size band from its amount in MCI on its award date: "
        "below (< 500 MCI), short (500–3,000), medium (3,000–10,000), long (≥ 10,000).",
    )
    last_report_on: date | None
    completed_on: date | None
    terminated_on: date | None
    termination_reason: str | None
    source_id: str | None
    published_at: datetime
    published_seq: int


class AwardRead(AwardSummary):
    events: list[AwardEventRead]
    oversight: list[ConclusionSummary] = Field(
        description="Public oversight conclusions about this award, newest first."
    )
