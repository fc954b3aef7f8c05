"""OCDS 1.1 release packages and record packages read into competition and award rows.

Releases are read in order (a release package's releases by ``date``, which the registry's
own feed gives in ledger order; a record's embedded releases likewise; a record with only
a ``compiledRelease`` is read as one release), keeping the state of every competition and
award met so far, so that each release becomes what changed in it:

* A ``tender`` that is not ``direct`` is a competition (``source_id`` = the ocid): its
  title, description and eligibility (``_<lang>`` translations), budget (``value``),
  application window (``tenderPeriod``, with its offsets), instrument (from
  ``procurementMethodDetails``: "Grant competition"…) and legal basis
  (``planning.rationale``). The programme year is not in OCDS: it is taken from the year
  the window opens. A later ``amendments`` entry is an ``amended`` event with the fields
  that differ, a ``cancelled`` status a ``cancelled`` event (its reason from the
  ``cancellationDetails`` document), a met ``assessment`` milestone ``results_published``
  (``numberOfTenderers`` and the counts its description gives).
* Each award (``source_id`` = ``<ocid>/<award id>``, as award ids are unique only within
  a process) is published by the buyer to its first supplier, for ``contracts[].value``
  (else ``awards[].value``), over ``contracts[].period`` (else ``contractPeriod``; neither
  for a prize, which has no period, as the registry's export writes it), on
  ``awards[].date``. In a process with a competition it is linked to it and takes its
  instrument; in a ``direct`` process its instrument is read from
  ``procurementMethodDetails`` ("Direct subsidy") and its legal basis from
  ``procurementMethodRationale``.
* ``contracts[].implementation``: a new transaction is a ``disbursed`` event, a new
  ``physicalProgressReport`` document a ``reported`` one, a met milestone ``completed``, a
  not-met one ``terminated``.
* ``contracts[].amendments``: in a release tagged ``contractAmendment``, an ``amended``
  event with the new value and period; in any other release it is a correction (the
  registry's own export lists corrections there): of the transactions the release gives
  again with the same id (voided where their value is null), otherwise of the award's
  publication, or of its last amendment if it has one.

* The registry's own extension fields, where given (its export writes them): a party's
  ``details`` (``kind``, ``legalForm``, ``region``), a tender's ``programmeYear``,
  ``roundNumber``, ``themes`` and ``region``, an award's ``themes``, ``region``,
  ``legalBasis`` and ``awardBeforeClose``, a results milestone's ``note_<lang>``, and a
  correction's ``correctsReleaseID``, which names the release of the entry it corrects
  (a publication, an amendment, a transaction, a report or a milestone) so that the
  correction is filed against that entry rather than guessed.

Dates are read as the day written, in the publisher's own offset. Amounts are parsed as
``Decimal``; organizations are registered as for 360Giving (the buyer as ``other``, a
supplier as ``ngo``), with their ``name_<lang>`` translations and their region where the
party's address names one.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from registry.core.schemas import Instrument
from registry.imports.fields import (
    COUNTRY_CODE_LENGTH,
    FieldReader,
    codes,
    load_json,
    localized,
    parse_day,
    rejected,
    translations,
)
from registry.imports.report import Problem
from registry.imports.rows import (
    PUBLICATION,
    AwardRow,
    CompetitionRow,
    EventRow,
    EventsRow,
    OrganizationRef,
    Row,
    Unreadable,
    source_mark,
)
from registry.organizations.schemas import OrganizationKind
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id
from registry.reference.regions import UnknownRegion, regions_of
from registry.reference.zones import local_zone

INSTRUMENT_LABELS: Final[Mapping[str, str]] = {
    "grant": "grant",
    "subsidy": "subsidy",
    "state social order": "social_contract",
    "social order": "social_contract",
    "strategic partnership order": "strategic_partnership",
    "prize": "prize",
}
"""``procurementMethodDetails`` wording (as the registry's export writes it, in lower case,
without "Direct " or " competition") → instrument."""

APPLICATIONS: Final = re.compile(r"\s*Applications received: (\d+)\.")
APPLICANTS: Final = re.compile(r"\s*Organizations that applied: (\d+)\.")
DEFAULT_RESULTS_NOTE: Final = "Results published."
TERMINATION_REASON: Final = "terminated early, as the publisher recorded it"
ITEM_SOURCES: Final = ("transaction:", "document:", "milestone:")
"""How the source ids of events that add an item to a contract's implementation begin."""
LEGAL_BASIS_MAX: Final = 500
REASON_MAX: Final = 4000


def read_json(content: bytes) -> list[Row]:
    """The rows of an OCDS release package or record package."""
    document = load_json(content)
    releases = _releases(document)
    reader = _Reader()
    rows: list[Row] = []
    for place, release in releases:
        rows.extend(reader.release(place, release))
    return rows


