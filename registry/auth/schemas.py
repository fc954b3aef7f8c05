from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from registry.auth.principal import Role
from registry.core.schemas import AwareIsoDatetime, StrictInput


class ApiKeyCreate(StrictInput):
    role: Role
    organization_id: str | None = Field(
        default=None,
        description="Required for a funder or an overseer key: the organization it acts for.",
    )
    label: str | None = Field(default=None, max_length=200, description="Who or what holds it.")
    expires_at: AwareIsoDatetime | None = Field(
        default=None, description="RFC 3339, with an offset (a time without one is refused)."
    )


class ApiKeyRevoke(StrictInput):
    reason: str | None = Field(default=None, max_length=1000)


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    prefix: str
    role: Role
    organization_id: str | None
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    created_seq: int


class ApiKeyIssued(ApiKeyRead):
    token: str = Field(description="Shown once. Only its SHA-256 is stored.")
