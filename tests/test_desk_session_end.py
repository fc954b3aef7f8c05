"""A desk form sent after its session ended keeps what was typed, over HTTPS through the ASGI
app on both databases: the sign-in page carries the values in hidden fields (never in a URL,
never stored), and once signed in the form is shown again, filled in, under the new session's
CSRF token, with nothing written until the official sends it again."""

import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from domain_helpers import ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_desk import Desk
from sqlalchemy import delete
from test_desk import field_value, form_about, sign_in

from registry.core import clock
from registry.core.db import Database
from registry.web.desk.sessions import DeskSession

SESSION_COOKIE = "__Host-desk_session"
SUMMARY = 'Birinchi yarim yil: 12 ta tadbir, "Yoshlar" markazi <ochildi>.\nIkkinchi qator & oxiri'
REPORT = {
    "date": "2026-04-01",
    "summary.uz": SUMMARY,
    "summary.ru": "Первое полугодие: 12 мероприятий",
    "document_url": "https://fund.uz/reports/1.pdf",
}
"""A report a funder types: a long text with quotes, markup-like signs and a second line."""


@pytest.fixture
def browser_like(app: FastAPI) -> Iterator[TestClient]:
    """A second client, as a browser: HTTPS (the cookies are Secure), following nothing, and
    saying where its forms are sent from (``Origin``), as browsers do."""
    with TestClient(
        app,
        base_url="https://registry.example",
        follow_redirects=False,
        headers={"origin": "https://registry.example"},
    ) as client:
        yield client


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of the page's form, as a browser sends them."""
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    }


def textarea_value(html: str, name: str) -> str:
    found = re.search(
        rf'<textarea id="[^"]+" name="{re.escape(name)}"[^>]*>([^<]*)</textarea>', html
    )
    assert found, f"no {name} in the page"
    return unescape(found[1])


