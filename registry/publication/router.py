"""Search, facets, statistics and downloads for awards: open to everyone, no key."""

import contextlib
import csv
import enum
import io
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Final, Self, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, WithJsonSchema, model_validator
from sqlalchemy import case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from registry.awards.legal import SizeBand
from registry.awards.models import Award
from registry.awards.router import to_summary
from registry.awards.schemas import AwardStatus
from registry.competitions.models import Competition
from registry.competitions.router import per_award
from registry.competitions.router import to_summary as competition_summary
from registry.competitions.schemas import CompetitionStatus
from registry.core.db import SessionDep
from registry.core.errors import BadRequest, problem_responses
from registry.core.parameters import (
    each,
    list_values,
    member_of,
    refuse_reversed,
)
from registry.core.schemas import AMOUNT_PATTERN, Instrument, IsoDate, read_year
from registry.core.streams import ClosingStreamingResponse
from registry.organizations import service as organization_service
from registry.organizations.router import to_read as organization_read
from registry.organizations.schemas import OrganizationKind
from registry.oversight import views as oversight
from registry.publication import search
from registry.publication.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorsDep, next_url
from registry.publication.readahead import read_ahead
from registry.publication.schemas import (
    AwardPage,
    CompetitionPage,
    CompetitionStatsRead,
    CompetitionStatsRow,
    FacetValue,
    Money,
    OrganizationPage,
    OrganizationTotalRead,
    OrganizationWithTotals,
    StatsRead,
    StatsRow,
)
from registry.publication.snapshots import LEDGER_SIZE_RESPONSE, Taken
from registry.reference import legal_units
from registry.reference.identifiers import normalize_org_id
from registry.reference.legal_units import LegalUnit
from registry.reference.money import (
    amount_formatter,
    format_amount,
    normalize_currency,
)
from registry.reference.regions import normalize_region
from registry.risks import service as risk_service

router = APIRouter(tags=["awards"])
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
CursorParam = Annotated[str | None, Query(max_length=500)]
TEXT_MAX_LENGTH: Final = 500
"""The longest ``q`` a search takes (the portal's search boxes say so with ``maxlength``)."""
TextParam = Annotated[
    str | None,
    Query(
        max_length=TEXT_MAX_LENGTH,
        description=(
            'Words and "quoted phrases" in any language. A number of five digits or more '
            "finds the registration numbers it begins; a whole STIR (9 digits) or BIN (12) "
            "only itself."
        ),
    ),
]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
TSV_MEDIA_TYPE = "text/tab-separated-values; charset=utf-8"
"""The tab-separated download's type, as IANA registers it for .tsv: a browser that fits a
file's extension to its type (Firefox does) would otherwise save it as .csv again."""
JSONL_MEDIA_TYPE = "application/jsonl"
EXPORT_BATCH = 2000

ListParam = Annotated[
    list[str] | None,
    Query(description="Repeat the parameter or separate values with commas; any of them matches."),
]
# List parameters read with their check, each a validator of the parameter's type: FastAPI then
# reports every bad parameter of a request in one 400, with pydantic's own errors (a year, a
# date, an amount), never the first one only. An unknown value is never an empty result.
OrgIdsParam = Annotated[ListParam, each(normalize_org_id)]
"""Org-ids, in canonical form; a value that is no org-id is a 400 naming it, not an empty
result that looks like "no awards"."""
RegionsParam = Annotated[ListParam, each(normalize_region)]
"""ISO 3166-2 codes or country codes, as stored: withdrawn codes (``KZ-ALA``) read as the
current ones, as they are on writes."""
CurrenciesParam = Annotated[ListParam, each(normalize_currency)]
_legal_unit = member_of(LegalUnit)
LegalUnitsParam = Annotated[ListParam, each(lambda value: _legal_unit(value.upper()))]
"""BRV or MCI in any case (``mci``), as a currency is read (``uzs``)."""
InstrumentsParam = Annotated[ListParam, each(member_of(Instrument))]
AwardStatusesParam = Annotated[ListParam, each(member_of(AwardStatus))]
SizeBandsParam = Annotated[ListParam, each(member_of(SizeBand))]
YearsParam = Annotated[
    list[str] | None,
    # Described as the years they are, integers, as before the commas were read: a client
    # generated from the document keeps its types (read as text only to split the commas).
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "array", "items": {"type": "integer", "minimum": 1990, "maximum": 2100}},
                {"type": "null"},
            ]
        }
    ),
    Query(
        description="Years of four digits, from 1990 to 2100 (2026); repeat the parameter or "
        "separate values with commas; any of them matches."
    ),
    each(read_year),
]
"""Years of four digits, repeated or separated by commas as every list filter is; a bad one is
named ``query.year``, as a bad value of any list filter is."""
QueryDate = IsoDate | None
"""A date filter: ISO 8601's YYYY-MM-DD, told so in plain words (never a Unix timestamp)."""

