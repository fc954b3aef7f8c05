"""The search pages over HTTP on the demo data set (both databases): the API's filters and
results, facets with per-currency totals, keyset paging, downloads, errors, hostile input."""

import csv
import io
import json
import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from registry.core.parameters import ONE_VALUE_ONLY
from registry.core.schemas import AMOUNT_PATTERN, DATE_MESSAGE, PATTERN_MESSAGES, YEAR_MESSAGE
from registry.publication.router import REVERSED_AMOUNTS, REVERSED_DATES
from registry.reference.identifiers import NOT_AN_ORG_ID
from registry.web import i18n, search_pages

AWARD_FACETS = "instrument,region,funder,status,year,currency"
PAGE_SIZE = 20


def _ids(html: str, kind: str) -> list[str]:
    return re.findall(rf'<td[^>]*><a href="/{kind}/([^"?]+)[^"]*">', html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return unescape(found.group(1)) if found else None


def _api(client, path, params):
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _all_api_ids(client, path, params, key="id"):
    ids, url, query = [], path, {**params, "limit": PAGE_SIZE}
    while url:
        page = _api(client, url, query)
        ids.extend(item[key] for item in page["items"])
        url, query = page["next"], None
    return ids


def _api_url(path: str, params: dict[str, str]) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _download_links(html: str) -> dict[str, str]:
    return {
        kind: unescape(url)
        for url, kind in re.findall(r'<a href="([^"]+)" data-format="([^"]+)">', html)
    }


def _feed(client, url: str, key: str) -> list[str]:
    """Every item's id of a paged standard feed, followed to its end."""
    ids: list[str] = []
    while url:
        package = _api(client, url, None)
        ids.extend(item["id"] for item in package[key])
        url = package["links"]["next"] if key == "releases" else package["next"]
    return ids


@pytest.mark.parametrize(
    "params",
    [
        {"instrument": "grant", "sort": "-amount"},
        {"q": "boʻyicha"},
        {"q": "bo'yicha"},
        {"q": "bo`yicha"},
        {"q": "экологи"},
        {"q": "ЭКОЛОГИ", "instrument": "grant"},
        {"q": '"yosh ekologlar"'},
        {"status": "active,completed", "year": ["2025", "2026"], "amount_min": "1000000"},
        {"region": "uz-tk", "awarded_from": "2025-01-01", "awarded_to": "2026-12-31"},
    ],
)
def test_the_award_page_finds_what_the_api_finds(demo_client, params):
    # Words and no order asked: the page's order is the best matches first.
    order = {"sort": "relevance"} if "q" in params and "sort" not in params else {}
    api = _api(
        demo_client,
        "/api/v1/awards",
        {**params, **order, "limit": PAGE_SIZE, "facets": AWARD_FACETS},
    )
    response = demo_client.get("/awards", params={**params, "lang": "en"})
    assert response.status_code == 200
    html = response.text
    assert _ids(html, "awards") == [item["id"] for item in api["items"]]
    assert api["items"]
    total = sum(value["count"] for value in api["facets"]["currency"])
    assert f"{total:,} award" in html


def test_apostrophe_spellings_find_the_same_awards(demo_client):
    pages = [demo_client.get("/awards", params={"q": q}).text for q in ("boʻyicha", "bo'yicha")]
    assert _ids(pages[0], "awards") == _ids(pages[1], "awards") != []


def test_facets_show_counts_and_per_currency_totals_and_link_to_filters(demo_client):
    api = _api(demo_client, "/api/v1/awards", {"limit": PAGE_SIZE, "facets": AWARD_FACETS})
    html = demo_client.get("/awards", params={"lang": "en"}).text
    for value in api["facets"]["instrument"]:
        link = f'href="/awards?instrument={value["value"]}&amp;lang=en"'
        assert link in html
        section = html.split(link, 1)[1].split("</li>", 1)[0]
        assert f'<span class="count">{value["count"]:,}</span>' in section
        for money in value["totals"]:
            assert money["currency"] in section or "UZS" in section  # a per-currency total
    # A chosen value links to the page without it; the filter is listed with a remove link.
    chosen = demo_client.get("/awards", params={"instrument": "grant", "lang": "en"}).text
    assert 'href="/awards?lang=en" aria-current="true"' in chosen
    assert "Filters in use" in chosen
    assert '<a class="remove" href="/awards?lang=en">' in chosen


@pytest.mark.parametrize(
    ("params", "api_params"),
    [
        ({"currency": "UZS", "sort": "-amount"}, {"currency": "UZS", "sort": "-amount"}),
        # Words: the best matches first, by (rank, id), both ways.
        ({"q": "yoshlar"}, {"q": "yoshlar", "sort": "relevance"}),
    ],
)
def test_following_next_links_gives_the_api_pages_and_previous_goes_back(
    demo_client, params, api_params
):
    expected = _all_api_ids(demo_client, "/api/v1/awards", api_params)
    assert len(expected) > 2 * PAGE_SIZE
    pages, url = [], f"/awards?{urlencode(params)}&lang=ru"
    while url:
        html = demo_client.get(url).text
        pages.append((url, _ids(html, "awards")))
        assert "lang=ru" in (_link(html, "next") or "lang=ru")
        url = _link(html, "next")
    assert [award for _, ids in pages for award in ids] == expected
    # Back from the last page, page by page, to the first.
    html = demo_client.get(pages[-1][0]).text
    for _, ids in reversed(pages[:-1]):
        previous = _link(html, "prev")
        assert previous is not None
        html = demo_client.get(previous).text
        assert _ids(html, "awards") == ids
    assert _link(html, "prev") is None


def test_competition_and_organization_pages_match_their_lists(demo_client):
    competitions = _all_api_ids(demo_client, "/api/v1/competitions", {"sort": "closes"})
    seen, url = [], "/competitions?sort=closes"
    while url:
        html = demo_client.get(url).text
        seen.extend(_ids(html, "competitions"))
        url = _link(html, "next")
    assert seen == competitions
    organizations = _all_api_ids(demo_client, "/api/v1/organizations", {}, key="org_id")
    seen, url = [], "/organizations?lang=kk"
    while url:
        html = demo_client.get(url).text
        assert '<html lang="kk">' in html
        seen.extend(_ids(html, "organizations"))
        url = _link(html, "next")
    assert seen == organizations
    for q in ("Toshkent", "тошкент", "fond"):
        api = _api(demo_client, "/api/v1/organizations", {"q": q, "limit": PAGE_SIZE})
        html = demo_client.get("/organizations", params={"q": q}).text
        assert _ids(html, "organizations") == [item["org_id"] for item in api["items"]]


def test_download_links_carry_the_filters_and_the_exports_answer_them(demo_client):
    params = {"instrument": "social_contract", "currency": "UZS", "year": "2026"}
    expected = _all_api_ids(demo_client, "/api/v1/awards", {**params, "sort": "-award_date"})
    html = demo_client.get("/awards", params={**params, "lang": "uz"}).text
    links = dict(re.findall(r'<a href="([^"]+)" data-format="([^"]+)">', html))
    links = {kind: unescape(url) for url, kind in links.items()}
    # The OCDS feed (ledger events) cannot filter on these; 360Giving takes every award filter.
    assert set(links) == {"csv", "csv-spreadsheet", "jsonl", "360giving", "360giving-csv"}
    for url in links.values():
        query = dict(parse_qsl(urlsplit(url).query))
        assert {name: query[name] for name in params} == params
        assert "lang" not in query
    rows = list(csv.DictReader(io.StringIO(demo_client.get(links["csv"]).text)))
    assert [row["id"] for row in rows] == expected
    spreadsheet = demo_client.get(links["csv-spreadsheet"]).content.decode().removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(spreadsheet), delimiter=";"))
    assert [row["id"] for row in rows] == expected
    lines = demo_client.get(links["jsonl"]).text.splitlines()
    assert [json.loads(line)["id"] for line in lines] == expected
    grants = csv.DictReader(io.StringIO(demo_client.get(links["360giving-csv"]).text))
    identifiers = [row["Identifier"] for row in grants]
    # In the page's order, as the other downloads (the newest first: the page asks none).
    assert all(
        identifier.endswith(f"-{award_id}")
        for identifier, award_id in zip(identifiers, expected, strict=True)
    )


