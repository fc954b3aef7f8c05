"""The witness's one table: the latest checkpoint it cosigned for each log.

It lives in the witness's own SQLite file, not in the registry's database, and has its own
``MetaData`` (so Alembic, which manages the registry's schema, never sees it); the table is
created when the witness starts.
"""

from sqlalchemy import BigInteger, CheckConstraint, LargeBinary, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from registry.core.db import NAMING_CONVENTION
from registry.ledger.merkle import HASH_SIZE

MAX_STORED_SIZE = 2**63 - 1
"""SQLite integers are signed 64-bit, so tree sizes above this cannot be recorded."""


class WitnessBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CosignedCheckpoint(WitnessBase):
    """The latest checkpoint cosigned for one origin (c2sp.org/tlog-witness: "the witness is
    only required to keep track of the latest checkpoint it observed and verified").

    ``note`` is what the monitoring endpoint serves: the checkpoint text, the log's verified
    signature lines and this witness's cosignature; ``cosigned_at`` is that cosignature's
    timestamp (POSIX seconds).
    """

    __tablename__ = "cosigned_checkpoints"
    __table_args__ = (
        CheckConstraint("size >= 0", name="size_not_negative"),
        CheckConstraint(f"length(root_hash) = {HASH_SIZE}", name="root_hash_size"),
    )

    origin: Mapped[str] = mapped_column(String, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(HASH_SIZE))
    note: Mapped[str] = mapped_column(Text)
    cosigned_at: Mapped[int] = mapped_column(BigInteger)
