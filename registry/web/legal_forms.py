"""An organization's legal form as a page shows it: named in the reader's language where the
registry knows the form, else as recorded, marked as a text of unknown language.

A legal form is stored as one free text, as the organization's register or funder wrote it
(``jamoat birlashmasi``, ``қоғамдық бірлестік (ОО)``), in no stated language. The forms below,
the ones NGOs and funders in Uzbekistan and Kazakhstan are registered as, are recognised in
the words their own registers use (Uzbek in Latin or Cyrillic, Kazakh, Russian, with or
without the usual abbreviation) and named through the catalogs; the stored text is kept as
it is (the API, exports and the page beside the name show it). Nothing is guessed: a label
not listed here is shown as written, with ``lang=""``.
"""

import re
from dataclasses import dataclass
from typing import Final

from registry.reference.transliteration import latin_to_cyrillic
from registry.web.i18n import N_

NGO: Final = N_("Non-governmental non-profit organization")
PUBLIC_ASSOCIATION: Final = N_("Public association")
PUBLIC_FUND: Final = N_("Public fund")
ASSOCIATION: Final = N_("Association")
STATE_BODY: Final = N_("State body")
KHOKIMIYAT: Final = N_("Khokimiyat (local administration)")
LEGAL_ENTITIES_ASSOCIATION: Final = N_("Association of legal entities")
PRIVATE_INSTITUTION: Final = N_("Private institution")
NON_PROFIT_JSC: Final = N_("Non-profit joint-stock company")
STATE_INSTITUTION: Final = N_("State institution")

_UZBEK: Final = {
    NGO: ("nodavlat notijorat tashkiloti (NNT)", "nodavlat notijorat tashkiloti", "NNT"),
    PUBLIC_ASSOCIATION: ("jamoat birlashmasi",),
    PUBLIC_FUND: ("jamoat fondi", "xayriya jamoat fondi"),
    ASSOCIATION: ("uyushma",),
    STATE_BODY: ("davlat organi",),
    KHOKIMIYAT: ("hokimlik", "hokimiyat"),
}
_KAZAKH: Final = {
    PUBLIC_ASSOCIATION: ("қоғамдық бірлестік (ОО)", "қоғамдық бірлестік"),
    PUBLIC_FUND: ("қоғамдық қор (ОФ)", "қоғамдық қор"),
    LEGAL_ENTITIES_ASSOCIATION: ("заңды тұлғалар бірлестігі (ОЮЛ)", "заңды тұлғалар бірлестігі"),
    PRIVATE_INSTITUTION: ("жеке мекеме (ЧУ)", "жеке мекеме"),
    NON_PROFIT_JSC: (
        "коммерциялық емес акционерлік қоғам (НАО)",
        "коммерциялық емес акционерлік қоғам",
    ),
    STATE_INSTITUTION: ("мемлекеттік мекеме (ГУ)", "мемлекеттік мекеме"),
}
_RUSSIAN: Final = {
    NGO: ("негосударственная некоммерческая организация", "ННО"),
    PUBLIC_ASSOCIATION: ("общественное объединение", "ОО"),
    PUBLIC_FUND: ("общественный фонд", "ОФ"),
    ASSOCIATION: ("ассоциация",),
    STATE_BODY: ("государственный орган",),
    KHOKIMIYAT: ("хокимият",),
    LEGAL_ENTITIES_ASSOCIATION: ("объединение юридических лиц", "ОЮЛ"),
    PRIVATE_INSTITUTION: ("частное учреждение", "ЧУ"),
    NON_PROFIT_JSC: ("некоммерческое акционерное общество", "НАО"),
    STATE_INSTITUTION: ("государственное учреждение", "ГУ"),
}

_SPACES: Final = re.compile(r"\s+")


@dataclass(frozen=True)
class KnownForm:
    name: str
    """The form's name, a catalog message (English)."""
    language: str
    """The language of the recorded label (BCP 47: ``uz``, ``uz-Cyrl``, ``kk``, ``ru``)."""


def _key(label: str) -> str:
    return _SPACES.sub(" ", label.strip()).casefold()


def _known() -> dict[str, KnownForm]:
    known: dict[str, KnownForm] = {}
    for table, language in ((_RUSSIAN, "ru"), (_KAZAKH, "kk"), (_UZBEK, "uz")):
        for name, labels in table.items():
            for label in labels:
                known[_key(label)] = KnownForm(name, language)
                if language == "uz":
                    known[_key(latin_to_cyrillic(label))] = KnownForm(name, "uz-Cyrl")
    return known


KNOWN: Final = _known()


def known(label: str) -> KnownForm | None:
    """The form a recorded label names, or None for a label the registry does not know."""
    return KNOWN.get(_key(label))
