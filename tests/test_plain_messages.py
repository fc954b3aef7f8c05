"""A value that does not fit its field's pattern is told what is expected in plain words,
never shown the regular expression: on the API, on the desk's forms and in an import's
report alike (``core.errors.human_message``). Every refusal changes nothing."""

from collections.abc import Iterator
from typing import Any

import pytest
from domain_helpers import KZ_OPERATOR, ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_awards import award_body
from test_desk import errors_next_to, open_form, sign_in
from test_oversight import Desk

from registry.core.db import Database
from registry.core.errors import human_message
from registry.core.schemas import PATTERN_FALLBACK, PATTERN_MESSAGES
from registry.core.settings import Settings
from registry.main import create_app

SHA256 = "must be a SHA-256 digest: 64 lower-case hexadecimal characters (0-9, a-f)"
MULTIPLIER = (
    'must be a number in decimal digits, such as "3000" or "1.5": at most 9 digits before the '
    "point and 4 after it, no sign, no thousands separator"
)


@pytest.fixture
def desk(client: TestClient, database: Database) -> Desk:
    return Desk(client, database)


def _no_pattern(message: str) -> None:
    assert "pattern" not in message
    assert "^" not in message
    assert "[0-9" not in message


def test_a_document_hash_is_described_not_matched(desk: Desk) -> None:
    stage = {
        "type": "commission_decided",
        "date": "2026-02-20",
        "members": 7,
        "document_sha256": "9F2C" * 16,  # upper case: not the registry's form
    }
    problem = desk.refused(
        f"/api/v1/competitions/{desk.competition['id']}/events",
        stage,
        desk.world.fund,
        422,
        "document_sha256",
    )
    (error,) = problem["errors"]
    assert error["message"] == SHA256
    _no_pattern(problem["detail"])


def test_an_attachment_s_hash_is_described_not_matched(desk: Desk) -> None:
    attachment = {"sha256": "not a hash", "size": 10, "name": "xulosa.pdf"}
    problem = desk.refused(
        "/api/v1/oversight/conclusions",
        desk.conclusion(attachments=[attachment]),
        desk.overseer,
        422,
        "attachments.0.sha256",
    )
    (error,) = problem["errors"]
    assert error["message"] == SHA256


def test_a_legal_unit_s_multiplier_is_described_not_matched(desk: Desk) -> None:
    body = award_body(
        None,
        funder_id=KZ_OPERATOR,
        currency="KZT",
        legal_basis="Order 5",
        legal_unit={"unit": "MCI", "multiplier": "3e3", "on": "2026-01-01"},
    )
    del body["amount"]
    problem = desk.refused(
        "/api/v1/awards", body, desk.world.operator, 422, "legal_unit.multiplier"
    )
    (error,) = problem["errors"]
    assert error["message"] == MULTIPLIER


BY_LANGUAGE = (
    'must give the text by language, as an object such as {"kk": "…", "ru": "…"} '
    "(languages: uz, ru, kk, en)"
)


@pytest.mark.parametrize("text", ["Үйде күтім қызметі", ["Үйде күтім"], 5])
def test_a_text_given_without_its_language_is_told_to_give_one(desk: Desk, text: object) -> None:
    """A title, a note or findings written as a bare string, as a first request often does,
    is told what the field takes, not pydantic's "a valid dictionary or object to extract
    fields from"."""
    award = f"/api/v1/awards/{desk.award['id']}/events"
    for path, body, token, field in (
        ("/api/v1/awards", award_body(None, title=text), desk.world.fund, "title"),
        (
            award,
            {"type": "reported", "date": "2026-03-10", "summary": text},
            desk.world.fund,
            "summary",
        ),
        (
            award,
            {
                "type": "corrected",
                "corrects": desk.award["published_seq"],
                "reason": "Typo",
                "changes": {"title": text},
            },
            desk.world.fund,
            "changes.title",
        ),
        (
            "/api/v1/oversight/conclusions",
            desk.conclusion(findings=text),
            desk.overseer,
            "findings",
        ),
    ):
        problem = desk.refused(path, body, token, 422, field)
        messages = {error["field"]: error["message"] for error in problem["errors"]}
        assert messages[field] == BY_LANGUAGE, problem


@pytest.fixture
def browser_like(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://registry.example", follow_redirects=False) as client:
        yield client


def test_the_desk_form_says_it_in_the_same_words(desk: Desk, browser_like: TestClient) -> None:
    sign_in(browser_like, desk.overseer)
    before = ledger_size(desk.database)
    form = open_form(browser_like, "conclusion") | {
        "addressed_to": desk.conclusion()["addressed_to"],
        "subject.type": "award",
        "subject.id": desk.award["id"],
        "title.uz": "Hisobot eʼlon qilinmagan",
        "findings.uz": "Yakuniy hisobot yoʻq",
        "attachments.0.sha256": "ABC",
        "attachments.0.size": "1024",
    }

    response = browser_like.post("/desk/forms/conclusion", data=form)

    assert response.status_code == 422, response.text
    assert errors_next_to(response.text, "attachments.0.sha256") == [SHA256]
    _no_pattern(response.text.split("<main", 1)[-1].split("</main>", 1)[0])
    assert ledger_size(desk.database) == before


def _patterns(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from _patterns(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _patterns(value, f"{where}/{index}")


def test_every_pattern_in_the_api_has_its_plain_message(tmp_path) -> None:
    """A pattern added to a schema or a parameter needs its words in PATTERN_MESSAGES; until
    then (this test fails) its refusals say the fallback, never the expression."""
    spec = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'registry.db'}",
            signing_key_file=tmp_path / "ledger.key",
        )
    ).openapi()
    found = dict(_patterns(spec))
    assert found, "the API has patterns (amounts, hashes)"
    missing = {
        where: pattern for where, pattern in found.items() if pattern not in PATTERN_MESSAGES
    }
    assert not missing
    unknown = {"type": "string_pattern_mismatch", "msg": "String should match pattern 'x'"}
    assert human_message(unknown | {"ctx": {"pattern": "^x$"}}) == PATTERN_FALLBACK