def entry_body(client: TestClient, seq: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/ledger/entries/{seq}").json()["entry"]["body"]
    return body


def expired_report(desk: Desk, browser_like: TestClient) -> tuple[dict[str, str], str]:
    """A report form opened and typed in, its session since timed out; the form sent, and
    the page it got."""
    sign_in(browser_like, desk.world.fund)
    typed = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | REPORT
    before = ledger_size(desk.database)
    with clock.travel(clock.now() + timedelta(minutes=16)):  # idle for longer than 15
        response = browser_like.post("/desk/forms/award-reported?lang=en", data=typed)
    assert response.status_code == 401, response.text
    assert "location" not in response.headers
    assert ledger_size(desk.database) == before
    return typed, response.text


def test_a_form_sent_after_the_session_ended_is_shown_again_filled_in(
    desk: Desk, browser_like: TestClient
) -> None:
    typed, page = expired_report(desk, browser_like)
    before = ledger_size(desk.database)
    assert "Your organization's API key" in unescape(page)
    assert "Your session had ended before the form “Record a report” was sent" in unescape(page)
    carried = hidden_fields(page)
    assert carried["carried_form"] == "award-reported"
    assert {name: carried[f"carried:{name}"] for name in REPORT} == REPORT
    assert carried["carried:award_id"] == desk.award["id"]
    # The old session's tokens are not carried: the form shown again is a new one.
    assert not {"carried:csrf", "carried:form_nonce"} & carried.keys()
    assert carried["csrf"] != typed["csrf"]  # the sign-in form's own nonce

    with clock.travel(clock.now() + timedelta(minutes=16)):
        shown = browser_like.post(
            "/desk/sign-in?lang=en", data=carried | {"token": desk.world.fund}
        )
        assert shown.status_code == 200, shown.text
        assert "location" not in shown.headers
        assert SESSION_COOKIE in browser_like.cookies
        html = shown.text
        assert "Your session had ended; check the form and send it again." in html
        assert "<h1>Record a report</h1>" in html
        assert field_value(html, "award_id") == desk.award["id"]
        for name in ("date", "document_url"):
            assert field_value(html, name) == REPORT[name]
        for name in ("summary.uz", "summary.ru"):
            assert textarea_value(html, name) == REPORT[name]
        csrf, nonce = field_value(html, "csrf"), field_value(html, "form_nonce")
        assert csrf != typed["csrf"]
        assert nonce != typed["form_nonce"]
        assert ledger_size(desk.database) == before  # shown, not sent

        # The old session's token is no good under the new session; the new one writes.
        sent = {name: field_value(html, name) for name in ("award_id", "date", "document_url")}
        sent |= {name: textarea_value(html, name) for name in ("summary.uz", "summary.ru")}
        sent |= {"form_nonce": nonce}
        refused = browser_like.post(
            "/desk/forms/award-reported", data=sent | {"csrf": typed["csrf"]}
        )
        assert refused.status_code == 403
        assert ledger_size(desk.database) == before
        written = browser_like.post("/desk/forms/award-reported", data=sent | {"csrf": csrf})
        assert written.status_code == 303, written.text
        assert ledger_size(desk.database) == before + 1
        seq = int(written.headers["location"].rsplit("/", 1)[1])
    body = entry_body(desk.client, seq)
    assert body["summary"] == {"uz": SUMMARY, "ru": REPORT["summary.ru"]}
    assert (body["date"], body["document_url"]) == (REPORT["date"], REPORT["document_url"])


def test_a_form_sent_after_signing_out_or_without_its_session_keeps_the_values(
    desk: Desk, browser_like: TestClient, database: Database
) -> None:
    csrf = sign_in(browser_like, desk.world.fund)
    typed = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | REPORT
    assert browser_like.post("/desk/sign-out", data={"csrf": csrf}).status_code == 303
    before = ledger_size(desk.database)
    response = browser_like.post("/desk/forms/award-reported", data=typed)
    assert response.status_code == 401
    assert hidden_fields(response.text)["carried:summary.ru"] == REPORT["summary.ru"]

    sign_in(browser_like, desk.world.fund)  # and the session's row is gone
    with database.session(write=True) as session:
        session.execute(delete(DeskSession))
    response = browser_like.post("/desk/forms/award-reported", data=typed)
    assert response.status_code == 401
    carried = hidden_fields(response.text)
    assert carried["carried:date"] == REPORT["date"]
    browser_like.cookies.clear()  # and without any cookie
    response = browser_like.post("/desk/forms/award-reported", data=typed)
    assert response.status_code == 401
    assert hidden_fields(response.text)["carried:document_url"] == REPORT["document_url"]
    assert ledger_size(desk.database) == before


def test_the_carried_values_are_not_a_submission(desk: Desk, browser_like: TestClient) -> None:
    """Signing in with values carried writes nothing, whatever they hold; a key that is not
    good keeps them for another try; another organization's key does not get the form; a
    form sent from another site without a session is refused, not carried."""
    typed, page = expired_report(desk, browser_like)
    before = ledger_size(desk.database)
    carried = hidden_fields(page)
    forged = carried | {"carried:csrf": typed["csrf"], "carried:form_nonce": typed["form_nonce"]}

    bad = browser_like.post("/desk/sign-in?lang=en", data=forged | {"token": "reg_nothing_here"})
    assert bad.status_code == 401
    assert "not valid" in bad.text
    kept = hidden_fields(bad.text)
    assert kept["carried:summary.uz"] == SUMMARY
    assert "carried:csrf" not in kept

    # The sign-in page kept open too long (its cookie gone): asked again, the values kept.
    browser_like.cookies.clear()
    stale = browser_like.post("/desk/sign-in?lang=en", data=kept | {"token": desk.world.fund})
    assert stale.status_code == 403
    assert "what you typed in the form is still kept" in stale.text
    again = hidden_fields(stale.text)
    assert again["carried:summary.ru"] == REPORT["summary.ru"]
    assert SESSION_COOKIE not in browser_like.cookies
    browser_like.cookies.clear()
    in_russian = browser_like.post("/desk/sign-in?lang=ru", data=kept | {"token": "x"})
    assert "то, что вы ввели в форму, сохранено" in in_russian.text
    again = hidden_fields(in_russian.text)  # its nonce is the login cookie's now

    shown = browser_like.post("/desk/sign-in?lang=en", data=again | {"token": desk.world.fund})
    assert shown.status_code == 200
    assert field_value(shown.text, "csrf") != typed["csrf"]
    assert ledger_size(desk.database) == before

    # An overseer's key does not get a funder's form: the desk, the values dropped.
    browser_like.cookies.clear()
    form = browser_like.get("/desk/sign-in")
    overseer = browser_like.post(
        "/desk/sign-in",
        data=kept | {"csrf": field_value(form.text, "csrf"), "token": desk.overseer},
    )
    assert overseer.status_code == 303
    assert overseer.headers["location"] == "/desk"

    # From another site, without a session: refused, nothing carried.
    browser_like.cookies.clear()
    for headers in ({"origin": "https://attacker.example"}, {"sec-fetch-site": "cross-site"}):
        response = browser_like.post("/desk/forms/award-reported", data=typed, headers=headers)
        assert response.status_code == 403
        assert "carried:" not in response.text
    assert ledger_size(desk.database) == before


def test_a_form_is_carried_only_when_the_browser_says_it_comes_from_the_registry(
    desk: Desk, browser_like: TestClient
) -> None:
    """A browser that says neither ``Origin`` nor ``Sec-Fetch-Site`` may be sending a page
    elsewhere's form: its values are not shown back as the official's, then or after sign-in."""
    sign_in(browser_like, desk.world.fund)
    typed = form_about(browser_like, "award-reported", award_id=desk.award["id"]) | REPORT
    before = ledger_size(desk.database)
    planted = typed | {"summary.uz": "Pul vazir buyrugʻi bilan toʻlandi"}
    with clock.travel(clock.now() + timedelta(minutes=16)):
        browser_like.headers.pop("origin")
        said_nothing = browser_like.post("/desk/forms/award-reported?lang=en", data=planted)
        assert said_nothing.status_code == 401, said_nothing.text
        assert "Your session has ended. Sign in again." in said_nothing.text
        assert "carried" not in said_nothing.text
        assert "vazir" not in said_nothing.text
        # Nor carried through the sign-in form itself.
        signed_in = browser_like.post(
            "/desk/sign-in?lang=en",
            data=hidden_fields(said_nothing.text)
            | {"token": desk.world.fund, "carried_form": "award-reported"}
            | {f"carried:{name}": value for name, value in planted.items()},
        )
        assert signed_in.status_code == 303, signed_in.text
        assert signed_in.headers["location"] == "/desk?lang=en"

        browser_like.cookies.clear()
        own = browser_like.post(
            "/desk/forms/award-reported?lang=en",
            data=typed,
            headers={"sec-fetch-site": "same-origin"},
        )
        assert own.status_code == 401, own.text
        assert hidden_fields(own.text)["carried:summary.uz"] == SUMMARY
    assert ledger_size(desk.database) == before


def test_reloading_the_form_shown_after_sign_in_shows_it_again(
    desk: Desk, browser_like: TestClient
) -> None:
    """The form carried through sign-in is the answer to the sign-in's POST: a browser's
    reload sends that POST again, the sign-in page's cookie since deleted. Under the live
    session of the same key it gets the form again, not "open too long"."""
    _typed, page = expired_report(desk, browser_like)
    before = ledger_size(desk.database)
    sent = hidden_fields(page) | {"token": desk.world.fund}
    with clock.travel(clock.now() + timedelta(minutes=16)):
        first = browser_like.post("/desk/sign-in?lang=en", data=sent)
        assert first.status_code == 200, first.text
        csrf = field_value(first.text, "csrf")

        reloaded = browser_like.post("/desk/sign-in?lang=en", data=sent)

        assert reloaded.status_code == 200, reloaded.text
        assert "open too long" not in reloaded.text
        assert "Your session had ended; check the form and send it again." in reloaded.text
        assert field_value(reloaded.text, "csrf") == csrf  # the live session's
        assert textarea_value(reloaded.text, "summary.uz") == SUMMARY
        assert "set-cookie" not in reloaded.headers  # no new session
        # Another key, or none, is not let through by the live session.
        other = browser_like.post(
            "/desk/sign-in?lang=en", data=sent | {"token": desk.world.ministry}
        )
        assert other.status_code == 403
        assert "open too long" in other.text
        assert (
            browser_like.post("/desk/sign-in?lang=en", data=sent | {"token": ""}).status_code == 403
        )
    assert ledger_size(desk.database) == before
