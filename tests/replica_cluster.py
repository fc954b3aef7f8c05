"""A real PostgreSQL primary and its streaming replica, made for a test run and thrown away.

The primary is a fresh cluster (``initdb``) of its own, so the machine's server is left as it
is (its pg_hba.conf allows no replication connections); the replica is made from it with
``pg_basebackup -R`` and streams from it, as a production read replica would. Both listen on
127.0.0.1 on free ports. PostgreSQL refuses to run as root, so when the tests run as root the
commands run as the ``postgres`` user.
"""

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HBA = """\
local all all trust
local replication all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


def postgresql_bin() -> Path:
    """The newest installed server's programs (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    if not found:
        raise RuntimeError("no PostgreSQL server programs under /usr/lib/postgresql")
    return found[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(arguments: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *arguments] if os.geteuid() == 0 else arguments


def _run(arguments: list[str]) -> None:
    result = subprocess.run(
        _as_postgres(arguments), capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed: {result.stdout[-2000:]}{result.stderr[-2000:]}")


@dataclass(frozen=True)
class ReplicaPair:
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"

    def primary(self, database: str = "postgres") -> str:
        return self.url(self.primary_port, database)

    def replica(self, database: str = "postgres") -> str:
        return self.url(self.replica_port, database)


@contextmanager
def replica_pair(folder: Path) -> Iterator[ReplicaPair]:
    """Start a primary and a streaming replica under ``folder``; stop both at the end."""
    binaries = postgresql_bin()
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (folder, *folder.parents):
            if path == Path("/"):
                break
            # The postgres user must reach its data directories.
            path.chmod(path.stat().st_mode | 0o011)
        shutil.chown(folder, user.pw_uid, user.pw_gid)
    primary, replica = folder / "primary", folder / "replica"
    pair = ReplicaPair(primary_port=_free_port(), replica_port=_free_port())
    _run(
        [
            str(binaries / "initdb"),
            "-D",
            str(primary),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    settings = (
        f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
        "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
        # A test cluster: speed over durability.
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
    )
    _write_as_postgres(primary / "postgresql.auto.conf", settings)
    _write_as_postgres(primary / "pg_hba.conf", HBA)
    started: list[Path] = []
    try:
        _start(binaries, primary, pair.primary_port, folder / "primary.log")
        started.append(primary)
        _run(
            [
                str(binaries / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(pair.primary_port),
                "-U",
                "postgres",
                "-D",
                str(replica),
                "-R",
                "-X",
                "stream",
            ]
        )
        _start(binaries, replica, pair.replica_port, folder / "replica.log")
        started.append(replica)
        yield pair
    finally:
        for data in reversed(started):
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])


def _write_as_postgres(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def _start(binaries: Path, data: Path, port: int, log: Path) -> None:
    _run(
        [
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            f"-p {port}",
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
        ]
    )


def wait_for_replay(pair: ReplicaPair, timeout: float = 30.0) -> None:
    """Until the replica has replayed everything the primary has written so far (in any
    database: the WAL is the cluster's)."""
    import psycopg  # noqa: PLC0415 - only replica tests need the driver directly

    with psycopg.connect(
        f"host=127.0.0.1 port={pair.primary_port} user=postgres dbname=postgres",
        autocommit=True,
    ) as primary:
        row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert row is not None
        target = row[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(
        f"host=127.0.0.1 port={pair.replica_port} user=postgres dbname=postgres",
        autocommit=True,
    ) as replica:
        while time.monotonic() < deadline:
            done = replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)
            ).fetchone()
            if done and done[0]:
                return
            time.sleep(0.05)
    raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")
