"""Sessions, their turns and the persona cards they were played with.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cards",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("card", sa.JSON, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("persona", sa.String(200), nullable=False),
        sa.Column("persona_name", sa.String(200), nullable=False),
        sa.Column("card_hash", sa.String(64), nullable=True),
        sa.Column("difficulty", sa.String(20), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("started", sa.String(40), nullable=False),
        sa.Column("ended", sa.String(40), nullable=True),
        sa.Column("updated", sa.String(40), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("parent_turn", sa.Integer, nullable=True),
        sa.Column("leader_turns", sa.Integer, nullable=False),
        sa.Column("thats_right", sa.Boolean, nullable=False),
        sa.Column("trust", sa.Float, nullable=True),
        sa.Column("pending", sa.Text, nullable=True),
        sa.Column("meta", sa.JSON, nullable=False),
        sa.Column("measures", sa.JSON, nullable=True),
        sa.Column("legacy_engine", sa.JSON, nullable=True),
    )
    op.create_index("ix_sessions_user_started", "sessions", ["user_id", "started"])
    op.create_table(
        "turns",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("speaker", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("label", sa.String(40), nullable=True),
        sa.Column("state", sa.JSON, nullable=True),
        sa.Column("meta", sa.JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id", "session_id"], ["sessions.user_id", "sessions.id"], ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("turns")
    op.drop_index("ix_sessions_user_started", "sessions")
    op.drop_table("sessions")
    op.drop_table("cards")
