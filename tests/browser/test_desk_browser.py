"""The organizations' desk in a real browser, over a real uvicorn and a fresh database of each
kind: sign in, a form refused with the error next to its field and the typed text kept, the
same form accepted with its ledger entry, a forged CSRF token refused, and sign-out."""

import re

from browser_helpers import assert_accessible
from domain_helpers import NGO_UZ, PUBLIC_FUND, World, ledger_size
from playwright.sync_api import Page, expect

from registry.core.db import Database


def test_a_funder_signs_in_writes_and_signs_out(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, award_id = live
    page.goto(f"{url}/desk?lang=en")
    page.wait_for_url("**/desk/sign-in**")
    assert_accessible(page)
    screenshot(page, "desk-sign-in")
    page.get_by_label("Your organization's API key").fill(world.fund)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/desk?lang=en")
    expect(page.get_by_text(PUBLIC_FUND)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "desk-home")
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["desk_session"]["httpOnly"]
    assert cookies["desk_session"]["sameSite"] == "Strict"
    assert world.fund.split("_", 2)[2] not in cookies["desk_session"]["value"]

    # A disbursement larger than the award: refused, the error next to the amount.
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/award-disbursed?award_id={award_id}&lang=en")
    page.get_by_label("Amount").fill("999999999999")
    page.get_by_label("Date").fill("2026-03-15")
    page.get_by_label("Note").fill("Birinchi toʻlov «avans»")
    page.get_by_role("button", name="Send").click()
    amount = page.locator("#f-amount")
    expect(amount).to_have_attribute("aria-invalid", "true")
    error = page.locator("#f-amount-error")
    expect(error).to_contain_text("exceed")
    expect(page.get_by_label("Note")).to_have_value("Birinchi toʻlov «avans»")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was written")
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-form-error")

    # Corrected, it is accepted, and the page names the new ledger entry.
    amount.fill("100000000")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{before}")
    assert ledger_size(database) == before + 1
    screenshot(page, "desk-accepted")
    opened_at_its_entry(page, f"/awards/{award_id}", before)
    screenshot(page, "desk-entry-on-its-page")

    # A form whose CSRF token was tampered with is refused, and writes nothing.
    page.goto(f"{url}/desk/forms/award-reported?award_id={award_id}&lang=en")
    page.get_by_label("Date").fill("2026-04-01")
    page.locator('input[name="csrf"]').evaluate("input => { input.value = 'forged'; }")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("main")).to_contain_text("security token did not match")
    assert ledger_size(database) == before + 1

    # Sign-out ends the session: the desk asks to sign in again.
    page.goto(f"{url}/desk?lang=en")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/desk/sign-in?ended=signed-out**")
    expect(page.get_by_role("status")).to_contain_text("signed out")
    page.goto(f"{url}/desk?lang=en")
    page.wait_for_url("**/desk/sign-in**")


