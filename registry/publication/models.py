"""Query-support tables: the full-text documents and the theme links the filters use.

They are derived data, rebuilt from the projections by ``publication.index`` whenever an entry
changes what they describe, and by a replay like every other query table.
"""

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base


class SearchDocument(Base):
    """One searchable thing (an award, a competition, an organization) and its tokens.

    On PostgreSQL ``tsv`` holds them as a ``tsvector`` under a GIN index; on SQLite the FTS5
    table ``search_fts`` indexes ``body`` (both created by the migrations).
    """

    __tablename__ = "search_documents"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    tsv: Mapped[str | None] = mapped_column(TSVECTOR().with_variant(Text, "sqlite"))


class SearchWord(Base):
    """Every word the PostgreSQL documents hold, in code-point order: a write never removes one
    (the migration that folded ё to е replaced the words written with it).

    A query word matched as a prefix ("самарканд" finds "самаркандской") is looked up here
    first and sent to PostgreSQL as the words it begins, ORed: the planner estimates exact
    words from its statistics but not prefixes (it guessed 470 rows where 32,000 matched, and
    chose a plan 30 times slower). A word that no longer occurs matches no document, so a
    word left behind by a re-indexed document changes no answer. SQLite's FTS5 has its own
    vocabulary and leaves this table empty, as it leaves ``SearchDocument.tsv``.
    """

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(
        String(100).with_variant(String(100, collation="C"), "postgresql"), primary_key=True
    )


class AwardTheme(Base):
    __tablename__ = "award_themes"
    __table_args__ = (Index("ix_award_themes_theme_award", "theme", "award_id"),)

    award_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    theme: Mapped[str] = mapped_column(String(100), primary_key=True)


class CompetitionTheme(Base):
    __tablename__ = "competition_themes"
    __table_args__ = (Index("ix_competition_themes_theme_competition", "theme", "competition_id"),)

    competition_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    theme: Mapped[str] = mapped_column(String(100), primary_key=True)


class AwardRollup(Base):
    """Award counts and totals per funder, instrument, region, year, currency and status.

    Facets and statistics whose filters and groups touch only these dimensions read this
    table (a few thousand rows) instead of grouping every award; the award projector keeps it
    in step, in the same transaction as the award row, by moving each award's contribution
    from its old key to its new one (``publication.rollup``). A key whose count falls to zero
    is deleted, so the table always equals a GROUP BY over the awards. Recipients are left
    out on purpose: with them the table would be nearly as long as the awards.
    """

    __tablename__ = "award_rollup"

    funder_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(30), primary_key=True)
    region: Mapped[str] = mapped_column(String(10), primary_key=True)  # "" for none
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    award_count: Mapped[int] = mapped_column(BigInteger)
    awarded_minor: Mapped[int] = mapped_column(BigInteger)
    disbursed_minor: Mapped[int] = mapped_column(BigInteger)


class AwardFacetTotal(Base):
    """The rollup summed over all but one dimension: per dimension, value and currency.

    Facets with no filter (or a filter on their own dimension only) read these few hundred
    rows instead of summing the whole rollup; kept in the same statement pattern and the same
    transaction as ``AwardRollup``.
    """

    __tablename__ = "award_facet_totals"

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(100), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    award_count: Mapped[int] = mapped_column(BigInteger)
    awarded_minor: Mapped[int] = mapped_column(BigInteger)
    disbursed_minor: Mapped[int] = mapped_column(BigInteger)
