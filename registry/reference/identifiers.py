"""Organisation identifiers in org-id form: ``<jurisdiction>-<list>-<identifier>``.

The registry names every funder and recipient the way 360Giving and IATI do (org-id.guide):
a prefix made of a jurisdiction code and the code of the register that issued the number,
then the number exactly as that register writes it. ``KZ-BIN-940140000385`` is a Kazakh
business identification number; ``GB-COH-01234567`` a UK Companies House number. Data
from other publishers can then be joined on the same string.

Only the prefix is case-folded (to upper case): identifiers belong to their registers,
and some registers' numbers are case-sensitive. A check is applied only where the rule is
published: a number the rule accepts may still be unissued, but a real number is never
rejected on a guessed rule (see the ``UZ-STIR`` notes below).
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import pycountry

from registry.reference.refusals import Refusal

__all__ = [
    "KZ_BIN_PREFIX",
    "NOT_AN_ORG_ID",
    "REGISTERED_PREFIXES",
    "REGISTER_LABELS",
    "REGISTRY_OWN_PREFIXES",
    "UZ_CR_PREFIX",
    "UZ_KTUT_PREFIX",
    "UZ_STIR_PREFIX",
    "InvalidIdentifier",
    "OrgId",
    "is_registered_prefix",
    "kz_bin_check_digit",
    "normalize_org_id",
    "parse_org_id",
]

UZ_STIR_PREFIX: Final = "UZ-STIR"
"""Uzbekistan's taxpayer identification number (STIR, Russian INN): the registry's own prefix.

org-id.guide lists no register for the STIR, yet it is the number every Uzbek NGO is known
by on the state platforms. The registry therefore forms ``UZ-STIR-`` + the 9 digits as
printed (leading zeros kept), e.g. ``UZ-STIR-310006777``, following org-id's pattern
(ISO 3166-1 country code, a register code, the number). It is *not* a registered org-id
prefix: publish it alongside ``UZ-KTUT``/``UZ-CR`` where those are known, and replace it
if org-id.guide ever registers the STIR. The check-digit algorithm is unpublished, so only
"9 ASCII digits" is checked (a guessed rule rejects real numbers such as 310006777).
"""

UZ_KTUT_PREFIX: Final = "UZ-KTUT"
"""Uzbekistan's OKPO statistics code (KTUT), 8 digits; registered on org-id.guide."""

UZ_CR_PREFIX: Final = "UZ-CR"
"""Uzbekistan's register of legal entities; registered on org-id.guide, format not checked."""

KZ_BIN_PREFIX: Final = "KZ-BIN"
"""Kazakhstan's business identification number, 12 digits; registered on org-id.guide."""

REGISTER_LABELS: Final = {"инн": "stir", "inn": "stir", "бсн": "bin", "bsn": "bin"}
"""Other names of the registers' numbers, as search keys (``registry.reference.text``), and
the register's code in org-ids, which every document of an organization holds: Russian
speakers call the STIR ИНН, and Kazakh calls the BIN БСН (бизнес-сәйкестендіру нөмірі), so
"ИНН 209546277" finds what "STIR 209546277" finds. (СТИР and БИН are the codes in Cyrillic,
which search reads in the other Uzbek script already.)"""

REGISTRY_OWN_PREFIXES: Final = frozenset({UZ_STIR_PREFIX})
"""Prefixes this registry coined because org-id.guide has none for the register."""

REGISTERED_PREFIXES: Final = frozenset(
    {
        KZ_BIN_PREFIX,
        UZ_KTUT_PREFIX,
        UZ_CR_PREFIX,
        # Prefixes common in donor and 360Giving data, for co-funders of Central Asian grants.
        "GB-CHC",
        "GB-COH",
        "US-EIN",
        "XI-IATI",
        "XI-LEI",
        "XM-DAC",
    }
)
"""org-id.guide prefixes the registry knows to be registered.

This is not a copy of the whole org-id.guide list (hundreds of registers, which change):
a prefix missing here may still be registered. It answers the question the registry
has to ask, "may this identifier be published as an org-id as it stands?", for the
prefixes the registry meets.
"""

STIR_LENGTH: Final = 9
OKPO_LENGTH: Final = 8
KZ_BIN_LENGTH: Final = 12

