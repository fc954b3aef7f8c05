"""The database: one engine per process, read and write sessions, and the request dependencies.

A request is one transaction. Read requests use an ordinary transaction. Write requests use a
*write* session: on PostgreSQL that is an ordinary transaction (the ledger serialises appends
with ``SELECT … FOR UPDATE`` on its head row), on SQLite it is ``BEGIN IMMEDIATE``, which takes
the database's write lock up front. SQLite cannot upgrade a read transaction to a write one
without risking ``SQLITE_BUSY``, so a writer must say so when it begins.
"""

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

import orjson
from fastapi import Depends, Query, Request
from psycopg.types.json import set_json_loads
from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    Table,
    TypeDecorator,
    create_engine,
    event,
    insert,
    text,
)
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Mapper, Session, class_mapper, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.core.errors import ServiceUnavailable

WRITE_OPTION = "registry_write"
SQLITE_BUSY_TIMEOUT_SECONDS = 30
DEFAULT_EXPORT_CONNECTIONS = 4
DEFAULT_EXPORT_WAIT_SECONDS = 10.0
DEFAULT_READ_WAIT_SECONDS = 1.0
REPLICA_POLL_SECONDS = 0.02

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on both databases.

    SQLite stores no offset, so without this a value read back would be naive there and
    aware on PostgreSQL; naive values are refused on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the registry stores only timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 - SQLAlchemy's API


Model = TypeVar("Model", bound=Base)


def table_of(model: "type[Base] | Base") -> Table:
    """The table a model class (or one of its rows) is mapped to, for Core statements."""
    return Base.metadata.tables[model.__tablename__]


def transient(model: type[Model], values: Mapping[str, Any]) -> Model:
    """An object of ``model`` with ``values`` as its attributes, for reading only: transient
    (in no session, with no identity) until someone adds it to one, which no caller does. A
    twentieth of the cost of ``model(**values)``, whose every attribute fires the unit of
    work's events; like it, a key that is not one of the model's columns is a ``TypeError``."""
    mapper = class_mapper(model)
    unknown = values.keys() - _column_keys(mapper)
    if unknown:
        raise TypeError(f"{model.__name__} has no column {min(unknown)!r}")
    made = mapper.class_manager.new_instance()
    made.__dict__.update(values)
    return made


@cache
def _column_keys(mapper: Mapper[Any]) -> frozenset[str]:
    return frozenset(mapper.column_attrs.keys())


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


# JSON columns are decoded for every row a list or a download reads, and encoded for every
# row a write projects; orjson does both several times faster than the standard library,
# with the same results for the registry's JSON (on SQLite too, where it always has).
set_json_loads(orjson.loads)


def make_engine(url: str, *, foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """An engine with the SQLite settings the registry relies on applied to every connection.

    ``foreign_keys=False`` is for migrations only: SQLite rebuilds a table to alter it
    (copy, DROP, rename), which enforced foreign keys would refuse once rows point at it.
    """
    if not is_sqlite(url):
        return create_engine(
            url,
            pool_pre_ping=True,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            **kwargs,
        )
    database = make_url(url).database
    in_memory = database in (None, "", ":memory:")
    if not in_memory:
        Path(str(database)).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        **kwargs,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's pysqlite recipe ("Serializable isolation / Savepoints / Transactional
        # DDL"): stop the driver from issuing its own BEGIN so that we can choose the kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        if not in_memory:
            # Readers never block the writer and the writer never blocks readers.
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


# Rows from which ``insert_rows`` uses COPY on PostgreSQL. One row costs the same either way;
# from three (measured) COPY costs less CPU and time than the INSERT executed once per row
# (8 awards and their events: 1.3 against 1.9 ms of CPU), and a group commit's batch holds
# the ledger's lock for that time.
COPY_FROM_ROWS: Final = 3


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in the connection's
    transaction: on PostgreSQL, from ``COPY_FROM_ROWS`` rows, with ``COPY … FROM STDIN``
    (each value through its column type's bind processing, as an INSERT would), else with one
    INSERT executed for all of them."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS:
        connection.execute(insert(table), list(rows))
        return
    keys = list(rows[0])
    columns = [table.c[key] for key in keys]
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    quote = dialect.identifier_preparer
    names = ", ".join(quote.format_column(column) for column in columns)
    statement = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    raw = connection.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if process is None else process(value)
                        for value, process in zip(
                            (row[key] for key in keys), processors, strict=True
                        )
                    ]
                )
    except dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy raises a driver's error (IntegrityError for a key taken, …): callers
        # catch those, not psycopg's own classes.
        raise DBAPIError.instance(statement, None, exc, dialect.loaded_dbapi.Error) from exc


def in_write_transaction(session: Session) -> bool:
    """True when the session was opened for writing (see ``Database.session``)."""
    return bool(session.connection().get_execution_options().get(WRITE_OPTION, False))


