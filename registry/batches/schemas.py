"""``POST /batches``: many writes in one request, applied all together or not at all.

An operation may refer to the id an earlier operation of the same batch created, as the
string ``"$<index>"`` (``"$0"`` is the first operation's id), where a competition or award id
is expected.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field

from registry.awards.schemas import AwardCreate, AwardEventCreate
from registry.competitions.schemas import CompetitionCreate, CompetitionEventCreate
from registry.core.schemas import StrictInput, tag_required
from registry.organizations.schemas import OrganizationCreate

MAX_OPERATIONS = 1000
Reference = Annotated[
    str, Field(max_length=40, description='An id, or "$<index>" of an earlier operation.')
]


class CreateOrganization(StrictInput):
    op: Literal["organizations.create"]
    body: OrganizationCreate


class CreateCompetition(StrictInput):
    op: Literal["competitions.create"]
    body: CompetitionCreate


class AddCompetitionEvent(StrictInput):
    op: Literal["competitions.event"]
    competition_id: Reference
    body: CompetitionEventCreate


class CreateAward(StrictInput):
    op: Literal["awards.create"]
    body: AwardCreate


class AddAwardEvent(StrictInput):
    op: Literal["awards.event"]
    award_id: Reference
    body: AwardEventCreate


_Operations = (
    CreateOrganization | CreateCompetition | AddCompetitionEvent | CreateAward | AddAwardEvent
)
Operation = Annotated[_Operations, Discriminator("op"), tag_required("op", _Operations)]


class BatchCreate(StrictInput):
    operations: list[Operation] = Field(min_length=1, max_length=MAX_OPERATIONS)


class OperationResult(BaseModel):
    op: str
    id: str = Field(description="The organization, competition or award written.")
    resource: dict[str, Any]


class BatchRead(BaseModel):
    first_seq: int = Field(description="The first ledger entry of the batch.")
    last_seq: int = Field(description="The last; the batch's entries are contiguous.")
    results: list[OperationResult]
