"""The persona cards of signed-in users, kept in the database so every replica of a team's app sees them.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personas",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("yaml", sa.Text, nullable=False),
        sa.Column("updated", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("personas")
