from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.organizations.models import Organization


def get(session: Session, org_id: str) -> Organization | None:
    return session.get(Organization, org_id)


def registered(session: Session, org_ids: set[str]) -> set[str]:
    """Which of ``org_ids`` are registered: their ids only, no objects (an import's chunk
    asks about hundreds)."""
    statement = select(Organization.org_id).where(Organization.org_id.in_(org_ids))
    return set(session.execute(statement).scalars())


def get_many(session: Session, org_ids: set[str]) -> dict[str, Organization]:
    statement = select(Organization).where(Organization.org_id.in_(org_ids))
    return {
        organization.org_id: organization for organization in session.execute(statement).scalars()
    }


class Named(NamedTuple):
    """What a publication copies from its recipient (the names and the region), and its
    kind, which a recipient is judged by."""

    org_id: str
    kind: str
    name_uz: str | None
    name_ru: str | None
    name_kk: str | None
    name_en: str | None
    region: str | None


def named_many(session: Session, org_ids: set[str]) -> dict[str, Named]:
    """``get_many`` of only the columns ``Named`` holds, as plain rows."""
    statement = select(*(getattr(Organization, name) for name in Named._fields)).where(
        Organization.org_id.in_(org_ids)
    )
    return {row.org_id: Named(*row) for row in session.execute(statement)}
