"""The services' rule messages on the desk in the reader's language, with their values in the
reader's locale, while the API says them as it always has (reported by users: an Uzbek
official read "exceeds what remains of …'s budget" in English on an Uzbek page)."""

import re
from datetime import date
from html import unescape

import pytest
from babel.dates import format_date
from domain_helpers import bearer, ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_desk import errors_next_to, form_about, group_errors, sign_in
from test_desk_stages import STAGE_FORMS, send
from test_oversight import Desk

from registry.core.db import Database

# Babel's grouping in Russian and Uzbek is a no-break space: 700 000 000.
GROUPED = "\u00a0"


@pytest.fixture
def desk(client: TestClient, database: Database) -> Desk:
    return Desk(client, database)


@pytest.fixture
def browser_like(app: FastAPI) -> TestClient:
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as client:
        yield client


def shown_in_english(html: str, field: str) -> bool:
    block = re.search(rf'<span class="error" id="f-{re.escape(field)}-error"[^>]*>', html)
    assert block, f"no error next to {field}"
    return 'lang="en"' in block[0]


def test_an_amendment_over_the_competitions_budget_is_said_in_russian_and_uzbek(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id, competition_id = desk.award["id"], desk.competition["id"]
    # The API's words are unchanged: an amount as the API writes amounts.
    before = ledger_size(desk.database)
    api = desk.client.post(
        f"/api/v1/awards/{award_id}/events",
        json={"type": "amended", "amount": "1100000000.00", "reason": "Koʻproq"},
        headers=bearer(desk.world.fund),
    )
    assert api.status_code == 422, api.text
    english = f"exceeds what remains of {competition_id}'s budget: 700000000.00 UZS"
    assert api.json()["errors"] == [{"field": "amount", "message": english}]
    assert api.json()["detail"] == f"amount: {english}"

    sign_in(browser_like, desk.world.fund)
    typed = {"amount": "1100000000", "reason": "Koʻproq"}
    expected = {
        "ru": f"больше остатка бюджета конкурса {competition_id}: ",
        "uz": f"{competition_id} tanlovi byudjetining qoldigʻidan koʻp: ",
    }
    for language, words in expected.items():
        form = form_about(browser_like, "award-amended", award_id=award_id) | typed
        page = browser_like.post(f"/desk/forms/award-amended?lang={language}", data=form)
        assert page.status_code == 422, page.text
        (said,) = errors_next_to(page.text, "amount")
        assert said.startswith(words), said
        assert f"700{GROUPED}000{GROUPED}000" in said  # money as the page writes it
        assert "700000000.00" not in said
        assert not shown_in_english(page.text, "amount")
    assert ledger_size(desk.database) == before


def test_a_disbursement_dated_tomorrow_is_told_today_in_the_readers_date_format(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    before = ledger_size(desk.database)
    body = {"type": "disbursed", "amount": "1000.00", "date": "2099-01-01"}
    api = desk.client.post(
        f"/api/v1/awards/{award_id}/events", json=body, headers=bearer(desk.world.fund)
    )
    assert api.status_code == 422, api.text
    (error,) = api.json()["errors"]
    found = re.fullmatch(
        r"a disbursement cannot be dated in the future \(today is (\d{4}-\d\d-\d\d)\)",
        error["message"],
    )
    assert found, error
    today = date.fromisoformat(found[1])

    sign_in(browser_like, desk.world.fund)
    typed = {"amount": "1000", "date": "2099-01-01"}
    expected = {
        "ru": "выплата не может быть датирована будущим числом (сегодня {})",
        "uz": "toʻlov sanasi kelajakda boʻla olmaydi (bugun {})",
    }
    locales = {"ru": "ru", "uz": "uz_Latn"}
    for language, words in expected.items():
        form = form_about(browser_like, "award-disbursed", award_id=award_id) | typed
        page = browser_like.post(f"/desk/forms/award-disbursed?lang={language}", data=form)
        assert page.status_code == 422, page.text
        assert errors_next_to(page.text, "date") == [
            words.format(format_date(today, "medium", locale=locales[language]))
        ]
        assert not shown_in_english(page.text, "date")
    assert ledger_size(desk.database) == before


def test_a_stages_counts_that_do_not_add_up_are_said_with_grouped_digits(
    desk: Desk, browser_like: TestClient
) -> None:
    competition_id = desk.competition["id"]
    slug, typed = STAGE_FORMS[0][0], dict(STAGE_FORMS[0][1])
    typed |= {"applications": "12000", "organizations": "11000", "by_language.uz": "10000"}
    typed |= {"by_language.ru": "1000"}
    before = ledger_size(desk.database)
    sign_in(browser_like, desk.world.fund)
    for language, words in {
        "ru": f"в сумме 11{GROUPED}000, а не 12{GROUPED}000",
        "uz": f"jami 11{GROUPED}000 boʻladi, 12{GROUPED}000 emas",
        "en": "adds up to 11,000, not 12,000",
    }.items():
        page = send(browser_like, slug, competition_id, typed, lang=language)
        assert page.status_code == 422, page.text
        assert group_errors(page.text, "by_language") == [words]
        assert 'lang="en"' not in re.search(r'id="f-by_language-error"[^>]*>', page.text)[0]
    # The API's words: the counts as it always wrote them.
    api = desk.client.post(
        f"/api/v1/competitions/{competition_id}/events",
        json={
            "type": "applications_closed",
            "date": "2026-02-11",
            "applications": 12000,
            "organizations": 11000,
            "by_language": {"uz": 10000, "ru": 1000},
        },
        headers=bearer(desk.world.fund),
    )
    assert api.status_code == 422, api.text
    assert api.json()["errors"] == [
        {"field": "by_language", "message": "adds up to 11000, not 12000"}
    ]
    assert ledger_size(desk.database) == before


def test_a_message_no_catalog_has_is_still_marked_as_english(
    desk: Desk, browser_like: TestClient
) -> None:
    """The API's words the catalogs do not have (a pydantic message) keep ``lang="en"``."""
    sign_in(browser_like, desk.world.fund)
    form = form_about(browser_like, "award-disbursed", award_id=desk.award["id"])
    form |= {"amount": "1000", "date": "2026-03-20", "note": "x" * 5000}
    page = browser_like.post("/desk/forms/award-disbursed?lang=ru", data=form)
    assert page.status_code == 422, page.text
    assert shown_in_english(page.text, "note")
    assert "characters" in unescape(page.text)
