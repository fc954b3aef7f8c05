"""The award page in a real browser, on the demo data of both databases: accessible, its
timeline, and the in-browser verification passing on the real ledger and failing when a test
double of the leaves endpoint serves a leaf with one byte changed."""

import re
from pathlib import Path

import httpx2 as httpx
from browser_helpers import assert_accessible
from playwright.sync_api import Page, Route

from registry.ledger.checkpoint import parse_verifier_key
from registry.ledger.merkle import leaf_hash
from registry.ledger.receipt import verify_receipt

RESULT = "section.verify-ok, section.verify-failed, section.verify-pending"


def with_most_events(portal: str, collection: str, at_least: int) -> dict:
    """The first demo record of ``collection`` (``awards``, ``competitions``) with at least
    ``at_least`` events, else the one with the most of the first 60."""
    items = httpx.get(f"{portal}/api/v1/{collection}", params={"limit": 60}).json()["items"]
    best: dict = {}
    for item in items:
        record = httpx.get(f"{portal}/api/v1/{collection}/{item['id']}").json()
        if len(record["events"]) > len(best.get("events", ())):
            best = record
        if len(best["events"]) >= at_least:
            break
    return best


def award_with_events(portal: str, at_least: int = 3) -> dict:
    """A demo award with a timeline worth showing (disbursements, amendments…)."""
    return with_most_events(portal, "awards", at_least)


def verify(page: Page) -> tuple[str, list[str], str]:
    button = page.get_by_role("button", name="Verify in my browser")
    assert button.is_visible()  # hidden in the HTML, shown by the module
    button.click()
    page.wait_for_selector(RESULT, timeout=20_000)
    section = page.locator("section[data-verify]")
    classes = (section.get_attribute("class") or "").split()
    [state] = [name for name in classes if name.startswith("verify-") and name != "verify"]
    steps = page.locator(".verify-steps > li").all_inner_texts()
    return state, steps, page.locator(".verify-result").inner_text()


def test_an_award_page_verifies_in_the_browser(page: Page, portal: str, screenshot) -> None:
    award = award_with_events(portal)
    page.goto(f"{portal}/awards/{award['id']}?lang=en")
    assert page.locator("h1").inner_text()
    timeline = page.locator("ol.timeline > li")
    assert timeline.count() == len(award["events"])
    for event in award["events"]:
        item = page.locator(f"#event-{event['seq']}")
        assert item.get_by_role("link", name=f"entry #{event['seq']}").is_visible()
    assert_accessible(page)
    screenshot(page, "award")

    state, steps, result = verify(page)
    assert state == "verify-ok", (steps, result)
    assert f"all {len(award['events'])} entries" in result
    assert not any(step.startswith("✗") for step in steps), steps
    screenshot(page, "award-verified")


def test_a_tampered_leaf_fails_on_the_award_page(page: Page, portal: str, screenshot) -> None:
    award = award_with_events(portal, at_least=1)
    first = award["events"][0]["seq"]
    tampered: dict[str, bytes] = {}

    def leaves(route: Route) -> None:
        response = route.fetch()
        body = response.body()
        if not body.startswith(f'{{"seq":{first},'.encode()) and f'"seq":{first},' not in (
            body.decode()
        ):
            route.fulfill(response=response)
            return
        # One digit of the award's amount changed: a quiet edit the server tries to hide.
        changed = re.sub(
            rb'("amount":"\d*)(\d)',
            lambda m: m[1] + (b"1" if m[2] != b"1" else b"2"),
            body,
            count=1,
        )
        assert changed != body
        tampered["leaf"] = changed.rstrip(b"\n")
        route.fulfill(response=response, body=changed)

    def inclusion(route: Route) -> None:
        response = route.fetch()
        claimed = response.json()
        if "leaf" in tampered and claimed.get("leaf_index") == first:
            claimed["leaf_hash"] = leaf_hash(tampered["leaf"]).hex()  # the lie, consistent
        route.fulfill(response=response, json=claimed)

    page.route("**/api/v1/ledger/leaves*", leaves)
    page.route("**/api/v1/ledger/proofs/inclusion*", inclusion)
    page.goto(f"{portal}/awards/{award['id']}?lang=en")
    state, steps, result = verify(page)
    assert "leaf" in tampered, "the test double never served the award's first leaf"
    assert state == "verify-failed", (steps, result)
    assert "Verification FAILED" in result
    assert any(step.startswith("✗") and f"#{first}" in step for step in steps), steps
    screenshot(page, "award-verify-failed")


