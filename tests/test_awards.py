"""Competitions and awards through HTTP: the whole life of an award, and every rule, on both
databases. Every refused request leaves the ledger as it was."""

import copy
import json
from typing import Any

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    MINISTRY,
    NGO_KZ,
    NGO_UZ,
    NGO_UZ_2,
    World,
    award_body,
    bearer,
    build_world,
    competition_body,
    ledger_size,
)
from fastapi.testclient import TestClient

from registry import journal
from registry.core.db import Database
from registry.ledger.service import NewEntry

PROBLEM = "application/problem+json"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def post(client: TestClient, path: str, body: dict, token: str, **headers):
    return client.post(path, json=body, headers=bearer(token) | headers)


def create_competition(client: TestClient, world: World, **overrides) -> dict:
    response = post(client, "/api/v1/competitions", competition_body(**overrides), world.fund)
    assert response.status_code == 201, response.text
    return response.json()


def create_award(client: TestClient, world: World, competition_id: str | None, **overrides) -> dict:
    response = post(client, "/api/v1/awards", award_body(competition_id, **overrides), world.fund)
    assert response.status_code == 201, response.text
    return response.json()


def test_competition_is_published_and_readable_by_anyone(client: TestClient, world: World) -> None:
    competition = create_competition(client, world)
    assert competition["id"] == "CMP-2026-00001"
    assert competition["status"] == "closed"  # its window is in the past
    assert competition["budget"] == "1000000000.00"
    assert competition["events"][0]["kind"] == "competition.published"
    assert (
        competition["events"][0]["proof"]
        == f"/api/v1/ledger/entries/{competition['published_seq']}"
    )
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition
    assert create_competition(client, world, round_number=5)["id"] == "CMP-2026-00002"


def test_the_life_of_an_award(client: TestClient, world: World) -> None:
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    assert award["id"] == "AWD-2026-000001"
    assert award["recipient_name"]["uz"] == "«Mehr-shafqat» nodavlat notijorat tashkiloti"
    assert award["region"] == "UZ-SA"  # the recipient's, by default
    assert (award["amount"], award["disbursed"], award["status"]) == (
        "300000000.00",
        "0.00",
        "active",
    )
    path = f"/api/v1/awards/{award['id']}/events"

    steps = [
        {"type": "disbursed", "amount": "100000000", "date": "2026-03-20", "tranche": 1},
        {"type": "amended", "amount": "350000000", "reason": "Second phase added"},
        {"type": "disbursed", "amount": "150000000.00", "date": "2026-06-20", "tranche": 2},
        {"type": "reported", "date": "2026-07-01", "summary": {"ru": "Промежуточный отчёт"}},
    ]
    for step in steps:
        response = post(client, path, step, world.fund)
        assert response.status_code == 201, response.text
    award = response.json()
    assert (award["amount"], award["original_amount"], award["disbursed"]) == (
        "350000000.00",
        "300000000.00",
        "250000000.00",
    )
    assert award["last_report_on"] == "2026-07-01"
    assert [event["kind"] for event in award["events"]] == [
        "award.published",
        "award.disbursed",
        "award.amended",
        "award.disbursed",
        "award.reported",
    ]
    # The second tranche was really 140M: a correction, not an edit.
    second_tranche = award["events"][3]["seq"]
    corrected = post(
        client,
        path,
        {
            "type": "corrected",
            "corrects": second_tranche,
            "reason": "Bank statement shows 140M",
            "changes": {"amount": "140000000"},
        },
        world.fund,
    )
    assert corrected.status_code == 201, corrected.text
    award = corrected.json()
    assert award["disbursed"] == "240000000.00"
    assert award["events"][3]["corrected_by"] == award["events"][-1]["seq"]
    assert award["events"][3]["body"]["amount"] == "150000000.00"  # the original stays
    leaf = client.get(f"/api/v1/ledger/entries/{second_tranche}").json()["entry"]
    assert leaf["body"]["amount"] == "150000000.00"

    completed = post(client, path, {"type": "completed", "date": "2026-11-30"}, world.fund)
    assert completed.json()["status"] == "completed"
    after_completion = post(
        client, path, {"type": "disbursed", "amount": "1", "date": "2027-01-05"}, world.fund
    )
    assert after_completion.status_code == 422
    assert after_completion.json()["errors"][0]["field"] == "type"
    competition = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert competition["events"][0]["kind"] == "competition.published"


