"""The search pages: awards, competitions and organizations, with the API's filters.

Each page parses its query with the very dependencies the JSON API uses (so a bad value is
the same 400, with the API's message, rendered as the page's own form with the message beside
the field: ``refused_search``), calls the same search service, and links each result to
its own page. The URL holds the whole query, so every page is a permalink. Paging is keyset,
with the API's signed cursors: ``cursor`` continues after a row, ``before`` reads the
opposite order from a row and shows it the right way round (the previous page).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from registry.awards.router import to_summary
from registry.competitions.router import to_summary as competition_summary
from registry.core.db import SessionDep
from registry.core.parameters import list_values, refuse_repeated_values
from registry.organizations import service as organization_service
from registry.organizations.router import to_read as organization_read
from registry.publication import search
from registry.publication.fulltext import parse_query
from registry.publication.pagination import CursorCodec, CursorsDep
from registry.publication.router import (
    TEXT_MAX_LENGTH,
    CompetitionFiltersDep,
    FiltersDep,
    OrganizationFiltersDep,
    SortParam,
    facet_values,
)
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id
from registry.reference.regions import NAMED_COUNTRIES, regions_of
from registry.web import i18n, views
from registry.web.addresses import redirect_keeping, redirect_with
from registry.web.amounts import amount_in_query, read_amount
from registry.web.i18n import N_
from registry.web.templating import PageContext, language_of, render


def _without_empty_values(request: Request) -> None:
    """A GET form sends its empty fields too (``amount_min=&year=``), which the API's
    parsers rightly refuse: the page answers with its canonical URL, without them, first."""
    if any(not value.strip() for _, value in request.query_params.multi_items()):
        redirect_keeping(request, lambda _, value: bool(value.strip()))


AMOUNT_PARAMS: Final = frozenset({"amount_min", "amount_max"})


def _amounts_as_numbers(request: Request) -> None:
    """An amount typed as the page writes amounts in the reader's language ("100 000 000",
    "1500,50" in Russian, "100,000,000" in English), which the API's parser (digits and a
    decimal point) refuses, is read in that language's conventions (Babel, CLDR) and the
    page answers with its canonical URL, the amount as the API takes it. Anything Babel
    does not read exactly (a sign, an exponent, a comma that is not this language's decimal
    mark or grouping) is left for the API's message."""
    locale = i18n.formats(language_of(request)).locale
    pairs = request.query_params.multi_items()
    read = [
        (name, read_amount(value, locale) if name in AMOUNT_PARAMS else None)
        for name, value in pairs
    ]
    if any(amount is not None for _, amount in read):
        redirect_with(
            request,
            [
                (name, amount or value)
                for (name, amount), (_, value) in zip(read, pairs, strict=True)
            ],
        )


# The filters that take organizations. A recipient is found by name among the organizations
# of that role; a funder among the funders the page offers (``FUNDERS_BY_PAGE``).
NAMED_PARAMS: Final = frozenset({"funder", "recipient"})
# The funders each search page offers: those of what it searches. A funder whose competitions
# have given no award yet is a funder of /competitions, never of /awards (nor of /stats,
# whose figures are the awards').
FUNDERS_BY_PAGE: Final[Mapping[str, Callable[[Session], set[str]]]] = {
    "/awards": search.funder_ids,
    "/competitions": search.competition_funder_ids,
    "/stats": search.funder_ids,
}
CANDIDATES_READ: Final = 50
"""How many organizations a name is looked up among (the exact name is preferred of them)."""
CANDIDATES_SHOWN: Final = 10


@dataclass(frozen=True)
class Candidates:
    """The organizations a name typed in a funder or recipient field finds, more than one:
    the reader chooses (``more`` when there were more than are shown)."""

    typed: str
    names: Mapping[str, Mapping[str, str]]  # org-id → its names by language, in org-id order
    more: bool


