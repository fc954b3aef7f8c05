"""Who is making a request, once their key has been checked."""

import enum
from dataclasses import dataclass

from registry.core.errors import AUTHORIZATION, Forbidden
from registry.core.messages import Rule


class Role(enum.StrEnum):
    ADMIN = "admin"  # registers organizations and issues keys
    FUNDER = "funder"  # writes competitions and awards for one funder organization
    OVERSEER = "overseer"  # submits public oversight conclusions for one NGO or public council

    @property
    def key_with_article(self) -> str:
        """The role's key as a message says it: "an admin key", "a funder key", "an overseer
        key"."""
        article = "an" if self.value[0] in "aeiou" else "a"
        return f"{article} {self.value} key"


@dataclass(frozen=True)
class Principal:
    role: Role
    key_prefix: str
    organization_id: str | None

    @property
    def actor(self) -> str:
        """How the ledger names the writer: role, organization and key, never the secret."""
        if self.organization_id:
            return f"{self.role.value}:{self.organization_id}:{self.key_prefix}"
        return f"{self.role.value}:{self.key_prefix}"

    def check_acts_for(self, organization_id: str, *, field: str = AUTHORIZATION) -> None:
        """A funder or an overseer writes only for its own organization; the problem names
        ``field`` (the body's ``funder_id``, say), else the Authorization header."""
        if self.organization_id != organization_id:
            raise Forbidden(
                Rule(
                    "this key acts for %(own_id)s, not for %(org_id)s",
                    own_id=self.organization_id,
                    org_id=organization_id,
                ),
                field=field,
            )


SYSTEM_ACTOR = "system:cli"
