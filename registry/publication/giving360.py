"""Awards as 360Giving Data Standard 1.4.3 grants, as JSON and as the flattened CSV.

One grant per award, read from the award's current row (so after every amendment and
correction), with the recipient named as it was at award time. Grant ids are
``360G-<prefix>-<award id>``; organizations keep their org-ids (``UZ-STIR-…``, ``KZ-BIN-…``),
which is the scheme 360Giving itself uses. The CSV and the JSON are made from the same grant
dicts, so a row and a grant always agree; the CSV's column titles are read from the titles in
the shipped grant schema, the way 360Giving's own flattening tool names them
(``Recipient Org:Identifier``).

What the standard has no field for is carried in extension fields, which the 1.4.3 schema
allows on every object (the README has a table of them), so that
a registry's own export imported into another registry loses nothing the grant can say:

* ``title_<lang>`` and ``description_<lang>`` (the convention OCDS uses for translations):
  every language of the title and purpose; the plain ``title`` and ``description`` carry
  the first language, as before.
* ``legalBasis`` and ``awardBeforeClose`` (the reason for an award made before its
  competition closed).
* An award that has ended: ``awardStatus`` (``completed`` or ``terminated``) with the day it
  ended as the standard's ``actualDates[0].endDate``, and ``terminationReason``.
* On each organization: ``name_<lang>`` and ``legalForm``, and its kind as
  ``organisationType`` and its region as ``location[0]`` (both standard 360Giving fields).
* ``grantProgramme[0]`` is the award's competition: ``code`` its id, ``url`` its page, and
  (extensions) everything needed to publish it again: ``title_<lang>``,
  ``description_<lang>``, ``eligibility_<lang>``, ``year``, ``roundNumber``, ``budget``,
  ``currency``, ``applicationsOpen``, ``applicationsClose``, ``themes``, ``region``,
  ``legalBasis``.

In the CSV an extension column is named as 360Giving's flattening names a field the schema
does not know: the schema titles of the steps it has, then the field's own name
(``Recipient Org:name_ru``, ``Grant Programme:budget``); a list of codes is one cell,
separated by ``;``.

Amounts are ``Decimal`` values made from exact minor units: the schema types
``amountAwarded`` as a JSON number, and the router writes the exact decimal text; the CSV
writes the same text.

The functions above the "Reading" line are pure; the ones below read a page of awards and
what their grants refer to in a fixed number of queries.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from registry.awards import rules
from registry.awards.models import Award, AwardEvent
from registry.competitions.models import Competition
from registry.core.schemas import LANGUAGES
from registry.ledger.models import LedgerEntry
from registry.ledger.service import format_time
from registry.organizations.models import Organization
from registry.reference.money import format_amount, parse_amount
from registry.reference.regions import UnknownRegion, region_name

Document = dict[str, Any]

SCHEMA_DIR: Final = Path(__file__).parent / "standards" / "360giving"
# The package's `version` is major.minor by its schema's pattern; the data is 1.4.3.
SCHEMA_VERSION: Final = "1.4"
GRANT_ID_PREFIX: Final = "360G"
PUBLISHER_NAME: Final = "Grant and social-contract transparency registry"
AWARD_PATH: Final = "/api/v1/awards/{award_id}"
COMPETITION_PAGE: Final = "/competitions/{competition_id}"
"""A competition's page on the portal, for people: what ``grantProgramme[0].url`` links to."""
INSTRUMENT_VOCABULARY: Final = "registry:instrument"
THEME_VOCABULARY: Final = "registry:theme"
COUNTRY_CODE_LENGTH: Final = 2

INSTRUMENT_LABELS: Final[Mapping[str, str]] = {
    "grant": "Grant",
    "subsidy": "Subsidy",
    "social_contract": "State social order",
    "strategic_partnership": "Strategic partnership order",
    "prize": "Prize",
}

ORGANIZATION_COLUMNS: Final[tuple[tuple[str, ...], ...]] = (
    *((f"name_{language}",) for language in LANGUAGES),
    ("organisationType",),
    ("legalForm",),
    ("location", "countryCode"),
    ("location", "geoCode"),
)
PROGRAMME_COLUMNS: Final[tuple[tuple[str, ...], ...]] = (
    ("code",),
    ("title",),
    *((f"title_{language}",) for language in LANGUAGES),
    ("url",),
    *(
        (f"{field}_{language}",)
        for field in ("description", "eligibility")
        for language in LANGUAGES
    ),
    ("year",),
    ("roundNumber",),
    ("budget",),
    ("currency",),
    ("applicationsOpen",),
    ("applicationsClose",),
    ("themes",),
    ("region",),
    ("legalBasis",),
)

