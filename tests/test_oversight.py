"""Public oversight through HTTP, on both databases, with the clock moved instead of waited for.

Every refused request is checked to leave the ledger as it was.
"""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from domain_helpers import (
    KZ_OPERATOR,
    MINISTRY,
    NGO_UZ,
    PUBLIC_FUND,
    bearer,
    ledger_size,
)
from oversight_desk import CONCLUSIONS, OVERSEER, Desk

from registry.core import clock

START = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)  # 01:30 on 2 March in Tashkent


ANSWER = {
    "type": "answered",
    "decision": "accepted",
    "reasons": {"uz": "Xulosa asosli"},
    "measures": {"uz": "Hisobotlar 10 kun ichida eʼlon qilinadi"},
}


def test_answered_on_time_every_step_a_ledger_entry(desk: Desk) -> None:
    before = ledger_size(desk.database)
    with clock.travel(START):
        submitted = desk.submit()
    assert submitted["status"] == "submitted"
    assert submitted["body_id"] == PUBLIC_FUND
    assert submitted["id"].startswith("OVS-2026-")
    # 30 calendar days from the day it arrived in Tashkent (2 March), to the end of that day.
    assert submitted["due_date"] == "2026-04-01"
    assert submitted["due_at"] == "2026-04-01T19:00:00Z"
    assert submitted["time_zone"] == "Asia/Tashkent"
    assert submitted["events"][0]["kind"] == "oversight.submitted"
    assert submitted["events"][0]["body"]["answer_days"] == 30
    assert submitted["attachments"] == [{"sha256": "ab" * 32, "size": 48213, "name": "xulosa.pdf"}]
    with clock.travel(START + timedelta(days=3)):
        acknowledged = desk.event(submitted["id"], {"type": "acknowledged"}, desk.world.fund)
        assert acknowledged["status"] == "acknowledged"
    with clock.travel(START + timedelta(days=12)):
        answered = desk.event(submitted["id"], ANSWER, desk.world.fund)
    assert answered["status"] == "answered"
    assert answered["decision"] == "accepted"
    assert answered["answered_late"] is False
    assert answered["rounds"][0]["days_to_answer"] == 12
    assert [event["kind"] for event in answered["events"]] == [
        "oversight.submitted",
        "oversight.acknowledged",
        "oversight.answered",
    ]
    assert ledger_size(desk.database) == before + 3
    for event in answered["events"]:
        entry = desk.client.get(event["proof"]).json()
        assert entry["seq"] == event["seq"]
    changes = desk.client.get("/api/v1/changes", params={"kind": "oversight."}).json()
    assert [item["seq"] for item in changes["items"]] == [e["seq"] for e in answered["events"]]


def test_overdue_comes_from_the_clock_not_a_write(desk: Desk) -> None:
    with clock.travel(START):
        conclusion = desk.submit()
    size = ledger_size(desk.database)
    with clock.travel(datetime(2026, 4, 1, 18, 59, tzinfo=UTC)):  # 23:59 in Tashkent
        assert desk.get(conclusion["id"])["status"] == "submitted"
    with clock.travel(datetime(2026, 4, 1, 19, 0, tzinfo=UTC)):  # midnight: overdue
        assert desk.get(conclusion["id"])["status"] == "overdue"
        listed = desk.client.get(CONCLUSIONS, params={"status": "overdue"}).json()
        assert [item["id"] for item in listed["items"]] == [conclusion["id"]]
        stats = desk.client.get("/api/v1/oversight/stats", params={"group_by": "body"}).json()
        (row,) = stats["rows"]
        assert (row["key"], row["received"], row["overdue"], row["pending"]) == (
            PUBLIC_FUND,
            1,
            1,
            0,
        )
        assert row["name"]["ru"].startswith("Общественный фонд")
    assert ledger_size(desk.database) == size
    with clock.travel(datetime(2026, 4, 20, 6, 0, tzinfo=UTC)):
        late = desk.event(
            conclusion["id"], ANSWER | {"decision": "rejected", "measures": None}, desk.world.fund
        )
    assert (late["status"], late["answered_late"]) == ("answered", True)
    stats = desk.client.get("/api/v1/oversight/stats").json()
    (row,) = stats["rows"]
    assert (row["answered_late"], row["answered_on_time"], row["overdue"], row["rejected"]) == (
        1,
        0,
        0,
        1,
    )
    assert row["median_days_to_answer"] == "49"


