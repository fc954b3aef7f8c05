"""The organizations' desk over HTTPS through the ASGI app, on both databases: sign-in, forms
that write through the API's services, errors next to fields, CSRF, sign-out and timeouts."""

import re
from datetime import date, timedelta
from html import escape, unescape

import pytest
from babel.dates import format_date
from domain_helpers import (
    KZ_OPERATOR,
    MINISTRY,
    NGO_UZ,
    PUBLIC_FUND,
    bearer,
    competition_body,
    ledger_size,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_legal_units import kz_grant

from registry.auth.principal import Role
from registry.core import clock
from registry.core.db import Database
from registry.ledger import service as ledger_service
from registry.web.desk.forms import ACTIONS


def field_value(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*? value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return unescape(found.group(1))


def sign_in(client: TestClient, token: str) -> str:
    """Sign in; the desk's CSRF token."""
    form = client.get("/desk/sign-in")
    assert form.status_code == 200
    response = client.post(
        "/desk/sign-in", data={"token": token, "csrf": field_value(form.text, "csrf")}
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/desk"
    home = client.get("/desk")
    assert home.status_code == 200, home.text
    return field_value(home.text, "csrf")


def open_form(client: TestClient, slug: str, **params: str) -> dict[str, str]:
    response = client.get(f"/desk/forms/{slug}", params=params)
    assert response.status_code == 200, response.text
    return {
        "csrf": field_value(response.text, "csrf"),
        "form_nonce": field_value(response.text, "form_nonce"),
    }


AWARD_FORM = {
    "recipient_id": NGO_UZ,
    "instrument": "grant",
    "title.uz": "Mahalla kutubxonasi",
    "amount": "45000000.00",
    "currency": "UZS",
    "award_date": "2026-03-01",
    "period.start": "2026-03-10",
    "period.end": "2026-12-31",
}
"""What a funder types in the award form: a grant of 45,000,000 UZS to an Uzbek NGO."""

COMPETITION_FORM = {
    "instrument": "grant",
    "year": "2026",
    "title.uz": "Mahalla tashabbuslari tanlovi",
    "budget": "500000000",
    "currency": "UZS",
    "window.opens": "2026-02-01T09:00",
    "window.closes": "2026-02-20T18:00",
}
"""What a funder types in the competition form: a call in Tashkent time, closed by now."""

MONEY_LEFT_EMPTY = {"amount": "", "currency": ""}
"""The award form's money left empty, as for a statement in a legal unit (or none at all):
the desk reads an empty field as one not given, as a browser sends it."""


def award_form(client: TestClient, competition_id: str) -> dict[str, str]:
    """The award form opened by ``client`` and filled in with ``AWARD_FORM`` under
    ``competition_id`` (empty: an award without a competition); a test changes what it is
    about with ``|``."""
    return open_form(client, "award") | AWARD_FORM | {"competition_id": competition_id}


def form_about(client: TestClient, slug: str, **target: str) -> dict[str, str]:
    """An event's form opened about one thing (``award_id=…``), as the thing's page links to
    it, with that id filled in."""
    return open_form(client, slug, **target) | target


def errors_next_to(html: str, field: str) -> list[str]:
    """The error messages shown in the paragraph of the form field ``field``."""
    block = re.search(
        rf'<p class="field has-error">\s*<label for="f-{re.escape(field.replace(".", "-"))}".*?</p>',
        html,
        re.DOTALL,
    )
    assert block, f"no error shown next to {field}"
    return [unescape(message) for message in re.findall(r'class="error"[^>]*>([^<]+)', block[0])]


def marked_fields(html: str) -> list[str]:
    """The form fields shown with an error next to them, by name."""
    return [
        name.replace("-", ".")
        for name in re.findall(r'<p class="field has-error">\s*<label for="f-([^"]+)"', html)
    ]


def named_with(html: str, field: str) -> list[str]:
    """The fields whose message a marked field points at as about it too, by name."""
    block = re.search(
        rf'<p class="field has-error">\s*<label for="f-{re.escape(field.replace(".", "-"))}".*?</p>',
        html,
        re.DOTALL,
    )
    assert block, f"{field} is not marked"
    return [
        name.replace("-", ".")
        for name in re.findall(r'class="error-also">[^<]*<a href="#f-([^"]+)"', block[0])
    ]


def described_by(html: str, field: str) -> list[str]:
    """The ids of the texts that describe a form field (its errors, its hint)."""
    found = re.search(
        rf'id="f-{re.escape(field.replace(".", "-"))}" name="[^"]+"[^>]*? aria-describedby="([^"]*)"',
        html,
    )
    assert found, f"{field} is described by nothing"
    return [part for part in found[1].split() if not part.endswith(("-hint", "-note"))]


def given_in(text: dict[str, str | None]) -> dict[str, str]:
    """A multilingual text as read from the API, without the languages it is not in."""
    return {language: value for language, value in text.items() if value is not None}


def error_summary(html: str) -> str:
    """The text of the notice at the top of a refused form."""
    found = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert found, "no error summary on the page"
    return unescape(found[0])


def test_sign_in_sets_a_session_cookie_and_never_the_key(
    desk: Desk, browser_like: TestClient
) -> None:
    form = browser_like.get("/desk/sign-in")
    login_cookie = form.headers["set-cookie"]
    assert "HttpOnly" in login_cookie
    assert "SameSite=strict" in login_cookie
    assert "Secure" in login_cookie
    response = browser_like.post(
        "/desk/sign-in", data={"token": desk.world.fund, "csrf": field_value(form.text, "csrf")}
    )
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    # Over HTTPS a __Host- cookie: this host only, Secure, the whole site, no Domain.
    session_cookie = next(c for c in cookies if c.startswith("__Host-desk_session="))
    assert "Domain" not in session_cookie
    for attribute in ("HttpOnly", "SameSite=strict", "Secure", "Path=/;"):
        assert attribute in session_cookie
    secret = desk.world.fund.split("_", 2)[2]
    assert secret not in session_cookie
    home = browser_like.get("/desk")
    assert secret not in home.text
    assert PUBLIC_FUND in home.text
    assert home.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("reg_nothing_here", "not valid"),
        ("", "not valid"),
        ("admin", "an organization"),
    ],
)
def test_a_bad_key_opens_no_session(
    desk: Desk, browser_like: TestClient, token: str, message: str
) -> None:
    token = desk.world.admin if token == "admin" else token
    form = browser_like.get("/desk/sign-in")
    response = browser_like.post(
        "/desk/sign-in", data={"token": token, "csrf": field_value(form.text, "csrf")}
    )
    assert response.status_code == 401
    assert message in unescape(response.text)
    assert "desk_session=" not in response.headers.get("set-cookie", "")  # neither name
    assert browser_like.get("/desk").status_code == 303


def test_sign_in_without_its_form_token_is_refused(desk: Desk, browser_like: TestClient) -> None:
    response = browser_like.post("/desk/sign-in", data={"token": desk.world.fund, "csrf": "x"})
    assert response.status_code == 403
    assert browser_like.get("/desk").status_code == 303


def test_a_funder_posts_a_competition_and_an_award_through_forms(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = (
        open_form(browser_like, "competition")
        | COMPETITION_FORM
        | {"title.ru": "Конкурс инициатив махалли", "themes": "youth, mahalla"}
    )
    response = browser_like.post("/desk/forms/competition", data=form)
    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    assert ledger_size(desk.database) == before + 1
    written = browser_like.get(response.headers["location"])
    assert f"#{seq}" in written.text
    competition_id = re.search(r'href="/competitions/(CMP-[0-9-]+)[?"]', written.text)[1]
    competition = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    assert competition["published_seq"] == seq
    assert competition["window"]["closes"] == "2026-02-20T18:00:00+05:00"  # in Tashkent time
    assert competition["themes"] == ["youth", "mahalla"]
    award = award_form(browser_like, competition_id)
    response = browser_like.post("/desk/forms/award", data=award)
    assert response.status_code == 303, response.text
    award_seq = int(response.headers["location"].rsplit("/", 1)[1])
    awards = desk.client.get("/api/v1/awards", params={"competition": competition_id}).json()
    (created,) = awards["items"]
    assert created["published_seq"] == award_seq
    paid = form_about(browser_like, "award-disbursed", award_id=created["id"]) | {
        "amount": "15000000",
        "date": "2026-03-15",
        "tranche": "1",
    }
    response = browser_like.post("/desk/forms/award-disbursed", data=paid)
    assert response.status_code == 303, response.text
    assert desk.client.get(f"/api/v1/awards/{created['id']}").json()["disbursed"] == "15000000.00"


def written_links(client: TestClient, seq: int) -> tuple[str, str]:
    """The success page's link to read the entry (its href, unescaped), and its JSON's."""
    html = client.get(f"/desk/written/{seq}", params={"lang": "en"}).text
    human = re.search(
        rf'<li><a href="([^"]+)">See it on its public page, and verify entry #{seq} there</a>',
        html,
    )
    auditors = re.search(
        r'For auditors: <a href="([^"]+)">the entry as JSON, with its inclusion proof</a>', html
    )
    assert human, html
    assert auditors, html
    return unescape(human[1]), unescape(auditors[1])


def test_the_success_page_opens_the_entry_on_its_public_page_and_keeps_the_json(
    desk: Desk, browser_like: TestClient
) -> None:
    """Reported by funders: "the entry with its inclusion proof" opened raw JSON. The success
    page's link opens the record's page at the entry, with its leaf hash, so that the page says
    whose entry it is and offers its verification; the JSON stays, for auditors."""
    sign_in(browser_like, desk.world.fund)
    form = open_form(browser_like, "competition") | COMPETITION_FORM
    response = browser_like.post("/desk/forms/competition", data=form)
    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    entry = desk.client.get(f"/api/v1/ledger/entries/{seq}").json()
    competition_id = entry["entry"]["subject"]
    human, auditors = written_links(browser_like, seq)
    assert human == (
        f"/competitions/{competition_id}?leaf={entry['leaf_hash']}&lang=en#event-{seq}"
    )
    assert auditors == f"/api/v1/ledger/entries/{seq}"
    assert desk.client.get(auditors).json()["seq"] == seq
    page = desk.client.get(human.partition("#")[0]).text
    assert f'<li id="event-{seq}">' in page
    assert f"is ledger entry #{seq} of this competition (Announced)" in page
    assert f'data-subject="{competition_id}" data-seqs="{seq}"' in page

    # An award's event: the award's page at that event, which says whose entry it is.
    award_id = desk.award["id"]
    paid = form_about(browser_like, "award-disbursed", award_id=award_id) | {
        "amount": "15000000",
        "date": "2026-03-15",
        "tranche": "1",
    }
    response = browser_like.post("/desk/forms/award-disbursed", data=paid)
    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    leaf_hash = desk.client.get(f"/api/v1/ledger/entries/{seq}").json()["leaf_hash"]
    human, auditors = written_links(browser_like, seq)
    assert human == f"/awards/{award_id}?leaf={leaf_hash}&lang=en#event-{seq}"
    assert auditors == f"/api/v1/ledger/entries/{seq}"
    page = desk.client.get(human.partition("#")[0]).text
    assert f'id="event-{seq}"' in page
    assert f"is ledger entry #{seq} of this award (Disbursement)" in page


def test_a_refused_form_shows_the_api_errors_next_to_the_fields_and_keeps_them(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = award_form(browser_like, desk.competition["id"]) | {
        "title.uz": "Juda katta <loyiha>",
        "amount": "-5",
        "period.end": "2026-01-01",
    }
    response = browser_like.post("/desk/forms/award", data=form)
    assert response.status_code == 422
    assert errors_next_to(response.text, "amount")
    assert errors_next_to(response.text, "period.end")
    assert field_value(response.text, "title.uz") == "Juda katta <loyiha>"
    assert "Juda katta &lt;loyiha&gt;" in response.text
    assert 'role="alert"' in response.text  # "Nothing was written", in the page's language
    # A rule the service keeps (the budget) is shown next to its field too.
    form |= {"amount": "999999999999", "period.end": "2026-12-31"}
    response = browser_like.post("/desk/forms/award", data=form)
    assert response.status_code == 422, response.text
    # In the page's language (Uzbek, the default), as the catalogs say the rule.
    assert any("byudjet" in message for message in errors_next_to(response.text, "amount"))
    assert ledger_size(desk.database) == before


def test_an_unknown_target_is_shown_next_to_its_field(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "award-disbursed") | {
        "award_id": "AWD-2026-999999",
        "amount": "15000000",
        "date": "2026-03-15",
    }
    response = browser_like.post("/desk/forms/award-disbursed", data=form)
    assert response.status_code == 404, response.text
    # The service's "no award AWD-2026-999999", in the page's language (Uzbek, the default).
    assert errors_next_to(response.text, "award_id") == [
        "reyestrda bunday ajratma yoʻq: AWD-2026-999999"
    ]
    assert ledger_size(desk.database) == before


NOT_AN_AWARD_ID = "No award has this id: an award's id reads like AWD-2026-000123."
NOT_A_COMPETITION_ID = "No competition has this id: a competition's id reads like CMP-2026-00001."


@pytest.mark.parametrize(
    ("subject_type", "subject_id", "message"),
    [
        ("competition", "CMP-2026-99999", "No competition CMP-2026-99999 is registered."),
        ("award", "AWD-2026-999999", "No award AWD-2026-999999 is registered."),
        ("competition", "AWD-2026-000001", "No competition AWD-2026-000001 is registered."),
        # Not an award's id: not repeated in the desk's own sentence (what a link or a form
        # sent could make it say), as the correction's form does.
        ("award", "X was revoked; call +998 90 123 45 67", NOT_AN_AWARD_ID),
        ("award", "<b>AWD-2026-000001</b>", NOT_AN_AWARD_ID),
        ("award", "CMP-2026-00001", NOT_AN_AWARD_ID),
        ("competition", "X was revoked; call +998 90 123 45 67", NOT_A_COMPETITION_ID),
        ("competition", "<b>CMP-2026-00001</b>", NOT_A_COMPETITION_ID),
    ],
)
def test_a_conclusion_about_something_unknown_is_refused_next_to_its_subject(
    desk: Desk, browser_like: TestClient, subject_type: str, subject_id: str, message: str
) -> None:
    """An overseer's conclusion about a competition (or award) the registry does not hold
    is a 422 shown next to the subject's id, with what was typed kept; nothing is written."""
    sign_in(browser_like, desk.overseer)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": PUBLIC_FUND,
        "subject.type": subject_type,
        "subject.id": subject_id,
        "title.uz": "Tanlov natijalari eʼlon qilinmagan",
        "findings.uz": "Natijalar eʼlon qilinmagan",
    }

    response = browser_like.post("/desk/forms/conclusion?lang=en", data=form)

    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "subject.id") == [message]
    assert field_value(response.text, "subject.id") == subject_id
    if message in (NOT_AN_AWARD_ID, NOT_A_COMPETITION_ID):
        shown = unescape(re.sub(r"<[^>]+>", "", response.text))
        assert f"No award {subject_id}" not in shown
        assert f"No competition {subject_id}" not in shown
    assert ledger_size(desk.database) == before
    assert desk.client.get("/api/v1/oversight/conclusions").json()["items"] == []


@pytest.mark.parametrize(
    ("who", "slug", "fields"),
    [
        ("body", "conclusion-acknowledged", {}),
        ("body", "conclusion-extended", {"days": "10", "reason": "Tekshiruv"}),
        (
            "body",
            "conclusion-answered",
            {"decision": "rejected", "reasons.uz": "Asossiz"},
        ),
        ("overseer", "conclusion-withdrawn", {"reason": "Hal qilindi"}),
        ("overseer", "conclusion-escalated", {"to": MINISTRY, "reason": "Javob yoʻq"}),
    ],
)
def test_an_unknown_conclusion_is_refused_next_to_its_field(
    desk: Desk, browser_like: TestClient, who: str, slug: str, fields: dict[str, str]
) -> None:
    """Every form about a conclusion, the body's and the overseer's, answers an id the
    registry does not hold with a 404 shown next to the conclusion field; nothing is
    written."""
    desk.submit()  # one conclusion exists: the unknown one is not it
    sign_in(browser_like, desk.world.fund if who == "body" else desk.overseer)
    before = ledger_size(desk.database)
    form = open_form(browser_like, slug) | {"conclusion_id": "OVS-2026-99999"} | fields

    response = browser_like.post(f"/desk/forms/{slug}", data=form)

    assert response.status_code == 404, response.text
    assert errors_next_to(response.text, "conclusion_id") == ["no conclusion OVS-2026-99999"]
    assert field_value(response.text, "conclusion_id") == "OVS-2026-99999"
    assert ledger_size(desk.database) == before


@pytest.mark.parametrize(
    ("slug", "target", "fields"),
    [
        ("conclusion-acknowledged", "conclusion_id", {}),
        ("award-disbursed", "award_id", {"amount": "1", "date": "2026-03-15"}),
        ("competition-cancelled", "competition_id", {"reason": "Bekor qilindi"}),
    ],
)
@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("OVS-2026\x0000001", "contains a NUL character"),
        ("X" * 41, "at most 40 characters"),
    ],
)
def test_an_id_the_api_would_refuse_is_refused_next_to_its_field(
    desk: Desk,
    browser_like: TestClient,
    slug: str,
    target: str,
    fields: dict[str, str],
    given: str,
    message: str,
) -> None:
    """The id a form is about is held to what the API's path parameter takes (found by the
    unknown-conclusion tests: an id with a NUL character reached PostgreSQL, which refuses
    one in any text, as a 500): a 422 shown next to the field, and nothing is written."""
    desk.submit()
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = open_form(browser_like, slug) | {target: given} | fields

    response = browser_like.post(f"/desk/forms/{slug}", data=form)

    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, target) == [message]
    assert ledger_size(desk.database) == before


