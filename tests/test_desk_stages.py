"""A competition's stages recorded through the desk's forms (applications closed, compliance
checked, commission decided, preliminary and final results), on both databases: the ledger
body each writes, the API's rules shown beside the fields, the stages the desk offers, and
the forms in the reader's language."""

import re
from html import unescape
from typing import Any

import pytest
from domain_helpers import bearer, ledger_size
from fastapi.testclient import TestClient
from oversight_desk import Desk
from test_awards import competition_body
from test_desk import (
    error_summary,
    errors_next_to,
    field_value,
    form_about,
    group_errors,
    marked_fields,
    sign_in,
)

from registry.core.db import Database
from registry.core.schemas import LANGUAGES

MINUTES = "9f2c" * 16

STAGE_FORMS: list[tuple[str, dict[str, str], dict[str, Any], str]] = [
    (
        "competition-applications-closed",
        {
            "date": "2026-02-11",
            "applications": "40",
            "organizations": "36",
            "by_language.uz": "30",
            "by_language.ru": "10",
            "by_language.kk": "",
            "by_language.en": "",
        },
        {
            "date": "2026-02-11",
            "applications": 40,
            "organizations": 36,
            "by_language": {"uz": 30, "ru": 10},
        },
        "the close of applications to competition",
    ),
    (
        "competition-compliance-checked",
        {
            "date": "2026-02-24",
            "admitted": "31",
            "refused": "9",
            "reasons.late": "2",
            "reasons.incomplete_documents": "7",
            "reasons.off_topic": "",
        },
        {
            "date": "2026-02-24",
            "admitted": 31,
            "refused": 9,
            "reasons": {"late": 2, "incomplete_documents": 7},
        },
        "the compliance check of competition",
    ),
    (
        "competition-commission-decided",
        {
            "date": "2026-03-10",
            "members": "9",
            "extract.uz": "Komissiya 2 ta loyihani tanladi",
            "extract.ru": "Комиссия отобрала 2 проекта",
            "document_sha256": MINUTES.upper(),  # as PowerShell prints it
            "document_url": "https://fund.uz/minutes/4.pdf",
        },
        {
            "date": "2026-03-10",
            "members": 9,
            "extract": {
                "uz": "Komissiya 2 ta loyihani tanladi",
                "ru": "Комиссия отобрала 2 проекта",
            },
            "document_sha256": MINUTES,
            "document_url": "https://fund.uz/minutes/4.pdf",
        },
        "the commission's decision on competition",
    ),
    (
        "competition-preliminary-results",
        {"date": "2026-03-12", "winners": "2", "note.kk": "Екі жоба"},
        {"date": "2026-03-12", "winners": 2, "note": {"kk": "Екі жоба"}},
        "the preliminary results of competition",
    ),
    (
        "competition-final-results",
        {
            "date": "2026-03-20",
            "winners": "2",
            "document_sha256": "ab" * 32,
            "document_url": "https://fund.uz/results/4.pdf",
        },
        {
            "date": "2026-03-20",
            "winners": 2,
            "document_sha256": "ab" * 32,
            "document_url": "https://fund.uz/results/4.pdf",
        },
        "the final results of competition",
    ),
]
"""Each stage's form as a funder fills it in, the ledger body it should write, and what the
success page says was recorded."""


def send(
    client: TestClient, slug: str, competition_id: str, typed: dict[str, str], **params: str
) -> Any:
    form = form_about(client, slug, competition_id=competition_id) | typed
    return client.post(f"/desk/forms/{slug}", data=form, params=params)


def entry_body(client: TestClient, seq: int) -> tuple[str, dict[str, Any]]:
    entry = client.get(f"/api/v1/ledger/entries/{seq}").json()["entry"]
    return entry["kind"], entry["body"]


def refused_writes_nothing(
    client: TestClient,
    database: Database,
    slug: str,
    competition_id: str,
    typed: dict[str, str],
    status: int = 422,
) -> str:
    before = ledger_size(database)
    response = send(client, slug, competition_id, typed, lang="en")
    assert response.status_code == status, response.text
    assert "Nothing was written" in error_summary(response.text)
    assert ledger_size(database) == before
    return response.text