def test_standard_downloads_are_offered_for_the_filters_they_take(demo_client):
    funder = _api(demo_client, "/api/v1/awards", {"limit": 1})["items"][0]["funder_id"]
    params = {"funder": funder, "year": "2026"}
    expected = _all_api_ids(demo_client, "/api/v1/awards", params)
    links = _download_links(demo_client.get("/awards", params=params).text)
    assert set(links) == {"csv", "csv-spreadsheet", "jsonl", "ocds", "360giving", "360giving-csv"}
    grants = demo_client.get(links["360giving-csv"]).text
    rows = list(csv.DictReader(io.StringIO(grants)))
    assert len(rows) == len(expected)
    package = _api(demo_client, links["360giving"], None)
    assert len(package["grants"]) == len(expected)
    assert all(grant["fundingOrganization"][0]["id"] == funder for grant in package["grants"])
    releases = _api(demo_client, links["ocds"], None)["releases"]
    assert [release["id"] for release in releases] == _feed(
        demo_client, _api_url("/api/v1/ocds/releases", params), "releases"
    )


@pytest.mark.parametrize(
    ("params", "order"),
    [
        ({"currency": "UZS", "sort": "amount"}, "amount"),
        ({"year": "2025", "sort": "-amount"}, "-amount"),
        ({"q": "yoshlar"}, "relevance"),
        ({"q": "yoshlar", "sort": "-award_date"}, "-award_date"),
        ({"year": "2026"}, "-award_date"),
    ],
)
def test_the_360giving_downloads_keep_the_pages_order(demo_client, params, order):
    """The 360Giving links carry the page's order, as the awards downloads do (they dropped
    it, so a journalist's grants came by award id beside a CSV ranked by amount): the grants
    come in the order of the awards CSV's rows."""
    links = _download_links(demo_client.get("/awards", params=params).text)
    rows = csv.DictReader(io.StringIO(demo_client.get(links["csv"]).text))
    expected = [row["id"] for row in rows]
    assert len(expected) > 1
    assert expected != sorted(expected)
    for kind in ("360giving", "360giving-csv"):
        query = dict(parse_qsl(urlsplit(links[kind]).query))
        assert query == {**params, "sort": order}
    grants = _api(demo_client, links["360giving"], None)["grants"]
    assert [grant["dataSource"].rsplit("/", 1)[1] for grant in grants] == expected
    table = csv.DictReader(io.StringIO(demo_client.get(links["360giving-csv"]).text))
    assert [row["Identifier"] for row in table] == [grant["id"] for grant in grants]