REVERSED_DATES: Final = (
    "is later than awarded_to: the range is the wrong way round, so nothing can match",
    "is earlier than awarded_from: the range is the wrong way round, so nothing can match",
)
REVERSED_AMOUNTS: Final = (
    "is more than amount_max: the range is the wrong way round, so nothing can match",
    "is less than amount_min: the range is the wrong way round, so nothing can match",
)


class AwardedDates(BaseModel):
    """``awarded_from`` and ``awarded_to``, read together: a range the wrong way round would
    find nothing, which reads as "there are none"."""

    awarded_from: QueryDate = None
    awarded_to: QueryDate = None

    @model_validator(mode="after")
    def in_order(self) -> Self:
        return refuse_reversed(self, "awarded_from", "awarded_to", messages=REVERSED_DATES)


QueryAmount = Annotated[str | None, Field(pattern=AMOUNT_PATTERN, max_length=40)]


class AmountRange(BaseModel):
    """``amount_min`` and ``amount_max``, read together, as the dates are."""

    amount_min: QueryAmount = None
    amount_max: QueryAmount = None

    @model_validator(mode="after")
    def in_order(self) -> Self:
        return refuse_reversed(
            self, "amount_min", "amount_max", messages=REVERSED_AMOUNTS, key=Decimal
        )


def awarded_dates(dates: Annotated[AwardedDates, Query()]) -> AwardedDates:
    return dates


def amount_range(amounts: Annotated[AmountRange, Query()]) -> AmountRange:
    return amounts


def award_filters(
    *,
    q: TextParam = None,
    funder: OrgIdsParam = None,
    recipient: OrgIdsParam = None,
    instrument: InstrumentsParam = None,
    competition: ListParam = None,
    region: RegionsParam = None,
    theme: ListParam = None,
    status: AwardStatusesParam = None,
    currency: CurrenciesParam = None,
    amounts: Annotated[AmountRange, Depends(amount_range)],
    dates: Annotated[AwardedDates, Depends(awarded_dates)],
    year: YearsParam = None,
    legal_unit: LegalUnitsParam = None,
    size_band: SizeBandsParam = None,
) -> search.AwardFilters:
    """The award filters every search, facet, statistic and download shares."""
    return search.AwardFilters(
        q=q,
        funder=tuple(funder or ()),
        recipient=tuple(recipient or ()),
        instrument=tuple(instrument or ()),
        competition=list_values(competition),
        region=tuple(region or ()),
        theme=list_values(theme),
        status=tuple(status or ()),
        currency=tuple(currency or ()),
        amount_min=Decimal(amounts.amount_min) if amounts.amount_min else None,
        amount_max=Decimal(amounts.amount_max) if amounts.amount_max else None,
        awarded_from=dates.awarded_from,
        awarded_to=dates.awarded_to,
        year=tuple(int(value) for value in year or ()),
        legal_unit=tuple(legal_unit or ()),
        size_band=tuple(size_band or ()),
    )


FiltersDep = Annotated[search.AwardFilters, Depends(award_filters)]
RISKS_FACET = "risks"
"""The facet of risk indicators (registry/risks), computed apart from the others."""
SortParam = Annotated[
    search.AwardSort,
    Query(
        description="A field, or -field for descending. Amounts are compared only within a "
        "currency: amount and -amount order by currency, then amount (-amount: UZS, USD, KZT, "
        "EUR, each largest first); filter on one currency for one ranking."
    ),
]


def _money(bucket: search.Bucket) -> Money:
    return Money(
        currency=bucket.currency,
        awarded=format_amount(bucket.awarded_minor, bucket.currency),
        disbursed=format_amount(bucket.disbursed_minor, bucket.currency),
    )


class Language(enum.StrEnum):
    UZ = "uz"
    RU = "ru"
    KK = "kk"
    EN = "en"


LangParam = Annotated[
    Language,
    Query(description="The language of organizations' names in facets and statistics."),
]
ORGANIZATION_GROUPS = frozenset({"funder", "recipient"})


