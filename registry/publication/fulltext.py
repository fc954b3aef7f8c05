"""Full-text search with one behaviour on both databases.

Text is tokenized here, in Python, not by the database: PostgreSQL's parser depends on the
server's locale (under ``C`` it does not see Cyrillic letters as letters) and SQLite's FTS5
has its own rules, so letting each split words would give different answers. Every text is
folded (``search_key``: case, Unicode compatibility forms, the Uzbek oʻ/gʻ apostrophes) and
split into runs of letters and digits; the Uzbek marks ʻ and ʼ are dropped inside a word, so
"Oʻzbekiston", "O'zbekiston" and "O`zbekiston" are all the token ``ozbekiston``. PostgreSQL
receives a ready ``tsvector`` (positions included, for phrases) and a ready ``tsquery``;
SQLite's FTS5 receives the tokens joined by spaces and a MATCH expression built from them.

A query is words and ``"quoted phrases"``; every word and every phrase must match, and a
phrase matches only its words in that order, side by side. A word ending in ``*`` matches
every word it begins (``fond*`` finds "fondi"); no stemming is done, in any language.
"""

import re
from dataclasses import dataclass

from registry.reference.text import OKINA, TUTUQ_BELGISI, search_key

_INSIDE_WORD_MARKS = str.maketrans("", "", OKINA + TUTUQ_BELGISI)
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
_PREFIX = "*"
MAX_QUERY_TERMS = 32


MAX_TOKEN_CHARACTERS = 100  # PostgreSQL refuses lexemes over 2,046 bytes; no word is this long


def tokens(text: str) -> list[str]:
    """The search tokens of ``text``, in order (absurdly long "words" cut, on both databases)."""
    found = _WORD.findall(search_key(text).translate(_INSIDE_WORD_MARKS))
    return [token[:MAX_TOKEN_CHARACTERS] for token in found]


@dataclass(frozen=True)
class Term:
    """Tokens that must appear in this order, side by side (one token for a word); with
    ``prefix`` the last token matches any word it begins."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(text: str) -> Query:
    phrases = [Term(tuple(tokens(phrase))) for phrase in _PHRASE.findall(text)]
    # What is left once the phrases are out; a stray unpaired quote is just a separator.
    words: list[Term] = []
    for chunk in _PHRASE.sub(" ", text).replace('"', " ").split():
        found = tokens(chunk)
        words += [Term((token,)) for token in found[:-1]]
        if found:
            words.append(Term((found[-1],), prefix=chunk.endswith(_PREFIX)))
    terms = tuple(term for term in [*phrases, *words] if term.tokens)
    return Query(terms=terms[:MAX_QUERY_TERMS])


def _quote(token: str) -> str:
    # Tokens are letters and digits only, so quoting cannot be escaped out of.
    return f"'{token}'"


def tsvector_literal(words: list[str]) -> str:
    """The PostgreSQL ``tsvector`` input text for ``words``, with 1-based positions.

    PostgreSQL keeps positions up to 16383; later words keep that position, which is enough
    for long descriptions (phrases beyond it may over-match, never under-match).
    """
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(words, start=1):
        positions.setdefault(word, []).append(min(index, 16383))
    return " ".join(
        f"{_quote(word)}:{','.join(map(str, places[:256]))}" for word, places in positions.items()
    )


def tsquery_literal(query: Query) -> str:
    return " & ".join(
        "("
        + " <-> ".join(_quote(token) for token in term.tokens)
        + (":*" if term.prefix else "")
        + ")"
        for term in query.terms
    )


def fts5_match(query: Query) -> str:
    """An FTS5 MATCH expression: each term a quoted phrase, all of them required."""
    return " AND ".join(
        '"' + " ".join(term.tokens) + '"' + (" *" if term.prefix else "") for term in query.terms
    )