@pytest.mark.parametrize("params", [{}, {"currency": "UZS"}])
def test_the_standard_downloads_hold_every_result_not_a_page(demo_client, params):
    """The 360Giving and OCDS links are whole files, not the paged feeds' first 100 items."""
    expected = _all_api_ids(demo_client, "/api/v1/awards", params)
    assert len(expected) > 100  # more than a page of the feeds
    links = _download_links(demo_client.get("/awards", params=params).text)
    grants_url = urlsplit(links["360giving"])
    assert grants_url.path == "/api/v1/360giving/grants.download.json"
    assert dict(parse_qsl(grants_url.query)) == params | {"sort": "-award_date"}
    response = demo_client.get(links["360giving"])
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    grants = response.json()["grants"]
    assert [grant["dataSource"].rsplit("/", 1)[1] for grant in grants] == expected
    assert sorted(grant["id"] for grant in grants) == _feed(
        demo_client, _api_url("/api/v1/360giving/grants.json", params), "grants"
    )
    if params:  # the OCDS feed filters on one funder, recipient or year only
        assert "ocds" not in links
        return
    assert urlsplit(links["ocds"]).path == "/api/v1/ocds/releases.download.json"
    releases = _api(demo_client, links["ocds"], None)["releases"]
    assert [release["id"] for release in releases] == _feed(
        demo_client, "/api/v1/ocds/releases?limit=500", "releases"
    )
    assert len(releases) > 100


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/awards", "amount_min=lots", "amount_min"),
        ("/awards", "awarded_from=yesterday", "awarded_from"),
        ("/awards", "year=1800", "year"),
        ("/awards", "sort=title", "sort"),
        ("/awards", "cursor=forged.cursor", "cursor"),
        ("/competitions", "sort=random", "sort"),
        ("/competitions", "status=maybe", "status"),
        ("/organizations", "cursor=x.y", "cursor"),
        # What a reader typed comes back in some messages: a % in it is text, not a format.
        ("/awards", "region=%25d", "region"),
        ("/awards", "region=50%25", "region"),
        ("/awards", "funder=%25(x)s", "funder"),
        ("/competitions", "region=%25s", "region"),
        # A parameter of one value given twice is refused, as the API refuses it, never read
        # as one of the two (the page read the last).
        ("/awards", "sort=amount&sort=-amount", "sort"),
        ("/awards", "amount_min=1&amount_min=2", "amount_min"),
        ("/competitions", "sort=closes&sort=-closes", "sort"),
        ("/organizations", "q=fond&q=jamiyat", "q"),
    ],
)
def test_bad_filter_values_are_a_400_page_naming_the_field(demo_client, path, query, field):
    response = demo_client.get(f"{path}?{query}&lang=en")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    api = demo_client.get(f"/api/v1{path}?{query}")
    assert api.status_code in (400, 422)
    # The search page itself, its form as filled in, with the API's very message: beside the
    # field when the form has it, above the form otherwise.
    html = unescape(response.text)
    assert '<form class="search-form"' in html
    message = api.json()["errors"][0]["message"]
    summary = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert summary
    assert message in summary.group(0)
    if field == "cursor":
        assert 'aria-invalid="true"' not in html
    else:
        error_id = "f-year1-error" if field == "year" else f"f-{field}-error"
        assert f'<span class="error" id="{error_id}">{message}</span>' in html
        assert f'aria-invalid="true" aria-describedby="{error_id}' in html
    assert "String should match pattern" not in html