def test_each_stage_form_writes_its_body_and_the_competition_page_shows_it(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    seqs = []
    for slug, typed, body, recorded in STAGE_FORMS:
        before = ledger_size(desk.database)
        response = send(browser_like, slug, competition_id, typed)
        assert response.status_code == 303, (slug, response.text)
        seq = int(response.headers["location"].rsplit("/", 1)[1])
        assert ledger_size(desk.database) == before + 1
        kind, written = entry_body(desk.client, seq)
        assert kind == "competition." + slug.removeprefix("competition-").replace("-", "_")
        assert written == body
        success = browser_like.get(response.headers["location"], params={"lang": "en"})
        assert f"The registry recorded {recorded} {competition_id}." in unescape(success.text)
        seqs.append(seq)
    read = desk.client.get(f"/api/v1/competitions/{competition_id}").json()
    assert [stage["seq"] for stage in read["stages"]] == seqs
    assert (read["applications"], read["admitted"], read["status"]) == (40, 31, "awarded")
    page = unescape(desk.client.get(f"/competitions/{competition_id}", params={"lang": "en"}).text)
    for text in (
        "Applications closed",
        "40 applications from 36 organizations: in Uzbek 30, in Russian 10",
        "31 admitted, 9 refused: late 2, incomplete documents 7",
        "9 commission members",
        MINUTES,
        "Winners: 2",
        'href="https://fund.uz/results/4.pdf"',
    ):
        assert text in page, text
    for seq in seqs:
        assert f'id="event-{seq}"' in page
    uzbek = desk.client.get(f"/competitions/{competition_id}", params={"lang": "uz"}).text
    assert "Bayonnomadan koʻchirma: Komissiya 2 ta loyihani tanladi" in unescape(uzbek)


def test_a_breakdown_left_empty_is_left_out_not_sent_as_zeros(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    empty = {f"by_language.{code}": "" for code in LANGUAGES}
    typed = {"date": "2026-02-11", "applications": "12", "organizations": "12"} | empty
    response = send(browser_like, "competition-applications-closed", competition_id, typed)
    assert response.status_code == 303, response.text
    _, body = entry_body(desk.client, int(response.headers["location"].rsplit("/", 1)[1]))
    assert body == {"date": "2026-02-11", "applications": 12, "organizations": 12}
    typed = {"date": "2026-02-12", "admitted": "12", "refused": "0", "reasons.late": ""}
    response = send(browser_like, "competition-compliance-checked", competition_id, typed)
    assert response.status_code == 303, response.text
    _, body = entry_body(desk.client, int(response.headers["location"].rsplit("/", 1)[1]))
    assert body == {"date": "2026-02-12", "admitted": 12, "refused": 0}


def test_counts_that_do_not_add_up_are_refused_beside_their_field(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    closed = dict(STAGE_FORMS[0][1]) | {"by_language.ru": ""}
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-applications-closed", competition_id, closed
    )
    # Shown under the legend of the boxes, as a whole, and the summary links to the first.
    assert group_errors(page, "by_language") == ["adds up to 30, not 40"]
    assert '<a href="#f-by_language-uz">Applications by language</a>' in page
    assert field_value(page, "by_language.uz") == "30"  # what was typed is kept
    more = dict(STAGE_FORMS[0][1]) | {"organizations": "41"}
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-applications-closed", competition_id, more
    )
    assert errors_next_to(page, "organizations") == ["more organizations than applications"]
    typed = dict(STAGE_FORMS[0][1]) | {"by_language.kk": "dozens"}
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-applications-closed", competition_id, typed
    )
    assert marked_fields(page) == ["by_language.kk"]
    assert "Write a whole number in digits" in errors_next_to(page, "by_language.kk")[0]

    response = send(browser_like, STAGE_FORMS[0][0], competition_id, STAGE_FORMS[0][1])
    assert response.status_code == 303, response.text
    checked = dict(STAGE_FORMS[1][1]) | {"reasons.late": "1"}
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-compliance-checked", competition_id, checked
    )
    assert group_errors(page, "reasons") == ["adds up to 8, not 9"]
    checked = dict(STAGE_FORMS[1][1]) | {"admitted": "30"}
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-compliance-checked", competition_id, checked
    )
    assert errors_next_to(page, "admitted") == [
        "admitted + refused is 39; 40 applications were received"
    ]
    decided = {"date": "2026-03-10", "members": "9"}  # neither the extract nor the hash
    page = refused_writes_nothing(
        browser_like, desk.database, "competition-commission-decided", competition_id, decided
    )
    assert group_errors(page, "extract") == [
        "give the minutes' extract, the document's hash, or both"
    ]


