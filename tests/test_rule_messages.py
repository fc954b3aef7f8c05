"""The services' rule messages on the desk in the reader's language, with their values in the
reader's locale, while the API says them as it always has (reported by users: an Uzbek
official read "exceeds what remains of …'s budget" in English on an Uzbek page)."""

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from domain_helpers import (
    KZ_OPERATOR,
    MINISTRY,
    NGO_KZ,
    NGO_UZ,
    PUBLIC_FUND,
    bearer,
    competition_body,
    ledger_size,
    organization,
)
from fastapi.testclient import TestClient
from oversight_desk import CONCLUSIONS, OVERSEER, Desk
from test_awards import award_body
from test_desk import (
    COMPETITION_FORM,
    DIRECT_AWARD,
    LEGAL_UNIT,
    award_form,
    errors_next_to,
    form_about,
    group_errors,
    open_form,
    sign_in,
)
from test_desk_stages import STAGE_FORMS, send
from test_legal_units import kz_grant

from registry.awards import rules
from registry.core import clock
from registry.core.messages import Rule

# Babel's grouping in Russian and Uzbek is a no-break space: 700 000 000.
GROUPED = "\u00a0"


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
    """Words the catalogs do not have (an award's id longer than the API's path takes, which
    the desk refuses as the API would) keep ``lang="en"``."""
    sign_in(browser_like, desk.world.fund)
    form = form_about(browser_like, "award-disbursed", award_id=desk.award["id"])
    form |= {"amount": "1000", "date": "2026-03-20", "award_id": "A" * 41}
    page = browser_like.post("/desk/forms/award-disbursed?lang=ru", data=form)
    assert page.status_code == 422, page.text
    assert shown_in_english(page.text, "award_id")
    assert "at most 40 characters" in unescape(page.text)


# --- the rules converted since: awards, legal units, competition amendments ------------------

NBSP = "\u00a0"
TASHKENT = ZoneInfo("Asia/Tashkent")
LOCALES = {"ru": "ru", "kk": "kk", "uz": "uz_Latn"}


def day(text: str, language: str) -> str:
    """A date as the desk writes it in ``language`` (Babel's medium form)."""
    return format_date(date.fromisoformat(text), "medium", locale=LOCALES[language])


def said_on_desk(
    client: TestClient,
    slug: str,
    form: dict[str, str],
    field: str,
    language: str,
    status: int = 422,
) -> str:
    """The refusal the desk shows next to ``field`` for ``form`` sent in ``language``, checked
    to be said in that language (not marked as English); up to a linked field's label."""
    page = client.post(f"/desk/forms/{slug}?lang={language}", data=form)
    assert page.status_code == status, page.text
    (said,) = errors_next_to(page.text, field)
    assert not shown_in_english(page.text, field.replace(".", "-"))
    return said


def test_an_award_of_another_instrument_than_its_competitions_is_said_with_its_name(
    desk: Desk, browser_like: TestClient
) -> None:
    competition_id = desk.competition["id"]
    before = ledger_size(desk.database)
    api = desk.client.post(
        "/api/v1/awards",
        json=award_body(competition_id, instrument="subsidy"),
        headers=bearer(desk.world.fund),
    )
    assert api.status_code == 422, api.text
    english = "the competition awards grants"
    assert api.json()["errors"] == [{"field": "instrument", "message": english}]
    assert api.json()["detail"] == f"instrument: {english}"

    sign_in(browser_like, desk.world.fund)
    for language, words in {
        "ru": "инструмент конкурса — «Грант»",
        "kk": "конкурс құралы — «Грант»",
    }.items():
        form = award_form(browser_like, competition_id) | {"instrument": "subsidy"}
        assert said_on_desk(browser_like, "award", form, "instrument", language) == words
    assert ledger_size(desk.database) == before


def test_the_awards_folds_own_refusals_keep_the_apis_words() -> None:
    """Refusals no request reaches today (the schemas and the ledger stop them first), said as
    before and translated, should one ever be shown."""
    with pytest.raises(rules.RuleViolation) as empty:
        rules.fold([])
    assert (empty.value.field, empty.value.message) == (
        "award",
        "an award starts with its publication",
    )
    assert isinstance(empty.value.message, Rule)
    published = {
        "currency": "UZS",
        "amount": "1000.00",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-01", "end": "2026-12-31"},
        "recipient_id": NGO_UZ,
    }
    events = [rules.Event(0, rules.PUBLISHED, published), rules.Event(1, "award.paused", {})]
    with pytest.raises(rules.RuleViolation) as unknown:
        rules.fold(events)
    assert unknown.value.message == "unknown award event award.paused"
    assert unknown.value.message.values == (("kind", "award.paused"),)


