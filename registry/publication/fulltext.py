"""Full-text search with one behaviour on both databases.

Text is tokenized here, in Python, not by the database: PostgreSQL's parser depends on the
server's locale (under ``C`` it does not see Cyrillic letters as letters) and SQLite's FTS5
has its own rules, so letting each split words would give different answers. Every text is
folded (``search_key``: case, Unicode compatibility forms, the Uzbek oʻ/gʻ apostrophes, ё as
е, Latin look-alikes inside a Cyrillic word as the Cyrillic letters, the Kazakh and Uzbek
Cyrillic letters as the Russian ones typed for them) and split into
runs of letters and digits; the Uzbek marks ʻ and ʼ are dropped inside a word, so
"Oʻzbekiston", "O'zbekiston" and "O`zbekiston" are all the token ``ozbekiston``, "Зелёное" is
``зеленое``, "Ұлағат" and "Улагат" are ``улагат``, and "бiлiм", a Cyrillic word with a Latin i
(``fold_latin_lookalikes``), is ``билим`` as "білім" is. PostgreSQL
receives a ready ``tsvector`` (positions included, for phrases) and a ready ``tsquery``;
SQLite's FTS5 receives the tokens joined by spaces and a MATCH expression built from them.

A query is words and ``"quoted phrases"``; every word and every phrase must match, and a
phrase matches only its words in that order, side by side, as written or in the other Uzbek
script. A word matches in its word forms (``registry.reference.stemming``): as written, in the
other Uzbek script, and every document word that begins with it or with one of its stems when
that has at least four letters ("Самарканд" finds "Самаркандской", "коррупция" finds
"коррупции", "korrupsiya" finds "korrupsiyaga", "Ўзбекистон" finds "Oʻzbekiston"). Stems are
found in the word as the user spelled it, its Kazakh and Uzbek letters kept (``caseless_key``),
and folded afterwards: folded first, a Kazakh word would lose the letters that tell the stemmer
it is Kazakh, and a Russian word is the same either way. A word
ending in ``*`` matches every word it begins, however short. A word of digits only, of
``MIN_NUMBER_PREFIX`` digits or more, matches every number it begins (``number_prefix``): the
first digits of a registration number ("2095462") find the organization ("UZ-STIR-209546277")
and the awards it gave or received, while a whole STIR or BIN is matched exactly. The index
keeps words as written, so all of this is in the query and both databases answer alike.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from registry.reference.identifiers import KZ_BIN_LENGTH, REGISTER_LABELS, STIR_LENGTH
from registry.reference.stemming import MIN_STEM, other_scripts, stems
from registry.reference.text import (
    APOSTROPHE_LOOKALIKES,
    OKINA,
    TUTUQ_BELGISI,
    caseless_key,
    fold_latin_lookalikes,
    search_key,
)

_INSIDE_WORD_MARKS = str.maketrans("", "", OKINA + TUTUQ_BELGISI)
_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')
_PREFIX = "*"
MAX_QUERY_TERMS = 32

MIN_NUMBER_PREFIX: Final = 5
"""The fewest digits a number must have to match the numbers it begins. Shorter numbers are
words of their texts meant as written (a year, "2026"; a decree's or a round's number) and,
as prefixes, would begin hundreds of registration numbers each (a STIR begins with 2 or 3, so
four digits pick one STIR in 500; five, one in 5,000); five digits narrow a registry's
organizations to a few, and a person who knows that many of a number is looking for it."""

_DIGITS = re.compile("[0-9]+")


def number_prefix(token: str) -> bool:
    """Whether ``token``, a word of the query, matches the numbers it begins: digits only, at
    least ``MIN_NUMBER_PREFIX`` of them, and not a whole registration number, which stays
    exact: a STIR's nine digits (not also the BINs they begin: a STIR would otherwise find
    some Kazakh organization now and then) and twelve or more (a BIN or IIN, the longest)."""
    return (
        _DIGITS.fullmatch(token) is not None
        and MIN_NUMBER_PREFIX <= len(token) < KZ_BIN_LENGTH
        and len(token) != STIR_LENGTH
    )


MAX_TOKEN_CHARACTERS = 100  # PostgreSQL refuses lexemes over 2,046 bytes; no word is this long


def tokens(text: str) -> list[str]:
    """The search tokens of ``text``, in order (absurdly long "words" cut, on both databases)."""
    return _split(search_key(text))


def spelled_tokens(text: str) -> list[str]:
    """The tokens of ``text`` as ``tokens`` makes them, but with the Kazakh and Uzbek letters
    kept (``caseless_key``): what the stemmers read."""
    return _split(caseless_key(text))


def _split(key: str) -> list[str]:
    found = _WORD.findall(key.translate(_INSIDE_WORD_MARKS))
    return [token[:MAX_TOKEN_CHARACTERS] for token in found]


@dataclass(frozen=True)
class Form:
    """Tokens that must appear in this order, side by side (one token for a word); with
    ``prefix`` the last token matches any word it begins."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Term:
    """What the user wrote (``tokens``, ``prefix``) and the other forms that satisfy it as
    well (``alternatives``): a term matches when any of its forms does."""

    tokens: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[Form, ...] = ()

    @property
    def forms(self) -> tuple[Form, ...]:
        return (Form(self.tokens, self.prefix), *self.alternatives)


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    words: tuple[str, ...] = ()
    """The unquoted words' tokens as written, in order (``together``)."""

    @property
    def empty(self) -> bool:
        return not self.terms


