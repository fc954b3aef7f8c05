"""What the desk wrote recently, asked about before it is written a second time.

A form carries a nonce, its idempotency key, so that a form sent twice writes once. A form
served again does not: Back after a send reloads the form (the desk's pages are never
cached), with a new nonce, and Chromium fills in what was typed, so a second send wrote the
same award again, for ever (an award cannot be voided, only terminated, and then counts in
its funder's totals; a tranche recorded twice doubles what the award's page says was paid).

So before it writes, the desk looks for what this organization wrote with the same form,
about the same thing, with the same values, within ``WINDOW``. Found, nothing is written: the
form is shown again naming that entry, and is written only with a box ticked that names it
(``REPEAT_OF``, the entry's number), so that a second identical write meant as such stays
possible. A disbursement naming a tranche already recorded on the award, not voided, is
asked about the same way, however long ago and by whatever means it was recorded.

What was written is read from the idempotency records the desk stores anyway, one for each
form it wrote: its fingerprint names the form, the organization, what the form is about and
the body; it holds the time and the response naming the entry. They are in the database, so
two tabs and two workers see the same records; they are operational state, so the ledger is
neither read for it nor touched; and the check is made under the ledger's lock, so that two
tabs sending alike at once are judged one after the other.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from pydantic import BaseModel
from sqlalchemy.orm import Session

from registry.auth.principal import Principal
from registry.awards import service as award_service
from registry.awards.schemas import AwardDisbursed
from registry.core import clock, idempotency
from registry.web.desk import sessions

WINDOW: Final = timedelta(hours=sessions.MAX_HOURS)
"""How long a write is remembered as recent: a form served again is resent in the session
that served it (its CSRF token is that session's), and a session lasts at most 8 hours."""
REPEAT_OF: Final = "repeat_of"
"""The box that confirms a second write: its value is the entry it repeats."""


@dataclass(frozen=True)
class Recorded:
    """An entry the form would repeat: its number and the page of what it wrote."""

    seq: int
    id: str
    link: str
    at: datetime | None = None
    """When the same form wrote it (None: a tranche recorded by any means)."""
    tranche: int | None = None
    """The tranche number it recorded, for a disbursement naming one already recorded."""


class Repeated(Exception):
    """The form would write what ``recorded`` already holds; nothing was written."""

    def __init__(self, recorded: Recorded) -> None:
        super().__init__(f"would repeat entry {recorded.seq}")
        self.recorded = recorded


def fingerprint(slug: str, principal: Principal, target: str | None, data: BaseModel) -> bytes:
    """A desk write's fingerprint: the form, the organization, what it is about, the body."""
    return idempotency.fingerprint(
        "POST", f"/desk/forms/{slug}", data, about=(principal.organization_id, target)
    )


def check(
    session: Session,
    *,
    fingerprint: bytes,
    data: BaseModel,
    target: str | None,
    confirmed: str | None,
) -> None:
    """``Repeated`` unless nothing alike is recorded or ``confirmed`` names the entry it
    would repeat (the newest: once repeated, a third write is asked about the second). The
    caller holds the ledger's lock."""
    alike: list[Recorded] = []
    since = clock.now() - WINDOW
    found = idempotency.latest_alike(session, fingerprint=fingerprint, since=since)
    if found is not None:
        written = json.loads(found.response)
        alike.append(Recorded(written["seq"], written["id"], written["link"], at=found.created_at))
    if isinstance(data, AwardDisbursed) and data.tranche is not None and target is not None:
        seq = award_service.tranche_recorded(session, target, data.tranche)
        if seq is not None:
            alike.append(Recorded(seq, target, f"/awards/{target}", tranche=data.tranche))
    # One question, about the newest entry alike, answers both: asking about each in turn
    # would loop for ever when they differ (a tranche the desk wrote as #100 and an
    # integrator again as #105; found by review).
    newest = max(alike, key=lambda recorded: recorded.seq, default=None)
    if newest is not None and confirmed != str(newest.seq):
        raise Repeated(newest)
