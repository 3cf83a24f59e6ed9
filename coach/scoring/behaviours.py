"""The utterance classifier: one listening-behaviour label per leader utterance, with evidence.

    classify(utterance, context="") -> Labelled
    classify_batch([(utterance, context), ...]) -> list[Labelled]

A learned model (coach/scoring/classifier.py, artifacts in coach/assets/behaviours/, trained by
``python -m evals.train_behaviours``) reads the utterance through the first 3 layers of frozen MiniLM, alone and after the
counterpart's preceding turn, plus named lexical cues of both (coach/scoring/features.py); a second network
reads its spelling (word and letter n-grams, coach/grams.py) with the same cues, and the two are averaged.
No language model and no network are involved.
The evidence names the cue that supports the label and, for ``reflect`` and ``correct``, quotes the part
of the counterpart's words that was paraphrased or contradicted. Its agreement with human labels is
measured by ``python -m evals.behaviours`` (see evals/data/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from coach import grams
from coach.embeddings import local_encoder
from coach.errors import CorpusError, InputError
from coach.scoring import features as F
from coach.scoring.classifier import Network, Scorer, shipped_scorer
from coach.transcript import Transcript

LABELS = ("reflect", "question_open", "question_closed", "inform", "correct", "other")
QUOTE_CHARS = 200
# A leading question that argues ("Don't you think...", "Wouldn't you agree...") is `correct` by the product's
# definition, while counselling coders file it under questions; the cue adds this much to its logit.
LEADING_BIAS = 3.0
# Below this confidence a label is shown as uncertain, not as a verdict. On the held-out business sets the
# scorer is right on about half of such rows and on 85-98% of the rest (evals/data/README.md, calibration).
UNCERTAIN_BELOW = 0.5
# A last sentence in the form of a question ("Why does the board start from cost per unit?", "Has a client
# ever claimed that refund?") is a question, however many of the counterpart's words it picks up; the network
# alone reads a question that reuses her words as a say-back. A tag ("..., isn't it?") or a summary
# marker ("have I got that right?") keeps a say-back a say-back. This much comes off its reflect logit.
QUESTION_FORM_BIAS = 6.0
# A question that opens with "why" or "how" (not "how many", "how long"...) asks for an explanation, so it is
# open whatever the counterpart said before it; read after her last words, the network sometimes called a
# short "Why is that?" closed. This much is added to its question_open logit.
WHY_HOW_BIAS = 2.0


@dataclass(frozen=True)
class Evidence:
    cue: str  # what in the utterance decided the label, e.g. "opens with 'what'"
    quoted: str | None = None  # for reflect/correct: the counterpart words paraphrased or contradicted


@dataclass(frozen=True)
class Labelled:
    label: str
    confidence: float
    evidence: Evidence
    scores: dict[str, float] = field(default_factory=dict)
    scorer: str = "local"  # or the optional LLM judge (coach/scoring/judge.py), which says so in every row

    @property
    def uncertain(self) -> bool:
        return self.confidence < UNCERTAIN_BELOW

    def read_as(self, label: str, utterance: str, context: str = "") -> Labelled:
        """This reading with the label perception settled on (LeaderMove.counted_label): its evidence is the
        cue for that label, and its confidence the scorer's for that label among the others it allowed."""
        if label == self.label:
            return self
        rest = 1.0 - self.scores.get(self.label, self.confidence)
        # without the scores (a stored label), the most the scorer can have given the new label
        confidence = (
            (min(1.0, self.scores.get(label, 0.0) / rest) if rest > 0 else 0.0) if self.scores else rest
        )
        return replace(self, label=label, confidence=confidence, evidence=explain(label, utterance, context))

    def to_dict(self) -> dict:
        out = {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "evidence": {"cue": self.evidence.cue, "quoted": self.evidence.quoted},
        }
        if self.scorer != "local":
            out["scorer"] = self.scorer
        return out


def classify(utterance: str, context: str = "") -> Labelled:
    """Label one leader utterance given the counterpart's preceding turn."""
    return classify_batch([(utterance, context)])[0]


