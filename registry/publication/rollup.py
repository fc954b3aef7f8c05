"""Keeps ``award_rollup`` and ``award_facet_totals`` equal to GROUP BYs over the awards.

Each award contributes one to the count and its amount and disbursed total to the sums of
exactly one rollup key, and of one facet-total key per dimension. The award projector reads
the award's contribution before and after an entry and calls ``move``: the difference
becomes signed deltas per key, added by one upsert per table executed for all the changed
keys (nothing when nothing changed), and a key whose count falls to zero is deleted, so
neither table ever holds a row a GROUP BY would not. Writes already serialise on the ledger
head lock, so these upserts never race. ``rebuild`` recomputes both tables from the awards
(the benchmark's generated data).
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Table,
    TextClause,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from registry.awards.models import Award
from registry.core.db import table_of
from registry.publication.models import AwardFacetTotal, AwardRollup

NO_REGION = ""  # a key column cannot be NULL; facets show a missing region as "" either way
# The rollup's key, and the facet-total dimensions named as the filters and facets name them.
ROLLUP_KEY = ("funder_id", "instrument", "region", "year", "currency", "status")
DIMENSIONS = {
    "funder": "funder_id",
    "instrument": "instrument",
    "region": "region",
    "year": "year",
    "currency": "currency",
    "status": "status",
}
_FACET_TOTAL_KEY = ("dimension", "value", "currency")
_MEASURES = ("award_count", "awarded_minor", "disbursed_minor")

RollupKey = tuple[str, str, str, int, str, str]
Delta = tuple[int, int, int]  # count, awarded, disbursed


@dataclass(frozen=True)
class Contribution:
    """What one award adds to the rollup: its key, and its amounts in minor units."""

    key: RollupKey
    awarded_minor: int
    disbursed_minor: int

    def facet_keys(self) -> list[tuple[str, str, str]]:
        values = dict(zip(ROLLUP_KEY, self.key, strict=True))
        currency = str(values["currency"])
        return [(name, str(values[column]), currency) for name, column in DIMENSIONS.items()]


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


def contribution_of(award: Mapping[str, Any]) -> Contribution:
    """``contribution`` of an award's row given as its columns' values."""
    return Contribution(
        key=(
            award["funder_id"],
            award["instrument"],
            award["region"] or NO_REGION,
            award["award_date"].year,
            award["currency"],
            award["status"],
        ),
        awarded_minor=award["amount_minor"],
        disbursed_minor=award["disbursed_minor"],
    )


_PENDING = "registry.rollup.pending"


def move(session: Session, before: Contribution | None, after: Contribution) -> None:
    """Replace ``before`` (None for a new award) by ``after`` in both tables, when ``flush``
    next runs in this session: a write's entries (an import's chunk: thousands) add up their
    deltas, which are written once (``journal.record`` flushes after projecting them)."""
    if before == after:
        return
    rollup, facets = session.info.setdefault(_PENDING, ({}, {}))
    for sign, part in ((-1, before), (1, after)):
        if part is None:
            continue
        delta = (sign, sign * part.awarded_minor, sign * part.disbursed_minor)
        for table, keys in ((rollup, [part.key]), (facets, part.facet_keys())):
            for key in keys:
                total = table.setdefault(key, [0, 0, 0])
                for i, value in enumerate(delta):
                    total[i] += value


def flush(session: Session) -> None:
    """Write the deltas ``move`` has collected in this session: one upsert per table.

    Summed deltas stay exact: a key's net delta is its awards' final contributions less their
    first, so a key an award entered and left again nets to nothing."""
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        _write(session, *pending)


def discard(session: Session) -> None:
    """Forget unwritten deltas (their transaction or savepoint is being rolled back)."""
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "before_commit")
def _nothing_unwritten(session: Session) -> None:
    if session.info.get(_PENDING):
        raise RuntimeError("award rollup deltas were collected but never flushed")


def _write(session: Session, rollup: dict[Any, list[int]], facets: dict[Any, list[int]]) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    tables = (
        (table_of(AwardRollup), ROLLUP_KEY, rollup),
        (table_of(AwardFacetTotal), _FACET_TOTAL_KEY, facets),
    )
    # Plain Core on the session's connection: these tables are never in the unit of work, so
    # nothing is flushed first (an import's chunk flushes its awards together, later).
    connection = session.connection()
    for table, key_columns, deltas in tables:
        rows = [
            dict(zip(key_columns, key, strict=True)) | dict(zip(_MEASURES, delta, strict=True))
            for key, delta in deltas.items()
            if any(delta)
        ]
        if rows and postgres:
            # One statement whatever the number of rows: each column's values as an array.
            # Executed for many rows, the upsert ran once per row (an import's chunk moves
            # hundreds of keys).
            connection.execute(
                _array_upsert(table, key_columns, connection.dialect),
                {name: [row[name] for row in rows] for name in (*key_columns, *_MEASURES)},
            )
        elif rows:
            # One statement executed for many rows: SQLAlchemy compiles it once. A statement
            # carrying the rows in its own VALUES was compiled anew for every write, which
            # cost more than the database.
            connection.execute(_upsert(table, key_columns, postgres=postgres), rows)
        emptied = [key for key, (count, _, _) in deltas.items() if count < 0]
        if emptied:
            keys = tuple_(*(table.c[name] for name in key_columns))
            connection.execute(delete(table).where(table.c.award_count == 0, keys.in_(emptied)))


@functools.cache
def _array_upsert(table: Table, key_columns: tuple[str, ...], dialect: Dialect) -> TextClause:
    """``_upsert`` on PostgreSQL taking every column's values as one array (``unnest``)."""
    columns = [*key_columns, *_MEASURES]
    arrays = ", ".join(
        # Unbounded array types: a cast to varchar(n)[] would cut a value silently, where the
        # column refuses it.
        f"CAST(:{name} AS {_unbounded(table.c[name].type.compile(dialect))}[])"
        for name in columns
    )
    added = ", ".join(f"{name} = {table.name}.{name} + excluded.{name}" for name in _MEASURES)
    return text(
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 - the tables' own names
        f"SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {added}"
    )


