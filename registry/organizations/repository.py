from sqlalchemy.orm import Session

from registry.organizations.models import Organization


def get(session: Session, org_id: str) -> Organization | None:
    return session.get(Organization, org_id)
