"""What browser tests share beyond fixtures."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

AXE = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core (bundled with axe-playwright-python) finds no serious or critical violation of
    WCAG 2.0/2.1/2.2 A and AA on the page as it stands."""
    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        },
        "resultTypes": ["violations"],
    }
    results = AXE.run(page, options=options)
    serious = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:5])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"axe-core on {page.url}: {serious}"


@contextmanager
def opened(browser: Browser, **context: Any) -> Iterator[Page]:
    """A page in a context of its own (``context``: Playwright's options), closed after; any
    JavaScript error on it fails the test."""
    made = browser.new_context(**context)
    page = made.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    made.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


# For tests of a page's layout, which does not depend on the database the demo is read from
# (the same seed loads the same data on each): they run on the SQLite demo only, where they
# ran on each of the three, the same pages three times over.
LAYOUT_ONLY = pytest.mark.parametrize("demo_settings", ["sqlite"], indirect=True)
