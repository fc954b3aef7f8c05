"""The answers a witness gives instead of a cosignature (c2sp.org/tlog-witness "add-checkpoint").

The spec fixes the status codes but not the error bodies, so each error is a short plain-text
sentence; only 409 has a fixed body (the latest cosigned size) and content type.
"""

from http import HTTPStatus
from typing import ClassVar, Final

SIZE_CONTENT_TYPE: Final = "text/x.tlog.size"
"""tlog-witness "add-checkpoint": the content type of a 409 answer."""


class WitnessError(Exception):
    """A refused request; ``status`` is the HTTP status code the spec assigns to the case."""

    status: ClassVar[HTTPStatus] = HTTPStatus.BAD_REQUEST


class MalformedRequest(WitnessError):
    """400: the body is not an add-checkpoint request, or its old size exceeds the new size."""

    status = HTTPStatus.BAD_REQUEST


class RequestTooLarge(WitnessError):
    """413: the body is larger than the witness reads (``protocol.MAX_BODY_BYTES``)."""

    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnknownLog(WitnessError):
    """404: no trusted key has the checkpoint's origin as its name."""

    status = HTTPStatus.NOT_FOUND


class UntrustedCheckpoint(WitnessError):
    """403: no valid signature by a trusted key of the origin, or a trusted key's fails."""

    status = HTTPStatus.FORBIDDEN


class SizeConflict(WitnessError):
    """409: the old size is not the size of the latest checkpoint cosigned for the origin."""

    status = HTTPStatus.CONFLICT

    def __init__(self, latest_size: int) -> None:
        super().__init__(f"the latest cosigned size is {latest_size}")
        self.latest_size = latest_size


class InconsistentCheckpoint(WitnessError):
    """422: the checkpoint is not consistent with what the witness cosigned before."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