def _found_by_name(
    session: Session, cursors: CursorCodec, scope: search.OrganizationFilters, typed: str
) -> dict[str, dict[str, str]]:
    """The organizations of ``scope`` that ``typed`` names, by the organization search the
    API's ``/api/v1/organizations?q=`` makes; of several, the one named exactly so (in any
    language, any case) alone."""
    found = search.organization_page(
        session,
        replace(scope, q=typed),
        limit=CANDIDATES_READ,
        cursor=None,
        cursors=cursors,
    )
    names = {org.org_id: organization_service.names_of(org) for org in found.items}
    exact = [
        org_id
        for org_id, by_language in names.items()
        if typed.casefold() in (name.strip().casefold() for name in by_language.values())
    ]
    return {exact[0]: names[exact[0]]} if len(exact) == 1 else names


def _is_org_id(value: str) -> bool:
    try:
        normalize_org_id(value)
    except InvalidIdentifier:
        return False
    return True


def _by_name(
    session: Session, cursors: CursorCodec, scope: search.OrganizationFilters, typed: str
) -> tuple[str, Candidates | None]:
    """``typed``, an org-id or a name, as the filter's value (the org-id of the one
    organization of ``scope`` a name finds, else as typed), and the organizations to choose
    from when it finds several."""
    if _is_org_id(typed) or len(typed) > TEXT_MAX_LENGTH:
        return typed, None
    found = _found_by_name(session, cursors, scope, typed)
    if len(found) == 1:
        return next(iter(found)), None
    if not found:
        return typed, None
    shown = dict(list(found.items())[:CANDIDATES_SHOWN])
    return typed, Candidates(typed, shown, more=len(found) > CANDIDATES_SHOWN)


def _organizations_by_name(request: Request, session: SessionDep, cursors: CursorsDep) -> None:
    """A funder or a recipient typed by its name rather than its org-id (the URL, as the API,
    takes org-ids): a name that finds one organization is its org-id, and the page answers with
    its canonical URL; one that finds several is left for the API's refusal, and the page lists
    them beside the field to choose from (``request.state.name_candidates``); one that finds
    none, the API's refusal. The page's funders, few, are offered by name in the form
    (``request.state.funder_names``), and a funder's name is looked up among them alone."""
    # The page's own path, behind a proxy's root path too; a page not listed searches awards.
    path = request.url.path.removeprefix(request.scope.get("root_path", ""))
    funders = FUNDERS_BY_PAGE.get(path, search.funder_ids)(session)
    request.state.funder_names = views.organization_names(session, funders)
    scopes = {
        "funder": search.OrganizationFilters(among=frozenset(funders)),
        "recipient": search.OrganizationFilters(role=(search.OrganizationRole.RECIPIENT.value,)),
    }
    pairs = request.query_params.multi_items()
    rewritten: list[tuple[str, str]] = []
    candidates: dict[str, list[Candidates]] = {}
    for name, value in pairs:
        parts = list_values([value])
        if name not in NAMED_PARAMS or all(_is_org_id(part) for part in parts):
            rewritten.append((name, value))
            continue
        scope = scopes[name]
        # The whole value first, an organization's name may hold a comma; else each of its
        # values, as the API reads them.
        whole, chosen = _by_name(session, cursors, scope, value.strip())
        read = [(whole, chosen)]
        if chosen is None and whole == value.strip() and len(parts) > 1:
            read = [_by_name(session, cursors, scope, part) for part in parts]
        rewritten.append((name, ",".join(read_value for read_value, _ in read)))
        candidates.setdefault(name, []).extend(c for _, c in read if c is not None)
    if rewritten != pairs:
        redirect_with(request, rewritten)
    request.state.name_candidates = {name: found for name, found in candidates.items() if found}


router = APIRouter(
    tags=["portal"],
    # A parameter of one value given twice (``sort=amount&sort=-amount``, by hand) is the
    # API's 400, said beside its field, never read as one of the two.
    dependencies=[
        Depends(_without_empty_values),
        Depends(_amounts_as_numbers),
        Depends(refuse_repeated_values),
    ],
)

PAGE_SIZE: Final = 20
# Exactly what `registry bench portal` asks the API for, so the page costs what the API does.
AWARD_FACETS: Final = ("instrument", "region", "funder", "status", "year", "currency")
CursorParam = Annotated[str | None, Query(max_length=500)]
STANDARD_FILTERS: Final = frozenset({"funder", "recipient", "year"})

