"""The facts the indicators need, read from the query tables (projections of the ledger), and
the flags of a set of awards.

Indicators compare an award with its funder's other awards and competitions, so the facts read
are those of every funder of the awards asked about. That is a read of each such funder's
whole record per request: fine for the registries of two countries' NGO programmes (thousands
of awards a year per funder), not for millions; a maintained table is the next step there.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.awards.models import Award, AwardEvent
from registry.competitions import service as competition_service
from registry.competitions.models import Competition, CompetitionEvent
from registry.core.settings import Settings
from registry.imports import writer as import_writer
from registry.organizations.models import Organization
from registry.publication import search
from registry.reference.zones import local_zone
from registry.risks.indicators import (
    AwardFacts,
    CompetitionFacts,
    Facts,
    Flag,
    OrganizationFacts,
    Thresholds,
    flags,
)

STAGES_THAT_COUNT = ("applications_closed", "compliance_checked")


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        cap_share=settings.risk_cap_share,
        split_months=settings.risk_split_months,
        short_window_days=settings.risk_short_window_days,
        late_announcement_days=settings.risk_late_announcement_days,
        median_window_share=settings.risk_median_window_share,
        dominant_share=settings.risk_dominant_share,
        repeat_years=settings.risk_repeat_years,
        amendment_share=settings.risk_amendment_share,
        late_publication_days=settings.risk_late_publication_days,
        new_organization_days=settings.risk_new_organization_days,
    )


def facts_of_funders(session: Session, funder_ids: set[str]) -> Facts:
    """Every award and competition of these funders, and their recipients' registrations."""
    # Only the columns the indicators read, as plain rows: no ORM objects for a funder's
    # whole record.
    awards = list(session.execute(select(*AWARD_COLUMNS).where(Award.funder_id.in_(funder_ids))))
    # The entries that moved an amount: amendments of it, corrections that changed it.
    amendments: dict[str, list[int]] = defaultdict(list)
    statement = (
        select(AwardEvent.award_id, AwardEvent.seq, AwardEvent.kind, AwardEvent.body)
        .join(Award, Award.id == AwardEvent.award_id)
        .where(
            Award.funder_id.in_(funder_ids),
            AwardEvent.kind.in_(["award.amended", "award.corrected"]),
            AwardEvent.voided.is_(False),
        )
        .order_by(AwardEvent.seq)
    )
    for award_id, seq, kind, body in session.execute(statement):
        moved = body.get("amount") if kind == "award.amended" else (body.get("changes") or {})
        if moved and (kind == "award.amended" or "amount" in moved):
            amendments[award_id].append(seq)
    competitions = {}
    # Who wrote each publication: an import's day is the day of the import, not the call's.
    statement = (
        select(Competition, CompetitionEvent.actor)
        .outerjoin(CompetitionEvent, CompetitionEvent.seq == Competition.published_seq)
        .where(Competition.funder_id.in_(funder_ids))
    )
    for competition, actor in session.execute(statement):
        zone = competition_service.zone_of(competition)
        stages = competition.stages or {}
        recorded_on, after_close = recorded(competition)
        competitions[competition.id] = CompetitionFacts(
            id=competition.id,
            funder_id=competition.funder_id,
            year=competition.year,
            opens_on=competition.opens_at.astimezone(zone).date(),
            closes_on=competition.closes_at.astimezone(zone).date(),
            published_seq=competition.published_seq,
            applications=competition.applications,
            admitted=competition.admitted,
            stage_seqs=tuple(stages[name]["seq"] for name in STAGES_THAT_COUNT if name in stages),
            recorded_on=None if actor and import_writer.wrote(actor) else recorded_on,
            recorded_after_close=after_close,
        )
    recipients = select(Award.recipient_id).where(Award.funder_id.in_(funder_ids))
    organizations = {
        organization.org_id: OrganizationFacts(
            organization.org_id, organization.registration_date, organization.registered_seq
        )
        for organization in session.scalars(
            select(Organization).where(Organization.org_id.in_(recipients))
        )
    }
    return Facts(
        awards=[
            AwardFacts(
                id=award.id,
                funder_id=award.funder_id,
                recipient_id=award.recipient_id,
                competition_id=award.competition_id,
                currency=award.currency,
                amount_minor=award.amount_minor,
                original_amount_minor=award.original_amount_minor,
                award_date=award.award_date,
                # The day it was recorded where it was awarded, as its award date is.
                published_on=_local_day(award),
                published_seq=award.published_seq,
                award_before_close=award.award_before_close,
                amendment_seqs=tuple(amendments.get(award.id, ())),
            )
            for award in awards
        ],
        competitions=competitions,
        organizations=organizations,
    )


AWARD_COLUMNS = (
    Award.id,
    Award.funder_id,
    Award.recipient_id,
    Award.competition_id,
    Award.currency,
    Award.amount_minor,
    Award.original_amount_minor,
    Award.award_date,
    Award.published_at,
    Award.published_seq,
    Award.award_before_close,
    Award.region,
)


def _local_day(award: Any) -> date:
    """The day the ledger recorded the award, where it was awarded (as its award date is)."""
    recorded_at: datetime = _aware(award.published_at)  # stored as UTC, maybe without a zone
    return recorded_at.astimezone(local_zone(award.region, award.funder_id)).date()


def recorded(competition: Competition) -> tuple[date, bool]:
    """The day the ledger recorded the competition in its zone (where its window's days are
    counted), and whether that was at or after its closing instant: on the closing day, the
    deadline's hour decides (as it does for a stage, ``competitions.service``)."""
    recorded_at = _aware(competition.published_at)
    zone = competition_service.zone_of(competition)
    return recorded_at.astimezone(zone).date(), recorded_at >= _aware(competition.closes_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def flags_of_awards(
    session: Session, limits: Thresholds, award_ids: Sequence[str]
) -> dict[str, list[Flag]]:
    """The flags of these awards, by award id (every id present, most with none)."""
    found: dict[str, list[Flag]] = {award_id: [] for award_id in award_ids}
    if not award_ids:
        return found
    funders = set(
        session.scalars(select(Award.funder_id).where(Award.id.in_(award_ids)).distinct())
    )
    for flag in flags(facts_of_funders(session, funders), limits):
        if flag.award_id in found:
            found[flag.award_id].append(flag)
    return found


def flags_of_filtered(
    session: Session, limits: Thresholds, filters: search.AwardFilters
) -> tuple[list[tuple[int, str]], dict[str, list[Flag]]]:
    """The awards the filters select, as (published seq, id) newest first, and the flags of
    those that have any."""
    statement = (
        select(Award.published_seq, Award.id, Award.funder_id)
        .where(*search.award_conditions(session, filters))
        .order_by(Award.published_seq.desc())
    )
    rows = session.execute(statement).all()
    selected = [(int(seq), award_id) for seq, award_id, _ in rows]
    wanted = {award_id for _, award_id in selected}
    funders = {funder_id for _, _, funder_id in rows}
    by_award: dict[str, list[Flag]] = defaultdict(list)
    if funders:
        for flag in flags(facts_of_funders(session, funders), limits):
            if flag.award_id in wanted:
                by_award[flag.award_id].append(flag)
    return selected, dict(by_award)
