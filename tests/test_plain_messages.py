"""A value that does not fit its field's pattern is told what is expected in plain words,
never shown the regular expression: on the API, on the desk's forms and in an import's
report alike (``core.errors.human_message``). Every refusal changes nothing."""

from collections.abc import Iterator
from typing import Any

import pytest
from domain_helpers import KZ_OPERATOR, bearer, ledger_size
from fastapi.testclient import TestClient
from oversight_desk import Desk
from pydantic import TypeAdapter, ValidationError
from test_awards import award_body, competition_body
from test_desk import errors_next_to, open_form, sign_in
from test_oversight import ANSWER

from registry.awards.schemas import AwardCreate
from registry.core.errors import human_message
from registry.core.schemas import PATTERN_FALLBACK, PATTERN_MESSAGES
from registry.core.settings import Settings
from registry.main import create_app

SHA256 = "must be a SHA-256 digest: 64 lower-case hexadecimal characters (0-9, a-f)"
MULTIPLIER = (
    'must be a number in decimal digits, such as "3000" or "1.5": at most 9 digits before the '
    "point and 4 after it, no sign, no thousands separator"
)


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


NULL_TEXT = f"{BY_LANGUAGE}, not null"
DIRECT_AWARD = award_body(None, legal_basis="UP-124 of 26.08.2024")


@pytest.mark.parametrize(
    ("path", "given", "field", "message"),
    [
        ("/api/v1/awards", {"title": None}, "title", NULL_TEXT),
        (
            "/api/v1/awards",
            {"period": None},
            "period",
            "must be an object with start and end, not null",
        ),
        ("/api/v1/competitions", {"title": None}, "title", NULL_TEXT),
        (
            "/api/v1/competitions",
            {"window": None},
            "window",
            "must be an object with opens and closes, not null",
        ),
        ("/api/v1/oversight/conclusions", {"findings": None}, "findings", NULL_TEXT),
        (
            "/api/v1/oversight/conclusions",
            {"subject": None},
            "subject",
            "must be an object with type and id, not null",
        ),
        (
            "/api/v1/oversight/conclusions",
            {"attachments": [None]},
            "attachments.0",
            "must be an object with sha256, size, name, media_type and url, not null",
        ),
        (
            "/api/v1/batches",
            {"operations": [{"op": "awards.create", "body": DIRECT_AWARD | {"title": None}}]},
            "operations.0.body.title",
            NULL_TEXT,
        ),
        (
            "/api/v1/batches",
            {"operations": [{"op": "awards.create", "body": None}]},
            "operations.0.body",
            "must be an object, not null",  # a batch operation's body is one of several
        ),
    ],
    ids=[
        "award-title",
        "award-period",
        "competition-title",
        "competition-window",
        "conclusion-findings",
        "conclusion-subject",
        "conclusion-attachment",
        "batch-award-title",
        "batch-body",
    ],
)
def test_an_object_given_as_null_is_told_what_it_takes(
    desk: Desk, path: str, given: dict, field: str, message: str
) -> None:
    """``{"title": null}`` was told pydantic's "Input should be a valid dictionary or object
    to extract fields from" (naming no model on FastAPI's path): a text is told to give its
    texts by language, another object the fields it takes; nothing is written."""
    bodies = {
        "/api/v1/awards": (DIRECT_AWARD, desk.world.fund),
        "/api/v1/competitions": (competition_body(round_number=5), desk.world.fund),
        "/api/v1/oversight/conclusions": (desk.conclusion(), desk.overseer),
        "/api/v1/batches": ({}, desk.world.fund),
    }
    body, token = bodies[path]

    problem = desk.refused(path, body | given, token, 422, field)

    assert [(error["field"], error["message"]) for error in problem["errors"]] == [(field, message)]
    assert problem["detail"] == f"{field}: {message}"


