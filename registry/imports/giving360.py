"""360Giving 1.4 grants (a JSON package, or the flattened CSV) read into award rows.

One grant is one award, published by its funder with the grant's ``id`` as its
``source_id``. How each field maps, and why:

* ``amountAwarded`` → amount, as exact decimal text. JSON is parsed with
  ``parse_float=Decimal`` (and ``NaN``/``Infinity`` refused), CSV cells are read as text, so
  an amount never passes through a binary float; one written with more decimal places than
  its currency has (``0.30000000000000004``) is refused, not rounded.
* ``currency``, ``awardDate`` (a date, or a date-time whose date part is taken as written).
* ``plannedDates[0]`` → the implementation period: ``startDate`` and ``endDate``, or
  ``startDate`` and ``duration`` in months. Every award but a prize needs a period, and a
  grant without one is refused; a prize has none (a fixed sum, no project), so a prize is
  imported without ``plannedDates`` and refused with them.
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
  ``description_<lang>`` translations are given; organization names likewise
  (``name_<lang>``), and an organization's ``location[0]`` is its region.
* ``fundingType`` with vocabulary ``registry:instrument`` → instrument (default ``grant``),
  ``classifications`` with vocabulary ``registry:theme`` → themes: the registry's own export
  writes both.
* ``grantProgramme[0]`` that carries a registry's competition extensions (``budget``,
  ``currency``, ``year``, ``applicationsOpen``, ``applicationsClose``; the registry's own
  export writes them, with ``title_<lang>``, ``description_<lang>``, ``eligibility_<lang>``,
  ``roundNumber``, ``themes``, ``region``, ``legalBasis``) is a competition, published
  once per file before its first grant with its ``code`` as the source id, and the grant
  is an award from it (``awardBeforeClose`` gives the reason for an award made before it
  closed). A competition's later history (amendments, cancellation, results) is not in
  360Giving: it is published as it now stands. Its window's bounds are instants (the
  registry's export writes them in UTC): they are stated in the time zone the competition's
  deadlines are counted in (its region's or funder's country's), whose offsets a window
  must carry.
* Any other grant is a direct award, and the registry requires a legal basis for one: the
  ``legalBasis`` extension field if given, otherwise a note of where it was published (the
  grant id and its programme, whose code is the publisher's, not an id in this registry).
* ``disbursementTransaction`` → ``disbursed`` events (JSON only; the flattened CSV has no
  transactions), each recorded once, by its id.
* ``awardStatus`` ``completed`` or ``terminated`` (an extension) → that event, on the day
  ``actualDates[0].endDate`` gives, with the ``terminationReason`` extension as its reason.

A grant is an award as it now stands: its amendments, reports and corrections are not in
360Giving (OCDS carries them), so an imported award is published with its current figures
and has only its disbursements and its ending as events.
"""

import calendar
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, Final

from registry.core.schemas import Instrument
from registry.imports.fields import (
    COUNTRY_CODE_LENGTH,
    FieldReader,
    codes,
    load_json,
    localized,
    rejected,
    translations,
)
from registry.imports.report import Problem
from registry.imports.rows import (
    AwardRow,
    CompetitionRow,
    EventRow,
    OrganizationRef,
    Row,
    Unreadable,
    source_mark,
)
from registry.organizations.schemas import OrganizationKind
from registry.publication.giving360 import CSV_COLUMNS, column_title, schema_steps
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id
from registry.reference.regions import UnknownRegion, normalize_region
from registry.reference.zones import local_zone

INSTRUMENT_VOCABULARY: Final = "registry:instrument"
THEME_VOCABULARY: Final = "registry:theme"
LEGAL_BASIS_FIELD: Final = "legalBasis"
BEFORE_CLOSE_FIELD: Final = "awardBeforeClose"
STATUS_FIELD: Final = "awardStatus"
REASON_FIELD: Final = "terminationReason"
ENDINGS: Final = ("completed", "terminated")
PROGRAMME: Final = "grantProgramme[0]"
COMPETITION_EXTENSIONS: Final = (
    "budget",
    "currency",
    "year",
    "applicationsOpen",
    "applicationsClose",
)
"""The ``grantProgramme`` fields that make it a competition to publish (a registry's own
export writes them); a programme without them is only named in the legal basis."""
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
    "award_before_close": BEFORE_CLOSE_FIELD,
    "competition_id": "grantProgramme",
}
"""Where each ``AwardCreate`` field comes from, as a JSON path into the grant."""

