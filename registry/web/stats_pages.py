"""Statistics and region pages: the API's ``/stats/awards`` numbers as charts and tables,
always per currency (UZS is never added to KZT)."""

import dataclasses
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from registry.awards.router import to_summary
from registry.core.db import SessionDep
from registry.core.errors import NotFound
from registry.publication import search
from registry.publication.pagination import CursorsDep
from registry.publication.router import FiltersDep
from registry.reference.money import format_amount
from registry.reference.regions import normalize_region, regions_of
from registry.web import addresses, charts, i18n, views
from registry.web.search_pages import (
    AWARD_PARAMS,
    LIST,
    SearchQuery,
    _organizations_by_name,
    _without_empty_values,
    funder_choices,
    region_groups,
)
from registry.web.templating import PageContext, render

router = APIRouter(tags=["portal"])
TOP: Final = 12
LATEST: Final = 10


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    awarded: str
    disbursed: str


@dataclass(frozen=True)
class CurrencyGroup:
    currency: str
    rows: list[Row]
    chart: Markup
    more: int
    """Rows left out of the table (beyond the top ones)."""
    charted: int
    """Rows drawn in the chart: the top ones of a table that lists more than a chart can."""

    @property
    def total(self) -> int:
        return len(self.rows) + self.more


def per_currency(
    page: PageContext,
    buckets: Iterable[search.Bucket],
    label: Callable[[str], str],
    *,
    limit: int | None = None,
    charted: int | None = None,
) -> list[CurrencyGroup]:
    grouped: dict[str, list[search.Bucket]] = defaultdict(list)
    for bucket in buckets:
        grouped[bucket.currency].append(bucket)
    result = []
    for currency, items in sorted(grouped.items(), key=lambda kv: -sum(b.count for b in kv[1])):
        shown = items[:limit] if limit else items
        rows = [
            Row(
                key=bucket.key,
                label=label(bucket.key),
                count=bucket.count,
                awarded=format_amount(bucket.awarded_minor, currency),
                disbursed=format_amount(bucket.disbursed_minor, currency),
            )
            for bucket in shown
        ]
        chart = charts.bar_chart(
            [
                charts.Bar(
                    row.label, Decimal(row.awarded), page.formats.money(row.awarded, currency)
                )
                for row in rows[:charted]
            ]
        )
        drawn = len(rows[:charted])
        result.append(CurrencyGroup(currency, rows, chart, len(items) - len(shown), drawn))
    return result


def shown_keys(buckets: Iterable[search.Bucket], limit: int) -> set[str]:
    """The keys of the first ``limit`` buckets of each currency: the rows a page shows, whose
    organizations it names (one read for them all, never one a row)."""
    taken: dict[str, int] = defaultdict(int)
    keys = set()
    for bucket in buckets:
        if taken[bucket.currency] < limit:
            taken[bucket.currency] += 1
            keys.add(bucket.key)
    return keys


def api_link(group_by: str, params: Mapping[str, list[str]]) -> str:
    pairs = [("group_by", group_by)] + [(k, v) for k, values in params.items() for v in values]
    return f"/api/v1/stats/awards?{urlencode(pairs)}"


def _filter_params(request: Request) -> dict[str, list[str]]:
    """The page's filters for its API links: a filter of one value given more than once as
    the page read it, its last (the API refuses the repeat, found by review). ``all`` is the
    page's own, not a filter."""
    params: dict[str, list[str]] = defaultdict(list)
    for name, value in request.query_params.multi_items():
        if name not in {"lang", "group_by", "all"} and value:
            if AWARD_PARAMS.get(name, LIST) == LIST:
                params[name].append(value)
            else:
                params[name] = [value]
    return dict(params)


class Every(enum.StrEnum):
    """A section of the statistics page that a link asks to list whole (``all=recipient``):
    its table lists up to ``EVERY_ROW`` rows of each currency, its chart still the top ones."""

    FUNDER = "funder"
    RECIPIENT = "recipient"


EVERY_ROW: Final = 1000
"""At most this many rows of one currency in a section listed whole (the API's own limit)."""
STATS_PARAMS: Final = {
    **{name: kind for name, kind in AWARD_PARAMS.items() if name != "sort"},
    "legal_unit": LIST,
    "size_band": LIST,
}
"""The award filters the statistics page takes (the API's ``/stats/awards``), by kind."""


@router.get(
    "/stats",
    response_class=HTMLResponse,
    # As the award search's form: its empty fields left out, a funder or recipient typed by
    # name read as the organization it names (which reads the funders' names, for the form).
    dependencies=[Depends(_without_empty_values), Depends(_organizations_by_name)],
)
def stats(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    every: Annotated[Every | None, Query(alias="all")] = None,
) -> HTMLResponse:
    page = PageContext(request)
    i18n.activate(page.language)  # labels made here are in the reader's language
    params = _filter_params(request)
    query = SearchQuery.of(request, STATS_PARAMS)
    found = {group: search.award_stats(session, filters, group) for group in SECTIONS}
    whole = search.StatsGroup(every.value) if every else None
    limits = {group: EVERY_ROW if group is whole else TOP for group in LIMITS}
    funder_names = request.state.funder_names
    names = funder_names | views.organization_names(
        session,
        {org_id for values in query.values.values() for org_id in values}
        | set().union(*(shown_keys(found[group], limit) for group, limit in limits.items())),
    )
    labels: dict[search.StatsGroup, Callable[[str], str]] = {
        search.StatsGroup.YEAR: str,
        search.StatsGroup.INSTRUMENT: instrument_label,
        search.StatsGroup.REGION: page.region_name,
        search.StatsGroup.FUNDER: lambda org_id: page.plain(names.get(org_id), org_id),
        search.StatsGroup.RECIPIENT: lambda org_id: page.plain(names.get(org_id), org_id),
    }
    # A row's awards, searched: the award search page takes these filters but two.
    searchable = set(params) <= set(AWARD_PARAMS)
    sections = [
        Section(
            name=group.value,
            groups=per_currency(
                page,
                buckets,
                labels[group],
                limit=limits.get(group),
                charted=TOP if group in LIMITS else None,
            ),
            api=api_link(group.value, params),
            every=(
                page.url("/stats", params, all=group.value) + f"#stats-{group.value}"
                if group in LIMITS and group is not whole
                else None
            ),
            awards=(
                partial(_row_awards, page, params, group.value)
                if searchable and group in LIMITS
                else None
            ),
        )
        for group, buckets in found.items()
    ]
    return render(
        request,
        "stats.html",
        {
            "section": "/stats",
            "sections": sections,
            "query": query,
            "names": names,
            "funder_choices": funder_choices(page, request),
            "candidate_names": names,
            "region_groups": region_groups(page),
            "org_link": lambda org_id: page.url(f"/organizations/{org_id}"),
        },
        page=page,
    )