def test_a_parameter_given_twice_is_told_so_in_the_readers_language(demo_client):
    assert ONE_VALUE_ONLY in search_pages.FILTER_MESSAGES
    html = unescape(demo_client.get("/awards?sort=amount&sort=-amount&lang=ru").text)
    assert 'id="f-sort-error">принимает только одно значение, а оно задано несколько раз<' in html
    # A list's values may be repeated, as the API takes them.
    assert demo_client.get("/awards?year=2025&year=2026&lang=ru").status_code == 200


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("ru", "100 000 000", "100000000"),
        ("ru", "100\u00a0000\u00a0000", "100000000"),
        ("ru", "1 500,50", "1500.50"),
        ("kk", "1500,5", "1500.5"),
        ("uz", "30 000 000", "30000000"),
        ("en", "100,000,000", "100000000"),
        ("en", "1,500.50", "1500.50"),
    ],
)
def test_an_amount_written_as_the_page_writes_amounts_is_read_in_its_language(
    demo_client, language, typed, read
):
    """A journalist typed amounts as the pages show them ("100 000 000", "1500,50") and was
    refused: the page reads them in its language's conventions and answers with its
    canonical address, which the API takes."""
    response = demo_client.get(
        "/awards",
        params={"amount_min": typed, "currency": "UZS", "lang": language},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/awards?amount_min={read}&currency=UZS&lang={language}"
    )
    assert demo_client.get(response.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "1500,50"),
        ("ru", "100,000,000"),
        ("ru", "-5"),
        ("en", "1e6"),
        ("ru", "5 сум"),
        # Spaces group digits only where the language's groups stand (review: "1 5" was 15).
        ("en", "1 5"),
        ("en", "10 0000"),
        # Longer than any amount: left unread, not a 500 (review: Babel's strict check
        # raised decimal.InvalidOperation past 28 digits).
        ("en", "1" + ",000" * 10),
        ("ru", "1" + " 000" * 10),
    ],
)
def test_an_amount_the_language_does_not_read_exactly_is_still_refused(
    demo_client, language, typed
):
    response = demo_client.get("/awards", params={"amount_min": typed, "lang": language})
    assert response.status_code == 400
    assert 'id="f-amount_min-error"' in response.text


def test_a_refused_amount_is_told_as_the_api_tells_it_in_the_readers_language(demo_client):
    """Found by a new user's test: the page showed pydantic's regex, in English, on an error
    page without the search form; the API said what an amount must look like."""
    query = "amount_min=1%20000%20000%20сум"
    api = demo_client.get(f"/api/v1/awards?{query}").json()
    assert api["errors"] == [
        {"field": "query.amount_min", "message": PATTERN_MESSAGES[AMOUNT_PATTERN]}
    ]
    assert PATTERN_MESSAGES[AMOUNT_PATTERN] in search_pages.FILTER_MESSAGES
    english = unescape(demo_client.get(f"/awards?{query}&lang=en").text)
    assert f'id="f-amount_min-error">{PATTERN_MESSAGES[AMOUNT_PATTERN]}<' in english
    response = demo_client.get(f"/awards?{query}&lang=ru")
    assert response.status_code == 400
    html = unescape(response.text)
    assert "[0-9]" not in html
    assert 'id="f-amount_min-error">должна быть положительной суммой цифрами' in html
    assert 'name="amount_min" type="text" value="1 000 000 сум"' in html
    assert '<details class="more-filters" open>' in html
    assert "Поиск не выполнен" in html
    assert 'class="results"' not in html  # no results: nothing was searched


@pytest.mark.parametrize("path", ["/", "/awards", "/competitions", "/organizations"])
def test_the_search_boxes_take_as_many_characters_as_the_api(demo_client, path):
    html = demo_client.get(path, params={"lang": "en"}).text
    assert re.search(r'<input id="(f|home)-q" name="q" type="search"[^>]* maxlength="500"', html)
    assert demo_client.get("/api/v1/awards", params={"q": "a" * 500}).status_code == 200
    assert demo_client.get("/api/v1/awards", params={"q": "a" * 501}).status_code == 400


