"""``registry bench portal``: the portal's pages against the API calls that answer the same
question, at 1,000,000 awards on PostgreSQL (issue 10: page p95 within 1.5× of the API's).

The data set is ``registry bench publication``'s (generated with COPY; ``--reuse`` keeps a
database an earlier run filled). Each case times the page and its API call alternately, request
by request, over real HTTP to one uvicorn subprocess, so that a noisy machine slows both alike.
"""

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from registry.awards import service as award_service
from registry.awards.models import Award
from registry.awards.schemas import AwardCreate
from registry.bench import awards as awards_bench
from registry.bench import publication
from registry.bench.awards import _fresh_database, _uvicorn
from registry.core import migrations
from registry.core.db import Database
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.ledger.log_key import NotTheLogsKey, check_signer, latest_note

SAMPLES = 200
WARM_UP = 5
GOAL = 1.5
Params = dict[str, str | int]


def run(
    *, database_url: str, awards: int, reuse: bool, samples: int = SAMPLES, console: Console
) -> None:
    url = make_url(database_url).set(database=publication.BENCH_DATABASE)
    target = url.render_as_string(hide_password=False)
    if not (reuse and _holds_awards(target, awards) and _signed_by_the_bench(target)):
        KEY_FILE.unlink(missing_ok=True)  # a new data set, a new log
        target = _fresh_database(database_url, publication.BENCH_DATABASE)
        migrations.upgrade(target)
        console.print(f"generating {awards:,} awards with COPY …")
        began = time.perf_counter()
        publication._generate(target, awards)  # noqa: SLF001 - the same data set, on purpose
        console.print(f"  done in {time.perf_counter() - began:,.0f}s")
    funder = publication.FUNDERS[3]
    cases: list[tuple[str, str, Params, str, Params]] = [
        (
            "search: funder + year",
            "/awards",
            {"funder": funder, "year": 2024},
            "/api/v1/awards",
            {"funder": funder, "year": 2024, "limit": 20, "facets": PAGE_FACETS},
        ),
        (
            "search: full text",
            "/awards",
            {"q": "ekologik maktab"},
            "/api/v1/awards",
            {"q": "ekologik maktab", "limit": 20, "facets": PAGE_FACETS},
        ),
        (
            "search: phrase + region",
            "/awards",
            {"q": '"yoshlar markaz"', "region": "UZ-TK"},
            "/api/v1/awards",
            {"q": '"yoshlar markaz"', "region": "UZ-TK", "limit": 20, "facets": PAGE_FACETS},
        ),
        ("award page", "/awards/{award}", {}, "/api/v1/awards/{award}", {}),
    ]
    # The generated awards have no ledger entries, and an award's page shows its receipt: the
    # award page is measured on one written through the ledger, as every real award is.
    ledgered = _ledgered_award(target)
    rows = []
    env = os.environ | {
        "REGISTRY_DATABASE_URL": target,
        "REGISTRY_SIGNING_KEY_FILE": str(KEY_FILE),
        "REGISTRY_LOG_ORIGIN": ORIGIN,
    }
    with (
        _uvicorn("registry.main:app", env) as server,
        httpx.Client(base_url=server.base, timeout=600) as client,
    ):
        for name, page_path, page_params, api_path, api_params in cases:
            page_times, api_times = _alternate(
                client,
                (page_path.format(award=ledgered), page_params | {"lang": "ru"}),
                (api_path.format(award=ledgered), api_params),
                samples,
            )
            ratio = page_times[1] / api_times[1]
            rows.append(
                (
                    name,
                    f"{page_times[0]:,.1f} / {page_times[1]:,.1f} ms",
                    f"{api_times[0]:,.1f} / {api_times[1]:,.1f} ms",
                    f"{ratio:.2f}× {'✔' if ratio <= GOAL else '✘'}",
                )
            )
    table = Table(title=f"registry bench portal ({awards:,} awards on PostgreSQL)")
    for column in ("case", "page p50 / p95", "API p50 / p95", f"p95 ratio (≤ {GOAL}×)"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


# What the search page asks the service for besides its items (kept equal to search_pages).
PAGE_FACETS = "instrument,region,funder,status,year,currency"


def _alternate(
    client: httpx.Client, page: tuple[str, Params], api: tuple[str, Params], count: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """p50 and p95 of the page and of the API call, timed alternately, ``count`` each."""
    samples: dict[int, list[float]] = {0: [], 1: []}
    for n in range(WARM_UP + count):
        for which, (path, params) in enumerate((page, api) if n % 2 else (api, page)):
            began = time.perf_counter()
            client.get(path, params=params).raise_for_status()
            if n >= WARM_UP:
                samples[which].append((time.perf_counter() - began) * 1000)
    return _p50_p95(samples[0]), _p50_p95(samples[1])


def _p50_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


LEDGERED_FUNDER = awards_bench.FUNDER  # outside the generated funders' ids
LEDGERED_RECIPIENT = "UZ-STIR-400000001"  # outside the generated recipients' ids


def _ledgered_award(url: str) -> str:
    """The id of an award written through the ledger (an earlier run's, with ``--reuse``)."""
    database = Database(url)
    try:
        with database.session(write=True) as session:
            found = session.scalar(select(Award.id).where(Award.funder_id == LEDGERED_FUNDER))
            if found is not None:
                return found
            _, principal = awards_bench.funder_with_recipients(
                session, LEDGERED_FUNDER, [LEDGERED_RECIPIENT]
            )
            award = AwardCreate.model_validate(
                awards_bench.award_body(None, 0)
                | {"recipient_id": LEDGERED_RECIPIENT, "legal_basis": "PF-124-son farmon"}
            )
            return award_service.publish(session, principal=principal, data=award).id
    finally:
        database.dispose()


KEY_FILE = Path(tempfile.gettempdir()) / "registry-bench-portal" / "ledger.key"
"""The bench log's key, kept with its data set: the server signs a checkpoint of the award
written through the ledger, and refuses another key on a database this one signed."""
ORIGIN = "bench.registry.localhost/ledger"


def _signed_by_the_bench(url: str) -> bool:
    """Whether the bench's key signed the database's checkpoints (or there are none)."""
    database = Database(url)
    try:
        if latest_note(database) is None:
            return True
        if not KEY_FILE.is_file():
            return False
        signer = NoteSigner(name=ORIGIN, private_key=load_or_create_signing_key(KEY_FILE))
        check_signer(database, signer, KEY_FILE)
    except NotTheLogsKey:
        return False
    finally:
        database.dispose()
    return True


def _holds_awards(url: str, awards: int) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            generated = text("SELECT count(*) FROM awards WHERE funder_id <> :ledgered")
            return bool(connection.scalar(generated, {"ledgered": LEDGERED_FUNDER}) == awards)
    except OperationalError:
        return False
    finally:
        engine.dispose()
