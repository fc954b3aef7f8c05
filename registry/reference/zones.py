"""Local time where a thing happens: deadlines and windows are counted in it."""

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
