"""Every main page fits a 320 px wide phone in every language: the document is never wider
than the screen (found by a new user's test: the award search was 932 px wide in Kazakh, its
results table widening the page's only grid column; then by a tester at 320 px: a competition
of 14 billion soʻm was 351 px wide, its budget in large type one unbreakable line, and the
ledger page 331, a proof's URL in its text). A wide table scrolls in its own box."""

from collections.abc import Iterator

import httpx2 as httpx
import pytest
from browser_helpers import LAYOUT_ONLY, opened
from domain_helpers import World
from playwright.sync_api import Browser, Page

from registry.web.i18n import LANGUAGES

PHONE_WIDTH = 320
"""The narrowest phones still sold and used (a small Android, the first iPhone SE)."""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    with opened(browser, viewport={"width": PHONE_WIDTH, "height": 800}) as page:
        yield page


def _main_pages(portal: str) -> list[str]:
    listed = httpx.get(f"{portal}/api/v1/awards", params={"limit": 50}).json()["items"]
    award = next(item for item in listed if item["competition_id"])
    largest = httpx.get(
        f"{portal}/api/v1/competitions", params={"sort": "-budget", "currency": "UZS", "limit": 1}
    ).json()["items"][0]
    return [
        "/",
        "/awards",
        f"/awards/{award['id']}",
        "/competitions",
        f"/competitions/{award['competition_id']}",
        f"/competitions/{largest['id']}",  # its budget, in large type, is the widest figure
        "/organizations",
        f"/organizations/{award['funder_id']}",
        "/regions",
        "/stats",
        "/oversight",
        "/ledger",
        "/problems",
        "/desk/sign-in",
    ]


