"""Agreement of the behaviour scorer with human labels, for any CSV with id, context, utterance, label.

    python -m evals.behaviours --data evals/data/business_test.csv
    python -m evals.behaviours --data ../shared/data/annomi_dev.csv [--json] [--limit N] [--min-coders 2]
    python -m evals.behaviours --data FILE --judge [--limit N]   # the optional LLM judge (coach/scoring/judge.py)

Prints per-label precision, recall and F1, macro-F1 (averaged over the labels that occur in the human
labels, so a dataset without `correct` is not credited or penalised for a label it cannot have),
Cohen's kappa, accuracy and the confusion matrix (rows: human label, columns: scorer's label).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from coach.errors import BackendError, ConfigError, InputError
from coach.scoring.behaviours import LABELS, classify_batch

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
REQUIRED = ("context", "utterance", "label")


@dataclass(frozen=True)
class Row:
    id: str
    context: str
    utterance: str
    label: str
    group: str  # transcript, meeting or writer: rows of one group stay in one fold
    # How many people labelled the row (AnnoMI's n_annotators); above 1, the label is their majority.
    coders: int = 1


def read_labelled(path: str | Path) -> list[Row]:
    """Rows of a labelled CSV; a missing column or unknown label is an InputError naming it."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    f"{path}: missing column(s) {', '.join(missing)}; a labelled CSV needs "
                    "id, context, utterance, label."
                )
            rows = []
            for n, raw in enumerate(reader, start=2):
                label = (raw.get("label") or "").strip()
                if label not in LABELS:
                    raise InputError(f"{path}: line {n} has label {label!r}; use one of {', '.join(LABELS)}.")
                # Rows of one transcript, meeting or writer stay in one fold.
                group = (
                    raw.get("transcript_id")
                    or raw.get("meeting")
                    or raw.get("writer")
                    or raw.get("id")
                    or str(n)
                )
                coders = (raw.get("n_annotators") or "1").strip()
                if not coders.isdigit():
                    raise InputError(f"{path}: line {n} has n_annotators {coders!r}; use a whole number.")
                rows.append(
                    Row(
                        raw.get("id") or str(n),
                        raw["context"] or "",
                        raw["utterance"] or "",
                        label,
                        group,
                        int(coders),
                    )
                )
    except FileNotFoundError:
        raise InputError(f"{path}: no such file. Check the path.") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a readable UTF-8 CSV ({exc}).") from None
    if not rows:
        raise InputError(f"{path}: no rows to evaluate.")
    return rows


@dataclass(frozen=True)
class Report:
    labels: tuple[str, ...]
    per_label: dict[str, dict[str, float]]
    macro_f1: float
    kappa: float
    accuracy: float
    confusion: list[list[int]]
    n: int
    calibration: tuple[Bin, ...] = ()  # when the scorer's confidences are known
    ece: float | None = None  # expected calibration error over those bins
    macro_f1_interval: tuple[float, float] = (0.0, 0.0)  # 90% bootstrap interval (rows resampled)

    def to_dict(self) -> dict:
        out = {
            "n": self.n,
            "macro_f1": round(self.macro_f1, 4),
            "macro_f1_90pct_interval": [round(v, 4) for v in self.macro_f1_interval],
            "kappa": round(self.kappa, 4),
            "accuracy": round(self.accuracy, 4),
            "per_label": {k: {m: round(v, 4) for m, v in d.items()} for k, d in self.per_label.items()},
            "confusion": {"labels": list(self.labels), "rows_gold_cols_pred": self.confusion},
        }
        if self.calibration:
            out["calibration"] = {
                "ece": round(self.ece or 0.0, 4),
                "bins": [b._asdict() for b in self.calibration],
            }
        return out


class Bin(NamedTuple):
    low: float
    high: float
    n: int
    mean_confidence: float
    accuracy: float


CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.9, 1.0)