# The query parameters each page understands: the API's filters, and how each is written.
LIST: Final = "list"  # repeated or comma-separated, any of them matches
SINGLE: Final = "single"
AWARD_PARAMS: Final = {
    "q": SINGLE,
    "funder": LIST,
    "recipient": LIST,
    "instrument": LIST,
    "competition": LIST,
    "region": LIST,
    "theme": LIST,
    "status": LIST,
    "currency": LIST,
    "amount_min": SINGLE,
    "amount_max": SINGLE,
    "awarded_from": SINGLE,
    "awarded_to": SINGLE,
    "year": LIST,
    "sort": SINGLE,
}
COMPETITION_PARAMS: Final = {
    "q": SINGLE,
    "funder": LIST,
    "instrument": LIST,
    "region": LIST,
    "theme": LIST,
    "status": LIST,
    "currency": LIST,
    "year": LIST,
    "sort": SINGLE,
}
ORGANIZATION_PARAMS: Final = {"q": SINGLE, "kind": LIST, "region": LIST, "country": LIST}


@dataclass(frozen=True)
class SearchQuery:
    """A page's query as values by parameter (``lang`` and paging apart): the permalink, the
    links that add or remove one value, and the same filters for the API's downloads."""

    path: str
    values: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, request: Request, kinds: Mapping[str, str]) -> "SearchQuery":
        values: dict[str, tuple[str, ...]] = {}
        for name, kind in kinds.items():
            raw = request.query_params.getlist(name)
            found = list_values(raw) if kind == LIST else tuple(v for v in raw if v.strip())
            if kind == SINGLE:
                found = found[-1:]
            if found:
                values[name] = tuple(dict.fromkeys(found))
        return cls(request.url.path, values)

    def first(self, name: str) -> str:
        return next(iter(self.values.get(name, ())), "")

    def has(self, name: str, value: str) -> bool:
        return value in self.values.get(name, ())

    def params(self, **changes: Sequence[str]) -> dict[str, list[str]]:
        merged = {**self.values, **changes}
        return {name: list(values) for name, values in merged.items() if values}

    def cleared(self) -> dict[str, list[str]]:
        """No filter, the same sort order."""
        return {name: list(values) for name, values in self.values.items() if name == "sort"}

    def adding(self, name: str, value: str) -> dict[str, list[str]]:
        return self.params(**{name: (*self.values.get(name, ()), value)})

    def removing(self, name: str, value: str) -> dict[str, list[str]]:
        return self.params(**{name: tuple(v for v in self.values.get(name, ()) if v != value)})

    def replacing(self, name: str, typed: str, value: str) -> dict[str, list[str]]:
        """``typed`` (its values, if it was read as several) as ``value``, in its place."""
        parts = set(list_values([typed]))
        kept: list[str] = []
        for old in self.values.get(name, ()):
            if old not in parts:
                kept.append(old)
            elif value not in kept:
                kept.append(value)
        return self.params(**{name: tuple(kept if value in kept else (*kept, value))})

    def toggling(self, name: str, value: str) -> dict[str, list[str]]:
        return self.removing(name, value) if self.has(name, value) else self.adding(name, value)

    @property
    def filters(self) -> list[tuple[str, str]]:
        """The active filters, one (parameter, value) each, the sort order apart."""
        return [
            (name, value)
            for name, values in self.values.items()
            if name != "sort"
            for value in values
        ]


@dataclass(frozen=True)
class Paging:
    previous: str | None
    next: str | None


def _paging(
    page: PageContext,
    query: SearchQuery,
    *,
    forward_cursor: str | None,
    backward_cursor: str | None,
) -> Paging:
    def link(name: str, value: str | None) -> str | None:
        return None if value is None else page.url(query.path, query.params(), **{name: value})

    return Paging(previous=link("before", backward_cursor), next=link("cursor", forward_cursor))


def _read(
    rows: Sequence[Any],
    following: str | None,
    *,
    backward: bool,
    had_cursor: bool,
    position: Any,
) -> tuple[list[Any], str | None, str | None]:
    """The rows in display order, the cursor after them, and the cursor before them.

    A forward page has rows before it only if it was reached with a cursor; a backward page
    (read in the opposite order) has rows after it always, and rows before it if its own
    read found more. ``position(row, opposite=...)`` signs the cursor that starts after ``row``
    in the forward (False) or the opposite (True) order."""
    if backward:
        shown = list(reversed(rows))
        after = position(shown[-1], opposite=False) if shown else None
        return shown, after, following
    before = position(rows[0], opposite=True) if rows and had_cursor else None
    return list(rows), following, before


