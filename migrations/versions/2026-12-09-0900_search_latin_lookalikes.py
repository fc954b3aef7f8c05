"""Search reads Latin look-alikes inside a Cyrillic word as the Cyrillic letters: the words of
an existing search index are folded too.

The words indexed for a Cyrillic word typed with Latin letters that look like Cyrillic ones
changed (``reference.text.fold_latin_lookalikes``: "бiлiм", a Latin i for Kazakh і, is
indexed as "билим", as "білім" is), so an index built before keeps "бiлiм", which no query
makes any more. As 0018 and 0020 did, the old words are folded in SQL on PostgreSQL (no code of
the application, which later migrations may outgrow), but word by word, not letter by letter:
only a word that is Cyrillic but for the look-alikes is folded, and a Latin word ("maktab",
"covid") keeps every letter. A word of the index is already case-folded and its Kazakh letters
are already the Russian ones (0020), so Latin a c e i k m o p t x y become а с е и к м о р т х
у (i is і, which search writes as и). This revision has its own copy of the rule as it was
made. Where it is done:

* the documents' words (``body``), and on PostgreSQL their ``tsvector`` (each lexeme folded, a
  word written both ways merging its positions) and ``search_words``;
* only in the documents whose ``body`` has a look-alike beside a Cyrillic letter. 0020 also
  searched ``tsv::text``, which turns every document's tsvector into text; ``body`` holds the
  same words, so this reads one column and makes nothing;
* on SQLite, which has no regular expressions, by a Python function of this migration's own
  (the ``search_fts`` table follows ``search_documents`` by its triggers).

An empty database costs nothing. Downgrading leaves the words folded: the code before it then
needs ``registry search reindex``. The result is the index the new code builds, word for word,
except for a word longer than the 100 characters a token keeps whose Cyrillic letters are all
beyond them, and a look-alike followed by a stray combining mark that composes with its
Cyrillic letter (y and a breve, ў once y is у): ``registry search reindex`` builds those too.

Revision ID: 0021_search_latin_lookalikes
Revises: 0020_search_russian_keyboard
Create Date: 2026-12-09 09:00:00.000000
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0021_search_latin_lookalikes"
down_revision: str | None = "0020_search_russian_keyboard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each Latin look-alike of an indexed (case-folded, Russian-lettered) word, and the Cyrillic
# letter the index now holds for it.
_LATIN = "aceikmoptxy"
_CYRILLIC = "асеикмортху"
_CYRILLIC_RANGE = "\u0400-\u052f"  # Cyrillic and Cyrillic Supplement
# A word that is folded: only Cyrillic letters, look-alikes and digits, and a look-alike that
# meets a Cyrillic letter (digits aside), so at least one of each.
_ONLY = f"^[0-9{_LATIN}{_CYRILLIC_RANGE}]+$"
_MIXED = f"[{_LATIN}][0-9]*[{_CYRILLIC_RANGE}]|[{_CYRILLIC_RANGE}][0-9]*[{_LATIN}]"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _folded_sql(word: str) -> str:
    return (
        f"CASE WHEN {word} ~ '{_MIXED}' AND {word} ~ '{_ONLY}' "
        f"THEN translate({word}, '{_LATIN}', '{_CYRILLIC}') ELSE {word} END"
    )


def _upgrade_postgresql() -> None:
    # body: the words in order, each folded. tsv: each lexeme folded, and the positions of
    # lexemes that are now one word merged (PostgreSQL sorts them and keeps the first 256).
    op.execute(
        "UPDATE search_documents SET "  # noqa: S608
        f"body = (SELECT string_agg({_folded_sql('word')}, ' ' ORDER BY place) "
        "FROM unnest(string_to_array(body, ' ')) WITH ORDINALITY AS words(word, place)), "
        "tsv = (SELECT string_agg(quote_literal(lexeme) || ':' || places, ' ')::tsvector "
        f"FROM (SELECT {_folded_sql('entry.lexeme')} AS lexeme, "
        "string_agg(place::text, ',' ORDER BY place) AS places "
        "FROM unnest(tsv) AS entry, unnest(entry.positions) AS place "
        "GROUP BY 1) AS folded) "
        f"WHERE body ~ '{_MIXED}'"
    )
    op.execute(
        f"INSERT INTO search_words (word) SELECT DISTINCT {_folded_sql('word')} "  # noqa: S608
        f"FROM search_words WHERE word ~ '{_MIXED}' ON CONFLICT DO NOTHING"
    )
    op.execute(
        f"DELETE FROM search_words WHERE word ~ '{_ONLY}' AND word ~ '{_MIXED}'"  # noqa: S608
    )


_ONLY_WORD = re.compile(_ONLY.strip("^$"))
_MIXED_WORD = re.compile(_MIXED)
_TO_CYRILLIC = str.maketrans(_LATIN, _CYRILLIC)


def _folded_words(words: str) -> str:
    """``words`` (separated by one space) with each word that is Cyrillic but for the
    look-alikes folded, as ``_folded_sql`` folds one on PostgreSQL."""
    if _MIXED_WORD.search(words) is None:  # most documents: one C scan
        return words
    return " ".join(
        word.translate(_TO_CYRILLIC)
        if _ONLY_WORD.fullmatch(word) and _MIXED_WORD.search(word)
        else word
        for word in words.split(" ")
    )


def _upgrade_sqlite() -> None:
    bind = op.get_bind()
    bind.connection.driver_connection.create_function(  # type: ignore[union-attr]
        "registry_0021_folded_words", 1, _folded_words, deterministic=True
    )
    # GLOB reads the text in C, and the function's regular expression all of a document that
    # passes it (a GLOB for a look-alike beside a Cyrillic letter took 50 times longer).
    op.execute(
        "UPDATE search_documents SET body = registry_0021_folded_words(body) "  # noqa: S608
        f"WHERE body GLOB '*[{_LATIN}]*' AND registry_0021_folded_words(body) <> body"
    )
    op.execute(
        "INSERT OR IGNORE INTO search_words (word) "
        "SELECT DISTINCT registry_0021_folded_words(word) FROM search_words "
        "WHERE registry_0021_folded_words(word) <> word"
    )
    op.execute("DELETE FROM search_words WHERE registry_0021_folded_words(word) <> word")


def downgrade() -> None:
    pass