def test_the_receipt_downloads_from_the_award_page_and_verifies(
    page: Page, portal: str, screenshot
) -> None:
    """The box a funder prints: a QR code of the permanent link, and a receipt that the
    browser downloads and the offline verifier accepts."""
    award = award_with_events(portal, at_least=1)
    page.goto(f"{portal}/awards/{award['id']}?lang=en")
    box = page.locator("section.receipt")
    box.scroll_into_view_if_needed()
    qr = box.locator("figure.receipt-qr svg")
    assert qr.is_visible()
    size = qr.bounding_box()
    assert size is not None
    assert size["width"] >= 120  # big enough to scan from paper
    assert abs(size["width"] - size["height"]) < 2
    assert_accessible(page)
    box.screenshot(path=str(screenshot(page, "award-receipt").with_name("award-receipt-box.png")))

    with page.expect_download() as download_info:
        box.get_by_role("link", name="Download the receipt").click()
    download = download_info.value
    assert download.suggested_filename == f"award-{award['id']}.tlog-proof"
    text = Path(download.path()).read_text()
    key = parse_verifier_key(httpx.get(f"{portal}/api/v1/ledger/key").text.strip())
    proven = verify_receipt(text, log_key=key)
    assert proven.index == award["published_seq"]

    # The permanent link the QR code carries, opened as a reader would.
    link = box.locator("dd a").first.get_attribute("href") or ""
    assert link.endswith(f"?leaf={proven.leaf_hash.hex()}")
    page.goto(f"{portal}{link.split(':8000', 1)[-1]}&lang=en")
    assert page.get_by_role("status").inner_text().startswith("The leaf hash from your copy")
    screenshot(page, "award-leaf-confirmed")


def test_an_award_page_shows_its_risk_indicators_and_legal_units(
    page: Page, portal: str, screenshot
) -> None:
    flagged = httpx.get(f"{portal}/api/v1/risks", params={"indicator": "single_admitted"}).json()
    (one,) = flagged["items"]
    everything = httpx.get(f"{portal}/api/v1/risks", params={"limit": 200}).json()["items"]
    (item,) = [each for each in everything if each["award_id"] == one["award_id"]]
    assert len(item["flags"]) > 1  # the planted case raises several
    page.goto(f"{portal}/awards/{item['award_id']}?lang=en")
    section = page.locator("section.risks")
    assert section.get_by_role("heading", name="Indicators to look into").is_visible()
    listed = section.locator("li").all_inner_texts()
    assert len(listed) == len(item["flags"])
    assert any("Only one application admitted" in text for text in listed)
    for seq in {seq for flag in item["flags"] for seq in flag["seqs"]}:
        assert section.get_by_role("link", name=f"#{seq}", exact=True).count() >= 1
    assert_accessible(page)
    screenshot(page, "award-risks")
    stated = httpx.get(f"{portal}/api/v1/awards", params={"legal_unit": "MCI", "limit": 1}).json()
    (grant,) = stated["items"]
    page.goto(f"{portal}/awards/{grant['id']}?lang=ru")
    box = page.locator("section.money-box")
    assert "Указано как" in box.inner_text()
    assert "МРП" in box.inner_text()  # the size band, named in Russian
    assert_accessible(page)
    screenshot(page, "award-legal-unit")


def test_a_correction_reads_as_the_rest_of_the_page(page: Page, portal: str, screenshot) -> None:
    """Its table wrote "150000000.00" where the page writes "150 000 000 soʻm"."""
    items = httpx.get(f"{portal}/api/v1/awards", params={"limit": 500}).json()["items"]
    for item in items:
        award = httpx.get(f"{portal}/api/v1/awards/{item['id']}").json()
        corrections = [
            event
            for event in award["events"]
            if event["kind"] == "award.corrected" and "amount" in event["body"].get("changes", {})
        ]
        if corrections:
            break
    else:
        raise AssertionError("the demo has no correction of an amount")
    page.goto(f"{portal}/awards/{award['id']}?lang=ru")
    table = page.locator(f"#event-{corrections[0]['seq']} table.changes")
    cells = table.locator("td.num").all_inner_texts()
    assert len(cells) == 2
    for cell in cells:
        assert re.fullmatch(r"\d{1,3}(\s\d{3})+\s(UZS|₸)", cell), cell
    assert_accessible(page)
    screenshot(page, "award-correction")
