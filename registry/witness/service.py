"""The add-checkpoint checks, in the order c2sp.org/tlog-witness lists them, and the cosigning.

``verify_submission`` needs no state: the origin must be known (404), a trusted key of the
origin must have signed the checkpoint and no trusted key's signature may fail (403), and the
old size may not exceed the new size (400). ``cosign`` runs inside the caller's write
transaction, so that reading the latest cosigned checkpoint, checking against it and recording
the new one are one atomic step: the old size must be the latest cosigned size (409), an empty
tree must have the empty root, a proof from size 0 must be empty and any other proof must
verify, which also refuses a second root for the same size (422). Only then is the
checkpoint recorded and the cosignature returned; the caller commits before answering.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NoReturn

from sqlalchemy.orm import Session

from registry.ledger.checkpoint import (
    NoteVerifier,
    open_note,
    parse_signature_line,
    split_note,
)
from registry.ledger.cosignature import MAX_TIMESTAMP, CosignatureSigner
from registry.ledger.errors import VerificationError
from registry.ledger.merkle import EMPTY_ROOT, verify_consistency
from registry.witness import repository
from registry.witness.errors import (
    InconsistentCheckpoint,
    MalformedRequest,
    SizeConflict,
    UnknownLog,
    UntrustedCheckpoint,
)
from registry.witness.logs import TrustedLogs
from registry.witness.models import MAX_STORED_SIZE
from registry.witness.protocol import AddCheckpointRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedSubmission:
    """A request whose checkpoint a trusted key of its origin has signed."""

    request: AddCheckpointRequest
    log_signature_lines: tuple[str, ...]
    """The note's signature lines by the trusted keys that verified, each ending in a newline."""


def verify_submission(request: AddCheckpointRequest, *, logs: TrustedLogs) -> VerifiedSubmission:
    """Check the log's signature and the sizes; raises 404, 403 or 400 (see the module)."""
    checkpoint = request.checkpoint
    verifiers = logs.verifiers(checkpoint.origin)
    if not verifiers:
        raise UnknownLog(f"this witness does not know the log {checkpoint.origin!r}")
    try:
        _, signed_by = open_note(request.note, verifiers)
    except VerificationError as exc:
        raise UntrustedCheckpoint(f"the checkpoint is not signed by the log: {exc}") from None
    if request.old_size > checkpoint.size:
        raise MalformedRequest(
            f"the old size {request.old_size} is larger than the checkpoint size {checkpoint.size}"
        )
    if checkpoint.size > MAX_STORED_SIZE:
        raise MalformedRequest(f"this witness records tree sizes up to {MAX_STORED_SIZE}")
    return VerifiedSubmission(
        request=request, log_signature_lines=_signature_lines(request.note, signed_by)
    )


def cosign(
    session: Session,
    *,
    submission: VerifiedSubmission,
    signer: CosignatureSigner,
    clock: Callable[[], int],
) -> str:
    """Check the submission against the latest cosigned checkpoint, record it, cosign it.

    Returns the cosignature line(s), each ending in a newline. Raises 409 or 422 (see the
    module). ``clock`` gives the cosignature's timestamp in POSIX seconds; it is read once
    the transaction holds the write lock, so one log's cosignatures are timestamped in the
    order they were recorded. It must not be zero: tlog-witness forbids a cosignature
    without a time.
    """
    request = submission.request
    checkpoint = request.checkpoint
    latest = repository.get_latest(session, origin=checkpoint.origin)
    latest_size = 0 if latest is None else latest.size
    if request.old_size != latest_size:
        raise SizeConflict(latest_size)
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        _refuse(checkpoint.origin, request, "a checkpoint of size 0 must have the empty root")
    if request.old_size == 0:
        if request.proof:
            _refuse(checkpoint.origin, request, "the consistency proof from size 0 must be empty")
    else:
        assert latest is not None  # old_size == latest_size > 0
        try:
            verify_consistency(
                first=request.old_size,
                second=checkpoint.size,
                proof=request.proof,
                first_root=latest.root_hash,
                second_root=checkpoint.root_hash,
            )
        except VerificationError as exc:
            _refuse(checkpoint.origin, request, f"not consistent with the cosigned tree: {exc}")
    timestamp = clock()
    if not 0 < timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"a cosignature timestamp is in 1..{MAX_TIMESTAMP}, got {timestamp}")
    line = signer.cosign(request.text, timestamp)
    repository.record(
        session,
        origin=checkpoint.origin,
        size=checkpoint.size,
        root_hash=checkpoint.root_hash,
        note=request.text + "\n" + "".join(submission.log_signature_lines) + line,
        cosigned_at=timestamp,
    )
    logger.info("cosigned %s at size %d", checkpoint.origin, checkpoint.size)
    return line


def _refuse(origin: str, request: AddCheckpointRequest, reason: str) -> NoReturn:
    """Raise 422. The log's signature verified, so the request may be evidence that the log
    misbehaved (tlog-witness allows keeping it): it is logged in full."""
    logger.warning(
        "refused a checkpoint of %s (old size %d): %s\n%s",
        origin,
        request.old_size,
        reason,
        request.note,
    )
    raise InconsistentCheckpoint(reason)


def _signature_lines(note: str, signed_by: Sequence[NoteVerifier]) -> tuple[str, ...]:
    """The note's signature lines by the keys in ``signed_by`` (which ``open_note`` verified),
    the first line per key as ``open_note`` counts them; lines by unknown keys are dropped."""
    wanted = {(verifier.name, verifier.key_id) for verifier in signed_by}
    lines: list[str] = []
    for line in split_note(note)[1]:
        name, signer_id, _ = parse_signature_line(line)
        signer = (name, signer_id)
        if signer in wanted:
            wanted.remove(signer)
            lines.append(line + "\n")
    return tuple(lines)