def organization_names(
    session: Session, group: str, buckets: Sequence[search.Bucket], lang: Language
) -> dict[str, str]:
    """The names of the organizations a funder or recipient group counts, in ``lang`` or
    else the first language each has (uz, ru, kk, en); empty for other groups."""
    if group not in ORGANIZATION_GROUPS:
        return {}
    return names_in(session, {bucket.key for bucket in buckets}, lang)


def names_in(session: Session, org_ids: set[str], lang: Language) -> dict[str, str]:
    """These organizations' names in ``lang``, else in the first language each has."""
    found = organization_service.find_many(session, org_ids)
    names = {}
    for org_id, organization in found.items():
        by_language = organization_service.names_of(organization)
        name = by_language.get(lang.value) or next(iter(by_language.values()), None)
        if name:
            names[org_id] = name
    return names


def facet_values(
    buckets: list[search.Bucket], names: dict[str, str] | None = None
) -> list[FacetValue]:
    """One value per key with its totals per currency; ``names`` of organizations if given
    (the portal names them itself, in the page's language)."""
    names = names or {}
    grouped: dict[str, FacetValue] = {}
    for bucket in buckets:
        value = grouped.setdefault(
            bucket.key,
            FacetValue(value=bucket.key, name=names.get(bucket.key), count=0, totals=[]),
        )
        value.count += bucket.count
        value.totals.append(_money(bucket))
    return sorted(grouped.values(), key=lambda value: (-value.count, value.value))


@router.get(
    "/awards",
    summary="Search awards: filters, full text, keyset pages, optional facets",
    response_model=AwardPage,
    responses=problem_responses(400),
)
def list_awards(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: FiltersDep,
    sort: SortParam = search.AwardSort.AWARD_DATE_DESC,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    facets: Annotated[
        str | None,
        Query(
            description=f"Comma-separated: {', '.join(search.FACET_NAMES)}, {RISKS_FACET} (how "
            "many of the awards raise each risk indicator, /api/v1/risks)."
        ),
    ] = None,
    lang: LangParam = Language.UZ,
) -> AwardPage:
    page = search.award_page(
        session, filters, sort=sort, limit=limit, cursor=cursor, cursors=cursors
    )
    names = list_values([facets] if facets else None)
    unknown = sorted(set(names) - {*search.FACET_NAMES, RISKS_FACET})
    if unknown:
        raise BadRequest.for_field("query.facets", f"unknown facet {unknown[0]}")
    plain = [name for name in names if name != RISKS_FACET]
    computed = search.award_facets(session, filters, plain) if names else None
    values = (
        {
            name: facet_values(buckets, organization_names(session, name, buckets, lang))
            for name, buckets in computed.items()
        }
        if computed is not None
        else None
    )
    if values is not None and RISKS_FACET in names:
        values[RISKS_FACET] = _risk_facet(request, session, filters)
    return AwardPage(
        items=[to_summary(award) for award in page.items],
        next=next_url(request, page.cursor),
        facets=values,
    )


def _risk_facet(
    request: Request, session: Session, filters: search.AwardFilters
) -> list[FacetValue]:
    """Per risk indicator: how many of the selected awards raise it, and their money."""
    limits = risk_service.thresholds(request.app.state.settings)
    _, by_award = risk_service.flags_of_filtered(session, limits, filters)
    money: dict[str, tuple[str, int, int]] = {}
    if by_award:  # by the filters, not a list of ids (a driver's parameter limit)
        statement = select(
            Award.id, Award.currency, Award.amount_minor, Award.disbursed_minor
        ).where(*search.award_conditions(session, filters))
        money = {
            row[0]: (row[1], row[2], row[3])
            for row in session.execute(statement)
            if row[0] in by_award
        }
    totals: dict[str, dict[str, list[int]]] = {}
    counts: dict[str, int] = {}
    for award_id, flags in by_award.items():
        currency, awarded, disbursed = money[award_id]
        for indicator in {flag.indicator.value for flag in flags}:
            counts[indicator] = counts.get(indicator, 0) + 1
            sums = totals.setdefault(indicator, {}).setdefault(currency, [0, 0])
            sums[0] += awarded
            sums[1] += disbursed
    return [
        FacetValue(
            value=indicator,
            count=counts[indicator],
            totals=[
                Money(
                    currency=currency,
                    awarded=format_amount(awarded, currency),
                    disbursed=format_amount(disbursed, currency),
                )
                for currency, (awarded, disbursed) in sorted(totals[indicator].items())
            ],
        )
        for indicator in sorted(counts, key=lambda key: (-counts[key], key))
    ]


