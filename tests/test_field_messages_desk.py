"""What a desk form gets wrong in a field's form (pydantic's own messages: a text too long, a
date that is none, a choice not offered, a number out of its bounds), an identifier or a
region code not read, an instrument the funder's country's law does not know, a recipient
that is no NGO, and an amount as it was typed, said on the desk in the reader's language,
while the API says them as it always has (reported: an official on a Russian page read "is
5,000 characters long; at most 4,000 are taken" and "'UZ-STIR-12' …" in English)."""

import pytest
from domain_helpers import MINISTRY, award_body, bearer, competition_body, ledger_size
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_desk import COMPETITION_FORM, award_form, errors_next_to, form_about, open_form, sign_in
from test_rule_messages import GROUPED, shown_in_english

from registry.awards import service as award_service
from registry.core.errors import NotFound, human_message
from registry.core.messages import Rule
from registry.web import i18n
from registry.web.desk.pages import rule_text


def refused_on_desk(
    client: TestClient, slug: str, form: dict[str, str], field: str, language: str
) -> list[str]:
    """The messages next to ``field`` of a form sent in ``language``, not marked English."""
    page = client.post(f"/desk/forms/{slug}?lang={language}", data=form)
    assert page.status_code == 422, page.text
    assert not shown_in_english(page.text, field.replace(".", "-")), errors_next_to(
        page.text, field
    )
    return errors_next_to(page.text, field)


def api_errors(desk: Desk, path: str, body: dict) -> list[dict[str, str]]:
    before = ledger_size(desk.database)
    response = desk.client.post(path, json=body, headers=bearer(desk.world.fund))
    assert response.status_code == 422, response.text
    assert ledger_size(desk.database) == before
    return response.json()["errors"]


def test_pydantics_messages_about_a_fields_form_are_said_in_russian_and_uzbek(
    desk: Desk, browser_like: TestClient
) -> None:
    competition_id, award_id = desk.competition["id"], desk.award["id"]
    # The API's words are unchanged.
    assert api_errors(
        desk, "/api/v1/awards", award_body(competition_id, legal_basis="x" * 600)
    ) == [{"field": "legal_basis", "message": "is 600 characters long; at most 500 are taken"}]
    assert api_errors(
        desk, "/api/v1/awards", award_body(competition_id, award_date="2026-02-30")
    ) == [
        {
            "field": "award_date",
            "message": 'must be a date written as YYYY-MM-DD, such as "2026-03-01" (day value '
            "is outside expected range)",
        }
    ]
    assert api_errors(desk, "/api/v1/awards", award_body(competition_id, instrument="bogus")) == [
        {
            "field": "instrument",
            "message": "Input should be 'grant', 'subsidy', 'social_contract', "
            "'strategic_partnership' or 'prize'",
        }
    ]
    assert api_errors(desk, "/api/v1/competitions", competition_body(year=1999)) == [
        {"field": "year", "message": "Input should be greater than or equal to 2000"}
    ]
    many = competition_body(themes=[f"theme{number}" for number in range(21)])
    assert api_errors(desk, "/api/v1/competitions", many) == [
        {"field": "themes", "message": "List should have at most 20 items after validation, not 21"}
    ]
    events = f"/api/v1/awards/{award_id}/events"
    assert api_errors(
        desk,
        events,
        {
            "type": "reported",
            "date": "2026-03-15",
            "summary": {"uz": "x"},
            "document_url": "ftp://x",
        },
    ) == [
        {
            "field": "document_url",
            "message": "must be an absolute http or https URL, such as "
            "https://example.uz/report.pdf; ftp: links are refused",
        }
    ]

    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    award = award_form(browser_like, competition_id)
    assert refused_on_desk(
        browser_like, "award", award | {"legal_basis": "x" * 600}, "legal_basis", "ru"
    ) == ["длина — 600 симв.; принимается не больше 500"]
    assert refused_on_desk(
        browser_like, "award", award | {"title.uz": "x" * 5000}, "title.uz", "uz"
    ) == [f"uzunligi 5{GROUPED}000 belgi; koʻpi bilan 4{GROUPED}000 belgi qabul qilinadi"]
    assert refused_on_desk(
        browser_like, "award", award | {"award_date": "2026-02-30"}, "award_date", "ru"
    ) == [
        'должна быть датой в виде YYYY-MM-DD (год-месяц-день), например "2026-03-01" (такого дня нет)'
    ]
    assert refused_on_desk(
        browser_like, "award", award | {"instrument": "bogus"}, "instrument", "ru"
    ) == [
        (
            "должно быть одним из значений: 'grant', 'subsidy', 'social_contract', "
            "'strategic_partnership' или 'prize'"
        )
    ]
    # From review: Babel has no Uzbek Cyrillic "or" (it wrote English "or"), and its English
    # put a comma before "or" where the API does not.
    for lang, listed in [
        ("uz-Cyrl", "'strategic_partnership' ёки 'prize'"),
        ("en", "'strategic_partnership' or 'prize'"),
    ]:
        (said,) = refused_on_desk(
            browser_like, "award", award | {"instrument": "bogus"}, "instrument", lang
        )
        assert said.endswith(listed), said
    competition = open_form(browser_like, "competition") | COMPETITION_FORM
    assert refused_on_desk(
        browser_like, "competition", competition | {"year": "1999"}, "year", "ru"
    ) == ["должно быть не меньше 2000"]  # a year, never grouped
    themes = ", ".join(f"theme{number}" for number in range(21))
    assert refused_on_desk(
        browser_like, "competition", competition | {"themes": themes}, "themes", "ru"
    ) == ["должно быть не больше 20, а дано 21"]
    paid = form_about(browser_like, "award-disbursed", award_id=award_id)
    typed = {"amount": "1000", "date": "2026-03-15", "tranche": "5000"}
    assert refused_on_desk(browser_like, "award-disbursed", paid | typed, "tranche", "uz") == [
        "koʻpi bilan 1000 boʻlishi kerak"
    ]
    reported = form_about(browser_like, "award-reported", award_id=award_id) | {
        "date": "2026-03-15",
        "summary.uz": "Hisobot",
        "document_url": "ftp://x",
    }
    assert refused_on_desk(browser_like, "award-reported", reported, "document_url", "ru") == [
        (
            "должно быть полной ссылкой http или https, например https://example.uz/report.pdf; "
            "ссылки ftp: не принимаются"
        )
    ]
    assert ledger_size(desk.database) == before


