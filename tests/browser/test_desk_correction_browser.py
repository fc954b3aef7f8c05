"""An award's disbursement corrected through the desk in a real browser, over a real uvicorn
and a fresh database of each kind: the award named, its events listed to choose from, the
disbursement's boxes filled in with what it records, a send without a reason refused beside
its box with nothing written, then only the amount changed written."""

import httpx2 as httpx
from browser_helpers import assert_accessible
from domain_helpers import World, ledger_size
from playwright.sync_api import Page, expect
from test_awards import award_body
from test_desk_browser import sign_in

from registry.core.db import Database
from registry.ledger import service as ledger_service


def _disbursed(url: str, world: World, award_id: str) -> int:
    """A first tranche of UZS 10,000,000 paid on 2026-03-20, through the API; its entry."""
    with httpx.Client(base_url=url) as client:
        paid = client.post(
            f"/api/v1/awards/{award_id}/events",
            json={"type": "disbursed", "amount": "10000000.00", "date": "2026-03-20", "tranche": 1},
            headers={"Authorization": f"Bearer {world.fund}"},
        )
    assert paid.status_code == 201, paid.text
    return int(paid.json()["events"][-1]["seq"])


def test_a_funder_corrects_a_disbursements_amount(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    url, world, award_id = live
    seq = _disbursed(url, world, award_id)
    sign_in(page, url, world.fund)
    page.get_by_role("link", name="Correct an award's event").click()
    page.get_by_label("Award").fill(award_id)
    page.get_by_role("button", name="Show the award's entries").click()
    entries = page.get_by_role("list").filter(has_text="Disbursement of")
    expect(entries.get_by_role("listitem")).to_have_count(2)
    disbursement = entries.get_by_role("listitem").filter(has_text=f"entry #{seq}")
    expect(disbursement).to_contain_text("Disbursement of UZS")
    expect(disbursement).to_contain_text("10,000,000 on Mar 20, 2026, tranche 1")
    assert_accessible(page)
    screenshot(page, "desk-correction-entries")
    disbursement.get_by_role("link", name="Correct").click()

    expect(page.get_by_label("Amount")).to_have_value("10,000,000")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2026-03-20")
    expect(page.get_by_label("Tranche number")).to_have_value("1")
    page.get_by_label("Amount").fill("15,000,000")
    before = ledger_size(database)
    page.get_by_role("button", name="Send").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Why it is corrected"])
    expect(page.get_by_label("Amount")).to_have_value("15,000,000")
    assert ledger_size(database) == before
    assert_accessible(page)
    screenshot(page, "desk-correction-refused")

    page.get_by_label("Why it is corrected").fill("The bank's statement says 15,000,000")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    expect(page.get_by_role("status")).to_contain_text(
        f"The registry recorded a correction of award {award_id}."
    )
    assert ledger_size(database) == before + 1
    with database.session() as session:
        entry = ledger_service.decode_leaf(ledger_service.entry(session, before).leaf)
    assert entry["body"] == {
        "corrects": seq,
        "changes": {"amount": "15000000.00"},
        "reason": "The bank's statement says 15,000,000",
        "void": False,
    }


def test_texts_on_several_lines_are_left_as_recorded(
    page: Page, live: tuple[str, World, str], database: Database, screenshot
) -> None:
    """An award recorded through the API with a purpose and a legal basis on two lines: in
    Chromium, which sends a text area's line breaks as "\\r\\n" and drops a one-line box's,
    the form sent as it opens is refused as changing nothing, and with only the amount
    changed writes only the amount."""
    url, world, _ = live
    with httpx.Client(base_url=url) as client:
        award = client.post(
            "/api/v1/awards",
            json=award_body(
                None,
                legal_basis="PQ-1\n5-modda",
                purpose={"uz": "Birinchi qator\nIkkinchi qator"},
            ),
            headers={"Authorization": f"Bearer {world.fund}"},
        )
    assert award.status_code == 201, award.text
    award_id, seq = award.json()["id"], award.json()["published_seq"]
    sign_in(page, url, world.fund)
    page.goto(f"{url}/desk/forms/award-corrected?award_id={award_id}&corrects={seq}&lang=en")
    purpose = page.locator("textarea#f-changes-purpose-uz")
    expect(purpose).to_have_value("Birinchi qator\nIkkinchi qator")
    expect(page.locator("textarea#f-changes-legal_basis")).to_have_value("PQ-1\n5-modda")
    page.get_by_label("Why it is corrected").fill("Summa xato")
    before = ledger_size(database)
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("alert")).to_contain_text(
        f"Nothing was changed: every box holds what entry #{seq} records."
    )
    assert ledger_size(database) == before
    screenshot(page, "desk-correction-nothing-changed")

    page.get_by_label("Amount").fill("200,000,000")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    assert ledger_size(database) == before + 1
    with database.session() as session:
        entry = ledger_service.decode_leaf(ledger_service.entry(session, before).leaf)
    assert entry["body"]["changes"] == {"amount": "200000000.00"}


def test_the_boxes_stop_what_the_api_would_refuse(
    page: Page, live: tuple[str, World, str], screenshot
) -> None:
    """A disbursement's correction in Chromium: a note longer than the API's 4,000
    characters is cut at 4,000 as it is typed, a tranche takes four digits (at most 1000,
    as its box says), and the date picker offers no day before the award date or after
    today."""
    url, world, award_id = live
    seq = _disbursed(url, world, award_id)
    sign_in(page, url, world.fund)
    page.goto(f"{url}/desk/forms/award-corrected?award_id={award_id}&corrects={seq}&lang=en")

    note = page.get_by_label("Note")
    note.fill("x" * 3990)
    note.press("End")
    note.press_sequentially("0123456789ABCDEF")  # typed as a person types: 16 more
    expect(note).to_have_value("x" * 3990 + "0123456789")
    expect(page.locator("#f-changes-note-hint")).to_have_text("At most 4,000 characters.")
    tranche = page.get_by_label("Tranche number")
    tranche.fill("")
    tranche.press_sequentially("12345")
    expect(tranche).to_have_value("1234")
    expect(page.locator("#f-changes-tranche-hint")).to_have_text("A whole number from 1 to 1000.")
    day = page.get_by_label("Date", exact=True)
    expect(day).to_have_attribute("min", "2026-03-01")
    assert day.evaluate("box => box.max") == day.evaluate(
        "() => new Date().toLocaleDateString('sv', {timeZone: 'Asia/Tashkent'})"
    )
    day.fill("1999-12-31")
    assert day.evaluate("box => box.validity.rangeUnderflow")
    assert_accessible(page)
    screenshot(page, "desk-correction-limits")


def test_the_success_page_opens_the_correction_of_the_entry_written(
    page: Page, live: tuple[str, World, str], screenshot
) -> None:
    """After recording a disbursement, "Correct entry #…" on the success page opens the
    correction's form with that disbursement chosen."""
    url, world, award_id = live
    sign_in(page, url, world.fund)
    page.goto(f"{url}/desk/forms/award-disbursed?award_id={award_id}&lang=en")
    page.locator("#f-amount").fill("10,000,000")
    page.locator("#f-date").fill("2026-03-20")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/desk/written/*")
    seq = int(page.url.split("?")[0].rsplit("/", 1)[1])
    link = page.get_by_role("link", name=f"Correct entry #{seq}")
    expect(link).to_be_visible()
    assert_accessible(page)
    screenshot(page, "desk-written-correct-link")
    link.click()

    expect(page.locator(".chosen-entry")).to_contain_text(f"entry #{seq}")
    expect(page.get_by_label("Amount")).to_have_value("10,000,000")