def test_termination_frees_the_unpaid_budget(client: TestClient, world: World) -> None:
    competition = create_competition(client, world, budget="500000000")
    award = create_award(client, world, competition["id"], amount="400000000")
    refused = post(
        client,
        "/api/v1/awards",
        award_body(competition["id"], recipient_id=NGO_UZ_2, amount="200000000"),
        world.fund,
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "amount"
    path = f"/api/v1/awards/{award['id']}/events"
    assert (
        post(
            client,
            path,
            {"type": "disbursed", "amount": "50000000", "date": "2026-03-10"},
            world.fund,
        ).status_code
        == 201
    )
    terminated = post(
        client,
        path,
        {"type": "terminated", "date": "2026-05-01", "reason": "The NGO stopped the project"},
        world.fund,
    )
    assert terminated.json()["status"] == "terminated"
    # 50M paid stays committed; 450M is free again.
    create_award(client, world, competition["id"], recipient_id=NGO_UZ_2, amount="450000000")


def test_a_direct_subsidy_needs_its_legal_basis(
    client: TestClient, world: World, database: Database
) -> None:
    before = ledger_size(database)
    refused = post(client, "/api/v1/awards", award_body(None, instrument="subsidy"), world.fund)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "legal_basis"
    assert ledger_size(database) == before
    award = create_award(
        client, world, None, instrument="subsidy", legal_basis="Qaror PQ-77, 2026-02-20"
    )
    assert award["competition_id"] is None


@pytest.mark.parametrize("kind", ["state_body", "public_fund", "grant_operator"])
def test_an_award_goes_to_civil_society_not_to_a_funder(
    client: TestClient, world: World, database: Database, kind: str
) -> None:
    """The registry records state support for civil society: an award whose recipient is a
    state body, a public fund or a grant operator (who give that support) is refused naming
    recipient_id, and nothing is written; one to an NGO or another civil-society
    organization (kind other: a public council, an association) is accepted, and no
    correction changes its recipient."""
    department = "UZ-STIR-201122927"
    registered = post(
        client,
        "/api/v1/organizations",
        {"org_id": department, "name": {"uz": "Tuman hokimligi"}, "kind": kind},
        world.admin,
    )
    assert registered.status_code == 201, registered.text
    before = ledger_size(database)

    response = post(
        client,
        "/api/v1/awards",
        award_body(None, recipient_id=department, legal_basis="PQ-1"),
        world.fund,
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "recipient_id"
    assert error["message"] == (
        f"{department} is a {kind.replace('_', ' ')} (kind {kind}); the registry records "
        "state support for civil society: an award goes to an organization of kind ngo or "
        "other, not to a state body, a public fund or a grant operator, which give it"
    )
    assert ledger_size(database) == before
    assert client.get("/api/v1/awards").json()["items"] == []
    council = "UZ-STIR-201122935"
    registered = post(
        client,
        "/api/v1/organizations",
        {"org_id": council, "name": {"uz": "Jamoatchilik kengashi"}, "kind": "other"},
        world.admin,
    )
    assert registered.status_code == 201, registered.text
    award = create_award(client, world, None, recipient_id=council, legal_basis="PQ-1")
    before = ledger_size(database)
    moved = post(
        client,
        f"/api/v1/awards/{award['id']}/events",
        {
            "type": "corrected",
            "corrects": award["published_seq"],
            "reason": "Wrong recipient",
            "changes": {"recipient_id": department},
        },
        world.fund,
    )
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["field"] == "changes.recipient_id"
    assert ledger_size(database) == before


def test_award_before_close_needs_a_recorded_override(client: TestClient, world: World) -> None:
    competition = create_competition(client, world)
    early = award_body(competition["id"], award_date="2026-02-01")
    refused = post(client, "/api/v1/awards", early, world.fund)
    assert refused.json()["errors"][0]["field"] == "award_date"
    allowed = post(
        client,
        "/api/v1/awards",
        early | {"award_before_close": "Emergency flood relief, commission decision 12"},
        world.fund,
    )
    assert allowed.status_code == 201, allowed.text
    seq = allowed.json()["published_seq"]
    leaf = client.get(f"/api/v1/ledger/entries/{seq}").json()["entry"]
    assert leaf["body"]["award_before_close"] == "Emergency flood relief, commission decision 12"


def test_an_amended_window_does_not_open_after_an_award_of_it(
    client: TestClient, world: World, database: Database
) -> None:
    """Nor may a window amendment open the call after an award of it was made."""
    competition = create_competition(client, world)  # opens 2026-01-10, closes 2026-02-10
    award = create_award(
        client,
        world,
        competition["id"],
        award_date="2026-01-20",
        award_before_close="Emergency flood relief, commission decision 12",
    )
    path = f"/api/v1/competitions/{competition['id']}/events"

    def opening(opens: str) -> dict:
        window = {"opens": opens, "closes": "2026-02-10T18:00:00+05:00"}
        return {"type": "amended", "changes": {"window": window}, "reason": "Late start"}

    before = ledger_size(database)
    late = post(client, path, opening("2026-01-21T09:00:00+05:00"), world.fund)
    assert late.status_code == 422, late.text
    assert late.json()["errors"][0]["field"] == "changes.window.opens"
    assert award["id"] in late.json()["errors"][0]["message"]
    assert ledger_size(database) == before
    same_day = post(client, path, opening("2026-01-20T09:00:00+05:00"), world.fund)
    assert same_day.status_code == 201, same_day.text


def test_an_award_dated_before_the_rule_keeps_its_date_when_its_other_terms_are_corrected(
    client: TestClient, world: World, database: Database
) -> None:
    """An award dated before its competition opened, accepted before that rule (written
    here as an older release did), can still have its legal basis corrected: only a
    correction that gives the award date is held to the call's opening."""
    competition = create_competition(client, world)  # opens 2026-01-10
    reason = "Emergency flood relief, commission decision 12"
    award = create_award(
        client, world, competition["id"], award_date="2026-01-10", award_before_close=reason
    )
    with database.session(write=True) as session:
        journal.record(
            session,
            [
                NewEntry(
                    kind="award.corrected",
                    subject=award["id"],
                    actor=award["events"][0]["actor"],
                    body={
                        "corrects": award["published_seq"],
                        "reason": "Dated as signed",
                        "void": False,
                        "changes": {"award_date": "2026-01-05"},
                    },
                )
            ],
        )
    fixed = _correct_publication(client, world, award, {"legal_basis": "PQ-12 of 2026"})
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["award_date"] == "2026-01-05"
    moved = _correct_publication(client, world, award, {"award_date": "2026-01-06"})
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["field"] == "changes.award_date"


def test_no_award_precedes_its_competitions_call(
    client: TestClient, world: World, database: Database
) -> None:
    """An override lets an award come before the close, never before the call opened (a
    tester's award was dated two months before its competition opened)."""
    competition = create_competition(client, world)  # opens 2026-01-10, Tashkent time
    reason = {"award_before_close": "Emergency flood relief, commission decision 12"}
    before = ledger_size(database)
    early = post(
        client,
        "/api/v1/awards",
        award_body(competition["id"], award_date="2026-01-09") | reason,
        world.fund,
    )
    assert early.status_code == 422, early.text
    assert early.json()["errors"][0]["field"] == "award_date"
    assert "2026-01-10" in early.json()["errors"][0]["message"]
    assert ledger_size(database) == before
    award = create_award(client, world, competition["id"], award_date="2026-01-10", **reason)
    moved = _correct_publication(client, world, award, {"award_date": "2025-12-31"})
    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"][0]["field"] == "changes.award_date"
    assert "opened" in moved.json()["errors"][0]["message"]
    assert ledger_size(database) == before + 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "100.001"}, "amount"),
        ({"amount": 100.5}, "amount"),
        ({"amount": "1e9"}, "amount"),
        ({"currency": "KZT"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"instrument": "subsidy"}, "instrument"),
        ({"recipient_id": "UZ-STIR-999999999"}, "recipient_id"),
        ({"recipient_id": "not an id"}, "recipient_id"),
        ({"competition_id": "CMP-2026-09999"}, "competition_id"),
        ({"period": {"start": "2026-05-01", "end": "2026-04-01"}}, "period.end"),
        ({"title": {}}, "title"),
        ({"region": "UZ-ZZ"}, "region"),
        ({"amount": "1000000001"}, "amount"),
        ({"colour": "red"}, "colour"),
        ({"title": {"de": "Titel"}}, "title.de"),
        ({"award_date": "2026-02-30"}, "award_date"),
    ],
)
def test_bad_awards_are_refused_naming_the_field_and_change_nothing(
    client: TestClient, world: World, database: Database, change: dict, field: str
) -> None:
    competition = create_competition(client, world)
    before = ledger_size(database)
    response = post(client, "/api/v1/awards", award_body(competition["id"]) | change, world.fund)
    assert response.status_code in (404, 422), response.text
    assert response.headers["content-type"] == PROBLEM
    errors = response.json()["errors"]
    assert field in [error["field"] for error in errors]
    assert not [error for error in errors if error["message"].startswith("Value error")], errors
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"type": "disbursed", "amount": "300000001", "date": "2026-03-10"}, "amount"),
        ({"type": "disbursed", "amount": "10", "date": "2026-02-01"}, "date"),
        ({"type": "amended", "reason": "nothing"}, "body"),  # the body as a whole
        ({"type": "amended", "amount": "1000000001", "reason": "over budget"}, "amount"),
        ({"type": "terminated", "date": "2026-05-01"}, "reason"),
        (
            {"type": "corrected", "corrects": 0, "reason": "x", "changes": {"amount": "1"}},
            "corrects",
        ),
        ({"type": "paused", "date": "2026-05-01"}, "type"),
    ],
)
def test_bad_award_events_are_refused_and_change_nothing(
    client: TestClient, world: World, database: Database, event: dict, field: str
) -> None:
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    before = ledger_size(database)
    response = post(client, f"/api/v1/awards/{award['id']}/events", event, world.fund)
    assert response.status_code == 422, response.text
    assert any(error["field"].startswith(field) for error in response.json()["errors"]), (
        response.json()
    )
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"amount": "300000000"}, "the amount is already 300000000.00 UZS"),
        ({"amount": "300000000.00"}, "the amount is already 300000000.00 UZS"),
        (
            {"period": {"start": "2026-03-15", "end": "2026-12-31"}},
            "the period is already 2026-03-15 to 2026-12-31",
        ),
        (
            {"amount": "300000000", "period": {"start": "2026-03-15", "end": "2026-12-31"}},
            "the amount is already 300000000.00 UZS and the period is already",
        ),
    ],
)
def test_an_amendment_that_changes_nothing_is_refused(
    client: TestClient, world: World, database: Database, given: dict, message: str
) -> None:
    """An amendment whose every field is the award's current value records nothing new: a
    422 naming the body, and the ledger and the award are as they were."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    before = ledger_size(database)

    response = post(client, path, {"type": "amended", "reason": "Restated"} | given, world.fund)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "body"
    assert error["message"].startswith("the amendment changes nothing")
    assert message in error["message"]
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("javascript:alert(document.cookie)", "javascript: links are refused"),
        ("JavaScript:alert(1)", "javascript: links are refused"),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data: links"),
        ("file:///etc/passwd", "file: links are refused"),
        ("ftp://files.example.uz/report.pdf", "ftp: links are refused"),
        ("vbscript:msgbox(1)", "vbscript: links are refused"),
        ("reports/2026/final.pdf", "it has no scheme"),
        ("//example.uz/report.pdf", "it has no scheme"),
        ("https://", "it names no host"),
        ("https:///report.pdf", "it names no host"),
        ("https://example.uz/final report.pdf", "spaces or control characters"),
        ("https://example.uz/\treport.pdf", "spaces or control characters"),
    ],
)
def test_a_report_links_its_document_over_http_only(
    client: TestClient, world: World, database: Database, url: str, why: str
) -> None:
    """A report's document_url is an absolute http(s) URL: any other scheme (javascript:,
    data:, file:, ftp:), a relative link or one without a host is refused naming the field,
    in a report and in a correction of one, and nothing is written."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    report = {"type": "reported", "date": "2026-04-01"}
    before = ledger_size(database)

    response = post(client, path, report | {"document_url": url}, world.fund)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "document_url"
    assert error["message"].startswith("must be an absolute http or https URL")
    assert why in error["message"]
    assert "pattern" not in error["message"]
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award
    written = post(client, path, report | {"document_url": "https://example.uz/r.pdf"}, world.fund)
    assert written.status_code == 201, written.text
    seq = written.json()["events"][-1]["seq"]
    correction = {"type": "corrected", "corrects": seq, "reason": "Wrong link"}
    refused = post(client, path, correction | {"changes": {"document_url": url}}, world.fund)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "changes.document_url"
    assert ledger_size(database) == before + 1