# The API's words for a value a search form can send wrong, marked here so that the catalogs
# translate them (tests check they are the API's very messages); any other message is shown
# as the API says it.
FILTER_MESSAGES: Final = (
    N_(
        'must be a positive amount in decimal digits, such as "1500.00" (no sign, no exponent, '
        "no thousands separator)"
    ),
    N_("must be a year written in four digits, from 1990 to 2100, such as 2026"),
    N_('must be a date written as YYYY-MM-DD, such as "2026-03-01"'),
    N_("is later than awarded_to: the range is the wrong way round, so nothing can match"),
    N_("is earlier than awarded_from: the range is the wrong way round, so nothing can match"),
    N_("is more than amount_max: the range is the wrong way round, so nothing can match"),
    N_("is less than amount_min: the range is the wrong way round, so nothing can match"),
    N_("takes one value only; it was given more than once"),  # parameters.ONE_VALUE_ONLY
)
# The API's words said after the value they are about (``'foo' is not an org-id: …``).
VALUE_MESSAGES: Final = (
    N_(
        "is not an org-id: expected COUNTRY-REGISTER-IDENTIFIER, such as KZ-BIN-940140000385 "
        "or UZ-STIR-310006777"
    ),  # identifiers.NOT_AN_ORG_ID
)


def api_message(message: str) -> Markup:
    """One of the API's messages in the reader's language, if the catalogs have it, else as
    the API says it, marked as English. A message the catalogs have, followed by pydantic's
    reason in brackets (a date's "(month value is outside expected range of 1-12)"), is said
    without the reason, which is English and which the field beside it shows anyway. Never
    formatted: a message may repeat the value a reader typed, ``%`` and all, which a gettext
    call in a template would take for a placeholder. One of ``VALUE_MESSAGES``, said after the
    value it is about (``'foo' is not an org-id: …``), is translated after that value."""
    known = next(
        (text for text in FILTER_MESSAGES if message == text or message.startswith(f"{text} (")),
        None,
    )
    value = ""
    if known is None:
        # A message about the value typed, after it: the value is said as it came.
        known = next((text for text in VALUE_MESSAGES if message.endswith(f" {text}")), None)
        value = message.removesuffix(known or "")
    translated = i18n.gettext(known) if known is not None else message
    if known is not None and translated != known:
        return escape(value + translated)
    if i18n.current().code == "en":
        return escape(message)
    return Markup('<span lang="en">{}</span>').format(message)  # WCAG 3.1.2


def region_groups(page: PageContext) -> list[tuple[str, list[tuple[str, str]]]]:
    """The region filter's choices, by country: the country itself (its awards of national
    scope), then its regions, each named in the reader's language and in that order."""
    return [
        (
            page.region_name(country),
            [
                (country, page.region_choice(country)),
                *sorted(
                    ((code, page.region_name(code)) for code, _ in regions_of(country)),
                    key=lambda choice: i18n.sort_key(page.language, choice[1]),
                ),
            ],
        )
        for country in NAMED_COUNTRIES
    ]


SEARCH_PAGES: Final = {
    "/awards": ("awards.html", AWARD_PARAMS),
    "/competitions": ("competitions.html", COMPETITION_PARAMS),
    "/organizations": ("organizations.html", ORGANIZATION_PARAMS),
}


def funder_choices(page: PageContext, request: Request) -> list[tuple[str, str, str]]:
    """The funder field's choices, (org-id, name, the name's language), by name in the
    reader's language: every funder of what the page searches (``_organizations_by_name`` read
    them, ``FUNDERS_BY_PAGE``)."""
    choices = []
    for org_id, names in getattr(request.state, "funder_names", {}).items():
        found = i18n.localized(names, page.language)
        name, code = found if found is not None else (org_id, "")
        choices.append((org_id, name, "" if code == page.language.code else code))
    return sorted(choices, key=lambda choice: i18n.sort_key(page.language, choice[1]))