COMPETITION_FIELDS: Final[Mapping[str, str]] = {
    "source_id": f"{PROGRAMME}.code",
    "title": f"{PROGRAMME}.title",
    "description": f"{PROGRAMME}.description",
    "eligibility": f"{PROGRAMME}.eligibility",
    "year": f"{PROGRAMME}.year",
    "round_number": f"{PROGRAMME}.roundNumber",
    "budget": f"{PROGRAMME}.budget",
    "currency": f"{PROGRAMME}.currency",
    "window": f"{PROGRAMME}.applicationsOpen",
    "window.opens": f"{PROGRAMME}.applicationsOpen",
    "window.closes": f"{PROGRAMME}.applicationsClose",
    "themes": f"{PROGRAMME}.themes",
    "region": f"{PROGRAMME}.region",
    "legal_basis": f"{PROGRAMME}.legalBasis",
    "funder_id": "fundingOrganization[0].id",
    "instrument": "fundingType",
}
"""Where each ``CompetitionCreate`` field comes from, as a JSON path into the grant."""

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
    *(".".join(path) for path in CSV_COLUMNS),
)
"""The grant fields read from a CSV, found by their 360Giving column titles
(``Recipient Org:Identifier``), and the registry's own export's columns, extensions
included (``Recipient Org:name_ru``); other columns are ignored."""

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
    rows = _Rows()
    for index, grant in enumerate(grants):
        rows.add(grant, row=_row_name(f"grants[{index}]", grant), name=lambda path: path)
    return rows.rows


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
    rows = _Rows()
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        grant = _unflatten({columns[i]: cell for i, cell in enumerate(cells) if i in columns})
        rows.add(grant, row=_row_name(f"line {start}", grant), name=_csv_name)
    return rows.rows


def _row_name(place: str, grant: Any) -> str:
    identifier = grant.get("id") if isinstance(grant, dict) else None
    return f"{place} ({identifier})" if isinstance(identifier, str) and identifier else place


# --- CSV column titles ---------------------------------------------------------------------


@cache
def _csv_titles() -> dict[str, str]:
    """Each path of ``CSV_PATHS`` (and each of their prefixes) → its column title, made the
    way 360Giving's flattening names columns (``giving360.column_title``)."""
    titles: dict[str, str] = {}
    for path in CSV_PATHS:
        steps = path.split(".")
        for end in range(1, len(steps) + 1):
            titles[".".join(steps[:end])] = column_title(steps[:end])
    return titles


@cache
def _array_paths() -> frozenset[str]:
    """The dotted paths of ``CSV_PATHS`` prefixes that the schema types as arrays (a
    flattened row gives their first item): ``plannedDates``, ``recipientOrganization.location``."""
    arrays: set[str] = set()
    for path in CSV_PATHS:
        steps = path.split(".")
        for end, (_, is_array) in enumerate(schema_steps(steps), start=1):
            if is_array:
                arrays.add(".".join(steps[:end]))
    return frozenset(arrays)