def test_a_kazakh_body_counts_days_in_almaty(desk: Desk) -> None:
    with clock.travel(datetime(2026, 6, 30, 19, 30, tzinfo=UTC)):  # 00:30 on 1 July in Almaty
        conclusion = desk.submit(
            addressed_to=KZ_OPERATOR, subject={"type": "funder", "id": KZ_OPERATOR}
        )
    assert (conclusion["time_zone"], conclusion["due_date"]) == ("Asia/Almaty", "2026-07-31")


def test_one_extension_before_the_deadline(desk: Desk) -> None:
    with clock.travel(START):
        conclusion = desk.submit()
    cid = conclusion["id"]
    path = f"{CONCLUSIONS}/{cid}/events"
    with clock.travel(START + timedelta(days=5)):
        too_long = {"type": "extended", "days": 31, "reason": "Tekshiruv"}
        desk.refused(path, too_long, desk.world.fund, 422, "days")
        desk.refused(path, {"type": "extended", "days": 10}, desk.world.fund, 422, "reason")
        extended = desk.event(
            cid,
            {"type": "extended", "days": 15, "reason": "Tekshiruv davom etmoqda"},
            desk.world.fund,
        )
        assert extended["due_date"] == "2026-04-16"
        assert extended["rounds"][0]["extended_days"] == 15
        again = {"type": "extended", "days": 5, "reason": "Yana"}
        desk.refused(path, again, desk.world.fund, 409, "type")
    with clock.travel(START):
        other = desk.submit()
    with clock.travel(START + timedelta(days=40)):
        late = {"type": "extended", "days": 5, "reason": "Kech"}
        problem = desk.refused(
            f"{CONCLUSIONS}/{other['id']}/events", late, desk.world.fund, 409, "type"
        )
        assert "has passed" in problem["detail"]


def test_escalation_after_overdue_or_rejection_only(desk: Desk) -> None:
    with clock.travel(START):
        conclusion = desk.submit()
    cid = conclusion["id"]
    path = f"{CONCLUSIONS}/{cid}/events"
    escalate = {"type": "escalated", "to": MINISTRY, "reason": "Javob berilmadi"}
    with clock.travel(START + timedelta(days=10)):
        problem = desk.refused(path, escalate, desk.overseer, 409, "type")
        assert "overdue or rejected" in problem["detail"]
    with clock.travel(START + timedelta(days=45)):
        desk.refused(path, escalate | {"to": PUBLIC_FUND}, desk.overseer, 422, "to")
        desk.refused(path, escalate | {"to": NGO_UZ}, desk.overseer, 422, "to")
        escalated = desk.event(cid, escalate, desk.overseer)
    assert (escalated["status"], escalated["body_id"], escalated["escalations"]) == (
        "escalated",
        MINISTRY,
        1,
    )
    assert escalated["rounds"][0]["closed"] == "escalated"
    # Escalated at 01:30 on 16 April in Tashkent: the higher body has 30 days from then.
    assert escalated["due_date"] == str(date(2026, 4, 16) + timedelta(days=30))
    with clock.travel(START + timedelta(days=46)):
        # The first body's turn is over: only the higher body answers now.
        desk.refused(path, ANSWER, desk.world.fund, 403, "")
        acknowledged = desk.event(cid, {"type": "acknowledged"}, desk.world.ministry)
        assert acknowledged["status"] == "acknowledged"
        answered = desk.event(cid, ANSWER | {"decision": "partly_accepted"}, desk.world.ministry)
    assert (answered["status"], answered["decision"], answered["answered_late"]) == (
        "answered",
        "partly_accepted",
        False,
    )
    stats = desk.client.get("/api/v1/oversight/stats", params={"sort": "-overdue"}).json()
    by_body = {row["key"]: row for row in stats["rows"]}
    fund = by_body[PUBLIC_FUND]
    assert (fund["overdue"], fund["lapsed"], fund["escalated"]) == (0, 1, 1)
    assert (by_body[MINISTRY]["answered_on_time"], by_body[MINISTRY]["partly_accepted"]) == (1, 1)
    assert stats["rows"][0]["key"] == PUBLIC_FUND
    # After a rejection, the overseer may escalate at once.
    with clock.travel(START + timedelta(days=50)):
        other = desk.submit()
        desk.event(
            other["id"], ANSWER | {"decision": "rejected", "measures": None}, desk.world.fund
        )
        again = desk.event(other["id"], escalate, desk.overseer)
    assert again["status"] == "escalated"


