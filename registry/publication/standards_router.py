"""Open-standard publication: OCDS 1.1 releases and records, 360Giving 1.4.3 grants.

Open to everyone, no key. JSON lists are keyset-paginated with the house's opaque cursor and
a ``next`` URL (``links.next`` in an OCDS package), for API clients. The downloads (the 360Giving
CSV, and one whole 360Giving or OCDS package of every item the filters match) stream from their
own session, a page of items at a time, so memory stays flat however many awards there are.
"""

import contextlib
import csv
import functools
import hashlib
import importlib.metadata
import io
import json
import pathlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from registry.core.db import Database, SessionDep
from registry.core.errors import BadRequest, problem_responses
from registry.core.schemas import QueryYear
from registry.core.streams import ClosingStreamingResponse
from registry.publication import giving360, ocds, search
from registry.publication.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    CursorCodec,
    CursorsDep,
    next_url,
)
from registry.publication.router import FiltersDep as AwardFiltersDep
from registry.publication.router import download_name, file_name, inert
from registry.publication.snapshots import LEDGER_SIZE_RESPONSE, Taken
from registry.reference.identifiers import normalize_org_id

router = APIRouter(tags=["open-data"])

JSON_MEDIA_TYPE = "application/json"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
EXPORT_PAGE = 1000
MAX_SEQ = 2**63 - 1
BAD_CURSOR = "not a cursor this API issued"
RELEASES_SCOPE = "ocds/releases"
GRANTS_SCOPE = "360giving/grants"
MAX_AWARD_ID_LENGTH = 40  # the ``awards.id`` column's width


def exact_json(document: Any) -> bytes:
    """UTF-8 JSON in which a ``Decimal`` is written as its exact decimal text.

    OCDS and 360Giving type amounts as JSON numbers; going through ``float`` would print
    ``0.1 + 0.2`` money as ``0.30000000000000004`` and round amounts past 2**53. Floats are
    refused outright: the registry's data never holds one.

    A document of plain JSON values (``dict`` with ``str`` keys, ``list``, ``tuple``, ``str``,
    ``int``, ``bool``, ``None`` and ``Decimal``, each exactly that type) is written by orjson,
    which writes those values as ``exact_json_reference`` does, byte for byte (the same
    escapes; non-ASCII as UTF-8), some 50 times faster: an OCDS record of a competition with
    300 awards is 4 MB. orjson writes a float, a date or a UUID itself, so any other value
    (and what orjson refuses: an integer past 64 bits, a lone surrogate) is left to the
    reference writer, which writes it or refuses it as it always has.
    """
    if _plain(document):
        try:
            return orjson.dumps(document, default=_decimal_fragment)
        except orjson.JSONEncodeError:
            pass
    return exact_json_reference(document)


def exact_json_reference(document: Any) -> bytes:
    """``exact_json`` written value by value in Python: what orjson's output must equal."""
    parts: list[str] = []
    _write(document, parts)
    return "".join(parts).encode()


_PLAIN_SCALARS: frozenset[type] = frozenset({str, int, bool, type(None), Decimal})


def _plain(value: Any) -> bool:
    """Whether ``value`` holds only the types orjson writes as the reference writer does."""
    kind = type(value)
    if kind is dict:
        if not all(type(key) is str for key in value):
            return False
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    else:
        return kind in _PLAIN_SCALARS
    for item in items:
        item_kind = type(item)
        if item_kind is dict or item_kind is list or item_kind is tuple:
            if not _plain(item):
                return False
        elif item_kind not in _PLAIN_SCALARS:
            return False
    return True


def _decimal_fragment(value: Any) -> orjson.Fragment:
    if type(value) is Decimal and value.is_finite():
        return orjson.Fragment(str(value).encode())
    raise TypeError  # orjson raises JSONEncodeError, and the reference writer says why


_LITERALS: dict[object, str] = {None: "null", True: "true", False: "false"}


