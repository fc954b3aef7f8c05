"""The desk's forms, declared once: their fields, the API body they make, and the service they
call.

A form is turned into exactly the JSON body the API takes (``title.uz`` → ``{"title": {"uz":
…}}``; empty fields are left out, so the API's defaults apply), validated by the API's own
model, and written by the API's own service. Errors come back in the API's terms (a field
path and a message) and are shown next to the form field with that path.
"""

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, numbers
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.awards.legal import INSTRUMENTS_BY_COUNTRY
from registry.awards.schemas import (
    CHANGES_AND_VOID,
    NEITHER_CHANGES_NOR_VOID,
    AwardAmended,
    AwardCompleted,
    AwardCorrected,
    AwardCreate,
    AwardDisbursed,
    AwardReported,
    AwardTerminated,
)
from registry.competitions import service as competition_service
from registry.competitions.schemas import (
    ApplicationLanguage,
    ApplicationsClosed,
    CommissionDecided,
    CompetitionAmended,
    CompetitionCancelled,
    CompetitionCreate,
    CompetitionResultsPublished,
    ComplianceChecked,
    FinalResults,
    PreliminaryResults,
    RefusalReason,
    Stage,
)
from registry.core import clock
from registry.core.errors import (
    REQUIRED,
    FieldError,
    Forbidden,
    NotFound,
    RegistryError,
    human_message,
)
from registry.core.schemas import AMOUNT_PATTERN, LANGUAGES, Instrument
from registry.core.settings import Settings
from registry.organizations import service as organization_service
from registry.oversight import service as oversight_service
from registry.oversight.models import Conclusion
from registry.oversight.schemas import (
    Acknowledged,
    Answered,
    ConclusionCreate,
    Decision,
    Escalated,
    Extended,
    SubjectType,
    Withdrawn,
)
from registry.reference.legal_units import LegalUnit
from registry.reference.zones import country_zones
from registry.web import i18n, views
from registry.web.amounts import read_amount
from registry.web.i18n import N_

if TYPE_CHECKING:
    from registry.awards.models import Award


@dataclass(frozen=True)
class Input:
    """One form field. ``name`` is its path in the API body (``period.start``)."""

    name: str
    label: str
    kind: str = "text"
    """text, textarea, number (a whole one), amount (read as the page writes amounts), date,
    datetime, select, checkbox or list."""
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label) for a select
    hint: str | None = None
    legend: str | None = None
    """Inputs next to each other with the same legend are shown together in a fieldset (a
    statement in a legal unit); a multilingual text's inputs are, under their label."""
    note: str | None = None
    """Said once under the legend of the fieldset the input is shown in (what a change to a
    multilingual text does to the languages it leaves empty)."""
    clears: str | None = None
    """A checkbox that, ticked, gives the API its empty value for the input named here:
    ``null`` for one language of a text (that language is removed), ``[]`` for a list (no
    themes). The API cannot be told both that and a new value, so the form refuses both."""
    choices: Callable[[str], tuple[tuple[str, str], ...]] | None = None
    """A select's options that depend on the organization writing (its org-id given): its
    country's time zones."""
    fold: Callable[[str], str] | None = None
    """A code the API takes in one case, typed in either: a currency in capitals (``uzs``), a
    digest in lower case (PowerShell's ``Get-FileHash`` prints it in capitals)."""

    part_of: str | None = None
    """The group of counts the input is one of (``by_language``, ``reasons``): an error
    naming the group as a whole (its counts do not add up) is shown under its legend."""
    from_file: bool = False
    """A document's SHA-256 that the browser may compute from a file chosen beside the box
    (``static/js/file-digest.js``; the file is read there, never sent)."""
    size_input: str | None = None
    """The input of the same document's size in bytes, filled in from the file too."""

    def options_for(self, organization_id: str) -> tuple[tuple[str, str], ...]:
        return self.choices(organization_id) if self.choices else self.options


def texts(
    name: str,
    label: str,
    *,
    required: bool = False,
    long: bool = False,
    note: str | None = None,
    removable: bool = False,
) -> list[Input]:
    """A multilingual text: one input per language. ``required``: the API needs it in at
    least one language, any of them; the group says so, not one language's input.
    ``removable``: a change to a recorded text, each language with a checkbox that removes
    it (the API's ``null``)."""
    kind = "textarea" if long else "text"
    inputs = []
    for code in LANGUAGES:
        inputs.append(Input(f"{name}.{code}", label, kind=kind, required=required, note=note))
        if removable:
            inputs.append(
                Input(
                    f"{name}.{code}.{REMOVE}",
                    N_("Remove this language"),
                    kind="checkbox",
                    legend=label,
                    note=note,
                    clears=f"{name}.{code}",
                )
            )
    return inputs


def is_language_input(item: Input) -> bool:
    """One language's input of a multilingual text (``title.uz``)."""
    stem, _, code = item.name.rpartition(".")
    return bool(stem) and code in LANGUAGES


@dataclass(frozen=True)
class Said:
    """A message of the desk's own, said in the reader's language when the page is shown: a
    text of the catalogs and the values it names (a date is written in the reader's locale).
    The API's messages are for programmers ("a JSON integer"); a person filling in a form is
    told what to type."""

    text: str
    values: tuple[tuple[str, object], ...] = ()


Message = str | Said
"""An error's words: the API's own (English, as it says them) or the desk's (``Said``)."""

FILL_IN: Final = N_("Fill this in.")
CHOOSE: Final = N_("Choose one.")
ONE_LANGUAGE: Final = N_("Write it in at least one language, any of them.")
WHOLE_NUMBER: Final = N_(
    "Write a whole number in digits, such as 1024: no spaces, commas or points."
)
AMOUNT_UNREAD: Final = N_(
    "Write the amount in digits, as this page writes amounts, such as %(example)s: no sign, "
    "no letters."
)
AMOUNT_EXAMPLE: Final = Decimal(45000000)
"""The amount ``AMOUNT_UNREAD`` shows, written as the reader's language writes it."""
STAGE_RECORDED: Final = N_(
    "This stage of the competition is already recorded, dated %(date)s, as entry #%(seq)s: "
    "each stage is recorded once."
)
RESULTS_RECORDED: Final = N_(
    "The competition's results are already published: no stage is recorded after them."
)
LATER_STAGE_RECORDED: Final = N_(
    "A later stage of the competition is already recorded: stages are recorded in order, so "
    "this one can no longer be added."
)
NO_ORGANIZATION: Final = N_("No organization %(org_id)s is registered.")
NO_AWARD: Final = N_("No award %(id)s is registered.")
NOT_AN_AWARD_ID: Final = N_("No award has this id: an award's id reads like AWD-2026-000123.")
AWARD_ID_SHAPE: Final = re.compile(r"AWD-[0-9]{1,4}-[0-9]{6,20}")
"""What an award's id looks like (``awards.service``: prefix, year, a number of at least six
digits): a form names an award it does not find only when the id has this shape, so that the
desk's own sentence never says what a link was made to make it say."""
NO_COMPETITION: Final = N_("No competition %(id)s is registered.")
NOT_A_COMPETITION_ID: Final = N_(
    "No competition has this id: a competition's id reads like CMP-2026-00001."
)
COMPETITION_ID_SHAPE: Final = re.compile(r"CMP-[0-9]{1,4}-[0-9]{5,20}")
"""What a competition's id looks like (``competitions.service``: prefix, year, a number of
at least five digits); named, like an award's id, only when it has a registry id's shape."""
NOT_YET_ESCALATED: Final = N_(
    "It cannot be escalated yet: a conclusion is escalated when it is overdue or rejected, "
    "and %(body)s has until the end of %(date)s (%(zone)s) to answer."
)


@dataclass(frozen=True)
class Written:
    """What an accepted form wrote: the ledger entry and the page of the thing."""

    seq: int
    what: str
    id: str
    link: str


TARGET_MAX_LENGTH: Final = 40
"""The most an id the API takes in its path has (``Path(max_length=40)``)."""


@dataclass(frozen=True)
class Target:
    """The existing thing an event form is about, named in the URL-less form by a field."""

    name: str  # competition_id, award_id or conclusion_id
    label: str

    def id_in(self, form: Mapping[str, str]) -> str:
        """The id the form names, held to what the API's path parameter takes: given, at most
        40 characters, without a NUL (PostgreSQL refuses one in any text: the lookup would
        have been a 500). ``FormErrors`` next to the field otherwise."""
        given = (form.get(self.name) or "").strip()
        if not given:
            raise FormErrors([(self.name, Said(FILL_IN))])
        if "\x00" in given:
            raise FormErrors([(self.name, "contains a NUL character")])
        if len(given) > TARGET_MAX_LENGTH:
            raise FormErrors([(self.name, f"at most {TARGET_MAX_LENGTH} characters")])
        return given


