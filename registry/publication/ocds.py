"""The ledger as Open Contracting Data Standard 1.1 releases and records.

One contracting process (one ``ocid``) per competition, holding the competition and every
award made from it, and one per direct award (an award with no competition). Every
``competition.*`` and ``award.*`` ledger entry becomes exactly one release, built from that
entry and the entries of the same competition or award *before* it, never from the current
query tables; so does every ``oversight.*`` entry of a public oversight conclusion about a
competition or an award, as a ``complaints`` document of that process (the only thing read from
a query table is the competition an award belongs to, which never changes). So a release
never changes once its entry is in the ledger, which is what lets its id, ``<ocid>-<seq>``,
stay the same for ever: new information is a new entry and so a new release with a new id.
The release ``date`` is the entry's ledger time (one clock reading per append, in
microseconds, increasing with ``seq``), so the releases of one process are ordered without
ties and compile unambiguously; records also list them by ``(date, seq)``, and the merge sort
is stable, should two times ever be equal.

Award releases repeat the award's and the contract's current value, period and status
(after every correction so far), so a compiled release always shows the state the
registry's own rules fold to, and a correction needs no special merging. Amounts are
``Decimal`` values made from the registry's exact minor units: the OCDS schema types
``value.amount`` as a JSON number, and the router writes each ``Decimal`` as its exact
decimal text, so no amount ever passes through a binary float.

What OCDS has no field for is carried in extension fields (OCDS allows properties it does
not name; the README has a table), so that another registry importing the feed loses
nothing: a party's ``details`` (``kind``, ``legalForm``, ``region`` as its ISO 3166-2
code); a tender's ``programmeYear``, ``roundNumber``, ``themes`` and ``region``; an
award's ``themes``, ``region``, ``legalBasis`` and ``awardBeforeClose``; a results
milestone's ``note_<lang>``; and on a correction's amendment ``correctsReleaseID``, the
release of the entry it corrects, and ``void`` when it voids that entry (a record's compiled
release then leaves the entry's item out: merging alone cannot remove it).

The functions above the "Reading" line are pure: ledger entries and organization rows in,
JSON-ready dicts out. The few functions below it read what those need, in a fixed number
of queries per page.
"""

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Final

import ocdsmerge  # type: ignore[import-untyped]
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from registry.awards import rules
from registry.awards.models import Award
from registry.competitions.models import Competition
from registry.core.errors import NotFound
from registry.core.schemas import LANGUAGES, UZBEK_CYRILLIC
from registry.journal import Recorded
from registry.ledger import service as ledger_service
from registry.ledger.models import LedgerEntry
from registry.ledger.service import format_time
from registry.organizations.models import Organization
from registry.oversight import service as oversight
from registry.oversight.models import Conclusion
from registry.reference.identifiers import InvalidIdentifier, parse_org_id
from registry.reference.money import format_amount, parse_amount
from registry.reference.regions import UnknownRegion, region_name

Document = dict[str, Any]

OCDS_VERSION: Final = "1.1"
SCHEMA_DIR: Final = Path(__file__).parent / "standards" / "ocds"
RELEASE_SCHEMA_URL: Final = (
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
)
PUBLISHER_NAME: Final = "Grant and social-contract transparency registry"

# Uzbekistan and (since 1 March 2024) all of Kazakhstan keep UTC+5. OCDS dates are
# date-times; a registry date (an award date, a tranche's date) is that local day.
LOCAL_OFFSET: Final = "+05:00"

COMPETITION_PUBLISHED: Final = "competition.published"
COMPETITION_AMENDED: Final = "competition.amended"
COMPETITION_CANCELLED: Final = "competition.cancelled"
COMPETITION_RESULTS: Final = "competition.results_published"
COMPETITION_STAGES: Final[Mapping[str, str]] = {
    "competition.applications_closed": "Applications closed",
    "competition.compliance_checked": "Compliance checked",
    "competition.commission_decided": "Commission decided",
    "competition.preliminary_results": "Preliminary results",
    "competition.final_results": "Final results",
}
COMPETITION_FINAL: Final = "competition.final_results"
AWARD_PUBLISHED: Final = rules.PUBLISHED
AWARD_AMENDED: Final = "award.amended"
AWARD_DISBURSED: Final = "award.disbursed"
AWARD_REPORTED: Final = "award.reported"
AWARD_COMPLETED: Final = "award.completed"
AWARD_TERMINATED: Final = "award.terminated"
AWARD_CORRECTED: Final = rules.CORRECTED

COMPETITION_TAGS: Final[Mapping[str, tuple[str, ...]]] = {
    COMPETITION_PUBLISHED: ("tender",),
    COMPETITION_AMENDED: ("tenderAmendment",),
    COMPETITION_CANCELLED: ("tenderCancellation",),
    COMPETITION_RESULTS: ("tenderUpdate",),
    **dict.fromkeys(COMPETITION_STAGES, ("tenderUpdate",)),
}
AWARD_TAGS: Final[Mapping[str, tuple[str, ...]]] = {
    AWARD_PUBLISHED: ("award", "contract"),
    AWARD_AMENDED: ("awardUpdate", "contractAmendment"),
    AWARD_DISBURSED: ("implementation",),
    AWARD_REPORTED: ("implementation",),
    AWARD_COMPLETED: ("contractTermination",),
    AWARD_TERMINATED: ("contractTermination",),
}
# A correction is an update, not a formal amendment: its tags say what it touched.
CORRECTION_TAGS: Final[Mapping[str, tuple[str, ...]]] = {
    AWARD_PUBLISHED: ("awardUpdate", "contractUpdate"),
    AWARD_AMENDED: ("awardUpdate", "contractUpdate"),
    AWARD_DISBURSED: ("implementationUpdate",),
    AWARD_REPORTED: ("implementationUpdate",),
    AWARD_COMPLETED: ("contractUpdate", "implementationUpdate"),
    AWARD_TERMINATED: ("contractUpdate", "implementationUpdate"),
}
OVERSIGHT_KINDS: Final = frozenset(
    {
        "oversight.submitted",
        "oversight.acknowledged",
        "oversight.extended",
        "oversight.answered",
        "oversight.withdrawn",
        "oversight.escalated",
    }
)
"""A public oversight conclusion's entries: releases of the process of the award or
competition it is about (one about a funder as a whole belongs to no process)."""
OVERSIGHT_STATUS: Final[Mapping[str, str]] = {
    "oversight.submitted": "submitted",
    "oversight.acknowledged": "acknowledged",
    "oversight.extended": "extended",
    "oversight.answered": "answered",
    "oversight.withdrawn": "withdrawn",
    "oversight.escalated": "escalated",
}
RELEASE_KINDS: Final = (
    frozenset(COMPETITION_TAGS) | frozenset(AWARD_TAGS) | {AWARD_CORRECTED} | OVERSIGHT_KINDS
)
"""The ledger entry kinds that become releases; organizations and keys are no process."""

