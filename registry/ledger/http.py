"""What the ledger's HTTP routes and the award routes share: index bounds and receipts."""

import math
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from registry.core.errors import FieldError, problem_response, problem_responses
from registry.ledger import receipt, service

MAX_INDEX = 2**63 - 1  # the largest BIGINT; larger numbers are malformed, not 500s

RECEIPT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/plain": {}},
        "description": "A C2SP tlog-proof file (see the README, 'Offline receipts'): the entry's "
        "leaf bytes, its index, its inclusion proof and the signed, cosigned checkpoint.",
    },
    **problem_responses(400, 404, 409),
}


def receipt_response(
    request: Request, session: Session, seq: int, filename: str, *, field: str = "path.seq"
) -> Response:
    """Entry ``seq``'s receipt as a download named ``<filename>.tlog-proof``, against a
    checkpoint cosigned by the configured witnesses' quorum when one holds the entry. An
    entry no checkpoint covers yet is a 409 naming ``field`` (the path parameter that names
    the entry), with ``Retry-After``."""
    witnesses = request.app.state.witnesses
    try:
        text = service.receipt(session, seq, quorum=witnesses.quorum, witnesses=witnesses.labels)
    except service.NotYetCovered as exc:
        refused = service.NotYetCovered(
            exc.detail, errors=[FieldError(field=field, message=exc.detail)]
        )
        # The next checkpoint is signed within the interval of a write (at once with 0).
        interval = request.app.state.settings.checkpoint_interval_seconds
        return problem_response(
            refused.problem(instance=request.url.path),
            headers={"Retry-After": str(max(1, math.ceil(interval)))},
        )
    disposition = f'attachment; filename="{filename}{receipt.FILE_EXTENSION}"'
    return Response(
        text,
        media_type=receipt.MEDIA_TYPE,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-cache"},
    )
