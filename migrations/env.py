"""Alembic environment: the registry's own engine settings, batch mode on SQLite."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from registry.core.db import is_sqlite, make_engine
from registry.core.settings import get_settings
from registry.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    return str(url) if url else get_settings().database_url


# Objects the migrations create for one database only, which the models cannot describe:
# SQLite's FTS5 table (and its shadow tables) and PostgreSQL's GIN index.
_DIALECT_ONLY_PREFIXES = ("search_fts", "ix_search_documents_tsv")


def _include_object(
    _object: object, name: str | None, _type: str, _reflected: bool, _compare_to: object
) -> bool:
    return not (name or "").startswith(_DIALECT_ONLY_PREFIXES)


def _configure(connection: Connection | None = None, url: str | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        target_metadata=target_metadata,
        include_object=_include_object,
        render_as_batch=is_sqlite(_database_url()),
        compare_type=True,
        literal_binds=connection is None,
    )


def run_migrations_offline() -> None:
    _configure(url=_database_url())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = _database_url()
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
                if is_sqlite(url):
                    # Foreign keys were not enforced while tables were rebuilt: check now.
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"foreign keys broken by the migration: {broken[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
