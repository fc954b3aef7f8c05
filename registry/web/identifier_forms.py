"""Whether an identifier a page was asked for could ever name a record, for the 404 page.

A record that is not there *yet* is a promise the page should make only of an identifier of the
right form: ``AWD-2026-999999`` may be published tomorrow, ``XX-123`` can never be an
organization. The registry makes its awards', competitions' and conclusions' ids itself
(``<prefix>-<year>-<number>``, the number zero-padded to its width and longer past it,
``registry.core.ids``); an organization's org-id is whatever ``parse_org_id`` accepts. Case is
not the form: the pages redirect another case to the record's own.
"""

import re
from typing import Final

from registry.awards import service as award_service
from registry.competitions import service as competition_service
from registry.oversight import service as oversight_service
from registry.reference.identifiers import InvalidIdentifier, parse_org_id


def _generated(prefix: str, width: int) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(prefix)}-[0-9]{{4}}-[0-9]{{{width},}}", re.IGNORECASE)


_GENERATED: Final = {
    "award_id": (
        _generated(award_service.ID_PREFIX, award_service.ID_WIDTH),
        f"{award_service.ID_PREFIX}-2026-{1:0{award_service.ID_WIDTH}d}",
    ),
    "competition_id": (
        _generated(competition_service.ID_PREFIX, competition_service.ID_WIDTH),
        f"{competition_service.ID_PREFIX}-2026-{1:0{competition_service.ID_WIDTH}d}",
    ),
    "conclusion_id": (
        _generated(oversight_service.ID_PREFIX, oversight_service.ID_WIDTH),
        f"{oversight_service.ID_PREFIX}-2026-{1:0{oversight_service.ID_WIDTH}d}",
    ),
}
ORG_ID_EXAMPLES: Final = ("UZ-STIR-310006777", "KZ-BIN-940140000385")


def expected_form(parameter: str, value: str) -> tuple[str, ...] | None:
    """Examples of the form ``value`` should have had, when it cannot be an identifier of the
    kind the path ``parameter`` names; None when it may be one (or the kind has no form)."""
    if parameter == "org_id":
        try:
            parse_org_id(value)
        except InvalidIdentifier:
            return ORG_ID_EXAMPLES
        return None
    generated = _GENERATED.get(parameter)
    if generated is None:
        return None
    pattern, example = generated
    return None if pattern.fullmatch(value) else (example,)
