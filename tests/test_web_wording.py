"""The portal's and the desk's words as a tester read them in each language: a legal form and a
register's number named in the reader's language, a round that is not a stage, a role and an
event kind said rather than coded, entry numbers written one way, and a 404 that promises a
record "(yet)" only for an identifier that could be one."""

import re

import pytest
from babel.messages.pofile import read_po
from domain_helpers import bearer, organization
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_desk import sign_in

from registry.web.catalogs import catalog_path

UZ_ASSOCIATION = "UZ-STIR-316232107"
KZ_ASSOCIATION = "KZ-BIN-000440895388"
UZ_ODD_FORM = "UZ-STIR-316232115"


def facts(html: str) -> dict[str, str]:
    """An organization's or a competition's facts: each <dt>'s text and its <dd>'s markup."""
    return dict(re.findall(r"<dt>([^<]*)</dt>\s*<dd>(.*?)</dd>", html, re.DOTALL))


@pytest.fixture
def registered(desk: Desk) -> Desk:
    """Three NGOs as their registers record their legal forms, in the register's language."""
    for org_id, legal_form, region in (
        (UZ_ASSOCIATION, "jamoat birlashmasi", "UZ-SA"),
        (KZ_ASSOCIATION, "қоғамдық бірлестік (ОО)", "KZ-63"),
        (UZ_ODD_FORM, "mas'uliyati cheklangan jamiyat", "UZ-TK"),
    ):
        body = organization(org_id, "ngo", uz="«Yashil makon»", region=region)
        body["legal_form"] = legal_form
        response = desk.client.post(
            "/api/v1/organizations", json=body, headers=bearer(desk.world.admin)
        )
        assert response.status_code == 201, response.text
    return desk


def test_a_known_legal_form_is_named_in_the_readers_language(registered: Desk) -> None:
    """Reported: "Организационно-правовая форма: jamoat birlashmasi" on a Russian page, and
    "қоғамдық бірлестік (ОО)" too: the form recorded in the funder's language, unmarked. A
    form the registry knows is named in the reader's language, the label as recorded beside it
    (marked with its language) where that is another; in its own language, the name alone."""
    client = registered.client
    russian = facts(client.get(f"/organizations/{UZ_ASSOCIATION}?lang=ru").text)
    assert russian["Организационно-правовая форма"] == (
        'Общественное объединение <span class="muted">(<span lang="uz">jamoat birlashmasi'
        "</span>)</span>"
    )
    kazakh_in_russian = facts(client.get(f"/organizations/{KZ_ASSOCIATION}?lang=ru").text)
    assert kazakh_in_russian["Организационно-правовая форма"] == (
        'Общественное объединение <span class="muted">(<span lang="kk">қоғамдық бірлестік (ОО)'
        "</span>)</span>"
    )
    kazakh = facts(client.get(f"/organizations/{KZ_ASSOCIATION}?lang=kk").text)
    assert kazakh["Ұйымдық-құқықтық нысаны"] == "Қоғамдық бірлестік"
    uzbek = facts(client.get(f"/organizations/{UZ_ASSOCIATION}?lang=uz").text)
    assert uzbek["Tashkiliy-huquqiy shakli"] == "Jamoat birlashmasi"
    cyrillic = facts(client.get(f"/organizations/{UZ_ASSOCIATION}?lang=uz-Cyrl").text)
    assert cyrillic["Ташкилий-ҳуқуқий шакли"] == "Жамоат бирлашмаси"
    english = facts(client.get(f"/organizations/{KZ_ASSOCIATION}?lang=en").text)
    assert english["Legal form"].startswith("Public association <span")
    # The API keeps the form as recorded: only the page names it.
    recorded = client.get(f"/api/v1/organizations/{UZ_ASSOCIATION}").json()["legal_form"]
    assert recorded == "jamoat birlashmasi"


def test_a_legal_form_the_registry_does_not_know_is_shown_as_recorded_in_no_stated_language(
    registered: Desk,
) -> None:
    """Not translated, and not guessed: a free text in no stated language, so lang="" (HTML's
    "unknown"), not read by a screen reader with the page's Russian rules."""
    page = facts(registered.client.get(f"/organizations/{UZ_ODD_FORM}?lang=ru").text)
    assert page["Организационно-правовая форма"] == (
        '<span lang="">mas&#39;uliyati cheklangan jamiyat</span>'
    )


