"""The public ledger contract. Outside verifiers depend on it byte for byte; no auth anywhere."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response

from registry.core.db import SessionDep
from registry.core.errors import NotFound, problem_responses
from registry.ledger import service
from registry.ledger.http import MAX_INDEX, RECEIPT_RESPONSES, receipt_response
from registry.ledger.schemas import (
    CheckpointRead,
    ConsistencyProofRead,
    EntryRead,
    InclusionProofRead,
)

router = APIRouter(prefix="/ledger", tags=["ledger"])

JSONL_MEDIA_TYPE = "application/jsonl"
COSIGNATURES_HEADER = "Witness-Cosignatures"
QUORUM_HEADER = "Witness-Quorum"
MAX_LEAVES_PER_CALL = 1000
NonNegative = Annotated[int, Query(ge=0, le=MAX_INDEX)]


def _checkpoint_read(witnessed: service.Witnessed) -> CheckpointRead:
    checkpoint = witnessed.checkpoint
    return CheckpointRead(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash.hex(),
        signed_at=service.format_time(checkpoint.signed_at),
        note=witnessed.note,
        cosignatures=witnessed.cosignatures,
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
    summary="The latest signed checkpoint (C2SP tlog-checkpoint, signed-note), with the "
    "witnesses' cosignatures (C2SP tlog-cosignature) as extra signature lines",
    response_class=PlainTextResponse,
    responses={
        200: {
            "headers": {
                COSIGNATURES_HEADER: {
                    "description": "How many witnesses have cosigned this checkpoint.",
                    "schema": {"type": "integer"},
                },
                QUORUM_HEADER: {
                    "description": "How many cosignatures the log aims for "
                    "(REGISTRY_WITNESS_QUORUM); 0 when no witness is configured.",
                    "schema": {"type": "integer"},
                },
            }
        },
        **problem_responses(404),
    },
)
def get_checkpoint(request: Request, session: SessionDep) -> PlainTextResponse:
    witnessed = service.latest_witnessed(session, witnesses=request.app.state.witnesses.labels)
    if witnessed is None:
        raise NotFound("no checkpoint has been signed yet")
    headers = {
        COSIGNATURES_HEADER: str(witnessed.cosignatures),
        QUORUM_HEADER: str(request.app.state.witnesses.quorum),
    }
    return PlainTextResponse(witnessed.note, headers=headers)


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
def get_entry(
    request: Request, session: SessionDep, seq: Annotated[int, Path(ge=0, le=MAX_INDEX)]
) -> EntryRead:
    found = service.entry(session, seq)
    witnessed = service.latest_witnessed(session, witnesses=request.app.state.witnesses.labels)
    proof = None
    if witnessed is not None and seq < witnessed.checkpoint.tree_size:
        size = witnessed.checkpoint.tree_size
        proof = service.inclusion_proof(session, index=seq, tree_size=size)
    return EntryRead(
        seq=found.seq,
        leaf_hash=found.leaf_hash.hex(),
        entry=service.decode_leaf(found.leaf),
        checkpoint=_checkpoint_read(witnessed) if witnessed is not None else None,
        inclusion_proof=_inclusion_read(proof) if proof is not None else None,
    )


@router.get(
    "/entries/{seq}/receipt",
    summary="An offline receipt of one entry (C2SP tlog-proof), verifiable with "
    "`registry receipt verify`",
    response_class=Response,
    responses=RECEIPT_RESPONSES,
)
def get_entry_receipt(
    request: Request, session: SessionDep, seq: Annotated[int, Path(ge=0, le=MAX_INDEX)]
) -> Response:
    return receipt_response(request, session, seq, f"entry-{seq}")


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
