"""Where an award's work happens: ISO 3166-2 subdivision codes, or a country for national scope.

Codes come from ``pycountry`` (the Debian iso-codes data), not a hand-typed list, so a new
release of the standard reaches the registry as a dependency update. Every code is stored
in its current form; the only old codes accepted are Kazakhstan's, which changed wholesale
(see ``KZ_WITHDRAWN_CODES``) and still fill older spreadsheets.

Facts the registry relies on (checked by the tests): ``UZ-TK`` is Tashkent *city* and
``UZ-TO`` Tashkent *region*; ``UZ-QR`` is the Republic of Karakalpakstan; ``KZ-75`` Almaty
city, ``KZ-71`` Astana, ``KZ-79`` Shymkent, ``KZ-19`` Almaty region, and the regions created
in 2022: ``KZ-10`` Abai, ``KZ-33`` Zhetisu, ``KZ-62`` Ulytau.
"""

from collections import Counter
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

import pycountry

__all__ = [
    "KZ_WITHDRAWN_CODES",
    "UnknownRegion",
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


class UnknownRegion(ValueError):
    """The code is neither a current ISO 3166-2 subdivision nor an ISO 3166-1 country."""


def normalize_region(code: str) -> str:
    """The current upper-case code for a subdivision, a withdrawn Kazakh alias, or a country.

    A bare country code (``UZ``, ``KZ``) means national scope. Case and surrounding spaces
    are ignored. Raises UnknownRegion for anything else, including withdrawn codes of
    countries other than Kazakhstan.
    """
    candidate = code.strip().upper()
    if not candidate.isascii():
        raise UnknownRegion(f"{code!r} is not an ISO 3166 code: they use ASCII letters only")
    if len(candidate) == _COUNTRY_CODE_LENGTH:
        if candidate in _countries():
            return candidate
        raise UnknownRegion(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    if candidate in _subdivisions():
        return candidate
    current = KZ_WITHDRAWN_CODES.get(candidate)
    if current is not None:
        return current
    raise UnknownRegion(
        f"{code!r} is not a current ISO 3166-2 subdivision code "
        "(expected e.g. UZ-TK for Tashkent city, KZ-75 for Almaty city)"
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
        raise UnknownRegion(f"{country!r} is not an ISO 3166-1 alpha-2 country code")
    return sorted(
        (code, name)
        for code, (country_code, name) in _subdivisions().items()
        if country_code == alpha_2
    )


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
