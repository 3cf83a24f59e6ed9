"""Does the draft score rank good drafts above poor ones? ``python -m evals.drafts [--split dev|heldout|all]``

For each split of evals/data/drafts/*.yaml: pairwise ranking accuracy (every good draft against every poor
one, a tie counting half), both within the same counterpart and overall, the mean score per class, and each
draft's score. The score does not depend on the persona (the persona adds the likely reaction), so drafts are
scored without one; ``--personas`` also runs each draft's persona and prints the engine's headline.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

DATA_DIR = Path(__file__).resolve().parent / "data" / "drafts"
SPLITS = ("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4")
# the splits whose drafts have never been read to change the scorer (evals/data/drafts/README.md)
UNREAD = ("heldout", "fresh2", "fresh4")


class LabelledDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    persona: str | None = None
    counterpart: str | None = Field(default=None, description="who it is for, when no persona card fits")
    quality: Literal["good", "poor"]
    kind: str = "email"
    text: str

    @property
    def group(self) -> str:
        return self.persona or self.counterpart or "unknown"


@dataclass(frozen=True)
class Scored:
    draft: LabelledDraft
    score: int
    split: str


@dataclass(frozen=True)
class SplitResult:
    split: str
    n_good: int
    n_poor: int
    pairwise_overall: float
    pairwise_within: float
    mean_good: float
    mean_poor: float
    scored: list[Scored]
    # (draft id, what disagrees) where score, sentence labels and likely reaction contradict each other
    contradictions: list[tuple[str, str]] = field(default_factory=list)


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[LabelledDraft]:
    path = data_dir / f"{split}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [LabelledDraft.model_validate(d) for d in data["drafts"]]


def pairwise(good: list[int], poor: list[int]) -> float:
    """Share of (good, poor) pairs where the good draft scores higher; a tie counts half."""
    if not good or not poor:
        return float("nan")
    wins = sum(1.0 if g > p else 0.5 if g == p else 0.0 for g in good for p in poor)
    return wins / (len(good) * len(poor))


def within_groups(scored: list[Scored]) -> float:
    """Pairwise accuracy over pairs that share a counterpart."""
    wins = pairs = 0.0
    for group in {s.draft.group for s in scored}:
        good = [s.score for s in scored if s.draft.group == group and s.draft.quality == "good"]
        poor = [s.score for s in scored if s.draft.group == group and s.draft.quality == "poor"]
        n = len(good) * len(poor)
        if n:
            wins += pairwise(good, poor) * n
            pairs += n
    return wins / pairs if pairs else float("nan")


def evaluate(split: str, data_dir: Path = DATA_DIR) -> SplitResult:
    from coach.counterpart.cards import load_persona
    from coach.drafts.review import review_draft

    scored, contradictions = [], []
    for d in load_split(split, data_dir):
        review = review_draft(d.text, persona=load_persona(d.persona) if d.persona else None)
        scored.append(Scored(d, review.score, split))
        contradictions += [(d.id, c) for c in review.contradictions()]
    good = [s.score for s in scored if s.draft.quality == "good"]
    poor = [s.score for s in scored if s.draft.quality == "poor"]
    return SplitResult(
        split,
        len(good),
        len(poor),
        pairwise(good, poor),
        within_groups(scored),
        sum(good) / len(good),
        sum(poor) / len(poor),
        scored,
        contradictions,
    )


def _reaction(d: LabelledDraft) -> str:
    if not d.persona:
        return ""
    from coach.counterpart.cards import load_persona
    from coach.drafts.review import review_draft
    from coach.embeddings import local_encoder

    r = review_draft(d.text, persona=load_persona(d.persona), encoder=local_encoder())
    return r.reaction.headline if r.reaction else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    ap.add_argument("--personas", action="store_true", help="also print each persona's likely reaction")
    args = ap.parse_args(argv)
    unread: list[tuple[float, int]] = []
    for split in SPLITS if args.split == "all" else (args.split,):
        r = evaluate(split)
        if split in UNREAD:
            unread.append((r.pairwise_overall, r.n_good * r.n_poor))
        print(f"== {split}: {r.n_good} good, {r.n_poor} poor")
        print(
            f"   pairwise ranking accuracy, overall:           {r.pairwise_overall:.1%} "
            f"({r.n_good * r.n_poor} pairs)"
        )
        print(f"   pairwise ranking accuracy, same counterpart:  {r.pairwise_within:.1%}")
        print(f"   mean score: good {r.mean_good:.1f}, poor {r.mean_poor:.1f}")
        print(f"   contradictions between score, sentence labels and reaction: {len(r.contradictions)}")
        for draft_id, what in r.contradictions:
            print(f"     {draft_id}: {what}")
        for s in sorted(r.scored, key=lambda s: -s.score):
            extra = f"  | {_reaction(s.draft)}" if args.personas else ""
            print(f"   {s.score:3d}  {s.draft.quality:4s}  {s.draft.id}{extra}")
    if len(unread) == len(UNREAD):
        pairs = sum(n for _, n in unread)
        pooled = sum(acc * n for acc, n in unread) / pairs
        print(f"== never read ({', '.join(UNREAD)}): good above poor in {pooled:.1%} of {pairs} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
