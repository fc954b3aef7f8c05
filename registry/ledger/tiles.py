"""C2SP tlog-tiles: the log as a finite set of static files, computed and read purely.

c2sp.org/tlog-tiles (copy in ``shared/standards/c2sp/tlog-tiles.md``) serves a log as

* ``checkpoint``: the signed tree head (tlog-checkpoint);
* ``tile/<L>/<N>[.p/<W>]``: *hash tiles*, 256 consecutive Merkle Tree Hashes each. At level
  L, hash i of tile n is MTH(D[(n * 256 + i) * 256**L : (n * 256 + i + 1) * 256**L]): level 0
  holds the leaf hashes, level 1 the roots of 256-leaf subtrees, and so on;
* ``tile/entries/<N>[.p/<W>]``: *entry bundles*, the leaves of level-0 tile N, each prefixed
  with its length as a big-endian uint16.

A tile that holds fewer than 256 hashes (the rightmost at each level) is *partial* and its
path carries its width W. Everything here is a pure function of the leaves, so any mirror can
recompute and check every file. ``TileBuilder`` turns a stream of leaf hashes into tiles in
O(levels x 256) memory; ``TileReader`` computes any node, root or proof from fetched tiles,
which is how a client checks a mirror against a signed checkpoint.

Hashing is RFC 6962 §2.1 (``merkle``). Malformed tile *data* raises ``VerificationError``; a
malformed *request* (a negative index, a node outside the tree) raises ``ValueError``.
"""

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Self

from . import merkle
from .errors import VerificationError
from .merkle import HASH_SIZE, NodeId

TILE_HEIGHT: Final = 8
"""tlog-tiles "Merkle Tree": a tile is a subtree of height 8 ..."""

TILE_WIDTH: Final = 1 << TILE_HEIGHT
"""... so a full tile holds 256 hashes (8,192 bytes) and a full entry bundle 256 entries."""

MAX_LEVEL: Final = 63
"""tlog-tiles: ``<L>`` is a decimal integer between 0 and 63."""

PATH_GROUP_BASE: Final = 1000
"""tlog-tiles: ``<N>`` is written in zero-padded 3-digit path elements (base 1000)."""

MAX_ENTRY_SIZE: Final = 0xFFFF
"""tlog-tiles "Log entries": each entry is prefixed with a big-endian uint16 length."""

ENTRY_LENGTH_SIZE: Final = 2
"""Bytes in an entry's length prefix."""

CHECKPOINT_PATH: Final = "checkpoint"
"""tlog-tiles "Checkpoints": ``<prefix>/checkpoint``."""

PARTIAL_SUFFIX: Final = ".p"
"""The path element suffix that marks a partial tile: ``<N>.p/<W>``."""

_TILE_PATH = re.compile(
    r"tile/(?P<level>entries|0|[1-9][0-9]{0,1})/"
    r"(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def encode_index(index: int) -> str:
    """``<N>`` as tlog-tiles writes it: 3-digit groups, all but the last prefixed with ``x``.

    1234067 is ``x001/x234/067``; 5 is ``005``.
    """
    if index < 0:
        raise ValueError(f"a tile index must be >= 0, got {index}")
    index, last = divmod(index, PATH_GROUP_BASE)
    groups = [f"{last:03d}"]
    while index:
        index, group = divmod(index, PATH_GROUP_BASE)
        groups.append(f"x{group:03d}")
    return "/".join(reversed(groups))


def _path_suffix(index: int, width: int) -> str:
    encoded = encode_index(index)
    return encoded if width == TILE_WIDTH else f"{encoded}{PARTIAL_SUFFIX}/{width}"


def _check_width(width: int) -> None:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"a tile holds 1..{TILE_WIDTH} items, got {width}")