def _unflatten(cells: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row as the grant it flattens: ``plannedDates.startDate`` → ``plannedDates[0]``,
    ``recipientOrganization.location.geoCode`` → ``recipientOrganization[0].location[0]``."""
    arrays = _array_paths()
    grant: dict[str, Any] = {}
    for path, cell in cells.items():
        value = cell.strip()
        if not value:
            continue
        steps = path.split(".")
        target = grant
        for end, step in enumerate(steps[:-1], start=1):
            is_array = ".".join(steps[:end]) in arrays
            container = target.setdefault(step, [{}] if is_array else {})
            target = container[0] if isinstance(container, list) else container
        target[steps[-1]] = value
    return grant


def _csv_name(path: str) -> str:
    """A grant's JSON path as the CSV names it: its column title."""
    plain = re.sub(r"\[\d+\]", "", path)
    return _csv_titles().get(plain, path)


# --- One grant -----------------------------------------------------------------------------


class _Rows:
    """The rows of a file: each grant's award, after its competition the first time a
    grant names it (a competition is published once per file)."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.competitions: set[tuple[str, str]] = set()

    def add(self, grant: Any, *, row: str, name: Callable[[str], str]) -> None:
        award, competition = _grant_row(grant, row=row, name=name)
        if competition is not None:
            key = (competition.funder.org_id, competition.source_id)
            if key not in self.competitions:
                self.competitions.add(key)
                self.rows.append(competition)
        self.rows.append(award)


def _grant_row(
    grant: Any, *, row: str, name: Callable[[str], str]
) -> tuple[Row, CompetitionRow | None]:
    if not isinstance(grant, dict):
        return Unreadable(row, [Problem(row, "", "a grant is a JSON object")]), None
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
    instrument = _instrument(reader)
    period = _period(reader, required=instrument != Instrument.PRIZE.value)
    title = reader.text(grant, "title", "title")
    description = reader.text(grant, "description", "description", required=False)
    titles = localized(title, translations(grant, "title"), funder_country)
    purposes = translations(grant, "description")
    if not purposes and description is not None and description != title:
        purposes = localized(description, {}, funder_country)
    region = _region(reader, reader.data, "beneficiaryLocation")
    themes = _themes(reader)
    competition = _competition(reader, funder, instrument, funder_country)
    legal_basis = _legal_basis(reader, source_id, linked=competition is not None)
    before_close = reader.text(grant, BEFORE_CLOSE_FIELD, BEFORE_CLOSE_FIELD, required=False)
    events = _disbursements(reader, currency) if currency else []
    events.extend(_ending(reader, source_id))
    if reader.problems or source_id is None or funder is None or recipient is None:
        problems = [Problem(row, field, message) for field, message in reader.problems]
        return Unreadable(row, problems or [Problem(row, "", "not a grant")]), None
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
    if before_close is not None:
        award["award_before_close"] = before_close
    fields = {key: name(path) for key, path in AWARD_FIELDS.items()}
    award_row = AwardRow(
        row=row,
        source_id=source_id,
        funder=funder,
        recipient=recipient,
        award=award,
        fields=fields,
        competition_source_id=competition.source_id if competition is not None else None,
        events=events,
    )
    if competition is None:
        return award_row, None
    competition_row = CompetitionRow(
        row=row,
        source_id=competition.source_id,
        funder=funder,
        competition=competition.body,
        fields={key: name(path) for key, path in COMPETITION_FIELDS.items()},
    )
    return award_row, competition_row


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
    kind = OrganizationKind(kind_text) if kind_text in _ORGANIZATION_KINDS else default_kind
    region = _region(reader, item, "location", path=f"{path}.location")
    if org_id is None or text is None:
        return None
    return OrganizationRef(
        org_id=org_id,
        name=localized(text, translations(item, "name"), org_id[:COUNTRY_CODE_LENGTH]),
        kind=kind,
        region=region,
        fields={
            "org_id": reader.name(f"{path}.id"),
            "name": reader.name(f"{path}.name"),
            "kind": reader.name(f"{path}.organisationType"),
            "region": reader.name(f"{path}.location[0].geoCode"),
            "legal_form": reader.name(f"{path}.legalForm"),
        },
        legal_form=reader.text(item, "legalForm", f"{path}.legalForm", required=False),
    )


@dataclass(frozen=True)
class _Competition:
    source_id: str
    body: dict[str, Any]


def _competition(
    reader: FieldReader, funder: OrganizationRef | None, instrument: str, country: str
) -> _Competition | None:
    """The competition a registry's ``grantProgramme`` extensions describe, if they do."""
    programme = reader.first("grantProgramme", required=False)
    if programme is None or not all(
        programme.get(key) not in (None, "") for key in COMPETITION_EXTENSIONS
    ):
        return None
    code = reader.text(programme, "code", f"{PROGRAMME}.code")
    currency = reader.currency(programme, "currency", f"{PROGRAMME}.currency")
    budget = reader.amount(programme.get("budget"), currency, f"{PROGRAMME}.budget")
    year = _whole(reader, programme, "year")
    round_number = _whole(reader, programme, "roundNumber", required=False)
    opens = _moment(reader, programme, "applicationsOpen")
    closes = _moment(reader, programme, "applicationsClose")
    title = reader.text(programme, "title", f"{PROGRAMME}.title", required=False)
    legal_basis = reader.text(programme, "legalBasis", f"{PROGRAMME}.legalBasis", required=False)
    region = reader.text(programme, "region", f"{PROGRAMME}.region", required=False)
    if code is None or funder is None:
        return None
    zone = local_zone(region, funder.org_id, country)
    return _Competition(
        source_id=code,
        body={
            "funder_id": funder.org_id,
            "instrument": instrument,
            "year": year,
            "round_number": round_number,
            "title": localized(title or code, translations(programme, "title"), country),
            "description": translations(programme, "description") or None,
            "eligibility": translations(programme, "eligibility") or None,
            "themes": codes(programme.get("themes")),
            "budget": budget,
            "currency": currency,
            "window": {
                "opens": opens and opens.astimezone(zone),
                "closes": closes and closes.astimezone(zone),
            },
            "region": region,
            "legal_basis": legal_basis,
            "source_id": code,
        },
    )


def _whole(
    reader: FieldReader, container: Mapping[str, Any], key: str, *, required: bool = True
) -> int | None:
    """A whole number, from JSON or from a CSV cell's text."""
    value = container.get(key)
    if value is None or value == "":
        if required:
            reader.problem(f"{PROGRAMME}.{key}", "is required")
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        number = Decimal("NaN")
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral_value():
        reader.problem(f"{PROGRAMME}.{key}", f"{value!r} is not a whole number")
        return None
    return int(number)


def _moment(reader: FieldReader, container: Mapping[str, Any], key: str) -> datetime | None:
    """An RFC 3339 date-time with its offset (an application window's bound)."""
    path = f"{PROGRAMME}.{key}"
    text = reader.text(container, key, path)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        reader.problem(path, f"{text!r} is not an RFC 3339 date-time with its offset")
        return None
    return moment


def _currency(reader: FieldReader) -> str | None:
    return reader.currency(reader.data, "currency", "currency")


def _period(reader: FieldReader, *, required: bool) -> dict[str, date] | None:
    """``plannedDates[0]``, which every award gives but a prize (``required``: it has none,
    and ``AwardCreate`` refuses one given for it)."""
    planned = reader.first("plannedDates", required=required)
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


def _region(
    reader: FieldReader, container: Mapping[str, Any], key: str, *, path: str | None = None
) -> str | None:
    """The region of ``container[key][0]`` (a location): its ``geoCode`` when that is an ISO
    3166-2 code, else its ``countryCode``."""
    path = path or key
    location = reader.first(key, container=container, path=path, required=False)
    if location is None:
        return None
    geo_code = location.get("geoCode")
    if isinstance(geo_code, str) and ISO_3166_2.fullmatch(geo_code.strip()):
        try:
            return normalize_region(geo_code)
        except UnknownRegion as exc:
            reader.problem(f"{path}[0].geoCode", str(exc))
            return None
    country = location.get("countryCode")
    if isinstance(country, str) and country.strip():
        try:
            return normalize_region(country)
        except UnknownRegion as exc:
            reader.problem(f"{path}[0].countryCode", str(exc))
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


_INSTRUMENTS: Final = frozenset(instrument.value for instrument in Instrument)
_ORGANIZATION_KINDS: Final = frozenset(kind.value for kind in OrganizationKind)


def _instrument(reader: FieldReader) -> str:
    for index, code in _coded(reader.data.get("fundingType"), INSTRUMENT_VOCABULARY):
        if code in _INSTRUMENTS:
            return code
        if reader.data["fundingType"][index].get("vocabulary") == INSTRUMENT_VOCABULARY:
            known = ", ".join(instrument.value for instrument in Instrument)
            reader.problem(f"fundingType[{index}].code", f"{code!r} is not one of {known}")
    return Instrument.GRANT.value


def _themes(reader: FieldReader) -> list[str]:
    return [code for _, code in _coded(reader.data.get("classifications"), THEME_VOCABULARY)]


def _legal_basis(reader: FieldReader, source_id: str | None, *, linked: bool) -> str | None:
    """The ``legalBasis`` given; else none for an award from a competition, and for a
    direct award (which needs one) a note of where it was published."""
    given = reader.text(reader.data, LEGAL_BASIS_FIELD, LEGAL_BASIS_FIELD, required=False)
    if given is not None or linked:
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


def _ending(reader: FieldReader, source_id: str | None) -> list[EventRow]:
    """A ``completed`` or ``terminated`` event, for a grant whose ``awardStatus`` says it
    ended, on the day its ``actualDates[0].endDate`` gives (a plain actual end date, which
    other publishers may give for a grant still running, is not taken as an ending)."""
    status = reader.text(reader.data, STATUS_FIELD, STATUS_FIELD, required=False)
    if status is None or source_id is None:
        return []
    if status not in ENDINGS:
        reader.problem(STATUS_FIELD, f"{status!r} is not one of {', '.join(ENDINGS)}")
        return []
    actual = reader.first("actualDates")
    day = reader.day(actual, "endDate", "actualDates[0].endDate") if actual else None
    if day is None:
        return []
    source = f"{source_id}#{status}"
    fields = {"": reader.name(STATUS_FIELD), "date": reader.name("actualDates[0].endDate")}
    if status == "completed":
        body = {"type": "completed", "date": day, "note": source_mark(source)}
    else:
        reason = reader.text(reader.data, REASON_FIELD, REASON_FIELD)
        body = {"type": "terminated", "date": day, "reason": f"{reason} {source_mark(source)}"}
        fields["reason"] = reader.name(REASON_FIELD)
    return [EventRow(source_id=source, body=body, fields=fields)]


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
