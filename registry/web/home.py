"""The home page: what the registry holds, what is open now, the latest awards, the checkpoint."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from registry.awards.router import to_summary
from registry.competitions.router import to_summary as competition_summary
from registry.core import clock
from registry.core.db import SessionDep
from registry.ledger import service as ledger_service
from registry.publication import search
from registry.publication.pagination import CursorsDep
from registry.publication.router import TEXT_MAX_LENGTH
from registry.web import views
from registry.web.templating import render

router = APIRouter(tags=["portal"])
LATEST_AWARDS = 8
OPEN_COMPETITIONS = 6


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, cursors: CursorsDep) -> HTMLResponse:
    this_year = clock.now().year
    by_year = search.award_stats(
        session, search.AwardFilters(year=(this_year - 1, this_year)), search.StatsGroup.YEAR
    )
    everything = search.award_stats(session, search.AwardFilters(), search.StatsGroup.YEAR)
    funders, recipients = search.party_counts(session)
    latest = search.award_page(
        session,
        search.AwardFilters(),
        sort=search.AwardSort.AWARD_DATE_DESC,
        limit=LATEST_AWARDS,
        cursor=None,
        cursors=cursors,
    )
    open_now = search.competition_page(
        session,
        search.CompetitionFilters(status=("open",)),
        sort=search.CompetitionSort.CLOSES,
        limit=OPEN_COMPETITIONS,
        cursor=None,
        cursors=cursors,
    )
    awards = [to_summary(award) for award in latest.items]
    competitions = [competition_summary(competition) for competition in open_now.items]
    return render(
        request,
        "home.html",
        {
            "award_count": sum(bucket.count for bucket in everything),
            "years": (this_year, this_year - 1),
            "totals": views.totals_by_year(by_year),
            "funders": funders,
            "recipients": recipients,
            "awards": awards,
            "competitions": competitions,
            "names": views.organization_names(session, {award.funder_id for award in awards}),
            "checkpoint": ledger_service.latest_checkpoint(session),
            "now": clock.now(),
            "query_max_length": TEXT_MAX_LENGTH,
        },
    )