CSV_COLUMNS: Final[tuple[tuple[str, ...], ...]] = (
    ("id",),
    ("title",),
    *((f"title_{language}",) for language in LANGUAGES),
    ("description",),
    *((f"description_{language}",) for language in LANGUAGES),
    ("currency",),
    ("amountAwarded",),
    ("amountDisbursed",),
    ("awardDate",),
    ("plannedDates", "startDate"),
    ("plannedDates", "endDate"),
    ("recipientOrganization", "id"),
    ("recipientOrganization", "name"),
    ("recipientOrganization", "addressCountry"),
    *(("recipientOrganization", *path) for path in ORGANIZATION_COLUMNS),
    ("fundingOrganization", "id"),
    ("fundingOrganization", "name"),
    *(("fundingOrganization", *path) for path in ORGANIZATION_COLUMNS),
    ("beneficiaryLocation", "name"),
    ("beneficiaryLocation", "countryCode"),
    ("beneficiaryLocation", "geoCode"),
    *(("grantProgramme", *path) for path in PROGRAMME_COLUMNS),
    ("fromOpenCall",),
    ("fundingType", "vocabulary"),
    ("fundingType", "code"),
    ("legalBasis",),
    ("awardBeforeClose",),
    ("actualDates", "endDate"),
    ("awardStatus",),
    ("terminationReason",),
    ("dateModified",),
    ("dataSource",),
)
"""The CSV's columns as paths into a grant; an array step takes its first item, as the
schema's ``rollUp`` arrays are flattened (a grant has one recipient, funder, location).
The flattened CSV has no column for the grant's ``classifications`` (themes) or its
``disbursementTransaction`` list: those are in the JSON only."""


def grant_id(prefix: str, award_id: str) -> str:
    return f"{GRANT_ID_PREFIX}-{prefix}-{award_id}"


def _primary(text: Mapping[str, str] | None) -> str | None:
    """The text in the first language it has, in the registry's order (uz, ru, kk, en)."""
    if not text:
        return None
    return next((text[language] for language in LANGUAGES if text.get(language)), None)


def _amount(minor: int, currency: str) -> Decimal:
    return Decimal(format_amount(minor, currency))


def _names(organization: Organization | None) -> dict[str, str]:
    if organization is None:
        return {}
    return {
        language: value
        for language in LANGUAGES
        if (value := getattr(organization, f"name_{language}")) is not None
    }


def _country_name(code: str) -> str | None:
    try:
        return region_name(code)
    except UnknownRegion:
        return None


def _location(region: str) -> Document:
    """The award's region as a 360Giving location: ISO 3166-2 as the geographic code."""
    location: Document = {"countryCode": region[:COUNTRY_CODE_LENGTH]}
    name = _country_name(region)
    if name is not None:
        location["name"] = name
    if len(region) > COUNTRY_CODE_LENGTH:
        location["geoCode"] = region
    return location


def _translations(field: str, text: Mapping[str, str] | None) -> Document:
    """``field_<lang>`` for every language ``text`` has (an extension: the plain field holds
    only the first language)."""
    return {
        f"{field}_{language}": value
        for language in LANGUAGES
        if (value := (text or {}).get(language))
    }


def _organization(names: Mapping[str, str], organization: Organization | None) -> Document:
    """An organization's names in every language (extensions), and its kind and region as
    360Giving's ``organisationType`` and ``location``."""
    fields: Document = _translations("name", names)
    if organization is not None:
        fields["organisationType"] = organization.kind
        if organization.legal_form is not None:
            fields["legalForm"] = organization.legal_form
        if organization.region is not None:
            fields["location"] = [_location(organization.region)]
    return fields


def _programme(competition: Competition, public_url: str) -> Document:
    """The award's competition as its ``grantProgramme``: the standard's code, title and url,
    and as extensions what another registry needs to publish the competition again."""
    programme: Document = {
        "code": competition.id,
        "title": _primary(competition.title) or competition.id,
        **_translations("title", competition.title),
        "url": public_url.rstrip("/") + COMPETITION_PAGE.format(competition_id=competition.id),
        **_translations("description", competition.description),
        **_translations("eligibility", competition.eligibility),
        "year": competition.year,
    }
    if competition.round_number is not None:
        programme["roundNumber"] = competition.round_number
    programme["budget"] = _amount(competition.budget_minor, competition.currency)
    programme["currency"] = competition.currency
    programme["applicationsOpen"] = format_time(competition.opens_at)
    programme["applicationsClose"] = format_time(competition.closes_at)
    if competition.themes:
        programme["themes"] = list(competition.themes)
    if competition.region is not None:
        programme["region"] = competition.region
    if competition.legal_basis is not None:
        programme["legalBasis"] = competition.legal_basis
    return programme


