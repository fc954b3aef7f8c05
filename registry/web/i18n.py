"""Languages of the portal: which one a request wants, its gettext catalog, and locale formats.

The language comes from the URL (``?lang=ru``), so a link shows the page in the language it was
shared in; a URL without one is answered in the best match for ``Accept-Language``, and Uzbek
(Latin) when nothing matches. Catalogs are the ``.po`` files under ``locale/``, compiled in
memory at start-up (no generated ``.mo`` files in the tree). English is the source language.
"""

import io
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final, TypeAlias

from babel import Locale, dates, lists, numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from pydantic import BaseModel

from registry.reference.transliteration import latin_to_cyrillic

LOCALE_DIR: Final = Path(__file__).parent / "locale"
DOMAIN: Final = "messages"
Multilingual: TypeAlias = Mapping[str, str] | BaseModel
"""A field in several languages: ``{"uz": …, "ru": …}`` or a ``LocalizedTextRead``."""


@dataclass(frozen=True)
class Language:
    code: str
    """What the URL says: ``uz``, ``uz-Cyrl``, ``ru``, ``kk``, ``en`` (BCP 47, also the page's
    ``lang`` attribute)."""
    locale: str
    """The Babel locale that formats numbers and dates and names the catalog."""
    name: str
    """Its own name, as the language menu shows it."""
    data_order: tuple[str, ...]
    """Which language of a multilingual field to show, in order of preference."""


LANGUAGES: Final = (
    Language("uz", "uz_Latn", "Oʻzbekcha", ("uz", "ru", "en", "kk")),
    Language("uz-Cyrl", "uz_Cyrl", "Ўзбекча", ("uz", "ru", "en", "kk")),
    Language("ru", "ru", "Русский", ("ru", "uz", "kk", "en")),
    Language("kk", "kk", "Қазақша", ("kk", "ru", "en", "uz")),
    Language("en", "en", "English", ("en", "ru", "uz", "kk")),
)
BY_CODE: Final = {language.code: language for language in LANGUAGES}
DEFAULT: Final = LANGUAGES[0]


def from_query(value: str | None) -> Language | None:
    """The language a ``lang`` parameter names (case-insensitive), or None."""
    if not value:
        return None
    wanted = value.strip().replace("_", "-").casefold()
    wanted = {"uz-latn": "uz", "uz-cyrillic": "uz-cyrl"}.get(wanted, wanted)
    return next((lang for lang in LANGUAGES if lang.code.casefold() == wanted), None)


def from_accept_language(header: str | None) -> Language:
    """The best language for an ``Accept-Language`` header (RFC 9110 §12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.casefold()))
    for _, _, tag in sorted(ranked):
        if tag.startswith("uz") and "cyrl" in tag:
            return BY_CODE["uz-Cyrl"]
        primary = tag.split("-")[0]
        match = next((lang for lang in LANGUAGES if lang.code == primary), None)
        if match is not None:
            return match
    return DEFAULT


@cache
def translations(language: Language) -> NullTranslations:
    """The language's catalog, compiled from its ``.po`` file; fuzzy entries are left out."""
    path = LOCALE_DIR / language.locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language.locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


_current: ContextVar[Language] = ContextVar("portal_language", default=DEFAULT)


def activate(language: Language) -> None:
    """Make ``language`` the one ``gettext`` uses in this thread's render (see templating)."""
    _current.set(language)


def current() -> Language:
    return _current.get()


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "extract this, translate later"
    """Marks a text for the catalogs where it is declared; the page translates it when shown."""
    return message


def gettext(message: str) -> str:
    return translations(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).upgettext(context, message)


def localized(value: Multilingual | None, language: Language) -> tuple[str, str] | None:
    """The text of a multilingual field in the reader's language, or the next one the field
    has (never an empty name), with the language it is in, for the element's ``lang``."""
    if isinstance(value, BaseModel):
        value = {code: text for code, text in value.model_dump().items() if text}
    if not value:
        return None
    for code in language.data_order:
        text = value.get(code)
        if text:
            if code == "uz" and language.code == "uz-Cyrl":
                return to_cyrillic(text), "uz-Cyrl"
            return text, code
    code, text = next(iter(sorted(value.items())))
    return text, code


_ALPHABETS: Final = {
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "uz-Cyrl": "абвгдеёжзийклмнопрстуфхцчшъьэюяўқғҳ",
}
"""Each Cyrillic alphabet in its own order, where the code points' order is another: Kazakh
қ is after к, not after я; Uzbek ў, қ, ғ, ҳ close the alphabet, but ў's code point is
before а's."""
_FIRST_LETTER: Final = ord("а")


