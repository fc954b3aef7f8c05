"""Tests for registry.ledger.merkle.

Three independent sources of truth:

* the transparency-dev/merkle JSON vectors (tests/vectors/rfc6962, see its README);
* reference definitions written here straight from the RFC text (MTH, PATH, PROOF), using
  hashlib directly so a bug in the module's hashing cannot hide itself;
* properties: proofs are built the way the server builds them (ranges -> node ids -> one
  read from a store of complete subtrees -> fold) and must verify, and every mutation of
  them must not.
"""

import base64
import functools
import hashlib
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.ledger.errors import VerificationError
from registry.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
    CompactRange,
    NodeId,
    consistency_ranges,
    fold,
    inclusion_ranges,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    root_ids,
    subtree_ids,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).parent / "vectors" / "rfc6962"

# The one published vector we disagree with on purpose. The Go verifier compares the
# roots of two equal-sized trees byte for byte without checking their length, so this
# vector (12-byte roots "don't care 2") expects success. We reject any hash that is not
# 32 bytes on every path, so a malformed checkpoint never verifies.
DIVERGENT_VECTORS = {
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json": (
        "12-byte roots: the Go verifier accepts them when size1 == size2, ours rejects them"
    ),
}

# The 8-leaf fixture tree from transparency-dev/merkle testonly/constants.go.
FIXTURE_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
FIXTURE_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

# Property tests run on one tree of MAX_LEAVES leaves; every smaller tree is a prefix of it.
MAX_LEAVES = 2048
EXHAUSTIVE_SIZES = range(1, 301)  # every size, every index / every first size: must verify
MUTATION_SIZES = range(1, 33)  # every size and index, every mutation
LEAF_DATA = [b"entry %d" % i for i in range(MAX_LEAVES)]
OTHER_HASH = hashlib.sha256(b"not part of any tree").digest()


# --- Reference definitions, straight from RFC 6962 §2.1 / RFC 9162 §2.1 -------------------


def _split(n: int) -> int:
    """k, the largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_mth(entries: Sequence[bytes]) -> bytes:
    """MTH(D[n]), RFC 6962 §2.1."""
    n = len(entries)
    if n == 0:
        return hashlib.sha256().digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = _split(n)
    return hashlib.sha256(
        b"\x01" + reference_mth(entries[:k]) + reference_mth(entries[k:])
    ).digest()


def reference_path(m: int, entries: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 6962 §2.1.1."""
    n = len(entries)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*reference_path(m, entries[:k]), reference_mth(entries[k:])]
    return [*reference_path(m - k, entries[k:]), reference_mth(entries[:k])]