# Every release names a party with all of its roles: `roles` is merged as a whole list, so a
# release with fewer roles would take the others away in the compiled release.
FUNDER_ROLES: Final = ("buyer", "procuringEntity", "funder", "payer")
RECIPIENT_ROLES: Final = ("supplier", "payee")
APPLICANT_ROLE: Final = "tenderer"  # the recipient of a competition's award applied to it

INSTRUMENT_LABELS: Final[Mapping[str, str]] = {
    "grant": "Grant",
    "subsidy": "Subsidy",
    "social_contract": "State social order",
    "strategic_partnership": "Strategic partnership order",
    "prize": "Prize",
}


# --- Identifiers and small values ------------------------------------------------------------


def ocid(prefix: str, process_id: str) -> str:
    """The ocid of a competition (``CMP-…``) or of a direct award (``AWD-…``)."""
    return f"{prefix}-{process_id}"


def release_id(process_ocid: str, seq: int) -> str:
    """A release per ledger entry: the entry's seq makes the id unique and immutable."""
    return f"{process_ocid}-{seq}"


def _instrument(instrument: str) -> str:
    return INSTRUMENT_LABELS.get(instrument, instrument)


def _local_start(day: str | date) -> str:
    return f"{day}T00:00:00{LOCAL_OFFSET}"


def _local_end(day: str | date) -> str:
    return f"{day}T23:59:59{LOCAL_OFFSET}"


def _amount(minor: int, currency: str) -> Decimal:
    """The exact amount as a Decimal with every minor-unit digit (``300000000.00``)."""
    return Decimal(format_amount(minor, currency))


def _value(minor: int, currency: str) -> Document:
    return {"amount": _amount(minor, currency), "currency": currency}


def _primary(text: Mapping[str, str] | None) -> str | None:
    """The text in the first language it has, in the registry's order (uz, ru, kk, en)."""
    if not text:
        return None
    return next((text[language] for language in LANGUAGES if text.get(language)), None)


TAGS: Final = (LANGUAGES[0], UZBEK_CYRILLIC, *LANGUAGES[1:])
"""The BCP 47 tags of the texts' languages, in the registry's order. Uzbek is written in Latin
letters (``uz``, as the portal's own language code) or in Cyrillic (``uz-Cyrl``): an Uzbek text
in Cyrillic is tagged so, wherever it is (``title_uz-Cyrl``, and the release's ``language``)."""


