"""The public ledger contract. Outside verifiers depend on it byte for byte; no auth anywhere."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from registry.core.db import SessionDep
from registry.core.errors import NotFound, problem_responses
from registry.ledger import service
from registry.ledger.models import LedgerCheckpoint
from registry.ledger.schemas import (
    CheckpointRead,
    ConsistencyProofRead,
    EntryRead,
    InclusionProofRead,
)

router = APIRouter(prefix="/ledger", tags=["ledger"])

JSONL_MEDIA_TYPE = "application/jsonl"
MAX_LEAVES_PER_CALL = 1000
MAX_INDEX = 2**63 - 1  # the largest BIGINT; larger numbers are malformed, not 500s
NonNegative = Annotated[int, Query(ge=0, le=MAX_INDEX)]


def _checkpoint_read(checkpoint: LedgerCheckpoint) -> CheckpointRead:
    return CheckpointRead(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash.hex(),
        signed_at=service.format_time(checkpoint.signed_at),
        note=checkpoint.note,
    )


@router.get(
    "/key",
    summary="The log's verifier key, in signed-note form",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"example": "registry.localhost/ledger+1a2b3c4d+AT..."}}}
    },
)
def get_key(request: Request) -> str:
    verifier_key: str = request.app.state.signer.verifier.verifier_key()
    return verifier_key + "\n"


@router.get(
    "/checkpoint",
    summary="The latest signed checkpoint (C2SP tlog-checkpoint, signed-note)",
    response_class=PlainTextResponse,
    responses=problem_responses(404),
)
def get_checkpoint(session: SessionDep) -> str:
    checkpoint = service.latest_checkpoint(session)
    if checkpoint is None:
        raise NotFound("no checkpoint has been signed yet")
    return checkpoint.note


@router.get(
    "/leaves",
    summary="Leaves start..end-1, one per line, exactly as stored",
    response_class=Response,
    responses={
        200: {"content": {JSONL_MEDIA_TYPE: {}}, "description": "At most 1000 leaves."},
        **problem_responses(400, 404),
    },
)
def get_leaves(session: SessionDep, start: NonNegative, end: NonNegative) -> Response:
    leaves = service.leaves(session, start=start, end=end, limit=MAX_LEAVES_PER_CALL)
    return Response(b"".join(leaf + b"\n" for leaf in leaves), media_type=JSONL_MEDIA_TYPE)


@router.get(
    "/entries/{seq}",
    summary="One entry, decoded, with its inclusion proof against the latest checkpoint",
    response_model=EntryRead,
    responses=problem_responses(400, 404),
)
def get_entry(session: SessionDep, seq: Annotated[int, Path(ge=0, le=MAX_INDEX)]) -> EntryRead:
    found = service.entry(session, seq)
    checkpoint = service.latest_checkpoint(session)
    proof = None
    if checkpoint is not None and seq < checkpoint.tree_size:
        proof = service.inclusion_proof(session, index=seq, tree_size=checkpoint.tree_size)
    return EntryRead(
        seq=found.seq,
        leaf_hash=found.leaf_hash.hex(),
        entry=service.decode_leaf(found.leaf),
        checkpoint=_checkpoint_read(checkpoint) if checkpoint is not None else None,
        inclusion_proof=_inclusion_read(proof) if proof is not None else None,
    )


def _inclusion_read(proof: service.InclusionProof) -> InclusionProofRead:
    return InclusionProofRead(
        index=proof.index,
        tree_size=proof.tree_size,
        leaf_hash=proof.leaf_hash.hex(),
        audit_path=[node.hex() for node in proof.audit_path],
    )


@router.get(
    "/proofs/inclusion",
    summary="RFC 9162 inclusion proof of one leaf in a tree of a given size",
    response_model=InclusionProofRead,
    responses=problem_responses(400, 404),
)
def get_inclusion_proof(
    session: SessionDep, index: NonNegative, tree_size: NonNegative
) -> InclusionProofRead:
    return _inclusion_read(service.inclusion_proof(session, index=index, tree_size=tree_size))


@router.get(
    "/proofs/consistency",
    summary="RFC 9162 consistency proof between two tree sizes",
    response_model=ConsistencyProofRead,
    responses=problem_responses(400, 404),
)
def get_consistency_proof(
    session: SessionDep, first: NonNegative, second: NonNegative
) -> ConsistencyProofRead:
    proof = service.consistency_proof(session, first=first, second=second)
    return ConsistencyProofRead(
        first=proof.first, second=proof.second, proof=[node.hex() for node in proof.proof]
    )