AWARD_PERIOD = {"period.start": "2026-03-15", "period.end": "2026-12-31"}  # award_body's


@pytest.mark.parametrize(
    ("given", "compared"),
    [
        ({"amount": "300000000"}, {"amount": "New amount"}),
        (AWARD_PERIOD, {"period.start": "Period starts", "period.end": "Period ends"}),
        (
            {"amount": "300000000.00"} | AWARD_PERIOD,
            {"amount": "New amount", "period.start": "Period starts", "period.end": "Period ends"},
        ),
    ],
    ids=["amount", "period", "both"],
)
def test_an_award_amendment_that_changes_nothing_says_which_values_were_compared(
    desk: Desk, browser_like: TestClient, given: dict[str, str], compared: dict[str, str]
) -> None:
    """The service refuses an amendment that restates the award's amount and period naming
    the body, no field: the form says so above it, lists the values it compared (linked to
    their fields, as typed), marks no field, and keeps what was typed; nothing is written."""
    sign_in(browser_like, desk.world.fund)
    award_id = desk.award["id"]
    before = ledger_size(desk.database)
    form = form_about(browser_like, "award-amended", award_id=award_id) | {
        "reason": "Qayta",
    }

    response = browser_like.post(
        "/desk/forms/award-amended", data=form | given, params={"lang": "en"}
    )

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == []
    summary = error_summary(response.text)
    assert "Nothing was written." in summary
    assert "fields marked below" not in summary
    assert "the amendment changes nothing" in summary
    assert "compared with the ones recorded now" in summary
    listed = re.findall(
        r'<li><a href="#f-([^"]+)">([^<]+)</a>: <span class="value">([^<]*)', summary
    )
    assert listed == [
        (name.replace(".", "-"), label, given[name]) for name, label in compared.items()
    ]
    for name, value in given.items():
        assert field_value(response.text, name) == value
        assert f'id="f-{name.replace(".", "-")}"' in response.text  # what the links point at
    assert ledger_size(desk.database) == before
    assert desk.client.get(f"/api/v1/awards/{award_id}").json() == desk.award


RESTATED_TEXTS = {  # competition_body's, as published
    "changes.title.uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash",
    "changes.region": "UZ",
    "changes.themes": "youth, ecology",
}


