"""The portal's canonical addresses: a page reached by another spelling of its address answers
with a redirect to its own, so that what a reader bookmarks, shares or follows says exactly
what the page shows.

* An identifier written in another case (``/awards/awd-2026-000020``, as the query's filters
  accept ``region=uz-sa``) moved for good: a permanent redirect (301) to the record's page, its
  query kept. An identifier that names nothing in any case stays the 404 page. The JSON API
  reads identifiers exactly, as it always has.
* A query parameter the page does not take (``?page=2``, ``?limit=0``, a ``fbclid`` a link
  gained on its way) is left out with a 303 to the same page without it. It is not refused: a
  reader's bookmarked or typed address still gives the page, never an error page for a
  harmless extra, while the API, whose callers are programs, refuses it (a misspelt filter
  must never be silently ignored there). Nor is it kept: the page would show what it shows
  at an address promising more, and carry the parameter into every link it makes.
"""

from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Final, NoReturn, TypeVar
from urllib.parse import quote, urlencode

from fastapi import HTTPException, Request

from registry.core.errors import NotFound
from registry.core.parameters import route_parameters
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id

T = TypeVar("T")
EVERY_PAGE_READS: Final = frozenset({"lang"})
"""What every page reads from its query without declaring it (``templating.language_of``)."""


def redirect_keeping(request: Request, keep: Callable[[str, str], bool]) -> NoReturn:
    """Answer with this page's address with only the query's (name, value) pairs ``keep``
    takes, in their order: a 303, the page is the same, its address more exact."""
    pairs = request.query_params.multi_items()
    redirect_with(request, [(name, value) for name, value in pairs if keep(name, value)])


def redirect_with(request: Request, pairs: list[tuple[str, str]]) -> NoReturn:
    """Answer with this page's address with the query ``pairs``: a 303."""
    location = f"{request.url.path}?{urlencode(pairs)}" if pairs else request.url.path
    raise HTTPException(HTTPStatus.SEE_OTHER, headers={"Location": location})


async def without_unknown_parameters(request: Request) -> None:
    """A dependency of every public page: the page's address without the query parameters its
    route does not take (its dependencies' included), nor nameless ones (``?=x``). (A
    coroutine: it only reads the request.)"""
    taken = route_parameters(request)
    if taken is None:
        return
    known = taken | EVERY_PAGE_READS
    if any(not name or name not in known for name in request.query_params):
        redirect_keeping(request, lambda name, _: bool(name) and name in known)


def moved(request: Request, parameter: str, canonical: str) -> NoReturn:
    """The page of this very route with the path parameter ``parameter`` written as
    ``canonical``, and the query as it came: a permanent redirect."""
    values = {**request.path_params, parameter: canonical}
    path = request.scope["route"].path_format.format(
        **{name: quote(str(value), safe="") for name, value in values.items()}
    )
    location = f"{path}?{request.url.query}" if request.url.query else path
    raise HTTPException(HTTPStatus.MOVED_PERMANENTLY, headers={"Location": location})


def in_capitals(identifier: str) -> list[str]:
    """How the registry writes an award's, a competition's or a conclusion's id."""
    return [identifier.upper()]


def org_id_spellings(identifier: str) -> list[str]:
    """How the registry writes an org-id: its prefix in capitals (the identifier after it as
    its register writes it), else all of it in capitals."""
    try:
        canonical = normalize_org_id(identifier)
    except InvalidIdentifier:
        return [identifier.upper()]
    return [canonical, identifier.upper()]


def record(
    request: Request,
    parameter: str,
    given: str,
    get: Callable[[str], T],
    spellings: Callable[[str], Iterable[str]] = in_capitals,
) -> T:
    """The record the path parameter ``parameter`` (whose value is ``given``) names, read by
    ``get`` (a service's, which raises ``NotFound``). If there is none, but the identifier as
    the registry writes it (``spellings``) names one, the page is that record's: ``moved``
    there. Else the 404 stands."""
    try:
        return get(given)
    except NotFound:
        for spelling in spellings(given):
            if spelling != given and _exists(get, spelling):
                moved(request, parameter, spelling)
        raise


def _exists(get: Callable[[str], object], identifier: str) -> bool:
    try:
        get(identifier)
    except NotFound:
        return False
    return True
