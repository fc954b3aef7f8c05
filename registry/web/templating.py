"""One Jinja2 environment for every page, and ``render``, which answers a request with a page.

Autoescaping is on for every template: data from the ledger (an award title holding
``<script>``) is text. ``gettext`` reads the request's language from a context variable set
in the same thread just before rendering, so one shared environment serves all languages.
"""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from registry.reference.regions import local_region_name, normalize_region
from registry.web import assets, i18n, legal_forms, themes

TEMPLATES: Final = Environment(
    loader=PackageLoader("registry.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.install_gettext_callables(  # type: ignore[attr-defined]  # added by the i18n extension
    i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int, /, **variables: Any) -> str:
    """Jinja's newstyle ``ngettext``, but ``%(num)s`` is the count written in the reader's
    language ("1 234 bytes" in Russian, not "1234 bytes"); the form is still chosen by the
    number itself. A template may still pass its own ``num``."""
    variables.setdefault("num", i18n.formats(i18n.current()).number(count))
    text = i18n.ngettext(singular, plural, count)
    if context.eval_ctx.autoescape:
        # Our catalog's text is markup as a template's is; % escapes the variables.
        return Markup(text) % variables  # noqa: S704 - as Jinja's own ngettext does
    return text % variables


TEMPLATES.globals["ngettext"] = _ngettext
TEMPLATES.filters["fromisoformat"] = date.fromisoformat  # a date as the ledger writes it
TEMPLATES.filters["datetime_fromisoformat"] = datetime.fromisoformat  # a window's instant
ISO_DATE: Final = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(value: object) -> bool:
    """A date as a date field holds it (YYYY-MM-DD, a day that exists)."""
    try:
        return (
            isinstance(value, str)
            and bool(ISO_DATE.fullmatch(value))
            and bool(date.fromisoformat(value))
        )
    except ValueError:
        return False


TEMPLATES.tests["iso_date"] = is_iso_date
HTML_MEDIA_TYPE: Final = "text/html; charset=utf-8"
NATIONWIDE: Final = i18n.N_("%(country)s (nationwide)")
"""A country as a region filter's choice: awards of national scope, not its regions'."""


def language_of(request: Request) -> i18n.Language:
    chosen = i18n.from_query(request.query_params.get("lang"))
    return chosen or i18n.from_accept_language(request.headers.get("accept-language"))


class PageContext:
    """What every template can use: the language, its formats, links that keep the language."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.language = language_of(request)
        self.explicit_language = "lang" in request.query_params
        self.formats = i18n.formats(self.language)

    def url(self, path: str, params: Mapping[str, Any] | None = None, /, **more: Any) -> str:
        """A link to ``path`` with ``params`` (lists repeat), keeping ``lang`` if the URL had it."""
        pairs: list[tuple[str, str]] = []
        for name, value in {**(params or {}), **more}.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            pairs.extend((name, str(item)) for item in values if item not in (None, ""))
        if self.explicit_language and all(name != "lang" for name, _ in pairs):
            pairs.append(("lang", self.language.code))
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def switch_language(self, language: i18n.Language) -> str:
        """This very page in another language."""
        pairs = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        pairs.append(("lang", language.code))
        return f"{self.request.url.path}?{urlencode(pairs)}"

    def text(self, value: i18n.Multilingual | None, fallback: str = "") -> Markup:
        """A multilingual field in the reader's language, marked with its own ``lang`` when it
        had to fall back to another (WCAG 3.1.2)."""
        found = i18n.localized(value, self.language)
        if found is None:
            return escape(fallback)
        text, code = found
        if code == self.language.code:
            return escape(text)
        return Markup('<span lang="{}">{}</span>').format(code, text)

    def plain(self, value: i18n.Multilingual | None, fallback: str = "") -> str:
        found = i18n.localized(value, self.language)
        return fallback if found is None else found[0]

    def region_name(self, code: str) -> str:
        """A region's or a country's name in the reader's language (``город Ташкент`` for
        UZ-TK in Russian); the code itself if the registry does not know it."""
        try:
            return local_region_name(code, self.language.code)
        except ValueError:
            return code

    def region_choice(self, code: str) -> str:
        """A region as a search filter's choice. A country code there stands for the awards
        of national scope, not for every award in the country (its regions are choices of
        their own), so the name says so: ``Узбекистан (по всей стране)``."""
        try:
            normalized = normalize_region(code)
        except ValueError:
            return code
        name = self.region_name(normalized)
        if "-" in normalized:  # a subdivision, UZ-TK
            return name
        return i18n.translations(self.language).ugettext(NATIONWIDE) % {"country": name}

    def theme_name(self, theme: str) -> str:
        """A theme label in the reader's language where the catalogs translate it, else as
        the funder wrote it."""
        return themes.translated(theme, i18n.translations(self.language))

    def legal_form(self, label: str) -> Markup:
        """An organization's legal form: a form the registry knows named in the reader's
        language, the label as recorded beside it when that is in another language (marked
        with it); any other label as recorded, marked as of unknown language (``lang=""``),
        since it is one free text in no stated language."""
        form = legal_forms.known(label)
        if form is None:
            return Markup('<span lang="">{}</span>').format(label)
        name = i18n.translations(self.language).ugettext(form.name)
        if form.language.partition("-")[0] == self.language.code.partition("-")[0]:
            return escape(name)
        return Markup('{} <span class="muted">(<span lang="{}">{}</span>)</span>').format(
            name, form.language, label
        )

    static = staticmethod(assets.static_url)
    all_languages = i18n.LANGUAGES


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    page: PageContext | None = None,
) -> HTMLResponse:
    page = page or PageContext(request)
    i18n.activate(page.language)
    body = TEMPLATES.get_template(template).render({"page": page, **(context or {})})
    response = HTMLResponse(body, status_code=status_code, media_type=HTML_MEDIA_TYPE)
    if i18n.from_query(request.query_params.get("lang")) is None:
        # The language came from the header: a cache must keep one copy per language asked.
        response.headers["Vary"] = "Accept-Language"
    return response