def test_an_award_over_the_direct_award_cap_is_said_with_the_cap_in_the_readers_locale(
    desk: Desk, browser_like: TestClient
) -> None:
    before = ledger_size(desk.database)
    over = desk.client.post(
        "/api/v1/awards",
        json=award_body(None, legal_basis=DIRECT_AWARD["legal_basis"], amount="412000000.01"),
        headers=bearer(desk.world.fund),
    )
    assert over.status_code == 422, over.text
    assert over.json()["errors"] == [
        {
            "field": "amount",
            "message": "above 1,000 × BRV on 2026-03-01 (412000000.00 UZS), the cap for an "
            "award without a competition; give cap_override with the legal basis that allows it",
        }
    ]
    within = desk.client.post(
        "/api/v1/awards",
        json=award_body(
            None, legal_basis=DIRECT_AWARD["legal_basis"], amount="412000000", cap_override="X"
        ),
        headers=bearer(desk.world.fund),
    )
    assert within.status_code == 422, within.text
    assert within.json()["errors"] == [
        {
            "field": "cap_override",
            "message": "the amount is within 1,000 × BRV (412000000.00 UZS): there is nothing "
            "to override",
        }
    ]

    sign_in(browser_like, desk.world.fund)
    cap = f"412{NBSP}000{NBSP}000{NBSP}UZS"
    for language, words in {
        "ru": "больше предела для финансирования без конкурса: 1{n}000 × БРВ на {d} ({cap}); "
        "чтобы превысить его, заполните поле ",
        "kk": "конкурссыз қаржыландыру шегінен көп: {d} күнгі 1{n}000 × БЕШ ({cap}); "
        "оны асыру үшін ",
    }.items():
        form = award_form(browser_like, "") | DIRECT_AWARD | {"amount": "412000000.01"}
        said = said_on_desk(browser_like, "award", form, "amount", language)
        assert said == words.format(n=NBSP, d=day("2026-03-01", language), cap=cap)
    for language, words in {
        "ru": f"сумма в пределах 1{NBSP}000 × БРВ ({cap}): превышать нечего",
        "kk": f"сома 1{NBSP}000 × БЕШ ({cap}) шегінде: асыратын ештеңе жоқ",
    }.items():
        form = award_form(browser_like, "") | DIRECT_AWARD
        form |= {"amount": "412000000", "cap_override": "X"}
        assert said_on_desk(browser_like, "award", form, "cap_override", language) == words
    assert ledger_size(desk.database) == before


def test_a_period_outside_a_kazakh_grants_band_is_said_in_months_and_days(
    desk: Desk, browser_like: TestClient
) -> None:
    granted = desk.client.post(
        "/api/v1/awards", json=kz_grant(), headers=bearer(desk.world.operator)
    )
    assert granted.status_code == 201, granted.text
    award_id = granted.json()["id"]
    before = ledger_size(desk.database)
    api = desk.client.post(
        f"/api/v1/awards/{award_id}/events",
        json={
            "type": "amended",
            "period": {"start": "2026-04-01", "end": "2026-07-10"},
            "reason": "Мерзімі қысқартылды",
        },
        headers=bearer(desk.world.operator),
    )
    assert api.status_code == 422, api.text
    assert api.json()["errors"] == [
        {
            "field": "period",
            "message": "a medium grant (3,000–10,000 MCI) runs 12–24 months; this period is "
            "3 months and 10 days",
        }
    ]
    # At a band's shared end both neighbours are named; a whole number of months has no days.
    two = desk.client.post(
        "/api/v1/awards",
        json=kz_grant(
            legal_unit={"unit": "MCI", "multiplier": "3000", "on": "2026-01-01"},
            period={"start": "2026-04-01", "end": "2029-03-31"},
        ),
        headers=bearer(desk.world.operator),
    )
    assert two.status_code == 422, two.text
    assert two.json()["errors"] == [
        {
            "field": "period",
            "message": "a short grant (500–3,000 MCI) runs 3–12 months or a medium grant "
            "(3,000–10,000 MCI) runs 12–24 months; this period is 36 months",
        }
    ]

    sign_in(browser_like, desk.world.operator)
    typed = {"period.start": "2026-04-01", "period.end": "2026-07-10", "reason": "Қысқартылды"}
    for language, words in {
        "ru": "среднесрочный грант (3{n}000–10{n}000 МРП) длится 12–24 мес.; "
        "этот срок — 3 мес. и 10 дн.",
        "kk": "орта мерзімді грант (3{n}000–10{n}000 АЕК) 12–24 ай жүреді; "
        "бұл мерзім — 3 ай 10 күн",
    }.items():
        form = form_about(browser_like, "award-amended", award_id=award_id) | typed
        said = said_on_desk(browser_like, "award-amended", form, "period.start", language)
        assert said == words.format(n=NBSP)
    assert ledger_size(desk.database) == before


