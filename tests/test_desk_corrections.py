"""The desk's correction of an award's event, on both databases: the official picks the event
from the award's own, then corrects its fields in boxes of their kind filled in with what it
records; only what was changed is sent, and the service's refusals are shown beside the boxes
with nothing written."""

import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from domain_helpers import MINISTRY, NGO_UZ, bearer, ledger_size
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_awards import award_body
from test_desk import errors_next_to, field_value, form_about, marked_fields, sign_in

from registry.awards import service as award_service
from registry.core import clock
from registry.core.db import Database
from registry.ledger import service as ledger_service
from registry.web.desk import forms

SLUG = "award-corrected"


def add_event(desk: Desk, award_id: str, body: dict, token: str | None = None) -> int:
    """An event written through the API; its ledger entry."""
    response = desk.client.post(
        f"/api/v1/awards/{award_id}/events", json=body, headers=bearer(token or desk.world.fund)
    )
    assert response.status_code == 201, response.text
    return max(event["seq"] for event in response.json()["events"])


def disburse(desk: Desk, award_id: str, amount: str = "10000000.00", tranche: int = 1) -> int:
    return add_event(
        desk,
        award_id,
        {"type": "disbursed", "amount": amount, "date": "2026-03-20", "tranche": tranche},
    )


def correction_form(client: TestClient, award_id: str, seq: int, **params: str) -> str:
    """The correction's form for entry ``seq``, opened as its link in the list opens it."""
    response = client.get(
        f"/desk/forms/{SLUG}", params={"award_id": award_id, "corrects": str(seq), **params}
    )
    assert response.status_code == 200, response.text
    return response.text


