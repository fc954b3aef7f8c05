"""The tests' own PostgreSQL copies (``database_copies.py``): a copy that cannot be made fails
the one test that was to have it, and the next test gets a copy (found by review: the first
version stopped its thread at the first error, failing every later PostgreSQL test)."""

import itertools
from collections.abc import Iterator

import psycopg
import pytest
from database_copies import DatabaseCopies
from postgres_url import POSTGRES_URL
from sqlalchemy.engine import make_url

CONNINFO = make_url(POSTGRES_URL).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def template(postgresql_template: str) -> Iterator[str]:  # noqa: ARG001 - fails in CI if down
    name = f"registry_tmpl_copies_{next(_names)}"
    with psycopg.connect(CONNINFO, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(CONNINFO, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_names = itertools.count()


def _existing(prefix: str) -> set[str]:
    with psycopg.connect(CONNINFO, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{prefix}%",)
        ).fetchall()
    return {row[0] for row in rows}


def test_a_copy_that_cannot_be_made_fails_one_test_and_the_next_gets_one(template: str) -> None:
    prefix = f"{template}_copy_"
    counter = itertools.count()
    # Someone connected to the template: PostgreSQL refuses to copy it meanwhile.
    holder = psycopg.connect(f"{CONNINFO.rsplit('/', 1)[0]}/{template}")
    copies = DatabaseCopies(CONNINFO, template, lambda: f"{prefix}{next(counter)}")
    try:
        with pytest.raises(psycopg.errors.ObjectInUse):
            copies.take()
        holder.close()
        taken = []
        for _ in range(5):
            try:
                taken.append(copies.take())
            except psycopg.errors.ObjectInUse:
                continue  # made ahead while the template was still held
        assert len(taken) >= 3
        assert set(taken) <= _existing(prefix)
        for name in taken:
            copies.give_back(name)
    finally:
        holder.close()
        copies.close()
    assert _existing(prefix) == set()
