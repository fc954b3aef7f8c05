"""Every public GET, fuzzed from the committed OpenAPI document: never a 500.

schemathesis turns each operation's parameters into hypothesis strategies, both inputs the
document allows (positive) and inputs it forbids (negative: wrong types, out-of-range numbers,
over-long strings, NUL bytes). Each request goes through the app over HTTP on the demo data,
on SQLite and on PostgreSQL. An error must be a problem+json that names the offending field.
The example count is fixed and the generation derandomized, so a run is repeatable and bounded.
"""

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from sqlalchemy import func, select

from registry.ledger import service as ledger_service
from registry.ledger.models import LedgerCheckpoint

SPEC = Path(__file__).parent.parent / "openapi" / "openapi.json"
SCHEMA = schemathesis.openapi.from_dict(json.loads(SPEC.read_text())).include(method="GET")
OPERATIONS = {
    f"{result.ok().method.upper()} {result.ok().path}": result.ok()
    for result in SCHEMA.get_all_operations()
}
EXAMPLES = 25  # enough to find, on both databases, the BIGINT overflow fixed with it


def _check(response: Any, label: str, parameters: set[str]) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json", label
        problem = response.json()
        assert problem["status"] == response.status_code, label
        if response.status_code == 400:
            fields = [
                error["field"].removeprefix("query.").removeprefix("path.")
                for error in problem["errors"]
                # An endpoint that refuses parameters it does not take names the one sent.
                if not error["message"].startswith("not a parameter of this endpoint")
            ]
            assert fields or problem["errors"], label
            assert all(field.split(".")[0] in parameters for field in fields), problem


CASES = [
    (label, mode)
    for label, operation in sorted(OPERATIONS.items())
    for mode in GenerationMode
    # Nothing can be wrong with an operation that takes nothing.
    if mode is GenerationMode.POSITIVE or operation.definition.raw.get("parameters")
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_no_get_answers_500(demo_client: TestClient, label: str, mode: GenerationMode) -> None:
    operation = OPERATIONS[label]
    parameters = {parameter["name"] for parameter in operation.definition.raw.get("parameters", ())}

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = demo_client.request(
            "GET",
            case.formatted_path,
            params=case.query or None,
            headers={key: str(value) for key, value in (case.headers or {}).items()},
        )
        _check(response, f"{label} {case.path_parameters} {case.query}", parameters)

    before = _written(demo_client)
    run()
    assert _written(demo_client) == before  # reading wrote nothing


def _written(client: TestClient) -> tuple[int, int]:
    """The ledger's size and its checkpoints' count on the primary (a replica may lag)."""
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        checkpoints = session.scalar(select(func.count()).select_from(LedgerCheckpoint))
        return ledger_service.size(session), checkpoints


def test_every_documented_get_is_fuzzed(demo_client: TestClient) -> None:
    served = demo_client.app.openapi()["paths"]  # type: ignore[attr-defined]
    documented = {f"GET {path}" for path, operations in served.items() if "get" in operations}
    assert set(OPERATIONS) == documented
    assert len(OPERATIONS) >= 20