def test_a_competitions_amendments_and_cancellation_are_refused_in_the_readers_language(
    desk: Desk, browser_like: TestClient
) -> None:
    competition_id, award_id = desk.competition["id"], desk.award["id"]
    before = ledger_size(desk.database)
    events = f"/api/v1/competitions/{competition_id}/events"
    amendments = {
        "changes.budget": (
            {"budget": "100000000"},
            "awards already commit 300000000.00 UZS",
        ),
        "changes.window.opens": (
            {
                "window": {
                    "opens": "2026-03-05T09:00:00+05:00",
                    "closes": "2026-04-01T18:00:00+05:00",
                }
            },
            (
                f"would open on 2026-03-05, after award {award_id} of this competition (dated "
                "2026-03-01); open it on or before 2026-03-01"
            ),
        ),
    }
    for field, (changes, english) in amendments.items():
        api = desk.client.post(
            events,
            json={"type": "amended", "changes": changes, "reason": "Aniqlik"},
            headers=bearer(desk.world.fund),
        )
        assert api.status_code == 422, api.text
        assert api.json()["errors"] == [{"field": field, "message": english}]
    cancelled = desk.client.post(
        events, json={"type": "cancelled", "reason": "Aniqlik"}, headers=bearer(desk.world.fund)
    )
    assert cancelled.status_code == 409, cancelled.text
    assert cancelled.json()["errors"] == [
        {"field": "type", "message": "1 awards were made from this competition"}
    ]

    sign_in(browser_like, desk.world.fund)
    typed = {
        "changes.budget": {"changes.budget": "100000000"},
        "changes.window.opens": {
            "changes.window.opens": "2026-03-05T09:00",
            "changes.window.closes": "2026-04-01T18:00",
        },
    }
    expected = {
        "ru": {
            "changes.budget": f"решениям о финансировании уже выделено: 300{NBSP}000{NBSP}000"
            f"{NBSP}UZS",
            "changes.window.opens": "приём открылся бы {opens}, позже решения о финансировании "
            "{award} по этому конкурсу (от {dated}); откройте его не позже {dated}",
        },
        "kk": {
            "changes.budget": f"қаржыландыруларға бұрыннан бөлінген: 300{NBSP}000{NBSP}000"
            f"{NBSP}UZS",
            "changes.window.opens": "қабылдау {opens} күні ашылар еді — бұл конкурстың {award} "
            "қаржыландыруынан (күні {dated}) кейін; оны {dated} күнінен кешіктірмей ашыңыз",
        },
    }
    for language, said in expected.items():
        dates = {"opens": day("2026-03-05", language), "dated": day("2026-03-01", language)}
        for field, words in said.items():
            form = form_about(browser_like, "competition-amended", competition_id=competition_id)
            form |= typed[field] | {"reason": "Aniqlik"}
            shown = said_on_desk(browser_like, "competition-amended", form, field, language)
            assert shown == words.format(award=award_id, **dates)
    for language, words in {
        "ru": "по этому конкурсу уже приняты решения о финансировании: 1",
        "kk": "бұл конкурс бойынша қаржыландыру бұрыннан берілген: 1",
    }.items():
        form = form_about(browser_like, "competition-cancelled", competition_id=competition_id)
        page = browser_like.post(
            f"/desk/forms/competition-cancelled?lang={language}", data=form | {"reason": "X"}
        )
        assert page.status_code == 409, page.text
        assert f"<li>{words}</li>" in unescape(page.text)  # not marked lang="en"
    assert ledger_size(desk.database) == before


def test_a_conclusions_refusals_are_said_to_the_body_in_its_language(
    desk: Desk, browser_like: TestClient
) -> None:
    conclusion_id = desk.submit()["id"]
    path = f"{CONCLUSIONS}/{conclusion_id}/events"
    too_long = desk.refused(
        path, {"type": "extended", "days": 31, "reason": "X"}, desk.world.fund, 422, "days"
    )
    assert too_long["errors"] == [{"field": "days", "message": "at most 30 days"}]
    desk.event(conclusion_id, {"type": "acknowledged"}, desk.world.fund)
    again = desk.refused(path, {"type": "acknowledged"}, desk.world.fund, 409, "type")
    assert again["errors"] == [
        {"field": "type", "message": f"{PUBLIC_FUND} already acknowledged it"}
    ]
    before = ledger_size(desk.database)

    sign_in(browser_like, desk.world.fund)
    for language, words in {"ru": "не более 30 дн.", "kk": "көп дегенде 30 күн"}.items():
        form = form_about(browser_like, "conclusion-extended", conclusion_id=conclusion_id)
        form |= {"days": "31", "reason": "Проверка"}
        assert said_on_desk(browser_like, "conclusion-extended", form, "days", language) == words
    for language, words in {
        "ru": f"орган {PUBLIC_FUND} уже подтвердил получение заключения",
        "kk": f"қорытындыны алғанын растап қойған орган: {PUBLIC_FUND}",
    }.items():
        form = form_about(browser_like, "conclusion-acknowledged", conclusion_id=conclusion_id)
        page = browser_like.post(f"/desk/forms/conclusion-acknowledged?lang={language}", data=form)
        assert page.status_code == 409, page.text
        assert f"<li>{words}</li>" in unescape(page.text)  # not marked lang="en"
    assert ledger_size(desk.database) == before


