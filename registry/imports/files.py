"""Importing one file: which reader reads it, and the hash that names it in the ledger."""

import enum
import hashlib
from collections.abc import Callable
from pathlib import Path

from registry.core.db import Database
from registry.imports import collector, giving360, ocds, writer
from registry.imports.report import ImportRejected, Problem, Summary
from registry.imports.rows import Row
from registry.ledger.checkpoint import NoteSigner

__all__ = ["FileFormat", "ImportRejected", "Problem", "Standard", "Summary", "import_file"]


class Standard(enum.StrEnum):
    GIVING360 = "360giving"
    OCDS = "ocds"


class FileFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"


def format_of(path: Path) -> FileFormat:
    """The format a file's extension names; JSON unless it is ``.csv``."""
    return FileFormat.CSV if path.suffix.lower() == ".csv" else FileFormat.JSON


def read(content: bytes, *, standard: Standard, file_format: FileFormat) -> list[Row]:
    """The file's rows; ``ImportRejected`` if it cannot be read as that standard at all."""
    if standard is Standard.GIVING360:
        if file_format is FileFormat.CSV:
            return giving360.read_csv(content)
        return giving360.read_json(content)
    if file_format is FileFormat.CSV:
        raise ImportRejected(
            [Problem("file", "", "OCDS is imported from JSON (a release or record package)")],
            rows=0,
        )
    return ocds.read_json(content)


def digest(content: bytes) -> str:
    """The file's SHA-256 in hex; its first 8 digits name the file in the ledger's actors."""
    return hashlib.sha256(content).hexdigest()


def import_file(
    database: Database,
    content: bytes,
    *,
    standard: Standard,
    file_format: FileFormat,
    signer: NoteSigner | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Read ``content`` and write all of it, or nothing (``ImportRejected``)."""
    with collector.fewer_collections():
        rows = read(content, standard=standard, file_format=file_format)
        return writer.write(
            database, rows, digest=digest(content), signer=signer, progress=progress
        )
