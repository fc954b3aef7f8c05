"""The portal's and the desk's words as a tester read them in each language: a legal form and a
register's number named in the reader's language."""

import re

import pytest
from domain_helpers import bearer, organization
from oversight_desk import Desk

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
