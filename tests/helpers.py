"""Scripted leaders that talk through the real Rehearsal (real classifier, real engine)."""

from __future__ import annotations

from coach.counterpart.scripted import QUESTIONS, summary_of
from coach.rehearsal import Rehearsal


def listen_well(r: Rehearsal, max_turns: int = 60) -> Rehearsal:
    """Open questions area by area, a reflection of each thing heard, then a summary of the core."""
    persona = r.persona
    dims = list(dict.fromkeys(f.dimension for f in persona.facts))
    asked: dict[str, int] = {d: 0 for d in dims}
    while r.leader_turn_count < max_turns and not r.state.get("thats_right") and not r.state.get("closed"):
        revealed = set(r.state["revealed"])
        if all(c in revealed for c in persona.core):
            r.turn(summary_of(persona, persona.core))
            if r.state.get("thats_right"):
                break
        pending = [d for d in dims if any(f.dimension == d and f.id not in revealed for f in persona.facts)]
        dim = min(pending or dims, key=lambda d: asked[d])
        step = r.turn(QUESTIONS[dim][asked[dim] % len(QUESTIONS[dim])])
        asked[dim] += 1
        for fact_id in step.facts_now:
            r.turn(f"So {persona.fact(fact_id).paraphrase}.")
    return r


def legacy_folder(settings):
    """Where an earlier version kept one JSON file per session (coach/store/legacy.py migrates them)."""
    from coach.store.legacy import legacy_dir

    folder = legacy_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