def reference_subproof(m: int, entries: Sequence[bytes], *, complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 6962 §2.1.2."""
    n = len(entries)
    if m == n:
        return [] if complete else [reference_mth(entries)]
    k = _split(n)
    if m <= k:
        return [*reference_subproof(m, entries[:k], complete=complete), reference_mth(entries[k:])]
    return [*reference_subproof(m - k, entries[k:], complete=False), reference_mth(entries[:k])]


def reference_proof(m: int, entries: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 6962 §2.1.2."""
    return reference_subproof(m, entries, complete=True)


@functools.cache
def reference_root(size: int) -> bytes:
    return reference_mth(LEAF_DATA[:size])


def reference_leaf_hash(index: int) -> bytes:
    return hashlib.sha256(b"\x00" + LEAF_DATA[index]).digest()


# --- The server's way of building proofs ----------------------------------------------------


@functools.cache
def node_store() -> dict[NodeId, bytes]:
    """Every complete subtree hash of the MAX_LEAVES tree, as the append path writes them."""
    compact = CompactRange()
    store: dict[NodeId, bytes] = {}
    for index in range(MAX_LEAVES):
        for node, value in compact.append(reference_leaf_hash(index)):
            assert node not in store, f"{node} written twice"
            store[node] = value
    return store


def build_proof(ranges: list[tuple[int, int]], size: int) -> list[bytes]:
    """Map ranges to node ids, read them all at once, fold each range."""
    ids_per_range = [subtree_ids(start, end) for start, end in ranges]
    wanted = {node for ids in ids_per_range for node in ids}
    # Every node must already be complete in a tree of `size` leaves, so the proof can be
    # served for an old tree size from a store that has grown since.
    assert all(node.end <= size for node in wanted)
    rows = {node: node_store()[node] for node in wanted}
    return [fold([rows[node] for node in ids]) for ids in ids_per_range]


def build_inclusion_proof(index: int, size: int) -> list[bytes]:
    return build_proof(inclusion_ranges(index, size), size)


def build_consistency_proof(first: int, second: int) -> list[bytes]:
    return build_proof(consistency_ranges(first, second), second)


def ceil_log2(n: int) -> int:
    return math.ceil(math.log2(n)) if n > 1 else 0


# --- Mutations --------------------------------------------------------------------------


def flip_bit(value: bytes, bit: int) -> bytes:
    mutated = bytearray(value)
    mutated[bit // 8] ^= 1 << (bit % 8)
    return bytes(mutated)


def proof_mutations(proof: list[bytes], bits: Sequence[int]) -> Iterator[tuple[str, list[bytes]]]:
    """Every flipped bit (at the given positions), dropped item and inserted item."""
    for position, item in enumerate(proof):
        for bit in bits:
            yield (
                f"proof[{position}] bit {bit}",
                [*proof[:position], flip_bit(item, bit), *proof[position + 1 :]],
            )
        yield f"drop proof[{position}]", proof[:position] + proof[position + 1 :]
    for position in range(len(proof) + 1):
        yield f"insert at {position}", [*proof[:position], OTHER_HASH, *proof[position:]]
        if proof:
            duplicate = proof[min(position, len(proof) - 1)]
            yield f"duplicate at {position}", [*proof[:position], duplicate, *proof[position:]]


def inclusion_mutations(
    index: int, size: int, proof: list[bytes], bits: Sequence[int], other_sizes: Sequence[int]
) -> Iterator[tuple[str, dict[str, Any]]]:
    valid: dict[str, Any] = {
        "index": index,
        "size": size,
        "leaf_hash": reference_leaf_hash(index),
        "proof": proof,
        "root": reference_root(size),
    }
    for label, mutated in proof_mutations(proof, bits):
        yield label, {**valid, "proof": mutated}
    for bit in bits:
        yield f"leaf bit {bit}", {**valid, "leaf_hash": flip_bit(valid["leaf_hash"], bit)}
        yield f"root bit {bit}", {**valid, "root": flip_bit(valid["root"], bit)}
    for other in {*range(size), size, size + 1, -1} - {index}:
        yield f"index {other}", {**valid, "index": other}
    for other in {*other_sizes, 0, -1, size + 1, 2 * size} - {size}:
        # The wrong size with the root of that size: what a checkpoint for it would carry.
        root = reference_root(other) if 0 <= other <= MAX_LEAVES else valid["root"]
        yield f"size {other}", {**valid, "size": other, "root": root}
    yield "empty root", {**valid, "root": EMPTY_ROOT}
    if size > 1:  # in a one-leaf tree the leaf hash is the root
        yield "leaf as root", {**valid, "root": valid["leaf_hash"]}
    yield "other leaf", {**valid, "leaf_hash": OTHER_HASH}


def consistency_mutations(
    first: int, second: int, proof: list[bytes], bits: Sequence[int], other_sizes: Sequence[int]
) -> Iterator[tuple[str, dict[str, Any]]]:
    valid: dict[str, Any] = {
        "first": first,
        "second": second,
        "proof": proof,
        "first_root": reference_root(first),
        "second_root": reference_root(second),
    }
    for label, mutated in proof_mutations(proof, bits):
        yield label, {**valid, "proof": mutated}
    for bit in bits:
        yield f"first root bit {bit}", {**valid, "first_root": flip_bit(valid["first_root"], bit)}
        yield (
            f"second root bit {bit}",
            {**valid, "second_root": flip_bit(valid["second_root"], bit)},
        )
    if first != second:
        yield (
            "swapped roots",
            {**valid, "first_root": valid["second_root"], "second_root": valid["first_root"]},
        )
        yield "empty proof", {**valid, "proof": []}
    for other in {*other_sizes, 0, -1, first + 1, second + 1} - {first}:
        root = reference_root(other) if 0 <= other <= MAX_LEAVES else valid["first_root"]
        yield f"first {other}", {**valid, "first": other, "first_root": root}
    for other in {*other_sizes, 0, -1, second + 1, 2 * second} - {second}:
        root = reference_root(other) if 0 <= other <= MAX_LEAVES else valid["second_root"]
        yield f"second {other}", {**valid, "second": other, "second_root": root}
    yield "extra first root", {**valid, "proof": [valid["first_root"], *proof]}
    yield "extra second root", {**valid, "proof": [*proof, valid["second_root"]]}


# --- Published vectors ----------------------------------------------------------------------


def _vector_files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _decode(field: str) -> bytes:
    return base64.b64decode(field, validate=True)


def _vector_id(path: Path) -> str:
    return path.relative_to(VECTORS).as_posix()


def test_vector_counts() -> None:
    assert len(_vector_files("inclusion")) == 98
    assert len(_vector_files("consistency")) == 98
    for name in DIVERGENT_VECTORS:
        assert (VECTORS / name).is_file()


@pytest.mark.parametrize("path", _vector_files("inclusion"), ids=_vector_id)
def test_inclusion_vector(path: Path) -> None:
    vector = json.loads(path.read_text())

    def verify() -> None:
        verify_inclusion(
            index=vector["leafIdx"],
            size=vector["treeSize"],
            leaf_hash=_decode(vector["leafHash"]),
            proof=[_decode(item) for item in vector["proof"] or []],
            root=_decode(vector["root"]),
        )

    if vector["wantErr"]:
        with pytest.raises(VerificationError):
            verify()
    else:
        verify()


@pytest.mark.parametrize("path", _vector_files("consistency"), ids=_vector_id)
def test_consistency_vector(path: Path) -> None:
    vector = json.loads(path.read_text())

    def verify() -> None:
        verify_consistency(
            first=vector["size1"],
            second=vector["size2"],
            proof=[_decode(item) for item in vector["proof"] or []],
            first_root=_decode(vector["root1"]),
            second_root=_decode(vector["root2"]),
        )

    if _vector_id(path) in DIVERGENT_VECTORS:
        assert vector["wantErr"] is False  # the vector still says what we diverge from
        with pytest.raises(VerificationError, match="32 bytes"):
            verify()
    elif vector["wantErr"]:
        with pytest.raises(VerificationError):
            verify()
    else:
        verify()


# --- Hashing and the fixture tree -------------------------------------------------------


def test_constants() -> None:
    assert HASH_SIZE == 32
    assert LEAF_PREFIX == b"\x00"
    assert NODE_PREFIX == b"\x01"
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == FIXTURE_ROOTS[0]


def test_leaf_and_node_hash() -> None:
    assert leaf_hash(b"data") == hashlib.sha256(b"\x00data").digest()
    assert leaf_hash(b"").hex() == FIXTURE_ROOTS[1].hex()
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert node_hash(left, right) != node_hash(right, left)


@pytest.mark.parametrize("size", range(9))
def test_fixture_roots(size: int) -> None:
    assert reference_mth(FIXTURE_LEAVES[:size]) == FIXTURE_ROOTS[size]
    compact = CompactRange()
    for data in FIXTURE_LEAVES[:size]:
        compact.append(leaf_hash(data))
    assert compact.size == size
    assert compact.root() == FIXTURE_ROOTS[size]


# --- Node ids, subtree decomposition and fold ------------------------------------------------


def test_node_id_covers_its_leaves() -> None:
    assert NodeId(0, 5).start == 5
    assert NodeId(0, 5).end == 6
    assert NodeId(3, 2).start == 16
    assert NodeId(3, 2).end == 24
    assert NodeId(2, 1) == (2, 1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 1, [NodeId(0, 0)]),
        (0, 8, [NodeId(3, 0)]),
        (0, 7, [NodeId(2, 0), NodeId(1, 2), NodeId(0, 6)]),
        (4, 7, [NodeId(1, 2), NodeId(0, 6)]),
        (8, 13, [NodeId(2, 2), NodeId(0, 12)]),
        (6, 7, [NodeId(0, 6)]),
        (0, 13, [NodeId(3, 0), NodeId(2, 2), NodeId(0, 12)]),
    ],
)
def test_subtree_ids_examples(start: int, end: int, expected: list[NodeId]) -> None:
    assert subtree_ids(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [(3, 3), (5, 3), (-1, 2), (1, 3), (2, 6), (1, 8), (4, 20)],
)
def test_subtree_ids_rejects_empty_and_unaligned_ranges(start: int, end: int) -> None:
    with pytest.raises(ValueError, match=r"start < end|not aligned"):
        subtree_ids(start, end)