def test_who_may_do_what(desk: Desk) -> None:
    with clock.travel(START):
        conclusion = desk.submit()
    path = f"{CONCLUSIONS}/{conclusion['id']}/events"
    withdraw = {"type": "withdrawn", "reason": "Masala hal qilindi"}
    desk.refused(path, ANSWER, desk.world.ministry, 403, "")  # another body
    desk.refused(path, ANSWER, desk.overseer, 403, "")  # the overseer
    desk.refused(path, ANSWER, desk.world.admin, 403, "")
    desk.refused(path, withdraw, desk.world.fund, 403, "")  # the body cannot withdraw it
    desk.refused(path, ANSWER, None, 401, "")
    stranger = desk.client.post(
        "/api/v1/keys",
        json={"role": "overseer", "organization_id": NGO_UZ},
        headers=bearer(desk.world.admin),
    ).json()["token"]
    desk.refused(path, withdraw, stranger, 403, "")  # another overseer
    escalate = {"type": "escalated", "to": MINISTRY, "reason": "."}
    desk.refused(path, escalate, stranger, 403, "")
    desk.refused(CONCLUSIONS, desk.conclusion(), desk.world.fund, 403, "")
    desk.refused(CONCLUSIONS, desk.conclusion(overseer_id=NGO_UZ), desk.overseer, 403, "")
    answered = desk.event(conclusion["id"], ANSWER, desk.world.fund)
    assert answered["status"] == "answered"
    desk.refused(path, ANSWER, desk.world.fund, 409, "type")  # a second answer
    desk.refused(path, withdraw, desk.overseer, 409, "type")  # after the answer
    desk.refused(path, {"type": "acknowledged"}, desk.world.fund, 409, "type")
    other = desk.submit()
    other_path = f"{CONCLUSIONS}/{other['id']}/events"
    withdrawn = desk.event(other["id"], withdraw, desk.overseer)
    assert withdrawn["status"] == "withdrawn"
    desk.refused(other_path, ANSWER, desk.world.fund, 409, "type")  # after withdrawal
    desk.refused(other_path, withdraw, desk.overseer, 409, "type")


def test_an_overseer_key_is_for_civil_society(desk: Desk) -> None:
    for body, field in (
        ({"role": "overseer", "organization_id": PUBLIC_FUND}, "organization_id"),
        ({"role": "overseer"}, "organization_id"),
    ):
        desk.refused("/api/v1/keys", body, desk.world.admin, 422, field)


