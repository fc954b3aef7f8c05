"""The desk's forms in a real browser as a keyboard and screen-reader user meets them: after
a refused send the error summary has the focus, and each field it lists is a link that
takes the focus to the field."""

from browser_helpers import assert_accessible
from domain_helpers import World, ledger_size
from playwright.sync_api import Page, expect
from test_desk_browser import sign_in

from registry.core.db import Database


def test_a_refused_form_focuses_its_error_summary_which_links_each_field(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, award_id = live
    sign_in(page, url, world.fund)
    before = ledger_size(database)
    page.goto(f"{url}/desk/forms/award-disbursed?award_id={award_id}&lang=en")
    expect(page.get_by_label("Amount")).to_have_attribute("required", "")
    page.get_by_label("Amount").fill("-5")
    page.get_by_role("button", name="Send").click()  # novalidate: the server judges
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(page).to_have_title("Error: Record a disbursement · Registry")
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Amount", "Date"])
    links.first.click()
    expect(page.get_by_label("Amount")).to_be_focused()
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-form-error-summary")
