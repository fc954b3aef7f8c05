from pydantic import BaseModel, Field

from registry.awards.schemas import AwardSummary
from registry.competitions.schemas import CompetitionSummary
from registry.organizations.schemas import OrganizationRead
from registry.oversight.schemas import ConclusionSummary


class Money(BaseModel):
    currency: str
    awarded: str = Field(description="The sum of the current awarded amounts, in this currency.")
    disbursed: str


class FacetValue(BaseModel):
    value: str
    name: str | None = Field(
        default=None,
        description="A funder's or recipient's name in the language asked (lang=), "
        "else in the first it has.",
    )
    count: int
    totals: list[Money] = Field(description="One per currency: UZS is never added to KZT.")


class AwardPage(BaseModel):
    items: list[AwardSummary]
    next: str | None = Field(description="The full URL of the next page; null on the last.")
    facets: dict[str, list[FacetValue]] | None = None


class StatsRow(BaseModel):
    key: str = Field(
        description="The group: an org-id, instrument, region, theme, 2026 or 2026-03."
    )
    name: str | None = Field(
        default=None,
        description="A funder's or recipient's name in the language asked (lang=), "
        "else in the first it has.",
    )
    currency: str
    count: int
    awarded: str
    disbursed: str


class StatsRead(BaseModel):
    group_by: str
    rows: list[StatsRow]


class CompetitionStatsRow(BaseModel):
    key: str = Field(description="The group: a funder's org-id or a year.")
    name: str | None = Field(default=None, description="A funder's name (lang=).")
    competitions: int
    reporting: int = Field(description="Competitions that recorded their applications.")
    applications: int = Field(description="Applications received by those.")
    awards: int = Field(description="Awards made by those.")
    applications_per_award: str | None = Field(
        description="applications / awards over the competitions that report both, a decimal "
        "string; null when they made no awards."
    )


class CompetitionStatsRead(BaseModel):
    group_by: str
    rows: list[CompetitionStatsRow]


class CompetitionPage(BaseModel):
    items: list[CompetitionSummary]
    next: str | None = Field(description="The full URL of the next page; null on the last.")


class OrganizationPage(BaseModel):
    items: list[OrganizationRead]
    next: str | None = Field(description="The full URL of the next page; null on the last.")


class OrganizationTotalRead(BaseModel):
    year: int
    instrument: str
    currency: str
    count: int
    awarded: str
    disbursed: str


class OrganizationWithTotals(OrganizationRead):
    given: list[OrganizationTotalRead] = Field(description="As funder, by year and instrument.")
    received: list[OrganizationTotalRead] = Field(description="As recipient, likewise.")
    oversight: list[ConclusionSummary] = Field(
        description="The newest 100 public oversight conclusions addressed to it, about it as a "
        "funder, or submitted by it; /api/v1/oversight/conclusions lists them all."
    )
