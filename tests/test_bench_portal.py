"""``registry bench portal`` itself, at a size that takes seconds: it crashed on its award page
case, since the generated awards have no ledger entries and an award's page shows its receipt
(found running it by hand); the page is measured on an award written through the ledger."""

import io
from concurrent.futures import ThreadPoolExecutor

from postgres_url import POSTGRES_URL
from rich.console import Console

from registry.bench import portal as portal_bench


def test_the_bench_times_every_page_against_its_api_call() -> None:
    console = Console(file=io.StringIO(), width=200)
    with ThreadPoolExecutor(1) as thread:  # as test_bench_awards: away from Playwright's loop
        thread.submit(
            portal_bench.run,
            database_url=POSTGRES_URL,
            awards=300,
            reuse=False,
            samples=20,
            console=console,
        ).result()
    output = console.file.getvalue()  # type: ignore[attr-defined]
    rows = [line for line in output.splitlines() if line.startswith("│")]
    cases = [row.strip("│").split("│")[0].strip() for row in rows]
    assert "award page" in cases
    assert len(rows) == 4
    assert all("×" in row for row in rows)
