"""The home page in a real browser: it renders, it is accessible, the language menu works."""

from browser_helpers import assert_accessible


def test_home_page_in_the_browser(page, portal, screenshot):
    page.goto(f"{portal}/?lang=en")
    assert page.locator("h1").inner_text() == "Who got how much, for what"
    assert_accessible(page)
    screenshot(page, "home")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
    page.wait_for_url("**/?lang=ru")
    assert page.locator("html").get_attribute("lang") == "ru"


def test_search_from_the_home_page_goes_to_the_award_search(page, portal):
    page.goto(f"{portal}/?lang=en")
    page.get_by_label("Search awards, organizations and registration numbers").fill("youth")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/awards?q=youth&lang=en")
