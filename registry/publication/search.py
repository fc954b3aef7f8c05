"""Search over awards, competitions and organizations: one query interface on both databases.

Filters become SQL conditions; ``q`` goes through the full-text documents (PostgreSQL
``tsvector @@ tsquery`` under a GIN index, SQLite FTS5 MATCH), built from the same tokens on
both, so the same search returns the same ids. Lists are keyset-paginated.
"""

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import cached_property
from typing import Any, Final, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    column,
    false,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import InstrumentedAttribute, Session

from registry.awards.models import Award
from registry.competitions.models import Competition
from registry.core import clock
from registry.core.errors import BadRequest
from registry.organizations.models import Organization
from registry.publication import rollup
from registry.publication.fulltext import (
    Query,
    expand,
    fts5_match,
    parse_query,
    prefixes,
    together,
    tsquery_literal,
)
from registry.publication.models import (
    AwardFacetTotal,
    AwardRollup,
    AwardTheme,
    CompetitionTheme,
    SearchDocument,
    SearchWord,
)
from registry.publication.pagination import CursorCodec
from registry.reference.money import MAX_MINOR_UNITS, minor_units, supported_currencies


class AwardSort(enum.StrEnum):
    AWARD_DATE = "award_date"
    AWARD_DATE_DESC = "-award_date"
    AMOUNT = "amount"
    AMOUNT_DESC = "-amount"
    RELEVANCE = "relevance"
    """Best matches of ``q`` first: PostgreSQL's ts_rank, SQLite FTS5's bm25."""


KEYED_SORTS: Final = tuple(sort for sort in AwardSort if sort is not AwardSort.RELEVANCE)
"""The sorts by a column of the award (the portal offers these)."""
RANK_SCALE: Final = 1_000_000
"""A match's rank as an integer (rank × a million), so pages can be keyed on it exactly."""
TOGETHER_BONUS: Final = 2**40
"""Added to the rank of a match that holds the query's words side by side, as written
(``fulltext.together``): above any rank either database gives (ts_rank is at most 1, bm25 some
tens), so such matches come first, each group in its own database's order."""


@dataclass(frozen=True)
class AwardFilters:
    q: str | None = None
    funder: Sequence[str] = ()
    recipient: Sequence[str] = ()
    instrument: Sequence[str] = ()
    competition: Sequence[str] = ()
    region: Sequence[str] = ()
    theme: Sequence[str] = ()
    status: Sequence[str] = ()
    currency: Sequence[str] = ()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    awarded_from: date | None = None
    awarded_to: date | None = None
    year: Sequence[int] = field(default_factory=tuple)
    legal_unit: Sequence[str] = ()
    size_band: Sequence[str] = ()


EXPANDED_WORDS: Final = 64
"""A prefix is sent to PostgreSQL as the words it begins when they are at most this many."""


def _postgresql_tsquery(session: Session, query: Query) -> str | None:
    """The tsquery for ``query``, each prefix that begins few enough indexed words replaced
    by those words (see ``SearchWord``); None when nothing can match. The words are read in
    a statement of their own: a document committed just after it with a word new to the
    whole index is found by the next search, as if this one had run a moment earlier."""
    words: dict[str, list[str]] = {}
    for prefix in sorted(prefixes(query)):
        found = session.scalars(
            select(SearchWord.word)
            .where(SearchWord.word >= prefix, SearchWord.word < prefix + _LAST_CHARACTER)
            .order_by(SearchWord.word)
            .limit(EXPANDED_WORDS + 1)
        ).all()
        if len(found) <= EXPANDED_WORDS:
            words[prefix] = list(found)
    expanded = expand(query, words)
    return None if expanded is None else tsquery_literal(expanded)


_LAST_CHARACTER: Final = "\U0010ffff"
"""Above every character a word can continue with: [p, p + this) holds the words p begins
(PostgreSQL compares ``search_words`` in code-point order, collation C)."""


def _text_query(session: Session, q: str | None) -> tuple[Query, str | None] | None:
    """``q`` parsed, with its PostgreSQL tsquery (None on SQLite, and when nothing can
    match), or None for no query."""
    query = parse_query(q or "")
    if query.empty:
        return None
    if session.get_bind().dialect.name != "postgresql":
        return query, None
    return query, _postgresql_tsquery(session, query)


def text_match(session: Session, kind: str, q: str | None) -> Select[Any] | None:
    """The ids of the ``kind`` documents matching ``q`` (a subquery), or None for no query."""
    parsed = _text_query(session, q)
    if parsed is None:
        return None
    query, tsquery_text = parsed
    documents = select(SearchDocument.ref_id).where(SearchDocument.kind == kind)
    if session.get_bind().dialect.name == "postgresql":
        if tsquery_text is None:
            return documents.where(false())
        tsquery = cast(bindparam("tsquery", tsquery_text), TSQUERY)
        return documents.where(SearchDocument.tsv.op("@@")(tsquery))
    matched = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :match")
    return documents.where(
        SearchDocument.id.in_(
            matched.bindparams(match=fts5_match(query)).columns(column("rowid", Integer))
        )
    )


