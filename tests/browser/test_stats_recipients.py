"""The statistics page's recipients of one funder in one year, on a desktop and on a phone:
accessible, no wider than the screen, and a screenshot of each to look at."""

import httpx2 as httpx
import pytest
from browser_helpers import assert_accessible, opened
from playwright.sync_api import Browser

FUNDER = "UZ-STIR-207050449"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_funders_recipients_in_a_year(
    browser: Browser, portal: str, screenshot, width: int
) -> None:
    years = httpx.get(
        f"{portal}/api/v1/stats/awards", params={"group_by": "year", "funder": FUNDER}
    ).json()["rows"]
    year = max(years, key=lambda row: row["count"])["key"]
    expected = httpx.get(
        f"{portal}/api/v1/stats/awards",
        params={"group_by": "recipient", "funder": FUNDER, "year": year, "limit": 12, "lang": "ru"},
    ).json()["rows"]
    with opened(browser, locale="ru-RU", viewport={"width": width, "height": 900}) as page:
        page.goto(f"{portal}/stats?funder={FUNDER}&year={year}&lang=ru#stats-recipient")
        section = page.locator("section", has=page.locator("#stats-recipient"))
        assert section.locator("tbody tr").count() == len(expected)
        first = section.locator("tbody tr").first
        assert first.get_by_role("link", name=expected[0]["name"]).is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page)
        screenshot(page, "stats-recipients")
        # The form has the funder chosen; another year is one field away.
        assert page.locator("#f-funder").input_value() == FUNDER
        page.locator("#f-year1").fill(str(int(year) - 1))
        page.locator("form.stats-form button[type=submit]").click()
        page.wait_for_url(f"**/stats?funder={FUNDER}&year={int(year) - 1}&lang=ru")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
