"""``registry bench publication``: search, deep pages and downloads at 1,000,000 awards on
PostgreSQL. Goals (issue 5): search p95 ≤ 50 ms, page 10,000 within 1.2× of page 1, CSV ≥ 50k
rows/s in under 200 MB RSS.

The awards are generated straight into the query tables with COPY (a benchmark of reads, not
of the ledger: a million awards through the ledger would take hours and measure appends, which
``registry bench ledger`` does). Requests go over real HTTP to a uvicorn subprocess, whose
peak RSS is read from /proc.
"""

import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx2 as httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from registry.bench.awards import _fresh_database, _uvicorn
from registry.core import migrations
from registry.core.db import Database
from registry.ledger.keys import load_or_create_signing_key
from registry.publication import rollup
from registry.publication.fulltext import tokens, tsvector_literal
from registry.publication.pagination import CursorCodec
from registry.publication.search import AwardSort, award_scope

BENCH_DATABASE = "registry_bench_publication"
DEEP_PAGE_ROWS = 1_000_000  # page 10,000 of 100 rows
SAMPLES = 200
FUNDERS = [f"UZ-STIR-2{n:08d}" for n in range(1, 41)]
REGIONS = ["UZ-TK", "UZ-TO", "UZ-SA", "UZ-FA", "UZ-AN", "UZ-NG", "UZ-BU", "UZ-QR", "KZ-75", "KZ-71"]
INSTRUMENTS = ["grant", "subsidy", "social_contract", "prize"]
THEMES = ["youth", "ecology", "health", "education", "women", "disability", "culture"]
WORDS_UZ = ["yoshlar", "ekologik", "maktab", "oʻquv", "markaz", "tashabbus", "sogʻliq", "ayollar"]
WORDS_RU = ["молодёжь", "экология", "школа", "центр", "здоровье", "женщины", "культура"]


