"""Which of the registry's languages a plain text from a file is in.

360Giving gives one ``title``, one ``description`` and one organization ``name`` with no
language, while the registry files each text under its language (``uz``, ``ru``, ``kk``,
``en``). Where a file gives translations (``title_ru``…, the convention OCDS uses and the
registry's own OCDS export follows), they are used as they are. Otherwise the language is
read from the writing, the way a reader would tell:

* Cyrillic with a letter only Kazakh has is Kazakh; with ``ў`` or ``ҳ`` it is Uzbek (filed
  under ``uz`` as written: an import does not transliterate); with ``ғ`` or ``қ`` alone
  (both alphabets have them) it is Kazakh or Uzbek by the country; any other is Russian.
* Latin with Uzbek's ``oʻ``/``gʻ`` (whichever apostrophe was typed) or ``ʼ`` is Uzbek;
  otherwise a few words common in NGO names and project titles tip it to English or
  Uzbek, and Latin that gives no sign is Uzbek when the funder is Uzbek (Latin is Uzbek's
  official script) and English elsewhere.

It is a guess, said to be one in the import's report; it decides only under which language
a text is filed, never what the text says.
"""

import re
from typing import Final

KAZAKH_ONLY_LETTERS: Final = frozenset("әөұүһіңӘӨҰҮҺІҢ")
"""Cyrillic letters Kazakh uses and neither Russian nor Uzbek does."""

UZBEK_CYRILLIC_LETTERS: Final = frozenset("ўҳЎҲ")
"""Cyrillic letters Uzbek uses and neither Russian nor Kazakh does."""

SHARED_LETTERS: Final = frozenset("ғқҒҚ")
"""Cyrillic letters both Kazakh and Uzbek use, and Russian does not."""

UZBEK_LATIN: Final = re.compile(r"[oOgG][ʻ‘’'`]|ʼ")
"""oʻ and gʻ with any of the apostrophes typed for them, and the tutuq belgisi ʼ."""

ENGLISH_WORDS: Final = frozenset(
    {
        # function words, which Uzbek does not have
        "the",
        "and",
        "of",
        "for",
        "in",
        "to",
        "with",
        "by",
        "from",
        "into",
        "their",
        # the words NGO names and project titles are made of
        "foundation",
        "association",
        "centre",
        "center",
        "region",
        "city",
        "district",
        "support",
        "development",
        "public",
        "fund",
        "charitable",
        "society",
        "union",
        "youth",
        "children",
        "people",
        "women",
        "social",
        "services",
        "project",
        "grant",
    }
)
UZBEK_WORDS: Final = frozenset(
    {
        "va",
        "uchun",
        "bilan",
        "boʻyicha",
        "viloyati",
        "viloyatida",
        "shahri",
        "shahrida",
        "tumani",
        "tumanida",
        "respublikasi",
        "jamoat",
        "fondi",
        "markazi",
        "nodavlat",
        "notijorat",
        "tashkiloti",
        "uyushmasi",
        "yoshlar",
        "ijtimoiy",
        "loyihasi",
        "xizmat",
        "xizmatlari",
        "qishloq",
        "oilalar",
        "bolalar",
        "ayollar",
        "koʻmak",
        "rivojlantirish",
    }
)
WORD: Final = re.compile(r"[^\W\d_]+")


def _is_cyrillic(character: str) -> bool:
    return "\u0400" <= character <= "\u04ff"


def guess(text: str, *, country: str) -> str:
    """The language code (``uz``, ``ru``, ``kk`` or ``en``) ``text`` is most likely in.

    ``country`` (ISO 3166-1: the funder's for a grant's texts, the organization's own for
    its name) decides text that gives no sign of its own.
    """
    uzbek_country = country.upper() == "UZ"
    letters = [character for character in text if character.isalpha()]
    cyrillic = sum(1 for character in letters if _is_cyrillic(character))
    if letters and cyrillic * 2 >= len(letters):
        return _cyrillic(text, uzbek_country=uzbek_country)
    return _latin(text, uzbek_country=uzbek_country)


def _cyrillic(text: str, *, uzbek_country: bool) -> str:
    if KAZAKH_ONLY_LETTERS.intersection(text):
        return "kk"
    if UZBEK_CYRILLIC_LETTERS.intersection(text):
        return "uz"
    if SHARED_LETTERS.intersection(text):
        return "uz" if uzbek_country else "kk"
    return "ru"


def _latin(text: str, *, uzbek_country: bool) -> str:
    if UZBEK_LATIN.search(text):
        return "uz"
    words = [word.casefold() for word in WORD.findall(text)]
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    uzbek = sum(1 for word in words if word in UZBEK_WORDS)
    if english != uzbek:
        return "en" if english > uzbek else "uz"
    return "uz" if uzbek_country else "en"