def _planned_dates(award: Award) -> Document:
    """The implementation period as ``plannedDates``; none for a prize, which has no period
    (a fixed sum, no project), rather than a made-up one."""
    if award.period_start is None or award.period_end is None:
        return {}
    return {
        "plannedDates": [
            {"startDate": award.period_start.isoformat(), "endDate": award.period_end.isoformat()}
        ]
    }


def grant(
    award: Award,
    *,
    prefix: str,
    public_url: str,
    organizations: Mapping[str, Organization],
    programmes: Mapping[str, Competition],
    modified: datetime,
    disbursements: Sequence[rules.Event] | None = None,
) -> Document:
    """The 360Giving grant for ``award`` (its current row).

    ``disbursements`` are the award's effective ``award.disbursed`` events (corrections
    applied, voided ones left out); given, they become ``disbursementTransaction``.
    """
    identifier = grant_id(prefix, award.id)
    title = _primary(award.title) or award.id
    recipient_org: Document = {
        "id": award.recipient_id,
        "name": _primary(award.recipient_name) or award.recipient_id,  # as at award time
    }
    recipient = organizations.get(award.recipient_id)
    if recipient is not None and (country := _country_name(recipient.country)) is not None:
        recipient_org["addressCountry"] = country
    recipient_org.update(_organization(award.recipient_name, recipient))
    funder = organizations.get(award.funder_id)
    funder_names = _names(funder)
    funder_org: Document = {
        "id": award.funder_id,
        "name": _primary(funder_names) or award.funder_id,
    }
    funder_org.update(_organization(funder_names, funder))
    document: Document = {
        "id": identifier,
        "title": title,
        **_translations("title", award.title),
        "description": _primary(award.purpose) or title,
        **_translations("description", award.purpose),
        "currency": award.currency,
        "amountAwarded": _amount(award.amount_minor, award.currency),
        "amountDisbursed": _amount(award.disbursed_minor, award.currency),
        "awardDate": award.award_date.isoformat(),
        **_planned_dates(award),
        "recipientOrganization": [recipient_org],
        "fundingOrganization": [funder_org],
    }
    if award.region:
        document["beneficiaryLocation"] = [_location(award.region)]
    if award.competition_id is not None:
        programme = programmes.get(award.competition_id)
        document["grantProgramme"] = [
            _programme(programme, public_url)
            if programme is not None
            else {"code": award.competition_id, "title": award.competition_id}
        ]
    document["fromOpenCall"] = "Yes" if award.competition_id else "No"
    document["fundingType"] = [
        {
            "vocabulary": INSTRUMENT_VOCABULARY,
            "code": award.instrument,
            "title": INSTRUMENT_LABELS.get(award.instrument, award.instrument),
        }
    ]
    if award.themes:
        document["classifications"] = [
            {"vocabulary": THEME_VOCABULARY, "code": theme, "title": theme}
            for theme in award.themes
        ]
    if disbursements is not None:
        document["disbursementTransaction"] = [
            {
                "id": f"{identifier}-{event.seq}",
                "transactionDate": event.body["date"],
                "currency": award.currency,
                "value": _amount(
                    parse_amount(event.body["amount"], award.currency), award.currency
                ),
                "provider": award.funder_id,
                "recipient": award.recipient_id,
            }
            for event in disbursements
        ]
    ended = award.completed_on or award.terminated_on
    if ended is not None:
        document["actualDates"] = [{"endDate": ended.isoformat()}]
        document["awardStatus"] = award.status
    if award.termination_reason is not None:
        document["terminationReason"] = award.termination_reason
    if award.legal_basis is not None:
        document["legalBasis"] = award.legal_basis
    if award.award_before_close is not None:
        document["awardBeforeClose"] = award.award_before_close
    document["dateModified"] = format_time(modified)
    document["dataSource"] = public_url.rstrip("/") + AWARD_PATH.format(award_id=award.id)
    return document


def package_metadata(public_url: str) -> Document:
    """The package's fields that do not depend on its grants: the same on every page of the
    feed and in the whole download."""
    return {
        "version": SCHEMA_VERSION,
        "publisher": {"name": PUBLISHER_NAME, "website": public_url},
    }


def last_modified(dates: Iterable[str]) -> str:
    """The package's ``modified``: its newest grant's ``dateModified`` (now, if it has none)."""
    return max(dates, default=None) or format_time(datetime.now(UTC))


def grants_package(
    grants: Sequence[Document], *, public_url: str, next_url: str | None
) -> Document:
    """A 360Giving package. The package schema allows properties it does not name, so the
    house ``next`` link sits at its top level."""
    return {
        **package_metadata(public_url),
        "modified": last_modified(str(item["dateModified"]) for item in grants),
        "grants": list(grants),
        "next": next_url,
    }


@cache
def grant_schema() -> Document:
    """The 360Giving 1.4.3 grant schema shipped in the package."""
    loaded: Document = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text("utf-8"))
    return loaded


