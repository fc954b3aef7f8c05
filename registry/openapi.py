"""``python -m registry.openapi``: print the OpenAPI document that ``make openapi`` commits."""

import json
import sys
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from registry.core.settings import Settings
from registry.main import create_app


def document() -> dict[str, Any]:
    # The document does not depend on settings; a throwaway key keeps ./var untouched.
    with TemporaryDirectory() as scratch:
        settings = Settings(
            database_url=f"sqlite:///{scratch}/openapi.db",
            signing_key_file=Path(scratch) / "ledger.key",
        )
        spec: dict[str, Any] = create_app(settings).openapi()
        return spec


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
