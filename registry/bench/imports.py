"""``registry bench import``: ``registry import 360giving`` against PostgreSQL COPY of the same
rows, measured in the same run. Goal (issue 5): the import at ≥ 0.3× COPY's awards/s.

A realistic 360Giving package is generated: ``N`` grants from a few funders to many
recipients (about one recipient per four grants), with Uzbek titles, Russian descriptions,
themes, instruments, regions, and one disbursement on about a third of them.

* **import**: ``imports.files.import_file``, the function the CLI calls, in process, into an
  empty migrated database: reading the JSON, every rule the API applies, the ledger (one
  canonical leaf per award, organization and disbursement, hashed into the Merkle tree), the
  projections, the search index, the commit and a signed checkpoint.
* **COPY (the baseline)**: every query-table row that import wrote (``organizations``,
  ``awards``, ``award_events``, ``award_themes``, ``search_documents``: the awards, their
  search documents and themes, and the organizations and disbursement events that came with
  them), read back from the imported database as COPY text before the clock starts, then
  loaded with ``COPY … FROM STDIN`` into another empty migrated database in one transaction.
  It does not include the ledger's own rows (``ledger_entries``, ``ledger_head``), which COPY
  cannot produce: computing them is the work the ledger adds. The best of three rounds.

Both rates count awards (grants): awards written divided by seconds. The import's CPU time in
this process is shown too: the rate it would reach if every statement cost the database
nothing, the ceiling of what fewer round trips can give.
"""

import random
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from registry.bench.awards import _fresh_database
from registry.core import migrations
from registry.core.db import Database
from registry.imports import files as import_files
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key
from registry.publication.standards_router import exact_json

IMPORT_DATABASE: Final = "registry_bench_import"
COPY_DATABASE: Final = "registry_bench_import_copy"
GOAL: Final = 0.3
COPY_ROUNDS: Final = 3
GRANTS_PER_RECIPIENT: Final = 4
DISBURSED_SHARE: Final = 0.3
# Parents before children, for the foreign keys.
COPIED_TABLES: Final = (
    "organizations",
    "awards",
    "award_events",
    "award_themes",
    "search_documents",
    "search_words",
    "award_rollup",
    "award_facet_totals",
)
FUNDERS: Final = [
    ("UZ-STIR-207050449", "Fuqarolik jamiyatini rivojlantirish markazi"),
    ("UZ-STIR-201122349", "Yoshlar ishlari agentligi"),
    ("UZ-STIR-202377128", "Ekologiya vazirligi huzuridagi jamgʻarma"),
    ("UZ-STIR-204561990", "Oliy Majlis huzuridagi jamoat fondi"),
    ("UZ-STIR-205883711", "Sogʻliqni saqlash vazirligi"),
]
REGIONS: Final = ["UZ-TK", "UZ-TO", "UZ-SA", "UZ-FA", "UZ-AN", "UZ-NG", "UZ-BU", "UZ-QR"]
INSTRUMENTS: Final = ["grant", "subsidy", "social_contract"]
THEMES: Final = ["youth", "ecology", "health", "education", "women", "disability", "culture"]
WORDS_UZ: Final = [
    "yoshlar", "ekologik", "maktab", "oʻquv", "markaz", "tashabbus", "sogʻliq", "ayollar",
    "mahalla", "kutubxona", "inklyuziv", "taʼlim", "madaniyat", "sport", "loyiha", "qishloq",
]  # fmt: skip
WORDS_RU: Final = [
    "молодёжь", "экология", "школа", "центр", "здоровье", "женщины", "культура", "поддержка",
    "развитие", "инициатива", "обучение", "сообщество",
]  # fmt: skip


def run(*, database_url: str, awards: int, console: Console) -> None:
    content = package(awards)
    console.print(f"generated a 360Giving package of {awards:,} grants ({len(content):,} bytes)")
    import_url = _fresh_database(database_url, IMPORT_DATABASE)
    copy_url = _fresh_database(database_url, COPY_DATABASE)
    migrations.upgrade(import_url)
    migrations.upgrade(copy_url)

    console.print("importing …")
    seconds, cpu, summary = _import(import_url, content)
    console.print(f"  {summary.describe()}")
    if summary.created != awards:
        raise RuntimeError(f"the import created {summary.created} awards, not {awards}")
    copied = _copy_text(import_url)
    copy_seconds = min(_copy(copy_url, copied) for _ in range(COPY_ROUNDS))

    import_rate = awards / seconds
    copy_rate = awards / copy_seconds
    table = Table(title=f"registry bench import ({awards:,} 360Giving grants on PostgreSQL)")
    for column in ("case", "seconds", "awards/s", "ratio"):
        table.add_column(column)
    table.add_row("registry import 360giving", f"{seconds:,.2f}", f"{import_rate:,.0f}", "")
    table.add_row(
        "  of which Python CPU (the ceiling were the database free)",
        f"{cpu:,.2f}",
        f"{awards / cpu:,.0f}",
        f"{awards / cpu / copy_rate:.3f}×",
        end_section=True,
    )
    rows = sum(len(data.splitlines()) for data in copied.values())
    table.add_row(
        f"COPY of every query-table row it wrote ({rows:,} rows)",
        f"{copy_seconds:,.2f}",
        f"{copy_rate:,.0f}",
        f"{import_rate / copy_rate:.3f}× (goal ≥ {GOAL}×)",
    )
    console.print(table)


