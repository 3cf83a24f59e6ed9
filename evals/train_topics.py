"""Train the topic router (coach/counterpart/topics.py) and write coach/assets/topics/.

    python -m evals.train_topics            # train on the training writers, write the artifact
    python -m evals.train_topics --cv       # first: leave-one-writer-out cross-validation, printed

Trains on natural questions and their follow-ups written by writers who never saw the persona cards or the
cue lists (evals/data/natural/questions_<writer>.csv, TRAIN_WRITERS only), plus the scripted questions of
the vocabulary. Never on HELD_OUT_WRITERS, whose questions only measure (python -m evals.understanding).
Model: two networks whose readings are averaged (coach.counterpart.topics.Router), each standardised
features -> one hidden ReLU layer -> softmax, Adam in numpy, rarer readings weighted up, one seed, so a
re-run gives the same weights bit for bit. One reads coach.counterpart.topics.feature_rows (MiniLM and the
hints), the other the line's word and letter n-grams (coach.grams, rarity weights from the training rows).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from coach import grams
from coach.counterpart.cards import Persona, list_personas
from coach.counterpart.topics import ABOUT, ASSET_DIR, FOLLOWUP, GRAMS_DIR, Router, feature_rows
from coach.embeddings import MODEL_ID, local_encoder
from coach.scoring.classifier import Network
from coach.vocab import vocabulary

NATURAL = Path(__file__).resolve().parent / "data" / "natural"
TRAIN_WRITERS = (
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "q6",
    "q7",
    "q8",
    "q11",
    "q12",
    "q13",
    "q14",
    "q16",
    "q17",
    "q18",
    "q22",
    "q23",
)
# Measured by evals.understanding, never trained on. q5 and q6 were the first held-out writers; their misses
# were read while the perception rules were being fixed, so they became training writers, and q9 and q10
# were written afterwards, unseen. q12-q15 were written on 2026-12-03 (brief: data/natural/briefs/questions.md)
# and scored unseen first; q12-q14 were then trained on and q15 kept held out. q16 and q17 (2026-12-04, same
# brief, new registers) were scored unseen first (0.868, 0.889), then trained on. q18 and q19 (2026-12-06) were
# scored unseen first (0.889, 0.974); q18 was trained on and q19 kept held out, a writer never read. q20 (2026-12-06, seven
# more registers) was scored unseen first (first question 0.916, follow-up 0.920); trained on, it moved the
# other held-out writers' first question 0.934 -> 0.928 and follow-up 0.944 -> 0.942, so it was not shipped
# and q20 stays held out (its misses were never read). q21 (2026-12-06) was scored unseen (0.905, follow-up
# 0.905) and is held out, never read. q22-q24 (2026-12-06, three writers, seven registers each) were scored
# unseen first (first question 0.874, 0.911, 0.916); q22 and q23 were read and trained on (q22+q23 0.892 ->
# 0.921 with the perception fixes, before training), q24 is held out, never read. q25-q27 (2026-12-06, seven
# new registers each) were scored unseen first (0.937, 0.905, 0.926); q25 and q26 were read while fixing
# perception, q27 is held out, never read. Trained on as well, q25 and q26 lowered the held-out writers
# (q27 0.926 -> 0.911, the other seven 0.942 -> 0.940), as q20 had, so the router was not retrained: they are
# READ_WRITERS, neither training nor held out.
HELD_OUT_WRITERS = ("q9", "q10", "q15", "q19", "q20", "q21", "q24", "q27")
READ_WRITERS = ("q25", "q26")
HIDDEN, L2, EPOCHS, LR, SEED = 64, 1e-2, 400, 0.01, 0


@dataclass(frozen=True)
class Example:
    writer: str
    persona: str
    text: str
    about: str


def question_rows(writers: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    """The rows of the writers' question files, in order (evals/data/natural/questions_<writer>.csv)."""
    rows: list[dict[str, str]] = []
    for w in writers:
        with (NATURAL / f"questions_{w}.csv").open(encoding="utf-8") as fh:
            rows += [dict(row, writer=w) for row in csv.DictReader(fh)]
    return rows


def read_questions(writers: tuple[str, ...]) -> list[Example]:
    """Each row's question (about its dimension) and its follow-up (about the topic in play)."""
    out = []
    for row in question_rows(writers):
        out.append(Example(row["writer"], row["persona"], row["question"].strip(), row["dimension"]))
        if row["followup"].strip():
            out.append(Example(row["writer"], row["persona"], row["followup"].strip(), FOLLOWUP))
    return out


def scripted_examples() -> list[Example]:
    return [
        Example("vocab", "", q, d.value)
        for d, words in vocabulary().dimensions.items()
        for q in words.scripted_questions
    ]


def features(examples: list[Example], personas: dict[str, Persona]) -> np.ndarray:
    vectors = local_encoder().encode_both([e.text for e in examples])
    return feature_rows([e.text for e in examples], [personas.get(e.persona) for e in examples], vectors)


