"""The interactive API reference works on a closed network: every file it loads comes from the
registry (nothing from a CDN), and it lists the operations."""

from playwright.sync_api import Page, Route, expect

# Swagger UI parses a 1.4 MB bundle, then the 390 KB document, before it shows an operation;
# on a loaded two-core machine that took longer than expect's 5 s (CI, stop 31).
FIRST_RENDER_MS = 30_000


def test_the_api_reference_works_offline(page: Page, portal: str, screenshot) -> None:
    outside: list[str] = []

    def only_the_registry(route: Route) -> None:
        if route.request.url.startswith(portal):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_registry)
    page.goto(f"{portal}/docs")
    expect(page.get_by_text("/api/v1/oversight/conclusions", exact=True).first).to_be_visible(
        timeout=FIRST_RENDER_MS
    )
    screenshot(page, "docs", full_page=False)
    assert outside == []
    page.goto(f"{portal}/redoc")
    expect(page.get_by_text("/api/v1/oversight/conclusions").first).to_be_attached(
        timeout=FIRST_RENDER_MS
    )
    screenshot(page, "redoc", full_page=False)
    # ReDoc renders everything from the registry; only its "powered by" logo is remote.
    assert all(url.startswith("https://cdn.redoc.ly/redoc/logo") for url in outside), outside
