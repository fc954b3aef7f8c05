"""The organizations' desk in a real browser, over a real uvicorn and a fresh database of each
kind: sign in, a form refused with the error next to its field and the typed text kept, the
same form accepted with its ledger entry, a forged CSRF token refused, and sign-out."""

from browser_helpers import assert_accessible
from domain_helpers import PUBLIC_FUND, World, ledger_size
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
    page.get_by_role("link", name="See it on its public page").click()
    page.wait_for_url(f"**/awards/{award_id}**")

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
