"""Word forms in search queries (registry.reference.stemming, registry.publication.fulltext):
the rules on known words, and any text whatever giving a query both databases accept."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from postgres_url import POSTGRES_URL
from sqlalchemy import create_engine, make_url, text

from registry.publication.fulltext import (
    fts5_match,
    parse_query,
    tokens,
    tsquery_literal,
    tsvector_literal,
)
from registry.reference.stemming import (
    KAZAKH_SUFFIXES,
    MAX_READINGS,
    UZBEK_SUFFIXES,
    other_script,
    other_scripts,
    stems,
    strip_suffixes,
)


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("korrupsiyaga", "korrupsiya"),
        ("tashkilotlarining", "tashkilot"),
        ("viloyatidagi", "viloyat"),
        ("samarqandda", "samarqand"),
        ("yoshlar", "yosh"),  # four letters are kept
        ("ishlari", "ishlar"),  # not "ish": under four letters
    ],
)
def test_uzbek_suffixes(word: str, stem: str) -> None:
    assert strip_suffixes(word, UZBEK_SUFFIXES) == stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("ұйымдардың", "ұйым"),  # organisations': plural, genitive
        ("қалада", "қала"),
        ("жастарға", "жастар"),  # not "жас": under four letters
        ("тілдерін", "тілдер"),
    ],
)
def test_kazakh_suffixes(word: str, stem: str) -> None:
    assert strip_suffixes(word, KAZAKH_SUFFIXES) == stem


def test_russian_and_cyrillic_uzbek_stems() -> None:
    assert "коррупц" in stems("коррупции")
    assert "коррупц" in stems("коррупция")
    assert "ўзбекистон" in stems("ўзбекистонда")  # Uzbek Cyrillic suffixes too
    assert stems("2026") == set()


@pytest.mark.parametrize(
    ("typed", "latin"),
    [
        ("Узбекистон", "Oʻzbekiston"),
        ("Хаёт", "Hayot"),
        ("Куёшли", "Quyoshli"),
        ("Кишлок тараккиёти", "Qishloq taraqqiyoti"),
        ("хукук", "huquq"),
        ("Мехр", "Mehr"),
    ],
)
def test_a_word_typed_on_a_russian_keyboard_is_read_with_the_uzbek_letters(
    typed: str, latin: str
) -> None:
    readings = other_scripts(typed)
    assert readings[0] == other_script(typed)  # the one spelling, first
    assert latin in readings
    assert len(readings) == len(set(readings)) <= MAX_READINGS


@pytest.mark.parametrize(
    "word",
    [
        "Ўзбекистон",  # typed with its Uzbek letters: у is у
        "Қуёшли",
        "ҳукуқ",
        "Қазақстан",  # Kazakh
        "Oʻzbekiston",  # Latin
    ],
)
def test_a_word_with_its_own_letters_has_one_reading(word: str) -> None:
    assert len(other_scripts(word)) == 1


def test_readings_are_bounded() -> None:
    assert len(other_scripts("кукукукукукукукук")) == MAX_READINGS


@pytest.mark.parametrize(
    ("query", "unrelated"),
    [
        ("гранта", "граница"),  # "гран" is too short to be a stem
        ("совета", "совершенствование"),
        ("party", "participation"),  # Snowball's "parti" is not a prefix of the word
        ("family", "фамилия"),
        ("мир", "мировой"),  # under four letters: as written
        ("education", "educ"),
    ],
)
def test_a_word_does_not_find_what_merely_shares_its_first_letters(
    fts5: sqlite3.Connection, query: str, unrelated: str
) -> None:
    fts5.execute("DELETE FROM t")
    fts5.execute("INSERT INTO t(body) VALUES (?)", (" ".join(tokens(unrelated)),))
    found = fts5.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(parse_query(query)),))
    assert found.fetchall() == [], query
    fts5.execute("DELETE FROM t")
    fts5.execute("INSERT INTO t(body) VALUES ('ozbekiston korrupsiyaga коррупции')")


def test_a_query_word_carries_its_forms() -> None:
    (term,) = parse_query("Ўзбекистонда").terms
    forms = {(form.tokens, form.prefix) for form in term.forms}
    assert (("узбекистонда",), True) in forms  # ў folded to у, as the index folds it
    assert (("ozbekiston",), True) in forms  # the other script, stemmed
    (term,) = parse_query("мир").terms  # three letters: no prefix, no stem
    assert {form.prefix for form in term.forms} == {False}
    (term,) = parse_query("grant*").terms
    assert term.prefix


@pytest.mark.parametrize(
    ("query", "stem"),
    [
        ("ұлағаттың", "улагат"),  # Kazakh genitive: stemmed as Kazakh, then folded
        ("ҰЛАҒАТТЫҢ", "улагат"),
        ("оңалтудың", "оналту"),
        ("тілдерін", "тилдер"),
        ("ўзбекистонда", "узбекистон"),  # Uzbek Cyrillic locative
    ],
)
def test_a_word_is_stemmed_as_spelled_and_its_stem_folded(query: str, stem: str) -> None:
    """Kazakh rules are told by Kazakh letters: folded first, "ұлағаттың" would be
    "улагаттын", a word the Kazakh rules never see. The stem is folded as the index is."""
    (term,) = parse_query(query).terms
    assert ((stem,), True) in {(form.tokens, form.prefix) for form in term.forms}
    assert stem in tokens(" ".join(stems(query.lower())))


def test_a_russian_word_has_the_forms_it_had() -> None:
    """Russian has none of the folded letters: its forms are unchanged, but for the Latin
    readings of its у and к as ў and қ, which Uzbek typed on a Russian keyboard looks like
    (they begin no Uzbek word here, and so find nothing more)."""
    (term,) = parse_query("коррупции").terms
    forms = {(form.tokens, form.prefix) for form in term.forms}
    before = {(("коррупции",), True), (("korrup",), True), (("коррупц",), True)}
    readings = {(("korrop",), True), (("qorrup",), True), (("qorrop",), True)}
    assert forms == before | readings


QUERY_TEXT = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyz0123456789 \"*'`ʻʼ‘’-_.,:;()&|!<>^")
        + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяўқғҳәөүұіңһ")
        + list("ЎҚҒҲOʻAБ\x00\u200b\ufeff")
    ),
    max_size=40,
)


@pytest.fixture(scope="module")
def fts5() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    # The tokenizer the migration gives search_fts.
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')"
    )
    connection.execute("INSERT INTO t(body) VALUES ('ozbekiston korrupsiyaga коррупции')")
    return connection


@settings(max_examples=300, deadline=None, derandomize=True)
@given(QUERY_TEXT)
def test_any_text_is_a_query_sqlite_accepts(fts5: sqlite3.Connection, q: str) -> None:
    query = parse_query(q)
    if query.empty:
        return
    fts5.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(query),)).fetchall()


@pytest.fixture(scope="module")
def postgresql_connection(postgresql_template: str):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """A connection to the server's own ``postgres`` database (never the template, which
    others copy); ``postgresql_template`` fails the run in CI if PostgreSQL is down."""
    engine = create_engine(make_url(POSTGRES_URL).set(database="postgres"))
    with engine.connect() as connection:
        yield connection
    engine.dispose()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(QUERY_TEXT)
def test_any_text_is_a_query_postgresql_accepts(postgresql_connection, q: str) -> None:  # type: ignore[no-untyped-def]
    query = parse_query(q)
    if query.empty:
        return
    postgresql_connection.execute(text("SELECT CAST(:q AS tsquery)"), {"q": tsquery_literal(query)})


def test_both_databases_match_the_same_words(fts5, postgresql_connection) -> None:  # type: ignore[no-untyped-def]
    document = "ozbekiston korrupsiyaga коррупции"
    vector = tsvector_literal(tokens(document))
    for q, hit in [
        ("Ўзбекистон", True),
        ("korrupsiya", True),
        ("коррупция", True),
        ("korr", True),
        ("kor", False),
        ('"korrupsiyaga ozbekiston"', False),
    ]:
        query = parse_query(q)
        sqlite_hit = bool(
            fts5.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(query),)).fetchall()
        )
        postgresql_hit = postgresql_connection.execute(
            text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"),
            {"v": vector, "q": tsquery_literal(query)},
        ).scalar_one()
        assert sqlite_hit is hit, q
        assert postgresql_hit is hit, q


def test_both_databases_find_kazakh_and_uzbek_words_typed_on_a_russian_keyboard(  # type: ignore[no-untyped-def]
    postgresql_connection,
) -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')"
    )
    document = "«Ұлағат» оңалту орталығы, Іңкәр; Меҳр-оқибат ғамхўрлик"
    connection.execute("INSERT INTO t(body) VALUES (?)", (" ".join(tokens(document)),))
    vector = tsvector_literal(tokens(document))
    for q, hit in [
        ("Улагат", True),
        ("ұлағат", True),
        ("УЛАГАТ", True),
        ("ұлағаттың", True),  # the Kazakh genitive, stemmed
        ("оналту", True),
        ("инкар", True),
        ('"улагат оналту"', True),
        ("мехр", True),
        ("окибат", True),
        ("гамхурлик", True),
        ("ғамхўрлик", True),
        ('"оналту улагат"', False),
    ]:
        query = parse_query(q)
        sqlite_hit = bool(
            connection.execute(
                "SELECT rowid FROM t WHERE t MATCH ?", (fts5_match(query),)
            ).fetchall()
        )
        postgresql_hit = postgresql_connection.execute(
            text("SELECT CAST(:v AS tsvector) @@ CAST(:q AS tsquery)"),
            {"v": vector, "q": tsquery_literal(query)},
        ).scalar_one()
        assert sqlite_hit is hit, q
        assert postgresql_hit is hit, q
    connection.close()


def test_a_query_shares_its_readings_out_among_its_words() -> None:
    """64 readings for each of 32 words made a 500-character query of Cyrillic words full of
    у х к some 2,000 forms to search, 40 KB of MATCH (found by review): the query has
    ``QUERY_READINGS`` in all, its first words read in full, the later in the other script."""
    words = ["хукукларини", "кукуклари", "хукук"] * 20
    query = parse_query(" ".join(words)[:500])
    forms = sum(1 + len(term.alternatives) for term in query.terms)
    assert forms < 300
    alone = parse_query("Кишлок тараккиёти").terms
    assert parse_query("Кишлок тараккиёти хукук").terms[:2] == alone  # read in full
