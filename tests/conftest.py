"""Every database test runs twice: on SQLite (the embedded default) and on PostgreSQL.

Each test gets a fresh database made from a template migrated once per run (a file copy on
SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL, made ahead on a thread and dropped after
on it: ``database_copies.py``). Tests commit for real: the ledger's
locking and transaction boundaries are what they check, so nothing is faked with savepoints.

PostgreSQL is optional on a laptop (its tests skip with a reason) and required in CI: with
``CI`` set, an unreachable server fails the run.
"""

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest
from database_copies import DatabaseCopies
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_desk import Desk
from postgres_url import POSTGRES_URL
from replica_cluster import ReplicaPair, replica_pair, wait_for_replay
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from registry.core import migrations
from registry.core.db import Database
from registry.core.settings import Settings
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.main import create_app

BACKENDS = ("sqlite", "postgresql")
_counter = itertools.count()
# The copies of each PostgreSQL template being made ahead, by the template's name.
_copies: dict[str, DatabaseCopies] = {}


def _admin_engine():
    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


def _postgres_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgresql_template() -> Iterator[str]:
    """A migrated PostgreSQL database to copy; skips (fails in CI) if the server is down."""
    engine = _admin_engine()
    name = f"registry_tmpl_{os.getpid()}"
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    migrations.upgrade(_postgres_url(name))
    conninfo = make_url(POSTGRES_URL).set(drivername="postgresql")
    _copies[name] = DatabaseCopies(
        conninfo.render_as_string(hide_password=False),
        name,
        lambda: f"registry_t_{os.getpid()}_{next(_counter)}",
    )
    yield name
    _copies.pop(name).close()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "registry.db"
    migrations.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, unmigrated database on the backend the test is parametrised with."""
    yield from _database(request.param, tmp_path, template=None)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url_factory(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], str]]:
    """Makes fresh, migrated databases on the test's backend; all dropped after the test."""
    template: str | Path = request.getfixturevalue(f"{backend}_template")
    with ExitStack() as stack:

        def make() -> str:
            folder = tmp_path / f"db{next(_counter)}"
            folder.mkdir()
            return stack.enter_context(
                contextmanager(_database)(backend, folder, template=template)
            )

        yield make


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, migrated database shared by one test module, on each backend in turn.

    For modules whose set-up is slow (a live server and a browser) and whose tests only read
    what the set-up wrote, or add to it without depending on each other's additions.
    """
    backend = str(request.param)
    template: str | Path = request.getfixturevalue(f"{backend}_template")
    yield from _database(backend, tmp_path_factory.mktemp(f"module-{backend}"), template=template)


@pytest.fixture
def database_url(database_url_factory: Callable[[], str]) -> str:
    """A fresh, migrated database on each backend in turn."""
    return database_url_factory()


def _database(backend: str, tmp_path: Path, *, template: str | Path | None) -> Iterator[str]:
    if backend == "sqlite":
        path = tmp_path / "registry.db"
        if template is not None:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    if template is not None:
        copies = _copies[str(template)]
        name = copies.take()
        try:
            yield _postgres_url(name)
        finally:
            copies.give_back(name)
        return
    name = f"registry_t_{os.getpid()}_{next(_counter)}"
    engine = _admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield _postgres_url(name)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        signing_key_file=tmp_path / "ledger.key",
        log_origin="test.registry/ledger",
        checkpoint_interval_seconds=0,
    )


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def desk(client: TestClient, database: Database) -> Desk:
    """The world, an overseer's key, and a competition and an award (``oversight_desk.Desk``)."""
    return Desk(client, database)


@pytest.fixture
def browser_like(app: FastAPI) -> Iterator[TestClient]:
    """A second client, as a browser: HTTPS (the cookies are Secure), following nothing."""
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as client:
        yield client