@pytest.mark.parametrize(
    ("language", "org_id_label", "stir", "bin_"),
    [
        ("ru", "Идентификатор (org-id)", "ИНН", "БИН"),
        ("kk", "Идентификатор (org-id)", "СТИР", "БСН"),
        ("uz", "Identifikator (org-id)", "STIR", "BIN"),
        ("uz-Cyrl", "Идентификатор (орг-ид)", "СТИР", "BIN"),
        ("en", "Identifier (org-id)", "STIR", "BIN"),
    ],
)
def test_a_registers_number_is_named_as_readers_of_the_language_call_it(
    registered: Desk, language: str, org_id_label: str, stir: str, bin_: str
) -> None:
    """Reported: "STIR" and "Org-id" untranslated in every language; a Russian reader knows
    the Uzbek taxpayer number as the ИНН, a Kazakh one the BIN as the БСН."""
    client = registered.client
    uzbek = facts(client.get(f"/organizations/{UZ_ASSOCIATION}?lang={language}").text)
    assert uzbek[org_id_label] == f"<code>{UZ_ASSOCIATION}</code>"
    assert uzbek[stir] == "<code>316232107</code>"
    kazakh = facts(client.get(f"/organizations/{KZ_ASSOCIATION}?lang={language}").text)
    assert kazakh[bin_] == "<code>000440895388</code>"
    listing = client.get(f"/organizations?lang={language}").text
    assert f'<th scope="col">{org_id_label}</th>' in listing


def test_a_competitions_round_is_not_called_a_stage(desk: Desk) -> None:
    """Reported: in Uzbek "Bosqich: 2026-yilning 4-bosqichi" (the round) above "Bosqichlar"
    (the stages), the same word for both, in Kazakh too; in Russian "Раунд 4 2026 года" and
    "Его финансирование" above a competition's awards."""
    competition_id = desk.competition["id"]
    uzbek = desk.client.get(f"/competitions/{competition_id}?lang=uz").text
    assert facts(uzbek)["Tur"] == "2026-yilning 4-turi"
    assert '<h2 id="history-title">Bosqichlar</h2>' in uzbek
    assert "bosqichi" not in uzbek
    kazakh = desk.client.get(f"/competitions/{competition_id}?lang=kk").text
    assert facts(kazakh)["Тур"] == "2026 жылғы 4-тур"
    assert '<h2 id="history-title">Кезеңдер</h2>' in kazakh
    russian = desk.client.get(f"/competitions/{competition_id}?lang=ru").text
    assert facts(russian)["Раунд"] == "4-й раунд 2026 года"
    assert '<h2 id="awards-title">Решения о финансировании по конкурсу</h2>' in russian
    assert "Его финансирование" not in russian
    english = desk.client.get(f"/competitions/{competition_id}?lang=en").text
    assert '<h2 id="awards-title">Awards in this competition</h2>' in english


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "(финансирующая организация)."),
        ("kk", "(қаржыландырушы)."),
        ("uz", "(moliyalashtiruvchi)."),
        ("en", "(funder)."),
    ],
)
def test_the_desk_names_the_keys_role_in_the_readers_language(
    desk: Desk, browser_like: TestClient, language: str, said: str
) -> None:
    """Reported: "ключ e233b8bc8fec (funder)" on the Russian desk."""
    sign_in(browser_like, desk.world.fund)
    home = browser_like.get("/desk", params={"lang": language}).text
    signed_in = re.search(r"<p>([^<]*) <code>UZ-STIR-207050449</code></p>", home)
    assert signed_in, home
    assert signed_in[1].endswith(said), signed_in[1]
    if language != "en":
        assert "(funder)" not in home


