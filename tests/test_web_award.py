"""The award page over HTTP on both databases: the facts, the whole timeline (before and after,
running totals, corrections pointing at what they correct, ledger seqs), hostile text, 404."""

import re
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from domain_helpers import NGO_UZ, PUBLIC_FUND, World, bearer, build_world, organization
from fastapi.testclient import TestClient
from test_legal_units import direct, kz_grant

from registry import journal
from registry.core.db import Database
from registry.ledger.service import NewEntry
from registry.web import i18n

HOSTILE = "<script>alert(1)</script> \"quoted\" 'single' \u202eevil\u202c"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def publish(client: TestClient, token: str, path: str, body: dict) -> dict:
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()


def award_with_a_history(client: TestClient, world: World, database: Database) -> dict:
    """An award with every kind of event, one of them a report whose document link a release
    before the http(s) rule accepted (written to the journal as that release wrote it)."""
    competition = publish(
        client,
        world.fund,
        "/api/v1/competitions",
        {
            "funder_id": PUBLIC_FUND,
            "instrument": "grant",
            "year": 2026,
            "round_number": 4,
            "title": {"uz": "Yoshlar tashabbuslari", "ru": "Молодёжные инициативы"},
            "themes": ["youth"],
            "budget": "1000000000",
            "currency": "UZS",
            "window": {
                "opens": "2026-01-10T09:00:00+05:00",
                "closes": "2026-02-10T18:00:00+05:00",
            },
            "region": "UZ",
        },
    )
    award = publish(
        client,
        world.fund,
        "/api/v1/awards",
        {
            "funder_id": PUBLIC_FUND,
            "recipient_id": NGO_UZ,
            "competition_id": competition["id"],
            "instrument": "grant",
            "title": {"uz": "Ekologik maktab loyihasi", "ru": "Экологическая школа"},
            "amount": "300000000",
            "currency": "UZS",
            "award_date": "2026-03-01",
            "period": {"start": "2026-03-15", "end": "2026-12-31"},
            "themes": ["ecology"],
        },
    )
    path = f"/api/v1/awards/{award['id']}/events"
    for step in (
        {"type": "disbursed", "amount": "100000000", "date": "2026-03-20", "tranche": 1},
        {"type": "amended", "amount": "350000000", "reason": "Second phase added"},
        {"type": "disbursed", "amount": "150000000", "date": "2026-06-20", "tranche": 2},
    ):
        award = publish(client, world.fund, path, step)
    # Refused by the API since, but a ledger may hold it: the page must never make it a link.
    with database.session(write=True) as session:
        journal.record(
            session,
            [
                NewEntry(
                    kind="award.reported",
                    subject=award["id"],
                    actor=award["events"][-1]["actor"],
                    body={"date": "2026-07-01", "document_url": "javascript:alert(1)"},
                )
            ],
        )
    second_tranche = award["events"][3]["seq"]
    award = publish(
        client,
        world.fund,
        path,
        {
            "type": "corrected",
            "corrects": second_tranche,
            "reason": "Bank statement shows 140M",
            "changes": {"amount": "140000000"},
        },
    )
    return publish(
        client, world.fund, path, {"type": "terminated", "date": "2026-08-01", "reason": "Closed"}
    )


def main_of(html: str) -> str:
    """The page's own content, without the header's and footer's links."""
    match = re.search(r"<main.*?</main>", html, re.DOTALL)
    assert match, "no main element"
    return match.group(0)


def event_item(html: str, seq: int) -> str:
    match = re.search(rf'<li id="event-{seq}".*?</li>', html, re.DOTALL)
    assert match, f"no timeline item for entry {seq}"
    return match.group(0)


