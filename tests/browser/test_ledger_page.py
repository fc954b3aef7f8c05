"""The ledger page in a real browser."""

from browser_helpers import assert_accessible


def test_ledger_page_in_the_browser(page, portal, screenshot):
    page.goto(f"{portal}/ledger?lang=en")
    assert page.locator("h1").inner_text() == "The ledger: check that nothing was changed"
    assert_accessible(page)
    screenshot(page, "ledger")
    first = page.locator("table.entries tbody tr").first.locator("td").first.inner_text()
    page.get_by_role("link", name="Older entries →").click()
    page.wait_for_url("**/ledger?before=*")
    second = page.locator("table.entries tbody tr").first.locator("td").first.inner_text()
    assert int(second) == int(first) - 50
