"""The statistics, region and organization pages answer "who got the money from funder X in
year Y" as the API's ``/stats/awards?group_by=recipient`` does (found by a data journalist:
only the API answered it), on the demo data of both databases."""

import re
from html import unescape
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from registry.web import i18n

FUNDER = "UZ-STIR-207050449"
TOP = 12
EN = i18n.formats(i18n.BY_CODE["en"])


def _api_stats(client: TestClient, group_by: str, **filters: str) -> list[dict[str, str]]:
    params = {"group_by": group_by, "lang": "en", **filters}
    rows: list[dict[str, str]] = client.get("/api/v1/stats/awards", params=params).json()["rows"]
    return rows


def _busiest_year(client: TestClient, **filters: str) -> str:
    rows = _api_stats(client, "year", **filters)
    return max(rows, key=lambda row: row["count"])["key"]


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section aria-labelledby="stats-{name}">(.*?)</section>', html, re.DOTALL)
    assert found, f"no section {name}"
    return unescape(found[1])


def test_the_statistics_page_lists_a_funders_largest_recipients(demo_client: TestClient) -> None:
    year = _busiest_year(demo_client, funder=FUNDER)
    expected = _api_stats(demo_client, "recipient", funder=FUNDER, year=year, limit=str(TOP))
    assert expected
    html = demo_client.get("/stats", params={"funder": FUNDER, "year": year, "lang": "en"}).text
    section = _section(html, "recipient")
    assert "<h2" in section
    for row in expected:
        # Its page, its amounts, and its awards in the search with the page's filters.
        assert f'<a href="/organizations/{row["key"]}?lang=en">{row["name"]}</a>' in section
        assert EN.money(row["awarded"], row["currency"]) in section
        query = urlencode({"funder": FUNDER, "year": year, "recipient": row["key"]})
        assert f'<a href="/awards?{query}&lang=en">{row["count"]}</a>' in section
    assert f'href="/api/v1/stats/awards?group_by=recipient&funder={FUNDER}&year={year}"' in section
    # The filters by name, not as codes; the form chooses the funder by name.
    funder_name = demo_client.get(f"/api/v1/organizations/{FUNDER}").json()["name"]["en"]
    text = unescape(html)
    assert f"funder={FUNDER}" not in re.sub(r'href="[^"]*"', "", text)
    filters = re.search(r'<section class="active-filters".*?</section>', text, re.DOTALL)
    assert filters
    assert funder_name in filters[0]
    assert year in filters[0]
    assert f'<option value="{FUNDER}" selected>{funder_name}</option>' in text
    assert re.search(rf'<input id="f-year1" name="year" [^>]*value="{year}"', text)


def test_the_recipients_section_lists_them_all_on_request(demo_client: TestClient) -> None:
    every = _api_stats(demo_client, "recipient")
    by_currency: dict[str, int] = {}
    for row in every:
        by_currency[row["currency"]] = by_currency.get(row["currency"], 0) + 1
    assert max(by_currency.values()) > TOP  # the demo has more than a table's top
    top = _section(demo_client.get("/stats", params={"lang": "en"}).text, "recipient")
    assert top.count('<th scope="row">') == sum(min(TOP, n) for n in by_currency.values())
    link = re.search(r'<p class="every-row"><a href="([^"]+)">', top)
    assert link
    assert link[1] == "/stats?all=recipient&lang=en#stats-recipient"
    whole = _section(demo_client.get(link[1].partition("#")[0]).text, "recipient")
    assert whole.count('<th scope="row">') == len(every)
    for row in every:
        assert f'href="/organizations/{row["key"]}?lang=en"' in whole


def test_a_funders_page_and_the_award_search_link_to_the_statistics(
    demo_client: TestClient,
) -> None:
    html = unescape(demo_client.get(f"/organizations/{FUNDER}", params={"lang": "en"}).text)
    assert f'<a href="/stats?funder={FUNDER}&lang=en#stats-recipient">Its recipients</a>' in html
    year = _busiest_year(demo_client, funder=FUNDER)
    params = {"funder": FUNDER, "year": year, "sort": "-amount", "lang": "en"}
    search = unescape(demo_client.get("/awards", params=params).text)
    # The same filters, the order apart (statistics have none).
    assert f'<a href="/stats?funder={FUNDER}&year={year}&lang=en">' in search
