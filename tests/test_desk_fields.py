"""The desk's form fields as a person types them: amounts as the page writes them in its
language, codes in either case, limits and required fields said before sending, errors
reachable from the summary, and choices named in the reader's language."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from domain_helpers import bearer, ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_awards import competition_body
from test_desk import (
    award_form,
    errors_next_to,
    field_value,
    form_about,
    open_form,
    sign_in,
)

from registry.core import clock

COMPETITION_FORM = {
    "instrument": "grant",
    "year": "2026",
    "title.uz": "Mahalla tashabbuslari tanlovi",
    "currency": "UZS",
    "window.opens": "2026-02-01T09:00",
    "window.closes": "2026-02-20T18:00",
}
"""An Uzbek funder's competition, its budget left to the test."""


def written_id(client: TestClient, location: str, kind: str) -> str:
    """The id of what the success page at ``location`` says was written."""
    found = re.search(rf'href="/{kind}s/([A-Z]+-[0-9-]+)[?"]', client.get(location).text)
    assert found, f"no {kind} on the success page"
    return found[1]


def test_a_budget_is_read_as_the_uzbek_page_writes_it(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.world.fund)
    form = open_form(browser_like, "competition") | COMPETITION_FORM
    form |= {"budget": "2 000 000 000", "currency": "uzs"}
    response = browser_like.post("/desk/forms/competition", data=form, params={"lang": "uz"})
    assert response.status_code == 303, response.text
    competition_id = written_id(browser_like, response.headers["location"], "competition")
    competition = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    assert (competition["budget"], competition["currency"]) == ("2000000000.00", "UZS")