@pytest.fixture(scope="session")
def replica_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReplicaPair]:
    """A PostgreSQL primary and its streaming replica of this run's own (``replica_cluster``):
    never skipped, a failure to start them fails the tests that need them."""
    with replica_pair(tmp_path_factory.mktemp("replica-cluster")) as pair:
        yield pair


@pytest.fixture(scope="session")
def demo_databases() -> Iterator[dict[str, Settings]]:
    """The demo data set's databases by backend, each loaded at most once per test process.

    ``demo_settings`` is parametrised at session scope, and pytest sets such a fixture up
    again each time the tests it runs go from one backend to another and back, which they do
    often when test files are shared out between processes (``pytest -n``): each time, the
    demo (12-17 s) was loaded anew. It is loaded here once, and its PostgreSQL database (a
    copy taken for good from the template's) dropped when the session ends; the replica's
    go with its cluster, SQLite's with the run's temporary folder.
    """
    made: dict[str, Settings] = {}
    yield made
    for backend, settings in made.items():
        if backend == "postgresql":
            engine = _admin_engine()
            name = make_url(settings.database_url).database
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()


@pytest.fixture(scope="session", params=(*BACKENDS, "replica"))
def demo_settings(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_databases: dict[str, Settings],
) -> Settings:
    """Settings of a database holding the demo data set, loaded once per backend per test
    process (``demo_databases``).

    ``replica``: PostgreSQL, the demo written on a primary and every GET read from its
    streaming replica (``REGISTRY_READ_DATABASE_URL``), so the publication tests run
    against a real replica too.

    Only for tests that never write: every test using it sees the same data.
    """
    backend = str(request.param)
    if backend not in demo_databases:
        demo_databases[backend] = _demo(request, tmp_path_factory, backend)
    return demo_databases[backend]


def _demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Settings:
    from registry import demo  # noqa: PLC0415 - only these tests need the demo

    folder = tmp_path_factory.mktemp(f"demo-{backend}")
    if backend == "replica":
        pair: ReplicaPair = request.getfixturevalue("replica_cluster")
        with psycopg.connect(
            f"host=127.0.0.1 port={pair.primary_port} user=postgres", autocommit=True
        ) as connection:
            name = f"registry_demo_{next(_counter)}"
            connection.execute(f'CREATE DATABASE "{name}"')
        migrations.upgrade(pair.primary(name))
        database = Database(pair.primary(name))
        demo.load(database, awards=240)
        # Signed on the primary before the app starts, so the replica has it to serve.
        signer = NoteSigner(
            name="test.registry/ledger",
            private_key=load_or_create_signing_key(folder / "ledger.key"),
        )
        with database.session(write=True) as session:
            ledger_service.sign_if_stale(session, signer=signer)
        database.dispose()
        wait_for_replay(pair)
        return Settings(
            database_url=pair.primary(name),
            read_database_url=pair.replica(name),
            signing_key_file=folder / "ledger.key",
            log_origin="test.registry/ledger",
            checkpoint_interval_seconds=0,
        )
    template = request.getfixturevalue(f"{backend}_template")
    if backend == "sqlite":
        path = folder / "registry.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        database = Database(url)
        demo.load(database, awards=240)
    else:  # kept until the session ends (demo_databases drops it), not given back
        copies = _copies[str(template)]
        name = copies.take()
        url = _postgres_url(name)
        database = Database(url)
        try:
            demo.load(database, awards=240)
        except BaseException:
            database.dispose()
            copies.give_back(name)  # dropped by the copies' thread, as a test's would be
            raise
    database.dispose()
    return Settings(
        database_url=url,
        signing_key_file=folder / "ledger.key",
        log_origin="test.registry/ledger",
        checkpoint_interval_seconds=0,
    )


@pytest.fixture(scope="session")
def demo_client(demo_settings: Settings) -> Iterator[TestClient]:
    """A read-only client over the demo data set (``demo_settings``)."""
    with TestClient(create_app(demo_settings)) as client:
        yield client
