"""Small helpers the ledger tests share: writing entries the way every service does."""

from registry.core.db import Database
from registry.ledger import service
from registry.ledger.service import AppendedEntry, NewEntry


def entry(n: int, *, kind: str = "test.entry") -> NewEntry:
    return NewEntry(
        kind=kind,
        subject=f"subject-{n % 7}",
        actor="tests",
        body={"n": n, "amount": f"{n}.50", "note": "Oʻzbekiston — Қазақстан"},
    )


def append(
    database: Database, count: int, *, batch: int = 1, start: int = 0
) -> list[AppendedEntry]:
    """Append ``count`` entries in batches of ``batch``, each batch its own transaction."""
    appended: list[AppendedEntry] = []
    for first in range(start, start + count, batch):
        with database.session(write=True) as session:
            appended += service.append(
                session, [entry(n) for n in range(first, min(first + batch, start + count))]
            )
    return appended
