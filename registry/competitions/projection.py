from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from registry.competitions.models import Competition, CompetitionEvent
from registry.journal import Recorded, projector
from registry.reference.money import parse_amount

STAGES = (
    "applications_closed",
    "compliance_checked",
    "commission_decided",
    "preliminary_results",
    "final_results",
)
"""The stage events' names (``schemas.Stage``), in order."""


def _event(session: Session, entry: Recorded) -> Competition:
    session.add(
        CompetitionEvent(
            seq=entry.seq,
            competition_id=entry.subject,
            kind=entry.kind,
            time=entry.time,
            actor=entry.actor,
            body=entry.body,
        )
    )
    competition = session.get(Competition, entry.subject)
    assert competition is not None, f"{entry.kind} for an unknown competition at seq {entry.seq}"
    competition.updated_seq = entry.seq
    return competition


@projector("competition.published")
def published(session: Session, entry: Recorded) -> None:
    body = entry.body
    session.add(
        Competition(
            id=body["id"],
            funder_id=body["funder_id"],
            instrument=body["instrument"],
            year=body["year"],
            round_number=body["round_number"],
            title=body["title"],
            description=body["description"],
            eligibility=body["eligibility"],
            themes=body["themes"],
            currency=body["currency"],
            budget_minor=parse_amount(body["budget"], body["currency"]),
            opens_at=datetime.fromisoformat(body["opens_at"]),
            closes_at=datetime.fromisoformat(body["closes_at"]),
            region=body["region"],
            legal_basis=body["legal_basis"],
            state="published",
            cancel_reason=None,
            results=None,
            time_zone=body.get("time_zone"),
            **_stated(body.get("legal_unit")),
            stages=None,
            applications=None,
            applicant_organizations=None,
            admitted=None,
            source_id=body.get("source_id"),
            committed_minor=0,
            award_count=0,
            published_at=entry.time,
            published_seq=entry.seq,
            updated_seq=entry.seq,
        )
    )
    session.flush()
    _event(session, entry)


def _stated(statement: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of a budget stated in a legal unit (all None when it was not)."""
    return {
        "legal_unit": statement["unit"] if statement else None,
        "legal_multiplier": statement["multiplier"] if statement else None,
        "legal_unit_on": date.fromisoformat(statement["on"]) if statement else None,
        "legal_unit_value": int(statement["value"]) if statement else None,
    }


@projector("competition.amended")
def amended(session: Session, entry: Recorded) -> None:
    competition = _event(session, entry)
    changes = entry.body["changes"]
    for field in ("title", "description", "eligibility", "themes", "region", "legal_basis"):
        if field in changes:
            setattr(competition, field, changes[field])
    if "budget" in changes:
        competition.budget_minor = parse_amount(changes["budget"], competition.currency)
    if "window" in changes:
        competition.opens_at = datetime.fromisoformat(changes["window"]["opens"])
        competition.closes_at = datetime.fromisoformat(changes["window"]["closes"])


@projector("competition.cancelled")
def cancelled(session: Session, entry: Recorded) -> None:
    competition = _event(session, entry)
    competition.state = "cancelled"
    competition.cancel_reason = entry.body["reason"]


@projector("competition.results_published")
def results_published(session: Session, entry: Recorded) -> None:
    competition = _event(session, entry)
    competition.state = "results_published"
    competition.results = entry.body
    if competition.applications is None:
        competition.applications = entry.body.get("applications_received")
    if competition.applicant_organizations is None:
        competition.applicant_organizations = entry.body.get("applicant_organizations")


@projector(*(f"competition.{stage}" for stage in STAGES))
def stage(session: Session, entry: Recorded) -> None:
    competition = _event(session, entry)
    name = entry.kind.removeprefix("competition.")
    body = entry.body
    # A new dict, so that the JSON column is seen as changed.
    competition.stages = {
        **(competition.stages or {}),
        name: {"seq": entry.seq, "date": body["date"], "body": body},
    }
    if name == "applications_closed":
        competition.applications = body["applications"]
        competition.applicant_organizations = body["organizations"]
    elif name == "compliance_checked":
        competition.admitted = body["admitted"]
    elif name == "final_results":
        competition.state = "results_published"
        competition.results = body


def commit(session: Session, competition_id: str, *, amount_delta: int, count_delta: int) -> None:
    """Called by the award projector when an award of this competition changes."""
    competition = session.get(Competition, competition_id)
    assert competition is not None
    competition.committed_minor += amount_delta
    competition.award_count += count_delta