def _write(value: Any, parts: list[str]) -> None:
    if isinstance(value, Mapping):
        parts.append("{")
        for index, (key, item) in enumerate(value.items()):
            parts.append(("," if index else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        parts.append(_scalar(value))


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return _LITERALS[value]
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} has no JSON form")
        return str(value)  # e.g. 300000000.00, or 1E+2: both are JSON numbers
    raise TypeError(f"{type(value).__name__} is not written to JSON here: {value!r}")


class ExactJSONResponse(Response):
    media_type = JSON_MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        return exact_json(content)


# --- What the OpenAPI document shows (the standards' schemas are the full contract) ---------


class OcdsPublisher(BaseModel):
    name: str
    uri: str | None = None


class ReleasePackageRead(BaseModel):
    """An OCDS 1.1 release package (release-package-schema.json); amounts are exact."""

    model_config = ConfigDict(extra="allow")

    uri: str
    version: str
    published_date: str = Field(alias="publishedDate")
    publisher: OcdsPublisher
    releases: list[dict[str, Any]]
    links: dict[str, str | None] = Field(description="`next`: the next page, or null.")


class RecordPackageRead(BaseModel):
    """An OCDS 1.1 record package (record-package-schema.json): one record with its
    embedded releases and the compiled release."""

    model_config = ConfigDict(extra="allow")

    uri: str
    version: str
    published_date: str = Field(alias="publishedDate")
    publisher: OcdsPublisher
    records: list[dict[str, Any]]


class GrantsPackageRead(BaseModel):
    """A 360Giving 1.4.3 package (360-giving-package-schema.json); amounts are exact."""

    model_config = ConfigDict(extra="allow")

    version: str
    publisher: dict[str, str]
    modified: str
    grants: list[dict[str, Any]]
    next: str | None = Field(description="The next page, or null on the last one.")


class ReleasePackageDownload(BaseModel):
    """An OCDS 1.1 release package of every release the filters match, in ledger order; no
    ``links``: nothing follows. ``publishedDate`` (the newest release's date) comes last."""

    model_config = ConfigDict(extra="allow")

    uri: str
    version: str
    publisher: OcdsPublisher
    releases: list[dict[str, Any]]
    published_date: str = Field(alias="publishedDate")


class GrantsPackageDownload(BaseModel):
    """A 360Giving 1.4.3 package of every grant the filters match, by award id; no ``next``.
    ``modified`` (the newest grant's dateModified) comes last."""

    model_config = ConfigDict(extra="allow")

    version: str
    publisher: dict[str, str]
    grants: list[dict[str, Any]]
    modified: str


# --- Parameters --------------------------------------------------------------------------------

CursorParam = Annotated[
    str | None, Query(max_length=500, description="Opaque: copy it from a `next` link.")
]
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
GrantSortParam = Annotated[
    search.AwardSort | None,
    Query(
        description="The order of the grants, as the award downloads take it: `award_date`, "
        "`-award_date`, `amount`, `-amount` (by currency, then amount) or `relevance` (with "
        "`q`). Without it, by award id, as the paged feed."
    ),
]


OrgId = Annotated[str, AfterValidator(normalize_org_id)]
"""An org-id, in canonical form; one that is not is refused naming the parameter."""


def standard_filters(
    funder: Annotated[
        OrgId | None, Query(max_length=100, description="The funder's org-id.")
    ] = None,
    recipient: Annotated[
        OrgId | None, Query(max_length=100, description="The recipient's org-id.")
    ] = None,
    year: Annotated[
        QueryYear | None, Query(description="Awards dated that year; competitions of it.")
    ] = None,
) -> ocds.ReleaseFilters:
    return ocds.ReleaseFilters(funder=funder, recipient=recipient, year=year)


FiltersDep = Annotated[ocds.ReleaseFilters, Depends(standard_filters)]


def _seq_cursor(cursors: CursorCodec, cursor: str | None) -> int | None:
    if cursor is None:
        return None
    (seq,) = cursors.decode(cursor, scope=RELEASES_SCOPE, length=1)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        raise BadRequest.for_field("query.cursor", BAD_CURSOR)
    return seq


def _id_cursor(cursors: CursorCodec, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    (award_id,) = cursors.decode(cursor, scope=GRANTS_SCOPE, length=1)
    if not isinstance(award_id, str) or not 0 < len(award_id) <= MAX_AWARD_ID_LENGTH:
        raise BadRequest.for_field("query.cursor", BAD_CURSOR)
    if not (award_id.isascii() and award_id.isprintable()):  # ids are; NUL would reach SQL
        raise BadRequest.for_field("query.cursor", BAD_CURSOR)
    return award_id


def _settings(request: Request) -> tuple[str, str, str]:
    """(ocid prefix, 360Giving prefix, public URL) from the app's settings."""
    settings = request.app.state.settings
    return settings.ocds_prefix, settings.giving360_prefix, settings.public_url


# --- OCDS --------------------------------------------------------------------------------------


@router.get(
    "/ocds/releases",
    summary="OCDS 1.1 release package: one release per ledger event, in ledger order",
    response_model=ReleasePackageRead,
    response_class=ExactJSONResponse,
    responses=problem_responses(400),
)
def list_ocds_releases(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: FiltersDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    prefix, _, public_url = _settings(request)
    releases, last = ocds.read_releases(
        session, prefix=prefix, after=_seq_cursor(cursors, cursor), limit=limit, filters=filters
    )
    following = next_url(
        request, cursors.encode([last], scope=RELEASES_SCOPE) if last is not None else None
    )
    package = ocds.release_package(
        releases, uri=str(request.url), public_url=public_url, next_url=following
    )
    return ExactJSONResponse(package, headers=_link(following))


@router.get(
    "/ocds/releases.download.json",
    summary="OCDS 1.1 release package of every matching release, in ledger order (streamed)",
    response_class=StreamingResponse,
    responses={
        200: {
            "model": ReleasePackageDownload,
            "description": "One file: every release the filters match, not a page.",
            "headers": LEDGER_SIZE_RESPONSE,
        },
        **problem_responses(400, 503),
    },
)
def download_ocds_releases(request: Request, filters: FiltersDep) -> StreamingResponse:
    prefix, _, public_url = _settings(request)
    taken = Taken()
    chunks = _package_chunks(
        request.app.state.database,
        taken,
        head=ocds.package_metadata(uri=str(request.url), public_url=public_url),
        items="releases",
        pages=lambda session: _release_pages(session, prefix=prefix, filters=filters),
        dated=("date", "publishedDate", ocds.newest),
    )
    name = file_name(
        "ocds-releases",
        [str(value) for value in (filters.year, filters.funder, filters.recipient) if value],
        "json",
    )
    return _download(chunks, taken, name)


@router.get(
    "/ocds/records/{ocid}",
    summary="OCDS 1.1 record package: every release of one process and the compiled release",
    response_model=RecordPackageRead,
    response_class=ExactJSONResponse,
    responses={
        304: {
            "description": "Not modified: `If-None-Match` names the record's `ETag`, the "
            "ledger's size and a digest of its root hash, the address, settings and code; the "
            "ledger has not grown since, so the record is the same."
        },
        **problem_responses(400, 404),
    },
)
def get_ocds_record(
    request: Request,
    session: SessionDep,
    ocid: Annotated[str, Path(max_length=200, examples=["ocds-uzkz01-CMP-2026-00001"])],
) -> Response:
    prefix, _, public_url = _settings(request)
    uri = str(request.url)
    head = ocds.ledger_head(session)
    subjects = ocds.record_subjects(session, prefix=prefix, process=ocid)
    headers = {"ETag": _record_etag(head, uri, prefix, public_url), "Cache-Control": "no-cache"}
    if _none_match(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers=headers)
    releases = ocds.read_releases_of(session, prefix=prefix, subjects=subjects)
    package = ocds.record_package(ocid, releases, uri=uri, public_url=public_url)
    if ocds.ledger_head(session) != head:
        # An entry was appended while the record was read (PostgreSQL reads each statement
        # afresh): what was read may be of either ledger, so it is served without a tag.
        return ExactJSONResponse(package)
    return ExactJSONResponse(package, headers=headers)


def _record_etag(head: tuple[int, bytes], uri: str, prefix: str, public_url: str) -> str:
    """A record's entity tag: the ledger's size, then a digest of its root hash (which ledger,
    at that size), the record's address (its ``uri``), the settings and the code, of which
    the record is a function. The ledger is append-only, so a record served at one head is
    the same, byte for byte, while the head stays."""
    size, root_hash = head
    digest = hashlib.sha256(root_hash)
    digest.update(f"\0{_code_version()}\0{uri}\0{prefix}\0{public_url}".encode())
    return f'"{size}-{digest.hexdigest()[:20]}"'


RECORD_LIBRARIES = ("ocdsmerge", "pycountry", "tzdata", "babel")
"""The libraries a record is made with, whose versions are in its tag: ocdsmerge compiles it,
pycountry names countries and regions, tzdata (where installed; else the system's zone
database, which the tag does not cover) dates an oversight deadline, babel formats."""


@functools.cache
def _code_version() -> str:
    """A digest of what makes a record from the ledger besides the ledger itself: the
    registry's code and the schemas it ships, its migrations (a migration may rewrite the rows
    a record reads, with no entry) and the versions of ``RECORD_LIBRARIES``. A deploy that
    changes any of them changes every record's tag, though the ledger is the same."""
    package = pathlib.Path(__file__).parents[1]
    return build_digest([package, package.parent / "migrations"], RECORD_LIBRARIES)


def build_digest(directories: Sequence[pathlib.Path], libraries: Sequence[str]) -> str:
    """A digest of the ``.py`` and ``.json`` files under ``directories`` (their paths and
    contents) and of the installed versions of ``libraries``."""
    digest = hashlib.sha256()
    for directory in directories:
        for path in sorted(directory.rglob("*")):
            if path.suffix in (".py", ".json") and path.is_file():
                name = f"{directory.name}/{path.relative_to(directory).as_posix()}"
                digest.update(name.encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in libraries:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "none"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()


# Taken when the process starts, from the code it runs: taken at its first record, after a
# deploy had replaced the files beneath a process still running the old code, it would tag
# the old code's records with the new code's digest.
_code_version()


def _none_match(header: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (RFC 9110 §13.1.2: weak comparison, ``*``
    matching any current representation)."""
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


# --- 360Giving ---------------------------------------------------------------------------------


@router.get(
    "/360giving/grants.json",
    summary="360Giving 1.4.3 package: one grant per award, by award id",
    response_model=GrantsPackageRead,
    response_class=ExactJSONResponse,
    responses=problem_responses(400),
)
def list_360giving_grants(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: AwardFiltersDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> Response:
    _, prefix, public_url = _settings(request)
    grants, last = giving360.read_grants(
        session,
        prefix=prefix,
        public_url=public_url,
        after=_id_cursor(cursors, cursor),
        limit=limit,
        where=search.award_conditions(session, filters),
        transactions=True,
    )
    following = next_url(
        request, cursors.encode([last], scope=GRANTS_SCOPE) if last is not None else None
    )
    package = giving360.grants_package(grants, public_url=public_url, next_url=following)
    return ExactJSONResponse(package, headers=_link(following))


@router.get(
    "/360giving/grants.download.json",
    summary="360Giving 1.4.3 package of every matching grant, by award id or `sort` (streamed)",
    response_class=StreamingResponse,
    responses={
        200: {
            "model": GrantsPackageDownload,
            "description": "One file: every grant the filters match, not a page.",
            "headers": LEDGER_SIZE_RESPONSE,
        },
        **problem_responses(400, 503),
    },
)
def download_360giving_grants(
    request: Request, filters: AwardFiltersDep, sort: GrantSortParam = None
) -> StreamingResponse:
    _, prefix, public_url = _settings(request)
    if sort is not None:
        search.check_sort(filters, sort)
    taken = Taken()
    chunks = _package_chunks(
        request.app.state.database,
        taken,
        head=giving360.package_metadata(public_url),
        items="grants",
        pages=lambda session: _grant_pages(
            session,
            prefix=prefix,
            public_url=public_url,
            filters=filters,
            sort=sort,
            transactions=True,
        ),
        dated=("dateModified", "modified", giving360.last_modified),
    )
    return _download(chunks, taken, download_name("360giving-grants", filters, "json"))


@router.get(
    "/360giving/grants.csv",
    summary="360Giving 1.4.3 flattened CSV of every grant (UTF-8, streamed)",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {CSV_MEDIA_TYPE: {}},
            "description": "One row per award.",
            "headers": LEDGER_SIZE_RESPONSE,
        },
        **problem_responses(400, 503),
    },
)
def export_360giving_grants_csv(
    request: Request,
    filters: AwardFiltersDep,
    bom: Annotated[
        bool,
        Query(
            description="For a spreadsheet: start with a UTF-8 BOM (so Excel reads UTF-8) and "
            "quote a cell that would start a formula (`=`, `+`, `-`, `@`) with `'`."
        ),
    ] = False,
    sort: GrantSortParam = None,
) -> StreamingResponse:
    _, prefix, public_url = _settings(request)
    if sort is not None:
        search.check_sort(filters, sort)
    taken = Taken()
    rows = _csv_rows(
        request.app.state.database,
        taken,
        prefix=prefix,
        public_url=public_url,
        filters=filters,
        sort=sort,
        spreadsheet=bom,
    )
    stem = "360giving-grants-spreadsheet" if bom else "360giving-grants"  # apart from the plain
    return _download(rows, taken, download_name(stem, filters, "csv"), CSV_MEDIA_TYPE)


def _csv_rows(
    database: Database,
    taken: Taken,
    *,
    prefix: str,
    public_url: str,
    filters: search.AwardFilters,
    sort: search.AwardSort | None,
    spreadsheet: bool,
) -> Generator[bytes, None, None]:
    """The CSV, a page at a time, from one snapshot on the downloads' pool that lives as long
    as the stream (the request's session is closed before the body is sent). For a
    spreadsheet, a BOM first and every cell that would start a formula made inert; otherwise
    each cell exactly as the standard's JSON has it."""

    def row(document: giving360.Document) -> list[str | None]:
        cells = giving360.csv_row(document)
        return [inert(cell) for cell in cells] if spreadsheet else list(cells)

    with database.snapshot() as session:
        taken.note(session)
        yield ("\ufeff" if spreadsheet else "").encode() + _csv_text([giving360.csv_header()])
        for grants in _grant_pages(
            session,
            prefix=prefix,
            public_url=public_url,
            filters=filters,
            sort=sort,
            transactions=False,
        ):
            if grants:
                yield _csv_text([row(item) for item in grants])


def _grant_pages(
    session: Session,
    *,
    prefix: str,
    public_url: str,
    filters: search.AwardFilters,
    sort: search.AwardSort | None,
    transactions: bool,
) -> Iterator[list[giving360.Document]]:
    """Every matching grant, ``EXPORT_PAGE`` at a time: in ``sort``'s order, from the one
    statement the award downloads stream (so the same awards in the same order as theirs),
    else by award id."""
    if sort is not None:
        return (
            giving360.grants_of(
                session,
                awards,
                prefix=prefix,
                public_url=public_url,
                transactions=transactions,
            )
            for awards in search.stream_awards(session, filters, sort=sort, batch=EXPORT_PAGE)
        )
    where = search.award_conditions(session, filters)
    return _pages(
        session,
        lambda after: giving360.read_grants(
            session,
            prefix=prefix,
            public_url=public_url,
            after=after,
            limit=EXPORT_PAGE,
            where=where,
            transactions=transactions,
        ),
    )


def _release_pages(
    session: Session, *, prefix: str, filters: ocds.ReleaseFilters
) -> Iterator[list[ocds.Document]]:
    """Every matching release, ``EXPORT_PAGE`` at a time in ledger order."""
    return _pages(
        session,
        lambda after: ocds.read_releases(
            session, prefix=prefix, after=after, limit=EXPORT_PAGE, filters=filters
        ),
    )


def _pages(
    session: Session, read: Callable[[Any], tuple[list[dict[str, Any]], Any]]
) -> Iterator[list[dict[str, Any]]]:
    """The pages ``read`` gives, each after the key the one before ended at, until it gives
    no key; a page is done with once the next one is asked for."""
    after: Any = None
    while True:
        page, after = read(after)
        yield page
        if after is None:
            return
        session.expunge_all()  # keep the identity map, and so memory, to one page


def _package_chunks(
    database: Database,
    taken: Taken,
    *,
    head: Mapping[str, Any],
    items: str,
    pages: Callable[[Session], Iterator[list[dict[str, Any]]]],
    dated: tuple[str, str, Callable[[list[str]], str]],
) -> Generator[bytes, None, None]:
    """One package, written as it is read: ``head``'s members, then the ``items`` array a page
    at a time from one snapshot on the downloads' pool (the same bytes the paged feed writes
    for each item), then the package's date, which only the last page can tell. A JSON object
    is an unordered collection (RFC 8259 §1, §4), and neither package schema orders its
    members, so the date may come after the items.

    ``dated`` is (each item's date member, the package's date member, how the package's date
    is made from its items' newest dates)."""
    item_date, package_date, newest = dated
    with database.snapshot() as session:
        taken.note(session)
        yield exact_json(head)[:-1] + b"," + exact_json(items) + b":["  # head: not empty
        dates: list[str] = []  # at most one: the newest so far
        separator = b""
        for page in pages(session):
            if page:
                yield separator + b",".join(exact_json(item) for item in page)
                separator = b","
                dates = [max([*dates, *(str(item[item_date]) for item in page)])]
        yield b"]," + exact_json({package_date: newest(dates)})[1:]


def _download(
    chunks: Generator[bytes, None, None],
    taken: Taken,
    name: str,
    media_type: str = JSON_MEDIA_TYPE,
) -> StreamingResponse:
    """A streamed file; its first chunk is made inside the download's snapshot and taken here,
    before the response starts, so that a busy download pool is a 503 rather than a 200 cut
    short, and the response can say the ledger's size in that snapshot."""
    first = next(chunks)
    return ClosingStreamingResponse(
        _after(first, chunks),
        holds=chunks,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **taken.headers()},
    )


def _after(first: bytes, chunks: Generator[bytes, None, None]) -> Iterator[bytes]:
    """``first``, then the rest of ``chunks``; closing it closes ``chunks``, however far it got."""
    with contextlib.closing(chunks):
        yield first
        yield from chunks


def _csv_text(rows: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _link(following: str | None) -> dict[str, str] | None:
    """RFC 8288 ``Link`` to the next page, for clients that follow headers."""
    return {"Link": f'<{following}>; rel="next"'} if following else None