def test_empty_form_fields_redirect_to_the_canonical_url(demo_client):
    response = demo_client.get(
        "/awards?q=youth&funder=&amount_min=&year=&lang=en", follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/awards?q=youth&lang=en"
    assert demo_client.get("/awards?q=&lang=en").url.path == "/awards"


def test_words_are_shown_best_match_first_and_the_form_says_so(demo_client):
    """With words and no order asked, the page lists the best matches first, as the API's
    ``sort=relevance`` does (it listed the newest first, so the award a journalist named
    exactly could be pages down), and the form's order shows "Best match first". The API's
    ``sort=relevance`` taken to the page answers with the URL without it (the page's own
    words for that order); an order asked with words is kept."""
    response = demo_client.get("/awards?q=yoshlar&sort=relevance&lang=en", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/awards?q=yoshlar&lang=en"
    html = demo_client.get("/awards?q=yoshlar&lang=en").text
    assert 'value="relevance"' not in html
    assert re.search(r'<option value="" selected>Best match first', html)
    best = demo_client.get(
        "/api/v1/awards", params={"q": "yoshlar", "sort": "relevance", "limit": 20}
    ).json()["items"]
    newest = demo_client.get(
        "/api/v1/awards", params={"q": "yoshlar", "sort": "-award_date", "limit": 20}
    ).json()["items"]
    assert [award["id"] for award in best] != [award["id"] for award in newest]
    shown = re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', html)
    assert shown == [award["id"] for award in best]
    # The downloads hold the results in the order the page shows them.
    assert "/api/v1/awards.csv?q=yoshlar&amp;sort=relevance" in html
    # Asked for, the newest first stays so; without words, the default is the newest first.
    dated = demo_client.get("/awards?q=yoshlar&sort=-award_date&lang=en").text
    assert re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', dated) == [
        award["id"] for award in newest
    ]
    assert '<option value="-award_date" selected>' in dated
    assert "/api/v1/awards.csv?q=yoshlar&amp;sort=-award_date" in dated
    plain = demo_client.get("/awards?lang=en").text
    latest = demo_client.get("/api/v1/awards", params={"limit": 20}).json()["items"]
    assert re.findall(r'href="/awards/(AWD-[0-9-]+)\?lang=en"', plain) == [
        award["id"] for award in latest
    ]
    # No words: relevance means nothing, and the URL says the order the page uses.
    response = demo_client.get("/awards?sort=relevance&lang=en", follow_redirects=False)
    assert response.headers["location"] == "/awards?lang=en"


def test_hostile_query_strings_are_text(demo_client):
    hostile = '"><script>alert(1)</script>\u202e'
    html = demo_client.get("/awards", params={"q": hostile, "theme": hostile}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '"><script' not in html


def test_the_home_search_box_lands_on_the_award_search(demo_client):
    home = demo_client.get("/", params={"lang": "en"}).text
    assert 'action="/awards' in home
    html = demo_client.get("/awards", params={"q": "Oʻzbekiston", "lang": "en"}).text
    assert 'value="Oʻzbekiston"' in html


@pytest.mark.parametrize("sort", ["-amount", "amount"])
def test_awards_by_amount_are_ordered_currency_by_currency_and_the_page_says_so(demo_client, sort):
    """Found by a journalist: "largest amount first" put 100 KZT level with 100 UZS. Amounts
    are compared within a currency only, and the page names the order it shows."""
    api = _api(demo_client, "/api/v1/awards", {"sort": sort, "limit": 500, "facets": "currency"})
    currencies = sorted(
        (value["value"] for value in api["facets"]["currency"]), reverse=sort == "-amount"
    )
    assert len(currencies) > 1
    assert [item["currency"] for item in api["items"]] == sorted(
        (item["currency"] for item in api["items"]), reverse=sort == "-amount"
    )
    html = demo_client.get("/awards", params={"sort": sort, "lang": "en"}).text
    assert _ids(html, "awards") == [item["id"] for item in api["items"][:PAGE_SIZE]]
    note = re.search(r'<p class="sort-note">(.*?)</p>', html, re.DOTALL)
    assert note
    listed = i18n.formats(i18n.BY_CODE["en"]).all_of(currencies)  # "UZS and KZT"
    assert f"ordered by currency ({listed}), then by amount within each" in unescape(note[1])
    for currency in currencies:
        assert f'href="/awards?sort={sort}&amp;currency={currency}&amp;lang=en">' in note[1]
    russian = demo_client.get("/awards", params={"sort": sort, "lang": "ru"}).text
    assert "Суммы в разных валютах не сравниваются" in russian
    # One currency, or another order: nothing to explain.
    for params in ({"sort": sort, "currency": currencies[0]}, {"sort": "-award_date"}):
        assert "sort-note" not in demo_client.get("/awards", params=params).text


def test_competitions_by_budget_say_budgets_are_compared_within_a_currency(demo_client):
    api = _all_api_ids(demo_client, "/api/v1/competitions", {"sort": "-budget"})
    html = demo_client.get("/competitions", params={"sort": "-budget", "lang": "ru"}).text
    assert _ids(html, "competitions") == api[:PAGE_SIZE]
    assert "Бюджеты в разных валютах не сравниваются" in html
    for params in ({"sort": "-budget", "currency": "UZS"}, {"sort": "closes"}):
        assert "sort-note" not in demo_client.get("/competitions", params=params).text


def _field_errors(html: str) -> dict[str, str]:
    """Each field's error beside it, by the field's id, as text."""
    return {
        field: unescape(re.sub(r"<[^>]+>", "", message))
        for field, message in re.findall(
            r'<span class="error" id="(f-[\w-]+)-error">(.*?)</span>(?=\s*(?:<span class="hint"|</div>))',
            html,
            re.DOTALL,
        )
    }


def _input(html: str, field_id: str) -> str:
    found = re.search(rf'<input id="{field_id}"[^>]*>', html)
    assert found, field_id
    return unescape(found.group(0))


def test_a_bad_year_is_told_in_the_readers_words_and_stays_in_its_field(demo_client):
    """Found by a journalist: /awards?year=20x6&lang=uz said pydantic's English "Input should
    be a valid integer", and the number field dropped "20x6", so it showed empty."""
    response = demo_client.get("/awards?year=20x6&lang=uz")
    assert response.status_code == 400
    html = response.text
    assert "Input should be" not in html
    assert _field_errors(html) == {
        "f-year1": "toʻrt raqam bilan yozilgan yil boʻlishi kerak, 1990 dan 2100 gacha, masalan 2026"
    }
    year = _input(html, "f-year1")
    assert 'type="text"' in year
    assert 'value="20x6"' in year
    assert 'inputmode="numeric"' in year
    english = demo_client.get("/awards?year=20x6&lang=en").text
    assert _field_errors(english) == {"f-year1": YEAR_MESSAGE}


def test_every_bad_filter_is_shown_beside_its_field_at_once(demo_client):
    """Found by a journalist: currency=ABC&funder=foo reported the funder only."""
    query = "currency=ABC&funder=foo&year=20x6&amount_min=-1&awarded_from=2026-13-01&lang=ru"
    response = demo_client.get(f"/awards?{query}")
    assert response.status_code == 400
    html = response.text
    errors = _field_errors(html)
    assert set(errors) == {"f-currency", "f-funder", "f-year1", "f-amount_min", "f-awarded_from"}
    api = demo_client.get(f"/api/v1/awards?{query.removesuffix('&lang=ru')}").json()["errors"]
    assert len(api) == len(errors)
    # Translated where the catalogs have the API's words, else the API's, marked as English.
    assert errors["f-amount_min"].startswith("должна быть положительной суммой")
    assert errors["f-year1"].startswith("должен быть годом из четырёх цифр")
    assert errors["f-awarded_from"].startswith("должна быть датой в виде YYYY-MM-DD")
    assert "ISO 4217" in errors["f-currency"]
    assert re.search(r'id="f-currency-error"><span lang="en">', html)
    summary = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert summary
    assert summary.group(0).count("<li>") == 5
    # What the reader typed stays in each field, a date that is not one included.
    assert 'value="ABC"' in _input(html, "f-currency")
    assert '<option value="foo" selected>foo</option>' in html  # the funder is chosen in a list
    assert 'value="-1"' in _input(html, "f-amount_min")
    assert 'value="2026-13-01"' in _input(html, "f-awarded_from")
    assert 'type="text"' in _input(html, "f-awarded_from")
    competitions = demo_client.get("/competitions?currency=ABC&funder=foo&lang=en")
    assert set(_field_errors(competitions.text)) == {"f-currency", "f-funder"}


def test_a_reversed_date_range_is_said_beside_both_dates(demo_client):
    """Found by a journalist: awarded_from later than awarded_to found 0 awards."""
    response = demo_client.get("/awards?awarded_from=2026-05-01&awarded_to=2026-01-01&lang=ru")
    assert response.status_code == 400
    errors = _field_errors(response.text)
    assert set(errors) == {"f-awarded_from", "f-awarded_to"}
    assert errors["f-awarded_from"].startswith("позже конечной даты")
    assert errors["f-awarded_to"].startswith("раньше начальной даты")
    assert 'type="date"' in _input(response.text, "f-awarded_from")  # a date: still a date field
    assert 'value="2026-05-01"' in _input(response.text, "f-awarded_from")
    assert 'class="results"' not in response.text
    amounts = demo_client.get("/awards?amount_min=900&amount_max=100&lang=kk")
    assert set(_field_errors(amounts.text)) == {"f-amount_min", "f-amount_max"}
    assert "ең көп сомадан үлкен" in _field_errors(amounts.text)["f-amount_min"]
    same_day = demo_client.get("/awards?awarded_from=2026-01-01&awarded_to=2026-01-01&lang=ru")
    assert same_day.status_code == 200


def test_the_messages_the_search_forms_translate_are_the_apis():
    """The catalogs translate the API's messages by their very text: each one the search
    forms can show is the API's, word for word."""
    for message in (
        PATTERN_MESSAGES[AMOUNT_PATTERN],
        YEAR_MESSAGE,
        DATE_MESSAGE,
        *REVERSED_DATES,
        *REVERSED_AMOUNTS,
    ):
        assert message in search_pages.FILTER_MESSAGES


def test_the_refused_filters_are_listed_in_the_forms_order(demo_client):
    """The summary above the form reads down the form, whatever order the API checked in."""
    query = "year=20x6&awarded_from=2026-05-01&awarded_to=2026-01-01&currency=ABC&funder=foo"
    html = demo_client.get(f"/awards?{query}&lang=en").text
    summary = re.search(r'<div class="notice error-summary".*?</div>', html, re.DOTALL)
    assert summary
    listed = re.findall(r'<a href="#(f-[\w-]+)">', summary.group(0))
    assert listed == ["f-funder", "f-currency", "f-awarded_from", "f-awarded_to", "f-year1"]


YOUTH_AGENCY = "UZ-STIR-201122919"  # the demo's Youth Affairs Agency, a funder


def _organizations(client, q: str, role: str) -> list[str]:
    return _all_api_ids(client, "/api/v1/organizations", {"q": q, "role": role}, key="org_id")


@pytest.mark.parametrize(
    ("param", "typed", "role"),
    [
        ("recipient", "Strength in Unity Public Association, Tashkent City", "recipient"),
        ("funder", "Агентство по делам молодёжи", "funder"),
        ("funder", "youth affairs agency", "funder"),
    ],
)
def test_an_organization_typed_by_its_name_is_its_org_id(demo_client, param, typed, role):
    """Found by a journalist: the funder and recipient fields refused a name ("… is not an
    org-id"). A name the organization search finds once is that organization: the page
    answers with its address, the org-id in it, as the API takes it."""
    (org_id,) = _organizations(demo_client, typed, role)
    response = demo_client.get(
        "/awards", params={param: typed, "year": "2026", "lang": "ru"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/awards?{param}={org_id}&year=2026&lang=ru"
    page = demo_client.get(response.headers["location"])
    assert page.status_code == 200
    assert _ids(page.text, "awards")


def test_a_name_several_organizations_answer_to_lists_them_to_choose_from(demo_client):
    typed = "youth"
    found = _organizations(demo_client, typed, "recipient")
    assert len(found) > 1
    response = demo_client.get(f"/awards?recipient={typed}&year=2026&lang=en")
    assert response.status_code == 400
    html = unescape(response.text)
    block = re.search(
        r'<div class="error candidates" id="f-recipient-error">.*?</div>', html, re.DOTALL
    )
    assert block, html
    assert f"“{typed}” matches several organizations: choose one." in block.group(0)
    links = re.findall(r'<li><a href="([^"]+)">', block.group(0))
    assert links == [f"/awards?recipient={org_id}&year=2026&lang=en" for org_id in found]
    assert NOT_AN_ORG_ID not in html  # said as the choice it is, not as a malformed org-id
    assert 'aria-invalid="true" aria-describedby="f-recipient-error' in html
    assert 'value="youth"' in _input(html, "f-recipient")
    assert demo_client.get(links[0]).status_code == 200


def test_a_name_no_organization_answers_to_is_refused_in_the_readers_language(demo_client):
    assert NOT_AN_ORG_ID in search_pages.VALUE_MESSAGES
    assert not _organizations(demo_client, "zzzqqq", "recipient")
    response = demo_client.get("/awards?recipient=zzzqqq&lang=ru")
    assert response.status_code == 400
    assert _field_errors(response.text)["f-recipient"] == (
        "'zzzqqq' не является org-id: нужно СТРАНА-РЕЕСТР-ИДЕНТИФИКАТОР, например "
        "KZ-BIN-940140000385 или UZ-STIR-310006777"
    )
    english = demo_client.get("/awards?funder=zzzqqq&lang=en")
    assert _field_errors(english.text)["f-funder"] == f"'zzzqqq' {NOT_AN_ORG_ID}"


def test_the_funders_are_offered_by_name_in_the_readers_language(demo_client):
    funders = set(_organizations(demo_client, "", "funder"))
    html = unescape(demo_client.get(f"/awards?funder={YOUTH_AGENCY}&lang=ru").text)
    select = re.search(r'<select id="f-funder" name="funder"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert select
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options[0] == ("", "Любая")
    assert {value for value, _ in options[1:]} == funders
    assert f'<option value="{YOUTH_AGENCY}" selected>' in select.group(1)
    assert (YOUTH_AGENCY, "Агентство по делам молодёжи Республики Узбекистан") in options
    # Several funders chosen by the facets' links stay chosen, named.
    two = demo_client.get(f"/awards?funder={YOUTH_AGENCY},UZ-STIR-201054327&lang=en").text
    assert (
        f'<option value="{YOUTH_AGENCY},UZ-STIR-201054327" selected>Youth Affairs Agency of the '
        "Republic of Uzbekistan, Tashkent City Khokimiyat</option>"
    ) in two


AMOUNT_HINT = "Amounts are not searched as words; the amount filters find them:"


def _amount_search_link(html: str) -> str | None:
    found = re.search(r'<p class="amount-search">.*?<a href="([^"]+)">', html, re.DOTALL)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("language", i18n.LANGUAGES, ids=lambda language: language.code)
def test_an_amount_typed_in_the_search_box_links_the_search_by_amount(demo_client, language):
    """From the data journalist's session: "15000000" or "15 000 000" typed in the awards'
    search box found nothing and said nothing (amounts are not words). Typed as the page
    writes amounts in the reader's language, with or without a currency, and finding nothing,
    the page says so and links the same search by the amount filters, the words removed; the
    API's answer to the words is unchanged."""
    formats = i18n.formats(language)
    translations = i18n.translations(language)
    grants = {"currency": "UZS", "instrument": "grant", "limit": 500}
    awards = _api(demo_client, "/api/v1/awards", grants)["items"]
    # An amount the words find nothing by (no registration number begins with it).
    amount = next(
        award["amount"].removesuffix(".00")
        for award in sorted(awards, key=lambda award: award["id"])
        if not _api(demo_client, "/api/v1/awards", {"q": award["amount"].removesuffix(".00")})[
            "items"
        ]
    )
    by_amount = _all_api_ids(
        demo_client,
        "/api/v1/awards",
        {"amount_min": amount, "amount_max": amount, "instrument": "grant"},
    )
    assert by_amount
    for typed, currency in (
        (amount, None),
        (formats.number(amount), None),
        (f"{formats.number(amount)} UZS", "UZS"),
        (formats.money(amount, "UZS"), "UZS"),
    ):
        api = _api(demo_client, "/api/v1/awards", {"q": typed})
        assert api["items"] == [], typed
        response = demo_client.get(
            "/awards", params={"q": typed, "instrument": "grant", "lang": language.code}
        )
        assert response.status_code == 200
        html = unescape(response.text)
        assert translations.gettext(AMOUNT_HINT) in html, typed
        link = _amount_search_link(response.text)
        assert link is not None, typed
        path, _, query = link.partition("?")
        assert path == "/awards"
        assert sorted(parse_qsl(query)) == sorted(
            [
                ("instrument", "grant"),
                ("amount_min", amount),
                ("amount_max", amount),
                ("lang", language.code),
                *([("currency", currency)] if currency else []),
            ]
        ), typed
        shown = formats.money(amount, currency) if currency else formats.number(amount)
        assert translations.gettext("awards of exactly %(amount)s") % {"amount": shown} in html
        found = demo_client.get(link)
        assert found.status_code == 200
        params = {name: value for name, value in parse_qsl(query) if name != "lang"}
        expected = _all_api_ids(demo_client, "/api/v1/awards", params)
        assert _ids(found.text, "awards") == expected[:PAGE_SIZE]
        assert expected != []
        # In its currency when one was typed; else in every currency, as the API's filters.
        assert expected == by_amount if currency is None else set(expected) <= set(by_amount)


def test_the_amount_hint_is_shown_only_when_an_amount_finds_nothing(demo_client):
    """Digits that find awards (the first digits of a registration number) are a search that
    worked: no hint; nor for words that are not an amount, nor for a year-like number that
    finds awards."""
    stir = next(
        award["recipient_id"].rsplit("-", 1)[-1]
        for award in _api(demo_client, "/api/v1/awards", {"limit": 500})["items"]
        if award["recipient_id"].startswith("UZ-STIR-")
    )
    for q in (stir[:7], "zzzz", "grant 15000000", "2026"):
        response = demo_client.get("/awards", params={"q": q, "lang": "en"})
        assert response.status_code == 200
        assert _amount_search_link(response.text) is None, q
        assert AMOUNT_HINT not in response.text, q
    assert _ids(demo_client.get("/awards", params={"q": stir[:7]}).text, "awards")


@pytest.mark.parametrize(
    "q",
    [
        "2024",  # a year, or a decree's number
        "2025",
        "207050449",  # a STIR
        "160840000129",  # a BIN
        "20240115",  # a date
        "999999999999999999999999",
        "all 2024",  # ALL, TOP, TRY, CUP: words, not the currencies
        "top 100000",
        "try 50000",
        "2024 cup",
        "1.999 uzs",  # was shown as "UZS 2.00", its link filtering on 1.999
        "0.001 UZS",  # was shown as "UZS 0.00"
        "0.001",
    ],
)
def test_words_that_are_not_an_amount_get_no_amount_hint(demo_client, q):
    """Found in review: the hint read a year, a registration number, a date and words that
    happen to be ISO codes as amounts, and amounts with more decimals than their currency
    has, showing one amount and linking another."""
    response = demo_client.get("/awards", params={"q": q, "lang": "en"})

    assert response.status_code == 200
    assert AMOUNT_HINT not in response.text, q
    assert _amount_search_link(response.text) is None, q


@pytest.mark.parametrize("q", ["20240115 UZS", "20,240,115", "1.99 uzs"])
def test_digits_with_a_currency_or_grouped_are_an_amount(demo_client, q):
    response = demo_client.get("/awards", params={"q": q, "lang": "en"})

    assert response.status_code == 200
    assert _ids(response.text, "awards") == []
    assert AMOUNT_HINT in unescape(response.text), q
    link = _amount_search_link(response.text)
    assert link is not None
    amount = "1.99" if q == "1.99 uzs" else "20240115"
    assert ("amount_min", amount) in parse_qsl(link.partition("?")[2])


@pytest.mark.parametrize(
    ("locale", "q", "read"),
    [
        ("ru", "15 000 000", ("15000000", None)),
        ("ru", "1 500,50 uzs", ("1500.50", "UZS")),
        ("ru", "15 000 000 сум", ("15000000", "UZS")),
        ("uz_Latn", "45 000 000 so'm", ("45000000", "UZS")),
        ("kk", "₸ 500 000", ("500000", "KZT")),
        ("kk", "500 000 теңге", ("500000", "KZT")),
        ("en", "$15,000", ("15000", "USD")),
        ("en", "1500000", ("1500000", None)),
        ("en", "15000000 UZS", ("15000000", "UZS")),
        ("en", "15,000,000", ("15000000", None)),
        ("ru", "1,5 ₽", ("1.5", "RUB")),
        ("en", "1.50 eur", ("1.50", "EUR")),
        ("en", "15000000", ("15000000", None)),  # no date
        # Digits typed bare that are more likely a year, a date or a registration number.
        ("en", "20240115", None),
        ("en", "2024", None),
        ("en", "207050449", None),
        ("en", "160840000129", None),
        # More decimals than the currency has; a word that is an ISO code of another one.
        ("en", "1.999 uzs", None),
        ("en", "0.001", None),
        ("en", "try 50000", None),
        # Not an amount alone, or not one the language reads exactly.
        ("en", "grant 15000000", None),
        ("en", "1 5", None),
        ("en", "1500,50", None),
        ("ru", "15,000", None),
        ("en", "0", None),
        ("en", "UZS", None),
        ("en", "15000000 som", None),
    ],
)
def test_what_the_search_box_reads_as_an_amount(locale, q, read):
    from babel import Locale  # noqa: PLC0415

    from registry.web.amounts import amount_in_query  # noqa: PLC0415

    typed = amount_in_query(q, Locale.parse(locale))
    assert (typed and (typed.amount, typed.currency)) == read