def test_subtree_ids_fold_to_the_range_hash() -> None:
    """Every aligned range decomposes left to right, sizes descending, and folds to its MTH."""
    store = node_store()
    for start in range(65):
        for end in range(start + 1, 130):
            try:
                ids = subtree_ids(start, end)
            except ValueError:
                continue
            assert ids[0].start == start
            assert ids[-1].end == end
            assert all(a.end == b.start and a.level > b.level for a, b in itertools.pairwise(ids))
            assert fold([store[node] for node in ids]) == reference_mth(LEAF_DATA[start:end])


def test_fold() -> None:
    a, b, c = (leaf_hash(x) for x in (b"a", b"b", b"c"))
    assert fold([a]) == a
    assert fold([a, b]) == node_hash(a, b)
    assert fold([a, b, c]) == node_hash(a, node_hash(b, c))
    with pytest.raises(ValueError, match="empty"):
        fold([])


def test_root_ids() -> None:
    assert root_ids(0) == []
    assert root_ids(1) == [NodeId(0, 0)]
    assert root_ids(6) == [NodeId(2, 0), NodeId(1, 2)]
    for size in range(1, 300):
        assert root_ids(size) == subtree_ids(0, size)
        assert len(root_ids(size)) == size.bit_count()
    with pytest.raises(ValueError, match=">= 0"):
        root_ids(-1)