def test_a_leaf_hash_names_its_entrys_kind_in_the_readers_language(desk: Desk) -> None:
    """Reported: "…запись реестра №8588 этого решения о финансировании (award.published)": the
    event kind as a code. The page names it as its timeline does."""
    award = desk.award
    entry = desk.client.get(f"/api/v1/ledger/entries/{award['published_seq']}").json()
    russian = desk.client.get(
        f"/awards/{award['id']}", params={"lang": "ru", "leaf": entry["leaf_hash"]}
    ).text
    assert "award.published" not in russian
    assert f"запись реестра #{award['published_seq']} этого " in russian
    assert "финансировании (Опубликовано)." in russian
    competition = desk.competition
    seq = desk.client.get(f"/api/v1/competitions/{competition['id']}").json()["events"][0]["seq"]
    leaf = desk.client.get(f"/api/v1/ledger/entries/{seq}").json()["leaf_hash"]
    kazakh = desk.client.get(
        f"/competitions/{competition['id']}", params={"lang": "kk", "leaf": leaf}
    ).text
    assert "competition.published" not in kazakh
    assert f"осы конкурстың #{seq} жазбасы" in kazakh


@pytest.mark.parametrize("locale", ["uz_Latn", "uz_Cyrl", "ru", "kk"])
def test_an_entry_number_is_written_one_way_in_each_language(locale: str) -> None:
    """Reported: the desk's page after a write said "запись №6050" and "#8595". Every text
    that numbers a ledger entry "#%(seq)s" keeps the "#" in translation."""
    with catalog_path(locale).open("rb") as file:
        catalog = read_po(file)
    numbered = [
        message
        for message in catalog
        if message.id and isinstance(message.id, str) and "#%(seq)s" in message.id
    ]
    assert len(numbered) > 10
    for message in numbered:
        assert isinstance(message.string, str)
        assert "№" not in message.string, (message.id, message.string)
        assert "#%(seq)s" in message.string, (message.id, message.string)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (
            "/organizations/XX-123",
            (
                "<code>XX-123</code> — не идентификатор организации: org-id состоит из кода "
                "страны, кода реестра и номера организации в этом реестре, например "
                "UZ-STIR-310006777 или KZ-BIN-940140000385."
            ),
        ),
        (
            "/organizations/UZ-STIR-12345",
            "<code>UZ-STIR-12345</code> — не идентификатор организации:",
        ),
        (
            "/oversight/bodies/XX-123",
            "<code>XX-123</code> — не идентификатор организации:",
        ),
        (
            "/awards/AWD-1",
            (
                "<code>AWD-1</code> — не идентификатор решения о финансировании: он состоит из "
                "AWD-, года и номера, например AWD-2026-000001."
            ),
        ),
        (
            "/competitions/cmp-x",
            (
                "<code>cmp-x</code> — не идентификатор конкурса: он состоит из CMP-, года и "
                "номера, например CMP-2026-00001."
            ),
        ),
        (
            "/oversight/conclusions/OVS-2026",
            "<code>OVS-2026</code> — не идентификатор заключения общественного контроля:",
        ),
    ],
)
def test_an_identifier_no_record_can_have_is_not_promised_yet(
    client: TestClient, path: str, said: str
) -> None:
    """Reported: "Организации XX-123 нет (пока)" for an id that can never exist. One of a
    form no record has is told so, with the form it should have."""
    response = client.get(path, params={"lang": "ru"})
    assert response.status_code == 404
    assert f'<p class="problem-detail">{said}' in response.text
    assert "(пока)" not in response.text


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/organizations/UZ-STIR-999999999", "Организации <code>UZ-STIR-999999999</code> нет"),
        ("/organizations/GB-COH-01234567", "Организации <code>GB-COH-01234567</code> нет"),
        ("/awards/AWD-2026-999999", "Решения о финансировании <code>AWD-2026-999999</code> нет"),
        ("/awards/awd-2031-1234567", "Решения о финансировании <code>awd-2031-1234567</code> нет"),
        ("/competitions/CMP-2026-00999", "Конкурса <code>CMP-2026-00999</code> нет"),
        ("/oversight/conclusions/OVS-2026-00999", "общественного контроля <code>OVS-2026-00999"),
    ],
)
def test_a_well_formed_identifier_of_no_record_is_one_not_there_yet(
    client: TestClient, path: str, said: str
) -> None:
    response = client.get(path, params={"lang": "ru"})
    assert response.status_code == 404
    assert said in response.text
    assert "(пока)." in response.text
