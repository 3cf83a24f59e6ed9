"""Draft reviews, kept per user.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("persona", sa.String(200), nullable=True),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("draft", sa.Text, nullable=False),
        sa.Column("review", sa.JSON, nullable=False),
    )
    op.create_index("ix_reviews_user_created", "reviews", ["user_id", "created"])


def downgrade() -> None:
    op.drop_index("ix_reviews_user_created", "reviews")
    op.drop_table("reviews")