def test_a_report_linked_before_the_rule_is_corrected_on_what_the_correction_changes(
    client: TestClient, world: World, database: Database
) -> None:
    """A report whose javascript: link a release before the http(s) rule accepted stays in
    the ledger: a correction of its date is judged on the date and keeps the link as it was
    recorded; a correction that gives such a link again is refused, one to https accepted."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    with database.session(write=True) as session:
        (report,) = journal.record(
            session,
            [
                NewEntry(
                    kind="award.reported",
                    subject=award["id"],
                    actor=award["events"][0]["actor"],
                    body={"date": "2026-04-01", "document_url": "javascript:alert(1)"},
                )
            ],
        )
    correction = {"type": "corrected", "corrects": report.seq, "reason": "Wrong day"}

    dated = post(client, path, correction | {"changes": {"date": "2026-04-02"}}, world.fund)

    assert dated.status_code == 201, dated.text
    assert dated.json()["events"][-1]["body"]["changes"] == {"date": "2026-04-02"}
    assert dated.json()["last_report_on"] == "2026-04-02"
    before = ledger_size(database)
    again = {"document_url": "javascript:alert(2)"}
    refused = post(client, path, correction | {"changes": again}, world.fund)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "changes.document_url"
    assert ledger_size(database) == before
    fixed = {"document_url": "https://fond.uz/hisobot.pdf"}
    assert post(client, path, correction | {"changes": fixed}, world.fund).status_code == 201


def test_a_report_keeps_an_http_or_https_link_as_given(client: TestClient, world: World) -> None:
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    for day, url in (
        ("2026-04-01", "https://gov.uz/uz/reports/2026/hisobot.pdf?lang=uz#page=2"),
        ("2026-04-02", "HTTP://Example.UZ/Report.PDF"),
        ("2026-04-03", "https://xn--80ak6aa92e.xn--p1ai/отчёт.pdf"),
    ):
        report = {"type": "reported", "date": day, "document_url": url}
        response = post(client, path, report, world.fund)
        assert response.status_code == 201, response.text
        assert response.json()["events"][-1]["body"]["document_url"] == url


def test_an_amendment_is_judged_against_the_current_values(
    client: TestClient, world: World, database: Database
) -> None:
    """After an amendment, restating its amount changes nothing, the published amount is a
    change again, and restating one field while changing the other is an amendment."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    raised = post(
        client, path, {"type": "amended", "amount": "350000000", "reason": "Phase 2"}, world.fund
    )
    assert raised.status_code == 201, raised.text
    before = ledger_size(database)

    again = post(
        client, path, {"type": "amended", "amount": "350000000", "reason": "Again"}, world.fund
    )

    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "body"
    assert ledger_size(database) == before
    longer = {"start": "2026-03-15", "end": "2027-01-31"}
    both = {"type": "amended", "amount": "350000000", "period": longer, "reason": "Longer"}
    extended = post(client, path, both, world.fund)
    assert extended.status_code == 201, extended.text
    assert extended.json()["period"] == longer
    back = post(
        client, path, {"type": "amended", "amount": "300000000", "reason": "Undo"}, world.fund
    )
    assert back.status_code == 201, back.text
    assert back.json()["amount"] == "300000000.00"
    assert ledger_size(database) == before + 2


