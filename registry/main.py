"""The application factory. ``registry.main:app`` is the instance uvicorn serves."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from starlette.concurrency import run_in_threadpool

from registry import __version__, docs
from registry.auth.router import router as keys_router
from registry.auth.service import CheckedKeys
from registry.awards.router import router as awards_router
from registry.batches.router import router as batches_router
from registry.competitions.router import router as competitions_router
from registry.core.body_limit import BodyLimit
from registry.core.db import Database, ReadFromHeader
from registry.core.errors import document_validation_problems, install_handlers
from registry.core.group_commit import GroupCommit
from registry.core.head import HeadAsGet
from registry.core.parameters import refuse_nul_characters, refuse_unknown_parameters
from registry.core.settings import Settings, load_settings
from registry.ledger.cosignature import parse_cosigner_key
from registry.ledger.log_key import NotTheLogsKey, check_signer, log_signer
from registry.ledger.router import router as ledger_router
from registry.ledger.service import Checkpointer
from registry.ledger.tiles_router import router as tiles_router
from registry.ledger.witnesses import Witness, Witnesses
from registry.organizations.router import router as organizations_router
from registry.oversight.router import router as oversight_router
from registry.publication.changes_router import router as changes_router
from registry.publication.pagination import CursorCodec
from registry.publication.router import router as publication_router
from registry.publication.standards_router import router as standards_router
from registry.risks.router import router as risks_router
from registry.web import app as web
from registry.web.desk import sessions as desk_sessions

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's own OpenTelemetry off (``REGISTRY_TELEMETRY``): it otherwise asks OpenTelemetry
for its providers on every request, 3% of an award POST's time with none configured."""
DESCRIPTION = """\
A public, append-only ledger of the grants, subsidies and social contracts that governments
give to civil society. Every write is a ledger entry; anyone can verify the ledger with the
RFC 6962 proofs and the signed checkpoints under `/api/v1/ledger`. Reading never needs a key.
Errors are RFC 9457 `application/problem+json`.
"""


def operation_id(route: APIRoute) -> str:
    """Stable operation ids, ``<tag>-<function name>``, so generated clients keep their names."""
    return f"{route.tags[0]}-{route.name}"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    database = Database(
        settings.database_url,
        read_url=settings.read_database_url,
        read_wait_seconds=settings.read_wait_seconds,
        export_connections=settings.export_connections,
        export_wait_seconds=settings.export_wait_seconds,
    )
    # The ledger's own key, never a new one for a ledger whose checkpoints are signed.
    try:
        signer = log_signer(database, settings.signing_key_file, settings.log_origin)
    except NotTheLogsKey:
        database.dispose()
        raise
    witnesses = Witnesses(
        database,
        [
            Witness(verifier=parse_cosigner_key(witness.key), url=witness.url)
            for witness in settings.witnesses
        ],
        quorum=settings.witness_quorum,
        timeout=settings.witness_timeout_seconds,
    )
    checkpointer = Checkpointer(
        database,
        signer=signer,
        interval=settings.checkpoint_interval_seconds,
        on_signed=witnesses.notify,
    )

    writes = GroupCommit(
        database, max_batch=settings.write_batch_max, after_commit=checkpointer.after_write
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Never sign a ledger's checkpoints with a key other than the one that signed them.
        await run_in_threadpool(check_signer, database, signer, settings.signing_key_file)
        witnesses.start()
        checkpointer.start()
        try:
            yield
        finally:
            # Writes already queued are run (and answered) before the engine goes.
            if not await run_in_threadpool(writes.close):
                logger.warning("group commit: writes still running at shutdown after 30 s")
            checkpointer.stop()
            witnesses.stop()
            database.dispose()

    app = FastAPI(
        title="Grant and social-contract transparency registry",
        version=__version__,
        description=DESCRIPTION,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
        telemetry=None if settings.telemetry else NO_TELEMETRY,
        dependencies=[Depends(refuse_nul_characters)],
        docs_url=None,  # served by registry.docs, from the package's files, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.signer = signer
    app.state.cursors = CursorCodec.from_signing_key(signer.private_key)
    app.state.desk_signer = desk_sessions.Signer.from_signing_key(signer.private_key)
    app.state.checkpointer = checkpointer
    app.state.writes = writes
    app.state.witnesses = witnesses
    app.state.keys = CheckedKeys()
    install_handlers(app)
    if settings.read_database_url is not None:
        app.add_middleware(ReadFromHeader)
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        by_path={f"{API_PREFIX}/batches": settings.max_batch_body_bytes},
    )
    routers = (
        publication_router,  # before the features: /awards.csv must not match /awards/{id}
        ledger_router,
        organizations_router,
        competitions_router,
        awards_router,
        batches_router,
        oversight_router,
        changes_router,
        standards_router,
        keys_router,
        risks_router,
    )
    for router in routers:
        # The API's callers are programs: a query parameter a route does not take (a
        # misspelt filter) or one of one value given twice is a 400 naming it, never ignored.
        app.include_router(
            router, prefix=API_PREFIX, dependencies=[Depends(refuse_unknown_parameters)]
        )
    app.include_router(tiles_router)  # the C2SP tlog-tiles paths, at the spec's own /tiles/...
    web.install(app)
    docs.install(app)
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_validation_problems(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


@cache
def _default_app() -> FastAPI:
    return create_app()


def __getattr__(name: str) -> FastAPI:
    # ``registry.main:app`` for uvicorn, built on first access so that importing this module
    # (tests, the CLI) does not read the environment or create a key file.
    if name == "app":
        return _default_app()
    raise AttributeError(name)
