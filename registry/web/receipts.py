"""The receipt box of a record's page (an award's, a competition's): a download of the
offline receipt of its first entry and of each of its entries, and a QR code of the page's
permanent link carrying that first entry's leaf hash, so that a printed copy can be checked
against the ledger; and what the page says of a ``?leaf=`` hash such a link brings back."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final
from urllib.parse import quote

import segno
from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from registry.ledger import service as ledger_service

LEAF_HASH: Final = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class EntryReceipt:
    """One entry of the record, with where its receipt downloads."""

    seq: int
    kind: str
    leaf_hash: str
    url: str


@dataclass(frozen=True)
class Receipt:
    """The page's receipt box: the download, and a QR code of the permanent link."""

    permanent_url: str
    leaf_hash: str
    qr_svg: Markup
    url: str
    """Where the receipt of the first entry (the record's publication) downloads."""
    file_name: str
    """The name the browser saves that receipt under, for the page's command line."""
    events: list[EntryReceipt]


@dataclass(frozen=True)
class LeafCheck:
    """What the page says about a ``?leaf=`` hash (from a printed QR code). ``given`` is the
    hash when it is one (64 hex digits), never other text: the page must not repeat
    arbitrary words from a link in its own voice."""

    given: str | None
    seq: int | None
    kind: str | None


def receipt_box(
    request: Request,
    session: Session,
    *,
    path: str,
    entries: Sequence[tuple[int, str]],
    url: str,
    file_name: str,
    entry_url: Callable[[int], str],
) -> Receipt:
    """The box for the record at ``path`` (``/awards/AWD-…``) whose ``entries`` are (seq, kind)
    in ledger order, the first its publication, whose receipt is at ``url``."""
    hashes = {
        seq: value.hex()
        for seq, value in ledger_service.leaf_hashes(session, [seq for seq, _ in entries]).items()
    }
    first = hashes[entries[0][0]]
    base = request.app.state.settings.public_url.rstrip("/")
    permanent = f"{base}{quote(path)}?leaf={first}"
    return Receipt(
        permanent_url=permanent,
        leaf_hash=first,
        qr_svg=qr_code(permanent),
        url=url,
        file_name=file_name,
        events=[EntryReceipt(seq, kind, hashes[seq], entry_url(seq)) for seq, kind in entries],
    )


@lru_cache(maxsize=1024)
def qr_code(text: str) -> Markup:
    """The QR code of ``text`` as inline SVG (segno's own markup, with ``text`` escaped in its
    title), error correction M: readable with up to 15 % of a printed code damaged."""
    svg = segno.make(text, error="m").svg_inline(scale=3, border=2, title=text, omitsize=True)
    return Markup(svg)  # noqa: S704 - segno writes the SVG and escapes the title


def leaf_check(given: str | None, receipt: Receipt) -> LeafCheck | None:
    if given is None:
        return None
    wanted = given.strip().lower()
    for entry in receipt.events:
        if wanted == entry.leaf_hash:
            return LeafCheck(given=entry.leaf_hash, seq=entry.seq, kind=entry.kind)
    return LeafCheck(given=wanted if LEAF_HASH.fullmatch(wanted) else None, seq=None, kind=None)
