"""``registry-audit``: the auditor's tool on its own, needing nothing but ``cryptography``.

It runs the same checks as ``registry audit verify --url`` and ``registry receipt verify``
(the pure modules of ``registry.ledger``, copied into the ``registry_audit`` package by
``audit/pyproject.toml``), reads over HTTP with the standard library, and never imports the
server. Exit status: 0 verified, 1 verification failed, 2 the ledger or a file could not be
read (or the command line was wrong).
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import audit, receipt
from .checkpoint import parse_verifier_key
from .cosignature import CosignatureVerifier
from .errors import VerificationError

EXIT_FAILED = 1
EXIT_UNREADABLE = 2


def _say(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registry-audit",
        description="Verify the grant registry's ledger and receipts without trusting the server.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    verify = commands.add_parser(
        "verify", help="recompute the hash chain and Merkle root of every entry"
    )
    verify.add_argument("--url", required=True, help="the registry's base URL")
    verify.add_argument("--state", type=Path, help="the last verified checkpoint, kept here")

    check = commands.add_parser("receipt", help="verify an offline receipt (.tlog-proof)")
    check.add_argument("file", type=Path, help="the receipt")

    for command in (verify, check):
        command.add_argument(
            "--key",
            required=command is check,
            help="the log's verifier key (<name>+<id>+<key>) or a file holding it",
        )
        command.add_argument(
            "--witness",
            action="append",
            default=[],
            help="a witness's cosigner key or a file holding it; repeat per witness",
        )
        command.add_argument(
            "--quorum", type=int, help="cosignatures required from --witness keys (default: all)"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        witnesses = audit.witness_keys(arguments.witness)
    except VerificationError as exc:
        _say(sys.stderr, f"registry-audit: {exc}")
        return EXIT_UNREADABLE
    try:
        quorum = audit.required_quorum(witnesses, arguments.quorum)
    except ValueError as exc:
        _say(sys.stderr, f"registry-audit: --quorum: {exc}")
        return EXIT_UNREADABLE
    try:  # a --key that holds no key is the command line's fault, not the ledger's
        key = audit.key_text(arguments.key) if arguments.key is not None else None
        if key is not None:
            parse_verifier_key(key)
    except VerificationError as exc:
        _say(sys.stderr, f"registry-audit: --key: {exc}")
        return EXIT_UNREADABLE
    try:
        if arguments.command == "receipt":
            lines = _receipt(arguments.file, key or "", witnesses, quorum)
        else:
            lines = _verify(arguments.url, key, arguments.state, witnesses, quorum)
    except (audit.AuditFailure, VerificationError) as exc:
        _say(sys.stderr, f"FAILED: {exc}")
        return EXIT_FAILED
    except (audit.Unreachable, audit.UnreadableState, audit.UnwritableState, OSError) as exc:
        verb = "write" if isinstance(exc, audit.UnwritableState) else "read"
        _say(sys.stderr, f"registry-audit: cannot {verb}: {exc}")
        return EXIT_UNREADABLE
    _say(sys.stdout, "\n".join(lines))
    return 0


def _receipt(file: Path, key: str, witnesses: list[CosignatureVerifier], quorum: int) -> list[str]:
    proven = receipt.verify_receipt(
        file.read_bytes(), log_key=parse_verifier_key(key), witnesses=witnesses, quorum=quorum
    )
    return receipt.describe(proven)


def _verify(
    url: str,
    key: str | None,
    state: Path | None,
    witnesses: list[CosignatureVerifier],
    quorum: int,
) -> list[str]:
    report = audit.verify(
        audit.HttpSource(url), key=key, state_path=state, witnesses=witnesses, quorum=quorum
    )
    lines = []
    if not report.key_was_pinned:
        pin = f"--key {report.verifier_key}"
        lines.append(f"warning: trusted the key the server served; pin it: {pin}")
    return lines + audit.report_lines(report)


if __name__ == "__main__":
    sys.exit(main())
