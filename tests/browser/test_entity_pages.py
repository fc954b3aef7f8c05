"""Organization and competition pages in a real browser on the demo data: accessible, and
a screenshot of each to look at."""

import httpx2 as httpx
from browser_helpers import assert_accessible
from playwright.sync_api import Page


def test_an_organization_page(page: Page, portal: str, screenshot) -> None:
    award = httpx.get(f"{portal}/api/v1/awards", params={"limit": 1}).json()["items"][0]
    page.goto(f"{portal}/organizations/{award['funder_id']}?lang=en")
    assert page.locator("svg.chart").count() >= 1
    assert_accessible(page)
    screenshot(page, "organization")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    page.wait_for_url(f"**/organizations/{award['funder_id']}?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"


def test_a_competition_page(page: Page, portal: str, screenshot) -> None:
    listed = httpx.get(f"{portal}/api/v1/competitions", params={"limit": 50}).json()["items"]
    competition = next(item for item in listed if item["award_count"])
    page.goto(f"{portal}/competitions/{competition['id']}?lang=en")
    assert page.get_by_role("heading", name="Stages").is_visible()
    assert_accessible(page)
    screenshot(page, "competition-with-stages")
    open_now = [item for item in listed if item["status"] == "open"]
    if open_now:
        page.goto(f"{portal}/competitions/{open_now[0]['id']}?lang=ru")
        assert page.get_by_role("status").is_visible()
        assert_accessible(page)
        screenshot(page, "competition-open")


def test_the_statistics_and_region_pages(page: Page, portal: str, screenshot) -> None:
    page.goto(f"{portal}/stats?lang=en")
    assert page.locator("svg.chart").count() >= 4
    assert_accessible(page)
    screenshot(page, "stats")
    page.goto(f"{portal}/regions?lang=kk")
    assert_accessible(page)
    screenshot(page, "regions")
    page.locator("table a").first.click()
    page.wait_for_url("**/regions/*?lang=kk")
    assert_accessible(page)
    screenshot(page, "region")