def test_amounts_are_read_as_the_russian_and_english_pages_write_them(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    form = award_form(browser_like, desk.competition["id"]) | {"amount": "45 000 000,00"}
    response = browser_like.post("/desk/forms/award", data=form, params={"lang": "ru"})
    assert response.status_code == 303, response.text
    award_id = written_id(browser_like, response.headers["location"], "award")
    assert desk.client.get(f"/api/v1/awards/{award_id}").json()["amount"] == "45000000.00"
    paid = form_about(browser_like, "award-disbursed", award_id=award_id) | {
        "amount": "15 000 000",
        "date": "2026-03-15",
    }
    response = browser_like.post("/desk/forms/award-disbursed", data=paid, params={"lang": "ru"})
    assert response.status_code == 303, response.text
    amended = form_about(browser_like, "award-amended", award_id=award_id) | {
        "amount": "50,000,000",
        "reason": "Additional activities",
    }
    response = browser_like.post("/desk/forms/award-amended", data=amended, params={"lang": "en"})
    assert response.status_code == 303, response.text
    award = desk.client.get(f"/api/v1/awards/{award_id}").json()
    assert (award["disbursed"], award["amount"]) == ("15000000.00", "50000000.00")


@pytest.mark.parametrize(
    ("language", "typed", "example"),
    [
        ("en", "1500,50", "45,000,000"),  # an English comma groups by three
        ("ru", "1,500.50", "45\u00a0000\u00a0000"),
        ("uz", "-1500", "45\u00a0000\u00a0000"),
        ("en", "1e6", "45,000,000"),
        # A comma and three digits, where a comma is the decimal mark: fifteen thousand in
        # English, far likelier than fifteen with three decimals (review).
        ("ru", "15,000", "45\u00a0000\u00a0000"),
    ],
)
def test_an_amount_the_pages_language_does_not_read_is_refused_beside_it(
    desk: Desk, browser_like: TestClient, language: str, typed: str, example: str
) -> None:
    """Said in the desk's words, with an amount written as the page writes amounts: the
    API's own ("no thousands separator") would forbid what the page itself writes."""
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    form = award_form(browser_like, desk.competition["id"]) | {"amount": typed}
    response = browser_like.post("/desk/forms/award", data=form, params={"lang": language})
    assert response.status_code == 422, response.text
    (message,) = errors_next_to(response.text, "amount")
    # A realistic amount, whole as amounts usually are (a tester read "45 000 000,5", one
    # decimal digit, as no amount anyone writes).
    assert re.search(re.escape(example) + r"(?![\d.,])", message), message
    assert "separator" not in message
    assert field_value(response.text, "amount") == typed
    assert ledger_size(desk.database) == before


def test_a_currency_and_a_digest_are_taken_in_either_case(
    desk: Desk, browser_like: TestClient, app: FastAPI
) -> None:
    """A currency typed in lower case is the API's in capitals; a SHA-256 as Windows
    PowerShell's Get-FileHash prints it (capitals) is the API's in lower case."""
    sign_in(browser_like, desk.world.fund)
    form = award_form(browser_like, desk.competition["id"]) | {"currency": "uzs"}
    response = browser_like.post("/desk/forms/award", data=form)
    assert response.status_code == 303, response.text
    award_id = written_id(browser_like, response.headers["location"], "award")
    assert desk.client.get(f"/api/v1/awards/{award_id}").json()["currency"] == "UZS"
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as overseer:
        sign_in(overseer, desk.overseer)
        conclusion = open_form(overseer, "conclusion") | {
            "addressed_to": desk.award["funder_id"],
            "subject.type": "award",
            "subject.id": award_id,
            "title.uz": "Hisobot eʼlon qilinmagan",
            "findings.uz": "Yakuniy hisobot yoʻq",
            "attachments.0.sha256": "CD" * 32,
            "attachments.0.size": "1024",
            "attachments.0.name": "xulosa.pdf",
        }
        response = overseer.post("/desk/forms/conclusion", data=conclusion)
        assert response.status_code == 303, response.text
    (listed,) = desk.client.get("/api/v1/oversight/conclusions").json()["items"]
    full = desk.client.get(f"/api/v1/oversight/conclusions/{listed['id']}").json()
    assert full["attachments"][0]["sha256"] == "cd" * 32


def control(html: str, name: str) -> str:
    """The opening tag of the input, textarea or select named ``name``."""
    found = re.search(
        rf'<(?:input|textarea|select) id="[^"]+" name="{re.escape(name)}"[^>]*>', html
    )
    assert found, f"no control {name}"
    return found[0]


def hint_of(html: str, name: str) -> str:
    found = re.search(
        rf'<span class="hint" id="f-{re.escape(name.replace(".", "-"))}-hint">([^<]*)<', html
    )
    assert found, f"no hint for {name}"
    return unescape(found[1])


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "At most 4,000 characters."),
        ("ru", "Не более 4\u00a0000 символов."),
        ("uz", "Koʻpi bilan 4\u00a0000 ta belgi."),
    ],
)
def test_the_forms_say_their_limits_before_sending(
    desk: Desk, browser_like: TestClient, language: str, said: str
) -> None:
    """Each text takes at most what the API's model does (``maxlength``), and a long text
    says so under its box, in the reader's language."""
    sign_in(browser_like, desk.overseer)
    page = browser_like.get("/desk/forms/conclusion", params={"lang": language}).text
    assert 'maxlength="4000"' in control(page, "findings.ru")
    assert hint_of(page, "findings.ru") == said
    assert "f-findings-ru-hint" in control(page, "findings.ru")  # aria-describedby
    assert 'maxlength="4000"' in control(page, "title.uz")
    assert 'maxlength="300"' in control(page, "attachments.0.name")
    assert 'maxlength="2000"' in control(page, "attachments.0.url")
    assert "maxlength" not in control(page, "attachments.0.size")
    withdrawn = browser_like.get("/desk/forms/conclusion-withdrawn", params={"lang": language}).text
    assert 'maxlength="40"' in control(withdrawn, "conclusion_id")
    assert 'maxlength="4000"' in control(withdrawn, "reason")
    assert hint_of(withdrawn, "reason") == said


