"""360Giving 1.4 grants (a JSON package, or the flattened CSV) read into award rows.

One grant is one award, published by its funder with the grant's ``id`` as its
``source_id``. How each field maps, and why:

* ``amountAwarded`` → amount, as exact decimal text. JSON is parsed with
  ``parse_float=Decimal`` (and ``NaN``/``Infinity`` refused), CSV cells are read as text, so
  an amount never passes through a binary float; one written with more decimal places than
  its currency has (``0.30000000000000004``) is refused, not rounded.
* ``currency``, ``awardDate`` (a date, or a date-time whose date part is taken as written).
* ``plannedDates[0]`` → the implementation period: ``startDate`` and ``endDate``, or
  ``startDate`` and ``duration`` in months. The registry needs a period; a grant without
  one is refused.
* ``fundingOrganization[0]`` → funder, ``recipientOrganization[0]`` → recipient, by org-id.
  A grant to an individual (no recipient organization) is refused: the registry records
  support for organizations. Organizations the registry lacks are registered with the name
  given: a recipient as ``ngo``, a funder as ``other`` (a 360Giving file does not say
  whether a funder is a public fund, a state body or a grant operator, and the registry does
  not guess), unless ``organisationType`` holds one of the registry's kinds.
* ``beneficiaryLocation[0]`` → region: its ``geoCode`` when that is an ISO 3166-2 code
  (Kazakhstan's withdrawn codes are accepted and stored as the current ones), else its
  ``countryCode`` (national scope). A geoCode of another scheme (UK ONS codes) is passed
  over; one shaped like ISO 3166-2 but unknown is refused as a likely typo.
* ``title`` → title, ``description`` → purpose (none when it only repeats the title), each
  filed under its language (``languages.guess``) unless ``title_<lang>`` /
  ``description_<lang>`` translations are given; organization names likewise.
* ``fundingType`` with vocabulary ``registry:instrument`` → instrument (default ``grant``),
  ``classifications`` with vocabulary ``registry:theme`` → themes: the registry's own export
  writes both.
* The registry requires a legal basis for an award without a competition, and a 360Giving
  grant carries none: an imported grant is a direct award, and its legal basis is the
  ``legalBasis`` extension field if given, otherwise a note of where it was published
  (the grant id and its programme). ``grantProgramme`` is not linked to a competition: its
  code is the publisher's, not an id in this registry.
* ``disbursementTransaction`` → ``disbursed`` events (JSON only; the flattened CSV has no
  transactions), each recorded once, by its id.
"""

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, Final

from registry.core.schemas import Instrument
from registry.imports.fields import (
    COUNTRY_CODE_LENGTH,
    FieldReader,
    load_json,
    localized,
    rejected,
    translations,
)
from registry.imports.report import Problem
from registry.imports.rows import AwardRow, EventRow, OrganizationRef, Row, Unreadable, source_mark
from registry.organizations.schemas import OrganizationKind
from registry.publication.giving360 import grant_schema
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id
from registry.reference.regions import UnknownRegion, normalize_region

INSTRUMENT_VOCABULARY: Final = "registry:instrument"
THEME_VOCABULARY: Final = "registry:theme"
LEGAL_BASIS_FIELD: Final = "legalBasis"
LEGAL_BASIS_MAX: Final = 500
ISO_3166_2: Final = re.compile(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}")

AWARD_FIELDS: Final[Mapping[str, str]] = {
    "source_id": "id",
    "title": "title",
    "purpose": "description",
    "currency": "currency",
    "amount": "amountAwarded",
    "award_date": "awardDate",
    "period": "plannedDates[0]",
    "period.start": "plannedDates[0].startDate",
    "period.end": "plannedDates[0].endDate",
    "funder_id": "fundingOrganization[0].id",
    "recipient_id": "recipientOrganization[0].id",
    "region": "beneficiaryLocation[0]",
    "instrument": "fundingType",
    "themes": "classifications",
    "legal_basis": LEGAL_BASIS_FIELD,
    "competition_id": "grantProgramme",
}
"""Where each ``AwardCreate`` field comes from, as a JSON path into the grant."""