def test_the_award_page_tells_the_whole_story(
    client: TestClient, world: World, database: Database
) -> None:
    award = award_with_a_history(client, world, database)
    response = client.get(f"/awards/{award['id']}", params={"lang": "en"})
    assert response.status_code == 200
    html = response.text
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    assert "Ekologik maktab loyihasi" not in html  # English falls back to Russian before Uzbek
    assert '<span lang="ru">Экологическая школа</span>' in html
    assert "«Mehr-shafqat» nodavlat notijorat tashkiloti" in text
    assert f'href="/organizations/{NGO_UZ}?lang=en"' in html
    assert f'href="/organizations/{PUBLIC_FUND}?lang=en"' in html
    assert f'href="/competitions/{award["competition_id"]}?lang=en"' in html
    seqs = [event["seq"] for event in award["events"]]
    _published, _first, amended, second, reported, correction, terminated = seqs
    for seq in seqs:
        assert f'href="/api/v1/ledger/entries/{seq}"' in event_item(html, seq)
    assert "300,000,000" in event_item(html, amended)
    assert "350,000,000" in event_item(html, amended)
    assert "Second phase added" in event_item(html, amended)
    # The second tranche is shown as corrected (140M), so the running total is 240M of 350M.
    second_item = unescape(re.sub(r"<[^>]+>", " ", event_item(html, second)))
    assert "140,000,000" in second_item
    assert "240,000,000" in second_item
    assert "110,000,000" in second_item
    assert f'href="#event-{correction}"' in event_item(html, second)
    assert f'href="#event-{second}"' in event_item(html, correction)
    correction_text = unescape(re.sub(r"<[^>]+>", " ", event_item(html, correction)))
    # Found by a reader: the correction's table read "150000000.00", the rest of the page
    # "150,000,000"; it is written as the rest of the page writes money now.
    assert "Amount UZS 150,000,000 UZS 140,000,000" in " ".join(correction_text.split())
    assert "150000000" not in correction_text
    # A document link that is not http(s), accepted before the rule, is text, never a link.
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in event_item(html, reported)
    assert "Closed" in event_item(html, terminated)
    assert f'data-seqs="{" ".join(map(str, seqs))}"' in html
    assert f'data-subject="{award["id"]}"' in html


def test_a_correction_is_written_as_the_rest_of_the_page(client: TestClient, world: World) -> None:
    award = publish(client, world.fund, "/api/v1/awards", direct(region="UZ-TO", themes=["youth"]))
    correction = publish(
        client,
        world.fund,
        f"/api/v1/awards/{award['id']}/events",
        {
            "type": "corrected",
            "corrects": award["published_seq"],
            "reason": "Typed from the wrong decision",
            "changes": {
                "amount": "250000000",
                "award_date": "2026-02-27",
                "region": "UZ-TK",
                "themes": ["ecology", "youth"],
                "period": {"start": "2026-03-16", "end": "2026-12-30"},
            },
        },
    )["events"][-1]
    html = client.get(f"/awards/{award['id']}", params={"lang": "ru"}).text
    rows = [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>.*?</tr>", event_item(html, correction["seq"]), re.DOTALL)
    ]
    formats = i18n.formats(i18n.BY_CODE["ru"])
    money = formats.money(award["amount"], "UZS"), formats.money("250000000", "UZS")
    assert rows[1:] == [  # after the heading
        " ".join(f"Сумма {money[0]} {money[1]}".split()),
        "Дата решения 1 мар. 2026 г. 27 февр. 2026 г.",
        "Срок реализации 15 мар. 2026 г. – 31 дек. 2026 г. 16 мар. 2026 г. – 30 дек. 2026 г.",
        "Регион Ташкентская область город Ташкент",
        "Темы молодёжь экология, молодёжь",
    ]


def test_the_award_page_speaks_the_readers_language(
    client: TestClient, world: World, database: Database
) -> None:
    award = award_with_a_history(client, world, database)
    html = client.get(f"/awards/{award['id']}", params={"lang": "ru"}).text
    assert '<html lang="ru">' in html
    assert "Экологическая школа" in html
    assert 'href="/awards?theme=ecology&amp;lang=ru"' in html
    # Each entry's receipt is named as the history names its event, not by its ledger kind
    # ("#305 award.published", found by a journalist).
    receipts = re.findall(r'/events/(\d+)/receipt" download>#\d+ ([^<]+)</a>', html)
    assert receipts
    assert all(not name.startswith("award.") for _, name in receipts)
    assert receipts[0][1] == "Опубликовано"


