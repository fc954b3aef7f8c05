"""The portal's catalogs: up to date with the templates, every language complete, placeholders
intact, and Uzbek Cyrillic exactly what the Latin catalog transliterates to."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from registry.web import catalogs
from registry.web.i18n import LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).parent.parent
TRANSLATED = [language.locale for language in LANGUAGES if language.locale != "en"]
PLACEHOLDER = re.compile(catalogs.PLACEHOLDER)


def _read(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog) -> set[str]:
    return {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
    }


def test_the_template_is_up_to_date(tmp_path: Path) -> None:
    """``make messages`` was run after the last change of a page's text."""
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "--no-location",
         "-F", "babel.cfg", "-o", str(extracted), "."],
        cwd=ROOT, check=True,
    )  # fmt: skip
    assert _ids(_read(extracted)) == _ids(_read(LOCALE_DIR / "messages.pot"))


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated(locale: str) -> None:
    template = _ids(_read(LOCALE_DIR / "messages.pot"))
    catalog = _read(catalogs.catalog_path(locale), locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            missing.append(message.id)
    assert not missing, f"{locale}: {len(missing)} untranslated, e.g. {missing[:3]}"
    assert template <= _ids(catalog), f"{locale}: run make messages"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_are_kept(locale: str) -> None:
    wrong = []
    for message in _read(catalogs.catalog_path(locale), locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        wrong += [(ids[0], form) for form in forms if sorted(PLACEHOLDER.findall(form)) != expected]
    assert not wrong, wrong[:3]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_babel_finds_no_error_in_the_catalog(locale: str) -> None:
    """Babel's own checkers: a translation's python-format placeholders are the message's,
    of the same types, and there are as many plural forms as the language has."""
    catalog = _read(catalogs.catalog_path(locale), locale)
    errors = [(message.id, [str(error) for error in found]) for message, found in catalog.check()]
    assert not errors, errors[:3]


def test_uzbek_cyrillic_is_the_latin_catalog_transliterated() -> None:
    generated = catalogs.generate()
    stored = _read(catalogs.catalog_path(catalogs.CYRILLIC), catalogs.CYRILLIC)
    expected = {message.id: message.string for message in generated if message.id}
    assert {message.id: message.string for message in stored if message.id} == expected


def test_technical_names_stay_latin() -> None:
    assert catalogs.to_cyrillic("Kalit %(url)s, SHA-256 va Ed25519, API, JSON") == (
        "Калит %(url)s, SHA-256 ва Ed25519, API, JSON"
    )
    assert catalogs.to_cyrillic("{count} ta yozuv") == "{count} та ёзув"
    # A field the API names, in a rule's message (the desk links it to its box).
    assert catalogs.to_cyrillic("award_before_close ni koʻrsating") == (
        "award_before_close ни кўрсатинг"
    )


def test_uzbek_acronyms_are_written_in_the_readers_script() -> None:
    """BHM and AHK are Uzbek words' initials, not international names: in Cyrillic they are
    БҲМ and АҲК, as "500 АҲКдан" already was, while UZS stays UZS."""
    assert catalogs.to_cyrillic("1 000 × BHM, AHK (KZT), UZS") == "1 000 × БҲМ, АҲК (KZT), UZS"


# The glossary's words (README, "Languages"): award = ajratma / решение о финансировании /
# қаржыландыру, funder = moliyalashtiruvchi / финансирующая организация / қаржыландырушы.
# The words each catalog used instead: "award" as a prize or a grant, "funder" as a donor.
NOT_THE_GLOSSARYS = {
    "ru": {"award": r"наград", "funder": r"донор"},
    "kk": {"award": r"марапат|грант", "funder": r"донор"},
    "uz_Latn": {"award": r"mukofot|grant", "funder": r"homiy"},
}


@pytest.mark.parametrize("locale", sorted(NOT_THE_GLOSSARYS))
def test_awards_and_funders_are_named_as_the_glossary_names_them(locale: str) -> None:
    """Found by a journalist: the Russian receipt box said "награда" (a prize, a decoration)
    where the rest of the catalog says "решение о финансировании"; the Kazakh one said
    "марапат" and the Uzbek one "mukofot", and some risk texts called a funder a donor. A
    text about a grant or a prize may name it so."""
    wrong = []
    for message in _read(catalogs.catalog_path(locale), locale):
        source = message.id if isinstance(message.id, str) else message.id[0]
        if not source or re.search(r"\b(grant|prize)", source, re.IGNORECASE):
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for word, avoided in NOT_THE_GLOSSARYS[locale].items():
            if re.search(rf"\b{word}", source, re.IGNORECASE) and any(
                re.search(avoided, form, re.IGNORECASE) for form in forms
            ):
                wrong.append((source, forms))
    assert not wrong, f"{locale}: {len(wrong)} texts, e.g. {wrong[:3]}"


NAME_PLACEHOLDER = re.compile(r"%\((?:body|name|funder|recipient|organization)\)s")
CASE_SUFFIX = re.compile(
    r"%\((?:body|name|funder|recipient|organization)\)s[\s-]*"
    r"(?:ga|ka|qa|ni|da|ta|dan|tan|ning|га|ка|қа|ни|да|та|дан|тан|нинг"
    r"|ға|ғе|ке|қа|ге|ны|ні|ды|ді|ты|ті|нан|нен|дан|ден|тан|тен|ның|нің|дың|дің|тың|тің)\b"
)


@pytest.mark.parametrize("locale", ["uz_Latn", "uz_Cyrl", "kk"])
def test_no_case_suffix_follows_a_name_the_page_puts_in(locale: str) -> None:
    """Uzbek and Kazakh attach a case ending to the word before it: after a name put in by
    the page ("%(body)s ga yoʻllandi" read "…jamoat fondi ga yoʻllandi") it stands alone, as
    no reader writes it. A name comes after a colon, or a noun that takes the suffix follows
    it ("%(body)s органына")."""
    catalog = _read(catalogs.catalog_path(locale), locale)
    wrong = [
        form
        for message in catalog
        if message.id
        for form in (message.string if isinstance(message.string, tuple) else [message.string])
        if form and CASE_SUFFIX.search(form)
    ]
    assert not wrong, wrong


@pytest.mark.parametrize(("locale", "misspelt"), [("uz_Latn", r"\breestr"), ("uz_Cyrl", r"реэстр")])
def test_the_registry_is_spelt_as_the_uzbek_catalog_spells_it(locale: str, misspelt: str) -> None:
    """Eleven Uzbek texts of the oversight pages and the desk said "reestr" where the other
    29 say "reyestr", and the Cyrillic catalog made from them "Реэстр" for "Реестр" (found by
    review)."""
    wrong = [
        message.id
        for message in _read(catalogs.catalog_path(locale), locale)
        if any(
            re.search(misspelt, form, re.IGNORECASE)
            for form in (message.string if isinstance(message.string, tuple) else (message.string,))
        )
    ]
    assert not wrong, f"{locale}: {wrong[:3]}"


def _rule_templates() -> set[str]:
    """The templates of the services' rule messages (``registry.core.messages.Rule``, and
    ``N_`` outside the portal) and of the reference data's refusals (an amount, a legal
    unit's date: ``registry.reference.refusals``), as Babel finds them in the code."""
    refusals = ("InvalidAmount", "UnknownCurrency", "UnknownUnitValue")
    found = extract_from_dir(
        ROOT / "registry",
        method_map=[("web/**", "ignore"), ("**.py", "python")],
        keywords={"Rule": None, "N_": None} | dict.fromkeys(refusals),
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str) and message}


def test_every_rule_template_is_in_the_template() -> None:
    """A rule the desk says in the reader's language is in messages.pot (babel.cfg reads the
    services, not only the portal)."""
    templates = _rule_templates()
    assert len(templates) >= 50, sorted(templates)[:5]
    assert "the implementation period ends before it starts" in templates
    missing = templates - _ids(_read(LOCALE_DIR / "messages.pot"))
    assert not missing, sorted(missing)[:3]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_rule_template_is_translated(locale: str) -> None:
    strings = {
        message.id: message.string
        for message in _read(catalogs.catalog_path(locale), locale)
        if message.id and not message.fuzzy
    }
    untranslated = sorted(template for template in _rule_templates() if not strings.get(template))
    assert not untranslated, f"{locale}: {untranslated[:3]}"