@pytest.mark.parametrize(
    "given",
    [
        {"changes.legal_basis": "UP-124 of 26.08.2024"},
        {
            "changes.budget": "1000000000.00",
            "changes.window.opens": "2026-01-10T09:00",
            "changes.window.closes": "2026-02-10T18:00",
        },
        RESTATED_TEXTS,
    ],
    ids=["legal-basis", "budget-and-window", "title-region-and-themes"],
)
def test_a_competition_amendment_that_changes_nothing_is_shown_once_and_marks_each_value(
    desk: Desk, browser_like: TestClient, given: dict[str, str]
) -> None:
    """The service refuses a competition's amendment that restates its values naming its
    ``changes``: the refusal is shown once, next to the first change the form gave (not next
    to the first field of the form, whatever it was), and every other change given is
    marked, pointing at it; what was typed is kept and nothing is written."""
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    competition = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    before = ledger_size(desk.database)
    form = form_about(browser_like, "competition-amended", competition_id=competition_id) | {
        "reason": "Aniqlik",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=form | given)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == list(given)
    first, *others = given
    (message,) = errors_next_to(response.text, first)
    # "the amendment changes nothing: the competition already has …", on an Uzbek page
    said = "oʻzgartirish hech narsani oʻzgartirmaydi: tanlovda koʻrsatilgan qiymatlar"
    assert message.startswith(said)
    assert unescape(response.text).count(said) == 1
    for name in others:
        assert errors_next_to(response.text, name) == []
        assert named_with(response.text, name) == [first]
        assert described_by(response.text, name) == [f"f-{first.replace('.', '-')}-error"]
    for name, value in given.items():
        assert field_value(response.text, name) == value
    assert 'class="compared"' not in response.text  # the fields say it
    assert ledger_size(desk.database) == before
    assert desk.client.get(f"/api/v1/competitions/{competition_id}").json() == competition


def test_an_amended_period_outside_its_band_is_refused_once_for_both_dates(
    desk: Desk, browser_like: TestClient
) -> None:
    """A Kazakh grant stated in MCI keeps its band's length, and the service refuses an
    amendment that moves the period outside it naming ``period``: both dates were judged, so
    the message is next to the start and the end is marked as named by it."""
    granted = desk.client.post(
        "/api/v1/awards", json=kz_grant(), headers=bearer(desk.world.operator)
    )
    assert granted.status_code == 201, granted.text
    award = granted.json()
    sign_in(browser_like, desk.world.operator)
    before = ledger_size(desk.database)
    form = form_about(browser_like, "award-amended", award_id=award["id"]) | {
        "period.start": "2026-04-01",
        "period.end": "2026-06-30",
        "reason": "Мерзімі қысқартылды",
    }

    response = browser_like.post("/desk/forms/award-amended", data=form)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["period.start", "period.end"]
    (message,) = errors_next_to(response.text, "period.start")
    # "a medium grant (3,000–10,000 MCI) runs 12–24 months", on an Uzbek page
    assert "oʻrta muddatli grant (3\u00a0000–10\u00a0000 AHK) 12–24 oy davom etadi" in message
    assert errors_next_to(response.text, "period.end") == []
    assert named_with(response.text, "period.end") == ["period.start"]
    assert described_by(response.text, "period.end") == ["f-period-start-error"]
    assert field_value(response.text, "period.end") == "2026-06-30"
    assert ledger_size(desk.database) == before
    assert desk.client.get(f"/api/v1/awards/{award['id']}").json() == award


def test_a_competition_is_amended_in_its_texts_region_and_themes(
    desk: Desk, browser_like: TestClient
) -> None:
    """The amendment form offers what the API's amendment takes besides the budget, the
    window and the legal basis: the title, the description and who may apply, each naming
    only the languages it changes (the others are kept), the region and the themes."""
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    before = ledger_size(desk.database)
    form = form_about(browser_like, "competition-amended", competition_id=competition_id) | {
        "changes.title.ru": "Поддержка молодёжных инициатив в махаллях",
        "changes.description.kk": "Төртінші гранттық конкурс",
        "changes.eligibility.uz": "Roʻyxatdan oʻtganiga bir yil toʻlgan NNTlar",
        "changes.region": "UZ-SA",
        "changes.themes": "youth, mahalla",
        "reason": "Tanlov Samarqand viloyatiga moʻljallangan",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=form)

    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    assert ledger_size(desk.database) == before + 1
    amended = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    assert given_in(amended["title"]) == {
        "uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash",  # kept
        "ru": "Поддержка молодёжных инициатив в махаллях",
    }
    assert given_in(amended["description"]) == {
        "uz": "Toʻrtinchi grant tanlovi",
        "kk": "Төртінші гранттық конкурс",
    }
    assert given_in(amended["eligibility"]) == {"uz": "Roʻyxatdan oʻtganiga bir yil toʻlgan NNTlar"}
    assert (amended["region"], amended["themes"]) == ("UZ-SA", ["youth", "mahalla"])
    assert (amended["budget"], amended["legal_basis"]) == ("1000000000.00", "UP-124 of 26.08.2024")
    (event,) = [event for event in amended["events"] if event["seq"] == seq]
    assert event["kind"] == "competition.amended"
    assert set(event["body"]["changes"]) == {
        "title",
        "description",
        "eligibility",
        "region",
        "themes",
    }


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        # "is not in the country of", in the page's language (Uzbek, the default)
        ({"changes.region": "KZ-75"}, "changes.region", "tashkiloti mamlakatida emas"),
        ({"changes.region": "UZ-XX"}, "changes.region", "UZ-XX"),
        (
            {"changes.themes": "youth, " + "x" * 101},
            "changes.themes",
            "uzunligi 101 belgi; koʻpi bilan 100 belgi qabul qilinadi",
        ),
        ({"changes.title.uz": "x" * 5000}, "changes.title.uz", "koʻpi bilan"),
    ],
    ids=["other-country", "unknown-region", "long-theme", "long-title"],
)
def test_a_competition_amendment_the_api_refuses_is_shown_next_to_its_field(
    desk: Desk, browser_like: TestClient, given: dict[str, str], field: str, message: str
) -> None:
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    competition = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    before = ledger_size(desk.database)
    form = form_about(browser_like, "competition-amended", competition_id=competition_id) | {
        "changes.eligibility.ru": "НКО, зарегистрированные не менее года",
        "reason": "Aniqlik",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=form | given)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == [field]
    assert any(message in shown for shown in errors_next_to(response.text, field))
    for name, value in given.items():
        assert field_value(response.text, name) == value
    assert "НКО, зарегистрированные не менее года" in unescape(response.text)  # kept
    assert ledger_size(desk.database) == before
    assert desk.client.get(f"/api/v1/competitions/{competition_id}").json() == competition


@pytest.mark.parametrize(
    ("lang", "legend", "note"),
    [
        ("en", "Who may apply", "Only the languages that change"),
        ("ru", "Кто может подать заявку", "Только языки, которые меняются"),
        ("kk", "Кім өтінім бере алады", "Тек өзгеретін тілдер"),
        ("uz", "Kim ariza bera oladi", "Faqat oʻzgaradigan tillar"),
        ("uz-Cyrl", "Ким ариза бера олади", "Фақат ўзгарадиган тиллар"),
    ],
)
def test_the_competition_amendment_form_says_what_an_empty_language_keeps(
    desk: Desk, browser_like: TestClient, lang: str, legend: str, note: str
) -> None:
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/competition-amended", params={"lang": lang})
    assert page.status_code == 200
    text = unescape(page.text)
    for name in ("title", "description", "eligibility"):
        assert f'name="changes.{name}.kk"' in text
    assert 'name="changes.region"' in text
    assert 'name="changes.themes"' in text
    group = re.search(
        rf'<legend>{re.escape(legend)}</legend>\s*<p class="hint" id="f-changes-eligibility-note">([^<]+)',
        text,
    )
    assert group
    assert group[1].startswith(note)


LEGAL_UNIT = {
    "legal_unit.unit": "BRV",
    "legal_unit.multiplier": "500",
    "legal_unit.on": "2026-03-01",
}


def test_an_award_and_a_competition_are_stated_in_a_legal_unit(
    desk: Desk, browser_like: TestClient
) -> None:
    """The competition's and the award's forms take a statement in a legal unit; the money
    and the currency left empty, the registry derives them (BRV: UZS)."""
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition") | {
        "instrument": "grant",
        "year": "2026",
        "title.uz": "Mahalla tashabbuslari tanlovi",
        "legal_unit.unit": "BRV",
        "legal_unit.multiplier": "2500",
        "legal_unit.on": "2026-01-01",
        "window.opens": "2026-02-01T09:00",
        "window.closes": "2026-02-20T18:00",
    }
    response = browser_like.post("/desk/forms/competition", data=form)
    assert response.status_code == 303, response.text
    listed = desk.client.get("/api/v1/competitions", params={"year": 2026}).json()["items"]
    competition = next(c for c in listed if c["published_seq"] == before)
    assert (competition["budget"], competition["currency"]) == ("1030000000.00", "UZS")
    assert competition["legal_unit"] == {
        "unit": "BRV",
        "multiplier": "2500",
        "on": "2026-01-01",
        "value": "412000",
        "amount": "1030000000.00",
    }
    award = award_form(browser_like, competition["id"]) | MONEY_LEFT_EMPTY | LEGAL_UNIT
    response = browser_like.post("/desk/forms/award", data=award)
    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 2
    (created,) = desk.client.get(
        "/api/v1/awards", params={"competition": competition["id"]}
    ).json()["items"]
    found = desk.client.get(f"/api/v1/awards/{created['id']}").json()
    assert (found["amount"], found["currency"]) == ("206000000.00", "UZS")
    assert found["legal_unit"]["multiplier"] == "500"
    assert found["legal_unit"]["amount"] == "206000000.00"


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        # The service's rules, said in the page's language (Uzbek, the default): "amounts in
        # BRV are in UZS", "500 BRV on 2026-03-01 is 206000000.00 UZS, not 1000.00" (both amounts
        # as money there)…
        (LEGAL_UNIT | {"currency": "KZT"}, "currency", "BHM hisobidagi summalar UZS valyutasida"),
        (
            LEGAL_UNIT | {"amount": "1000"},
            "amount",
            "1-mar, 2026 holatiga 500 BHM — 206\u00a0000\u00a0000\u00a0soʻm, 1\u00a0000\u00a0soʻm emas",
        ),
        ({"currency": "UZS"}, "amount", "legal_unit orqali koʻrsatilmagan boʻlsa, majburiy"),
        ({}, "currency", "summa legal_unit orqali koʻrsatilmagan boʻlsa, majburiy"),
        (
            LEGAL_UNIT | {"legal_unit.multiplier": "5 00"},
            "legal_unit.multiplier",
            "oʻnlik raqamlar bilan yozilgan son",
        ),
        (
            LEGAL_UNIT | {"legal_unit.on": "2020-01-01"},
            "legal_unit.on",
            "BHM qiymatlari faqat quyidagi sanadan boshlab maʼlum: 1-may, 2023",
        ),
        (LEGAL_UNIT | {"legal_unit.on": "2099-01-01"}, "legal_unit.on", "bugungi kundan keyin"),
        # The desk's words, in the page's language (Uzbek, the default), not pydantic's:
        ({"legal_unit.multiplier": "500"}, "legal_unit.unit", "Variantlardan birini tanlang."),
        ({"legal_unit.multiplier": "500"}, "legal_unit.on", "Bu maydonni toʻldiring."),
    ],
    ids=[
        "other-currency",
        "other-amount",
        "no-amount",
        "nothing",
        "multiplier",
        "before-the-table",
        "future",
        "no-unit",
        "no-date",
    ],
)
def test_a_statement_in_a_legal_unit_the_api_refuses_is_shown_next_to_its_field(
    desk: Desk, browser_like: TestClient, given: dict[str, str], field: str, message: str
) -> None:
    """The form passes the statement through as typed; the API's model and service decide,
    and each refusal is shown next to the field it names, with what was typed kept."""
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = award_form(browser_like, desk.competition["id"]) | MONEY_LEFT_EMPTY

    response = browser_like.post("/desk/forms/award", data=form | given)

    assert response.status_code == 422, response.text
    assert any(message in shown for shown in errors_next_to(response.text, field))
    for name, value in given.items():
        if name != "legal_unit.unit":
            assert field_value(response.text, name) == value
    if "legal_unit.unit" in given:
        assert '<option value="BRV" selected>' in response.text
    assert ledger_size(desk.database) == before


