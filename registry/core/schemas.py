"""Wire types shared by every feature: strict input models, multilingual text, money."""

import enum
import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any, get_args, get_origin
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from registry.core.messages import N_, Rule
from registry.reference.legal_units import LegalUnit

LANGUAGES = ("uz", "ru", "kk", "en")
LANGUAGE_LIST = ", ".join(LANGUAGES)
"""The languages' codes as a message lists them: an identifier in every language."""
UZBEK_CYRILLIC = "uz-Cyrl"
"""The BCP 47 tag of Uzbek written in Cyrillic (``uz`` is Uzbek in its official Latin
letters), for an open-data text that says its script."""
TEXT_MAX = 4000


WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character ``str.isspace`` holds true of: what ``str.strip()`` takes off."""
INVISIBLE_FORMATS = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
"""Format characters that show nothing and mean nothing at either end of a text: the soft
hyphen, the Mongolian vowel separator, the zero-width space, joiners and word joiner,
invisible operators, and U+FEFF (a byte order mark, pasted from a file). Not every ``Cf``
character: direction marks, embeddings and isolates at a text's ends change how a
right-to-left text shows among others, and a flag emoji ends with a tag character."""
TEXT_EDGES = WHITESPACE + INVISIBLE_FORMATS


class StrictInput(BaseModel):
    """Every request body: unknown fields are an error, never silently dropped; no text holds
    a NUL character (PostgreSQL cannot store one, so a SQLite ledger holding it could not be
    replayed into PostgreSQL: both refuse it alike); texts are recorded without the spaces and
    invisible characters around them (``TEXT_EDGES``: a title pasted with a byte order mark
    before it is recorded as the same title without); and values keep their JSON type (an
    integer is a JSON integer, ``2``, never ``"2"`` or ``2.0``; a boolean is ``true`` or
    ``false``; an amount is a string, never a number; a date or a time is a string in ISO
    8601 form, never a timestamp (``IsoDate``, ``IsoDatetime``); a value with a pattern, such
    as an amount or a currency, is taken exactly as written, with no space around it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _recorded_text(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise ValueError("must not contain the NUL character (U+0000)")
        return _trimmed(value)


def _trimmed(value: Any) -> Any:
    """A text (or a list of them, as themes are) without ``TEXT_EDGES`` at either end; other
    values as they are (an enum member is a ``str`` too, and is kept as the member; the texts
    of a nested model or of a free-form object are trimmed where they are validated)."""
    if type(value) is str:
        return value.strip(TEXT_EDGES)
    if type(value) is list and any(type(item) is str for item in value):
        return [item.strip(TEXT_EDGES) if type(item) is str else item for item in value]
    return value


def _holds_nul(value: object) -> bool:
    """Whether a text in ``value`` (a string, or lists and mappings of them, as free-form
    bodies hold) has a NUL; nested models check their own fields."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


BLANK_MESSAGE = N_("is blank (it needs at least one visible character)")
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co", "Cn"})
"""Unicode's controls, format characters (a zero-width space, a direction mark), spaces,
marks that only combine with a letter before them (a variation selector, a lone accent),
private-use and unassigned code points."""
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
"""Letters and symbols that show nothing: the Hangul fillers (Default_Ignorable_Code_Point,
though their category is a letter's) and the blank Braille pattern."""
BLANK_SCANNED = 10 * TEXT_MAX
"""Longer texts are left to their ``max_length``, which refuses them before any is this long."""


def _refuse_blank(value: object) -> object:
    """A text that shows nothing (empty, spaces, or only invisible characters) is refused as
    blank. Checked before the input's spaces are stripped and its ``min_length`` applied:
    after them, a text of spaces is refused only as "at least 1 character", and a zero-width
    space is not refused at all. A text with a letter stops the scan at it."""
    if (
        isinstance(value, str)
        and len(value) <= BLANK_SCANNED
        and all(_invisible(char) for char in value)
    ):
        raise PydanticCustomError("blank", BLANK_MESSAGE)
    return value


def _invisible(char: str) -> bool:
    return char in INVISIBLE_LETTERS or unicodedata.category(char) in INVISIBLE_CATEGORIES


NotBlank = BeforeValidator(_refuse_blank)
"""For a text that must say something. It goes after the text's ``Field`` in its ``Annotated``
(``Annotated[str, Field(min_length=1, max_length=…), NotBlank]``), so that a too long text is
still told it is one."""

WEB_SCHEMES = frozenset({"http", "https"})
WEB_ADDRESS_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://"
"""The scheme rule of ``HttpUrl``, as its schema states it for clients."""
URL_MAX = 2000
HTTP_URL_MESSAGE = (
    "must be an absolute http or https URL, such as https://example.uz/report.pdf; {why}"
)


def _http_url(value: str) -> str:
    """A link a funder or overseer gives to a document kept elsewhere: absolute, http or
    https, with a host. Anything else is refused, whatever a browser would make of it: a
    ``javascript:`` or ``data:`` link runs in the reader's page, a ``file:`` or ``ftp:`` one
    points at nothing a reader can open, a relative one at this registry. Kept as given."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        why = Rule("it must not hold spaces or control characters (write a space as %%20)")
    else:
        try:
            parts = urlsplit(value)
            host = parts.hostname
        except ValueError:  # an unbalanced [ in the host
            parts, host = None, None
        if parts is None:
            why = Rule("it is not a well-formed URL")
        elif not parts.scheme:
            why = Rule("it has no scheme")
        elif parts.scheme.lower() not in WEB_SCHEMES:
            why = Rule("%(scheme)s: links are refused", scheme=parts.scheme.lower())
        elif not host:
            why = Rule("it names no host")
        else:
            return value
    raise PydanticCustomError("http_url", HTTP_URL_MESSAGE, {"why": why})


HttpUrl = Annotated[
    str,
    Field(
        max_length=URL_MAX,
        description="An absolute http or https URL (with a host, no spaces).",
        # For clients: the document states the scheme rule (the validator checks the rest).
        json_schema_extra={"format": "uri", "pattern": WEB_ADDRESS_PATTERN},
        examples=["https://example.uz/report.pdf"],
    ),
    AfterValidator(_http_url),
]
"""Every link to a document that a write gives (a report's, a stage's, an attachment's)."""

VisibleText = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), NotBlank]
LegalBasis = Annotated[str, Field(max_length=500), NotBlank]
"""A decree's or contract's number: required of an award without a competition, so never blank."""


BY_LANGUAGE_MESSAGE = (
    'must give the text by language, as an object such as {"kk": "…", "ru": "…"} '
    "(languages: uz, ru, kk, en)"
)
"""Said of a text written as a bare string (or a list, or a number), as a first request often
writes a title: pydantic's own words would be "a valid dictionary or object to extract fields
from"."""


def _by_language(data: Any) -> Any:
    if isinstance(data, str | int | float | list):
        # A validation error, as pydantic makes of a ValueError (a TypeError would be a 500).
        raise ValueError(BY_LANGUAGE_MESSAGE)  # noqa: TRY004
    return data


class LocalizedText(StrictInput):
    """One text in the languages it exists in: Uzbek (Latin script), Russian, Kazakh, English.

    At least one is required; none is assumed to be a translation of another.
    """

    uz: VisibleText | None = None
    ru: VisibleText | None = None
    kk: VisibleText | None = None
    en: VisibleText | None = None

    @model_validator(mode="before")
    @classmethod
    def _given_by_language(cls, data: Any) -> Any:
        return _by_language(data)

    @model_validator(mode="after")
    def _at_least_one(self) -> "LocalizedText":
        if not any(getattr(self, language) for language in LANGUAGES):
            raise ValueError(
                Rule("give the text in at least one of %(languages)s", languages=LANGUAGE_LIST)
            )
        return self

    def as_dict(self) -> dict[str, str]:
        return {
            language: value
            for language in LANGUAGES
            if (value := getattr(self, language)) is not None
        }


class LocalizedTextChange(StrictInput):
    """A change to a recorded text (in a correction or an amendment): the languages it
    names replace the recorded ones, ``null`` removing one, and the others are kept
    (``merged_text``). It names at least one language."""

    uz: VisibleText | None = None
    ru: VisibleText | None = None
    kk: VisibleText | None = None
    en: VisibleText | None = None

    @model_validator(mode="before")
    @classmethod
    def _given_by_language(cls, data: Any) -> Any:
        return _by_language(data)

    @model_validator(mode="after")
    def _names_a_language(self) -> "LocalizedTextChange":
        if not self.model_fields_set:
            raise ValueError(
                Rule("name at least one of %(languages)s to change", languages=LANGUAGE_LIST)
            )
        return self


def merged_text(
    recorded: Mapping[str, str] | None, change: LocalizedText | LocalizedTextChange
) -> dict[str, str]:
    """A text after a change that names only the languages it changes: each language it
    gives replaces the recorded one (``null`` removes it), the others are kept. ValueError
    if no language would be left."""
    texts = dict(recorded or {})
    for language in change.model_fields_set:
        value = getattr(change, language)
        if value is None:
            texts.pop(language, None)
        else:
            texts[language] = value
    if not texts:
        raise ValueError(Rule("would leave the text in no language; keep at least one"))
    return {language: texts[language] for language in LANGUAGES if language in texts}


NULL_TEXT_MESSAGE = f"{BY_LANGUAGE_MESSAGE}, not null"
"""Said of a multilingual text given as ``null`` where one is required (``{"title": null}``)."""

TEXT_MODELS: frozenset[type[BaseModel]] = frozenset({LocalizedText, LocalizedTextChange})


def _objects_in(annotation: Any) -> Iterator[type]:
    """The objects a field's type holds: a model, or ``dict`` for a free-form object (a
    correction's ``changes``), itself or in its union, list or annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    if annotation is dict or get_origin(annotation) in (dict, Mapping):
        yield dict
        return
    for argument in get_args(annotation):
        yield from _objects_in(argument)


def _request_models(model: type[StrictInput]) -> Iterator[type[StrictInput]]:
    for subclass in model.__subclasses__():
        yield subclass
        yield from _request_models(subclass)


def objects_of_field(name: str) -> frozenset[type]:
    """The objects (``_objects_in``) a request body's field called ``name`` holds, in any
    request model: what an error that names only the field's place (a nested object given as
    ``null``) was about; more than one where fields of that name differ. Read when asked, so
    that every feature's models have been imported."""
    return frozenset(
        nested
        for model in _request_models(StrictInput)
        for field_name, field in model.model_fields.items()
        if field_name == name
        for nested in _objects_in(field.annotation)
    )


class LocalizedTextRead(BaseModel):
    uz: str | None = None
    ru: str | None = None
    kk: str | None = None
    en: str | None = None


class Instrument(enum.StrEnum):
    """The forms of state support for NGOs (UZ Law "On Social Partnership"; KZ Law No. 36)."""

    GRANT = "grant"
    SUBSIDY = "subsidy"
    SOCIAL_CONTRACT = "social_contract"  # state social order / ijtimoiy buyurtma
    STRATEGIC_PARTNERSHIP = "strategic_partnership"  # Kazakhstan's strategic partnership order
    PRIZE = "prize"  # Kazakhstan's NGO prizes: a fixed sum, no project


AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
MULTIPLIER_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,4})?$"
MEDIA_TYPE_PATTERN = r"^[\w.+-]+/[\w.+-]+$"
PATTERN_MESSAGES = {
    AMOUNT_PATTERN: N_(
        'must be a positive amount in decimal digits, such as "1500.00" (no sign, '
        "no exponent, no thousands separator)"
    ),
    CURRENCY_PATTERN: N_('must be an ISO 4217 currency code in capitals, such as "UZS"'),
    SHA256_PATTERN: N_("must be a SHA-256 digest: 64 lower-case hexadecimal characters (0-9, a-f)"),
    MULTIPLIER_PATTERN: N_(
        'must be a number in decimal digits, such as "3000" or "1.5": at most '
        "9 digits before the point and 4 after it, no sign, no thousands separator"
    ),
    MEDIA_TYPE_PATTERN: N_('must be a media type, such as "application/pdf"'),
    WEB_ADDRESS_PATTERN: N_('must be a web address starting with "http://" or "https://"'),
}
"""What a value that does not fit a pattern is told, instead of the regular expression (a
test checks that every pattern in the API has its message here)."""
PATTERN_FALLBACK = N_("is not in the form this field takes (its description in /docs says which)")
"""Said of a pattern without a message of its own: a person is never shown a regular
expression."""