QUERY_READINGS: Final = 128
"""The Russian-keyboard readings (``stemming.other_scripts``) a whole query may ask for,
shared out among its phrases and words in order: 64 for each of 32 words made a 500-character
query some 2,000 forms (40 KB of MATCH) to search (found by review). Once they are spent, a
word is read in the other Uzbek script as typed only."""


@dataclass
class _Readings:
    left: int = QUERY_READINGS

    def spelled(self, text: str) -> list[str]:
        """``other_scripts`` of ``text`` within what the query has left."""
        found = other_scripts(text, most=max(1, self.left))
        self.left -= len(found)
        return found


def parse_query(text: str) -> Query:
    readings = _Readings()
    phrases = [_phrase(phrase, readings) for phrase in _PHRASE.findall(text)]
    # What is left once the phrases are out; a stray unpaired quote is just a separator.
    words: list[Term] = []
    for chunk in _grouped_numbers(_PHRASE.sub(" ", text).replace('"', " ").split()):
        if isinstance(chunk, Term):
            words.append(chunk)
            continue
        found = tokens(chunk)
        prefix = chunk.endswith(_PREFIX)
        if len(found) == 1:
            words.append(_word(chunk.rstrip(_PREFIX), found[0], readings, prefix=prefix))
            continue
        parts = _parts(chunk.rstrip(_PREFIX), found)
        if parts is not None:
            # A hyphenated word ("Меҳр-шафқат", "qo'llab-quvvatlash"): each part a word, in
            # the other Uzbek script too, as when the parts are typed apart.
            last = len(parts) - 1
            words += [
                _word(part, token, readings, prefix=prefix and index == last)
                for index, (part, token) in enumerate(zip(parts, found, strict=True))
            ]
            continue
        words += [Term((token,)) for token in found[:-1]]
        if found:
            words.append(Term((found[-1],), prefix=prefix))
    terms = tuple(term for term in [*phrases, *words] if term.tokens)
    written = tuple(token for term in words for token in term.tokens)
    return Query(terms=terms[:MAX_QUERY_TERMS], words=written[:MAX_QUERY_TERMS])


def together(query: Query) -> Query | None:
    """The query's unquoted words as one phrase, as written, when there are several: a
    document holding them side by side (a funder's name typed unquoted) ranks first."""
    if len(query.words) < 2:  # noqa: PLR2004 - a phrase has two words or more
        return None
    return Query(terms=(Term(query.words),))


_FIRST_GROUP = re.compile("[0-9]{1,3}")
_NEXT_GROUP = re.compile("[0-9]{3}")


def _grouped_numbers(chunks: list[str]) -> Iterator[str | Term]:
    """The chunks of a query, a number typed in groups of three digits ("209 546 277", a
    STIR; "160 840 000 129", a BIN) made one term: the number joined, as registration
    numbers are indexed (the numbers it begins, as a number typed whole, ``number_prefix``),
    or its groups side by side, in order."""
    index = 0
    while index < len(chunks):
        end = index + 1
        if _FIRST_GROUP.fullmatch(chunks[index]):
            while end < len(chunks) and _NEXT_GROUP.fullmatch(chunks[end]):
                end += 1
        if end - index == 1:
            yield chunks[index]
        else:
            groups = tuple(chunks[index:end])
            joined = "".join(groups)
            yield Term((joined,), number_prefix(joined), alternatives=(Form(groups),))
        index = end


# What parts a hyphenated word: anything but letters, digits, the marks NFKC composes into
# letters (ў typed as у and a breve) and the apostrophes that make Uzbek letters (oʻ, gʻ).
_PART_SEPARATORS = re.compile(
    "[^\\w\u0300-\u036f" + re.escape("".join(sorted(APOSTROPHE_LOOKALIKES))) + "]+|_+"
)


def _parts(chunk: str, found: list[str]) -> list[str] | None:
    """The parts of ``chunk`` (a word joined by hyphens or other punctuation), one for each
    of its tokens ``found``, or None when they cannot be told apart so."""
    parts = [part for part in _PART_SEPARATORS.split(chunk) if part]
    if [tokens(part) for part in parts] != [[token] for token in found]:
        return None
    return parts


def _phrase(text: str, readings: _Readings) -> Term:
    written = tuple(tokens(text))
    others = (tuple(tokens(other)) for other in readings.spelled(fold_latin_lookalikes(text)))
    alternatives = dict.fromkeys(Form(other) for other in others if other and other != written)
    return Term(written, alternatives=tuple(alternatives))


