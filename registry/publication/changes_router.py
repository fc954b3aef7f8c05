"""``GET /changes``: the public change feed, for followers that keep a copy of the registry's
data up to date (see ``changes.py`` for why it is in ledger order)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import AfterValidator, BaseModel, Field

from registry.core.db import SessionDep
from registry.core.errors import problem_responses
from registry.publication import changes

router = APIRouter(prefix="/changes", tags=["changes"])

DESCRIPTION = """\
Every ledger entry with `seq` greater than `after`, oldest first, decoded from the signed leaf.
The ledger starts at `seq` 0: `after=-1` (the default) is from the start, and `after=0` skips
entry 0.
Follow `next` until it is null: that page reaches the current end of the ledger. To keep up,
poll again later with `after` set to the `seq` of the last item you processed (keep your
`after` if the page was empty); entries are never inserted behind a `seq` you have seen, so
nothing is missed and nothing comes twice. `kind` is an exact kind (`award.published`) or, ending
in a dot, a family (`award.`); any other (`award` without its dot, `bogus`) is a 400 listing the
families, never an empty page; `subject` is an id (`AWD-2026-00001`, an org-id). An `after` the
ledger has not reached yet is a 404. Mirrors that copy the ledger byte for byte read
`/ledger/leaves` instead.
"""


class ChangeRead(BaseModel):
    seq: int = Field(description="The entry's place in the ledger, from 0.")
    leaf_hash: str = Field(description="SHA-256(0x00 || leaf), hex (RFC 6962 §2.1).")
    time: str = Field(description="When it was recorded: RFC 3339 UTC, exactly as in the leaf.")
    kind: str = Field(examples=["award.published"])
    actor: str
    subject: str = Field(description="What the entry is about: an award, competition, org-id…")
    body: dict[str, Any] = Field(description="The entry's body, as recorded.")


class ChangePageRead(BaseModel):
    items: list[ChangeRead]
    next: str | None = Field(
        description="The full URL of the next page; null when this page reaches the current "
        "end of the ledger (poll again with after=<last seq>)."
    )


def _change_read(change: changes.Change) -> ChangeRead:
    return ChangeRead(
        seq=change.seq,
        leaf_hash=change.leaf_hash.hex(),
        time=change.time,
        kind=change.kind,
        actor=change.actor,
        subject=change.subject,
        body=change.body,
    )


@router.get(
    "",
    summary="Ledger entries after a given one, in ledger order (the change feed)",
    description=DESCRIPTION,
    response_model=ChangePageRead,
    responses=problem_responses(400, 404),
)
def list_changes(
    request: Request,
    session: SessionDep,
    after: Annotated[
        int,
        Query(
            ge=changes.FROM_THE_START,
            le=changes.MAX_SEQ,
            description="Entries with a greater seq. The ledger starts at seq 0, so -1 (the "
            "default) is from the start, and 0 skips entry 0.",
        ),
    ] = changes.FROM_THE_START,
    limit: Annotated[int, Query(ge=1, le=changes.MAX_LIMIT)] = changes.DEFAULT_LIMIT,
    kind: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=changes.MAX_KIND_LENGTH,
            description="An exact kind (`award.published`), or a family ending in a dot: "
            + ", ".join(f"`{family}`" for family in changes.FAMILIES)
            + ". Any other is a 400.",
        ),
        AfterValidator(changes.read_kind),
    ] = None,
    subject: Annotated[
        str | None, Query(min_length=1, max_length=changes.MAX_SUBJECT_LENGTH)
    ] = None,
) -> ChangePageRead:
    found = changes.page(session, after=after, limit=limit, kind=kind, subject=subject)
    following = None
    if found.more:
        # The same query from the last item on: filters and limit carry over unchanged.
        following = str(request.url.include_query_params(after=found.items[-1].seq))
    return ChangePageRead(items=[_change_read(item) for item in found.items], next=following)
