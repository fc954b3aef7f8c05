"""Search keys for names and titles in Uzbek, Kazakh, Russian and English.

Uzbek Latin writes oʻ and gʻ with U+02BB (ʻ, MODIFIER LETTER TURNED COMMA) and the glottal
stop, tutuq belgisi, with U+02BC (ʼ, MODIFIER LETTER APOSTROPHE), as the 1995 alphabet
prescribes. Keyboards rarely have either, so the same name arrives as "Oʻzbekiston",
"O'zbekiston", "O`zbekiston", "O‘zbekiston" or "O’zbekiston". Folding every one of these
marks to the prescribed letter, on both the indexed text and the query, lets a search for
one spelling find all of them.

Russian print mostly writes ё as е ("Зеленое" for "Зелёное"), so ё is folded to е, as
search engines and Snowball's Russian stemmer do. This merges a few Uzbek Cyrillic pairs
(ёш "young", еш "eat") in search only; Uzbek Latin and the transliterated query keep "yo".

Kazakh and Uzbek Cyrillic are typed on Russian keyboards as often as not, each of their own
letters written as the Russian letter nearest it: Kazakh ә ғ қ ң ө ұ ү һ і as а г к н о у у х и
("Ұлағат" as "Улагат", "іңкәр" as "инкар"), Uzbek ғ қ ҳ ў as г к х у ("Меҳр-оқибат" as
"Мехр-окибат"). A search key writes every one of them as that Russian letter
(``RUSSIAN_KEYBOARD_LETTERS``), so a word is found however it was typed, in the text or in the
query. The cost is a few pairs that only these letters tell apart (Uzbek ҳол "state" and хол
"mole", Kazakh ол "he" and өл "die"), which search no longer does; a reader tells them apart
in the results. Russian text has none of these letters, so its keys are as they were. The
stemmers need the letters (Kazakh suffixes are told by them, and a Kazakh word folded can look
Russian to Snowball): they read ``caseless_key``, which keeps them, and their stems are folded
afterwards (``registry.publication.fulltext``).

Uzbek Cyrillic to Latin transliteration is deliberately not here: the official table
depends on context (е is "ye" or "e", ц is "s" or "ts", ъ and ь in Russian loanwords), so a
table alone would produce spellings that match neither the text nor a query.
"""

import re
import unicodedata
from typing import Final

__all__ = [
    "APOSTROPHE_LOOKALIKES",
    "OKINA",
    "RUSSIAN_KEYBOARD_LETTERS",
    "TUTUQ_BELGISI",
    "caseless_key",
    "fold_to_russian_letters",
    "fold_uzbek_apostrophes",
    "fold_yo",
    "search_key",
]

OKINA: Final = "\u02bb"
"""ʻ, the mark of oʻ and gʻ in Uzbek Latin (U+02BB MODIFIER LETTER TURNED COMMA)."""

TUTUQ_BELGISI: Final = "\u02bc"
"""ʼ, the glottal stop between letters, as in taʼlim (U+02BC MODIFIER LETTER APOSTROPHE)."""

APOSTROPHE_LOOKALIKES: Final = frozenset(
    {
        OKINA,
        TUTUQ_BELGISI,
        "\u2018",  # ‘ LEFT SINGLE QUOTATION MARK: word processors' "smart" apostrophe
        "\u2019",  # ’ RIGHT SINGLE QUOTATION MARK: the same, the other way round
        "\u0060",  # ` GRAVE ACCENT: the key next to 1 on Uzbek and Russian layouts
        "\u0027",  # ' APOSTROPHE: the ASCII key
        "\u00b4",  # ´ ACUTE ACCENT: common on older sites and in PDFs
    }
)
"""Every character typed in practice for ʻ or ʼ."""

_LOOKALIKE: Final = re.compile("[" + re.escape("".join(sorted(APOSTROPHE_LOOKALIKES))) + "]")

_OKINA_BASES: Final = frozenset("oOgG")
"""The letters whose following mark makes oʻ/gʻ."""