@dataclass(frozen=True)
class Action:
    slug: str
    title: str
    roles: frozenset[Role]
    inputs: tuple[Input, ...]
    model: type[BaseModel]
    write: Callable[[Session, Principal, BaseModel, str | None, int], Written]
    target: Target | None = None
    fixed: Mapping[str, str] = field(default_factory=dict)  # e.g. {"type": "disbursed"}
    preset: Callable[[Session, Mapping[str, str]], dict[str, str]] | None = None
    """Values the form is opened with, from what it is opened about (an award's instrument
    from its competition's); never over what its address gives."""
    owner_field: str | None = None  # funder_id / overseer_id, filled from the session
    check: Callable[[Session, Mapping[str, str]], list[tuple[str | None, Message]]] | None = None
    """What the form can check before writing, beside the model (whether what it names is
    registered), so that every such error is shown at once."""
    explain: Callable[[Session, str | None, "Errors"], "Errors"] | None = None
    """The service's refusal said for a person where the desk knows better words (an
    escalation before the deadline, with the deadline in the reader's locale)."""
    final_note: str = N_(
        "What you send is written to the public ledger and cannot be deleted; a mistake is "
        "corrected by a new entry."
    )
    """What the form's footer says becomes of what is sent: awards and competitions have
    corrections and amendments, conclusions have none."""
    compared: tuple[str, ...] = ()
    """The inputs an amendment or correction gives new values in. The service compares the
    ones given with what is recorded and refuses an entry that changes nothing, naming the
    body as a whole (an award's amendment) or the group that holds them (``changes``)."""
    shape: "Callable[[Session, Principal, Mapping[str, str], Locale], Shaped] | None" = None
    """A form whose boxes depend on what it is about (a correction: the boxes of the event
    it corrects): the form as it is for what the address or the form names."""
    build: "Callable[[Mapping[str, str], Locale], dict[str, Any]] | None" = None
    """The API body the form stands for, where it is not one box a field (a correction:
    only the values changed); ``body_of`` otherwise."""
    restated: Mapping[str, tuple[str | None, Message]] = field(default_factory=dict)
    """The model's refusals of its own that the desk says in a form's words, where (a
    correction that changes nothing: the boxes are the changes)."""
    changes_model: type[BaseModel] | None = None
    """The model that holds the ``changes.`` boxes where ``model`` takes any changes (a
    correction's: the corrected event's), read for their limits."""
    days: Mapping[str, tuple[date, date]] = field(default_factory=dict)
    """The first and last day each date box may give, where the service's date rules say
    (a correction's: ``award_service.correction_days``): its date picker offers only these."""


REMOVE: Final = "remove"
"""The last part of the name of a checkbox that removes a language (``title.ru.remove``)."""
BOTH_GIVEN: Final = N_("Type a new value above or tick this box, not both.")
FORM_MESSAGES: Final = frozenset({BOTH_GIVEN})
"""The form's own refusals, in the catalogs (the API's are shown in its words)."""


class FormErrors(Exception):
    """Errors to show next to the fields (``None``: the form as a whole)."""

    def __init__(self, errors: list[tuple[str | None, Message]]) -> None:
        super().__init__("; ".join(str(message) for _, message in errors))
        self.errors = errors


LEGAL_UNITS: Final = ((LegalUnit.BRV.value, N_("BRV")), (LegalUnit.MCI.value, N_("MCI")))
"""The units as the portal names them in each language (БРВ, МРП in Russian)."""
DECISION_NAMES: Final = {
    Decision.ACCEPTED: N_("Accepted"),
    Decision.PARTLY_ACCEPTED: N_("Partly accepted"),
    Decision.REJECTED: N_("Rejected"),
}
DECISIONS: Final = tuple((item.value, DECISION_NAMES[item]) for item in Decision)
SUBJECT_NAMES: Final = {
    SubjectType.AWARD: N_("An award"),
    SubjectType.COMPETITION: N_("A competition"),
    SubjectType.FUNDER: N_("A funder as a whole"),
}
SUBJECTS: Final = tuple((item.value, SUBJECT_NAMES[item]) for item in SubjectType)
TIME_ZONE: Final = "time_zone"


def funder_instruments(organization_id: str) -> tuple[tuple[str, str], ...]:
    """The instruments the funder's country's law provides (``check_instrument``'s rule: an
    Uzbek funder is offered no Kazakh strategic partnership or prize), each as the portal
    names it; every one to a funder of another country, which the service does not judge."""
    known = INSTRUMENTS_BY_COUNTRY.get(organization_id[:2])
    return tuple(
        (item.value, views.INSTRUMENT_NAMES[item.value])
        for item in Instrument
        if known is None or item.value in known
    )


def competition_instrument(session: Session, form: Mapping[str, str]) -> dict[str, str]:
    """An award's form opened from a competition (``competition_id`` given, no instrument):
    the competition's instrument, chosen for the funder, who may still change it."""
    given = (form.get(COMPETITION.name) or "").strip()
    if form.get("instrument") or not given or len(given) > TARGET_MAX_LENGTH or "\x00" in given:
        return {}
    try:
        competition = competition_service.get(session, given)
    except NotFound:
        return {}  # refused when sent, next to its field
    return {"instrument": competition.instrument}


def funder_zones(organization_id: str) -> tuple[tuple[str, str], ...]:
    """The time zones of the funder's country, as the API takes them for a competition (an
    Uzbek or Kazakh funder names one of its own country's): named as the portal shows a
    zone, by its IANA name."""
    return tuple((zone, zone) for zone in sorted(country_zones(organization_id[:2])))


def reading_zone(action: Action, form: Mapping[str, str], zone: tzinfo) -> tzinfo:
    """The zone the times typed in ``form`` are read in: the competition's time zone when
    the form names one the funder may choose, else ``zone`` (the organization's country's).
    A competition's window is counted in its zone, so the times typed are its local times."""
    chosen = (form.get(TIME_ZONE) or "").strip()
    if any(item.name == TIME_ZONE and item.choices for item in action.inputs) and chosen:
        try:
            return ZoneInfo(chosen)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return zone  # the API refuses the name, next to its field
    return zone


def one_line_break(text: str) -> str:
    """``text`` with each line break as ``\n``, as the API's clients send them: a browser
    sends a text area's as ``\r\n`` (HTML's form submission), so that the same text typed in
    the desk and sent through the API was recorded in two ways, and a text shown in a box and
    sent back untouched read as another."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _set(body: dict[str, Any], path: str, *, value: object) -> None:
    *parents, last = path.split(".")
    node = body
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _typed(item: Input, raw: str, locale: Locale) -> str:
    """A field's text as the API writes it: an amount read as the page writes amounts in the
    reader's language (``locale``: Russian ``45 000 000,00``, English ``50,000,000``), a code
    in the API's case. An amount the language does not read exactly stays as typed, for the
    model to refuse."""
    if item.fold:
        return item.fold(raw)
    if item.kind == "amount":
        return read_amount(raw, locale) or raw
    return raw


def _value(item: Input, raw: str, zone: tzinfo) -> object:
    """A field's text as the API body holds it; text the model will refuse stays text, so
    its error says what is wrong with it."""
    value: object = raw
    if item.kind == "number":
        try:
            value = int(raw)
        except ValueError:
            value = raw
    elif item.kind == "datetime":
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        value = (moment if moment.tzinfo else moment.replace(tzinfo=zone)).isoformat()
    elif item.kind == "list":
        value = _listed(raw)
    return value


def _listed(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _lists(node: object) -> object:
    """``attachments.0.sha256`` made ``{"attachments": {"0": …}}``: numbered keys become a list."""
    if not isinstance(node, dict):
        return node
    items = {key: _lists(value) for key, value in node.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items


def body_of(
    action: Action, form: Mapping[str, str], principal: Principal, zone: tzinfo, locale: Locale
) -> dict[str, Any]:
    """The API body a submitted form stands for, its amounts read in ``locale``."""
    zone = reading_zone(action, form, zone)
    body: dict[str, Any] = dict(action.fixed)
    if action.owner_field:
        body[action.owner_field] = principal.organization_id
    inputs = {item.name: item for item in action.inputs}
    both: list[tuple[str | None, Message]] = []
    for item in action.inputs:
        raw = (form.get(item.name) or "").strip()
        if item.kind == "checkbox" and item.clears:
            if raw and (form.get(item.clears) or "").strip():
                both.append((item.name, Said(BOTH_GIVEN)))
            elif raw:
                cleared = inputs[item.clears]
                _set(body, item.clears, value=[] if cleared.kind == "list" else None)
            continue
        if item.kind == "checkbox":
            if raw:
                _set(body, item.name, value=True)
            continue
        if raw:
            _set(body, item.name, value=_value(item, _typed(item, raw, locale), zone))
    if both:
        raise FormErrors(both)
    result = _lists(body)
    assert isinstance(result, dict)
    return result


def max_lengths(action: Action) -> dict[str, int]:
    """The most characters each text input of ``action`` may hold, as its model's schema
    states them (a finding's 4000, a legal basis's 500), so that the form says the limit
    before sending; and a bounded whole number's digits (a tranche's 4, to 1000). An
    amount's is left out: the desk reads more than the API's text (its grouping), and refuses
    a too long one in its own words."""
    found = {}
    for name, limits in _limits(action).items():
        if limits.max_length is not None:
            found[name] = limits.max_length
        elif limits.minimum is not None and limits.minimum >= 0 and limits.maximum is not None:
            found[name] = len(str(limits.maximum))
    return found


def number_bounds(
    action: Action, settings: Settings, form: Mapping[str, str], zone: tzinfo
) -> dict[str, tuple[int, int]]:
    """The least and the most each whole number input of ``action`` takes where its model
    bounds it both ways (a tranche from 1 to 1000), said under its box; where a setting
    bounds it closer (``SETTING_MAXIMUMS``), the setting's; where the service's rule does
    (a new competition's programme year, ``programme_year_bounds``: its window typed in
    ``form``, read in ``zone`` unless the form chooses one), the rule's."""
    found = {
        name: (limits.minimum, limits.maximum)
        for name, limits in _limits(action).items()
        if limits.minimum is not None and limits.maximum is not None
    }
    for name, least_and_most in found.items():
        setting = SETTING_MAXIMUMS.get((action.slug, name))
        if setting is not None:
            least, most = least_and_most
            found[name] = (least, min(most, int(getattr(settings, setting))))
    for name, (least, most) in programme_year_bounds(action, form, zone).items():
        held = (max(least, found[name][0]), min(most, found[name][1])) if name in found else None
        found[name] = held if held and held[0] <= held[1] else (least, most)
    return found


