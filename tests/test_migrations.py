"""Migrations and models never drift; the migrations run both ways, on both databases."""

import pytest
from sqlalchemy import create_engine, inspect, text

from registry.core import migrations
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