def text_rank(session: Session, kind: str, q: str | None) -> Subquery | None:
    """The ``kind`` documents matching ``q`` with their rank (``ref_id``, ``rank``: an
    integer, higher is better), or None for no query. Each database ranks by its own measure
    (ts_rank, bm25): the same documents match on both, but their order is each database's."""
    parsed = _text_query(session, q)
    if parsed is None:
        return None
    query, tsquery_text = parsed
    if session.get_bind().dialect.name == "postgresql":
        documents = select(SearchDocument.ref_id.label("ref_id"))
        if tsquery_text is None:
            return (
                documents.add_columns(literal(0, BigInteger).label("rank"))
                .where(false())
                .subquery()
            )
        tsquery = cast(bindparam("tsquery", tsquery_text), TSQUERY)
        # Ranked by the query as written, prefixes and all: ts_rank divides by the number of
        # the query's words, so ranking by the expanded words would change every rank (and
        # break the pages keyed on it) whenever a new word began with a prefix.
        written = cast(bindparam("written", tsquery_literal(query)), TSQUERY)
        # ts_rank with normalization 1 (÷ 1 + log length): word frequency and document length
        # count, as in bm25; ts_rank_cd would tie every one-word match.
        score: ColumnElement[int] = cast(
            func.ts_rank(SearchDocument.tsv, written, 1) * RANK_SCALE, BigInteger
        )
        phrase = together(query)
        if phrase is not None:
            side_by_side = cast(bindparam("together", tsquery_literal(phrase)), TSQUERY)
            score = score + case(
                (SearchDocument.tsv.op("@@")(side_by_side), literal(TOGETHER_BONUS, BigInteger)),
                else_=literal(0, BigInteger),
            )
        return (
            documents.add_columns(score.label("rank"))
            .where(SearchDocument.kind == kind, SearchDocument.tsv.op("@@")(tsquery))
            .subquery()
        )
    phrase = together(query)
    matched = (
        text(
            "SELECT rowid, CAST(-bm25(search_fts) * :scale AS INTEGER) + CASE WHEN rowid IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :together) "
            "THEN :bonus ELSE 0 END AS rank "
            "FROM search_fts WHERE search_fts MATCH :match"
        )
        .bindparams(
            match=fts5_match(query),
            scale=RANK_SCALE,
            # No phrase: the query itself, which every match holds, with no bonus.
            together=fts5_match(phrase or query),
            bonus=TOGETHER_BONUS if phrase is not None else 0,
        )
        .columns(column("rowid", Integer), column("rank", Integer))
        .subquery()
    )
    return (
        select(SearchDocument.ref_id.label("ref_id"), matched.c.rank.label("rank"))
        .join(matched, SearchDocument.id == matched.c.rowid)
        .where(SearchDocument.kind == kind)
        .subquery()
    )


def check_sort(filters: AwardFilters, sort: AwardSort) -> None:
    """Refuse (400) an order the query cannot have: relevance without words. Downloads call it
    before their response starts, since a refusal from inside a stream cannot be a 400."""
    if sort is AwardSort.RELEVANCE and parse_query(filters.q or "").empty:
        raise BadRequest.for_field("query.sort", "relevance needs a text query: give q")


def _ranked(
    session: Session, filters: AwardFilters, selected: Sequence[Any]
) -> tuple[Select[Any], ColumnElement[int]]:
    """``selected`` of the awards matching ``filters``, then the award's id and its rank for
    ``q`` (the last two columns of every row)."""
    ranked = text_rank(session, "award", filters.q)
    if ranked is None:
        raise BadRequest.for_field("query.sort", "relevance needs a text query: give q")
    unfiltered_text = replace(filters, q=None)  # the join already keeps only the matches
    statement = (
        select(*selected, Award.id.label("ranked_id"), ranked.c.rank)
        .join(ranked, Award.id == ranked.c.ref_id)
        .where(*award_conditions(session, unfiltered_text))
    )
    return statement, ranked.c.rank


def _relevance_page(
    session: Session,
    filters: AwardFilters,
    *,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
    columns: Sequence[Any] | None,
    backward: bool = False,
) -> "Page":
    """A page of the best matches of ``q``, keyed on (rank, id) like the other sorts, so
    pages neither repeat nor skip while the data is unchanged; ``backward``, the worst
    matches first (the portal reads the pages before a row so). Cursors are bound to the
    query's words as well as the order and its direction."""
    statement, rank = _ranked(session, filters, columns or [Award])
    scope = relevance_scope(filters.q, backward=backward)
    if cursor is not None:
        raw_rank, raw_id = cursors.decode(cursor, scope=scope, length=2)
        if type(raw_rank) is not int or raw_rank not in BIGINT_RANGE:
            raise BadRequest.for_field("query.cursor", "not a cursor for this sort order")
        start = tuple_(literal(raw_rank, BigInteger), _cursor_key(Award.id, raw_id))
        key = tuple_(rank, Award.id)
        statement = statement.where(key > start if backward else key < start)
    order = (rank.asc(), Award.id.asc()) if backward else (rank.desc(), Award.id.desc())
    rows = list(session.execute(statement.order_by(*order).limit(limit + 1)))
    items = [row[0] if columns is None else row[:-2] for row in rows[:limit]]
    ranks = {row[-2]: row[-1] for row in rows[:limit]}
    if len(rows) <= limit:
        return Page(items=items, cursor=None, ranks=ranks)
    *_, last_id, last_rank = rows[limit - 1]
    return Page(items=items, cursor=cursors.encode([last_rank, last_id], scope=scope), ranks=ranks)