def _word(written: str, token: str, readings: _Readings, *, prefix: bool) -> Term:
    term = _spelled_word(written, token, readings, prefix=prefix)
    label = REGISTER_LABELS.get(token)
    if label is None or Form((label,)) in term.forms:
        return term
    return replace(term, alternatives=(*term.alternatives, Form((label,))))


def _spelled_word(written: str, token: str, readings: _Readings, *, prefix: bool) -> Term:
    """A word's forms: as written, in the other Uzbek script, and its stems as prefixes.

    ``token`` is the word folded; its stems are those of the word as spelled (Kazakh and
    Uzbek letters kept), then folded as the index folds its words."""
    spelled = _only(spelled_tokens(written)) or token
    # Each base as spelled, and whether it is the other script's (Uzbek rules only): the
    # other script of the word as its key reads it ("бiлiм" is "білім", not "bilim"), in
    # every reading of a word typed on a Russian keyboard ("Кишлок" is "Qishloq" too).
    bases = {spelled: False}
    for written_other in readings.spelled(fold_latin_lookalikes(written)):
        other = _only(spelled_tokens(written_other))
        if other is not None:
            bases.setdefault(other, _only(tokens(other)) != token)
    forms = {Form((token,), prefix or _long_word(token) or number_prefix(token))}
    for base, transliterated in bases.items():
        folded_base = _only(tokens(base))
        if folded_base is not None:
            forms.add(Form((folded_base,), prefix or _long_word(folded_base)))
        for stem in stems(base, transliterated=transliterated):
            folded = tokens(stem)
            if len(folded) == 1 and _long_word(folded[0]):
                forms.add(Form((folded[0],), prefix=True))
    main = Form((token,), prefix or _long_word(token) or number_prefix(token))
    forms.discard(main)
    # A form that another form already matches as a prefix adds nothing.
    kept = sorted(
        (form for form in forms if not _covered(form, forms | {main})),
        key=lambda form: (form.tokens, form.prefix),
    )
    return Term(main.tokens, main.prefix, tuple(kept))


def _only(found: list[str]) -> str | None:
    """The one token of a word, or None when it has none or more than one."""
    return found[0] if len(found) == 1 else None


def _long_word(token: str) -> bool:
    return token.isalpha() and len(token) >= MIN_STEM


def _covered(form: Form, forms: set[Form]) -> bool:
    return any(
        other != form and other.prefix and form.tokens[0].startswith(other.tokens[0])
        for other in forms
    )


def prefixes(query: Query) -> set[str]:
    """The tokens ``query`` matches as prefixes of document words."""
    return {
        form.tokens[0]
        for term in query.terms
        for form in term.forms
        if form.prefix and len(form.tokens) == 1
    }


def expand(query: Query, words: Mapping[str, Sequence[str]]) -> Query | None:
    """``query`` with each prefix found in ``words`` replaced by the words it begins, matched
    exactly: the same documents match (given every indexed word that begins it), and a
    database estimates exact words far better than prefixes. None when a term is left with no
    form at all, so nothing can match."""
    terms = []
    for term in query.terms:
        forms: list[Form] = []
        for form in term.forms:
            if form.prefix and len(form.tokens) == 1 and form.tokens[0] in words:
                forms += (Form((word,)) for word in words[form.tokens[0]])
            else:
                forms.append(form)
        if not forms:
            return None
        unique = list(dict.fromkeys(forms))
        terms.append(Term(unique[0].tokens, unique[0].prefix, tuple(unique[1:])))
    return Query(terms=tuple(terms))


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
        places = positions.get(word)
        if places is None:
            positions[word] = [min(index, 16383)]
        else:
            places.append(min(index, 16383))
    # Most words occur once in a document: their entry is formatted without a join. (Quoted
    # as ``_quote`` quotes: tokens are letters and digits only.)
    return " ".join(
        f"'{word}':{places[0]}" if len(places) == 1 else f"'{word}':{_places(places)}"
        for word, places in positions.items()
    )


def _places(places: list[int]) -> str:
    return ",".join(map(str, places[:256]))


def _tsquery_form(form: Form) -> str:
    return " <-> ".join(_quote(token) for token in form.tokens) + (":*" if form.prefix else "")


def tsquery_literal(query: Query) -> str:
    return " & ".join(
        "(" + " | ".join(f"({_tsquery_form(form)})" for form in term.forms) + ")"
        for term in query.terms
    )


def _fts5_form(form: Form) -> str:
    return '"' + " ".join(form.tokens) + '"' + (" *" if form.prefix else "")


def fts5_match(query: Query) -> str:
    """An FTS5 MATCH expression: each term its forms (quoted phrases) ORed, all terms
    required."""
    return " AND ".join(
        "(" + " OR ".join(_fts5_form(form) for form in term.forms) + ")" for term in query.terms
    )
