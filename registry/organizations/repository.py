from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.organizations.models import Organization


def get(session: Session, org_id: str) -> Organization | None:
    return session.get(Organization, org_id)


def get_many(session: Session, org_ids: set[str]) -> dict[str, Organization]:
    statement = select(Organization).where(Organization.org_id.in_(org_ids))
    return {
        organization.org_id: organization for organization in session.execute(statement).scalars()
    }