def test_a_refused_disbursement_or_cut_says_the_figures_to_put_it_right(
    client: TestClient, world: World, database: Database
) -> None:
    """Found by a tester: an over-disbursement was refused saying only that it would pass
    the awarded amount, while the award's page showed what remained; a funder had to look it
    up. A disbursement says what remains, an amendment below the paid total says both."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    paid = {"type": "disbursed", "amount": "100000000", "date": "2026-03-20"}
    assert post(client, path, paid, world.fund).status_code == 201
    before = ledger_size(database)

    over = post(client, path, paid | {"amount": "250000000"}, world.fund)
    cut = post(client, path, {"type": "amended", "amount": "50000000", "reason": "Cut"}, world.fund)

    assert over.status_code == cut.status_code == 422, (over.text, cut.text)
    assert [(e["field"], e["message"]) for e in over.json()["errors"]] == [
        (
            "amount",
            (
                "the disbursed total would exceed the awarded amount: 200000000.00 UZS remains to "
                "disburse of 300000000.00 UZS"
            ),
        )
    ]
    assert [(e["field"], e["message"]) for e in cut.json()["errors"]] == [
        (
            "amount",
            (
                "the disbursed total would exceed the awarded amount: 100000000.00 UZS is "
                "disbursed, more than the 50000000.00 UZS awarded"
            ),
        )
    ]
    assert ledger_size(database) == before


def test_an_event_breaking_two_rules_is_told_both(
    client: TestClient, world: World, database: Database
) -> None:
    """A disbursement over the awarded amount and dated in the future was told of the amount
    alone, and of the date only on its retry (a funder's integrator)."""
    award = create_award(client, world, create_competition(client, world)["id"])
    before = ledger_size(database)

    response = post(
        client,
        f"/api/v1/awards/{award['id']}/events",
        {"type": "disbursed", "amount": "300000001", "date": "2099-01-01"},
        world.fund,
    )

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["amount", "date"]
    assert (
        errors[0]["message"]
        ==
        # with what remains (a tester: the page said it, not this)
        (
            "the disbursed total would exceed the awarded amount: 300000000.00 UZS remains to "
            "disburse of 300000000.00 UZS"
        )
    )
    assert "cannot be dated in the future" in errors[1]["message"]
    assert response.json()["detail"] == "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    assert ledger_size(database) == before
    over_only = post(
        client,
        f"/api/v1/awards/{award['id']}/events",
        {"type": "disbursed", "amount": "300000001", "date": "2026-03-10"},
        world.fund,
    )
    assert [error["field"] for error in over_only.json()["errors"]] == ["amount"]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "reported", "summary": {"uz": "Yakuniy hisobot"}},
        {"type": "completed"},
        {"type": "terminated", "reason": "The NGO stopped the project"},
    ],
)
@pytest.mark.parametrize(
    ("day", "message"),
    [("2099-01-01", "cannot be dated in the future"), ("2026-02-28", "before the award date")],
)
def test_a_report_completion_or_termination_is_dated_between_the_award_and_today(
    client: TestClient, world: World, database: Database, event: dict, day: str, message: str
) -> None:
    """Like a disbursement, they record what already happened to the award: a date after
    today, or before the award was made (2026-03-01), is refused naming the field, and a
    termination refused frees none of its competition's budget."""
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    before = ledger_size(database)

    response = post(client, path, event | {"date": day}, world.fund)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "date"
    assert message in error["message"]
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award
    now = client.get(f"/api/v1/competitions/{competition['id']}").json()
    assert now["committed"] == "300000000.00"
    on_the_award_date = post(client, path, event | {"date": "2026-03-01"}, world.fund)
    assert on_the_award_date.status_code == 201, on_the_award_date.text