# --- Proof shapes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    # RFC 9162 §2.1.5: a 7-leaf tree; the audit paths of d0, d3, d4 and d6.
    [
        (0, [(1, 2), (2, 4), (4, 7)]),
        (3, [(2, 3), (0, 2), (4, 7)]),
        (4, [(5, 6), (6, 7), (0, 4)]),
        (6, [(4, 6), (0, 4)]),
    ],
)
def test_inclusion_ranges_rfc_example(index: int, expected: list[tuple[int, int]]) -> None:
    assert inclusion_ranges(index, 7) == expected


@pytest.mark.parametrize(
    ("first", "expected"),
    # RFC 9162 §2.1.5: consistency of the 7-leaf tree with its sizes 3, 4 and 6.
    [
        (3, [(2, 3), (3, 4), (0, 2), (4, 7)]),
        (4, [(4, 7)]),
        (6, [(4, 6), (6, 7), (0, 4)]),
        (7, []),
    ],
)
def test_consistency_ranges_rfc_example(first: int, expected: list[tuple[int, int]]) -> None:
    assert consistency_ranges(first, 7) == expected


@pytest.mark.parametrize(("index", "size"), [(0, 0), (-1, 1), (1, 1), (5, 3), (2**64 - 1, 8)])
def test_inclusion_ranges_rejects_out_of_range(index: int, size: int) -> None:
    with pytest.raises(ValueError, match="index < size"):
        inclusion_ranges(index, size)


@pytest.mark.parametrize(("first", "second"), [(0, 5), (0, 0), (-1, 5), (6, 5), (2, 1)])
def test_consistency_ranges_rejects_bad_sizes(first: int, second: int) -> None:
    with pytest.raises(ValueError, match="0 < first <= second"):
        consistency_ranges(first, second)


def test_proofs_match_the_rfc_recursion() -> None:
    """Proofs built from ranges and stored nodes equal PATH and PROOF computed from leaves."""
    for size in range(1, 65):
        entries = LEAF_DATA[:size]
        for index in range(size):
            assert build_inclusion_proof(index, size) == reference_path(index, entries)
        for first in range(1, size + 1):
            assert build_consistency_proof(first, size) == reference_proof(first, entries)


def test_proof_sizes_are_logarithmic() -> None:
    """Entries and stored nodes read per proof stay within a few times log2(n)."""
    for size in EXHAUSTIVE_SIZES:
        bound = ceil_log2(size)
        for index in range(size):
            ranges = inclusion_ranges(index, size)
            assert len(ranges) <= bound
            assert sum(len(subtree_ids(*r)) for r in ranges) <= 2 * bound
        for first in range(1, size + 1):
            ranges = consistency_ranges(first, size)
            assert len(ranges) <= bound + 1
            assert sum(len(subtree_ids(*r)) for r in ranges) <= 2 * bound


# --- Proofs verify, and nothing else does -----------------------------------------------


