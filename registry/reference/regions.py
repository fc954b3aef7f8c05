"""Where an award's work happens: ISO 3166-2 subdivision codes, or a country for national scope.

Codes come from ``pycountry`` (the Debian iso-codes data), not a hand-typed list, so a new
release of the standard reaches the registry as a dependency update. Every code is stored
in its current form; the only old codes accepted are Kazakhstan's, which changed wholesale
(see ``KZ_WITHDRAWN_CODES``) and still fill older spreadsheets.

Facts the registry relies on (checked by the tests): ``UZ-TK`` is Tashkent *city* and
``UZ-TO`` Tashkent *region*; ``UZ-QR`` is the Republic of Karakalpakstan; ``KZ-75`` Almaty
city, ``KZ-71`` Astana, ``KZ-79`` Shymkent, ``KZ-19`` Almaty region, and the regions created
in 2022: ``KZ-10`` Abai, ``KZ-33`` Zhetisu, ``KZ-62`` Ulytau.

pycountry names a subdivision once, romanised from its own language (``Toshkent (city)``,
``Abay oblysy``); a page names it in the reader's language: ``REGION_NAMES`` holds the
official name of every subdivision of Uzbekistan and Kazakhstan, and of the two countries, in
the portal's languages, and ``local_region_name`` reads it. The API and the exports keep the
codes and pycountry's names.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Final

import pycountry

from registry.reference.refusals import Refusal
from registry.reference.transliteration import latin_to_cyrillic

__all__ = [
    "KZ_WITHDRAWN_CODES",
    "NAMED_COUNTRIES",
    "REGION_LANGUAGES",
    "REGION_NAMES",
    "RegionNames",
    "UnknownRegion",
    "local_region_name",
    "normalize_region",
    "region_name",
    "regions_of",
]

KZ_WITHDRAWN_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "KZ-AKM": "KZ-11",  # Aqmola region
        "KZ-AKT": "KZ-15",  # Aqtöbe region
        "KZ-ALM": "KZ-19",  # Almaty region (Zhetisu, KZ-33, split off in 2022)
        "KZ-ATY": "KZ-23",  # Atyraū region
        "KZ-ZAP": "KZ-27",  # West Kazakhstan region
        "KZ-ZHA": "KZ-31",  # Zhambyl region
        "KZ-KAR": "KZ-35",  # Qaraghandy region (Ulytau, KZ-62, split off in 2022)
        "KZ-KUS": "KZ-39",  # Qostanay region
        "KZ-KZY": "KZ-43",  # Qyzylorda region
        "KZ-MAN": "KZ-47",  # Mangghystaū region
        "KZ-PAV": "KZ-55",  # Pavlodar region
        "KZ-SEV": "KZ-59",  # North Kazakhstan region
        "KZ-YUZ": "KZ-61",  # South Kazakhstan, renamed Turkistan in 2018 (Shymkent split off)
        "KZ-VOS": "KZ-63",  # East Kazakhstan region (Abai, KZ-10, split off in 2022)
        "KZ-AST": "KZ-71",  # Astana (Nur-Sultan 2019-2022) city
        "KZ-ALA": "KZ-75",  # Almaty city
        "KZ-SHY": "KZ-79",  # Shymkent city
    }
)
"""Kazakhstan's withdrawn alphabetic ISO 3166-2 codes and the numeric codes that replaced them.