def boxes(html: str) -> dict[str, str]:
    """What a form sends as it is shown: its inputs' and text areas' values (no checkbox)."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name, value = re.search(r' name="([^"]+)"', tag), re.search(r' value="([^"]*)"', tag)
        if name and value and 'type="checkbox"' not in tag:
            values[unescape(name[1])] = unescape(value[1])
    for name, text in re.findall(r'<textarea[^>]*? name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        values[unescape(name)] = unescape(text)
    return values


def last_entry(database: Database) -> dict:
    with database.session() as session:
        size = ledger_service.size(session)
        return ledger_service.decode_leaf(ledger_service.entry(session, size - 1).leaf)


def test_the_form_lists_the_awards_events_to_choose_from(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    voided = disburse(desk, award_id, "5000000.00", tranche=2)
    add_event(
        desk,
        award_id,
        {"type": "corrected", "corrects": voided, "void": True, "reason": "Ikki marta"},
    )
    sign_in(browser_like, desk.world.fund)

    page = browser_like.get(f"/desk/forms/{SLUG}", params={"award_id": award_id, "lang": "en"})

    assert page.status_code == 200, page.text
    listed = re.findall(r"<li>(.*?) — <a href=\"([^\"]+)\">Correct<span", page.text)
    said = [re.sub(r"<[^>]+>", "", unescape(text)) for text, _ in listed]
    published = desk.award["published_seq"]
    assert said == [
        f"Publication of UZS\u00a0300,000,000 on Mar 1, 2026, entry #{published}",
        f"Disbursement of UZS\u00a010,000,000 on Mar 20, 2026, tranche 1, entry #{paid}",
    ]  # the voided disbursement and the correction itself are not offered
    assert unescape(listed[1][1]) == (
        f"/desk/forms/{SLUG}?award_id={award_id}&corrects={paid}&lang=en"
    )
    assert 'name="changes"' not in page.text  # no JSON box
    russian = browser_like.get(f"/desk/forms/{SLUG}", params={"award_id": award_id, "lang": "ru"})
    assert "Выплата 10\u00a0000\u00a0000\u00a0UZS" in unescape(russian.text)


def test_an_event_opens_with_its_own_boxes_filled_in_with_what_it_records(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)

    html = correction_form(browser_like, award_id, paid, lang="ru")

    shown = boxes(html)
    assert shown["changes.amount"] == "10\u00a0000\u00a0000"  # as the Russian page writes it
    assert (shown["changes.date"], shown["changes.tranche"]) == ("2026-03-20", "1")
    assert shown["changes.note"] == ""
    assert (shown["award_id"], shown["corrects"]) == (award_id, str(paid))
    assert 'type="date"' in re.search(r'<input id="f-changes-date"[^>]*>', html)[0]
    assert 'name="void"' in html
    assert "changes.title" not in html  # a disbursement has no title
    published = correction_form(browser_like, award_id, desk.award["published_seq"])
    assert boxes(published)["changes.title.uz"] == "Ekologik maktab loyihasi"
    assert boxes(published)["changes.themes"] == "ecology"
    assert 'name="void"' not in published  # the award itself is terminated, not voided


def control(html: str, name: str) -> str:
    """The opening tag of the input or text area named ``name``."""
    found = re.search(rf'<(?:input|textarea) id="[^"]+" name="{re.escape(name)}"[^>]*>', html)
    assert found, f"no control {name}"
    return found[0]


def hint_of(html: str, name: str) -> str:
    found = re.search(rf'<span class="hint" id="f-{re.escape(name.replace(".", "-"))}-hint">', html)
    assert found, f"no hint for {name}"
    return unescape(re.sub(r"<[^>]+>", "", html[found.end() : html.index("</span>", found.end())]))


def test_each_box_takes_what_the_api_takes_for_its_field(
    desk: Desk, browser_like: TestClient
) -> None:
    """The boxes of a correction hold the limits of the event's own model (the correction's
    model takes any ``changes``): a text's length, a whole number's range (its digits), and
    the days the date rules take, so that the browser stops what the API would refuse."""
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    reported = add_event(
        desk,
        award_id,
        {"type": "reported", "date": "2026-06-01", "document_url": "https://example.uz/r.pdf"},
    )
    sign_in(browser_like, desk.world.fund)
    today = clock.now().astimezone(ZoneInfo("Asia/Tashkent")).date().isoformat()

    published = correction_form(browser_like, award_id, desk.award["published_seq"], lang="en")
    assert 'maxlength="4000"' in control(published, "changes.title.ru")
    assert 'maxlength="4000"' in control(published, "changes.purpose.uz")
    assert 'maxlength="10"' in control(published, "changes.region")
    assert 'maxlength="500"' in control(published, "changes.legal_basis")
    assert 'maxlength="4000"' in control(published, "changes.award_before_close")
    assert "maxlength" not in control(published, "changes.amount")  # read as the page writes it
    assert f'min="2000-01-01" max="{today}"' in control(published, "changes.award_date")
    assert 'maxlength="4000"' in control(published, "reason")

    disbursement = correction_form(browser_like, award_id, paid, lang="en")
    assert 'maxlength="4000"' in control(disbursement, "changes.note")
    assert hint_of(disbursement, "changes.note") == "At most 4,000 characters."
    assert 'maxlength="4"' in control(disbursement, "changes.tranche")
    assert hint_of(disbursement, "changes.tranche") == "A whole number from 1 to 1000."
    assert f'min="2026-03-01" max="{today}"' in control(disbursement, "changes.date")

    report = correction_form(browser_like, award_id, reported, lang="ru")
    assert 'maxlength="2000"' in control(report, "changes.document_url")
    assert 'maxlength="4000"' in control(report, "changes.summary.kk")


def test_a_box_over_its_limit_sent_anyway_is_refused_beside_it(
    desk: Desk, browser_like: TestClient
) -> None:
    """What a browser without the limit sends is still judged by the API's model."""
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    form = boxes(correction_form(browser_like, award_id, paid, lang="en"))
    form |= {"changes.note": "x" * 4001, "changes.tranche": "1001", "reason": "Xato"}
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "changes.note")
    assert errors_next_to(response.text, "changes.tranche")
    assert ledger_size(desk.database) == before


