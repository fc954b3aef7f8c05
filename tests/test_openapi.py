"""The committed OpenAPI document is the one the app serves (``make openapi`` regenerates it)."""

import json
from pathlib import Path

from registry.openapi import document

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == document(), "openapi/openapi.json is stale: run `make openapi`"


def test_every_operation_is_documented() -> None:
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            assert operation["operationId"].startswith(operation["tags"][0] + "-"), where
            problems = [
                status for status in operation["responses"] if status.startswith(("4", "5"))
            ]
            for status in problems:
                content = operation["responses"][status]["content"]
                assert "application/problem+json" in content, f"{where} {status} is not a problem"
            if path.startswith("/api/"):
                # Every API route refuses a parameter it does not take (review: GET
                # /api/v1/ledger/key answered a 400 its document did not list).
                assert "400" in operation["responses"], f"{where} does not document its 400"