def _cyrillic(text: str) -> bool:
    """Whether a text is written mostly in Cyrillic letters (the Uzbek alphabets' only other
    script is Latin)."""
    return len(_CYRILLIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


_CYRILLIC_LETTER: Final = re.compile("[\u0400-\u04ff]")
_LATIN_LETTER: Final = re.compile("[A-Za-z]")  # the ASCII letters


def _tag(language: str, text: str | None) -> str:
    """The BCP 47 tag of a text of ``language`` (``uz-Cyrl`` for Uzbek in Cyrillic)."""
    return UZBEK_CYRILLIC if language == "uz" and text and _cyrillic(text) else language


def _texts(
    field: str, text: Mapping[str, str] | None, before: Mapping[str, str] | None = None
) -> Document:
    """``field`` in its first language plus ``field_<tag>`` for every language it has.

    OCDS gives translations as ``title_ru`` and so on, each field's language a BCP 47 tag
    (``title_uz-Cyrl`` for Uzbek written in Cyrillic). The plain field carries the first
    language the text has, so every consumer gets a title even where it has no Uzbek; the
    release's ``language`` says which (``with_language`` makes them agree). Merging keeps a
    field until a later release nulls it, so a language (or an Uzbek script) the text had
    ``before`` (in the subject's previous release) and has no longer is given as null.
    """
    text, before = text or {}, before or {}
    fields: Document = {}
    primary = _primary(text)
    if primary is not None or before:
        fields[field] = primary
    for language in LANGUAGES:
        if language in before:
            fields[f"{field}_{_tag(language, before[language])}"] = None
        if language in text:
            fields[f"{field}_{_tag(language, text[language])}"] = text[language]
    return fields


def with_language(release: Document) -> Document:
    """The release with its ``language`` (OCDS: "the default language of the data", which is
    "en" when not given) and every untagged text in that language.

    Each text is untagged in its first language (``_texts``), so a release's texts could be
    in several: the release's language is the one most of its texts have (ties in the
    registry's order), and each text that has it is untagged in it, a party's ``legalName``
    and the organization references' names (``buyer``, ``payer``…) with its name. A text
    without that language keeps its first one untagged; its tagged variants say which it is.
    The release is copied only where a text changes: its objects may be shared with other
    releases."""
    counts = dict.fromkeys(TAGS, 0)
    _count_variants(release, counts)
    language = max(TAGS, key=lambda tag: (counts[tag], -TAGS.index(tag)))
    names = {party["id"]: _in(party, "name", language) for party in release.get("parties", ())}
    return {**_in_language(release, language, names), "language": language}


def _in(container: Document, field: str, language: str) -> Any:
    """``container[field]`` in ``language``, if it has that variant."""
    variant = container.get(f"{field}_{language}")
    return variant if isinstance(variant, str) else container.get(field)


def _in_language(value: Any, language: str, names: Mapping[str, Any]) -> Any:
    """``value`` with its untagged texts in ``language`` where they have it: the same object
    where nothing changes, a copy of each object on the way to a change."""
    if isinstance(value, list):
        items = [_in_language(item, language, names) for item in value]
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if not isinstance(value, dict):
        return value
    if value.keys() == {"id", "name"}:
        return _named(value, language, names)
    changed: Document | None = None
    suffix = f"_{language}"
    for field, item in value.items():
        if isinstance(item, str):
            new = value.get(field + suffix)
            if not isinstance(new, str):
                continue
        elif isinstance(item, dict | list):
            if field == "identifier" and isinstance(item, dict) and "legalName" in item:
                legal_name = _in(value, "name", language)
                new = item if legal_name == item["legalName"] else {**item, "legalName": legal_name}
            else:
                new = _in_language(item, language, names)
        else:
            continue  # a number, a Decimal, a bool or null has no language
        if new is not item and new != item:
            changed = changed if changed is not None else dict(value)
            changed[field] = new
    return changed if changed is not None else value


def _named(reference: Document, language: str, names: Mapping[str, Any]) -> Document:
    """An organization reference (``id`` and ``name``): named as its party is, in the
    release's language."""
    changed: Document | None = None
    for field, item in reference.items():
        if isinstance(item, str):
            new = names.get(reference["id"]) if field == "name" else None
            if not isinstance(new, str):
                continue
        else:
            new = _in_language(item, language, names)
        if new is not item and new != item:
            changed = changed if changed is not None else dict(reference)
            changed[field] = new
    return changed if changed is not None else reference


def _count_variants(value: Any, counts: dict[str, int]) -> None:
    """Add to ``counts``, by tag, the texts given in that language: each ``<field>_<tag>``
    beside a text ``<field>`` (a tag has no ``_``, so a key names one field and one tag)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list):
                _count_variants(item, counts)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if "_" in key:
                    field, _, tag = key.rpartition("_")
                    if tag in counts and isinstance(value.get(field), str):
                        counts[tag] += 1
            elif isinstance(item, dict | list):
                _count_variants(item, counts)


def _multilingual(value: Any) -> Iterable[tuple[Document, str, dict[str, str]]]:
    """Every (object, field, {tag: text}) of a text given with its tagged variants (what
    ``_count_variants`` counts)."""
    if isinstance(value, list):
        for item in value:
            yield from _multilingual(item)
    elif isinstance(value, dict):
        for field, item in value.items():
            if isinstance(item, str):
                variants = {
                    tag: text
                    for tag in TAGS
                    if isinstance(text := value.get(f"{field}_{tag}"), str)
                }
                if variants:
                    yield value, field, variants
            else:
                yield from _multilingual(item)


def _describe(value: Any, currency: str | None = None) -> str:
    """A changed value as text, for an amendment's description."""
    if value is None:
        return "none"
    if isinstance(value, Mapping):
        if {"start", "end"} <= value.keys():
            return f"{value['start']}/{value['end']}"
        if {"opens", "closes"} <= value.keys():
            return f"{value['opens']}/{value['closes']}"
        return "; ".join(f"{key}: {text}" for key, text in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return f"{value} {currency}" if currency else str(value)


def _changes(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Iterable[str], currency: str
) -> str:
    """``name: before → after`` for every named field that really changed."""
    return "; ".join(_change_parts(before, after, names, currency)) or "no field changed"


def _change_parts(
    before: Mapping[str, Any], after: Mapping[str, Any], names: Iterable[str], currency: str
) -> list[str]:
    money = {"amount", "budget", "disbursed"}
    return [
        f"{name}: {_describe(before.get(name), currency if name in money else None)} → "
        f"{_describe(after.get(name), currency if name in money else None)}"
        for name in names
        if before.get(name) != after.get(name)
    ]


# --- Parties ---------------------------------------------------------------------------------


def _reference(org_id: str, name: Mapping[str, str] | None) -> Document:
    return {"id": org_id, "name": _primary(name) or org_id}


def _names(organization: Organization | None) -> dict[str, str]:
    if organization is None:
        return {}
    return {
        language: value
        for language in LANGUAGES
        if (value := getattr(organization, f"name_{language}")) is not None
    }


def _party(
    org_id: str,
    name: Mapping[str, str],
    organization: Organization | None,
    roles: Sequence[str],
) -> Document:
    party: Document = {"id": org_id, **_texts("name", name)}
    party["name"] = party.get("name") or org_id
    try:
        parsed = parse_org_id(org_id)
    except InvalidIdentifier:
        parsed = None
    if parsed is not None:
        party["identifier"] = {
            "scheme": parsed.prefix,
            "id": parsed.identifier,
            "legalName": party["name"],
        }
    if organization is not None:
        address: Document = {}
        try:
            address["countryName"] = region_name(organization.country)
            if organization.region and organization.region != organization.country:
                address["region"] = region_name(organization.region)
        except UnknownRegion:
            pass
        if address:
            party["address"] = address
        details: Document = {"kind": organization.kind}
        if organization.legal_form is not None:
            details["legalForm"] = organization.legal_form
        if organization.region is not None:
            details["region"] = organization.region
        party["details"] = details
    party["roles"] = list(roles)
    return party


# --- Competitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _CompetitionState:
    body: dict[str, Any]  # the published body with every amendment applied
    state: str  # published, cancelled or results_published
    results: Mapping[str, Any] | None


def _fold_competition(history: Sequence[Recorded]) -> _CompetitionState:
    body = dict(history[0].body)
    state, results = "published", None
    for entry in history[1:]:
        if entry.kind == COMPETITION_AMENDED:
            for name, value in entry.body["changes"].items():
                if name == "window":
                    body["opens_at"], body["closes_at"] = value["opens"], value["closes"]
                else:
                    body[name] = value
        elif entry.kind == COMPETITION_CANCELLED:
            state = "cancelled"
        elif entry.kind in (COMPETITION_RESULTS, COMPETITION_FINAL):
            state, results = "results_published", entry.body
    return _CompetitionState(body=body, state=state, results=results)


def _competition_view(body: Mapping[str, Any]) -> dict[str, Any]:
    """The amendable fields under the names a competition amendment uses."""
    view = dict(body)
    view["window"] = {"opens": body["opens_at"], "closes": body["closes_at"]}
    return view


TENDER_STATUS: Final[Mapping[str, str]] = {
    # "active" from publication on: the call is public from then, and tenderPeriod says
    # when applications open. A status that moved with the clock would need a release
    # with no ledger entry behind it.
    "published": "active",
    "cancelled": "cancelled",
    "results_published": "complete",
}


def _tender(folded: _CompetitionState, funder: Document, before: Mapping[str, Any]) -> Document:
    body = folded.body
    currency = body["currency"]
    tender: Document = {
        "id": body["id"],
        **_texts("title", body["title"], before.get("title")),
        **_texts("description", body.get("description"), before.get("description")),
        "status": TENDER_STATUS[folded.state],
        "procuringEntity": funder,
        "value": _value(parse_amount(body["budget"], currency), currency),
        "procurementMethod": "open",
        "procurementMethodDetails": f"{_instrument(body['instrument'])} competition",
        "tenderPeriod": {"startDate": body["opens_at"], "endDate": body["closes_at"]},
        **_texts("eligibilityCriteria", body.get("eligibility"), before.get("eligibility")),
        "programmeYear": body["year"],
        "roundNumber": body.get("round_number"),
        "themes": list(body.get("themes") or []),
        "region": body.get("region"),
    }
    if folded.results is not None and folded.results.get("applicant_organizations") is not None:
        tender["numberOfTenderers"] = folded.results["applicant_organizations"]
    return tender


def competition_release(
    prefix: str, history: Sequence[Recorded], organizations: Mapping[str, Organization]
) -> Document:
    """The release for ``history[-1]``, a competition entry, given the ones before it."""
    entry = history[-1]
    folded = _fold_competition(history)
    body = folded.body
    process = ocid(prefix, body["id"])
    funder_id = body["funder_id"]
    funder_names = _names(organizations.get(funder_id))
    funder = _reference(funder_id, funder_names)
    # The body of the previous release, so that a field this entry removed is nulled.
    previous = _fold_competition(history[:-1]).body if len(history) > 1 else {}
    tender = _tender(folded, funder, previous)
    if entry.kind == COMPETITION_AMENDED:
        tender["amendments"] = [
            {
                "id": str(entry.seq),
                "date": format_time(entry.time),
                "rationale": entry.body["reason"],
                "description": _changes(
                    _competition_view(previous),
                    _competition_view(body),
                    entry.body["changes"],
                    body["currency"],
                ),
                "amendsReleaseID": release_id(process, history[-2].seq),
                "releaseID": release_id(process, entry.seq),
            }
        ]
    elif entry.kind == COMPETITION_CANCELLED:
        tender["documents"] = [
            {
                "id": str(entry.seq),
                "documentType": "cancellationDetails",
                "title": "Cancellation",
                "description": entry.body["reason"],
                "datePublished": format_time(entry.time),
            }
        ]
    elif entry.kind == COMPETITION_RESULTS:
        tender["milestones"] = [_results_milestone(entry)]
    elif entry.kind in COMPETITION_STAGES:
        tender["milestones"] = [_stage_milestone(entry)]
        if "organizations" in entry.body:  # OCDS counts tenderers, not their applications
            tender["numberOfTenderers"] = entry.body["organizations"]
    release = _base(process, entry, COMPETITION_TAGS[entry.kind])
    release["parties"] = [
        _party(funder_id, funder_names, organizations.get(funder_id), FUNDER_ROLES)
    ]
    release["buyer"] = funder
    if body.get("legal_basis") or previous.get("legal_basis"):
        release["planning"] = {"rationale": body.get("legal_basis")}
    release["tender"] = tender
    return release


def _results_milestone(entry: Recorded) -> Document:
    parts = [_primary(entry.body.get("note")) or "Results published."]
    if entry.body.get("applications_received") is not None:
        parts.append(f"Applications received: {entry.body['applications_received']}.")
    if entry.body.get("applicant_organizations") is not None:
        parts.append(f"Organizations that applied: {entry.body['applicant_organizations']}.")
    return {
        "id": str(entry.seq),
        "title": "Results published",
        "type": "assessment",
        "status": "met",
        "dateMet": format_time(entry.time),
        "description": " ".join(parts),
        **{
            f"note_{_tag(language, text)}": text
            for language, text in (entry.body.get("note") or {}).items()
        },
    }


def web_link(url: object) -> str | None:
    """A document link to publish: http(s) only. The API accepts nothing else, but a ledger
    may hold a ``javascript:`` or ``file:`` link accepted before that rule; it is left out."""
    if isinstance(url, str) and url.lower().startswith(("https://", "http://")):
        return url
    return None


STAGE_TEXTS: Final = ("extract", "note")
"""A stage's text by language: the commission's extract of its minutes, a result's note (a
stage has one or the other)."""


def _stage_milestone(entry: Recorded) -> Document:
    """A stage as an OCDS milestone: what it counted, in words, and its document."""
    body = entry.body
    parts = [
        f"{name.replace('_', ' ').capitalize()}: {value}."
        for name, value in sorted(body.items())
        if isinstance(value, int)
    ]
    for name in ("by_language", "reasons"):
        if body.get(name):
            counts = ", ".join(f"{key} {value}" for key, value in sorted(body[name].items()))
            parts.append(f"{name.replace('_', ' ').capitalize()}: {counts}.")
    # The commission's extract of its minutes, a result's note: in words first, in each
    # language, as OCDS gives translations (a funder's integrator found OCDS saying only
    # "Members: 9." of a decision the portal shows in full).
    field = next((name for name in STAGE_TEXTS if body.get(name)), None)
    text: Mapping[str, str] = body[field] if field else {}
    counts = " ".join(parts)
    milestone: Document = {
        "id": str(entry.seq),
        # The stage's name, so that a reader (our own import) tells it from the results.
        "code": entry.kind.removeprefix("competition."),
        "title": COMPETITION_STAGES[entry.kind],
        "type": "assessment",
        "status": "met",
        "dateMet": _local_start(body["date"]),
        "description": " ".join(filter(None, [_primary(text), counts]))
        or COMPETITION_STAGES[entry.kind] + ".",
    }
    if field:
        # The text untagged in its first language and tagged in each (``with_language`` puts
        # the release's language untagged), and so the description that begins with it.
        milestone |= _texts(field, text)
        milestone |= {
            f"description_{_tag(language, value)}": " ".join(filter(None, [value, counts]))
            for language, value in text.items()
            if value
        }
    url = web_link(body.get("document_url"))
    if url or body.get("document_sha256"):
        milestone["documents"] = [
            {
                "id": f"{entry.seq}-document",
                "documentType": "evaluationReports",
                **({"url": url} if url else {}),
                **(
                    {"description": f"SHA-256 {body['document_sha256']}"}
                    if body.get("document_sha256")
                    else {}
                ),
            }
        ]
    return milestone


# --- Awards ----------------------------------------------------------------------------------


def _events(history: Sequence[Recorded]) -> list[rules.Event]:
    return [rules.Event(entry.seq, entry.kind, entry.body) for entry in history]


def _period(start: date | None, end: date | None) -> Document | None:
    """The implementation period; None for a prize, which has none (a fixed sum, no
    project): its award and contract then give no period rather than a made-up one."""
    if start is None or end is None:
        return None
    return {"startDate": _local_start(start), "endDate": _local_end(end)}


@dataclass(frozen=True)
class _AwardContext:
    """What every item of one award's release refers to."""

    currency: str
    funder: Document
    recipient: Document


def _transaction(event: rules.Event, context: _AwardContext) -> Document:
    return {
        "id": str(event.seq),
        "date": _local_start(event.body["date"]),
        "value": _value(parse_amount(event.body["amount"], context.currency), context.currency),
        "payer": context.funder,
        "payee": context.recipient,
    }


def _report(event: rules.Event, _context: _AwardContext) -> Document:
    document: Document = {
        "id": str(event.seq),
        "documentType": "physicalProgressReport",
        **_texts("title", event.body.get("summary")),
        "datePublished": _local_start(event.body["date"]),
    }
    document.setdefault("title", f"Report of {event.body['date']}")
    url = web_link(event.body.get("document_url"))
    if url:
        document["url"] = url
    return document


def _milestone(event: rules.Event, _context: _AwardContext) -> Document:
    completed = event.kind == AWARD_COMPLETED
    milestone: Document = {
        "id": str(event.seq),
        "title": "Completed" if completed else "Terminated early",
        "type": "delivery",
        "status": "met" if completed else "notMet",
        "dateModified": _local_start(event.body["date"]),
    }
    if completed:
        milestone["dateMet"] = _local_start(event.body["date"])
    note = event.body.get("note") if completed else event.body.get("reason")
    if note:
        milestone["description"] = note
    return milestone


# (collection under contracts[].implementation, builder) for the events that add an item.
_ITEMS: Final[Mapping[str, tuple[str, Callable[[rules.Event, _AwardContext], Document]]]] = {
    AWARD_DISBURSED: ("transactions", _transaction),
    AWARD_REPORTED: ("documents", _report),
    AWARD_COMPLETED: ("milestones", _milestone),
    AWARD_TERMINATED: ("milestones", _milestone),
}


def _voided(collection: str, item_id: str, note: str) -> Document:
    """What a voided event's item becomes in the correction's release. OCDS's merge routine
    can add an array item but never remove one (its guidance, "Deletion of array items": null
    every field, and the id stays); so the facts it carried are nulled (not a payer's or
    payee's id, which the schema does not let be null) and, where the schema has room, the
    reason given. The amendment says the entry was voided (``void``), and the record's
    compiled release leaves the item out (``compile_release``)."""
    if collection == "transactions":
        return {"id": item_id, "date": None, "value": {"amount": None, "currency": None}}
    if collection == "documents":
        return {"id": item_id, "url": None, "datePublished": None, "description": note}
    return {"id": item_id, "status": None, "dateMet": None, "description": note}


def award_release(
    prefix: str, history: Sequence[Recorded], organizations: Mapping[str, Organization]
) -> Document:
    """The release for ``history[-1]``, an award entry, given the award's entries before it."""
    entry = history[-1]
    events = _events(history)
    state = rules.fold(events)
    published = state.published
    award_id = published["id"]
    competition_id = published.get("competition_id")
    process = ocid(prefix, competition_id or award_id)
    currency = state.currency
    funder_id, recipient_id = published["funder_id"], published["recipient_id"]
    funder_names = _names(organizations.get(funder_id))
    recipient_names = published["recipient_name"]  # as at award time
    context = _AwardContext(
        currency=currency,
        funder=_reference(funder_id, funder_names),
        recipient=_reference(recipient_id, recipient_names),
    )
    previous = rules.fold(events[:-1]).published if len(events) > 1 else {}
    texts = {
        **_texts("title", published["title"], previous.get("title")),
        **_texts("description", published.get("purpose"), previous.get("purpose")),
    }
    period = _period(state.period_start, state.period_end)
    if period is None and any(event.body.get("period") for event in events):
        # A prize published with a period before prizes had none, corrected since to none:
        # merging keeps a field a later release leaves out, so its dates are given as null.
        period = {"startDate": None, "endDate": None}
    award: Document = {
        "id": award_id,
        **texts,
        "status": "active",
        "date": _local_start(state.award_date),
        "value": _value(state.amount_minor, currency),
        "suppliers": [context.recipient],
        **({"contractPeriod": period} if period is not None else {}),
        "themes": list(published.get("themes") or []),
        "region": published.get("region"),
        "awardBeforeClose": published.get("award_before_close"),
        "legalBasis": published.get("legal_basis"),
    }
    contract: Document = {
        "id": award_id,
        "awardID": award_id,
        **texts,
        "status": "terminated" if state.status in rules.TERMINAL else "active",
        "value": _value(state.amount_minor, currency),
        **({"period": period} if period is not None else {}),
    }
    implementation: dict[str, list[Document]] = {}
    if entry.kind == AWARD_CORRECTED:
        tags = _correction(process, history, context, contract, implementation)
    else:
        tags = AWARD_TAGS[entry.kind]
        if entry.kind == AWARD_AMENDED:
            before = rules.fold(events[:-1])
            contract["amendments"] = [
                _amendment(
                    process,
                    history,
                    entry.body["reason"],
                    _changes(
                        _award_view(before), _award_view(state), ("amount", "period"), currency
                    ),
                )
            ]
        elif entry.kind in _ITEMS:
            collection, build = _ITEMS[entry.kind]
            implementation[collection] = [build(events[-1], context)]
    if implementation:
        contract["implementation"] = implementation

    recipient_roles = (*RECIPIENT_ROLES, APPLICANT_ROLE) if competition_id else RECIPIENT_ROLES
    release = _base(process, entry, tags)
    release["parties"] = [
        _party(funder_id, funder_names, organizations.get(funder_id), FUNDER_ROLES),
        _party(recipient_id, recipient_names, organizations.get(recipient_id), recipient_roles),
    ]
    release["buyer"] = context.funder
    if competition_id is None:
        # A direct award is its own process: say how it was chosen and on what basis.
        release["tender"] = {
            "id": award_id,
            "status": "complete",
            "procurementMethod": "direct",
            "procurementMethodDetails": f"Direct {_instrument(published['instrument']).lower()}",
            "procurementMethodRationale": published.get("legal_basis"),
        }
    release["awards"] = [award]
    release["contracts"] = [contract]
    return release


def _award_view(state: rules.AwardState) -> dict[str, Any]:
    """The amendable fields of an award under the names its events use."""
    return {
        "amount": format_amount(state.amount_minor, state.currency),
        "period": (
            {"start": state.period_start.isoformat(), "end": state.period_end.isoformat()}
            if state.period_start is not None and state.period_end is not None
            else None
        ),
    }


def _totals(state: rules.AwardState) -> dict[str, Any]:
    return {
        "amount": format_amount(state.amount_minor, state.currency),
        "disbursed": format_amount(state.disbursed_minor, state.currency),
        "status": state.status,
    }


def _amendment(
    process: str, history: Sequence[Recorded], rationale: str, description: str
) -> Document:
    """An OCDS amendment: the two releases that hold the values before and after it, and the
    changed values themselves, before → after, in its description."""
    entry = history[-1]
    return {
        "id": str(entry.seq),
        "date": format_time(entry.time),
        "rationale": rationale,
        "description": description,
        "amendsReleaseID": release_id(process, history[-2].seq),
        "releaseID": release_id(process, entry.seq),
    }


def _correction(
    process: str,
    history: Sequence[Recorded],
    context: _AwardContext,
    contract: Document,
    implementation: dict[str, list[Document]],
) -> tuple[str, ...]:
    """Fill in a correction's release; returns its tags.

    The correction is listed among the contract's amendments, so its reason and the values
    before and after it stay in the record, and the item the corrected event added (a
    transaction, a report, a milestone) is given again as it now reads, or voided.
    """
    entry = history[-1]
    target = entry.body["corrects"]
    events = _events(history)
    before_events, _, _ = rules.effective_events(events[:-1])
    after_events, _, voided = rules.effective_events(events)
    original = next(event for event in before_events if event.seq == target)
    if entry.body.get("void"):
        what = ", ".join(
            _describe(original.body[name], context.currency if name == "amount" else None)
            for name in ("amount", "date")
            if name in original.body
        )
        description = f"Voids ledger entry {target} ({original.kind}{': ' if what else ''}{what})"
        changed: list[str] = []
    else:
        corrected = next(event for event in after_events if event.seq == target)
        changed = _change_parts(
            original.body, corrected.body, entry.body.get("changes") or {}, context.currency
        )
        description = f"Corrects ledger entry {target} ({original.kind}): " + (
            "; ".join(changed) or "no field changed"
        )
    # What the award adds up to, before and after, where the correction moved it; each change
    # once (correcting an amendment's amount moves the award's amount by the very same step).
    totals_before, totals_after = _totals(rules.fold(events[:-1])), _totals(rules.fold(events))
    moved = _change_parts(totals_before, totals_after, totals_before.keys(), context.currency)
    description = "; ".join([description, *(part for part in moved if part not in changed)])
    amendment = _amendment(process, history, entry.body["reason"], description)
    amendment["correctsReleaseID"] = release_id(process, target)
    if entry.body.get("void"):
        amendment["void"] = True
    contract["amendments"] = [amendment]
    if original.kind in _ITEMS:
        collection, build = _ITEMS[original.kind]
        if target in voided:
            note = f"Voided by ledger entry {entry.seq}: {entry.body['reason']}"
            implementation[collection] = [_voided(collection, str(target), note)]
        else:
            fixed = next(event for event in after_events if event.seq == target)
            implementation[collection] = [build(fixed, context)]
    return CORRECTION_TAGS[original.kind]


# --- Public oversight conclusions -------------------------------------------------------------


def _deadline(history: Sequence[Recorded]) -> tuple[str, str]:
    """The current addressee and its deadline (a local date), from the conclusion's entries,
    by the rules the projection applies."""
    body_id, due = "", None
    for entry in history:
        if entry.kind in ("oversight.submitted", "oversight.escalated"):
            body_id = entry.body.get("addressed_to") or entry.body["to"]
            due = oversight.deadline(entry.time, entry.body["answer_days"], entry.body["time_zone"])
        elif entry.kind == "oversight.extended" and due is not None:
            due = oversight.extended(due, entry.body["days"])
    assert due is not None, "a conclusion's history starts with its submission"
    return body_id, due.due_date.isoformat()


def oversight_release(prefix: str, history: Sequence[Recorded], process_id: str) -> Document:
    """The release for the last of ``history`` (one conclusion's entries): the conclusion as
    a ``complaints`` document of the tender (a competition) or of the award it is about,
    updated by id with each later entry, its workflow in the ``oversight`` extension."""
    first, entry = history[0], history[-1]
    subject = first.body["subject"]
    answers = [e for e in history if e.kind == "oversight.answered"]
    answered = answers[-1] if answers else None
    before = answers[-2].body if len(answers) > 1 else {}
    body_id, due = _deadline(history)
    document: Document = {
        "id": first.subject,
        "documentType": "complaints",
        **_texts("title", first.body["title"]),
        **_texts("description", first.body["findings"]),
        "datePublished": format_time(first.time),
        "dateModified": format_time(entry.time),
        "oversight": {
            "overseer": first.body["overseer_id"],
            "addressedTo": body_id,
            "status": OVERSIGHT_STATUS[entry.kind],
            "dueDate": due,
            "decision": answered.body["decision"] if answered else None,
            **_texts(
                "reasons", answered.body["reasons"] if answered else None, before.get("reasons")
            ),
            **_texts(
                "measures",
                answered.body.get("measures") if answered else None,
                before.get("measures"),
            ),
            "attachments": _identified(first.body["attachments"]),
        },
    }
    answer_documents = _identified(
        [
            a | {"answeredBy": e.body["body_id"]}
            for e in answers
            for a in e.body.get("attachments") or ()
        ]
    )
    if answer_documents:
        document["oversight"]["answerAttachments"] = answer_documents
    process = ocid(prefix, process_id)
    if subject["type"] == "competition":
        base = _base(process, entry, ("tenderUpdate",))
        return base | {"tender": {"id": subject["id"], "documents": [document]}}
    base = _base(process, entry, ("awardUpdate",))
    return base | {"awards": [{"id": subject["id"], "documents": [document]}]}


def _identified(attachments: Iterable[Mapping[str, Any]]) -> list[Document]:
    """Documents named by SHA-256, each with that as its ``id``, once each: OCDS merges an
    array of objects by their ids, and appends an object without one, so a conclusion's
    documents, repeated in each of its releases, were in the compiled release once per release.
    An answer's documents are those of every answer so far (each with the body that gave it),
    so that every release says what the compiled release says."""
    found: dict[str, Document] = {}
    for attachment in attachments:
        found.setdefault(attachment["sha256"], {"id": attachment["sha256"], **attachment})
    return list(found.values())


# --- Releases, records and packages -----------------------------------------------------------


def _base(process: str, entry: Recorded, tags: Sequence[str]) -> Document:
    return {
        "ocid": process,
        "id": release_id(process, entry.seq),
        "date": format_time(entry.time),
        "tag": list(tags),
        "initiationType": "tender",  # the only code OCDS 1.1 has
    }


def release(
    prefix: str,
    history: Sequence[Recorded],
    organizations: Mapping[str, Organization],
    processes: Mapping[str, str] | None = None,
) -> Document:
    """The release for the last of ``history``: one subject's entries, in ledger order, up to
    and including the entry to publish. ``processes`` maps an award a conclusion is about to
    its process (its competition, or itself)."""
    if history[-1].kind in OVERSIGHT_KINDS:
        subject = history[0].body["subject"]
        process_id = (processes or {}).get(subject["id"], subject["id"])
        return with_language(oversight_release(prefix, history, process_id))
    if history[-1].kind.startswith("competition."):
        return with_language(competition_release(prefix, history, organizations))
    return with_language(award_release(prefix, history, organizations))


def publisher(public_url: str) -> Document:
    return {"name": PUBLISHER_NAME, "uri": public_url}


def release_package(
    releases: Sequence[Document], *, uri: str, public_url: str, next_url: str | None
) -> Document:
    """A release package; ``links.next`` (OCDS 1.1 API guidance) pages through the feed.

    ``publishedDate`` is the date of the newest release in it: the package is made on
    demand, and the standard asks for the date of the last change to what it contains.
    """
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": newest(str(item["date"]) for item in releases),
        "publisher": publisher(public_url),
        "releases": list(releases),
        "links": {"next": next_url},
    }


def package_metadata(*, uri: str, public_url: str) -> Document:
    """A release package's fields that do not depend on its releases."""
    return {"uri": uri, "version": OCDS_VERSION, "publisher": publisher(public_url)}


def record_package(
    process: str, releases: Sequence[Document], *, uri: str, public_url: str
) -> Document:
    """A record package with one record: every release of ``process``, embedded, and the
    compiled release, merged by ``ocdsmerge`` under the local schema's merge rules."""
    ordered = sorted(releases, key=lambda item: (item["date"], _seq(item)))
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": newest(str(item["date"]) for item in ordered),
        "publisher": publisher(public_url),
        "records": [
            {"ocid": process, "releases": ordered, "compiledRelease": compile_release(ordered)}
        ],
    }