def calibration(correct: Sequence[bool], confidence: Sequence[float]) -> tuple[tuple[Bin, ...], float]:
    """How often the scorer is right at each level of its stated confidence, and the expected calibration
    error (the n-weighted mean gap between confidence and accuracy over the bins)."""
    ok, conf = np.asarray(correct, dtype=float), np.asarray(confidence, dtype=float)
    bins, ece = [], 0.0
    for low, high in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:], strict=False):
        mask = (conf >= low) & ((conf < high) if high < 1.0 else (conf <= high))
        if mask.any():
            b = Bin(
                low,
                high,
                int(mask.sum()),
                round(float(conf[mask].mean()), 4),
                round(float(ok[mask].mean()), 4),
            )
            bins.append(b)
            ece += b.n / len(conf) * abs(b.mean_confidence - b.accuracy)
    return tuple(bins), ece


def macro_f1_interval(
    gold: Sequence[str], pred: Sequence[str], rounds: int = 1000, level: float = 0.9, seed: int = 0
) -> tuple[float, float]:
    """How far macro-F1 could move with another sample of the same size: the central ``level`` share of
    macro-F1 over ``rounds`` resamples of the rows (with replacement; seeded, so reports repeat exactly).
    Rows are resampled one by one, so when rows of one transcript resemble each other the true spread is
    wider than this."""
    k = len(LABELS)
    idx = {lab: i for i, lab in enumerate(LABELS)}
    g = np.array([idx[x] for x in gold])
    cell = g * k + np.array([idx[x] for x in pred])
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(cell), size=(rounds, len(cell)))
    offsets = (np.arange(rounds) * k * k)[:, None]
    cms = np.bincount((cell[draws] + offsets).ravel(), minlength=rounds * k * k).reshape(rounds, k, k)
    tp = cms[:, np.arange(k), np.arange(k)].astype(float)
    support, predicted = cms.sum(axis=2), cms.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(support + predicted > 0, 2 * tp / (support + predicted), 0.0)
    present = support > 0  # macro over the labels present in each resample, as in agreement()
    macro = (f1 * present).sum(axis=1) / present.sum(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(macro, [tail, 100 - tail])
    return float(low), float(high)


def agreement(gold: Sequence[str], pred: Sequence[str], confidence: Sequence[float] | None = None) -> Report:
    """Precision/recall/F1 per label, macro-F1 over the gold labels, Cohen's kappa, confusion matrix, and
    (given the scorer's confidences) its calibration."""
    assert len(gold) == len(pred) and gold, "gold and predicted labels must be equal-length and non-empty"
    idx = {lab: i for i, lab in enumerate(LABELS)}
    cm = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    for g, p in zip(gold, pred, strict=True):
        cm[idx[g], idx[p]] += 1
    per: dict[str, dict[str, float]] = {}
    for lab, i in idx.items():
        tp, fp, fn = cm[i, i], cm[:, i].sum() - cm[i, i], cm[i, :].sum() - cm[i, i]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        per[lab] = {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(cm[i, :].sum())}
    present = [lab for lab in LABELS if per[lab]["support"] > 0]
    macro = float(np.mean([per[lab]["f1"] for lab in present]))
    n = cm.sum()
    po = np.trace(cm) / n
    pe = float((cm.sum(axis=0) * cm.sum(axis=1)).sum()) / (n * n)
    kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
    bins, ece = (), None
    if confidence is not None:
        bins, ece = calibration([g == p for g, p in zip(gold, pred, strict=True)], confidence)
    interval = macro_f1_interval(gold, pred)
    return Report(LABELS, per, macro, float(kappa), float(po), cm.tolist(), int(n), bins, ece, interval)


def format_report(rep: Report, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}")
    for lab in rep.labels:
        d = rep.per_label[lab]
        lines.append(
            f"{lab:<16}{d['precision']:>10.3f}{d['recall']:>8.3f}{d['f1']:>8.3f}{int(d['support']):>9}"
        )
    lines.append(
        f"macro-F1 {rep.macro_f1:.3f} (90% interval {rep.macro_f1_interval[0]:.3f}-{rep.macro_f1_interval[1]:.3f}, "
        f"rows resampled)   Cohen's kappa {rep.kappa:.3f}   "
        f"accuracy {rep.accuracy:.3f}   n={rep.n}"
    )
    short = {lab: lab.replace("question_", "q_")[:8] for lab in rep.labels}
    lines.append("confusion (rows: human, columns: scorer)")
    lines.append(" " * 16 + "".join(f"{short[lab]:>9}" for lab in rep.labels))
    for lab, row in zip(rep.labels, rep.confusion, strict=True):
        lines.append(f"{lab:<16}" + "".join(f"{v:>9}" for v in row))
    if rep.calibration:
        lines.append(
            f"calibration (how often the scorer is right at each stated confidence), ECE {rep.ece:.3f}"
        )
        for b in rep.calibration:
            lines.append(
                f"  confidence {b.low:.1f}-{b.high:.1f}: n={b.n:<5} says {b.mean_confidence:.2f}, right {b.accuracy:.2f}"
            )
    return "\n".join(lines)


def evaluate(rows: Sequence[Row]) -> Report:
    """Run the shipped scorer over the rows and compare with their human labels."""
    labelled = classify_batch([(r.utterance, r.context) for r in rows])
    return agreement(
        [r.label for r in rows], [lab.label for lab in labelled], [lab.confidence for lab in labelled]
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.behaviours", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="CSV with columns id, context, utterance, label")
    ap.add_argument("--json", action="store_true", help="print the report as one JSON object")
    ap.add_argument("--limit", type=int, default=0, help="evaluate only the first N rows (quick look)")
    ap.add_argument(
        "--min-coders",
        type=int,
        default=1,
        help="only rows labelled by at least N people (column n_annotators), e.g. 2 for AnnoMI's consensus labels",
    )
    ap.add_argument(
        "--judge",
        action="store_true",
        help="score with the configured language model (coach/scoring/judge.py), over the turns it answers validly",
    )
    args = ap.parse_args(argv)
    try:
        rows = read_labelled(args.data)
        backend = _judge_backend() if args.judge else None
    except (InputError, ConfigError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    if args.min_coders > 1:
        rows = [r for r in rows if r.coders >= args.min_coders]
        if not rows:
            print(
                f"Error: no row of {args.data} was labelled by {args.min_coders} or more people "
                "(column n_annotators); drop --min-coders.",
                file=sys.stderr,
            )
            return 2
    if args.limit:
        rows = rows[: args.limit]
    start = time.perf_counter()
    if backend is None:
        rep, scorer, extra = evaluate(rows), "local scorer", {}
    else:
        try:
            rep, valid = _evaluate_judge(rows, backend)
        except (BackendError, ValueError) as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        scorer, extra = "LLM judge", {"judge_valid_answers": valid, "rows": len(rows)}
    secs = time.perf_counter() - start
    if args.json:
        print(
            json.dumps(
                dict(rep.to_dict(), data=str(args.data), scorer=scorer, seconds=round(secs, 1), **extra)
            )
        )
    else:
        print(format_report(rep, f"{args.data}: {rep.n} utterances scored by the {scorer} in {secs:.1f} s"))
    return 0


def _judge_backend():
    from coach.config import load_settings
    from coach.scoring.judge import configured_judge

    settings = load_settings()
    backend = configured_judge(settings)
    print(f"judge: {settings.describe()}", file=sys.stderr)
    return backend


def _evaluate_judge(rows: Sequence[Row], backend) -> tuple[Report, int]:
    """Agreement over the turns the judge answered validly (the others fell back to the local scorer,
    whose agreement is not the judge's), and how many those were."""
    from coach.scoring.judge import JUDGE, judge_batch

    tick = lambda n, total: print(f"  judged {n}/{total}", file=sys.stderr)  # noqa: E731
    labelled = judge_batch([(r.utterance, r.context) for r in rows], backend, progress=tick)
    kept = [(r.label, lab.label) for r, lab in zip(rows, labelled, strict=True) if lab.scorer == JUDGE]
    print(f"the judge answered validly for {len(kept)} of {len(rows)} turns", file=sys.stderr)
    if not kept:
        raise ValueError(
            f"the judge ({getattr(backend, 'model', backend.name)}) gave no valid answer, so there is nothing "
            "to measure; a model that follows JSON instructions is needed (see coach/data/prompts/judge_system.txt)"
        )
    gold, pred = zip(*kept, strict=True)
    return agreement(gold, pred), len(kept)


if __name__ == "__main__":
    raise SystemExit(main())
