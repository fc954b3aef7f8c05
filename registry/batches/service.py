"""Apply a batch in one transaction: one lock, one commit, contiguous ledger entries.

Each operation goes through the same service as its single endpoint, with the same rules and
the same role checks; the first refusal rolls everything back and names the operation.
"""

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel
from sqlalchemy.orm import Session

from registry.auth.principal import Principal, Role
from registry.awards import service as award_service
from registry.awards.models import Award
from registry.batches.schemas import (
    AddAwardEvent,
    AddCompetitionEvent,
    BatchCreate,
    CreateAward,
    CreateCompetition,
    CreateOrganization,
    Operation,
)
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.core.errors import FieldError, Forbidden, RegistryError, Unprocessable
from registry.core.messages import N_, Rule
from registry.ledger import service as ledger_service
from registry.organizations import service as organization_service
from registry.organizations.models import Organization

Written = Organization | Competition | Award


@dataclass(frozen=True)
class Applied:
    first_seq: int
    last_seq: int
    written: list[tuple[str, str, Written]]  # (op, id, the object as it now stands)


REFERENCE_MARK = "$"


NEEDS_KEY: Final = {
    Role.ADMIN: N_("this operation needs an admin key"),
    Role.FUNDER: N_("this operation needs a funder key"),
    Role.OVERSEER: N_("this operation needs an overseer key"),
}
"""What an operation of a batch done with another role's key is told, each role's key as
each language names it."""


def _require(principal: Principal, role: Role) -> None:
    if principal.role is not role:
        raise Forbidden(Rule(NEEDS_KEY[role]))


def _resolve(value: str | None, ids: list[str], field: str) -> str | None:
    if value is None or not value.startswith(REFERENCE_MARK):
        return value
    index = value.removeprefix(REFERENCE_MARK)
    if not index.isdigit() or int(index) >= len(ids):
        raise Unprocessable.for_field(field, f"{value} does not name an earlier operation")
    return ids[int(index)]


def _apply(
    session: Session, principal: Principal, operation: BaseModel, ids: list[str]
) -> tuple[str, Written]:
    if isinstance(operation, CreateOrganization):
        _require(principal, Role.ADMIN)
        organization = organization_service.register(
            session, actor=principal.actor, data=operation.body
        )
        return organization.org_id, organization
    _require(principal, Role.FUNDER)
    if isinstance(operation, CreateCompetition):
        competition = competition_service.publish(session, principal=principal, data=operation.body)
        return competition.id, competition
    if isinstance(operation, AddCompetitionEvent):
        competition_id = _resolve(operation.competition_id, ids, "competition_id")
        assert competition_id is not None
        competition = competition_service.add_event(
            session,
            principal=principal,
            competition_id=competition_id,
            event=operation.body,
            id_field="competition_id",
        )
        return competition.id, competition
    if isinstance(operation, CreateAward):
        data = operation.body.model_copy(
            update={
                "competition_id": _resolve(
                    operation.body.competition_id, ids, "body.competition_id"
                )
            }
        )
        award = award_service.publish(session, principal=principal, data=data)
        return award.id, award
    assert isinstance(operation, AddAwardEvent)
    award_id = _resolve(operation.award_id, ids, "award_id")
    assert award_id is not None
    award = award_service.add_event(
        session, principal=principal, award_id=award_id, event=operation.body, id_field="award_id"
    )
    return award.id, award


def apply(session: Session, *, principal: Principal, batch: BatchCreate) -> Applied:
    ledger_service.lock(session)
    first_seq = ledger_service.size(session)
    ids: list[str] = []
    written: list[tuple[str, str, Written]] = []
    for index, operation in enumerate(batch.operations):
        try:
            object_id, obj = _apply(session, principal, operation, ids)
        except RegistryError as exc:
            raise _in_operation(exc, index, operation) from exc
        ids.append(object_id)
        written.append((operation.op, object_id, obj))
    last_seq = ledger_service.size(session) - 1
    return Applied(first_seq=first_seq, last_seq=last_seq, written=written)


def _in_operation(exc: RegistryError, index: int, operation: Operation) -> RegistryError:
    """The same error, its fields and detail prefixed with the operation that failed: a field
    of the operation itself (the ``award_id`` an event is for) as
    ``operations.N.award_id``, a field of its body as ``operations.N.body.amount``, as the
    request's own validation names them; a header stays a header."""
    own = set(type(operation).model_fields) - {"body"}

    def named(field: str) -> str:
        if field.startswith("header."):
            return field
        first = field.split(".", 1)[0]
        return f"operations.{index}.{field if first in own or first == 'body' else 'body.' + field}"

    errors = [FieldError(field=named(error.field), message=error.message) for error in exc.errors]
    return type(exc)(f"operation {index}: {exc.detail}", errors=errors)