def test_a_name_that_is_a_mapping_elsewhere_is_still_told_as_a_text(desk: Desk) -> None:
    """An answer's reasons are a text; a compliance check's, a mapping of the same name: an
    answer's ``"reasons": null`` was told "must be an object, not null" (found by review)."""
    conclusion = desk.submit()
    problem = desk.refused(
        f"/api/v1/oversight/conclusions/{conclusion['id']}/events",
        ANSWER | {"reasons": None},
        desk.world.fund,
        422,
        "reasons",
    )
    assert [(error["field"], error["message"]) for error in problem["errors"]] == [
        ("reasons", NULL_TEXT)
    ]


def test_the_desk_and_the_imports_say_it_in_the_same_words() -> None:
    """They validate with a TypeAdapter, whose error for null is another type (a model's):
    ``human_message`` tells it alike."""
    with pytest.raises(ValidationError) as refused:
        TypeAdapter(AwardCreate).validate_python(DIRECT_AWARD | {"title": None, "period": None})
    assert {
        ".".join(map(str, error["loc"])): human_message(error) for error in refused.value.errors()
    } == {"title": NULL_TEXT, "period": "must be an object with start and end, not null"}


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

    response = browser_like.post("/desk/forms/conclusion?lang=en", data=form)

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


OVERSIGHT_EVENTS = "'acknowledged', 'extended', 'answered', 'withdrawn', 'escalated'"


def test_an_event_without_its_type_is_told_which_types_there_are(desk: Desk) -> None:
    """Not pydantic's "Unable to extract tag using discriminator 'type'"."""
    conclusion = desk.client.post(
        "/api/v1/oversight/conclusions", json=desk.conclusion(), headers=bearer(desk.overseer)
    ).json()
    problem = desk.refused(
        f"/api/v1/oversight/conclusions/{conclusion['id']}/events",
        {"decision": "accepted", "reasons": {"uz": "Asosli"}},
        desk.world.fund,
        422,
        "type",
    )
    assert problem["errors"] == [
        {"field": "type", "message": f"is required, one of {OVERSIGHT_EVENTS}"}
    ]
    assert "discriminator" not in problem["detail"]
    unknown = desk.refused(
        f"/api/v1/oversight/conclusions/{conclusion['id']}/events",
        {"type": "replied"},
        desk.world.fund,
        422,
        "type",
    )
    assert unknown["errors"][0]["message"] == f"must be one of {OVERSIGHT_EVENTS}"
    award_event = desk.refused(
        f"/api/v1/awards/{desk.award['id']}/events",
        {"date": "2026-03-01", "amount": "100.00"},
        desk.world.fund,
        422,
        "type",
    )
    assert award_event["errors"][0]["message"].startswith("is required, one of 'amended', ")
    batch = desk.refused(
        "/api/v1/batches",
        {"operations": [{"body": {}}]},
        desk.world.fund,
        422,
        "operations.0.op",
    )
    assert batch["errors"][0]["message"].startswith("is required, one of 'organizations.create'")


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ({"en": "The NGO stopped the project"}, "must be a text in quotes, not an object"),
        (["stopped"], "must be a text in quotes, not a list"),
        (7, "must be a text in quotes, not a number"),
        ("x" * 4001, "is 4,001 characters long; at most 4,000 are taken"),
        ("", "is blank (it needs at least one visible character)"),
    ],
    ids=["object", "list", "number", "too-long", "empty"],
)
def test_a_one_text_field_is_told_what_it_takes(desk: Desk, reason: object, message: str) -> None:
    """A termination's reason is one text, where a title is a text by language: given as
    ``{"en": "…"}`` it was told pydantic's "Input should be a valid string" (a journalist),
    and a text too long "String should have at most 4000 characters" (an overseer)."""
    problem = desk.refused(
        f"/api/v1/awards/{desk.award['id']}/events",
        {"type": "terminated", "date": "2026-03-10", "reason": reason},
        desk.world.fund,
        422,
        "reason",
    )
    assert [(error["field"], error["message"]) for error in problem["errors"]] == [
        ("reason", message)
    ]