def test_an_identifier_or_a_region_not_read_is_said_in_russian_and_uzbek(
    desk: Desk, browser_like: TestClient
) -> None:
    competition_id = desk.competition["id"]
    assert api_errors(
        desk, "/api/v1/awards", award_body(competition_id, recipient_id="UZ-STIR-12")
    ) == [
        {
            "field": "recipient_id",
            "message": "UZ-STIR-12: a STIR is exactly 9 digits, got 2 characters '12'",
        }
    ]
    assert api_errors(
        desk, "/api/v1/awards", award_body(competition_id, recipient_id="KZ-BIN-123456789012")
    ) == [
        {
            "field": "recipient_id",
            "message": "KZ-BIN-123456789012: the check digit is 2, the mod-11 rule gives 3; a "
            "digit is mistyped",
        }
    ]
    assert api_errors(desk, "/api/v1/awards", award_body(competition_id, region="ZZ-99")) == [
        {
            "field": "region",
            "message": "'ZZ-99' is not a current ISO 3166-2 subdivision code (expected e.g. "
            "UZ-TK for Tashkent city, KZ-75 for Almaty city)",
        }
    ]

    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    award = award_form(browser_like, competition_id)
    assert refused_on_desk(
        browser_like, "award", award | {"recipient_id": "UZ-STIR-12"}, "recipient_id", "ru"
    ) == ["UZ-STIR-12: в ИНН (STIR) ровно 9 цифр, а дано '12', символов: 2"]
    assert refused_on_desk(
        browser_like, "award", award | {"recipient_id": "KZ-BIN-123456789012"}, "recipient_id", "uz"
    ) == [
        (
            "KZ-BIN-123456789012: nazorat raqami 2, mod-11 qoidasi esa 3 beradi; raqamlardan biri "
            "xato yozilgan"
        )
    ]
    assert refused_on_desk(
        browser_like, "award", award | {"recipient_id": "zzz"}, "recipient_id", "ru"
    ) == [
        (
            "'zzz' не является org-id: нужно СТРАНА-РЕЕСТР-ИДЕНТИФИКАТОР, например "
            "KZ-BIN-940140000385 или UZ-STIR-310006777"
        )
    ]
    assert refused_on_desk(browser_like, "award", award | {"region": "ZZ-99"}, "region", "ru") == [
        (
            "'ZZ-99' — не действующий код региона ISO 3166-2 (например, UZ-TK для города "
            "Ташкента, KZ-75 для города Алматы)"
        )
    ]
    assert refused_on_desk(browser_like, "award", award | {"region": "ZZ"}, "region", "uz") == [
        "'ZZ' — ISO 3166-1 alpha-2 mamlakat kodi emas"
    ]
    assert ledger_size(desk.database) == before


