"""Draft reviews, kept per user: each review run on the Review page (or ``coach review --keep``), with its
draft and the review as exported, so it can be read again, exported with everything else, or deleted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select

from coach.config import Settings
from coach.errors import InputError
from coach.store import db
from coach.store.rows import now
from coach.store.schema import LOCAL_USER, reviews


@dataclass(frozen=True)
class KeptReview:
    id: str
    created: str
    persona: str | None
    score: int
    draft: str
    review: dict[str, Any]


def keep(review, settings: Settings, *, user: str = LOCAL_USER) -> str:
    """Store a DraftReview; returns its id."""
    review_id = uuid.uuid4().hex[:12]
    doc = review.to_dict()
    with db.writing(settings, "keep this review") as conn:
        conn.execute(
            insert(reviews).values(
                user_id=user,
                id=review_id,
                created=now(),
                persona=(doc.get("persona") or {}).get("id"),
                score=int(doc["score"]),
                draft=review.text,
                review=doc,
            )
        )
    return review_id


def list_reviews(settings: Settings, *, user: str = LOCAL_USER, limit: int = 200) -> list[KeptReview]:
    """This user's reviews, newest first."""
    with db.reading(settings, "read your reviews") as conn:
        rows = conn.execute(
            select(reviews).where(reviews.c.user_id == user).order_by(reviews.c.created.desc()).limit(limit)
        ).all()
    return [KeptReview(r.id, r.created, r.persona, r.score, r.draft, r.review) for r in rows]


def delete_review(review_id: str, settings: Settings, *, user: str = LOCAL_USER) -> None:
    with db.writing(settings, "delete the review") as conn:
        gone = conn.execute(delete(reviews).where((reviews.c.user_id == user) & (reviews.c.id == review_id)))
    if gone.rowcount == 0:
        raise InputError(f"No kept review {review_id!r} of yours.")