CSV_PATHS: Final = (
    "id",
    "title",
    "description",
    "currency",
    "amountAwarded",
    "awardDate",
    "plannedDates.startDate",
    "plannedDates.endDate",
    "plannedDates.duration",
    "recipientOrganization.id",
    "recipientOrganization.name",
    "recipientOrganization.organisationType",
    "fundingOrganization.id",
    "fundingOrganization.name",
    "fundingOrganization.organisationType",
    "beneficiaryLocation.countryCode",
    "beneficiaryLocation.geoCode",
    "grantProgramme.code",
    "grantProgramme.title",
    "fundingType.vocabulary",
    "fundingType.code",
    "classifications.vocabulary",
    "classifications.code",
)
"""The grant fields read from a CSV, found by their 360Giving column titles
(``Recipient Org:Identifier``); other columns are ignored."""

CSV_REQUIRED: Final = (
    "id",
    "title",
    "currency",
    "amountAwarded",
    "awardDate",
    "recipientOrganization.id",
    "fundingOrganization.id",
)


def read_json(content: bytes) -> list[Row]:
    """The rows of a 360Giving JSON package (``{"grants": [...]}``)."""
    document = load_json(content)
    grants = document.get("grants") if isinstance(document, dict) else None
    if not isinstance(grants, list):
        raise rejected("a 360Giving package is a JSON object with a grants array", "grants")
    return [
        _grant_row(grant, row=_row_name(f"grants[{index}]", grant), name=lambda path: path)
        for index, grant in enumerate(grants)
    ]


def read_csv(content: bytes) -> list[Row]:
    """The rows of a 360Giving flattened CSV, one grant a line, by column title."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise rejected(f"not UTF-8: {exc}") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise rejected("the file is empty")
    titles = _csv_titles()
    by_title = {title: path for path, title in titles.items()}
    columns = {
        index: by_title[title.strip()]
        for index, title in enumerate(header)
        if title.strip() in by_title
    }
    missing = [titles[path] for path in CSV_REQUIRED if path not in columns.values()]
    if missing:
        raise rejected("missing column(s): " + ", ".join(missing), "header")
    rows: list[Row] = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        grant = _unflatten({columns[i]: cell for i, cell in enumerate(cells) if i in columns})
        rows.append(_grant_row(grant, row=_row_name(f"line {start}", grant), name=_csv_name))
    return rows


def _row_name(place: str, grant: Any) -> str:
    identifier = grant.get("id") if isinstance(grant, dict) else None
    return f"{place} ({identifier})" if isinstance(identifier, str) and identifier else place


# --- CSV column titles ---------------------------------------------------------------------


@cache
def _csv_titles() -> dict[str, str]:
    """Each path of ``CSV_PATHS`` (and each of their prefixes) → its column title, made the
    way 360Giving's flattening names columns: each step's schema ``title``, joined by ':'."""
    schema = grant_schema()
    titles: dict[str, str] = {}
    for path in CSV_PATHS:
        node: Mapping[str, Any] = schema
        steps: list[str] = []
        names: list[str] = []
        for step in path.split("."):
            node = node["properties"][step]
            if "$ref" in node:
                node = _resolve(schema, node["$ref"])
            steps.append(step)
            names.append(node["title"])
            titles[".".join(steps)] = ":".join(names)
            if node.get("type") == "array":
                node = _resolve(schema, node["items"]["$ref"])
    return titles


def _resolve(schema: Mapping[str, Any], reference: str) -> Mapping[str, Any]:
    node: Mapping[str, Any] = schema
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _array_fields() -> frozenset[str]:
    schema = grant_schema()
    return frozenset(
        name for name, node in schema["properties"].items() if node.get("type") == "array"
    )


def _unflatten(cells: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the grant it flattens: ``plannedDates.startDate`` → ``plannedDates[0]``."""
    arrays = _array_fields()
    grant: dict[str, Any] = {}
    for path, cell in cells.items():
        value = cell.strip()
        if not value:
            continue
        head, _, rest = path.partition(".")
        if not rest:
            grant[head] = value
            continue
        container = grant.setdefault(head, [{}] if head in arrays else {})
        target = container[0] if isinstance(container, list) else container
        target[rest] = value
    return grant


def _csv_name(path: str) -> str:
    """A grant's JSON path as the CSV names it: its column title."""
    plain = re.sub(r"\[\d+\]", "", path)
    return _csv_titles().get(plain, path)


