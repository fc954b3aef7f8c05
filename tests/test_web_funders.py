"""The funders a search page offers are the funders of what it searches: /competitions offers
every funder that has posted a competition, /awards every funder that has given an award,
each by its name in the reader's language, on both databases."""

import re
from html import unescape

import pytest
from domain_helpers import MINISTRY, PUBLIC_FUND, World, build_world
from fastapi.testclient import TestClient
from test_awards import competition_body, create_award, create_competition, post

from registry.core.db import Database

MINISTRY_NAME = "Oʻzbekiston Respublikasi Yoshlar ishlari agentligi"  # in Uzbek only
FUND_NAME_RU = "Общественный фонд поддержки институтов гражданского общества"


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def _offered(html: str) -> dict[str, tuple[str, str]]:
    """The funder field's options but "any": org-id → (the name shown, its lang attribute)."""
    select = re.search(r'<select id="f-funder" name="funder"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert select, html
    options = re.findall(
        r'<option value="([^"]+)"(?: lang="([^"]+)")?[^>]*>([^<]*)</option>', select.group(1)
    )
    return {value: (unescape(label), lang) for value, lang, label in options}


def _funders_of(client: TestClient, path: str) -> set[str]:
    funders, url = set(), f"{path}?limit=100"
    while url:
        page = client.get(url).json()
        funders |= {item["funder_id"] for item in page["items"]}
        url = page["next"]
    return funders


def test_a_funder_of_competitions_only_is_offered_on_the_competitions_page(
    client: TestClient, world: World
) -> None:
    """Found by a reader: the Youth Affairs Agency had announced a competition but given no
    award yet, and /competitions did not offer it as a funder (it offered the funders of
    awards), nor found it by its name."""
    competition = create_competition(client, world)
    create_award(client, world, competition["id"])
    ministry = competition_body(funder_id=MINISTRY, round_number=1)
    assert post(client, "/api/v1/competitions", ministry, world.ministry).status_code == 201

    competitions = _offered(client.get("/competitions?lang=ru").text)
    assert set(competitions) == _funders_of(client, "/api/v1/competitions")
    assert competitions == {
        PUBLIC_FUND: (FUND_NAME_RU, ""),
        MINISTRY: (MINISTRY_NAME, "uz"),  # no Russian name: the Uzbek one, said so
    }
    awards = _offered(client.get("/awards?lang=ru").text)
    assert set(awards) == _funders_of(client, "/api/v1/awards") == {PUBLIC_FUND}

    # Typed by its name, as the list names it, it is found as the funder it is here.
    found = client.get(
        "/competitions", params={"funder": MINISTRY_NAME, "lang": "ru"}, follow_redirects=False
    )
    assert found.status_code == 303
    assert found.headers["location"] == f"/competitions?funder={MINISTRY}&lang=ru"
    page = client.get(found.headers["location"])
    assert page.status_code == 200
    assert re.findall(r'<a href="/competitions/(CMP-[\d-]+)', page.text)[:1] == ["CMP-2026-00002"]
    # On /awards it has given nothing: its name finds no funder of an award.
    assert client.get("/awards", params={"funder": MINISTRY_NAME}).status_code == 400


def test_the_demo_s_search_pages_offer_the_funders_of_their_own_results(
    demo_client: TestClient,
) -> None:
    for page, api in (("/competitions", "/api/v1/competitions"), ("/awards", "/api/v1/awards")):
        offered = _offered(demo_client.get(f"{page}?lang=kk").text)
        assert set(offered) == _funders_of(demo_client, api), page
        assert all(name for name, _ in offered.values())