@pytest.mark.parametrize(
    ("lang", "legend", "label", "units"),
    [
        ("en", "Amount in a legal unit", "How many units", ("BRV", "MCI")),
        ("ru", "Сумма в расчётном показателе", "Сколько единиц", ("БРВ", "МРП")),
        ("kk", "Есептік көрсеткіштегі сома", "Неше бірлік", ("БЕШ", "АЕК")),
        ("uz", "Hisoblash birligidagi summa", "Necha birlik", ("BHM", "AHK")),
        ("uz-Cyrl", "Ҳисоблаш бирлигидаги сумма", "Неча бирлик", ("БҲМ", "АҲК")),
    ],
)
def test_the_award_form_offers_a_legal_unit_in_every_language(
    desk: Desk, browser_like: TestClient, lang: str, legend: str, label: str, units: tuple
) -> None:
    """The award form's statement in a legal unit, in a fieldset of its own, in the reader's
    language; the units' values are the API's (BRV, MCI), their names the portal's."""
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/award", params={"lang": lang})
    assert page.status_code == 200
    text = unescape(page.text)
    assert f"<legend>{legend}</legend>" in text
    assert f'<label for="f-legal_unit-multiplier">{label}</label>' in text
    brv, mci = units
    assert f'<option value="BRV">{brv}</option><option value="MCI">{mci}</option>' in text


DIRECT_AWARD = {"legal_basis": "UP-124 of 26.08.2024"}
"""With ``award_form(client, "")``, an Uzbek award without a competition; 1,000 × BRV on
2026-03-01 is 412,000,000 UZS."""
OVERRIDE = "Vazirlar Mahkamasining 2026-yil 12-fevraldagi 87-son qarori"


def test_a_direct_award_above_the_cap_is_published_with_its_override(
    desk: Desk, browser_like: TestClient
) -> None:
    """The award form takes ``cap_override`` as the API does (a text: the legal basis that
    allows more than 1,000 × BRV); the award is published with it, recorded in its entry."""
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = award_form(browser_like, "") | DIRECT_AWARD
    form |= {"amount": "500000000", "cap_override": OVERRIDE}

    response = browser_like.post("/desk/forms/award", data=form)

    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    assert seq == before
    assert ledger_size(desk.database) == before + 1
    listed = desk.client.get("/api/v1/awards", params={"funder": PUBLIC_FUND}).json()["items"]
    (found,) = [award for award in listed if award["published_seq"] == seq]
    award = desk.client.get(f"/api/v1/awards/{found['id']}").json()
    assert (award["competition_id"], award["amount"]) == (None, "500000000.00")
    assert award["cap_override"] == OVERRIDE
    assert award["events"][0]["body"]["cap_override"] == OVERRIDE
    assert "cap_override" not in desk.award["events"][0]["body"]  # only when given


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        (
            {"amount": "412000000.01"},
            "amount",
            "tanlovsiz ajratmalar chegarasidan koʻp: ",  # the page's Uzbek, as all below
        ),
        (
            {"amount": "412000000", "cap_override": OVERRIDE},
            "cap_override",
            "1\u00a0000 × BHM (412\u00a0000\u00a0000\u00a0soʻm) doirasida: oshiriladigan narsa yoʻq",
        ),
        (
            {"competition_id": "competition", "amount": "45000000", "cap_override": OVERRIDE},
            "cap_override",
            "faqat tanlovsiz ajratmalar chegarasini oshirish mumkin",
        ),
    ],
    ids=["above-the-cap", "within-the-cap", "from-a-competition"],
)
def test_a_cap_override_the_api_refuses_is_shown_next_to_its_field(
    desk: Desk, browser_like: TestClient, given: dict[str, str], field: str, message: str
) -> None:
    """The service decides: an award above the cap without an override is refused next to
    its amount, an override with nothing to override next to the override; what was typed
    is kept, and nothing is written."""
    sign_in(browser_like, desk.world.fund)
    if given.get("competition_id") == "competition":
        given = given | {"competition_id": desk.competition["id"]}
    before = ledger_size(desk.database)
    awards = desk.client.get("/api/v1/awards").json()
    form = award_form(browser_like, "") | DIRECT_AWARD | given

    response = browser_like.post("/desk/forms/award", data=form)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == [field]
    assert any(message in shown for shown in errors_next_to(response.text, field))
    for name in ("amount", "competition_id", "legal_basis"):
        assert field_value(response.text, name) == form[name]
    kept = re.search(
        r'<textarea id="f-cap_override" name="cap_override"[^>]*>([^<]*)<', response.text
    )
    assert kept
    assert kept[1] == escape(form.get("cap_override", ""))
    assert ledger_size(desk.database) == before
    assert desk.client.get("/api/v1/awards").json() == awards


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("en", "Legal basis for exceeding the cap"),
        ("ru", "Правовое основание для превышения предела"),
        ("kk", "Шектен асудың құқықтық негізі"),
        ("uz", "Chegaradan oshishning huquqiy asosi"),
        ("uz-Cyrl", "Чегарадан ошишнинг ҳуқуқий асоси"),
    ],
)
def test_the_award_form_offers_a_cap_override_in_every_language(
    desk: Desk, browser_like: TestClient, lang: str, label: str
) -> None:
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/award", params={"lang": lang})
    assert page.status_code == 200
    text = unescape(page.text)
    assert f'<label for="f-cap_override">{label}</label>' in text
    hint = re.search(r'<span class="hint" id="f-cap_override-hint">([^<]+)</span>', text)
    assert hint
    assert "1,000 × BRV" in hint[1] or "1 000 × " in hint[1] or "1000 × " in hint[1]


def ledger_root(database: Database) -> bytes:
    with database.session() as session:
        return ledger_service.root(session, ledger_service.size(session))


def opened_about(desk: Desk, slug: str) -> dict[str, str]:
    """What a form must be opened about to be a form at all: a correction, the award's
    event it corrects (until then it lists the events to choose from)."""
    if slug == "award-corrected":
        return {"award_id": desk.award["id"], "corrects": str(desk.award["published_seq"])}
    return {}


@pytest.mark.parametrize("slug", sorted(ACTIONS))
def test_every_refused_form_leaves_the_ledger_unchanged(
    desk: Desk, browser_like: TestClient, slug: str
) -> None:
    """Each of the desk's forms, sent as opened (nothing typed, so the API's model or the
    form's own check refuses it), is shown again saying that nothing was written, and the
    ledger is as it was, down to its root."""
    action = ACTIONS[slug]
    sign_in(browser_like, desk.overseer if Role.OVERSEER in action.roles else desk.world.fund)
    before, root = ledger_size(desk.database), ledger_root(desk.database)
    about = opened_about(desk, slug)

    response = browser_like.post(
        f"/desk/forms/{slug}",
        data=open_form(browser_like, slug, **about) | about,
        params={"lang": "en"},
    )

    assert response.status_code == 422, response.text
    assert marked_fields(response.text)  # each refusal names a field the form has
    assert "Nothing was written." in error_summary(response.text)
    assert (ledger_size(desk.database), ledger_root(desk.database)) == (before, root)