def test_a_funder_key_is_never_an_ngos(desk: Desk) -> None:
    """An NGO receives state support; with a funder key it could publish awards (a tester's
    NGO did)."""
    problem = desk.refused(
        "/api/v1/keys",
        {"role": "funder", "organization_id": NGO_UZ},
        desk.world.admin,
        422,
        "organization_id",
    )
    assert "funder key" in problem["errors"][0]["message"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"attachments": [{"sha256": "AB" * 32, "size": 1}]}, "attachments.0.sha256"),
        ({"attachments": [{"sha256": "ab" * 31, "size": 1}]}, "attachments.0.sha256"),
        ({"attachments": [{"sha256": "ab" * 32}]}, "attachments.0.size"),
        ({"attachments": [{"sha256": "ab" * 32, "size": -1}]}, "attachments.0.size"),
        ({"attachments": [{"sha256": "ab" * 32, "size": 0}]}, "attachments.0.size"),
        (
            {
                "attachments": [
                    {"sha256": "ab" * 32, "size": 48213, "name": "xulosa.pdf"},
                    {"sha256": "cd" * 32, "size": 10},
                    {"sha256": "ab" * 32, "size": 48213, "name": "xulosa (1).pdf"},
                ]
            },
            "attachments.2.sha256",
        ),
        (
            {"attachments": [{"sha256": "ab" * 32, "size": 1, "url": "javascript:alert(1)"}]},
            "attachments.0.url",
        ),
        (
            {"attachments": [{"sha256": "ab" * 32, "size": 1, "url": "https://"}]},
            "attachments.0.url",
        ),
        (
            {"attachments": [{"sha256": "ab" * 32, "size": 1, "url": "https://a b.uz/x.pdf"}]},
            "attachments.0.url",
        ),
        ({"subject": {"type": "award", "id": "AWD-2026-999999"}}, "subject.id"),
        ({"subject": {"type": "competition", "id": "CMP-2026-99999"}}, "subject.id"),
        ({"subject": {"type": "funder", "id": NGO_UZ}}, "subject.id"),
        ({"subject": {"type": "contract", "id": "X"}}, "subject.type"),
        ({"addressed_to": NGO_UZ}, "addressed_to"),
        ({"addressed_to": "UZ-STIR-999999999"}, "addressed_to"),
        ({"addressed_to": "not an id"}, "addressed_to"),
        ({"findings": {}}, "findings"),
        ({"findings": {"uz": "  ", "ru": "Отчёт опоздал"}}, "findings.uz"),
        (
            {"attachments": [{"sha256": "ab" * 32, "size": 1, "name": "\u200b"}]},
            "attachments.0.name",
        ),
        ({"title": None}, "title"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_conclusions_are_refused(desk: Desk, overrides: dict, field: str) -> None:
    desk.refused(CONCLUSIONS, desk.conclusion(**overrides), desk.overseer, 422, field)


def test_an_ngo_as_a_funder_subject_is_refused_in_words_about_the_subject(desk: Desk) -> None:
    """Not "addressed to a state body": the field says what the conclusion is about."""
    subject = {"subject": {"type": "funder", "id": NGO_UZ}}
    problem = desk.refused(
        CONCLUSIONS, desk.conclusion(**subject), desk.overseer, 422, "subject.id"
    )
    assert problem["errors"][0]["message"].endswith("is about the work of a state body")
    addressed = {"addressed_to": NGO_UZ}
    problem = desk.refused(
        CONCLUSIONS, desk.conclusion(**addressed), desk.overseer, 422, "addressed_to"
    )
    assert problem["errors"][0]["message"].endswith(
        "is addressed to a state body (kind "
        "grant_operator, public_fund, state_body), which must answer it"
    )


def test_an_acceptance_says_what_will_be_done(desk: Desk) -> None:
    conclusion = desk.submit()
    path = f"{CONCLUSIONS}/{conclusion['id']}/events"
    desk.refused(path, ANSWER | {"measures": None}, desk.world.fund, 422, "measures")
    desk.refused(path, ANSWER | {"decision": "maybe"}, desk.world.fund, 422, "decision")
    desk.refused(path, {"type": "answered", "decision": "rejected"}, desk.world.fund, 422, "")


def test_lists_filter_page_and_refuse_what_they_do_not_know(desk: Desk) -> None:
    with clock.travel(START):
        first = desk.submit()
        second = desk.submit(
            subject={"type": "competition", "id": desk.competition["id"]}, addressed_to=MINISTRY
        )
        third = desk.submit(subject={"type": "funder", "id": PUBLIC_FUND})
    desk.event(first["id"], ANSWER, desk.world.fund)

    def ids(**params: object) -> list[str]:
        response = desk.client.get(CONCLUSIONS, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [third["id"], second["id"], first["id"]]
    assert ids(sort="submitted") == [first["id"], second["id"], third["id"]]
    assert ids(body=MINISTRY) == [second["id"]]
    assert ids(overseer=OVERSEER, status="answered") == [first["id"]]
    # Submitted in March, unanswered since: overdue now, by the clock.
    assert ids(status="submitted") == []
    assert ids(status="overdue,answered") == [third["id"], second["id"], first["id"]]
    assert ids(subject=desk.award["id"]) == [first["id"]]
    assert ids(subject_type="funder") == [third["id"]]
    assert ids(decision="accepted") == [first["id"]]
    assert ids(submitted_from="2026-03-02") == []
    assert ids(submitted_from="2026-03-01", submitted_to="2026-03-01") == [
        third["id"],
        second["id"],
        first["id"],
    ]
    seen, url = [], f"{CONCLUSIONS}?limit=1"
    while url:
        page = desk.client.get(url).json()
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    assert seen == [third["id"], second["id"], first["id"]]
    for params, field in (
        ({"status": "late"}, "query.status"),
        ({"decision": "yes"}, "query.decision"),
        ({"body": "nobody"}, "query.body"),
        ({"stauts": "overdue"}, "query.stauts"),
        ({"limit": 0}, "query.limit"),
        ({"cursor": "forged.cursor"}, "query.cursor"),
    ):
        response = desk.client.get(CONCLUSIONS, params=params)
        assert response.status_code == 400, (params, response.text)
        assert field in [error["field"] for error in response.json()["errors"]]
    assert "overdue" in desk.client.get(CONCLUSIONS, params={"status": "late"}).json()["detail"]
    stats = desk.client.get("/api/v1/oversight/stats", params={"group_by": "bodies"})
    assert stats.status_code == 400
    assert desk.client.get(f"{CONCLUSIONS}/OVS-2026-99999").status_code == 404


def test_an_unknown_conclusion_in_the_path_is_named_as_the_path_parameter(desk: Desk) -> None:
    unknown = f"{CONCLUSIONS}/OVS-2026-99999"
    response = desk.client.get(unknown)
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "path.conclusion_id", "message": "no conclusion OVS-2026-99999"}
    ]
    problem = desk.refused(f"{unknown}/events", ANSWER, desk.world.fund, 404, "path.conclusion_id")
    assert problem["detail"] == "path.conclusion_id: no conclusion OVS-2026-99999"