def test_every_inclusion_proof_verifies() -> None:
    for size in EXHAUSTIVE_SIZES:
        root = reference_root(size)
        for index in range(size):
            proof = build_inclusion_proof(index, size)
            leaf = reference_leaf_hash(index)
            verify_inclusion(index=index, size=size, leaf_hash=leaf, proof=proof, root=root)
            assert (
                root_from_inclusion_proof(index=index, size=size, leaf_hash=leaf, proof=proof)
                == root
            )


def test_every_consistency_proof_verifies() -> None:
    for second in EXHAUSTIVE_SIZES:
        for first in range(1, second + 1):
            verify_consistency(
                first=first,
                second=second,
                proof=build_consistency_proof(first, second),
                first_root=reference_root(first),
                second_root=reference_root(second),
            )


def _assert_inclusion_mutations_fail(
    index: int, size: int, bits: Sequence[int], other_sizes: Sequence[int]
) -> None:
    proof = build_inclusion_proof(index, size)
    for label, kwargs in inclusion_mutations(index, size, proof, bits, other_sizes):
        try:
            verify_inclusion(**kwargs)
        except VerificationError:
            continue
        pytest.fail(f"leaf {index} of {size}: {label} verified")


def _assert_consistency_mutations_fail(
    first: int, second: int, bits: Sequence[int], other_sizes: Sequence[int]
) -> None:
    proof = build_consistency_proof(first, second)
    for label, kwargs in consistency_mutations(first, second, proof, bits, other_sizes):
        try:
            verify_consistency(**kwargs)
        except VerificationError:
            continue
        pytest.fail(f"{first} -> {second}: {label} verified")


def test_every_inclusion_mutation_fails() -> None:
    for size in MUTATION_SIZES:
        for index in range(size):
            _assert_inclusion_mutations_fail(index, size, (0, 255), range(1, 2 * size + 2))


def test_every_consistency_mutation_fails() -> None:
    for second in MUTATION_SIZES:
        for first in range(1, second + 1):
            _assert_consistency_mutations_fail(first, second, (0, 255), range(1, 2 * second + 2))


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=MAX_LEAVES))
    return draw(st.integers(min_value=0, max_value=size - 1)), size


@st.composite
def tree_sizes(draw: st.DrawFn) -> tuple[int, int]:
    second = draw(st.integers(min_value=1, max_value=MAX_LEAVES))
    return draw(st.integers(min_value=1, max_value=second)), second


@settings(max_examples=60, deadline=None)
@given(case=tree_and_index(), bit=st.integers(min_value=0, max_value=255))
def test_random_inclusion_proofs(case: tuple[int, int], bit: int) -> None:
    index, size = case
    proof = build_inclusion_proof(index, size)
    root = reference_root(size)
    leaf = reference_leaf_hash(index)
    verify_inclusion(index=index, size=size, leaf_hash=leaf, proof=proof, root=root)
    assert len(proof) <= ceil_log2(size)
    nearby_sizes = [s for s in range(size - 3, size + 4) if 1 <= s <= MAX_LEAVES]
    _assert_inclusion_mutations_fail(index, size, (bit,), nearby_sizes)


@settings(max_examples=60, deadline=None)
@given(case=tree_sizes(), bit=st.integers(min_value=0, max_value=255))
def test_random_consistency_proofs(case: tuple[int, int], bit: int) -> None:
    first, second = case
    proof = build_consistency_proof(first, second)
    assert len(proof) <= ceil_log2(second) + 1
    verify_consistency(
        first=first,
        second=second,
        proof=proof,
        first_root=reference_root(first),
        second_root=reference_root(second),
    )
    nearby_sizes = [s for s in range(first - 2, second + 3) if 1 <= s <= MAX_LEAVES]
    nearby_sizes = [s for s in nearby_sizes if abs(s - first) <= 2 or abs(s - second) <= 2]
    _assert_consistency_mutations_fail(first, second, (bit,), nearby_sizes)


def test_proofs_bind_the_root_not_the_size() -> None:
    """Why a verifier needs the size and root from the same signed checkpoint.

    The leaf-4 paths of 7- and 8-leaf trees have the same shape, so a 7-leaf proof checks
    out as an 8-leaf one against the 7-leaf root. Same for consistency 4 -> 7 vs 4 -> 8.
    The RFC verifiers cannot tell; the checkpoint signature over (size, root) does.
    """
    inclusion = build_inclusion_proof(4, 7)
    leaf = reference_leaf_hash(4)
    verify_inclusion(index=4, size=8, leaf_hash=leaf, proof=inclusion, root=reference_root(7))
    with pytest.raises(VerificationError):
        verify_inclusion(index=4, size=8, leaf_hash=leaf, proof=inclusion, root=reference_root(8))
    consistency = build_consistency_proof(4, 7)
    verify_consistency(
        first=4,
        second=8,
        proof=consistency,
        first_root=reference_root(4),
        second_root=reference_root(7),
    )