def programme_year_bounds(
    action: Action, form: Mapping[str, str], zone: tzinfo
) -> dict[str, tuple[int, int]]:
    """A new competition's programme year as the service takes it
    (``competition_service.programme_years``), where the model takes 2000 to 2100: the years
    of the window typed in ``form`` (its times read in the zone they are counted in), or,
    before one is typed, of a window open now (this year or the next, in ``zone``: the
    funder's country's, or the one the form chooses)."""
    if action.model is not CompetitionCreate:
        return {}
    zone = reading_zone(action, form, zone)
    typed = [_moment(form.get(name, ""), zone) for name in ("window.opens", "window.closes")]
    opens, closes = typed[0] or typed[1], typed[1] or typed[0]
    if opens is None or closes is None or closes < opens:  # none typed, or a slip: refused
        opens = closes = clock.now()
    return {"year": competition_service.programme_years(opens, closes, zone)}


def _moment(raw: str, zone: tzinfo) -> datetime | None:
    """A time typed in a datetime box, read in ``zone`` as the form sends it; None if it
    does not read as one."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


SETTING_MAXIMUMS: Final = {("conclusion-extended", "days"): "oversight_answer_days"}
"""Inputs the service holds to a setting narrower than the model's bound: an extension's
days to REGISTRY_OVERSIGHT_ANSWER_DAYS (30), where the model takes up to 365."""


@dataclass(frozen=True)
class _Limits:
    """What a model's JSON schema says one input takes."""

    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None


def _limits(action: Action) -> dict[str, _Limits]:
    """Each text and whole number input's limits in its model's schema (a correction's
    changes in the corrected event's model, ``Action.changes_model``); cached, for a form is
    shown often and its models do not change."""
    names = tuple(item.name for item in action.inputs)  # a correction's vary
    key = (action.slug, names, action.changes_model)
    if key not in _LIMITS:
        schema = TypeAdapter(action.model).json_schema()
        changes = TypeAdapter(action.changes_model).json_schema() if action.changes_model else None
        found = {}
        for item in action.inputs:
            path = item.name.split(".")
            held_to = schema
            if changes is not None and item.name.startswith(CHANGES):
                held_to, path = changes, path[1:]
            if item.kind in {"text", "textarea"} and item.fold is None:
                limits = _Limits(max_length=_schema_limit(held_to, path, "string", "maxLength"))
            elif item.kind == "number":
                maximum = _schema_limit(held_to, path, "integer", "maximum")
                if maximum is None or maximum >= JSON_EXACT_MAX:
                    continue
                limits = _Limits(
                    minimum=_schema_limit(held_to, path, "integer", "minimum", least=False),
                    maximum=maximum,
                )
            else:
                continue
            if limits != _Limits():
                found[item.name] = limits
        _LIMITS[key] = found
    return _LIMITS[key]


_LIMITS: dict[tuple[str, tuple[str, ...], type[BaseModel] | None], dict[str, _Limits]] = {}
JSON_EXACT_MAX: Final = 2**53 - 1
"""The largest whole number JSON holds exactly: a model bounded by it (a document's size in
bytes) bounds what the wire carries, not what a person types, and its box says no bound."""


def _schema_limit(
    schema: dict[str, Any], path: list[str], kind: str, keyword: str, *, least: bool = True
) -> int | None:
    """The ``keyword`` (``maxLength``, ``minimum``) of the ``kind`` at ``path``
    (``attachments.0.name``) in a JSON schema, through its ``$ref``s, nullable ``anyOf``s,
    objects and arrays: the strictest where several branches state one (the least of
    maxima, the greatest of minima)."""
    definitions = schema.get("$defs", {})

    def branches(node: dict[str, Any]) -> list[dict[str, Any]]:
        options = node.get("anyOf") or node.get("oneOf") or [node]
        return [
            definitions.get(option["$ref"].rpartition("/")[2], {}) if "$ref" in option else option
            for option in options
        ]

    nodes = [schema]
    for part in path:
        nodes = [
            (branch.get("items", {}) if part.isdigit() else branch.get("properties", {}).get(part))
            for node in nodes
            for branch in branches(node)
        ]
        nodes = [node for node in nodes if node]
    limits: list[int] = [
        branch[keyword]
        for node in nodes
        for branch in branches(node)
        if branch.get("type") == kind and keyword in branch
    ]
    if not limits:
        return None
    return min(limits) if least else max(limits)


def validate(action: Action, body: dict[str, Any]) -> BaseModel:
    try:
        return TypeAdapter(action.model).validate_python(body)
    except ValidationError as exc:
        raise FormErrors(
            [
                (".".join(str(part) for part in error["loc"]) or None, human_message(error))
                for error in exc.errors()
            ]
        ) from exc


def _said(
    action: Action, path: str | None, message: Message, form: Mapping[str, str], locale: Locale
) -> Message:
    """The desk's words for what a form gets wrong that the API says for a programmer: a
    field left empty, a number that is not a whole number (typed in a form, not JSON), an
    amount the page's language does not read (the API's words would forbid the grouping
    the page itself writes)."""
    inputs = {item.name: item for item in action.inputs}
    item = inputs.get(path or "")
    if item is not None and item.kind == "amount" and not _is_amount(form.get(item.name), locale):
        return Said(AMOUNT_UNREAD, (("example", AMOUNT_EXAMPLE),))
    if item is not None and item.kind == "number" and not _is_whole(form.get(item.name)):
        return Said(WHOLE_NUMBER)
    if message == REQUIRED and path:
        if any(name.startswith(path + ".") and is_language_input(inputs[name]) for name in inputs):
            return Said(ONE_LANGUAGE)
        return Said(CHOOSE if item is not None and item.kind == "select" else FILL_IN)
    return message


def _is_amount(raw: str | None, locale: Locale) -> bool:
    """Empty, or an amount as the API or the page's language writes it."""
    text = (raw or "").strip()
    return not text or bool(re.fullmatch(AMOUNT_PATTERN, text)) or bool(read_amount(text, locale))


def _is_whole(raw: str | None) -> bool:
    text = (raw or "").strip()
    return not text or (text.isascii() and text.isdigit())


def read(
    session: Session,
    action: Action,
    form: Mapping[str, str],
    principal: Principal,
    zone: tzinfo,
    *,
    locale: Locale,
) -> tuple[BaseModel, str | None]:
    """The API model and the target a form stands for, or ``FormErrors`` naming every error
    the form can see before writing: the model's, the target's and the action's own checks
    (an addressee or a subject that is not registered), all at once rather than one a send.
    Amounts are read as the page writes them in ``locale``, its language's."""
    errors: list[tuple[str | None, Message]] = []
    data: BaseModel | None = None
    try:
        body = (
            action.build(form, locale)
            if action.build
            else body_of(action, form, principal, zone, locale)
        )
        data = validate(action, body)
    except FormErrors as exc:
        errors.extend(
            action.restated.get(message, (path, _said(action, path, message, form, locale)))
            if isinstance(message, str)
            else (path, message)
            for path, message in exc.errors
        )
    target = None
    if action.target:
        try:
            target = action.target.id_in(form)
        except FormErrors as exc:
            errors.extend(exc.errors)
    if action.check:
        errors.extend(action.check(session, form))
    if errors:
        raise FormErrors(errors)
    assert data is not None
    return data, target