The Abai, Zhetisu and Ulytau regions of Kazakhstan were established on 8 June 2022, and
the ISO 3166-2 update of November 2022 added them, replacing every alphabetic code with the
two-digit one based on the national territorial classifier (KATO). pycountry carries only
the current codes, so the old ones are listed here, each with the code of the *same* unit
today. The mapping follows the code, not the land: an award recorded under ``KZ-VOS``,
``KZ-ALM`` or ``KZ-KAR`` before June 2022 may have been in what is now Abai, Zhetisu or
Ulytau (and one under ``KZ-YUZ`` before June 2018 in what is now Shymkent); an importer that
knows the district should choose the new region itself. ``KZ-BAY`` (Bayqongyr, withdrawn in
2002) has no successor and is not accepted.
"""

_COUNTRY_CODE_LENGTH: Final = 2


class UnknownRegion(Refusal):
    """The code is neither a current ISO 3166-2 subdivision nor an ISO 3166-1 country."""


def normalize_region(code: str) -> str:
    """The current upper-case code for a subdivision, a withdrawn Kazakh alias, or a country.

    A bare country code (``UZ``, ``KZ``) means national scope. Case and surrounding spaces
    are ignored. Raises UnknownRegion for anything else, including withdrawn codes of
    countries other than Kazakhstan.
    """
    candidate = code.strip().upper()
    if not candidate.isascii():
        raise UnknownRegion(
            "%(code)r is not an ISO 3166 code: they use ASCII letters only", code=code
        )
    if len(candidate) == _COUNTRY_CODE_LENGTH:
        if candidate in _countries():
            return candidate
        raise UnknownRegion("%(code)r is not an ISO 3166-1 alpha-2 country code", code=code)
    if candidate in _subdivisions():
        return candidate
    current = KZ_WITHDRAWN_CODES.get(candidate)
    if current is not None:
        return current
    raise UnknownRegion(
        "%(code)r is not a current ISO 3166-2 subdivision code "
        "(expected e.g. UZ-TK for Tashkent city, KZ-75 for Almaty city)",
        code=code,
    )


def region_name(code: str) -> str:
    """The name pycountry gives the region or country of ``code`` (any accepted form).

    Subdivision names are the ISO 3166-2 ones, romanised from the local language
    (``Abay oblysy`` for KZ-10), with the category added where a country has two places of
    one name (``Toshkent (city)`` for UZ-TK, ``Toshkent (region)`` for UZ-TO); country
    names are pycountry's English ones.
    """
    normalized = normalize_region(code)
    if len(normalized) == _COUNTRY_CODE_LENGTH:
        return _countries()[normalized]
    return _subdivisions()[normalized][1]


def regions_of(country: str) -> list[tuple[str, str]]:
    """Every current ISO 3166-2 subdivision of ``country`` as ``(code, name)``, by code.

    All levels are included (most countries have one; a few, such as GB, nest them).
    A country with no subdivisions gives an empty list; an unknown one raises UnknownRegion.
    """
    alpha_2 = country.strip().upper()
    if alpha_2 not in _countries():
        raise UnknownRegion("%(code)r is not an ISO 3166-1 alpha-2 country code", code=country)
    return sorted(
        (code, name)
        for code, (country_code, name) in _subdivisions().items()
        if country_code == alpha_2
    )


@dataclass(frozen=True)
class RegionNames:
    """A region's or a country's official name in each language of the portal."""

    en: str
    ru: str
    kk: str
    """Kazakh, in the Cyrillic alphabet."""
    uz: str
    """Uzbek in the Latin alphabet, oʻ and gʻ with the turned comma (U+02BB) as the portal's
    catalogs write them. Uzbek Cyrillic is its transliteration, as the Cyrillic catalog is
    the Latin one's: every name here transliterates to its official Cyrillic spelling
    (``Toshkent shahri`` → ``Тошкент шаҳри``), so none is kept twice."""

    def in_language(self, language: str) -> str:
        """The name in ``language``, a BCP 47 tag of the portal (``REGION_LANGUAGES``)."""
        if language == "uz-Cyrl":
            return latin_to_cyrillic(self.uz)
        names = {"en": self.en, "ru": self.ru, "kk": self.kk, "uz": self.uz}
        try:
            return names[language]
        except KeyError:
            raise ValueError(f"no region names are kept in {language!r}") from None


REGION_LANGUAGES: Final = ("en", "ru", "kk", "uz", "uz-Cyrl")
NAMED_COUNTRIES: Final = ("UZ", "KZ")
"""The countries whose every current subdivision ``REGION_NAMES`` names (a test checks it
against pycountry, so a change of the standard fails it until the table follows)."""

# The names the governments use: Russian "… область" and "город …" (Abai's own is "область
# Абай"), Kazakh "… облысы" and "… қаласы", Uzbek "… viloyati" and "… shahri". Written by the
# engineers from official sources, not yet reviewed by native-speaker editors.
REGION_NAMES: Final[Mapping[str, RegionNames]] = MappingProxyType(
    {
        "UZ": RegionNames("Uzbekistan", "Узбекистан", "Өзбекстан", "Oʻzbekiston"),
        "KZ": RegionNames("Kazakhstan", "Казахстан", "Қазақстан", "Qozogʻiston"),
        "UZ-AN": RegionNames(
            "Andijan region", "Андижанская область", "Андижан облысы", "Andijon viloyati"
        ),
        "UZ-BU": RegionNames(
            "Bukhara region", "Бухарская область", "Бұхара облысы", "Buxoro viloyati"
        ),
        "UZ-FA": RegionNames(
            "Fergana region", "Ферганская область", "Ферғана облысы", "Fargʻona viloyati"
        ),
        "UZ-JI": RegionNames(
            "Jizzakh region", "Джизакская область", "Жизақ облысы", "Jizzax viloyati"
        ),
        "UZ-NG": RegionNames(
            "Namangan region", "Наманганская область", "Наманган облысы", "Namangan viloyati"
        ),
        "UZ-NW": RegionNames(
            "Navoi region", "Навоийская область", "Науаи облысы", "Navoiy viloyati"
        ),
        "UZ-QA": RegionNames(
            "Kashkadarya region",
            "Кашкадарьинская область",
            "Қашқадария облысы",
            "Qashqadaryo viloyati",
        ),
        "UZ-QR": RegionNames(
            "Republic of Karakalpakstan",
            "Республика Каракалпакстан",
            "Қарақалпақстан Республикасы",
            "Qoraqalpogʻiston Respublikasi",
        ),
        "UZ-SA": RegionNames(
            "Samarkand region", "Самаркандская область", "Самарқанд облысы", "Samarqand viloyati"
        ),
        "UZ-SI": RegionNames(
            "Syrdarya region", "Сырдарьинская область", "Сырдария облысы", "Sirdaryo viloyati"
        ),
        "UZ-SU": RegionNames(
            "Surkhandarya region",
            "Сурхандарьинская область",
            "Сурхандария облысы",
            "Surxondaryo viloyati",
        ),
        "UZ-TK": RegionNames("Tashkent city", "город Ташкент", "Ташкент қаласы", "Toshkent shahri"),
        "UZ-TO": RegionNames(
            "Tashkent region", "Ташкентская область", "Ташкент облысы", "Toshkent viloyati"
        ),
        "UZ-XO": RegionNames(
            "Khorezm region", "Хорезмская область", "Хорезм облысы", "Xorazm viloyati"
        ),
        "KZ-10": RegionNames("Abai region", "область Абай", "Абай облысы", "Abay viloyati"),
        "KZ-11": RegionNames(
            "Akmola region", "Акмолинская область", "Ақмола облысы", "Aqmola viloyati"
        ),
        "KZ-15": RegionNames(
            "Aktobe region", "Актюбинская область", "Ақтөбе облысы", "Aqtoʻbe viloyati"
        ),
        "KZ-19": RegionNames(
            "Almaty region", "Алматинская область", "Алматы облысы", "Olmaota viloyati"
        ),
        "KZ-23": RegionNames(
            "Atyrau region", "Атырауская область", "Атырау облысы", "Atirau viloyati"
        ),
        "KZ-27": RegionNames(
            "West Kazakhstan region",
            "Западно-Казахстанская область",
            "Батыс Қазақстан облысы",
            "Gʻarbiy Qozogʻiston viloyati",
        ),
        "KZ-31": RegionNames(
            "Zhambyl region", "Жамбылская область", "Жамбыл облысы", "Jambil viloyati"
        ),
        "KZ-33": RegionNames(
            "Zhetisu region", "Жетысуская область", "Жетісу облысы", "Jetisuv viloyati"
        ),
        "KZ-35": RegionNames(
            "Karaganda region", "Карагандинская область", "Қарағанды облысы", "Qaragʻandi viloyati"
        ),
        "KZ-39": RegionNames(
            "Kostanay region", "Костанайская область", "Қостанай облысы", "Qoʻstanay viloyati"
        ),
        "KZ-43": RegionNames(
            "Kyzylorda region", "Кызылординская область", "Қызылорда облысы", "Qiziloʻrda viloyati"
        ),
        "KZ-47": RegionNames(
            "Mangystau region", "Мангистауская область", "Маңғыстау облысы", "Mangʻistov viloyati"
        ),
        "KZ-55": RegionNames(
            "Pavlodar region", "Павлодарская область", "Павлодар облысы", "Pavlodar viloyati"
        ),
        "KZ-59": RegionNames(
            "North Kazakhstan region",
            "Северо-Казахстанская область",
            "Солтүстік Қазақстан облысы",
            "Shimoliy Qozogʻiston viloyati",
        ),
        "KZ-61": RegionNames(
            "Turkistan region", "Туркестанская область", "Түркістан облысы", "Turkiston viloyati"
        ),
        "KZ-62": RegionNames(
            "Ulytau region", "Улытауская область", "Ұлытау облысы", "Ulitau viloyati"
        ),
        "KZ-63": RegionNames(
            "East Kazakhstan region",
            "Восточно-Казахстанская область",
            "Шығыс Қазақстан облысы",
            "Sharqiy Qozogʻiston viloyati",
        ),
        "KZ-71": RegionNames("Astana city", "город Астана", "Астана қаласы", "Astana shahri"),
        "KZ-75": RegionNames("Almaty city", "город Алматы", "Алматы қаласы", "Olmaota shahri"),
        "KZ-79": RegionNames("Shymkent city", "город Шымкент", "Шымкент қаласы", "Chimkent shahri"),
    }
)
"""Every current subdivision of Uzbekistan and Kazakhstan, and the two countries, by code."""


def local_region_name(code: str, language: str) -> str:
    """The name of the region or country of ``code`` (any accepted form) in ``language``
    (a tag of ``REGION_LANGUAGES``): ``REGION_NAMES``'s where it has one, else pycountry's
    (``region_name``). Raises UnknownRegion as ``normalize_region`` does."""
    normalized = normalize_region(code)
    names = REGION_NAMES.get(normalized)
    return names.in_language(language) if names is not None else region_name(normalized)


@cache
def _countries() -> dict[str, str]:
    """alpha-2 code -> English name, read once from pycountry."""
    return {str(country.alpha_2): str(country.name) for country in pycountry.countries}


@cache
def _subdivisions() -> dict[str, tuple[str, str]]:
    """Subdivision code -> (country code, display name), read once from pycountry.

    Where one country has two subdivisions of the same name (UZ-TK Toshkent the city and
    UZ-TO Toshkent the region), each name gets its ISO 3166-2 category in brackets, so a
    list or a page never shows two identical names for two places.
    """
    entries = [
        (
            str(subdivision.code),
            str(subdivision.country_code),
            str(subdivision.name),
            str(subdivision.type),
        )
        for subdivision in pycountry.subdivisions
    ]
    names_in_use = Counter((country, name) for _, country, name, _ in entries)
    return {
        code: (
            country,
            name if names_in_use[country, name] == 1 else f"{name} ({category.lower()})",
        )
        for code, country, name, category in entries
    }
