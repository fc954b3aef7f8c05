import enum
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from registry.core.schemas import IsoDate, LocalizedText, LocalizedTextRead, StrictInput


class OrganizationKind(enum.StrEnum):
    STATE_BODY = "state_body"  # ministry, agency, khokimiyat, akimat
    PUBLIC_FUND = "public_fund"  # e.g. the Public Fund for Supporting Civil Society Institutions
    GRANT_OPERATOR = "grant_operator"  # e.g. Kazakhstan's Civil Initiatives Support Centre
    NGO = "ngo"  # NGOs, foundations, associations
    OTHER = "other"


CIVIL_SOCIETY_KINDS = frozenset({OrganizationKind.NGO, OrganizationKind.OTHER})
"""Civil society (NGOs, public councils, associations): who receives the state support the
registry records, and who may oversee it. A state body, a public fund or a grant operator
gives that support; it never receives it."""

STATE_KINDS = frozenset(
    {OrganizationKind.STATE_BODY, OrganizationKind.PUBLIC_FUND, OrganizationKind.GRANT_OPERATOR}
)
"""The state and quasi-state bodies that give state support (ministries, agencies,
khokimiyats and akimats; the Public Fund and the funds under the councils; Kazakhstan's grant
operator): those a public oversight conclusion is addressed or escalated to, and must answer.
An NGO or an organization of kind ``other`` (a public council, an association, a foreign
donor) is none of them."""


class OrganizationCreate(StrictInput):
    org_id: str = Field(
        description="org-id form: UZ-STIR-<9 digits>, KZ-BIN-<12 digits>, or XX-SCHEME-id.",
        examples=["UZ-STIR-310006777", "KZ-BIN-050140000656"],
        max_length=100,
    )
    name: LocalizedText
    kind: OrganizationKind
    legal_form: str | None = Field(default=None, max_length=200)
    region: str | None = Field(
        default=None,
        description="ISO 3166-2 subdivision (UZ-TK, KZ-75…) or a country code for national scope.",
        max_length=10,
    )
    registration_date: IsoDate | None = Field(
        default=None,
        description="The organization's legal (state) registration date, if known: not in the "
        "future, not before 1991.",
    )


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    org_id: str
    name: LocalizedTextRead
    kind: OrganizationKind
    legal_form: str | None
    country: str
    region: str | None
    registration_date: date | None = Field(
        description="Its legal (state) registration date, when the registry was told it."
    )
    recorded_at: datetime = Field(
        description="When the registry recorded it: its ledger entry's time, not its legal "
        "registration."
    )
    registered_at: datetime = Field(
        deprecated=True,
        description="The same as recorded_at, under its old and misleading name; kept for "
        "existing clients of /api/v1, to be removed in /api/v2.",
    )
    registered_seq: int = Field(description="The ledger entry that registered it.")