Errors = Sequence[FieldError | tuple[str | None, Message]]
"""A refusal's errors: the API's (``FieldError``) or the form's own (a path and a message)."""


def _errors(errors: Errors) -> list[tuple[str | None, Message]]:
    return [
        (error.field, error.message) if isinstance(error, FieldError) else error for error in errors
    ]


@dataclass(frozen=True)
class Placed:
    """Where a refused form shows its errors."""

    messages: dict[str | None, list[Message]]
    """Each message under the form field it names (a multilingual text as a whole: under its
    name, ``findings``, shown under the group's legend); under ``None`` when none matches."""
    shared: dict[str, list[tuple[str, int]]]
    """Fields a message names along with others, each with where that message is shown (the
    field and the message's index there): a message about a group of the values an amendment
    gives is shown once, next to the first of them the form gave, and the others are marked
    as named by it, so that the same sentence is not repeated next to each."""


def place_errors(action: Action, errors: Errors, form: Mapping[str, str]) -> Placed:
    """Each error under the form field it names (``body.amount``, ``amount`` and ``title``
    for ``title.uz`` all find their field); under ``None`` when no field matches. An error
    naming a group of the values an amendment gives (a competition's ``changes``, an
    amended ``period``) concerns each of them that ``form`` gave, since each was compared:
    it is shown next to the first and the others are marked (``Placed.shared``)."""
    names = [item.name for item in action.inputs]
    if action.target:
        names.append(action.target.name)
    groups = {item.name.rpartition(".")[0] for item in action.inputs if is_language_input(item)}
    groups |= {item.part_of for item in action.inputs if item.part_of}
    given = _given(action, form)
    messages: dict[str | None, list[Message]] = {}
    shared: dict[str, list[tuple[str, int]]] = {}
    for path, message in _errors(errors):
        candidate = _in_body(path)
        group = [name for name in given if candidate and name.startswith(candidate + ".")]
        if candidate in groups and not group:  # the text as a whole, not one language's box
            messages.setdefault(candidate, []).append(message)
            continue
        if candidate in names or not group:
            messages.setdefault(_field_for(candidate, names), []).append(message)
            continue
        first, *others = group
        shown = messages.setdefault(first, [])
        shown.append(message)
        for other in others:
            shared.setdefault(other, []).append((first, len(shown) - 1))
    return Placed(messages, shared)


def compared_inputs(action: Action, errors: Errors, form: Mapping[str, str]) -> list[Input]:
    """The inputs whose values a refusal of the body as a whole judged: an award's
    amendment that changes nothing is refused naming ``body``, no field, so the form says
    which of its values were compared with what is recorded (the ones it gave). None for
    any other refusal, one without a field (a conflict, say) included."""
    if not any(path == "body" for path, _ in _errors(errors)):
        return []
    given = _given(action, form)
    return [item for item in action.inputs if item.name in given]


def _given(action: Action, form: Mapping[str, str]) -> list[str]:
    return [name for name in action.compared if (form.get(name) or "").strip()]


def _in_body(path: str | None) -> str:
    """A field's path in the body: ``body.amount`` is ``amount``, ``body`` is ``""``."""
    parts = (path or "").split(".")
    if parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts)


def _field_for(candidate: str, names: list[str]) -> str | None:
    if not candidate:
        return None
    for name in names:
        if candidate == name:
            return name
    for name in names:  # a whole multilingual text or period: its first input
        if name.startswith(candidate + "."):
            return name
    for name in names:  # a rule about a part of a field: the field
        if candidate.startswith(name + "."):
            return name
    return None


# --- The writes, through the API's services -------------------------------------------------


def _competition_publish(
    session: Session, principal: Principal, data: BaseModel, _target: str | None, _days: int
) -> Written:
    assert isinstance(data, CompetitionCreate)
    found = competition_service.publish(session, principal=principal, data=data)
    return Written(found.published_seq, "competition", found.id, f"/competitions/{found.id}")


def _competition_event(
    session: Session, principal: Principal, data: BaseModel, target: str | None, _days: int
) -> Written:
    assert target is not None
    found = competition_service.add_event(
        session,
        principal=principal,
        competition_id=target,
        event=data,  # type: ignore[arg-type]  # one member of the event union
        id_field=COMPETITION.name,  # an unknown id is shown next to its field
    )
    return Written(found.updated_seq, "competition", found.id, f"/competitions/{found.id}")


def _award_publish(
    session: Session, principal: Principal, data: BaseModel, _target: str | None, _days: int
) -> Written:
    assert isinstance(data, AwardCreate)
    found = award_service.publish(session, principal=principal, data=data)
    return Written(found.published_seq, "award", found.id, f"/awards/{found.id}")


def _award_event(
    session: Session, principal: Principal, data: BaseModel, target: str | None, _days: int
) -> Written:
    assert target is not None
    found = award_service.add_event(
        session,
        principal=principal,
        award_id=target,
        event=data,  # type: ignore[arg-type]  # one member of the event union
        id_field=AWARD.name,  # an unknown id is shown next to its field
    )
    return Written(found.updated_seq, "award", found.id, f"/awards/{found.id}")


def _conclusion_submit(
    session: Session, principal: Principal, data: BaseModel, _target: str | None, days: int
) -> Written:
    assert isinstance(data, ConclusionCreate)
    found = oversight_service.submit(session, principal=principal, data=data, answer_days=days)
    link = f"/oversight/conclusions/{found.id}"
    return Written(found.submitted_seq, "conclusion", found.id, link)


def _conclusion_event(
    session: Session, principal: Principal, data: BaseModel, target: str | None, days: int
) -> Written:
    assert target is not None
    found = oversight_service.add_event(
        session,
        principal=principal,
        conclusion_id=target,
        event=data,  # type: ignore[arg-type]  # one member of the event union
        id_field=CONCLUSION.name,  # an unknown id is shown next to its field
        answer_days=days,
    )
    link = f"/oversight/conclusions/{found.id}"
    return Written(found.updated_seq, "conclusion", found.id, link)


LOOKED_UP_LENGTH: Final = 100
"""The longest id the desk looks up itself: longer ones (and any with a NUL, which
PostgreSQL refuses in a text) are left to the model's refusal."""


def _lookable(value: str) -> bool:
    return bool(value) and len(value) <= LOOKED_UP_LENGTH and "\x00" not in value


def _organization_registered(session: Session, org_id: str) -> bool | None:
    """Whether ``org_id`` is registered; None where it is no org-id at all (the model or the
    service says why)."""
    try:
        canonical = organization_service.canonical_org_id(org_id)
    except RegistryError:
        return None
    return organization_service.find(session, canonical) is not None


FormCheck = list[tuple[str | None, Message]]


def _conclusion_check(session: Session, form: Mapping[str, str]) -> FormCheck:
    """A conclusion's addressee and subject, looked up whatever else the form got wrong, so
    that an overseer learns of an unknown addressee and an unknown award in one send. Only
    whether they are registered: what kind of body may be addressed is the service's rule."""
    errors: list[tuple[str | None, Message]] = []
    addressed = (form.get("addressed_to") or "").strip()
    if _lookable(addressed) and _organization_registered(session, addressed) is False:
        errors.append(("addressed_to", Said(NO_ORGANIZATION, (("org_id", addressed),))))
    kind = (form.get("subject.type") or "").strip()
    subject = (form.get("subject.id") or "").strip()
    if not _lookable(subject):
        return errors
    try:
        if kind == SubjectType.AWARD.value:
            award_service.get(session, subject, field="subject.id")
        elif kind == SubjectType.COMPETITION.value:
            competition_service.get(session, subject, field="subject.id")
    except NotFound:
        errors.append(("subject.id", _not_registered(kind, subject)))
    if kind == SubjectType.FUNDER.value and _organization_registered(session, subject) is False:
        errors.append(("subject.id", Said(NO_ORGANIZATION, (("org_id", subject),))))
    return errors


def _not_registered(kind: str, subject: str) -> Said:
    """A conclusion's subject not registered, said naming it only where it reads as a
    registry's id (an award's, ``AWARD_ID_SHAPE``; for a competition, a competition's or an
    award's, a mix-up worth naming), so that the desk's own sentence never says what a form
    was made to make it say."""
    if kind != SubjectType.AWARD.value:
        if not any(shape.fullmatch(subject) for shape in (COMPETITION_ID_SHAPE, AWARD_ID_SHAPE)):
            return Said(NOT_A_COMPETITION_ID)
        return Said(NO_COMPETITION, (("id", subject),))
    if AWARD_ID_SHAPE.fullmatch(subject) is None:
        return Said(NOT_AN_AWARD_ID)
    return Said(NO_AWARD, (("id", subject),))


