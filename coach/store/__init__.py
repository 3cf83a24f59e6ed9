"""Kept sessions: the store seam."""
