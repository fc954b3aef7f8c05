"""C2SP tlog-tiles: paths and widths as the spec's examples give them, every tile recomputed
from the leaves by the spec's own formula, the incremental export, proofs from nothing but an
exported directory, and the same bytes over HTTP under /tiles/."""

import json
import random
import stat
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from ledger_helpers import append
from typer.testing import CliRunner, Result

from registry.cli import app as cli
from registry.core.db import Database
from registry.core.errors import NotFound
from registry.core.settings import Settings, get_settings
from registry.ledger import merkle, service, store, tile_service, tiles
from registry.ledger.checkpoint import NoteVerifier, parse_verifier_key, verify_checkpoint
from registry.ledger.errors import VerificationError
from registry.ledger.tiles import EntryBundle, HashTile

PROBLEM = "application/problem+json"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app signs only when a test says so (``_sign``), never on a timer mid-test."""
    return settings.model_copy(update={"checkpoint_interval_seconds": 3600})


def _app(client: TestClient) -> FastAPI:
    return cast("FastAPI", client.app)


def _sign(client: TestClient) -> None:
    _app(client).state.checkpointer.sign_now()


def _export(database: Database, directory: Path) -> tile_service.ExportReport:
    with database.session() as session:
        return tile_service.export(session, directory=directory)


def _files(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in directory.rglob("*")
        if path.is_file()
    }


def _stats(directory: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(directory).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in directory.rglob("*")
        if path.is_file()
    }


def _leaves(database: Database) -> list[bytes]:
    with database.session() as session:
        return store.read_leaves(session, 0, service.size(session))


# The spec's definitions, written out independently of registry.ledger.tiles.


def _mth(hashes: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH of leaf hashes, by the RFC's recursion."""
    if len(hashes) == 1:
        return hashes[0]
    split = 1 << ((len(hashes) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(hashes[:split]), _mth(hashes[split:]))


def _spec_index(index: int) -> str:
    digits = str(index)
    digits = digits.zfill(-(-len(digits) // 3) * 3)
    parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join(["x" + part for part in parts[:-1]] + parts[-1:])


def _expected_files(leaves: list[bytes]) -> dict[str, bytes]:
    """Every tile and bundle by tlog-tiles "Merkle Tree": hash i of tile n at level l is
    MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l])."""
    size = len(leaves)
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    files: dict[str, bytes] = {}
    level = 0
    while count := size // 256**level:
        span = 256**level
        for n in range(-(-count // 256)):
            width = min(256, count - n * 256)
            items = [
                _mth(hashes[(n * 256 + i) * span : (n * 256 + i + 1) * span]) for i in range(width)
            ]
            suffix = "" if width == 256 else f".p/{width}"
            files[f"tile/{level}/{_spec_index(n)}{suffix}"] = b"".join(items)
            if level == 0:
                bundle = leaves[n * 256 : n * 256 + width]
                files[f"tile/entries/{_spec_index(n)}{suffix}"] = b"".join(
                    len(leaf).to_bytes(2, "big") + leaf for leaf in bundle
                )
        level += 1
    return files


def _directory_fetcher(directory: Path) -> tiles.TileFetcher:
    def fetch(path: str) -> bytes | None:
        target = directory / path
        return target.read_bytes() if target.is_file() else None

    return fetch


# Paths, widths and the bundle format: pure.


@pytest.mark.parametrize(
    ("index", "encoded"),
    [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_index_encoding_follows_the_spec(index: int, encoded: str) -> None:
    assert tiles.encode_index(index) == encoded
    assert _spec_index(index) == encoded


def test_paths_follow_the_spec() -> None:
    assert HashTile(0, 1234067).path == "tile/0/x001/x234/067"
    assert HashTile(0, 1234067, 8).path == "tile/0/x001/x234/067.p/8"
    assert HashTile(1, 1234).path == "tile/1/x001/234"
    assert EntryBundle(0, 5).path == "tile/entries/000.p/5"
    assert EntryBundle(1234067).path == "tile/entries/x001/x234/067"
    for tile in (HashTile(0, 1234067, 8), HashTile(63, 0), EntryBundle(7, 255)):
        assert tiles.parse_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",  # not 3 digits
        "tile/0/0001",
        "tile/00/001",  # leading zero in the level
        "tile/64/000",  # level above 63
        "tile/0/x000/001",  # a needless leading group
        "tile/0/001/x234",  # x on the last element
        "tile/0/x001234",
        "tile/0/001.p/0",  # empty tiles are never served
        "tile/0/001.p/256",  # a full tile has no .p
        "tile/0/001.p/05",
        "tile/entries/001.p/",
        "tile/data/001",
        "tile/0/001/",
        "checkpoint",
    ],
)
def test_other_spellings_are_not_tile_paths(path: str) -> None:
    with pytest.raises(ValueError, match="tile"):
        tiles.parse_path(path)


def test_partial_widths_match_the_spec_examples() -> None:
    # "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level
    # 0 tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and
    # one partial level 2 tile of width 1."
    published = list(tiles.tiles_for_size(70_000))
    assert [t for t in published if t.level == 0 and t.is_full] == [
        HashTile(0, n) for n in range(273)
    ]
    assert [t for t in published if not (t.level == 0 and t.is_full)] == [
        HashTile(0, 273, 112),
        HashTile(1, 0),
        HashTile(1, 1, 17),
        HashTile(2, 0, 1),
    ]
    assert [tiles.partial_width(level, 70_000) for level in range(4)] == [112, 17, 1, 0]
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1
    # tile of width 1."
    assert list(tiles.tiles_for_size(256)) == [HashTile(0, 0), HashTile(1, 0, 1)]
    assert list(tiles.entry_bundles_for_size(256)) == [EntryBundle(0)]
    assert list(tiles.entry_bundles_for_size(70_000))[-1] == EntryBundle(273, 112)
    assert list(tiles.tiles_for_size(0)) == []


def test_the_spec_tile_ranges() -> None:
    # "The tile's start index is defined to be n * 256**(l+1). Its end index is defined to be
    # (n + 1) * 256**(l+1)."
    assert (HashTile(1, 3).start, HashTile(1, 3).end) == (3 * 65536, 4 * 65536)
    assert HashTile(1, 1, 17).end == 65536 + 17 * 256
    assert (EntryBundle(2, 10).start, EntryBundle(2, 10).end) == (512, 522)


def test_entry_bundles_are_uint16_length_prefixed() -> None:
    entries = [b"", b"a", b"x" * 300, b"\x00\xff"]
    encoded = tiles.encode_bundle(entries)
    assert encoded == b"\x00\x00" + b"\x00\x01a" + b"\x01\x2c" + b"x" * 300 + b"\x00\x02\x00\xff"
    assert tiles.decode_bundle(encoded) == entries
    assert len(tiles.encode_bundle([b"y" * 65535])) == 65537
    with pytest.raises(ValueError, match="65535"):
        tiles.encode_bundle([b"y" * 65536])
    for truncated in (encoded[:1], encoded[:4], encoded[:-1]):
        with pytest.raises(VerificationError):
            tiles.decode_bundle(truncated)


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 511, 4096, 65535, 65536, 65537, 65836])
def test_the_builder_makes_exactly_the_spec_tiles(size: int) -> None:
    leaves = [f"leaf {n}".encode() for n in range(size)]
    builder = tiles.TileBuilder()
    made: dict[str, bytes] = {}
    for leaf in leaves:
        for tile, data in builder.push(merkle.leaf_hash(leaf)):
            made[tile.path] = data
    for tile, data in builder.partial_tiles():
        made[tile.path] = data
    expected = _expected_files(leaves)
    assert made == {path: data for path, data in expected.items() if "entries" not in path}
    assert set(made) == {tile.path for tile in tiles.tiles_for_size(size)}
    assert builder.root() == _mth([merkle.leaf_hash(leaf) for leaf in leaves])


@pytest.mark.parametrize("size", [1, 300, 70_000])
def test_the_reader_proves_anything_from_tiles(size: int) -> None:
    rng = random.Random(size)
    hashes = [merkle.leaf_hash(n.to_bytes(4, "big")) for n in range(size)]
    # Two older checkpointed sizes, whose partial tiles the log keeps publishing too.
    first, cut = rng.randrange(1, size + 1), rng.randrange(size + 1)
    builder = tiles.TileBuilder()
    published: dict[str, bytes] = {}
    for value in hashes:
        published.update((tile.path, data) for tile, data in builder.push(value))
        if builder.size in {first, cut, size}:
            published.update((tile.path, data) for tile, data in builder.partial_tiles())
    reader = tiles.TileReader(published.get, tree_size=size)
    root = reader.root()
    assert root == builder.root()
    for index in rng.sample(range(size), min(size, 20)):
        merkle.verify_inclusion(
            index=index,
            size=size,
            leaf_hash=hashes[index],
            proof=reader.inclusion_proof(index),
            root=root,
        )
    first_root = tiles.TileReader(published.get, tree_size=first).root()
    merkle.verify_consistency(
        first=first,
        second=size,
        proof=reader.consistency_proof(first),
        first_root=first_root,
        second_root=root,
    )
    # Resuming at any size gives the same tiles and root as one run from the start.
    before = tiles.TileReader(published.get, tree_size=cut)
    resumed = tiles.TileBuilder.resume(
        cut, {node: before.node_hash(node) for node in tiles.TileBuilder.resume_ids(cut)}
    )
    for value in hashes[cut:]:
        for tile, data in resumed.push(value):
            assert published[tile.path] == data
    assert resumed.partial_tiles() == builder.partial_tiles()
    assert resumed.root() == root


def test_the_reader_rejects_bad_tiles_and_falls_back_to_full_ones() -> None:
    leaves = [f"entry {n}".encode() for n in range(300)]
    published = _expected_files(leaves)
    reader = tiles.TileReader(published.get, tree_size=300)
    assert reader.entry(299) == leaves[299]
    # An older tree's partial tile is gone once the full tile exists: read the full one.
    older = tiles.TileReader(published.get, tree_size=100)
    assert "tile/0/000.p/100" not in published
    assert older.root() == _mth([merkle.leaf_hash(leaf) for leaf in leaves[:100]])
    assert older.entry(99) == leaves[99]

    short = dict(published, **{"tile/0/001.p/44": published["tile/0/001.p/44"][:-1]})
    with pytest.raises(VerificationError):
        tiles.TileReader(short.get, tree_size=300).leaf_hash(299)
    swapped_bundle = tiles.encode_bundle([*leaves[256:299], b"not the leaf"])
    swapped = dict(published, **{"tile/entries/001.p/44": swapped_bundle})
    with pytest.raises(VerificationError, match="does not hash"):
        tiles.TileReader(swapped.get, tree_size=300).entry(299)
    missing = {path: data for path, data in published.items() if not path.startswith("tile/1/")}
    with pytest.raises(VerificationError, match="not available"):
        tiles.TileReader(missing.get, tree_size=300).root()
    with pytest.raises(ValueError, match="beyond"):
        reader.entry(300)


# The export, on both databases.


def test_export_writes_every_spec_tile_and_grows_incrementally(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    # 65,400 then 65,836 leaves: full level-0 tiles, the first full level-1 tile (65,536
    # leaves) and a level-2 partial tile; the first run's partial tiles all become full.
    append(database, 65_400, batch=2000)
    _sign(client)
    out = tmp_path / "tiles"
    first = _export(database, out)
    assert (first.tree_size, first.previous_size, first.removed) == (65_400, None, 0)
    leaves = _leaves(database)
    files = _files(out)
    checkpoint = files.pop("checkpoint")
    assert checkpoint == client.get("/api/v1/ledger/checkpoint").content
    assert files == _expected_files(leaves)
    first_files = files
    old_checkpoint = verify_checkpoint(checkpoint.decode(), _verifier(client))

    append(database, 436, batch=2000, start=65_400)
    _sign(client)
    second = _export(database, out)
    leaves = _leaves(database)
    assert len(leaves) == 65_836
    files = _files(out)
    assert files.pop("checkpoint") == client.get("/api/v1/ledger/checkpoint").content
    # The superseded partial tiles (level 0, level 1, the bundle) were removed; what is left
    # is exactly the spec's set for the new size.
    assert files == _expected_files(leaves)
    assert (second.previous_size, second.removed, second.unchanged) == (65_400, 3, 0)
    assert second.written == len(set(files) - set(first_files)) + 1  # and the checkpoint
    # A client still holding the older checkpoint falls back to the full tiles.
    older = tiles.TileReader(_directory_fetcher(out), tree_size=65_400)
    assert older.root() == old_checkpoint.root_hash
    # Everything the server serves is the same bytes.
    for path, data in files.items():
        response = client.get(f"/tiles/{path}")
        assert response.status_code == 200, path
        assert response.content == data, path


def _verifier(client: TestClient) -> NoteVerifier:
    return parse_verifier_key(client.get("/api/v1/ledger/key").text.strip())


def test_a_second_export_writes_nothing_and_growth_leaves_full_tiles_alone(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    append(database, 600, batch=100)
    _sign(client)
    out = tmp_path / "tiles"
    first = _export(database, out)
    # 2 full + 1 partial level-0 tiles, as many bundles, 1 partial level-1 tile, checkpoint.
    assert first.written == 8
    before = _stats(out)

    again = _export(database, out)
    assert (again.written, again.removed) == (0, 0)
    assert _stats(out) == before

    append(database, 300, batch=100, start=600)
    _sign(client)
    grown = _export(database, out)
    after = _stats(out)
    for path in ("tile/0/000", "tile/0/001", "tile/entries/000", "tile/entries/001"):
        assert after[path] == before[path], f"{path} was rewritten"
    new = set(after) - set(before)
    assert new == {
        "tile/0/002",
        "tile/0/003.p/132",
        "tile/entries/002",
        "tile/entries/003.p/132",
        "tile/1/000.p/3",
    }
    # The partial tiles of 600 whose full tiles now exist are gone; level 1 has no full tile
    # yet, so its older partial tile stays for clients that verified the older checkpoint.
    assert set(before) - set(after) == {"tile/0/002.p/88", "tile/entries/002.p/88"}
    assert "tile/1/000.p/2" in after
    assert (grown.written, grown.removed, grown.previous_size) == (6, 2, 600)
    assert after["checkpoint"] != before["checkpoint"]
    assert not list(out.rglob("*.tmp"))
    for file in out.rglob("*"):
        if file.is_file():
            assert stat.S_IMODE(file.stat().st_mode) & 0o444 == 0o444, file


def test_random_leaves_verify_from_the_exported_directory_alone(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    append(database, 1500, batch=250)
    _sign(client)
    out = tmp_path / "tiles"
    _export(database, out)
    verifier = _verifier(client)  # the one thing taken from elsewhere: the log's public key
    del client, database

    checkpoint = verify_checkpoint((out / "checkpoint").read_text(encoding="utf-8"), verifier)
    reader = tiles.TileReader(_directory_fetcher(out), tree_size=checkpoint.size)
    assert reader.root() == checkpoint.root_hash
    for index in random.Random(7).sample(range(checkpoint.size), 40):
        entry = reader.entry(index)
        assert json.loads(entry)["seq"] == index
        merkle.verify_inclusion(
            index=index,
            size=checkpoint.size,
            leaf_hash=merkle.leaf_hash(entry),
            proof=reader.inclusion_proof(index),
            root=checkpoint.root_hash,
        )
    # One changed byte in a level-1 tile no longer proves anything. A bit is flipped: setting
    # the byte to a fixed value left the tile unchanged when it already held that value (1 run
    # in 256, as entries carry their time; CI met it).
    tile = out / "tile/1/000.p/5"
    data = bytearray(tile.read_bytes())
    data[-1] ^= 0x01
    tile.write_bytes(bytes(data))
    tampered = tiles.TileReader(_directory_fetcher(out), tree_size=checkpoint.size)
    with pytest.raises(VerificationError):
        merkle.verify_inclusion(
            index=3,
            size=checkpoint.size,
            leaf_hash=tampered.leaf_hash(3),
            proof=tampered.inclusion_proof(3),
            root=checkpoint.root_hash,
        )


def test_export_refuses_a_directory_with_another_history(
    client: TestClient,
    database: Database,
    database_url_factory: Callable[[], str],
    tmp_path: Path,
) -> None:
    append(database, 300, batch=100)
    _sign(client)
    out = tmp_path / "tiles"
    _export(database, out)

    # Another ledger with the same origin and different entries, longer than this one.
    other = Database(database_url_factory())
    try:
        append(other, 310, batch=100, start=1000)
        with other.session(write=True) as session:
            service.sign_if_stale(session, signer=_app(client).state.signer)
        with pytest.raises(tile_service.ExportRefused, match="different history"):
            _export(other, out)
        # Without the checkpoint, the first tile that differs stops it.
        (out / "checkpoint").unlink()
        with pytest.raises(tile_service.ExportRefused, match="other bytes"):
            _export(other, out)
        assert not (out / "checkpoint").exists()
    finally:
        other.dispose()

    (out / "checkpoint").write_text("not a checkpoint\n")
    with pytest.raises(tile_service.ExportRefused, match="not a checkpoint"):
        _export(database, out)


def test_nothing_is_exported_before_a_checkpoint(database: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        _export(database, tmp_path / "tiles")
    assert not (tmp_path / "tiles").exists()


def test_the_cli_exports_and_reports_refusals(
    client: TestClient,
    database: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    append(database, 20, batch=20)
    _sign(client)
    out = tmp_path / "tiles"
    runner = CliRunner()

    def export() -> Result:
        get_settings.cache_clear()  # the CLI reads its settings from ``env``
        try:
            return runner.invoke(
                cli, ["tiles", "export", str(out)], env={"REGISTRY_DATABASE_URL": database_url}
            )
        finally:
            get_settings.cache_clear()

    done = export()
    assert done.exit_code == 0, done.output
    assert "tree size 20; wrote 3 files" in done.stdout
    assert (
        _files(out)["tile/entries/000.p/20"] == client.get("/tiles/tile/entries/000.p/20").content
    )

    (out / "checkpoint").write_text("elsewhere.example/log\n20\nAAAA\n\n— sig\n")
    refused = export()
    assert refused.exit_code == 1
    assert "refused" in refused.stderr


# HTTP: /tiles/, on both databases.


def test_served_tiles_are_the_exported_files_with_the_spec_headers(
    client: TestClient, database: Database, tmp_path: Path
) -> None:
    append(database, 600, batch=100)
    _sign(client)
    out = tmp_path / "tiles"
    _export(database, out)
    for path, data in _files(out).items():
        response = client.get(f"/tiles/{path}")
        assert response.status_code == 200, path
        assert response.content == data, path
        if path == "checkpoint":
            assert response.headers["content-type"] == "text/plain; charset=utf-8"
            assert response.headers["cache-control"] == "public, max-age=5"
            assert response.text == client.get("/api/v1/ledger/checkpoint").text
            continue
        assert response.headers["content-type"] == "application/octet-stream"
        full = ".p/" not in path
        assert (response.headers["cache-control"] == IMMUTABLE) is full, path
        if not full:
            assert response.headers["cache-control"] == "public, max-age=60"
    head = client.head("/tiles/tile/0/001")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["cache-control"] == IMMUTABLE


def test_entry_bundles_are_gzipped_when_the_client_accepts_it(
    client: TestClient, database: Database
) -> None:
    append(database, 256, batch=128)
    _sign(client)
    plain = client.get("/tiles/tile/entries/000", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert tiles.decode_bundle(plain.content) == _leaves(database)
    raw = client.get("/tiles/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.headers["vary"] == "Accept-Encoding"
    assert raw.content == plain.content  # httpx decodes it
    assert int(raw.headers["content-length"]) < len(plain.content) // 2
    refused = client.get("/tiles/tile/entries/000", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_only_tiles_the_latest_checkpoint_covers_are_served(
    client: TestClient, database: Database
) -> None:
    append(database, 600, batch=100)
    _sign(client)
    older_partial = client.get("/tiles/tile/0/002.p/88")
    assert older_partial.status_code == 200
    # Appended but not yet signed: the new leaves' tiles do not exist yet.
    append(database, 300, batch=100, start=600)
    for path in ("tile/0/002", "tile/entries/003.p/132", "tile/0/003.p/132", "tile/1/000.p/3"):
        response = client.get(f"/tiles/{path}")
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == 404
        assert "latest checkpoint (size 600)" in response.json()["detail"]
        assert [error["field"] for error in response.json()["errors"]] == ["path.path"]
    _sign(client)
    assert client.get("/tiles/tile/0/002").status_code == 200
    assert client.get("/tiles/tile/1/000.p/3").status_code == 200
    # A client that verified the checkpoint of 600 can still read its partial tiles.
    again = client.get("/tiles/tile/0/002.p/88")
    assert again.content == older_partial.content
    assert again.content == client.get("/tiles/tile/0/002").content[: 88 * 32]
    for path in (
        "tile/0/004",
        "tile/0/003.p/133",  # wider than the tree
        "tile/2/000.p/1",
        "tile/entries/004",
        "tile/0/1",  # not a tlog-tiles path
        "tile/0/x000/001",
        "tile/0/001.p/256",
        "tile/64/000",
        "tile/",
        "nothing",
    ):
        response = client.get(f"/tiles/{path}")
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM, path
        # Every problem names its field (found by an outside auditor: these had no errors).
        assert [error["field"] for error in response.json()["errors"]] == ["path.path"], path
