"""Word forms for search: what a query word may look like in the texts it should find.

The index keeps every word as written (folded by ``search_key``, see
``registry.publication.fulltext``); the *query* does the linguistic work, on the word as the
user spelled it (``caseless_key``: its Kazakh and Uzbek letters kept, since the Kazakh rules
are told by them), and its stems are folded afterwards as any text is, so the two databases
answer alike and the index never needs rebuilding when these rules improve. A query word
matches a document word when any of its forms matches:

* the word itself, exactly (or as a prefix when the user wrote ``word*``);
* the word in the other Uzbek script (Latin ↔ Cyrillic, by ``transliteration``), so
  "Ўзбекистон" finds "Oʻzbekiston" and back; a Cyrillic word typed on a Russian keyboard, with
  у х к for ў ҳ қ, in every reading of those letters (``other_scripts``), so "Узбекистон"
  finds "Oʻzbekiston" too;
* its stem in each language it may be written in, matched as a *prefix* of document words, so
  the stem of "коррупция" (``коррупц``) finds "коррупции" and "коррупционных":

  - Russian and English: the Snowball stemmers (the ``snowballstemmer`` package);
  - Uzbek (Latin, and Cyrillic through Latin) and Kazakh (Cyrillic): no Snowball stemmer
    exists, so the inflectional suffixes below (plural, possessive, case, and the common
    derivations -lik/-chi, -лық/-шы) are stripped, longest first, again and again, while at
    least ``MIN_STEM`` letters remain.

A word shorter than ``MIN_STEM`` (4) letters is matched as written, not as a prefix, and a
stem is used only when it is a true prefix of the word with at least ``MIN_STEM_FORM`` (5)
letters; Kazakh rules are tried only on words with a Kazakh-only letter, and the other-script
spelling of a word gets the Uzbek rules only. So ``мир`` does not find "мировой", and
"гранта" does not find "граница".
These are suffix rules, not a morphological analyser: a derived word with another stem
("Самаркандская область" for "Самарканд") is found because "самарканд" is a prefix of
"самаркандской", not because the rules know the adjective.
"""

from collections.abc import Callable
from functools import lru_cache
from typing import Final

import snowballstemmer  # type: ignore[import-untyped]

from registry.reference.transliteration import cyrillic_to_latin, latin_to_cyrillic

MIN_STEM: Final = 4
"""A word with fewer letters is not matched as a prefix, and suffixes are not stripped below it."""

MIN_STEM_FORM: Final = 5
"""A stem is matched as a prefix only from five letters on: a shorter one ("гран" of "гранта",
"сове" of "совета") begins too many unrelated words ("граница", "совершенствование")."""

KAZAKH_LETTERS: Final = frozenset("әөүұіңһ")
"""Letters only Kazakh writes: its suffix rules are tried on words that have one."""