SURROUNDING_SPACE_MESSAGE = N_(
    "must not start or end with a space, tab or line break: it is read exactly as written"
)


def _refuse_surrounding_space(value: object) -> object:
    if isinstance(value, str) and value != value.strip():
        raise PydanticCustomError("surrounding_space", SURROUNDING_SPACE_MESSAGE)
    return value


Verbatim = BeforeValidator(_refuse_surrounding_space)
"""For a value whose published schema has a pattern (an amount, a currency, a hash): a space
around it is refused, not stripped as other texts' are, so that the API takes exactly what its
OpenAPI document describes (``" 100"`` does not match ``^[0-9]+(\\.[0-9]+)?$``). The importers
read other people's files and normalise such values before they reach a model."""

Amount = Annotated[
    str,
    Field(
        pattern=AMOUNT_PATTERN,
        max_length=40,
        description='A decimal string in the currency\'s units, e.g. "12500000.00"; never a float.',
        examples=["12500000.00"],
    ),
    Verbatim,
]
Currency = Annotated[
    str,
    Field(pattern=CURRENCY_PATTERN, description="ISO 4217, e.g. UZS, KZT, USD.", examples=["UZS"]),
    Verbatim,
]
Sha256 = Annotated[str, Field(pattern=SHA256_PATTERN), Verbatim]
Reason = Annotated[str, Field(min_length=1, max_length=4000), NotBlank]


