"""The shared surface cues (coach/data/cues.yaml, coach/cues.py): what each must catch and must not."""

from __future__ import annotations

import pytest

from coach.cues import asks, pitches


@pytest.mark.parametrize(
    ("text", "pitch"),
    [
        # selling a solution, however it is phrased
        ("We should move you onto one platform.", True),
        ("We could rebuild the web shop on a proper stack.", True),
        ("What if we moved the whole thing to the cloud?", True),
        ("You need to standardise on our tooling.", True),
        ("Honestly the answer is a new CRM. We could have it live by spring.", True),
        # "we could / we should" inside an open question asks for their view
        ("And what's a good first thing we could do together?", False),
        ("What do you think we should fix first?", False),
        ("So which of these should we tackle first, in your view?", False),
        ("How do you think we could make the Monday call less painful?", False),
        # "we should talk" is arranging a conversation, not a pitch
        ("We should talk more often.", False),
        ("Tell me about the last project that went badly.", False),
    ],
)
def test_pitches(text: str, pitch: bool) -> None:
    assert pitches(text) is pitch


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        # a request, however polite
        ("Can you tell them today and send me the names of who's on nights?", True),
        ("Could you tell your team to hold the release until Friday?", True),
        ("Could we book half an hour next week?", True),
        ("Would you be willing to sponsor a pilot?", True),
        ("Could you give us two engineers for the pilot?", True),
        ("Can you give me the sign-off by Friday?", True),
        ("Can you please approve the pilot?", True),
        ("Would you allow me to shadow one of your nurses for a shift?", True),
        ("Could you just sign it off today?", True),
        ("Could you show me that on the floor when I next visit?", True),
        ("Could you and I look at the branch list together?", True),
        ("Can you send me the last five questions that sat in a ticket?", True),
        ("Would you mind if I shadowed a shift next week?", True),
        ("Would you mind joining the steering group?", True),
        ("Could you give me two hours with you next week?", True),
        ("Can we move the pilot to March?", True),
        ("I need your sign-off by Friday.", True),
        # an invitation to talk about their world asks for nothing
        ("Can you tell me more about the night shift?", False),
        ("Could you tell us what a good quarter looks like?", False),
        ("Could you walk me through the month-end close?", False),
        ("Can you give me an example?", False),
        ("Could you give me a sense of how bad it got?", False),
        ("Could you give me a broad picture of nursing as you see it today?", False),
        ("Would you mind saying a little more about what sets them apart?", False),
        ("Would you mind telling me which feels hardest?", False),
        # a question about what "we" can do is not a request, and "I need one" (a joke) asks for nothing
        ("Huh. And how long can we keep that up?", False),
        ("How can we pilot this together?", False),
        ("Tell me a joke before we start, I need one.", False),
        ("can you point me at an example when we get inside", False),
        # "please" or "just" in front of an invitation does not make it a request
        ("Can you please explain me who the shippers are?", False),
        ("Could you just walk me through your world?", False),
        ("Could you give me one example from this week?", False),
        # asking what they would do or could manage is a question about them, not a request for something
        ("Would you work with any of them again?", False),
        ("would you do it again", False),
        ("Can you pass any of that on?", False),
        ("Could you pull it off again?", False),
        ("Can you put a number on that difference?", False),
        ("Can you hear me okay?", False),
        ("Tell me about the last project that went badly.", False),
    ],
)
def test_asks(text: str, ask: bool) -> None:
    assert bool(asks(text)) is ask
