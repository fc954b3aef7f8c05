"""The public oversight pages in a real browser on the demo data: accessible, with screenshots;
and an NGO submitting a conclusion through the desk."""

import httpx2 as httpx
import pytest
from browser_helpers import assert_accessible, opened
from domain_helpers import NGO_UZ_2, PUBLIC_FUND, World, issue_key, ledger_size
from playwright.sync_api import Browser, Page, expect

from registry.auth.principal import Role
from registry.core.db import Database
from registry.web.i18n import LANGUAGES


def test_the_oversight_pages(page: Page, portal: str, screenshot) -> None:
    page.goto(f"{portal}/oversight?lang=en")
    expect(page.get_by_role("heading", name="Overdue now")).to_be_visible()
    assert page.locator(".overdue-days").count() >= 1
    assert_accessible(page)
    screenshot(page, "oversight")
    escalated = next(
        item
        for item in httpx.get(f"{portal}/api/v1/oversight/conclusions").json()["items"]
        if item["escalations"]
    )
    page.goto(f"{portal}/oversight/conclusions/{escalated['id']}?lang=ru")
    expect(page.get_by_role("heading", name="История")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "conclusion")
    page.goto(f"{portal}/oversight/bodies/{PUBLIC_FUND}?lang=kk")
    assert_accessible(page)
    screenshot(page, "oversight-body")


def test_an_ngo_submits_a_conclusion_through_the_desk(
    page: Page,
    live: tuple[str, World, str],
    database: Database,
    screenshot,
) -> None:
    url, _world, award_id = live
    token = issue_key(database, Role.OVERSEER, NGO_UZ_2)
    page.goto(f"{url}/desk/sign-in?lang=en")
    page.get_by_label("Your organization's API key").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/desk?lang=en")
    page.get_by_role("link", name="Submit a conclusion").click()
    page.get_by_label("Addressed to (org-id)").fill(PUBLIC_FUND)
    page.get_by_label("Concerns").select_option("award")
    page.get_by_label("Award or competition id, or the funder's org-id").fill(award_id)
    page.locator("#f-title-uz").fill("Hisobot eʼlon qilinmagan")
    page.locator("#f-findings-ru").fill("Промежуточный отчёт не опубликован.")
    page.get_by_label("Document SHA-256").fill("ef" * 32)
    page.get_by_label("Document size in bytes").fill("2048")
    before = ledger_size(database)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    page.get_by_role("link", name="See it on its public page").click()
    page.wait_for_url("**/oversight/conclusions/OVS-*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hisobot eʼlon qilinmagan")
    assert_accessible(page)
    screenshot(page, "desk-conclusion-submitted")


DESKTOP_WIDTH = 1280


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_the_bodies_record_fits_its_box_on_a_desktop(page: Page, portal: str, screenshot, language):
    """Found by a journalist: at 1280 px the bodies' record on /oversight was wider than the
    page in every language (1,703 px in Uzbek), its number headings kept on one line."""
    assert page.viewport_size == {"width": DESKTOP_WIDTH, "height": 900}
    page.goto(f"{portal}/oversight?lang={language}")
    measured = page.evaluate(
        """() => [...document.querySelectorAll('table.record, table.conclusions')].map(table => {
            const box = table.closest('.table-scroll');
            return {table: table.scrollWidth, box: box.clientWidth,
                    scrolls: box.scrollWidth > box.clientWidth};
        })"""
    )
    assert measured
    for found in measured:
        assert found["table"] <= found["box"], (language, measured)
        assert not found["scrolls"], (language, measured)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP_WIDTH
    screenshot(page, "oversight-desktop")


# Each heading's words, each as a Range over its letters: a word broken across lines has more
# than one line box (more than one distinct top among its letters' rectangles). A compound's
# own hyphen ("qoʻllab-quvvatlash") is a place to break, as between words.
BROKEN_WORDS = """() => {
    const broken = [];
    for (const cell of document.querySelectorAll('table.record thead th, table.record tbody th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/[^\\s-]+/g)) {
                const tops = new Set();
                for (let i = 0; i < match[0].length; i++) {
                    const range = document.createRange();
                    range.setStart(node, match.index + i);
                    range.setEnd(node, match.index + i + 1);
                    for (const rect of range.getClientRects()) tops.add(Math.round(rect.top));
                }
                if (tops.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_the_bodies_record_wraps_its_headings_between_words(
    page: Page, portal: str, language
) -> None:
    """Found by a journalist: at 1280 px "Received" broke as "Receiv/ed", the headings being
    allowed to break anywhere (and hyphenate) so that the table fit."""
    page.goto(f"{portal}/oversight?lang={language}")
    assert page.evaluate(BROKEN_WORDS) == [], language


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_the_bodies_record_scrolls_in_its_box_on_a_phone(
    browser: Browser, portal: str, screenshot, language
) -> None:
    """Found by a journalist: on a 390 px phone in Uzbek Cyrillic the headings were squeezed to
    one letter a line. The table keeps its words whole and scrolls sideways in its own box, a
    region a keyboard can focus and scroll; the page is no wider than the phone."""
    with opened(browser, viewport=PHONE) as phone:
        phone.goto(f"{portal}/oversight?lang={language}")
        assert phone.evaluate(BROKEN_WORDS) == [], language
        box = phone.locator(".table-scroll:has(table.record)")
        assert box.get_attribute("role") == "region"
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("aria-label")
        assert box.evaluate("box => getComputedStyle(box).overflowX") == "auto"
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        box.focus()
        phone.keyboard.press("ArrowRight")
        phone.wait_for_function(
            "() => document.querySelector('.table-scroll:has(table.record)').scrollLeft > 0"
        )
        screenshot(phone, "oversight-phone")
