"""Keeps the full-text documents and theme links in step with the projections.

``journal`` calls ``refresh_many`` once the entries a write records are projected, so the index
changes in the same transaction as the rows it describes, live and on replay alike.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Final

from sqlalchemy import RowMapping, Table, delete, event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from registry.awards.models import Award
from registry.competitions.models import Competition
from registry.core.db import insert_rows, table_of
from registry.core.schemas import LANGUAGES
from registry.organizations.models import Organization
from registry.publication.fulltext import tokens, tsvector_literal
from registry.publication.models import AwardTheme, CompetitionTheme, SearchDocument

AWARD, COMPETITION, ORGANIZATION = "award", "competition", "organization"
_Values = Mapping[Any, Any]
"""A row's values by column name: a row as a projector inserted it, or as read."""
# Ids per statement: well inside SQLite's 32,766 parameters (an import's chunk in a few).
_SLICE: Final = 1000
# The entries that create their subject: a thing created by the entries being indexed has
# no documents or themes yet, so there is nothing of it to delete first.
_CREATED_BY = frozenset({"organization.registered", "competition.published", "award.published"})
_REINDEXED_BY = {
    "organization.registered": ORGANIZATION,
    "competition.published": COMPETITION,
    "competition.amended": COMPETITION,
    "award.published": AWARD,
    "award.corrected": AWARD,
}


def refresh(session: Session, *, kind: str, subject: str) -> None:
    """Re-index what the entry of ``kind`` about ``subject`` may have changed."""
    refresh_many(session, [(kind, subject)])


def refresh_many(
    session: Session,
    changes: Iterable[tuple[str, str]],
    *,
    inserted: Mapping[Table, Sequence[_Values]] | None = None,
) -> None:
    """Re-index what entries of these ``(kind, subject)`` may have changed, a few statements
    per table for all of them: a write of many entries (an import's chunk) re-indexes each
    thing once, after all its entries are projected, and the result is what one refresh per
    entry would leave, since a refresh rewrites a thing's documents from its current rows.

    ``inserted``: the rows these entries' projectors inserted, by table (``journal.Inserted``).
    An organization or an award these entries created, and no other of them is about, is
    indexed from its row as inserted rather than read back."""
    targets: dict[str, dict[str, None]] = {ORGANIZATION: {}, COMPETITION: {}, AWARD: {}}
    created: dict[str, set[str]] = {ORGANIZATION: set(), COMPETITION: set(), AWARD: set()}
    # Subjects of any entry that does not create its subject, reindexing or not: a row such
    # an entry may have changed after its projector inserted it is read back.
    changed: set[str] = set()
    for kind, subject in changes:
        if kind not in _CREATED_BY:
            changed.add(subject)
        target = _REINDEXED_BY.get(kind)
        if target is None:
            continue
        targets[target][subject] = None
        if kind in _CREATED_BY:
            created[target].add(subject)
    inserted = inserted or {}

    def fresh(target: str, table: Table, key: str) -> dict[str, _Values]:
        return {
            row[key]: row
            for row in inserted.get(table, ())
            if row[key] in created[target] and row[key] not in changed
        }

    organizations = fresh(ORGANIZATION, table_of(Organization), "org_id")
    for ids in _slices(list(targets[ORGANIZATION])):
        _index_organizations(session, ids, created[ORGANIZATION], organizations)
    for ids in _slices(list(targets[COMPETITION])):
        _index_competitions(session, ids, created[COMPETITION])
    awards = fresh(AWARD, table_of(Award), "id")
    for ids in _slices(list(targets[AWARD])):
        _index_awards(session, ids, created[AWARD], awards)


def _slices(ids: list[str]) -> Iterator[list[str]]:
    """``ids`` in slices short enough for an ``IN`` list on either database."""
    for start in range(0, len(ids), _SLICE):
        yield ids[start : start + _SLICE]


def _texts(*values: object) -> Iterable[str]:
    for value in values:
        if isinstance(value, dict):
            # A text's languages in one order, whatever the dict's: a live write keeps the
            # order it was given in, a replay decodes its leaf's members sorted, and both must
            # index the same document.
            yield from (value[key] for key in _in_language_order(value) if value[key])
        elif isinstance(value, list | tuple):
            yield from (str(item) for item in value)
        elif value:
            yield str(value)


def _in_language_order(texts: dict[Any, Any]) -> list[Any]:
    """The keys of a text by language: ``LANGUAGES`` first, in their order, then any other."""
    return [
        *(language for language in LANGUAGES if language in texts),
        *sorted(key for key in texts if key not in LANGUAGES),
    ]


def _organization_names(organization: _Values) -> list[str]:
    names = (
        organization["name_uz"],
        organization["name_ru"],
        organization["name_kk"],
        organization["name_en"],
    )
    return [name for name in names if name]


