"""Organization (funders included) and competition pages, from the API's own reads."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from registry.awards.router import to_summary
from registry.competitions import service as competition_service
from registry.competitions.router import CompetitionId
from registry.competitions.router import to_read as competition_read
from registry.competitions.schemas import EventRead
from registry.core import clock
from registry.core.db import SessionDep
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationKind
from registry.publication import search
from registry.publication.pagination import CursorsDep
from registry.publication.router import CursorParam, get_organization
from registry.publication.schemas import OrganizationTotalRead
from registry.reference.identifiers import InvalidIdentifier, parse_org_id
from registry.reference.money import format_amount
from registry.risks import service as risk_service
from registry.risks.indicators import Indicator
from registry.web import addresses, charts, oversight_pages, receipts, risk_pages, views
from registry.web.i18n import N_
from registry.web.templating import PageContext, render

router = APIRouter(tags=["portal"])
AWARDS_PER_PAGE: Final = 20
REGISTER_NAMES: Final = {"STIR": N_("STIR"), "BIN": N_("BIN"), "KTUT": N_("OKPO"), "CR": "CR"}
"""A register's number as readers of each language call it (the catalogs: the Uzbek STIR is
the ИНН in Russian, the Kazakh BIN the БСН in Kazakh); the page translates the name."""


@dataclass(frozen=True)
class CurrencyTotals:
    """One role's money in one currency: by year (for the chart) and by year and instrument."""

    currency: str
    count: int
    awarded: Decimal
    disbursed: Decimal
    by_year: list[tuple[int, int, Decimal]]
    rows: list[OrganizationTotalRead]


@dataclass(frozen=True)
class FunderTotals:
    """What one funder gave an organization in one currency (amounts as the API writes them)."""

    funder_id: str
    count: int
    awarded: str
    disbursed: str


def per_currency(rows: Iterable[OrganizationTotalRead]) -> list[CurrencyTotals]:
    grouped: dict[str, list[OrganizationTotalRead]] = defaultdict(list)
    for row in rows:
        grouped[row.currency].append(row)
    result = []
    for currency, items in sorted(grouped.items()):
        years: dict[int, tuple[int, Decimal]] = {}
        for item in items:
            count, awarded = years.get(item.year, (0, Decimal(0)))
            years[item.year] = (count + item.count, awarded + Decimal(item.awarded))
        result.append(
            CurrencyTotals(
                currency=currency,
                count=sum(item.count for item in items),
                awarded=sum((Decimal(item.awarded) for item in items), Decimal(0)),
                disbursed=sum((Decimal(item.disbursed) for item in items), Decimal(0)),
                by_year=[(year, *years[year]) for year in sorted(years)],
                rows=sorted(items, key=lambda item: (item.year, item.instrument), reverse=True),
            )
        )
    return result


def year_chart(page: PageContext, totals: CurrencyTotals) -> Markup:
    items = charts.bars(
        [(str(year), awarded) for year, _, awarded in totals.by_year],
        lambda value: page.formats.money(value, totals.currency),
    )
    return charts.bar_chart(items)


def received_by_funder(session: Session, org_id: str) -> dict[str, list[FunderTotals]]:
    """What an organization received, by funder, per currency (largest first): the API's
    ``/stats/awards?group_by=funder&recipient=…``, in one read."""
    by_currency: dict[str, list[FunderTotals]] = defaultdict(list)
    filters = search.AwardFilters(recipient=(org_id,))
    for bucket in search.award_stats(session, filters, search.StatsGroup.FUNDER):
        by_currency[bucket.currency].append(
            FunderTotals(
                funder_id=bucket.key,
                count=bucket.count,
                awarded=format_amount(bucket.awarded_minor, bucket.currency),
                disbursed=format_amount(bucket.disbursed_minor, bucket.currency),
            )
        )
    return dict(by_currency)


@router.get("/organizations/{org_id}", response_class=HTMLResponse)
def organization_page(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    org_id: Annotated[str, Path(max_length=100)],
    role: str | None = None,
    cursor: CursorParam = None,
) -> HTMLResponse:
    registered = addresses.record(
        request,
        "org_id",
        org_id,
        partial(organization_service.get, session),
        addresses.org_id_spellings,
    )
    organization = get_organization(session, registered.org_id)
    page = PageContext(request)
    given, received = per_currency(organization.given), per_currency(organization.received)
    if role not in {"given", "received"}:  # by default, what it mostly does
        role = "given" if given and not received else "received"
    filters = (
        search.AwardFilters(funder=(organization.org_id,))
        if role == "given"
        else search.AwardFilters(recipient=(organization.org_id,))
    )
    found = search.award_page(
        session,
        filters,
        sort=search.AwardSort.AWARD_DATE_DESC,
        limit=AWARDS_PER_PAGE,
        cursor=cursor,
        cursors=cursors,
    )
    awards = [to_summary(award) for award in found.items]
    by_funder = received_by_funder(session, organization.org_id) if received else {}
    try:
        parsed = parse_org_id(organization.org_id)
        identifier = (REGISTER_NAMES.get(parsed.scheme, parsed.scheme), parsed.identifier)
    except InvalidIdentifier:
        identifier = None
    return render(
        request,
        "organization.html",
        {
            "section": "/organizations",
            "organization": organization,
            "identifier": identifier,
            "given": given,
            "received": received,
            "oversight": oversight_pages.section(session, organization.oversight),
            "risks": _risk_counts(request, session, organization.org_id),
            "risk_awards_listed": RISK_AWARDS_LISTED,
            "record_link": (
                page.url(f"/oversight/bodies/{organization.org_id}")
                if organization.kind != OrganizationKind.NGO
                else None
            ),
            "charts": {
                (role_name, totals.currency): year_chart(page, totals)
                for role_name, role_totals in (("given", given), ("received", received))
                for totals in role_totals
            },
            "role": role,
            "awards": awards,
            "by_funder": by_funder,
            "names": views.organization_names(
                session,
                {award.funder_id for award in awards}
                | {row.funder_id for rows in by_funder.values() for row in rows},
            ),
            "next_page": (
                page.url(f"/organizations/{organization.org_id}", role=role, cursor=found.cursor)
                if found.cursor
                else None
            ),
            "first_page": (
                page.url(f"/organizations/{organization.org_id}", role=role) if cursor else None
            ),
        },
        page=page,
    )


