"""The store's tables (SQLAlchemy Core). Every row carries the user it belongs to, and every query the
store makes is scoped by it (coach/store/sessions.py), so one database can serve a whole team.

The migrations in ``migrations/versions`` create and change these tables; a change here needs a new
revision there (``tests/test_store.py`` checks that the two agree).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()
# Who owns the rows when the app runs without sign-in (one user on their own machine, and the CLI).
LOCAL_USER = "local"

# A persona card exactly as a session was played with it, stored once per content hash: "try again from
# here" replays the engine with the card it had, even after the card is edited or deleted.
cards = Table(
    "cards",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("hash", String(64), primary_key=True),
    Column("card", JSON, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("persona", String(200), nullable=False),
    Column("persona_name", String(200), nullable=False),
    Column("card_hash", String(64), nullable=True),
    Column("difficulty", String(20), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("started", String(40), nullable=False),  # ISO 8601, UTC
    Column("ended", String(40), nullable=True),
    Column("updated", String(40), nullable=False),
    Column("parent_id", String(64), nullable=True),  # "try again from here": the session it branched from
    Column("parent_turn", Integer, nullable=True),
    Column("leader_turns", Integer, nullable=False),
    Column("thats_right", Boolean, nullable=False),
    Column("trust", Float, nullable=True),
    Column("pending", Text, nullable=True),  # a line sent but never answered (kept for the resend)
    Column("meta", JSON, nullable=False),  # the transcript's meta, as written
    Column("measures", JSON, nullable=True),  # headline measures, refreshed with each turn (history page)
    # Engine snapshots of a session migrated from a JSON file whose turns do not replay to them exactly.
    Column("legacy_engine", JSON, nullable=True),
    Index("ix_sessions_user_started", "user_id", "started"),
)

turns = Table(
    "turns",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("session_id", String(64), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("speaker", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(40), nullable=True),
    Column("state", JSON, nullable=True),  # the engine's public state after the turn
    Column("meta", JSON, nullable=True),  # what perception read, the evidence, the counterpart's move
    ForeignKeyConstraint(["user_id", "session_id"], ["sessions.user_id", "sessions.id"], ondelete="CASCADE"),
)

# The persona cards a signed-in user wrote (the local user's stay YAML files in the data directory, where
# the CLI and a text editor reach them).
personas = Table(
    "personas",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("yaml", Text, nullable=False),  # the card as its author wrote it
    Column("updated", String(40), nullable=False),
)

# Draft reviews the user ran (Review a draft), newest first on that page; the review as its JSON export.
reviews = Table(
    "reviews",
    metadata,
    Column("user_id", String(200), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("created", String(40), nullable=False),
    Column("persona", String(200), nullable=True),
    Column("score", Integer, nullable=False),
    Column("draft", Text, nullable=False),
    Column("review", JSON, nullable=False),
    Index("ix_reviews_user_created", "user_id", "created"),
)