# --- Verifier rejections, one by one --------------------------------------------------------


def _valid_inclusion() -> dict[str, Any]:
    return {
        "index": 5,
        "size": 13,
        "leaf_hash": reference_leaf_hash(5),
        "proof": build_inclusion_proof(5, 13),
        "root": reference_root(13),
    }


def _valid_consistency() -> dict[str, Any]:
    return {
        "first": 6,
        "second": 13,
        "proof": build_consistency_proof(6, 13),
        "first_root": reference_root(6),
        "second_root": reference_root(13),
    }


def test_valid_cases_verify() -> None:
    verify_inclusion(**_valid_inclusion())
    verify_consistency(**_valid_consistency())
    same = reference_root(9)
    verify_consistency(first=9, second=9, proof=[], first_root=same, second_root=same)


INCLUSION_REJECTIONS: dict[str, dict[str, Any]] = {
    "leaf hash 31 bytes": {"leaf_hash": bytes(31)},
    "leaf hash 33 bytes": {"leaf_hash": bytes(33)},
    "leaf hash empty": {"leaf_hash": b""},
    "leaf hash not bytes": {"leaf_hash": "00" * 32},
    "root 31 bytes": {"root": bytes(31)},
    "root empty": {"root": b""},
    "proof item 31 bytes": {"proof": lambda p: [p[0][:31], *p[1:]]},
    "proof item 33 bytes": {"proof": lambda p: [*p[:-1], p[-1] + b"\x00"]},
    "proof item empty": {"proof": lambda p: [*p, b""]},
    "index equals size": {"index": 13},
    "index beyond size": {"index": 2**64 - 1},
    "index negative": {"index": -1},
    "size zero": {"size": 0},
    "size negative": {"size": -13},
    "proof too long": {"proof": lambda p: [*p, OTHER_HASH]},
    "proof too short": {"proof": lambda p: p[:-1]},
    "proof empty": {"proof": []},
    "wrong root": {"root": EMPTY_ROOT},
}


@pytest.mark.parametrize("change", INCLUSION_REJECTIONS.values(), ids=INCLUSION_REJECTIONS.keys())
def test_verify_inclusion_rejects(change: dict[str, Any]) -> None:
    kwargs = _valid_inclusion()
    for key, value in change.items():
        kwargs[key] = value(kwargs[key]) if callable(value) else value
    with pytest.raises(VerificationError):
        verify_inclusion(**kwargs)


CONSISTENCY_REJECTIONS: dict[str, dict[str, Any]] = {
    "first root 31 bytes": {"first_root": bytes(31)},
    "second root 33 bytes": {"second_root": bytes(33)},
    "second root empty": {"second_root": b""},
    "proof item 31 bytes": {"proof": lambda p: [p[0][:31], *p[1:]]},
    "proof item empty": {"proof": lambda p: [*p, b""]},
    "first zero": {"first": 0},
    "first negative": {"first": -6},
    "first greater than second": {"first": 14, "first_root": reference_root(14)},
    "proof too long": {"proof": lambda p: [*p, OTHER_HASH]},
    "proof too short": {"proof": lambda p: p[:-1]},
    "proof empty": {"proof": []},
    "wrong first root": {"first_root": reference_root(5)},
    "wrong second root": {"second_root": reference_root(12)},
}


@pytest.mark.parametrize(
    "change", CONSISTENCY_REJECTIONS.values(), ids=CONSISTENCY_REJECTIONS.keys()
)
def test_verify_consistency_rejects(change: dict[str, Any]) -> None:
    kwargs = _valid_consistency()
    for key, value in change.items():
        kwargs[key] = value(kwargs[key]) if callable(value) else value
    with pytest.raises(VerificationError):
        verify_consistency(**kwargs)


