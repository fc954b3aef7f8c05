"""Search folds the Kazakh and Uzbek Cyrillic letters to the Russian ones typed for them: the
words of an existing search index are folded too.

The words indexed for every text changed (``reference.text.search_key`` writes ә ғ қ ң ө ұ ү һ
і ҳ ў as а г к н о у у х и х у, for the index and the query alike), so an index built before
would no longer find what it found: "Ұлағат", folded to "улагат" in the query, misses a
document indexed as "ұлағат". As 0018 did for ё, the old words are folded in SQL (no code of
the application, which later migrations may outgrow): in the documents' words (``body``, and
PostgreSQL's ``tsv``, whose text form keeps positions and merges a word written both ways) and
in ``search_words``. Only small letters occur, since the words are case-folded. The table is
this revision's own copy of ``RUSSIAN_KEYBOARD_LETTERS`` as it was made. An empty database costs
nothing. Downgrading leaves the words folded: the code before it then needs
``registry search reindex``.

The result is the index the new code builds, word for word, except after a letter followed by
a stray combining mark that composes with its Russian letter (ә and a combining breve, which no
language writes, is indexed anew as ӑ): ``registry search reindex`` builds that too.

Revision ID: 0020_search_russian_keyboard
Revises: 0019_award_amount_by_currency
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020_search_russian_keyboard"
down_revision: str | None = "0019_award_amount_by_currency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kazakh ә ғ қ ң ө ұ ү һ і, then Uzbek ҳ ў; each the Russian letter typed for it.
_LETTERS = "әғқңөұүһіҳў"
_RUSSIAN = "агкноуухиху"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        pattern = f"[{_LETTERS}]"
        translate = f"'{_LETTERS}', '{_RUSSIAN}'"
        op.execute(
            f"UPDATE search_documents SET body = translate(body, {translate}), "  # noqa: S608
            f"tsv = translate(tsv::text, {translate})::tsvector "
            f"WHERE body ~ '{pattern}' OR tsv::text ~ '{pattern}'"
        )
        op.execute(
            f"INSERT INTO search_words (word) SELECT DISTINCT translate(word, {translate}) "  # noqa: S608
            f"FROM search_words WHERE word ~ '{pattern}' ON CONFLICT DO NOTHING"
        )
        op.execute(f"DELETE FROM search_words WHERE word ~ '{pattern}'")  # noqa: S608
        return

    # SQLite has no translate(): a replace() for each letter. The search_fts table follows
    # search_documents by its triggers.
    def folded(column: str) -> str:
        for letter, russian in zip(_LETTERS, _RUSSIAN, strict=True):
            column = f"replace({column}, '{letter}', '{russian}')"
        return column

    pattern = f"'*[{_LETTERS}]*'"
    op.execute(
        f"UPDATE search_documents SET body = {folded('body')}, tsv = {folded('tsv')} "  # noqa: S608
        f"WHERE body GLOB {pattern} OR tsv GLOB {pattern}"
    )
    op.execute(
        f"INSERT OR IGNORE INTO search_words (word) SELECT DISTINCT {folded('word')} "  # noqa: S608
        f"FROM search_words WHERE word GLOB {pattern}"
    )
    op.execute(f"DELETE FROM search_words WHERE word GLOB {pattern}")  # noqa: S608


def downgrade() -> None:
    pass