KZ_BIN_FIRST_WEIGHTS: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
"""Weights of the first pass of the BIN/IIN check digit over digits 1-11."""

KZ_BIN_SECOND_WEIGHTS: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
"""Weights of the second pass, used when the first pass gives 10."""

KZ_BIN_MODULUS: Final = 11
_KZ_BIN_NO_DIGIT: Final = 10

_PREFIX_PATTERN: Final = re.compile(r"(?P<country>[A-Z]{2})-(?P<scheme>[A-Z0-9_]+)")
"""org-id prefix: a two-letter jurisdiction, a hyphen and the register's list code.

List codes are upper-case letters and digits; a few (``CA-CRA_ACR``) carry an underscore.
"""

_WHITESPACE: Final = re.compile(r"\s")

_PSEUDO_JURISDICTION: Final = re.compile(r"X[A-Z]")
"""``XI`` (international), ``XM`` (multilateral) and the other user-assigned X codes.

ISO 3166-1 reserves XA-XZ for users; org-id.guide uses them for registers that belong to
no single country.
"""


class InvalidIdentifier(Refusal):
    """An organisation identifier is malformed or fails its register's published check.

    The message names the identifier and says exactly what is wrong, so it can be shown
    to whoever typed or imported it.
    """


@dataclass(frozen=True, slots=True)
class OrgId:
    """An org-id split into its parts; ``value`` is the canonical whole."""

    country: str
    """Jurisdiction: an ISO 3166-1 alpha-2 code, or an X code such as ``XI``/``XM``."""
    scheme: str
    """The register's list code within the jurisdiction, e.g. ``BIN``, ``STIR``."""
    identifier: str
    """The number as the register writes it."""
    value: str
    """``f"{country}-{scheme}-{identifier}"``: the form to store, compare and publish."""

    @property
    def prefix(self) -> str:
        """The org-id list code, ``country-scheme`` (``KZ-BIN``)."""
        return f"{self.country}-{self.scheme}"


