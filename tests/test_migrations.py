"""Migrations and models never drift; the migrations run both ways, on both databases."""

import pytest
from sqlalchemy import create_engine, inspect

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