def _name_context(request: Request, page: PageContext) -> dict[str, Any]:
    """What the forms of the searches by organization show: the funders to choose from, and
    the organizations each name typed found, more than one (``_organizations_by_name``)."""
    candidates = getattr(request.state, "name_candidates", {})
    return {
        "funder_choices": funder_choices(page, request),
        "name_candidates": candidates,
        "candidate_names": {
            org_id: names
            for found in candidates.values()
            for one in found
            for org_id, names in one.names.items()
        }
        | getattr(request.state, "funder_names", {}),
    }


def _parameter(field: str) -> str:
    """The query parameter a problem's field names (``query.year.0`` is ``year``); "" for a
    field of another place."""
    location, _, rest = field.partition(".")
    return rest.partition(".")[0] if location == "query" else ""


def refused_search(request: Request, fields: Sequence[tuple[str, str]]) -> HTMLResponse | None:
    """A search page whose query the API's parsers refused (a 400), answered as that page:
    its form as it was filled in, each message beside its field, and no results. ``None``
    for any other page. A message about no field of the form (``query.cursor``) is listed
    above the form."""
    found = SEARCH_PAGES.get(request.url.path)
    if found is None:
        return None
    template, params = found
    errors: dict[str, list[str]] = {}
    # In the order of the page's parameters (its form's, near enough), the others first, so
    # the summary reads down the form rather than in the order the API checked them.
    order = {"": -1} | {name: position for position, name in enumerate(params)}
    for field, message in sorted(fields, key=lambda error: order.get(_parameter(error[0]), -1)):
        name = _parameter(field)
        errors.setdefault(name if name in params else "", []).append(message)
    # A name that found several organizations is said so, with them to choose from, rather
    # than as the org-id it is not (``_organizations_by_name``).
    for name, found in getattr(request.state, "name_candidates", {}).items():
        typed = tuple(f"{one.typed!r} " for one in found)
        errors[name] = [
            message for message in errors.get(name, []) if not message.startswith(typed)
        ]
    query = SearchQuery.of(request, params)
    page = PageContext(request)
    return render(
        request,
        template,
        {
            "section": request.url.path,
            "query": query,
            "items": [],
            "names": {},
            "region_groups": region_groups(page),
            "query_max_length": TEXT_MAX_LENGTH,
            "field_errors": errors,
            "api_message": api_message,
            **_name_context(request, page),
        },
        status_code=HTTPStatus.BAD_REQUEST,
        page=page,
    )