def _row_awards(page: PageContext, params: Mapping[str, list[str]], name: str, key: str) -> str:
    return page.url("/awards", {**params, name: [key]})


@dataclass(frozen=True)
class Section:
    """One grouping of the statistics page: its tables, and where its numbers lead."""

    name: str
    groups: list[CurrencyGroup]
    api: str
    every: str | None
    """This page listing the section whole, when it shows the top rows only."""
    awards: Callable[[str], str] | None
    """A row's awards in the award search (the page's filters and the row's own)."""


LIMITS: Final = (search.StatsGroup.FUNDER, search.StatsGroup.RECIPIENT)
SECTIONS: Final = (
    search.StatsGroup.YEAR,
    search.StatsGroup.INSTRUMENT,
    search.StatsGroup.REGION,
    search.StatsGroup.FUNDER,
    search.StatsGroup.RECIPIENT,
)


@router.get("/regions", response_class=HTMLResponse)
def regions(request: Request, session: SessionDep) -> HTMLResponse:
    page = PageContext(request)
    buckets = search.award_stats(session, search.AwardFilters(), search.StatsGroup.REGION)
    return render(
        request,
        "regions.html",
        {
            "section": "/regions",
            "groups": per_currency(page, buckets, page.region_name),
            "api": api_link("region", {}),
            "region_link": lambda code: page.url(f"/regions/{code}"),
        },
        page=page,
    )


@router.get("/regions/{code}", response_class=HTMLResponse)
def region(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    code: Annotated[str, Path(max_length=12)],
    filters: FiltersDep,
) -> HTMLResponse:
    """A region's awards, or a country's of nationwide scope (``UZ``: the awards that name
    the country as their region, not one of its regions), with the award filters the
    statistics page takes (``?funder=…&year=2026``): its own region is the path's."""
    try:
        normalized = normalize_region(code)
    except ValueError as exc:
        raise NotFound.for_field("path.code", f"no region {code}") from exc
    if normalized != code:  # uz-sa, or a withdrawn code (KZ-ALA): the region's own page
        addresses.moved(request, "code", normalized)
    if "region" in request.query_params:  # the page's region is its path's, never another
        addresses.redirect_keeping(request, lambda name, _: name != "region")
    page = PageContext(request)
    filters = dataclasses.replace(filters, region=(normalized,))
    params = {"region": [normalized]} | _filter_params(request)
    query = SearchQuery.of(request, STATS_PARAMS)
    latest = search.award_page(
        session,
        filters,
        sort=search.AwardSort.AWARD_DATE_DESC,
        limit=LATEST,
        cursor=None,
        cursors=cursors,
    )
    awards = [to_summary(award) for award in latest.items]
    funders = search.award_stats(session, filters, search.StatsGroup.FUNDER)
    recipients = search.award_stats(session, filters, search.StatsGroup.RECIPIENT)
    names = views.organization_names(
        session,
        shown_keys(funders, TOP)
        | shown_keys(recipients, TOP)
        | {award.funder_id for award in awards}
        | {org_id for values in query.values.values() for org_id in values},
    )

    def name(org_id: str) -> str:
        return page.plain(names.get(org_id), org_id)

    country = normalized.partition("-")[0]
    nationwide = "-" not in normalized
    return render(
        request,
        "region.html",
        {
            "section": "/regions",
            "code": normalized,
            "name": page.region_choice(normalized) if nationwide else page.region_name(normalized),
            "nationwide": nationwide,
            # The country's every award: those of nationwide scope and each region's.
            "whole_country": [country, *(region for region, _ in regions_of(country))],
            "by_year": per_currency(
                page, search.award_stats(session, filters, search.StatsGroup.YEAR), str
            ),
            "funders": per_currency(page, funders, name, limit=TOP),
            "recipients": per_currency(page, recipients, name, limit=TOP),
            # A row's awards in the search, when it takes every filter the page was given.
            "row_awards": {
                group: partial(_row_awards, page, params, group)
                if set(params) <= set(AWARD_PARAMS)
                else None
                for group in ("funder", "recipient")
            },
            "every_recipient": page.url("/stats", params, all=Every.RECIPIENT.value)
            + "#stats-recipient",
            "awards": awards,
            "names": names,
            "params": params,
            "query": query,
            "api": api_link("year", params),
            "org_link": lambda org_id: page.url(f"/organizations/{org_id}"),
        },
        page=page,
    )


def instrument_label(key: str) -> str:
    return i18n.gettext(views.INSTRUMENT_NAMES.get(key, key))