UZBEK_SUFFIXES: Final = tuple(
    sorted(
        {
            # case: genitive, accusative, dative, locative, ablative, limitative, relative
            "ning", "ni", "ga", "ka", "qa", "da", "ta", "dan", "tan", "gacha", "dagi", "tagi",
            # plural and possessive (folded: the apostrophes of gʻ/oʻ are gone)
            "lar", "larning", "lari", "larini", "lariga", "larida", "laridan",
            "im", "ing", "i", "si", "imiz", "ingiz", "miz", "ngiz", "ini", "iga", "ida", "idan",
            "sini", "siga", "sida", "sidan", "sining",
            # common derivations
            "lik", "chi", "chilar", "lash", "ligi", "liklar",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
"""Uzbek suffixes in the folded Latin spelling the index uses, longest first."""

KAZAKH_SUFFIXES: Final = tuple(
    sorted(
        {
            # plural
            "лар", "лер", "дар", "дер", "тар", "тер",
            # genitive, accusative, dative, locative, ablative, instrumental
            "ның", "нің", "дың", "дің", "тың", "тің", "ны", "ні", "ды", "ді", "ты", "ті",
            "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та", "те", "нда", "нде",
            "дан", "ден", "тан", "тен", "нан", "нен", "мен", "бен", "пен",
            # possessive, and the accusative after it (тілдерін: тіл-дер-і-н)
            "ым", "ім", "ың", "ің", "ы", "і", "сы", "сі", "мыз", "міз", "ңыз", "ңіз",
            "ын", "ін", "сын", "сін",
            # common derivations
            "лық", "лік", "дық", "дік", "тық", "тік", "шы", "ші",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
"""Kazakh suffixes (Cyrillic), longest first."""


UZBEK_CYRILLIC_SUFFIXES: Final = tuple(
    sorted({latin_to_cyrillic(suffix) for suffix in UZBEK_SUFFIXES}, key=len, reverse=True)
)
"""The same Uzbek suffixes in Cyrillic (``нинг``, ``лар``, ``да``…), longest first."""


def strip_suffixes(word: str, suffixes: tuple[str, ...]) -> str:
    """Remove suffixes from the end while at least ``MIN_STEM`` letters remain."""
    changed = True
    while changed:
        changed = False
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                changed = True
                break
    return word


@lru_cache(maxsize=4)
def _snowball(language: str) -> Callable[[str], str]:
    stemmer = snowballstemmer.stemmer(language)
    return stemmer.stemWord  # type: ignore[no-any-return]


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= letter <= "\u04ff" for letter in word)


def stems(token: str, *, transliterated: bool = False) -> set[str]:
    """The stems of a folded token in the languages it may be written in, each a true prefix
    of the token with at least ``MIN_STEM_FORM`` letters. A Cyrillic word: Russian (Snowball),
    Uzbek, and Kazakh when it has a Kazakh-only letter; a Latin one: English (Snowball) and
    Uzbek. A ``transliterated`` token (the other Uzbek script of the query's word) gets the
    Uzbek rules only. ``token`` as ``caseless_key`` spells it, Kazakh and Uzbek letters kept
    (folded, a Kazakh word would get Russian stems and no Kazakh ones); the stems are not yet
    folded: the caller folds them as it folds any text."""
    if not token.isalpha():
        return set()
    cyrillic = _is_cyrillic(token)
    found = {strip_suffixes(token, UZBEK_CYRILLIC_SUFFIXES if cyrillic else UZBEK_SUFFIXES)}
    if not transliterated:
        found.add(_snowball("russian" if cyrillic else "english")(token))
        if cyrillic and KAZAKH_LETTERS.intersection(token):
            found.add(strip_suffixes(token, KAZAKH_SUFFIXES))
    return {
        stem
        for stem in found
        if len(stem) >= MIN_STEM_FORM and stem != token and token.startswith(stem)
    }


def other_script(word: str) -> str:
    """The word in the other Uzbek script (as the user typed it, apostrophes included)."""
    return cyrillic_to_latin(word) if _is_cyrillic(word) else latin_to_cyrillic(word)


UZBEK_LETTERS_TYPED_AS_RUSSIAN: Final = {"у": "ў", "х": "ҳ", "к": "қ", "У": "Ў", "Х": "Ҳ", "К": "Қ"}
"""The Russian letters a Russian keyboard types for Uzbek ў ҳ қ, and those letters. (ғ, typed as
г, needs no reading of its own: search drops the mark of gʻ, so g and gʻ are one word.)"""

MAX_READINGS: Final = 64
"""At most so many readings of a word typed on a Russian keyboard: its first six у х к read
both ways (no Uzbek word of the demo has more than five of them), any later one as Russian."""

_TYPED_ON_RUSSIAN_KEYBOARD: Final = frozenset("ўқҳғ") | KAZAKH_LETTERS
"""A word with one of these letters was not typed on a Russian keyboard: its у х к are those."""


def other_scripts(text: str, *, most: int = MAX_READINGS) -> list[str]:
    """``text`` in the other Uzbek script: ``other_script``, and, for Cyrillic typed on a
    Russian keyboard (none of ў қ ҳ ғ, nor a Kazakh letter), the Latin of every reading of its
    у х к as у or ў, х or ҳ, к or қ, so "Узбекистон" is "Uzbekiston" and "Oʻzbekiston",
    "Кишлок" "Qishloq" among others (at most ``most`` readings, ``MAX_READINGS``: a query
    shares its readings out among its words). The first is ``other_script``'s."""
    first = other_script(text)
    if not _is_cyrillic(text) or _TYPED_ON_RUSSIAN_KEYBOARD.intersection(text.casefold()):
        return [first]
    typed = UZBEK_LETTERS_TYPED_AS_RUSSIAN
    places = [index for index, letter in enumerate(text) if letter in typed]
    readings = [text]
    for index in places[: max(1, min(most, MAX_READINGS)).bit_length() - 1]:
        readings += [
            reading[:index] + typed[reading[index]] + reading[index + 1 :] for reading in readings
        ]
    return list(dict.fromkeys(cyrillic_to_latin(reading) for reading in readings))
