"""``registry bench awards`` itself, at a size that takes seconds: real uvicorn servers, a
fresh PostgreSQL database, and the CPU each side spent, measured from the outside."""

import io
from concurrent.futures import ThreadPoolExecutor

from postgres_url import POSTGRES_URL
from rich.console import Console
from sqlalchemy import create_engine, make_url, text

from registry.bench import awards as awards_bench


def test_the_bench_posts_awards_and_measures_each_sides_cpu() -> None:
    console = Console(file=io.StringIO(), width=200)
    try:
        # In a thread of its own: the bench runs its clients with asyncio.run, and the browser
        # tests leave an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(
                awards_bench.run,
                database_url=POSTGRES_URL,
                requests=30,
                clients=[4],
                workers=[1],
                console=console,
            ).result()
        output = console.file.getvalue()  # type: ignore[attr-defined]
        (row,) = [line for line in output.splitlines() if line.startswith("│")]
        cells = [cell.strip() for cell in row.strip("│").split("│")]
        workers, clients, awards, *_, ratio = cells[:8]
        assert (workers, clients) == ("1", "4")
        assert float(awards.replace(",", "")) > 0
        assert ratio.endswith("×")
        server, database, client, echo, echo_client = map(float, cells[8:])
        # Each side did work: a publication costs its server more than an echo does.
        assert server > echo > 0
        assert database > 0
        assert client > 0
        assert echo_client > 0
        engine = create_engine(make_url(POSTGRES_URL).set(database=awards_bench.BENCH_DATABASE))
        try:
            with engine.connect() as connection:
                published = connection.execute(text("SELECT count(*) FROM awards")).scalar_one()
        finally:
            engine.dispose()
        assert published == 3 * 30  # three rounds
    finally:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(
                text(f"DROP DATABASE IF EXISTS {awards_bench.BENCH_DATABASE} WITH (FORCE)")
            )
        admin.dispose()