@pytest.mark.parametrize(
    ("multiplier", "derived", "said_as", "money"),
    [
        ("500", "206000000.00", "500", f"206{NBSP}000{NBSP}000{NBSP}UZS"),
        # 1.5 × BRV: the API says "1.5", as typed; a Russian or Kazakh page "1,5", as it
        # writes any number.
        ("1.5", "618000.00", "1,5", f"618{NBSP}000{NBSP}UZS"),
    ],
)
def test_an_amount_beside_its_statement_in_brv_is_said_with_the_units_name(
    desk: Desk, browser_like: TestClient, multiplier: str, derived: str, said_as: str, money: str
) -> None:
    """Both amounts as money in the reader's locale, the one given too (the API's
    "1000.00"), and the multiplier with the reader's decimal mark."""
    competition_id = desk.competition["id"]
    before = ledger_size(desk.database)
    statement = {"unit": "BRV", "multiplier": multiplier, "on": "2026-03-01"}
    api = desk.client.post(
        "/api/v1/awards",
        json=award_body(competition_id, amount="1000", legal_unit=statement),
        headers=bearer(desk.world.fund),
    )
    assert api.status_code == 422, api.text
    assert api.json()["errors"] == [
        {
            "field": "amount",
            "message": f"{multiplier} BRV on 2026-03-01 is {derived} UZS, not 1000.00",
        }
    ]

    sign_in(browser_like, desk.world.fund)
    given = f"1{NBSP}000{NBSP}UZS"
    typed = LEGAL_UNIT | {"legal_unit.multiplier": multiplier, "amount": "1000"}
    for language, words in {
        "ru": "{m} БРВ на {d} — это {money}, а не {given}",
        "kk": "{d} күнгі {m} БЕШ — {money}, {given} емес",
    }.items():
        form = award_form(browser_like, competition_id) | typed
        said = said_on_desk(browser_like, "award", form, "amount", language)
        day_said = day("2026-03-01", language)
        assert said == words.format(m=said_as, d=day_said, money=money, given=given)
    assert ledger_size(desk.database) == before


def test_a_close_after_the_results_names_the_results_time_zone(
    desk: Desk, browser_like: TestClient
) -> None:
    """The API gives the results' time with its offset (2026-…T…+05:00); the desk writes it
    in the reader's locale with the zone, as the portal names a deadline's zone."""
    posted = desk.client.post(  # one without awards, whose close is judged by its results
        "/api/v1/competitions",
        json=competition_body(round_number=5),
        headers=bearer(desk.world.fund),
    )
    assert posted.status_code == 201, posted.text
    competition_id = posted.json()["id"]
    published = datetime(2026, 3, 2, 18, 30, tzinfo=TASHKENT)
    with clock.travel(published):
        results = desk.client.post(
            f"/api/v1/competitions/{competition_id}/events",
            json={"type": "results_published", "applications_received": 12},
            headers=bearer(desk.world.fund),
        )
    assert results.status_code == 201, results.text
    before = ledger_size(desk.database)
    closing = {
        "type": "amended",
        "reason": "Muddat",
        "changes": {
            "window": {
                "opens": posted.json()["window"]["opens"],
                "closes": "2099-02-20T18:00:00+05:00",
            }
        },
    }
    api = desk.client.post(
        f"/api/v1/competitions/{competition_id}/events",
        json=closing,
        headers=bearer(desk.world.fund),
    )
    assert api.status_code == 422, api.text
    (error,) = api.json()["errors"]
    assert (
        "would close after its results were published (2026-03-02T18:30+05:00)" in error["message"]
    )

    sign_in(browser_like, desk.world.fund)
    for language in ("ru", "kk", "uz"):
        form = form_about(browser_like, "competition-amended", competition_id=competition_id)
        form |= {
            "changes.window.opens": "2026-01-10T09:00",
            "changes.window.closes": "2099-02-20T18:00",
            "reason": "Muddat",
        }
        said = said_on_desk(browser_like, "competition-amended", form, error["field"], language)
        written = f"{day(published.date().isoformat(), language)}, "
        written += format_time(published, "short", locale=LOCALES[language])
        assert f"({written}, Asia/Tashkent)" in said, said
    assert ledger_size(desk.database) == before


# --- lookups, keys, amounts, texts, regions and a competition's checks, said in the reader's
# language where the desk showed the API's English (their templates were already Rules
# elsewhere or are new): each refusal's API text is compared with the literal text first.

UNREGISTERED = "UZ-STIR-999999999"


