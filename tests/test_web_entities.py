"""Organization and competition pages over HTTP on the demo data of both databases: the
figures equal the API's, per currency; local times; paging; 404s; hostile names."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from domain_helpers import (
    NGO_KZ,
    NGO_UZ,
    NGO_UZ_2,
    PUBLIC_FUND,
    bearer,
    build_world,
    issue_key,
    organization,
)
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body

from registry.auth.principal import Role
from registry.core.db import Database
from registry.reference.regions import local_region_name
from registry.reference.zones import local_zone
from registry.risks.indicators import Indicator
from registry.web import i18n
from registry.web.entity_pages import RISK_AWARDS_LISTED

FUND_WITH_RISKS = "UZ-STIR-207050449"
ASSOCIATION = "UZ-STIR-308880001"
HOSTILE = '<script>alert(1)</script> "quoted" \u202eevil\u202c'


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_an_organization_page_shows_its_totals_per_currency(demo_client: TestClient) -> None:
    funder = demo_client.get("/api/v1/awards", params={"limit": 1}).json()["items"][0]["funder_id"]
    api = demo_client.get(f"/api/v1/organizations/{funder}").json()
    html = demo_client.get(f"/organizations/{funder}", params={"lang": "en"}).text
    formats = i18n.formats(i18n.BY_CODE["en"])
    totals: dict[str, Decimal] = {}
    for row in api["given"]:
        totals[row["currency"]] = totals.get(row["currency"], Decimal(0)) + Decimal(row["awarded"])
        assert formats.money(row["awarded"], row["currency"]) in unescape(html)
    assert totals
    for currency, total in totals.items():
        assert formats.money(total, currency) in unescape(html)
    assert html.count('<svg class="chart') >= len(totals)
    assert f"<code>{funder}</code>" in html
    assert "STIR" in html or "BIN" in html
    # Its awards as funder, newest first, paged with the API's cursors.
    first = demo_client.get(
        "/api/v1/awards", params={"funder": funder, "limit": 20, "sort": "-award_date"}
    ).json()
    # (in the awards table: the oversight conclusions below it link the awards they concern)
    listed = re.search(r'<table class="awards[^"]*">.*?</table>', html, re.DOTALL)
    assert listed
    ids = re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', listed[0])
    assert ids == [item["id"] for item in first["items"]]
    if first["next"]:
        following = re.search(r'href="([^"]+)" rel="next"', html)
        assert following
        second = demo_client.get(unescape(following.group(1))).text
        more = re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', second)
        assert more
        assert not set(more) & set(ids)


def test_a_recipient_page_lists_what_it_received(demo_client: TestClient) -> None:
    award = demo_client.get("/api/v1/awards", params={"limit": 1}).json()["items"][0]
    html = demo_client.get(f"/organizations/{award['recipient_id']}").text
    assert f'href="/awards/{award["id"]}"' in html
    assert '<html lang="uz">' in html


def test_a_competition_page_shows_its_window_in_local_time_and_its_budget(
    demo_client: TestClient,
) -> None:
    listed = demo_client.get("/api/v1/competitions", params={"limit": 50}).json()["items"]
    competition = next(item for item in listed if item["award_count"])
    api = demo_client.get(f"/api/v1/competitions/{competition['id']}").json()
    html = demo_client.get(f"/competitions/{competition['id']}", params={"lang": "en"}).text
    text = text_of(html)
    formats = i18n.formats(i18n.BY_CODE["en"])
    zone = local_zone(api["region"], api["funder_id"])
    closes = datetime.fromisoformat(api["window"]["closes"])
    assert formats.datetime(closes, zone) in text
    assert f"local time, {zone.key}" in text
    for field in ("budget", "committed", "remaining_budget"):
        assert formats.money(api[field], api["currency"]) in text
    for event in api["events"]:
        assert f'href="/api/v1/ledger/entries/{event["seq"]}"' in html
    awards = demo_client.get(
        "/api/v1/awards", params={"competition": competition["id"], "limit": 20, "sort": "-amount"}
    ).json()["items"]
    assert re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', html) == [a["id"] for a in awards]


def test_an_open_competition_counts_down(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    now = datetime.now(UTC)
    response = client.post(
        "/api/v1/competitions",
        json={
            "funder_id": PUBLIC_FUND,
            "instrument": "grant",
            "year": now.year,
            "round_number": 1,
            "title": {"uz": HOSTILE},
            "budget": "1000000",
            "currency": "UZS",
            "window": {
                # In Tashkent time, the zone its deadlines are counted in.
                "opens": (now - timedelta(days=2)).astimezone(local_zone("UZ")).isoformat(),
                "closes": (now + timedelta(days=5, hours=3))
                .astimezone(local_zone("UZ"))
                .isoformat(),
            },
            "region": "UZ",
        },
        headers=bearer(world.fund),
    )
    assert response.status_code == 201, response.text
    html = client.get(f"/competitions/{response.json()['id']}", params={"lang": "en"}).text
    assert "5 days left to apply" in html
    assert "Asia/Tashkent" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_local_zones() -> None:
    assert local_zone("KZ-75").key == "Asia/Almaty"
    assert local_zone(None, "UZ-STIR-207050449").key == "Asia/Tashkent"
    assert local_zone("XX").key == "UTC"
    summer = datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert summer.astimezone(local_zone("KZ")).utcoffset() == timedelta(hours=5)


def test_a_hostile_organization_name_is_text(client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    response = client.post(
        "/api/v1/organizations",
        json=organization("UZ-STIR-309999990", "ngo", uz=HOSTILE, ru=HOSTILE, region="UZ-SA"),
        headers=bearer(world.admin),
    )
    assert response.status_code == 201, response.text
    html = client.get("/organizations/UZ-STIR-309999990").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;" in html
    assert "No awards yet." in html or "awards" in html


def test_unknown_entities_are_404_pages(demo_client: TestClient) -> None:
    for path, kind, identifier in (
        ("/organizations/UZ-STIR-999999999", "organization", "UZ-STIR-999999999"),
        ("/oversight/bodies/UZ-STIR-999999999", "organization", "UZ-STIR-999999999"),
        ("/competitions/CMP-1999-99999", "competition", "CMP-1999-99999"),
    ):
        response = demo_client.get(path, params={"lang": "en"})
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert f"There is no {kind} <code>{identifier}</code> (yet)." in response.text
    assert demo_client.get("/organizations/not-an-id").status_code in {400, 404}


def test_the_statistics_page_shows_the_apis_numbers(demo_client: TestClient) -> None:
    formats = i18n.formats(i18n.BY_CODE["en"])
    html = unescape(demo_client.get("/stats", params={"lang": "en"}).text)
    for group_by in ("year", "instrument", "region"):
        rows = demo_client.get("/api/v1/stats/awards", params={"group_by": group_by}).json()
        for row in rows["rows"]:
            assert formats.money(row["awarded"], row["currency"]) in html, (group_by, row)
        assert f'href="/api/v1/stats/awards?group_by={group_by}"' in html
    assert html.count('<svg class="chart') >= 4


def test_the_statistics_page_takes_the_award_filters(demo_client: TestClient) -> None:
    params = {"instrument": "subsidy", "year": "2026", "lang": "en"}
    html = demo_client.get("/stats", params=params).text
    assert 'href="/api/v1/stats/awards?group_by=year&amp;instrument=subsidy&amp;year=2026"' in html
    rows = demo_client.get(
        "/api/v1/stats/awards", params={"group_by": "year", "instrument": "subsidy", "year": 2026}
    ).json()["rows"]
    formats = i18n.formats(i18n.BY_CODE["en"])
    for row in rows:
        assert formats.money(row["awarded"], row["currency"]) in unescape(html)
    bad = demo_client.get("/stats", params={"year": "1800"})
    assert bad.status_code == 400
    assert "year" in bad.text
    # A filter of one value given twice: the page reads its last, and its API links give
    # that one, which the API takes (it refuses the repeat; found by review).
    twice = unescape(demo_client.get("/stats?amount_min=1&amount_min=100&lang=en").text)
    links = re.findall(r'href="(/api/v1/stats/awards\?[^"]+)"', twice)
    assert links
    for link in links:
        assert "amount_min=100" in link
        assert "amount_min=1&" not in link
        assert demo_client.get(link).status_code == 200, link


def test_the_region_pages(demo_client: TestClient) -> None:
    rows = demo_client.get("/api/v1/stats/awards", params={"group_by": "region"}).json()["rows"]
    html = demo_client.get("/regions", params={"lang": "en"}).text
    for row in rows:
        assert f'href="/regions/{row["key"]}?lang=en"' in html
    code = rows[0]["key"]
    page = demo_client.get(f"/regions/{code}", params={"lang": "ru"})
    assert page.status_code == 200
    by_year = demo_client.get(
        "/api/v1/stats/awards", params={"group_by": "year", "region": code}
    ).json()["rows"]
    formats = i18n.formats(i18n.BY_CODE["ru"])
    for row in by_year:
        assert formats.money(row["awarded"], row["currency"]) in unescape(page.text)
    latest = demo_client.get("/api/v1/awards", params={"region": code, "limit": 10}).json()
    for award in latest["items"]:
        assert f'href="/awards/{award["id"]}?lang=ru"' in page.text
    unknown = demo_client.get("/regions/XX-NOPE", params={"lang": "ru"})
    assert unknown.status_code == 404
    assert "Региона с кодом <code>XX-NOPE</code> нет." in unknown.text


@pytest.mark.parametrize("language", [language.code for language in i18n.LANGUAGES])
def test_regions_are_named_in_the_readers_language(demo_client: TestClient, language: str) -> None:
    """Found by a reader: every page named a region as pycountry romanises it ("Toshkent
    (city)", "Shyghys Qazaqstan oblysy") whatever the page's language."""
    rows = demo_client.get("/api/v1/stats/awards", params={"group_by": "region"}).json()["rows"]
    codes = sorted({row["key"] for row in rows if row["key"]})
    assert {"UZ-TK", "UZ-TO"} <= set(codes)
    names = {code: local_region_name(code, language) for code in codes}
    pages = {
        "regions": demo_client.get("/regions", params={"lang": language}).text,
        "stats": demo_client.get("/stats", params={"lang": language}).text,
        "awards": demo_client.get("/awards", params={"lang": language}).text,
    }
    for code, name in names.items():
        assert f'<a href="/regions/{code}?lang={language}">{name}</a>' in pages["regions"]
        assert f"<title>{name}: " in pages["regions"]  # the chart's bar
        assert f"<title>{name}: " in pages["stats"]
        assert f'<option value="{code}">{name}</option>' in pages["awards"]  # the filter
    for html in pages.values():
        assert "Toshkent (city)" not in html
        assert "oblysy" not in html
    tashkent = names["UZ-TK"]
    chosen = demo_client.get("/awards", params={"region": "UZ-TK", "lang": language}).text
    assert f'<option value="UZ-TK" selected>{tashkent}</option>' in chosen
    assert re.search(rf'</span> {tashkent}\s*<a class="remove"', chosen)  # filters in use
    assert re.search(rf'aria-current="true">.*?{tashkent}</a>', chosen, re.DOTALL)  # facet
    region_page = demo_client.get("/regions/UZ-TK", params={"lang": language}).text
    assert f"<h1>{tashkent}</h1>" in region_page
    # An organization's and a competition's page, and the organizations' list.
    organization = demo_client.get(
        "/api/v1/organizations", params={"region": "UZ-TO", "limit": 1}
    ).json()["items"][0]
    html = demo_client.get(
        f"/organizations/{organization['org_id']}", params={"lang": language}
    ).text
    assert f'<a href="/regions/UZ-TO?lang={language}">{names["UZ-TO"]}</a>' in html
    listed = demo_client.get("/organizations", params={"region": "UZ-TO", "lang": language})
    assert f"<td>{names['UZ-TO']}</td>" in listed.text
    competition = demo_client.get(
        "/api/v1/competitions", params={"region": "UZ-SA", "limit": 1}
    ).json()["items"][0]
    html = demo_client.get(f"/competitions/{competition['id']}", params={"lang": language}).text
    assert f">{local_region_name('UZ-SA', language)}</a>" in html


@pytest.mark.parametrize("language", [language.code for language in i18n.LANGUAGES])
def test_an_organization_page_with_risk_indicators_in_every_language(
    demo_client: TestClient, language: str
) -> None:
    """A funder whose awards raise indicators: their counts are plural messages with a
    number, which the Uzbek Cyrillic catalog once transliterated into a 500."""
    response = demo_client.get(f"/organizations/{FUND_WITH_RISKS}", params={"lang": language})
    assert response.status_code == 200, response.text[:300]
    assert 'id="risks-title"' in response.text
    counts = re.findall(r"<li>[^<]*?: (\d+)\D", response.text.split('id="risks-title"')[1])
    assert counts, "no indicator is counted"


def test_an_organizations_indicators_name_their_awards_in_a_stable_order(
    demo_client: TestClient,
) -> None:
    """Found by a journalist: "The same recipient won in several years: 4 awards" named no
    award, though the page says each indicator links to its entries; and the indicators came
    in another order after a restart (a set's order). Each now lists its awards, as the API's
    /risks names them, most raised first, ties in the indicators' own order."""
    expected: dict[str, list[str]] = {}
    url: str | None = f"/api/v1/risks?funder={FUND_WITH_RISKS}&limit=200"
    while url:
        page = demo_client.get(url).json()
        for item in page["items"]:
            for flag in item["flags"]:
                expected.setdefault(flag["indicator"], []).append(item["award_id"])
        url = page["next"]
    assert expected
    order = list(Indicator)
    ranked = sorted(expected, key=lambda name: (-len(expected[name]), order.index(name)))
    html = demo_client.get(f"/organizations/{FUND_WITH_RISKS}", params={"lang": "en"}).text
    given = html.split("<h3>Awards it gave</h3>")[1].split("</ul>")[0]
    lines = re.findall(r"<li>(.*?)</li>", given, re.DOTALL)
    assert len(lines) == len(ranked)
    for line, indicator in zip(lines, ranked, strict=True):
        listed = re.findall(r'href="/awards/([^"?]+)\?lang=en"', line)
        # The API's order: newest published first (review: the page sorted ids as text).
        assert listed == expected[indicator][:RISK_AWARDS_LISTED], line
        assert f": {len(expected[indicator])} award" in line


@pytest.mark.parametrize(("lang", "decimal"), [("ru", ","), ("kk", ","), ("uz", ","), ("en", ".")])
def test_applications_per_award_is_written_in_the_readers_language(
    demo_client: TestClient, lang: str, decimal: str
) -> None:
    """Found by a new user's test: the Russian page read "3.01 на одну награду"."""
    listed = demo_client.get("/api/v1/competitions", params={"limit": 50}).json()["items"]
    competition = next(
        item
        for item in listed
        if item["applications_per_award"] and not item["applications_per_award"].endswith(".00")
    )
    ratio = competition["applications_per_award"]
    text = text_of(demo_client.get(f"/competitions/{competition['id']}?lang={lang}").text)
    written = i18n.formats(i18n.BY_CODE[lang]).number(ratio)
    assert written == ratio.replace(".", decimal)
    assert re.search(rf"· [^·]*(?<![\d,.]){re.escape(written)}(?![\d,.])", text)
    if decimal != ".":
        assert ratio not in text


@pytest.mark.parametrize("language", [language.code for language in i18n.LANGUAGES])
def test_a_competition_without_a_round_number_names_its_year(
    client: TestClient, database: Database, language: str
) -> None:
    """A round number is optional (a Kazakh operator's call, an imported programme): the page
    said "Round None of 2026" (found by a new user on the demo's Kazakh competitions)."""
    world = build_world(client, database)
    body = {key: value for key, value in competition_body().items() if key != "round_number"}
    response = client.post("/api/v1/competitions", json=body, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    assert response.json()["round_number"] is None
    html = client.get(f"/competitions/{response.json()['id']}", params={"lang": language}).text
    facts = text_of(html[html.index('<dl class="facts">') : html.index("</dl>")])
    assert "None" not in facts
    translation = i18n.translations(i18n.BY_CODE[language])
    assert f"{translation.gettext('Year')} 2026" in " ".join(facts.split())
    assert translation.gettext("Round") not in facts

    numbered = client.post(
        "/api/v1/competitions", json=competition_body(round_number=5), headers=bearer(world.fund)
    )
    html = client.get(f"/competitions/{numbered.json()['id']}", params={"lang": language}).text
    expected = translation.gettext("Round %(number)s of %(year)s") % {"number": 5, "year": 2026}
    assert expected in text_of(html)


@pytest.mark.parametrize(
    ("language", "count", "committed"),
    [
        ("en", 1, "Committed: UZS 100,000,000 in 1 award"),
        ("en", 3, "Committed: UZS 300,000,000 in 3 awards"),
        ("ru", 1, "Распределено: 100 000 000 UZS по 1 решению"),
        ("ru", 3, "Распределено: 300 000 000 UZS по 3 решениям"),
        ("ru", 5, "Распределено: 500 000 000 UZS по 5 решениям"),
        ("kk", 1, "Бөлінгені: 100 000 000 UZS, 1 қаржыландыру бойынша"),
        ("kk", 3, "Бөлінгені: 300 000 000 UZS, 3 қаржыландыру бойынша"),
        ("uz", 1, "Taqsimlangan: 100 000 000 soʻm, 1 ta ajratmada"),
        ("uz", 5, "Taqsimlangan: 500 000 000 soʻm, 5 ta ajratmada"),
    ],
)
def test_a_competitions_committed_total_counts_its_awards_in_the_readers_grammar(
    client: TestClient, database: Database, language: str, count: int, committed: str
) -> None:
    """One award was "in 1 awards", "по 1 решениям" (found by a new user): the count is a
    plural in the reader's language (Russian's one, few and many), and written as the page
    writes numbers."""
    world = build_world(client, database)
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()
    for _ in range(count):
        award = client.post(
            "/api/v1/awards",
            json=award_body(competition["id"], amount="100000000"),
            headers=bearer(world.fund),
        )
        assert award.status_code == 201, award.text
    html = client.get(f"/competitions/{competition['id']}", params={"lang": language}).text
    text = " ".join(text_of(html).replace("\xa0", " ").split())
    assert re.search(re.escape(committed) + r"(?!\w)", text), text


def _search_links(client: TestClient, org_id: str) -> set[str]:
    html = client.get(f"/organizations/{org_id}", params={"lang": "ru"}).text
    return {
        role
        for role in ("funder", "recipient")
        if f'href="/awards?{role}={org_id}&amp;lang=ru"' in html
    }


def test_an_organization_page_offers_only_the_searches_that_can_find_something(
    client: TestClient, database: Database
) -> None:
    """Found by a journalist: an NGO's page offered "search its awards as funder", which
    always finds nothing for an NGO. An NGO receives, a funder gives, and an organization
    that does both (an association of kind other, which may do either) is offered both."""
    world = build_world(client, database)
    response = client.post(
        "/api/v1/organizations",
        json=organization(ASSOCIATION, "other", uz="Nodavlat tashkilotlar milliy assotsiatsiyasi"),
        headers=bearer(world.admin),
    )
    assert response.status_code == 201, response.text
    association = issue_key(database, Role.FUNDER, ASSOCIATION)
    competition = client.post(
        "/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
    ).json()
    for body, token in (
        (award_body(competition["id"]), world.fund),
        # The fund also gives to the association, which gives on to another NGO.
        (award_body(None, recipient_id=ASSOCIATION, legal_basis="Decree UP-124"), world.fund),
        (
            award_body(None, funder_id=ASSOCIATION, recipient_id=NGO_UZ_2, legal_basis="Order 7"),
            association,
        ),
    ):
        response = client.post("/api/v1/awards", json=body, headers=bearer(token))
        assert response.status_code == 201, response.text
    assert _search_links(client, NGO_UZ) == {"recipient"}
    assert _search_links(client, PUBLIC_FUND) == {"funder"}
    assert _search_links(client, ASSOCIATION) == {"funder", "recipient"}
    assert _search_links(client, NGO_KZ) == set()  # nothing yet: nothing to search
    html = client.get(f"/organizations/{NGO_UZ}", params={"lang": "ru"}).text
    assert "Искать полученное им финансирование" in html
