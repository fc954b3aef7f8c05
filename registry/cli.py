"""The ``registry`` command: serve, migrate, audit, bench."""

import sys
from pathlib import Path
from typing import Annotated

import httpx2 as httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from registry import auditor
from registry.bench import ledger as ledger_bench
from registry.core import migrations
from registry.core.db import Database
from registry.core.settings import get_settings

app = typer.Typer(help="The grant and social-contract transparency registry.", no_args_is_help=True)
audit_app = typer.Typer(help="Verify the ledger from outside.", no_args_is_help=True)
bench_app = typer.Typer(
    help="Benchmarks, printed as ratios to a baseline measured in the same run."
)
app.add_typer(audit_app, name="audit")
app.add_typer(bench_app, name="bench")

stderr = Console(stderr=True)

EXIT_VERIFICATION_FAILED = 1
EXIT_UNREACHABLE = 2


@app.command()
def migrate() -> None:
    """Bring the database (REGISTRY_DATABASE_URL) up to the latest schema."""
    url = get_settings().database_url
    migrations.upgrade(url)
    stderr.print(f"migrated {url}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the API (run `registry migrate` first)."""
    uvicorn.run("registry.main:app", host=host, port=port, workers=workers)


@audit_app.command("verify")
def audit_verify(
    url: Annotated[str | None, typer.Option(help="The registry's base URL.")] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Read the ledger straight from this database instead.")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(help="The verifier key to trust (`<name>+<id>+<key>`), or a file holding it."),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(help="Where the last verified checkpoint is kept between runs."),
    ] = None,
) -> None:
    """Recompute the hash chain and Merkle root of every leaf and check the signed checkpoint."""
    if (url is None) == (database_url is None):
        raise typer.BadParameter("give exactly one of --url and --database-url")
    if key is not None and Path(key).is_file():
        key = Path(key).read_text(encoding="utf-8").strip()
    database = Database(database_url) if database_url else None
    source: auditor.LedgerSource = (
        auditor.DatabaseSource(database) if database else auditor.HttpSource(str(url))
    )
    try:
        report = _run_audit(source, key=key, state=state)
    except auditor.AuditFailure as exc:
        stderr.print(f"[bold red]FAILED[/]: {exc}")
        if exc.seq is not None:
            stderr.print(f"first bad seq: {exc.seq}")
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    except httpx.HTTPError as exc:
        stderr.print(f"[bold red]cannot read the ledger[/]: {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    finally:
        if database is not None:
            database.dispose()
    checkpoint = report.checkpoint
    if not report.key_was_pinned:
        stderr.print(
            "[yellow]warning[/]: trusted the key the server served; pin it with --key "
            f"{report.verifier_key}"
        )
    since = (
        f" (consistent with size {report.previous_size})"
        if report.previous_size is not None
        else ""
    )
    root = checkpoint.root_hash.hex()
    typer.echo(f"OK {checkpoint.origin}: {checkpoint.size} entries, root {root}{since}")


def _run_audit(
    source: auditor.LedgerSource, *, key: str | None, state: Path | None
) -> auditor.AuditReport:
    if not sys.stderr.isatty():
        return auditor.verify(source, key=key, state_path=state)
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("leaves", total=None)

        def advance(done: int, total: int) -> None:
            if done % auditor.PAGE_SIZE == 0 or done == total:
                bar.update(task, completed=done, total=total)

        return auditor.verify(source, key=key, state_path=state, progress=advance)


@bench_app.command("ledger")
def bench_ledger(
    database_url: Annotated[
        str,
        typer.Option(
            help="A PostgreSQL database the benchmark may fill (it creates its own tables)."
        ),
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    leaves: Annotated[int, typer.Option(help="Tree size for the proof benchmarks.")] = 1_000_000,
) -> None:
    """Append, proof and audit throughput against bare-database baselines."""
    ledger_bench.run(database_url=database_url, leaves=leaves, console=Console())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
