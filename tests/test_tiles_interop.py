"""An outside tlog-tiles client reads what ``registry tiles export`` writes: ``tlog-tiles``
from the PyPI package ``tlog-scales`` (an independent Python implementation of the C2SP
spec), installed into a throwaway virtualenv, fetches entries from the exported directory and
checks their inclusion in the exported checkpoint."""

import subprocess
import venv
from pathlib import Path

import pytest
from ledger_helpers import append

from registry.core.db import Database
from registry.ledger import service, store, tile_service
from registry.ledger.checkpoint import NoteSigner
from registry.ledger.keys import load_or_create_signing_key

CLIENT = "tlog-scales==0.0.3"
ENTRIES = 600  # two full level-0 tiles and a partial one, so proofs cross tiles


@pytest.fixture(scope="session")
def tlog_tiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    environment = tmp_path_factory.mktemp("tlog-scales") / "venv"
    venv.create(environment, with_pip=True)
    subprocess.run(
        [environment / "bin" / "pip", "install", "--quiet", CLIENT], check=True, timeout=300
    )
    return environment / "bin" / "tlog-tiles"


def test_an_outside_client_reads_and_checks_the_export(
    tlog_tiles: Path, database: Database, tmp_path: Path
) -> None:
    append(database, ENTRIES, batch=100)
    signer = NoteSigner("test.registry/ledger", load_or_create_signing_key(tmp_path / "log.key"))
    with database.session(write=True) as session:
        service.sign_if_stale(session, signer=signer)
    directory = tmp_path / "tiles"
    with database.session() as session:
        tile_service.export(session, directory=directory)
        leaves = store.read_leaves(session, 0, ENTRIES)
    for index in (0, 255, 256, 511, 599, -1):
        result = subprocess.run(
            [tlog_tiles, "get-leaf", "--check", directory, str(index)],
            capture_output=True,
            check=False,
            timeout=60,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == leaves[index], index

    # A tile with one byte changed is caught by the client's own inclusion check.
    tile = directory / "tile" / "0" / "000"  # leaves 0..255: leaf 0 is on leaf 3's path
    data = bytearray(tile.read_bytes())
    data[5] ^= 0x01
    tile.write_bytes(bytes(data))
    result = subprocess.run(
        [tlog_tiles, "get-leaf", "--check", directory, "3"],
        capture_output=True,
        check=False,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode != 0