def test_the_award_form_says_its_limits_beside_its_own_hints(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/award", params={"lang": "en"}).text
    assert 'maxlength="500"' in control(page, "legal_basis")
    assert "maxlength" not in control(page, "amount")  # read as the page writes it
    assert hint_of(page, "cap_override").endswith(". At most 4,000 characters.")
    assert hint_of(page, "purpose.kk") == "At most 4,000 characters."


def test_required_fields_say_so_to_assistive_technology(
    desk: Desk, browser_like: TestClient
) -> None:
    """A required field is ``required`` (the form is ``novalidate``: the server still
    judges, and its errors are shown); a text needed in any one language is required in
    none of its boxes, as its legend says."""
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get("/desk/forms/award", params={"lang": "uz"}).text
    assert re.search(r'<form class="desk-form"[^>]* novalidate>', page)
    for name in ("recipient_id", "instrument", "award_date"):
        assert " required" in control(page, name), name
    # The period is not marked required: a prize has none (its hint says so); the server
    # refuses a grant without one beside it.
    for name in (
        "title.uz",
        "title.ru",
        "amount",
        "competition_id",
        "region",
        "period.start",
        "period.end",
    ):
        assert " required" not in control(page, name), name
    event = browser_like.get("/desk/forms/award-disbursed", params={"award_id": "x"}).text
    for name in ("award_id", "amount", "date"):
        assert " required" in control(event, name), name
    assert " required" not in control(event, "tranche")


def summary_links(html: str) -> list[tuple[str, str]]:
    found = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert found, "no error summary"
    return [
        (target, unescape(text))
        for target, text in re.findall(r'<li><a href="#([^"]+)">([^<]*)</a></li>', found[0])
    ]


def test_a_refused_form_says_error_in_its_title_and_links_each_field_from_the_summary(
    desk: Desk, browser_like: TestClient
) -> None:
    """As GOV.UK's error summary: the title begins with the word for an error, the summary
    (focused on load, an alert) links each field in error, in the form's order, to its box."""
    sign_in(browser_like, desk.world.fund)
    form = award_form(browser_like, desk.competition["id"]) | {
        "title.uz": "",
        "amount": "-5",
        "period.end": "2026-01-01",
    }
    response = browser_like.post("/desk/forms/award", data=form, params={"lang": "ru"})
    assert response.status_code == 422, response.text
    title = re.search(r"<title>([^<]*)</title>", response.text)
    assert title
    assert unescape(title[1]).startswith("Ошибка: Опубликовать решение о финансировании")
    assert re.search(r'id="error-summary"[^>]* autofocus', response.text)
    assert summary_links(response.text) == [
        ("f-title-uz", "Название"),
        ("f-amount", "Сумма"),
        ("f-period-end", "Окончание периода"),
    ]
    for target, _ in summary_links(response.text):
        assert f'id="{target}"' in response.text
    opened = browser_like.get("/desk/forms/award", params={"lang": "ru"}).text
    assert "Ошибка" not in re.search(r"<title>([^<]*)</title>", opened)[1]


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


@pytest.mark.parametrize("slug", ["competition", "award"])
@pytest.mark.parametrize(
    ("funder", "language", "offered"),
    [
        (
            "fund",
            "ru",
            [
                ("grant", "Грант"),
                ("subsidy", "Субсидия"),
                ("social_contract", "Государственный социальный заказ"),
            ],
        ),
        (
            "fund",
            "uz-Cyrl",
            [
                ("grant", "Грант"),
                ("subsidy", "Субсидия"),
                ("social_contract", "Давлат ижтимоий буюртмаси"),
            ],
        ),
        (
            "operator",
            "ru",
            [
                ("grant", "Грант"),
                ("social_contract", "Государственный социальный заказ"),
                ("strategic_partnership", "Стратегическое партнёрство"),
                ("prize", "Премия"),
            ],
        ),
    ],
)
def test_the_instruments_offered_are_the_funders_countrys_by_name(
    desk: Desk, browser_like: TestClient, slug: str, funder: str, language: str, offered: list
) -> None:
    """An Uzbek funder is offered Uzbekistan's instruments, a Kazakh one Kazakhstan's (the
    service refuses the others), each named in the reader's language, not by its code."""
    sign_in(browser_like, getattr(desk.world, funder))
    page = browser_like.get(f"/desk/forms/{slug}", params={"lang": language}).text
    assert select_options(page, "instrument")[1:] == offered


def test_the_award_form_opened_from_a_competition_takes_its_instrument(
    desk: Desk, browser_like: TestClient
) -> None:
    competition = desk.client.post(
        "/api/v1/competitions",
        json=competition_body(
            instrument="social_contract", title={"uz": "Ijtimoiy buyurtma"}, round_number=5
        ),
        headers=bearer(desk.world.fund),
    )
    assert competition.status_code == 201, competition.text
    sign_in(browser_like, desk.world.fund)
    opened = browser_like.get(
        "/desk/forms/award", params={"competition_id": competition.json()["id"]}
    ).text
    assert '<option value="social_contract" selected>' in control_block(opened, "instrument")
    chosen = browser_like.get(
        "/desk/forms/award",
        params={"competition_id": competition.json()["id"], "instrument": "subsidy"},
    ).text
    assert '<option value="subsidy" selected>' in control_block(chosen, "instrument")
    direct = browser_like.get("/desk/forms/award", params={"competition_id": "CMP-0"}).text
    assert " selected>" not in control_block(direct, "instrument")


def control_block(html: str, name: str) -> str:
    found = re.search(rf'<select id="[^"]+" name="{re.escape(name)}".*?</select>', html, re.DOTALL)
    assert found, f"no select {name}"
    return found[0]


def test_an_extensions_days_say_the_services_limit_not_the_models(
    desk: Desk, browser_like: TestClient
) -> None:
    """The extension's model takes up to 365 days; the service holds it to
    REGISTRY_OVERSIGHT_ANSWER_DAYS (30 here). The box says and holds the service's limit, so
    that a state body is not told it may extend by 365 days and then refused above 30."""
    conclusion = desk.submit()
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get(
        "/desk/forms/conclusion-extended",
        params={"conclusion_id": conclusion["id"], "lang": "en"},
    ).text
    assert hint_of(page, "days") == "A whole number from 1 to 30."
    assert 'maxlength="2"' in control(page, "days")


def test_a_competitions_year_box_says_the_years_its_window_allows(
    desk: Desk, browser_like: TestClient
) -> None:
    """The model takes a year from 2000 to 2100; the service takes the year the window opens
    or closes in, or the year after (``programme_years``). The box says the service's: for a
    window open now before one is typed (in the funder's zone), and for the window typed
    once the form is shown again."""
    with clock.travel(datetime(2026, 12, 31, 18, 30, tzinfo=UTC)):  # 23:30 in Tashkent
        sign_in(browser_like, desk.world.fund)
        page = browser_like.get("/desk/forms/competition", params={"lang": "en"}).text
        assert hint_of(page, "year") == "A whole number from 2026 to 2027."
        assert 'maxlength="4"' in control(page, "year")
        before = ledger_size(desk.database)
        form = open_form(browser_like, "competition") | COMPETITION_FORM
        form |= {
            "budget": "500000000",
            "year": "2030",
            "window.opens": "2026-12-20T09:00",
            "window.closes": "2027-01-20T18:00",
        }
        refused = browser_like.post("/desk/forms/competition?lang=en", data=form)
        assert refused.status_code == 422, refused.text
        assert "2030 is not this window's programme year" in errors_next_to(refused.text, "year")[0]
        assert hint_of(refused.text, "year") == "A whole number from 2026 to 2028."
        assert ledger_size(desk.database) == before