# What documents are made of, read as plain rows: indexing needs no objects, and building
# them for every row of an import's chunk cost more than the rest of the read.
_ORGANIZATION_COLUMNS = (
    Organization.org_id,
    Organization.legal_form,
    Organization.name_uz,
    Organization.name_ru,
    Organization.name_kk,
    Organization.name_en,
)
_AWARD_COLUMNS = (
    Award.id,
    Award.title,
    Award.purpose,
    Award.recipient_name,
    Award.recipient_id,
    Award.funder_id,
    Award.competition_id,
    Award.legal_basis,
    Award.themes,
)


_NAMES = "registry.index.organization_names"


def _names(session: Session, org_ids: Iterable[str]) -> dict[str, list[str]]:
    """The names of these organizations (those registered), read once per transaction: an
    organization's row never changes once registered, and an import's chunks name the same
    funders and many of the same recipients again."""
    known: dict[str, list[str]] = session.info.setdefault(_NAMES, {})
    missing = {org_id for org_id in org_ids if org_id not in known}
    if missing:
        for org_id, row in _organizations(session, missing).items():
            known[org_id] = _organization_names(row)
    return known


def know_names(session: Session, organizations: Iterable[_Values]) -> None:
    """Keep these organizations' names (rows read by the write, with their ``org_id`` and
    four names) for the documents indexed later in its transaction (``_names``)."""
    known: dict[str, list[str]] = session.info.setdefault(_NAMES, {})
    for organization in organizations:
        known[organization["org_id"]] = _organization_names(organization)


def _organizations(session: Session, org_ids: Iterable[str]) -> dict[str, RowMapping]:
    wanted = set(org_ids)
    if not wanted:
        return {}
    statement = select(*_ORGANIZATION_COLUMNS).where(Organization.org_id.in_(wanted))
    return {
        organization["org_id"]: organization
        for organization in session.execute(statement).mappings()
    }


def _store(
    session: Session, kind: str, documents: dict[str, Iterable[str]], created: set[str]
) -> None:
    """Replace the documents of ``kind`` for these ids (those not ``created`` just now have
    theirs deleted first) with these texts' tokens."""
    # Core statements on the session's connection: nothing of these tables is ever loaded
    # as objects in a write, and the ORM's bulk paths cost more than the database here.
    connection = session.connection()
    table = table_of(SearchDocument)
    existing = [ref_id for ref_id in documents if ref_id not in created]
    if existing:
        connection.execute(delete(table).where(table.c.kind == kind, table.c.ref_id.in_(existing)))
    postgresql = connection.dialect.name == "postgresql"
    rows = []
    vocabulary: set[str] = set()
    # The same short texts recur in many documents (organizations' names and ids, themes):
    # each is tokenized once per call.
    folded: dict[str, list[str]] = {}
    for ref_id, texts in documents.items():
        words = []
        for piece in texts:
            found = folded.get(piece)
            if found is None:
                found = folded[piece] = tokens(piece)
            words += found
        vocabulary.update(words)
        rows.append(
            {
                "kind": kind,
                "ref_id": ref_id,
                "body": " ".join(words),
                "tsv": tsvector_literal(words) if postgresql else None,
            }
        )
    insert_rows(connection, table, rows)
    if postgresql:
        # Words this transaction has already added are left out (an import's chunks share
        # most of their words). Sorted, so each statement takes its row locks in one order
        # (writers add words while holding the ledger lock in any case).
        added: set[str] = session.info.setdefault(_ADDED_WORDS, set())
        new = sorted(vocabulary - added)
        added.update(new)
        if new:
            # One parameter, not a row each: a chunk brings thousands of new words (ids,
            # numbers), and executing the INSERT once per word cost more than the rest of
            # the index. Tokens are letters and digits, so a space joins them safely.
            connection.execute(_ADD_WORDS, {"words": " ".join(new)})


# In the order given (sorted), each statement taking its row locks in one order.
_ADD_WORDS = text(
    "INSERT INTO search_words (word) "
    "SELECT word FROM unnest(string_to_array(CAST(:words AS text), ' ')) "
    "WITH ORDINALITY AS added(word, place) ORDER BY place "
    "ON CONFLICT DO NOTHING"
)


_ADDED_WORDS = "registry.index.added_words"


@event.listens_for(Session, "after_transaction_end")
def _forget_added_words(session: Session, transaction: SessionTransaction) -> None:
    """Words added, and organizations' names read, are known only until the transaction, or
    a savepoint, ends (a savepoint rolled back may have taken some of them with it; one
    released forgets them too, which costs only their reading again). A flush's own inner
    transaction, which ends with every flush, is neither."""
    if transaction.parent is None or transaction.nested:
        forget(session)


def forget(session: Session) -> None:
    """Drop the words added and the names kept so far: for a transaction as long as the whole
    ledger (a replay, a rebuild), whose memory must not grow with it. What is forgotten is only
    read or written again."""
    session.info.pop(_ADDED_WORDS, None)
    session.info.pop(_NAMES, None)