DATE_MESSAGE = N_('must be a date written as YYYY-MM-DD, such as "2026-03-01"')
DATETIME_MESSAGE = N_(
    "must be a date and time written as YYYY-MM-DDThh:mm:ss with its UTC offset, such as "
    '"2026-03-01T09:00:00+05:00"'
)
YEAR_MESSAGE = "must be a year written in four digits, from 1990 to 2100, such as 2026"
"""What a year filter that is not one is told (``QueryYear``)."""
ISO_DATE_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""How every date and time of ISO 8601's extended form starts; a Unix timestamp in quotes,
which pydantic reads as a time (``"20260301"`` is 1970-08-23), does not."""


def _written_as(kind: type[date], message: str) -> BeforeValidator:
    def refuse_other_than_iso_text(value: object) -> object:
        if isinstance(value, kind) or (isinstance(value, str) and ISO_DATE_START.match(value)):
            return value
        raise PydanticCustomError("iso_text", message)

    return BeforeValidator(refuse_other_than_iso_text)


IsoDate = Annotated[date, _written_as(date, DATE_MESSAGE)]
"""Every date of a request body: a JSON string, ``"2026-03-01"``, read as it always was. A
number, a boolean or a timestamp in quotes is refused in plain words, where pydantic's lax
mode read a number as a Unix timestamp (``1772323200`` was 2026-03-01, and ``1772323201`` was
refused in its own words). Not ``Strict()``: FastAPI validates a body's parsed JSON as Python
objects, and strict mode takes only ``date`` objects from Python, never a string. Python
callers (the demo, the importers) may still pass a ``date``."""
IsoDatetime = Annotated[datetime, _written_as(datetime, DATETIME_MESSAGE)]
"""Every time of a request body, as ``IsoDate`` for a time: a JSON string
(``"2026-03-01T09:00:00+05:00"``), never a number (which was read as seconds since 1970,
UTC). Whether it needs its offset is the field's rule, as before (``Window``,
``AwareIsoDatetime``)."""
AwareIsoDatetime = Annotated[AwareDatetime, _written_as(datetime, DATETIME_MESSAGE)]
"""A time that must carry its offset on its own (a key's ``expires_at``)."""

FIRST_YEAR = 1990
LAST_YEAR = 2100
YEAR_TEXT = re.compile("[0-9]{4}")


def _year(value: object) -> object:
    text = str(value) if type(value) is int else value  # a Python caller's int, never a bool
    if isinstance(text, str) and YEAR_TEXT.fullmatch(text) and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return value
    raise PydanticCustomError("year", YEAR_MESSAGE)


def read_year(value: str) -> str:
    """For a list filter's ``each``: a year of ``year=2025,2026``, as ``QueryYear`` reads one."""
    if YEAR_TEXT.fullmatch(value) and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return value
    raise ValueError(YEAR_MESSAGE)


QueryYear = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR), BeforeValidator(_year)]
"""A year filter (``year=2026``): four digits, from 1990 to 2100, told so in plain words.
pydantic said "Input should be a valid integer, unable to parse string as an integer" of
"20x6" and "greater than or equal to 1990" of 1800, and read "2026.0", "+2026" and " 2026"
as 2026."""


