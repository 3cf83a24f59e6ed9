"""Alembic migrations for the store (run by coach.store.db.upgrade; never by hand)."""