@router.get(
    "/stats/awards",
    summary="Award counts and totals grouped by one dimension, per currency",
    response_model=StatsRead,
    responses=problem_responses(400),
    tags=["stats"],
)
def award_stats(
    session: SessionDep,
    filters: FiltersDep,
    group_by: search.StatsGroup,
    sort: Annotated[
        search.StatsSort | None,
        Query(
            description="-awarded (largest first within each currency; the default but for "
            "year and month), -disbursed, -count, or key (the default for year and month)."
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(ge=1, le=1000, description="At most this many rows of each currency, after sorting."),
    ] = None,
    lang: LangParam = Language.UZ,
) -> StatsRead:
    buckets = search.award_stats(session, filters, group_by, sort, limit)
    names = organization_names(session, group_by.value, buckets, lang)
    return StatsRead(
        group_by=group_by.value,
        rows=[
            StatsRow(
                key=bucket.key,
                name=names.get(bucket.key),
                count=bucket.count,
                **_money(bucket).model_dump(),
            )
            for bucket in buckets
        ],
    )


class CompetitionStatsGroup(enum.StrEnum):
    FUNDER = "funder"
    YEAR = "year"


@router.get(
    "/stats/competitions",
    summary="Competitions, applications and applications per award, by funder or year",
    response_model=CompetitionStatsRead,
    responses=problem_responses(400),
    tags=["stats"],
)
def competition_stats(
    session: SessionDep,
    group_by: CompetitionStatsGroup,
    funder: OrgIdsParam = None,
    year: YearsParam = None,
    lang: LangParam = Language.UZ,
) -> CompetitionStatsRead:
    key = Competition.funder_id if group_by is CompetitionStatsGroup.FUNDER else Competition.year
    reporting = Competition.applications.is_not(None)
    statement = (
        select(
            key,
            func.count(),
            func.count(Competition.applications),
            func.coalesce(func.sum(Competition.applications), 0),
            func.coalesce(func.sum(case((reporting, Competition.award_count), else_=0)), 0),
        )
        .group_by(key)
        .order_by(key)
    )
    if funder:
        statement = statement.where(Competition.funder_id.in_(funder))
    if year:
        statement = statement.where(Competition.year.in_([int(value) for value in year]))
    rows = [
        (str(group), int(count), int(with_applications), int(applications), int(awards))
        for group, count, with_applications, applications, awards in session.execute(statement)
    ]
    names = (
        names_in(session, {row[0] for row in rows}, lang)
        if group_by is CompetitionStatsGroup.FUNDER
        else {}
    )
    return CompetitionStatsRead(
        group_by=group_by.value,
        rows=[
            CompetitionStatsRow(
                key=group,
                name=names.get(group),
                competitions=count,
                reporting=with_applications,
                applications=applications,
                awards=awards,
                applications_per_award=per_award(
                    applications if with_applications else None, awards
                ),
            )
            for group, count, with_applications, applications, awards in rows
        ],
    )


CSV_COLUMNS = (
    "id",
    "competition_id",
    "funder_id",
    "funder_name.uz",
    "funder_name.ru",
    "funder_name.kk",
    "funder_name.en",
    "recipient_id",
    "recipient_name.uz",
    "recipient_name.ru",
    "recipient_name.kk",
    "recipient_name.en",
    "instrument",
    "status",
    "title.uz",
    "title.ru",
    "title.kk",
    "title.en",
    "purpose.uz",
    "purpose.ru",
    "purpose.kk",
    "purpose.en",
    "amount",
    "original_amount",
    "disbursed",
    "currency",
    "award_date",
    "period.start",
    "period.end",
    "region",
    "legal_basis",
    "themes",
    "published_seq",
    # Added after the columns above, never among them: a script reading columns by position
    # keeps reading the same ones.
    "completed_on",
    "terminated_on",
    "termination_reason",
    "legal_unit.unit",
    "legal_unit.multiplier",
    "legal_unit.on",
    "legal_unit.value",
    "legal_unit.amount",
    "size_band",
    # Then what else JSON Lines says of an award: why it was made before its competition
    # closed, or above the direct-award cap, its last report's date, the funder's own id for
    # it and when the registry published it.
    "award_before_close",
    "cap_override",
    "last_report_on",
    "source_id",
    "published_at",
)


LANGUAGES = ("uz", "ru", "kk", "en")


def _each_language(column: InstrumentedAttribute[Any]) -> list[Any]:
    """A multilingual JSON column's text in each language, extracted by the database (in C,
    in its own process) rather than decoded into dicts here, row after row."""
    return [column[language].as_string() for language in LANGUAGES]


# Only what the CSV shows (and the keyset needs): less to fetch and decode per row.
_CSV_SOURCE = [
    Award.id,
    Award.competition_id,
    Award.funder_id,
    Award.recipient_id,
    *_each_language(Award.recipient_name),
    Award.instrument,
    Award.status,
    *_each_language(Award.title),
    *_each_language(Award.purpose),
    Award.amount_minor,
    Award.original_amount_minor,
    Award.disbursed_minor,
    Award.currency,
    Award.award_date,
    Award.period_start,
    Award.period_end,
    Award.region,
    Award.legal_basis,
    Award.themes,
    Award.published_seq,
    Award.completed_on,
    Award.terminated_on,
    Award.termination_reason,
    Award.legal_unit,
    Award.legal_multiplier,
    Award.legal_unit_on,
    Award.legal_unit_value,
    Award.size_band,
    Award.award_before_close,
    Award.cap_override,
    Award.last_report_on,
    Award.source_id,
    Award.published_at,
]


class DecimalMark(enum.StrEnum):
    POINT = "point"
    COMMA = "comma"


class Separator(enum.StrEnum):
    COMMA = "comma"
    SEMICOLON = "semicolon"
    TAB = "tab"


_SEPARATORS = {Separator.COMMA: ",", Separator.SEMICOLON: ";", Separator.TAB: "\t"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP, "CSV injection")."""


def for_spreadsheet(*, bom: bool, separator: Separator) -> bool:
    """Whether a CSV download is a spreadsheet's file, whose formula cells must be made inert:
    with a BOM (for Excel), or separated by semicolons (what a decimal comma brings) or tabs
    (a tab-separated file is opened by a spreadsheet far more often than by anything else).
    Only the plain comma-separated file without a BOM, a program's input, keeps every text
    exactly as recorded."""
    return bom or separator is not Separator.COMMA


def inert(text: str | None) -> str | None:
    """A text cell a spreadsheet will show, not run: a leading formula character is quoted."""
    return "'" + text if text and text.startswith(FORMULA_STARTS) else text


def _csv_rows(
    funder_names: dict[str, dict[str, str]], *, decimal: DecimalMark, spreadsheet: bool
) -> Callable[[Sequence[Any]], list[object]]:
    """The function making CSV rows straight from the selected columns: the download's hot
    loop, so no model is built (a test holds it equal, column by column, to the API's items).
    ``funder_names`` by org-id; amounts with a decimal comma when asked; for a spreadsheet,
    a funder's text that would start a formula is made inert."""

    def as_is(value: str | None) -> str | None:
        return value

    text = inert if spreadsheet else as_is
    # Per funder and per currency once, not per row: a download formats millions of rows.
    funder_cells = {
        org_id: [text(names.get(language)) for language in LANGUAGES]
        for org_id, names in funder_names.items()
    }
    no_funder: list[str | None] = [None] * len(LANGUAGES)
    no_statement: list[object] = [None] * 5  # legal_unit.unit … legal_unit.amount
    decimal_mark: Callable[[str], str] = (
        (lambda number: number.replace(".", ",")) if decimal is DecimalMark.COMMA else str
    )
    formatters: dict[str, Callable[[int], str]] = {}

    def money_of(currency: str) -> Callable[[int], str]:
        formatter = formatters.get(currency)
        if formatter is None:
            plain = amount_formatter(currency)
            formatter = (
                (lambda minor: plain(minor).replace(".", ","))
                if decimal is DecimalMark.COMMA
                else plain
            )
            formatters[currency] = formatter
        return formatter

    def row(award: Sequence[Any]) -> list[object]:
        (
            award_id,
            competition_id,
            funder_id,
            recipient_id,
            name_uz,
            name_ru,
            name_kk,
            name_en,
            instrument,
            status,
            title_uz,
            title_ru,
            title_kk,
            title_en,
            purpose_uz,
            purpose_ru,
            purpose_kk,
            purpose_en,
            amount,
            original_amount,
            disbursed,
            currency,
            award_date,
            period_start,
            period_end,
            region,
            legal_basis,
            themes,
            published_seq,
            completed_on,
            terminated_on,
            termination_reason,
            legal_unit,
            legal_multiplier,
            legal_unit_on,
            legal_unit_value,
            size_band,
            award_before_close,
            cap_override,
            last_report_on,
            source_id,
            published_at,
        ) = award
        money = money_of(currency)
        return [
            award_id,
            competition_id,
            funder_id,
            *funder_cells.get(funder_id, no_funder),
            recipient_id,
            text(name_uz),
            text(name_ru),
            text(name_kk),
            text(name_en),
            instrument,
            status,
            text(title_uz),
            text(title_ru),
            text(title_kk),
            text(title_en),
            text(purpose_uz),
            text(purpose_ru),
            text(purpose_kk),
            text(purpose_en),
            money(amount),
            money(original_amount),
            money(disbursed),
            currency,
            award_date.isoformat(),
            period_start and period_start.isoformat(),  # empty for a prize: it has none
            period_end and period_end.isoformat(),
            region,
            text(legal_basis),
            text("; ".join(themes)),
            published_seq,
            completed_on and completed_on.isoformat(),
            terminated_on and terminated_on.isoformat(),
            text(termination_reason),
            *(
                no_statement
                if legal_unit is None
                else stated(legal_unit, legal_multiplier, legal_unit_on, legal_unit_value, currency)
            ),
            size_band,
            text(award_before_close),
            text(cap_override),
            last_report_on and last_report_on.isoformat(),
            text(source_id),
            _json_time(published_at),
        ]

    def stated(unit: str, multiplier: str, on: date, value: int, currency: str) -> list[object]:
        """An amount stated in a legal unit, as the API's ``legal_unit`` says it: how many of
        the unit (a decimal string, with the download's decimal mark), the unit's value on
        that date in whole currency units, and the amount that gave."""
        minor = legal_units.minor_amount_of(Decimal(multiplier), value, currency)
        return [unit, decimal_mark(multiplier), on.isoformat(), value, money_of(currency)(minor)]

    return row


def _json_time(moment: datetime) -> str:
    """A time as JSON Lines writes it (pydantic's ISO 8601, UTC as ``Z``): read back in UTC
    (``UTCDateTime``), so its offset is always +00:00."""
    return moment.isoformat().removesuffix("+00:00") + "Z"


_FILE_NAME_PART = re.compile(r"[^A-Za-z0-9.]+")
MAX_FILE_NAME = 120


def download_name(stem: str, filters: search.AwardFilters, extension: str) -> str:
    """A file name that says what was asked: ``awards-2026-UZ-SA.csv``, from the year, region,
    funder, recipient, instrument, competition, status, currency and theme filters (ASCII
    letters, digits and dots only; long lists are cut)."""
    values = [
        *map(str, filters.year),
        *filters.region,
        *filters.funder,
        *filters.recipient,
        *filters.instrument,
        *filters.competition,
        *filters.status,
        *filters.currency,
        *filters.theme,
    ]
    return file_name(stem, values, extension)


def file_name(stem: str, values: Sequence[str], extension: str) -> str:
    """``stem`` and the filters' ``values`` as a download's file name (ASCII letters, digits
    and dots only, cut at ``MAX_FILE_NAME``)."""
    parts = [stem, *(_FILE_NAME_PART.sub("-", value).strip("-") for value in values)]
    name = "-".join(part for part in parts if part)[:MAX_FILE_NAME].rstrip("-")
    return f"{name}.{extension}"


def _funder_names(session: Session) -> dict[str, dict[str, str]]:
    """Every funder's names, by org-id."""
    funders = organization_service.find_many(session, search.funder_ids(session))
    return {org_id: organization_service.names_of(org) for org_id, org in funders.items()}


def _export(
    request: Request,
    filters: search.AwardFilters,
    sort: search.AwardSort,
    taken: Taken,
    *,
    columns: list[Any] | None = None,
) -> Generator[Sequence[Any], None, None]:
    """The matching awards, a batch at a time, from one snapshot on the downloads' own pool."""
    _, stream = _export_after(request, filters, sort, lambda _session: None, taken, columns=columns)
    return stream


Prelude = TypeVar("Prelude")


def _export_after(
    request: Request,
    filters: search.AwardFilters,
    sort: search.AwardSort,
    first: Callable[[Session], Prelude],
    taken: Taken,
    *,
    columns: list[Any] | None = None,
) -> tuple[Prelude, Generator[Sequence[Any], None, None]]:
    """What ``first`` reads, then the matching awards a batch at a time, all from one
    snapshot on the downloads' own pool (the replica's, when there is one).

    The connection is taken here, and ``first`` run, before the response starts, so that a
    busy pool is a 503 rather than a 200 cut short. The next batch is read while the current
    one is formatted; the session outlives both (it ends once the last batch has been
    consumed, not read), so ORM objects stay loaded for as long as the consumer needs them."""

    search.check_sort(filters, sort)

    def batches() -> Generator[Any, None, None]:
        with request.app.state.database.snapshot() as session:
            taken.note(session)
            yield first(session)
            yield from read_ahead(
                search.stream_awards(
                    session, filters, sort=sort, batch=EXPORT_BATCH, columns=columns
                )
            )

    stream = batches()
    return next(stream), stream


@router.get(
    "/awards.csv",
    summary="Download the matching awards as CSV (UTF-8, no row cap)",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}, "text/tab-separated-values": {}},
            "description": "CSV; with `sep=tab`, tab-separated values named `.tsv`.",
            "headers": LEDGER_SIZE_RESPONSE,
        },
        **problem_responses(400, 503),
    },
    tags=["downloads"],
)
def awards_csv(
    request: Request,
    filters: FiltersDep,
    sort: SortParam = search.AwardSort.AWARD_DATE_DESC,
    bom: Annotated[
        bool,
        Query(
            description="Start with a UTF-8 BOM, for spreadsheets (a spreadsheet's file: formula "
            "cells are quoted, as `sep` says)."
        ),
    ] = False,
    decimal: Annotated[
        DecimalMark,
        Query(
            description="`comma` writes amounts as 1234,50 for spreadsheets in locales that use "
            "a decimal comma (Russian, Uzbek, Kazakh); the separator is then `;` by default."
        ),
    ] = DecimalMark.POINT,
    sep: Annotated[
        Separator | None,
        Query(
            description="The field separator: `comma` (default), `semicolon` or `tab`. "
            "`semicolon` and `tab` make a spreadsheet's file, as `bom=true` and "
            "`decimal=comma` do: a text cell that would start a formula (`=`, `+`, `-`, `@`) "
            "is quoted with `'`. The plain comma CSV keeps every text as recorded. With "
            "`tab` the file is tab-separated values, `text/tab-separated-values`, named "
            "`awards-spreadsheet-….tsv`."
        ),
    ] = None,
) -> StreamingResponse:
    separator = sep or (Separator.SEMICOLON if decimal is DecimalMark.COMMA else Separator.COMMA)
    if decimal is DecimalMark.COMMA and separator is Separator.COMMA:
        raise BadRequest.for_field(
            "query.sep", "a comma cannot separate fields when it marks decimals: use semicolon"
        )
    # The funders' names from the rows' own snapshot: every funder of a row is among them.
    taken = Taken()
    funder_names, batches = _export_after(
        request, filters, sort, _funder_names, taken, columns=_CSV_SOURCE
    )
    row = _csv_rows(
        funder_names, decimal=decimal, spreadsheet=for_spreadsheet(bom=bom, separator=separator)
    )

    def rows() -> Iterator[str]:
        # One chunk per batch of rows: a send per row would cost more than the rows.
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=_SEPARATORS[separator], lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        with contextlib.closing(batches):  # the snapshot ends with the response
            yield ("\ufeff" if bom else "") + buffer.getvalue()
            for batch in batches:
                buffer.seek(0)
                buffer.truncate()
                writer.writerows(map(row, batch))
                yield buffer.getvalue()

    # The spreadsheet's file is named apart from the plain one, which a program reads, and the
    # tab-separated one apart from both: files saved from one search would otherwise take one
    # name, each overwriting the other in a Downloads folder.
    spreadsheet = for_spreadsheet(bom=bom, separator=separator)
    tabs = separator is Separator.TAB
    name = download_name(
        "awards-spreadsheet" if spreadsheet else "awards", filters, "tsv" if tabs else "csv"
    )
    return ClosingStreamingResponse(
        rows(),
        holds=batches,
        media_type=TSV_MEDIA_TYPE if tabs else CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **taken.headers()},
    )