class LegalUnitStatement(StrictInput):
    """An amount stated in a legal unit of account: the unit, how many of it, and the date
    whose value of the unit applies. The registry derives the money amount from it."""

    unit: LegalUnit = Field(description="BRV (Uzbekistan, UZS) or MCI (Kazakhstan, KZT).")
    multiplier: Annotated[str, Verbatim] = Field(
        pattern=MULTIPLIER_PATTERN,
        description="How many of the unit, a decimal string (never a float).",
        examples=["3000"],
    )
    on: IsoDate = Field(
        description="The date whose value of the unit applies (the award date, or the date "
        "the law or the competition fixes)."
    )


class LegalUnitRead(BaseModel):
    unit: str
    multiplier: str
    on: date
    value: str = Field(description="The unit's value on that date, in whole currency units.")
    amount: str = Field(description="multiplier × value: the money amount it gave.")


SourceId = Annotated[
    Annotated[str, Field(min_length=1, max_length=200), NotBlank] | None,
    Field(
        default=None,
        description="The publisher's own id for it (a 360Giving grant id, an OCDS award id…); "
        "unique per funder, so an import that meets it again writes nothing.",
    ),
]
Themes = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=100), NotBlank]],
    Field(max_length=20, description="Free-form theme labels, e.g. youth, ecology, disability."),
]