def _releases(document: Any) -> list[tuple[str, Any]]:
    """(place in the file, release), in the order they happened."""
    if isinstance(document, dict) and isinstance(document.get("releases"), list):
        return _in_order([(f"releases[{i}]", r) for i, r in enumerate(document["releases"])])
    if not (isinstance(document, dict) and isinstance(document.get("records"), list)):
        raise rejected("an OCDS file is a release package (releases) or a record package (records)")
    found: list[tuple[str, Any]] = []
    for index, record in enumerate(document["records"]):
        place = f"records[{index}]"
        embedded = record.get("releases") if isinstance(record, dict) else None
        if isinstance(embedded, list) and all(
            isinstance(item, dict) and "ocid" in item for item in embedded
        ):
            found.extend(_in_order([(f"{place}.releases[{i}]", r) for i, r in enumerate(embedded)]))
        elif isinstance(record, dict) and isinstance(record.get("compiledRelease"), dict):
            found.append((f"{place}.compiledRelease", record["compiledRelease"]))
        else:
            raise rejected("a record needs embedded releases or a compiled release", place)
    return found


def _in_order(releases: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """By ``date`` (ties and undated releases keep the file's order); as given if any date
    cannot be read, since order is then the publisher's only statement."""
    dates: list[datetime] = []
    for _, release in releases:
        try:
            dates.append(datetime.fromisoformat(str(release["date"])))
        except (KeyError, TypeError, ValueError):
            return releases
    if any(moment.tzinfo is None for moment in dates):
        return releases
    order = sorted(range(len(releases)), key=lambda i: (dates[i], i))
    return [releases[i] for i in order]


# --- State kept between releases ------------------------------------------------------------


@dataclass
class _Competition:
    funder_id: str
    instrument: str
    view: dict[str, Any]
    status: str | None
    amendments: set[str] = field(default_factory=set)
    results: bool = False


@dataclass
class _Award:
    source_id: str
    funder_id: str
    currency: str
    view: dict[str, Any]  # amount, period, title, purpose as last seen
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    amendments: set[str] = field(default_factory=set)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_amendment: str | None = None  # the source id of the last amended event
    releases: dict[str, str] = field(default_factory=dict)  # release id -> event source id


def _instrument(details: Any, *, direct: bool) -> str | None:
    if not isinstance(details, str):
        return None
    words = details.strip().lower()
    words = words.removeprefix("direct ") if direct else words.removesuffix(" competition")
    return INSTRUMENT_LABELS.get(words)


def _region_by_name(country: str, name: Any) -> str | None:
    if not isinstance(name, str):
        return None
    try:
        return next((code for code, known in regions_of(country) if known == name), None)
    except UnknownRegion:
        return None


class _Reader:
    """Reads releases in order, remembering what each competition and award looked like."""

    def __init__(self) -> None:
        self.competitions: dict[str, _Competition] = {}
        self.awards: dict[tuple[str, str], _Award] = {}
        self.failed: set[str] = set()  # ocids a release failed to read: the rest is noise

    def release(self, place: str, release: Any) -> list[Row]:
        identifier = release.get("id") if isinstance(release, dict) else None
        row = f"{place} ({identifier})" if isinstance(identifier, str) else place
        if not isinstance(release, dict):
            return [Unreadable(row, [Problem(row, "", "a release is a JSON object")])]
        reader = FieldReader(release, lambda path: path)
        ocid = reader.text(release, "ocid", "ocid")
        if ocid is None:
            return [Unreadable(row, [Problem(row, field, msg) for field, msg in reader.problems])]
        if ocid in self.failed or _oversight_only(release):
            return []
        context = _Release(self, reader, row, ocid, release)
        rows = context.read()
        if reader.problems:
            self.failed.add(ocid)
            return [Unreadable(row, [Problem(row, field, msg) for field, msg in reader.problems])]
        context.commit()
        return rows


PROCESS_ONLY_KEYS: Final = frozenset({"ocid", "id", "date", "tag", "initiationType", "language"})


def _oversight_only(release: dict[str, Any]) -> bool:
    """A release that only updates public oversight conclusions (``complaints`` documents with
    the registry's ``oversight`` extension): there is no award or competition in it to import,
    and a conclusion belongs to its overseer, whose key an import does not hold."""

    def documents_only(item: Any) -> bool:
        return (
            isinstance(item, dict)
            and set(item) <= {"id", "documents"}
            and all(isinstance(d, dict) and "oversight" in d for d in item.get("documents", []))
        )

    rest = set(release) - PROCESS_ONLY_KEYS
    if not rest or not rest <= {"tender", "awards"}:
        return False
    tender_ok = "tender" not in release or documents_only(release["tender"])
    awards = release.get("awards", [])
    awards_ok = isinstance(awards, list) and all(documents_only(award) for award in awards)
    return tender_ok and awards_ok


class _Release:
    """One release: the rows it makes, and the state it leaves (kept only if it reads)."""

    def __init__(
        self, state: _Reader, reader: FieldReader, row: str, ocid: str, release: dict[str, Any]
    ) -> None:
        self.state = state
        self.reader = reader
        self.row = row
        self.ocid = ocid
        self.release = release
        tags = release.get("tag")
        self.tags = (
            {tag for tag in tags if isinstance(tag, str)} if isinstance(tags, list) else set()
        )
        self.parties = {
            party["id"]: party
            for party in release.get("parties", [])
            if isinstance(party, dict) and isinstance(party.get("id"), str)
        }
        self.updates: list[Callable[[], None]] = []

    def release_country(self) -> str:
        buyer = self.release.get("buyer")
        identifier = buyer.get("id") if isinstance(buyer, dict) else None
        return identifier[:COUNTRY_CODE_LENGTH].upper() if isinstance(identifier, str) else ""

    def commit(self) -> None:
        for update in self.updates:
            update()

    def read(self) -> list[Row]:
        rows: list[Row] = []
        tender = self.release.get("tender")
        direct = isinstance(tender, dict) and tender.get("procurementMethod") == "direct"
        funder = self._funder()
        if funder is None:
            return rows
        if isinstance(tender, dict) and not direct:
            rows.extend(self._competition(tender, funder))
        contracts = self.release.get("contracts")
        contracts = contracts if isinstance(contracts, list) else []
        awards = self.release.get("awards")
        for index, award in enumerate(awards if isinstance(awards, list) else []):
            if not isinstance(award, dict):
                self.reader.problem(f"awards[{index}]", "an award is a JSON object")
                continue
            contract_index, contract = next(
                (
                    (i, item)
                    for i, item in enumerate(contracts)
                    if isinstance(item, dict) and item.get("awardID") == award.get("id")
                ),
                (None, None),
            )
            rows.extend(
                self._award(
                    index,
                    award,
                    contract_index,
                    contract,
                    funder,
                    tender if direct and isinstance(tender, dict) else None,
                )
            )
        return rows

    # --- Organizations ---

    def _organization(
        self, reference: Any, path: str, kind: OrganizationKind
    ) -> OrganizationRef | None:
        if not isinstance(reference, dict):
            self.reader.problem(path, "is required")
            return None
        raw_id = self.reader.text(reference, "id", f"{path}.id")
        name = self.reader.text(reference, "name", f"{path}.name")
        if raw_id is None or name is None:
            return None
        try:
            org_id = normalize_org_id(raw_id)
        except InvalidIdentifier as exc:
            self.reader.problem(f"{path}.id", str(exc))
            return None
        party = self.parties.get(raw_id, {})
        country = org_id[:COUNTRY_CODE_LENGTH]
        address = party.get("address")
        given = party.get("details")
        details: dict[str, Any] = given if isinstance(given, dict) else {}
        region = (
            _region_by_name(country, address.get("region")) if isinstance(address, dict) else None
        )
        if isinstance(details.get("region"), str):
            region = details["region"]
        if details.get("kind") in {known.value for known in OrganizationKind}:
            kind = OrganizationKind(details["kind"])
        legal_form = details.get("legalForm")
        return OrganizationRef(
            org_id=org_id,
            name=localized(name, translations(party, "name"), country),
            kind=kind,
            region=region,
            fields={
                "org_id": f"{path}.id",
                "name": f"{path}.name",
                "region": "parties",
                "kind": "parties",
                "legal_form": "parties",
            },
            legal_form=legal_form if isinstance(legal_form, str) else None,
        )

    def _funder(self) -> OrganizationRef | None:
        buyer = self.release.get("buyer")
        tender = self.release.get("tender")
        if buyer is None and isinstance(tender, dict):
            return self._organization(
                tender.get("procuringEntity"), "tender.procuringEntity", OrganizationKind.OTHER
            )
        return self._organization(buyer, "buyer", OrganizationKind.OTHER)

    # --- Competitions ---

    def _competition(self, tender: dict[str, Any], funder: OrganizationRef) -> list[Row]:
        reader = self.reader
        value = tender.get("value") if isinstance(tender.get("value"), dict) else None
        currency = reader.currency(value, "currency", "tender.value.currency")
        budget = reader.amount((value or {}).get("amount"), currency, "tender.value.amount")
        period = (
            tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else None
        )
        opens = reader.text(period, "startDate", "tender.tenderPeriod.startDate")
        closes = reader.text(period, "endDate", "tender.tenderPeriod.endDate")
        country = funder.org_id[:COUNTRY_CODE_LENGTH]
        # Instants, often in UTC in others' files: stated in the zone the competition's
        # deadlines are counted in, whose offsets a window must carry.
        region = tender.get("region") if isinstance(tender.get("region"), str) else None
        zone = local_zone(region, funder.org_id, country)
        opens, closes = _in_zone(opens, zone), _in_zone(closes, zone)
        title = reader.text(tender, "title", "tender.title")
        planning = self.release.get("planning")
        view: dict[str, Any] = {
            "title": localized(title, translations(tender, "title"), country),
            "description": _texts(tender, "description", country),
            "eligibility": _texts(tender, "eligibilityCriteria", country),
            "budget": budget,
            "window": {"opens": opens, "closes": closes},
        }
        # The registry's extensions, amendable like the rest where a release gives them.
        for name, key in (("themes", "themes"), ("region", "region")):
            if key in tender:
                view[name] = codes(tender[key]) if name == "themes" else tender[key]
        if isinstance(planning, dict) and "rationale" in planning:
            view["legal_basis"] = _text_or_none(planning["rationale"])
        status = tender.get("status") if isinstance(tender.get("status"), str) else None
        known = self.state.competitions.get(self.ocid)
        events = self._competition_events(tender, known, view, status)
        if reader.problems or budget is None or opens is None or closes is None:
            return []
        if known is None:
            instrument = _instrument(tender.get("procurementMethodDetails"), direct=False)
            state = _Competition(
                funder_id=funder.org_id,
                instrument=instrument or Instrument.GRANT.value,
                view=view,
                status=status,
            )
            self._remember_competition(state, tender)
            year = tender.get("programmeYear")
            round_number = tender.get("roundNumber")
            body = {
                "funder_id": funder.org_id,
                "instrument": state.instrument,
                "year": year if isinstance(year, int) else _year(opens),
                "round_number": round_number if isinstance(round_number, int) else None,
                "title": view["title"],
                "description": view["description"],
                "eligibility": view["eligibility"],
                "themes": view.get("themes") or [],
                "budget": budget,
                "currency": currency,
                "window": view["window"],
                "region": view.get("region"),
                "legal_basis": view.get("legal_basis"),
                "source_id": self.ocid,
            }
            return [
                CompetitionRow(
                    row=self.row,
                    source_id=self.ocid,
                    funder=funder,
                    competition=body,
                    # A year the release states is named as it states it; one derived
                    # from the window's start, by that start.
                    fields=_PROGRAMME_YEAR_FIELDS if isinstance(year, int) else _COMPETITION_FIELDS,
                    events=events,
                )
            ]
        self._remember_competition(known, tender, view=view, status=status)
        if not events:
            return []
        return [EventsRow(self.row, "competition", known.funder_id, self.ocid, events)]

    def _remember_competition(
        self,
        state: _Competition,
        tender: dict[str, Any],
        *,
        view: dict[str, Any] | None = None,
        status: str | None = None,
    ) -> None:
        def update() -> None:
            if view is not None:
                state.view = view
                state.status = status
            state.amendments |= _ids(tender.get("amendments"))
            state.results = state.results or _results_milestone(tender) is not None
            self.state.competitions[self.ocid] = state

        self.updates.append(update)

    def _competition_events(
        self,
        tender: dict[str, Any],
        known: _Competition | None,
        view: dict[str, Any],
        status: str | None,
    ) -> list[EventRow]:
        events: list[EventRow] = []
        amendments = tender.get("amendments")
        for index, amendment in enumerate(amendments if isinstance(amendments, list) else []):
            if known is None or not isinstance(amendment, dict):
                break
            amendment_id = str(amendment.get("id"))
            if amendment_id in known.amendments:
                continue
            changes = {name: value for name, value in view.items() if value != known.view.get(name)}
            if not changes:
                continue
            source = f"tender-amendment:{amendment_id}"
            events.append(
                EventRow(
                    source_id=source,
                    body={
                        "type": "amended",
                        "changes": changes,
                        "reason": _reason(amendment.get("rationale"), source),
                    },
                    fields={
                        "": f"tender.amendments[{index}]",
                        "changes.budget": "tender.value.amount",
                        "changes.window": "tender.tenderPeriod",
                        "changes.title": "tender.title",
                        "changes.themes": "tender.themes",
                        "changes.region": "tender.region",
                        "changes.legal_basis": "planning.rationale",
                        "reason": f"tender.amendments[{index}].rationale",
                    },
                )
            )
        was_cancelled = known is not None and known.status == "cancelled"
        if status == "cancelled" and not was_cancelled:
            events.append(
                EventRow(
                    source_id="tender-cancellation",
                    body={"type": "cancelled", "reason": _cancellation_reason(tender)},
                    fields={"": "tender.status"},
                )
            )
        milestone = _results_milestone(tender)
        if milestone is not None and not (known is not None and known.results):
            country = self.release_country()
            events.append(self._results(tender, milestone, country))
        return events

    def _results(self, tender: dict[str, Any], milestone: dict[str, Any], country: str) -> EventRow:
        """The registry's export appends the counts to the note; they are read back out."""
        text = str(milestone.get("description") or "")
        received = APPLICATIONS.search(text)
        applicants = tender.get("numberOfTenderers")
        note = APPLICANTS.sub("", APPLICATIONS.sub("", text)).strip()
        body: dict[str, Any] = {
            "type": "results_published",
            "applications_received": int(received.group(1)) if received else None,
            "applicant_organizations": applicants if isinstance(applicants, int) else None,
            "note": translations(milestone, "note")
            or (localized(note, {}, country) if note and note != DEFAULT_RESULTS_NOTE else None),
        }
        return EventRow(source_id="tender-results", body=body, fields={"": "tender.milestones"})

    # --- Awards ---

    def _award(
        self,
        index: int,
        award: dict[str, Any],
        contract_index: int | None,
        contract: dict[str, Any] | None,
        funder: OrganizationRef,
        direct: dict[str, Any] | None,
    ) -> list[Row]:
        reader = self.reader
        base = f"awards[{index}]"
        cbase = f"contracts[{contract_index}]"
        award_id = reader.text(award, "id", f"{base}.id")
        holder, holder_path = (contract, cbase) if contract is not None else (award, base)
        value = holder.get("value") if isinstance(holder.get("value"), dict) else None
        currency = reader.currency(value, "currency", f"{holder_path}.value.currency")
        amount = reader.amount((value or {}).get("amount"), currency, f"{holder_path}.value.amount")
        period_key = "period" if contract is not None else "contractPeriod"
        period_path = f"{holder_path}.{period_key}"
        period, period_read = self._award_period(holder, period_key, period_path)
        award_date = reader.day(award, "date", f"{base}.date")
        suppliers = award.get("suppliers")
        recipient = self._organization(
            suppliers[0] if isinstance(suppliers, list) and suppliers else None,
            f"{base}.suppliers[0]",
            OrganizationKind.NGO,
        )
        country = funder.org_id[:COUNTRY_CODE_LENGTH]
        title = award.get("title")
        view: dict[str, Any] = {
            "amount": amount,
            "period": period,
            "title": localized(
                title if isinstance(title, str) else None, translations(award, "title"), country
            ),
            "purpose": _texts(award, "description", country),
            "award_date": award_date,
        }
        # The registry's extensions (and, of a direct award, its legal basis).
        rationale = (direct or {}).get("procurementMethodRationale")
        extensions = {
            "themes": ("themes", codes),
            "region": ("region", _text_or_none),
            "legal_basis": ("legalBasis", _text_or_none),
        }
        for name, (extension, read) in extensions.items():
            if extension in award:
                view[name] = read(award[extension])
        if "legal_basis" not in view and direct is not None:
            view["legal_basis"] = _text_or_none(rationale)
        if award_id is None or currency is None or recipient is None:
            return []
        key = (self.ocid, award_id)
        known = self.state.awards.get(key)
        state = known or _Award(
            source_id=f"{self.ocid}/{award_id}",
            funder_id=funder.org_id,
            currency=currency,
            view=view,
        )
        events = self._award_events(state, known is not None, view, contract, cbase)
        if reader.problems or amount is None or not period_read:
            return []
        if known is not None:
            return (
                [EventsRow(self.row, "award", state.funder_id, state.source_id, events)]
                if events
                else []
            )
        body = {
            "funder_id": funder.org_id,
            "recipient_id": recipient.org_id,
            "instrument": self._award_instrument(direct),
            "title": view["title"],
            "purpose": view["purpose"],
            "amount": amount,
            "currency": currency,
            "award_date": award_date,
            # None but a prize's, which has none (any other is refused as missing one).
            **({"period": period} if period is not None else {}),
            "themes": view.get("themes") or [],
            "region": view.get("region"),
            "legal_basis": view.get("legal_basis"),
            "source_id": state.source_id,
        }
        before_close = _text_or_none(award.get("awardBeforeClose"))
        if before_close is not None:
            body["award_before_close"] = before_close
        competition_source_id = None
        if direct is not None:
            body["legal_basis"] = (
                view.get("legal_basis")
                or f"as published in OCDS data, {self.ocid}"[:LEGAL_BASIS_MAX]
            )
        else:
            competition_source_id = self.ocid
        release_id = str(self.release.get("id"))

        def update() -> None:
            state.releases[release_id] = PUBLICATION
            self.state.awards[key] = state

        self.updates.append(update)
        return [
            AwardRow(
                row=self.row,
                source_id=state.source_id,
                funder=funder,
                recipient=recipient,
                award=body,
                fields=_award_fields(base, holder_path, period_path),
                competition_source_id=competition_source_id,
                events=events,
                as_published=True,
            )
        ]

    def _award_period(
        self, holder: dict[str, Any], key: str, path: str
    ) -> tuple[dict[str, Any] | None, bool]:
        """The award's period (``contracts[].period`` or ``contractPeriod``) and whether it
        was read. None at all is a prize's, which has none (a fixed sum, no project): the
        registry refuses that of any other instrument, naming ``path``. One given gives both
        its days."""
        period = holder.get(key) if isinstance(holder.get(key), dict) else None
        if period is None:
            return None, True
        start = self.reader.day(period, "startDate", f"{path}.startDate")
        end = self.reader.day(period, "endDate", f"{path}.endDate")
        return {"start": start, "end": end}, start is not None and end is not None

    def _award_instrument(self, direct: dict[str, Any] | None) -> str:
        """A direct award's instrument from its tender's ``procurementMethodDetails``; an
        award of a competition is of the competition's (as the writer reads it from the
        registry's competition too), known here if its tender was read: it tells a prize,
        which gives no period."""
        if direct is not None:
            details = direct.get("procurementMethodDetails")
            return _instrument(details, direct=True) or Instrument.GRANT.value
        competition = self.state.competitions.get(self.ocid)
        return competition.instrument if competition is not None else Instrument.GRANT.value

    def _award_events(
        self,
        state: _Award,
        seen_before: bool,
        view: dict[str, Any],
        contract: dict[str, Any] | None,
        cbase: str,
    ) -> list[EventRow]:
        """What this release adds to an award: amendments, corrections, transactions,
        reports, completion or termination, each with the source id it is recorded once by."""
        if contract is None:
            return []
        events: list[EventRow] = []
        seen = _Seen()
        correction = self._amendments(state, seen_before, view, contract, cbase, events, seen)
        implementation = contract.get("implementation")
        implementation = implementation if isinstance(implementation, dict) else {}
        corrected_items = self._transactions(state, implementation, cbase, correction, events, seen)
        corrected_items |= self._reports(state, implementation, cbase, correction, events, seen)
        corrected_items |= self._milestones(state, implementation, cbase, correction, events, seen)
        if correction is not None and not corrected_items and seen_before:
            events.extend(self._value_correction(state, view, correction))
        release_id = str(self.release.get("id"))

        def update() -> None:
            state.view = view
            state.amendments |= seen.amendments
            state.transactions.update(seen.transactions)
            state.documents.update(seen.documents)
            state.milestones.update(seen.milestones)
            if seen.last_amendment is not None:
                state.last_amendment = seen.last_amendment
            for event in events:
                if event.body["type"] != "corrected":
                    state.releases.setdefault(release_id, event.source_id)

        self.updates.append(update)
        return events

    def _amendments(
        self,
        state: _Award,
        seen_before: bool,
        view: dict[str, Any],
        contract: dict[str, Any],
        cbase: str,
        events: list[EventRow],
        seen: "_Seen",
    ) -> "_Correction | None":
        correction = None
        amendments = contract.get("amendments")
        for index, amendment in enumerate(amendments if isinstance(amendments, list) else []):
            if not isinstance(amendment, dict) or str(amendment.get("id")) in state.amendments:
                continue
            amendment_id = str(amendment.get("id"))
            seen.amendments.add(amendment_id)
            source = f"amendment:{amendment_id}"
            path = f"{cbase}.amendments[{index}]"
            if "contractAmendment" not in self.tags:
                corrects = amendment.get("correctsReleaseID")
                target = state.releases.get(corrects) if isinstance(corrects, str) else None
                correction = _Correction(source, path, amendment.get("rationale"), target)
                continue
            if not seen_before:
                continue  # first met after it: the award is published as it now stands
            changes = {
                name: view[name]
                for name in ("amount", "period")
                if view[name] != state.view.get(name)
            }
            if not changes:
                continue
            seen.last_amendment = source
            events.append(
                EventRow(
                    source_id=source,
                    body={
                        "type": "amended",
                        **changes,
                        "reason": _reason(amendment.get("rationale"), source),
                    },
                    fields={
                        "": path,
                        "amount": f"{cbase}.value.amount",
                        "period": f"{cbase}.period",
                        "reason": f"{path}.rationale",
                    },
                )
            )
        return correction

    def _transactions(
        self,
        state: _Award,
        implementation: dict[str, Any],
        cbase: str,
        correction: "_Correction | None",
        events: list[EventRow],
        seen: "_Seen",
    ) -> bool:
        """New transactions are disbursements; one given again in a correcting release is
        corrected (or voided, when its value is null). True if any was corrected."""
        corrected = False
        transactions = implementation.get("transactions")
        for index, transaction in enumerate(transactions if isinstance(transactions, list) else []):
            path = f"{cbase}.implementation.transactions[{index}]"
            if not isinstance(transaction, dict) or transaction.get("id") is None:
                self.reader.problem(f"{path}.id", "is required")
                continue
            source = f"transaction:{transaction['id']}"
            given = transaction.get("value")
            value: dict[str, Any] = given if isinstance(given, dict) else {}
            before = seen.transactions.get(source) or state.transactions.get(source)
            if before is not None and (correction is None or not correction.may_target(source)):
                continue  # given again, unchanged
            if before is not None and correction is not None:
                corrected = True
                if value.get("amount") is None:
                    events.append(correction.event({"void": True}, source, path))
                    continue
                amount = self.reader.amount(
                    value.get("amount"), state.currency, f"{path}.value.amount"
                )
                day = self.reader.day(transaction, "date", f"{path}.date")
                changes = {
                    name: new
                    for name, new in (("amount", amount), ("date", day))
                    if new is not None and new != before.get(name)
                }
                if changes:
                    seen.transactions[source] = {**before, **changes}
                    events.append(correction.event({"changes": changes}, source, path))
                continue
            amount = self.reader.amount(value.get("amount"), state.currency, f"{path}.value.amount")
            day = self.reader.day(transaction, "date", f"{path}.date")
            if amount is None or day is None:
                continue
            seen.transactions[source] = {"amount": amount, "date": day}
            events.append(
                EventRow(
                    source_id=source,
                    body={
                        "type": "disbursed",
                        "amount": amount,
                        "date": day,
                        "note": source_mark(source),
                    },
                    fields={"": path, "amount": f"{path}.value.amount", "date": f"{path}.date"},
                )
            )
        return corrected

    def _reports(
        self,
        state: _Award,
        implementation: dict[str, Any],
        cbase: str,
        correction: "_Correction | None",
        events: list[EventRow],
        seen: "_Seen",
    ) -> bool:
        """New progress reports are ``reported`` events; one a correction names (by its
        ``correctsReleaseID``) and gives again is corrected, or voided when its date is
        null. True if any was corrected."""
        corrected = False
        documents = implementation.get("documents")
        country = state.funder_id[:COUNTRY_CODE_LENGTH]
        for index, document in enumerate(documents if isinstance(documents, list) else []):
            if not isinstance(document, dict):
                continue
            source = f"document:{document.get('id')}"
            path = f"{cbase}.implementation.documents[{index}]"
            before = state.documents.get(source)
            if before is not None and correction is not None and correction.target == source:
                corrected = True
                recorded = {"type": "reported", **before}
                if document.get("datePublished") is None:
                    events.append(correction.event({"void": True}, source, path, recorded))
                    continue
                body = self._report_body(document, path, country)
                changes = {name: value for name, value in body.items() if value != before[name]}
                if changes:
                    seen.documents[source] = body
                    events.append(correction.event({"changes": changes}, source, path, recorded))
                continue
            if (
                document.get("documentType") != "physicalProgressReport"
                or before is not None
                or document.get("datePublished") is None
            ):
                continue  # not a report, known, or a voided report (its date nulled)
            body = self._report_body(document, path, country)
            if body["date"] is None:
                continue
            seen.documents[source] = body
            events.append(
                EventRow(
                    source_id=source,
                    body={"type": "reported", **body},
                    fields={
                        "": path,
                        "date": f"{path}.datePublished",
                        "summary": f"{path}.title",
                        "document_url": f"{path}.url",
                    },
                )
            )
        return corrected

    def _report_body(self, document: dict[str, Any], path: str, country: str) -> dict[str, Any]:
        day = self.reader.day(document, "datePublished", f"{path}.datePublished")
        title = document.get("title")
        summary = localized(
            title if isinstance(title, str) else None, translations(document, "title"), country
        )
        url = document.get("url")
        return {
            "date": day,
            "summary": summary or None,
            "document_url": url if isinstance(url, str) else None,
        }

    def _milestones(
        self,
        state: _Award,
        implementation: dict[str, Any],
        cbase: str,
        correction: "_Correction | None",
        events: list[EventRow],
        seen: "_Seen",
    ) -> bool:
        """A met milestone is ``completed``, a not-met one ``terminated``; one a correction
        names and gives again is corrected, or voided when its status is null. True if any
        was corrected."""
        corrected = False
        milestones = implementation.get("milestones")
        for index, milestone in enumerate(milestones if isinstance(milestones, list) else []):
            if not isinstance(milestone, dict):
                continue
            source = f"milestone:{milestone.get('id')}"
            status = milestone.get("status")
            path = f"{cbase}.implementation.milestones[{index}]"
            before = state.milestones.get(source)
            if before is not None and correction is not None and correction.target == source:
                corrected = True
                if status is None:
                    events.append(correction.event({"void": True}, source, path))
                    continue
                body = self._milestone_body(milestone, path, source)
                changes = {
                    name: value
                    for name, value in body.items()
                    if value is not None and value != before.get(name)
                }
                if changes:
                    seen.milestones[source] = {**before, **changes}
                    events.append(correction.event({"changes": changes}, source, path))
                continue
            if before is not None or status not in ("met", "notMet"):
                continue
            body = self._milestone_body(milestone, path, source)
            if body["date"] is None:
                continue
            seen.milestones[source] = body
            key = "dateMet" if status == "met" and milestone.get("dateMet") else "dateModified"
            events.append(
                EventRow(source_id=source, body=body, fields={"": path, "date": f"{path}.{key}"})
            )
        return corrected

    def _milestone_body(self, milestone: dict[str, Any], path: str, source: str) -> dict[str, Any]:
        met = milestone.get("status") == "met"
        key = "dateMet" if met and milestone.get("dateMet") else "dateModified"
        day = self.reader.day(milestone, key, f"{path}.{key}")
        description = milestone.get("description")
        if met:
            return {"type": "completed", "date": day, "note": _reason(description, source)}
        text = description if isinstance(description, str) else TERMINATION_REASON
        return {"type": "terminated", "date": day, "reason": _reason(text, source)}

    def _value_correction(
        self, state: _Award, view: dict[str, Any], correction: "_Correction"
    ) -> list[EventRow]:
        """A correction that re-gives no item corrects the award's figures: those of its
        last amendment if it has one, else those it was published with."""
        if correction.target is not None and correction.target.startswith(ITEM_SOURCES):
            return []  # it corrects an item this release does not give again
        target = correction.target or state.last_amendment or PUBLICATION
        names = (
            ("amount", "period")
            if target != PUBLICATION
            else ("amount", "period", "title", "purpose", "award_date", "region", "themes")
        )
        changes = {
            name: view[name]
            for name in names
            if view.get(name) is not None and view[name] != state.view.get(name)
        }
        if not changes:
            return []
        return [correction.event({"changes": changes}, target, correction.path)]


@dataclass
class _Seen:
    """What one release adds to an award's state, kept once the release has read cleanly."""

    amendments: set[str] = field(default_factory=set)
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    milestones: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_amendment: str | None = None


@dataclass(frozen=True)
class _Correction:
    """An amendment entry in a release that is not a ``contractAmendment``: a correction,
    of ``target`` (an event's source id) when its ``correctsReleaseID`` names a release
    read before, else of what the release gives again."""

    source: str
    path: str
    rationale: Any
    target: str | None = None

    def may_target(self, source: str) -> bool:
        return self.target is None or self.target == source

    def event(
        self,
        body: dict[str, Any],
        corrects: str,
        path: str,
        corrects_body: dict[str, Any] | None = None,
    ) -> EventRow:
        return EventRow(
            source_id=self.source,
            body={"type": "corrected", **body, "reason": _reason(self.rationale, self.source)},
            fields={"": path, "changes": path, "reason": f"{self.path}.rationale"},
            corrects=corrects,
            corrects_body=corrects_body,
        )


def _texts(container: Mapping[str, Any], key: str, country: str) -> dict[str, str] | None:
    """``key`` with its ``key_<lang>`` translations, as a LocalizedText; None if absent."""
    plain = container.get(key)
    text = plain if isinstance(plain, str) else None
    return localized(text, translations(container, key), country) or None


def _text_or_none(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _reason(text: Any, source: str) -> str:
    """The publisher's text and the source mark the import finds the event by again."""
    mark = source_mark(source)
    given = text.strip() if isinstance(text, str) and text.strip() else "as published"
    return f"{given[: REASON_MAX - len(mark) - 1]} {mark}"


def _ids(items: Any) -> set[str]:
    if not isinstance(items, list):
        return set()
    return {str(item.get("id")) for item in items if isinstance(item, dict)}


def _results_milestone(tender: Mapping[str, Any]) -> dict[str, Any] | None:
    milestones = tender.get("milestones")
    return next(
        (
            item
            for item in (milestones if isinstance(milestones, list) else [])
            if isinstance(item, dict)
            and item.get("type") == "assessment"
            and item.get("status") == "met"
            and item.get("code") not in STAGE_CODES
        ),
        None,
    )


STAGE_CODES: Final = frozenset(
    {
        "applications_closed",
        "compliance_checked",
        "commission_decided",
        "preliminary_results",
        "final_results",
    }
)
"""Milestone codes of a competition's stages (``registry.publication.ocds``): not its results.
The stages themselves are not imported (the import makes no stage events)."""


def _cancellation_reason(tender: Mapping[str, Any]) -> str:
    documents = tender.get("documents")
    for document in documents if isinstance(documents, list) else []:
        if isinstance(document, dict) and document.get("documentType") == "cancellationDetails":
            description = document.get("description")
            if isinstance(description, str) and description.strip():
                return description.strip()[:REASON_MAX]
    return "cancelled, as the publisher recorded it"


def _in_zone(moment: str | None, zone: ZoneInfo) -> str | None:
    """An ISO 8601 time with its offset, stated in ``zone``; anything else as it is, for the
    competition's own checks to refuse with their message."""
    if moment is None:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    return moment if parsed.tzinfo is None else parsed.astimezone(zone).isoformat()


def _year(opens: str) -> int | None:
    try:
        return parse_day(opens).year
    except ValueError:
        return None


_COMPETITION_FIELDS: Final[Mapping[str, str]] = {
    "funder_id": "buyer.id",
    "instrument": "tender.procurementMethodDetails",
    "year": "tender.tenderPeriod.startDate",
    "title": "tender.title",
    "description": "tender.description",
    "eligibility": "tender.eligibilityCriteria",
    "budget": "tender.value.amount",
    "currency": "tender.value.currency",
    "window": "tender.tenderPeriod",
    "window.opens": "tender.tenderPeriod.startDate",
    "window.closes": "tender.tenderPeriod.endDate",
    "legal_basis": "planning.rationale",
    "source_id": "ocid",
    "round_number": "tender.roundNumber",
    "themes": "tender.themes",
    "region": "tender.region",
}

_PROGRAMME_YEAR_FIELDS: Final[Mapping[str, str]] = {
    **_COMPETITION_FIELDS,
    "year": "tender.programmeYear",
}


def _award_fields(base: str, holder: str, period: str) -> dict[str, str]:
    return {
        "source_id": f"{base}.id",
        "funder_id": "buyer.id",
        "recipient_id": f"{base}.suppliers[0].id",
        "competition_id": "ocid",
        "instrument": "tender.procurementMethodDetails",
        "title": f"{base}.title",
        "purpose": f"{base}.description",
        "amount": f"{holder}.value.amount",
        "currency": f"{holder}.value.currency",
        "award_date": f"{base}.date",
        "period": period,
        "period.start": f"{period}.startDate",
        "period.end": f"{period}.endDate",
        "legal_basis": "tender.procurementMethodRationale",
        "region": f"{base}.region",
        "themes": f"{base}.themes",
        "award_before_close": f"{base}.awardBeforeClose",
    }