def compile_release(releases: Sequence[Document]) -> Document:
    """The compiled release: the OCDS merge routine (``ocdsmerge``), then without the items of
    voided entries.

    A voided disbursement never happened, but merging keeps every array item an earlier
    release gave: its correction can only null the item's fields, which leaves the item's id
    and what the schema forbids to null (a transaction's payer and payee), an empty payment
    of nothing. The compiled release is the latest state of the process, so the items that a
    correction's amendment voids (``void``, with ``correctsReleaseID`` naming the release of
    the entry, whose seq is the item's id) are taken out of their contract's implementation:
    the compiled release is what merging the releases would give had the voided entries never
    been released. The releases themselves, and the amendment saying what was voided and why,
    stay in the record."""
    compiled: Document = _merger().create_compiled_release(list(releases))
    voided = _voided_items(releases)
    for contract in compiled.get("contracts") or ():
        implementation = contract.get("implementation")
        gone = voided.get(contract.get("id"))
        if not implementation or not gone:
            continue
        for collection in _COLLECTIONS:
            if collection in implementation:
                kept = [item for item in implementation[collection] if item.get("id") not in gone]
                if kept:
                    implementation[collection] = kept
                else:
                    del implementation[collection]
        if not implementation:
            del contract["implementation"]
    # language is one member, which the merge takes from the last release: the compiled
    # release's texts, gathered from releases in several languages, say theirs anew.
    return with_language(compiled)


