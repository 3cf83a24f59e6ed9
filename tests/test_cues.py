"""The shared surface cues (coach/data/cues.yaml, coach/cues.py): what each must catch and must not."""

from __future__ import annotations

import pytest

from coach.cues import asks, cue, pitches


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
        # the words of a technology pitch are a pitch where they are put forward...
        ("We're moving everything to the cloud next year.", True),
        ("Our new AI assistant drafts the claim notes for your adjusters.", True),
        ("Have you considered automating the month-end close?", True),
        ("Why don't we put the stores on one platform?", True),
        # ... not in a question that asks, an account of the past, or a denial
        ("What would you want us to automate first?", False),
        ("what tools would help your store teams most, AI or otherwise", False),
        (
            "Forgive me for asking - what tools would genuinely help your store teams, if we could provide them?",
            False,
        ),
        (
            "I've read the post-mortem on the claims platform: eighteen months late, forty percent over.",
            False,
        ),
        ("heard the claims platform project went badly, what actually happened", False),
        ("The old platform was built for head office.", False),
        ("I suspect it isn't on the roadmap.", False),
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
        ("I need to have your sign-off by Friday.", True),
        ("Could you introduce me to your head of nursing?", True),
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
        ("tell me a joke before we start i need to loosen up a bit", False),  # the leader's own need
        ("Can you introduce your work to me?", False),  # asks her to talk, not to introduce anyone
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
        ("ouch. what would you have done differently?", False),  # a past choice, not "would you have time"
        ("would you have chosen them again?", False),
        ("Would you have time next week?", True),
        ("Tell me about the last project that went badly.", False),
    ],
)
def test_asks(text: str, ask: bool) -> None:
    assert bool(asks(text)) is ask


@pytest.mark.parametrize(
    ("text", "name", "hit"),
    [
        # wondering aloud, whoever is curious, invites an answer
        (
            "lowkey curious if the fintech apps are actually stealing members or is that just hype",
            "invitation",
            True,
        ),
        ("curious whether the night shift sees it the same way", "invitation", True),
        ("Go on then, give us the lay of the land at Lumen, la.", "invitation", True),
        ("The curious thing is the margin held.", "invitation", False),
        # a polite request to talk, however formal, is an open question
        (
            "Would you be prepared to provide a broad overview of your current responsibilities?",
            "polite_open",
            True,
        ),
        ("Could you outline what the board expects this year?", "polite_open", True),
        ("Would you be prepared to sponsor the pilot?", "polite_open", False),
        # the notes or the recording of this conversation are its arrangements
        (
            "For the record, could you confirm whether you consent to this conversation being summarised for my notes?",
            "logistics",
            True,
        ),
        ("Mind if I take notes?", "logistics", True),
        ("Do the nurses take notes on paper?", "logistics", False),
    ],
)
def test_invitations_polite_openers_and_arrangements(text: str, name: str, hit: bool) -> None:
    assert bool(cue(name).search(text)) is hit
