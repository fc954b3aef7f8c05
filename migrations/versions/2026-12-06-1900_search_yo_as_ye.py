"""Search folds ё to е: the search index of an existing database is built again.

The tokens of every indexed text changed (``reference.text.search_key`` writes ё as е, for the
index and the query alike), so an index built before would no longer find what it found:
"Зелёное", folded to "зеленое" in the query, misses a document indexed as "зелёное". The
index is derived from the projections, so it is built anew here, as ``registry search
reindex`` does (and, like a replay, with no word of the old index left in ``search_words``).
An empty database costs nothing. Downgrading keeps this index: the code before it then needs
its own ``registry search reindex``.

Revision ID: 0018_search_yo_as_ye
Revises: 0017_competition_legal_units
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

from registry.publication import index

revision: str = "0018_search_yo_as_ye"
down_revision: str | None = "0017_competition_legal_units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In the migration's own transaction: the session joins it, and Alembic commits it.
    with Session(bind=op.get_bind()) as session:
        index.rebuild(session)
        session.flush()


def downgrade() -> None:
    pass
