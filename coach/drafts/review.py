"""Draft review: feedback on an email, chat message or meeting opener before it is sent.

    review_draft(text, persona=None, backend=None, encoder=None) -> DraftReview
    read_draft_file(path) -> str          # InputError for a missing, empty, binary or oversized file

A review holds: sentence labels (coach.drafts.signals), what the draft shows it understands about the
counterpart (coach.drafts.understanding), its asks, how the persona would likely react (coach.drafts.reaction,
the rehearsal engine reading it), a 0-100 score with its criteria (coach.drafts.score), suggestions that
quote the draft (coach.drafts.suggest), the cited playbook sections, and, with a model configured, a
suggested rewrite (coach.drafts.rewrite). Export with coach.drafts.export (Markdown, JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.drafts.reaction import Reaction, likely_reaction
from coach.drafts.rewrite import RewriteResult, suggest_rewrite
from coach.drafts.score import Criterion, score_draft, sure
from coach.drafts.sentences import split_draft
from coach.drafts.signals import LABEL_NAMES, SentenceLabel, label_sentences
from coach.drafts.suggest import Suggestion, suggest
from coach.drafts.understanding import Understanding, understanding_of
from coach.errors import InputError
from coach.playbook.citations import Citation, cite
from coach.text import strip_controls
from coach.textfile import read_text
from coach.vocab import Move

if TYPE_CHECKING:  # pragma: no cover
    from coach.counterpart.cards import Persona
    from coach.embeddings import Encoder
    from coach.llm import ChatBackend

MAX_DRAFT_CHARS = 20_000
MAX_FILE_BYTES = 200_000


@dataclass
class DraftReview:
    text: str
    persona: dict[str, Any] | None  # the public profile only
    sentences: list[SentenceLabel]
    understanding: Understanding
    score: int
    criteria: list[Criterion]
    suggestions: list[Suggestion]
    citations: list[Citation]
    reaction: Reaction | None = None
    rewrite: RewriteResult | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def asks(self) -> list[SentenceLabel]:
        return [s for s in self.sentences if s.label == "ask"]

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in LABEL_NAMES}
        for s in self.sentences:
            if s.kind == "body":
                out[s.label] += 1
        return out

    def ask_verdict(self) -> str:
        n = len(self.asks)
        if n == 0:
            return "No concrete ask: they cannot say yes to anything."
        if n <= 2:
            return f"{n} concrete ask{'s' if n > 1 else ''}: " + " / ".join(f'"{s.text}"' for s in self.asks)
        return f"{n} asks: more than one or two; keep the one or two that matter most."

    def contradictions(self) -> list[str]:
        """Where the score, the sentence labels and the likely reaction disagree (should be none): a
        criterion that credits or charges a sentence its label does not support, or the simulated reader
        taking a sentence as a correction that is not labelled one (or shrugging off one that is)."""
        label = {s.index: s.label for s in self.sentences}
        counted = {s.index for s in self.sentences if sure(s)}
        wants = {
            "no_correction": ("lost_by", {"correcting", "blaming"}),
            "understanding": ("earned_by", {"their_goals"}),
            "concrete_ask": ("earned_by", {"ask"}),
        }
        out = []
        for c in self.criteria:
            if c.id in wants:
                side, ok = wants[c.id]
                out += [
                    f"{c.id} {side} S{i + 1}, labelled {label[i]}"
                    for i in getattr(c, side)
                    if label[i] not in ok
                ]
        if self.reaction is not None:
            for step in self.reaction.steps:
                arguing = label.get(step.sentence) in ("correcting", "blaming")
                # After corrections enough, ending the conversation is the reaction to one.
                taken_as = step.move == Move.REACT_CORRECTION or (arguing and step.move == Move.CLOSING)
                if taken_as != arguing and (step.sentence in counted or not arguing):
                    out.append(
                        f"reaction {step.move} to S{step.sentence + 1}, labelled {label.get(step.sentence)}"
                    )
        return out

    def findings(self) -> list[str]:
        """One line per criterion that lost points (for the rewrite prompt and summaries)."""
        return [
            f"{c.name}: {c.verdict} ({c.points}/{c.max_points})"
            for c in self.criteria
            if c.points < c.max_points
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "persona": self.persona,
            "criteria": [c.to_dict() for c in self.criteria],
            "sentences": [s.to_dict() for s in self.sentences],
            "label_counts": self.counts(),
            "understanding": self.understanding.to_dict(),
            "asks": {
                "count": len(self.asks),
                "sentences": [s.index for s in self.asks],
                "verdict": self.ask_verdict(),
            },
            "reaction": self.reaction.to_dict() if self.reaction else None,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "citations": [c.to_dict() for c in self.citations],
            "rewrite": self.rewrite.to_dict() if self.rewrite else None,
            "notes": list(self.notes),
            "draft": self.text,
        }


def check_draft(text: str) -> str:
    """The draft, or InputError naming what is wrong and the fix."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(
            "The draft is empty. Paste the email, chat message or meeting opener you plan to send."
        )
    if "\x00" in text:
        raise InputError("The draft contains binary data (NUL bytes). Paste or save it as plain text.")
    if len(text) > MAX_DRAFT_CHARS:
        raise InputError(
            f"The draft is {len(text):,} characters; the review takes up to {MAX_DRAFT_CHARS:,}. "
            "Review one message at a time."
        )
    return strip_controls(text)  # escape sequences and bidi overrides are neither scored nor shown


def read_draft_file(path: str | Path) -> str:
    """Read a draft from a text file; InputError for a missing, empty, binary or oversized file."""
    path = Path(path)
    text = read_text(path, what="a text file holding your draft", max_bytes=MAX_FILE_BYTES)
    if not text.strip():
        raise InputError(f"{path}: the file is empty. Put the draft you plan to send in it.")
    return check_draft(text)


def review_draft(
    text: str,
    persona: Persona | None = None,
    backend: ChatBackend | None = None,
    encoder: Encoder | None = None,
    difficulty: str | None = None,
) -> DraftReview:
    """The whole review. Offline unless ``backend`` is given (then a rewrite is attempted, never required)."""
    text = check_draft(text)
    sentences = split_draft(text)
    if not any(s.kind == "body" for s in sentences):
        raise InputError(
            "The draft has a greeting and sign-off but no message between them. Add the message."
        )
    labels = label_sentences(sentences)
    score, criteria = score_draft(labels)
    understanding = understanding_of(labels, persona, encoder)
    suggestions = suggest(labels, criteria, understanding)
    reaction = likely_reaction(persona, labels, difficulty=difficulty) if persona else None
    citations = cite([c.section_id for c in criteria] + [s.section_id for s in suggestions], excerpts=False)
    review = DraftReview(
        text=text,
        persona=persona.public_profile() if persona else None,
        sentences=labels,
        understanding=understanding,
        score=score,
        criteria=criteria,
        suggestions=suggestions,
        citations=citations,
        reaction=reaction,
    )
    if persona is None:
        review.notes.append(
            "No persona chosen: understanding is judged from wording alone, and no reaction is "
            "simulated. Pick a persona to see how that counterpart would likely react."
        )
    if backend is not None:
        review.rewrite = suggest_rewrite(text, review.findings(), score, backend, persona)
    return review