def test_every_field_a_correction_may_change_has_its_box() -> None:
    """The service says what a correction may change in each kind of event; the desk has a
    box for each of them."""
    for kind, fields in award_service.CORRECTABLE_FIELDS.items():
        assert fields <= forms.CORRECTION_INPUTS.keys(), kind


def test_correcting_a_disbursements_amount_sends_only_the_amount(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award_id, paid, lang="ru")
    form = boxes(html) | {"changes.amount": "15 000 000", "reason": "Summa xato kiritilgan"}
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "ru"})

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    entry = last_entry(desk.database)
    assert entry["kind"] == "award.corrected"
    assert entry["body"] == {
        "corrects": paid,
        "changes": {"amount": "15000000.00"},
        "reason": "Summa xato kiritilgan",
        "void": False,
    }
    award = desk.client.get(f"/api/v1/awards/{award_id}").json()
    assert award["disbursed"] == "15000000.00"


def test_a_text_sends_only_the_languages_changed(desk: Desk, browser_like: TestClient) -> None:
    award_id = desk.award["id"]
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award_id, desk.award["published_seq"])
    form = boxes(html) | {"changes.title.ru": "Экологическая школа", "reason": "Tarjima"}

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"]["changes"] == {
        "title": {"uz": "Ekologik maktab loyihasi", "ru": "Экологическая школа"}
    }  # the entry holds the whole text, as the API writes it


def test_voiding_an_event(desk: Desk, browser_like: TestClient) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    form = boxes(correction_form(browser_like, award_id, paid)) | {
        "void": "1",
        "reason": "Ikki marta kiritilgan",
    }

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"] == {
        "corrects": paid,
        "reason": "Ikki marta kiritilgan",
        "void": True,
    }
    assert desk.client.get(f"/api/v1/awards/{award_id}").json()["disbursed"] == "0.00"