def fold_uzbek_apostrophes(text: str) -> str:
    """Replace apostrophe look-alikes with the Uzbek letter they stand for.

    After o, O, g or G any look-alike becomes ʻ (OKINA), at the end of a word too (togʻ,
    bogʻ). Between two other letters it is the tutuq belgisi and becomes ʼ (TUTUQ_BELGISI).
    Anywhere else it is punctuation (quotation marks, a backtick) and is left alone, so
    'quoted' words keep their quotes and still match unquoted queries.
    """
    if _LOOKALIKE.search(text) is None:
        return text  # most text has none: one C scan instead of a loop over characters

    def folded(found: re.Match[str]) -> str:
        # Each look-alike judged by its neighbours in the text as given.
        index = found.start()
        before = text[index - 1] if index > 0 else ""
        if before in _OKINA_BASES:
            return OKINA
        if before.isalpha() and text[index + 1 : index + 2].isalpha():
            return TUTUQ_BELGISI
        return found.group()

    return _LOOKALIKE.sub(folded, text)


_YO: Final = str.maketrans({"ё": "е", "Ё": "Е"})


def fold_yo(text: str) -> str:
    """ё written as е (and Ё as Е), as Russian print mostly writes it."""
    return text.translate(_YO)


_SMALL_RUSSIAN_KEYBOARD_LETTERS: Final = {
    # Kazakh: its nine letters that Russian has not.
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    # Uzbek Cyrillic: ғ and қ as in Kazakh, and two of its own.
    "ҳ": "х",
    "ў": "у",
}

RUSSIAN_KEYBOARD_LETTERS: Final = {
    **_SMALL_RUSSIAN_KEYBOARD_LETTERS,
    **{
        letter.upper(): russian.upper()
        for letter, russian in _SMALL_RUSSIAN_KEYBOARD_LETTERS.items()
    },
}
"""Each Kazakh and Uzbek Cyrillic letter that a Russian keyboard lacks, and the Russian letter
typed for it (small and capital)."""

_TO_RUSSIAN: Final = tuple(RUSSIAN_KEYBOARD_LETTERS.items())


def fold_to_russian_letters(text: str) -> str:
    """Each Kazakh or Uzbek Cyrillic letter written as the Russian one typed for it (ә as а,
    ғ as г, Ў as У…), one character for one."""
    # A C scan per letter, replacing only those present: 1 µs for a Kazakh title, where
    # str.translate, which looks up every character of a text that is not ASCII, took 20.
    for letter, russian in _TO_RUSSIAN:
        if letter in text:
            text = text.replace(letter, russian)
    return text


def caseless_key(text: str) -> str:
    """``text`` as search compares it, but with every Kazakh and Uzbek letter kept: for the
    stemmers, which tell a Kazakh word by its letters. ``search_key`` is this, folded to the
    Russian letters.

    Uzbek apostrophes are folded, then the text is NFKC-normalised and case-folded:

    * folding comes *first* because NFKC turns ´ (U+00B4) into a space and a combining
      accent, which would split "O´zbekiston" in two; it runs again after NFKC, which
      can itself produce an apostrophe (fullwidth ＇) or a letter (fullwidth Ｏ);
    * NFKC makes one string of what displays as one: composed and decomposed letters
      (ў typed as у + U+0306, Kazakh ә), ligatures, fullwidth forms and no-break spaces
      that arrive from PDFs and word processors;
    * ``str.casefold`` rather than ``lower`` because it is Unicode's caseless match
      (ß matches ss); NFKC once more as Unicode's NFKC_Casefold does, since case folding
      can leave text that is not normalised;
    * ё is folded to е last, once NFKC has composed е and a combining diaeresis into ё;
      again while NFKC composes one more (е and a second, stray diaeresis), so that the key
      is normalised and holds no ё.
    """
    folded = fold_uzbek_apostrophes(text)
    normalized = fold_uzbek_apostrophes(unicodedata.normalize("NFKC", folded))
    key = unicodedata.normalize("NFKC", normalized.casefold())
    while "ё" in key:  # most text has none: one C scan
        key = unicodedata.normalize("NFKC", fold_yo(key))
    return key


def search_key(text: str) -> str:
    """The form under which ``text`` is indexed and queried for full-text search.

    ``caseless_key`` (Uzbek apostrophes, NFKC, case, ё as е), then each Kazakh and Uzbek
    Cyrillic letter written as the Russian one typed for it (``fold_to_russian_letters``);
    again while NFKC composes one more (у and a stray combining breve are ў), so that the key
    is normalised and holds none of them. The result is for comparing, never for display.
    """
    key = caseless_key(text)
    folded = fold_to_russian_letters(key)
    while folded != key:
        key = unicodedata.normalize("NFKC", folded)
        folded = fold_to_russian_letters(key)
    return key
