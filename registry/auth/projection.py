from datetime import datetime

from sqlalchemy.orm import Session

from registry.auth.models import ApiKey
from registry.journal import Recorded, projector


@projector("api_key.created")
def created(session: Session, entry: Recorded) -> None:
    body = entry.body
    session.add(
        ApiKey(
            prefix=body["prefix"],
            token_sha256=bytes.fromhex(body["token_sha256"]),
            role=body["role"],
            organization_id=body["organization_id"],
            label=body["label"],
            created_at=entry.time,
            created_by=entry.actor,
            expires_at=datetime.fromisoformat(body["expires_at"]) if body["expires_at"] else None,
            revoked_at=None,
            created_seq=entry.seq,
        )
    )


@projector("api_key.revoked")
def revoked(session: Session, entry: Recorded) -> None:
    key = session.get(ApiKey, entry.body["prefix"])
    assert key is not None, f"api_key.revoked for an unknown key at seq {entry.seq}"
    key.revoked_at = entry.time
