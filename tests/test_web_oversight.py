"""The oversight pages over HTTP on the demo data of both databases: the figures are the API's,
overdue conclusions are listed under their body, each conclusion tells its story, and a hostile
title is text."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from domain_helpers import PUBLIC_FUND, bearer
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_oversight import START
from test_web_entities import HOSTILE, text_of

from registry.core import clock
from registry.core.db import Database


def _conclusions(client: TestClient, **params: object) -> list[dict]:
    items: list[dict] = []
    url: str | None = "/api/v1/oversight/conclusions?limit=500"
    while url:
        page = client.get(url, params=params).json()
        items += page["items"]
        url, params = page["next"], {}
    return items


def test_the_oversight_page_shows_who_leaves_conclusions_unanswered(
    demo_client: TestClient,
) -> None:
    stats = demo_client.get("/api/v1/oversight/stats", params={"sort": "-overdue"}).json()
    overdue = _conclusions(demo_client, status="overdue")
    assert overdue, "the demo has conclusions overdue now"
    assert any(row["answered_late"] for row in stats["rows"])
    html = demo_client.get("/oversight", params={"lang": "en"}).text
    text = " ".join(text_of(html).split())
    # The record table: one row per body, most overdue first, the API's figures.
    table = html[html.index('<table class="record">') : html.index("</table>")]
    bodies = re.findall(r'href="/oversight/bodies/([^"?]+)\?lang=en"', table)
    assert bodies == [row["key"] for row in stats["rows"]]
    for row, cells in zip(stats["rows"], table.split("<tr>")[2:], strict=True):
        numbers = re.findall(r'<td class="num[^"]*">([^<]+)</td>', cells)
        assert numbers[:6] == [
            str(row[name])
            for name in (
                "received",
                "answered_on_time",
                "answered_late",
                "overdue",
                "lapsed",
                "pending",
            )
        ]
    # Every overdue conclusion, under the body that must answer it.
    section = html[html.index('id="overdue-title"') : html.index('id="recent-title"')]
    for conclusion in overdue:
        assert f"/oversight/conclusions/{conclusion['id']}?lang=en" in section
        before = section[: section.index(f"/oversight/conclusions/{conclusion['id']}")]
        heading = before[before.rindex("<h3>") :]
        assert f"/organizations/{conclusion['body_id']}?lang=en" in heading
    assert "days overdue" in text
    assert "Public oversight" in text


# How a body's conclusions stand, each round in exactly one of these: they add up to received.
OUTCOMES = (
    ("answered_on_time", "Answered on time"),
    ("answered_late", "Answered late"),
    ("overdue", "Overdue now"),
    ("lapsed", "Lapsed, then escalated"),
    ("pending", "Awaiting an answer"),
    ("withdrawn", "Withdrawn"),
)


def test_each_bodys_record_adds_up_to_what_it_received(demo_client: TestClient) -> None:
    """Found by a journalist: the Ministry of Health's row read Received 1 and 0 in every other
    column, its one conclusion (withdrawn by its overseer) counted nowhere; the page had no
    column of withdrawn conclusions. In the API, on /oversight and on each body's page, a
    body's outcomes add up to the conclusions it received."""
    rows = demo_client.get("/api/v1/oversight/stats", params={"sort": "-overdue"}).json()["rows"]
    assert any(row["withdrawn"] for row in rows), "the demo has a withdrawn conclusion"
    for row in rows:
        assert sum(row[name] for name, _ in OUTCOMES) == row["received"], row
    html = demo_client.get("/oversight", params={"lang": "en"}).text
    table = html[html.index('<table class="record">') : html.index("</table>")]
    headings = [unescape(h) for h in re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)]
    for label in ["Received", *(label for _, label in OUTCOMES)]:
        assert label in headings, (label, headings)
    for row, cells in zip(rows, table.split("<tr>")[2:], strict=True):
        numbers = re.findall(r'<td class="num[^"]*">([^<]+)</td>', cells)
        shown = dict(zip(headings[1:], numbers, strict=True))
        assert int(shown["Received"]) == row["received"]
        assert sum(int(shown[label]) for _, label in OUTCOMES) == row["received"], (row, shown)
        assert int(shown["Withdrawn"]) == row["withdrawn"]
    for row in rows:
        page = demo_client.get(f"/oversight/bodies/{row['key']}", params={"lang": "en"}).text
        text = " ".join(text_of(page).split())
        for name, label in [("received", "Received"), *OUTCOMES]:
            assert f"{label} {row[name]}" in text, (row["key"], label)