def relevance_scope(q: str | None, *, backward: bool = False) -> str:
    """What a relevance cursor is bound to: the order, its direction and the query's words."""
    return f"awards?sort={'-' if backward else ''}{AwardSort.RELEVANCE.value}&q={q}"


def relevance_page(
    session: Session,
    filters: AwardFilters,
    *,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
    backward: bool,
) -> "Page":
    """``award_page`` by relevance, forwards (best first) or backwards (worst first); the
    page's ``ranks`` are its awards' ranks by id, for ``relevance_position``."""
    check_sort(filters, AwardSort.RELEVANCE)
    return _relevance_page(
        session,
        filters,
        limit=limit,
        cursor=cursor,
        cursors=cursors,
        columns=None,
        backward=backward,
    )


def relevance_position(
    cursors: CursorCodec, q: str | None, award_id: str, rank: int, *, backward: bool
) -> str:
    """The cursor of the page, in relevance order (or its reverse), that starts after the
    award ``award_id`` ranked ``rank``."""
    return cursors.encode([rank, award_id], scope=relevance_scope(q, backward=backward))


def _amount_bound(value: Decimal, *, lower: bool) -> ColumnElement[bool]:
    """``amount`` compared in each currency's own units: 1000 means 1000 UZS or 1000 USD.

    No stored amount exceeds ``MAX_MINOR_UNITS``, so a bound beyond it is clamped to one past
    it: the answer is the same (nothing is at least it, everything is at most it), and the
    parameter stays inside what a BIGINT (and SQLite's INTEGER) can hold.
    """
    by_exponent: dict[int, list[str]] = {}
    for currency in supported_currencies():
        by_exponent.setdefault(minor_units(currency), []).append(currency)
    conditions = []
    for exponent, currencies in sorted(by_exponent.items()):
        scaled = value.scaleb(exponent).to_integral_value(ROUND_CEILING if lower else ROUND_FLOOR)
        minor = min(int(scaled), MAX_MINOR_UNITS + 1)
        bound = Award.amount_minor >= minor if lower else Award.amount_minor <= minor
        conditions.append(and_(Award.currency.in_(currencies), bound))
    return or_(*conditions)