def sort_key(language: Language, text: str) -> tuple[int, ...]:
    """``text``'s place in an alphabetical list in ``language``. The letters of its Cyrillic
    alphabet are numbered in that alphabet's order from а's code point; anything else keeps
    its own (spaces and hyphens before letters, the Latin alphabets, Uzbek's too, by code point)."""
    alphabet = _ALPHABETS.get(language.code, "")
    return tuple(
        _FIRST_LETTER + alphabet.index(char) if char in alphabet else ord(char)
        for char in text.casefold()
    )


def to_cyrillic(text: str) -> str:
    """Uzbek Latin text for a reader of Uzbek Cyrillic."""
    return latin_to_cyrillic(text)


def _currency_spaced(text: str, symbol: str) -> str:
    """CLDR's currency spacing, which Babel does not apply: a symbol that ends in a letter
    before a digit is parted from it by a no-break space ("UZS\u00a0124,387,300", not
    "UZS124,387,300"; "$124" stays), as ICU writes it (the locales' ``currencySpacing``:
    ``[[:^S:]&[:^Z:]]`` next to ``[[:digit:]]`` takes U+00A0)."""
    sign = "-" if text.startswith("-") else ""
    rest = text[len(sign) :]
    if (
        rest.startswith(symbol)
        and symbol[-1:].isalpha()
        and rest[len(symbol) : len(symbol) + 1].isdigit()
    ):
        return f"{sign}{symbol}\u00a0{rest[len(symbol) :]}"
    return text


class Formats:
    """Numbers, money and dates in one language's conventions (Babel, CLDR data)."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.locale = Locale.parse(language.locale)
        pattern = self.locale.currency_formats["standard"].pattern
        # Amounts here are usually whole: show "45 000 000 soʻm", not "45 000 000,00 soʻm".
        self._whole_pattern = pattern.replace(".00", "")

    def number(self, value: int | Decimal | str) -> str:
        """A count or a decimal string from the API (``"24.5"``), in the language's digits."""
        number = Decimal(value) if isinstance(value, str) else value
        return numbers.format_decimal(number, locale=self.locale, decimal_quantization=False)

    def money(self, amount: str | Decimal | int, currency: str) -> str:
        value = Decimal(amount)
        pattern = self._whole_pattern if value == value.to_integral_value() else None
        text = numbers.format_currency(
            value, currency, format=pattern, locale=self.locale, currency_digits=pattern is None
        )
        return _currency_spaced(text, numbers.get_currency_symbol(currency, locale=self.locale))

    def compact(self, value: int | Decimal) -> str:
        return numbers.format_compact_decimal(value, locale=self.locale, fraction_digits=1)

    def all_of(self, items: list[str]) -> str:
        """``["UZS", "KZT"]`` as the language lists them: "UZS и KZT"."""
        return lists.format_list(items, locale=self.locale)

    def currency_name(self, currency: str) -> str:
        return numbers.get_currency_name(currency, locale=self.locale)

    def date(self, value: date | None, length: str = "medium") -> str:
        return "" if value is None else dates.format_date(value, length, locale=self.locale)

    def datetime(
        self, value: datetime | None, zone: tzinfo | None = None, *, seconds: bool = False
    ) -> str:
        """``value`` in ``zone``: the medium date and the time to the minute ("May 29, 2026,
        6:30 PM"), joined as the language joins them, or with ``seconds=True`` to the second
        ("May 29, 2026, 6:30:00 PM"). A reader needs no seconds (a journalist found them
        everywhere); the ``<time>`` element beside it keeps the instant exactly."""
        if value is None:
            return ""
        if seconds:
            return dates.format_datetime(value, "medium", tzinfo=zone, locale=self.locale)
        local = value.astimezone(zone) if zone is not None else value
        time_part = dates.format_time(local, "short", locale=self.locale)
        date_part = dates.format_date(local, "medium", locale=self.locale)
        pattern = str(self.locale.datetime_formats["medium"]).replace("'", "")
        return pattern.replace("{0}", time_part).replace("{1}", date_part)

    def ago(self, elapsed: timedelta) -> str:
        """How long ago, to the minute ("3 minutes ago", "3 минуты назад"); at least a
        minute, so that a few seconds are not "0 minutes ago"."""
        elapsed = max(elapsed, timedelta(minutes=1))
        return dates.format_timedelta(
            -elapsed, granularity="minute", add_direction=True, locale=self.locale
        )

    def month(self, year: int, month: int) -> str:
        return dates.format_date(date(year, month, 1), "LLL y", locale=self.locale)


@cache
def formats(language: Language) -> Formats:
    return Formats(language)