@router.get(
    "/awards.jsonl",
    summary="Download the matching awards as JSON Lines (the list's item shape, no row cap)",
    response_class=StreamingResponse,
    responses={
        200: {"content": {JSONL_MEDIA_TYPE: {}}, "headers": LEDGER_SIZE_RESPONSE},
        **problem_responses(400, 503),
    },
    tags=["downloads"],
)
def awards_jsonl(
    request: Request, filters: FiltersDep, sort: SortParam = search.AwardSort.AWARD_DATE_DESC
) -> StreamingResponse:
    taken = Taken()
    batches = _export(request, filters, sort, taken)

    def lines() -> Iterator[bytes]:
        with contextlib.closing(batches):  # the snapshot ends with the response
            for batch in batches:
                yield b"".join(
                    to_summary(award).model_dump_json().encode() + b"\n" for award in batch
                )

    name = download_name("awards", filters, "jsonl")
    return ClosingStreamingResponse(
        lines(),
        holds=batches,
        media_type=JSONL_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"', **taken.headers()},
    )


def competition_filters(
    q: TextParam = None,
    funder: OrgIdsParam = None,
    instrument: InstrumentsParam = None,
    region: RegionsParam = None,
    theme: ListParam = None,
    status: Annotated[ListParam, each(member_of(CompetitionStatus))] = None,
    currency: CurrenciesParam = None,
    year: YearsParam = None,
) -> search.CompetitionFilters:
    """The competition filters the list (and the portal's competition search) shares."""
    return search.CompetitionFilters(
        q=q,
        funder=tuple(funder or ()),
        instrument=tuple(instrument or ()),
        region=tuple(region or ()),
        theme=list_values(theme),
        status=tuple(status or ()),
        currency=tuple(currency or ()),
        year=tuple(int(value) for value in year or ()),
    )


