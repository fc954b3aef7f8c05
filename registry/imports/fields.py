"""Reading the fields of one row of a file, noting every problem under the file's own name
for the field (a CSV column title, a JSON path), so that a row reports all it gets wrong."""

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from registry.core.schemas import LANGUAGES, UZBEK_CYRILLIC
from registry.imports import languages
from registry.imports.report import ImportRejected, Problem
from registry.reference.money import InvalidAmount, format_amount, normalize_currency, parse_amount

COUNTRY_CODE_LENGTH = 2


def rejected(message: str, field: str = "") -> ImportRejected:
    """The whole file refused, before any row: it cannot be read as the standard."""
    return ImportRejected([Problem(row="file", field=field, message=message)], rows=0)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number an amount can be")


def load_json(content: bytes) -> Any:
    """The file's JSON with every non-integer number as the ``Decimal`` it says, so that an
    amount never passes through a binary float; ``NaN`` and ``Infinity`` are refused."""
    try:
        return json.loads(
            content.decode("utf-8-sig"), parse_float=Decimal, parse_constant=_refuse_constant
        )
    except UnicodeDecodeError as exc:
        raise rejected(f"not UTF-8: {exc}") from exc
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise rejected(f"not JSON: {exc}") from exc


def parse_day(text: str) -> date:
    """A date (``YYYY-MM-DD``), or a date-time whose date is taken as written: the day the
    publisher meant, in its own time zone (``2026-03-01T00:00:00+05:00`` is 1 March)."""
    if len(text) == len("YYYY-MM-DD"):
        return date.fromisoformat(text)
    return datetime.fromisoformat(text).date()


def shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


def translations(container: Mapping[str, Any], key: str) -> dict[str, str]:
    """``key_uz``, ``key_ru``… (the OCDS convention for translations, BCP 47 tags:
    ``key_uz-Cyrl`` is Uzbek too) as a LocalizedText."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        # Uzbek in Cyrillic is tagged so in the registry's OCDS (``title_uz-Cyrl``).
        for tag in (language, UZBEK_CYRILLIC) if language == "uz" else (language,):
            value = container.get(f"{key}_{tag}")
            if isinstance(value, str) and value.strip() and language not in found:
                found[language] = value.strip()
    return found


LIST_SEPARATOR = ";"


def codes(value: Any) -> list[str]:
    """A list of codes (themes): a JSON array, or a CSV cell of codes separated by ``;``."""
    items = value.split(LIST_SEPARATOR) if isinstance(value, str) else value
    if not isinstance(items, list):
        return []
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def localized(text: str | None, given: dict[str, str], country: str) -> dict[str, str]:
    """The translations given, else ``text`` filed under the language it is guessed to be."""
    if given:
        return given
    if text is None:
        return {}
    return {languages.guess(text, country=country): text}


class FieldReader:
    """Reads one row (``data``), noting every problem with ``name(path)`` for its field."""

    def __init__(self, data: Mapping[str, Any], name: Callable[[str], str]) -> None:
        self.data = data
        self.name = name
        self.problems: list[tuple[str, str]] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append((self.name(path), message))

    def text(
        self, container: Mapping[str, Any] | None, key: str, path: str, *, required: bool = True
    ) -> str | None:
        value = container.get(key) if container is not None else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(path, "is required")
            return None
        if not isinstance(value, str):
            self.problem(path, f"must be text, not {shown(value)}")
            return None
        return value.strip()

    def first(
        self,
        key: str,
        *,
        container: Mapping[str, Any] | None = None,
        path: str | None = None,
        required: bool = True,
    ) -> Mapping[str, Any] | None:
        """The first object of the array ``key`` (a grant's one recipient, funder…)."""
        path = path or key
        value = (self.data if container is None else container).get(key)
        if value is None or value == []:
            if required:
                self.problem(path, "is required")
            return None
        if isinstance(value, dict):  # a lone object where an array belongs: take it
            return value
        if not isinstance(value, list) or not isinstance(value[0], dict):
            self.problem(path, "must be an array of objects")
            return None
        return value[0]

    def day(self, container: Mapping[str, Any] | None, key: str, path: str) -> date | None:
        text = self.text(container, key, path)
        if text is None:
            return None
        try:
            return parse_day(text)
        except ValueError:
            self.problem(path, f"{text!r} is not a date (YYYY-MM-DD) or an RFC 3339 date-time")
            return None

    def currency(self, container: Mapping[str, Any] | None, key: str, path: str) -> str | None:
        text = self.text(container, key, path)
        if text is None:
            return None
        try:
            return normalize_currency(text)
        except InvalidAmount as exc:
            self.problem(path, str(exc))
            return None

    def amount(self, value: Any, currency: str | None, path: str) -> str | None:
        """Exact decimal text of ``value`` in ``currency``; None (and a problem) if it is
        not an amount. Without a valid currency nothing is said: its own problem is noted,
        and how many decimal places are allowed depends on it."""
        if value is None or value == "":
            self.problem(path, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            # A float cannot come from the readers' JSON parsing; a caller's parsed JSON might.
            self.problem(path, f"{shown(value)} is not an exact decimal amount")
            return None
        if currency is None:
            return None
        try:
            return format_amount(parse_amount(value, currency), currency)
        except InvalidAmount as exc:
            self.problem(path, str(exc))
            return None
