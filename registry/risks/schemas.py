from pydantic import BaseModel, Field

from registry.risks.indicators import Indicator


class FlagRead(BaseModel):
    indicator: Indicator
    explanation: str = Field(description="The facts that raised it, in words (English).")
    facts: dict[str, str | int] = Field(description="The same facts, as values.")
    seqs: list[int] = Field(description="The ledger entries it rests on: fetch and verify them.")


class AwardFlags(BaseModel):
    award_id: str
    published_seq: int
    flags: list[FlagRead]


class RiskPage(BaseModel):
    items: list[AwardFlags] = Field(description="Flagged awards, newest entry first.")
    counts: dict[str, int] = Field(
        description="Of all the awards the filters select: how many raise each indicator."
    )
    awards: int = Field(description="How many awards the filters select.")
    next: str | None = Field(description="The full URL of the next page; null on the last.")


class RiskSummaryRow(BaseModel):
    key: str = Field(description="A funder's or recipient's org-id.")
    name: str | None = None
    awards: int = Field(description="Its awards the filters select.")
    flagged: int = Field(description="Of those, how many raise any indicator.")
    by_indicator: dict[str, int]


class RiskSummary(BaseModel):
    group_by: str
    rows: list[RiskSummaryRow]