def _import(url: str, content: bytes) -> tuple[float, float, import_files.Summary]:
    """Wall-clock seconds, this process's CPU seconds, and the import's summary."""
    database = Database(url)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            signer = NoteSigner(
                name="bench.localhost/ledger",
                private_key=load_or_create_signing_key(Path(scratch) / "ledger.key"),
            )
            began, cpu = time.perf_counter(), time.process_time()
            summary = import_files.import_file(
                database,
                content,
                standard=import_files.Standard.GIVING360,
                file_format=import_files.FileFormat.JSON,
                signer=signer,
            )
            return time.perf_counter() - began, time.process_time() - cpu, summary
    finally:
        database.dispose()


def _copy_text(url: str) -> dict[str, bytes]:
    """Each table's rows as COPY text, in a column order both databases share."""
    database = Database(url)
    copied: dict[str, bytes] = {}
    try:
        with database.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor:
                for table in COPIED_TABLES:
                    with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                        copied[table] = b"".join(bytes(block) for block in copy)
    finally:
        database.dispose()
    return copied


def _copy(url: str, copied: dict[str, bytes]) -> float:
    """Seconds to load ``copied`` with COPY in one transaction, into emptied tables."""
    database = Database(url)
    try:
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(COPIED_TABLES)} CASCADE"))
        with database.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            began = time.perf_counter()
            with raw.cursor() as cursor:
                for table, data in copied.items():
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(data)
            raw.commit()
            return time.perf_counter() - began
    finally:
        database.dispose()


def package(count: int, *, seed: int = 5) -> bytes:
    """A 360Giving 1.4 JSON package of ``count`` grants, reproducible from ``seed``."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    recipients = [
        (f"UZ-STIR-3{n:08d}", f"«{rng.choice(WORDS_UZ).title()} {rng.choice(WORDS_UZ)}» NNT")
        for n in range(1, max(count // GRANTS_PER_RECIPIENT, 1) + 1)
    ]
    grants = [_grant(rng, n, recipients) for n in range(count)]
    return exact_json({"version": "1.4", "grants": grants})


def _grant(rng: random.Random, n: int, recipients: list[tuple[str, str]]) -> dict[str, Any]:
    funder_id, funder_name = rng.choice(FUNDERS)
    recipient_id, recipient_name = rng.choice(recipients)
    awarded = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))
    start = awarded + timedelta(days=rng.randrange(5, 40))
    amount = Decimal(rng.randrange(5_000_000, 600_000_000)) / 100
    grant: dict[str, Any] = {
        "id": f"360G-bench-{n:07d}",
        "title": " ".join(rng.sample(WORDS_UZ, 3)).capitalize() + f" {n}",
        "description": " ".join(rng.sample(WORDS_RU, 5)).capitalize(),
        "currency": "UZS",
        "amountAwarded": amount,
        "awardDate": awarded.isoformat(),
        "plannedDates": [
            {
                "startDate": start.isoformat(),
                "endDate": (start + timedelta(days=rng.randrange(90, 540))).isoformat(),
            }
        ],
        "recipientOrganization": [{"id": recipient_id, "name": recipient_name}],
        "fundingOrganization": [{"id": funder_id, "name": funder_name}],
        "beneficiaryLocation": [{"countryCode": "UZ", "geoCode": rng.choice(REGIONS)}],
        "fundingType": [{"vocabulary": "registry:instrument", "code": rng.choice(INSTRUMENTS)}],
        "classifications": [
            {"vocabulary": "registry:theme", "code": theme} for theme in rng.sample(THEMES, 2)
        ],
    }
    if rng.random() < DISBURSED_SHARE:
        grant["disbursementTransaction"] = [
            {
                "id": f"360G-bench-{n:07d}-tx1",
                "currency": "UZS",
                "value": (amount / 2).quantize(Decimal("0.01")),
                "transactionDate": (start + timedelta(days=10)).isoformat(),
            }
        ]
    return grant