# --- One grant -----------------------------------------------------------------------------


def _grant_row(grant: Any, *, row: str, name: Callable[[str], str]) -> Row:
    if not isinstance(grant, dict):
        return Unreadable(row, [Problem(row, "", "a grant is a JSON object")])
    reader = FieldReader(grant, name)
    source_id = reader.text(grant, "id", "id")
    funder = _organization(reader, "fundingOrganization", OrganizationKind.OTHER)
    funder_country = funder.org_id[:COUNTRY_CODE_LENGTH] if funder else ""
    recipient = None
    if not grant.get("recipientOrganization") and grant.get("recipientIndividual"):
        reader.problem(
            "recipientIndividual", "grants to individuals are not recorded, only to organizations"
        )
    else:
        recipient = _organization(reader, "recipientOrganization", OrganizationKind.NGO)
    currency = _currency(reader)
    amount = reader.amount(grant.get("amountAwarded"), currency, "amountAwarded")
    award_date = reader.day(grant, "awardDate", "awardDate")
    period = _period(reader)
    title = reader.text(grant, "title", "title")
    description = reader.text(grant, "description", "description", required=False)
    titles = localized(title, translations(grant, "title"), funder_country)
    purposes = translations(grant, "description")
    if not purposes and description is not None and description != title:
        purposes = localized(description, {}, funder_country)
    region = _region(reader)
    instrument = _instrument(reader)
    themes = _themes(reader)
    legal_basis = _legal_basis(reader, source_id)
    events = _disbursements(reader, currency) if currency else []
    if reader.problems or source_id is None or funder is None or recipient is None:
        problems = [Problem(row, field, message) for field, message in reader.problems]
        return Unreadable(row, problems or [Problem(row, "", "not a grant")])
    award: dict[str, Any] = {
        "funder_id": funder.org_id,
        "recipient_id": recipient.org_id,
        "instrument": instrument,
        "title": titles,
        "purpose": purposes or None,
        "amount": amount,
        "currency": currency,
        "award_date": award_date,
        "period": period,
        "region": region,
        "legal_basis": legal_basis,
        "themes": themes,
        "source_id": source_id,
    }
    fields = {key: name(path) for key, path in AWARD_FIELDS.items()}
    return AwardRow(
        row=row,
        source_id=source_id,
        funder=funder,
        recipient=recipient,
        award=award,
        fields=fields,
        events=events,
    )


def _organization(
    reader: FieldReader, key: str, default_kind: OrganizationKind
) -> OrganizationRef | None:
    item = reader.first(key)
    if item is None:
        return None
    path = f"{key}[0]"
    raw_id = reader.text(item, "id", f"{path}.id")
    org_id = None
    if raw_id is not None:
        try:
            org_id = normalize_org_id(raw_id)
        except InvalidIdentifier as exc:
            reader.problem(f"{path}.id", str(exc))
    text = reader.text(item, "name", f"{path}.name")
    kind_text = item.get("organisationType")
    kind = (
        OrganizationKind(kind_text)
        if kind_text in {kind.value for kind in OrganizationKind}
        else default_kind
    )
    if org_id is None or text is None:
        return None
    return OrganizationRef(
        org_id=org_id,
        name=localized(text, translations(item, "name"), org_id[:COUNTRY_CODE_LENGTH]),
        kind=kind,
        region=None,
        fields={
            "org_id": reader.name(f"{path}.id"),
            "name": reader.name(f"{path}.name"),
            "kind": reader.name(f"{path}.organisationType"),
        },
    )


def _currency(reader: FieldReader) -> str | None:
    return reader.currency(reader.data, "currency", "currency")


def _period(reader: FieldReader) -> dict[str, date] | None:
    planned = reader.first("plannedDates")
    if planned is None:
        return None
    start = reader.day(planned, "startDate", "plannedDates[0].startDate")
    if planned.get("endDate") not in (None, "") or planned.get("duration") in (None, ""):
        end = reader.day(planned, "endDate", "plannedDates[0].endDate")
    else:
        end = _end_after(reader, start, planned.get("duration"))
    if start is None or end is None:
        return None
    if end < start:
        reader.problem("plannedDates[0].endDate", "the period ends before it starts")
        return None
    return {"start": start, "end": end}