class Database:
    """The engine and the session factories of one process.

    Downloads get a small pool of their own (``export_connections``): a download holds its
    connection for as long as it streams, and it must never take the connections that the
    API's short requests need.
    """

    def __init__(
        self,
        url: str,
        *,
        read_url: str | None = None,
        read_wait_seconds: float = DEFAULT_READ_WAIT_SECONDS,
        export_connections: int = DEFAULT_EXPORT_CONNECTIONS,
        export_wait_seconds: float = DEFAULT_EXPORT_WAIT_SECONDS,
        **engine_kwargs: Any,
    ) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self.read_engine = make_engine(read_url, **engine_kwargs) if read_url else None
        self._replica = (
            sessionmaker(self.read_engine, expire_on_commit=False) if self.read_engine else None
        )
        self._read_wait_seconds = read_wait_seconds
        self._export_connections = export_connections
        # Downloads read from the replica when there is one.
        self._export_engine = self._downloads_engine(
            read_url or url, export_connections, export_wait_seconds, engine_kwargs
        )
        snapshots = (
            self._export_engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            if self.dialect == "postgresql"
            else self._export_engine
        )
        self._exports = sessionmaker(snapshots, expire_on_commit=False)

    def _downloads_engine(
        self, url: str, connections: int, wait_seconds: float, engine_kwargs: dict[str, Any]
    ) -> Engine:
        """The downloads' own engine (connections are made only when first used). An
        in-memory SQLite database exists only on its one connection, so it is shared."""
        if is_sqlite(url) and make_url(url).database in (None, "", ":memory:"):
            return self.engine
        pool = {"pool_size": connections, "max_overflow": 0, "pool_timeout": wait_seconds}
        return make_engine(url, **(engine_kwargs | pool))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with (self._writer if write else self._reader)() as session:
            try:
                yield session
            except:
                session.rollback()
                raise
            else:
                session.commit()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only session that sees one consistent state of the database however long it
        lasts, on the downloads' own pool: a row changed mid-download is neither repeated nor
        skipped. PostgreSQL: ``REPEATABLE READ READ ONLY``. SQLite (WAL): a read transaction
        sees the database as of its first read until it ends.

        Raises ``ServiceUnavailable`` (503, with Retry-After) when every download connection
        stays taken for ``export_wait_seconds``.
        """
        with self._exports() as session:
            try:
                session.connection()
            except PoolTimeout as exc:
                raise ServiceUnavailable(
                    f"all {self._export_connections} download connections are in use; "
                    "try again in a minute"
                ) from exc
            try:
                yield session
            finally:
                session.rollback()  # read-only: nothing to commit

    @contextmanager
    def read_session(self, *, min_seq: int | None = None) -> Iterator[tuple[Session, str]]:
        """A read-only transaction for a GET, and where it reads: ``"replica"`` when a read
        replica is configured (and, given ``min_seq``, holds that ledger entry within
        ``read_wait_seconds``), else ``"primary"``. A client that wrote entry N and reads
        with ``min_seq=N`` sees its own write, whatever the replica's lag."""
        factory, source = self._reader, "primary"
        if self._replica is not None and (min_seq is None or self._replica_holds(min_seq)):
            factory, source = self._replica, "replica"
        with factory() as session:
            try:
                yield session, source
            finally:
                session.rollback()  # read-only: nothing to commit

    def _replica_holds(self, seq: int) -> bool:
        """Whether the replica's ledger holds entry ``seq``, waiting for it a little, but only
        for an entry the primary holds: a ``min_seq`` past the end of the ledger (a typo, a
        crawler, a fuzzer) is answered by the primary at once, where it kept a thread waiting
        ``read_wait_seconds`` for what no replica could replay."""
        assert self.read_engine is not None
        deadline = time.monotonic() + self._read_wait_seconds
        on_primary = False  # asked once: the primary's ledger only grows
        while True:
            if _ledger_size(self.read_engine) > seq:
                return True
            if not on_primary:
                if _ledger_size(self.engine) <= seq:
                    return False
                on_primary = True
            if time.monotonic() >= deadline:
                return False
            time.sleep(REPLICA_POLL_SECONDS)

    def dispose(self) -> None:
        self.engine.dispose()
        self._export_engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()


def _ledger_size(engine: Engine) -> int:
    """How many entries the ledger of ``engine``'s database holds (0 before its first)."""
    with engine.connect() as connection:
        size = connection.execute(text("SELECT size FROM ledger_head")).scalar()
    return int(size or 0)


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


MinSeqParam = Annotated[
    int | None,
    Query(
        ge=0,
        le=2**63 - 1,
        description="Read-your-writes: the ledger seq of an entry this reader must see (from a "
        "write's response). With a read replica, the replica answers once it holds that "
        "entry, and the primary answers if it does not within a moment.",
    ),
]


def get_session(request: Request, min_seq: MinSeqParam = None) -> Iterator[Session]:
    database = get_database(request)
    if database.read_engine is None:
        with database.session() as session:
            yield session
        return
    with database.read_session(min_seq=min_seq) as (session, source):
        request.state.read_from = source
        yield session


def get_primary_session(request: Request) -> Iterator[Session]:
    with get_database(request).session() as session:
        yield session


class ReadFromHeader:
    """Says which server answered a GET (``Registry-Read-From: replica|primary``), when the
    registry has a read replica: installed only then."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            source = scope.get("state", {}).get("read_from")
            if message["type"] == "http.response.start" and source:
                headers = [*message.get("headers", []), (b"registry-read-from", source.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def get_write_session(request: Request) -> Iterator[Session]:
    with get_database(request).session(write=True) as session:
        yield session
    # Committed: let the ledger sign a fresh checkpoint if one is due.
    request.app.state.checkpointer.after_write()


# scope="function": the transaction commits before the response is sent, so a failed commit
# can never follow a 201 (FastAPI docs, "Dependencies with yield", "Early exit and scope").
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]
PrimarySessionDep = Annotated[Session, Depends(get_primary_session, scope="function")]
"""A read on the primary, never the replica: for the desk, whose pages must see the session
just signed in and the entry just written."""
