"""A competition's stages after its window (applications closed, compliance checked, commission
decided, preliminary and final results), each a ledger entry; the time zone its deadlines are
counted in; and the counts statistics need (applications, applicant organizations, admitted).

Earlier competitions have no stages. Their applications and applicant organizations are filled
in here from the results they published, as the projector does.

Revision ID: 0016_competition_stages
Revises: 0015_award_legal_units
Create Date: 2026-12-06 03:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_competition_stages"
down_revision: str | None = "0015_award_legal_units"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("time_zone", sa.String(64)),
    ("stages", sa.JSON()),
    ("applications", sa.Integer()),
    ("applicant_organizations", sa.Integer()),
    ("admitted", sa.Integer()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("competitions", sa.Column(name, kind, nullable=True))
    competitions = sa.table(
        "competitions",
        sa.column("id", sa.String()),
        sa.column("results", sa.JSON()),
        sa.column("applications", sa.Integer()),
        sa.column("applicant_organizations", sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(competitions.c.id, competitions.c.results).where(
            competitions.c.results.is_not(None)
        )
    ).all()
    for competition_id, results in rows:
        if not results:
            continue
        connection.execute(
            competitions.update()
            .where(competitions.c.id == competition_id)
            .values(
                applications=results.get("applications_received"),
                applicant_organizations=results.get("applicant_organizations"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("competitions") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