def test_forms_refuse_a_missing_or_forged_csrf_token_and_another_origin(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = form_about(browser_like, "competition-amended", competition_id=desk.competition["id"])
    body = form | {
        "changes.legal_basis": "UP-124",
        "reason": "Aniqlik",
    }
    for data, headers in (
        (body | {"csrf": "forged"}, {}),
        ({key: value for key, value in body.items() if key != "csrf"}, {}),
        (body, {"origin": "https://attacker.example"}),
        (body, {"sec-fetch-site": "cross-site"}),
    ):
        response = browser_like.post("/desk/forms/competition-amended", data=data, headers=headers)
        assert response.status_code == 403, (data, headers)
    assert ledger_size(desk.database) == before
    # Another session's token is no better.
    other = TestClient(
        browser_like.app, base_url="https://registry.example", follow_redirects=False
    )
    other_csrf = sign_in(other, desk.world.fund)
    response = browser_like.post(
        "/desk/forms/competition-amended", data=body | {"csrf": other_csrf}
    )
    assert response.status_code == 403
    assert ledger_size(desk.database) == before
    response = browser_like.post(
        "/desk/forms/competition-amended",
        data=body,
        headers={"origin": "https://registry.example"},
    )
    assert response.status_code == 303


def test_a_double_submit_writes_once(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.world.fund)
    form = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | {
        "date": "2026-04-01",
        "summary.uz": "Birinchi hisobot",
    }
    before = ledger_size(desk.database)
    first = browser_like.post("/desk/forms/award-reported", data=form)
    second = browser_like.post("/desk/forms/award-reported", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert ledger_size(desk.database) == before + 1


def test_sign_out_and_idle_time_end_the_session(desk: Desk, browser_like: TestClient) -> None:
    csrf = sign_in(browser_like, desk.world.fund)
    stolen = browser_like.cookies.get("__Host-desk_session")
    response = browser_like.post("/desk/sign-out", data={"csrf": csrf})
    assert response.status_code == 303
    assert "ended=signed-out" in response.headers["location"]
    assert browser_like.get("/desk").status_code == 303
    browser_like.cookies.set("__Host-desk_session", stolen, domain="registry.example", path="/")
    assert browser_like.get("/desk").status_code == 303  # the old cookie opens nothing
    sign_in(browser_like, desk.world.fund)
    with clock.travel(clock.now() + timedelta(minutes=14)):
        assert browser_like.get("/desk").status_code == 200  # and restarts the idle clock
    with clock.travel(clock.now() + timedelta(minutes=14 + 16)):
        response = browser_like.get("/desk")
    assert response.status_code == 303
    assert "ended=expired" in response.headers["location"]


def test_revoking_the_key_ends_its_sessions(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.world.ministry)
    prefix = desk.world.ministry.split("_")[1]
    revoked = desk.client.post(
        f"/api/v1/keys/{prefix}/revoke", json={}, headers=bearer(desk.world.admin)
    )
    assert revoked.status_code == 200
    assert browser_like.get("/desk").status_code == 303


def test_an_overseer_submits_and_a_body_answers_through_the_desk(
    desk: Desk, browser_like: TestClient, app: FastAPI
) -> None:
    sign_in(browser_like, desk.overseer)
    home = browser_like.get("/desk").text
    assert "/desk/forms/conclusion?" in home or '/desk/forms/conclusion"' in home
    assert browser_like.get("/desk/forms/award").status_code == 403  # a funder's form
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": PUBLIC_FUND,
        "subject.type": "award",
        "subject.id": desk.award["id"],
        "title.uz": "Hisobot eʼlon qilinmagan",
        "findings.uz": "Yakuniy hisobot yoʻq",
        "attachments.0.sha256": "cd" * 32,
        "attachments.0.size": "1024",
        "attachments.0.name": "xulosa.pdf",
    }
    response = browser_like.post("/desk/forms/conclusion", data=form)
    assert response.status_code == 303, response.text
    listed = desk.client.get("/api/v1/oversight/conclusions").json()["items"]
    (conclusion,) = listed
    assert conclusion["overseer_id"] == desk.conclusion()["overseer_id"]
    full = desk.client.get(f"/api/v1/oversight/conclusions/{conclusion['id']}").json()
    assert full["attachments"] == [{"sha256": "cd" * 32, "size": 1024, "name": "xulosa.pdf"}]
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as body:
        sign_in(body, desk.world.fund)
        assert conclusion["id"] in body.get("/desk").text
        answer = form_about(body, "conclusion-answered", conclusion_id=conclusion["id"]) | {
            "decision": "accepted",
            "reasons.uz": "Asosli",
        }
        refused = body.post("/desk/forms/conclusion-answered", data=answer)
        assert refused.status_code == 422
        # said under the measures as a whole, not under one language's box
        assert group_errors(refused.text, "measures")
        response = body.post(
            "/desk/forms/conclusion-answered", data=answer | {"measures.uz": "Eʼlon qilinadi"}
        )
        assert response.status_code == 303, response.text
        # Another body's key cannot answer it: the service says so, and nothing is written.
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as other:
        sign_in(other, desk.world.ministry)
        before = ledger_size(desk.database)
        form = form_about(other, "conclusion-acknowledged", conclusion_id=conclusion["id"])
        response = other.post("/desk/forms/conclusion-acknowledged", data=form)
        assert response.status_code == 403
        assert (
            MINISTRY
            not in desk.client.get(f"/api/v1/oversight/conclusions/{conclusion['id']}").json()[
                "events"
            ][-1]["actor"]
        )
        assert ledger_size(desk.database) == before
    answered = desk.client.get(f"/api/v1/oversight/conclusions/{conclusion['id']}").json()
    assert answered["status"] == "answered"


def test_odd_tokens_and_numbers_are_refused_not_a_500(desk: Desk, browser_like: TestClient) -> None:
    form = browser_like.get("/desk/sign-in")
    nonce = field_value(form.text, "csrf")
    for csrf in ("ё" * 32, nonce + "é"):
        response = browser_like.post("/desk/sign-in", data={"token": desk.world.fund, "csrf": csrf})
        assert response.status_code == 403
    odd_cookie = "__Host-desk_session=\u00e9.\u00e9".encode(
        "latin-1"
    )  # as a browser may send bytes
    assert browser_like.get("/desk", headers={"cookie": odd_cookie}).status_code == 303
    assert browser_like.get(
        "/desk/sign-in", headers={"cookie": b"__Host-desk_login=\xe9.\xe9"}
    ).is_success
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    paid = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | {
        "amount": "1000",
        "date": "2026-03-15",
    }
    for tranche in ("--5", "²", "1e3"):
        response = browser_like.post(
            "/desk/forms/award-disbursed", data=paid | {"tranche": tranche}
        )
        assert response.status_code == 422, response.text
        assert errors_next_to(response.text, "tranche")
    response = browser_like.post(
        "/desk/forms/award-disbursed",
        data=paid | {"form_nonce": "n" * 5000, "csrf": paid["csrf"] + "ъ"},
    )
    assert response.status_code == 403
    response = browser_like.post(
        "/desk/forms/award-disbursed", data=paid | {"form_nonce": "n" * 5000}
    )
    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1


def group_errors(html: str, name: str) -> list[str]:
    """The messages shown under the legend of a multilingual text's fieldset."""
    return [
        unescape(message)
        for message in re.findall(
            rf'<p class="error" id="f-{re.escape(name)}-error[^"]*"[^>]*>([^<]+)</p>', html
        )
    ]


def test_the_answer_form_makes_the_decision_explicit_and_shows_the_conclusion(
    desk: Desk, browser_like: TestClient
) -> None:
    """The decision has no default (a clerk who skips it recorded a permanent acceptance),
    its options are named in the reader's language, and the conclusion answered is shown
    above the form, with its deadline in the reader's locale."""
    conclusion = desk.submit()
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get(
        "/desk/forms/conclusion-answered",
        params={"conclusion_id": conclusion["id"], "lang": "ru"},
    ).text
    select = re.search(r'<select id="f-decision".*?</select>', page, re.DOTALL)
    assert select
    assert " selected" not in select[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])
    assert options[0][0] == ""
    assert dict(options[1:]) == {
        "accepted": "Принято",
        "partly_accepted": "Принято частично",
        "rejected": "Отклонено",
    }
    assert conclusion["title"]["uz"] in unescape(page)
    assert "Отчёт опоздал на 90 дней" in unescape(page)  # the findings, in the reader's language
    assert "30 дней" in page  # the deadline's days left, counted from today in its zone

    before = ledger_size(desk.database)
    form = open_form(browser_like, "conclusion-answered", conclusion_id=conclusion["id"])
    response = browser_like.post(
        "/desk/forms/conclusion-answered?lang=ru",
        data=form | {"conclusion_id": conclusion["id"], "reasons.ru": "Обосновано"},
    )
    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "decision") == ["Выберите один из вариантов."]
    assert ledger_size(desk.database) == before


def test_the_submit_form_names_its_subjects_and_needs_one_language_not_uzbek(
    desk: Desk, browser_like: TestClient
) -> None:
    """ "Concerns" offers translated names; no language's box carries a "required" asterisk,
    the group does; a text left empty in every language is said under the group, in the
    reader's language, not under the Uzbek box in the API's words."""
    sign_in(browser_like, desk.overseer)
    page = browser_like.get("/desk/forms/conclusion", params={"lang": "kk"}).text
    select = re.search(r'<select id="f-subject-type".*?</select>', page, re.DOTALL)
    assert select
    labels = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select[0]))
    assert set(labels) == {"award", "competition", "funder"}
    assert not {"award", "competition", "funder"} & set(labels.values())
    for name in ("title", "findings"):
        assert not re.search(rf'<label for="f-{name}-uz">[^<]*<span class="required"', page)
        legend = re.search(r'<legend>[^<]*<span class="required"[^<]*</span> ', page)
        assert legend
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": PUBLIC_FUND,
        "subject.type": "award",
        "subject.id": desk.award["id"],
        "title.ru": "Отчёты не опубликованы",
    }
    response = browser_like.post("/desk/forms/conclusion?lang=ru", data=form)
    assert response.status_code == 422, response.text
    assert group_errors(response.text, "findings") == [
        "Напишите его хотя бы на одном языке, на любом."
    ]
    assert "f-findings-uz" not in " ".join(marked_fields(response.text))
    assert "Field required" not in response.text


def test_every_error_the_conclusion_form_can_see_is_shown_at_once(
    desk: Desk, browser_like: TestClient
) -> None:
    """A bad SHA-256, a size typed as "12,5", an addressee and an award the registry does
    not hold: all four in one answer, each next to its field, in the reader's words (the
    size: a whole number typed in a form, not "a JSON integer")."""
    sign_in(browser_like, desk.overseer)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": "UZ-STIR-999999999",
        "subject.type": "award",
        "subject.id": "AWD-2026-999999",
        "title.ru": "Отчёты не опубликованы",
        "findings.ru": "Отчёт не опубликован.",
        "attachments.0.sha256": "not-a-sha",
        "attachments.0.size": "12,5",
    }
    response = browser_like.post("/desk/forms/conclusion?lang=ru", data=form)
    assert response.status_code == 422, response.text
    assert set(marked_fields(response.text)) >= {
        "addressed_to",
        "subject.id",
        "attachments.0.sha256",
        "attachments.0.size",
    }
    assert errors_next_to(response.text, "attachments.0.size") == [
        "Напишите целое число цифрами, например 1024: без пробелов, запятых и точек."
    ]
    assert errors_next_to(response.text, "subject.id") == [
        "Решение о финансировании AWD-2026-999999 не зарегистрировано."
    ]
    assert "JSON" not in errors_next_to(response.text, "attachments.0.size")[0]
    assert ledger_size(desk.database) == before


