"""The optional LLM judge: a configured chat model labels leader turns in place of the local scorer.

    judge_batch([(utterance, context), ...], backend) -> list[Labelled]

Never the default; reached only by ``coach score FILE --judge`` and ``python -m evals.behaviours --judge``.
One request per turn at temperature 0, with the label definitions as data (coach/data/prompts/judge_*.txt).
What comes back is checked, never trusted:
- a reply that is not a JSON object with one of the six labels keeps the local scorer's label for that
  turn, and its evidence says so (``scorer`` "local: the judge's answer was not valid");
- a quote is kept only if it really occurs in the counterpart's turn, so evidence cannot be invented;
  otherwise the local scorer's quote (for reflect/correct) is used;
- ``confidence`` is the local scorer's probability for the judge's label: a language model's own
  certainty is not calibrated, and a low figure flags a turn on which the two scorers disagree.
A backend failure (bad key, server down, timeout, rate limit) stops the run with the backend's message:
a file labelled half by one scorer and half by another is worse than a clear error. Secrets never enter
the prompt; the counterpart's turn and the leader's line are the only user text sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from coach.errors import BackendError, ConfigError
from coach.llm import ChatBackend, backend_from_settings, json_object
from coach.prompts import fill, load_template
from coach.scoring.behaviours import LABELS, Evidence, Labelled, classify_batch, explain
from coach.scoring.features import clean

JUDGE = "judge"
FALLBACK = "local: the judge's answer was not valid"
# A model fault mid-run: the rows judged so far keep the judge's label, this row and the rest the local one.
JUDGE_FAILED = "local: the judge failed"
CONTEXT_CHARS = 1200  # the end of a long counterpart turn is what the leader answers
UTTERANCE_CHARS = 1200


class Verdict(BaseModel):
    label: Literal["reflect", "question_open", "question_closed", "inform", "correct", "other"]
    cue: str = Field(default="", max_length=400)
    quoted: str | None = None


def configured_judge(settings) -> ChatBackend:
    """The configured chat backend, or a ConfigError that says how to configure one."""
    backend = backend_from_settings(settings)
    if backend is None:
        raise ConfigError(
            "--judge asks a language model to label each turn, and none is configured. Set OPENAI_API_KEY "
            "(OpenAI) or OPENAI_BASE_URL (a local server such as Ollama; COACH_MODEL names its model), "
            "or leave out --judge to use the local scorer, which needs no model."
        )
    return backend


def judge_messages(utterance: str, context: str) -> list[dict[str, str]]:
    user = fill(
        load_template("judge_user.txt"),
        {
            "context": (context or "(nothing yet: this is the opening line)")[-CONTEXT_CHARS:],
            "utterance": utterance[:UTTERANCE_CHARS],
        },
        "judge_user.txt",
    )
    return [
        {"role": "system", "content": load_template("judge_system.txt")},
        {"role": "user", "content": user},
    ]


def parse_verdict(raw: str) -> Verdict:
    """The judge's reply as a Verdict; ValueError when it is not one."""
    try:
        data = json.loads(json_object(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("label"), str):
        data["label"] = data["label"].strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return Verdict.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ValueError(f"{'.'.join(map(str, first['loc'])) or 'reply'}: {first['msg']}") from None


def _real_quote(quoted: str | None, context: str) -> str | None:
    if not quoted or not quoted.strip():
        return None
    q = quoted.strip().strip("\"'“”‘’").strip()
    at = context.lower().find(q.lower()) if q else -1
    return context[at : at + len(q)] if at >= 0 else None  # their words as they said them


def judge_batch(
    pairs: Sequence[tuple[str, str]],
    backend: ChatBackend,
    progress: Callable[[int, int], None] | None = None,
) -> list[Labelled]:
    """Label each (utterance, context) with the judge; see the module docstring for the rules."""
    local = classify_batch(pairs)  # validates the input and is the fallback
    out: list[Labelled] = []
    failed: BackendError | None = None
    for n, ((utterance, context), mine) in enumerate(zip(pairs, local, strict=True), start=1):
        utterance, context = utterance or "", context or ""
        if failed is not None:  # after a model fault nothing more is sent; each row says why it is local
            out.append(replace(mine, scorer=f"{JUDGE_FAILED} ({failed.kind}): {failed}"))
        elif not clean(utterance):  # nothing was said: nothing to judge, the local rule stands
            out.append(replace(mine, scorer="local: nothing was said"))
        else:
            try:
                raw = backend.complete(judge_messages(utterance, context), temperature=0.0, max_tokens=120)
            except BackendError as exc:
                failed = exc.on("judge")
                out.append(replace(mine, scorer=f"{JUDGE_FAILED} ({failed.kind}): {failed}"))
            else:
                out.append(_verdict_or_fallback(raw, utterance, context, mine))
        if progress:
            progress(n, len(pairs))
    return out


def _verdict_or_fallback(raw: str, utterance: str, context: str, mine: Labelled) -> Labelled:
    try:
        verdict = parse_verdict(raw)
    except ValueError as exc:
        cue = f"{mine.evidence.cue} (the judge's answer was not valid: {exc})"
        return replace(mine, evidence=Evidence(cue, mine.evidence.quoted), scorer=FALLBACK)
    quoted = _real_quote(verdict.quoted, context) if verdict.label in ("reflect", "correct") else None
    if quoted is None and verdict.label in ("reflect", "correct"):
        quoted = explain(verdict.label, utterance, context).quoted
    cue = verdict.cue.strip() or "the judge gave no reason"
    return Labelled(
        verdict.label,
        float(mine.scores.get(verdict.label, 0.0)),
        Evidence(f"judge: {cue}", quoted),
        mine.scores,
        scorer=JUDGE,
    )


assert set(Verdict.model_fields["label"].annotation.__args__) == set(LABELS)  # one list of labels