def _unbounded(sql_type: str) -> str:
    return sql_type.split("(", 1)[0]


def _upsert(table: Table, key_columns: tuple[str, ...], *, postgres: bool) -> Any:
    """INSERT … ON CONFLICT adding a row's measures to its key's."""
    statement = (postgresql if postgres else sqlite).insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key_columns),
        set_={name: table.c[name] + statement.excluded[name] for name in _MEASURES},
    )


def rebuild(session: Session) -> int:
    """Recompute both tables from the awards; the number of rollup keys."""
    session.execute(delete(AwardRollup))
    session.execute(delete(AwardFacetTotal))
    year = cast(func.extract("year", Award.award_date), Integer)
    region = func.coalesce(Award.region, NO_REGION)
    keys = (Award.funder_id, Award.instrument, region, year, Award.currency, Award.status)
    grouped = select(
        *keys, func.count(), func.sum(Award.amount_minor), func.sum(Award.disbursed_minor)
    ).group_by(*keys)
    session.execute(insert(AwardRollup).from_select([*ROLLUP_KEY, *_MEASURES], grouped))
    for name, column in DIMENSIONS.items():
        session.execute(
            insert(AwardFacetTotal).from_select(
                [*_FACET_TOTAL_KEY, *_MEASURES], _facet_totals(name, getattr(AwardRollup, column))
            )
        )
    return int(session.execute(select(func.count()).select_from(AwardRollup)).scalar_one())


def _facet_totals(name: str, column: Any) -> Any:
    value = cast(column, String)
    sums = (func.sum(getattr(AwardRollup, measure)) for measure in _MEASURES)
    return select(literal(name), value, AwardRollup.currency, *sums).group_by(
        value, AwardRollup.currency
    )
