"""Statistics and region pages: the API's ``/stats/awards`` numbers as charts and tables,
always per currency (UZS is never added to KZT)."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from registry.awards.router import to_summary
from registry.core.db import SessionDep
from registry.core.errors import NotFound
from registry.publication import search
from registry.publication.pagination import CursorsDep
from registry.publication.router import FiltersDep
from registry.reference.money import format_amount
from registry.reference.regions import normalize_region
from registry.web import addresses, charts, i18n, views
from registry.web.i18n import N_
from registry.web.search_pages import AWARD_PARAMS, LIST
from registry.web.templating import PageContext, render

router = APIRouter(tags=["portal"])
TOP: Final = 12
LATEST: Final = 10


INSTRUMENTS: Final = {
    "grant": N_("Grant"),
    "subsidy": N_("Subsidy"),
    "social_contract": N_("Social contract"),
    "strategic_partnership": N_("Strategic partnership"),
    "prize": N_("Prize"),
}


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
    """Rows left out of the chart and table (beyond the top ones)."""


def per_currency(
    page: PageContext,
    buckets: Iterable[search.Bucket],
    label: Callable[[str], str],
    *,
    limit: int | None = None,
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
                for row in rows
            ]
        )
        result.append(CurrencyGroup(currency, rows, chart, len(items) - len(shown)))
    return result


def api_link(group_by: str, params: Mapping[str, list[str]]) -> str:
    pairs = [("group_by", group_by)] + [(k, v) for k, values in params.items() for v in values]
    return f"/api/v1/stats/awards?{urlencode(pairs)}"


def _filter_params(request: Request) -> dict[str, list[str]]:
    """The page's filters for its API links: a filter of one value given more than once as
    the page read it, its last (the API refuses the repeat, found by review)."""
    params: dict[str, list[str]] = defaultdict(list)
    for name, value in request.query_params.multi_items():
        if name not in {"lang", "group_by"} and value:
            if AWARD_PARAMS.get(name, LIST) == LIST:
                params[name].append(value)
            else:
                params[name] = [value]
    return dict(params)


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request, session: SessionDep, filters: FiltersDep) -> HTMLResponse:
    page = PageContext(request)
    i18n.activate(page.language)  # labels made here are in the reader's language
    params = _filter_params(request)
    found = {group: search.award_stats(session, filters, group) for group in SECTIONS}
    funders = found[search.StatsGroup.FUNDER]
    names = views.organization_names(session, {bucket.key for bucket in funders[: TOP * 4]})
    labels: dict[search.StatsGroup, Callable[[str], str]] = {
        search.StatsGroup.YEAR: str,
        search.StatsGroup.INSTRUMENT: instrument_label,
        search.StatsGroup.REGION: page.region_name,
        search.StatsGroup.FUNDER: lambda org_id: page.plain(names.get(org_id), org_id),
    }
    sections = [
        (
            group.value,
            per_currency(
                page,
                buckets,
                labels[group],
                limit=TOP if group is search.StatsGroup.FUNDER else None,
            ),
            api_link(group.value, params),
        )
        for group, buckets in found.items()
    ]
    return render(
        request,
        "stats.html",
        {"section": "/stats", "sections": sections, "filters": params},
        page=page,
    )


LIMITS: Final = {search.StatsGroup.FUNDER: TOP}
SECTIONS: Final = (
    search.StatsGroup.YEAR,
    search.StatsGroup.INSTRUMENT,
    search.StatsGroup.REGION,
    search.StatsGroup.FUNDER,
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
) -> HTMLResponse:
    try:
        normalized = normalize_region(code)
    except ValueError as exc:
        raise NotFound.for_field("path.code", f"no region {code}") from exc
    if normalized != code:  # uz-sa, or a withdrawn code (KZ-ALA): the region's own page
        addresses.moved(request, "code", normalized)
    page = PageContext(request)
    filters = search.AwardFilters(region=(normalized,))
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
        {b.key for b in funders[: TOP * 2]}
        | {b.key for b in recipients[: TOP * 2]}
        | {award.funder_id for award in awards},
    )

    def name(org_id: str) -> str:
        return page.plain(names.get(org_id), org_id)

    return render(
        request,
        "region.html",
        {
            "section": "/regions",
            "code": normalized,
            "name": page.region_name(normalized),
            "by_year": per_currency(
                page, search.award_stats(session, filters, search.StatsGroup.YEAR), str
            ),
            "funders": per_currency(page, funders, name, limit=TOP),
            "recipients": per_currency(page, recipients, name, limit=TOP),
            "awards": awards,
            "names": names,
            "api": api_link("year", {"region": [normalized]}),
            "org_link": lambda org_id: page.url(f"/organizations/{org_id}"),
        },
        page=page,
    )


def instrument_label(key: str) -> str:
    return i18n.gettext(INSTRUMENTS.get(key, key))