def test_verify_consistency_equal_sizes() -> None:
    root = reference_root(9)
    with pytest.raises(VerificationError, match="must be empty"):
        verify_consistency(first=9, second=9, proof=[root], first_root=root, second_root=root)
    with pytest.raises(VerificationError, match="different roots"):
        verify_consistency(
            first=9, second=9, proof=[], first_root=root, second_root=reference_root(8)
        )
    with pytest.raises(VerificationError, match="32 bytes"):
        verify_consistency(first=1, second=1, proof=[], first_root=b"x" * 12, second_root=b"x" * 12)
    with pytest.raises(VerificationError, match="> 0"):
        verify_consistency(
            first=0, second=0, proof=[], first_root=EMPTY_ROOT, second_root=EMPTY_ROOT
        )


# --- CompactRange -------------------------------------------------------------------------


def test_compact_range_tracks_every_prefix() -> None:
    compact = CompactRange()
    assert compact.root() == EMPTY_ROOT
    assert compact.hashes == ()
    for size in range(1, 301):
        compact.append(reference_leaf_hash(size - 1))
        assert compact.size == size
        assert compact.root() == reference_root(size)
        expected = [reference_mth(LEAF_DATA[n.start : n.end]) for n in root_ids(size)]
        assert list(compact.hashes) == expected


def test_append_reports_exactly_the_completed_nodes() -> None:
    compact = CompactRange()
    for index in range(300):
        completed = compact.append(reference_leaf_hash(index))
        ids = [node for node, _ in completed]
        # Leaf first, then one parent per trailing 1 bit of the index, bottom up; each ends
        # at the new leaf, and no other node does.
        assert ids[0] == NodeId(0, index)
        assert [node.level for node in ids] == list(range(len(ids)))
        assert all(node.end == index + 1 for node in ids)
        assert len(ids) == ((index + 1) & -(index + 1)).bit_length()
        for node, value in completed:
            assert value == reference_mth(LEAF_DATA[node.start : node.end])


def test_node_store_holds_every_complete_subtree() -> None:
    store = node_store()
    assert len(store) == 2 * MAX_LEAVES - 1  # MAX_LEAVES is a power of two
    for node, value in list(store.items())[:: max(1, len(store) // 500)]:
        assert value == reference_mth(LEAF_DATA[node.start : node.end])


def test_compact_range_bytes_round_trip() -> None:
    compact = CompactRange()
    for size in range(100):
        data = compact.to_bytes()
        assert len(data) == size.bit_count() * HASH_SIZE
        restored = CompactRange.from_bytes(size, data)
        assert restored.size == compact.size
        assert restored.hashes == compact.hashes
        assert restored.root() == compact.root()
        # A restored range carries on exactly as the original does.
        assert restored.append(reference_leaf_hash(size)) == compact.append(
            reference_leaf_hash(size)
        )
        assert restored.hashes == compact.hashes


def test_compact_range_from_hashes() -> None:
    built = CompactRange()
    for index in range(11):
        built.append(reference_leaf_hash(index))
    copy = CompactRange(11, built.hashes)
    assert copy.root() == reference_root(11)
    assert "size=11" in repr(copy)


@pytest.mark.parametrize(
    ("size", "hashes"),
    [
        (-1, ()),
        (0, (EMPTY_ROOT,)),
        (3, (EMPTY_ROOT,)),
        (3, (EMPTY_ROOT, EMPTY_ROOT, EMPTY_ROOT)),
        (1, (bytes(31),)),
        (2, (bytes(33),)),
        (1, ("00" * 32,)),
    ],
)
def test_compact_range_rejects_bad_construction(size: int, hashes: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError, match=r"hashes|size"):
        CompactRange(size, hashes)


@pytest.mark.parametrize(("size", "length"), [(-1, 0), (0, 32), (1, 0), (1, 31), (3, 32), (3, 96)])
def test_compact_range_from_bytes_rejects_bad_length(size: int, length: int) -> None:
    with pytest.raises(ValueError, match="size"):
        CompactRange.from_bytes(size, bytes(length))


def test_compact_range_append_rejects_bad_leaf_hash() -> None:
    compact = CompactRange()
    for bad in (b"", bytes(31), bytes(33)):
        with pytest.raises(ValueError, match="32 bytes"):
            compact.append(bad)
    assert compact.size == 0


def test_compact_range_push_matches_append() -> None:
    appended, pushed = CompactRange(), CompactRange()
    for i in range(300):
        value = leaf_hash(i.to_bytes(4, "big"))
        appended.append(value)
        pushed.push(value)
        assert pushed.size == appended.size
        assert pushed.hashes == appended.hashes
        assert pushed.root() == appended.root()