def _stage_explained(stage: Stage) -> Callable[[Session, str | None, Errors], Errors]:
    """A stage refused for its order (409 naming ``type``, the form's fixed field) said for a
    person: which entry already records it, or that a later stage does. A competition
    cancelled, or a window not closed yet, keeps the API's words, which say so."""

    def explain(session: Session, target: str | None, errors: Errors) -> Errors:
        if target is None:
            return errors
        try:
            competition = competition_service.get(session, target)
        except NotFound:
            return errors
        if competition.state == "cancelled":
            return errors
        recorded = competition_service.recorded_stages(competition)
        entry = (competition.stages or {}).get(stage.value)
        said: Said
        if entry is not None:
            when = date.fromisoformat(entry["date"])
            said = Said(STAGE_RECORDED, (("date", when), ("seq", entry["seq"])))
        elif stage in recorded:  # the final results, published as results
            said = Said(RESULTS_RECORDED)
        elif any(competition_service.STAGE_ORDER.index(each) > stage_index for each in recorded):
            said = Said(LATER_STAGE_RECORDED)
        else:
            return errors
        return [
            ("type", said) if path == "type" else (path, message)
            for path, message in _errors(errors)
        ]

    stage_index = competition_service.STAGE_ORDER.index(stage)
    return explain


def _escalation_explained(session: Session, target: str | None, errors: Errors) -> Errors:
    """An escalation refused (409 naming ``type``) while the body's term still runs: said with
    the deadline, which the page writes in the reader's locale, not as an ISO date."""
    if target is None:
        return errors
    conclusion = session.get(Conclusion, target)
    # Once escalated, a refusal may be for another rule (how often a conclusion may be
    # escalated is the service's): the API's words are shown as they are.
    if conclusion is None or conclusion.withdrawn_at is not None or conclusion.round > 0:
        return errors
    current = oversight_service.current_round(session, conclusion)
    if current.answered_at is not None or clock.now() >= current.due_at:
        return errors
    # The body by its name in the reader's language, as the pages name it, not its org-id.
    named = i18n.localized(
        views.organization_names(session, [current.body_id]).get(current.body_id), i18n.current()
    )
    body = named[0] if named is not None else current.body_id
    said = Said(
        NOT_YET_ESCALATED,
        (("body", body), ("date", current.due_date), ("zone", current.time_zone)),
    )
    return [
        ("type", said) if path == "type" else (path, message) for path, message in _errors(errors)
    ]


SUBMITTED_NOTE: Final = N_(
    "What you send is written to the public ledger and cannot be deleted or corrected: a "
    "conclusion sent with a mistake can be withdrawn, with a reason, and submitted again."
)
FINAL_NOTE: Final = N_(
    "What you send is written to the public ledger and cannot be deleted, corrected or taken back."
)
FUNDER: Final = frozenset({Role.FUNDER})
OVERSEER: Final = frozenset({Role.OVERSEER})
COMPETITION: Final = Target("competition_id", N_("Competition"))
AWARD: Final = Target("award_id", N_("Award"))
CONCLUSION: Final = Target("conclusion_id", N_("Conclusion"))
REASON: Final = Input("reason", N_("Reason"), kind="textarea", required=True)
PERIOD: Final = (
    # Not required in the browser: every award gives a period but a prize, which has none (a
    # fixed sum, no project); the registry says which when the form is sent.
    Input(
        "period.start",
        N_("Period starts"),
        kind="date",
        hint=N_("Leave both dates empty for a prize: it has no implementation period."),
    ),
    Input("period.end", N_("Period ends"), kind="date"),
)
ATTACHMENT: Final = (
    Input(
        "attachments.0.sha256",
        N_("Document SHA-256"),
        hint=N_("64 hex characters"),
        fold=str.lower,
        from_file=True,
        size_input="attachments.0.size",
    ),
    Input("attachments.0.size", N_("Document size in bytes"), kind="number"),
    Input("attachments.0.name", N_("Document name")),
    Input("attachments.0.url", N_("Where the document is kept (URL)")),
)


CHANGED_TEXT: Final = N_(
    "Only the languages that change: those left empty keep the text recorded in them."
)


def legal_unit_inputs(legend: str, unit_hint: str, on_hint: str) -> tuple[Input, ...]:
    """An amount or a budget as the law states it (``legal_unit``: the unit, how many of it,
    and the date whose value applies). Each input is optional here: the API's model and
    service decide what a statement needs and what it allows to be left out."""
    return (
        Input(
            "legal_unit.unit",
            N_("Legal unit"),
            kind="select",
            options=LEGAL_UNITS,
            hint=unit_hint,
            legend=legend,
        ),
        Input(
            "legal_unit.multiplier",
            N_("How many units"),
            hint=N_("A decimal number, at most 4 decimal places, e.g. 3000"),
            legend=legend,
        ),
        Input(
            "legal_unit.on",
            N_("Date of the unit's value"),
            kind="date",
            hint=on_hint,
            legend=legend,
        ),
    )


def counts(
    name: str, legend: str, parts: Sequence[tuple[str, str]], *, note: str
) -> tuple[Input, ...]:
    """A count broken down (applications by language, refusals by reason): one box per part,
    shown together under ``legend``. A box left empty is left out, and so is the whole
    breakdown when every box is, so the API is told only what was counted."""
    return tuple(
        Input(f"{name}.{code}", label, kind="number", legend=legend, note=note, part_of=name)
        for code, label in parts
    )


REFUSAL_REASON_NAMES: Final = {
    RefusalReason.LATE: N_("Late"),
    RefusalReason.INCOMPLETE_DOCUMENTS: N_("Incomplete documents"),
    RefusalReason.INELIGIBLE_APPLICANT: N_("Ineligible applicant"),
    RefusalReason.OFF_TOPIC: N_("Off topic"),
    RefusalReason.OVER_BUDGET: N_("Over budget"),
    RefusalReason.OTHER: N_("Other reasons"),
}
STAGE_NAMES: Final = {
    Stage.APPLICATIONS_CLOSED: N_("Applications closed"),
    Stage.COMPLIANCE_CHECKED: N_("Compliance checked"),
    Stage.COMMISSION_DECIDED: N_("Commission decided"),
    Stage.PRELIMINARY_RESULTS: N_("Preliminary results"),
    Stage.FINAL_RESULTS: N_("Final results"),
}
"""Each stage as the competition's page names it, and the desk's links to its form."""
STAGE_FORMS: Final = {stage: "competition-" + stage.value.replace("_", "-") for stage in Stage}
"""Each stage's form (``competition-applications-closed``)."""
APPLICATIONS_BY_LANGUAGE: Final = N_("Applications by language")
STAGE_DATE: Final = Input(
    "date",
    N_("Date"),
    kind="date",
    required=True,
    hint=N_("The day it happened, in the competition's time zone."),
)
STAGE_DOCUMENT: Final = (
    Input(
        "document_sha256",
        N_("Document SHA-256"),
        hint=N_("64 hex characters"),
        fold=str.lower,
        from_file=True,
    ),
    Input("document_url", N_("Where the document is kept (URL)")),
)


def _stage_actions() -> list[Action]:
    """One form per stage of a competition after its window (``schemas.STAGE_EVENTS``),
    each field of its model an input."""
    results = (
        STAGE_DATE,
        Input("winners", N_("Winners"), kind="number"),
        *texts("note", N_("Note"), long=True),
        *STAGE_DOCUMENT,
    )
    inputs: dict[Stage, tuple[tuple[Input, ...], type[BaseModel], str]] = {
        Stage.APPLICATIONS_CLOSED: (
            (
                STAGE_DATE,
                Input("applications", N_("Applications received"), kind="number", required=True),
                Input(
                    "organizations", N_("Organizations that applied"), kind="number", required=True
                ),
                *counts(
                    "by_language",
                    APPLICATIONS_BY_LANGUAGE,
                    [
                        (language.value, APPLICATIONS_BY_LANGUAGE)
                        for language in ApplicationLanguage
                    ],
                    note=N_(
                        "Optional. The boxes filled in add up to the applications received; "
                        "leave them all empty if applications were not counted by language."
                    ),
                ),
            ),
            ApplicationsClosed,
            N_("Record that applications closed"),
        ),
        Stage.COMPLIANCE_CHECKED: (
            (
                STAGE_DATE,
                Input("admitted", N_("Applications admitted"), kind="number", required=True),
                Input("refused", N_("Applications refused"), kind="number", required=True),
                *counts(
                    "reasons",
                    N_("Refused applications by reason"),
                    [(reason.value, REFUSAL_REASON_NAMES[reason]) for reason in RefusalReason],
                    note=N_(
                        "Optional. The boxes filled in add up to the applications refused; "
                        "leave them all empty if refusals were not counted by reason."
                    ),
                ),
            ),
            ComplianceChecked,
            N_("Record the compliance check"),
        ),
        Stage.COMMISSION_DECIDED: (
            (
                STAGE_DATE,
                Input(
                    "members",
                    N_("Commission members who took part"),
                    kind="number",
                    required=True,
                ),
                *texts(
                    "extract",
                    N_("Extract of the minutes"),
                    long=True,
                    note=N_("Give the extract, the minutes' SHA-256 below, or both."),
                ),
                *STAGE_DOCUMENT,
            ),
            CommissionDecided,
            N_("Record the commission's decision"),
        ),
        Stage.PRELIMINARY_RESULTS: (
            results,
            PreliminaryResults,
            N_("Record the preliminary results"),
        ),
        Stage.FINAL_RESULTS: (results, FinalResults, N_("Record the final results")),
    }
    return [
        Action(
            STAGE_FORMS[stage],
            title,
            FUNDER,
            fields,
            model,
            _competition_event,
            target=COMPETITION,
            fixed={"type": stage.value},
            explain=_stage_explained(stage),
        )
        for stage, (fields, model, title) in inputs.items()
    ]