def test_an_early_escalation_names_the_deadline_in_the_readers_locale(
    desk: Desk, browser_like: TestClient
) -> None:
    """The Kazakh escalation form said "(it is due by 2027-01-06)": the desk says when the
    body's term ends, in Kazakh, with the date as Kazakh readers write it."""
    conclusion = desk.submit()
    sign_in(browser_like, desk.overseer)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "conclusion-escalated") | {
        "conclusion_id": conclusion["id"],
        "to": MINISTRY,
        "reason": "Жауап жоқ",
    }
    response = browser_like.post("/desk/forms/conclusion-escalated?lang=kk", data=form)
    assert response.status_code == 409, response.text
    summary = error_summary(response.text)
    assert conclusion["due_date"] not in summary
    due = format_date(date.fromisoformat(conclusion["due_date"]), "medium", locale="kk")
    assert due in summary
    assert "escalated once" not in summary
    # The body by its name, as the pages name it, not by its org-id (found by review).
    addressee = desk.conclusion()["addressed_to"]
    body = desk.client.get(f"/api/v1/organizations/{addressee}").json()
    assert addressee not in summary
    assert any(name in summary for name in body["name"].values())
    assert ledger_size(desk.database) == before


def test_the_footer_says_what_becomes_of_a_conclusion(desk: Desk, browser_like: TestClient) -> None:
    """A conclusion has no correction: its forms do not promise one."""
    sign_in(browser_like, desk.overseer)
    submit = browser_like.get("/desk/forms/conclusion", params={"lang": "en"}).text
    assert "corrected by a new entry" not in submit
    assert "can be withdrawn, with a reason, and submitted again" in submit
    withdraw = browser_like.get("/desk/forms/conclusion-withdrawn", params={"lang": "en"}).text
    assert "cannot be deleted, corrected or taken back" in withdraw


def test_the_success_page_says_what_was_recorded_when_and_the_deadline(
    desk: Desk, browser_like: TestClient
) -> None:
    """It said "Реестр записал oversight.submitted … в 2026-12-07T03:31:23.585769Z": a raw
    kind and a raw UTC instant. It says what was recorded in the reader's language, the time
    in the reader's locale and the body's zone, and a conclusion's deadline."""
    sign_in(browser_like, desk.overseer)
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": PUBLIC_FUND,
        "subject.type": "award",
        "subject.id": desk.award["id"],
        "title.ru": "Отчёты не опубликованы",
        "findings.ru": "Отчёт не опубликован.",
    }
    response = browser_like.post("/desk/forms/conclusion", data=form)
    assert response.status_code == 303, response.text
    page = browser_like.get(response.headers["location"], params={"lang": "ru"}).text
    (conclusion,) = desk.client.get("/api/v1/oversight/conclusions").json()["items"]
    notice = unescape(re.search(r'<p class="notice ok"[^>]*>(.*?)</p>', page, re.DOTALL)[1])
    assert notice == f"Реестр записал: новое заключение общественного контроля, {conclusion['id']}."
    assert "oversight.submitted" not in page
    assert not re.search(r">[^<]*\d{4}-\d{2}-\d{2}T", page)  # no raw instant shown
    assert "Asia/Tashkent" in page
    due = format_date(date.fromisoformat(conclusion["due_date"]), "medium", locale="ru")
    assert due in unescape(page)


def described_controls(html: str) -> list[tuple[str, str, bool, list[str], list[str]]]:
    """Each control of a desk form: its id, its tag's attributes, whether its field is marked,
    and the ids it must be described by (its errors, the messages naming it too, its hint and
    its fieldset's note), and the ids it is described by."""
    form = re.search(r'<form class="desk-form".*?</form>', html, re.DOTALL)
    assert form, "no desk form on the page"
    found = []

    def read(blocks: str, note: str | None) -> None:
        for block in re.findall(r'<p class="field[^"]*">.*?</p>', blocks, re.DOTALL):
            control = re.search(r'<(?:input|select|textarea) id="([^"]+)"([^>]*)>', block)
            assert control, block
            wanted = re.findall(r'class="error" id="([^"]+)"', block)
            wanted += [
                f"{link}-error"
                for link in re.findall(r'class="error-also"><a href="#([^"]+)"', block)
            ]
            wanted += re.findall(r'class="hint" id="([^"]+)"', block)
            wanted += [note] if note else []
            given = re.search(r'aria-describedby="([^"]*)"', control[2])
            found.append(
                (
                    control[1],
                    control[2],
                    "has-error" in block.partition(">")[0],
                    wanted,
                    given[1].split() if given else [],
                )
            )

    rest = form[0]
    for fieldset in re.findall(r"<fieldset.*?</fieldset>", rest, re.DOTALL):
        note = re.search(r'<p class="hint" id="([^"]+)">', fieldset)
        read(fieldset, note[1] if note else None)
        rest = rest.replace(fieldset, "")
    read(rest, None)
    return found


def assert_described(html: str) -> None:
    """Every control of the form, whatever its kind, is tied to what describes it and marked
    invalid when an error names it."""
    for control_id, attributes, marked, wanted, given in described_controls(html):
        assert ('aria-invalid="true"' in attributes) == marked, (control_id, attributes)
        assert set(wanted) <= set(given), (control_id, wanted, given)


@pytest.mark.parametrize("slug", sorted(ACTIONS))
def test_every_control_of_a_refused_form_is_described_and_marked(
    desk: Desk, browser_like: TestClient, slug: str
) -> None:
    """Each form, sent as opened: every control, a select, a text, a date or a checkbox,
    is marked invalid where its field shows an error and is described by that error, its
    hint and its fieldset's note (a language left empty keeps its text)."""
    action = ACTIONS[slug]
    sign_in(browser_like, desk.overseer if Role.OVERSEER in action.roles else desk.world.fund)
    about = opened_about(desk, slug)
    response = browser_like.post(
        f"/desk/forms/{slug}",
        data=open_form(browser_like, slug, **about) | about,
        params={"lang": "en"},
    )
    assert response.status_code == 422, response.text
    assert_described(response.text)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_fieldsets_note_describes_each_of_its_fields(
    desk: Desk, browser_like: TestClient, lang: str
) -> None:
    """The note under a text's legend ("a language left empty keeps its text") is said to a
    screen reader with each language's field, not only read past."""
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/competition-amended", params={"lang": lang})
    assert page.status_code == 200
    for name in ("title", "description", "eligibility"):
        note = re.search(rf'<p class="hint" id="(f-changes-{name}-note)">', page.text)
        assert note, name
        for language in ("uz", "ru", "kk", "en"):
            field = re.search(rf'id="f-changes-{name}-{language}"[^>]*>', page.text)
            assert field, (name, language)
            described = re.search(r'aria-describedby="([^"]*)"', field[0])
            assert described, (name, language)
            assert note[1] in described[1].split()
    assert_described(page.text)


def test_a_checkbox_named_by_a_refusal_is_marked_invalid_and_described(
    desk: Desk, browser_like: TestClient
) -> None:
    """A correction voiding the amendment that raised the amount, with more paid than the
    amount before it, is refused naming ``void``: the checkbox is shown red, and says so to
    a screen reader too (aria-invalid, its error)."""
    award_id = desk.award["id"]
    for body in (
        {"type": "amended", "amount": "500000000.00", "reason": "Qoʻshimcha tadbirlar"},
        {"type": "disbursed", "amount": "400000000.00", "date": "2026-03-20"},
    ):
        response = desk.client.post(
            f"/api/v1/awards/{award_id}/events", json=body, headers=bearer(desk.world.fund)
        )
        assert response.status_code == 201, response.text
    amended = response.json()["events"][1]["seq"]
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = form_about(browser_like, "award-corrected", award_id=award_id, corrects=str(amended))
    form |= {"void": "1", "reason": "Xato"}

    response = browser_like.post("/desk/forms/award-corrected", data=form)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["void"]
    assert errors_next_to(response.text, "void") == [  # in the page's language, Uzbek
        (  # the void leaves 400 million paid of 300: the totals, not what "remained"
            "toʻlovlar jami ajratma summasidan oshib ketadi: toʻlangan summa "
            "(400\xa0000\xa0000\xa0soʻm) ajratilgan summadan (300\xa0000\xa0000\xa0soʻm) koʻp"
        )
    ]
    checkbox = re.search(r'<input id="f-void" name="void" type="checkbox"[^>]*>', response.text)
    assert checkbox
    assert " checked" in checkbox[0]  # what was ticked is kept
    assert 'aria-invalid="true"' in checkbox[0]
    assert 'aria-describedby="f-void-error f-void-hint"' in checkbox[0]
    assert_described(response.text)
    assert ledger_size(desk.database) == before


def select_options(html: str, name: str) -> list[tuple[str, str]]:
    """A select's options, (value, text), the empty one included."""
    found = re.search(
        rf'<select id="[^"]+" name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.DOTALL
    )
    assert found, f"no select {name}"
    return [
        (value, unescape(text))
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found[1])
    ]


@pytest.mark.parametrize(
    ("funder", "zones"),
    [
        ("fund", ["Asia/Samarkand", "Asia/Tashkent"]),
        (
            "operator",
            [
                "Asia/Almaty",
                "Asia/Aqtau",
                "Asia/Aqtobe",
                "Asia/Atyrau",
                "Asia/Oral",
                "Asia/Qostanay",
                "Asia/Qyzylorda",
            ],
        ),
    ],
)
def test_the_competition_form_offers_the_funders_time_zones(
    desk: Desk, browser_like: TestClient, funder: str, zones: list[str]
) -> None:
    """The API's competition takes time_zone, one of the funder's country's zones: the desk's
    form offers them, left empty by default (the country's zone)."""
    sign_in(browser_like, getattr(desk.world, funder))
    page = browser_like.get("/desk/forms/competition", params={"lang": "en"})
    assert page.status_code == 200
    assert select_options(page.text, "time_zone") == [("", "")] + [(zone, zone) for zone in zones]
    assert '<label for="f-time_zone">Time zone</label>' in page.text
    assert_described(page.text)


