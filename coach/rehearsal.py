"""A rehearsal: one conversation between the leader and a persona, turn by turn.

Each leader line goes: classify (coach.scoring.behaviours) -> perceive what the leader did
(coach.counterpart.perceive) -> the engine decides (coach.counterpart.engine) -> the voice phrases the
decision (coach.counterpart.voice: authored lines offline, or a model). The perception is stored with the
leader's turn, so the scorecard, the debrief and the progress page count the same asks and corrections. The app and the CLI both drive
this class, so they behave the same.

Nothing typed is lost: if the model fails mid-turn, the engine is put back as it was, the leader's
line is not recorded, and the BackendError reaches the caller, which keeps the text for a resend.
"""

from __future__ import annotations

import copy
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from coach.counterpart.cards import Persona, load_persona, load_persona_file
from coach.counterpart.engine import Engine
from coach.counterpart.perceive import LeaderMove
from coach.counterpart.voice import speak
from coach.errors import InputError
from coach.llm import ChatBackend, backend_from_settings
from coach.playbook import retrieval
from coach.scoring.behaviours import Labelled, classify
from coach.scoring.features import responds_to
from coach.text import strip_controls
from coach.transcript import Transcript, Turn

MAX_LINE_CHARS = 4000

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def check_line(text: str | None) -> str:
    """The leader's line, stripped; InputError naming the problem when it cannot be used."""
    line = strip_controls(text or "").strip()  # no NUL, ESC sequence or bidi override is kept or echoed
    if not line:
        raise InputError("Your line is empty. Type what you would say to them, then send it.")
    if len(line) > MAX_LINE_CHARS:
        raise InputError(
            f"Your line is {len(line):,} characters; one turn takes at most {MAX_LINE_CHARS:,}. "
            "Say it in a few shorter turns, as you would in the room. Your text is still in the box."
        )
    return line


@dataclass
class Step:
    """What one leader turn produced, for the UI and the CLI."""

    leader: str
    reply: str
    labelled: Labelled
    state: dict[str, Any]
    move: str
    trust_delta: float
    reasons: list[str]
    facts_now: list[str]


@dataclass
class Rehearsal:
    persona: Persona
    difficulty: str
    seed: int
    backend: ChatBackend | None = None
    retrieve: Callable[[str], list] | None = None  # passages for the model; unused offline
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    parent: dict[str, Any] | None = None  # {"id": ..., "turn": n} when this is a branch
    clock: Clock = _now

    def __post_init__(self) -> None:
        self.engine = Engine(self.persona, difficulty=self.difficulty, seed=self.seed)
        self.transcript = Transcript(
            persona=self.persona.id,
            difficulty=self.difficulty,
            seed=self.seed,
            meta={"id": self.id, "persona_name": self.persona.name, "started": self.clock().isoformat()},
        )
        if self.parent:
            self.transcript.meta["parent"] = self.parent
        # Engine snapshots of a session kept by an earlier version whose turns do not replay to them
        # (coach/store/legacy.py); every other branch replays the stored readings (engine_before).
        self.legacy_snapshots: dict[int, dict[str, Any]] = {}
        self.ended = False

    # -- the conversation ------------------------------------------------------------------
    def open(self) -> str:
        """The counterpart's first line (offline: authored; it sets the scene)."""
        decision = self.engine.opening()
        self.transcript.turns.append(
            Turn("counterpart", decision.line, state=decision.state, meta={"move": decision.move})
        )
        return decision.line

    def say(self, text: str) -> Iterator[str]:
        """Send one leader line; yields the counterpart's reply as it streams."""
        line = check_line(text)
        if self.ended:
            raise InputError("This rehearsal has ended. Start a new one, or branch from one of its turns.")
        index = len(self.transcript.turns)
        before = self.engine.snapshot()
        context = self.transcript.context_before(index)
        answers = responds_to(line, self.transcript.theirs_before(index))
        scored = classify(line, answers)
        perceived = self.engine.read(line, scored, context)
        labelled = scored.read_as(perceived.counted_label, line, answers)  # what every surface shows
        decision = self.engine.step(perceived)
        history = list(self.transcript.turns) + [Turn("leader", line)]
        passages = self._passages(line) if self.backend is not None else None
        chunks: list[str] = []
        completed = False
        try:
            for chunk in speak(decision, self.persona, history, self.backend, passages):
                chunks.append(chunk)
                yield chunk
            completed = True
        finally:
            # A failed model, or a reader that stopped early (the page reran mid-reply): the turn
            # never happened, so the counterpart must not remember it.
            if not completed:
                self.engine.restore(before)
        reply = "".join(chunks).strip() or decision.line
        self.transcript.turns.append(
            Turn(
                "leader",
                line,
                label=labelled.label,
                state=decision.state,
                meta={
                    "confidence": round(labelled.confidence, 3),
                    "evidence": labelled.to_dict()["evidence"],
                    "trust_delta": round(decision.trust_delta, 3),
                    "reasons": list(decision.reasons),
                    "perceived": perceived.to_dict(),
                    **({"scorer_label": scored.label} if labelled is not scored else {}),
                },
            )
        )
        self.transcript.turns.append(
            Turn(
                "counterpart",
                reply,
                meta={
                    "move": decision.move,
                    "facts": [f.id for f in decision.facts_now],
                    "topic": decision.topic,
                },
            )
        )
        self.last_step = Step(
            leader=line,
            reply=reply,
            labelled=labelled,
            state=decision.state,
            move=decision.move,
            trust_delta=decision.trust_delta,
            reasons=list(decision.reasons),
            facts_now=[f.id for f in decision.facts_now],
        )

    def turn(self, text: str) -> Step:
        """Send one line and wait for the whole reply."""
        for _ in self.say(text):
            pass
        return self.last_step

    def _passages(self, line: str) -> list:
        if self.retrieve is None:
            return []
        try:
            return self.retrieve(line)
        except Exception:  # noqa: BLE001 - guidance is a nicety for the model; the turn goes on without it
            return []

    # -- state -----------------------------------------------------------------------------
    @property
    def state(self) -> dict[str, Any]:
        return self.engine.public_state()

    @property
    def leader_turn_count(self) -> int:
        return sum(1 for t in self.transcript.turns if t.speaker == "leader")

    def end(self) -> Transcript:
        self.ended = True
        self.transcript.meta["ended"] = self.clock().isoformat()
        return self.transcript

    # -- "try that line again" -------------------------------------------------------------
    def engine_before(self, turn_index: int) -> Engine:
        """The engine exactly as it stood just before turn ``turn_index``: a fresh engine with the same
        card, difficulty and seed, given the opening and each earlier leader turn's stored reading.
        ``Engine.step`` is pure given the seed and the readings, so nothing else needs keeping."""
        engine = Engine(self.persona, difficulty=self.difficulty, seed=self.seed)
        start = max((i for i in self.legacy_snapshots if i <= turn_index), default=None)
        if start is not None:  # an old session: from its nearest snapshot, then replay the rest
            engine.restore(self.legacy_snapshots[start])
        for turn in self.transcript.turns[start or 0 : turn_index]:
            meta = turn.meta or {}
            if turn.speaker == "counterpart" and meta.get("move") == "open":
                engine.opening()
            elif turn.speaker == "leader":
                if not isinstance(meta.get("perceived"), dict):
                    raise InputError(
                        f"Turn {self.transcript.turns.index(turn)} of this rehearsal carries no reading, so "
                        "the counterpart cannot be put back as it was there. Start a new rehearsal."
                    )
                engine.step(LeaderMove.from_dict(turn.text, meta["perceived"]))
        return engine

    def replay_engine(self) -> None:
        """Bring the engine to the end of the transcript (a kept session reopened)."""
        self.engine = self.engine_before(len(self.transcript.turns))

    def branch(self, turn_index: int) -> Rehearsal:
        """A new rehearsal that rewinds to just before leader turn ``turn_index``."""
        leader_turns = [i for i, _ in self.transcript.leader_turns()]
        if turn_index not in leader_turns:
            raise InputError(
                f"Turn {turn_index} is not one of your lines in this rehearsal; "
                f"branch from one of turns {leader_turns}."
            )
        child = Rehearsal(
            self.persona,
            self.difficulty,
            self.seed,
            backend=self.backend,
            retrieve=self.retrieve,
            parent={"id": self.id, "turn": turn_index},
            clock=self.clock,
        )
        child.transcript.turns = copy.deepcopy(self.transcript.turns[:turn_index])
        child.legacy_snapshots = {i: s for i, s in self.legacy_snapshots.items() if i <= turn_index}
        child.engine = self.engine_before(turn_index)
        return child