def classify_batch(pairs: Sequence[tuple[str, str]]) -> list[Labelled]:
    """Label many utterances at once (the encoder's work is spread over the cores; faster per item)."""
    clean_pairs = [_check(item, i) for i, item in enumerate(pairs)]
    out: list[Labelled | None] = [None] * len(clean_pairs)
    todo = [i for i, (u, _) in enumerate(clean_pairs) if _is_blank(u)]
    for i in todo:
        blank = {lab: float(lab == "other") for lab in LABELS}
        out[i] = Labelled("other", 1.0, Evidence("empty utterance: nothing was said"), blank)
    live = [i for i, (u, _) in enumerate(clean_pairs) if not _is_blank(u)]
    if live:
        sub = [clean_pairs[i] for i in live]
        probs = _predict(sub)
        for i, (u, c), p in zip(live, sub, probs, strict=True):
            label = LABELS[int(np.argmax(p))]
            out[i] = Labelled(
                label,
                float(p.max()),
                explain(label, u, c),
                {k: float(v) for k, v in zip(LABELS, p, strict=True)},
            )
    return [o for o in out if o is not None]


def _check(item: object, index: int) -> tuple[str, str]:
    if not isinstance(item, tuple | list) or len(item) != 2:
        raise InputError(f"item {index} is {item!r:.60}; pass (utterance, context) pairs.")
    utterance, context = item
    if utterance is None:
        utterance = ""
    if context is None:
        context = ""
    if not isinstance(utterance, str) or not isinstance(context, str):
        raise InputError(
            f"item {index}: utterance and context must be text, got {type(utterance).__name__} and "
            f"{type(context).__name__}. Pass (utterance, context) string pairs."
        )
    return utterance, context


def _is_blank(text: str) -> bool:
    return not F.clean(text)


def _predict(pairs: list[tuple[str, str]]) -> np.ndarray:
    scorer = shipped_scorer()
    enc = local_encoder()
    emb = enc.encode_layer3([F.embed_text(u) for u, _ in pairs])
    x = F.feature_matrix(pairs, emb, F.in_context(pairs, emb, enc.encode_pair_layer3))
    if x.shape[1] != scorer.meaning.n_features:
        raise CorpusError(
            f"The behaviour model expects {scorer.meaning.n_features} features but coach/scoring/features.py "
            f"makes {x.shape[1]}; the artifact is out of date. Rebuild it with: python -m evals.train_behaviours"
        )
    utterances = [u for u, _ in pairs]
    return reading(scorer, x, grams.counts(utterances), question_forms(utterances))


def spelling_rows(x: np.ndarray, gram_counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """What the spelling network reads: the utterance's weighted n-grams, then the same named cues as the
    meaning network (the last columns of ``x``, from F.feature_matrix)."""
    return np.hstack([grams.weighted(gram_counts, idf), x[:, -len(F.CUE_NAMES) :]])


def reading(scorer: Scorer, x: np.ndarray, gram_counts: np.ndarray, forms: np.ndarray) -> np.ndarray:
    """Class probabilities: each network's :func:`scores` (rule priors included), averaged with the spelling
    network's share, then calibrated (Scorer.sharpen). ``x`` is F.feature_matrix of the pairs,
    ``gram_counts`` grams.counts of the utterances."""
    by_meaning = scores(scorer.meaning, x, forms)
    by_spelling = scores(scorer.spelling, spelling_rows(x, gram_counts, scorer.idf), forms)
    mixed = (1.0 - scorer.share) * by_meaning + scorer.share * by_spelling
    if scorer.sharpen == 1.0:
        return mixed
    sharp = np.power(np.maximum(mixed, 1e-12), scorer.sharpen)
    return sharp / sharp.sum(axis=1, keepdims=True)


def question_forms(utterances: Sequence[str]) -> np.ndarray:
    """Per utterance: [in the form of a question, asks why or how] (coach.scoring.features), as 0/1."""
    heads = [F.asking_head(u) for u in utterances]  # question_form and asks_why_or_how, read once each
    return np.array(
        [(float(h is not None), float(F.why_or_how(h))) for h in heads], dtype=np.float32
    ).reshape(-1, 2)


def scores(net: Network, x: np.ndarray, forms: np.ndarray | None = None) -> np.ndarray:
    """Class probabilities: the network's logits plus the documented rule priors, softmaxed. ``forms`` is
    question_forms() of the utterances."""
    z = net.logits(x)
    leading = x[:, -len(F.CUE_NAMES) + F.CUE_NAMES.index("leading_question")]
    z[:, LABELS.index("correct")] += LEADING_BIAS * leading
    if forms is not None:
        z[:, LABELS.index("reflect")] -= QUESTION_FORM_BIAS * forms[:, 0]
        z[:, LABELS.index("question_open")] += WHY_HOW_BIAS * forms[:, 1]
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# ---- evidence -----------------------------------------------------------------------------------------

_OPEN_WORD = re.compile(r"^\W*(what|how|why|where|when|who|which)\b", re.I)
_AUX_WORD = re.compile(
    r"^\W*(is|are|was|were|do|does|did|can|could|would|will|have|has|should|shall|may|any|isn't|don't)\b",
    re.I,
)


def _match(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text.lower())
    return text[m.start() : m.end()].strip(" ,") if m else None


def _quote(text: str) -> str:
    text = F.clean(text)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3].rstrip() + "..."


