"""``insert_rows``: COPY on PostgreSQL from ``COPY_FROM_ROWS`` rows, an INSERT below; both
store exactly what the other does, for every kind of column the projections use."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    select,
)
from sqlalchemy.exc import IntegrityError

from registry.core.db import COPY_FROM_ROWS, Database, UTCDateTime, insert_rows

metadata = MetaData()
SAMPLE = Table(
    "bulk_insert_sample",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200)),
    Column("amount", BigInteger),
    Column("body", JSON),
    Column("at", UTCDateTime),
    Column("on", Date),
    Column("flag", Boolean),
    Column("hash", LargeBinary),
)


def _row(n: int) -> dict:
    # Text that COPY's text format must escape, JSON nulls and nesting, an offset time.
    return {
        "id": n,
        "name": None if n % 7 == 0 else f"Tab\there \\ back\nline «{n}» Ўзбек",
        "amount": 10**15 + n,
        "body": {"n": n, "none": None, "list": [1, "two", {"x": "\\N"}], "text": "a\tb"},
        "at": datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=5))) + timedelta(n),
        "on": None if n % 5 == 0 else date(2026, 1, 1) + timedelta(n),
        "flag": n % 2 == 0,
        "hash": bytes([n % 256, 0, 255, 92, 10]),
    }


def test_copy_and_insert_store_the_same(database_url: str) -> None:
    database = Database(database_url)
    try:
        metadata.create_all(database.engine)
        many = [_row(n) for n in range(COPY_FROM_ROWS + 20)]  # by COPY on PostgreSQL
        few = [_row(n) for n in range(1000, 1000 + COPY_FROM_ROWS - 1)]  # by INSERT
        with database.session(write=True) as session:
            connection = session.connection()
            insert_rows(connection, SAMPLE, many)
            insert_rows(connection, SAMPLE, few)
            insert_rows(connection, SAMPLE, [])
        with database.session() as session:
            stored = [dict(row._mapping) for row in session.execute(select(SAMPLE).order_by("id"))]
        expected = [row | {"at": row["at"].astimezone(UTC)} for row in many + few]
        assert stored == expected
    finally:
        metadata.drop_all(database.engine)
        database.dispose()


def test_a_key_taken_is_an_integrity_error_by_copy_as_by_insert(database_url: str) -> None:
    """Callers catch SQLAlchemy's errors (the ledger turns a seq taken into its 503): COPY's
    are raised as those, not as the driver's own."""
    database = Database(database_url)
    try:
        metadata.create_all(database.engine)
        for rows in ([_row(1)], [_row(n) for n in range(COPY_FROM_ROWS + 5)]):
            with database.session(write=True) as session:
                insert_rows(session.connection(), SAMPLE, [_row(1)])
            with pytest.raises(IntegrityError), database.session(write=True) as session:
                insert_rows(session.connection(), SAMPLE, rows)
            with database.session(write=True) as session:
                session.execute(SAMPLE.delete())
    finally:
        metadata.drop_all(database.engine)
        database.dispose()