@router.get("/competitions/{competition_id}", response_class=HTMLResponse)
def competition_page(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    competition_id: CompetitionId,
    cursor: CursorParam = None,
    leaf: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    competition = competition_read(
        session,
        addresses.record(
            request,
            "competition_id",
            competition_id,
            partial(competition_service.get, session),
        ),
    )
    page = PageContext(request)
    names = views.organization_names(session, {competition.funder_id})
    zone = ZoneInfo(competition.time_zone)
    now = clock.now()
    opens, closes = competition.window["opens"], competition.window["closes"]
    found = search.award_page(
        session,
        search.AwardFilters(competition=(competition.id,)),
        sort=search.AwardSort.AMOUNT_DESC,
        limit=AWARDS_PER_PAGE,
        cursor=cursor,
        cursors=cursors,
    )
    awards = [to_summary(award) for award in found.items]
    budget = Decimal(competition.budget)
    committed = Decimal(competition.committed)
    # The announcement's receipt downloads under the competition's name, as an award's does;
    # its later entries' from the ledger's own address (entries like any other).
    receipt = receipts.receipt_box(
        request,
        session,
        path=f"/competitions/{competition.id}",
        entries=[(event.seq, event.kind) for event in competition.events],
        url=f"/api/v1/competitions/{quote(competition.id)}/receipt",
        file_name=f"competition-{competition.id}.tlog-proof",
        entry_url=lambda seq: f"/api/v1/ledger/entries/{seq}/receipt",
    )
    return render(
        request,
        "competition.html",
        {
            "section": "/competitions",
            "competition": competition,
            "funder_names": names.get(competition.funder_id, {}),
            "names": views.organization_names(session, {award.recipient_id for award in awards})
            | names,
            "zone": zone,
            "opens": opens.astimezone(zone),
            "closes": closes.astimezone(zone),
            "days_left": (closes - now).days if opens <= now < closes else None,
            "hours_left": int((closes - now).total_seconds() // 3600)
            if opens <= now < closes
            else None,
            "committed_share": 0 if not budget else min(100, int(committed * 100 / budget)),
            "awards": awards,
            "amendments": amendments(competition.events),
            "oversight": oversight_pages.section(session, competition.oversight),
            "risks": risk_pages.of_competition(
                session, risk_service.thresholds(request.app.state.settings), competition.id
            ),
            "verifier_key": request.app.state.signer.verifier.verifier_key(),
            "receipt": receipt,
            "leaf_check": receipts.leaf_check(leaf, receipt),
            "next_page": (
                page.url(f"/competitions/{competition.id}", cursor=found.cursor)
                if found.cursor
                else None
            ),
            "first_page": page.url(f"/competitions/{competition.id}") if cursor else None,
        },
        page=page,
    )


AMENDABLE: Final = (
    "title",
    "description",
    "eligibility",
    "themes",
    "budget",
    "window",
    "region",
    "legal_basis",
)
"""What a competition's amendment may change, in the order its page lists the changes."""


def amendments(events: Sequence[EventRead]) -> dict[int, list[tuple[str, Any, Any]]]:
    """Each amendment's changes as (field, before, after), by the amendment's seq: the
    competition as published, then as each amendment left it."""
    state: dict[str, Any] = {}
    changes: dict[int, list[tuple[str, Any, Any]]] = {}
    for event in events:
        if event.kind == "competition.published":
            state = {name: event.body.get(name) for name in AMENDABLE}
            # The publication gives the window as two fields; an amendment as one.
            state["window"] = {
                "opens": event.body.get("opens_at"),
                "closes": event.body.get("closes_at"),
            }
        elif event.kind == "competition.amended":
            amended = event.body.get("changes") or {}
            changes[event.seq] = [
                (name, state.get(name), amended[name]) for name in AMENDABLE if name in amended
            ]
            state |= {name: amended[name] for name in AMENDABLE if name in amended}
    return changes


RISK_AWARDS_LISTED = 10
"""Awards named under each indicator on an organization's page; the API lists them all."""


def _risk_counts(
    request: Request, session: Session, org_id: str
) -> dict[str, list[tuple[str, list[str]]]]:
    """Each risk indicator that the awards it gave or received raise, with those awards (newest
    published first), the indicators most raised first and ties in the indicators' own order
    (they came in the order of a set of strings, which changes from one process to the next)."""
    limits = risk_service.thresholds(request.app.state.settings)
    order = {indicator.value: position for position, indicator in enumerate(Indicator)}
    counts: dict[str, list[tuple[str, list[str]]]] = {}
    for role, filters in (
        ("given", search.AwardFilters(funder=(org_id,))),
        ("received", search.AwardFilters(recipient=(org_id,))),
    ):
        newest_first, by_award = risk_service.flags_of_filtered(session, limits, filters)
        awards: dict[str, list[str]] = defaultdict(list)
        for _, award_id in newest_first:
            for indicator in sorted({flag.indicator.value for flag in by_award.get(award_id, ())}):
                awards[indicator].append(award_id)
        if awards:
            counts[role] = sorted(awards.items(), key=lambda item: (-len(item[1]), order[item[0]]))
    return counts
