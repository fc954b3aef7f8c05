"""Mount the portal on the registry's app: pages, static files, headers and HTML error pages."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import PlainTextResponse, Response

from registry.core.errors import RefusedBody, RegistryError, validation_problem
from registry.web import (
    addresses,
    assets,
    award_page,
    entity_pages,
    home,
    identifier_forms,
    ledger_page,
    oversight_pages,
    problem_pages,
    search_pages,
    stats_pages,
)
from registry.web.desk import pages as desk_pages
from registry.web.security import SecurityHeaders, headers_for, is_portal_path
from registry.web.templating import render

logger = logging.getLogger(__name__)

PAGE_ROUTERS = (
    home.router,
    ledger_page.router,
    award_page.router,
    entity_pages.router,
    stats_pages.router,
    search_pages.router,
    oversight_pages.router,
    problem_pages.router,
)
"""The public pages: each answers at the address of exactly what it shows
(``addresses.without_unknown_parameters``). The desk's forms take their values from the query
(a link that fills a form in), so the desk is mounted apart."""


def install(app: FastAPI) -> None:
    for router in PAGE_ROUTERS:
        app.include_router(
            router,
            include_in_schema=False,
            dependencies=[Depends(addresses.without_unknown_parameters)],
        )
    app.include_router(desk_pages.router, include_in_schema=False)
    app.mount("/static", assets.VersionedStaticFiles(directory=assets.STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    _serve_errors_as_pages(app)


def _serve_errors_as_pages(app: FastAPI) -> None:
    """The API answers errors with problem+json; a person on a page gets a page."""
    for error_class in (
        RegistryError,
        RequestValidationError,
        RefusedBody,
        StarletteHTTPException,
        Exception,
    ):
        api_handler = app.exception_handlers[error_class]

        async def handler(
            request: Request,
            exc: Exception,
            api_handler: Any = api_handler,
            outermost: bool = error_class is Exception,
        ) -> Response:
            response: Response = (
                await api_handler(request, exc)
                if not is_portal_path(request.url.path)
                else error_page(request, exc)
            )
            if outermost:
                # Sent by Starlette's outermost middleware, outside SecurityHeaders.
                for name, value in headers_for(request.url.path):
                    response.headers.setdefault(name.decode(), value.decode())
            return response

        app.add_exception_handler(error_class, handler)


def error_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, RequestValidationError):
        exc = validation_problem(exc)  # the API's words for it, never pydantic's or a regex
    if isinstance(exc, RefusedBody):
        exc = exc.problem  # a body refused as it was read: too large, say
    if isinstance(exc, RegistryError):
        status, detail = int(exc.status), exc.detail
        fields = [(error.field, error.message) for error in exc.errors]
        if status == HTTPStatus.BAD_REQUEST:
            refused = search_pages.refused_search(request, fields)
            if refused is not None:
                return refused
    elif isinstance(exc, StarletteHTTPException):
        if HTTPStatus.MULTIPLE_CHOICES <= exc.status_code < HTTPStatus.BAD_REQUEST:
            # A page's canonical address (registry.web.addresses): where to go, no page.
            return Response(status_code=exc.status_code, headers=exc.headers)
        status, detail, fields = exc.status_code, None, []
    else:  # a bug: the page says so, the server's log has the traceback
        return _unexpected_page(request)
    missing = _missing_record(request, status, fields)
    response = render(
        request,
        "error.html",
        {
            "status": status,
            "detail": detail,
            "fields": fields,
            "missing": missing,
            "expected": None if missing is None else identifier_forms.expected_form(*missing),
        },
        status_code=status,
    )
    if isinstance(exc, StarletteHTTPException) and exc.headers:
        response.headers.update(exc.headers)  # a redirect's Location, a 405's Allow
    elif isinstance(exc, RegistryError) and exc.headers:
        response.headers.update(exc.headers)  # a 503's Retry-After, a 413's Connection: close
    return response


def _missing_record(
    request: Request, status: int, fields: list[tuple[str, str]]
) -> tuple[str, str] | None:
    """(path parameter, its value in the URL) of the record a 404 did not find, for the page
    to name it in the reader's language: the API's detail ("path.award_id: no award …") is
    English, and the record is all a reader needs to know. None for any other error."""
    if status != HTTPStatus.NOT_FOUND or not fields:
        return None
    location, _, name = fields[0][0].partition(".")
    value = request.path_params.get(name)
    return (name, str(value)) if location == "path" and value is not None else None


def _unexpected_page(request: Request) -> Response:
    status = HTTPStatus.INTERNAL_SERVER_ERROR
    try:
        return render(
            request,
            "error.html",
            {"status": status, "detail": None, "fields": [], "missing": None, "expected": None},
            status_code=status,
        )
    except Exception:  # the page itself cannot be made: what is left is plain text
        logger.exception("rendering the error page of an unexpected error")
        return PlainTextResponse(status.phrase, status_code=status)