def run(*, database_url: str, awards: int, console: Console) -> None:
    url = _fresh_database(database_url, BENCH_DATABASE)
    migrations.upgrade(url)
    console.print(f"generating {awards:,} awards with COPY …")
    began = time.perf_counter()
    _generate(url, awards)
    console.print(f"  done in {time.perf_counter() - began:,.0f}s")
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        key_file = Path(scratch) / "ledger.key"
        # The server signs its cursors with a key derived from this one (created here, first).
        cursors = CursorCodec.from_signing_key(load_or_create_signing_key(key_file))
        env = os.environ | {
            "REGISTRY_DATABASE_URL": url,
            "REGISTRY_SIGNING_KEY_FILE": str(key_file),
        }
        with (
            _uvicorn("registry.main:app", env) as server,
            httpx.Client(base_url=server.base, timeout=600) as client,
        ):
            cases: dict[str, dict[str, str | int]] = {
                "filter only (funder + year)": {"funder": FUNDERS[3], "year": 2026, "limit": 100},
                "full text (2 words)": {"q": "ekologik maktab", "limit": 100},
                "full text, by relevance": {
                    "q": "ekologik maktab",
                    "sort": "relevance",
                    "limit": 100,
                },
                "full text phrase + filter": {
                    "q": '"yoshlar markaz"',
                    "region": "UZ-TK",
                    "limit": 100,
                },
                "facets (funder filter)": {
                    "funder": FUNDERS[3],
                    "limit": 20,
                    "facets": "instrument,region,year,currency",
                },
                "facets (everything)": {
                    "limit": 20,
                    "facets": "instrument,region,funder,year,currency",
                },
            }
            for name, params in cases.items():
                p50, p95 = _latency(partial(client.get, "/api/v1/awards", params=params))
                rows.append((name, f"{p50:,.1f} ms", f"{p95:,.1f} ms", "p95 ≤ 50 ms"))
            first: dict[str, str | int] = {"sort": "-award_date", "limit": 100}
            # Page 10,000 at a million awards; the last full page of a smaller run.
            deep = first | {"cursor": _cursor_at(url, cursors, min(100 * 9_999, awards - 100))}
            p1 = _latency(lambda: client.get("/api/v1/awards", params=first))
            p10k = _latency(lambda: client.get("/api/v1/awards", params=deep))
            rows.append(("page 1 (sorted by date)", f"{p1[0]:,.1f} ms", f"{p1[1]:,.1f} ms", "—"))
            rows.append(
                (
                    "page 10,000 (same query)" if awards >= DEEP_PAGE_ROWS else "last page",
                    f"{p10k[0]:,.1f} ms",
                    f"{p10k[1]:,.1f} ms",
                    f"{p10k[1] / p1[1]:.2f}× page 1 (≤ 1.2×)",
                )
            )
            rate = _csv_rate(client)
            rss = _peak_rss_mb(server.pid)
            rows.append(
                (
                    "CSV download, all rows",
                    f"{rate:,.0f} rows/s",
                    f"{rss:,.0f} MB peak RSS",
                    "≥ 50k rows/s, < 200 MB",
                )
            )
    table = Table(title=f"registry bench publication ({awards:,} awards on PostgreSQL)")
    for column in ("case", "p50 / rate", "p95 / memory", "goal"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _latency(call: Callable[[], httpx.Response]) -> tuple[float, float]:
    for _ in range(5):
        call().raise_for_status()  # warm caches and prepared statements
    samples = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        call().raise_for_status()
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def _cursor_at(url: str, cursors: CursorCodec, position: int) -> str:
    """The cursor a client would hold after ``position`` rows (found with OFFSET, here only)."""
    database = Database(url)
    try:
        with database.session() as session:
            award_date, award_id = session.execute(
                text(
                    "SELECT award_date, id FROM awards "
                    "ORDER BY award_date DESC, id DESC OFFSET :n LIMIT 1"
                ),
                {"n": position - 1},
            ).one()
    finally:
        database.dispose()
    return cursors.encode(
        [award_date.isoformat(), award_id], scope=award_scope(AwardSort.AWARD_DATE_DESC)
    )


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _csv_rate(client: httpx.Client) -> float:
    """Rows per second of a whole CSV download, streamed and discarded by the client."""
    began = time.perf_counter()
    lines = 0
    with client.stream("GET", "/api/v1/awards.csv") as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
    return (lines - 1) / (time.perf_counter() - began)


CHUNK = 10_000


def _generate(url: str, count: int) -> None:
    """Organizations, then awards with their themes and search documents, with COPY, in
    chunks of 10,000 (three COPYs a chunk: one connection runs one COPY at a time); then the
    award rollup, grouped from the awards."""
    rng = random.Random(5)  # noqa: S311 - reproducible data, not secrets
    recipients = [f"UZ-STIR-3{n:08d}" for n in range(1, 20_001)]
    now = datetime.now(UTC)
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor:
                with cursor.copy(
                    "COPY organizations (org_id, kind, name_uz, name_ru, country, region, "
                    "registered_at, registered_seq) FROM STDIN"
                ) as copy:
                    for n, org_id in enumerate(FUNDERS + recipients):
                        kind = "state_body" if org_id in FUNDERS else "ngo"
                        name = f"{rng.choice(WORDS_UZ).title()} {rng.choice(WORDS_UZ)} {n}"
                        region = rng.choice(REGIONS)
                        copy.write_row(
                            (org_id, kind, name, rng.choice(WORDS_RU), "UZ", region, now, 0)
                        )
                for start in range(0, count, CHUNK):
                    chunk = [
                        _award(rng, n, recipients) for n in range(start, min(start + CHUNK, count))
                    ]
                    _copy_chunk(cursor, chunk, now)
        # The awards were copied past the projector: fill the rollup and the word list it
        # would have kept.
        with database.session(write=True) as session:
            rollup.rebuild(session)
            session.execute(
                text(
                    "INSERT INTO search_words (word) SELECT DISTINCT lexeme "
                    "FROM search_documents, unnest(tsv) ON CONFLICT DO NOTHING"
                )
            )
        with database.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    finally:
        database.dispose()


def _award(rng: random.Random, n: int, recipients: list[str]) -> dict[str, object]:
    award_date = date(2016, 1, 1) + timedelta(days=rng.randrange(3900))
    title = " ".join(rng.sample(WORDS_UZ, 3))
    return {
        "id": f"AWD-{award_date.year}-{n:07d}",
        "funder_id": rng.choice(FUNDERS),
        "recipient_id": rng.choice(recipients),
        "instrument": rng.choice(INSTRUMENTS),
        "title": {"uz": title, "ru": " ".join(rng.sample(WORDS_RU, 2))},
        "currency": "UZS" if rng.random() < 0.85 else "KZT",  # noqa: PLR2004 - the demo's mix
        "amount_minor": rng.randrange(10_000_000, 60_000_000) * 100,
        "award_date": award_date,
        "region": rng.choice(REGIONS),
        "themes": rng.sample(THEMES, 2),
    }


def _copy_chunk(cursor: object, chunk: list[dict[str, object]], now: datetime) -> None:
    copy_from = cursor.copy  # type: ignore[attr-defined]
    columns = (
        "id, funder_id, recipient_id, recipient_name, instrument, title, currency, amount_minor, "
        "original_amount_minor, disbursed_minor, award_date, period_start, period_end, region, "
        "themes, status, published_at, published_seq, updated_seq"
    )
    with copy_from(f"COPY awards ({columns}) FROM STDIN") as copy:
        for award in chunk:
            start = award["award_date"]
            assert isinstance(start, date)
            copy.write_row(
                (
                    award["id"],
                    award["funder_id"],
                    award["recipient_id"],
                    json.dumps({"uz": "NNT"}),
                    award["instrument"],
                    json.dumps(award["title"], ensure_ascii=False),
                    award["currency"],
                    award["amount_minor"],
                    award["amount_minor"],
                    0,
                    start,
                    start,
                    start + timedelta(days=300),
                    award["region"],
                    json.dumps(award["themes"]),
                    "active",
                    now,
                    0,
                    0,
                )
            )
    with copy_from("COPY award_themes (award_id, theme) FROM STDIN") as copy:
        for award in chunk:
            for theme in award["themes"]:  # type: ignore[attr-defined]
                copy.write_row((award["id"], theme))
    with copy_from("COPY search_documents (kind, ref_id, body, tsv) FROM STDIN") as copy:
        for award in chunk:
            title = award["title"]
            assert isinstance(title, dict)
            words = tokens(
                " ".join([str(award["id"]), *title.values(), str(award["recipient_id"])])
            )
            copy.write_row(("award", award["id"], " ".join(words), tsvector_literal(words)))
