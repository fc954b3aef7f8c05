"""The ledger's JSON wire format. Hashes are lowercase hex; nothing here is a float."""

from typing import Any

from pydantic import BaseModel, Field


class InclusionProofRead(BaseModel):
    index: int = Field(description="0-based index of the leaf.")
    tree_size: int = Field(description="Size of the tree the proof is against.")
    leaf_hash: str = Field(description="SHA-256(0x00 || leaf), hex.")
    audit_path: list[str] = Field(description="RFC 9162 §2.1.3 audit path, hex, leaf side first.")


class ConsistencyProofRead(BaseModel):
    first: int
    second: int
    proof: list[str] = Field(description="RFC 9162 §2.1.4 consistency proof, hex.")


class CheckpointRead(BaseModel):
    tree_size: int
    root_hash: str = Field(description="Hex; the note carries the same root in base64.")
    signed_at: str
    note: str = Field(
        description="The C2SP signed note, verbatim, with the witnesses' cosignature lines."
    )
    cosignatures: int = Field(description="How many witnesses have cosigned this checkpoint.")


class EntryRead(BaseModel):
    seq: int
    leaf_hash: str
    entry: dict[str, Any] = Field(
        description="The decoded leaf: seq, prev, time, kind, actor, subject, body."
    )
    checkpoint: CheckpointRead | None = Field(description="The latest signed checkpoint.")
    inclusion_proof: InclusionProofRead | None = Field(
        description="Against the latest checkpoint; null until a checkpoint covers this entry "
        "(at most REGISTRY_CHECKPOINT_INTERVAL_SECONDS after it was written)."
    )
