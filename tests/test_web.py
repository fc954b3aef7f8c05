"""The portal's plumbing: pages, languages, headers, static files and error pages, over HTTP
on the demo data set (both databases)."""

import re

import pytest
from fastapi.testclient import TestClient

from registry.main import create_app
from registry.web import assets, i18n, templating
from registry.web.security import CONTENT_SECURITY_POLICY


def _award_total(client) -> int:
    rows = client.get("/api/v1/stats/awards", params={"group_by": "year"}).json()["rows"]
    return sum(row["count"] for row in rows)


def _checkpoint_size(client) -> int:
    response = client.get("/api/v1/ledger/checkpoint")
    assert response.status_code == 200, (response.headers, response.text)
    return int(response.text.splitlines()[1])


def test_home_page_shows_the_registry_in_figures(demo_client):
    # Read before and after the page: the checkpointer may sign, and a replica catch up,
    # between two requests; the page shows one of the two states, never a third.
    totals, sizes = {_award_total(demo_client)}, {_checkpoint_size(demo_client)}
    response = demo_client.get("/", params={"lang": "en"})
    totals.add(_award_total(demo_client))
    sizes.add(_checkpoint_size(demo_client))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert '<html lang="en">' in html
    assert any(f"<dd>{total:,}</dd>" in html for total in totals), totals
    assert any(f"<dd>{size:,}</dd>" in html for size in sizes), sizes
    latest = demo_client.get("/api/v1/awards", params={"limit": 8}).json()["items"]
    for award in latest:
        assert f'href="/awards/{award["id"]}?lang=en"' in html


def test_every_page_carries_a_strict_content_security_policy(demo_client):
    response = demo_client.get("/")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text
    assert " style=" not in response.text
    api = demo_client.get("/api/v1/awards", params={"limit": 1})
    assert "content-security-policy" not in api.headers  # /docs needs Swagger UI's inline script
    assert api.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("query", "header", "expected"),
    [
        ({"lang": "ru"}, "en", "ru"),
        ({"lang": "uz-Cyrl"}, None, "uz-Cyrl"),
        ({"lang": "UZ_cyrl"}, None, "uz-Cyrl"),
        ({}, "kk-KZ,kk;q=0.9,ru;q=0.8", "kk"),
        ({}, "de-DE, ru;q=0.5, en;q=0.7", "en"),
        ({}, "uz-Cyrl-UZ", "uz-Cyrl"),
        ({}, "fr", "uz"),
        ({"lang": "xx"}, "ru", "ru"),
    ],
)
def test_the_language_comes_from_the_url_then_accept_language(demo_client, query, header, expected):
    headers = {"Accept-Language": header} if header else {}
    response = demo_client.get("/", params=query, headers=headers)
    assert f'<html lang="{expected}">' in response.text
    # A page whose language a cache cannot tell from its URL says it varies with the header.
    from_url = i18n.from_query(query.get("lang")) is not None
    assert (response.headers.get("Vary") == "Accept-Language") is not from_url


def test_links_keep_a_language_chosen_in_the_url(demo_client):
    chosen = demo_client.get("/", params={"lang": "kk"}).text
    assert 'href="/awards?lang=kk"' in chosen
    negotiated = demo_client.get("/", headers={"Accept-Language": "kk"}).text
    assert 'href="/awards"' in negotiated
    for language in i18n.LANGUAGES:
        assert f'hreflang="{language.code}" href="/?lang={language.code}"' in chosen


def test_static_files_are_versioned_and_cached_for_a_year(demo_client):
    html = demo_client.get("/").text
    url = re.search(r'href="(/static/[0-9a-f]{12}/css/site\.css)"', html)
    assert url is not None
    assert url.group(1) == assets.static_url("css/site.css")
    current = demo_client.get(url.group(1))
    assert current.status_code == 200
    assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert current.text.startswith("/* The portal's one stylesheet")
    stale = demo_client.get("/static/000000000000/css/site.css")
    assert stale.status_code == 200
    assert stale.headers["cache-control"] == "no-cache"
    assert demo_client.get("/static/x/../../web/app.py").status_code == 404


def test_errors_are_pages_on_the_portal_and_problems_on_the_api(demo_client):
    page = demo_client.get("/no-such-page", params={"lang": "en"})
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Not found</h1>" in page.text
    api = demo_client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"


def test_an_unexpected_error_is_a_problem_for_the_api_and_a_page_for_a_person(settings):
    """A bug answers 500 as the API's and the portal's other errors are answered: problem+json
    on the API, the portal's error page (in the page's language) on a page, each with the
    headers of its kind. (Starlette raises the error again after answering, for the server to
    log with its traceback.)"""
    app = create_app(settings)

    def broken() -> None:
        raise KeyError("нум")

    app.add_api_route("/api/v1/broken", broken, tags=["test"])
    app.add_api_route("/broken", broken, tags=["test"], include_in_schema=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/api/v1/broken")
        page = client.get("/broken", params={"lang": "ru"})
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "an error the server did not expect; it has been logged",
        "instance": "/api/v1/broken",
    }
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="ru"' in page.text
    assert "Content-Security-Policy" in page.headers
    assert "Content-Security-Policy" not in api.headers
    assert api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ru", "1\xa0234\xa0567 байт"), ("en", "1,234,567 bytes"), ("kk", "1\xa0234\xa0567 байт")],
)
def test_a_plural_messages_count_is_written_in_the_readers_language(code, expected):
    """The form is chosen by the number, and the number is written as the language writes
    it (it was "1234567 байт" on every page)."""
    template = templating.TEMPLATES.from_string(
        '{{ ngettext("%(num)s byte", "%(num)s bytes", size) }}|'
        '{{ ngettext("%(num)s byte", "%(num)s bytes", 1, num="<b>") }}'
    )
    i18n.activate(i18n.BY_CODE[code])
    counted, escaped = template.render(size=1234567).split("|")
    assert counted.replace("\u202f", "\xa0") == expected
    assert escaped.startswith("&lt;b&gt;")


@pytest.mark.parametrize(
    ("code", "words", "expected"),
    [
        ("kk", ["Ұлытау", "Қарағанды", "Жетісу", "Абай", "Ақмола", "Алматы"],
         ["Абай", "Ақмола", "Алматы", "Жетісу", "Қарағанды", "Ұлытау"]),
        ("uz-Cyrl", ["Ўзбекистон", "Қашқадарё", "Андижон", "Хоразм"],
         ["Андижон", "Хоразм", "Ўзбекистон", "Қашқадарё"]),
        ("ru", ["Ёлки", "Жук", "Есаул", "город Ташкент", "город"],
         ["город", "город Ташкент", "Есаул", "Ёлки", "Жук"]),
    ],
)  # fmt: skip
def test_a_list_is_in_the_readers_alphabetical_order(code, words, expected):
    """Kazakh қ comes after к and ұ after у, not after я; Uzbek ў closes the alphabet with
    қ, ғ and ҳ, though its code point is before а's; Russian ё follows е."""
    language = i18n.BY_CODE[code]
    assert sorted(words, key=lambda word: i18n.sort_key(language, word)) == expected