def api_errors(desk: Desk, path: str, body: dict, token: str, status: int) -> list[dict]:
    """The API's errors for a POST refused with ``status``; nothing written."""
    before = ledger_size(desk.database)
    response = desk.client.post(path, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    assert ledger_size(desk.database) == before
    problem = response.json()
    if status == 403:  # a key's problem: its message alone
        assert [problem["detail"]] == [error["message"] for error in problem["errors"]]
    else:
        joined = "; ".join(f"{error['field']}: {error['message']}" for error in problem["errors"])
        assert problem["detail"] == joined
    return problem["errors"]


def test_a_form_naming_an_award_competition_or_organization_not_registered_says_so_translated(
    desk: Desk, browser_like: TestClient
) -> None:
    disbursed = {"type": "disbursed", "amount": "1000.00", "date": "2026-03-20"}
    fund = desk.world.fund
    assert api_errors(desk, "/api/v1/awards/AWD-2026-999999/events", disbursed, fund, 404) == [
        {"field": "path.award_id", "message": "no award AWD-2026-999999"}
    ]
    cancelled = {"type": "cancelled", "reason": "x"}
    path = "/api/v1/competitions/CMP-2026-99999/events"
    assert api_errors(desk, path, cancelled, fund, 404) == [
        {"field": "path.competition_id", "message": "no competition CMP-2026-99999"}
    ]
    body = award_body(desk.competition["id"], recipient_id=UNREGISTERED)
    assert api_errors(desk, "/api/v1/awards", body, fund, 404) == [
        {"field": "recipient_id", "message": f"no organization {UNREGISTERED}"}
    ]

    before = ledger_size(desk.database)
    sign_in(browser_like, fund)
    award_id, competition_id = desk.award["id"], desk.competition["id"]
    for language, words in {
        "ru": "решение о финансировании AWD-2026-999999 не найдено",
        "kk": "реестрде мұндай қаржыландыру жоқ: AWD-2026-999999",
    }.items():
        form = form_about(browser_like, "award-disbursed", award_id=award_id)
        form |= {"award_id": "AWD-2026-999999", "amount": "1000", "date": "2026-03-20"}
        said = said_on_desk(browser_like, "award-disbursed", form, "award_id", language, 404)
        assert said == words
    for language, words in {
        "ru": "конкурс CMP-2026-99999 не найден",
        "kk": "реестрде мұндай конкурс жоқ: CMP-2026-99999",
    }.items():
        form = form_about(browser_like, "competition-cancelled", competition_id=competition_id)
        form |= {"competition_id": "CMP-2026-99999", "reason": "Bekor qilindi"}
        said = said_on_desk(
            browser_like, "competition-cancelled", form, "competition_id", language, 404
        )
        assert said == words
    for language, words in {
        "ru": f"организация {UNREGISTERED} не найдена",
        "kk": f"реестрде мұндай ұйым жоқ: {UNREGISTERED}",
        "uz": f"reyestrda bunday tashkilot yoʻq: {UNREGISTERED}",
    }.items():
        form = award_form(browser_like, competition_id) | {"recipient_id": UNREGISTERED}
        said = said_on_desk(browser_like, "award", form, "recipient_id", language, 404)
        assert said == words
    assert ledger_size(desk.database) == before


def problems_above(html: str) -> list[tuple[str, bool]]:
    """The messages a refused form lists above its fields (those that name no field of the
    form, such as the key's), each with whether it is marked as English."""
    summary = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert summary, "no error summary on the page"
    return [
        (unescape(text), bool(english))
        for english, text in re.findall(r'<li( lang="en")?>([^<]+)</li>', summary[0])
    ]


def test_a_key_that_does_not_act_for_the_funder_or_the_body_is_told_in_the_readers_language(
    desk: Desk, browser_like: TestClient
) -> None:
    """A ministry's official on the public fund's award or on a conclusion addressed to the
    fund: the API's words name the key's organization and the one it would act for."""
    award_id = desk.award["id"]
    conclusion_id = desk.submit()["id"]
    disbursed = {"type": "disbursed", "amount": "1000.00", "date": "2026-03-20"}
    ministry = desk.world.ministry
    acts_for = f"this key acts for {MINISTRY}, not for {PUBLIC_FUND}"
    refused = {"field": "header.authorization", "message": acts_for}
    path = f"/api/v1/awards/{award_id}/events"
    assert api_errors(desk, path, disbursed, ministry, 403) == [refused]
    path = f"{CONCLUSIONS}/{conclusion_id}/events"
    assert api_errors(desk, path, {"type": "acknowledged"}, ministry, 403) == [refused]
    # The others a key meets through the API alone: its role's, and a conclusion's parties'.
    for path, body, token, message in (
        ("/api/v1/awards", award_body(None), desk.overseer, "only a funder's key may do this"),
        (CONCLUSIONS, desk.conclusion(), desk.world.fund, "only an overseer's key may do this"),
        (
            f"{CONCLUSIONS}/{conclusion_id}/events",
            {"type": "acknowledged"},
            desk.overseer,
            f"only the addressed body ({PUBLIC_FUND}) may do this",
        ),
        (
            f"{CONCLUSIONS}/{conclusion_id}/events",
            {"type": "withdrawn", "reason": "x"},
            desk.world.fund,
            f"only the overseer ({OVERSEER}) may do this",
        ),
    ):
        errors = api_errors(desk, path, body, token, 403)
        assert errors == [{"field": "header.authorization", "message": message}]
    batch = {
        "operations": [
            {"op": "organizations.create", "body": organization(UNREGISTERED, "ngo", uz="Yangi")}
        ]
    }
    response = desk.client.post("/api/v1/batches", json=batch, headers=bearer(desk.world.fund))
    assert response.status_code == 403, response.text
    assert response.json()["errors"] == [
        {"field": "header.authorization", "message": "this operation needs an admin key"}
    ]

    before = ledger_size(desk.database)
    sign_in(browser_like, ministry)
    for language, words in {
        "ru": f"этот ключ действует от имени {MINISTRY}, а не {PUBLIC_FUND}",
        "kk": f"бұл кілт {PUBLIC_FUND} атынан емес, {MINISTRY} атынан әрекет етеді",
    }.items():
        form = form_about(browser_like, "award-disbursed", award_id=award_id)
        form |= {"amount": "1000", "date": "2026-03-20"}
        page = browser_like.post(f"/desk/forms/award-disbursed?lang={language}", data=form)
        assert page.status_code == 403, page.text
        assert problems_above(page.text) == [(words, False)]
        form = form_about(browser_like, "conclusion-acknowledged", conclusion_id=conclusion_id)
        page = browser_like.post(f"/desk/forms/conclusion-acknowledged?lang={language}", data=form)
        assert page.status_code == 403, page.text
        assert problems_above(page.text) == [(words, False)]
    assert ledger_size(desk.database) == before


DIRECT = {"amount": None, "legal_basis": DIRECT_AWARD["legal_basis"]}
"""With ``award_body(None, **DIRECT, legal_unit=…)``: an award without a competition whose
amount its statement in a legal unit gives."""


def test_an_amount_that_is_none_and_a_date_before_a_units_table_are_said_translated(
    desk: Desk, browser_like: TestClient
) -> None:
    """An amount of zero, a multiplier of zero, a statement in BRV dated before the registry's
    table of its values: the API's words as before, the desk's in the reader's language."""
    competition_id, fund = desk.competition["id"], desk.world.fund
    for body, field, message in (
        (
            award_body(competition_id, amount="0"),
            "amount",
            "'0' is zero; an award or tranche has a positive amount",
        ),
        (
            award_body(competition_id, amount="1.999"),
            "amount",
            "'1.999' has 3 decimal place(s); the currency has 2 minor-unit digit(s)",
        ),
        (
            award_body(None, amount="1000000", legal_basis=DIRECT["legal_basis"], currency="ABC"),
            "currency",
            "'ABC' is not an ISO 4217 currency code the registry accepts (e.g. UZS, KZT, USD, EUR)",
        ),
        (
            award_body(
                None, **DIRECT, legal_unit={"unit": "BRV", "multiplier": "0", "on": "2026-03-01"}
            ),
            "legal_unit.multiplier",
            "must be a positive decimal number",
        ),
        (
            award_body(
                None, **DIRECT, legal_unit={"unit": "BRV", "multiplier": "500", "on": "2001-03-01"}
            ),
            "legal_unit.on",
            "the registry knows the BRV only from 2023-05-01; state the amount in money",
        ),
    ):
        sent = {name: value for name, value in body.items() if value is not None}
        assert api_errors(desk, "/api/v1/awards", sent, fund, 422) == [
            {"field": field, "message": message}
        ]

    before = ledger_size(desk.database)
    sign_in(browser_like, fund)
    for language, words in {
        "ru": "'0' — ноль; сумма решения о финансировании или транша должна быть положительной",
        "kk": "'0' — нөл; қаржыландырудың немесе траншның сомасы оң болуы керек",
    }.items():
        form = award_form(browser_like, competition_id) | {"amount": "0"}
        assert said_on_desk(browser_like, "award", form, "amount", language) == words
    form = form_about(browser_like, "award-disbursed", award_id=desk.award["id"])
    form |= {"amount": "0", "date": "2026-03-20"}
    assert said_on_desk(browser_like, "award-disbursed", form, "amount", "uz") == (
        "'0' — nol; ajratma yoki transh summasi musbat boʻlishi kerak"
    )
    direct = DIRECT_AWARD | {"amount": "", "currency": ""} | LEGAL_UNIT
    for language, words in {
        "ru": "должно быть положительным десятичным числом",
        "kk": "оң ондық сан болуы керек",
    }.items():
        form = award_form(browser_like, "") | direct | {"legal_unit.multiplier": "0"}
        said = said_on_desk(browser_like, "award", form, "legal_unit.multiplier", language)
        assert said == words
    for language, words in {
        "ru": "реестр знает значения БРВ только с {d}; укажите сумму в деньгах",
        "kk": "реестрге БЕШ мәндері тек мына күннен бастап белгілі: {d}; соманы ақшамен көрсетіңіз",
        "uz": "reyestrga BHM qiymatlari faqat quyidagi sanadan boshlab maʼlum: {d}; summani pulda koʻrsating",
    }.items():
        form = award_form(browser_like, "") | direct | {"legal_unit.on": "2001-03-01"}
        said = said_on_desk(browser_like, "award", form, "legal_unit.on", language)
        assert said == words.format(d=day("2023-05-01", language))
    assert ledger_size(desk.database) == before


def test_a_text_left_in_no_language_is_said_translated(
    desk: Desk, browser_like: TestClient
) -> None:
    """A competition's amendment removing its title's every language (Uzbek and Russian):
    refused in the reader's language beside the title's boxes."""
    competition_id, award_id, fund = desk.competition["id"], desk.award["id"], desk.world.fund
    events = f"/api/v1/competitions/{competition_id}/events"
    for body, message in (
        ({"uz": None, "ru": None}, "would leave the text in no language; keep at least one"),
        ({}, "name at least one of uz, ru, kk, en to change"),
    ):
        amended = {"type": "amended", "changes": {"title": body}, "reason": "x"}
        assert api_errors(desk, events, amended, fund, 422) == [
            {"field": "changes.title", "message": message}
        ]
    corrected = {
        "type": "corrected",
        "corrects": desk.award["published_seq"],
        "changes": {"title": {"uz": None}},
        "reason": "x",
    }
    assert api_errors(desk, f"/api/v1/awards/{award_id}/events", corrected, fund, 422) == [
        {
            "field": "changes.title",
            "message": "would leave the text in no language; keep at least one",
        }
    ]
    body = award_body(competition_id, title={})
    assert api_errors(desk, "/api/v1/awards", body, fund, 422) == [
        {"field": "title", "message": "give the text in at least one of uz, ru, kk, en"}
    ]

    before = ledger_size(desk.database)
    sign_in(browser_like, fund)
    removed = {"changes.title.uz.remove": "remove", "changes.title.ru.remove": "remove"}
    for language, words in {
        "ru": "текст не остался бы ни на одном языке; оставьте хотя бы один",
        "kk": "мәтін бірде-бір тілде қалмас еді; кемінде біреуін қалдырыңыз",
        "uz": "matn birorta ham tilda qolmaydi; kamida bittasini qoldiring",
    }.items():
        form = form_about(browser_like, "competition-amended", competition_id=competition_id)
        form |= removed | {"reason": "Nomi oʻzgardi"}
        # Said beside the first box it concerns, the Uzbek title's "remove".
        field = "changes.title.uz.remove"
        assert said_on_desk(browser_like, "competition-amended", form, field, language) == words
    assert ledger_size(desk.database) == before


def test_a_region_or_an_addressee_of_another_country_is_said_with_the_countrys_name(
    desk: Desk, browser_like: TestClient
) -> None:
    """An Uzbek funder's award in a Kazakh region (typed, or the recipient's taken when none
    is), and a conclusion on an Uzbek award addressed to a Kazakh body: the country named
    as the reader's language names it."""
    award_id, fund = desk.award["id"], desk.world.fund
    note = " (the recipient's region, taken when none is given): give the region where the work happens"
    for body, message in (
        (
            award_body(None, recipient_id=NGO_KZ),
            f"KZ-75 is not in the country of {PUBLIC_FUND}{note}",
        ),
        (award_body(None, region="KZ-75"), f"KZ-75 is not in the country of {PUBLIC_FUND}"),
    ):
        body |= {"amount": "1000000.00", "legal_basis": DIRECT_AWARD["legal_basis"]}
        assert api_errors(desk, "/api/v1/awards", body, fund, 422) == [
            {"field": "region", "message": message}
        ]
    body = desk.conclusion(addressed_to=KZ_OPERATOR)
    assert api_errors(desk, CONCLUSIONS, body, desk.overseer, 422) == [
        {
            "field": "addressed_to",
            "message": f"{KZ_OPERATOR} is not in the country of award {award_id} (Uzbekistan); "
            "a conclusion is addressed to a state body of its subject's country",
        }
    ]

    before = ledger_size(desk.database)
    sign_in(browser_like, fund)
    for language, words in {
        "ru": f"KZ-75 находится не в стране организации {PUBLIC_FUND} (это регион получателя: он "
        "берётся, когда регион не указан); укажите регион, где ведётся работа",
        "kk": f"KZ-75: бұл өңір {PUBLIC_FUND} ұйымының елінде емес (бұл алушының өңірі: өңір "
        "көрсетілмегенде сол алынады); жұмыс жүргізілетін өңірді көрсетіңіз",
    }.items():
        form = (
            award_form(browser_like, "")
            | DIRECT_AWARD
            | {"recipient_id": NGO_KZ, "amount": "1000000"}
        )
        assert said_on_desk(browser_like, "award", form, "region", language) == words
    sign_in(browser_like, desk.overseer)
    for language, words in {
        "ru": f"{KZ_OPERATOR} находится не в стране решения о финансировании {award_id} "
        "(Узбекистан); заключение направляется государственному органу страны, к которой "
        "относится его предмет",
        "kk": f"{KZ_OPERATOR}: бұл ұйым {award_id} қаржыландыруы жатқан елде (Өзбекстан) емес; "
        "қорытынды нысанасы жатқан елдің мемлекеттік органына жіберіледі",
        "uz": f"{KZ_OPERATOR}: bu tashkilot {award_id} ajratmasi tegishli mamlakatda "
        "(Oʻzbekiston) emas; xulosa predmeti tegishli mamlakatning davlat organiga yoʻllanadi",
    }.items():
        form = open_form(browser_like, "conclusion") | {
            "addressed_to": KZ_OPERATOR,
            "subject.type": "award",
            "subject.id": award_id,
            "title.uz": "Hisobot eʼlon qilinmagan",
            "findings.uz": "Yakuniy hisobot yoʻq",
        }
        assert said_on_desk(browser_like, "conclusion", form, "addressed_to", language) == words
    assert ledger_size(desk.database) == before


def test_a_competitions_zone_year_and_round_are_checked_in_the_readers_language(
    desk: Desk, browser_like: TestClient
) -> None:
    """A new round in Almaty's zone, of the year 2019 for a window in 2026, or numbered as
    the fund's fourth grant round of 2026 already is: the zones, years and ids as written,
    the country and the instrument by their names in the reader's language."""
    fund, taken = desk.world.fund, desk.competition["id"]
    competitions = "/api/v1/competitions"
    for status, overrides, field, message in (
        (
            422,
            {"time_zone": "Asia/Almaty"},
            "time_zone",
            (
                f"Asia/Almaty is not a time zone of Uzbekistan, where {PUBLIC_FUND}'s "
                "competitions are held; give one of Asia/Samarkand, Asia/Tashkent"
            ),
        ),
        (
            422,
            {"time_zone": "Mars/Olympus"},
            "time_zone",
            "'Mars/Olympus' is not an IANA time zone",
        ),
        (
            422,
            {"year": 2019},
            "year",
            (
                "2019 is not this window's programme year: the year the window opens or closes "
                "in, or the year after (2026 or 2027, Asia/Tashkent)"
            ),
        ),
        (
            422,
            {
                "window": {
                    "opens": "2026-01-10T09:00:00+05:00",
                    "closes": "2026-02-10T18:00:00+03:00",
                }
            },
            "window.closes",
            "2026-02-10T18:00:00+03:00 is not Asia/Tashkent time (its offset then: +05:00)",
        ),
        (
            409,
            {"round_number": 4},
            "round_number",
            (
                f"{PUBLIC_FUND} already published grant round 4 of 2026 ({taken}): give the "
                f"next number, or cancel {taken} to announce it again"
            ),
        ),
    ):
        body = competition_body(**({"round_number": 9} | overrides))
        assert api_errors(desk, competitions, body, fund, status) == [
            {"field": field, "message": message}
        ]

    before = ledger_size(desk.database)
    sign_in(browser_like, fund)
    for field, typed, status, expected in (
        (
            "time_zone",
            {"time_zone": "Asia/Almaty"},
            422,
            {
                "ru": "Asia/Almaty — не часовой пояс страны, где проводит конкурсы организация "
                f"{PUBLIC_FUND} (Узбекистан); укажите один из поясов: Asia/Samarkand, Asia/Tashkent",
                "kk": f"Asia/Almaty — {PUBLIC_FUND} ұйымы конкурстарын өткізетін елдің "
                "(Өзбекстан) уақыт белдеуі емес; мыналардың бірін көрсетіңіз: Asia/Samarkand, "
                "Asia/Tashkent",
            },
        ),
        (
            "year",
            {"year": "2019"},
            422,
            {
                "ru": "2019 — не год программы для этих сроков приёма заявок: это год, когда приём "
                "открывается или закрывается, либо следующий за ним (2026 или 2027, Asia/Tashkent)",
                "kk": "2019 — бұл өтінім қабылдау мерзімінің бағдарлама жылы емес: ол қабылдау "
                "басталатын не аяқталатын жыл немесе одан кейінгі жыл (2026 немесе 2027, "
                "Asia/Tashkent)",
            },
        ),
        (
            "round_number",
            {"round_number": "4"},
            409,
            {
                "ru": f"организация {PUBLIC_FUND} уже опубликовала конкурс № 4 2026 года с "
                f"инструментом «Грант» ({taken}): укажите следующий номер или отмените {taken}, "
                "чтобы объявить его снова",
                "uz": f"2026-yilgi 4-son tanlov («Grant» vositasi) allaqachon eʼlon qilingan "
                f"({taken}), eʼlon qilgan tashkilot: {PUBLIC_FUND}; keyingi raqamni kiriting yoki "
                f"uni qayta eʼlon qilish uchun {taken} tanlovini bekor qiling",
            },
        ),
    ):
        for language, words in expected.items():
            form = open_form(browser_like, "competition") | COMPETITION_FORM
            form |= {"round_number": "9"} | typed
            said = said_on_desk(browser_like, "competition", form, field, language, status)
            assert said == words
    assert ledger_size(desk.database) == before
