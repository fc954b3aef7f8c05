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

A Latin letter that looks like a Cyrillic one is often typed inside a Cyrillic word: above all
Latin i for Kazakh і, which a Russian keyboard lacks ("бiлiм" for "білім"), and a, c, e, o, p,
x, y pasted or mistyped for а, с, е, о, р, х, у. A word that is Cyrillic but for such letters
has them written as the Cyrillic ones (``fold_latin_lookalikes``), so "бiлiм" is "білім" to
the stemmers and "билим" to search. A word with no Cyrillic letter, or with any other Latin
letter, is left as it is: Uzbek Latin ("Yoshlar uchun ekologik maktab"), English and mixed
names ("IT-парк" is two words) keep every letter. Only letters whose small and capital forms
look like the same Cyrillic letter's are folded (a c e i k o p x y, and m and t, whose
capitals are М and Т and whose small forms look like no other): the key is case-folded, so
one fold must be right whatever case was typed. H and B are not folded: capital H is Н but
small h is Kazakh һ ("шаhар"), and capital B is В but small b is ь, which the index, holding
case-folded words, cannot tell apart.

Uzbek Cyrillic to Latin transliteration is deliberately not here: the official table
depends on context (е is "ye" or "e", ц is "s" or "ts", ъ and ь in Russian loanwords), so a
table alone would produce spellings that match neither the text nor a query.
"""

import re
import unicodedata
from typing import Final

__all__ = [
    "APOSTROPHE_LOOKALIKES",
    "LATIN_LOOKALIKES",
    "OKINA",
    "RUSSIAN_KEYBOARD_LETTERS",
    "TUTUQ_BELGISI",
    "caseless_key",
    "fold_latin_lookalikes",
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


_SMALL_LATIN_LOOKALIKES: Final = {
    "a": "а",
    "c": "с",
    "e": "е",
    "i": "і",  # Kazakh (and Ukrainian) і: the one a Russian keyboard lacks
    "k": "к",
    "m": "м",
    "o": "о",
    "p": "р",
    "t": "т",
    "x": "х",
    "y": "у",
}

LATIN_LOOKALIKES: Final = {
    **_SMALL_LATIN_LOOKALIKES,
    **{latin.upper(): cyrillic.upper() for latin, cyrillic in _SMALL_LATIN_LOOKALIKES.items()},
}
"""Each Latin letter folded inside a Cyrillic word, and the Cyrillic letter it stands for
(small and capital; folding and case folding commute)."""

_CYRILLIC: Final = "\u0400-\u052f"  # Cyrillic and Cyrillic Supplement
_LOOKALIKE_LETTERS: Final = "".join(LATIN_LOOKALIKES)
_ANY_LOOKALIKE: Final = re.compile(f"[{_LOOKALIKE_LETTERS}]")
_ANY_CYRILLIC: Final = re.compile(f"[{_CYRILLIC}]")
# Inside a word that may be folded, a look-alike meets a Cyrillic letter, digits and the
# Uzbek marks aside: search drops the marks inside a word, so the index's words, which
# migration 0021 folds, have none between them ("oʻзбек" is indexed "oзбек").
_BETWEEN: Final = f"[0-9{OKINA}{TUTUQ_BELGISI}]*"
_LOOKALIKE_BESIDE_CYRILLIC: Final = re.compile(
    f"[{_LOOKALIKE_LETTERS}]{_BETWEEN}[{_CYRILLIC}]|[{_CYRILLIC}]{_BETWEEN}[{_LOOKALIKE_LETTERS}]"
)
_WORD: Final = re.compile(r"[^\W_]+")
# What a foldable word may hold: Cyrillic letters, look-alikes, ASCII digits, and the Uzbek
# marks that search drops inside a word.
_FOLDABLE_WORD: Final = re.compile(f"[{_CYRILLIC}{_LOOKALIKE_LETTERS}0-9{OKINA}{TUTUQ_BELGISI}]+")
_TO_CYRILLIC: Final = str.maketrans(LATIN_LOOKALIKES)


def fold_latin_lookalikes(text: str) -> str:
    """Each word of ``text`` that is Cyrillic but for Latin look-alikes (``LATIN_LOOKALIKES``)
    with those written as the Cyrillic letters, one character for one: "бiлiм" is "білім",
    "Тaшкент" "Ташкент"; "Yoshlar", "IT" and "Qазақ" (a Latin q) are left as they are."""
    # Latin text (isascii is O(1); Uzbek with ʻ has no Cyrillic letter) and Cyrillic text with
    # no Latin look-alike, nearly all, leave after a C scan or two: the search for a
    # look-alike beside a Cyrillic letter tries every letter, and would double the key's cost.
    if (
        text.isascii()
        or _ANY_LOOKALIKE.search(text) is None
        or _ANY_CYRILLIC.search(text) is None
        or _LOOKALIKE_BESIDE_CYRILLIC.search(text) is None
    ):
        return text

    def folded(word: re.Match[str]) -> str:
        found = word.group()
        if _FOLDABLE_WORD.fullmatch(found) and _LOOKALIKE_BESIDE_CYRILLIC.search(found):
            return found.translate(_TO_CYRILLIC)
        return found

    return _WORD.sub(folded, text)


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
    * Latin look-alikes inside a Cyrillic word are written as the Cyrillic letters
      (``fold_latin_lookalikes``), on the case-folded words; again while NFKC composes one
      more (Latin y and a stray breve compose with nothing, but у and the breve are ў, which
      may join a word to the next one);
    * ё is folded to е last, once NFKC has composed е and a combining diaeresis into ё;
      again while NFKC composes one more (е and a second, stray diaeresis), so that the key
      is normalised and holds no ё.
    """
    folded = fold_uzbek_apostrophes(text)
    normalized = fold_uzbek_apostrophes(unicodedata.normalize("NFKC", folded))
    key = unicodedata.normalize("NFKC", normalized.casefold())
    cyrillic = fold_latin_lookalikes(key)
    while cyrillic != key:  # most text has none: one C scan
        key = unicodedata.normalize("NFKC", cyrillic)
        cyrillic = fold_latin_lookalikes(key)
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