def test_a_conclusion_page_tells_its_story(demo_client: TestClient) -> None:
    escalated = next(c for c in _conclusions(demo_client) if c["escalations"])
    api = demo_client.get(f"/api/v1/oversight/conclusions/{escalated['id']}").json()
    html = demo_client.get(f"/oversight/conclusions/{escalated['id']}", params={"lang": "en"}).text
    text = " ".join(text_of(html).split())
    for found in api["rounds"]:
        assert f"/organizations/{found['body_id']}?lang=en" in html
    for event in api["events"]:
        assert f'id="event-{event["seq"]}"' in html
        assert f'href="/api/v1/ledger/entries/{event["seq"]}"' in html
    assert "Escalated" in text
    assert "escalated 1 time" in text
    for attachment in api["attachments"]:
        assert attachment["sha256"] in html
    russian = demo_client.get(f"/oversight/conclusions/{escalated['id']}?lang=ru").text
    assert "Передано в вышестоящий орган" in russian
    unknown = demo_client.get("/oversight/conclusions/OVS-2000-99999", params={"lang": "kk"})
    assert unknown.status_code == 404
    assert "<code>OVS-2000-99999</code> қоғамдық бақылау қорытындысы (әзірге) жоқ." in unknown.text


def test_an_overdue_conclusion_says_by_how_many_days(demo_client: TestClient) -> None:
    overdue = _conclusions(demo_client, status="overdue")[0]
    html = demo_client.get(f"/oversight/conclusions/{overdue['id']}", params={"lang": "en"}).text
    assert re.search(r"Overdue by \d+ days?:", unescape(html))


def test_a_body_page_is_its_record(demo_client: TestClient) -> None:
    row = demo_client.get(
        "/api/v1/oversight/stats", params={"group_by": "body", "body": PUBLIC_FUND}
    ).json()["rows"][0]
    html = demo_client.get(f"/oversight/bodies/{PUBLIC_FUND}", params={"lang": "en"}).text
    text = " ".join(text_of(html).split())
    assert f"Received {row['received']}" in text
    assert f"Overdue now {row['overdue']}" in text
    listed = re.findall(r'href="/oversight/conclusions/(OVS-[0-9-]+)\?lang=en"', html)
    assert listed == [c["id"] for c in _conclusions(demo_client, body=PUBLIC_FUND)][:25]
    assert demo_client.get("/oversight/bodies/UZ-STIR-999999999").status_code == 404


def test_award_competition_and_organization_pages_list_their_conclusions(
    demo_client: TestClient,
) -> None:
    for conclusion in _conclusions(demo_client)[:6]:
        subject = conclusion["subject"]
        path = {"award": "/awards/", "competition": "/competitions/", "funder": "/organizations/"}
        html = demo_client.get(path[subject["type"]] + subject["id"]).text
        assert f'href="/oversight/conclusions/{conclusion["id"]}"' in html
    funder = demo_client.get(f"/organizations/{PUBLIC_FUND}").text
    assert f'href="/oversight/bodies/{PUBLIC_FUND}"' in funder


def test_a_hostile_title_is_text(client: TestClient, database: Database) -> None:
    desk = Desk(client, database)
    conclusion = desk.submit(title={"uz": HOSTILE}, findings={"uz": HOSTILE})
    for path in (f"/oversight/conclusions/{conclusion['id']}", "/oversight"):
        html = client.get(path).text
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert client.get("/api/v1/oversight/conclusions", headers=bearer(desk.overseer)).is_success


def test_days_overdue_and_left_are_calendar_days_in_the_bodys_zone(
    client: TestClient, database: Database
) -> None:
    desk = Desk(client, database)
    with clock.travel(START):  # arrives on 2 March in Tashkent: due by the end of 1 April
        conclusion = desk.submit()
    path = f"/oversight/conclusions/{conclusion['id']}?lang=en"
    with clock.travel(START):  # the day it arrives: 30 days to the deadline, not 31
        assert "30 days left:" in text_of(client.get(path).text)
        assert "30 days left" in text_of(client.get("/oversight?lang=en").text)
        assert "31 days" not in text_of(client.get("/oversight?lang=en").text)
    with clock.travel(datetime(2026, 3, 31, 18, 30, tzinfo=UTC)):  # 23:30 the day before
        assert "1 day left:" in text_of(client.get(path).text)
    with clock.travel(datetime(2026, 4, 1, 7, 0, tzinfo=UTC)):  # noon on the last day
        assert "Today is the last day:" in text_of(client.get(path).text)
    with clock.travel(datetime(2026, 4, 2, 5, 0, tzinfo=UTC)):  # 10:00 the day after
        assert "Overdue by 1 day:" in text_of(client.get(path).text)
    with clock.travel(datetime(2026, 4, 11, 5, 0, tzinfo=UTC)):
        assert "Overdue by 10 days:" in text_of(client.get(path).text)


def test_every_problem_type_uri_opens_to_its_page(client: TestClient) -> None:
    from registry.web.problem_pages import DECLARED, PROBLEMS  # noqa: PLC0415

    assert set(PROBLEMS) == DECLARED  # every error the API answers has its page
    problem = client.get("/api/v1/awards/AWD-2000-999999").json()
    assert client.get(problem["type"]).status_code == 200
    for slug, item in PROBLEMS.items():
        response = client.get(f"/problems/{slug}", params={"lang": "ru"})
        assert response.status_code == 200
        assert f"HTTP {item.status}" in response.text
        assert '<html lang="ru">' in response.text
    assert client.get("/problems/teapot").status_code == 404