_COLLECTIONS: Final = ("transactions", "documents", "milestones")
"""The arrays of a contract's implementation that an award's events add items to."""


def _voided_items(releases: Iterable[Document]) -> dict[str, set[str]]:
    """By contract id, the ids of the implementation items that the releases' corrections
    void."""
    voided: dict[str, set[str]] = {}
    for item in releases:
        for contract in item.get("contracts") or ():
            for amendment in contract.get("amendments") or ():
                if amendment.get("void") and amendment.get("correctsReleaseID"):
                    seq = str(amendment["correctsReleaseID"]).rsplit("-", 1)[1]
                    voided.setdefault(contract["id"], set()).add(seq)
    return voided


@cache
def release_schema() -> Document:
    """The OCDS 1.1.5 release schema shipped in the package."""
    loaded: Document = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    return loaded


@cache
def _merger() -> Any:
    # Given the schema itself, ocdsmerge reads the merge rules from it and never fetches the
    # schema (or the list of OCDS versions) over the network.
    return ocdsmerge.Merger(schema=release_schema())


def _seq(item: Document) -> int:
    return int(str(item["id"]).rsplit("-", 1)[1])


def newest(dates: Iterable[str]) -> str:
    """A package's ``publishedDate``: its newest release's ``date`` (now, if it has none)."""
    return max(dates, default=None) or format_time(datetime.now(UTC))


