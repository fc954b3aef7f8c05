"""The ledger head follows from the entries: a transaction that changes one without the other
is refused.

Found by raw SQL as the database owner (issue 14): on PostgreSQL ``UPDATE ledger_head SET
root_hash = …`` (or ``last_leaf_hash``, ``frontier``, or ``size = size + 5``) was accepted, and so
was an entry inserted at ``seq = size`` without moving the head.

PostgreSQL: two constraint triggers, deferred to COMMIT (the append path inserts the entries
and moves the head in one statement, whose parts cannot see each other's rows):

* after any head update, the head must describe the entries exactly: ``size`` is one past the
  last entry's ``seq``, ``last_leaf_hash`` is that entry's, ``frontier`` is the stored subtree
  hashes of the perfect subtrees covering the tree (one per set bit of ``size``), and
  ``root_hash`` is those folded (RFC 9162 §2.1.1, with the database's ``sha256``);
* after any entry insert, the entry must lie below the head's ``size``.

SQLite has no deferred triggers and no SHA-256: a head update must make ``size`` one past the
last entry, ``last_leaf_hash`` its leaf hash, the frontier one hash per set bit of the size
ending with the last entry's subtree, and may change nothing when the size stays. What it
cannot check (a root, or a frontier's larger subtrees, forged together with a forged entry; an
entry inserted with no head update) the service checks before every write, refusing to write
with a 503 (see ``registry.ledger.service``). Neither database stops its owner from disabling
triggers; the external auditor and the witnesses are the last line against that.

Revision ID: 0014_ledger_head_guards
Revises: 0013_search_words
Create Date: 2026-12-06 00:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_ledger_head_guards"
down_revision: str | None = "0013_search_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

_POSTGRESQL_HEAD_CHECK = f"""
CREATE FUNCTION registry_head_matches_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head ledger_head%ROWTYPE;
    held bigint;
    expected bytea := ''::bytea;
    node bytea;
    stored_leaf bytea;
    stored_subtrees bytea;
    root bytea;
    level int;
    pieces int;
BEGIN
    SELECT * INTO head FROM ledger_head WHERE id = 1;
    SELECT coalesce(max(seq) + 1, 0) INTO held FROM ledger_entries;
    IF head.size <> held THEN
        RAISE EXCEPTION 'registry: the ledger head says % entries, the ledger holds %',
            head.size, held USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF head.size = 0 THEN
        IF head.root_hash <> '\\x{EMPTY_ROOT}'::bytea OR head.frontier <> ''::bytea
                OR head.last_leaf_hash <> '\\x{"00" * 32}'::bytea THEN
            RAISE EXCEPTION 'registry: the empty ledger''s head must be the empty tree''s'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
    END IF;
    -- One perfect subtree per set bit of size, largest first; its hash is stored with the
    -- entry of its last leaf (level 0: the leaf hash; level L: subtree_hashes' L-th hash).
    FOR level IN REVERSE 62..0 LOOP
        IF (head.size >> level) & 1 = 1 THEN
            SELECT leaf_hash, subtree_hashes INTO stored_leaf, stored_subtrees
            FROM ledger_entries
            WHERE seq = ((head.size >> (level + 1)) << (level + 1)) + (1::bigint << level) - 1;
            node := CASE WHEN level = 0 THEN stored_leaf
                ELSE substring(stored_subtrees FROM 32 * (level - 1) + 1 FOR 32) END;
            expected := expected || coalesce(node, ''::bytea);
        END IF;
    END LOOP;
    IF head.frontier <> expected THEN
        RAISE EXCEPTION 'registry: the ledger head''s frontier is not the stored tree''s'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF head.last_leaf_hash <> stored_leaf THEN
        RAISE EXCEPTION 'registry: the ledger head''s last leaf hash is not entry %''s',
            head.size - 1 USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    pieces := length(expected) / 32;
    root := substring(expected FROM 32 * (pieces - 1) + 1 FOR 32);
    FOR level IN REVERSE pieces - 2..0 LOOP
        root := sha256('\\x01'::bytea || substring(expected FROM 32 * level + 1 FOR 32) || root);
    END LOOP;
    IF head.root_hash <> root THEN
        RAISE EXCEPTION 'registry: the ledger head''s root hash is not the stored tree''s root'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608 - constants, no input

_POSTGRESQL_ENTRY_CHECK = """
CREATE FUNCTION registry_entry_within_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq >= (SELECT size FROM ledger_head WHERE id = 1) THEN
        RAISE EXCEPTION 'registry: ledger entry % lies beyond the head: an entry is appended '
            'together with the head that counts it', NEW.seq
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$
"""

_SQLITE_POPCOUNT = " + ".join(f"((NEW.size >> {bit}) & 1)" for bit in range(63))
_SQLITE_HEAD_CHECK = (
    "CREATE TRIGGER ledger_head_matches_entries BEFORE UPDATE ON ledger_head "
    "WHEN NEW.size <> coalesce((SELECT max(seq) FROM ledger_entries), -1) + 1 "
    "OR (NEW.size = OLD.size AND (NEW.root_hash IS NOT OLD.root_hash "
    "OR NEW.last_leaf_hash IS NOT OLD.last_leaf_hash OR NEW.frontier IS NOT OLD.frontier)) "
    # One frontier hash per set bit of the size; the last is the smallest subtree's, which
    # the last entry stores (its leaf hash, or its last subtree hash).
    "OR length(NEW.frontier) <> 32 * (POPCOUNT) "
    "OR (NEW.size > 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries WHERE seq = NEW.size - 1 "
    "AND leaf_hash = NEW.last_leaf_hash AND substr(NEW.frontier, -32) = CASE "
    "WHEN length(subtree_hashes) = 0 THEN leaf_hash ELSE substr(subtree_hashes, -32) END)) "
    "BEGIN SELECT RAISE(ABORT, 'registry: the ledger head must describe its entries: "
    "size one past the last entry, its leaf hash and subtree, and no other change'); END"
).replace("POPCOUNT", _SQLITE_POPCOUNT)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute(_SQLITE_HEAD_CHECK)
        return
    op.execute(_POSTGRESQL_HEAD_CHECK)
    op.execute(_POSTGRESQL_ENTRY_CHECK)
    op.execute(
        "CREATE CONSTRAINT TRIGGER ledger_head_matches_entries AFTER UPDATE ON ledger_head "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION registry_head_matches_entries()"
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER ledger_entries_within_head AFTER INSERT ON ledger_entries "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION registry_entry_within_head()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER ledger_head_matches_entries")
        return
    op.execute("DROP TRIGGER ledger_entries_within_head ON ledger_entries")
    op.execute("DROP TRIGGER ledger_head_matches_entries ON ledger_head")
    op.execute("DROP FUNCTION registry_entry_within_head()")
    op.execute("DROP FUNCTION registry_head_matches_entries()")