def kz_bin_check_digit(first_eleven: str) -> int | None:
    """The check digit of a Kazakh BIN (or IIN) from its first 11 digits, or None.

    The published rule (Government of Kazakhstan, the IIN/BIN programme, and the OECD's
    TIN sheet for Kazakhstan): the sum of dᵢ·wᵢ mod 11 with weights 1…11; if that is 10,
    again with weights 3…11, 1, 2; if that is 10 too, no check digit exists and no number
    with these first 11 digits is ever issued (None).
    """
    if len(first_eleven) != len(KZ_BIN_FIRST_WEIGHTS) or not _is_ascii_digits(first_eleven):
        raise InvalidIdentifier(
            "a BIN check digit needs 11 digits, got %(digits)r", digits=first_eleven
        )
    digits = [int(character) for character in first_eleven]
    for weights in (KZ_BIN_FIRST_WEIGHTS, KZ_BIN_SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % KZ_BIN_MODULUS
        if remainder != _KZ_BIN_NO_DIGIT:
            return remainder
    return None


NOT_AN_ORG_ID: Final = (
    "is not an org-id: expected COUNTRY-REGISTER-IDENTIFIER, "
    "such as KZ-BIN-940140000385 or UZ-STIR-310006777"
)
"""What a value that is no org-id is told, after the value itself (``'foo' is not …``)."""


def normalize_org_id(value: str) -> str:
    """The canonical form of an org-id: trimmed, prefix in upper case, checked.

    Raises InvalidIdentifier with a message saying what is wrong.
    """
    return parse_org_id(value).value


def parse_org_id(value: str) -> OrgId:
    """Split and check an org-id; raises InvalidIdentifier when it is not one."""
    text = value.strip()
    country_part, _, rest = text.partition("-")
    scheme_part, separator, identifier = rest.partition("-")
    prefix = f"{country_part}-{scheme_part}"
    # ASCII first: "ﬁ".upper() is "FI", and no ligature should turn into Finland.
    prefix = prefix.upper() if prefix.isascii() else prefix
    if not separator or _PREFIX_PATTERN.fullmatch(prefix) is None:
        # NOT_AN_ORG_ID after the value, as a template the catalogs have.
        raise InvalidIdentifier(
            "%(value)r is not an org-id: expected COUNTRY-REGISTER-IDENTIFIER, "
            "such as KZ-BIN-940140000385 or UZ-STIR-310006777",
            value=value,
        )
    country, _, scheme = prefix.partition("-")
    if _PSEUDO_JURISDICTION.fullmatch(country) is None and not _is_country(country):
        raise InvalidIdentifier(
            "%(value)r: %(country)r is neither an ISO 3166-1 country code nor an X code "
            "(XI, XM) for registers that belong to no country",
            value=value,
            country=country,
        )
    if not identifier:
        raise InvalidIdentifier(
            "%(value)r: the identifier after %(prefix)s- is empty", value=value, prefix=prefix
        )
    if _WHITESPACE.search(identifier):
        raise InvalidIdentifier(
            "%(value)r: the identifier after %(prefix)s- contains whitespace; "
            "write the number without spaces",
            value=value,
            prefix=prefix,
        )
    check = _SCHEME_CHECKS.get(prefix)
    if check is not None:
        check(identifier)
    return OrgId(
        country=country,
        scheme=scheme,
        identifier=identifier,
        value=f"{prefix}-{identifier}",
    )


def is_registered_prefix(prefix: str) -> bool:
    """True for an org-id.guide prefix the registry knows (see ``REGISTERED_PREFIXES``).

    False for ``UZ-STIR``, the registry's own prefix, and for prefixes it does not know,
    which may still be registered: exports flag such identifiers rather than drop them.
    """
    return prefix.strip().upper() in REGISTERED_PREFIXES


def _check_stir(identifier: str) -> None:
    if len(identifier) != STIR_LENGTH or not _is_ascii_digits(identifier):
        raise InvalidIdentifier(
            "%(prefix)s-%(identifier)s: a STIR is exactly %(digits)s digits, "
            "got %(length)s characters %(given)r",
            prefix=UZ_STIR_PREFIX,
            identifier=identifier,
            digits=STIR_LENGTH,
            length=len(identifier),
            given=identifier,
        )


def _check_okpo(identifier: str) -> None:
    if len(identifier) != OKPO_LENGTH or not _is_ascii_digits(identifier):
        raise InvalidIdentifier(
            "%(prefix)s-%(identifier)s: an OKPO (KTUT) code is exactly %(digits)s "
            "digits, got %(length)s characters %(given)r",
            prefix=UZ_KTUT_PREFIX,
            identifier=identifier,
            digits=OKPO_LENGTH,
            length=len(identifier),
            given=identifier,
        )


def _check_kz_bin(identifier: str) -> None:
    """Twelve digits whose last is the published check digit.

    The structural digits (YYMM, type 4/5/6, unit 0-3) are not checked: the check digit
    catches typing errors, and a structure rule would be one more way to reject a real
    number the registry has not seen the like of.
    """
    if len(identifier) != KZ_BIN_LENGTH or not _is_ascii_digits(identifier):
        raise InvalidIdentifier(
            "%(prefix)s-%(identifier)s: a BIN is exactly %(digits)s digits, "
            "got %(length)s characters %(given)r",
            prefix=KZ_BIN_PREFIX,
            identifier=identifier,
            digits=KZ_BIN_LENGTH,
            length=len(identifier),
            given=identifier,
        )
    expected = kz_bin_check_digit(identifier[:-1])
    if expected is None:
        raise InvalidIdentifier(
            "%(prefix)s-%(identifier)s: no BIN starts with %(first)s "
            "(both passes of the mod-11 check give 10)",
            prefix=KZ_BIN_PREFIX,
            identifier=identifier,
            first=identifier[:-1],
        )
    if int(identifier[-1]) != expected:
        raise InvalidIdentifier(
            "%(prefix)s-%(identifier)s: the check digit is %(given)s, "
            "the mod-11 rule gives %(expected)s; a digit is mistyped",
            prefix=KZ_BIN_PREFIX,
            identifier=identifier,
            given=identifier[-1],
            expected=str(expected),
        )


_SCHEME_CHECKS: Final[dict[str, Callable[[str], None]]] = {
    UZ_STIR_PREFIX: _check_stir,
    UZ_KTUT_PREFIX: _check_okpo,
    KZ_BIN_PREFIX: _check_kz_bin,
}
"""Checks by prefix; a prefix not listed gets only the generic shape check."""


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() also accepts "²" and Arabic-Indic digits, which no register issues.
    return text.isascii() and text.isdigit()


@functools.cache
def _is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None
