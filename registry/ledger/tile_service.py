"""The ledger as C2SP tlog-tiles, from the database: single tiles for ``/tiles/``, and the
whole log exported to a directory that any static host can serve (``registry tiles export``).

The two compute the same bytes by different routes, and the tests hold them to it: a served
tile is read from the subtree hashes the store keeps (the node at tree level 8l, index j, is
hash j of level-l tiles), while the export hashes the leaves again with ``tiles.TileBuilder``
and refuses to publish unless the result reproduces the signed checkpoint's root.

The export is incremental. The directory's own ``checkpoint`` says how far an earlier run got;
after checking that its root is this ledger's root at that size, the run resumes at the start
of the first level-0 tile that was still partial, reads only the leaves from there (in chunks
of ``CHUNK_LEAVES``, so memory stays flat however long the log is), and writes only files that
are missing. Every file is written to a temporary name and renamed into place, and the
checkpoint goes last, so a reader of the directory never sees a checkpoint whose tiles are not
all there. A file that exists with other bytes stops the run: the directory holds another log,
or a different history.

Partial tiles are kept until the full tile of the same index exists, then deleted, as
tlog-tiles "Partial Tiles" allows: clients that verified an older checkpoint fall back to the
full tile. So a directory holds at most the partial tiles of the sizes exported since the last
full tile at each level.
"""

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from registry.core.errors import NotFound
from registry.ledger import merkle, service, store, tiles
from registry.ledger.checkpoint import parse_checkpoint_body, split_note
from registry.ledger.errors import VerificationError
from registry.ledger.models import LedgerCheckpoint

CHUNK_LEAVES: Final = 16 * tiles.TILE_WIDTH
"""Leaves read per query by the export: whole bundles, a few megabytes at most."""

FILE_MODE: Final = 0o644
"""Exported files are world-readable: a web server or sync tool publishes them as they are."""

"""signed-note "Format": the note text ends at the last blank line, the signatures follow."""


class ExportRefused(Exception):
    """The export cannot go on without publishing something wrong; nothing more is written."""


@dataclass(frozen=True)
class ExportReport:
    """What one run did: files written, files already there byte for byte, and superseded
    partial tiles removed."""

    tree_size: int
    previous_size: int | None
    written: int
    unchanged: int
    removed: int


def checkpoint(session: Session) -> service.Witnessed:
    """The checkpoint tiles are published for: the latest signed one, with the witnesses'
    cosignatures, byte for byte as ``GET /api/v1/ledger/checkpoint`` serves it."""
    latest = service.latest_witnessed(session)
    if latest is None:
        raise NotFound("no checkpoint has been signed yet")
    return latest


def tree_size(session: Session) -> int:
    """The size of the latest signed checkpoint: the tiles beyond it do not exist yet."""
    latest = service.latest_checkpoint(session)
    if latest is None:
        raise NotFound("no checkpoint has been signed yet")
    return latest.tree_size


def read(session: Session, tile: tiles.HashTile | tiles.EntryBundle, *, tree_size: int) -> bytes:
    """The bytes of one tile or entry bundle of the tree of ``tree_size`` leaves.

    Any tile whose leaves all lie within the tree is served, a partial tile of an older size
    included (tlog-tiles: logs MUST serve the partial tiles of every checkpointed size until
    the full tile exists; serving them afterwards as well costs nothing). ``NotFound``
    otherwise.
    """
    if tile.end > tree_size:
        raise NotFound(f"{tile.path} is beyond the latest checkpoint (size {tree_size})")
    if isinstance(tile, tiles.EntryBundle):
        return tiles.encode_bundle(store.read_leaves(session, tile.start, tile.end))
    nodes = tile.node_ids()
    hashes = store.read_hashes(session, nodes)
    if hashes is None:
        raise LookupError(f"ledger storage is missing subtree hashes of {tile.path}")
    return b"".join(hashes[node] for node in nodes)


