"""``registry bench awards``: award POSTs per second over real HTTP, against a FastAPI echo
endpoint served the same way in the same run (goal: ≥ 0.5× at 32 clients, p99 ≤ 10× p50),
with 1, 8 and 32 clients and 1 and 2 worker processes.

Both servers run as separate uvicorn processes, so the load generator (asyncio tasks in this
process, one connection each) does not share an interpreter with them; the registry writes to
a fresh PostgreSQL database.

The CPU time each round cost is shown per request: the server's (its processes, all their
threads), the registry's database backends', the load generator's own and, for the echo
endpoint, its server's and its load generator's. With
one worker the server's CPU bounds its rate (one interpreter lock: awards/s ≤ 1 / server CPU
per award); on a machine whose cores the load generator and the database share, the sum
does.
"""

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from pathlib import Path

import httpx2 as httpx
import psutil
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.competitions import service as competition_service
from registry.competitions.schemas import CompetitionCreate
from registry.core import migrations, server
from registry.core.db import Database
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationCreate

BENCH_DATABASE = "registry_bench_awards"
FUNDER = "UZ-STIR-207050449"
RECIPIENTS = [f"UZ-STIR-3{n:08d}" for n in range(1, 51)]
STARTUP_SECONDS = 30


def run(
    *,
    database_url: str,
    requests: int,
    clients: Sequence[int],
    workers: Sequence[int],
    console: Console,
) -> None:
    table = Table(
        title="registry bench awards: POST /api/v1/awards vs POST /echo",
        caption="goal: ratio ≥ 0.5× at 32 clients, p99/p50 ≤ 10; CPU in ms per request",
    )
    for column in (
        "workers",
        "clients",
        "awards/s",
        "p50 ms",
        "p99 ms",
        "p99/p50",
        "echo/s",
        "ratio",
        "server CPU",
        "db CPU",
        "client CPU",
        "echo CPU",
        "its client",
    ):
        table.add_column(column, justify="right")
    url = _fresh_database(database_url)
    migrations.upgrade(url)
    token, competition_id = _world(url)
    headers = {"Authorization": f"Bearer {token}"}
    body = award_body(competition_id, 0)
    posted = 0
    with tempfile.TemporaryDirectory() as scratch:
        env = os.environ | {
            "REGISTRY_DATABASE_URL": url,
            "REGISTRY_SIGNING_KEY_FILE": str(Path(scratch) / "ledger.key"),
        }
        for processes in workers:
            with (
                _uvicorn("registry.main:app", env, processes) as registry,
                _uvicorn("registry.bench.echo:app", env, processes) as echo_server,
            ):
                for concurrency in clients:
                    rounds = []
                    for _ in range(3):
                        echo = _rate(
                            f"{echo_server.base}/echo",
                            lambda _n: body,
                            {},
                            requests,
                            concurrency,
                            [echo_server.pid],
                        )
                        awards = _rate(
                            f"{registry.base}/api/v1/awards",
                            partial(_numbered_award, competition_id, posted),
                            headers,
                            requests,
                            concurrency,
                            [registry.pid],
                            url,
                        )
                        posted += requests
                        rounds.append((awards, echo))
                    best = max(rounds, key=lambda r: r[0].rate)[0]
                    baseline = max((r[1] for r in rounds), key=lambda m: m.rate)
                    table.add_row(
                        str(processes),
                        str(concurrency),
                        f"{best.rate:,.1f}",
                        f"{best.p50 * 1000:.1f}",
                        f"{best.p99 * 1000:.1f}",
                        f"{best.p99 / best.p50:.1f}",
                        f"{baseline.rate:,.1f}",
                        f"{best.rate / baseline.rate:.2f}×",
                        f"{best.server_cpu * 1000:.2f}",
                        f"{best.database_cpu * 1000:.2f}",
                        f"{best.client_cpu * 1000:.2f}",
                        f"{baseline.server_cpu * 1000:.2f}",
                        f"{baseline.client_cpu * 1000:.2f}",
                    )
    console.print(table)


def _fresh_database(url: str, name: str = BENCH_DATABASE) -> str:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _world(url: str) -> tuple[str, str]:
    database = Database(url)
    try:
        with database.session(write=True) as session:
            token, principal = funder_with_recipients(session, FUNDER, RECIPIENTS)
            competition = competition_service.publish(
                session,
                principal=principal,
                data=CompetitionCreate.model_validate(
                    {
                        "funder_id": FUNDER,
                        "instrument": "grant",
                        "year": 2026,
                        "title": {"uz": "Benchmark"},
                        "budget": "900000000000000",
                        "currency": "UZS",
                        "window": {
                            "opens": "2026-01-01T09:00:00+05:00",
                            "closes": "2026-02-01T18:00:00+05:00",
                        },
                    }
                ),
            )
            return token, competition.id
    finally:
        database.dispose()


def funder_with_recipients(
    session: Session, funder: str, recipients: Sequence[str]
) -> tuple[str, Principal]:
    """A public fund and NGOs registered through the ledger, and the fund's key (its token and
    the principal it writes as)."""
    for org_id, kind in [(funder, "public_fund"), *((r, "ngo") for r in recipients)]:
        data = OrganizationCreate.model_validate(
            {"org_id": org_id, "name": {"uz": f"Tashkilot {org_id}"}, "kind": kind}
        )
        organization_service.register(session, actor=SYSTEM_ACTOR, data=data)
    issued = auth_service.create_key(
        session, actor=SYSTEM_ACTOR, role=Role.FUNDER, organization_id=funder
    )
    return issued.token, Principal(Role.FUNDER, issued.key.prefix, funder)


