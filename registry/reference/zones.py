"""Local time where a thing happens: deadlines and windows are counted in it."""

import functools
from importlib import resources
from typing import Final
from zoneinfo import ZoneInfo

ZONES: Final = {"UZ": ZoneInfo("Asia/Tashkent"), "KZ": ZoneInfo("Asia/Almaty")}
"""Each country keeps one time: Uzbekistan UTC+5, Kazakhstan UTC+5 since 1 March 2024."""
UTC_ZONE: Final = ZoneInfo("UTC")


def local_zone(*codes: str | None) -> ZoneInfo:
    """The time zone of the first of ``codes`` (a region, country or org-id) the registry
    knows; UTC when none is known, so a time is never shown in a zone it is not in."""
    for code in codes:
        zone = ZONES.get((code or "")[:2].upper())
        if zone is not None:
            return zone
    return UTC_ZONE


@functools.cache
def country_zones(country: str) -> frozenset[str]:
    """The IANA zones of a country (ISO 3166-1 alpha-2), from the ``zone.tab`` of the tzdata
    package the registry reads every zone from (``registry/__init__.py``): Kazakhstan's are
    Asia/Almaty, Asia/Qostanay, Asia/Aqtobe and four more; Uzbekistan's Asia/Tashkent and
    Asia/Samarkand."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    # Each row: country code, coordinates, zone name[, comment]; "#" lines are comments.
    rows = (line.split("\t") for line in table.splitlines() if not line.startswith("#"))
    return frozenset(row[2] for row in rows if row[0] == country.upper())