# --- Reading (the database side) ---------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseFilters:
    """Simple filters on the feed: the funder or recipient org-id, the programme year."""

    funder: str | None = None
    recipient: str | None = None
    year: int | None = None


def _about(ids: Any) -> ColumnElement[bool]:
    """Entries of those awards or competitions, and of the conclusions about them."""
    subject = LedgerEntry.subject
    conclusions = select(Conclusion.id).where(
        Conclusion.subject_type.in_(("award", "competition")), Conclusion.subject_id.in_(ids)
    )
    return or_(subject.in_(ids), subject.in_(conclusions))


def _conditions(filters: ReleaseFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.funder is not None:
        conditions.append(
            or_(
                _about(select(Award.id).where(Award.funder_id == filters.funder)),
                _about(select(Competition.id).where(Competition.funder_id == filters.funder)),
            )
        )
    if filters.recipient is not None:
        conditions.append(_about(select(Award.id).where(Award.recipient_id == filters.recipient)))
    if filters.year is not None:
        first, after = date(filters.year, 1, 1), date(filters.year + 1, 1, 1)
        conditions.append(
            or_(
                _about(select(Award.id).where(Award.award_date >= first, Award.award_date < after)),
                _about(select(Competition.id).where(Competition.year == filters.year)),
            )
        )
    # A conclusion about a funder as a whole belongs to no contracting process.
    conditions.append(
        or_(
            LedgerEntry.kind.not_in(sorted(OVERSIGHT_KINDS)),
            LedgerEntry.subject.in_(
                select(Conclusion.id).where(Conclusion.subject_type.in_(("award", "competition")))
            ),
        )
    )
    return conditions


def read_releases(
    session: Session, *, prefix: str, after: int | None, limit: int, filters: ReleaseFilters
) -> tuple[list[Document], int | None]:
    """Up to ``limit`` releases after ledger seq ``after``, in ledger order, and the seq to
    continue after (None on the last page). Ledger order, not update order, so a process
    that changes never reappears on a later page (ProZorro's feed had that problem)."""
    statement = select(LedgerEntry.leaf).where(
        LedgerEntry.kind.in_(sorted(RELEASE_KINDS)), *_conditions(filters)
    )
    if after is not None:
        statement = statement.where(LedgerEntry.seq > after)
    leaves = session.execute(statement.order_by(LedgerEntry.seq).limit(limit + 1)).scalars()
    entries = [Recorded.from_leaf(bytes(leaf)) for leaf in leaves]
    more = len(entries) > limit
    entries = entries[:limit]
    if not entries:
        return [], None
    histories = _histories(session, {entry.subject for entry in entries}, up_to=entries[-1].seq)
    organizations = _organizations(session, histories.values())
    processes = _processes(session, histories.values())
    releases = []
    for entry in entries:
        history = histories[entry.subject]
        upto = next(index for index, item in enumerate(history) if item.seq == entry.seq)
        releases.append(release(prefix, history[: upto + 1], organizations, processes))
    return releases, entries[-1].seq if more else None


def read_record_releases(session: Session, *, prefix: str, process: str) -> list[Document]:
    """Every release of the process ``process`` (an ocid); ``NotFound`` if there is none."""
    return read_releases_of(
        session, prefix=prefix, subjects=record_subjects(session, prefix=prefix, process=process)
    )


def ledger_head(session: Session) -> tuple[int, bytes]:
    """The ledger's size and root hash as this session sees them. A record is made from the
    ledger's entries and from query tables that change only with an entry, in the same
    transaction; the ledger is append-only, so while its head stays the same, so does every
    record."""
    return ledger_service.tree_head(session)


def record_subjects(session: Session, *, prefix: str, process: str) -> list[str]:
    """The awards and competition of the process ``process`` (an ocid) and the conclusions
    about them; ``NotFound`` if there is no such process."""
    process_id = process.removeprefix(f"{prefix}-") if process.startswith(f"{prefix}-") else None
    subjects: list[str] = []
    if process_id:
        if session.get(Competition, process_id) is not None:
            awards = select(Award.id).where(Award.competition_id == process_id)
            subjects = [process_id, *session.execute(awards).scalars()]
        else:
            award = session.get(Award, process_id)
            if award is not None and award.competition_id is None:
                subjects = [process_id]
    if not subjects:
        raise NotFound.for_field(
            "path.ocid",
            f"no contracting process {process}; ocids are {prefix}-<competition id>, "
            f"or {prefix}-<award id> for an award without a competition",
        )
    conclusions = select(Conclusion.id).where(
        Conclusion.subject_type.in_(("award", "competition")), Conclusion.subject_id.in_(subjects)
    )
    return subjects + list(session.execute(conclusions).scalars())


def read_releases_of(session: Session, *, prefix: str, subjects: Iterable[str]) -> list[Document]:
    """Every release of a process, given its ``record_subjects``."""
    histories = _histories(session, set(subjects), up_to=None)
    organizations = _organizations(session, histories.values())
    processes = _processes(session, histories.values())
    return [
        release(prefix, history[: index + 1], organizations, processes)
        for history in histories.values()
        for index in range(len(history))
    ]


def _histories(
    session: Session, subjects: set[str], *, up_to: int | None
) -> dict[str, list[Recorded]]:
    """Each subject's release entries in ledger order (read on the subject, seq index)."""
    statement = select(LedgerEntry.leaf).where(
        LedgerEntry.subject.in_(sorted(subjects)), LedgerEntry.kind.in_(sorted(RELEASE_KINDS))
    )
    if up_to is not None:
        statement = statement.where(LedgerEntry.seq <= up_to)
    histories: dict[str, list[Recorded]] = {subject: [] for subject in subjects}
    for leaf in session.execute(statement.order_by(LedgerEntry.seq)).scalars():
        entry = Recorded.from_leaf(bytes(leaf))
        histories[entry.subject].append(entry)
    return histories


def _processes(session: Session, histories: Iterable[Sequence[Recorded]]) -> dict[str, str]:
    """For the awards conclusions are about: the process each belongs to (its competition, or
    itself). An award's competition never changes once published."""
    awards = {
        history[0].body["subject"]["id"]
        for history in histories
        if history
        and history[0].kind == "oversight.submitted"
        and history[0].body["subject"]["type"] == "award"
    }
    if not awards:
        return {}
    statement = select(Award.id, Award.competition_id).where(Award.id.in_(sorted(awards)))
    return {
        award_id: competition_id or award_id
        for award_id, competition_id in session.execute(statement)
    }


def _organizations(
    session: Session, histories: Iterable[Sequence[Recorded]]
) -> dict[str, Organization]:
    wanted = {
        org_id
        for history in histories
        if history
        for org_id in (history[0].body.get("funder_id"), history[0].body.get("recipient_id"))
        if org_id
    }
    statement = select(Organization).where(Organization.org_id.in_(sorted(wanted)))
    return {row.org_id: row for row in session.execute(statement).scalars()}