@router.get("/awards", response_class=HTMLResponse, dependencies=[Depends(_organizations_by_name)])
def awards(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: FiltersDep,
    sort: SortParam | None = None,
    cursor: CursorParam = None,
    before: CursorParam = None,
) -> HTMLResponse:
    page_context = PageContext(request)
    words = not parse_query(filters.q or "").empty
    if sort is search.AwardSort.RELEVANCE:
        # Relevance is the page's own order for words (below), and means nothing without
        # them: either way the URL says it by leaving ``sort`` out, so the form shows the
        # order the results come in.
        redirect_keeping(request, lambda name, _: name != "sort")
    backward = before is not None
    if sort is None and words:
        # Words, and no order asked: the best matches first, paged both ways by (rank, id).
        found = search.relevance_page(
            session,
            filters,
            limit=PAGE_SIZE,
            cursor=before if backward else cursor,
            cursors=cursors,
            backward=backward,
        )
        ranks = found.ranks

        def position(award: Any, *, opposite: bool) -> str:
            return search.relevance_position(
                cursors, filters.q, award.id, ranks[award.id], backward=opposite
            )

    else:
        order = sort or search.AwardSort.AWARD_DATE_DESC
        found = search.award_page(
            session,
            filters,
            sort=search.reverse_sort(order) if backward else order,
            limit=PAGE_SIZE,
            cursor=before if backward else cursor,
            cursors=cursors,
        )

        def position(award: Any, *, opposite: bool) -> str:
            return search.award_position(
                cursors, award, search.reverse_sort(order) if opposite else order
            )

    rows, after, earlier = _read(
        found.items,
        found.cursor,
        backward=backward,
        had_cursor=cursor is not None,
        position=position,
    )
    facets = {
        name: facet_values(buckets)
        for name, buckets in search.award_facets(session, filters, AWARD_FACETS).items()
    }
    items = [to_summary(award) for award in rows]
    query = SearchQuery.of(request, AWARD_PARAMS)
    # Ordered by amount, the results come currency by currency (search.AMOUNT_SORTS): the page
    # says so, in that order, when they are in more than one.
    currencies = sorted(
        (value.value for value in facets["currency"]),
        reverse=sort is search.AwardSort.AMOUNT_DESC,
    )
    org_ids = {award.funder_id for award in items} | {value.value for value in facets["funder"]}
    org_ids |= set(query.values.get("funder", ())) | set(query.values.get("recipient", ()))
    total = sum(value.count for value in facets["currency"])
    return render(
        request,
        "awards.html",
        {
            "section": "/awards",
            "query": query,
            "items": items,
            "total": total,
            "amount_search": _amount_search(page_context, query, filters.q) if not total else None,
            "facets": facets,
            "names": views.organization_names(
                session, org_ids | set(query.values.get("funder", ()))
            ),
            "paging": _paging(page_context, query, forward_cursor=after, backward_cursor=earlier),
            "download_links": _award_downloads(query, by_relevance=words and sort is None),
            "region_groups": region_groups(page_context),
            "query_max_length": TEXT_MAX_LENGTH,
            "sorts": list(search.KEYED_SORTS),
            "amount_currencies": (
                currencies if sort in search.AMOUNT_SORTS and len(currencies) > 1 else []
            ),
            **_name_context(request, page_context),
        },
        page=page_context,
    )


@dataclass(frozen=True)
class AmountSearch:
    """Words that are an amount and found nothing: the amount as the page writes amounts, and
    the same search by the amount filters instead."""

    amount: str
    url: str


def _amount_search(page: PageContext, query: SearchQuery, q: str | None) -> AmountSearch | None:
    """The search by amount that words typed as an amount meant ("15 000 000", "15 000 000
    UZS"; reported by a data journalist, who found nothing and was told nothing): the same
    filters with ``amount_min`` and ``amount_max`` that amount, its currency if one was typed,
    and the words removed. Amounts are not words of the documents, so the words alone found
    nothing by the amount (only a registration number it may begin, when that found some)."""
    typed = amount_in_query(q or "", page.formats.locale)
    if typed is None:
        return None
    amounts = (typed.amount,)
    currency = {"currency": (typed.currency,)} if typed.currency else {}
    params = query.params(q=(), amount_min=amounts, amount_max=amounts, **currency)
    shown = (
        page.formats.money(typed.amount, typed.currency)
        if typed.currency
        else page.formats.number(typed.amount)
    )
    return AmountSearch(amount=shown, url=page.url(query.path, params))


def _api_link(path: str, params: Mapping[str, Iterable[str]]) -> str:
    """An API URL with ``params`` (no ``lang``: the API answers data, not pages)."""
    query = urlencode([(name, value) for name, values in params.items() for value in values])
    return f"{path}?{query}" if query else path


SPREADSHEET_CSV: Final = N_("CSV for spreadsheets (decimal comma, semicolons)")