@LAYOUT_ONLY
@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_every_main_page_fits_a_phone(phone: Page, portal: str, screenshot, language) -> None:
    too_wide = {}
    for path in _main_pages(portal):
        phone.goto(f"{portal}{path}?lang={language}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            too_wide[path] = width
    assert not too_wide, f"wider than {PHONE_WIDTH} px in {language}: {too_wide}"
    phone.goto(f"{portal}/awards?lang={language}")
    screenshot(phone, "awards-phone")


@LAYOUT_ONLY
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_facts_leave_their_values_room_on_a_phone(phone: Page, portal: str, language) -> None:
    """A page's facts (label, value) keep their values readable on a phone (found by a new
    user: on the award and competition pages in Russian the labels' column took its widest
    label, "Финансирующая организация", and left the values about 70 px, a funder's name
    broken every five letters). Each value is at least half as wide as its list."""
    squeezed = {}
    for path in _main_pages(portal):
        phone.goto(f"{portal}{path}?lang={language}")
        narrowest = phone.evaluate(
            """() => Math.min(1, ...[...document.querySelectorAll('dl.facts')].flatMap(list =>
                [...list.querySelectorAll(':scope > dd')].map(value =>
                    value.getBoundingClientRect().width / list.getBoundingClientRect().width)))"""
        )
        if narrowest < 0.5:
            squeezed[path] = round(narrowest, 2)
    assert not squeezed, f"values squeezed on a {PHONE_WIDTH} px phone in {language}: {squeezed}"


JOURNALIST_PHONE = 390


@LAYOUT_ONLY
@pytest.mark.parametrize("language", ["en", "ru"])
def test_award_amounts_are_seen_whole_on_a_phone(
    browser: Browser, portal: str, screenshot, language
) -> None:
    """On a 390 px phone a journalist sees who got how much without swiping (found by a
    journalist: the awards table put Amount, Date and Status off-screen to the right, with no
    hint that it scrolled, and cut amounts, "UZS725,400,0"). On the award search and on a
    funder's page every amount of the first rows lies inside the screen on one line, and the
    page itself does not scroll sideways."""
    listed = httpx.get(f"{portal}/api/v1/awards", params={"limit": 1}).json()["items"]
    context = {"viewport": {"width": JOURNALIST_PHONE, "height": 844}, "is_mobile": True}
    with opened(browser, device_scale_factor=2, **context) as phone:
        for name, path in [
            ("awards", "/awards"),
            ("funder", f"/organizations/{listed[0]['funder_id']}"),
        ]:
            phone.goto(f"{portal}{path}?lang={language}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= JOURNALIST_PHONE, f"{path} is {width} px wide in {language}"
            amounts = phone.evaluate(
                """() => [...document.querySelectorAll('table.awards tbody tr')].slice(0, 5)
                    .map(row => row.querySelector('td .money'))
                    .map(money => ({text: money.textContent,
                                    right: money.getBoundingClientRect().right,
                                    lines: money.getClientRects().length}))"""
            )
            assert len(amounts) == 5, f"{path}: {amounts}"
            hidden = [amount for amount in amounts if amount["right"] > JOURNALIST_PHONE]
            assert not hidden, f"{path} in {language}: amounts past the screen's edge: {hidden}"
            broken = [amount for amount in amounts if amount["lines"] != 1]
            assert not broken, f"{path} in {language}: amounts broken over lines: {broken}"
            screenshot(phone, f"award-amounts-{name}-phone")


def test_a_phone_reader_skips_the_filters_to_the_results(phone: Page, portal: str) -> None:
    """Found by a journalist: on a phone three and a half screens of facets came before the
    first award, and a keyboard took 68 Tab presses to the downloads. A link after the form
    goes to the results' heading: shown on a phone, and to a keyboard's focus on a desktop."""
    phone.goto(f"{portal}/awards?year=2025&lang=ru")
    link = phone.get_by_role("link", name="Перейти к результатам")
    assert link.is_visible()
    heading = phone.locator("#results-title")
    assert heading.bounding_box()["y"] > 800  # below the first screen
    link.click()
    assert phone.evaluate("document.activeElement.id") == "results-title"
    assert phone.evaluate("window.scrollY") > 0
    assert heading.bounding_box()["y"] < 100  # at the top of the screen


def test_a_keyboard_reader_reaches_the_skip_to_results_link(page: Page, portal: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{portal}/awards?year=2025&lang=en")
    link = page.get_by_role("link", name="Skip to the results")
    assert link.bounding_box()["x"] < 0  # out of sight until focused
    link.focus()
    assert link.bounding_box()["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results-title"
    page.keyboard.press("Tab")  # the next stop is in the results: the downloads
    assert page.evaluate("document.activeElement.closest('.results') !== null")


NARROW_WIDTHS = (600, 390)


def _organizations_to_measure(portal: str) -> list[str]:
    """The organizations whose pages hold the widest things: every organization that gave or
    must answer an oversight conclusion (the conclusions' table), every funder (its totals,
    the largest amounts), and the recipient of the first award."""
    funders, url = [], f"{portal}/api/v1/organizations?role=funder&limit=100"
    while url:
        listed = httpx.get(url).json()
        funders += [organization["org_id"] for organization in listed["items"]]
        url = listed["next"]
    conclusions = httpx.get(f"{portal}/api/v1/oversight/conclusions", params={"limit": 100})
    parties = [
        org_id
        for conclusion in conclusions.json()["items"]
        for org_id in (conclusion["body_id"], conclusion["overseer_id"])
    ]
    award = httpx.get(f"{portal}/api/v1/awards", params={"limit": 1}).json()["items"][0]
    return list(dict.fromkeys([*parties, *funders, award["recipient_id"]]))


@LAYOUT_ONLY
@pytest.mark.parametrize("width", NARROW_WIDTHS)
@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_organization_pages_fit_narrow_windows(
    browser: Browser, portal: str, screenshot, language, width
) -> None:
    """Found by a reader: an organization's page in Kazakh was 654 px wide in a 600 px window,
    a funder's total (an amount never breaks) wider than its box in the figures' third column,
    and the oversight conclusions' table, six columns of long Kazakh words, scrolling sideways
    in its box. No organization's page, nor a page of the other main kinds, is wider than a
    600 px window or a 390 px phone in any language."""
    organizations = [f"/organizations/{org_id}" for org_id in _organizations_to_measure(portal)]
    too_wide, scrolled = {}, {}
    with opened(browser, viewport={"width": width, "height": 800}) as window:
        for path in [*organizations, *_main_pages(portal)]:
            window.goto(f"{portal}{path}?lang={language}")
            wide = window.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                too_wide[path] = wide
            if path in organizations:
                # An organization's tables lay their rows out as blocks here: none scrolls
                # sideways in its box, past the reader's sight.
                boxes = window.evaluate(
                    """() => [...document.querySelectorAll('.table-scroll')]
                        .filter(box => box.scrollWidth > box.clientWidth + 1)
                        .map(box => box.getAttribute('aria-label'))"""
                )
                if boxes:
                    scrolled[path] = boxes
        window.goto(f"{portal}{organizations[0]}?lang={language}")
        screenshot(window, "organization-narrow")
    assert not too_wide, f"wider than {width} px in {language}: {too_wide}"
    assert not scrolled, f"tables scrolling sideways at {width} px in {language}: {scrolled}"


WORDS_BROKEN_IN_FIRST_COLUMN = """() => [...document.querySelectorAll('table.changes tr > th:first-child')]
    .flatMap(cell => {
        const text = cell.firstChild;
        if (!text || text.nodeType !== Node.TEXT_NODE) return [];
        const broken = [];
        for (const word of text.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(text, word.index);
            range.setEnd(text, word.index + word[0].length);
            const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
            if (tops.size > 1) broken.push(word[0]);
        }
        return broken;
    })"""


@pytest.mark.parametrize("language", ["uz", "uz-Cyrl", "ru", "kk", "en"])
def test_an_amendments_table_keeps_its_first_columns_words_whole_on_a_phone(
    browser: Browser, live: tuple[str, World, str], language: str
) -> None:
    """Found by an overseer: on a 390 px phone the award page's table of an amendment wrapped
    its first column one letter a line ("Maydon", "Miqdor"), as its event may break words
    anywhere (for a long link) and its values take the width. No word of that column is
    broken over lines, and the page does not scroll sideways."""
    url, world, award_id = live
    amended = httpx.post(
        f"{url}/api/v1/awards/{award_id}/events",
        json={
            "type": "amended",
            "amount": "450000000.00",
            "period": {"start": "2026-03-15", "end": "2027-03-31"},
            "reason": "Qoʻshimcha tadbirlar",
        },
        headers={"Authorization": f"Bearer {world.fund}"},
    )
    assert amended.status_code == 201, amended.text
    context = {"viewport": {"width": JOURNALIST_PHONE, "height": 844}, "is_mobile": True}
    with opened(browser, device_scale_factor=2, **context) as phone:
        phone.goto(f"{url}/awards/{award_id}?lang={language}")
        assert phone.locator("table.changes").count() >= 1
        broken = phone.evaluate(WORDS_BROKEN_IN_FIRST_COLUMN)
        assert not broken, f"words broken over lines in {language}: {broken}"
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= JOURNALIST_PHONE, f"the award page is {width} px wide in {language}"
