"""The portal's addresses over HTTP on the demo data of both databases: an identifier typed in
lower case is answered with a permanent redirect to its record's page (the query kept), and a
parameter a page does not take is left out of its address, and so out of every link it makes."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient

MOVED_PERMANENTLY = 301
SEE_OTHER = 303


def _records(client: TestClient) -> dict[str, str]:
    """A record of each kind a page shows, by the path of its page."""
    award = next(
        item
        for item in client.get("/api/v1/awards", params={"limit": 50}).json()["items"]
        if item["competition_id"]
    )
    conclusion = client.get("/api/v1/oversight/conclusions", params={"limit": 1}).json()["items"]
    return {
        "award": f"/awards/{award['id']}",
        "organization": f"/organizations/{award['recipient_id']}",
        "competition": f"/competitions/{award['competition_id']}",
        "conclusion": f"/oversight/conclusions/{conclusion[0]['id']}",
        "body": f"/oversight/bodies/{conclusion[0]['body_id']}",
        "region": "/regions/UZ-SA",
    }


@pytest.mark.parametrize(
    "kind", ["award", "organization", "competition", "conclusion", "body", "region"]
)
def test_an_identifier_in_lower_case_is_redirected_to_its_page(
    demo_client: TestClient, kind: str
) -> None:
    """Found by a journalist: /awards/awd-2026-000020, /organizations/uz-stir-202030811 and
    /competitions/cmp-2026-00004 were 404 pages, while region=uz-sa, currency=uzs and
    /regions/uz-sa were accepted. The page answers with a permanent redirect to the record's
    own address, with the query as it was."""
    canonical = _records(demo_client)[kind]
    head, _, identifier = canonical.rpartition("/")
    lower = f"{head}/{identifier.lower()}"
    response = demo_client.get(f"{lower}?lang=ru", follow_redirects=False)
    assert response.status_code == MOVED_PERMANENTLY, (lower, response.status_code)
    assert response.headers["location"] == f"{canonical}?lang=ru"
    assert response.content == b""
    page = demo_client.get(f"{lower}?lang=ru")
    assert page.status_code == 200
    assert page.url.path == canonical
    assert f"<code>{identifier}</code>" in page.text or identifier in page.text


def test_the_redirect_keeps_the_whole_query(demo_client: TestClient) -> None:
    award_page = _records(demo_client)["award"]
    award_id = award_page.rpartition("/")[2]
    query = "leaf=abc&lang=kk"
    response = demo_client.get(f"/awards/{award_id.lower()}?{query}", follow_redirects=False)
    assert response.status_code == MOVED_PERMANENTLY
    assert response.headers["location"] == f"/awards/{award_id}?{query}"


@pytest.mark.parametrize(
    "path",
    [
        "/awards/awd-1999-999999",
        "/organizations/uz-stir-999999999",
        "/competitions/cmp-1999-99999",
        "/oversight/conclusions/ovs-1999-99999",
        "/oversight/bodies/uz-stir-999999999",
    ],
)
def test_an_identifier_that_matches_nothing_in_any_case_is_still_the_404_page(
    demo_client: TestClient, path: str
) -> None:
    response = demo_client.get(path, params={"lang": "en"}, follow_redirects=False)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "(yet)" in response.text


def test_the_api_still_reads_identifiers_exactly(demo_client: TestClient) -> None:
    """The JSON API is not a page: it does not redirect, and an id is read as written (a
    404 problem naming the path parameter), as before."""
    records = _records(demo_client)
    for kind, api_path in (
        ("award", "/api/v1/awards/"),
        ("organization", "/api/v1/organizations/"),
        ("competition", "/api/v1/competitions/"),
    ):
        identifier = records[kind].rpartition("/")[2]
        assert demo_client.get(api_path + identifier).status_code == 200
        response = demo_client.get(api_path + identifier.lower(), follow_redirects=False)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("/awards?page=2&lang=ru", "/awards?lang=ru"),
        ("/awards?limit=0&currency=UZS&lang=ru", "/awards?currency=UZS&lang=ru"),
        ("/competitions?page=2&status=open", "/competitions?status=open"),
        ("/organizations?utm_source=x&kind=ngo", "/organizations?kind=ngo"),
        ("/stats?limit=5&instrument=grant", "/stats?instrument=grant"),
        ("/ledger?foo=1", "/ledger"),
        ("/?fbclid=abc&lang=en", "/?lang=en"),
    ],
)
def test_a_parameter_a_page_does_not_take_is_left_out_of_its_address(
    demo_client: TestClient, address: str, canonical: str
) -> None:
    """Found by a journalist: /awards?page=2 and ?limit=0 showed page 1 with nothing said,
    and the parameter went on into the language links. A bookmarked or typed address still
    gives the page (never an error for a harmless extra), at an address that says exactly what
    it shows: a redirect leaves out what the page does not take."""
    response = demo_client.get(address, follow_redirects=False)
    assert response.status_code == SEE_OTHER
    assert response.headers["location"] == canonical


def test_no_link_of_a_page_carries_a_parameter_it_does_not_take(demo_client: TestClient) -> None:
    response = demo_client.get("/awards?page=2&currency=UZS&sort=-amount&lang=ru")
    assert response.status_code == 200
    html = response.text
    links = [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]
    own = [link for link in links if link.startswith(("/awards", "/api/v1/"))]
    assert any("currency=UZS" in link for link in own)  # the filter is carried
    carried = [link for link in own if "page" in dict(parse_qsl(urlsplit(link).query))]
    assert not carried
    switch = re.findall(r'<a href="([^"]+)" lang="kk" hreflang="kk"', html)
    assert [unescape(link) for link in switch] == ["/awards?currency=UZS&sort=-amount&lang=kk"]


def test_a_page_keeps_the_parameters_it_takes(demo_client: TestClient) -> None:
    """Nothing a page reads is left out: a cursor, an organization page's role, an award
    page's leaf, a desk form's values."""
    award_page = _records(demo_client)["award"]
    organization_page = _records(demo_client)["organization"]
    for address in (
        f"{award_page}?leaf=abc&lang=en",
        f"{organization_page}?role=received&lang=en",
        "/awards?currency=UZS&year=2026&lang=en",
        "/desk/sign-in?lang=en",
    ):
        response = demo_client.get(address, follow_redirects=False)
        assert response.status_code == 200, address


def test_the_api_and_the_page_of_the_same_path_each_take_their_own_parameters(
    demo_client: TestClient,
) -> None:
    """A route's path is its router's: the page /awards and the API's /api/v1/awards are both
    /awards to FastAPI, and the parameters a route takes are read once per route. Whichever
    is asked first, each keeps its own: the API's limit is never taken away from it by the
    page, nor given to the page."""
    for _ in range(2):
        assert demo_client.get("/awards?limit=5", follow_redirects=False).status_code == SEE_OTHER
        api = demo_client.get("/api/v1/awards", params={"limit": 5, "facets": "year"})
        assert api.status_code == 200, api.text
        assert len(api.json()["items"]) == 5