def _award_downloads(query: SearchQuery, *, by_relevance: bool) -> list[tuple[str, str, str]]:
    """(label key, format, URL): the API's exports of exactly these filters (and of the order
    the page used, relevance included when it is the page's order for words: one it did not
    offer is dropped). Each is a whole file, never the first page of a paged feed: the
    standards' JSON links are their downloads."""
    keyed = {sort.value for sort in search.KEYED_SORTS}
    params = {
        name: values
        for name, values in query.params().items()
        if name != "sort" or set(values) <= keyed
    }
    if by_relevance:
        params["sort"] = [search.AwardSort.RELEVANCE.value]
    spreadsheet = {**params, "decimal": ["comma"], "bom": ["true"]}
    links = [
        ("csv", "CSV", _api_link("/api/v1/awards.csv", params)),
        ("csv-spreadsheet", SPREADSHEET_CSV, _api_link("/api/v1/awards.csv", spreadsheet)),
        ("jsonl", "JSON Lines", _api_link("/api/v1/awards.jsonl", params)),
    ]
    filters = {name: values for name, values in params.items() if name != "sort"}
    # The 360Giving downloads are by award id unless asked an order: they are asked the page's,
    # the newest first when the page says none (the awards downloads' own default).
    default = {"sort": [search.AwardSort.AWARD_DATE_DESC.value]}
    ordered = params if "sort" in params else params | default
    links += [
        (
            "360giving",
            "360Giving JSON",
            _api_link("/api/v1/360giving/grants.download.json", ordered),
        ),
        ("360giving-csv", "360Giving CSV", _api_link("/api/v1/360giving/grants.csv", ordered)),
    ]
    # The OCDS feed is the ledger's events (competitions' too) and filters on one funder,
    # recipient and year only: offered when that is all the page asks, so a download never
    # holds more than the page found.
    if set(filters) <= STANDARD_FILTERS and all(len(v) == 1 for v in filters.values()):
        links.append(
            ("ocds", "OCDS 1.1", _api_link("/api/v1/ocds/releases.download.json", filters))
        )
    return links


@router.get(
    "/competitions", response_class=HTMLResponse, dependencies=[Depends(_organizations_by_name)]
)
def competitions(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: CompetitionFiltersDep,
    sort: search.CompetitionSort = search.CompetitionSort.CLOSES_DESC,
    cursor: CursorParam = None,
    before: CursorParam = None,
) -> HTMLResponse:
    page_context = PageContext(request)
    backward = before is not None
    found = search.competition_page(
        session,
        filters,
        sort=search.reverse_sort(sort) if backward else sort,
        limit=PAGE_SIZE,
        cursor=before if backward else cursor,
        cursors=cursors,
    )
    rows, after, earlier = _read(
        found.items,
        found.cursor,
        backward=backward,
        had_cursor=cursor is not None,
        position=lambda competition, *, opposite: search.competition_position(
            cursors, competition, search.reverse_sort(sort) if opposite else sort
        ),
    )
    items = [competition_summary(competition) for competition in rows]
    query = SearchQuery.of(request, COMPETITION_PARAMS)
    return render(
        request,
        "competitions.html",
        {
            "section": "/competitions",
            "query": query,
            "items": items,
            "names": views.organization_names(
                session, {item.funder_id for item in items} | set(query.values.get("funder", ()))
            ),
            "paging": _paging(page_context, query, forward_cursor=after, backward_cursor=earlier),
            "download_links": [("json", "JSON", _api_link("/api/v1/competitions", query.params()))],
            "region_groups": region_groups(page_context),
            "query_max_length": TEXT_MAX_LENGTH,
            "sorts": list(search.CompetitionSort),
            "by_budget_in_currencies": sort.value.endswith("budget")
            and len(query.values.get("currency", ())) != 1,
            **_name_context(request, page_context),
        },
        page=page_context,
    )


@router.get("/organizations", response_class=HTMLResponse)
def organizations(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: OrganizationFiltersDep,
    cursor: CursorParam = None,
    before: CursorParam = None,
) -> HTMLResponse:
    page_context = PageContext(request)
    backward = before is not None
    found = search.organization_page(
        session,
        filters,
        limit=PAGE_SIZE,
        cursor=before if backward else cursor,
        cursors=cursors,
        descending=backward,
    )
    rows, after, earlier = _read(
        found.items,
        found.cursor,
        backward=backward,
        had_cursor=cursor is not None,
        position=lambda organization, *, opposite: search.organization_position(
            cursors, organization, descending=opposite
        ),
    )
    query = SearchQuery.of(request, ORGANIZATION_PARAMS)
    params = query.params()
    return render(
        request,
        "organizations.html",
        {
            "section": "/organizations",
            "query": query,
            "items": [organization_read(organization) for organization in rows],
            "paging": _paging(page_context, query, forward_cursor=after, backward_cursor=earlier),
            "download_links": [("json", "JSON", _api_link("/api/v1/organizations", params))],
            "region_groups": region_groups(page_context),
            "query_max_length": TEXT_MAX_LENGTH,
        },
        page=page_context,
    )
