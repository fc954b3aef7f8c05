"""The rows a file is read into: what to write, where in the file each part came from.

Readers (``giving360``, ``ocds``) are pure: they turn a file into these rows and note every
problem they can see without the database. The writer then validates each row with the
API's own schemas and writes it through the services, which are the final word; a refusal
from either is reported under the file's own name for the field (``fields``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from registry.imports.report import Problem
from registry.organizations.schemas import OrganizationKind

PUBLICATION: Final = "publication"
"""What ``EventRow.corrects`` names when a correction corrects the award's publication."""

SOURCE_MARK: Final = "[import source {source_id}]"
"""Appended to the note or reason of an event an import writes. Award and competition
events have no ``source_id`` of their own (only awards and competitions do), so the mark is
how a later import of the same file finds that the event is already recorded."""


def source_mark(source_id: str) -> str:
    return SOURCE_MARK.format(source_id=source_id)


def field_for(fields: Mapping[str, str], registry_field: str, default: str = "") -> str:
    """The file's name for a field a schema or service named (``period.end``,
    ``changes.amount``): the longest dotted prefix ``fields`` knows, else ``default``."""
    parts = [part for part in registry_field.split(".") if part]
    while parts:
        found = fields.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return default or registry_field


@dataclass(frozen=True)
class OrganizationRef:
    """An organization a row names; registered with this name and kind if it is missing."""

    org_id: str
    name: dict[str, str]
    kind: OrganizationKind
    region: str | None
    fields: Mapping[str, str]  # org_id, name, region -> the file's names
    legal_form: str | None = None


@dataclass(frozen=True)
class EventRow:
    """A later event of an award or a competition (``body`` is the API's event body),
    recorded once: ``source_id`` is the publisher's id for it. A correction names the event
    it corrects by that event's source id (or ``PUBLICATION``) in ``corrects``; the writer
    finds its ledger seq."""

    source_id: str
    body: dict[str, Any]
    fields: Mapping[str, str]
    corrects: str | None = None
    corrects_body: dict[str, Any] | None = None
    """The body of the event it corrects, for one that carries no source mark (a report,
    which has no note): the writer finds it as it finds a report already recorded."""


@dataclass
class AwardRow:
    """One award to publish (``award`` is an ``AwardCreate`` body) and its later events."""

    row: str
    source_id: str
    funder: OrganizationRef
    recipient: OrganizationRef
    award: dict[str, Any]
    fields: Mapping[str, str]
    competition_source_id: str | None = None
    events: list[EventRow] = field(default_factory=list)
    as_published: bool = False  # the figures as published (OCDS), not as they now stand


@dataclass
class CompetitionRow:
    """One competition to publish (``competition`` is a ``CompetitionCreate`` body) and its
    later events."""

    row: str
    source_id: str
    funder: OrganizationRef
    competition: dict[str, Any]
    fields: Mapping[str, str]
    events: list[EventRow] = field(default_factory=list)


@dataclass
class EventsRow:
    """Later events of an award or a competition already published (by this file or an
    earlier import), found by its funder and source id."""

    row: str
    subject: Literal["award", "competition"]
    funder_id: str
    subject_source_id: str
    events: list[EventRow]


@dataclass
class Unreadable:
    """A row the reader could not make sense of; only its problems are reported."""

    row: str
    problems: list[Problem]


Row = AwardRow | CompetitionRow | EventsRow | Unreadable
