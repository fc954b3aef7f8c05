from datetime import date

from sqlalchemy.orm import Session

from registry import journal
from registry.core.db import table_of
from registry.journal import Recorded, projector
from registry.organizations.models import Organization


@projector("organization.registered")
def registered(session: Session, entry: Recorded) -> None:
    body = entry.body
    name = body["name"]
    journal.add_new_values(
        session,
        table_of(Organization),
        {
            "org_id": body["org_id"],
            "kind": body["kind"],
            "name_uz": name.get("uz"),
            "name_ru": name.get("ru"),
            "name_kk": name.get("kk"),
            "name_en": name.get("en"),
            "legal_form": body["legal_form"],
            "country": body["country"],
            "region": body["region"],
            "registered_at": entry.time,
            "registered_seq": entry.seq,
            "registration_date": (
                date.fromisoformat(body["registration_date"])
                if body.get("registration_date")
                else None
            ),
        },
    )
