"""The Uzbek Cyrillic catalog, made from the Uzbek Latin one: ``python -m registry.web.catalogs``.

``make messages`` runs it after updating the catalogs, so Uzbek is translated once, in Latin,
and the Cyrillic interface never lags behind. Placeholders (``%(name)s``, ``{name}``), markup,
addresses and technical names (API, SHA-256, Ed25519, Merkle, UZ-STIR-…, Asia/Tashkent, the
API's field names such as award_before_close) are kept as they are.
"""

import re
import sys
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from registry.reference.transliteration import latin_to_cyrillic
from registry.web.i18n import DOMAIN, LOCALE_DIR

LATIN: Final = "uz_Latn"
CYRILLIC: Final = "uz_Cyrl"
PLACEHOLDER: Final = (
    r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"  # printf style
    r"|\{\w*(?:[.!:][^{}]*)?\}"  # str.format style
)
"""Any placeholder of a message: ``%(num)d`` as well as ``%(name)s``, ``%s``, ``%%``, ``{0}``."""
KEEP: Final = re.compile(
    PLACEHOLDER + r"|<[^>]+>|&\w+;|https?://\S+"  # markup and addresses
    r"|\b(?:Merkle|JavaScript|tlog-checkpoint|Org-id|prev|hex|base64|soʻm)\b"  # names
    r"|\b(?:PowerShell|Get-FileHash)\b"  # a program's names
    r"|\b(?:int|Decimal)\b"  # Python's types, as the API names what an amount may be
    r"|\b[\w-]*\d[\w-]*\b"  # anything with a digit: SHA-256, Ed25519, UZ-STIR-201122334
    r"|\b[A-Z][A-Z-]{1,4}\b"  # acronyms: API, JSON, OCDS, UTC, KZT
    r"|\b[A-Z][a-z]+/[A-Z][\w/+-]*"  # IANA time zones: Asia/Tashkent
    r"|\b[a-z]+(?:_[a-z]+)+\b"  # the API's field names: award_before_close, legal_unit
)


UZBEK_ACRONYMS: Final = {"BHM": "БҲМ", "AHK": "АҲК", "STIR": "СТИР", "KTUT": "КТУТ"}
"""Uzbek acronyms, written in the reader's script, unlike the international ones ``KEEP``
keeps (API, UZS): the base calculation amount (bazaviy hisoblash miqdori) and Kazakhstan's
monthly calculation index (aylik hisoblash koʻrsatkichi), the taxpayer's number (soliq
toʻlovchining identifikatsiya raqami) and the statistics code (OKPO's Uzbek name)."""


def catalog_path(locale: str, root: Path = LOCALE_DIR) -> Path:
    return root / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def to_cyrillic(message: str) -> str:
    """``message`` in Cyrillic, but for what ``KEEP`` matches."""
    parts: list[str] = []
    position = 0
    for kept in KEEP.finditer(message):
        parts.append(latin_to_cyrillic(message[position : kept.start()]))
        parts.append(UZBEK_ACRONYMS.get(kept.group(0), kept.group(0)))
        position = kept.end()
    parts.append(latin_to_cyrillic(message[position:]))
    return "".join(parts)


def cyrillic_catalog(latin: Catalog) -> Catalog:
    result = Catalog(locale=CYRILLIC, domain=DOMAIN, project=latin.project)
    for message in latin:
        if not message.id:
            continue
        string = message.string
        converted = (
            tuple(to_cyrillic(form) for form in string)
            if isinstance(string, (list, tuple))
            else to_cyrillic(string or "")
        )
        result.add(message.id, converted, context=message.context, flags=message.flags)
    return result


def generate(root: Path = LOCALE_DIR) -> Catalog:
    with catalog_path(LATIN, root).open("rb") as handle:
        latin = read_po(handle, locale=LATIN)
    return cyrillic_catalog(latin)


def main() -> None:
    catalog = generate()
    path = catalog_path(CYRILLIC)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, omit_header=False)
    sys.stdout.write(f"wrote {path} from {catalog_path(LATIN)}\n")


if __name__ == "__main__":
    main()