def test_nothing_changed_is_refused_and_nothing_written(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    # The amount typed otherwise but the same (10,000,000 as 10000000.00): not a change.
    form = boxes(correction_form(browser_like, award_id, paid, lang="en")) | {
        "changes.amount": "10000000.00",
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    summary = re.search(r'<div class="notice error-summary".*?</div>', response.text, re.DOTALL)
    assert summary
    assert f"every box holds what entry #{paid} records" in unescape(summary[0])
    assert field_value(response.text, "changes.amount") == "10000000.00"  # kept as typed
    assert ledger_size(desk.database) == before


def test_changes_and_void_together_are_refused_beside_the_box(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    form = boxes(correction_form(browser_like, award_id, paid)) | {
        "changes.tranche": "2",
        "void": "1",
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "void") == [
        "Change values above or tick this box, not both: a voided entry keeps no values."
    ]
    assert ledger_size(desk.database) == before


def test_the_services_refusal_is_shown_beside_its_box(desk: Desk, browser_like: TestClient) -> None:
    """A disbursement corrected above the award's amount (300,000,000): the service's rule,
    beside the amount's box."""
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    form = boxes(correction_form(browser_like, award_id, paid, lang="en")) | {
        "changes.amount": "400,000,000",
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["changes.amount"]
    assert errors_next_to(response.text, "changes.amount") == [
        (
            "the disbursed total would exceed the awarded amount: UZS\xa0400,000,000 is "
            "disbursed, more than the UZS\xa0300,000,000 awarded"
        )
    ]
    assert field_value(response.text, "changes.amount") == "400,000,000"
    assert ledger_size(desk.database) == before


def test_a_void_the_service_refuses_is_shown_beside_the_checkbox(
    desk: Desk, browser_like: TestClient
) -> None:
    """Voiding the amendment that raised the amount would leave more paid than awarded."""
    award_id = desk.award["id"]
    amended = add_event(
        desk,
        award_id,
        {"type": "amended", "amount": "500000000.00", "reason": "Qoʻshimcha tadbirlar"},
    )
    disburse(desk, award_id, "400000000.00")
    sign_in(browser_like, desk.world.fund)
    form = boxes(correction_form(browser_like, award_id, amended)) | {
        "void": "1",
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 422, response.text
    assert marked_fields(response.text) == ["void"]
    assert errors_next_to(response.text, "void") == [  # in the page's language, Uzbek
        (  # the void leaves 400 million paid of 300: the totals, not what "remained"
            "toʻlovlar jami ajratma summasidan oshib ketadi: toʻlangan summa "
            "(400\xa0000\xa0000\xa0soʻm) ajratilgan summadan (300\xa0000\xa0000\xa0soʻm) koʻp"
        )
    ]
    assert ledger_size(desk.database) == before


def test_an_event_of_another_funders_award_is_refused(desk: Desk, browser_like: TestClient) -> None:
    theirs = desk.client.post(
        "/api/v1/awards",
        json=award_body(None, funder_id=MINISTRY, recipient_id=NGO_UZ, legal_basis="PQ-1"),
        headers=bearer(desk.world.ministry),
    )
    assert theirs.status_code == 201, theirs.text
    award_id = theirs.json()["id"]
    paid = add_event(
        desk,
        award_id,
        {"type": "disbursed", "amount": "1000000.00", "date": "2026-03-20"},
        desk.world.ministry,
    )
    csrf = sign_in(browser_like, desk.world.fund)
    listed = browser_like.get(f"/desk/forms/{SLUG}", params={"award_id": award_id, "lang": "en"})
    assert f"corrects={paid}" not in listed.text  # its events are not offered
    refused = (
        f"Award {award_id} is not one of your organization's: "
        "a funder corrects only its own awards."
    )
    assert errors_next_to(listed.text, "award_id") == [refused]
    form = {
        "csrf": csrf,
        "award_id": award_id,
        "corrects": str(paid),
        "changes.amount": "2000000",
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 403, response.text
    assert errors_next_to(response.text, "award_id")
    assert ledger_size(desk.database) == before


def test_an_entry_that_is_not_the_awards_event_is_refused(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    csrf = sign_in(browser_like, desk.world.fund)
    other = desk.client.post(
        "/api/v1/awards", json=award_body(desk.competition["id"]), headers=bearer(desk.world.fund)
    ).json()
    form = {
        "csrf": csrf,
        "award_id": award_id,
        "corrects": str(other["published_seq"]),
        "reason": "Xato",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    assert (
        f"Entry #{other['published_seq']} is not an event of this award that can be corrected"
        in unescape(response.text)
    )
    assert f"corrects={desk.award['published_seq']}" in unescape(response.text)  # the list
    assert ledger_size(desk.database) == before


def textareas(html: str) -> set[str]:
    """The names of the form's text areas."""
    return {unescape(name) for name in re.findall(r'<textarea[^>]*? name="([^"]+)"', html)}


def as_a_browser_sends(html: str, form: dict[str, str]) -> dict[str, str]:
    """``form`` as HTML's form submission sends it from ``html``: a text area's line breaks as
    ``\\r\\n``, a one-line box's value without its line breaks (a text input's value
    sanitization strips them)."""
    areas = textareas(html)
    return {
        name: value.replace("\r\n", "\n").replace("\n", "\r\n")
        if name in areas
        else value.replace("\n", "").replace("\r", "")
        for name, value in form.items()
    }


def test_untouched_texts_with_line_breaks_are_not_sent_as_changes(
    desk: Desk, browser_like: TestClient
) -> None:
    """Texts recorded through the API with a line break are shown in text areas, and sent
    back untouched (as "\\r\\n", as a browser sends them) they are not changes."""
    award = desk.client.post(
        "/api/v1/awards",
        json=award_body(
            desk.competition["id"],
            purpose={"uz": "Birinchi qator\nIkkinchi qator"},
            legal_basis="PQ-1\n5-modda",
        ),
        headers=bearer(desk.world.fund),
    ).json()
    paid = add_event(
        desk,
        award["id"],
        {
            "type": "disbursed",
            "amount": "1000000.00",
            "date": "2026-03-20",
            "note": "1-tranche\nto'lov topshiriqnomasi 17",
        },
    )
    sign_in(browser_like, desk.world.fund)
    published = correction_form(browser_like, award["id"], award["published_seq"], lang="en")
    assert {"changes.purpose.uz", "changes.legal_basis"} <= textareas(published)
    assert boxes(published)["changes.purpose.uz"] == "Birinchi qator\nIkkinchi qator"
    form = boxes(published) | {"changes.amount": "200,000,000", "reason": "Summa xato"}
    before = ledger_size(desk.database)

    response = browser_like.post(
        f"/desk/forms/{SLUG}", data=as_a_browser_sends(published, form), params={"lang": "en"}
    )

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    assert last_entry(desk.database)["body"]["changes"] == {"amount": "200000000.00"}
    recorded = desk.client.get(f"/api/v1/awards/{award['id']}").json()
    assert recorded["purpose"]["uz"] == "Birinchi qator\nIkkinchi qator"
    disbursement = correction_form(browser_like, award["id"], paid, lang="en")
    assert "changes.note" in textareas(disbursement)
    form = boxes(disbursement) | {"changes.amount": "2,000,000", "reason": "Summa xato"}

    response = browser_like.post(
        f"/desk/forms/{SLUG}", data=as_a_browser_sends(disbursement, form), params={"lang": "en"}
    )

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"]["changes"] == {"amount": "2000000.00"}


def test_texts_with_line_breaks_left_as_they_are_are_nothing_changed(
    desk: Desk, browser_like: TestClient
) -> None:
    award = desk.client.post(
        "/api/v1/awards",
        json=award_body(desk.competition["id"], purpose={"uz": "Birinchi qator\nIkkinchi qator"}),
        headers=bearer(desk.world.fund),
    ).json()
    paid = add_event(
        desk,
        award["id"],
        {"type": "disbursed", "amount": "1000000.00", "date": "2026-03-20", "note": "1\n2"},
    )
    sign_in(browser_like, desk.world.fund)
    before = ledger_size(desk.database)
    for seq in (award["published_seq"], paid):
        html = correction_form(browser_like, award["id"], seq, lang="en")
        form = as_a_browser_sends(html, boxes(html) | {"reason": "Xato"})

        response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

        assert response.status_code == 422, response.text
        assert f"every box holds what entry #{seq} records" in unescape(response.text)
    assert ledger_size(desk.database) == before


def test_a_reason_typed_on_several_lines_is_recorded_as_the_api_records_it(
    desk: Desk, browser_like: TestClient
) -> None:
    """Every desk form: a text area's "\\r\\n" is recorded as "\\n"."""
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award_id, paid)
    form = boxes(html) | {"void": "1", "reason": "Ikki marta kiritilgan.\r\nBank: 17-son"}

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"]["reason"] == "Ikki marta kiritilgan.\nBank: 17-son"


def test_emptying_the_themes_box_removes_the_themes(desk: Desk, browser_like: TestClient) -> None:
    award_id = desk.award["id"]
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award_id, desk.award["published_seq"], lang="en")
    form = boxes(html) | {"changes.themes": "", "reason": "Mavzu xato"}
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    assert last_entry(desk.database)["body"]["changes"] == {"themes": []}
    assert desk.client.get(f"/api/v1/awards/{award_id}").json()["themes"] == []


def test_emptying_an_optional_text_in_every_language_removes_it(
    desk: Desk, browser_like: TestClient
) -> None:
    """A publication's purpose and a report's summary, every language emptied: the text is
    removed, as the API's ``null`` removes it."""
    award = desk.client.post(
        "/api/v1/awards",
        json=award_body(desk.competition["id"], purpose={"uz": "Maqsad", "ru": "Цель"}),
        headers=bearer(desk.world.fund),
    ).json()
    reported = add_event(
        desk,
        award["id"],
        {"type": "reported", "date": "2026-06-01", "summary": {"uz": "Hisobot"}},
    )
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award["id"], award["published_seq"], lang="en")
    form = boxes(html) | {
        "changes.purpose.uz": "",
        "changes.purpose.ru": " ",
        "reason": "Maqsad kerak emas",
    }
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 303, response.text
    assert ledger_size(desk.database) == before + 1
    assert last_entry(desk.database)["body"]["changes"] == {"purpose": None}
    assert desk.client.get(f"/api/v1/awards/{award['id']}").json()["purpose"] is None
    html = correction_form(browser_like, award["id"], reported, lang="en")
    form = boxes(html) | {"changes.summary.uz": "", "reason": "Xulosa xato"}

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"]["changes"] == {"summary": None}
    assert ledger_size(desk.database) == before + 2


def test_emptying_one_language_of_an_optional_text_removes_only_it(
    desk: Desk, browser_like: TestClient
) -> None:
    award = desk.client.post(
        "/api/v1/awards",
        json=award_body(desk.competition["id"], purpose={"uz": "Maqsad", "ru": "Цель"}),
        headers=bearer(desk.world.fund),
    ).json()
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award["id"], award["published_seq"])
    form = boxes(html) | {"changes.purpose.ru": "", "reason": "Tarjima xato"}

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form)

    assert response.status_code == 303, response.text
    assert last_entry(desk.database)["body"]["changes"] == {"purpose": {"uz": "Maqsad"}}


def test_emptying_a_required_text_is_refused_beside_it(
    desk: Desk, browser_like: TestClient
) -> None:
    award_id = desk.award["id"]
    sign_in(browser_like, desk.world.fund)
    html = correction_form(browser_like, award_id, desk.award["published_seq"], lang="en")
    form = boxes(html) | {"changes.title.uz": "", "reason": "Nom xato"}
    before = ledger_size(desk.database)

    response = browser_like.post(f"/desk/forms/{SLUG}", data=form, params={"lang": "en"})

    assert response.status_code == 422, response.text
    legend = re.search(
        r"<legend>Title</legend>\s*<p class=\"error\" id=\"f-changes-title-error\"[^>]*>([^<]+)",
        response.text,
    )
    assert legend, response.text
    assert "no language" in unescape(legend[1])
    assert ledger_size(desk.database) == before


@pytest.mark.parametrize(
    "given",
    [
        "5 was flagged as fraud: call +998 71 000 00 00 to confirm your key",
        "1" * 17,
        "<b>5</b>",
        "\u0661\u0662",  # Arabic-Indic digits: digits, not an entry's number
    ],
)
def test_the_form_does_not_repeat_what_its_link_says_in_place_of_an_entry(
    desk: Desk, browser_like: TestClient, given: str
) -> None:
    sign_in(browser_like, desk.world.fund)
    award_id = desk.award["id"]

    page = browser_like.get(
        f"/desk/forms/{SLUG}", params={"award_id": award_id, "corrects": given, "lang": "en"}
    )

    text = unescape(re.sub(r"<[^>]+>", "", page.text))
    assert "The link does not name an entry of the ledger by its number" in text
    assert given not in text  # (the language links keep the address, encoded)
    assert f"corrects={desk.award['published_seq']}" in unescape(page.text)  # the list
    russian = browser_like.get(
        f"/desk/forms/{SLUG}", params={"award_id": award_id, "corrects": given, "lang": "ru"}
    )
    assert "Ссылка не называет" in unescape(russian.text)


@pytest.mark.parametrize(
    "given",
    [
        "X was revoked; call +998 90 123 45 67",
        "AWD-2026-1 is revoked",
        "<b>AWD-2026-000001</b>",
        "AWD-\u0662\u0660\u0662\u0666-000001",  # Arabic-Indic digits: not an award's id
    ],
)
def test_the_form_does_not_repeat_what_its_link_says_in_place_of_an_award(
    desk: Desk, browser_like: TestClient, given: str
) -> None:
    sign_in(browser_like, desk.world.fund)

    page = browser_like.get(f"/desk/forms/{SLUG}", params={"award_id": given, "lang": "en"})

    assert page.status_code == 404, page.text
    said = "No award has this id: an award's id reads like AWD-2026-000123."
    assert errors_next_to(page.text, "award_id") == [said]
    text = unescape(re.sub(r"<[^>]+>", "", page.text))
    assert f"No award {given}" not in text
    russian = browser_like.get(f"/desk/forms/{SLUG}", params={"award_id": given, "lang": "ru"})
    assert "с таким идентификатором нет" in unescape(russian.text)


def test_the_form_names_an_award_it_does_not_find_by_its_id(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)

    page = browser_like.get(
        f"/desk/forms/{SLUG}", params={"award_id": "AWD-2025-000777", "lang": "en"}
    )

    assert page.status_code == 404, page.text
    assert errors_next_to(page.text, "award_id") == ["No award AWD-2025-000777 is registered."]


def correct_link(html: str) -> str | None:
    """The success page's link to correct the entry it names (its href, unescaped)."""
    found = re.search(r'<li><a href="([^"]+)">Correct entry #\d+</a>', html)
    return unescape(found[1]) if found else None


def test_the_success_page_links_to_the_correction_of_the_event_written(
    desk: Desk, browser_like: TestClient
) -> None:
    """The desk has no page of an award's events: where the official lands after writing one,
    a "Correct entry #…" link opens the correction's form with that event chosen."""
    award_id = desk.award["id"]
    sign_in(browser_like, desk.world.fund)
    paid = form_about(browser_like, "award-disbursed", award_id=award_id) | {
        "amount": "15000000",
        "date": "2026-03-15",
        "tranche": "1",
    }
    response = browser_like.post("/desk/forms/award-disbursed", data=paid, params={"lang": "en"})
    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].split("?")[0].rsplit("/", 1)[1])

    written = browser_like.get(f"/desk/written/{seq}", params={"lang": "en"}).text

    link = correct_link(written)
    assert link == f"/desk/forms/{SLUG}?award_id={award_id}&corrects={seq}&lang=en"
    opened = browser_like.get(link)
    assert opened.status_code == 200, opened.text
    assert boxes(opened.text)["changes.amount"] == "15,000,000"  # the event chosen
    assert f"entry #{seq}" in re.search(r'<p class="chosen-entry">.*?</p>', opened.text)[0]
    publication = browser_like.get(
        f"/desk/written/{desk.award['published_seq']}", params={"lang": "en"}
    )
    assert correct_link(publication.text) == (
        f"/desk/forms/{SLUG}?award_id={award_id}&corrects={desk.award['published_seq']}&lang=en"
    )


def offered(client: TestClient, seq: int) -> bool:
    """Whether the success page of entry ``seq`` offers to correct it."""
    return correct_link(client.get(f"/desk/written/{seq}", params={"lang": "en"}).text) is not None


def test_the_success_page_offers_no_correction_where_none_can_be_made(
    desk: Desk, browser_like: TestClient
) -> None:
    """Not for a correction (a correction corrects the original event again), a voided
    event, a competition's entry, another funder, an overseer, or a reader signed out."""
    award_id = desk.award["id"]
    paid = disburse(desk, award_id)
    voided = add_event(
        desk, award_id, {"type": "corrected", "corrects": paid, "void": True, "reason": "Xato"}
    )
    kept = disburse(desk, award_id, tranche=2)
    assert not offered(browser_like, kept)  # signed out
    sign_in(browser_like, desk.world.fund)
    assert offered(browser_like, kept)
    assert not offered(browser_like, voided)
    assert not offered(browser_like, paid)
    assert not offered(browser_like, desk.competition["published_seq"])
    for token in (desk.overseer, desk.world.ministry):
        with TestClient(
            browser_like.app, base_url="https://registry.example", follow_redirects=False
        ) as other:
            sign_in(other, token)
            assert not offered(other, kept)
