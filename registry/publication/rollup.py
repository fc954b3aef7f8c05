"""Keeps ``award_rollup`` (see ``AwardRollup``) equal to a GROUP BY over the awards.

Each award contributes one to the count and its amount and disbursed total to the sums of
exactly one key. The award projector reads the award's contribution before and after an
entry and calls ``move``: nothing happens when neither changed, a delta is added when only
the sums did, and otherwise the contribution leaves its old key (deleted when it empties) and
joins the new one. Writes already serialise on the ledger head lock, so these upserts never
race. ``rebuild`` recomputes the whole table from the awards (the benchmark's generated data).
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, cast, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from registry.awards.models import Award
from registry.publication.models import AwardRollup

NO_REGION = ""  # a key column cannot be NULL; facets show a missing region as "" either way
_KEY = ("funder_id", "instrument", "region", "year", "currency", "status")


@dataclass(frozen=True)
class Contribution:
    """What one award adds to the rollup: its key, and its amounts in minor units."""

    key: tuple[str, str, str, int, str, str]
    awarded_minor: int
    disbursed_minor: int


def contribution(award: Award) -> Contribution:
    return Contribution(
        key=(
            award.funder_id,
            award.instrument,
            award.region or NO_REGION,
            award.award_date.year,
            award.currency,
            award.status,
        ),
        awarded_minor=award.amount_minor,
        disbursed_minor=award.disbursed_minor,
    )


def move(session: Session, before: Contribution | None, after: Contribution) -> None:
    """Replace ``before`` (None for a new award) by ``after`` in the rollup."""
    if before == after:
        return
    if before is not None and before.key == after.key:
        _add(
            session,
            after.key,
            count=0,
            awarded=after.awarded_minor - before.awarded_minor,
            disbursed=after.disbursed_minor - before.disbursed_minor,
        )
        return
    if before is not None:
        _withdraw(session, before)
    _add(session, after.key, count=1, awarded=after.awarded_minor, disbursed=after.disbursed_minor)


def _key_matches(key: tuple[str, str, str, int, str, str]) -> list[ColumnElement[bool]]:
    return [getattr(AwardRollup, name) == value for name, value in zip(_KEY, key, strict=True)]


def _withdraw(session: Session, contribution: Contribution) -> None:
    remaining = session.execute(
        update(AwardRollup)
        .where(*_key_matches(contribution.key))
        .values(
            award_count=AwardRollup.award_count - 1,
            awarded_minor=AwardRollup.awarded_minor - contribution.awarded_minor,
            disbursed_minor=AwardRollup.disbursed_minor - contribution.disbursed_minor,
        )
        .returning(AwardRollup.award_count)
    ).scalar_one()
    if remaining == 0:
        session.execute(delete(AwardRollup).where(*_key_matches(contribution.key)))


def _add(
    session: Session,
    key: tuple[str, str, str, int, str, str],
    *,
    count: int,
    awarded: int,
    disbursed: int,
) -> None:
    """Upsert: a new key starts at the delta, an existing one has it added."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AwardRollup).values(
        dict(zip(_KEY, key, strict=True))
        | {"award_count": count, "awarded_minor": awarded, "disbursed_minor": disbursed}
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={
                "award_count": AwardRollup.award_count + statement.excluded.award_count,
                "awarded_minor": AwardRollup.awarded_minor + statement.excluded.awarded_minor,
                "disbursed_minor": AwardRollup.disbursed_minor + statement.excluded.disbursed_minor,
            },
        )
    )


def rebuild(session: Session) -> int:
    """Recompute the whole rollup from the awards; the number of keys."""
    session.execute(delete(AwardRollup))
    year = cast(func.extract("year", Award.award_date), Integer)
    region = func.coalesce(Award.region, NO_REGION)
    grouped = select(
        Award.funder_id,
        Award.instrument,
        region,
        year,
        Award.currency,
        Award.status,
        func.count(),
        func.sum(Award.amount_minor),
        func.sum(Award.disbursed_minor),
    ).group_by(Award.funder_id, Award.instrument, region, year, Award.currency, Award.status)
    columns = [*_KEY, "award_count", "awarded_minor", "disbursed_minor"]
    session.execute(insert(AwardRollup).from_select(columns, grouped))
    return int(session.execute(select(func.count()).select_from(AwardRollup)).scalar_one())