# --- A correction of an award's event -------------------------------------------------------

CORRECTION: Final = "award-corrected"
CORRECTS: Final = "corrects"
VOID: Final = "void"
CHANGES: Final = "changes."
CORRECTION_INPUTS: Final[dict[str, tuple[Input, ...]]] = {
    "title": tuple(texts("changes.title", N_("Title"))),
    "purpose": tuple(texts("changes.purpose", N_("Purpose"), long=True)),
    "amount": (Input("changes.amount", N_("Amount"), kind="amount"),),
    "award_date": (Input("changes.award_date", N_("Award date"), kind="date"),),
    "period": (
        Input("changes.period.start", N_("Period starts"), kind="date"),
        Input("changes.period.end", N_("Period ends"), kind="date"),
    ),
    "date": (Input("changes.date", N_("Date"), kind="date"),),
    "tranche": (Input("changes.tranche", N_("Tranche number"), kind="number"),),
    "summary": tuple(texts("changes.summary", N_("Summary"), long=True)),
    "document_url": (Input("changes.document_url", N_("Document link")),),
    "note": (Input("changes.note", N_("Note"), kind="textarea"),),
    "reason": (Input("changes.reason", N_("Reason given in the entry"), kind="textarea"),),
    "region": (Input("changes.region", N_("Region"), hint=N_("ISO 3166-2, e.g. UZ-SA")),),
    "legal_basis": (Input("changes.legal_basis", N_("Legal basis")),),
    "themes": (Input("changes.themes", N_("Themes"), kind="list", hint=N_("Separated by commas")),),
    "award_before_close": (
        Input(
            "changes.award_before_close",
            N_("Why it is awarded before the competition closes"),
            kind="textarea",
        ),
    ),
}
"""A box (or a box per language, or the period's two) for each field a correction may change
(``award_service.CORRECTABLE_FIELDS`` says which an event has), in the order they are shown."""
VOID_INPUT: Final = Input(
    VOID,
    N_("It should never have been recorded"),
    kind="checkbox",
    hint=N_(
        "The entry is voided: the award reads as if it had never been recorded. Leave the "
        "boxes above as they are."
    ),
)
CORRECTION_REASON: Final = Input(
    "reason", N_("Why it is corrected"), kind="textarea", required=True
)
NOTHING_CHANGED: Final = N_(
    "Nothing was changed: every box holds what entry #%(seq)s records. Change the values "
    "that are wrong, or tick “It should never have been recorded”."
)
CHANGED_AND_VOIDED: Final = N_(
    "Change values above or tick this box, not both: a voided entry keeps no values."
)
NOT_CORRECTABLE: Final = N_(
    "Entry #%(seq)s is not an event of this award that can be corrected: choose one below."
)
NOT_AN_ENTRY: Final = N_(
    "The link does not name an entry of the ledger by its number: choose one below."
)
ENTRY_DIGITS: Final = 16
"""The most digits of an entry's number the form repeats when it names no event of the award
(the ledger's numbers are below 2⁵³, 16 digits): anything else in the link is not repeated, so
that the desk's own sentence never says what a link was made to make it say."""
NOT_YOURS: Final = N_(
    "Award %(id)s is not one of your organization's: a funder corrects only its own awards."
)
ENTRY: Final = N_("entry #%(seq)s")
EVENT_SAID: Final = {
    "published": N_("Publication of %(amount)s on %(date)s"),
    "amended": N_("Amendment"),
    "disbursed": N_("Disbursement of %(amount)s on %(date)s"),
    "reported": N_("Report of %(date)s"),
    "completed": N_("Completion on %(date)s"),
    "terminated": N_("Termination on %(date)s"),
}
"""Each kind of event as the list of an award's events names it, with its main values."""
NEW_AMOUNT: Final = N_("new amount %(amount)s")
NEW_PERIOD: Final = N_("period %(start)s to %(end)s")
TRANCHE: Final = N_("tranche %(tranche)s")


@dataclass(frozen=True)
class Money:
    """An amount and its currency, written as the pages write money in the reader's
    language."""

    amount: str
    currency: str


@dataclass(frozen=True)
class Choice:
    """An event a correction may name, as the form lists it: its kind and main values."""

    seq: int
    said: tuple[Said, ...]


@dataclass(frozen=True)
class Shaped:
    """A form as it is for what it is about: a correction, with the boxes of the event its
    address names and their recorded values, or the award's events to choose from."""

    action: Action
    prefill: dict[str, str] = field(default_factory=dict)
    choices: tuple[Choice, ...] = ()
    chosen: Choice | None = None
    errors: tuple[tuple[str | None, Message], ...] = ()
    status: int = 422
    """How a write is refused when no event could be chosen (403: another funder's award)."""


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def described(event: award_service.Correctable, currency: str) -> Choice:
    """``event`` as the list of the award's events names it: "Disbursement of 10 000 000
    UZS on 1 Mar 2026, tranche 1, entry #123", in the reader's language."""
    body = event.body
    money = Money(str(body.get("amount")), currency) if body.get("amount") else None
    day = _day(body.get("award_date" if event.kind == "published" else "date"))
    said = [Said(EVENT_SAID[event.kind], (("amount", money), ("date", day)))]
    if event.kind == "amended" and money is not None:
        said.append(Said(NEW_AMOUNT, (("amount", money),)))
    period = body.get("period") if event.kind == "amended" else None
    if isinstance(period, dict):
        start, end = _day(period.get("start")), _day(period.get("end"))
        said.append(Said(NEW_PERIOD, (("start", start), ("end", end))))
    if event.kind == "disbursed" and body.get("tranche") is not None:
        said.append(Said(TRANCHE, (("tranche", body["tranche"]),)))
    said.append(Said(ENTRY, (("seq", event.seq),)))
    return Choice(event.seq, tuple(said))


def _correction_shape(
    session: Session, principal: Principal, form: Mapping[str, str], locale: Locale
) -> Shaped:
    """The correction's form for the award and the event ``form`` names (``award_id``,
    ``corrects``): the award's correctable events to choose from until one is chosen, then
    the boxes of the fields a correction may change in it, filled in with what it records,
    whether it may be voided, and why it is corrected. The service says which events and
    fields (``award_service.correctable_events``)."""
    base = ACTIONS[CORRECTION]
    if not (form.get(AWARD.name) or "").strip():
        return Shaped(base)
    award = _own_award(session, principal, form)
    if isinstance(award, Shaped):
        return award
    events = award_service.correctable_events(session, award)
    choices = tuple(described(event, award.currency) for event in events)
    given = (form.get(CORRECTS) or "").strip()
    if not given:
        return Shaped(base, choices=choices)
    event = next((e for e in events if str(e.seq) == given), None)
    if event is None:
        named = given.isascii() and given.isdigit() and len(given) <= ENTRY_DIGITS
        said = Said(NOT_CORRECTABLE, (("seq", given),)) if named else Said(NOT_AN_ENTRY)
        return Shaped(base, choices=choices, errors=((CORRECTS, said),))
    prefill = _recorded(event, locale)
    boxes = _boxes(event, prefill)
    inputs = (*boxes, *((VOID_INPUT,) if event.voidable else ()), CORRECTION_REASON)
    seq = (("seq", event.seq),)
    days = award_service.correction_days(award, event.kind)
    action = dataclasses.replace(
        base,
        inputs=inputs,
        changes_model=_event_model(event),
        days={CHANGES + name: bounds for name, bounds in days.items()},
        build=lambda typed, typed_in: _correction_body(event, typed, typed_in),
        check=lambda _session, typed: _unread(boxes, typed, locale),
        restated={
            NEITHER_CHANGES_NOR_VOID: (None, Said(NOTHING_CHANGED, seq)),
            CHANGES_AND_VOID: (VOID, Said(CHANGED_AND_VOIDED)),
        },
    )
    chosen = next(choice for choice in choices if choice.seq == event.seq)
    return Shaped(action, prefill=prefill, choices=choices, chosen=chosen)