@pytest.mark.parametrize(
    ("lang", "ecology", "youth"),
    [
        ("en", "ecology", "youth"),
        ("ru", "экология", "молодёжь"),
        ("kk", "экология", "жастар"),
        ("uz", "ekologiya", "yoshlar"),
        ("uz-Cyrl", "экология", "ёшлар"),
    ],
)
def test_themes_are_named_in_the_readers_language(
    client: TestClient, world: World, database: Database, lang: str, ecology: str, youth: str
) -> None:
    """Found by a reader: a Russian page listed its themes as "ecology", "youth". A label the
    catalogs translate is shown translated, its link still the stored label; any other label
    is shown as its funder wrote it."""
    award = award_with_a_history(client, world, database)
    html = client.get(f"/awards/{award['id']}", params={"lang": lang}).text
    assert f'<a href="/awards?theme=ecology&amp;lang={lang}">{ecology}</a>' in html
    competition = client.get(f"/competitions/{award['competition_id']}", params={"lang": lang})
    assert f"<dd>{youth}</dd>" in competition.text
    chosen = client.get("/awards", params={"theme": "Ecology", "lang": lang}).text
    assert re.search(rf'</span> {ecology}\s*<a class="remove"', chosen)
    own = publish(client, world.fund, "/api/v1/awards", direct(themes=["Mahalla yoshlari"]))
    html = client.get(f"/awards/{own['id']}", params={"lang": lang}).text
    assert ">Mahalla yoshlari</a>" in html


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("en", "Tashkent region"),
        ("ru", "Ташкентская область"),
        ("kk", "Ташкент облысы"),
        ("uz", "Toshkent viloyati"),
        ("uz-Cyrl", "Тошкент вилояти"),
    ],
)
def test_the_award_page_names_its_region_in_the_readers_language(
    client: TestClient, world: World, lang: str, name: str
) -> None:
    award = publish(client, world.fund, "/api/v1/awards", direct(region="UZ-TO"))
    html = client.get(f"/awards/{award['id']}", params={"lang": lang}).text
    assert f'<a href="/regions/UZ-TO?lang={lang}">{name}</a>' in html
    assert "Toshkent (region)" not in html
    assert award["region"] == "UZ-TO"  # the API keeps the code


def test_a_text_recorded_in_no_language_is_marked_unknown_not_the_pages(
    client: TestClient, world: World, database: Database
) -> None:
    """A reason or note is one text, in whatever language its funder wrote it: inside a
    Russian page it is marked ``lang=""`` (HTML: the language is unknown), so a screen reader
    does not read an Uzbek or English reason with Russian rules."""
    award = award_with_a_history(client, world, database)
    html = client.get(f"/awards/{award['id']}", params={"lang": "ru"}).text
    events = {event["kind"].removeprefix("award."): event["seq"] for event in award["events"]}
    assert '<dd lang="">Closed</dd>' in html  # the termination reason
    assert '<span lang="">Second phase added</span>' in event_item(html, events["amended"])
    assert '<span lang="">Bank statement shows 140M</span>' in event_item(html, events["corrected"])
    assert '<span lang="">Closed</span>' in event_item(html, events["terminated"])


def test_the_award_page_shows_local_times_and_names_the_zone(
    client: TestClient, world: World, database: Database
) -> None:
    """Found by a new user's test: 04:00Z was shown as "04:00:00", unnamed, where the award
    was made at 09:00 Tashkent time; the competition page shows local time, named."""
    award = award_with_a_history(client, world, database)
    html = client.get(f"/awards/{award['id']}", params={"lang": "ru"}).text
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    formats = i18n.formats(i18n.BY_CODE["ru"])
    tashkent = ZoneInfo("Asia/Tashkent")
    published = datetime.fromisoformat(award["published_at"])
    assert f"{formats.datetime(published, tashkent)}   (местное время, Asia/Tashkent)" in text
    assert formats.datetime(published, UTC) not in text
    assert "Время указано местное, Asia/Tashkent." in text
    for event in award["events"]:
        item = unescape(re.sub(r"<[^>]+>", " ", event_item(html, event["seq"])))
        assert formats.datetime(datetime.fromisoformat(event["time"]), tashkent) in item
    # To the minute: a reader needs no seconds (a journalist found them on every time).
    assert not re.search(r"\d:\d\d:\d\d", text)


