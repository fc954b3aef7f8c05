"""``registry audit verify`` inside the server's package: the pure auditor of
:mod:`registry.ledger.audit`, plus the two sources only the server's environment has (a
database, and an httpx client such as FastAPI's TestClient)."""

import httpx2 as httpx

from registry.core.db import Database
from registry.ledger import service as ledger_service
from registry.ledger.audit import (
    HTTP_TIMEOUT_SECONDS,
    PAGE_SIZE,
    AuditFailure,
    AuditReport,
    AuditState,
    LedgerSource,
    Unreachable,
    check_quorum,
    verify,
)
from registry.ledger.audit import HttpSource as _UrllibSource

__all__ = [
    "PAGE_SIZE",
    "AuditFailure",
    "AuditReport",
    "AuditState",
    "DatabaseSource",
    "HttpSource",
    "LedgerSource",
    "Unreachable",
    "check_quorum",
    "verify",
]


class HttpSource(_UrllibSource):
    """The HTTP contract read with an httpx client (a pooled one, or a test's ASGI client)."""

    def __init__(self, base_url: str, client: httpx.Client | None = None) -> None:
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
        super().__init__(base_url, fetch=self._fetch_with_httpx)

    def _fetch_with_httpx(self, url: str) -> bytes:
        try:
            return self._client.get(url).raise_for_status().content
        except httpx.HTTPError as exc:
            raise Unreachable(f"{url}: {exc}") from exc

    def close(self) -> None:
        if self._owns_client:
            self._client.close()


class DatabaseSource:
    """The same reads straight from a database, for an auditor with database access."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def verifier_key(self) -> str | None:
        return None  # the database holds no public key: pin one with --key

    def checkpoint(self) -> str:
        with self.database.session() as session:
            latest = ledger_service.latest_witnessed(session)
            if latest is None:
                raise AuditFailure("the database holds no signed checkpoint")
            return latest.note

    def leaves(self, start: int, end: int) -> list[bytes]:
        with self.database.session() as session:
            return ledger_service.leaves(session, start=start, end=end, limit=PAGE_SIZE)

    def inclusion_path(self, index: int, tree_size: int) -> list[bytes]:
        with self.database.session() as session:
            proof = ledger_service.inclusion_proof(session, index=index, tree_size=tree_size)
            return list(proof.audit_path)

    def consistency_proof(self, first: int, second: int) -> list[bytes]:
        with self.database.session() as session:
            return list(ledger_service.consistency_proof(session, first=first, second=second).proof)
