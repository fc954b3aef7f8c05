"""``/api/v1/risks``: the risk indicators of the awards any search selects, each explained by
the facts that raised it and the ledger seqs those rest on. Open to everyone, no key."""

import enum
from collections import Counter, defaultdict
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from registry.awards.models import Award
from registry.core.db import SessionDep
from registry.core.errors import problem_responses
from registry.core.parameters import each, member_of
from registry.publication import search
from registry.publication.router import (
    FiltersDep,
    LangParam,
    Language,
    ListParam,
    names_in,
)
from registry.risks import service
from registry.risks.indicators import Flag, Indicator
from registry.risks.schemas import AwardFlags, FlagRead, RiskPage, RiskSummary, RiskSummaryRow

router = APIRouter(prefix="/risks", tags=["risks"])
MAX_LIMIT = 200


def flag_read(flag: Flag) -> FlagRead:
    return FlagRead(
        indicator=flag.indicator,
        explanation=flag.explanation,
        facts=flag.facts,
        seqs=list(flag.seqs),
    )


@router.get(
    "",
    summary="Risk indicators of the awards the filters select, each with its explanation",
    response_model=RiskPage,
    responses=problem_responses(400),
)
def list_risks(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    indicator: Annotated[ListParam, each(member_of(Indicator))] = None,
    after: Annotated[
        int | None, Query(ge=0, description="Awards entered before this ledger seq (paging).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Flagged awards a page.")] = 50,
) -> RiskPage:
    wanted = set(indicator or ())
    limits = service.thresholds(request.app.state.settings)
    selected, by_award = service.flags_of_filtered(session, limits, filters)
    if wanted:
        by_award = {
            award_id: kept
            for award_id, flags in by_award.items()
            if (kept := [flag for flag in flags if flag.indicator in wanted])
        }
    counts = Counter(flag.indicator.value for flags in by_award.values() for flag in flags)
    flagged = [
        (seq, award_id)
        for seq, award_id in selected
        if award_id in by_award and (after is None or seq < after)
    ]
    page = flagged[:limit]
    more = len(flagged) > limit
    return RiskPage(
        items=[
            AwardFlags(
                award_id=award_id,
                published_seq=seq,
                flags=[flag_read(flag) for flag in by_award[award_id]],
            )
            for seq, award_id in page
        ],
        counts=dict(sorted(counts.items())),
        awards=len(selected),
        next=str(request.url.include_query_params(after=page[-1][0])) if more else None,
    )


class RiskGroup(enum.StrEnum):
    FUNDER = "funder"
    RECIPIENT = "recipient"


@router.get(
    "/summary",
    summary="How many of each funder's or recipient's awards raise each indicator",
    response_model=RiskSummary,
    responses=problem_responses(400),
)
def risk_summary(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    group_by: RiskGroup,
    lang: LangParam = Language.UZ,
) -> RiskSummary:
    limits = service.thresholds(request.app.state.settings)
    selected, by_award = service.flags_of_filtered(session, limits, filters)
    column = Award.funder_id if group_by is RiskGroup.FUNDER else Award.recipient_id
    # By the filters again, not by a list of ids (which could pass a driver's parameter limit).
    statement = select(Award.id, column).where(*search.award_conditions(session, filters))
    owners = {row[0]: row[1] for row in session.execute(statement)} if selected else {}
    awards: Counter[str] = Counter(owners.values())
    flagged: Counter[str] = Counter()
    by_indicator: dict[str, Counter[str]] = defaultdict(Counter)
    for award_id, flags in by_award.items():
        owner = owners[award_id]
        flagged[owner] += 1
        for indicator in {flag.indicator.value for flag in flags}:
            by_indicator[owner][indicator] += 1
    names = names_in(session, set(awards), lang)
    return RiskSummary(
        group_by=group_by.value,
        rows=[
            RiskSummaryRow(
                key=owner,
                name=names.get(owner),
                awards=awards[owner],
                flagged=flagged[owner],
                by_indicator=dict(sorted(by_indicator[owner].items())),
            )
            for owner in sorted(awards, key=lambda key: (-flagged[key], key))
        ],
    )
