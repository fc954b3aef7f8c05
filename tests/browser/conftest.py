"""Browser tests: Playwright for Python driving Debian's chromium (never a downloaded build).

``CHROMIUM`` overrides the path. Without a browser these tests fail in CI (``CI`` set) and skip
with a reason elsewhere, as the PostgreSQL tests do. Screenshots go to ``SCREENSHOTS``
(default ``test-output/screenshots``, ignored by git) so that a person can look at each page.
"""

import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx2 as httpx
import pytest
from browser_helpers import opened
from domain_helpers import World, build_world
from live_server import serve
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from test_awards import award_body, competition_body

from registry.core.db import Database
from registry.core.settings import Settings
from registry.main import create_app

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "test-output/screenshots"))
# As root and on a closed network: no sandbox, no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (make test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with opened(browser, locale="en-GB", viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def screenshot(request: pytest.FixtureRequest):
    """``screenshot(page, "award")`` saves a full-page PNG, ``award-<test parameters>.png``;
    ``full_page=False`` saves what the window shows (a page as long as the API reference makes
    an image of megabytes in seconds)."""
    callspec = getattr(request.node, "callspec", None)
    suffix = f"-{callspec.id}" if callspec else ""

    def take(page: Page, name: str, *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture(scope="session")
def portal_settings(demo_settings):
    return demo_settings


@pytest.fixture(scope="session")
def portal_servers() -> Iterator[tuple[ExitStack, dict[Path, str]]]:
    """The portals' servers by their settings' key file, each started at most once per test
    process and stopped when the session ends, as ``demo_databases`` keeps the demo's
    databases (pytest sets ``portal`` up again whenever the tests go from one backend to
    another and back)."""
    with ExitStack() as servers:
        yield servers, {}


@pytest.fixture(scope="session")
def replica_portal_servers(
    replica_cluster: object,  # noqa: ARG001 - set up first, so stopped after the servers
) -> Iterator[tuple[ExitStack, dict[Path, str]]]:
    """``portal_servers`` for a portal reading from the replica: set up after the replica's
    cluster, so stopped before it (a server left running over a stopped cluster logs a failed
    checkpoint twice a second until it stops)."""
    with ExitStack() as servers:
        yield servers, {}


@pytest.fixture(scope="session")
def portal(request: pytest.FixtureRequest, portal_settings: Settings) -> str:
    """The base URL of a real uvicorn serving the registry (API and portal) over the demo data,
    once per backend per test process. Read only: tests that write make their own app."""
    servers, urls = request.getfixturevalue(
        "replica_portal_servers" if portal_settings.read_database_url else "portal_servers"
    )
    key = portal_settings.signing_key_file
    if key not in urls:
        urls[key] = servers.enter_context(serve(create_app(portal_settings)))
    return str(urls[key])


@pytest.fixture
def live(settings: Settings, database: Database) -> Iterator[tuple[str, World, str]]:
    """A server over a fresh database: its URL, the world, and an award to write to."""
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as client:
        world = build_world(client, database)  # type: ignore[arg-type]  # the same API
        headers = {"Authorization": f"Bearer {world.fund}"}
        competition = client.post("/api/v1/competitions", json=competition_body(), headers=headers)
        award = client.post(
            "/api/v1/awards", json=award_body(competition.json()["id"]), headers=headers
        )
        assert award.status_code == 201, award.text
        yield url, world, award.json()["id"]