def partial_width(level: int, tree_size: int) -> int:
    """tlog-tiles "Partial Tiles": the level-``level`` partial tile of a tree of ``tree_size``
    has floor(s / 256**l) mod 256 hashes (0: there is none)."""
    return (tree_size >> (TILE_HEIGHT * level)) % TILE_WIDTH


@dataclass(frozen=True)
class HashTile:
    """Tile ``index`` at ``level``, holding ``width`` hashes (256 unless partial)."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not 0 <= self.level <= MAX_LEVEL:
            raise ValueError(f"a tile level is 0..{MAX_LEVEL}, got {self.level}")
        if self.index < 0:
            raise ValueError(f"a tile index must be >= 0, got {self.index}")
        _check_width(self.width)

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """``tile/<L>/<N>[.p/<W>]``."""
        return f"tile/{self.level}/{_path_suffix(self.index, self.width)}"

    @property
    def start(self) -> int:
        """The first leaf the tile's hashes cover: its "start index", n * 256**(l+1)."""
        return self.index << (TILE_HEIGHT * (self.level + 1))

    @property
    def end(self) -> int:
        """One past the last leaf its hashes cover (the spec's "end index" when full)."""
        return self.start + (self.width << (TILE_HEIGHT * self.level))

    def node_ids(self) -> list[NodeId]:
        """The Merkle tree nodes the tile's hashes are, in order: level 8l of the tree."""
        first = self.index * TILE_WIDTH
        return [NodeId(TILE_HEIGHT * self.level, first + i) for i in range(self.width)]


