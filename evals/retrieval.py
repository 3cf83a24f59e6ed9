"""Retrieval eval: recall@1, recall@3 and MRR of ``coach.playbook.retrieval.search`` on hand-written CTO questions.

    .venv/bin/python -m evals.retrieval [--questions FILE] [--k 3] [--min-recall3 0.8] [--json]

A question is found at rank r when any of its expected section ids is the r-th passage. Exits 1 when
recall@3 is below --min-recall3. Uses COACH_DATA_DIR / COACH_EMBEDDINGS like the app (builds the index
if needed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).parent / "data" / "retrieval_questions.yaml"


@dataclass(frozen=True)
class Question:
    q: str
    expected: tuple[str, ...]
    split: str = "dev"  # "dev" questions may guide tuning; "holdout" ones never do


@dataclass(frozen=True)
class QuestionResult:
    q: str
    expected: tuple[str, ...]
    got: tuple[str, ...]
    rank: int | None  # 1-based rank of the first expected id, None when not in the top k
    split: str = "dev"


@dataclass
class EvalResult:
    k: int
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.results)

    def recall_at(self, r: int) -> float:
        return sum(1 for x in self.results if x.rank is not None and x.rank <= r) / self.n if self.n else 0.0

    @property
    def mrr(self) -> float:
        return sum(1.0 / x.rank for x in self.results if x.rank) / self.n if self.n else 0.0

    def misses(self, r: int) -> list[QuestionResult]:
        return [x for x in self.results if x.rank is None or x.rank > r]

    def only(self, split: str) -> EvalResult:
        return EvalResult(self.k, [x for x in self.results if x.split == split])

    def summary(self) -> dict:
        return {
            "questions": self.n,
            "k": self.k,
            "recall@1": round(self.recall_at(1), 4),
            "recall@3": round(self.recall_at(3), 4),
            "mrr": round(self.mrr, 4),
        }


def load_questions(path: Path = QUESTIONS, known_ids: Sequence[str] | None = None) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    questions = [
        Question(str(item["q"]), tuple(item["expected"]), str(item.get("split", "dev")))
        for item in data.get("questions", [])
    ]
    if known_ids is not None:
        unknown = sorted({e for q in questions for e in q.expected} - set(known_ids))
        if unknown:
            raise ValueError(f"{path} expects section ids that the corpus does not have: {unknown}")
    return questions


def rank_of(expected: Sequence[str], got: Sequence[str]) -> int | None:
    """1-based rank of the first returned id that is expected (pure; unit-tested)."""
    for i, section_id in enumerate(got, start=1):
        if section_id in expected:
            return i
    return None


def run(questions: Sequence[Question], search: Callable[[str, int], Sequence[str]], k: int = 3) -> EvalResult:
    """Score ``search(question, k) -> section ids`` on every question."""
    result = EvalResult(k=k)
    for question in questions:
        got = tuple(search(question.q, k))
        rank = rank_of(question.expected, got)
        result.results.append(QuestionResult(question.q, question.expected, got, rank, question.split))
    return result


def coach_search(question: str, k: int) -> list[str]:
    from coach.playbook.retrieval import search

    return [p.section_id for p in search(question, k=k)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--k", type=int, default=3, help="passages retrieved per question (default 3)")
    parser.add_argument("--min-recall3", type=float, default=0.0, help="exit 1 when recall@3 is below this")
    parser.add_argument("--json", action="store_true", help="print the summary and misses as JSON")
    args = parser.parse_args(argv)

    from coach.playbook.retrieval import section_ids

    questions = load_questions(args.questions, known_ids=section_ids())
    result = run(questions, coach_search, k=max(args.k, 3))
    splits = {"all": result, **{name: result.only(name) for name in sorted({q.split for q in questions})}}
    summary = {name: r.summary() for name, r in splits.items()}
    if args.json:
        misses = [asdict(m) for m in result.misses(3)]
        print(json.dumps({"summary": summary, "misses@3": misses}, indent=2))
    else:
        for name, row in summary.items():
            print(
                f"{name:8} questions {row['questions']:3}  recall@1 {row['recall@1']:.3f}  "
                f"recall@3 {row['recall@3']:.3f}  MRR {row['mrr']:.3f}"
            )
        print("not first (rank in the top 3, or MISS):")
        for m in result.misses(1):
            where = f"rank {m.rank}" if m.rank else "MISS"
            print(
                f"  {where:7} [{m.split}] {m.q}\n"
                f"          expected {', '.join(m.expected)}; got {', '.join(m.got)}"
            )
    recall3 = summary["all"]["recall@3"]
    if recall3 < args.min_recall3:
        print(f"recall@3 {recall3:.3f} is below --min-recall3 {args.min_recall3}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