def _own_award(session: Session, principal: Principal, form: Mapping[str, str]) -> "Award | Shaped":
    """The award ``form`` names if it is the funder's own (the service's rule: a funder
    writes only its own awards); else the form saying why, beside the award's box."""
    base = ACTIONS[CORRECTION]
    try:
        award_id = AWARD.id_in(form)
        award = award_service.get(session, award_id, field=AWARD.name)
        principal.check_acts_for(award.funder_id, field=AWARD.name)
    except FormErrors as exc:
        return Shaped(base, errors=tuple(exc.errors))
    except NotFound:
        named = AWARD_ID_SHAPE.fullmatch(award_id) is not None
        said = Said(NO_AWARD, (("id", award_id),)) if named else Said(NOT_AN_AWARD_ID)
        return Shaped(base, errors=((AWARD.name, said),), status=404)
    except Forbidden:
        return Shaped(
            base, errors=((AWARD.name, Said(NOT_YOURS, (("id", award_id),))),), status=403
        )
    return award


def _fields_of(event: award_service.Correctable) -> list[tuple[str, tuple[Input, ...]]]:
    return [(name, items) for name, items in CORRECTION_INPUTS.items() if name in event.fields]


def _boxes(event: award_service.Correctable, recorded: Mapping[str, str]) -> tuple[Input, ...]:
    """The boxes of ``event``'s fields, a field's text areas where what it records holds a
    line break: a one-line box drops it, so the text sent back untouched would differ from
    the record and be written as a change nobody made."""
    boxes: list[Input] = []
    for _name, items in _fields_of(event):
        broken = any(
            "\n" in recorded.get(item.name, "") or "\r" in recorded.get(item.name, "")
            for item in items
        )
        boxes.extend(
            dataclasses.replace(item, kind="textarea") if broken and item.kind == "text" else item
            for item in items
        )
    return tuple(boxes)


def _removable(event: award_service.Correctable, name: str) -> bool:
    """Whether the API's ``null`` removes the field ``name`` of ``event`` as a whole: one its
    model does not require (a publication's purpose, a report's summary; not a title)."""
    return not _event_model(event).model_fields[name].is_required()


def _event_model(event: award_service.Correctable) -> type[BaseModel]:
    """The model that holds what ``event`` records, and so what a correction changes in it."""
    return AwardCreate if event.kind == "published" else award_service.EVENT_MODELS[event.kind]


def _recorded(event: award_service.Correctable, locale: Locale) -> dict[str, str]:
    """The boxes of ``event``'s fields as it records them: an amount as the page writes
    amounts (``10 000 000`` in Russian), a list separated by commas, a text by language."""
    values: dict[str, str] = {}
    for name, items in _fields_of(event):
        recorded = event.body.get(name)
        for item in items:
            part = item.name.removeprefix(CHANGES + name).removeprefix(".")
            value = recorded.get(part) if part and isinstance(recorded, dict) else recorded
            if value is None or (part and not isinstance(recorded, dict)):
                continue
            if item.kind == "amount":
                written = numbers.format_decimal(
                    Decimal(str(value)), locale=locale, decimal_quantization=False
                )
                values[item.name] = written
            elif item.kind == "list" and isinstance(value, list):
                values[item.name] = ", ".join(str(each) for each in value)
            else:
                values[item.name] = str(value)
    return values


def _correction_body(
    event: award_service.Correctable, form: Mapping[str, str], locale: Locale
) -> dict[str, Any]:
    """The API's correction for what the form says: only the fields whose boxes differ from
    what ``event`` records go into ``changes`` (a text, only its languages that differ; a
    box emptied is ``null``, which removes what it held, a list emptied ``[]``, and one not
    sent is left as recorded); none, and the model refuses. A text whose every language is
    emptied is ``null`` as a whole where the event may be without it (a purpose); a required
    one (a title) is sent by language, for the service to refuse beside its boxes."""
    recorded = _recorded(event, locale)
    changes: dict[str, Any] = {}
    for name, items in _fields_of(event):
        typed = {item.name: one_line_break(form.get(item.name) or "").strip() for item in items}
        differ = [
            item
            for item in items
            if item.name in form  # a box not sent at all is left as recorded
            and _differs(item, typed[item.name], recorded, locale)
        ]
        if not differ:
            continue
        emptied = all(
            not typed[item.name] and (item.name in form or item.name not in recorded)
            for item in items
        )
        if is_language_input(items[0]) and emptied and _removable(event, name):
            changes[name] = None  # the whole text removed, as the API's null removes it
        elif is_language_input(items[0]):  # only the languages that change
            changes[name] = {
                item.name.rpartition(".")[2]: typed[item.name] or None for item in differ
            }
        elif len(items) > 1:  # the period, given whole
            changes[name] = {
                item.name.rpartition(".")[2]: typed[item.name] or None for item in items
            }
        else:
            item = items[0]
            raw = typed[item.name]
            if raw:
                changes[name] = _value(item, _typed(item, raw, locale), UTC)
            else:  # emptied: no themes, or no value at all
                changes[name] = [] if item.kind == "list" else None
    body: dict[str, Any] = {"type": "corrected", CORRECTS: event.seq}
    if (form.get(CORRECTION_REASON.name) or "").strip():
        body["reason"] = (form.get(CORRECTION_REASON.name) or "").strip()
    if changes:
        body["changes"] = changes
    if (form.get(VOID) or "").strip():
        body["void"] = True
    return body


def _differs(item: Input, typed: str, recorded: Mapping[str, str], locale: Locale) -> bool:
    """Whether a box holds other than what the entry records (``recorded``, as the boxes
    first showed it): an amount by its value however it is written, a list by its items, a
    text whatever its line breaks are made of (``one_line_break``: a text area sends them as
    ``\r\n``, and an entry the desk wrote before may hold them so)."""
    typed = one_line_break(typed)
    before = one_line_break(recorded.get(item.name, "")).strip()
    if typed == before:
        return False
    if item.kind == "amount" and typed and before:
        now, then = read_amount(typed, locale) or typed, read_amount(before, locale) or before
        if re.fullmatch(AMOUNT_PATTERN, now) and re.fullmatch(AMOUNT_PATTERN, then):
            return Decimal(now) != Decimal(then)
    if item.kind == "list":
        return _listed(typed) != _listed(before)
    return True


def _unread(
    boxes: Sequence[Input], form: Mapping[str, str], locale: Locale
) -> list[tuple[str | None, Message]]:
    """The boxes the desk cannot read as their kind, said as the other forms say them."""
    errors: list[tuple[str | None, Message]] = []
    for item in boxes:
        raw = form.get(item.name)
        if item.kind == "amount" and not _is_amount(raw, locale):
            errors.append((item.name, Said(AMOUNT_UNREAD, (("example", AMOUNT_EXAMPLE),))))
        elif item.kind == "number" and not _is_whole(raw):
            errors.append((item.name, Said(WHOLE_NUMBER)))
    return errors