def test_hostile_text_on_an_award_is_inert(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/organizations",
        json=organization("UZ-STIR-309999990", "ngo", uz=HOSTILE, region="UZ-SA"),
        headers=bearer(world.admin),
    )
    assert response.status_code == 201, response.text
    award = publish(
        client,
        world.fund,
        "/api/v1/awards",
        {
            "funder_id": PUBLIC_FUND,
            "recipient_id": "UZ-STIR-309999990",
            "instrument": "subsidy",
            "title": {"uz": HOSTILE},
            "purpose": {"uz": HOSTILE},
            "amount": "1000",
            "currency": "UZS",
            "award_date": "2026-03-01",
            "period": {"start": "2026-03-15", "end": "2026-12-31"},
            "legal_basis": HOSTILE,
        },
    )
    html = client.get(f"/awards/{award['id']}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;quoted&#34;" in html
    assert "\u202eevil" in html  # shown as text; the markup around it is ours


@pytest.mark.parametrize(
    ("lang", "missing"),
    [
        ("en", "There is no award <code>AWD-2026-999999</code> (yet)."),
        ("ru", "Решения о финансировании <code>AWD-2026-999999</code> нет (пока)."),
        ("kk", "<code>AWD-2026-999999</code> қаржыландыруы (әзірге) жоқ."),
        ("uz", "<code>AWD-2026-999999</code> ajratmasi (hozircha) yoʻq."),
        ("uz-Cyrl", "<code>AWD-2026-999999</code> ажратмаси (ҳозирча) йўқ."),
    ],
)
def test_an_unknown_award_is_a_404_page_in_the_readers_language(
    client: TestClient, lang: str, missing: str
) -> None:
    """Found by a reader: /awards/AWD-…?lang=ru said "path.award_id: no award AWD-…" twice, in
    English (the API's detail, then its one error again)."""
    response = client.get("/awards/AWD-2026-999999", params={"lang": lang})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in response.text
    main = main_of(response.text)
    assert main.count("AWD-2026-999999") == 1
    assert f'<p class="problem-detail">{missing}</p>' in main
    assert "no award AWD" not in response.text  # the API's detail
    assert "path.award_id" not in response.text
    # The identifier is the link's, as code: never markup, never the page's own words.
    hostile = client.get("/awards/<b>Call%20us", params={"lang": "en"}).text
    # (No award's id has that form, so the page says so, not that there is none "yet".)
    assert "<code>&lt;b&gt;Call us</code> is not an award's identifier:" in hostile


def test_every_demo_award_page_renders(demo_client: TestClient) -> None:
    items = demo_client.get("/api/v1/awards", params={"limit": 40}).json()["items"]
    for item in items:
        response = demo_client.get(f"/awards/{item['id']}")
        assert response.status_code == 200, item["id"]
        assert item["id"] in response.text


def test_the_award_page_shows_the_amount_as_the_law_stated_it(
    client: TestClient, world: World
) -> None:
    stated = publish(client, world.operator, "/api/v1/awards", kz_grant())
    text = page_text(client, stated["id"], "en")
    assert "21,625,000" in text
    assert "Stated as 5,000 MCI, at" in text
    assert "4,325" in text
    assert "Size band: medium (3,000–10,000 MCI)" in text
    russian = page_text(client, stated["id"], "ru")
    assert "Указано как 5 000 МРП" in russian.replace("\u00a0", " ")
    assert "среднесрочный" in russian
    assert "then; the amount has changed since" not in text
    # Amended since it was stated: the statement gave another amount (found by a funder's
    # integrator: "9,000,000 · stated as 2,000 MCI at 4,325" did not add up).
    amended = client.post(
        f"/api/v1/awards/{stated['id']}/events",
        json={"type": "amended", "amount": "20000000.00", "reason": "Budget revised"},
        headers=bearer(world.operator),
    )
    assert amended.status_code == 201, amended.text
    text = page_text(client, stated["id"], "en")
    assert "Stated as 5,000 MCI" in text
    assert "KZT 21,625,000 then; the amount has changed since" in text
    over = publish(
        client,
        world.fund,
        "/api/v1/awards",
        direct(amount="450000000", cap_override="Cabinet resolution No. 7 of 2026"),
    )
    text = page_text(client, over["id"], "en")
    assert "Above the cap on awards without a competition (1,000 × BRV), because" in text
    assert "Cabinet resolution No. 7 of 2026" in text
    assert "Size band" not in text


def page_text(client: TestClient, award_id: str, lang: str) -> str:
    response = client.get(f"/awards/{award_id}", params={"lang": lang})
    assert response.status_code == 200
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_a_refused_request_says_why_once(client: TestClient) -> None:
    """An error other than a 404 shows the API's words (English, marked so) once each: the page
    listed the detail and then the same error again."""
    response = client.get("/awards/AWD-2026-000001", params={"lang": "ru", "leaf": "a" * 201})
    assert response.status_code == 400
    assert "На этот запрос нельзя ответить" in response.text
    assert main_of(response.text).count("query.leaf") == 1
    assert '<ul class="problem-fields" lang="en">' in response.text