def test_a_correction_cannot_move_a_report_or_the_award_date_across_the_other(
    client: TestClient, world: World, database: Database
) -> None:
    """A correction is judged as the event it corrects: a report's date is not moved after
    today or before the award date, nor the award date after a report or a completion."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    reported = post(client, path, {"type": "reported", "date": "2026-04-01"}, world.fund)
    assert reported.status_code == 201, reported.text
    report_seq = reported.json()["events"][-1]["seq"]
    completed = post(client, path, {"type": "completed", "date": "2026-11-30"}, world.fund)
    assert completed.status_code == 201, completed.text
    completed_seq = completed.json()["events"][-1]["seq"]
    later = {"award_date": "2026-04-02", "period": {"start": "2026-04-15", "end": "2026-12-31"}}
    before = ledger_size(database)
    cases = [
        (report_seq, {"date": "2099-01-01"}, "changes.date", "in the future"),
        (report_seq, {"date": "2026-02-01"}, "changes.date", "before the award date"),
        (completed_seq, {"date": "2099-01-01"}, "changes.date", "in the future"),
        (award["published_seq"], later, "changes.award_date", "report, completion or termination"),
    ]
    for seq, changes, field, message in cases:
        correction = {"type": "corrected", "corrects": seq, "reason": "Typo", "changes": changes}
        response = post(client, path, correction, world.fund)
        assert response.status_code == 422, (changes, response.text)
        (error,) = response.json()["errors"]
        assert error["field"] == field
        assert message in error["message"]
        assert ledger_size(database) == before
    fine = {"type": "corrected", "corrects": report_seq, "reason": "Typo"}
    assert (
        post(client, path, fine | {"changes": {"date": "2026-03-01"}}, world.fund).status_code
        == 201
    )


def test_a_correction_that_changes_nothing_is_refused(
    client: TestClient, world: World, database: Database
) -> None:
    """A correction whose every change is what the corrected event already records (as first
    written, or as corrected since) is refused naming its changes; a void, or a correction
    that changes any field it gives, is accepted."""
    award = create_award(client, world, create_competition(client, world)["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    paid = post(
        client, path, {"type": "disbursed", "amount": "100000000", "date": "2026-03-20"}, world.fund
    )
    assert paid.status_code == 201, paid.text
    paid_seq = paid.json()["events"][-1]["seq"]
    reported = {"type": "reported", "date": "2026-04-01", "summary": {"uz": "Hisobot"}}
    report = post(client, path, reported, world.fund)
    assert report.status_code == 201, report.text
    report_seq = report.json()["events"][-1]["seq"]
    before = ledger_size(database)
    now = client.get(f"/api/v1/awards/{award['id']}").json()
    restated = [
        (paid_seq, {"amount": "100000000.00"}),
        (paid_seq, {"amount": "100000000", "date": "2026-03-20"}),
        (report_seq, {"date": "2026-04-01", "summary": {"uz": "Hisobot"}}),
        (award["published_seq"], {"title": award["title"] | {"ru": None}}),
        (award["published_seq"], {"amount": "300000000", "purpose": None, "themes": ["ecology"]}),
    ]
    for seq, changes in restated:
        correction = {"type": "corrected", "corrects": seq, "reason": "Typo", "changes": changes}
        response = post(client, path, correction, world.fund)
        assert response.status_code == 422, (changes, response.text)
        assert response.headers["content-type"] == PROBLEM
        (error,) = response.json()["errors"]
        assert error["field"] == "changes"
        assert f"changes nothing: entry {seq} already records" in error["message"]
        assert ledger_size(database) == before
        assert client.get(f"/api/v1/awards/{award['id']}").json() == now

    fixed = {"type": "corrected", "corrects": paid_seq, "reason": "A zero missing"}
    corrected = post(client, path, fixed | {"changes": {"amount": "10000000"}}, world.fund)
    assert corrected.status_code == 201, corrected.text
    again = post(client, path, fixed | {"changes": {"amount": "10000000.00"}}, world.fund)
    assert again.status_code == 422, again.text
    assert again.json()["errors"][0]["field"] == "changes"
    partly = post(
        client, path, fixed | {"changes": {"amount": "10000000", "tranche": 1}}, world.fund
    )
    assert partly.status_code == 201, partly.text
    voided = post(client, path, {**fixed, "void": True}, world.fund)
    assert voided.status_code == 201, voided.text
    assert ledger_size(database) == before + 3


def test_a_correction_that_breaks_a_rule_is_refused(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(client, world, None, instrument="subsidy", legal_basis="PQ-1")
    path = f"/api/v1/awards/{award['id']}/events"
    paid = post(
        client, path, {"type": "disbursed", "amount": "300000000", "date": "2026-03-10"}, world.fund
    ).json()
    before = ledger_size(database)
    correction = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "typo",
        "changes": {"amount": "200000000"},
    }
    refused = post(client, path, correction, world.fund)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "changes.amount"
    assert ledger_size(database) == before
    voided = post(
        client,
        path,
        {
            "type": "corrected",
            "corrects": paid["events"][1]["seq"],
            "reason": "Duplicate entry",
            "void": True,
        },
        world.fund,
    )
    assert voided.status_code == 201, voided.text
    assert voided.json()["disbursed"] == "0.00"
    assert voided.json()["events"][1]["voided"] is True


def _correct_publication(client: TestClient, world: World, award: dict, changes: dict):
    return post(
        client,
        f"/api/v1/awards/{award['id']}/events",
        {
            "type": "corrected",
            "corrects": award["published_seq"],
            "reason": "Entered wrongly",
            "changes": changes,
        },
        world.fund,
    )


@pytest.mark.parametrize(
    ("competition", "changes", "field"),
    [
        (False, {"legal_basis": None}, "changes.legal_basis"),
        (False, {"legal_basis": ""}, "changes.legal_basis"),
        (False, {"award_before_close": "Urgent"}, "changes.award_before_close"),
        (True, {"award_date": "2026-02-01"}, "changes.award_date"),
        (True, {"award_before_close": "Urgent"}, "changes.award_before_close"),
        (True, {"award_before_close": ""}, "changes.award_before_close"),
    ],
)
def test_a_correction_keeps_the_terms_of_publication(
    client: TestClient,
    world: World,
    database: Database,
    competition: bool,
    changes: dict,
    field: str,
) -> None:
    """A correction is checked as the publication was: a direct award keeps its legal basis,
    and an award dated before its competition closed keeps the recorded override."""
    if competition:
        award = create_award(client, world, create_competition(client, world)["id"])
    else:
        award = create_award(client, world, None, instrument="subsidy", legal_basis="PQ-12")
    before = ledger_size(database)

    refused = _correct_publication(client, world, award, changes)

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == field
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/awards/{award['id']}").json() == award


def test_a_correction_may_move_the_award_date_with_its_override(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(client, world, create_competition(client, world)["id"])
    reason = "Commission met early, decision 3"

    corrected = _correct_publication(
        client, world, award, {"award_date": "2026-02-01", "award_before_close": reason}
    )

    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["award_date"] == "2026-02-01"
    assert corrected.json()["award_before_close"] == reason
    undone = _correct_publication(
        client, world, corrected.json(), {"award_date": "2026-03-01", "award_before_close": None}
    )
    assert undone.status_code == 201, undone.text
    assert undone.json()["award_before_close"] is None
    assert ledger_size(database) == corrected.json()["published_seq"] + 3


def test_a_correction_of_other_fields_keeps_terms_accepted_before_the_window_moved(
    client: TestClient, world: World, database: Database
) -> None:
    """The terms are judged on the fields they name: after the competition's close moves
    before an award made with the override (its reason no longer needed), a typo in the title
    can still be corrected, but the date cannot be re-stated with the override kept."""
    competition = create_competition(client, world)
    award = create_award(
        client,
        world,
        competition["id"],
        award_date="2026-02-01",
        period={"start": "2026-02-15", "end": "2026-12-31"},
        award_before_close="Emergency flood relief, commission decision 12",
    )
    moved = post(
        client,
        f"/api/v1/competitions/{competition['id']}/events",
        {
            "type": "amended",
            "changes": {
                "window": {
                    "opens": "2026-01-10T09:00:00+05:00",
                    "closes": "2026-01-25T18:00:00+05:00",
                }
            },
            "reason": "Intake closed early",
        },
        world.fund,
    )
    assert moved.status_code == 201, moved.text

    title = _correct_publication(client, world, award, {"title": {"uz": "Ekologik maktab"}})

    assert title.status_code == 201, title.text
    assert title.json()["title"]["uz"] == "Ekologik maktab"
    before = ledger_size(database)
    restated = _correct_publication(client, world, award, {"award_date": "2026-02-02"})
    assert restated.status_code == 422, restated.text
    assert restated.json()["errors"][0]["field"] == "changes.award_before_close"
    assert ledger_size(database) == before


def test_competition_events(client: TestClient, world: World, database: Database) -> None:
    competition = create_competition(
        client,
        world,
        year=2031,
        window={"opens": "2031-01-10T09:00:00+05:00", "closes": "2031-02-10T18:00:00+05:00"},
    )
    assert competition["status"] == "planned"
    path = f"/api/v1/competitions/{competition['id']}/events"
    early = post(client, path, {"type": "results_published"}, world.fund)
    assert early.status_code == 409
    amended = post(
        client,
        path,
        {
            "type": "amended",
            "changes": {
                "budget": "2000000000",
                "window": {
                    "opens": "2026-01-10T09:00:00+05:00",
                    "closes": "2026-02-10T18:30:00+05:00",
                },
            },
            "reason": "More funds allocated",
        },
        world.fund,
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["budget"] == "2000000000.00"
    assert amended.json()["status"] == "closed"
    results = post(
        client,
        path,
        {"type": "results_published", "applications_received": 312, "applicant_organizations": 270},
        world.fund,
    )
    assert results.json()["status"] == "awarded"
    assert results.json()["results"]["applications_received"] == 312

    other = create_competition(client, world)
    create_award(client, world, other["id"])
    before = ledger_size(database)
    cancel = post(
        client,
        f"/api/v1/competitions/{other['id']}/events",
        {"type": "cancelled", "reason": "x"},
        world.fund,
    )
    assert cancel.status_code == 409
    shrink = post(
        client,
        f"/api/v1/competitions/{other['id']}/events",
        {"type": "amended", "changes": {"budget": "100"}, "reason": "cut"},
        world.fund,
    )
    assert shrink.status_code == 422
    assert shrink.json()["errors"][0]["field"] == "changes.budget"
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    "changes",
    [
        {"budget": "1000000000.00"},
        {"window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"}},
        {
            "title": competition_body()["title"],
            "description": {"uz": "Toʻrtinchi grant tanlovi"},
            "themes": ["youth", "ecology"],
            "region": "UZ",
            "legal_basis": "UP-124 of 26.08.2024",
        },
    ],
)
def test_a_competition_amendment_that_changes_nothing_is_refused(
    client: TestClient, world: World, database: Database, changes: dict
) -> None:
    """Like an award's, a competition's amendment whose every change is the competition's
    current value is refused naming its changes; one that changes any of them is accepted."""
    competition = create_competition(client, world)
    path = f"/api/v1/competitions/{competition['id']}/events"
    before = ledger_size(database)

    response = post(
        client, path, {"type": "amended", "changes": changes, "reason": "x"}, world.fund
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    (error,) = response.json()["errors"]
    assert error["field"] == "changes"
    assert error["message"].startswith("the amendment changes nothing")
    assert ledger_size(database) == before
    assert client.get(f"/api/v1/competitions/{competition['id']}").json() == competition
    changed = changes | {"legal_basis": "UP-125 of 01.09.2024"}
    accepted = post(
        client, path, {"type": "amended", "changes": changed, "reason": "x"}, world.fund
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["legal_basis"] == "UP-125 of 01.09.2024"


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "message"),
    [
        ("GET", "/api/v1/awards/AWD-2026-999999", None, "path.award_id", "no award"),
        ("GET", "/api/v1/awards/AWD-2026-999999/receipt", None, "path.award_id", "no award"),
        (
            "GET",
            "/api/v1/awards/AWD-2026-999999/events/1/receipt",
            None,
            "path.award_id",
            "no award",
        ),
        (
            "POST",
            "/api/v1/awards/AWD-2026-999999/events",
            {"type": "completed", "date": "2026-05-01"},
            "path.award_id",
            "no award",
        ),
        (
            "GET",
            "/api/v1/competitions/CMP-2026-99999",
            None,
            "path.competition_id",
            "no competition",
        ),
        (
            "POST",
            "/api/v1/competitions/CMP-2026-99999/events",
            {"type": "cancelled", "reason": "x"},
            "path.competition_id",
            "no competition",
        ),
    ],
)
def test_an_unknown_id_in_the_path_is_named_as_the_path_parameter(
    client: TestClient,
    world: World,
    database: Database,
    method: str,
    path: str,
    body: dict | None,
    field: str,
    message: str,
) -> None:
    """A 404 names where the unknown id came from, as ``path.seq`` is named: not ``id``."""
    before = ledger_size(database)
    response = client.request(method, path, json=body, headers=bearer(world.fund))
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == PROBLEM
    unknown = path.split("/")[4]
    assert response.json()["errors"] == [{"field": field, "message": f"{message} {unknown}"}]
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    ("what", "change", "field"),
    [
        ("competition", {"title": {"uz": "   "}}, "title.uz"),
        ("competition", {"title": {"uz": "Tanlov", "ru": "\u200b"}}, "title.ru"),
        ("competition", {"description": {"kk": ""}}, "description.kk"),
        ("competition", {"themes": ["youth", "  "]}, "themes.1"),
        ("competition", {"source_id": " "}, "source_id"),
        ("award", {"title": {"uz": "\t"}}, "title.uz"),
        ("award", {"purpose": {"en": "\u00a0"}}, "purpose.en"),
        ("award", {"award_before_close": "   "}, "award_before_close"),
        ("event", {"type": "terminated", "date": "2026-05-01", "reason": "  "}, "reason"),
        ("event", {"type": "reported", "date": "2026-05-01", "summary": {"ru": " "}}, "summary.ru"),
        ("competition", {"legal_basis": " "}, "legal_basis"),
        ("award", {"competition_id": None, "legal_basis": "\u200b"}, "legal_basis"),
        ("correction", {"legal_basis": "\u2060"}, "changes.legal_basis"),
        ("award", {"title": {"uz": "\u3164"}}, "title.uz"),  # a Hangul filler
        ("award", {"title": {"uz": "\u2800\ufe0f"}}, "title.uz"),  # blank Braille, a selector
        ("award", {"title": {"uz": "\u0301\u034f"}}, "title.uz"),  # marks with no letter
    ],
)
def test_a_blank_text_is_refused_as_blank_and_changes_nothing(
    client: TestClient, world: World, database: Database, what: str, change: dict, field: str
) -> None:
    """Spaces, or invisible characters, where a text is required: refused naming the field
    and saying it is blank (not pydantic's "at least 1 character", nor accepted)."""
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    before = ledger_size(database)
    path, body = {
        "competition": ("/api/v1/competitions", competition_body() | change),
        "award": ("/api/v1/awards", award_body(competition["id"]) | change),
        "event": (f"/api/v1/awards/{award['id']}/events", change),
        "correction": (
            f"/api/v1/awards/{award['id']}/events",
            {
                "type": "corrected",
                "corrects": award["published_seq"],
                "reason": "The decree's number",
                "changes": change,
            },
        ),
    }[what]
    response = post(client, path, body, world.fund)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"] == [
        {"field": field, "message": "is blank (it needs at least one visible character)"}
    ]
    assert ledger_size(database) == before