def _themes(
    session: Session,
    model: type[AwardTheme] | type[CompetitionTheme],
    key: str,
    themes: dict[str, list[str]],
    created: set[str],
) -> None:
    connection = session.connection()
    table = table_of(model)
    existing = [ref_id for ref_id in themes if ref_id not in created]
    if existing:
        connection.execute(delete(table).where(table.c[key].in_(existing)))
    # Casefolding can lengthen a theme (ß -> ss): cut to the column after folding.
    rows = [
        {key: ref_id, "theme": theme}
        for ref_id, given in themes.items()
        for theme in sorted({theme.strip().casefold()[:100] for theme in given if theme.strip()})
    ]
    insert_rows(connection, table, rows)


def _fresh_then_read(
    ids: list[str],
    fresh: Mapping[str, _Values] | None,
    read: Callable[[list[str]], Iterable[_Values]],
) -> list[_Values]:
    """These ids' rows: those in ``fresh`` (rows as just inserted) as they are, the others
    read with ``read``."""
    fresh = fresh or {}
    rows = [fresh[row_id] for row_id in ids if row_id in fresh]
    unread = [row_id for row_id in ids if row_id not in fresh]
    if unread:
        rows += read(unread)
    return rows


def _index_awards(
    session: Session,
    award_ids: list[str],
    created: set[str],
    fresh: Mapping[str, _Values] | None = None,
) -> None:
    """Index these awards: those in ``fresh`` (rows as just inserted) as they are, the others
    read."""
    awards = _fresh_then_read(
        award_ids,
        fresh,
        lambda unread: session.execute(
            select(*_AWARD_COLUMNS).where(Award.id.in_(unread))
        ).mappings(),
    )
    assert len(awards) == len(award_ids), "an award to index is not projected"
    names = _names(
        session,
        [org_id for award in awards for org_id in (award["funder_id"], award["recipient_id"])],
    )
    documents = {
        award["id"]: _texts(
            award["id"],
            award["title"],
            award["purpose"],
            award["recipient_name"],
            award["recipient_id"],
            award["funder_id"],
            award["competition_id"],
            award["legal_basis"],
            award["themes"],
            names.get(award["recipient_id"], []),
            names.get(award["funder_id"], []),
        )
        for award in awards
    }
    _store(session, AWARD, documents, created)
    themes = {award["id"]: award["themes"] for award in awards}
    _themes(session, AwardTheme, "award_id", themes, created)


def _index_competitions(session: Session, competition_ids: list[str], created: set[str]) -> None:
    competitions = list(
        session.scalars(select(Competition).where(Competition.id.in_(competition_ids)))
    )
    assert len(competitions) == len(competition_ids), "a competition to index is not projected"
    names = _names(session, [competition.funder_id for competition in competitions])
    documents = {
        competition.id: _texts(
            competition.id,
            competition.title,
            competition.description,
            competition.eligibility,
            competition.themes,
            competition.legal_basis,
            competition.funder_id,
            names.get(competition.funder_id, []),
        )
        for competition in competitions
    }
    _store(session, COMPETITION, documents, created)
    themes = {competition.id: competition.themes for competition in competitions}
    _themes(session, CompetitionTheme, "competition_id", themes, created)


def _index_organizations(
    session: Session,
    org_ids: list[str],
    created: set[str],
    fresh: Mapping[str, _Values] | None = None,
) -> None:
    """Index these organizations: those in ``fresh`` (rows as just inserted) as they are, the
    others read."""
    organizations = _fresh_then_read(
        org_ids, fresh, lambda unread: _organizations(session, unread).values()
    )
    assert len(organizations) == len(org_ids), "an organization to index is not registered"
    # Their names are kept for the documents that name them (``_names``): an import's chunk
    # registers its recipients, then publishes their awards.
    know_names(session, organizations)
    names: dict[str, list[str]] = session.info[_NAMES]
    documents = {
        organization["org_id"]: _texts(
            organization["org_id"], organization["legal_form"], names[organization["org_id"]]
        )
        for organization in organizations
    }
    _store(session, ORGANIZATION, documents, created)


def rebuild(session: Session) -> int:
    """Index every organization, competition and award from the projections; the count.

    For a database migrated from before the index existed (the projections are complete,
    the derived index is empty); a replay or normal writes never need it. Words of an older
    index left in ``search_words`` match no document, so they change no answer (and are not
    deleted here: writers adding a word would wait on each deleted row until the rebuild
    commits).
    """
    count = 0
    kinds = (
        (Organization.org_id, _index_organizations),
        (Competition.id, _index_competitions),
        (Award.id, _index_awards),
    )
    for key, index in kinds:
        for ids in _slices(list(session.execute(select(key)).scalars())):
            index(session, ids, set())
            forget(session)
            count += len(ids)
    return count
