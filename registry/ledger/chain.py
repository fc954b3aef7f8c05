"""Streaming verification of the whole ledger: the hash chain and the Merkle root, in O(log n)
memory (a compact range, never the tree)."""

from . import merkle
from .canonical import CanonicalizationError, parse_canonical
from .errors import VerificationError

GENESIS_PREV_HEX = "00" * merkle.HASH_SIZE


class ChainBreak(VerificationError):
    """Leaf ``seq`` is not what the chain requires there."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"seq {seq}: {reason}")
        self.seq = seq
        self.reason = reason


class ChainVerifier:
    """Feed it every leaf from seq 0, in order; it checks each link and keeps the running root."""

    def __init__(self) -> None:
        self._tree = merkle.CompactRange()
        self._prev_hex = GENESIS_PREV_HEX

    @property
    def size(self) -> int:
        return self._tree.size

    def root(self) -> bytes:
        return self._tree.root()

    def feed(self, leaf: bytes) -> bytes:
        """Check that the next leaf is canonical JSON (RFC 8785: one reading only, so a member
        named twice is refused) and its ``seq`` and ``prev`` fields; return its leaf hash."""
        seq = self._tree.size
        try:
            decoded = parse_canonical(leaf)
        except CanonicalizationError as exc:
            raise ChainBreak(seq, str(exc)) from exc
        if not isinstance(decoded, dict):
            raise ChainBreak(seq, "not a JSON object")
        found = decoded.get("seq")
        if type(found) is not int or found != seq:  # True == 1 in Python; not in the ledger
            raise ChainBreak(seq, f"its seq field is {found!r}")
        if decoded.get("prev") != self._prev_hex:
            raise ChainBreak(seq, "its prev field is not the hash of the leaf before it")
        leaf_hash = merkle.leaf_hash(leaf)
        self._tree.push(leaf_hash)
        self._prev_hex = leaf_hash.hex()
        return leaf_hash