def test_a_late_answer_says_by_how_many_days_in_every_language(
    client: TestClient, database: Database
) -> None:
    """ "Answered late" said neither how late: the page and the lists say "N days late",
    with each language's plural."""
    desk = Desk(client, database)
    with clock.travel(START):  # due by the end of 1 April in Tashkent
        conclusion = desk.submit()
    answer = {"type": "answered", "decision": "rejected", "reasons": {"uz": "Asossiz"}}
    with clock.travel(datetime(2026, 4, 3, 5, 0, tzinfo=UTC)):  # 2 days after the last day
        desk.event(conclusion["id"], answer, desk.world.fund)
        page = text_of(client.get(f"/oversight/conclusions/{conclusion['id']}?lang=en").text)
        assert "Answered 2 days late, on" in page
        assert "2 days late" in text_of(client.get("/oversight?lang=en").text)
        russian = text_of(client.get(f"/oversight/conclusions/{conclusion['id']}?lang=ru").text)
        assert "с опозданием на 2 дня" in russian


def test_the_oversight_page_calls_the_term_configured_and_lists_what_each_concerns(
    client: TestClient, database: Database
) -> None:
    """The term is the registry's configured one (README: a placeholder, not the law's), and
    the latest conclusions say what each is about."""
    desk = Desk(client, database)
    conclusion = desk.submit()
    page = client.get("/oversight?lang=en").text
    text = text_of(page)
    assert "The body must answer within" not in text
    assert "This registry gives the body 30 calendar days to answer" in text
    assert "not a figure quoted from the law" in text
    assert '<th scope="col">Concerns</th>' in page
    assert f'href="/awards/{conclusion["subject"]["id"]}?lang=en"' in page


def test_the_conclusion_page_offers_the_verifier_and_receipts(
    client: TestClient, database: Database
) -> None:
    """As the award page does: the in-browser verifier over the conclusion's entries, and
    each entry's offline receipt."""
    desk = Desk(client, database)
    conclusion = desk.submit()
    full = client.get(f"/api/v1/oversight/conclusions/{conclusion['id']}").json()
    seqs = [event["seq"] for event in full["events"]]
    page = client.get(f"/oversight/conclusions/{conclusion['id']}?lang=en").text
    assert f'data-subject="{conclusion["id"]}"' in page
    assert f'data-seqs="{" ".join(map(str, seqs))}"' in page
    for seq in seqs:
        assert f'href="/api/v1/ledger/entries/{seq}/receipt"' in page
        assert client.get(f"/api/v1/ledger/entries/{seq}/receipt").status_code == 200
    assert "js/verify.js" in page


@pytest.mark.parametrize("lang", ["uz", "uz-Cyrl"])
def test_the_uzbek_history_attaches_no_suffix_to_a_name(
    client: TestClient, database: Database, lang: str
) -> None:
    """ "…jamoat fondi ga yoʻllandi": a case suffix cannot follow a name put in by the page,
    so the Uzbek history names the body after a colon."""
    desk = Desk(client, database)
    conclusion = desk.submit()
    text = text_of(client.get(f"/oversight/conclusions/{conclusion['id']}?lang={lang}").text)
    assert " ga yoʻllandi" not in text
    assert " га йўлланди" not in text
    assert ("Yoʻllandi:" if lang == "uz" else "Йўлланди:") in text


def test_the_bodys_answer_documents_are_shown_as_the_conclusions_are(
    client: TestClient, database: Database
) -> None:
    desk = Desk(client, database)
    conclusion = desk.submit()
    document = {
        "sha256": "ef" * 32,
        "size": 1200,
        "name": "javob-xati.pdf",
        "url": "https://fund.uz/javob.pdf",
    }
    answer = {
        "type": "answered",
        "decision": "rejected",
        "reasons": {"uz": "Hisobotlar eʼlon qilingan"},
        "attachments": [document, {"sha256": "12" * 32, "size": 1}],
    }
    desk.event(conclusion["id"], answer, desk.world.fund)
    html = client.get(f"/oversight/conclusions/{conclusion['id']}", params={"lang": "en"}).text
    history = html[html.index('id="history-title"') :]
    answered = history[history.index('class="answer"') :]
    assert (
        '<a href="https://fund.uz/javob.pdf" rel="nofollow noopener">javob-xati.pdf</a>' in answered
    )
    assert f"SHA-256 {'ef' * 32}" in answered
    assert "1,200 bytes" in answered
    assert f"SHA-256 {'12' * 32}" in answered
    assert "1 byte" in text_of(answered)
    assert "Documents of the answer:" in text_of(answered)
    russian = client.get(f"/oversight/conclusions/{conclusion['id']}", params={"lang": "ru"}).text
    assert "Документы ответа:" in russian