def export(session: Session, *, directory: Path) -> ExportReport:
    """Bring ``directory`` up to the latest checkpoint (see the module docstring)."""
    witnessed = checkpoint(session)
    latest = witnessed.checkpoint
    note = witnessed.note.encode("utf-8")
    checkpoint_path = directory / tiles.CHECKPOINT_PATH
    files = _Files(directory)
    previous_note = files.existing(checkpoint_path)
    if previous_note == note:
        return ExportReport(
            tree_size=latest.tree_size,
            previous_size=latest.tree_size,
            written=0,
            unchanged=1,
            removed=0,
        )
    previous_size = (
        None if previous_note is None else _previous_size(session, previous_note, latest)
    )
    # Resume where the earlier run's level-0 partial tile began: everything before it is in
    # full tiles, which never change.
    start = (previous_size or 0) // tiles.TILE_WIDTH * tiles.TILE_WIDTH
    builder = _builder_at(session, start)
    bundle: list[bytes] = []
    for chunk_start in range(start, latest.tree_size, CHUNK_LEAVES):
        chunk_end = min(chunk_start + CHUNK_LEAVES, latest.tree_size)
        leaves = store.read_leaves(session, chunk_start, chunk_end)
        if len(leaves) != chunk_end - chunk_start:
            raise ExportRefused(f"the ledger is missing leaves in [{chunk_start}, {chunk_end})")
        for leaf in leaves:
            bundle.append(leaf)
            for tile, data in builder.push(merkle.leaf_hash(leaf)):
                files.put(tile, data)
            if len(bundle) == tiles.TILE_WIDTH:
                files.put(_bundle(builder.size, bundle), _encode(builder.size, bundle))
                bundle.clear()
    if bundle:
        files.put(_bundle(builder.size, bundle), _encode(builder.size, bundle))
    for tile, data in builder.partial_tiles():
        files.put(tile, data)
    if builder.root() != latest.root_hash:
        raise ExportRefused(
            f"the leaves hash to {builder.root().hex()}, not to the checkpoint's root "
            f"{latest.root_hash.hex()}; the checkpoint was not published"
        )
    files.replace(checkpoint_path, note)
    removed = files.remove_superseded_partials()
    return ExportReport(
        tree_size=latest.tree_size,
        previous_size=previous_size,
        written=files.written,
        unchanged=files.unchanged,
        removed=removed,
    )


def _previous_size(session: Session, note: bytes, latest: LedgerCheckpoint) -> int:
    """The size of the checkpoint an earlier run left, once it is known to be a checkpoint
    of this ledger: same origin, and this ledger's root at its size."""
    try:
        text = note.decode("utf-8")
        previous = parse_checkpoint_body(split_note(text)[0])
    except (UnicodeDecodeError, ValueError, VerificationError) as exc:
        raise ExportRefused(f"the directory's checkpoint is not a checkpoint: {exc}") from exc
    current = parse_checkpoint_body(split_note(latest.note)[0])
    if previous.origin != current.origin:
        raise ExportRefused(
            f"the directory holds the log {previous.origin!r}, not {current.origin!r}"
        )
    if previous.size > latest.tree_size:
        raise ExportRefused(
            f"the directory's checkpoint (size {previous.size}) is ahead of the ledger's "
            f"latest ({latest.tree_size})"
        )
    if service.root(session, previous.size) != previous.root_hash:
        raise ExportRefused(
            f"the directory's checkpoint of size {previous.size} has a root that is not this "
            "ledger's: the directory holds a different history"
        )
    return previous.size


def _builder_at(session: Session, tree_size: int) -> tiles.TileBuilder:
    """A builder that has seen the first ``tree_size`` leaves, from the stored subtree
    hashes of that size's partial tiles (at most 255 per level, one query)."""
    nodes = tiles.TileBuilder.resume_ids(tree_size)
    hashes = store.read_hashes(session, nodes) if nodes else {}
    if hashes is None:
        raise ExportRefused(f"ledger storage is missing subtree hashes below {tree_size}")
    return tiles.TileBuilder.resume(tree_size, hashes)


def _bundle(size: int, entries: list[bytes]) -> tiles.EntryBundle:
    """The bundle whose last entry is leaf ``size - 1``."""
    return tiles.EntryBundle((size - 1) // tiles.TILE_WIDTH, len(entries))


def _encode(size: int, entries: list[bytes]) -> bytes:
    try:
        return tiles.encode_bundle(entries)
    except ValueError as exc:
        first = size - len(entries)
        raise ExportRefused(f"entries {first}..{size - 1}: {exc}") from exc


class _Files:
    """The directory's files: written atomically, never overwritten with other bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written = 0
        self.unchanged = 0
        self._superseded: list[Path] = []

    @staticmethod
    def existing(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def put(self, tile: tiles.HashTile | tiles.EntryBundle, data: bytes) -> None:
        """Write an immutable file (a tile or bundle, full or partial) unless it is there."""
        path = self.root / tile.path
        found = self.existing(path)
        if found is None:
            _write_atomically(path, data)
            self.written += 1
        elif found == data:
            self.unchanged += 1
        else:
            raise ExportRefused(
                f"{path} already holds other bytes: the directory holds another log or a "
                "different history"
            )
        if tile.is_full:
            partials = path.with_name(path.name + tiles.PARTIAL_SUFFIX)
            if partials.is_dir():
                self._superseded.append(partials)

    def replace(self, path: Path, data: bytes) -> None:
        """Write a mutable file (the checkpoint)."""
        if self.existing(path) == data:
            self.unchanged += 1
            return
        _write_atomically(path, data)
        self.written += 1

    def remove_superseded_partials(self) -> int:
        """Delete ``<N>.p/`` of every full tile now present (after the new checkpoint)."""
        for partials in self._superseded:
            shutil.rmtree(partials)
        return len(self._superseded)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory, flushed to
    disk before the rename, so ``path`` is either absent or complete, even after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)  # os.replace: atomic on POSIX
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