def _end_after(reader: FieldReader, start: date | None, duration: Any) -> date | None:
    """The last day of ``duration`` whole months from ``start`` (3 months from 1 March is
    31 May)."""
    path = "plannedDates[0].duration"
    try:
        months = Decimal(str(duration).strip())
    except ArithmeticError:
        months = Decimal("NaN")
    if not months.is_finite() or months != months.to_integral_value() or months < 1:
        reader.problem(path, f"{duration!r} is not a whole number of months")
        return None
    if start is None:
        return None
    index = start.month - 1 + int(months)
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def _region(reader: FieldReader) -> str | None:
    location = reader.first("beneficiaryLocation", required=False)
    if location is None:
        return None
    geo_code = location.get("geoCode")
    if isinstance(geo_code, str) and ISO_3166_2.fullmatch(geo_code.strip()):
        try:
            return normalize_region(geo_code)
        except UnknownRegion as exc:
            reader.problem("beneficiaryLocation[0].geoCode", str(exc))
            return None
    country = location.get("countryCode")
    if isinstance(country, str) and country.strip():
        try:
            return normalize_region(country)
        except UnknownRegion as exc:
            reader.problem("beneficiaryLocation[0].countryCode", str(exc))
    return None


def _coded(items: Any, vocabulary: str) -> Iterable[tuple[int, str]]:
    """(index, code) of the classifications in ``vocabulary``; a CSV cell gives none."""
    if not isinstance(items, list):
        return []
    return [
        (index, item["code"].strip())
        for index, item in enumerate(items)
        if isinstance(item, dict)
        and item.get("vocabulary", vocabulary) == vocabulary
        and isinstance(item.get("code"), str)
    ]


def _instrument(reader: FieldReader) -> str:
    for index, code in _coded(reader.data.get("fundingType"), INSTRUMENT_VOCABULARY):
        if code in {instrument.value for instrument in Instrument}:
            return code
        if reader.data["fundingType"][index].get("vocabulary") == INSTRUMENT_VOCABULARY:
            known = ", ".join(instrument.value for instrument in Instrument)
            reader.problem(f"fundingType[{index}].code", f"{code!r} is not one of {known}")
    return Instrument.GRANT.value


def _themes(reader: FieldReader) -> list[str]:
    return [code for _, code in _coded(reader.data.get("classifications"), THEME_VOCABULARY)]


def _legal_basis(reader: FieldReader, source_id: str | None) -> str:
    given = reader.text(reader.data, LEGAL_BASIS_FIELD, LEGAL_BASIS_FIELD, required=False)
    if given is not None:
        return given
    basis = f"as published in 360Giving data, grant {source_id}"
    programme = reader.first("grantProgramme", required=False)
    if programme is not None:
        named = " ".join(
            str(programme[key]).strip() for key in ("code", "title") if programme.get(key)
        )
        if named:
            basis += f", programme {named}"
    return basis[:LEGAL_BASIS_MAX]


def _disbursements(reader: FieldReader, currency: str) -> list[EventRow]:
    transactions = reader.data.get("disbursementTransaction")
    if not isinstance(transactions, list):
        return []
    events: list[EventRow] = []
    for index, transaction in enumerate(transactions):
        path = f"disbursementTransaction[{index}]"
        if not isinstance(transaction, dict):
            reader.problem(path, "a transaction is a JSON object")
            continue
        identifier = reader.text(transaction, "id", f"{path}.id")
        given = transaction.get("currency")
        if given is not None and given != currency:
            reader.problem(f"{path}.currency", f"{given!r} differs from the grant's {currency}")
        amount = reader.amount(transaction.get("value"), currency, f"{path}.value")
        day = reader.day(transaction, "transactionDate", f"{path}.transactionDate")
        if identifier is None or amount is None or day is None:
            continue
        events.append(
            EventRow(
                source_id=identifier,
                body={
                    "type": "disbursed",
                    "amount": amount,
                    "date": day,
                    "note": source_mark(identifier),
                },
                fields={
                    "amount": reader.name(f"{path}.value"),
                    "date": reader.name(f"{path}.transactionDate"),
                    "": reader.name(path),
                },
            )
        )
    return events