def test_a_stage_already_recorded_or_after_a_later_one_is_refused_in_words(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    slug, typed, _, _ = STAGE_FORMS[0]
    response = send(browser_like, slug, competition_id, typed)
    assert response.status_code == 303, response.text
    seq = int(response.headers["location"].rsplit("/", 1)[1])
    again = typed | {"date": "2026-02-12"}  # not the same values: not a repeat of the form
    page = refused_writes_nothing(
        browser_like, desk.database, slug, competition_id, again, status=409
    )
    assert (
        f"This stage of the competition is already recorded, dated Feb 11, 2026, as entry #{seq}: "
        "each stage is recorded once."
    ) in error_summary(page)
    slug_decided, decided, _, _ = STAGE_FORMS[2]
    response = send(browser_like, slug_decided, competition_id, decided)
    assert response.status_code == 303, response.text
    slug_checked, checked, _, _ = STAGE_FORMS[1]
    page = refused_writes_nothing(
        browser_like, desk.database, slug_checked, competition_id, checked, status=409
    )
    assert "A later stage of the competition is already recorded" in error_summary(page)
    # Russian, as the reader reads it.
    before = ledger_size(desk.database)
    response = send(browser_like, slug, competition_id, again, lang="ru")
    assert response.status_code == 409
    assert "Этот этап конкурса уже записан, с датой" in unescape(response.text)
    assert ledger_size(desk.database) == before


def test_results_published_count_as_the_final_results(desk: Desk, browser_like: TestClient) -> None:
    competition_id = desk.competition["id"]
    results = {"type": "results_published", "applications_received": 12}
    published = desk.client.post(
        f"/api/v1/competitions/{competition_id}/events",
        json=results,
        headers=bearer(desk.world.fund),
    )
    assert published.status_code == 201, published.text
    sign_in(browser_like, desk.world.fund)
    slug, typed, _, _ = STAGE_FORMS[4]
    page = refused_writes_nothing(
        browser_like, desk.database, slug, competition_id, typed, status=409
    )
    assert "The competition's results are already published" in error_summary(page)
    home = browser_like.get("/desk", params={"lang": "en"}).text
    assert stage_links(home, competition_id) == ["competition-amended"]  # results are out


def test_another_funder_cannot_record_a_stage_of_a_competition_not_its_own(
    desk: Desk, browser_like: TestClient
) -> None:
    sign_in(browser_like, desk.world.ministry)
    slug, typed, _, _ = STAGE_FORMS[0]
    page = refused_writes_nothing(
        browser_like, desk.database, slug, desk.competition["id"], typed, status=403
    )
    assert "UZ-STIR-201122919" in error_summary(page)  # the key's organization, named
    assert desk.client.get(f"/api/v1/competitions/{desk.competition['id']}").json()["stages"] == []


def test_a_stage_before_the_window_closes_is_refused(desk: Desk, browser_like: TestClient) -> None:
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2099-02-10T18:00:00+05:00"}
    posted = desk.client.post(
        "/api/v1/competitions",
        json=competition_body(round_number=5, window=window),
        headers=bearer(desk.world.fund),
    )
    assert posted.status_code == 201, posted.text
    sign_in(browser_like, desk.world.fund)
    slug, typed, _, _ = STAGE_FORMS[0]
    page = refused_writes_nothing(browser_like, desk.database, slug, posted.json()["id"], typed)
    assert "a stage after the window is recorded once it has closed" in error_summary(page)


def stage_links(home: str, competition_id: str) -> list[str]:
    """The desk's forms the home page links to from a competition's line, in order."""
    item = re.search(rf'<li><a href="/competitions/{competition_id}[?"].*?</li>', home, re.DOTALL)
    assert item, f"{competition_id} is not listed"
    return re.findall(
        rf'href="/desk/forms/(competition-[a-z-]+)\?competition_id={competition_id}[&"]', item[0]
    )


def test_the_desk_offers_the_stages_left_in_order(desk: Desk, browser_like: TestClient) -> None:
    """Every stage of a closed competition, none of one still open, and only those after the
    latest recorded: a stage skipped stays skipped."""
    window = {"opens": "2026-01-10T09:00:00+05:00", "closes": "2099-02-10T18:00:00+05:00"}
    open_one = desk.client.post(
        "/api/v1/competitions",
        json=competition_body(round_number=5, window=window),
        headers=bearer(desk.world.fund),
    ).json()
    sign_in(browser_like, desk.world.fund)
    competition_id = desk.competition["id"]
    home = browser_like.get("/desk", params={"lang": "en"}).text
    # Closed, an award made from it: its results, no cancelling (test_desk: what is offered).
    assert stage_links(home, competition_id) == [
        "competition-amended",
        "competition-results",
        *(slug for slug, _, _, _ in STAGE_FORMS),
    ]
    assert "Record a stage:" in home
    # Open, no award yet: no results yet, and it may still be cancelled.
    assert stage_links(home, open_one["id"]) == [
        "competition-amended",
        "competition-cancelled",
    ]
    for slug, typed, _, _ in (STAGE_FORMS[0], STAGE_FORMS[2]):
        assert send(browser_like, slug, competition_id, typed).status_code == 303
    home = browser_like.get("/desk", params={"lang": "en"}).text
    assert stage_links(home, competition_id)[2:] == [
        "competition-preliminary-results",
        "competition-final-results",
    ]


@pytest.mark.parametrize(
    ("lang", "title", "texts"),
    [
        (
            "ru",
            "Записать проверку на соответствие",
            ["Допущено заявок", "Отклонённые заявки по причинам", "С опозданием", "Не по теме"],
        ),
        (
            "uz",
            "Muvofiqlik tekshiruvini qayd etish",
            ["Tanlovga qabul qilingan arizalar", "Kechikib topshirilgan", "Byudjetdan ortiq"],
        ),
        (
            "uz-Cyrl",
            "Мувофиқлик текширувини қайд этиш",
            ["Танловга қабул қилинган аризалар", "Кечикиб топширилган"],
        ),
        ("kk", "Сәйкестікке тексеруді тіркеу", ["Қабылданбаған өтінімдер", "Бюджеттен тыс"]),
    ],
)
def test_a_stage_form_is_in_the_readers_language(
    desk: Desk, browser_like: TestClient, lang: str, title: str, texts: list[str]
) -> None:
    sign_in(browser_like, desk.world.fund)
    page = browser_like.get(
        "/desk/forms/competition-compliance-checked",
        params={"lang": lang, "competition_id": desk.competition["id"]},
    )
    assert page.status_code == 200
    text = unescape(page.text)
    assert f"<h1>{title}</h1>" in text
    for expected in texts:
        assert re.search(rf">{re.escape(expected)}( <span|<)", text), expected
    closed = browser_like.get(
        "/desk/forms/competition-applications-closed", params={"lang": lang}
    ).text
    # One box per language, each named as the language names itself, under one legend.
    for name in ("Oʻzbekcha", "Русский", "Қазақша", "English"):
        assert name in unescape(closed)
    assert len(re.findall(r'name="by_language\.(?:uz|ru|kk|en)"', closed)) == 4
