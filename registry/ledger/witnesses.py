"""The log's side of C2SP tlog-witness: ask every configured witness to cosign each checkpoint.

After the checkpointer signs a checkpoint it calls :meth:`Witnesses.notify`. One thread per
witness then submits the latest checkpoint with a consistency proof from the size that
witness last cosigned (``add-checkpoint``), checks the returned cosignature against the
witness's pinned key and stores it. Threads are independent, so a witness that is slow or
down delays only its own cosignature; failures are retried with a growing pause, which each
new checkpoint starts again from a second.

The size a witness last cosigned comes from the cosignatures stored (shared by every worker
process); when it is unknown or stale the witness's ``409 Conflict`` answer names it, and the
thread resubmits from there. A witness that is ahead of this process's latest checkpoint
(another worker's newer one) is left alone until the next checkpoint.
"""

import logging
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import httpx2 as httpx

from registry.core.db import Database
from registry.ledger import service
from registry.ledger.checkpoint import parse_uint64
from registry.ledger.cosignature import CosignatureVerifier, verify_cosignatures
from registry.ledger.errors import VerificationError
from registry.witness import protocol
from registry.witness.errors import SIZE_CONTENT_TYPE

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS: Final = 1.0
MAX_RETRY_SECONDS: Final = 60.0
WARN_EVERY_SECONDS: Final = 60.0
"""A witness that stays down is logged at its first failure, then at most once a minute."""
MAX_CONFLICTS_IN_A_ROW: Final = 3
MAX_ANSWER_BYTES: Final = 16 * 1024
"""A witness answers with a few signature lines; more is refused, not read."""
MAX_CLOCK_SKEW_SECONDS: Final = 600
"""A cosignature dated further in the future than this is refused (tlog-cosignature lets
verifiers reject future timestamps; tlog-witness forbids a zero one)."""


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


def _read_answer(response: httpx.Response, deadline: float) -> str:
    """The body, at most MAX_ANSWER_BYTES, read before ``deadline`` (a witness that trickles
    bytes would otherwise hold the thread for ever: httpx's timeouts are per read)."""
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise VerificationError(f"the witness's answer is over {MAX_ANSWER_BYTES} bytes")
        if time.monotonic() > deadline:
            raise VerificationError("the witness's answer took too long")
    return body.decode("utf-8", errors="replace")


def submit(
    client: httpx.Client, witness: Witness, *, old_size: int, proof: Sequence[bytes], note: str
) -> tuple[str, int]:
    """POST one checkpoint; return the witness's verified cosignature line and timestamp.

    Raises :class:`Conflict` on 409, :class:`VerificationError` when the answer carries no
    valid, plausibly dated cosignature by the pinned key, and ``httpx.HTTPError`` on anything
    else.
    """
    deadline = time.monotonic() + 2 * client.timeout.read if client.timeout.read else math.inf
    with client.stream(
        "POST",
        witness.url.rstrip("/") + "/add-checkpoint",
        content=protocol.format_add_checkpoint(old_size, proof, note),
    ) as response:
        text = _read_answer(response, deadline)
    if response.status_code == httpx.codes.CONFLICT:
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type != SIZE_CONTENT_TYPE or not text.endswith("\n"):
            raise VerificationError("a 409 from the witness without a text/x.tlog.size body")
        raise Conflict(parse_uint64(text[:-1], "the witness's latest size"))
    response.raise_for_status()
    lines = [line + "\n" for line in text.splitlines() if line]
    _, found = verify_cosignatures(note + "".join(lines), [witness.verifier])
    if not found:
        raise VerificationError("the witness answered without a cosignature by its pinned key")
    timestamp = found[0].timestamp
    if not 0 < timestamp <= time.time() + MAX_CLOCK_SKEW_SECONDS:
        raise VerificationError(f"the witness's cosignature is dated {timestamp}, refused")
    return found[0].line, timestamp


class Witnesses:
    """Background cosignature collection from every configured witness."""

    def __init__(
        self, database: Database, witnesses: Sequence[Witness], *, quorum: int, timeout: float
    ) -> None:
        self._database = database
        self._witnesses = list(witnesses)
        self.quorum = quorum if self._witnesses else 0
        """Cosignatures a checkpoint needs to count as witnessed; 0 without witnesses."""
        self.labels = frozenset(witness.label for witness in self._witnesses)
        """The configured witnesses: only their cosignatures are served and counted."""
        self._timeout = timeout
        self._wake = [threading.Event() for _ in self._witnesses]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def notify(self) -> None:
        """A checkpoint was signed: every witness thread submits it."""
        for wake in self._wake:
            wake.set()

    def start(self) -> None:
        if self._threads:
            return  # already running (an app may be entered by two servers in tests)
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
        """Ask every thread to end and wait at most the request timeout for each: a thread
        stuck on a witness is a daemon and cannot delay the process's exit."""
        self._stop.set()
        self.notify()
        for thread in self._threads:
            thread.join(timeout=2 * self._timeout)
        self._threads = []

    def _run(self, witness: Witness, wake: threading.Event) -> None:
        pause = FIRST_RETRY_SECONDS
        failures = 0  # in a row
        warned = -math.inf
        with httpx.Client(timeout=self._timeout) as client:
            while not self._stop.is_set():
                signed = wake.wait(timeout=None if pause == 0 else pause)
                wake.clear()
                if self._stop.is_set():
                    return
                try:
                    self.cosign_latest(client, witness)
                except Exception as exc:  # noqa: BLE001 - a witness's failure must not spread
                    # A new checkpoint starts the pauses again from the first: a witness back
                    # from a long outage is asked again within seconds of the next checkpoint,
                    # not after the pause its outage had grown to (up to a minute).
                    if pause == 0 or signed:
                        pause = FIRST_RETRY_SECONDS
                    else:
                        pause = min(2 * pause, MAX_RETRY_SECONDS)
                    failures += 1
                    # The first failure, then at most one line a minute for a witness that
                    # stays down (asked at each checkpoint, so several times a minute).
                    if failures == 1 or time.monotonic() - warned >= WARN_EVERY_SECONDS:
                        warned = time.monotonic()
                        logger.warning(
                            "witness %s: %s (%d failed in a row); retrying in %.0fs",
                            witness.label,
                            exc,
                            failures,
                            pause,
                        )
                else:
                    if failures:
                        logger.info("witness %s: back after %d failed", witness.label, failures)
                    failures = 0
                    pause = 0

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