def schema_steps(path: Sequence[str]) -> list[tuple[str, bool]]:
    """Each step of ``path`` into a grant as (its column title, whether it is an array):
    the schema's ``title``, or for a step the schema does not know (an extension field, and
    anything under it) its own name."""
    schema = grant_schema()
    node: Document | None = schema
    steps = []
    for step in path:
        node = node.get("properties", {}).get(step) if node is not None else None
        if node is not None and "$ref" in node:
            node = _resolve(schema, node["$ref"])
        is_array = node is not None and node.get("type") == "array"
        steps.append((node.get("title", step) if node is not None else step, is_array))
        if node is not None and is_array:
            items = node.get("items", {})
            node = _resolve(schema, items["$ref"]) if "$ref" in items else None
    return steps


def column_title(path: Sequence[str]) -> str:
    """The flattened column title of ``path``, as 360Giving's flattening names columns:
    each step's title joined by ':' (``Recipient Org:Identifier``, ``Recipient Org:name_ru``)."""
    return ":".join(title for title, _ in schema_steps(path))


def _resolve(schema: Document, reference: str) -> Document:
    node: Document = schema
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node


@cache
def csv_header() -> tuple[str, ...]:
    return tuple(column_title(path) for path in CSV_COLUMNS)


def csv_row(document: Document) -> list[str]:
    """One grant as CSV cells: amounts as their exact decimal text, absent values empty."""
    cells = []
    for path in CSV_COLUMNS:
        value: Any = document
        for step in path:
            if isinstance(value, list):
                value = value[0] if value else None
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, list):  # a list of codes (a programme's themes)
            value = ";".join(str(item) for item in value)
        cells.append("" if value is None else str(value))
    return cells


# --- Reading (the database side) ---------------------------------------------------------------


def read_grants(
    session: Session,
    *,
    prefix: str,
    public_url: str,
    after: str | None,
    limit: int,
    where: Sequence[ColumnElement[bool]],
    transactions: bool,
) -> tuple[list[Document], str | None]:
    """Up to ``limit`` grants with award ids after ``after``, by award id, and the award id
    to continue after (None on the last page): a keyset on the primary key, never OFFSET."""
    statement = select(Award).where(*where)
    if after is not None:
        statement = statement.where(Award.id > after)
    awards = list(session.execute(statement.order_by(Award.id).limit(limit + 1)).scalars())
    more = len(awards) > limit
    awards = awards[:limit]
    if not awards:
        return [], None
    grants = grants_of(
        session, awards, prefix=prefix, public_url=public_url, transactions=transactions
    )
    return grants, awards[-1].id if more else None


def grants_of(
    session: Session,
    awards: Sequence[Award],
    *,
    prefix: str,
    public_url: str,
    transactions: bool,
) -> list[Document]:
    """These awards as grants, in their order, with what each names read in a few queries for
    them all (a page of the feed, or a batch of a download in the order a search asked)."""
    if not awards:
        return []
    org_ids = {award.funder_id for award in awards} | {award.recipient_id for award in awards}
    organizations = {
        row.org_id: row
        for row in session.execute(
            select(Organization).where(Organization.org_id.in_(sorted(org_ids)))
        ).scalars()
    }
    competition_ids = sorted({award.competition_id for award in awards if award.competition_id})
    programmes = {
        row.id: row
        for row in session.execute(
            select(Competition).where(Competition.id.in_(competition_ids))
        ).scalars()
    }
    seqs = sorted({award.updated_seq for award in awards})
    modified: dict[int, datetime] = dict(
        session.execute(
            select(LedgerEntry.seq, LedgerEntry.time).where(LedgerEntry.seq.in_(seqs))
        ).all()
    )
    disbursements = _disbursements(session, [award.id for award in awards]) if transactions else {}
    return [
        grant(
            award,
            prefix=prefix,
            public_url=public_url,
            organizations=organizations,
            programmes=programmes,
            modified=modified[award.updated_seq],
            disbursements=disbursements.get(award.id, []) if transactions else None,
        )
        for award in awards
    ]


def _disbursements(session: Session, award_ids: list[str]) -> dict[str, list[rules.Event]]:
    """Each award's disbursements as its rules read them: corrections applied, voids gone."""
    statement = (
        select(AwardEvent).where(AwardEvent.award_id.in_(award_ids)).order_by(AwardEvent.seq)
    )
    events: dict[str, list[rules.Event]] = {}
    for row in session.execute(statement).scalars():
        events.setdefault(row.award_id, []).append(rules.Event(row.seq, row.kind, row.body))
    return {
        award_id: [
            event for event in rules.effective_events(history)[0] if event.kind == "award.disbursed"
        ]
        for award_id, history in events.items()
    }