def train(x: np.ndarray, y: np.ndarray, meta: dict | None = None) -> Network:
    rng = np.random.default_rng(SEED)
    mean = x.mean(axis=0).astype(np.float32)
    scale = (x.std(axis=0) + 1e-6).astype(np.float32)
    xs = (x - mean) / scale
    n, d = xs.shape
    k = len(ABOUT)
    onehot = np.eye(k)[y]
    # follow-ups outnumber each dimension ten to one: rows are weighted by the square root of their
    # reading's rarity, so a short question is not a follow-up by default (full balancing was measured
    # too and called plain questions off-world)
    counts = np.bincount(y, minlength=k).astype(np.float64)
    row_weight = np.sqrt(counts.mean() / np.maximum(counts, 1))[y][:, None]
    row_weight /= row_weight.mean()
    params = [
        rng.normal(0, 1 / np.sqrt(d), (d, HIDDEN)),
        np.zeros(HIDDEN),
        rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, k)),
        np.zeros(k),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, EPOCHS + 1):
        h = np.maximum(xs @ params[0] + params[1], 0)
        z = h @ params[2] + params[3]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - onehot) * row_weight / n
        dh = dz @ params[2].T * (h > 0)
        grads = [xs.T @ dh + L2 * params[0], dh.sum(0), h.T @ dz + L2 * params[2], dz.sum(0)]
        for i, g in enumerate(grads):
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            params[i] -= LR * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    return Network(
        ABOUT,
        mean,
        scale,
        (params[0].astype(np.float32), params[2].astype(np.float32)),
        (params[1].astype(np.float32), params[3].astype(np.float32)),
        meta or {},
    )


def train_pair(x: np.ndarray, raw: np.ndarray, y: np.ndarray) -> Router:
    """The meaning network on ``x``, the spelling network on the gram counts ``raw``, and its rarity weights."""
    idf = grams.document_weights(raw)
    return Router(train(x, y), train(grams.weighted(raw, idf), y), idf)


def first_and_followup(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """As the engine uses it: a first question takes the best reading other than "follow-up"; a follow-up
    stays with the topic in play unless another reading is clearly stronger (see the engine)."""
    fi = ABOUT.index(FOLLOWUP)
    first = [i for i in range(len(y)) if y[i] != fi]
    fups = [i for i in range(len(y)) if y[i] == fi]
    q = p.copy()
    q[:, fi] = 0
    first_ok = float(np.mean([q[i].argmax() == y[i] for i in first])) if first else float("nan")
    fup_ok = float(np.mean([p[i, fi] >= 0.5 * p[i].max() for i in fups])) if fups else float("nan")
    return first_ok, fup_ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cv", action="store_true", help="leave-one-writer-out cross-validation first")
    ap.add_argument("--out", type=Path, default=ASSET_DIR)
    args = ap.parse_args()
    t0 = time.time()
    personas = {p.id: p for p in list_personas()}
    examples = read_questions(TRAIN_WRITERS) + scripted_examples()
    x = features(examples, personas)
    raw = grams.counts([e.text for e in examples])
    y = np.array([ABOUT.index(e.about) for e in examples])
    writers = np.array([e.writer for e in examples])
    print(f"{len(examples)} examples from writers {', '.join(TRAIN_WRITERS)} + the scripted questions")
    print("  " + ", ".join(f"{a} {n}" for a, n in sorted(Counter(e.about for e in examples).items())))
    cv = {}
    if args.cv:
        for w in TRAIN_WRITERS:
            held = writers == w
            router = train_pair(x[~held], raw[~held], y[~held])
            first, fup = first_and_followup(router.proba_rows(x[held], raw[held]), y[held])
            cv[w] = {"first_question": round(first, 3), "followup": round(fup, 3)}
            print(f"  held out {w}: first question on topic {first:.3f}, follow-up stays {fup:.3f}")
        print(
            f"  mean: first {np.mean([c['first_question'] for c in cv.values()]):.3f}, "
            f"follow-up {np.mean([c['followup'] for c in cv.values()]):.3f}"
        )
    router = train_pair(x, raw, y)
    meaning, spelling, idf = router.meaning, router.spelling, router.idf
    common = {
        "trained_on": list(TRAIN_WRITERS) + ["vocab scripted questions"],
        "held_out_writers": list(HELD_OUT_WRITERS),
        "rows": len(examples),
        "hidden": HIDDEN,
        "l2": L2,
        "epochs": EPOCHS,
        "seed": SEED,
        "cv_leave_one_writer_out (the two averaged)": cv,
        "command": "python -m evals.train_topics" + (" --cv" if args.cv else ""),
    }
    meaning = replace(
        meaning,
        meta=common
        | {
            "encoder": MODEL_ID,
            "features": "sentence vector (384) + layer 3 (384) + hints (9 dimensions, general, length)",
        },
    )
    spelling = replace(
        spelling,
        meta=common
        | {
            "features": f"word, word-pair and 3-5 letter n-grams hashed into {grams.DIM} buckets (coach/grams.py)",
            "idf": [round(float(v), 5) for v in idf],
        },
    )
    meaning.save(args.out)
    spelling.save(args.out / GRAMS_DIR.name)
    print(f"wrote {args.out} and {args.out / GRAMS_DIR.name} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