CompetitionFiltersDep = Annotated[search.CompetitionFilters, Depends(competition_filters)]


@router.get(
    "/competitions",
    summary="Search competitions: filters, full text, keyset pages",
    response_model=CompetitionPage,
    responses=problem_responses(400),
    tags=["competitions"],
)
def list_competitions(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: CompetitionFiltersDep,
    sort: Annotated[
        search.CompetitionSort,
        Query(
            description="closes (when applications close) or budget, -field for descending. "
            "Budgets are compared only within a currency: budget and -budget order by "
            "currency, then budget."
        ),
    ] = search.CompetitionSort.CLOSES_DESC,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> CompetitionPage:
    page = search.competition_page(
        session, filters, sort=sort, limit=limit, cursor=cursor, cursors=cursors
    )
    return CompetitionPage(
        items=[competition_summary(competition) for competition in page.items],
        next=next_url(request, page.cursor),
    )


def organization_filters(
    q: TextParam = None,
    kind: Annotated[ListParam, each(member_of(OrganizationKind))] = None,
    region: RegionsParam = None,
    country: ListParam = None,
    role: Annotated[
        list[str] | None,
        Query(
            description="funder (has given at least one award) or recipient (has received "
            "one); repeat or separate with commas, any matches. role=funder lists the funders."
        ),
        each(member_of(search.OrganizationRole)),
    ] = None,
) -> search.OrganizationFilters:
    """The organization filters the list (and the portal's organization search) shares."""
    return search.OrganizationFilters(
        q=q,
        kind=tuple(kind or ()),
        region=tuple(region or ()),
        country=tuple(value.upper() for value in list_values(country)),
        role=tuple(role or ()),
    )


OrganizationFiltersDep = Annotated[search.OrganizationFilters, Depends(organization_filters)]


@router.get(
    "/organizations",
    summary="Search funders and recipients by name (any language), registration number, region",
    response_model=OrganizationPage,
    responses=problem_responses(400),
    tags=["organizations"],
)
def list_organizations(
    request: Request,
    session: SessionDep,
    cursors: CursorsDep,
    filters: OrganizationFiltersDep,
    limit: LimitParam = DEFAULT_LIMIT,
    cursor: CursorParam = None,
) -> OrganizationPage:
    page = search.organization_page(session, filters, limit=limit, cursor=cursor, cursors=cursors)
    return OrganizationPage(
        items=[organization_read(organization) for organization in page.items],
        next=next_url(request, page.cursor),
    )


@router.get(
    "/organizations/{org_id}",
    summary="One organization, with what it gave and received by year and instrument",
    response_model=OrganizationWithTotals,
    responses=problem_responses(404),
    tags=["organizations"],
)
def get_organization(
    session: SessionDep, org_id: Annotated[str, Path(max_length=100)]
) -> OrganizationWithTotals:
    organization = organization_service.get(session, org_id)
    totals = search.organization_totals(session, organization.org_id)
    rows = {
        role: [
            OrganizationTotalRead(
                year=total.year,
                instrument=total.instrument,
                currency=total.currency,
                count=total.count,
                awarded=format_amount(total.awarded_minor, total.currency),
                disbursed=format_amount(total.disbursed_minor, total.currency),
            )
            for total in role_totals
        ]
        for role, role_totals in totals.items()
    }
    return OrganizationWithTotals(
        **dict(organization_read(organization)),
        given=rows["given"],
        received=rows["received"],
        oversight=oversight.of_organization(session, organization.org_id),
    )