def _actions() -> list[Action]:
    instrument = Input(
        "instrument", N_("Instrument"), kind="select", required=True, choices=funder_instruments
    )  # a competition's and a direct award's alike
    competition_fields = (
        instrument,
        Input("year", N_("Programme year"), kind="number", required=True),
        Input("round_number", N_("Round number"), kind="number"),
        *texts("title", N_("Title"), required=True),
        *texts("description", N_("Description"), long=True),
        *texts("eligibility", N_("Who may apply"), long=True),
        Input(
            "budget",
            N_("Budget"),
            kind="amount",
            hint=N_(
                "A decimal number, e.g. 2000000000. Leave it empty if you state the budget in "
                "a legal unit below."
            ),
        ),
        Input(
            "currency",
            N_("Currency"),
            fold=str.upper,
            hint=N_(
                "UZS, KZT. Leave it empty if you state the budget in a legal unit: BRV is in "
                "UZS, MCI in KZT."
            ),
        ),
        *legal_unit_inputs(
            N_("Budget in a legal unit"),
            N_(
                "Only if the law or the plan states the budget in a legal unit: BRV "
                "(Uzbekistan, UZS) or MCI (Kazakhstan, KZT). The registry derives the budget "
                "from it."
            ),
            N_("The date whose value of the unit applies (the one the law or the plan fixes)"),
        ),
        Input(
            TIME_ZONE,
            N_("Time zone"),
            kind="select",
            choices=funder_zones,
            hint=N_(
                "The zone its deadlines are counted in; the times below are read in it. Left "
                "empty, the country's: Asia/Tashkent in Uzbekistan, Asia/Almaty in Kazakhstan."
            ),
        ),
        Input("window.opens", N_("Applications open"), kind="datetime", required=True),
        Input("window.closes", N_("Applications close"), kind="datetime", required=True),
        Input("region", N_("Region"), hint=N_("ISO 3166-2, e.g. UZ-SA")),
        Input("legal_basis", N_("Legal basis")),
        Input("themes", N_("Themes"), kind="list", hint=N_("Separated by commas")),
    )
    # What an amendment may change (the API's CompetitionChanges), each left empty staying
    # as recorded; a text names only the languages it changes, as the API's does.
    competition_changes = (
        *texts("changes.title", N_("Title"), note=CHANGED_TEXT, removable=True),
        *texts(
            "changes.description",
            N_("Description"),
            long=True,
            note=CHANGED_TEXT,
            removable=True,
        ),
        *texts(
            "changes.eligibility",
            N_("Who may apply"),
            long=True,
            note=CHANGED_TEXT,
            removable=True,
        ),
        Input("changes.budget", N_("New budget"), kind="amount"),
        Input("changes.window.opens", N_("Applications open"), kind="datetime"),
        Input("changes.window.closes", N_("Applications close"), kind="datetime"),
        Input("changes.region", N_("Region"), hint=N_("ISO 3166-2, e.g. UZ-SA")),
        Input("changes.legal_basis", N_("Legal basis")),
        Input(
            "changes.themes",
            N_("Themes"),
            kind="list",
            hint=N_("Separated by commas: the list replaces the recorded one"),
        ),
        Input(
            "changes.themes.none",
            N_("No themes"),
            kind="checkbox",
            hint=N_("Removes every recorded theme."),
            clears="changes.themes",
        ),
    )
    award_fields = (
        Input("competition_id", N_("Competition"), hint=N_("Leave empty for a direct award")),
        Input("recipient_id", N_("Recipient (org-id)"), required=True, hint="UZ-STIR-…"),
        instrument,
        *texts("title", N_("Title"), required=True),
        *texts("purpose", N_("Purpose"), long=True),
        Input(
            "amount",
            N_("Amount"),
            kind="amount",
            hint=N_(
                "A decimal number, e.g. 45000000.00. Leave it empty if you state the amount in "
                "a legal unit below."
            ),
        ),
        Input(
            "currency",
            N_("Currency"),
            fold=str.upper,
            hint=N_(
                "UZS, KZT. Leave it empty if you state the amount in a legal unit: BRV is in "
                "UZS, MCI in KZT."
            ),
        ),
        *legal_unit_inputs(
            N_("Amount in a legal unit"),
            N_(
                "Only if the law states the amount in a legal unit: BRV (Uzbekistan, UZS) or "
                "MCI (Kazakhstan, KZT). The registry derives the amount from it."
            ),
            N_("The date whose value of the unit applies, usually the award date"),
        ),
        Input("award_date", N_("Award date"), kind="date", required=True),
        *PERIOD,
        Input("region", N_("Region"), hint=N_("ISO 3166-2, e.g. UZ-SA")),
        Input("legal_basis", N_("Legal basis")),
        Input(
            "cap_override",
            N_("Legal basis for exceeding the cap"),
            kind="textarea",
            hint=N_(
                "Only for an Uzbek award without a competition above 1,000 × BRV on its award "
                "date: the decision that allows more (its number and date). Recorded in the "
                "ledger and shown on the award."
            ),
        ),
        Input("themes", N_("Themes"), kind="list", hint=N_("Separated by commas")),
        Input("award_before_close", N_("Why it is awarded before the competition closes")),
    )
    return [
        Action(
            "competition",
            N_("Post a competition"),
            FUNDER,
            competition_fields,
            CompetitionCreate,
            _competition_publish,
            owner_field="funder_id",
        ),
        Action(
            "competition-amended",
            N_("Amend a competition"),
            FUNDER,
            (*competition_changes, REASON),
            CompetitionAmended,
            _competition_event,
            target=COMPETITION,
            fixed={"type": "amended"},
            compared=tuple(item.name for item in competition_changes),
        ),
        Action(
            "competition-cancelled",
            N_("Cancel a competition"),
            FUNDER,
            (REASON,),
            CompetitionCancelled,
            _competition_event,
            target=COMPETITION,
            fixed={"type": "cancelled"},
        ),
        Action(
            "competition-results",
            N_("Publish a competition's results"),
            FUNDER,
            (
                Input("applications_received", N_("Applications received"), kind="number"),
                Input("applicant_organizations", N_("Organizations that applied"), kind="number"),
                *texts("note", N_("Note"), long=True),
            ),
            CompetitionResultsPublished,
            _competition_event,
            target=COMPETITION,
            fixed={"type": "results_published"},
        ),
        *_stage_actions(),
        Action(
            "award",
            N_("Publish an award"),
            FUNDER,
            award_fields,
            AwardCreate,
            _award_publish,
            owner_field="funder_id",
            preset=competition_instrument,
        ),
        Action(
            "award-disbursed",
            N_("Record a disbursement"),
            FUNDER,
            (
                Input("amount", N_("Amount"), kind="amount", required=True),
                Input("date", N_("Date"), kind="date", required=True),
                Input("tranche", N_("Tranche number"), kind="number"),
                Input("note", N_("Note")),
            ),
            AwardDisbursed,
            _award_event,
            target=AWARD,
            fixed={"type": "disbursed"},
        ),
        Action(
            "award-amended",
            N_("Amend an award"),
            FUNDER,
            (
                Input("amount", N_("New amount"), kind="amount"),
                Input("period.start", N_("Period starts"), kind="date"),
                Input("period.end", N_("Period ends"), kind="date"),
                REASON,
            ),
            AwardAmended,
            _award_event,
            target=AWARD,
            fixed={"type": "amended"},
            compared=("amount", "period.start", "period.end"),
        ),
        Action(
            "award-reported",
            N_("Record a report"),
            FUNDER,
            (
                Input("date", N_("Date"), kind="date", required=True),
                *texts("summary", N_("Summary"), long=True),
                Input("document_url", N_("Document link")),
            ),
            AwardReported,
            _award_event,
            target=AWARD,
            fixed={"type": "reported"},
        ),
        Action(
            "award-completed",
            N_("Record completion"),
            FUNDER,
            (Input("date", N_("Date"), kind="date", required=True), Input("note", N_("Note"))),
            AwardCompleted,
            _award_event,
            target=AWARD,
            fixed={"type": "completed"},
        ),
        Action(
            "award-terminated",
            N_("Terminate an award"),
            FUNDER,
            (Input("date", N_("Date"), kind="date", required=True), REASON),
            AwardTerminated,
            _award_event,
            target=AWARD,
            fixed={"type": "terminated"},
        ),
        Action(
            CORRECTION,
            N_("Correct an award's event"),
            FUNDER,
            (),  # the boxes of the event chosen (``_correction_shape``)
            AwardCorrected,
            _award_event,
            target=AWARD,
            fixed={"type": "corrected"},
            shape=_correction_shape,
        ),
        Action(
            "conclusion-acknowledged",
            N_("Acknowledge a conclusion"),
            FUNDER,
            tuple(texts("note", N_("Note"))),
            Acknowledged,
            _conclusion_event,
            target=CONCLUSION,
            fixed={"type": "acknowledged"},
            final_note=FINAL_NOTE,
        ),
        Action(
            "conclusion-extended",
            N_("Extend the deadline once"),
            FUNDER,
            (Input("days", N_("Days"), kind="number", required=True), REASON),
            Extended,
            _conclusion_event,
            target=CONCLUSION,
            fixed={"type": "extended"},
            final_note=FINAL_NOTE,
        ),
        Action(
            "conclusion-answered",
            N_("Answer a conclusion"),
            FUNDER,
            (
                Input("decision", N_("Decision"), kind="select", required=True, options=DECISIONS),
                *texts("reasons", N_("Reasons"), required=True, long=True),
                *texts("measures", N_("Measures"), long=True),
            ),
            Answered,
            _conclusion_event,
            target=CONCLUSION,
            fixed={"type": "answered"},
            final_note=FINAL_NOTE,
        ),
        Action(
            "conclusion",
            N_("Submit a conclusion"),
            OVERSEER,
            (
                Input("addressed_to", N_("Addressed to (org-id)"), required=True),
                Input(
                    "subject.type", N_("Concerns"), kind="select", required=True, options=SUBJECTS
                ),
                Input(
                    "subject.id",
                    N_("Award or competition id, or the funder's org-id"),
                    required=True,
                ),
                *texts("title", N_("Title"), required=True),
                *texts("findings", N_("Findings"), required=True, long=True),
                *texts("recommendations", N_("Recommendations"), long=True),
                *ATTACHMENT,
            ),
            ConclusionCreate,
            _conclusion_submit,
            owner_field="overseer_id",
            check=_conclusion_check,
            final_note=SUBMITTED_NOTE,
        ),
        Action(
            "conclusion-withdrawn",
            N_("Withdraw a conclusion"),
            OVERSEER,
            (REASON,),
            Withdrawn,
            _conclusion_event,
            target=CONCLUSION,
            fixed={"type": "withdrawn"},
            final_note=FINAL_NOTE,
        ),
        Action(
            "conclusion-escalated",
            N_("Escalate a conclusion"),
            OVERSEER,
            (Input("to", N_("Higher body (org-id)"), required=True), REASON),
            Escalated,
            _conclusion_event,
            target=CONCLUSION,
            fixed={"type": "escalated"},
            final_note=FINAL_NOTE,
            explain=_escalation_explained,
        ),
    ]


ACTIONS: Final = {action.slug: action for action in _actions()}
