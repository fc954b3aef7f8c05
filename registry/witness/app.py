"""The witness's HTTP interface (c2sp.org/tlog-witness "HTTP Interface") and its start-up.

* ``POST /add-checkpoint``: the submission prefix is the root, as the spec's examples use;
* ``GET /<hex SHA-256 of the origin>/checkpoint``: the monitoring prefix is the root too
  ("Monitor Retrieval Mechanism", a SHOULD): the latest cosigned checkpoint, with the log's
  signature and this witness's cosignature.

Errors are one short plain-text line; 409 is ``<size>\\n`` as ``text/x.tlog.size``. The routes
are async only to read the body with a size limit: parsing, signature checks and the database
run in the threadpool.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from registry.core import server
from registry.core.db import Database
from registry.ledger.cosignature import CosignatureSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.witness import protocol, repository, service
from registry.witness.errors import SIZE_CONTENT_TYPE, RequestTooLarge, SizeConflict, WitnessError
from registry.witness.logs import TrustedLogs, load_logs

DATABASE_SUFFIX = ".db"

logger = logging.getLogger(__name__)


def posix_now() -> int:
    """The current time in whole POSIX seconds, never zero (tlog-cosignature "Format")."""
    return max(1, int(time.time()))


def create_app(
    *,
    signer: CosignatureSigner,
    logs: TrustedLogs,
    database: Database,
    clock: Callable[[], int] | None = None,
) -> FastAPI:
    """The witness application for one key, one list of logs and one database."""
    now = posix_now if clock is None else clock

    def cosign(body: bytes) -> str:
        request = protocol.parse_add_checkpoint(body)
        submission = service.verify_submission(request, logs=logs)
        with database.session(write=True) as session:
            return service.cosign(session, submission=submission, signer=signer, clock=now)

    def latest_note(origin: str) -> str | None:
        with database.session() as session:
            latest = repository.get_latest(session, origin=origin)
            return None if latest is None else latest.note

    async def add_checkpoint(request: Request) -> Response:
        try:
            body = await _read_body(request)
            lines = await run_in_threadpool(cosign, body)
        except SizeConflict as exc:
            return Response(
                f"{exc.latest_size}\n",
                status_code=exc.status,
                headers={"Content-Type": SIZE_CONTENT_TYPE},
            )
        except WitnessError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=exc.status)
        return PlainTextResponse(lines)

    async def checkpoint(request: Request) -> Response:
        origin = logs.origin_for_hash(request.path_params["origin_hash"])
        note = None if origin is None else await run_in_threadpool(latest_note, origin)
        if note is None:
            return PlainTextResponse("this witness has cosigned no checkpoint of that log\n", 404)
        return PlainTextResponse(note)

    return FastAPI(
        title="registry witness",
        routes=[
            Route("/add-checkpoint", add_checkpoint, methods=["POST"]),
            Route("/{origin_hash}/checkpoint", checkpoint, methods=["GET"]),
        ],
        # The protocol is C2SP's plain text, documented there, not an OpenAPI schema.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )


async def _read_body(request: Request) -> bytes:
    """The request body, refusing (413) to read more than ``protocol.MAX_BODY_BYTES``."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > protocol.MAX_BODY_BYTES:
        raise RequestTooLarge(f"the body is larger than {protocol.MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > protocol.MAX_BODY_BYTES:
            raise RequestTooLarge(f"the body is larger than {protocol.MAX_BODY_BYTES} bytes")
    return bytes(body)


def load_signer(key_file: Path, name: str) -> CosignatureSigner:
    """The witness's cosigning key: the Ed25519 key in ``key_file`` (created, mode 0600, if
    missing) under ``name``. Raises ValueError for a name signed-note does not allow."""
    return CosignatureSigner(name=name, private_key=load_or_create_signing_key(key_file))


def default_database_path(key_file: Path) -> Path:
    """Next to the key: ``witness.key`` keeps its state in ``witness.db``."""
    path = key_file.with_suffix(DATABASE_SUFFIX)
    return key_file.with_name(key_file.name + DATABASE_SUFFIX) if path == key_file else path


def run(
    *,
    key_file: Path,
    logs_file: Path,
    name: str,
    database_file: Path | None,
    host: str,
    port: int,
) -> None:
    """Start the witness and serve until stopped (``registry witness serve``).

    Everything that can be wrong with the arguments (a bad name, an unreadable key or logs
    file, a bad verifier key) raises ValueError, OSError or TypeError before it listens.
    """
    logs = load_logs(logs_file)
    signer = load_signer(key_file, name)
    database = repository.open_database(database_file or default_database_path(key_file))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    logger.info("witness key %s", signer.verifier.verifier_key())
    logger.info("witnessing %s", ", ".join(sorted(logs.keys)))
    try:
        server.run(create_app(signer=signer, logs=logs, database=database), host=host, port=port)
    finally:
        database.dispose()