KZ_COMPETITION = {
    "instrument": "grant",
    "year": "2023",
    "title.kk": "Ақтөбе облысының жастар бастамалары",
    "budget": "50000000",
    "currency": "KZT",
    "window.opens": "2023-09-01T09:00",
    "window.closes": "2023-09-30T18:00",
}
"""A Kazakh competition of 2023, when Asia/Almaty was UTC+6 and Aktobe UTC+5."""


def test_a_competition_is_posted_in_the_time_zone_chosen(
    desk: Desk, browser_like: TestClient
) -> None:
    """A competition posted in Asia/Aqtobe records that zone, and the times typed are read in
    it (+05:00 in 2023), not in Almaty's time (+06:00 then), which the API would refuse as
    not Aqtobe's."""
    sign_in(browser_like, desk.world.operator)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition") | KZ_COMPETITION | {"time_zone": "Asia/Aqtobe"}

    response = browser_like.post("/desk/forms/competition", data=form)

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    listed = desk.client.get("/api/v1/competitions", params={"year": 2023}).json()["items"]
    (competition,) = [c for c in listed if c["published_seq"] == before]
    assert competition["time_zone"] == "Asia/Aqtobe"
    assert competition["window"] == {
        "opens": "2023-09-01T09:00:00+05:00",
        "closes": "2023-09-30T18:00:00+05:00",
    }
    entry = desk.client.get(f"/api/v1/competitions/{competition['id']}").json()["events"][0]
    assert entry["body"]["time_zone"] == "Asia/Aqtobe"


def test_a_competition_without_a_time_zone_keeps_the_countrys(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.operator)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition") | KZ_COMPETITION

    response = browser_like.post("/desk/forms/competition", data=form)

    assert response.status_code == 303, response.text
    listed = desk.client.get("/api/v1/competitions", params={"year": 2023}).json()["items"]
    (competition,) = [c for c in listed if c["published_seq"] == before]
    assert competition["time_zone"] == "Asia/Almaty"
    assert competition["window"]["opens"] == "2023-09-01T09:00:00+06:00"
    entry = desk.client.get(f"/api/v1/competitions/{competition['id']}").json()["events"][0]
    assert "time_zone" not in entry["body"]


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        # The service's rules, said in the page's language (Uzbek, the default).
        (
            "Europe/Moscow",
            (
                f"Europe/Moscow — {KZ_OPERATOR} tashkiloti tanlovlarini oʻtkazadigan "
                "mamlakatning (Qozogʻiston) vaqt mintaqasi emas"
            ),
        ),
        ("Asia/Nowhere", "'Asia/Nowhere' — IANA vaqt mintaqasi emas"),
    ],
)
def test_a_time_zone_the_api_refuses_is_shown_next_to_its_field(
    desk: Desk, browser_like: TestClient, zone: str, message: str
) -> None:
    sign_in(browser_like, desk.world.operator)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition") | KZ_COMPETITION | {"time_zone": zone}

    response = browser_like.post("/desk/forms/competition", data=form)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["time_zone"]
    (shown,) = errors_next_to(response.text, "time_zone")
    assert shown.startswith(message)
    assert field_value(response.text, "window.opens") == "2023-09-01T09:00"
    assert_described(response.text)
    assert ledger_size(desk.database) == before


def test_a_competition_amendment_removes_a_language_and_every_theme(
    desk: Desk, browser_like: TestClient
) -> None:
    """What the API's amendment takes as ``null`` for a language and ``[]`` for the themes,
    the form takes as a ticked box: the Russian title is removed, the Uzbek one kept, and
    the competition has no themes left."""
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition-amended", competition_id=competition_id) | {
        "competition_id": competition_id,
        "changes.title.ru.remove": "1",
        "changes.themes.none": "1",
        "reason": "Rus tilidagi nom notoʻgʻri edi",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=form)

    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    assert ledger_size(desk.database) == before + 1
    amended = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    assert given_in(amended["title"]) == {"uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash"}
    assert amended["themes"] == []
    assert given_in(amended["description"]) == {"uz": "Toʻrtinchi grant tanlovi"}  # not named
    (event,) = [event for event in amended["events"] if event["seq"] == seq]
    assert event["body"]["changes"] == {
        "title": {"uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash"},
        "themes": [],
    }


@pytest.mark.parametrize(
    ("given", "marked", "message"),
    [
        (
            {"changes.description.uz.remove": "1"},
            ["changes.description.uz.remove"],
            "matn birorta ham tilda qolmaydi; kamida bittasini qoldiring",  # no language left
        ),
        (
            {"changes.title.kk.remove": "1"},
            ["changes.title.kk.remove"],
            "oʻzgartirish hech narsani oʻzgartirmaydi",  # the amendment changes nothing
        ),
    ],
    ids=["no-language-left", "not-recorded"],
)
def test_a_removal_the_api_refuses_is_shown_next_to_its_box(
    desk: Desk,
    browser_like: TestClient,
    given: dict[str, str],
    marked: list[str],
    message: str,
) -> None:
    """The service decides, as for the API's ``null``: removing a text's last language, or
    one it is not written in, is refused next to the box ticked, which stays ticked;
    nothing is written."""
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    competition = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition-amended", competition_id=competition_id) | {
        "competition_id": competition_id,
        "reason": "Aniqlik",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=form | given)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == marked
    (shown,) = errors_next_to(response.text, marked[0])
    assert shown.startswith(message)
    for name in given:
        box = re.search(rf'<input id="f-{name.replace(".", "-")}"[^>]*>', response.text)
        assert box
        assert " checked" in box[0]
    assert_described(response.text)
    assert ledger_size(desk.database) == before
    assert desk.client.get(f"/api/v1/competitions/{competition_id}").json() == competition


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Type a new value above or tick this box, not both."),
        ("ru", "Введите новое значение выше или отметьте это поле, но не то и другое сразу."),
    ],
)
def test_a_new_value_and_its_removal_together_are_refused(
    desk: Desk, browser_like: TestClient, lang: str, message: str
) -> None:
    """The API cannot be told both a new Russian title and none, nor new themes and none:
    the form refuses both, next to each box ticked, in the reader's language, and keeps
    what was typed; nothing is written."""
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    before = ledger_size(desk.database)
    form = open_form(browser_like, "competition-amended", competition_id=competition_id) | {
        "competition_id": competition_id,
        "changes.title.ru": "Поддержка молодёжных инициатив в махаллях",
        "changes.title.ru.remove": "1",
        "changes.themes": "youth",
        "changes.themes.none": "1",
        "reason": "Aniqlik",
    }

    response = browser_like.post(
        "/desk/forms/competition-amended", data=form, params={"lang": lang}
    )

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["changes.title.ru.remove", "changes.themes.none"]
    for name in ("changes.title.ru.remove", "changes.themes.none"):
        assert errors_next_to(response.text, name) == [message]
    assert field_value(response.text, "changes.title.ru") == form["changes.title.ru"]
    assert field_value(response.text, "changes.themes") == "youth"
    assert 'lang="en"' not in error_summary(response.text) + "".join(
        re.findall(r'<span class="error"[^>]*>', response.text)
    )
    assert_described(response.text)
    assert ledger_size(desk.database) == before


@pytest.mark.parametrize(
    ("lang", "label", "language"),
    [
        ("en", "Remove this language", "Русский"),
        ("ru", "Удалить текст на этом языке", "Русский"),
        ("kk", "Осы тілдегі мәтінді алып тастау", "Русский"),
        ("uz", "Shu tildagi matnni olib tashlash", "Русский"),
        ("uz-Cyrl", "Шу тилдаги матнни олиб ташлаш", "Русский"),
    ],
)
def test_each_language_of_a_changed_text_has_its_remove_box(
    desk: Desk, browser_like: TestClient, lang: str, label: str, language: str
) -> None:
    """Each box names the language it removes to a screen reader (four boxes with one label
    would be told apart only by where they are)."""
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/competition-amended", params={"lang": lang})
    assert page.status_code == 200
    text = unescape(page.text)
    for name in ("title", "description", "eligibility"):
        for code in ("uz", "ru", "kk", "en"):
            assert f'name="changes.{name}.{code}.remove" type="checkbox"' in text
    assert (
        f'<label for="f-changes-title-ru-remove">{label}<span class="visually-hidden"> '
        f"({language})</span></label>"
    ) in text
    assert 'name="changes.themes.none" type="checkbox"' in text
    assert_described(page.text)


@pytest.mark.parametrize(
    ("lang", "label", "around"),
    [
        (
            "en",
            "Legal basis for exceeding the cap",
            ("the cap for an award without a competition; give ", " with the legal basis"),
        ),
        (
            "ru",
            "Правовое основание для превышения предела",
            ("чтобы превысить его, заполните поле ", ""),
        ),
        ("kk", "Шектен асудың құқықтық негізі", ("оны асыру үшін ", " өрісін толтырыңыз")),
    ],
)
def test_the_cap_refusal_names_the_override_by_its_label(
    desk: Desk, browser_like: TestClient, lang: str, label: str, around: tuple[str, str]
) -> None:
    """The API tells its callers to "give cap_override"; the desk's form has no field of
    that name to a reader, so the refusal names the field as the form does, a link to it
    (in the page's language, within the refusal said in that language)."""
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = award_form(browser_like, "") | DIRECT_AWARD | {"amount": "412000000.01"}

    response = browser_like.post("/desk/forms/award", data=form, params={"lang": lang})

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["amount"]
    error = re.search(r'<span class="error" id="f-amount-error"([^>]*)>(.*?)</span>', response.text)
    assert error
    assert "cap_override" not in re.sub(r"<[^>]+>", "", error[2])  # as it reads
    link = f' lang="{lang}"' if lang != "en" else ""
    before_link, after_link = around
    assert (f'{before_link}<a href="#f-cap_override"{link}>{label}</a>{after_link}') in unescape(
        error[2]
    )
    assert error[1] == ""  # said in the page's language, not marked as English
    assert 'id="f-cap_override"' in response.text  # where the link goes
    assert ledger_size(desk.database) == before


