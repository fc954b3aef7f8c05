"""The organizations' desk: sign in with the organization's API key, then write with forms.

Every form calls the API's own service in the same way the API does (the same model, the same
rules, the same idempotency records, keyed by a nonce in the form so that a double click writes
once), shows the API's errors next to the fields with what was typed kept, and on success
redirects to a page naming the new ledger entry.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Annotated, Any, Final
from zoneinfo import ZoneInfo

from babel import Locale, dates, lists, numbers
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from registry.auth import service as auth_service
from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.competitions.schemas import Stage
from registry.core import clock, idempotency
from registry.core.db import PrimarySessionDep, WriteSessionDep
from registry.core.errors import Forbidden, NotFound, RegistryError, Unauthorized
from registry.core.messages import Alternatives, LocalTime, Money, Region, Rule, english
from registry.core.schemas import Instrument
from registry.ledger import service as ledger_service
from registry.ledger.merkle import leaf_hash
from registry.organizations import service as organization_service
from registry.oversight.models import Conclusion
from registry.oversight.views import to_summary
from registry.reference.money import Given, format_amount
from registry.reference.regions import UnknownRegion, local_region_name, normalize_region
from registry.reference.transliteration import latin_to_cyrillic
from registry.reference.zones import local_zone
from registry.web import i18n, oversight_pages, views
from registry.web.desk import forms, repeats, sessions
from registry.web.i18n import N_
from registry.web.ledger_page import subject_page
from registry.web.templating import PageContext, language_of, render

router = APIRouter(tags=["portal"])
LISTED: Final = 20
LANGUAGE_NAMES: Final = {"uz": "Oʻzbekcha", "ru": "Русский", "kk": "Қазақша", "en": "English"}
FORM_NONCE: Final = "form_nonce"
CSRF_FIELD: Final = "csrf"
CARRIED_FORM: Final = "carried_form"
"""The sign-in form's field naming the form whose typed values it carries (its slug)."""
CARRIED_PREFIX: Final = "carried:"
"""The prefix of the sign-in form's fields that carry a form's values (``carried:amount``)."""
NOT_CARRIED: Final = frozenset({CSRF_FIELD, FORM_NONCE, repeats.REPEAT_OF})
TOKEN_MAX_LENGTH: Final = 200
"""The longest API key or sign-in token read (a key is far shorter)."""
SIGN_IN_EXPIRED: Final = N_(
    "The sign-in page had been open too long. Sign in again: what you typed in the form is "
    "still kept."
)
FILE_MAX_MEGABYTES: Final = 200
"""The largest document whose SHA-256 a form's file picker computes in the browser, which
reads the whole file into memory (Web Crypto hashes no stream): a larger one is refused
there, saying to compute it with a program, rather than freeze the page."""
# Public pages that say whose entry a ``?leaf=`` hash is, and those that anchor each entry.
LEAF_CHECKING_PAGES: Final = ("/awards/", "/competitions/")
ENTRY_ANCHORED_PAGES: Final = (*LEAF_CHECKING_PAGES, "/oversight/conclusions/")


class WrittenRead(BaseModel):
    seq: int
    what: str
    id: str
    link: str


def _redirect(page: PageContext, path: str, **params: object) -> RedirectResponse:
    return RedirectResponse(page.url(path, **params), status_code=303)


def _forbidden(request: Request, message: str) -> HTMLResponse:
    return render(
        request, "error.html", {"status": 403, "detail": message, "fields": []}, status_code=403
    )


def _checked_post(request: Request, found: sessions.Current, csrf: str | None) -> str | None:
    """Why a POST must be refused (another site, or no matching CSRF token); None if not."""
    if not sessions.same_origin(request):
        return "This form was sent from another site."
    if not sessions.csrf_matches(found, csrf):
        return "The form's security token did not match: reload the page and try again."
    return None


@dataclass(frozen=True)
class Carried:
    """What was typed in a form sent when its session had ended: carried through the
    sign-in page in hidden fields (never stored, never in a URL), to be shown again, filled
    in, once signed in. Not a submission: the official sends the form again, with the new
    session's CSRF token and a new nonce."""

    action: forms.Action
    values: dict[str, str]

    @classmethod
    def of_form(cls, action: forms.Action, sent: dict[str, str]) -> "Carried":
        """What a form sent, but for its tokens: the old session's CSRF token, the nonce
        (the form shown again is a new one) and the confirmation of a repeat (asked again)."""
        return cls(action, {k: v for k, v in sent.items() if k not in NOT_CARRIED})

    @classmethod
    def of_sign_in(cls, sent: dict[str, str]) -> "Carried | None":
        """What the sign-in form carries, if it carries a form the desk has."""
        action = forms.ACTIONS.get(sent.get(CARRIED_FORM, ""))
        if action is None:
            return None
        values = {
            name.removeprefix(CARRIED_PREFIX): value
            for name, value in sent.items()
            if name.startswith(CARRIED_PREFIX)
        }
        return cls.of_form(action, values)