def _numbered_award(competition_id: str, first: int, n: int) -> dict[str, object]:
    return award_body(competition_id, first + n)


def award_body(competition_id: str | None, n: int) -> dict[str, object]:
    return {
        "funder_id": FUNDER,
        "recipient_id": RECIPIENTS[n % len(RECIPIENTS)],
        "competition_id": competition_id,
        "instrument": "grant",
        "title": {"uz": "Yoshlar uchun ekologik maktab", "ru": "Экологическая школа"},
        "amount": f"{30_000_000 + n}.00",
        "currency": "UZS",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "themes": ["ecology", "youth"],
    }


@dataclass(frozen=True)
class Measured:
    rate: float
    """Requests per second, all clients together."""
    p50: float
    p99: float
    """Latencies in seconds."""
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    client_cpu: float = 0.0
    """CPU seconds per request: the server's processes, the database backends serving the
    server's database, and this process (the clients)."""


def _rate(
    url: str,
    body: Callable[[int], dict[str, object]],
    headers: dict[str, str],
    requests: int,
    concurrency: int,
    server_pids: Sequence[int],
    database_url: str | None = None,
) -> Measured:
    """``requests`` POSTs by ``concurrency`` clients, each on a connection of its own, as
    tasks on one event loop. (Threads, one per client, spent more of this process's one
    interpreter than the servers did: at 32 they halved the echo endpoint's rate.) The CPU
    the servers and the database spent meanwhile is measured from the outside."""
    server = _cpu_by_thread(_with_children(server_pids))
    database = _cpu_by_thread(_backends(database_url)) if database_url else {}
    client = time.process_time()
    measured = asyncio.run(_posted(url, body, headers, requests, concurrency))
    client_cpu = time.process_time() - client
    server_cpu = _cpu_since(server, _cpu_by_thread(_with_children(server_pids)))
    # A backend that began meanwhile (a connection the pool opened) counts from its start.
    database_cpu = (
        _cpu_since(database, _cpu_by_thread(_backends(database_url))) if database_url else 0.0
    )
    return Measured(
        rate=measured.rate,
        p50=measured.p50,
        p99=measured.p99,
        server_cpu=server_cpu / requests,
        database_cpu=database_cpu / requests,
        client_cpu=client_cpu / requests,
    )


def _with_children(pids: Sequence[int]) -> list[psutil.Process]:
    """These processes and their children (uvicorn's workers)."""
    found = []
    for pid in pids:
        process = psutil.Process(pid)
        found += [process, *process.children(recursive=True)]
    return found


def _backends(database_url: str) -> list[psutil.Process]:
    """The PostgreSQL backends connected to this URL's database (on this machine)."""
    name = make_url(database_url).database
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            pids = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalars()
            found = []
            for pid in pids:
                with contextlib.suppress(psutil.Error):
                    found.append(psutil.Process(pid))
            return found
    finally:
        engine.dispose()


def _cpu_by_thread(processes: Sequence[psutil.Process]) -> dict[tuple[int, int], float]:
    """The CPU seconds each thread of these processes has used so far, by (process, thread)
    id, from the scheduler's own nanosecond count (``/proc/PID/task/TID/schedstat``): the
    clock-tick counts of ``/proc/PID/stat`` (10 ms) read a short round's few milliseconds of
    an echo server's or a database backend's work as 0. Where schedstat is not readable, the
    process's tick count, under thread id 0. A process that has gone counts nothing."""
    found: dict[tuple[int, int], float] = {}
    for process in processes:
        threads: dict[tuple[int, int], float] = {}
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{process.pid}/task").iterdir():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    nanoseconds = int((task / "schedstat").read_text().split()[0])
                    threads[process.pid, int(task.name)] = nanoseconds / 1e9
        if threads:
            found |= threads
        else:  # no thread's schedstat could be read (a kernel without it, or the process gone)
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                found[process.pid, 0] = times.user + times.system
    return found


def _cpu_since(before: dict[tuple[int, int], float], after: dict[tuple[int, int], float]) -> float:
    """The CPU seconds spent between two readings: each thread's own difference, a thread
    that began meanwhile from its start, one that ended meanwhile nothing of that round."""
    return sum(cpu - before.get(key, 0.0) for key, cpu in after.items())


async def _posted(
    url: str,
    body: Callable[[int], dict[str, object]],
    headers: dict[str, str],
    requests: int,
    concurrency: int,
) -> Measured:
    counter = iter(range(requests))
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:

        async def client_loop() -> None:
            while (n := next(counter, None)) is not None:
                sent = time.perf_counter()
                response = await client.post(url, json=body(n), headers=headers)
                took = time.perf_counter() - sent
                if response.status_code != HTTPStatus.CREATED:
                    raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
                latencies.append(took)

        began = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Measured(rate=requests / elapsed, p50=cuts[49], p99=cuts[98])


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def _uvicorn(target: str, env: dict[str, str], workers: int = 1) -> Iterator[Server]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--workers",
        str(workers),
        *server.command_line_options(),
    ]
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                httpx.get(f"{base}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{target} did not start") from None
                time.sleep(0.1)
        yield Server(base=base, pid=process.pid)
    finally:
        process.terminate()
        process.wait(STARTUP_SECONDS)
