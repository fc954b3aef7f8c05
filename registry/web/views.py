"""Shaping service results for templates: no queries of its own beyond the services'."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

from sqlalchemy.orm import Session

from registry.organizations import service as organization_service
from registry.publication import search
from registry.reference.money import format_amount
from registry.web.i18n import N_

INSTRUMENT_NAMES: Final = {
    "grant": N_("Grant"),
    "subsidy": N_("Subsidy"),
    "social_contract": N_("Social contract"),
    "strategic_partnership": N_("Strategic partnership"),
    "prize": N_("Prize"),
}
"""Each instrument as the portal names it, translated when shown: the statistics' groups and
the desk's choices (the templates' ``instrument_name`` says the same words)."""


def totals_by_year(buckets: Iterable[search.Bucket]) -> dict[int, list[tuple[str, int, str]]]:
    """Year → [(currency, count, awarded amount as a decimal string)], currencies apart."""
    grouped: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for bucket in buckets:
        grouped[int(bucket.key)].append(
            (bucket.currency, bucket.count, format_amount(bucket.awarded_minor, bucket.currency))
        )
    return dict(grouped)


def organization_names(session: Session, org_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """org-id → its names by language, for the organizations a page links to."""
    found = organization_service.find_many(session, set(org_ids))
    return {org_id: names_of(organization) for org_id, organization in found.items()}


names_of = organization_service.names_of
