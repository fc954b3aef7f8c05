"""RFC 6962 / RFC 9162 Merkle tree hashing, proof shapes and proof verification.

The ledger never holds a whole tree in memory. The database stores the hash of every
*complete* perfect subtree keyed by its ``NodeId(level, index)``; this module says which of
those nodes a proof needs and how to combine them:

* ``inclusion_ranges`` / ``consistency_ranges`` give the leaf ranges whose Merkle Tree
  Hash (MTH) is each proof entry, in proof order;
* ``subtree_ids`` maps one range to the perfect subtrees whose right ``fold`` is its MTH,
  so the server reads every needed node in one query and folds each range;
* ``CompactRange`` is the O(log n) frontier the append path keeps, and it reports the nodes
  each new leaf completes so the store can write exactly those rows.

Every function is O(log n) in the tree size. The verifiers raise ``VerificationError`` and
nothing else, for a mismatch and for malformed input alike (wrong hash length, an index out
of range, a proof of the wrong length), so a caller cannot miss a failure by catching the
wrong type.

Hashing is SHA-256 throughout, as RFC 6962 §2.1 and the RFC 9162 SHA-256 parameters use.
"""

import hashlib
from collections.abc import Sequence
from typing import Final, NamedTuple, Self

from .errors import VerificationError

HASH_SIZE: Final = 32
"""Bytes in every hash: leaf hashes, node hashes, roots and proof entries (SHA-256)."""

LEAF_PREFIX: Final = b"\x00"
"""Domain separation for leaves (RFC 6962 §2.1), so no leaf hash equals a node hash."""

NODE_PREFIX: Final = b"\x01"
"""Domain separation for interior nodes (RFC 6962 §2.1)."""

EMPTY_ROOT: Final = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() — the root of the empty tree (RFC 6962 §2.1, RFC 9162 §2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """MTH({d0}) = SHA-256(0x00 || d0): the hash of one entry (RFC 6962 §2.1, RFC 9162 §2.1.1)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): an interior node (RFC 6962 §2.1, RFC 9162 §2.1.1).

    The lengths are not checked here: this is the hot path, and every caller either hashes
    values it computed itself or has already validated them.
    """
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class NodeId(NamedTuple):
    """A perfect subtree: the leaves ``[index * 2**level, (index + 1) * 2**level)``.

    Level 0 is a leaf. This is the key under which the store keeps a complete subtree's hash.
    The field ``index`` hides ``tuple.index``; the name is what the store's schema uses.
    """

    level: int
    index: int  # type: ignore[assignment]  # shadows tuple.index on purpose, see above

    @property
    def start(self) -> int:
        """The first leaf the subtree covers."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf the subtree covers."""
        return (self.index + 1) << self.level


def _largest_power_of_two_below(n: int) -> int:
    """The RFC's split point k: the largest power of two smaller than n (needs n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def subtree_ids(start: int, end: int) -> list[NodeId]:
    """The perfect subtrees, left to right, whose right ``fold`` is MTH(D[start:end]).

    RFC 9162 §2.1.1 splits n leaves at k, the largest power of two below n, and hashes the
    left k leaves as one perfect subtree; recursing on the right part peels off the binary
    digits of n from the largest down. A range is only stored as these nodes when every one
    of them is aligned (its start is a multiple of its size); the proof ranges below always
    are, so an unaligned range is a programming error and raises ``ValueError``.
    """
    if start < 0 or start >= end:
        raise ValueError(f"need 0 <= start < end, got [{start}, {end})")
    ids: list[NodeId] = []
    position = start
    while position < end:
        remaining = end - position
        size = remaining if _is_power_of_two(remaining) else _largest_power_of_two_below(remaining)
        if position % size:
            raise ValueError(
                f"leaf range [{start}, {end}) needs a subtree of {size} leaves at {position}, "
                "which is not aligned"
            )
        ids.append(NodeId(size.bit_length() - 1, position // size))
        position += size
    return ids


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine ``subtree_ids`` hashes, right to left, into the MTH of their range.

    MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n])) with D[0:k] perfect (RFC 9162 §2.1.1),
    so the hashes of the perfect subtrees, largest first, fold from the right.
    """
    if not hashes:
        raise ValueError("cannot fold an empty list of hashes")
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def root_ids(size: int) -> list[NodeId]:
    """The perfect subtrees whose fold is the root of a tree of ``size`` leaves; [] if empty."""
    if size < 0:
        raise ValueError(f"tree size must be >= 0, got {size}")
    return subtree_ids(0, size) if size else []


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1, RFC 6962 §2.1.1) as leaf ranges, nearest the leaf first.

    The RFC recursion descends from the root: the sibling of the half holding leaf m is an
    audit path entry, and the recursion continues into that half. Each entry here is the
    range ``[start, end)`` whose MTH is the entry; map it through ``subtree_ids`` and
    ``fold`` to get the hash.
    """
    if not 0 <= index < size:
        raise ValueError(f"need 0 <= index < size, got index {index}, size {size}")
    ranges: list[tuple[int, int]] = []
    low, high = 0, size
    while high - low > 1:
        middle = low + _largest_power_of_two_below(high - low)
        if index < middle:
            ranges.append((middle, high))
            high = middle
        else:
            ranges.append((low, middle))
            low = middle
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1, RFC 6962 §2.1.2) as ranges.

    The RFC recursion descends from the root of the second tree. While the first tree ends
    in the left half the right half is an entry; once it ends in the right half, the left
    half (a perfect subtree of both trees) is an entry and the flag turns false, which makes
    the subtree where the recursion stops an entry too. The first tree's root is only left
    out when it is itself a perfect subtree on the left edge (the flag is still true).
    Entries are returned in proof order, nearest the old tree first. ``first == second``
    gives ``[]``.
    """
    if not 0 < first <= second:
        raise ValueError(f"need 0 < first <= second, got first {first}, second {second}")
    ranges: list[tuple[int, int]] = []
    low, high = 0, second
    first_is_left_edge = True
    while first != high:
        middle = low + _largest_power_of_two_below(high - low)
        if first <= middle:
            ranges.append((middle, high))
            high = middle
        else:
            ranges.append((low, middle))
            low = middle
            first_is_left_edge = False
    if not first_is_left_edge:
        ranges.append((low, high))
    ranges.reverse()
    return ranges