def _last_sentence(text: str) -> str:
    sents = F.sentences(F.clean(text))
    return sents[-1] if sents else F.clean(text)


def explain(label: str, utterance: str, context: str) -> Evidence:
    """The cue behind ``label`` and, for reflect/correct, the counterpart's words it answers."""
    u = F.clean(utterance)[: F.LEXICAL_CHARS]
    last = _last_sentence(u)
    if label in ("reflect", "correct"):
        span, overlap = F.best_context_span(u, context)
        quoted = _quote(span or _last_sentence(context)) if F.clean(context) else None
        if label == "reflect":
            stem = _match(F.REFLECT_STEMS, u)
            if stem and stem.lower() in ("your", "you're", "you've", "for you", "you want", "you need"):
                stem = None
            what = (
                f"paraphrases: '{quoted}'"
                if quoted and overlap > 0
                else "describes their world back in new words"
            )
            cue = (
                f"'{stem.split()[0] if stem.lower().startswith('so') else stem}...' - a reflective stem; {what}"
                if stem
                else what
            )
            if u.endswith("?"):
                cue += "; a reflection phrased as a question"
            return Evidence(cue, quoted)
        lead = _match(F.LEADING, u)
        marker = _match(F.CONTRA, u)
        if lead:
            cue = f"'{lead}' - a leading question that argues"
        elif marker:
            cue = f"'{marker}' - contradicts the counterpart"
        elif u.endswith("?"):
            cue = "a question that argues against what was said"
        else:
            cue = "states the opposite of what the counterpart said"
        return Evidence(cue, quoted)
    if label == "question_open":
        stem = _match(F.OPEN_STEMS, last) or _match(F.OPEN_STEMS, u)
        word = _match(_OPEN_WORD, last)
        if stem:
            return Evidence(f"'{stem}' - an open invitation to say more")
        if word:
            return Evidence(f"opens with '{word}' - an open question")
        return Evidence("an open question: it cannot be answered yes or no")
    if label == "question_closed":
        word = _match(_AUX_WORD, last)
        if word:
            return Evidence(f"opens with '{word}' - a yes/no or short-answer question")
        return Evidence("a closed question: it asks for yes/no or one fact")
    if label == "inform":
        ask = _match(F.ASK, u)
        pitch = _match(F.PITCH, u)
        if ask:
            return Evidence(f"'{ask}' - a request, stated as information")
        if pitch:
            return Evidence(f"'{pitch}' - telling, advising or pitching")
        return Evidence("gives information or explains")
    thanks = _match(F.THANKS, u)
    logistics = _match(F.LOGISTICS, u)
    if thanks:
        return Evidence(f"'{thanks}' - thanks or rapport")
    if logistics:
        return Evidence(f"'{logistics}' - logistics")
    if len(F.words(u)) <= 3:
        return Evidence("a short acknowledgement")
    return Evidence("small talk, rapport or logistics")


def recorded_labels(transcript: Transcript) -> list[Labelled] | None:
    """The labels ``Rehearsal.say`` stored with each leader turn, so a debrief or the progress page need
    not classify every line again; None when any leader turn lacks them (e.g. a hand-written transcript)."""
    out = []
    for _, turn in transcript.leader_turns():
        meta = turn.meta or {}
        evidence = meta.get("evidence")
        if turn.label is None or "confidence" not in meta or not isinstance(evidence, dict):
            return None
        out.append(
            Labelled(
                turn.label,
                float(meta["confidence"]),
                Evidence(evidence.get("cue", ""), evidence.get("quoted")),
            )
        )
    return out
