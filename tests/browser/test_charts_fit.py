"""The statistics and region charts are read whole, on a desktop and on a phone (found by a
journalist in Chromium: on /stats in Russian and a region's page in Kazakh the bars' labels
were cut at the chart's left edge, "АО «Центр…" for "НАО «Центр…", "лматы…" for "Алматы…",
and on a 390 px phone the chart's text was about 6 px tall, the 890-unit drawing scaled down
to the screen)."""

import pytest
from browser_helpers import LAYOUT_ONLY, opened
from playwright.sync_api import Browser

from registry.web.i18n import LANGUAGES

PAGES = ("/stats", "/regions/KZ-75")  # the demo's Almaty: long Russian and Kazakh names
SMALLEST_TEXT = 11  # CSS px, as the reader sees it

# Every <text> of every chart the page shows: its box, its chart's box, and its font size as
# drawn (the computed size times the scale from the viewBox to the screen).
CHART_TEXTS = """() => [...document.querySelectorAll('svg.chart')]
    .filter(svg => svg.getBoundingClientRect().width > 0)
    .flatMap(svg => {
        const box = svg.getBoundingClientRect();
        const scale = svg.getScreenCTM().a;
        return [...svg.querySelectorAll('text')].map(text => {
            const own = text.getBoundingClientRect();
            return {
                text: text.textContent,
                inside: own.left >= box.left - 0.5 && own.right <= box.right + 0.5
                    && own.top >= box.top - 0.5 && own.bottom <= box.bottom + 0.5,
                size: parseFloat(getComputedStyle(text).fontSize) * scale,
            };
        });
    })"""


@LAYOUT_ONLY
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", [language.code for language in LANGUAGES])
def test_chart_texts_lie_inside_their_charts_and_are_legible(
    browser: Browser, portal: str, screenshot, language: str, width: int
) -> None:
    phone = width < 500
    context = {"viewport": {"width": width, "height": 844 if phone else 900}}
    if phone:
        context |= {"device_scale_factor": 2, "is_mobile": True}
    with opened(browser, **context) as page:
        for path in PAGES:
            page.goto(f"{portal}{path}?lang={language}")
            texts = page.evaluate(CHART_TEXTS)
            assert texts, f"no chart shown on {path} in {language}"
            cut = [text["text"] for text in texts if not text["inside"]]
            assert not cut, f"{path} in {language} at {width} px: labels cut off: {cut}"
            if phone:
                small = {text["text"]: round(text["size"], 1) for text in texts}
                small = {text: size for text, size in small.items() if size < SMALLEST_TEXT}
                assert not small, f"{path} in {language} at {width} px: text too small: {small}"
            screenshot(page, f"charts{path.replace('/', '-')}")
