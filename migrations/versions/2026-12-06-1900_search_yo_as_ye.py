"""Search folds ё to е: the words of an existing search index are folded too.

The words indexed for every text changed (``reference.text.search_key`` writes ё as е, for
the index and the query alike), so an index built before would no longer find what it found:
"Зелёное", folded to "зеленое" in the query, misses a document indexed as "зелёное". The
index holds the words as the code makes them, and the new code makes the old words with ё
written as е, so that is what this does, in SQL (no code of the application, which later
migrations may outgrow): in the documents' words (``body``, and PostgreSQL's ``tsv``, whose
text form keeps positions and merges a word written both ways) and in ``search_words``. An
empty database costs nothing. Downgrading leaves the words folded: the code before it then
needs ``registry search reindex``.

Revision ID: 0018_search_yo_as_ye
Revises: 0017_competition_legal_units
Create Date: 2026-12-06 19:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_search_yo_as_ye"
down_revision: str | None = "0017_competition_legal_units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE search_documents SET body = translate(body, 'ёЁ', 'еЕ'), "
            "tsv = translate(tsv::text, 'ёЁ', 'еЕ')::tsvector "
            "WHERE body ~ '[ёЁ]' OR tsv::text ~ '[ёЁ]'"
        )
        op.execute(
            "INSERT INTO search_words (word) SELECT DISTINCT translate(word, 'ёЁ', 'еЕ') "
            "FROM search_words WHERE word ~ '[ёЁ]' ON CONFLICT DO NOTHING"
        )
        op.execute("DELETE FROM search_words WHERE word ~ '[ёЁ]'")
        return
    # SQLite: the search_fts table follows search_documents by its triggers.
    folded = "replace(replace({0}, 'ё', 'е'), 'Ё', 'Е')"
    op.execute(
        f"UPDATE search_documents SET body = {folded.format('body')}, "  # noqa: S608
        f"tsv = {folded.format('tsv')} "
        "WHERE body LIKE '%ё%' OR body LIKE '%Ё%' OR tsv LIKE '%ё%' OR tsv LIKE '%Ё%'"
    )
    op.execute(
        f"INSERT OR IGNORE INTO search_words (word) SELECT DISTINCT {folded.format('word')} "  # noqa: S608
        "FROM search_words WHERE word LIKE '%ё%' OR word LIKE '%Ё%'"
    )
    op.execute("DELETE FROM search_words WHERE word LIKE '%ё%' OR word LIKE '%Ё%'")


def downgrade() -> None:
    pass