def start_rehearsal(
    settings,
    *,
    persona_id: str | None = None,
    persona_file: str | None = None,
    persona: Persona | None = None,
    difficulty: str | None = None,
    seed: int = 0,
    backend: ChatBackend | None = None,
) -> Rehearsal:
    """Load the persona (by id, from a file, or the card itself), pick the configured model (if any) and
    open the conversation."""

    if sum(x is not None and x != "" for x in (persona_id, persona_file, persona)) != 1:
        raise InputError(
            "Choose one persona: give --persona ID (see 'coach personas') or --persona-file PATH."
        )
    if persona is None:
        persona = load_persona_file(persona_file) if persona_file else load_persona(persona_id, settings)
    backend, retrieve = model_seams(settings, backend)
    rehearsal = Rehearsal(persona, difficulty or persona.difficulty, seed, backend=backend, retrieve=retrieve)
    rehearsal.open()
    return rehearsal


def model_seams(
    settings, backend: ChatBackend | None = None
) -> tuple[ChatBackend | None, Callable[[str], list] | None]:
    """The configured model (None offline) and, with one, the playbook search that feeds it passages."""
    if backend is None:
        backend = backend_from_settings(settings)
    if backend is None:
        return None, None

    def retrieve(query: str) -> list:
        return retrieval.search(query, k=2, settings=settings)

    # Build or open the playbook index while the leader reads the opening line, not on their first turn.
    threading.Thread(target=_quietly, args=(retrieval.open_index, settings), daemon=True).start()
    return backend, retrieve


def _quietly(fn: Callable, *args) -> None:
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 - a warm-up; the first real search reports any problem itself
        pass


def replay(transcript: Transcript, persona: Persona) -> Transcript:
    """Run a transcript's leader lines through the engine (offline) to recover trust and understanding.

    Used when a transcript was written elsewhere and carries no engine state; the counterpart's lines
    are the engine's, not the original ones.
    """
    r = Rehearsal(persona, transcript.difficulty or persona.difficulty, transcript.seed or 0)
    r.open()
    for _, turn in transcript.leader_turns():
        r.turn(turn.text)
    r.transcript.meta["replayed_from"] = transcript.meta.get("id", "file")
    return r.transcript
