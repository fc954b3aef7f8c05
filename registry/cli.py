"""The ``registry`` command: serve, migrate, audit, bench."""

import ipaddress
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, TypeVar

import httpx2 as httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.orm import Session

from registry import auditor, demo, replay
from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Role
from registry.bench import awards as awards_bench
from registry.bench import imports as imports_bench
from registry.bench import ledger as ledger_bench
from registry.bench import portal as portal_bench
from registry.bench import publication as publication_bench
from registry.core import migrations, server
from registry.core.db import Database
from registry.core.errors import RegistryError
from registry.core.settings import ConfigurationError, Settings, get_settings, load_settings
from registry.imports import files as import_files
from registry.ledger import audit, receipt, tile_service
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner, NoteVerifier, parse_verifier_key
from registry.ledger.cosignature import CosignatureVerifier
from registry.ledger.errors import VerificationError
from registry.ledger.keys import load_or_create_signing_key
from registry.ledger.log_key import NotTheLogsKey, log_signer
from registry.publication import index as search_index
from registry.reference import legal_units
from registry.witness import app as witness_server

app = typer.Typer(help="The grant and social-contract transparency registry.", no_args_is_help=True)
audit_app = typer.Typer(help="Verify the ledger from outside.", no_args_is_help=True)
bench_app = typer.Typer(
    help="Benchmarks, printed as ratios to a baseline measured in the same run."
)
app.add_typer(audit_app, name="audit")
app.add_typer(bench_app, name="bench")
keys_app = typer.Typer(help="Issue and revoke API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
ledger_app = typer.Typer(help="Work with the ledger itself.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
search_app = typer.Typer(help="The full-text search index.", no_args_is_help=True)
app.add_typer(search_app, name="search")


@search_app.command("reindex")
def search_reindex() -> None:
    """Rebuild the search documents from the query tables (after upgrading an old database)."""
    database = Database(get_settings().database_url)
    try:
        with database.session(write=True) as session:
            count = search_index.rebuild(session)
    finally:
        database.dispose()
    typer.echo(f"indexed {count} organizations, competitions and awards")


tiles_app = typer.Typer(
    help="Publish the ledger as static files (C2SP tlog-tiles).", no_args_is_help=True
)
app.add_typer(tiles_app, name="tiles")


@tiles_app.command("export")
def tiles_export(
    directory: Annotated[
        Path, typer.Argument(help="Where to write checkpoint and tile/; created if missing.")
    ],
) -> None:
    """Write the latest checkpoint, its hash tiles and entry bundles; only what changed.

    Full tiles are never rewritten, the checkpoint is written last, and a directory that
    holds another log or a different history is refused (exit code 1).
    """
    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            report = tile_service.export(session, directory=directory)
    except (tile_service.ExportRefused, RegistryError) as exc:
        stderr.print(f"[bold red]refused[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    finally:
        database.dispose()
    typer.echo(
        f"{directory}: tree size {report.tree_size}; wrote {report.written} files, "
        f"{report.unchanged} already there, removed {report.removed} superseded partial tiles"
    )


stderr = Console(stderr=True, soft_wrap=True)
"""Errors, each on one line however long: rich otherwise cuts a line at 80 columns when the
output is not a terminal, and a file's path or a key cut in two can be neither copied nor
found with grep."""


def _wide() -> Console:
    """A console for a benchmark's table: a terminal's width, or room for every column when
    the output goes to a file (where rich would assume 80 and cut the figures)."""
    console = Console()
    return console if console.is_terminal else Console(width=160)


EXIT_VERIFICATION_FAILED = 1
EXIT_UNREACHABLE = 2
EXIT_USAGE = 2
"""Click's for a usage error, and so the registry's for a configuration that does not read."""
T = TypeVar("T")


@app.command()
def reference(
    unit: Annotated[
        legal_units.LegalUnit | None, typer.Argument(help="BRV or MCI; both when omitted.")
    ] = None,
    on: Annotated[
        str | None, typer.Option(help="Only the value that applies on this date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """The legal units' values (Uzbekistan's BRV, Kazakhstan's MCI) by effective date, with
    their sources: what amounts stated in legal units are converted with."""
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise typer.BadParameter("a date, YYYY-MM-DD", param_hint="--on") from None
        units = [unit] if unit else list(legal_units.LegalUnit)
        try:
            rows = [legal_units.value_on(each, day) for each in units]
        except legal_units.UnknownUnitValue as exc:
            raise typer.BadParameter(str(exc), param_hint="--on") from None
    else:
        rows = legal_units.values(unit)
    table = Table(title="Legal units of account")
    for column in ("unit", "from", "value", "source"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.unit.value,
            row.effective.isoformat(),
            f"{row.value:,} {legal_units.CURRENCY[row.unit]}",
            row.source,
        )
    Console().print(table)


@app.command()
@app.command()
def migrate() -> None:
    """Bring the database (REGISTRY_DATABASE_URL) up to the latest schema."""
    url = get_settings().database_url
    migrations.upgrade(url)
    stderr.print(f"migrated {url}")


PUBLIC_URL_VARIABLE = "REGISTRY_PUBLIC_URL"
ORIGIN_VARIABLE = "REGISTRY_LOG_ORIGIN"


def is_wildcard(host: str) -> bool:
    """Whether ``host`` means every interface (``0.0.0.0``, ``::``, ``[::0]``, empty)."""
    try:
        return not host.strip("[]") or ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:  # a name, such as localhost
        return False


def served_url(host: str, port: int) -> str:
    """The address a server on ``host``:``port`` is reached at from this machine."""
    shown = "127.0.0.1" if is_wildcard(host) else host.strip("[]")
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Behind a reverse proxy: the proxies' addresses (comma-separated, or *) whose "
            "X-Forwarded-For and X-Forwarded-Proto are believed. Default 127.0.0.1."
        ),
    ] = None,
) -> None:
    """Serve the API and the portal (run `registry migrate` first)."""
    if PUBLIC_URL_VARIABLE not in os.environ:
        # The pages' permanent links, QR codes and verification instructions name this
        # address: by default the one served, not port 8000 whatever --port says.
        public = served_url(host, port)
        os.environ[PUBLIC_URL_VARIABLE] = public
        # Served to others (every interface, or behind a proxy): people reach it elsewhere.
        if is_wildcard(host) or forwarded_allow_ips is not None:
            stderr.print(
                f"[yellow]{PUBLIC_URL_VARIABLE} is not set: links and QR codes will say "
                f"{public}; set it to the address people reach this server at[/yellow]"
            )
    if (is_wildcard(host) or forwarded_allow_ips is not None) and ORIGIN_VARIABLE not in os.environ:
        # Served to others under the default origin, its checkpoints name the same log as
        # every other install left on it: witnesses and auditors tell logs apart by it.
        stderr.print(
            f"[yellow]{ORIGIN_VARIABLE} is not set: checkpoints name this log "
            f"{Settings.model_fields['log_origin'].default}, as every install left on the "
            "default does; set it to a name of your own (your domain and a path)[/yellow]"
        )
    settings = load_settings()  # with the public address just set
    database = Database(settings.database_url)
    try:
        _log_signer(database, settings)  # refused here, before a worker starts
    finally:
        database.dispose()
    server.run(
        "registry.main:app",
        host=host,
        port=port,
        workers=workers,
        forwarded_allow_ips=forwarded_allow_ips,
    )


WitnessOption = Annotated[
    list[str] | None,
    typer.Option(
        help="A witness's cosigner key (`<name>+<id>+<key>`, type 0x04) or a file holding it; "
        "repeat for each witness you trust."
    ),
]
QuorumOption = Annotated[
    int | None,
    typer.Option(min=0, help="Valid cosignatures required from the --witness keys (default: all)."),
]


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
    witness: WitnessOption = None,
    quorum: QuorumOption = None,
) -> None:
    """Recompute the hash chain and Merkle root of every leaf and check the signed checkpoint."""
    if (url is None) == (database_url is None):
        raise typer.BadParameter("give exactly one of --url and --database-url")
    key = _verifier_key_text(key)
    witnesses, required = _witnesses_and_quorum(witness, quorum)
    try:
        with _ledger_source(url, database_url) as source:
            report = _run_audit(source, key=key, state=state, witnesses=witnesses, quorum=required)
    except auditor.AuditFailure as exc:
        stderr.print(f"[bold red]FAILED[/]: {exc}")
        if exc.seq is not None:
            stderr.print(f"first bad seq: {exc.seq}")
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    except auditor.Unreachable as exc:
        stderr.print(f"[bold red]cannot read the ledger[/]: {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    except audit.UnreadableState as exc:
        stderr.print(f"[bold red]cannot read the state[/]: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    except audit.UnwritableState as exc:
        stderr.print(f"[bold red]cannot write the state[/]: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    if not report.key_was_pinned:
        stderr.print(
            "[yellow]warning[/]: trusted the key the server served; pin it with --key "
            f"{report.verifier_key}"
        )
    for line in audit.report_lines(report):
        typer.echo(line)


receipt_app = typer.Typer(help="Offline receipts of ledger entries.", no_args_is_help=True)
app.add_typer(receipt_app, name="receipt")


@receipt_app.command("verify")
def receipt_verify(
    file: Annotated[Path, typer.Argument(help="The receipt (.tlog-proof) to verify.")],
    key: Annotated[
        str,
        typer.Option(help="The log's verifier key (`<name>+<id>+<key>`), or a file holding it."),
    ],
    witness: WitnessOption = None,
    quorum: QuorumOption = None,
) -> None:
    """Check a receipt with no network access, and say in words what it proves."""
    witnesses, required = _witnesses_and_quorum(witness, quorum)
    log_key = parse_verifier_key(_verifier_key_text(key) or "")
    try:
        proof = file.read_bytes()
    except OSError as exc:
        stderr.print(f"[bold red]cannot read the receipt[/]: {escape(str(exc))}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    try:
        proven = receipt.verify_receipt(
            proof, log_key=log_key, witnesses=witnesses, quorum=required
        )
    except VerificationError as exc:
        stderr.print(f"[bold red]FAILED[/]: {exc}")
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    for line in receipt.describe(proven):
        typer.echo(line)


def _verifier_key_text(key: str | None) -> str | None:
    """The ``--key`` given (a verifier key or a file holding one), checked to be a verifier
    key: anything else is the command line's fault (exit 2), not the ledger's (exit 1)."""
    if key is None:
        return None
    try:
        text = audit.key_text(key)
        parse_verifier_key(text)
    except VerificationError as exc:
        raise typer.BadParameter(str(exc), param_hint="--key") from exc
    return text


def _witnesses_and_quorum(
    keys: Sequence[str] | None, quorum: int | None
) -> tuple[list[CosignatureVerifier], int]:
    try:
        witnesses = audit.witness_keys(keys or [])
    except VerificationError as exc:
        raise typer.BadParameter(str(exc), param_hint="--witness") from exc
    try:
        return witnesses, audit.required_quorum(witnesses, quorum)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--quorum") from exc


@contextmanager
def _ledger_source(url: str | None, database_url: str | None) -> Iterator[auditor.LedgerSource]:
    if url is not None:
        http = auditor.HttpSource(url)
        try:
            yield http
        finally:
            http.close()
        return
    database = Database(str(database_url))
    try:
        yield auditor.DatabaseSource(database)
    finally:
        database.dispose()


def _run_audit(
    source: auditor.LedgerSource,
    *,
    key: str | None,
    state: Path | None,
    witnesses: Sequence[CosignatureVerifier],
    quorum: int,
) -> auditor.AuditReport:
    verify = partial(
        auditor.verify, source, key=key, state_path=state, witnesses=witnesses, quorum=quorum
    )
    if not sys.stderr.isatty():
        return verify()
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("leaves", total=None)

        def advance(done: int, total: int) -> None:
            if done % auditor.PAGE_SIZE == 0 or done == total:
                bar.update(task, completed=done, total=total)

        return verify(progress=advance)


def _refusal(exc: RegistryError, names: Mapping[str, str]) -> str:
    """A service's refusal in the command's terms: each field it names (the API's
    ``path.prefix``, ``organization_id``) as the argument or option it came in (``PREFIX``,
    ``--org``), escaped so that a value typed in is never read as the console's markup."""
    if not exc.errors:
        return escape(exc.detail)
    return "; ".join(
        escape(f"{names.get(error.field, error.field)}: {error.message}") for error in exc.errors
    )


def _log_signer(database: Database, settings: Settings) -> NoteSigner:
    """The log's signer (``log_key.log_signer``); a key that is not the log's stops the
    command with exit 2, naming the key file and the key that signed the ledger."""
    try:
        return log_signer(database, settings.signing_key_file, settings.log_origin)
    except NotTheLogsKey as exc:
        stderr.print(f"[bold red]not this log's key[/]: {exc}", highlight=False)
        raise typer.Exit(EXIT_USAGE) from exc


def _write(work: Callable[[Session], T], *, names: Mapping[str, str]) -> T:
    """Run one unit of work in a write transaction on the configured database, then sign a
    checkpoint so that the new entries are covered at once. ``names``: the command's name
    for each field a refusal may name."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        signer = _log_signer(database, settings)  # before writing what it would not sign
        with database.session(write=True) as session:
            result = work(session)
    except RegistryError as exc:
        stderr.print(f"[bold red]refused[/]: {_refusal(exc, names)}", highlight=False)
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    else:
        with database.session(write=True) as session:
            ledger_service.sign_if_stale(session, signer=signer)
        return result
    finally:
        database.dispose()


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="admin, funder or overseer (both act for --org).")],
    org: Annotated[
        str | None, typer.Option(help="The org-id the funder or overseer key acts for.")
    ] = None,
    label: Annotated[str | None, typer.Option(help="Who or what holds the key.")] = None,
    expires_in_days: Annotated[int | None, typer.Option(min=1, help="Expire after N days.")] = None,
) -> None:
    """Issue a key and print its token (shown once; only a hash is stored)."""
    expires_at = datetime.now(UTC) + timedelta(days=expires_in_days) if expires_in_days else None
    issued = _write(
        lambda session: auth_service.create_key(
            session,
            actor=SYSTEM_ACTOR,
            role=role,
            organization_id=org,
            label=label,
            expires_at=expires_at,
        ),
        names={
            "role": "--role",
            "organization_id": "--org",
            "label": "--label",
            "expires_at": "--expires-in-days",
        },
    )
    stderr.print(
        f"issued {role.value} key {issued.key.prefix} (ledger entry {issued.key.created_seq})"
    )
    typer.echo(issued.token)


@keys_app.command("revoke")
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (the part after reg_).")],
    reason: Annotated[str | None, typer.Option(help="Recorded in the ledger.")] = None,
) -> None:
    """Revoke a key at once."""
    _write(
        lambda session: auth_service.revoke_key(
            session, actor=SYSTEM_ACTOR, prefix=prefix, reason=reason
        ),
        names={"path.prefix": "PREFIX", "reason": "--reason"},
    )
    typer.echo(f"revoked {prefix}")


demo_app = typer.Typer(
    help="Realistic demo data, written through the ledger.", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")


@demo_app.command("load")
def demo_load(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the ledger already has entries.")
    ] = False,
    awards: Annotated[int, typer.Option(min=1, help="How many awards.")] = demo.DEFAULT_AWARDS,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = demo.DEFAULT_SEED,
) -> None:
    """Load demo funders, NGOs, competitions and awards; print the admin key's token."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        if if_empty and not demo.is_empty(database):
            stderr.print("the ledger already has entries: no demo data loaded")
            return
        signer = _log_signer(database, settings)
        with stderr.status(f"loading about {awards} demo awards"):
            result = demo.load(
                database,
                seed=seed,
                awards=awards,
                signer=signer,
                answer_days=settings.oversight_answer_days,
            )
    except RegistryError as exc:
        stderr.print(f"[bold red]refused[/]: {exc.detail}")
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    finally:
        database.dispose()
    stderr.print(
        f"loaded {result.organizations} organizations ({result.funders} funders), "
        f"{result.competitions} competitions, {result.awards} awards and {result.events} "
        f"later events, {result.conclusions} oversight conclusions from {result.overseers} "
        f"overseers; the ledger has {result.ledger_size} entries. The admin key's token:"
    )
    typer.echo(result.admin_token)


@ledger_app.command("key")
def ledger_key() -> None:
    """Print the log's verifier key (as GET /api/v1/ledger/key serves it), from the configured
    signing key file, creating the key if it does not exist yet and the ledger has signed no
    checkpoint (a key that did not sign the ledger's checkpoints is refused)."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        signer = _log_signer(database, settings)
    finally:
        database.dispose()
    typer.echo(signer.verifier.verifier_key())


@ledger_app.command("replay")
def ledger_replay(
    into: Annotated[str, typer.Option(help="An empty database to rebuild (it is migrated first).")],
    source: Annotated[
        str | None,
        typer.Option("--from", help="The database to read; default REGISTRY_DATABASE_URL."),
    ] = None,
    feed: Annotated[
        str | None,
        typer.Option(
            "--from-feed", help="Read a running registry's public API at this base URL instead."
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="With --from: the log's verifier key (`<name>+<id>+<key>`, or a file holding "
            "it) that every copied checkpoint must verify under; default: this registry's own "
            "key (REGISTRY_SIGNING_KEY_FILE, if it exists)."
        ),
    ] = None,
) -> None:
    """Rebuild every query table of a new database from the ledger alone."""
    if source is not None and feed is not None:
        raise typer.BadParameter("give at most one of --from and --from-feed")
    if feed is not None and key is not None:
        raise typer.BadParameter("--key is for --from; a feed's checkpoint is checked with its key")
    verifier = _replay_verifier(key) if feed is None else None
    migrations.upgrade(into)
    source_db = Database(source or get_settings().database_url) if feed is None else None
    target_db = Database(into)
    try:
        if source_db is None:
            report = replay.replay_from_http(str(feed), target_db)
        else:
            report = replay.replay(source_db, target_db, verifier=verifier)
    except replay.ReplayError as exc:
        stderr.print(f"[bold red]refused[/]: {exc}")
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    except httpx.HTTPError as exc:
        stderr.print(f"[bold red]cannot read the ledger[/]: {exc}")
        raise typer.Exit(EXIT_UNREACHABLE) from exc
    finally:
        if source_db is not None:
            source_db.dispose()
        target_db.dispose()
    typer.echo(
        f"replayed {report.entries} entries and {report.checkpoints} checkpoints into {into}"
    )


def _replay_verifier(key: str | None) -> NoteVerifier | None:
    """The key a database replay checks checkpoints with: ``--key``, or the local log's own."""
    if key is not None:
        text = Path(key).read_text(encoding="utf-8").strip() if Path(key).is_file() else key
        try:
            return parse_verifier_key(text)
        except VerificationError as exc:
            raise typer.BadParameter(f"--key: {exc}") from exc
    settings = get_settings()
    if not settings.signing_key_file.is_file():  # never create a key just to verify with it
        return None
    return NoteSigner(
        name=settings.log_origin,
        private_key=load_or_create_signing_key(settings.signing_key_file),
    ).verifier


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


@bench_app.command("awards")
def bench_awards(
    database_url: Annotated[
        str, typer.Option(help="A PostgreSQL server the benchmark may create a database on.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    requests: Annotated[int, typer.Option(help="Requests per round (3 rounds).")] = 2000,
    clients: Annotated[
        list[int] | None, typer.Option(help="Concurrent HTTP clients (repeat: 1, 8, 32).")
    ] = None,
    workers: Annotated[
        list[int] | None, typer.Option(help="Server worker processes (repeat: 1, 2).")
    ] = None,
) -> None:
    """Award POSTs per second and their latencies over HTTP, against a FastAPI echo endpoint."""
    awards_bench.run(
        database_url=database_url,
        requests=requests,
        clients=clients or [1, 8, 32],
        workers=workers or [1, 2],
        console=_wide(),
    )


@bench_app.command("publication")
def bench_publication(
    database_url: Annotated[
        str, typer.Option(help="A PostgreSQL server the benchmark may create a database on.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    awards: Annotated[int, typer.Option(help="Awards to generate.")] = 1_000_000,
) -> None:
    """Search latency, deep pages and CSV downloads at a million awards."""
    publication_bench.run(database_url=database_url, awards=awards, console=Console())


@bench_app.command("portal")
def bench_portal(
    database_url: Annotated[
        str, typer.Option(help="A PostgreSQL server the benchmark may create a database on.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    awards: Annotated[int, typer.Option(help="Awards to generate.")] = 1_000_000,
    reuse: Annotated[
        bool, typer.Option(help="Keep the awards an earlier run generated, if they match.")
    ] = False,
    samples: Annotated[
        int, typer.Option(min=20, help="Timed requests per page and per API call.")
    ] = 200,
) -> None:
    """Search and award pages against the matching API calls, p95 ratio (goal ≤ 1.5×)."""
    portal_bench.run(
        database_url=database_url, awards=awards, reuse=reuse, samples=samples, console=Console()
    )


@bench_app.command("import")
def bench_import(
    database_url: Annotated[
        str, typer.Option(help="A PostgreSQL server the benchmark may create two databases on.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    awards: Annotated[int, typer.Option(help="360Giving grants to generate and import.")] = 20_000,
) -> None:
    """360Giving import awards/s against PostgreSQL COPY of the same rows."""
    imports_bench.run(database_url=database_url, awards=awards, console=Console())


import_app = typer.Typer(
    help="Import 360Giving and OCDS files through the services: all of a file, or none of it.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

ImportFileArgument = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The file to import.")
]


@import_app.command("360giving")
def import_360giving(
    file: ImportFileArgument,
    file_format: Annotated[
        import_files.FileFormat | None,
        typer.Option("--format", help="json (a package) or csv; default: the file's extension."),
    ] = None,
) -> None:
    """Import 360Giving grants (a JSON package or the flattened CSV) as awards.

    Grants already imported are skipped. If any row is refused, nothing is written and every
    refused row is listed with its field (exit code 1).
    """
    _import_file(file, import_files.Standard.GIVING360, file_format or import_files.format_of(file))


@import_app.command("ocds")
def import_ocds(file: ImportFileArgument) -> None:
    """Import an OCDS release or record package: competitions, awards and their events.

    What was imported before is skipped. If any release is refused, nothing is written and
    every refused release is listed with its field (exit code 1).
    """
    _import_file(file, import_files.Standard.OCDS, import_files.FileFormat.JSON)


def _import_file(
    file: Path, standard: import_files.Standard, file_format: import_files.FileFormat
) -> None:
    settings = get_settings()
    content = file.read_bytes()
    database = Database(settings.database_url)
    try:
        signer = _log_signer(database, settings)
        with _import_progress() as progress:
            summary = import_files.import_file(
                database,
                content,
                standard=standard,
                file_format=file_format,
                signer=signer,
                progress=progress,
            )
    except import_files.ImportRejected as exc:
        for problem in exc.problems:
            typer.echo(str(problem))
        stderr.print(f"[bold red]refused[/]: {exc}", markup=True, highlight=False)
        raise typer.Exit(EXIT_VERIFICATION_FAILED) from exc
    finally:
        database.dispose()
    for difference in summary.differences:
        stderr.print(f"differs: {difference}", markup=False, highlight=False)
    typer.echo(summary.describe())


@contextmanager
def _import_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal (rows written of the file's rows); nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as bar:
        task = bar.add_task("rows", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


witness_app = typer.Typer(
    help="Run a witness: cosign other logs' checkpoints (C2SP tlog-witness).",
    no_args_is_help=True,
)
app.add_typer(witness_app, name="witness")
WitnessKeyOption = Annotated[
    Path, typer.Option(help="The witness's Ed25519 private key (PEM); created if missing.")
]
WitnessNameOption = Annotated[
    str,
    typer.Option(help="The witness's key name, e.g. witness.example.org/w1; part of its key ID."),
]


@witness_app.command("key")
def witness_key(key: WitnessKeyOption, name: WitnessNameOption) -> None:
    """Print the witness's cosigner verifier key (type 0x04) for log operators to configure."""
    try:
        signer = witness_server.load_signer(key, name)
    except (ValueError, TypeError, OSError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(signer.verifier.verifier_key())


@witness_app.command("serve")
def witness_serve(
    key: WitnessKeyOption,
    logs: Annotated[
        Path, typer.Option(help="The logs to witness: one log verifier key (vkey) per line.")
    ],
    name: WitnessNameOption,
    database: Annotated[
        Path | None,
        typer.Option(help="The witness's SQLite state; default: the key file with .db."),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8300,
) -> None:
    """Serve POST /add-checkpoint: cosign each checkpoint consistent with the last one."""
    try:
        witness_server.run(
            key_file=key, logs_file=logs, name=name, database_file=database, host=host, port=port
        )
    except (ValueError, TypeError, OSError) as exc:
        raise typer.BadParameter(str(exc)) from exc


def main() -> None:
    try:
        app()
    except ConfigurationError as exc:
        # Before any command's work: say which variables are wrong, not a traceback.
        stderr.print(f"[bold red]configuration[/]: {exc}", highlight=False)
        raise SystemExit(EXIT_USAGE) from exc


if __name__ == "__main__":
    main()