@pytest.mark.parametrize(
    "title",
    ["Yoshlar 👍\ufe0f", "\u200fمدرسة\u200f", "e\u0301co", "\u3164Ekologiya", "\U000f0001 Loyiha"],
)
def test_a_text_with_something_to_show_is_accepted(
    client: TestClient, world: World, title: str
) -> None:
    """Selectors, direction marks and combining marks beside letters are text, not blanks."""
    competition = create_competition(client, world)
    response = post(
        client, "/api/v1/awards", award_body(competition["id"], title={"uz": title}), world.fund
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"]["uz"] == title


def test_a_funder_writes_only_for_itself(
    client: TestClient, world: World, database: Database
) -> None:
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    before = ledger_size(database)
    as_ministry = [
        ("/api/v1/competitions", competition_body()),
        ("/api/v1/awards", award_body(competition["id"])),
        (
            f"/api/v1/awards/{award['id']}/events",
            {"type": "disbursed", "amount": "1", "date": "2026-03-10"},
        ),
        (f"/api/v1/competitions/{competition['id']}/events", {"type": "cancelled", "reason": "x"}),
    ]
    for path, body in as_ministry:
        response = post(client, path, body, world.ministry)
        assert response.status_code == 403, (path, response.text)
    # The ministry may not use the Fund's competition for its own award either.
    mine = post(
        client, "/api/v1/awards", award_body(competition["id"], funder_id=MINISTRY), world.ministry
    )
    assert mine.status_code == 422
    assert mine.json()["errors"][0]["field"] == "competition_id"
    assert ledger_size(database) == before


def test_kazakh_grant_in_tenge(client: TestClient, world: World) -> None:
    response = post(
        client,
        "/api/v1/competitions",
        competition_body(funder_id=KZ_OPERATOR, currency="KZT", budget="500000000", region="KZ-71"),
        world.operator,
    )
    assert response.status_code == 201, response.text
    award = post(
        client,
        "/api/v1/awards",
        award_body(
            response.json()["id"],
            funder_id=KZ_OPERATOR,
            recipient_id=NGO_KZ,
            currency="KZT",
            amount="12000000",
        ),
        world.operator,
    )
    assert award.status_code == 201, award.text
    assert award.json()["region"] == "KZ-75"


def test_an_award_may_be_paid_and_reported_after_its_project_ended(
    client: TestClient, world: World
) -> None:
    """A completion is dated by the project's end, and the final report and the payment
    released once it is read come after it (a reviewer found that a rule refusing that
    rejected whole 360Giving and OCDS files); nothing but a correction may be recorded after
    the completion, so the funder records them first."""
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    for step in (
        {"type": "disbursed", "amount": "200000000", "date": "2026-04-01", "tranche": 1},
        {"type": "reported", "date": "2026-07-15", "summary": {"uz": "Yakuniy hisobot"}},
        {"type": "disbursed", "amount": "100000000", "date": "2026-07-20", "tranche": 2},
        {"type": "completed", "date": "2026-06-30"},
    ):
        response = post(client, path, step, world.fund)
        assert response.status_code == 201, response.text
    assert response.json()["completed_on"] == "2026-06-30"


def test_idempotent_award_retry(client: TestClient, world: World, database: Database) -> None:
    competition = create_competition(client, world)
    body = award_body(competition["id"])
    first = post(client, "/api/v1/awards", body, world.fund, **{"Idempotency-Key": "award-1"})
    size = ledger_size(database)
    retry = post(
        client, "/api/v1/awards", copy.deepcopy(body), world.fund, **{"Idempotency-Key": "award-1"}
    )
    assert retry.status_code == 201
    # The very bytes of the first answer: a client that hashes or diffs responses sees no
    # change (keys in the model's order, not sorted), and is told it is a replay.
    assert retry.content == first.content
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert retry.headers["idempotent-replay"] == "true"
    assert "idempotent-replay" not in first.headers
    assert ledger_size(database) == size
    other = post(
        client,
        "/api/v1/awards",
        body | {"amount": "1000"},
        world.fund,
        **{"Idempotency-Key": "award-1"},
    )
    assert other.status_code == 422
    assert ledger_size(database) == size


def test_a_source_id_is_unique_per_funder(
    client: TestClient, world: World, database: Database
) -> None:
    competition = create_competition(client, world, source_id="PF-2026-R4")
    assert competition["source_id"] == "PF-2026-R4"
    award = create_award(client, world, competition["id"], source_id="360G-pf-0001")
    assert award["source_id"] == "360G-pf-0001"
    before = ledger_size(database)
    again = post(
        client,
        "/api/v1/awards",
        award_body(competition["id"], recipient_id=NGO_UZ_2, source_id="360G-pf-0001"),
        world.fund,
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "source_id"
    duplicate = post(
        client, "/api/v1/competitions", competition_body(source_id="PF-2026-R4"), world.fund
    )
    assert duplicate.status_code == 409
    assert ledger_size(database) == before
    # Another funder may use the same id for its own award.
    other = post(
        client,
        "/api/v1/awards",
        award_body(
            None,
            funder_id=MINISTRY,
            instrument="subsidy",
            legal_basis="PQ-5",
            source_id="360G-pf-0001",
        ),
        world.ministry,
    )
    assert other.status_code == 201, other.text


def test_numbers_the_ledger_cannot_record_exactly_are_422(
    client: TestClient, world: World, database: Database
) -> None:
    award = create_award(client, world, None, instrument="subsidy", legal_basis="PQ-9")
    before = ledger_size(database)
    path = f"/api/v1/awards/{award['id']}/events"
    too_big = post(
        client,
        path,
        {"type": "corrected", "corrects": 2**60, "reason": "x", "changes": {"amount": "1"}},
        world.fund,
    )
    assert too_big.status_code == 422
    published = award["published_seq"]
    huge = client.post(
        path,
        content=f'{{"type": "corrected", "corrects": {published}, "reason": "x", "changes": {{"themes": [1e400]}}}}',
        headers=bearer(world.fund) | {"Content-Type": "application/json"},
    )
    assert huge.status_code == 422, huge.text
    assert huge.headers["content-type"] == PROBLEM
    assert ledger_size(database) == before


def test_a_refusal_says_what_is_wrong(client: TestClient, world: World, database: Database) -> None:
    """A correction with neither changes nor void, a correction of a correction, and a body
    that is not JSON: each refusal names the field and says what is wrong with it."""
    award = create_award(client, world, create_competition(client, world)["id"])
    events = f"/api/v1/awards/{award['id']}/events"
    corrected = post(
        client,
        events,
        {
            "type": "corrected",
            "corrects": award["published_seq"],
            "reason": "A typing slip",
            "changes": {"title": {"uz": "Ekologik maktab loyihasi (2026)"}},
        },
        world.fund,
    )
    assert corrected.status_code == 201, corrected.text
    correction_seq = corrected.json()["events"][-1]["seq"]
    before = ledger_size(database)

    def refusal(response) -> tuple[str, str]:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        (error,) = response.json()["errors"]
        return error["field"], error["message"]

    field, message = refusal(
        post(client, events, {"type": "corrected", "corrects": 1, "reason": "r"}, world.fund)
    )
    assert field == "body"
    assert "gives the changes to make, or voids the event" in message
    field, message = refusal(
        post(
            client,
            events,
            {"type": "corrected", "corrects": correction_seq, "reason": "r", "void": True},
            world.fund,
        )
    )
    assert (field, message) == (
        "corrects",
        f"entry {correction_seq} is itself a correction: correct the event it corrects",
    )
    field, message = refusal(
        client.post(
            events,
            content=b"{not json",
            headers=bearer(world.fund) | {"content-type": "application/json"},
        )
    )
    assert field == "body"
    assert message.startswith("not valid JSON at offset 1: ")
    field, message = refusal(
        client.post(
            events,
            content=json.dumps({"type": "completed", "date": "2026-11-01"}).encode(),
            headers=bearer(world.fund) | {"content-type": "text/plain"},
        )
    )
    assert (field, message) == (
        "header.content-type",
        "must be application/json (it is text/plain): the body is read as JSON",
    )
    assert ledger_size(database) == before


def test_a_201_is_the_json_the_standard_encoder_writes(client: TestClient, world: World) -> None:
    """A publication's 201 is serialized by pydantic in one pass: the same bytes as the
    standard encoder gives, with text that JSON must escape or may leave as it is."""
    title = {"uz": 'Qo\u2018shtirnoq "bu" \\ yo\u2028l\x1f \U0001f331', "ru": "Зелёное\t<b>&</b>"}
    response = post(
        client,
        "/api/v1/awards",
        award_body(create_competition(client, world)["id"], title=title),
        world.fund,
    )
    assert response.status_code == 201, response.text
    assert response.headers["content-type"] == "application/json"
    assert {k: response.json()["title"][k] for k in title} == title
    standard = json.dumps(response.json(), ensure_ascii=False, separators=(",", ":"))
    assert response.content == standard.encode()


def test_moving_only_the_period_does_not_judge_older_events_again() -> None:
    """An award whose report predates its award date (accepted before that rule existed) can
    still have its period moved; moving its award date is judged by the rule."""
    from dataclasses import replace  # noqa: PLC0415
    from datetime import date  # noqa: PLC0415

    from registry.awards import rules  # noqa: PLC0415

    before = rules.AwardState(
        currency="UZS",
        amount_minor=100,
        original_amount_minor=100,
        award_date=date(2026, 3, 1),
        period_start=date(2026, 3, 15),
        period_end=date(2026, 12, 31),
        recipient_id=NGO_UZ,
        published={},
        first_report_on=date(2026, 2, 1),
    )
    today = date(2026, 12, 1)
    rules.check_new_dates(before, replace(before, period_start=date(2026, 4, 1)), today=today)
    with pytest.raises(rules.RuleViolation) as refused:
        rules.check_new_dates(before, replace(before, award_date=date(2026, 3, 2)), today=today)
    assert refused.value.field == "award_date"


def test_a_corrected_amount_is_held_to_the_budget_after_an_amendment(
    client: TestClient, world: World, database: Database
) -> None:
    """Correcting the publication's amount after an amendment lowered it: the corrected
    amount must fit the budget as the award's amount would now, or the record would say the
    competition once gave more than it had (a tester's 900 M 'original' in a 600 M budget)."""
    competition = create_competition(client, world, budget="600000000")
    award = create_award(client, world, competition["id"], amount="500000000")
    path = f"/api/v1/awards/{award['id']}/events"
    lowered = {"type": "amended", "amount": "100000000", "reason": "smaller project"}
    assert post(client, path, lowered, world.fund).status_code == 201
    correction = {
        "type": "corrected",
        "corrects": award["published_seq"],
        "reason": "typo",
        "changes": {"amount": "900000000"},
    }
    before = ledger_size(database)
    response = post(client, path, correction, world.fund)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "changes.amount"
    assert "budget" in response.json()["errors"][0]["message"]
    assert ledger_size(database) == before
    fits = {**correction, "changes": {"amount": "600000000"}}
    response = post(client, path, fits, world.fund)
    assert response.status_code == 201, response.text
    assert response.json()["original_amount"] == "600000000.00"


def test_a_corrected_text_keeps_the_languages_it_does_not_name(
    client: TestClient, world: World, database: Database
) -> None:
    """Fixing a typo in the Uzbek title keeps the Russian one (a tester lost it): a text in
    a correction names the languages it changes, null removes one, and the entry records
    the whole text; a correction that would leave no language is refused."""
    award = create_award(
        client,
        world,
        None,
        instrument="subsidy",
        legal_basis="PQ-12",
        title={"uz": "Ekologik maktb", "ru": "Экологическая школа"},
    )
    fixed = _correct_publication(client, world, award, {"title": {"uz": "Ekologik maktab"}})
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["title"] == {
        "uz": "Ekologik maktab",
        "ru": "Экологическая школа",
        "kk": None,
        "en": None,
    }
    assert fixed.json()["events"][-1]["body"]["changes"]["title"] == {
        "uz": "Ekologik maktab",
        "ru": "Экологическая школа",
    }
    dropped = _correct_publication(
        client, world, award, {"title": {"ru": None, "en": "Ecology school"}}
    )
    assert dropped.status_code == 201, dropped.text
    assert dropped.json()["title"] == {
        "uz": "Ekologik maktab",
        "ru": None,
        "kk": None,
        "en": "Ecology school",
    }
    removed = _correct_publication(client, world, award, {"title": {"en": None}})
    assert removed.status_code == 201, removed.text
    assert removed.json()["title"] == {"uz": "Ekologik maktab", "ru": None, "kk": None, "en": None}
    before = ledger_size(database)
    nothing = _correct_publication(client, world, award, {"title": {}})
    assert nothing.status_code == 422, nothing.text
    assert nothing.json()["errors"][0]["field"] == "changes.title"
    emptied = _correct_publication(client, world, award, {"title": {"uz": None}})
    assert emptied.status_code == 422, emptied.text
    assert emptied.json()["errors"][0]["field"] == "changes.title"
    assert ledger_size(database) == before


def test_a_corrected_report_summary_keeps_the_languages_it_does_not_name(
    client: TestClient, world: World, database: Database
) -> None:
    """A report's summary is corrected as a publication's title is: fixing the Russian
    summary keeps the Uzbek one, the entry records the whole text, and restating what the
    report already says in one of its languages changes nothing and is refused."""
    competition = create_competition(client, world)
    award = create_award(client, world, competition["id"])
    path = f"/api/v1/awards/{award['id']}/events"
    summary = {"uz": "Oraliq hisobot", "ru": "Промежуточный отчт"}
    report = post(
        client, path, {"type": "reported", "date": "2026-07-01", "summary": summary}, world.fund
    )
    assert report.status_code == 201, report.text
    seq = report.json()["events"][-1]["seq"]

    def correct(changes: dict) -> Any:
        body = {"type": "corrected", "corrects": seq, "reason": "typo", "changes": changes}
        return post(client, path, body, world.fund)

    fixed = correct({"summary": {"ru": "Промежуточный отчёт"}})
    assert fixed.status_code == 201, fixed.text
    assert fixed.json()["events"][-1]["body"]["changes"]["summary"] == {
        "uz": "Oraliq hisobot",
        "ru": "Промежуточный отчёт",
    }
    before = ledger_size(database)
    restated = correct({"summary": {"uz": "Oraliq hisobot"}})
    assert restated.status_code == 422, restated.text
    assert restated.json()["errors"][0]["field"] == "changes"
    emptied = correct({"summary": {"uz": None, "ru": None}})
    assert emptied.status_code == 422, emptied.text
    assert emptied.json()["errors"][0]["field"] == "changes.summary"
    assert ledger_size(database) == before
    dropped = correct({"summary": {"uz": None}})
    assert dropped.status_code == 201, dropped.text
    assert dropped.json()["events"][-1]["body"]["changes"]["summary"] == {
        "ru": "Промежуточный отчёт"
    }


def test_an_amended_competition_text_keeps_the_languages_it_does_not_name(
    client: TestClient, world: World
) -> None:
    competition = create_competition(
        client, world, title={"uz": "Yoshlar tanlovi", "ru": "Конкурс для молодёжи"}
    )
    amended = post(
        client,
        f"/api/v1/competitions/{competition['id']}/events",
        {"type": "amended", "changes": {"title": {"uz": "Yoshlar grant tanlovi"}}, "reason": "x"},
        world.fund,
    )
    assert amended.status_code == 201, amended.text
    assert amended.json()["title"]["ru"] == "Конкурс для молодёжи"
    assert amended.json()["title"]["uz"] == "Yoshlar grant tanlovi"
    removed = post(
        client,
        f"/api/v1/competitions/{competition['id']}/events",
        {"type": "amended", "changes": {"title": {"ru": None}}, "reason": "x"},
        world.fund,
    )
    assert removed.status_code == 201, removed.text
    assert removed.json()["title"] == {
        "uz": "Yoshlar grant tanlovi",
        "ru": None,
        "kk": None,
        "en": None,
    }
