"""The ledger's size a download was read at, said in its ``Registry-Ledger-Size`` header.

A download reads one snapshot of the database (``Database.snapshot``), in which the query
tables hold exactly what the ledger's first ``size`` entries made them (every write appends its
entries and projects them in one transaction). A mirror that loads the file and then reads the
change feed from ``after=size - 1`` misses nothing and applies nothing twice.
"""

from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.orm import Session

from registry.ledger import service as ledger_service

LEDGER_SIZE_HEADER: Final = "Registry-Ledger-Size"
LEDGER_SIZE_RESPONSE: Final[dict[str, Any]] = {
    LEDGER_SIZE_HEADER: {
        "description": "How many ledger entries the file reflects: it was read from one "
        "snapshot holding entries 0 to this size - 1. Follow it with the change feed from "
        "`after=` this size - 1.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
"""The header, as OpenAPI's ``headers`` of a download's 200 response."""


@dataclass
class Taken:
    """Filled in by a download's stream as its snapshot opens, before its first chunk (which
    the endpoint reads before the response starts)."""

    ledger_size: int | None = None

    def note(self, session: Session) -> None:
        """Read the ledger's size in the snapshot ``session``."""
        self.ledger_size = ledger_service.size(session)

    def headers(self) -> dict[str, str]:
        if self.ledger_size is None:
            raise RuntimeError("the download's snapshot has not been taken yet")
        return {LEDGER_SIZE_HEADER: str(self.ledger_size)}
