"""Kazakh and Uzbek Cyrillic typed on a Russian keyboard, without their own letters, find the
texts that have them, and back: through the API and the portal, on both databases (from the
Kazakh journalist's session: "Улагат" did not find the NGO "Ұлағат", nor "оналту" "оңалту")."""

import re

import pytest
from domain_helpers import KZ_OPERATOR, NGO_KZ, NGO_UZ, PUBLIC_FUND, World, bearer, build_world
from fastapi.testclient import TestClient

from registry.core.db import Database

NGO_ULAGAT = "KZ-BIN-150340012340"


@pytest.fixture
def written(client: TestClient, database: Database) -> dict[str, str]:
    """A Kazakh NGO, "Ұлағат", with a Kazakh award, and an Uzbek award and competition in
    Uzbek Cyrillic; their ids by name."""
    world: World = build_world(client, database)
    ulagat = {
        "org_id": NGO_ULAGAT,
        "name": {"kk": "«Ұлағат» қоғамдық бірлестігі"},  # no Latin name: "ulagat" would match
        "kind": "ngo",
        "region": "KZ-75",
    }
    response = client.post("/api/v1/organizations", json=ulagat, headers=bearer(world.admin))
    assert response.status_code == 201, response.text
    kazakh = {
        "funder_id": KZ_OPERATOR,
        "recipient_id": NGO_ULAGAT,
        "instrument": "grant",
        "title": {"kk": "«Іңкәр» оңалту орталығы", "en": "A rehabilitation centre"},
        "amount": "15000000.00",
        "currency": "KZT",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "legal_basis": "Law No. 36 of 12.04.2005",
        "themes": ["health"],
    }
    response = client.post("/api/v1/awards", json=kazakh, headers=bearer(world.operator))
    assert response.status_code == 201, response.text
    kazakh_award = response.json()["id"]
    competition = {
        "funder_id": PUBLIC_FUND,
        "instrument": "grant",
        "year": 2026,
        "round_number": 4,
        "title": {"uz": "Ҳамжиҳатлик ва меҳр-оқибат танлови"},
        "themes": ["charity"],
        "budget": "1000000000",
        "currency": "UZS",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
        "region": "UZ",
        "legal_basis": "UP-124 of 26.08.2024",
    }
    response = client.post("/api/v1/competitions", json=competition, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    uzbek_competition = response.json()["id"]
    uzbek = {
        "funder_id": PUBLIC_FUND,
        "recipient_id": NGO_UZ,
        "competition_id": uzbek_competition,
        "instrument": "grant",
        "title": {"uz": "Кексаларга ғамхўрлик: ўқув марказлари"},
        "amount": "300000000.00",
        "currency": "UZS",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "themes": ["charity"],
    }
    response = client.post("/api/v1/awards", json=uzbek, headers=bearer(world.fund))
    assert response.status_code == 201, response.text
    return {
        "kazakh award": kazakh_award,
        "uzbek award": response.json()["id"],
        "uzbek competition": uzbek_competition,
    }


def api_ids(client: TestClient, path: str, q: str) -> list[str]:
    response = client.get(path, params={"q": q, "limit": 500})
    assert response.status_code == 200, response.text
    return sorted(item.get("id") or item["org_id"] for item in response.json()["items"])


def page_ids(client: TestClient, kind: str, q: str) -> list[str]:
    response = client.get(f"/{kind}", params={"q": q, "lang": "kk"})
    assert response.status_code == 200, response.text
    return sorted(re.findall(rf'<td[^>]*><a href="/{kind}/([^"?]+)[^"]*">', response.text))


@pytest.mark.parametrize("q", ["Ұлағат", "Улагат", "ұлағат", "УЛАГАТ", "улагат", "ҰЛАҒАТ"])
def test_a_kazakh_name_is_found_however_it_is_typed(
    client: TestClient, written: dict[str, str], q: str
) -> None:
    award = written["kazakh award"]
    assert api_ids(client, "/api/v1/awards", q) == [award]
    assert api_ids(client, "/api/v1/organizations", q) == [NGO_ULAGAT]
    assert page_ids(client, "awards", q) == [award]
    assert page_ids(client, "organizations", q) == [NGO_ULAGAT]


@pytest.mark.parametrize(
    ("spelled", "typed"),
    [
        ("оңалту", "оналту"),
        ("іңкәр", "инкар"),
        ("ОҢАЛТУ ОРТАЛЫҒЫ", "оналту орталыгы"),
        ('"іңкәр оңалту"', '"инкар оналту"'),
        ("ұлағаттың", "улагат"),  # a Kazakh genitive is stemmed as Kazakh, then folded
    ],
)
def test_a_kazakh_word_typed_with_russian_letters_finds_the_kazakh_text(
    client: TestClient, written: dict[str, str], spelled: str, typed: str
) -> None:
    award = written["kazakh award"]
    assert api_ids(client, "/api/v1/awards", typed) == api_ids(client, "/api/v1/awards", spelled)
    assert api_ids(client, "/api/v1/awards", typed) == [award]
    assert page_ids(client, "awards", typed) == page_ids(client, "awards", spelled) == [award]


@pytest.mark.parametrize(
    ("spelled", "typed"),
    [
        ("ғамхўрлик", "гамхурлик"),  # ғ and ў
        ("ўқув", "укув"),  # ў and қ
        ("Кексаларга ғамхўрлик", "кексаларга гамхурлик"),
    ],
)
def test_an_uzbek_cyrillic_word_typed_with_russian_letters_finds_the_award(
    client: TestClient, written: dict[str, str], spelled: str, typed: str
) -> None:
    award = written["uzbek award"]
    assert api_ids(client, "/api/v1/awards", typed) == api_ids(client, "/api/v1/awards", spelled)
    assert api_ids(client, "/api/v1/awards", typed) == [award]
    assert page_ids(client, "awards", typed) == [award]


@pytest.mark.parametrize(
    ("spelled", "typed"), [("ҳамжиҳатлик", "хамжихатлик"), ("Меҳр-оқибат", "мехр-окибат")]
)
def test_an_uzbek_cyrillic_competition_is_found_typed_with_russian_letters(
    client: TestClient, written: dict[str, str], spelled: str, typed: str
) -> None:
    competition = written["uzbek competition"]
    found = api_ids(client, "/api/v1/competitions", typed)
    assert found == api_ids(client, "/api/v1/competitions", spelled) == [competition]
    assert page_ids(client, "competitions", typed) == [competition]


@pytest.fixture
def latin_lookalikes(client: TestClient, database: Database) -> dict[str, str]:
    """Two Kazakh awards about "білім", one written with its letters and one typed with a Latin
    i for і (and Latin e in "мектеп"), and an Uzbek one in Latin script; their ids by name."""
    world: World = build_world(client, database)
    titles = {
        "spelled": {"kk": "Ауыл балаларына білім беру"},
        "latin i": {"kk": "Бiлiм беру орталығы: ауылдық мeктeп"},  # U+0069 and U+0065
        "uzbek latin": {"uz": "Yoshlar uchun ekologik maktab"},
    }
    ids = {}
    for name, title in titles.items():
        award = {
            "funder_id": KZ_OPERATOR,
            "recipient_id": NGO_KZ,
            "instrument": "grant",
            "title": title,
            "amount": "5000000.00",
            "currency": "KZT",
            "award_date": "2026-04-01",
            "period": {"start": "2026-04-15", "end": "2026-12-31"},
            "legal_basis": "Law No. 36 of 12.04.2005",
            "themes": ["education"],
        }
        response = client.post("/api/v1/awards", json=award, headers=bearer(world.operator))
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    return ids


@pytest.mark.parametrize("q", ["білім", "бiлiм", "БIЛIМ", "Бiлiм", "билим", '"бiлiм беру"'])
def test_a_kazakh_word_typed_with_a_latin_i_finds_and_is_found_as_spelled(
    client: TestClient, latin_lookalikes: dict[str, str], q: str
) -> None:
    """A Latin i (U+0069) typed for Kazakh і inside a Cyrillic word, in the text or in the
    query, is і: "бiлiм" finds "білім" and back (it found only itself, or nothing)."""
    both = sorted([latin_lookalikes["spelled"], latin_lookalikes["latin i"]])
    assert api_ids(client, "/api/v1/awards", q) == both
    assert page_ids(client, "awards", q) == both


@pytest.mark.parametrize("q", ["мектеп", "мeктeп", "МЕКТЕП"])
def test_latin_e_inside_a_cyrillic_word_is_cyrillic_e(
    client: TestClient, latin_lookalikes: dict[str, str], q: str
) -> None:
    assert api_ids(client, "/api/v1/awards", q) == [latin_lookalikes["latin i"]]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("Yoshlar uchun ekologik maktab", ["uzbek latin"]),
        ("maktab", ["uzbek latin"]),
        ("ekologik", ["uzbek latin"]),
        ('"uchun ekologik"', ["uzbek latin"]),
        ("мактаб", ["uzbek latin"]),  # in the other Uzbek script, as before
        ("ЕКОЛОГИК", []),  # Latin-looking capitals typed in Cyrillic: a Cyrillic word
    ],
)
def test_latin_uzbek_is_left_as_it_is(
    client: TestClient, latin_lookalikes: dict[str, str], q: str, found: list[str]
) -> None:
    """A word with no Cyrillic letter keeps its Latin letters, in the text and in the query."""
    assert api_ids(client, "/api/v1/awards", q) == sorted(latin_lookalikes[n] for n in found)
