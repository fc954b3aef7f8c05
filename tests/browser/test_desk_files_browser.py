"""A document's SHA-256 computed from a file in a real browser, over a real uvicorn and a fresh
database of each kind: an overseer's conclusion takes its attachment's SHA-256 and size from a
file chosen beside the box, a funder's commission decision its minutes' SHA-256; the file is
hashed in the page (Web Crypto), never sent, and what the ledger holds is Python's hashlib's
digest. A file over the limit is refused where it is chosen, and without JavaScript the
picker is not shown."""

import hashlib
from typing import Any

import httpx2 as httpx
from browser_helpers import assert_accessible, opened
from domain_helpers import NGO_UZ_2, PUBLIC_FUND, World, ledger_size
from playwright.sync_api import Browser, FilePayload, Page, expect
from test_desk_browser import sign_in

from registry.core.db import Database

MINUTES = b"Komissiya bayonnomasi\n" * 4000 + bytes(range(256))
"""A document of some 88 KB with every byte value in it, as the file a person picks."""


def overseer_key(url: str, world: World) -> str:
    with httpx.Client(base_url=url) as client:
        issued = client.post(
            "/api/v1/keys",
            json={"role": "overseer", "organization_id": NGO_UZ_2},
            headers={"Authorization": f"Bearer {world.admin}"},
        )
    assert issued.status_code == 201, issued.text
    token: str = issued.json()["token"]
    return token


def written_entry(page: Page, url: str, seq: int) -> dict[str, Any]:
    """The ledger entry ``seq``, as the API serves it."""
    entry: dict[str, Any] = page.request.get(f"{url}/api/v1/ledger/entries/{seq}").json()["entry"]
    return entry


def test_a_conclusions_attachment_is_hashed_from_a_file_in_the_browser(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, award_id = live
    sign_in(page, url, overseer_key(url, world))
    page.goto(f"{url}/desk/forms/conclusion?lang=en")
    page.get_by_label("Addressed to (org-id)").fill(PUBLIC_FUND)
    page.get_by_label("Concerns").select_option("award")
    page.get_by_label("Award or competition id, or the funder's org-id").fill(award_id)
    page.get_by_role("group", name="Title").get_by_label("Oʻzbekcha").fill("Hisobot yoʻq")
    page.get_by_role("group", name="Findings").get_by_label("Oʻzbekcha").fill(
        "Yakuniy hisobot eʼlon qilinmagan"
    )
    page.get_by_label("Document name").fill("xulosa.pdf")
    expect(page.get_by_text("The file is not uploaded")).to_be_visible()
    page.get_by_label("Compute from a file").set_input_files(
        FilePayload(name="xulosa.pdf", mimeType="application/pdf", buffer=MINUTES)
    )
    expected = hashlib.sha256(MINUTES).hexdigest()
    expect(page.get_by_label("Document SHA-256")).to_have_value(expected)
    expect(page.get_by_label("Document size in bytes")).to_have_value(str(len(MINUTES)))
    expect(page.get_by_role("status")).to_contain_text(
        f"Filled in from xulosa.pdf ({len(MINUTES):,} bytes)."
    )
    assert_accessible(page)
    screenshot(page, "desk-sha256-from-a-file")

    before = ledger_size(database)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    entry = written_entry(page, url, before)
    assert entry["kind"] == "oversight.submitted"
    assert entry["body"]["attachments"] == [
        {"sha256": expected, "size": len(MINUTES), "name": "xulosa.pdf"}
    ]


def test_a_stages_document_is_hashed_and_a_file_too_large_is_not_read(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, _ = live
    sign_in(page, url, world.fund)
    page.goto(f"{url}/desk?lang=en")
    page.get_by_role("link", name="Commission decided", exact=True).click()
    competition_id = page.get_by_label("Competition").input_value()
    page.get_by_label("Date").fill("2026-02-25")
    page.get_by_label("Commission members who took part").fill("7")
    picker = page.get_by_label("Compute from a file")
    sha256 = page.get_by_label("Document SHA-256")

    # Over the limit (made small here; 200 MB on the page): said, and nothing read or filled.
    page.locator("[data-file-digest]").evaluate("picker => { picker.dataset.maxBytes = '1000'; }")
    picker.set_input_files(FilePayload(name="bayonnoma.pdf", mimeType="", buffer=MINUTES))
    expect(page.get_by_role("status")).to_contain_text(
        "bayonnoma.pdf is larger than 200 MB, too large to read in the browser"
    )
    expect(sha256).to_have_value("")
    screenshot(page, "desk-sha256-file-too-large")

    page.locator("[data-file-digest]").evaluate("picker => { delete picker.dataset.maxBytes; }")
    sha256.fill("typed by hand, replaced")
    picker.set_input_files(FilePayload(name="bayonnoma.pdf", mimeType="", buffer=MINUTES))
    expected = hashlib.sha256(MINUTES).hexdigest()
    expect(sha256).to_have_value(expected)
    before = ledger_size(database)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    entry = written_entry(page, url, before)
    assert (entry["kind"], entry["subject"]) == ("competition.commission_decided", competition_id)
    assert entry["body"]["document_sha256"] == expected


def test_without_javascript_the_picker_is_not_shown(
    browser: Browser, live: tuple[str, World, str]
) -> None:
    url, world, _ = live
    with opened(browser, locale="en-GB", java_script_enabled=False) as page:
        page.goto(f"{url}/desk/sign-in?lang=en")
        page.get_by_label("Your organization's API key").fill(world.fund)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/desk?lang=en")
        page.get_by_role("link", name="Commission decided", exact=True).click()
        expect(page.get_by_label("Document SHA-256")).to_be_editable()
        expect(page.get_by_label("Compute from a file")).to_be_hidden()
        expect(page.get_by_text("The file is not uploaded")).to_be_hidden()