@router.get("/desk/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request, ended: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    return _render_sign_in(request, ended=ended)


def _render_sign_in(
    request: Request,
    *,
    ended: str | None = None,
    error: str | None = None,
    carried: Carried | None = None,
    status: int = 200,
) -> Response:
    nonce = sessions.login_nonce(request)
    context = {
        "section": "/desk",
        "ended": ended,
        "error": error,
        "nonce": nonce,
        "carried": carried,
        "carried_form": CARRIED_FORM,
        "carried_prefix": CARRIED_PREFIX,
    }
    response = render(request, "desk/sign_in.html", context, status_code=status)
    sessions.set_login_cookie(request, response, nonce)
    return _private(response)


@router.post("/desk/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    # Besides the key, the form may carry what was typed in a form whose session had ended
    # (``Carried``): its fields are that form's, so read them all, then sign in in a worker
    # thread like every synchronous route.
    submitted = await request.form()
    values = {key: value for key, value in submitted.items() if isinstance(value, str)}
    return await run_in_threadpool(_sign_in, request, values)


def _sign_in(request: Request, values: dict[str, str]) -> Response:
    page = PageContext(request)
    # Carried values are kept only from the registry's own page (see ``_session_ended``).
    carried = Carried.of_sign_in(values) if sessions.from_own_page(request) else None
    token, csrf = values.get("token", ""), values.get(CSRF_FIELD, "")
    if not sessions.same_origin(request):
        return _forbidden(request, "This form was sent from another site.")
    if not sessions.login_nonce_matches(request, csrf[:TOKEN_MAX_LENGTH]):
        return _sign_in_unmatched(request, carried, token)
    with request.app.state.database.session(write=True) as session:
        response = _redirect(page, "/desk")
        key = token.strip() if len(token) <= TOKEN_MAX_LENGTH else ""  # "" is no key
        try:
            found = sessions.open_session(session, request, response, key)
        except Unauthorized as exc:
            return _render_sign_in(request, error=exc.detail, carried=carried, status=401)
        if carried is None or found.principal.role not in carried.action.roles:
            return response
        # The form again, filled in, under the new session: its cookies are the redirect's.
        shown = _opened_form(request, session, found, carried.action, carried.values, resumed=True)
        for cookie in response.headers.getlist("set-cookie"):
            shown.headers.append("set-cookie", cookie)
        return shown


def _sign_in_unmatched(request: Request, carried: Carried | None, token: str) -> Response:
    """A sign-in sent without its page's cookie: the carried form again if this sign-in was
    already done (a reload), else refused, with what was typed kept if it carries a form."""
    if carried is None:
        return _forbidden(
            request, "The sign-in form's security token did not match: reload it and try again."
        )
    resumed = _signed_in_again(request, carried, token)
    if resumed is not None:
        return resumed
    # The sign-in page outlived its cookie: keep what was typed.
    i18n.activate(language_of(request))
    error = i18n.gettext(SIGN_IN_EXPIRED)
    return _render_sign_in(request, error=error, carried=carried, status=403)


def _signed_in_again(request: Request, carried: Carried, token: str) -> Response | None:
    """The carried form again, under the live session, when this sign-in was already done:
    the form is the answer to the sign-in's POST, which a browser's reload sends again, its
    sign-in cookie since deleted. Only for a session of the very key sent (the session's
    cookie is SameSite=Strict, and the key is checked again); None otherwise."""
    key = token.strip() if len(token) <= TOKEN_MAX_LENGTH else ""
    with request.app.state.database.session() as session:
        found = sessions.current(session, request)
        if found is None or found.principal.role not in carried.action.roles:
            return None
        try:
            again = auth_service.authenticate(session, key)
        except Unauthorized:
            return None
        if again.key_prefix != found.principal.key_prefix:
            return None
        return _opened_form(request, session, found, carried.action, carried.values, resumed=True)


@router.post("/desk/sign-out")
def sign_out(
    request: Request,
    session: WriteSessionDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    page = PageContext(request)
    found = sessions.current(session, request)
    if found is None:
        return _redirect(page, "/desk/sign-in")
    refused = _checked_post(request, found, csrf)
    if refused:
        return _forbidden(request, refused)
    response = _redirect(page, "/desk/sign-in", ended="signed-out")
    sessions.close(session, request, found, response)
    return response


@router.get("/desk", response_class=HTMLResponse)
def desk_home(request: Request, session: PrimarySessionDep) -> Response:
    page = PageContext(request)
    found = sessions.current(session, request)
    if found is None:
        return _redirect(page, "/desk/sign-in", ended="expired" if request.cookies else None)
    principal = found.principal
    assert principal.organization_id is not None
    organization = organization_service.get(session, principal.organization_id)
    conclusions = _conclusions_for(session, principal)
    competitions = _competitions_of(session, principal)
    context: dict[str, Any] = {
        "section": "/desk",
        "principal": principal,
        "organization": organization,
        "org_names": views.names_of(organization),
        "csrf": found.csrf,
        "actions": [a for a in forms.ACTIONS.values() if principal.role in a.roles],
        "competitions": competitions,
        "open": {
            competition.id: competition_service.actions_open(competition)
            for competition in competitions
        },
        "stages": {
            competition.id: [
                (forms.STAGE_FORMS[stage], forms.STAGE_NAMES[stage])
                for stage in competition_service.stages_to_record(competition)
            ]
            for competition in competitions
        },
        "conclusions": conclusions,
        "names": views.organization_names(
            session, {c.overseer_id for c in conclusions} | {c.body_id for c in conclusions}
        ),
        "idle_minutes": request.app.state.settings.desk_idle_minutes,
    }
    return _private(render(request, "desk/home.html", context))


def _competitions_of(session: Session, principal: Principal) -> list[Competition]:
    if principal.role is not Role.FUNDER:
        return []
    statement = (
        select(Competition)
        .where(Competition.funder_id == principal.organization_id)
        .order_by(Competition.published_seq.desc())
        .limit(LISTED)
    )
    return list(session.execute(statement).scalars())


def _conclusions_for(session: Session, principal: Principal) -> list[Any]:
    """A body's open conclusions (to answer), or an overseer's own (to follow)."""
    condition: ColumnElement[bool]
    if principal.role is Role.FUNDER:
        condition = (
            (Conclusion.body_id == principal.organization_id)
            & Conclusion.answered_at.is_(None)
            & Conclusion.withdrawn_at.is_(None)
        )
    else:
        condition = Conclusion.overseer_id == principal.organization_id
    statement = (
        select(Conclusion).where(condition).order_by(Conclusion.submitted_seq.desc()).limit(100)
    )
    return [to_summary(found) for found in session.execute(statement).scalars()]


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _groups(action: forms.Action) -> list[tuple[str | None, list[forms.Input]]]:
    """Inputs grouped for display: a multilingual text's four inputs in one fieldset under
    its label, and inputs that share a legend (a statement in a legal unit) under it."""
    groups: list[tuple[str | None, list[forms.Input]]] = []
    for item in action.inputs:
        stem, _, last = item.name.rpartition(".")
        legend = item.label if last in LANGUAGE_NAMES and stem else item.legend
        if legend and groups and groups[-1][0] == legend:
            groups[-1][1].append(item)
        elif legend:
            groups.append((legend, [item]))
        else:
            groups.append((None, [item]))
    return groups


def _said(message: forms.Said) -> Markup:
    """The desk's own words, in the reader's language (a date or a number in its locale)."""
    formats = i18n.formats(i18n.current())
    values = {
        name: formats.date(value)
        if isinstance(value, date)
        else formats.number(value)
        if isinstance(value, Decimal)
        else formats.money(value.amount, value.currency)
        if isinstance(value, forms.Money)
        else str(value)
        for name, value in message.values
    }
    return Markup(escape(i18n.gettext(message.text))) % values  # noqa: S704 - escaped above


def _rule_value(formats: i18n.Formats, value: object) -> str:
    """A value a service's rule names, written as the pages write it in the reader's language:
    a date and a time in its locale, a count with its digits grouped, a decimal number (a
    multiplier) with its decimal mark, an amount as money, a stage and an instrument by the
    names the pages give them, a region or a country by its name in the reader's language; a
    text (an id, a zone) as it is.
    (A part of the sentence that is a rule itself is said by ``rule_text`` in its turn.)"""
    named = _name_of(value)
    if named is not None:
        return named
    if isinstance(value, LocalTime | datetime):
        return _time_text(formats, value)
    if isinstance(value, date):
        return formats.date(value)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        # A Grouped too, which the API writes "1,000"; a multiplier, "1.5", "1,5" in Russian.
        return formats.number(value if isinstance(value, Decimal) else int(value))
    if isinstance(value, Money | Given):
        return _amount_text(formats, value)
    return english(value)


PLAIN_DECIMAL: Final = re.compile(r"([0-9]+)(?:\.([0-9]+))?")


def _amount_text(formats: i18n.Formats, value: Money | Given) -> str:
    """An amount a rule names as money (an ``Amount`` too, which the API writes without its
    currency); or as it was given (``'1.999'`` in the API's words), quoted as the API quotes
    it, in the reader's digits where it is a plain decimal ("'1,999'", every decimal given
    kept: it may be why it is refused), else as given."""
    if isinstance(value, Money):
        return formats.money(format_amount(value.minor, value.currency), value.currency)
    plain = PLAIN_DECIMAL.fullmatch(value.text.strip())
    if plain is None:
        return str(value)
    whole, fraction = plain.groups()
    written = formats.number(int(whole))
    if fraction is not None:
        written += numbers.get_decimal_symbol(formats.locale) + fraction
    return f"'{written}'"


def _time_text(formats: i18n.Formats, value: LocalTime | datetime) -> str:
    """A time a rule names, in the reader's locale; where the API gives it with its offset
    (a competition's results, ``+05:00``), with its zone, as the portal names a deadline's
    zone: "18:30, Asia/Tashkent". (Where it does not, the sentence names the zone.)"""
    if isinstance(value, LocalTime) and value.offset:
        return f"{formats.datetime(value.at)}, {_zone_name(value.at)}"
    return formats.datetime(value.at if isinstance(value, LocalTime) else value)


def _zone_name(moment: datetime) -> str:
    """The zone a time is in, by its IANA name as the portal names zones (Asia/Tashkent);
    a bare offset as the reader's language writes one (GMT+05:00) where it has no name."""
    if isinstance(moment.tzinfo, ZoneInfo):
        return moment.tzinfo.key
    return dates.get_timezone_gmt(moment, locale=i18n.formats(i18n.current()).locale)


def _name_of(value: object) -> str | None:
    """The name the pages give a value in the reader's language: a stage's, an instrument's,
    a region's or a country's, values one of which is asked for; None for a value that has
    none."""
    if isinstance(value, Stage | Instrument):  # a StrEnum: looked up as its value
        return i18n.gettext((forms.STAGE_NAMES | views.INSTRUMENT_NAMES)[value])
    if isinstance(value, Region):
        return local_region_name(value.code, i18n.current().code)
    if isinstance(value, Alternatives):  # each as the API takes it, listed as the language does
        return _alternatives(value)
    return None


def _alternatives(value: Alternatives) -> str:
    """Values one of which is asked for, each as the API takes it, listed as the reader's
    language lists them; in English as the API says it ("'a', 'b' or 'c'": Babel's English
    adds a comma before "or"). CLDR has no Uzbek Cyrillic list of alternatives (Babel falls
    back to English "or"), so there the Uzbek Latin one is written in Cyrillic, "ёки"."""
    language = i18n.current()
    if language.code == "en":
        return str(value)
    markers = [f"\x00{index}\x00" for index in range(len(value))]
    if language.code == "uz-Cyrl":
        listed = latin_to_cyrillic(lists.format_list(markers, "or", "uz"))
    else:
        listed = lists.format_list(markers, "or", i18n.formats(language).locale)
    for marker, item in zip(markers, value, strict=True):
        listed = listed.replace(marker, repr(item))
    return listed


def rule_text(rule: Rule) -> str:
    """A service's refusal in the reader's language: its template through the catalogs, the
    values it names written in the reader's locale. Plain text, to be escaped where shown."""
    formats = i18n.formats(i18n.current())
    values = {
        name: rule_text(value) if isinstance(value, Rule) else _rule_value(formats, value)
        for name, value in rule.values
    }
    return i18n.gettext(rule.template) % values


def in_english(message: forms.Message) -> bool:
    """Whether a refusal is shown in English on a page in another language (its element is
    marked ``lang="en"``): the API's own words, where no catalog has them."""
    if i18n.current().code == "en" or isinstance(message, forms.Said):
        return False
    if isinstance(message, Rule):
        return i18n.gettext(message.template) == message.template
    return message not in forms.FORM_MESSAGES


def _described(choice: forms.Choice) -> Markup:
    """An event of an award as the correction's form lists it, in the reader's language."""
    return Markup(", ").join(_said(part) for part in choice.said)


def _label(item: forms.Input) -> str:
    """An input as its form names it, in the reader's language: its label, and the language
    it is in or removes (``Title (Русский)``), as the template's ``field_name`` does."""
    language = (item.clears or item.name).rpartition(".")[2]
    label = i18n.gettext(item.label)
    return f"{label} ({LANGUAGE_NAMES[language]})" if language in LANGUAGE_NAMES else label


def _messages_of(action: forms.Action) -> Callable[[forms.Message], Markup]:
    """How a refusal's message is shown (``say``): the form's own (a ``Said``) in the reader's
    language, a date in its locale; the API's in its words, but for the fields of this form it
    names (``give cap_override``), each shown as the form names it, a link to it. Only names
    that are no English word (``cap_override``, ``legal_unit.multiplier``) are read as fields:
    an ``amount`` in a message is a word."""
    named = {item.name: item for item in action.inputs if "_" in item.name or "." in item.name}
    pattern = (
        re.compile(
            r"(?<![\w.])("
            + "|".join(re.escape(name) for name in sorted(named, key=len, reverse=True))
            + r")(?!\w|\.\w)"
        )
        if named
        else None
    )

    def say(message: forms.Message) -> Markup:
        if isinstance(message, forms.Said):
            return _said(message)
        if isinstance(message, Rule):
            message = rule_text(message)  # its field names linked, as the API's words are
        elif message in forms.FORM_MESSAGES:
            return escape(i18n.gettext(message))
        if pattern is None:
            return escape(message)
        language = i18n.current().code
        parts: list[Markup] = []
        position = 0
        for found in pattern.finditer(message):
            item = named[found[1]]
            parts.append(escape(message[position : found.start()]))
            parts.append(
                Markup('<a href="#f-{}"{}>{}</a>').format(
                    item.name.replace(".", "-"),
                    Markup(' lang="{}"').format(language) if language != "en" else "",
                    _label(item),
                )
            )
            position = found.end()
        parts.append(escape(message[position:]))
        return Markup("").join(parts)

    return say


def _fields_in_error(
    action: forms.Action, errors: dict[str | None, list[forms.Message]], shared: dict[str, Any]
) -> list[tuple[str, str, str | None]]:
    """The fields a refusal marks, in the form's order, as the error summary links to them:
    each control's name, its label and the language it is in or removes (the page names it
    ``Title (Русский)``, as ``field_name`` does); a multilingual text as a whole by its label,
    linked to its first language's box."""
    marked = {name for name in errors if name is not None} | set(shared)
    listed: list[tuple[str, str, str | None]] = []
    if action.target and action.target.name in marked:
        listed.append((action.target.name, action.target.label, None))
    seen: set[str] = set()
    for item in action.inputs:
        stem = item.name.rpartition(".")[0]
        group = item.part_of or (stem if forms.is_language_input(item) else None)
        if group and group in marked and group not in seen:  # a text or counts as a whole
            seen.add(group)
            listed.append((item.name, item.legend or item.label, None))
        if item.name in marked:
            language = (item.clears or item.name).rpartition(".")[2]
            listed.append((item.name, item.label, language if language in LANGUAGE_NAMES else None))
    return listed


def _answered(session: Session, action: forms.Action, values: dict[str, str]) -> Conclusion | None:
    """The conclusion a body's or an overseer's form is about, if the form names one the
    registry holds: shown above the form, so that nobody answers what they have not read."""
    if action.target is not forms.CONCLUSION:
        return None
    given = (values.get(forms.CONCLUSION.name) or "").strip()
    if not given or len(given) > forms.TARGET_MAX_LENGTH or "\x00" in given:
        return None
    return session.get(Conclusion, given)


def _form_page(
    request: Request,
    session: Session,
    found: sessions.Current,
    action: forms.Action,
    values: dict[str, str],
    placed: forms.Placed | None = None,
    *,
    compared: list[forms.Input] | None = None,
    repeated: repeats.Recorded | None = None,
    shaped: forms.Shaped | None = None,
    resumed: bool = False,
    status: int = 200,
) -> Response:
    errors = placed.messages if placed else {}
    bounds = forms.number_bounds(
        action,
        request.app.state.settings,
        values,
        local_zone(found.principal.organization_id),
    )
    answered = _answered(session, action, values)
    conclusion = to_summary(answered) if answered else None
    context = {
        "section": "/desk",
        "action": action,
        "groups": _groups(action),
        "inputs": {item.name: item for item in action.inputs},
        "options": {
            item.name: item.options_for(found.principal.organization_id or "")
            for item in action.inputs
            if item.kind == "select"
        },
        "limits": forms.max_lengths(action)
        | {name: len(str(most)) for name, (_, most) in bounds.items()}
        | ({action.target.name: forms.TARGET_MAX_LENGTH} if action.target else {}),
        "bounds": bounds,
        "days": action.days,
        "values": values,
        "errors": errors,
        "shared": placed.shared if placed else {},
        "fields_in_error": _fields_in_error(action, errors, placed.shared if placed else {}),
        "marked": any(name is not None for name in errors),
        "compared": compared or [],
        "csrf": found.csrf,
        "nonce": values.get(FORM_NONCE) or secrets.token_urlsafe(16),
        "language_names": LANGUAGE_NAMES,
        "principal": found.principal,
        "say": _messages_of(action),
        "in_english": in_english,
        "conclusion": conclusion,
        "findings": answered.findings if answered else None,
        "conclusion_names": views.organization_names(session, {conclusion.body_id})
        if conclusion
        else {},
        "days_left": oversight_pages.days_left(conclusion, clock.now()) if conclusion else None,
        "repeated": repeated,
        "repeated_elapsed": clock.now() - repeated.at if repeated and repeated.at else None,
        "repeat_of": repeats.REPEAT_OF,
        "choosing": shaped is not None and shaped.chosen is None,
        "choices": shaped.choices if shaped else (),
        "chosen": shaped.chosen if shaped else None,
        "described": _described,
        "resumed": resumed,
        "file_max_megabytes": FILE_MAX_MEGABYTES,
        "file_max_bytes": FILE_MAX_MEGABYTES * 1024 * 1024,
    }
    return _private(render(request, "desk/form.html", context, status_code=status))


def _action(slug: str) -> forms.Action:
    action = forms.ACTIONS.get(slug)
    if action is None:
        raise NotFound.for_field("path.slug", f"no desk form {slug}")
    return action


Slug = Annotated[str, Path(max_length=60)]


@router.get("/desk/forms/{slug}", response_class=HTMLResponse)
def form_page(request: Request, session: PrimarySessionDep, slug: Slug) -> Response:
    page = PageContext(request)
    action = _action(slug)
    found = sessions.current(session, request)
    if found is None:
        return _redirect(page, "/desk/sign-in", ended="expired")
    if found.principal.role not in action.roles:
        return _forbidden(request, "This form is not for this organization's key.")
    values = {key: value for key, value in request.query_params.items() if key != "lang"}
    return _opened_form(request, session, found, action, values)


def _opened_form(
    request: Request,
    session: Session,
    found: sessions.Current,
    action: forms.Action,
    values: dict[str, str],
    *,
    resumed: bool = False,
) -> Response:
    """A form opened with ``values`` (a link's query, or what was typed before a session
    ended, ``resumed``): its presets under them, and a correction's event chosen by them."""
    if action.preset:
        values = action.preset(session, values) | values
    if action.shape is None:
        return _form_page(request, session, found, action, values, resumed=resumed)
    shaped = action.shape(session, found.principal, values, _locale(request))
    placed = forms.place_errors(shaped.action, shaped.errors, values) if shaped.errors else None
    values = shaped.prefill | values
    # An award not registered, or another funder's, answers as the API would (404, 403); a
    # link that chooses no event of the award still opens a form to choose one in (200).
    status = shaped.status if shaped.errors and shaped.status in (403, 404) else 200
    return _form_page(
        request,
        session,
        found,
        shaped.action,
        values,
        placed,
        shaped=shaped,
        resumed=resumed,
        status=status,
    )


def _locale(request: Request) -> Locale:
    """The locale amounts are written and read in: the page's language's."""
    return i18n.formats(language_of(request)).locale


@router.post("/desk/forms/{slug}", response_class=HTMLResponse)
async def submit_form(request: Request, slug: Slug) -> Response:
    # The form's fields are the action's, not a fixed signature: read them all, then write in
    # a worker thread like every synchronous route (the services are synchronous).
    # Line breaks as the API's clients send them (a text area sends "\r\n"): the same text is
    # recorded alike whichever way it came.
    submitted = await request.form()
    values = {
        key: forms.one_line_break(value)
        for key, value in submitted.items()
        if isinstance(value, str)
    }
    return await run_in_threadpool(_submit, request, slug, values)


def _submit(request: Request, slug: str, values: dict[str, str]) -> Response:
    page = PageContext(request)
    action = _action(slug)
    database = request.app.state.database
    with database.session(write=True) as session:
        found = sessions.current(session, request)
        if found is None:
            return _session_ended(request, action, values)
        refused = _checked_post(request, found, values.get(CSRF_FIELD))
        if refused is None and found.principal.role not in action.roles:
            refused = "This form is not for this organization's key."
        if refused:
            return _forbidden(request, refused)
        shaped = None
        if action.shape:  # the form of the event it names, or why none can be
            shaped = action.shape(session, found.principal, values, _locale(request))
            action = shaped.action
        try:
            written = _write(session, request, action, found.principal, values, shaped)
        except repeats.Repeated as exc:  # nothing written: asked, naming the entry it repeats
            return _form_page(
                request,
                session,
                found,
                action,
                values,
                repeated=exc.recorded,
                shaped=shaped,
                status=409,
            )
        except forms.FormErrors as exc:
            status = shaped.status if shaped is not None and shaped.chosen is None else 422
            given = exc.errors
            return _refused(request, session, found, action, values, given, shaped, status=status)
        except RegistryError as exc:
            errors: forms.Errors = exc.errors or [(None, exc.detail)]
            if action.explain:
                target = (values.get(action.target.name) or "").strip() if action.target else None
                errors = action.explain(session, target, errors)
            status = int(exc.status)
            return _refused(request, session, found, action, values, errors, shaped, status=status)
    request.app.state.checkpointer.after_write()
    return _redirect(page, f"/desk/written/{written.seq}")


def _session_ended(request: Request, action: forms.Action, values: dict[str, str]) -> Response:
    """A form sent without a live session (signed out, or timed out while typing): the
    sign-in page, carrying what was typed. Nothing is judged or written. From another site,
    refused: a page there could otherwise fill in a form for the official to send. Carried
    only when the browser says the form was sent from the registry's own page (``Origin``
    or ``Sec-Fetch-Site``): one that says neither gets the plain sign-in page."""
    if not sessions.same_origin(request):
        return _forbidden(request, "This form was sent from another site.")
    if not sessions.from_own_page(request):
        return _render_sign_in(request, ended="expired", status=401)
    return _render_sign_in(request, carried=Carried.of_form(action, values), status=401)


def _refused(
    request: Request,
    session: Session,
    found: sessions.Current,
    action: forms.Action,
    values: dict[str, str],
    errors: forms.Errors,
    shaped: forms.Shaped | None = None,
    *,
    status: int,
) -> Response:
    """The form again, with what was typed, each error next to the field it names, and the
    values compared when a refusal names no field (an amendment that changes nothing)."""
    placed = forms.place_errors(action, errors, values)
    compared = forms.compared_inputs(action, errors, values)
    return _form_page(
        request,
        session,
        found,
        action,
        values,
        placed,
        compared=compared,
        shaped=shaped,
        status=status,
    )


def _typed_zone(
    session: Session, action: forms.Action, values: dict[str, str], organization_id: str
) -> tzinfo:
    """The zone the times typed in a form are read in: for a competition's amendment, the
    competition's, which its window is counted in and may name (Asia/Aqtobe, not the
    country's Asia/Almaty); else the organization's country's (a new competition's is the
    zone it chooses, ``forms.reading_zone``)."""
    if action.target is forms.COMPETITION and any(i.kind == "datetime" for i in action.inputs):
        try:
            competition = competition_service.get(session, action.target.id_in(values))
        except (forms.FormErrors, NotFound):
            pass  # refused later, next to its field
        else:
            # A region changed by the same amendment, as the service judges the window.
            return competition_service.zone_of(competition, region=_region(values))
    return local_zone(organization_id)


def _region(values: dict[str, str]) -> str | None:
    """The region an amendment's form changes to, if it names a real one (else the service
    refuses it, next to its field)."""
    given = (values.get("changes.region") or "").strip()
    try:
        return normalize_region(given) if given else None
    except UnknownRegion:
        return None


def _write(
    session: Session,
    request: Request,
    action: forms.Action,
    principal: Principal,
    values: dict[str, str],
    shaped: forms.Shaped | None = None,
) -> WrittenRead:
    assert principal.organization_id is not None
    if shaped is not None and shaped.chosen is None:  # a correction naming no event of its own
        raise forms.FormErrors(list(shaped.errors) or [(forms.CORRECTS, forms.Said(forms.CHOOSE))])
    zone = _typed_zone(session, action, values, principal.organization_id)
    locale = _locale(request)  # amounts as the page writes them
    data, target = forms.read(session, action, values, principal, zone, locale=locale)
    days = request.app.state.settings.oversight_answer_days
    # The idempotency key is bounded (200 characters): a nonce is hashed into it, whatever was
    # sent; without one, every send is new.
    sent = values.get(FORM_NONCE) or secrets.token_hex()
    nonce = hashlib.sha256(f"{target or ''}\n{sent}".encode()).hexdigest()
    fingerprint = repeats.fingerprint(action.slug, principal, target, data)
    claimed = idempotency.Claim(principal.key_prefix, f"desk:{action.slug}:{nonce}", fingerprint)

    def produce() -> WrittenRead:
        written = action.write(session, principal, data, target, days)
        return WrittenRead(seq=written.seq, what=written.what, id=written.id, link=written.link)

    # A savepoint: a refused write leaves nothing, while the session's idle clock still moves.
    with session.begin_nested():
        # Under the ledger's lock, so that two tabs or workers sending alike are judged in turn.
        ledger_service.lock(session)
        if not idempotency.is_stored(session, claimed):  # a retry is answered as it was
            repeats.check(
                session,
                fingerprint=fingerprint,
                data=data,
                target=target,
                confirmed=values.get(repeats.REPEAT_OF),
            )
        response = idempotency.respond_to(session, claimed, status=201, produce=produce)
    return WrittenRead.model_validate(json.loads(bytes(response.body)))


RECORDED: Final = {
    "competition.published": N_("a new competition, %(subject)s"),
    "competition.amended": N_("an amendment of competition %(subject)s"),
    "competition.cancelled": N_("the cancellation of competition %(subject)s"),
    "competition.results_published": N_("the results of competition %(subject)s"),
    "competition.applications_closed": N_("the close of applications to competition %(subject)s"),
    "competition.compliance_checked": N_("the compliance check of competition %(subject)s"),
    "competition.commission_decided": N_("the commission's decision on competition %(subject)s"),
    "competition.preliminary_results": N_("the preliminary results of competition %(subject)s"),
    "competition.final_results": N_("the final results of competition %(subject)s"),
    "award.published": N_("a new award, %(subject)s"),
    "award.disbursed": N_("a disbursement of award %(subject)s"),
    "award.amended": N_("an amendment of award %(subject)s"),
    "award.reported": N_("a report on award %(subject)s"),
    "award.completed": N_("the completion of award %(subject)s"),
    "award.terminated": N_("the termination of award %(subject)s"),
    "award.corrected": N_("a correction of award %(subject)s"),
    "oversight.submitted": N_("a new oversight conclusion, %(subject)s"),
    "oversight.acknowledged": N_("the acknowledgement of conclusion %(subject)s"),
    "oversight.extended": N_("the extension of the deadline of conclusion %(subject)s"),
    "oversight.answered": N_("the answer to conclusion %(subject)s"),
    "oversight.withdrawn": N_("the withdrawal of conclusion %(subject)s"),
    "oversight.escalated": N_("the escalation of conclusion %(subject)s"),
}
"""What each kind of entry the desk's forms write records, as the success page says it (a
kind the desk does not write is named as the ledger names it)."""


def entry_page(page: PageContext, seq: int, leaf: bytes, link: str | None) -> str:
    """Where a person reads and verifies the entry just written: its record's public page at
    the entry (whose "Verify" checks it in the browser), with its leaf hash where the page
    checks one (an award's, a competition's say whose entry the hash is); else the ledger's
    page that lists it first."""
    if link is None:
        return page.url("/ledger", before=seq + 1)
    if link.startswith(LEAF_CHECKING_PAGES):
        return f"{page.url(link, leaf=leaf_hash(leaf).hex())}#event-{seq}"
    if link.startswith(ENTRY_ANCHORED_PAGES):
        return f"{page.url(link)}#event-{seq}"
    return page.url(link)


@router.get("/desk/written/{seq}", response_class=HTMLResponse)
def written_page(
    request: Request, session: PrimarySessionDep, seq: Annotated[int, Path(ge=0, le=2**63 - 1)]
) -> Response:
    leaf = ledger_service.entry(session, seq).leaf
    entry = ledger_service.decode_leaf(leaf)
    kind, subject = entry["kind"], entry["subject"]
    family = kind.split(".")[0]
    link = subject_page(kind, subject)
    conclusion = session.get(Conclusion, subject) if family == "oversight" else None
    found = sessions.current(session, request)
    organization = found.principal.organization_id if found else None
    # The time where what was written happens: a conclusion's body's zone, else the zone of
    # the organization signed in (a funder's: Asia/Tashkent, Asia/Almaty).
    zone_name = (
        conclusion.time_zone
        if conclusion is not None
        else str(local_zone(organization))
        if organization
        else None
    )
    context = {
        "section": "/desk",
        "entry": entry,
        "link": link,
        "entry_page": entry_page(PageContext(request), seq, leaf, link),
        "recorded": RECORDED.get(kind),
        "time": datetime.fromisoformat(entry["time"]),
        "zone": ZoneInfo(zone_name) if zone_name else None,
        "zone_name": zone_name,
        "conclusion": to_summary(conclusion) if conclusion is not None else None,
        "correction": _correction_of(session, found, seq, subject) if family == "award" else None,
    }
    return _private(render(request, "desk/written.html", context))


def _correction_of(
    session: Session, found: sessions.Current | None, seq: int, award_id: str
) -> str | None:
    """The correction's form with entry ``seq`` of award ``award_id`` chosen, where the
    official signed in may correct it: the award's funder, the entry one of its correctable
    events (not a correction, not voided: ``award_service.correctable_events``). The desk
    has no page of an award's events, so its success page offers it."""
    if found is None or found.principal.role not in forms.ACTIONS[forms.CORRECTION].roles:
        return None
    try:
        award = award_service.get(session, award_id)
        found.principal.check_acts_for(award.funder_id)
    except (NotFound, Forbidden):
        return None
    events = award_service.correctable_events(session, award)
    if all(event.seq != seq for event in events):
        return None
    return forms.CORRECTION
