"""A competition's stage recorded through the desk in a real browser, over a real uvicorn and
a fresh database of each kind: opened from the competition's line on the desk, its counts by
language refused beside their boxes when they do not add up, then written and shown on the
competition's public page."""

from browser_helpers import assert_accessible
from domain_helpers import World, ledger_size
from playwright.sync_api import Page, expect
from test_desk_browser import sign_in

from registry.core.db import Database


def test_a_funder_records_that_applications_closed(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, _ = live
    sign_in(page, url, world.fund)
    page.goto(f"{url}/desk?lang=en")
    page.get_by_role("link", name="Applications closed", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record that applications closed")
    competition_id = page.get_by_label("Competition").input_value()
    assert competition_id.startswith("CMP-")
    before = ledger_size(database)
    page.get_by_label("Date").fill("2026-02-11")
    page.get_by_label("Applications received").fill("40")
    page.get_by_label("Organizations that applied").fill("36")
    by_language = page.get_by_role("group", name="Applications by language")
    by_language.get_by_label("Oʻzbekcha").fill("30")
    by_language.get_by_label("Русский").fill("5")
    page.get_by_role("button", name="Send").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Applications by language"])
    expect(by_language).to_contain_text("adds up to 35, not 40")
    expect(by_language.get_by_label("Русский")).to_have_value("5")
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-stage-refused")

    by_language.get_by_label("Русский").fill("10")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    expect(page.get_by_role("status")).to_contain_text(
        f"The registry recorded the close of applications to competition {competition_id}."
    )
    assert ledger_size(database) == before + 1
    page.goto(f"{url}/competitions/{competition_id}?lang=en")
    expect(page.locator(".timeline")).to_contain_text(
        "40 applications from 36 organizations: in Uzbek 30, in Russian 10"
    )
    page.goto(f"{url}/desk?lang=en")
    expect(page.get_by_role("link", name="Applications closed", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="Compliance checked", exact=True)).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "desk-stages-offered")