def test_award_competition_and_organization_list_their_conclusions(desk: Desk) -> None:
    about_award = desk.submit()
    about_competition = desk.submit(subject={"type": "competition", "id": desk.competition["id"]})
    award = desk.client.get(f"/api/v1/awards/{desk.award['id']}").json()
    assert [item["id"] for item in award["oversight"]] == [about_award["id"]]
    competition = desk.client.get(f"/api/v1/competitions/{desk.competition['id']}").json()
    assert [item["id"] for item in competition["oversight"]] == [about_competition["id"]]
    for org_id in (PUBLIC_FUND, OVERSEER):
        organization = desk.client.get(f"/api/v1/organizations/{org_id}").json()
        assert [item["id"] for item in organization["oversight"]] == [
            about_competition["id"],
            about_award["id"],
        ]
    stats = desk.client.get("/api/v1/oversight/stats", params={"group_by": "overseer"}).json()
    assert [(row["key"], row["received"], row["pending"]) for row in stats["rows"]] == [
        (OVERSEER, 2, 2)
    ]
    years = desk.client.get("/api/v1/oversight/stats", params={"group_by": "year"}).json()
    assert [row["key"] for row in years["rows"]] == [str(clock.now().year)]
    assert years["rows"][0]["name"] is None


def test_ocds_carries_conclusions_as_documents_of_their_process(desk: Desk) -> None:
    from test_publication_standards import RECORD_PACKAGE, RELEASE_PACKAGE, _get_valid  # noqa: PLC0415

    about_award = desk.submit()
    about_competition = desk.submit(subject={"type": "competition", "id": desk.competition["id"]})
    about_funder = desk.submit(subject={"type": "funder", "id": PUBLIC_FUND})
    desk.event(about_award["id"], ANSWER, desk.world.fund)
    ocid = f"ocds-uzkz01-{desk.competition['id']}"
    record = _get_valid(desk.client, f"/api/v1/ocds/records/{ocid}", RECORD_PACKAGE)["records"][0]
    compiled = record["compiledRelease"]
    (award,) = compiled["awards"]
    (document,) = [d for d in award["documents"] if d["id"] == about_award["id"]]
    assert document["documentType"] == "complaints"
    assert document["title"] == "Grant hisobotlari eʼlon qilinmagan"
    assert document["description_ru"] == "Отчёт опоздал на 90 дней"
    assert document["oversight"]["status"] == "answered"
    assert document["oversight"]["decision"] == "accepted"
    assert document["oversight"]["addressedTo"] == PUBLIC_FUND
    assert document["oversight"]["dueDate"] == about_award["due_date"]
    tender_documents = {d["id"] for d in compiled["tender"].get("documents", [])}
    assert about_competition["id"] in tender_documents
    release_ids = {release["id"] for release in record["releases"]}
    for event in desk.get(about_award["id"])["events"]:
        assert f"{ocid}-{event['seq']}" in release_ids
    _get_valid(desk.client, "/api/v1/ocds/releases", RELEASE_PACKAGE)
    mentioned = desk.client.get("/api/v1/ocds/releases").text
    assert about_award["id"] in mentioned
    assert about_competition["id"] in mentioned
    assert about_funder["id"] not in mentioned  # a funder as a whole is no contracting process
    funder_feed = desk.client.get("/api/v1/ocds/releases", params={"funder": PUBLIC_FUND}).json()
    assert about_award["id"] in json.dumps(funder_feed)
    assert about_funder["id"] not in json.dumps(funder_feed)