def test_an_amended_window_is_read_in_the_competitions_time_zone(
    desk: Desk, browser_like: TestClient
) -> None:
    """A competition counted in Asia/Aqtobe is amended in Aktobe's time: the times typed for
    its new window are read in the zone it recorded (+05:00 in 2023), not in the funder's
    country's (Almaty's +06:00 then), which the API would refuse as not Aqtobe's."""
    sign_in(browser_like, desk.world.operator)
    form = open_form(browser_like, "competition") | KZ_COMPETITION | {"time_zone": "Asia/Aqtobe"}
    assert browser_like.post("/desk/forms/competition", data=form).status_code == 303
    listed = desk.client.get("/api/v1/competitions", params={"year": 2023}).json()["items"]
    (competition,) = [c for c in listed if c["time_zone"] == "Asia/Aqtobe"]
    before = ledger_size(desk.database)
    amendment = open_form(browser_like, "competition-amended") | {
        "competition_id": competition["id"],
        "changes.window.opens": "2023-09-01T09:00",
        "changes.window.closes": "2023-10-15T18:00",
        "reason": "Өтінім беру мерзімі ұзартылды",
    }

    response = browser_like.post("/desk/forms/competition-amended", data=amendment)

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    amended = desk.client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert amended["window"] == {
        "opens": "2023-09-01T09:00:00+05:00",
        "closes": "2023-10-15T18:00:00+05:00",
    }


DISBURSED = "/desk/forms/award-disbursed?lang=en"
REPORTED = "/desk/forms/award-reported?lang=en"


def test_a_form_served_again_and_resent_is_asked_about_before_writing_twice(
    desk: Desk, browser_like: TestClient
) -> None:
    """A disbursement sent, then its form served again (Back reloads it, with a new nonce)
    and sent with the same values: nothing is written, and the form names the entry; sent
    with the box ticked that names it, the second is written. The same values about another
    award, or with another amount, are written at once."""
    sign_in(browser_like, desk.world.fund)
    paid = {"amount": "10000000", "date": "2026-04-01", "tranche": "1"}
    before = ledger_size(desk.database)
    first = browser_like.post(
        DISBURSED,
        data=form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | paid,
    )
    assert first.status_code == 303, first.text
    assert first.headers["location"] == f"/desk/written/{before}?lang=en"

    again = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | paid
    refused = browser_like.post(DISBURSED, data=again)
    assert refused.status_code == 409, refused.text
    assert "Nothing was written." in refused.text
    assert f"You recorded exactly this 1 minute ago, as entry #{before}," in unescape(refused.text)
    assert f'href="/awards/{desk.award["id"]}?lang=en"' in refused.text
    assert field_value(refused.text, "repeat_of") == str(before)
    assert field_value(refused.text, "form_nonce") == again["form_nonce"]
    assert field_value(refused.text, "amount") == "10000000"
    assert ledger_size(desk.database) == before + 1

    # A box naming another entry confirms nothing; the one naming this entry writes.
    stale = browser_like.post(DISBURSED, data=again | {"repeat_of": "1"})
    assert stale.status_code == 409
    assert ledger_size(desk.database) == before + 1
    second = browser_like.post(DISBURSED, data=again | {"repeat_of": str(before)})
    assert second.status_code == 303, second.text
    assert second.headers["location"] == f"/desk/written/{before + 1}?lang=en"
    assert ledger_size(desk.database) == before + 2
    award = desk.client.get(f"/api/v1/awards/{desk.award['id']}").json()
    tranches = [e["body"]["tranche"] for e in award["events"] if e["kind"] == "award.disbursed"]
    assert tranches == [1, 1]

    # A third send is asked about the second, the newest.
    third = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | paid
    asked = browser_like.post(DISBURSED, data=third | {"repeat_of": str(before)})
    assert asked.status_code == 409
    assert field_value(asked.text, "repeat_of") == str(before + 1)

    # Another amount is another write; a report with the same values in another tab too.
    other = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | {
        "date": "2026-04-02"
    }
    assert browser_like.post(REPORTED, data=other).status_code == 303
    assert ledger_size(desk.database) == before + 3


def test_a_tranche_already_recorded_is_asked_about_whoever_recorded_it(
    desk: Desk, browser_like: TestClient
) -> None:
    """A tranche recorded through the API is asked about when the desk records it again,
    with other values; voided, it is not: the number is free again."""
    paid = {"type": "disbursed", "amount": "10000000", "date": "2026-04-01", "tranche": 1}
    recorded = desk.client.post(
        f"/api/v1/awards/{desk.award['id']}/events", json=paid, headers=bearer(desk.world.fund)
    )
    assert recorded.status_code == 201, recorded.text
    seq = recorded.json()["events"][-1]["seq"]
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | {
        "amount": "12000000",
        "date": "2026-04-03",
        "tranche": "1",
    }
    refused = browser_like.post(DISBURSED, data=form)
    assert refused.status_code == 409, refused.text
    assert f"Tranche 1 of this award is already recorded, as entry #{seq}," in unescape(
        refused.text
    )
    assert field_value(refused.text, "repeat_of") == str(seq)
    assert ledger_size(desk.database) == before

    voided = desk.client.post(
        f"/api/v1/awards/{desk.award['id']}/events",
        json={"type": "corrected", "corrects": seq, "void": True, "reason": "Recorded twice"},
        headers=bearer(desk.world.fund),
    )
    assert voided.status_code == 201, voided.text
    written = browser_like.post(DISBURSED, data=form)
    assert written.status_code == 303, written.text
    assert ledger_size(desk.database) == before + 2


def test_a_repeat_alike_in_two_ways_is_asked_about_once(
    desk: Desk, browser_like: TestClient
) -> None:
    """The desk wrote tranche 1, an integrator wrote it again through the API: a third send
    of the desk's form is like the desk's entry and names the API's tranche. It is asked about
    the newest, and ticking that box writes (asking about each in turn looped for ever; found
    by review)."""
    sign_in(browser_like, desk.world.fund)
    paid = {"amount": "10000000", "date": "2026-04-01", "tranche": "1"}
    first = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | paid
    assert browser_like.post(DISBURSED, data=first).status_code == 303
    again = {"type": "disbursed", "amount": "10000000", "date": "2026-04-01", "tranche": 1}
    by_api = desk.client.post(
        f"/api/v1/awards/{desk.award['id']}/events", json=again, headers=bearer(desk.world.fund)
    )
    assert by_api.status_code == 201, by_api.text
    newest = by_api.json()["events"][-1]["seq"]
    before = ledger_size(desk.database)

    form = form_about(browser_like, "award-disbursed", award_id=desk.award["id"]) | paid
    asked = browser_like.post(DISBURSED, data=form)
    assert asked.status_code == 409, asked.text
    assert field_value(asked.text, "repeat_of") == str(newest)
    assert ledger_size(desk.database) == before
    written = browser_like.post(DISBURSED, data=form | {"repeat_of": str(newest)})
    assert written.status_code == 303, written.text
    assert ledger_size(desk.database) == before + 1


def test_a_write_is_recent_for_the_sessions_length(desk: Desk, browser_like: TestClient) -> None:
    """What the desk wrote more than 8 hours ago (the longest a session, and so a form it
    served, lasts) is not asked about: the same report is written at once."""
    sign_in(browser_like, desk.world.fund)
    report = {"date": "2026-04-01", "summary.uz": "Birinchi hisobot"}
    form = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | report
    assert browser_like.post(REPORTED, data=form).status_code == 303
    before = ledger_size(desk.database)
    with clock.travel(clock.now() + timedelta(hours=8, minutes=1)):
        sign_in(browser_like, desk.world.fund)
        form = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | report
        written = browser_like.post(REPORTED, data=form)
    assert written.status_code == 303, written.text
    assert ledger_size(desk.database) == before + 1


COMPETITION_ACTIONS = (
    "competition-amended",
    "competition-results",
    "competition-cancelled",
    "award",
)


def _offered(home: str, competition_id: str) -> list[str]:
    """The actions the desk's home offers for one competition, in order."""
    item = re.search(
        rf"<li><a href=\"/competitions/{competition_id}[^\"]*\">.*?</li>", home, re.DOTALL
    )
    assert item, f"{competition_id} is not listed"
    slugs = re.findall(rf"/desk/forms/([a-z-]+)\?competition_id={competition_id}", item[0])
    return [slug for slug in slugs if slug in COMPETITION_ACTIONS]


def test_a_competition_is_offered_only_what_may_be_done_with_it_now(
    desk: Desk, browser_like: TestClient
) -> None:
    """Found by a tester: every competition offered results, cancelling and an award, though
    results had been published, or applications were not yet open, or awards were made from
    it; each led to a refusal. The home page offers what the service would take now."""
    fund = bearer(desk.world.fund)
    closed = desk.competition["id"]  # its window closed in February; an award was made from it
    planned = desk.client.post(
        "/api/v1/competitions",
        json={
            **competition_body(year=2027, round_number=1),
            "window": {"opens": "2027-03-01T09:00:00+05:00", "closes": "2027-04-01T18:00:00+05:00"},
        },
        headers=fund,
    ).json()["id"]
    sign_in(browser_like, desk.world.fund)

    home = browser_like.get("/desk").text
    assert _offered(home, closed) == ["competition-amended", "competition-results", "award"]
    assert _offered(home, planned) == ["competition-amended", "competition-cancelled", "award"]

    events = "/api/v1/competitions/{}/events"
    done = desk.client.post(events.format(closed), json={"type": "results_published"}, headers=fund)
    cancelled = desk.client.post(
        events.format(planned), json={"type": "cancelled", "reason": "Bekor"}, headers=fund
    )
    assert (done.status_code, cancelled.status_code) == (201, 201), (done.text, cancelled.text)
    home = browser_like.get("/desk").text
    assert _offered(home, closed) == ["competition-amended", "award"]
    assert _offered(home, planned) == []
