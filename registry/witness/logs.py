"""The logs a witness cosigns for: a text file of the logs' signed-note verifier keys.

One vkey per line, as the registry serves it at ``GET /api/v1/ledger/key``
(``<name>+<key ID>+<base64(0x01 || Ed25519 key)>``, c2sp.org/signed-note "Verifier keys").
Blank lines and lines starting with ``#`` are skipped. The key name is the log's origin
(``registry.ledger.checkpoint.verify_checkpoint`` requires the two to match), and an origin may
have several keys, e.g. while a log rotates its key.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from registry.ledger.checkpoint import NoteVerifier, parse_verifier_key
from registry.ledger.errors import VerificationError

COMMENT_PREFIX = "#"


@dataclass(frozen=True)
class TrustedLogs:
    """The trusted keys of each origin the witness cosigns for."""

    keys: Mapping[str, Sequence[NoteVerifier]]

    def verifiers(self, origin: str) -> Sequence[NoteVerifier]:
        """The keys trusted for ``origin``; empty if the witness does not know the log."""
        return self.keys.get(origin, ())

    def origin_for_hash(self, origin_hash: str) -> str | None:
        """The known origin whose lowercase hex SHA-256 is ``origin_hash`` (tlog-witness
        "Monitor Retrieval Mechanism"), or None."""
        for origin in self.keys:
            if hashlib.sha256(origin.encode("utf-8")).hexdigest() == origin_hash:
                return origin
        return None


def parse_logs(text: str) -> TrustedLogs:
    """Parse the logs file; raises ValueError naming the first bad line."""
    keys: dict[str, list[NoteVerifier]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(COMMENT_PREFIX):
            continue
        try:
            verifier = parse_verifier_key(line)
        except VerificationError as exc:
            raise ValueError(f"line {number}: not a log verifier key: {exc}") from None
        same_origin = keys.setdefault(verifier.name, [])
        if verifier not in same_origin:
            same_origin.append(verifier)
    return TrustedLogs(keys={origin: tuple(found) for origin, found in keys.items()})


def load_logs(path: Path) -> TrustedLogs:
    """Read and parse the logs file at ``path``; ValueError if it names no log at all."""
    logs = parse_logs(path.read_text(encoding="utf-8"))
    if not logs.keys:
        raise ValueError(f"{path} lists no log verifier key")
    return logs
