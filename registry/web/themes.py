"""The theme labels a page shows in the reader's language.

A theme is a free label the funder writes (``youth``, ``ecology``), stored and filtered on as
written. The labels below, the ones the registry's funders use, are in the catalogs, so a page
shows them translated; any other label is shown as its funder wrote it. Links and filters keep
the stored label, so a translated tag still finds the same awards.
"""

from typing import Final

from babel.support import NullTranslations

from registry.web.i18n import N_

THEMES: Final = frozenset(
    {
        N_("charity"),
        N_("children"),
        N_("civic oversight"),
        N_("climate"),
        N_("culture"),
        N_("digital"),
        N_("disability"),
        N_("disaster relief"),
        N_("ecology"),
        N_("education"),
        N_("elderly"),
        N_("employment"),
        N_("family"),
        N_("health"),
        N_("legal aid"),
        N_("mahalla"),
        N_("media literacy"),
        N_("rural development"),
        N_("science"),
        N_("social protection"),
        N_("sport"),
        N_("tourism"),
        N_("volunteering"),
        N_("women"),
        N_("youth"),
    }
)
"""Lower-case, as the search index folds them (a label's case does not make it another)."""


def translated(theme: str, translations: NullTranslations) -> str:
    """``theme`` in the catalog's language if it is one of ``THEMES``, else as written."""
    known = theme.strip().casefold()
    return translations.ugettext(known) if known in THEMES else theme
