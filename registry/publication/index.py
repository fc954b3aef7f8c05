"""Keeps the full-text documents and theme links in step with the projections.

``journal.apply`` calls ``refresh`` after each entry's projector, so the index changes in the
same transaction as the rows it describes, live and on replay alike.
"""

from collections.abc import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from registry.awards.models import Award
from registry.competitions.models import Competition
from registry.organizations.models import Organization
from registry.publication.fulltext import tokens, tsvector_literal
from registry.publication.models import AwardTheme, CompetitionTheme, SearchDocument

AWARD, COMPETITION, ORGANIZATION = "award", "competition", "organization"
_REINDEXED_BY = {
    "organization.registered": ORGANIZATION,
    "competition.published": COMPETITION,
    "competition.amended": COMPETITION,
    "award.published": AWARD,
    "award.corrected": AWARD,
}


def refresh(session: Session, *, kind: str, subject: str) -> None:
    """Re-index what the entry of ``kind`` about ``subject`` may have changed."""
    target = _REINDEXED_BY.get(kind)
    if target == AWARD:
        _index_award(session, subject)
    elif target == COMPETITION:
        _index_competition(session, subject)
    elif target == ORGANIZATION:
        _index_organization(session, subject)


def _texts(*values: object) -> Iterable[str]:
    for value in values:
        if isinstance(value, dict):
            yield from (text for text in value.values() if text)
        elif isinstance(value, list | tuple):
            yield from (str(item) for item in value)
        elif value:
            yield str(value)


def _organization_names(organization: Organization | None) -> list[str]:
    if organization is None:
        return []
    names = (organization.name_uz, organization.name_ru, organization.name_kk, organization.name_en)
    return [name for name in names if name]


def _store(session: Session, kind: str, ref_id: str, texts: Iterable[str]) -> None:
    words = [token for text in texts for token in tokens(text)]
    session.execute(
        delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id)
    )
    postgresql = session.get_bind().dialect.name == "postgresql"
    session.execute(
        insert(SearchDocument).values(
            kind=kind,
            ref_id=ref_id,
            body=" ".join(words),
            tsv=tsvector_literal(words) if postgresql else None,
        )
    )


def _themes(
    session: Session,
    table: type[AwardTheme] | type[CompetitionTheme],
    key: str,
    ref_id: str,
    themes: list[str],
) -> None:
    column = getattr(table, key)
    session.execute(delete(table).where(column == ref_id))
    # Casefolding can lengthen a theme (ß -> ss): cut to the column after folding.
    unique = sorted({theme.strip().casefold()[:100] for theme in themes if theme.strip()})
    if unique:
        session.execute(insert(table), [{key: ref_id, "theme": theme} for theme in unique])


def _index_award(session: Session, award_id: str) -> None:
    award = session.get(Award, award_id)
    assert award is not None
    organizations = {
        organization.org_id: organization
        for organization in session.execute(
            select(Organization).where(
                Organization.org_id.in_([award.funder_id, award.recipient_id])
            )
        ).scalars()
    }
    texts = _texts(
        award.id,
        award.title,
        award.purpose,
        award.recipient_name,
        award.recipient_id,
        award.funder_id,
        award.competition_id,
        award.legal_basis,
        award.themes,
        _organization_names(organizations.get(award.recipient_id)),
        _organization_names(organizations.get(award.funder_id)),
    )
    _store(session, AWARD, award.id, texts)
    _themes(session, AwardTheme, "award_id", award.id, award.themes)


def _index_competition(session: Session, competition_id: str) -> None:
    competition = session.get(Competition, competition_id)
    assert competition is not None
    funder = session.get(Organization, competition.funder_id)
    texts = _texts(
        competition.id,
        competition.title,
        competition.description,
        competition.eligibility,
        competition.themes,
        competition.legal_basis,
        competition.funder_id,
        _organization_names(funder),
    )
    _store(session, COMPETITION, competition.id, texts)
    _themes(session, CompetitionTheme, "competition_id", competition.id, competition.themes)


def _index_organization(session: Session, org_id: str) -> None:
    organization = session.get(Organization, org_id)
    assert organization is not None
    texts = _texts(organization.org_id, organization.legal_form, _organization_names(organization))
    _store(session, ORGANIZATION, organization.org_id, texts)


def rebuild(session: Session) -> int:
    """Index every organization, competition and award from the projections; the count.

    For a database migrated from before the index existed (the projections are complete,
    the derived index is empty); a replay or normal writes never need it.
    """
    count = 0
    kinds = (
        (Organization.org_id, _index_organization),
        (Competition.id, _index_competition),
        (Award.id, _index_award),
    )
    for key, index_one in kinds:
        for ref_id in list(session.execute(select(key)).scalars()):
            index_one(session, ref_id)
            count += 1
    return count
