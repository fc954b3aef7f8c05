"""The competition page's verification in a real browser, on the demo data of both databases
(reported by users: unlike an award's or a conclusion's page it had no "Verify" and no
receipts): every entry of the competition checked against the signed checkpoint, and a
tampered inclusion proof failing visibly."""

from browser_helpers import assert_accessible
from playwright.sync_api import Page, Route
from test_award_page import verify, with_most_events


def test_a_competition_page_verifies_in_the_browser(page: Page, portal: str, screenshot) -> None:
    competition = with_most_events(portal, "competitions", at_least=3)
    seqs = [event["seq"] for event in competition["events"]]
    assert len(seqs) >= 2, competition
    page.goto(f"{portal}/competitions/{competition['id']}?lang=en")
    section = page.locator("section[data-verify]")
    for seq in seqs:
        assert section.get_by_role("link", name=f"#{seq}", exact=True).is_visible()
    box = page.locator("section.receipt")
    assert box.locator("figure.receipt-qr svg").is_visible()
    assert box.get_by_role("link", name="Download the receipt").is_visible()
    assert box.locator("dd a[download]").count() == len(seqs)
    assert_accessible(page)
    screenshot(page, "competition")

    state, steps, result = verify(page)
    assert state == "verify-ok", (steps, result)
    assert f"all {len(seqs)} entries" in result
    assert not any(step.startswith("✗") for step in steps), steps
    for seq in seqs:
        assert any(
            step.startswith("✓") and f"#{seq} is in the signed tree" in step for step in steps
        )
    shot = screenshot(page, "competition-verified")
    section.screenshot(path=str(shot.with_name(f"{shot.stem}-box.png")))


def test_a_tampered_proof_fails_on_the_competition_page(
    page: Page, portal: str, screenshot
) -> None:
    """The proofs endpoint answers for the competition's last entry with one hash of the
    audit path changed, as a server hiding an edit would have to: the page says so."""
    competition = with_most_events(portal, "competitions", at_least=3)
    last = competition["events"][-1]["seq"]
    tampered: list[int] = []

    def inclusion(route: Route) -> None:
        response = route.fetch()
        proof = response.json()
        if proof.get("index") == last and proof["audit_path"]:
            first = proof["audit_path"][0]
            proof["audit_path"][0] = ("1" if first[0] != "1" else "2") + first[1:]
            tampered.append(last)
        route.fulfill(response=response, json=proof)

    page.route("**/api/v1/ledger/proofs/inclusion*", inclusion)
    page.goto(f"{portal}/competitions/{competition['id']}?lang=en")
    state, steps, result = verify(page)
    assert tampered, "the test double never served the competition's last proof"
    assert state == "verify-failed", (steps, result)
    assert "Verification FAILED" in result
    assert any(step.startswith("✗") and f"#{last}" in step for step in steps), steps
    assert page.locator(".verify-result").is_visible()
    shot = screenshot(page, "competition-verify-failed")
    page.locator("section[data-verify]").screenshot(
        path=str(shot.with_name(f"{shot.stem}-box.png"))
    )
