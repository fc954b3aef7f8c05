"""The log's side of C2SP tlog-witness: ask every configured witness to cosign each checkpoint.

After the checkpointer signs a checkpoint it calls :meth:`Witnesses.notify`. One thread per
witness then submits the latest checkpoint with a consistency proof from the size that
witness last cosigned (``add-checkpoint``), checks the returned cosignature against the
witness's pinned key and stores it. Threads are independent, so a witness that is slow or
down delays only its own cosignature; failures are retried with a growing pause.

The size a witness last cosigned comes from the cosignatures stored (shared by every worker
process); when it is unknown or stale the witness's ``409 Conflict`` answer names it, and the
thread resubmits from there. A witness that is ahead of this process's latest checkpoint
(another worker's newer one) is left alone until the next checkpoint.
"""

import base64
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import httpx2 as httpx

from registry.core.db import Database
from registry.ledger import service
from registry.ledger.cosignature import CosignatureVerifier, verify_cosignatures
from registry.ledger.errors import VerificationError

logger = logging.getLogger(__name__)

SIZE_MEDIA_TYPE: Final = "text/x.tlog.size"
"""tlog-witness "add-checkpoint": the content type of a 409's latest-size body."""

FIRST_RETRY_SECONDS: Final = 1.0
MAX_RETRY_SECONDS: Final = 60.0
MAX_CONFLICTS_IN_A_ROW: Final = 3


@dataclass(frozen=True)
class Witness:
    """A witness the log submits to: its pinned key and its submission prefix."""

    verifier: CosignatureVerifier
    url: str

    @property
    def label(self) -> str:
        """How cosignatures are filed: ``<name>+<hex key ID>``."""
        return f"{self.verifier.name}+{self.verifier.key_id.hex()}"


class Conflict(Exception):
    """The witness's latest cosigned size is not the old size we sent."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the witness has cosigned size {size}")
        self.size = size


def request_body(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """tlog-witness "add-checkpoint": old size line, proof lines, empty line, checkpoint."""
    lines = [f"old {old_size}", *(base64.b64encode(node).decode("ascii") for node in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode()


def submit(
    client: httpx.Client, witness: Witness, *, old_size: int, proof: Sequence[bytes], note: str
) -> tuple[str, int]:
    """POST one checkpoint; return the witness's verified cosignature line and timestamp.

    Raises :class:`Conflict` on 409, :class:`VerificationError` when the answer carries no
    valid cosignature by the pinned key, and ``httpx.HTTPError`` on anything else.
    """
    response = client.post(
        witness.url.rstrip("/") + "/add-checkpoint",
        content=request_body(old_size, proof, note),
    )
    if response.status_code == httpx.codes.CONFLICT:
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        text = response.text
        if media_type != SIZE_MEDIA_TYPE or not text.endswith("\n") or not text[:-1].isdigit():
            raise VerificationError("a 409 from the witness without a text/x.tlog.size body")
        raise Conflict(int(text[:-1]))
    response.raise_for_status()
    lines = [line + "\n" for line in response.text.splitlines() if line]
    _, found = verify_cosignatures(note + "".join(lines), [witness.verifier])
    if not found:
        raise VerificationError("the witness answered without a cosignature by its pinned key")
    return found[0].line, found[0].timestamp


class Witnesses:
    """Background cosignature collection from every configured witness."""

    def __init__(self, database: Database, witnesses: Sequence[Witness], *, timeout: float) -> None:
        self._database = database
        self._witnesses = list(witnesses)
        self._timeout = timeout
        self._wake = [threading.Event() for _ in self._witnesses]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def configured(self) -> list[Witness]:
        return list(self._witnesses)

    def notify(self) -> None:
        """A checkpoint was signed: every witness thread submits it."""
        for wake in self._wake:
            wake.set()

    def start(self) -> None:
        self._stop.clear()
        for index, witness in enumerate(self._witnesses):
            thread = threading.Thread(
                target=self._run,
                args=(witness, self._wake[index]),
                name=f"witness-{witness.verifier.name}",
                daemon=True,
            )
            self._threads.append(thread)
            thread.start()
        self.notify()  # the checkpoint signed at start-up

    def stop(self) -> None:
        self._stop.set()
        self.notify()
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _run(self, witness: Witness, wake: threading.Event) -> None:
        pause = FIRST_RETRY_SECONDS
        with httpx.Client(timeout=self._timeout) as client:
            while not self._stop.is_set():
                wake.wait(timeout=None if pause == 0 else pause)
                wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.cosign_latest(client, witness)
                    pause = 0
                except Exception as exc:  # noqa: BLE001 - a witness's failure must not spread
                    pause = FIRST_RETRY_SECONDS if pause == 0 else min(2 * pause, MAX_RETRY_SECONDS)
                    logger.warning("witness %s: %s; retrying in %.0fs", witness.label, exc, pause)

    def cosign_latest(self, client: httpx.Client, witness: Witness) -> bool:
        """Get the witness's cosignature of the latest checkpoint; True if one was stored."""
        with self._database.session() as session:
            latest = service.latest_checkpoint(session)
            if latest is None or service.has_cosignature(session, latest, witness.label):
                return False
            checkpoint_id, size, note = latest.id, latest.tree_size, latest.note
            old_size = service.last_cosigned_size(session, witness.label) or 0
        for _ in range(MAX_CONFLICTS_IN_A_ROW):
            if old_size > size:
                return False  # the witness has seen a newer checkpoint (another worker's)
            proof: tuple[bytes, ...] = ()
            if 0 < old_size < size:
                with self._database.session() as session:
                    proof = service.consistency_proof(session, first=old_size, second=size).proof
            try:
                line, timestamp = submit(client, witness, old_size=old_size, proof=proof, note=note)
            except Conflict as conflict:
                old_size = conflict.size
                continue
            with self._database.session(write=True) as session:
                return service.add_cosignature(
                    session,
                    checkpoint_id=checkpoint_id,
                    witness=witness.label,
                    timestamp=timestamp,
                    line=line,
                    received_at=datetime.now(UTC),
                )
        raise VerificationError("the witness kept answering 409 Conflict")