def test_an_extension_is_stamped_with_the_time_its_rule_was_judged_by(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    with clock.travel(START):
        conclusion = desk.submit()
    due_at = datetime.fromisoformat(conclusion["due_at"])

    class SlowLedgerClock:
        """The ledger's own reading of the clock, as if the append came a second late."""

        @staticmethod
        def now() -> datetime:
            return due_at + timedelta(seconds=1)

    monkeypatch.setattr("registry.ledger.service.clock", SlowLedgerClock)
    with clock.travel(due_at - timedelta(minutes=5)):
        extended = desk.event(
            conclusion["id"],
            {"type": "extended", "days": 3, "reason": "Tekshiruv"},
            desk.world.fund,
        )
    entry = extended["events"][-1]
    assert entry["kind"] == "oversight.extended"
    # Judged before the deadline and stamped with that time, not the ledger's later reading.
    assert datetime.fromisoformat(entry["time"]) < due_at


AKIMAT_DEPARTMENT = "KZ-BIN-940140000385"
PUBLIC_COUNCIL = "UZ-STIR-201122935"


def register(desk: Desk, org_id: str, kind: str, name: str, region: str) -> None:
    response = desk.client.post(
        "/api/v1/organizations",
        json={"org_id": org_id, "name": {"ru": name}, "kind": kind, "region": region},
        headers=bearer(desk.world.admin),
    )
    assert response.status_code == 201, response.text


def test_a_conclusion_goes_to_a_body_of_its_subjects_country(desk: Desk) -> None:
    """An Uzbek award's conclusion addressed, or escalated, to a Kazakh akimat's department
    would count as awaiting (then overdue) on that department's public record."""
    register(desk, AKIMAT_DEPARTMENT, "state_body", "Управление внутренней политики", "KZ-75")
    problem = desk.refused(
        CONCLUSIONS,
        desk.conclusion(addressed_to=AKIMAT_DEPARTMENT),
        desk.overseer,
        422,
        "addressed_to",
    )
    assert problem["errors"][0]["message"] == (
        f"{AKIMAT_DEPARTMENT} is not in the country of award {desk.award['id']} (Uzbekistan); "
        "a conclusion is addressed to a state body of its subject's country"
    )
    about_fund = {"subject": {"type": "funder", "id": PUBLIC_FUND}}
    desk.refused(
        CONCLUSIONS,
        desk.conclusion(addressed_to=KZ_OPERATOR, **about_fund),
        desk.overseer,
        422,
        "addressed_to",
    )
    with clock.travel(START):
        conclusion = desk.submit()
    path = f"{CONCLUSIONS}/{conclusion['id']}/events"
    with clock.travel(START + timedelta(days=45)):
        for body in (AKIMAT_DEPARTMENT, KZ_OPERATOR):
            escalate = {"type": "escalated", "to": body, "reason": "Javob berilmadi"}
            problem = desk.refused(path, escalate, desk.overseer, 422, "to")
            assert "is not in the country of award" in problem["errors"][0]["message"]
        escalate = {"type": "escalated", "to": MINISTRY, "reason": "Javob berilmadi"}
        assert desk.event(conclusion["id"], escalate, desk.overseer)["body_id"] == MINISTRY
    body = desk.client.get("/api/v1/oversight/stats", params={"body": AKIMAT_DEPARTMENT}).json()
    assert body["rows"] == []


def test_only_a_state_body_is_addressed(desk: Desk) -> None:
    """A public council (kind other) oversees; it is no state body that must answer."""
    register(desk, PUBLIC_COUNCIL, "other", "Общественный совет", "UZ-TK")
    for field, conclusion in (
        ("addressed_to", desk.conclusion(addressed_to=PUBLIC_COUNCIL)),
        ("addressed_to", desk.conclusion(addressed_to=NGO_UZ)),
    ):
        problem = desk.refused(CONCLUSIONS, conclusion, desk.overseer, 422, field)
        assert problem["errors"][0]["message"].endswith(
            "not a state body; a conclusion is addressed to a state body (kind grant_operator, "
            "public_fund, state_body), which must answer it"
        )
    with clock.travel(START):
        conclusion = desk.submit()
    with clock.travel(START + timedelta(days=45)):
        path = f"{CONCLUSIONS}/{conclusion['id']}/events"
        escalate = {"type": "escalated", "to": PUBLIC_COUNCIL, "reason": "Javob berilmadi"}
        problem = desk.refused(path, escalate, desk.overseer, 422, "to")
        assert problem["errors"][0]["message"].startswith(f"{PUBLIC_COUNCIL} is of kind other")
    # The Public Fund, the Kazakh grant operator and a ministry are addressed.
    kazakh = desk.submit(addressed_to=KZ_OPERATOR, subject={"type": "funder", "id": KZ_OPERATOR})
    assert kazakh["body_id"] == KZ_OPERATOR
    assert desk.submit(addressed_to=MINISTRY)["body_id"] == MINISTRY


def test_an_escalation_goes_up_one_body_at_a_time(desk: Desk) -> None:
    """Escalated "once it is overdue or rejected" (when, not how often): a conclusion that
    the higher body rejects in turn goes higher again, each time to a body not yet addressed,
    each its own round with its own deadline."""
    register(desk, "UZ-STIR-201122935", "state_body", "Кабинет Министров", "UZ")
    with clock.travel(START):
        conclusion = desk.submit()
    cid = conclusion["id"]
    path = f"{CONCLUSIONS}/{cid}/events"
    rejected = ANSWER | {"decision": "rejected", "measures": None}
    with clock.travel(START + timedelta(days=1)):
        desk.event(cid, rejected, desk.world.fund)
        up = {"type": "escalated", "to": MINISTRY, "reason": "Rad etildi"}
        desk.event(cid, up, desk.overseer)
        before_due = up | {"to": "UZ-STIR-201122935"}
        problem = desk.refused(path, before_due, desk.overseer, 409, "type")
        assert "due by" in problem["detail"]
        desk.event(cid, rejected, desk.world.ministry)
        desk.refused(path, up | {"to": PUBLIC_FUND}, desk.overseer, 422, "to")  # addressed once
        higher = desk.event(cid, before_due, desk.overseer)
    assert (higher["body_id"], higher["escalations"]) == ("UZ-STIR-201122935", 2)
    assert [r["closed"] for r in higher["rounds"]] == ["escalated", "escalated", None]


def test_an_accepted_conclusion_is_not_escalated_and_is_told_why(desk: Desk) -> None:
    for decision, said in (("partly_accepted", "partly accepted"), ("accepted", "accepted")):
        conclusion = desk.submit()
        desk.event(conclusion["id"], ANSWER | {"decision": decision}, desk.world.fund)
        escalate = {"type": "escalated", "to": MINISTRY, "reason": "Choralar yetarli emas"}
        path = f"{CONCLUSIONS}/{conclusion['id']}/events"
        problem = desk.refused(path, escalate, desk.overseer, 409, "type")
        assert problem["errors"][0]["message"] == (
            f"{PUBLIC_FUND} answered it ({said}); a conclusion is escalated when it is overdue "
            "or rejected"
        )


def test_an_answers_documents_are_each_one_document_of_some_bytes(desk: Desk) -> None:
    conclusion = desk.submit()
    path = f"{CONCLUSIONS}/{conclusion['id']}/events"
    document = {"sha256": "ef" * 32, "size": 1200, "name": "javob.pdf"}
    twice = ANSWER | {"attachments": [document, document | {"name": "javob-2.pdf"}]}
    problem = desk.refused(path, twice, desk.world.fund, 422, "attachments.1.sha256")
    assert "the same document as attachments.0" in problem["detail"]
    empty = ANSWER | {"attachments": [document | {"size": 0}]}
    desk.refused(path, empty, desk.world.fund, 422, "attachments.0.size")
    answered = desk.event(conclusion["id"], ANSWER | {"attachments": [document]}, desk.world.fund)
    assert answered["events"][-1]["body"]["attachments"] == [document]


def test_an_overseer_s_and_a_year_s_figures_count_conclusions_not_rounds(desk: Desk) -> None:
    """A conclusion escalated once is two rounds, one per body, but one conclusion of its
    overseer and of its year (a public council with 9 conclusions showed received: 12)."""
    with clock.travel(START):
        escalated = desk.submit()
        answered = desk.submit()
        desk.event(answered["id"], ANSWER, desk.world.fund)
    with clock.travel(START + timedelta(days=45)):
        up = {"type": "escalated", "to": MINISTRY, "reason": "Javob berilmadi"}
        desk.event(escalated["id"], up, desk.overseer)
        desk.event(escalated["id"], ANSWER | {"decision": "partly_accepted"}, desk.world.ministry)
        desk.submit()  # pending
        stats = desk.client.get("/api/v1/oversight/stats", params={"group_by": "overseer"})
        years = desk.client.get("/api/v1/oversight/stats", params={"group_by": "year"})
        bodies = desk.client.get("/api/v1/oversight/stats", params={"group_by": "body"})
    (row,) = stats.json()["rows"]
    (year,) = years.json()["rows"]
    for counted in (row, year):
        assert (counted["conclusions"], counted["received"]) == (3, 3)
        assert (counted["answered"], counted["pending"], counted["overdue"]) == (2, 1, 0)
        assert (counted["accepted"], counted["partly_accepted"], counted["rejected"]) == (1, 1, 0)
        assert (counted["lapsed"], counted["escalated"], counted["withdrawn"]) == (1, 1, 0)
        assert counted["answered_on_time"] + counted["answered_late"] == counted["answered"]
    assert (row["key"], year["key"]) == (OVERSEER, "2026")
    by_body = {item["key"]: item for item in bodies.json()["rows"]}
    assert (by_body[PUBLIC_FUND]["conclusions"], by_body[MINISTRY]["conclusions"]) == (3, 1)
    assert by_body[PUBLIC_FUND]["received"] == 3
    filtered = desk.client.get(
        "/api/v1/oversight/stats", params={"group_by": "overseer", "body": MINISTRY}
    ).json()
    assert [(item["key"], item["conclusions"]) for item in filtered["rows"]] == [(OVERSEER, 1)]


def test_ocds_compiles_each_document_once_and_carries_the_answer(desk: Desk) -> None:
    """After four entries the compiled record held the conclusion's document four times (an
    object without an id is appended by the OCDS merge); the answer's reasons, measures and
    documents were not released at all."""
    from test_publication_standards import RECORD_PACKAGE, _get_valid  # noqa: PLC0415

    with clock.travel(START):
        conclusion = desk.submit()
    cid = conclusion["id"]
    letter = {"sha256": "ef" * 32, "size": 1200, "name": "javob.pdf"}
    with clock.travel(START + timedelta(days=2)):
        desk.event(cid, {"type": "acknowledged"}, desk.world.fund)
    with clock.travel(START + timedelta(days=3)):
        desk.event(cid, {"type": "extended", "days": 5, "reason": "Tekshiruv"}, desk.world.fund)
    with clock.travel(START + timedelta(days=4)):
        answer = ANSWER | {
            "reasons": {"uz": "Xulosa asosli", "ru": "Заключение обосновано"},
            "attachments": [letter],
        }
        desk.event(cid, answer, desk.world.fund)
    ocid = f"ocds-uzkz01-{desk.competition['id']}"
    record = _get_valid(desk.client, f"/api/v1/ocds/records/{ocid}", RECORD_PACKAGE)["records"][0]
    (award,) = record["compiledRelease"]["awards"]
    (document,) = [d for d in award["documents"] if d["id"] == cid]
    oversight = document["oversight"]
    assert oversight["attachments"] == [
        {"id": "ab" * 32, "sha256": "ab" * 32, "size": 48213, "name": "xulosa.pdf"}
    ]
    assert oversight["answerAttachments"] == [
        {"id": "ef" * 32, **letter, "answeredBy": PUBLIC_FUND}
    ]
    assert (oversight["reasons"], oversight["reasons_ru"]) == (
        "Xulosa asosli",
        "Заключение обосновано",
    )
    assert oversight["measures"] == ANSWER["measures"]["uz"]
    (answered,) = [
        item["awards"][0]["documents"][0]["oversight"]
        for item in record["releases"]
        if item["id"] == f"{ocid}-{desk.get(cid)['events'][-1]['seq']}"
    ]
    assert (answered["status"], answered["reasons_uz"]) == ("answered", "Xulosa asosli")