class Period(StrictInput):
    start: IsoDate
    end: IsoDate

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: date, info: ValidationInfo) -> date:
        """Checked on ``end``, so that a refusal names ``period.end``, not the whole period."""
        start = info.data.get("start")  # absent if start itself was refused
        if start is not None and end < start:
            raise ValueError(f"must not be before start ({start.isoformat()})")
        return end


class Window(StrictInput):
    """An application window. Times carry their offset: Astana closes at 18:30 +05:00."""

    opens: IsoDatetime
    closes: IsoDatetime

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.opens.tzinfo is None or self.closes.tzinfo is None:
            raise ValueError("give both times with a UTC offset, e.g. 2026-03-01T09:00:00+05:00")
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        return self


def tag_required(tag: str, union: Any) -> BeforeValidator:
    """For a union told apart by its ``tag`` field (an event's ``type``, an operation's
    ``op``): an object without that field is refused as a missing ``tag`` with the values it
    may take, as an unknown value is, rather than pydantic's "Unable to extract tag using
    discriminator", which names neither. Put it after the union's ``Discriminator(tag)``:
    with ``Field(discriminator=…)`` instead, FastAPI drops it from a body parameter."""
    values = ", ".join(
        repr(value)
        for member in get_args(union)
        for value in get_args(member.model_fields[tag].annotation)
    )

    def check(value: Any) -> Any:
        if isinstance(value, dict) and tag not in value:
            raise PydanticCustomError(
                "union_tag_not_found",
                "Unable to extract tag using discriminator {discriminator}",
                {"discriminator": repr(tag), "expected_tags": values},
            )
        return value

    return BeforeValidator(check)
