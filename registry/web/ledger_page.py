"""The ledger page: the signed checkpoint, the log's key, how to verify, the latest entries."""

import base64
from typing import Annotated, Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from registry.core.db import SessionDep
from registry.ledger import service as ledger_service
from registry.ledger.merkle import leaf_hash
from registry.web.templating import render

router = APIRouter(tags=["portal"])
ENTRIES_PER_PAGE: Final = 50
MAX_SEQ: Final = 2**63 - 1
# Where an entry's subject is shown, by the family of its kind.
SUBJECT_PAGES: Final = {
    "award.": "/awards/",
    "competition.": "/competitions/",
    "organization.": "/organizations/",
    "oversight.": "/oversight/conclusions/",
}


def subject_page(kind: str, subject: str) -> str | None:
    return next(
        (prefix + subject for family, prefix in SUBJECT_PAGES.items() if kind.startswith(family)),
        None,
    )


@router.get("/ledger", response_class=HTMLResponse)
def ledger(
    request: Request,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1, le=MAX_SEQ)] = None,
) -> HTMLResponse:
    """Entries are listed newest first, ``ENTRIES_PER_PAGE`` at a time: ``before`` is the seq
    that ends the page (exclusive), so a page's link stays the same as the ledger grows."""
    size = ledger_service.size(session)
    end = min(before, size) if before is not None else size
    start = max(0, end - ENTRIES_PER_PAGE)
    leaves = (
        ledger_service.leaves(session, start=start, end=end, limit=ENTRIES_PER_PAGE) if end else []
    )
    entries: list[dict[str, Any]] = []
    for leaf in reversed(leaves):
        decoded = ledger_service.decode_leaf(leaf)
        entries.append(
            {
                **decoded,
                "page": subject_page(decoded["kind"], decoded["subject"]),
                "leaf_hash": leaf_hash(leaf).hex(),
            }
        )
    witnesses = request.app.state.witnesses
    witnessed = ledger_service.latest_witnessed(session, witnesses=witnesses.labels)
    checkpoint = witnessed.checkpoint if witnessed else None
    verifier_key: str = request.app.state.signer.verifier.verifier_key()
    key_name, key_id, _ = verifier_key.split("+", 2)
    return render(
        request,
        "ledger.html",
        {
            "section": "/ledger",
            "size": size,
            "checkpoint": checkpoint,
            "note": witnessed.note if witnessed else None,
            "cosignatures": witnessed.cosignatures if witnessed else 0,
            "witnesses": len(witnesses.labels),
            "quorum": witnesses.quorum,
            "root_base64": base64.b64encode(checkpoint.root_hash).decode() if checkpoint else None,
            "verifier_key": verifier_key,
            "key_name": key_name,
            "key_id": key_id,
            "entries": entries,
            "older": start if start > 0 else None,
            "newer": min(size, end + ENTRIES_PER_PAGE) if end < size else None,
            "public_url": request.app.state.settings.public_url,
        },
    )
