"""The tests' shared fixtures and helper modules stand on their own: ``conftest.py`` and the
helper modules beside it (``oversight_desk.py``, ``domain_helpers.py``, ``postgres_url.py``…)
import no test module. A fixture that imported a test file (conftest's ``desk`` took ``Desk``
from ``test_oversight``) made every test session import that file's tests and whatever they
import before collection, and a change to one test file could break every other's set-up."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_conftest_and_helper_modules_import_no_test_module() -> None:
    shared = [path for path in TESTS.glob("*.py") if not path.name.startswith("test_")]
    assert TESTS / "conftest.py" in shared
    importing = {
        path.name: sorted(name for name in _imported_modules(path) if name.startswith("test_"))
        for path in shared
    }
    assert {name: found for name, found in importing.items() if found} == {}