@dataclass(frozen=True)
class EntryBundle:
    """Entry bundle ``index``: the ``width`` leaves that level-0 tile ``index`` hashes."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if self.index < 0:
            raise ValueError(f"a bundle index must be >= 0, got {self.index}")
        _check_width(self.width)

    @property
    def is_full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """``tile/entries/<N>[.p/<W>]``."""
        return f"tile/entries/{_path_suffix(self.index, self.width)}"

    @property
    def start(self) -> int:
        return self.index * TILE_WIDTH

    @property
    def end(self) -> int:
        return self.start + self.width


def parse_path(path: str) -> HashTile | EntryBundle:
    """The tile or bundle at ``path`` (relative to the prefix), accepting only the one
    spelling ``HashTile.path`` / ``EntryBundle.path`` gives it, so each resource has exactly
    one URL (and one cache entry). Raises ``ValueError`` for anything else."""
    match = _TILE_PATH.fullmatch(path)
    if match is None or match["index"].startswith("x000/"):
        raise ValueError(f"not a tlog-tiles path: {path!r}")
    index = int(match["index"].replace("x", "").replace("/", ""))
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if width >= TILE_WIDTH and match["width"]:
        raise ValueError(f"a partial tile holds 1..{TILE_WIDTH - 1} items: {path!r}")
    level = match["level"]
    tile = EntryBundle(index, width) if level == "entries" else HashTile(int(level), index, width)
    if tile.path != path:
        raise ValueError(f"not a tlog-tiles path: {path!r}")
    return tile


def tiles_for_size(tree_size: int) -> Iterator[HashTile]:
    """Every hash tile a tree of ``tree_size`` leaves is published as, level by level.

    Level l has floor(s / 256**l) hashes: that many // 256 full tiles, then one partial tile
    of the remainder, if any (tlog-tiles "Partial Tiles"; empty tiles do not exist).
    """
    if tree_size < 0:
        raise ValueError(f"tree size must be >= 0, got {tree_size}")
    level = 0
    while hashes := tree_size >> (TILE_HEIGHT * level):
        full, width = divmod(hashes, TILE_WIDTH)
        for index in range(full):
            yield HashTile(level, index)
        if width:
            yield HashTile(level, full, width)
        level += 1


def entry_bundles_for_size(tree_size: int) -> Iterator[EntryBundle]:
    """Every entry bundle of a tree of ``tree_size`` leaves: one per level-0 tile."""
    if tree_size < 0:
        raise ValueError(f"tree size must be >= 0, got {tree_size}")
    full, width = divmod(tree_size, TILE_WIDTH)
    for index in range(full):
        yield EntryBundle(index)
    if width:
        yield EntryBundle(full, width)


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """tlog-tiles "Log entries": each entry as a big-endian uint16 length and its bytes.

    Raises ``ValueError`` for an entry longer than 65,535 bytes, which the format cannot carry.
    """
    parts: list[bytes] = []
    for position, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise ValueError(
                f"entry {position} of the bundle is {len(entry)} bytes; "
                f"an entry bundle holds at most {MAX_ENTRY_SIZE}"
            )
        parts.append(len(entry).to_bytes(ENTRY_LENGTH_SIZE, "big"))
        parts.append(entry)
    return b"".join(parts)


def decode_bundle(data: bytes) -> list[bytes]:
    """The entries of an encoded bundle; ``VerificationError`` if it does not parse exactly."""
    entries: list[bytes] = []
    position = 0
    while position < len(data):
        if len(data) - position < ENTRY_LENGTH_SIZE:
            raise VerificationError("entry bundle ends inside a length prefix")
        length = int.from_bytes(data[position : position + ENTRY_LENGTH_SIZE], "big")
        position += ENTRY_LENGTH_SIZE
        if len(data) - position < length:
            raise VerificationError("entry bundle ends inside an entry")
        entries.append(data[position : position + length])
        position += length
    if len(entries) > TILE_WIDTH:
        raise VerificationError(f"entry bundle holds {len(entries)} entries, more than 256")
    return entries


def split_hashes(data: bytes) -> list[bytes]:
    """The 32-byte hashes of a tile's bytes; ``VerificationError`` if it is not whole hashes."""
    if len(data) % HASH_SIZE or not 0 < len(data) <= TILE_WIDTH * HASH_SIZE:
        raise VerificationError(f"a tile is 1..256 hashes of {HASH_SIZE} bytes, got {len(data)}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """MTH of a perfect subtree whose bottom row is ``hashes`` (a power of two of them).

    "A tile represents the entire subtree of height 8 with its hashes as the leaves": the
    levels between two tile levels are rebuilt by pairing neighbours, RFC 6962 §2.1.
    """
    count = len(hashes)
    if count == 0 or count & (count - 1):
        raise ValueError(f"a perfect subtree has a power of two of hashes, got {count}")
    row = list(hashes)
    while len(row) > 1:
        row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def _power_of_two_chunks(hashes: Sequence[bytes]) -> Iterator[Sequence[bytes]]:
    """``hashes`` cut left to right into perfect subtrees, largest first (the binary digits
    of their count), as RFC 6962 §2.1 splits a tree that is not perfect."""
    position, remaining = 0, len(hashes)
    while remaining:
        size = 1 << (remaining.bit_length() - 1)
        yield hashes[position : position + size]
        position += size
        remaining -= size


class TileBuilder:
    """Turns leaf hashes, in order, into hash tiles, holding at most 255 hashes per level.

    This is tlog-tiles' own view of the RFC 9162 §2.1.2 stack: the pending hashes of level l
    are the partial tile of level l. When one reaches 256 hashes it is a full tile, and its
    root (the MTH of the 256**(l+1) leaves it spans) becomes the next hash of level l + 1.
    ``resume`` continues from a tree size given the nodes ``resume_ids`` names, so an
    incremental export reads only the leaves it has not published yet.
    """

    __slots__ = ("_levels", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._levels: list[list[bytes]] = []

    @property
    def size(self) -> int:
        return self._size

    @staticmethod
    def resume_ids(tree_size: int) -> list[NodeId]:
        """The nodes whose hashes ``resume`` needs: those in each level's partial tile."""
        ids: list[NodeId] = []
        for tile in tiles_for_size(tree_size):
            if not tile.is_full:
                ids.extend(tile.node_ids())
        return ids

    @classmethod
    def resume(cls, tree_size: int, hashes: Mapping[NodeId, bytes]) -> Self:
        """A builder that has seen ``tree_size`` leaves, from the ``resume_ids`` node hashes."""
        builder = cls()
        builder._size = tree_size
        for tile in tiles_for_size(tree_size):
            if tile.is_full:
                continue
            while len(builder._levels) <= tile.level:
                builder._levels.append([])
            row = [hashes[node] for node in tile.node_ids()]
            if any(len(value) != HASH_SIZE for value in row):
                raise ValueError(f"node hashes must be {HASH_SIZE} bytes")
            builder._levels[tile.level] = row
        return builder

    def push(self, leaf_hash: bytes) -> list[tuple[HashTile, bytes]]:
        """Add the next leaf's hash; return the full tiles it completes, level 0 first."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes")
        size = self._size + 1
        completed: list[tuple[HashTile, bytes]] = []
        level, value = 0, leaf_hash
        while True:
            if level == len(self._levels):
                self._levels.append([])
            row = self._levels[level]
            row.append(value)
            if len(row) < TILE_WIDTH:
                break
            # Level l's tile n is full exactly when the size reaches (n + 1) * 256**(l+1).
            index = (size >> (TILE_HEIGHT * (level + 1))) - 1
            completed.append((HashTile(level, index), b"".join(row)))
            value = perfect_root(row)
            row.clear()
            level += 1
        self._size = size
        return completed

    def partial_tiles(self) -> list[tuple[HashTile, bytes]]:
        """The partial tiles of the current size, level 0 first."""
        return [
            (HashTile(level, self._size >> (TILE_HEIGHT * (level + 1)), len(row)), b"".join(row))
            for level, row in enumerate(self._levels)
            if row
        ]

    def root(self) -> bytes:
        """MTH of every leaf pushed: the partial tiles' perfect subtrees, folded.

        Level l's partial tile spans the leaves just after level l + 1's; within it, its
        hashes split into perfect subtrees by the binary digits of its width.
        """
        subtrees = [
            perfect_root(chunk)
            for row in reversed(self._levels)
            for chunk in _power_of_two_chunks(row)
        ]
        return merkle.fold(subtrees) if subtrees else merkle.EMPTY_ROOT


TileFetcher = Callable[[str], bytes | None]
"""Returns the bytes stored at a tlog-tiles path (relative to the prefix), or ``None`` if
there is nothing there."""


class TileReader:
    """Any node hash, root, proof or entry of a tree of ``tree_size``, read from tiles only.

    ``fetch`` can read a directory, an HTTP mirror or an object store. Nothing fetched is
    trusted: compare ``root()`` with a verified checkpoint of the same size, or verify
    ``inclusion_proof`` with ``merkle.verify_inclusion`` against its root. ``entry`` does
    check that an entry hashes to its level-0 tile hash, as tlog-tiles requires.

    When a partial tile is gone (a log MAY delete it once the full tile exists), the reader
    falls back to the full tile, whose first hashes are the same (tlog-tiles "Partial Tiles").
    The last ``cache_tiles`` tiles fetched are kept, so a proof costs one fetch per tile.
    """

    def __init__(self, fetch: TileFetcher, *, tree_size: int, cache_tiles: int = 64) -> None:
        if tree_size < 0:
            raise ValueError(f"tree size must be >= 0, got {tree_size}")
        self._fetch = fetch
        self._size = tree_size
        self._cache: OrderedDict[str, list[bytes]] = OrderedDict()
        self._cache_tiles = cache_tiles

    @property
    def tree_size(self) -> int:
        return self._size

    def _fetch_items(
        self, tile: HashTile | EntryBundle, full: HashTile | EntryBundle
    ) -> list[bytes]:
        """The items (hashes or entries) of ``tile``, from its own path or, for a partial
        tile that is no longer published, from the full tile's first items."""
        cached = self._cache.get(tile.path)
        if cached is not None:
            self._cache.move_to_end(tile.path)
            return cached
        data = self._fetch(tile.path)
        expected = tile.width
        if data is None and not tile.is_full:
            data = self._fetch(full.path)
            expected = TILE_WIDTH
        if data is None:
            raise VerificationError(f"{tile.path} is not available")
        items = decode_bundle(data) if isinstance(tile, EntryBundle) else split_hashes(data)
        if len(items) != expected:
            raise VerificationError(f"{tile.path} holds {len(items)} items, not {expected}")
        items = items[: tile.width]
        self._cache[tile.path] = items
        if len(self._cache) > self._cache_tiles:
            self._cache.popitem(last=False)
        return items

    def _tile(self, level: int, index: int) -> HashTile:
        """Tile ``index`` at ``level`` as this tree publishes it: full, or its partial tile."""
        full = HashTile(level, index)
        if full.end <= self._size:
            return full
        width = partial_width(level, self._size)
        if index != self._size >> (TILE_HEIGHT * (level + 1)) or not width:
            raise ValueError(f"tile {index} at level {level} is beyond a tree of {self._size}")
        return HashTile(level, index, width)

    def tile_hashes(self, level: int, index: int) -> list[bytes]:
        """The hashes of tile ``index`` at ``level`` for this tree size."""
        tile = self._tile(level, index)
        return self._fetch_items(tile, HashTile(level, index))

    def node_hash(self, node: NodeId) -> bytes:
        """The hash of a complete subtree of this tree.

        Node (k, i) sits in tile level l = k // 8: it is the root of the 2**(k mod 8)
        hashes of that level starting at i * 2**(k mod 8).
        """
        if node.index < 0 or node.level < 0 or node.end > self._size:
            raise ValueError(f"node {node} is not a complete subtree of a tree of {self._size}")
        level, height = divmod(node.level, TILE_HEIGHT)
        first = node.index << height
        index, offset = divmod(first, TILE_WIDTH)
        hashes = self.tile_hashes(level, index)
        return perfect_root(hashes[offset : offset + (1 << height)])

    def range_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for an aligned range (``merkle.subtree_ids``)."""
        return merkle.fold([self.node_hash(node) for node in merkle.subtree_ids(start, end)])

    def root(self) -> bytes:
        """The tree's root (RFC 6962 §2.1), to compare with a checkpoint of the same size."""
        return self.range_hash(0, self._size) if self._size else merkle.EMPTY_ROOT

    def leaf_hash(self, index: int) -> bytes:
        return self.node_hash(NodeId(0, index))

    def inclusion_proof(self, index: int) -> list[bytes]:
        """PATH(index, D[tree_size]) (RFC 9162 §2.1.3.1), for ``merkle.verify_inclusion``."""
        return [self.range_hash(*pair) for pair in merkle.inclusion_ranges(index, self._size)]

    def consistency_proof(self, first: int) -> list[bytes]:
        """PROOF(first, D[tree_size]) (RFC 9162 §2.1.4.1), for ``merkle.verify_consistency``."""
        return [self.range_hash(*pair) for pair in merkle.consistency_ranges(first, self._size)]

    def entry(self, index: int) -> bytes:
        """Leaf ``index``'s bytes from its entry bundle, checked against its level-0 hash."""
        if not 0 <= index < self._size:
            raise ValueError(f"leaf {index} is beyond a tree of {self._size}")
        bundle_index, offset = divmod(index, TILE_WIDTH)
        full = EntryBundle(bundle_index)
        bundle = (
            full
            if full.end <= self._size
            else EntryBundle(bundle_index, partial_width(0, self._size))
        )
        entry = self._fetch_items(bundle, full)[offset]
        if merkle.leaf_hash(entry) != self.leaf_hash(index):
            raise VerificationError(f"entry {index} does not hash to its level-0 tile hash")
        return entry