def test_an_instrument_the_countrys_law_lacks_is_said_in_russian_and_uzbek(
    desk: Desk, browser_like: TestClient
) -> None:
    english = (
        "prize is not a form of state support for NGOs in UZ; UZ's law knows grant, "
        "social_contract, subsidy"
    )
    assert api_errors(desk, "/api/v1/competitions", competition_body(instrument="prize")) == [
        {"field": "instrument", "message": english}
    ]
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    competition = open_form(browser_like, "competition") | COMPETITION_FORM
    assert refused_on_desk(
        browser_like, "competition", competition | {"instrument": "prize"}, "instrument", "ru"
    ) == [
        (
            "«Премия» — не форма государственной поддержки ННО в Узбекистане; законодательство "
            "Узбекистана знает: Грант, Государственный социальный заказ, Субсидия"
        )
    ]
    award = award_form(browser_like, "") | {"legal_basis": "UP-124 of 26.08.2024"}
    assert refused_on_desk(
        browser_like, "award", award | {"instrument": "strategic_partnership"}, "instrument", "uz"
    ) == [
        (
            "«Strategik sheriklik» — Oʻzbekistonda NNTlarga davlat yordami shakli emas; "
            "Oʻzbekiston qonunchiligida quyidagilar bor: Grant, Davlat ijtimoiy buyurtmasi, Subsidiya"
        )
    ]
    assert ledger_size(desk.database) == before


def test_a_recipient_that_is_no_ngo_is_said_in_russian(
    desk: Desk, browser_like: TestClient
) -> None:
    assert api_errors(
        desk, "/api/v1/awards", award_body(desk.competition["id"], recipient_id=MINISTRY)
    ) == [
        {
            "field": "recipient_id",
            "message": f"{MINISTRY} is a state body (kind state_body); the registry records "
            "state support for civil society: an award goes to an organization of kind ngo or "
            "other, not to a state body, a public fund or a grant operator, which give it",
        }
    ]
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    award = award_form(browser_like, desk.competition["id"]) | {"recipient_id": MINISTRY}
    (said,) = refused_on_desk(browser_like, "award", award, "recipient_id", "ru")
    assert said.startswith(f"{MINISTRY} — государственный орган (вид state_body); реестр"), said
    assert ledger_size(desk.database) == before


def test_an_amount_refused_is_quoted_as_the_reader_typed_it(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    assert api_errors(
        desk,
        f"/api/v1/awards/{award_id}/events",
        {"type": "disbursed", "amount": "1000.999", "date": "2026-03-15"},
    ) == [
        {
            "field": "amount",
            "message": "'1000.999' has 3 decimal place(s); the currency has 2 minor-unit digit(s)",
        }
    ]
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    paid = form_about(browser_like, "award-disbursed", award_id=award_id) | {"date": "2026-03-15"}
    assert refused_on_desk(
        browser_like, "award-disbursed", paid | {"amount": "1 000,999"}, "amount", "ru"
    ) == [f"'1{GROUPED}000,999': знаков после запятой — 3, а у валюты их 2"]
    assert ledger_size(desk.database) == before


def said_in(language: str, message: str) -> str:
    i18n.activate(i18n.from_query(language) or i18n.DEFAULT)
    try:
        assert isinstance(message, Rule), message
        return rule_text(message)
    finally:
        i18n.activate(i18n.DEFAULT)


def test_a_field_that_is_none_and_an_entry_of_another_award_are_rules(
    desk: Desk,
) -> None:
    """Neither reaches the desk's forms (a correction's boxes are the event's fields; a
    receipt is the API's), but each is said from the catalogs where the portal says it."""
    award_id = desk.award["id"]
    paid = desk.client.post(
        f"/api/v1/awards/{award_id}/events",
        json={"type": "disbursed", "amount": "1000.00", "date": "2026-03-15"},
        headers=bearer(desk.world.fund),
    )
    assert paid.status_code == 201, paid.text
    seq = paid.json()["events"][-1]["seq"]
    corrected = api_errors(
        desk,
        f"/api/v1/awards/{award_id}/events",
        {"type": "corrected", "corrects": seq, "reason": "x", "changes": {"nonsense": 1}},
    )
    assert corrected == [
        {
            "field": "changes.nonsense",
            "message": "is not a field the registry takes here: check its name in the API's "
            "document",
        }
    ]
    missing = human_message({"type": "extra_forbidden", "loc": ("body", "nonsense"), "msg": ""})
    assert missing == "is not a field the registry takes here: check its name in the API's document"
    assert said_in("ru", missing) == (
        "реестр не принимает здесь такого поля: проверьте его название в документации API"
    )
    receipt = desk.client.get(f"/api/v1/awards/{award_id}/events/99999/receipt")
    assert receipt.status_code == 404
    message = f"entry 99999 is not an event of award {award_id}"
    assert receipt.json()["errors"] == [{"field": "path.seq", "message": message}]
    with desk.database.session() as session, pytest.raises(NotFound) as refused:
        award_service.event_seq(session, award_service.get(session, award_id), 99999)
    (error,) = refused.value.errors
    assert error.message == message
    assert said_in("ru", error.message) == (
        f"запись #99999 — не событие решения о финансировании {award_id}"
    )