def _check_hash(name: str, value: object) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        got = f"{len(value)} bytes" if isinstance(value, bytes) else type(value).__name__
        raise VerificationError(f"{name} must be {HASH_SIZE} bytes, got {got}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, item in enumerate(proof):
        _check_hash(f"proof[{position}]", item)


def _inclusion_proof_length(index: int, size: int) -> int:
    """How many entries PATH(index, D[size]) has: the levels below the point where the
    leaf's path leaves the right edge of the tree, plus one per left sibling above it."""
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner + border


def _consistency_proof_length(first: int, second: int) -> int:
    """How many entries PROOF(first, D[second]) has (first < second), counted the same way
    from the point where the two trees' last leaves part; one more when the first root is
    not a perfect subtree and so must be sent."""
    fork = ((first - 1) ^ (second - 1)).bit_length()
    border = ((first - 1) >> fork).bit_count()
    shift = (first & -first).bit_length() - 1
    seed = 0 if _is_power_of_two(first) else 1
    return seed + fork - shift + border


def root_from_inclusion_proof(
    *, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that ``proof`` places ``leaf_hash`` under, per RFC 9162 §2.1.3.2 steps 1-4.

    Raises ``VerificationError`` if the inputs are malformed (an index outside the tree, a
    hash that is not 32 bytes, a proof of the wrong length for this index and size).
    """
    if index < 0 or size <= 0 or index >= size:
        raise VerificationError(f"need 0 <= index < size, got index {index}, size {size}")
    _check_hash("leaf hash", leaf_hash)
    _check_proof_hashes(proof)
    expected = _inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise VerificationError(
            f"inclusion proof for leaf {index} of {size} needs {expected} hashes, got {len(proof)}"
        )
    fn, sn = index, size - 1
    result = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise VerificationError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("inclusion proof is shorter than the path to the root")
    return result


def verify_inclusion(
    *, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf ``index`` of a ``size``-leaf tree with ``root`` has ``leaf_hash``.

    RFC 9162 §2.1.3.2. Raises ``VerificationError`` on any failure. Note that the proof
    binds the index and the root, not the size: the size must come from the same signed
    checkpoint as the root.
    """
    _check_hash("root", root)
    computed = root_from_inclusion_proof(index=index, size=size, leaf_hash=leaf_hash, proof=proof)
    if computed != root:
        raise VerificationError(f"inclusion proof for leaf {index} of {size} does not match root")


def _roots_from_consistency_proof(
    first: int, second: int, proof: Sequence[bytes], first_root: bytes
) -> tuple[bytes, bytes]:
    """Rebuild (first root, second root) from a proof, RFC 9162 §2.1.4.2 steps 2-6.

    Needs 0 < first < second and a proof of the right length, already checked.
    """
    # Step 2: a perfect first tree is its own entry, which the proof leaves out.
    path = [first_root, *proof] if _is_power_of_two(first) else list(proof)
    # Steps 3-4: skip the levels where the first tree's last leaf is a right child
    # inside a subtree that is complete in both trees.
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # Steps 5-6: rebuild both roots at once; left siblings are shared by both trees,
    # right siblings only belong to the second.
    first_result = second_result = path[0]
    for entry in path[1:]:
        if sn == 0:
            raise VerificationError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            first_result = node_hash(entry, first_result)
            second_result = node_hash(entry, second_result)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            second_result = node_hash(second_result, entry)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerificationError("consistency proof is shorter than the path to the root")
    return first_result, second_result


def verify_consistency(
    *,
    first: int,
    second: int,
    proof: Sequence[bytes],
    first_root: bytes,
    second_root: bytes,
) -> None:
    """Check that the ``first``-leaf tree is a prefix of the ``second``-leaf tree.

    RFC 9162 §2.1.4.2. Raises ``VerificationError`` on any failure. ``first == 0`` is
    rejected: the empty tree is a prefix of every tree, so a protocol that allows it must
    handle it before calling here. Unlike the Go reference verifier (transparency-dev/merkle),
    roots are checked to be 32 bytes even when ``first == second``, so malformed roots never
    verify on any path.
    """
    _check_hash("first root", first_root)
    _check_hash("second root", second_root)
    _check_proof_hashes(proof)
    if first <= 0:
        raise VerificationError(f"first tree size must be > 0, got {first}")
    if first > second:
        raise VerificationError(f"first tree size {first} is larger than second {second}")
    if first == second:
        if proof:
            raise VerificationError("a consistency proof between equal sizes must be empty")
        if first_root != second_root:
            raise VerificationError(f"two different roots for tree size {first}")
        return
    expected = _consistency_proof_length(first, second)
    if len(proof) != expected:
        raise VerificationError(
            f"consistency proof from {first} to {second} needs {expected} hashes, got {len(proof)}"
        )
    first_result, second_result = _roots_from_consistency_proof(first, second, proof, first_root)
    # Step 7.
    if first_result != first_root:
        raise VerificationError(f"consistency proof does not match the root of size {first}")
    if second_result != second_root:
        raise VerificationError(f"consistency proof does not match the root of size {second}")


class CompactRange:
    """The frontier of perfect subtrees covering leaves [0, size): O(log n) hashes.

    This is the stack of RFC 9162 §2.1.2 ("Verifying a Tree Head Given Entries"): one hash
    per set bit of ``size``, largest subtree first, and ``root()`` folds them. The append path
    keeps it in one database row (``to_bytes``) and writes the nodes ``append`` reports;
    the auditor streams every leaf through it to recompute a root without a tree.

    Construction and ``append`` raise ``ValueError`` for malformed values: these come from
    the ledger's own storage, not from a proof under verification.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0:
            raise ValueError(f"tree size must be >= 0, got {size}")
        if len(hashes) != size.bit_count():
            raise ValueError(
                f"a compact range of size {size} has {size.bit_count()} hashes, got {len(hashes)}"
            )
        for position, value in enumerate(hashes):
            if not isinstance(value, bytes) or len(value) != HASH_SIZE:
                raise ValueError(f"hashes[{position}] is not {HASH_SIZE} bytes")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        """How many leaves the range covers."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The frontier hashes, left to right (largest subtree first): ``root_ids(size)``."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> list[tuple[NodeId, bytes]]:
        """Add one leaf; return every node it completes, leaf first, then parents bottom up.

        A new leaf at index i completes one parent per trailing 1 bit of i: each merges the
        frontier's last subtree with the new one, as the RFC 9162 §2.1.2 stack does.
        """
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"leaf hash must be {HASH_SIZE} bytes")
        position = self._size
        completed = [(NodeId(0, position), leaf_hash)]
        level, current = 0, leaf_hash
        while position & 1:
            current = node_hash(self._hashes.pop(), current)
            level += 1
            position >>= 1
            completed.append((NodeId(level, position), current))
        self._hashes.append(current)
        self._size += 1
        return completed

    def push(self, leaf_hash: bytes) -> None:
        """``append`` for callers that need only the root: no list of nodes is built.

        The auditor calls this once per leaf of the whole ledger, so it is kept minimal; the
        caller guarantees a 32-byte hash (it has just computed it).
        """
        position = self._size
        hashes = self._hashes
        while position & 1:
            leaf_hash = node_hash(hashes.pop(), leaf_hash)
            position >>= 1
        hashes.append(leaf_hash)
        self._size += 1

    def root(self) -> bytes:
        """MTH of leaves [0, size) (RFC 9162 §2.1.1): ``EMPTY_ROOT`` when there are none."""
        return fold(self._hashes) if self._hashes else EMPTY_ROOT

    def to_bytes(self) -> bytes:
        """The frontier hashes concatenated; the size is stored alongside, not in here."""
        return b"".join(self._hashes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Self:
        """Rebuild the range ``to_bytes`` wrote for a tree of ``size`` leaves."""
        if size < 0:
            raise ValueError(f"tree size must be >= 0, got {size}")
        expected = size.bit_count() * HASH_SIZE
        if len(data) != expected:
            raise ValueError(f"a compact range of size {size} is {expected} bytes, got {len(data)}")
        return cls(size, [data[i : i + HASH_SIZE] for i in range(0, expected, HASH_SIZE)])

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()})"
