"""Migrations and models never drift; the migrations run both ways, on both databases."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from registry.core import migrations
from registry.core.db import Database
from registry.core.settings import Settings
from registry.main import create_app
from registry.models import Base


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_upgrade_head_then_check_then_round_trip(empty_database_url: str) -> None:
    migrations.upgrade(empty_database_url)
    migrations.check(empty_database_url)  # raises if autogenerate would emit anything
    engine = create_engine(empty_database_url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        migrations.downgrade(empty_database_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrations.upgrade(empty_database_url)
        migrations.check(empty_database_url)
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_run_both_ways_over_real_data(database_url: str) -> None:
    """SQLite rebuilds tables to alter them; with rows pointing at them that must still work."""
    from registry import demo  # noqa: PLC0415
    from registry.core.db import Database  # noqa: PLC0415

    database = Database(database_url)
    try:
        demo.load(database, awards=30)
        with database.session() as session:
            before = session.execute(text("SELECT count(*) FROM award_events")).scalar_one()
        migrations.downgrade(database_url, "0004_search")
        migrations.upgrade(database_url)
        migrations.check(database_url)
        with database.session() as session:
            assert session.execute(text("SELECT count(*) FROM award_events")).scalar_one() == before
            if database.dialect == "sqlite":
                assert session.execute(text("PRAGMA foreign_key_check")).fetchall() == []
                triggers = {
                    row[0]
                    for row in session.execute(
                        text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                    )
                }
            else:
                triggers = {
                    row[0]
                    for row in session.execute(
                        text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
                    )
                }
        assert {"ledger_head_only_grows"} <= triggers
        assert any(name.startswith("ledger_entries") for name in triggers)
    finally:
        database.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_to_yo_as_ye_rebuilds_an_index_of_the_old_words(
    database_url: str, settings: Settings
) -> None:
    """An index built while ё was indexed as written finds nothing for a word with ё once
    queries fold it; the migration that made the fold builds the index anew, and no word of
    the old one is left."""
    from registry import demo  # noqa: PLC0415
    from registry.core.db import Database  # noqa: PLC0415

    def ids(q: str) -> list[str]:
        with TestClient(create_app(settings)) as client:  # not running while migrations do
            response = client.get("/api/v1/organizations", params={"q": q, "limit": 500})
        assert response.status_code == 200, response.text
        return sorted(item["org_id"] for item in response.json()["items"])

    database = Database(database_url)
    try:
        demo.load(database, awards=30)
        found = ids("Зелёное")
        assert found
        with database.session(write=True) as session:  # the index as the code before wrote it
            session.execute(text("UPDATE search_documents SET body = replace(body, 'е', 'ё')"))
            if database.dialect == "postgresql":
                session.execute(
                    text("UPDATE search_documents SET tsv = replace(tsv::text, 'е', 'ё')::tsvector")
                )
                session.execute(text("UPDATE search_words SET word = replace(word, 'е', 'ё')"))
        assert ids("Зелёное") == []
        migrations.downgrade(database_url, "0017_competition_legal_units")
        migrations.upgrade(database_url)
        assert ids("Зелёное") == ids("Зеленое") == found
        with database.session() as session:
            for table, column in (("search_documents", "body"), ("search_words", "word")):
                left = text(f"SELECT count(*) FROM {table} WHERE {column} LIKE '%ё%'")
                assert session.execute(left).scalar_one() == 0, table
    finally:
        database.dispose()


def _search_index(database: Database) -> tuple[list[tuple[str, ...]], set[str]]:
    """Every search document's words (and PostgreSQL's tsvector, as text), and the words of
    ``search_words``."""
    with database.session() as session:
        tsv = "tsv::text" if database.dialect == "postgresql" else "tsv"
        documents = session.execute(
            text(f"SELECT kind, ref_id, body, {tsv} FROM search_documents ORDER BY kind, ref_id")
        ).all()
        words = set(session.execute(text("SELECT word FROM search_words")).scalars())
    return [tuple(document) for document in documents], words


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_to_russian_keyboard_letters_folds_an_index_of_the_old_words(
    database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built while Kazakh and Uzbek letters were indexed as written finds nothing for
    "Мадениет" (the Ministry of Culture, Мәдениет, typed on a Russian keyboard), nor for
    "Мәдениет" once queries fold it; the migration that made the fold folds the old index's
    words, and the index is then the one the code builds, word for word."""
    from sqlalchemy import delete  # noqa: PLC0415

    from registry import demo  # noqa: PLC0415
    from registry.publication import fulltext, index  # noqa: PLC0415
    from registry.publication.models import SearchWord  # noqa: PLC0415
    from registry.reference.text import RUSSIAN_KEYBOARD_LETTERS, caseless_key  # noqa: PLC0415

    def ids(q: str) -> list[str]:
        with TestClient(create_app(settings)) as client:  # not running while migrations do
            response = client.get("/api/v1/organizations", params={"q": q, "limit": 500})
        assert response.status_code == 200, response.text
        return sorted(item["org_id"] for item in response.json()["items"])

    database = Database(database_url)
    try:
        demo.load(database, awards=30)
        built, _ = _search_index(database)
        found = ids("Мәдениет")
        assert found
        assert ids("Мадениет") == found
        # The index as the code before wrote it: its key was caseless_key, letters kept.
        with monkeypatch.context() as before, database.session(write=True) as session:
            before.setattr(fulltext, "search_key", caseless_key)
            session.execute(delete(SearchWord))
            index.rebuild(session)
        old, _ = _search_index(database)
        assert old != built
        assert ids("Мадениет") == ids("Мәдениет") == []
        migrations.downgrade(database_url, "0019_award_amount_by_currency")
        migrations.upgrade(database_url)
        assert ids("Мадениет") == ids("Мәдениет") == found
        migrated, words = _search_index(database)
        assert migrated == built
        if database.dialect == "postgresql":
            assert words == {word for document in built for word in document[2].split()}
            assert not any(set(word) & set(RUSSIAN_KEYBOARD_LETTERS) for word in words)
    finally:
        database.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_to_latin_lookalikes_folds_an_index_of_the_old_words(
    database_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index built while a Latin letter inside a Cyrillic word was indexed as written keeps
    "бiлiм" (a Latin i for Kazakh і) and "фoнд" (a Latin o), which no query makes any more:
    "фонд" does not find the fund. The migration that made the fold folds
    those words, and only those: the index is then the one the code builds, word for word,
    tsvector for tsvector (where "бiлiм" and "Білім" are one word at two places)."""
    from domain_helpers import bearer, issue_key  # noqa: PLC0415
    from sqlalchemy import delete  # noqa: PLC0415

    from registry import demo  # noqa: PLC0415
    from registry.auth.principal import Role  # noqa: PLC0415
    from registry.publication import index  # noqa: PLC0415
    from registry.publication.models import SearchWord  # noqa: PLC0415
    from registry.reference import text as reference_text  # noqa: PLC0415

    ngo = "KZ-BIN-150340012340"

    def ids(q: str) -> list[str]:
        with TestClient(create_app(settings)) as client:  # not running while migrations do
            response = client.get("/api/v1/organizations", params={"q": q, "limit": 500})
        assert response.status_code == 200, response.text
        return sorted(item["org_id"] for item in response.json()["items"])

    database = Database(database_url)
    try:
        demo.load(database, awards=30)
        with TestClient(create_app(settings)) as client:
            name = {"kk": "«Бiлiм беру» қоғамдық қоры", "ru": "Общественный фoнд «Білім», oʻзбек"}
            response = client.post(
                "/api/v1/organizations",
                json={"org_id": ngo, "name": name, "kind": "ngo", "region": "KZ-75"},
                headers=bearer(issue_key(database, Role.ADMIN)),
            )
            assert response.status_code == 201, response.text
        built, _ = _search_index(database)
        knowledge = ids("білім")
        assert ngo in knowledge
        assert ids("Бiлiм") == knowledge
        found = ids("фонд")
        assert ngo in found
        # The index as the code before wrote it: no look-alike folded.
        with monkeypatch.context() as before, database.session(write=True) as session:
            before.setattr(reference_text, "fold_latin_lookalikes", lambda value: value)
            session.execute(delete(SearchWord))
            index.rebuild(session)
        old, _ = _search_index(database)
        changed = [new for new, was in zip(built, old, strict=True) if new != was]
        assert [document[:2] for document in changed] == [("organization", ngo)]
        assert ngo not in ids("фонд")
        migrations.downgrade(database_url, "0020_search_russian_keyboard")
        migrations.upgrade(database_url)
        assert ids("Бiлiм") == ids("білім") == knowledge
        assert ids("фонд") == found
        migrated, words = _search_index(database)
        assert migrated == built
        if database.dialect == "postgresql":
            assert words == {word for document in built for word in document[2].split()}
            assert "бiлiм" not in words
            assert "билим" in words
    finally:
        database.dispose()
