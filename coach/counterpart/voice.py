"""The voice: how the engine's decision is said.

Offline (no backend), the counterpart says the authored line the engine picked. With a chat backend,
the model phrases the same decision in character, from a prompt that holds the persona's public profile,
its voice, the facts already revealed plus those being revealed now, the move to make, the authored line
as a guide, and a few playbook passages. A fact the engine has not revealed is never put into a prompt,
so no instruction hidden in the leader's words can draw it out of the model.

    speak(decision, persona, history, backend, passages) -> Iterator[str]
    build_messages(decision, persona, history, passages) -> list[Message]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from coach.counterpart.cards import Persona
from coach.counterpart.engine import Decision
from coach.llm import ChatBackend, Message
from coach.prompts import PROMPTS, PromptError, fill, load_template
from coach.transcript import Turn
from coach.vocab import Mood, vocabulary

SYSTEM_TEMPLATE = "counterpart_system.txt"
MOVES_FILE = "counterpart_moves.txt"
MAX_HISTORY_MESSAGES = 16
MAX_PASSAGE_CHARS = 700
THATS_RIGHT = "That's right."


@lru_cache(maxsize=4)
def move_instructions(name: str = MOVES_FILE) -> dict[str, str]:
    """Sections of the moves file: ``[move]`` headers, text until the next header."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in load_template(name).splitlines():
        header = re.match(r"^\[([a-z_]+)\]\s*$", line.strip())
        if header:
            current = header.group(1)
            sections[current] = []
        elif current and not line.startswith("#"):
            sections[current].append(line)
    out = {k: " ".join(" ".join(v).split()) for k, v in sections.items()}
    if "default" not in out:
        raise PromptError(f"{PROMPTS / name} has no [default] section; add one.")
    return out


_DELIMITER = re.compile(r"</?\s*reference_material\s*>", re.I)


def _passage_text(p: Any) -> str:
    if isinstance(p, str):
        title, text = "", p
    elif isinstance(p, dict):
        title, text = p.get("title", ""), p.get("text") or p.get("page_content") or ""
    else:
        title = getattr(p, "title", "") or getattr(p, "metadata", {}).get("title", "")
        text = getattr(p, "text", None) or getattr(p, "page_content", "") or ""
    # Quoted material, never markup: a document cannot close the reference block or open a new one.
    title, text = (_DELIMITER.sub("[tag removed]", " ".join(str(x).split())) for x in (title, text))
    if len(text) > MAX_PASSAGE_CHARS:
        text = text[: MAX_PASSAGE_CHARS - 1] + "…"
    return f'- {title}: "{text}"' if title else f'- "{text}"'


def _known_facts(decision: Decision, persona: Persona) -> tuple[list[str], list[str]]:
    """Statements the prompt may hold: revealed before this turn, and revealed by it."""
    now_ids = [f.id for f in decision.facts_now]
    revealed = [i for i in decision.state.get("revealed", []) if i not in now_ids]
    before = [persona.fact(i).statement for i in revealed]
    now = [persona.fact(i).statement for i in now_ids]
    return before, now


def system_prompt(
    decision: Decision, persona: Persona, history: Sequence[Turn], passages: list | None
) -> str:
    before, now = _known_facts(decision, persona)
    opening = [t.text for t in _leading_counterpart(history)]
    moves = move_instructions()
    instruction = fill(
        moves.get(decision.move, moves["default"]), {"name": persona.name}, f"move {decision.move}"
    )
    values = {
        "name": persona.name,
        "role": persona.role,
        "company": persona.company,
        "industry": persona.industry,
        "voice": persona.voice,
        "background": persona.background,
        "opening": f'You opened the meeting by saying: "{" ".join(opening)}"' if opening else "",
        "mood": _mood_words(decision.state.get("mood", "")),
        "known_facts": "\n".join(f"- {s}" for s in before)
        or "- (nothing yet: keep the details of your business to yourself)",
        "facts_now": ("What you are telling them now, in this reply:\n" + "\n".join(f"- {s}" for s in now))
        if now
        else "",
        "move_instruction": instruction,
        "draft": decision.line,
        "passages": "\n".join(_passage_text(p) for p in passages or []) or "- (none)",
    }
    text = fill(load_template(SYSTEM_TEMPLATE), values, SYSTEM_TEMPLATE)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _leading_counterpart(history: Sequence[Turn]) -> list[Turn]:
    out = []
    for t in history:
        if t.speaker != "counterpart":
            break
        out.append(t)
    return out


def build_messages(
    decision: Decision, persona: Persona, history: Sequence[Turn], passages: list | None = None
) -> list[Message]:
    """System prompt plus the conversation (leader = user, counterpart = assistant), ending on the leader."""
    messages: list[Message] = [
        {"role": "system", "content": system_prompt(decision, persona, history, passages)}
    ]
    rest = list(history)[len(_leading_counterpart(history)) :]
    convo: list[Message] = []
    for t in rest:
        role = "user" if t.speaker == "leader" else "assistant"
        if convo and convo[-1]["role"] == role:
            convo[-1] = {"role": role, "content": convo[-1]["content"] + "\n" + t.text}
        else:
            convo.append({"role": role, "content": t.text})
    convo = convo[-MAX_HISTORY_MESSAGES:]
    while convo and convo[0]["role"] != "user":
        convo.pop(0)
    if not convo:
        convo = [{"role": "user", "content": "(The meeting is starting.)"}]
    return messages + convo


def speak(
    decision: Decision,
    persona: Persona,
    history: list[Turn],
    backend: ChatBackend | None,
    passages: list | None = None,
) -> Iterator[str]:
    """Yield the counterpart's reply: the authored line offline, or the model's phrasing, streamed."""
    if backend is None:
        yield decision.line
        return
    messages = build_messages(decision, persona, history, passages)
    stream = backend.stream(messages, temperature=0.7, max_tokens=220)
    if decision.move != "thats_right":
        yield from stream
        return
    # The moment must be unmistakable: the reply starts with the words, whatever the model does.
    yield THATS_RIGHT + " "
    yield from _drop_prefix(stream, THATS_RIGHT)


def _drop_prefix(chunks: Iterator[str], prefix: str) -> Iterator[str]:
    """Pass chunks through, minus a leading repeat of ``prefix`` (case and punctuation aside)."""
    want = re.sub(r"[^a-z]", "", prefix.lower())
    buffer = ""
    deciding, capitalise = True, False
    for chunk in chunks:
        if deciding:
            buffer += chunk
            letters = re.sub(r"[^a-z]", "", buffer.lower())
            if len(letters) < len(want) and want.startswith(letters):
                continue  # could still be the prefix: wait for more
            deciding = False
            if letters.startswith(want):
                m = re.match(r"\s*that[’']?s\s+right[\s.,!:;-]*", buffer, re.I)
                buffer = buffer[m.end() :] if m else buffer
                capitalise = True
            chunk, buffer = buffer, ""
        if capitalise and chunk.strip():
            stripped = chunk.lstrip()
            chunk = chunk[: len(chunk) - len(stripped)] + stripped[:1].upper() + stripped[1:]
            capitalise = False
        if chunk:
            yield chunk
    if buffer:
        yield buffer


def _mood_words(mood: str) -> str:
    try:
        return vocabulary().mood_in_prompt[Mood(mood)]
    except ValueError:
        return "neutral"
