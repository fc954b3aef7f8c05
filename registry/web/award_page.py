"""The award page: who got how much, from whom, for what, and everything that happened since.

The timeline is read from the award's events as the API serves them; what each event changed
(an amendment's before and after, the running disbursed total) is worked out here by the same
fold the rules use, so a correction shows where it applies and the original stays visible.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from registry.awards import rules
from registry.awards import service as award_service
from registry.awards.router import AwardId, to_read
from registry.awards.schemas import AwardEventRead, AwardRead
from registry.competitions import service as competition_service
from registry.core.db import SessionDep
from registry.reference.zones import local_zone
from registry.risks import service as risk_service
from registry.web import addresses, oversight_pages, receipts, risk_pages, views
from registry.web.templating import render

router = APIRouter(tags=["portal"])
SAFE_LINK_SCHEMES: Final = ("https://", "http://")


@dataclass
class Step:
    """One event of the timeline, with what it changed."""

    event: AwardEventRead
    kind: str
    """The event's kind without its family: ``published``, ``amended``, …"""
    on: date | None
    """The date the event itself gives (a disbursement's date), if any."""
    body: dict[str, Any]
    """The body as it reads after every correction of it."""
    corrected_by: int | None = None
    voided: bool = False
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    """(field, before, after) for an amendment or a correction, as the ledger has them (an
    amount a decimal string, a date ISO 8601, a title by language), for the template to
    write as the rest of the page does."""
    disbursed_total: Decimal | None = None
    remaining: Decimal | None = None


def timeline(award: AwardRead) -> list[Step]:
    """The award's events in ledger order, each with the award's state right after it."""
    history = [rules.Event(event.seq, event.kind, event.body) for event in award.events]
    effective, corrected, voided = rules.effective_events(history)
    bodies = {event.seq: event.body for event in effective}
    amount = Decimal(0)
    disbursed = Decimal(0)
    period: dict[str, str] = {}
    steps: list[Step] = []
    for event in award.events:
        kind = event.kind.removeprefix("award.")
        body = bodies.get(event.seq, event.body)
        step = Step(
            event=event,
            kind=kind,
            on=_date(body.get("date")),
            body=body,
            corrected_by=corrected.get(event.seq),
            voided=event.seq in voided,
        )
        if kind == "published":
            amount = Decimal(body["amount"])
            period = dict(body.get("period") or {})  # none for a prize
        elif kind == "amended" and not step.voided:
            if "amount" in body:
                step.changes.append(("amount", str(amount), body["amount"]))
                amount = Decimal(body["amount"])
            if "period" in body:
                for end in ("start", "end"):
                    if body["period"][end] != period.get(end):
                        step.changes.append(
                            (f"period.{end}", period.get(end, ""), body["period"][end])
                        )
                period = dict(body["period"])
            step.remaining = amount - disbursed
        elif kind == "disbursed" and not step.voided:
            disbursed += Decimal(body["amount"])
            step.disbursed_total = disbursed
            step.remaining = amount - disbursed
        elif kind == "corrected":
            target = next((s for s in steps if s.event.seq == event.body["corrects"]), None)
            original = target.event.body if target else {}
            step.changes = [
                (name, original.get(name), value)
                for name, value in sorted((event.body.get("changes") or {}).items())
            ]
        steps.append(step)
    return steps


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def safe_link(url: object) -> str | None:
    """A document link a page may make clickable: http(s) only, never ``javascript:``."""
    return url if isinstance(url, str) and url.lower().startswith(SAFE_LINK_SCHEMES) else None


def receipt_box(request: Request, session: Session, award: AwardRead) -> receipts.Receipt:
    return receipts.receipt_box(
        request,
        session,
        path=f"/awards/{award.id}",
        entries=[(event.seq, event.kind) for event in award.events],
        url=f"/api/v1/awards/{quote(award.id)}/receipt",
        file_name=f"award-{award.id}.tlog-proof",
        entry_url=lambda seq: f"/api/v1/awards/{quote(award.id)}/events/{seq}/receipt",
    )


@router.get("/awards/{award_id}", response_class=HTMLResponse)
def award_page(
    request: Request,
    session: SessionDep,
    award_id: AwardId,
    leaf: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    award = to_read(
        session,
        addresses.record(request, "award_id", award_id, partial(award_service.get, session)),
    )
    receipt = receipt_box(request, session, award)
    competition = (
        competition_service.get(session, award.competition_id, field="competition_id")
        if award.competition_id
        else None
    )
    steps = timeline(award)
    return render(
        request,
        "award.html",
        {
            "section": "/awards",
            "award": award,
            "steps": steps,
            "competition": competition,
            "funder_names": views.organization_names(session, {award.funder_id}).get(
                award.funder_id, {}
            ),
            "disbursed_share": _share(award.disbursed, award.amount),
            "verifier_key": request.app.state.signer.verifier.verifier_key(),
            "seqs": [event.seq for event in award.events],
            "safe_link": safe_link,
            "oversight": oversight_pages.section(session, award.oversight),
            "risks": risk_pages.of_award(
                session, risk_service.thresholds(request.app.state.settings), award.id
            ),
            "receipt": receipt,
            "leaf_check": receipts.leaf_check(leaf, receipt),
            # Where the award is made, as its award date and the rules' "today" are: a time
            # is shown there, and named, as the competition page shows its window.
            "zone": local_zone(award.region, award.funder_id),
        },
    )


def _share(part: str, whole: str) -> int:
    """Percent of ``whole`` that ``part`` is, for a progress bar (0 when ``whole`` is zero)."""
    total = Decimal(whole)
    return 0 if not total else min(100, int(Decimal(part) * 100 / total))