def opened_at_its_entry(page: Page, path: str, seq: int) -> None:
    """The success page's link opens the record's page at the entry, and the page says the
    entry's leaf hash is its own; its "Verify" is there."""
    page.get_by_role("link", name="See it on its public page").click()
    page.wait_for_url(f"**{path}?leaf=*")
    assert page.url.endswith(f"#event-{seq}")
    expect(page.locator(".leaf-check-ok")).to_contain_text(f"is ledger entry #{seq} of this")
    expect(page.locator(f"#event-{seq}")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Verify in my browser")).to_be_attached()


def sign_in(page: Page, url: str, token: str) -> None:
    page.goto(f"{url}/desk/sign-in?lang=en")
    page.get_by_label("Your organization's API key").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/desk?lang=en")


def test_an_amendment_that_changes_nothing_says_where(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """An award's amendment restating its amount is refused above the form (the API names
    its body, no field), listing the value compared with a link to its field; a
    competition's amendment restating its legal basis is refused next to that field. What
    was typed is kept, and nothing is written."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    before = ledger_size(database)

    page.goto(f"{url}/desk/forms/award-amended?award_id={award_id}&lang=en")
    page.get_by_label("New amount").fill("300000000")
    page.get_by_label("Reason").fill("Ikkinchi bosqich")
    page.get_by_role("button", name="Send").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was written.")
    expect(alert).to_contain_text("the amendment changes nothing")
    expect(alert).to_contain_text("compared with the ones recorded now")
    expect(alert).not_to_contain_text("fields marked below")
    expect(page.get_by_label("New amount")).to_have_value("300000000")
    expect(page.get_by_label("Reason")).to_have_value("Ikkinchi bosqich")
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "desk-amendment-changes-nothing")
    alert.get_by_role("link", name="New amount").click()
    expect(page.get_by_label("New amount")).to_be_focused()

    competition_id = page.request.get(f"{url}/api/v1/awards/{award_id}").json()["competition_id"]
    page.goto(f"{url}/desk/forms/competition-amended?competition_id={competition_id}&lang=en")
    page.get_by_label("Legal basis").fill("UP-124 of 26.08.2024")  # as published
    page.get_by_label("Reason").fill("Aniqlik")
    page.get_by_role("button", name="Send").click()
    legal_basis = page.locator("#f-changes-legal_basis")
    expect(legal_basis).to_have_attribute("aria-invalid", "true")
    expect(legal_basis).to_have_value("UP-124 of 26.08.2024")
    expect(page.locator("#f-changes-legal_basis-error")).to_contain_text("changes nothing")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)  # not the budget above it
    assert_accessible(page)
    screenshot(page, "desk-competition-amendment-changes-nothing")
    assert ledger_size(database) == before


def test_an_award_stated_in_a_legal_unit(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """The award form's legal unit: a currency that is not the unit's is refused next to the
    currency, the rest kept; left empty, the registry derives amount and currency."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    competition_id = page.request.get(f"{url}/api/v1/awards/{award_id}").json()["competition_id"]
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/award?lang=en")
    page.get_by_label("Competition", exact=True).fill(competition_id)
    page.get_by_label("Recipient (org-id)").fill(NGO_UZ)
    page.get_by_label("Instrument").select_option("grant")
    page.locator("#f-title-uz").fill("Mahalla kutubxonasi")
    page.get_by_label("Currency", exact=True).fill("KZT")
    page.get_by_label("Legal unit", exact=True).select_option("BRV")
    page.get_by_label("How many units").fill("500")
    page.get_by_label("Date of the unit's value").fill("2026-03-01")
    page.get_by_label("Award date").fill("2026-03-01")
    page.get_by_label("Period starts").fill("2026-03-10")
    page.get_by_label("Period ends").fill("2026-12-31")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#f-currency")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-currency-error")).to_contain_text("amounts in BRV are in UZS")
    expect(page.get_by_label("How many units")).to_have_value("500")
    expect(page.get_by_label("Legal unit", exact=True)).to_have_value("BRV")
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-award-legal-unit-refused")

    page.get_by_label("Currency", exact=True).fill("")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    screenshot(page, "desk-award-legal-unit-written")
    awards = page.request.get(f"{url}/api/v1/awards?competition={competition_id}").json()
    (stated,) = [award for award in awards["items"] if award["id"] != award_id]
    assert (stated["amount"], stated["currency"]) == ("206000000.00", "UZS")


def test_a_direct_award_above_the_cap_with_its_override(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """An Uzbek award without a competition above 1,000 × BRV: refused next to its amount
    without an override, the rest kept; with the override's legal basis typed in its own
    field, published, and the award's page shows it."""
    url, world, _award_id = live
    sign_in(page, url, world.fund)
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/award?lang=en")
    page.get_by_label("Recipient (org-id)").fill(NGO_UZ)
    page.get_by_label("Instrument").select_option("grant")
    page.locator("#f-title-uz").fill("Mahalla kutubxonasi")
    page.get_by_label("Amount", exact=True).fill("500000000")
    page.get_by_label("Currency", exact=True).fill("UZS")
    page.get_by_label("Award date").fill("2026-03-01")
    page.get_by_label("Period starts").fill("2026-03-10")
    page.get_by_label("Period ends").fill("2026-12-31")
    page.get_by_label("Legal basis", exact=True).fill("UP-124 of 26.08.2024")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#f-amount")).to_have_attribute("aria-invalid", "true")
    refusal = page.locator("#f-amount-error")
    expect(refusal).to_contain_text(
        "give Legal basis for exceeding the cap with the legal basis that allows it"
    )
    expect(refusal).not_to_contain_text("cap_override")
    expect(page.get_by_label("Amount", exact=True)).to_have_value("500000000")
    expect(page.get_by_label("Legal basis", exact=True)).to_have_value("UP-124 of 26.08.2024")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    override = page.get_by_label("Legal basis for exceeding the cap")
    expect(override).to_have_accessible_description(re.compile(r"1,000 × BRV"))
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-award-above-the-cap-refused")

    refusal.get_by_role("link", name="Legal basis for exceeding the cap").click()
    expect(override).to_be_focused()
    override.fill("Vazirlar Mahkamasining 2026-yil 12-fevraldagi 87-son qarori")
    override.scroll_into_view_if_needed()
    screenshot(page, "desk-award-cap-override-typed")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    page.get_by_role("link", name="See it on its public page").click()
    page.wait_for_url("**/awards/AWD-**")
    expect(page.get_by_role("main")).to_contain_text(
        "Vazirlar Mahkamasining 2026-yil 12-fevraldagi 87-son qarori"
    )
    screenshot(page, "desk-award-cap-override-written")


def test_a_competition_amendment_restating_several_values_says_it_once(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """A competition's amendment restating its title, region and themes is refused once,
    next to the first of them; the region and the themes are marked and point at it, and
    the link takes the reader there. What was typed is kept, and nothing is written."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    competition_id = page.request.get(f"{url}/api/v1/awards/{award_id}").json()["competition_id"]
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/competition-amended?competition_id={competition_id}&lang=en")
    page.locator("#f-changes-title-uz").fill("Yoshlar tashabbuslarini qoʻllab-quvvatlash")
    page.locator("#f-changes-region").fill("UZ")
    page.locator("#f-changes-themes").fill("youth, ecology")
    page.get_by_label("Reason").fill("Aniqlik")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("[aria-invalid=true]")).to_have_count(3)
    expect(page.get_by_text("the amendment changes nothing")).to_have_count(1)
    expect(page.locator("#f-changes-title-uz-error")).to_contain_text("changes nothing")
    for name in ("region", "themes"):
        marked = page.locator(f"#f-changes-{name}")
        expect(marked).to_have_attribute("aria-invalid", "true")
        expect(marked).to_have_accessible_description(re.compile("changes nothing"))
    expect(page.locator("#f-changes-themes")).to_have_value("youth, ecology")
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-competition-amendment-restates-several")
    page.locator("#f-changes-themes").locator("..").get_by_role("link").click()
    expect(page.locator("#f-changes-title-uz")).to_be_focused()


def test_a_competition_amendment_removes_a_language(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """Each language of a changed text has a box that removes it, named with its language
    and described by the fieldset's note; ticked with a new text typed above it, the form is
    refused next to the box, in the reader's language; unticked, the new text is written."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    competition_id = page.request.get(f"{url}/api/v1/awards/{award_id}").json()["competition_id"]
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/competition-amended?competition_id={competition_id}&lang=ru")
    title_ru = page.locator("#f-changes-title-ru")
    expect(title_ru).to_have_accessible_description(re.compile("Только языки, которые меняются"))
    remove_ru = page.locator("#f-changes-title-ru-remove")
    expect(remove_ru).to_have_accessible_name("Удалить текст на этом языке (Русский)")
    expect(remove_ru).to_have_accessible_description(re.compile("Только языки, которые меняются"))
    title_ru.fill("Поддержка молодёжных инициатив в махаллях")
    remove_ru.check()
    page.get_by_label("Причина").fill("Уточнение")
    assert_accessible(page)
    page.get_by_role("button", name="Отправить").click()
    expect(remove_ru).to_have_attribute("aria-invalid", "true")
    expect(remove_ru).to_be_checked()
    expect(remove_ru).to_have_accessible_description(re.compile("но не то и другое сразу"))
    expect(title_ru).to_have_value("Поддержка молодёжных инициатив в махаллях")
    expect(page.locator("[aria-invalid=true]")).to_have_count(1)
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-competition-amendment-remove-refused")

    remove_ru.uncheck()
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    title = page.request.get(f"{url}/api/v1/competitions/{competition_id}").json()["title"]
    assert title["ru"] == "Поддержка молодёжных инициатив в махаллях"


def test_a_form_sent_again_after_back_asks_before_writing_twice(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """A new user sends an award, goes Back (the form is served again, with a new nonce, and
    Chromium fills in what was typed) and sends it again: nothing is written, the form says
    that this very award was recorded minutes ago as which entry, linked, and asks to tick a
    box to record it a second time. Ticked, the second award is written."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    competition_id = page.request.get(f"{url}/api/v1/awards/{award_id}").json()["competition_id"]
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/award?competition_id={competition_id}&lang=en")
    page.get_by_label("Recipient (org-id)").fill(NGO_UZ)
    page.get_by_label("Instrument").select_option("grant")
    page.locator("#f-title-uz").fill("Mahalla kutubxonasi")
    page.get_by_label("Amount", exact=True).fill("45000000")
    page.get_by_label("Currency", exact=True).fill("UZS")
    page.get_by_label("Award date").fill("2026-03-01")
    page.get_by_label("Period starts").fill("2026-03-10")
    page.get_by_label("Period ends").fill("2026-12-31")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{before}")
    assert ledger_size(database) == before + 1

    page.go_back()
    expect(page.get_by_label("Amount", exact=True)).to_have_value("45000000")
    expect(page.locator("#f-title-uz")).to_have_value("Mahalla kutubxonasi")
    page.get_by_role("button", name="Send").click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Nothing was written.")
    expect(notice).to_contain_text(f"as entry #{before}")
    expect(notice).to_contain_text("minute")
    written = notice.get_by_role("link", name=re.compile(r"AWD-"))
    expect(written).to_have_attribute("href", re.compile(r"/awards/AWD-"))
    assert ledger_size(database) == before + 1
    assert_accessible(page)
    screenshot(page, "desk-sent-again")

    # Sent again unticked, it still writes nothing; ticked, the second award is written.
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text(f"as entry #{before}")
    assert ledger_size(database) == before + 1
    page.get_by_label(re.compile("Record it a second time")).check()
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{before + 1}")
    assert ledger_size(database) == before + 2