def award_conditions(session: Session, filters: AwardFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    simple: list[tuple[InstrumentedAttribute[Any], Sequence[str]]] = [
        (Award.funder_id, filters.funder),
        (Award.recipient_id, filters.recipient),
        (Award.instrument, filters.instrument),
        (Award.competition_id, filters.competition),
        (Award.region, filters.region),
        (Award.status, filters.status),
        (Award.currency, filters.currency),
        (Award.legal_unit, filters.legal_unit),
        (Award.size_band, filters.size_band),
    ]
    for attribute, values in simple:
        if values:
            conditions.append(attribute.in_(list(values)))
    if filters.theme:
        themes = [theme.casefold() for theme in filters.theme]
        conditions.append(
            Award.id.in_(select(AwardTheme.award_id).where(AwardTheme.theme.in_(themes)))
        )
    if filters.amount_min is not None:
        conditions.append(_amount_bound(filters.amount_min, lower=True))
    if filters.amount_max is not None:
        conditions.append(_amount_bound(filters.amount_max, lower=False))
    if filters.awarded_from is not None:
        conditions.append(Award.award_date >= filters.awarded_from)
    if filters.awarded_to is not None:
        conditions.append(Award.award_date <= filters.awarded_to)
    if filters.year:
        conditions.append(
            or_(
                *(
                    and_(
                        Award.award_date >= date(year, 1, 1),
                        Award.award_date < date(year + 1, 1, 1),
                    )
                    # Distinct years only: a repeated one would deepen the OR chain past
                    # SQLite's expression depth limit (1000) for nothing.
                    for year in sorted(set(filters.year))
                )
            )
        )
    matched = text_match(session, "award", filters.q)
    if matched is not None:
        conditions.append(Award.id.in_(matched))
    return conditions


_SORT_COLUMNS: dict[AwardSort, tuple[InstrumentedAttribute[Any], bool]] = {
    AwardSort.AWARD_DATE: (Award.award_date, False),
    AwardSort.AWARD_DATE_DESC: (Award.award_date, True),
    AwardSort.AMOUNT: (Award.amount_minor, False),
    AwardSort.AMOUNT_DESC: (Award.amount_minor, True),
}
AMOUNT_SORTS: Final = frozenset({AwardSort.AMOUNT, AwardSort.AMOUNT_DESC})
"""Orders by amount, which are by currency first: 100 KZT and 100 UZS are not the same money,
so amounts are compared only within one currency. The currencies come in the amount's
direction (``-amount``: UZS, USD, KZT, EUR, each largest first), so that each order is the
other read backwards, as the portal's previous pages need."""


def _sort_group(sort: AwardSort) -> InstrumentedAttribute[Any] | None:
    """The column an award order is by before its sort column, if any."""
    return Award.currency if sort in AMOUNT_SORTS else None


@dataclass(frozen=True)
class Page:
    items: list[Any]
    cursor: str | None
    ranks: Mapping[str, int] = field(default_factory=dict)
    """By relevance: each award's rank, by its id (``relevance_position``)."""


def award_scope(sort: AwardSort) -> str:
    """What an award cursor is bound to: a cursor of one sort order means nothing in another."""
    return f"awards?sort={sort.value}"


def award_page(
    session: Session,
    filters: AwardFilters,
    *,
    sort: AwardSort,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
    columns: Sequence[Any] | None = None,
) -> Page:
    """A page of awards: ORM objects, or, given ``columns``, just those as named tuples
    (several times cheaper to load, for downloads)."""
    if sort is AwardSort.RELEVANCE:
        return _relevance_page(
            session, filters, limit=limit, cursor=cursor, cursors=cursors, columns=columns
        )
    column, descending = _SORT_COLUMNS[sort]
    plain_rows = columns is not None
    selected = select(*columns) if columns is not None else select(Award)
    statement = selected.where(*award_conditions(session, filters))
    return keyset_page(
        session,
        statement,
        column,
        Award.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        cursors=cursors,
        scope=award_scope(sort),
        plain_rows=plain_rows,
        group=_sort_group(sort),
    )


def keyset_page(
    session: Session,
    statement: Select[Any],
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[str],
    *,
    descending: bool,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
    scope: str,
    plain_rows: bool = False,
    group: InstrumentedAttribute[Any] | None = None,
) -> Page:
    """One page of ``statement`` ordered by ``(column, id)``, after the row ``cursor`` names;
    by ``(group, column, id)`` given a ``group``, all in the one direction.

    ``cursor`` must be one ``cursors`` signed for ``scope`` (the list and its sort order).
    Its values are still checked against the columns' types and ranges before they reach SQL:
    a cursor from an older release, or one signed with a leaked key, is a 400, never a 500.
    """
    keys = _keys(group, column, id_column)
    if cursor is not None:
        raw = cursors.decode(cursor, scope=scope, length=len(keys))
        position = tuple_(*keys)
        start = tuple_(*(_cursor_key(key, value) for key, value in zip(keys, raw, strict=True)))
        statement = statement.where(position < start if descending else position > start)
    order = [key.desc() if descending else key.asc() for key in keys]
    result = session.execute(statement.order_by(*order).limit(limit + 1))
    rows = list(result) if plain_rows else list(result.scalars())
    if len(rows) <= limit:
        return Page(items=rows, cursor=None)
    return Page(
        items=rows[:limit],
        cursor=position_cursor(
            cursors, rows[limit - 1], column, id_column, scope=scope, group=group
        ),
    )


def _keys(
    group: InstrumentedAttribute[Any] | None,
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[Any],
) -> tuple[InstrumentedAttribute[Any], ...]:
    return (column, id_column) if group is None else (group, column, id_column)


def position_cursor(
    cursors: CursorCodec,
    row: Any,
    column: InstrumentedAttribute[Any],
    id_column: InstrumentedAttribute[str],
    *,
    scope: str,
    group: InstrumentedAttribute[Any] | None = None,
) -> str:
    """The cursor of the page that starts just after ``row`` in the order ``scope`` names."""
    values = [getattr(row, key.key) for key in _keys(group, column, id_column)]
    return cursors.encode(
        [value.isoformat() if isinstance(value, date | datetime) else value for value in values],
        scope=scope,
    )


def award_position(cursors: CursorCodec, award: Award, sort: AwardSort) -> str:
    """The cursor of the page of awards in ``sort`` order that starts after ``award``."""
    column, _ = _SORT_COLUMNS[sort]
    return position_cursor(
        cursors, award, column, Award.id, scope=award_scope(sort), group=_sort_group(sort)
    )


BIGINT_RANGE = range(-(2**63), 2**63)  # what PostgreSQL's BIGINT (and SQLite's INTEGER) holds


def _cursor_key(column: InstrumentedAttribute[Any], key: object) -> object:
    """A cursor value, typed as ``column`` is and within what the database can compare it
    with; a 400 naming ``query.cursor`` if it cannot be."""
    column_type = getattr(column.type, "impl", column.type)  # through TypeDecorators
    python_type = column_type.python_type
    try:
        if python_type is date and isinstance(key, str):
            return date.fromisoformat(key)
        if python_type is datetime and isinstance(key, str):
            moment = datetime.fromisoformat(key)
            if moment.tzinfo is not None:  # a naive time is ambiguous, and refused on binding
                return moment.astimezone(UTC)
        if python_type is int and type(key) is int and key in BIGINT_RANGE:
            return key
        if python_type is str and type(key) is str and _storable(key, column_type):
            return key
    except (ValueError, OverflowError):
        pass
    raise BadRequest.for_field("query.cursor", "not a cursor for this sort order")


def _storable(text: str, column_type: Any) -> bool:
    """Text both databases accept as a parameter: within the column's width, no NUL
    (PostgreSQL refuses it) and no lone surrogate (it has no UTF-8 form)."""
    width = getattr(column_type, "length", None)
    if (width is not None and len(text) > width) or "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


class CompetitionSort(enum.StrEnum):
    CLOSES = "closes"
    CLOSES_DESC = "-closes"
    BUDGET = "budget"
    BUDGET_DESC = "-budget"


Sort = TypeVar("Sort", AwardSort, CompetitionSort)


def reverse_sort(sort: Sort) -> Sort:
    """The opposite order: its pages, read backwards, are the pages before a row."""
    value = sort.value
    return type(sort)(value[1:] if value.startswith("-") else f"-{value}")


@dataclass(frozen=True)
class CompetitionFilters:
    q: str | None = None
    funder: Sequence[str] = ()
    instrument: Sequence[str] = ()
    region: Sequence[str] = ()
    theme: Sequence[str] = ()
    status: Sequence[str] = ()
    currency: Sequence[str] = ()
    year: Sequence[int] = ()


def _competition_status(status: str, now: datetime) -> ColumnElement[bool]:
    """The SQL for a derived status (see ``competitions.service.status``)."""
    published = Competition.state == "published"
    conditions = {
        "cancelled": Competition.state == "cancelled",
        "awarded": Competition.state == "results_published",
        "planned": and_(published, Competition.opens_at > now),
        "open": and_(published, Competition.opens_at <= now, Competition.closes_at > now),
        "closed": and_(published, Competition.closes_at <= now),
    }
    if status not in conditions:
        raise BadRequest.for_field("query.status", f"one of {', '.join(conditions)}")
    return conditions[status]


def competition_page(
    session: Session,
    filters: CompetitionFilters,
    *,
    sort: CompetitionSort,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
) -> Page:
    conditions: list[ColumnElement[bool]] = []
    simple: list[tuple[InstrumentedAttribute[Any], Sequence[Any]]] = [
        (Competition.funder_id, filters.funder),
        (Competition.instrument, filters.instrument),
        (Competition.region, filters.region),
        (Competition.currency, filters.currency),
        (Competition.year, filters.year),
    ]
    for attribute, values in simple:
        if values:
            conditions.append(attribute.in_(list(values)))
    if filters.theme:
        themes = [theme.casefold() for theme in filters.theme]
        conditions.append(
            Competition.id.in_(
                select(CompetitionTheme.competition_id).where(CompetitionTheme.theme.in_(themes))
            )
        )
    if filters.status:
        now = clock.now()
        statuses = dict.fromkeys(filters.status)  # distinct: see the award years
        conditions.append(or_(*(_competition_status(status, now) for status in statuses)))
    matched = text_match(session, "competition", filters.q)
    if matched is not None:
        conditions.append(Competition.id.in_(matched))
    statement = select(Competition).where(*conditions)
    return keyset_page(
        session,
        statement,
        _competition_column(sort),
        Competition.id,
        descending=sort.value.startswith("-"),
        limit=limit,
        cursor=cursor,
        cursors=cursors,
        scope=f"competitions?sort={sort.value}",
        group=_competition_group(sort),
    )


def _competition_column(sort: CompetitionSort) -> InstrumentedAttribute[Any]:
    return Competition.closes_at if sort.value.endswith("closes") else Competition.budget_minor


def _competition_group(sort: CompetitionSort) -> InstrumentedAttribute[Any] | None:
    """Budgets, like awards' amounts (AMOUNT_SORTS), are compared within a currency only."""
    return None if sort.value.endswith("closes") else Competition.currency


def competition_position(
    cursors: CursorCodec, competition: Competition, sort: CompetitionSort
) -> str:
    """The cursor of the page of competitions in ``sort`` order that starts after this one."""
    return position_cursor(
        cursors,
        competition,
        _competition_column(sort),
        Competition.id,
        scope=f"competitions?sort={sort.value}",
        group=_competition_group(sort),
    )


@dataclass(frozen=True)
class OrganizationFilters:
    q: str | None = None
    kind: Sequence[str] = ()
    region: Sequence[str] = ()
    country: Sequence[str] = ()
    role: Sequence[str] = ()
    """``funder`` (has given an award), ``recipient`` (has received one); either matches."""
    among: frozenset[str] | None = None
    """Only these org-ids; ``None`` is any. The portal's: a page's own funders, which the
    API's roles do not all name (the funders of competitions)."""


class OrganizationRole(enum.StrEnum):
    FUNDER = "funder"
    RECIPIENT = "recipient"


def organization_page(
    session: Session,
    filters: OrganizationFilters,
    *,
    limit: int,
    cursor: str | None,
    cursors: CursorCodec,
    descending: bool = False,
) -> Page:
    """Organizations by org-id; ``descending`` reads them backwards (the portal's previous
    pages), with cursors of their own."""
    conditions: list[ColumnElement[bool]] = []
    for attribute, values in (
        (Organization.kind, filters.kind),
        (Organization.region, filters.region),
        (Organization.country, filters.country),
    ):
        if values:
            conditions.append(attribute.in_(list(values)))
    roles = {
        OrganizationRole.FUNDER: select(AwardRollup.funder_id).distinct(),
        OrganizationRole.RECIPIENT: select(Award.recipient_id).distinct(),
    }
    if filters.role:
        conditions.append(
            or_(*(Organization.org_id.in_(roles[OrganizationRole(role)]) for role in filters.role))
        )
    if filters.among is not None:
        conditions.append(Organization.org_id.in_(sorted(filters.among)))
    matched = text_match(session, "organization", filters.q)
    if matched is not None:
        conditions.append(Organization.org_id.in_(matched))
    statement = select(Organization).where(*conditions)
    return keyset_page(
        session,
        statement,
        Organization.org_id,
        Organization.org_id,
        descending=descending,
        limit=limit,
        cursor=cursor,
        cursors=cursors,
        scope=_organization_scope(descending=descending),
    )


def _organization_scope(*, descending: bool) -> str:
    return "organizations?sort=-org_id" if descending else "organizations"


def organization_position(
    cursors: CursorCodec, organization: Organization, *, descending: bool
) -> str:
    """The cursor of the page of organizations that starts after this one."""
    return position_cursor(
        cursors,
        organization,
        Organization.org_id,
        Organization.org_id,
        scope=_organization_scope(descending=descending),
    )


def year_of(column: Any) -> Any:
    return func.extract("year", column)


@dataclass(frozen=True)
class _Dimension:
    """A facet or statistics group: its expression over the awards, and the rollup column
    that holds the same values (None when the rollup does not keep it)."""

    awards: Any
    rollup: Any | None
    join_themes: bool = False


_DIMENSIONS: dict[str, _Dimension] = {
    "instrument": _Dimension(Award.instrument, AwardRollup.instrument),
    "region": _Dimension(Award.region, AwardRollup.region),
    "funder": _Dimension(Award.funder_id, AwardRollup.funder_id),
    "recipient": _Dimension(Award.recipient_id, None),
    "status": _Dimension(Award.status, AwardRollup.status),
    "currency": _Dimension(Award.currency, AwardRollup.currency),
    "year": _Dimension(year_of(Award.award_date), AwardRollup.year),
    "theme": _Dimension(AwardTheme.theme, None, join_themes=True),
    "month": _Dimension(
        year_of(Award.award_date) * 100 + func.extract("month", Award.award_date), None
    ),
    "legal_unit": _Dimension(Award.legal_unit, None),
    "size_band": _Dimension(Award.size_band, None),
}
FACET_NAMES = (
    "instrument",
    "region",
    "funder",
    "recipient",
    "status",
    "currency",
    "year",
    "theme",
)

# The filters the rollup can apply, by the name of the facet-total dimension; any other
# filter in use sends the query to the awards table (so a filter added later is never
# silently ignored).
_ROLLUP_FILTERS: dict[str, Any] = {
    name: getattr(AwardRollup, column) for name, column in rollup.DIMENSIONS.items()
}


def _rollup_filters(filters: AwardFilters) -> dict[str, list[Any]] | None:
    """The filters in use, by name, or None if one of them is not a rollup dimension."""
    used: dict[str, list[Any]] = {}
    for name in (each.name for each in fields(filters)):
        value = getattr(filters, name)
        if value is None or (isinstance(value, tuple | list) and not value):
            continue
        if name not in _ROLLUP_FILTERS or (name == "region" and "" in value):
            return None  # (the rollup keeps a missing region as "", the awards as NULL)
        used[name] = list(value)
    return used


@dataclass
class _Where:
    """The filters, sorted once per request into what each source table can answer: the
    facet totals (no filter but on the grouped dimension itself), the rollup (filters on its
    dimensions only), and the awards (anything), whose conditions are built only if needed."""

    session: Session
    filters: AwardFilters
    rollup_filters: dict[str, list[Any]] | None = field(init=False)

    def __post_init__(self) -> None:
        self.rollup_filters = _rollup_filters(self.filters)

    @property
    def rollup(self) -> list[ColumnElement[bool]] | None:
        if self.rollup_filters is None:
            return None
        return [_ROLLUP_FILTERS[name].in_(values) for name, values in self.rollup_filters.items()]

    def facet_totals(self, dimension: str) -> list[ColumnElement[bool]] | None:
        """Conditions on the facet totals for ``dimension``, or None if they cannot answer."""
        if self.rollup_filters is None or set(self.rollup_filters) - {dimension}:
            return None
        conditions = [AwardFacetTotal.dimension == dimension]
        values = self.rollup_filters.get(dimension)
        if values is not None:
            conditions.append(AwardFacetTotal.value.in_([str(value) for value in values]))
        return conditions

    @cached_property
    def awards(self) -> list[ColumnElement[bool]]:
        return award_conditions(self.session, self.filters)


def _key_text(value: object) -> str:
    if value is None:
        return ""
    return str(int(value) if isinstance(value, Decimal | float) else value)


def _totals(
    session: Session, dimensions: Sequence[str], where: _Where
) -> list[tuple[tuple[str, ...], str, int, int, int]]:
    """Count, awarded and disbursed totals per value of ``dimensions`` and currency.

    The one place facets, statistics and organization totals are computed, from the smallest
    table that can answer: the facet totals (one dimension, filtered on itself at most), the
    rollup (its dimensions only, in groups and filters), otherwise the awards. The answer is
    the same from each (both tables are GROUP BYs of the awards, kept in step with them).
    """
    chosen = [_DIMENSIONS[name] for name in dimensions]
    keys: list[Any]
    rows: list[Any]
    facet_totals = where.facet_totals(dimensions[0]) if len(dimensions) == 1 else None
    rollup_conditions = where.rollup
    if facet_totals is not None and chosen[0].rollup is not None:
        rows = list(
            session.execute(
                select(
                    AwardFacetTotal.value,
                    AwardFacetTotal.currency,
                    AwardFacetTotal.award_count,
                    AwardFacetTotal.awarded_minor,
                    AwardFacetTotal.disbursed_minor,
                ).where(*facet_totals)
            )
        )
    elif rollup_conditions is not None and all(d.rollup is not None for d in chosen):
        keys = [d.rollup for d in chosen]
        rollup_statement = (
            select(
                *keys,
                AwardRollup.currency,
                func.sum(AwardRollup.award_count),
                func.sum(AwardRollup.awarded_minor),
                func.sum(AwardRollup.disbursed_minor),
            )
            .where(*rollup_conditions)
            .group_by(*keys, AwardRollup.currency)
        )
        rows = list(session.execute(rollup_statement))
    else:
        keys = [d.awards for d in chosen]
        statement = select(
            *keys,
            Award.currency,
            func.count(),
            func.coalesce(func.sum(Award.amount_minor), 0),
            func.coalesce(func.sum(Award.disbursed_minor), 0),
        ).select_from(Award)
        if any(d.join_themes for d in chosen):
            statement = statement.join(AwardTheme, AwardTheme.award_id == Award.id)
        statement = statement.where(*where.awards).group_by(*keys, Award.currency)
        rows = list(session.execute(statement))
    width = len(dimensions)
    return [
        (
            tuple(_key_text(value) for value in row[:width]),
            row[width],
            int(row[width + 1]),
            int(row[width + 2]),
            int(row[width + 3]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Bucket:
    """One value of a facet or a statistics group, in one currency (never summed across)."""

    key: str
    currency: str
    count: int
    awarded_minor: int
    disbursed_minor: int


def award_facets(
    session: Session, filters: AwardFilters, names: Sequence[str]
) -> dict[str, list[Bucket]]:
    where = _Where(session, filters)
    return {name: _buckets(session, name, where) for name in names}


def _buckets(session: Session, name: str, where: _Where) -> list[Bucket]:
    buckets = [
        Bucket(key, currency, count, awarded, disbursed)
        for (key,), currency, count, awarded, disbursed in _totals(session, [name], where)
    ]
    return sorted(buckets, key=lambda bucket: (-bucket.count, bucket.key, bucket.currency))


class StatsGroup(enum.StrEnum):
    FUNDER = "funder"
    RECIPIENT = "recipient"
    INSTRUMENT = "instrument"
    REGION = "region"
    THEME = "theme"
    YEAR = "year"
    MONTH = "month"
    LEGAL_UNIT = "legal_unit"
    SIZE_BAND = "size_band"


class StatsSort(enum.StrEnum):
    AWARDED_DESC = "-awarded"
    DISBURSED_DESC = "-disbursed"
    COUNT_DESC = "-count"
    KEY = "key"


_STATS_ORDER: dict[StatsSort, Callable[[Bucket], tuple[Any, ...]]] = {
    StatsSort.AWARDED_DESC: lambda b: (b.currency, -b.awarded_minor, b.key),
    StatsSort.DISBURSED_DESC: lambda b: (b.currency, -b.disbursed_minor, b.key),
    StatsSort.COUNT_DESC: lambda b: (-b.count, b.key, b.currency),
    StatsSort.KEY: lambda b: (b.key, b.currency),
}


def award_stats(
    session: Session,
    filters: AwardFilters,
    group_by: StatsGroup,
    sort: StatsSort | None = None,
    limit: int | None = None,
) -> list[Bucket]:
    """Rows per group and currency, in ``sort`` order, at most ``limit`` per currency; by
    default years and months in order, other groups largest first within each currency (by
    awarded total, so "the largest recipients" is the top of the list). Amounts are compared
    within a currency only."""
    buckets = _buckets(session, group_by.value, _Where(session, filters))
    if group_by is StatsGroup.MONTH:
        buckets = [
            Bucket(
                f"{b.key[:4]}-{b.key[4:]}", b.currency, b.count, b.awarded_minor, b.disbursed_minor
            )
            for b in buckets
        ]
    if sort is None:
        in_time = group_by in (StatsGroup.YEAR, StatsGroup.MONTH)
        sort = StatsSort.KEY if in_time else StatsSort.AWARDED_DESC
    ordered = sorted(buckets, key=_STATS_ORDER[sort])
    if limit is None:
        return ordered
    # At most ``limit`` rows of each currency: amounts are never compared across currencies,
    # so "the top 5" is the top 5 in UZS and the top 5 in KZT.
    taken: dict[str, int] = {}
    kept = []
    for bucket in ordered:
        if taken.get(bucket.currency, 0) < limit:
            taken[bucket.currency] = taken.get(bucket.currency, 0) + 1
            kept.append(bucket)
    return kept


def stream_awards(
    session: Session,
    filters: AwardFilters,
    *,
    sort: AwardSort,
    batch: int,
    columns: Sequence[Any] | None = None,
) -> Iterator[Sequence[Any]]:
    """Every matching award in ``sort`` order, ``batch`` rows at a time, from one statement
    (a server-side cursor on PostgreSQL): memory stays flat, the filters are evaluated once
    rather than once a page, and the rows all come from the statement's one snapshot.
    ORM objects, or, given ``columns``, just those as named tuples."""
    if sort is AwardSort.RELEVANCE:
        ranked, rank = _ranked(session, filters, columns or [Award])
        result = session.execute(
            ranked.order_by(rank.desc(), Award.id.desc()), execution_options={"yield_per": batch}
        )
        for rows in result.partitions():
            yield [row[0] if columns is None else row[:-2] for row in rows]
        return
    column, descending = _SORT_COLUMNS[sort]
    keys = _keys(_sort_group(sort), column, Award.id)
    order = [key.desc() if descending else key.asc() for key in keys]
    selected = select(*columns) if columns is not None else select(Award)
    statement = selected.where(*award_conditions(session, filters)).order_by(*order)
    if columns is not None:
        # Plain rows straight from the connection: the ORM's loading adds nothing to columns
        # but a third of a download's time.
        plain = session.connection().execute(statement, execution_options={"yield_per": batch})
        yield from plain.partitions()
        return
    result = session.execute(statement, execution_options={"yield_per": batch})
    # The identity map holds objects weakly: each batch is freed once the caller drops it.
    yield from result.scalars().partitions()


@dataclass(frozen=True)
class OrganizationTotal:
    year: int
    instrument: str
    currency: str
    count: int
    awarded_minor: int
    disbursed_minor: int


def organization_totals(session: Session, org_id: str) -> dict[str, list[OrganizationTotal]]:
    """What an organization gave (as funder) and received, by year and instrument, per currency."""
    by = ["year", "instrument"]
    totals: dict[str, list[OrganizationTotal]] = {}
    for role, filters in (
        ("given", AwardFilters(funder=(org_id,))),
        ("received", AwardFilters(recipient=(org_id,))),
    ):
        rows = [
            OrganizationTotal(int(year), instrument, currency, count, awarded, disbursed)
            for (year, instrument), currency, count, awarded, disbursed in _totals(
                session, by, _Where(session, filters)
            )
        ]
        totals[role] = sorted(rows, key=lambda row: (row.year, row.instrument, row.currency))
    return totals


def funder_ids(session: Session) -> set[str]:
    """Every organization that has given at least one award (from the rollup: a few rows)."""
    return set(session.scalars(select(AwardRollup.funder_id).distinct()))


def competition_funder_ids(session: Session) -> set[str]:
    """Every organization that has posted at least one competition, awards given or not."""
    return set(session.scalars(select(Competition.funder_id).distinct()))


def party_counts(session: Session) -> tuple[int, int]:
    """How many organizations have given and how many have received at least one award (the
    funders from the rollup; the recipients from their index)."""
    funders = session.scalar(select(func.count(func.distinct(AwardRollup.funder_id)))) or 0
    recipients = session.scalar(select(func.count(func.distinct(Award.recipient_id)))) or 0
    return int(funders), int(recipients)
