"""The counterpart answers what a person actually types: meaning, follow-ups, depth, natural reactions.

Lines here are examples of kinds of talk, not the eval sets (which are held out: evals/understanding.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from coach.counterpart.cards import list_personas, load_persona
from coach.counterpart.engine import Engine
from coach.counterpart.facts import misread
from coach.counterpart.meaning import described
from coach.scoring.behaviours import classify
from coach.vocab import Act, Move

MARIA = load_persona("maria-cfo")
DEV = load_persona("dev-coo")
ANGELA = load_persona("angela-cno")


def _say(e: Engine, text: str, last: str):
    return e.respond(text, classify(text, last), last)


def _engine(persona=MARIA, difficulty="normal"):
    e = Engine(persona, difficulty, seed=0)
    return e, e.opening().line


@pytest.mark.parametrize(
    "line",
    [
        "It's the dispatchers and a real human answering at 3am, not the trucks.",
        "So the edge is people, not really the fleet at all.",
        "Leaving the trucks aside for a second, it's the dispatchers who know every dock.",
        "Before we get to the software, what you sell is a person who picks up the phone.",
        "Rather than the fleet, it's the people on the phones.",
    ],
)
def test_a_denied_or_passing_mention_is_not_a_misreading(line):
    assert misread(MARIA.fact("product-1"), line) is None


@pytest.mark.parametrize(
    "line",
    [
        "So what makes you special is the fleet.",
        "No doubt the trucks are what set you apart.",
        "It's not only the trucks, it's the software.",
    ],
)
def test_an_asserted_misreading_is_still_one(line):
    assert misread(MARIA.fact("product-1"), line) is not None


def test_an_accurate_reflection_that_rules_out_the_wrong_reading_is_affirmed_not_corrected():
    e, last = _engine()
    d = _say(e, "What makes Northwind different from the other brokers?", last)
    assert d.facts_now and d.facts_now[0].id == "product-1"
    r = _say(e, "So it's a real human answering at 3am who knows the dock, not the trucks.", d.line)
    assert r.move == Move.AFFIRM and "product-1" in r.state["understood"]


@pytest.mark.parametrize(
    "question, dimension",
    [
        ("Who's eating your lunch these days?", "competitors"),
        ("Who do you lose loads to?", "competitors"),
        ("Tell me about the shippers you'd hate to lose.", "customers"),
        ("Why would anyone pick Northwind over a cheaper broker?", "product"),
        ("What does a good year look like to you, personally?", "success"),
        ("What's on your plate for the next twelve months?", "objectives"),
        ("What does the board actually look at when they judge your year?", "measures"),
        ("How did the last big systems project go for finance?", "history"),
        ("What would actually help you from my team?", "needs"),
        # a question followed by a remark still asks, wherever its question mark falls
        ("Shippers are mostly big retailers? Just so I know.", "customers"),
        ("Your customers are who, mostly? I never got a straight answer.", "customers"),
        # typed shorthand without a question mark
        ("ever had a systems project blow up on finance", "history"),
        ("r the shippers mostly big retailers", "customers"),
    ],
)
def test_a_first_question_is_answered_about_what_it_asks(question, dimension):
    e, last = _engine()
    d = _say(e, question, last)
    assert d.topic == dimension, (d.move, d.topic, d.line)


@pytest.mark.parametrize(
    "followup", ["Why is that?", "How so?", "What did that cost you?", "Give me an example?"]
)
def test_a_follow_up_stays_with_the_fact_in_play_and_draws_more_of_it(followup):
    e, last = _engine(DEV)
    e.state.trust = 0.9  # he would tell this one
    d = _say(e, "How did the predictive maintenance thing on line 3 go?", last)
    assert d.topic == "history" and d.facts_now
    f = _say(e, followup, d.line)
    assert f.topic == "history" and f.move == Move.DEEPEN
    assert f.line in [line for _, line in DEV.fact("history-1").depth_lines()]


def test_what_did_it_cost_you_about_a_failed_project_stays_with_the_project_not_the_money():
    e, last = _engine(DEV)
    e.state.trust = 0.9
    d = _say(e, "How did the predictive maintenance thing on line 3 go?", last)
    assert d.facts_now and d.facts_now[0].id == "history-1"
    f = _say(e, "What did that cost you?", d.line)
    assert f.topic == "history" and f.move == Move.DEEPEN
    assert next(k for k, line in DEV.fact("history-1").depth_lines() if line == f.line) == "cost"


def test_when_all_is_said_she_says_so_in_her_own_words():
    e, last = _engine(DEV)
    e.state.trust = 0.9
    d = _say(e, "How did the predictive maintenance thing on line 3 go?", last)
    depth = len(DEV.fact("history-1").depth_lines())
    for _ in range(depth):
        d = _say(e, "Tell me more.", d.line)
        assert d.move == Move.DEEPEN
    d = _say(e, "Tell me more.", d.line)
    said = [line.format(topic=DEV.fact("history-1").topic).lower() for line in DEV.reactions.said_enough]
    assert d.move == Move.SAID_ENOUGH and d.line.lower() in said


def test_a_follow_up_on_what_she_would_not_discuss_stays_on_it_and_stays_guarded():
    e, last = _engine()
    d = _say(e, "How are the numbers looking this year?", last)
    assert d.move == Move.GUARDED and d.topic == "financials"
    f = _say(e, "Why not?", d.line)
    assert f.topic == "financials" and not f.facts_now


@pytest.mark.parametrize(
    "line, move",
    [
        ("Thanks for the time, Maria.", Move.GREETED),  # at the start, thanks is a greeting
        ("Good morning! How are you?", Move.GREETED),
        ("Did you catch the game last night?", Move.SMALLTALK),
        ("Maria hi!", Move.GREETED),  # her name before the hello
        ("Maria hi, sorry I'm a few minutes late", Move.LOGISTICS),
    ],
)
def test_greetings_and_small_talk_get_a_fitting_reply_and_release_nothing(line, move):
    e, last = _engine()
    d = _say(e, line, last)
    assert d.move == move and not d.facts_now and d.state["revealed"] == []


@pytest.mark.parametrize(
    "persona, line, topic",
    [
        (
            "raj-gm",
            "Morning Raj, appreciate you having me along. How do you know a store is doing well?",
            "success",
        ),
        ("maria-cfo", "Hi Maria! Good to see you. What does the board judge you on?", "measures"),
        # the question picks up what her opening said ("the launch channel is on fire"): her world
        ("sofia-cmo", "Hi Sofia, thanks for making the time. What's the launch looking like?", None),
        # the hello and the question in one sentence, typed without an apostrophe or a "?"
        ("tom-claims", "hey tom, whats been the hardest part of this year for claims", "objectives"),
        ("maria-cfo", "morning maria, who are you losing loads to these days", "competitors"),
        # "how are you" that goes on to ask something else is no hello
        ("dev-coo", "How are you measured, week to week?", "measures"),
    ],
)
def test_a_question_after_a_hello_is_answered_not_only_greeted(persona, line, topic):
    _assert_answered(persona, line, topic)


def _assert_answered(persona: str, line: str, topic: str | None) -> None:
    """Her first reply answers the line (about the dimension ``topic``, or any part of her world if None)."""
    e, last = _engine(load_persona(persona))
    d = _say(e, line, last)
    assert d.move in (Move.REVEAL, Move.GUARDED, Move.SHORT_ANSWER) and (topic is None or d.topic == topic), (
        d.move,
        d.topic,
    )


def test_a_hello_followed_by_a_remark_that_asks_nothing_is_still_a_hello():
    e, last = _engine(DEV)
    d = _say(
        e,
        "Hi Dev, thanks for the time. I know you'd rather be out on the floor than stuck in here.",
        last,
    )
    assert d.move == Move.GREETED and not d.facts_now


@pytest.mark.parametrize(
    "line",
    [
        "Thanks, this was really useful.",
        "Thank you, Maria; that is very clear.",
        "thx!",
        "that's great, thank you Maria",  # the thanks at the end of the line
    ],
)
def test_thanks_later_on_is_taken_as_thanks_not_as_a_question_or_a_follow_up(line):
    e, last = _engine()
    for q in ["Who do you compete with these days?", "Why is that?", "What does a good year look like?"]:
        last = _say(e, q, last).line
    d = _say(e, line, last)
    assert d.move == Move.THANKED and not d.facts_now


def test_small_talk_about_a_match_never_releases_a_hidden_fact():
    e, last = _engine(load_persona("raj-gm"), "easy")
    for line in [
        "Tough game for the home side last night, eh?",
        "How was the drive in?",
        "Nice weather for it.",
    ]:
        d = _say(e, line, last)
        last = d.line
        assert not d.facts_now, (line, d.move)


@pytest.mark.parametrize(
    "persona, line, topic",
    [
        ("helen-ceo", "I'd love to get a feel for who your members really are these days.", "customers"),
        # said as an order or as a wondering, it still asks her to talk
        (
            "sofia-cmo",
            "Give me the short version of why people pick Lumen over the drugstore stuff.",
            "product",
        ),
        ("angela-cno", "Remind me what the nursing dashboard tracks and who looks at it.", "measures"),
        ("tom-claims", "Alright Tom, give me the whole picture, and feel free to skip the PowerPoint.", None),
        ("dev-coo", "fill me in on what went wrong with the scheduling system", "history"),
        (
            "angela-cno",
            "I was wondering whether the patient population has changed much in recent years.",
            "customers",
        ),
        # an order after a string of her facts, which the scorer hears as a say-back
        (
            "tom-claims",
            "Six hundred adjusters, one call centre, a storm season coming - give me the whole picture as you see it.",
            None,
        ),
        (
            "helen-ceo",
            "lowkey curious if the fintech apps are actually stealing members or is that just hype",
            None,
        ),
        (
            "sofia-cmo",
            "Would you be prepared to provide a broad overview of your current responsibilities and the matters "
            "presently occupying your attention?",
            None,
        ),
        # a question that names a technology in passing, or asks what she would want, is no pitch
        (
            "tom-claims",
            "I've read the post-mortem on the claims platform: eighteen months late, forty percent over budget. "
            "What was it actually like on your side while all that was going on?",
            "history",
        ),
        (
            "marcus-vp-sales",
            "Reps spend what, 30% of their week on admin? What would you want us to automate first?",
            "needs",
        ),
    ],
)
def test_a_question_said_as_a_statement_is_answered(persona, line, topic):
    _assert_answered(persona, line, topic)


def test_a_preamble_that_mentions_money_does_not_route_a_question_about_customers_to_the_money():
    e, last = _engine()
    d = _say(
        e,
        "I know cost is always on the table, but what I actually want to understand is who your shippers are.",
        last,
    )
    assert d.move != Move.REACT_CORRECTION and d.topic == "customers"


def test_describing_what_she_has_not_told_yet_gets_a_natural_reaction_and_no_confirmation():
    e, last = _engine()
    d = _say(e, "So your margin has dropped from eighteen to thirteen percent.", last)
    assert d.move == Move.AHEAD_OF_ME and not d.facts_now and "13" not in d.line


def test_a_reflection_in_the_leaders_own_words_counts_as_understood():
    e, last = _engine()
    d = _say(e, "Who are the customers that really matter to you?", last)
    assert d.facts_now[0].id == "customers-1"
    r = _say(
        e,
        "So the manufacturers on steady routes stick with you because the truck shows up, not on price.",
        d.line,
    )
    assert "customers-1" in r.state["understood"]


@pytest.mark.parametrize(
    "followup",
    [
        "Eight to ten percent under you on spot - how are they able to do that?",
        "the app brokers, where are they winning the most, which lanes?",
        "Venture money behind them; how long do you think they can keep that up?",
    ],
)
def test_a_follow_up_that_opens_with_her_own_words_is_answered_not_taken_as_a_say_back(followup):
    e, last = _engine()
    d = _say(e, "Who's giving you the most trouble out there?", last)
    assert d.facts_now and d.facts_now[0].id == "competitors-1"
    f = _say(e, followup, d.line)
    assert f.move in (Move.DEEPEN, Move.REPEAT) and f.topic == "competitors", (f.move, f.line)  # answered


def test_a_say_back_with_a_rising_tone_is_still_a_say_back():
    e, last = _engine()
    d = _say(e, "Who's giving you the most trouble out there?", last)
    r = _say(e, "So it's the app-based brokers undercutting you on spot loads, not the big carriers?", d.line)
    assert r.move == Move.AFFIRM and "competitors-1" in r.state["understood"]


@pytest.mark.parametrize(
    "line",
    [
        "Could I sit with two of your analysts for a morning next week?",
        "Can I bring you a one-page readout on the cloud bill before the board meets?",
        "Would you let me shadow your month-end close in March?",
    ],
)
def test_a_request_phrased_as_a_question_is_an_ask_not_a_question_about_her_world(line):
    e, last = _engine()
    d = _say(e, line, last)
    assert d.move == Move.REACT_PITCH, (d.move, d.line)  # asked for something before she felt understood
    # ... and she says "not yet" to the request: she does not take it for a sales pitch
    assert d.line in MARIA.lines("ask_early") and d.line not in MARIA.lines("pitch"), d.line


@pytest.mark.parametrize("persona", list_personas(), ids=lambda p: p.id)
def test_an_early_request_and_a_pitch_get_different_reactions(persona):
    """ "Could I spend a day with your team next week?" before she feels understood costs what a pitch costs,
    but she answers the request ("not yet"), not a sales pitch nobody made."""
    e, last = _engine(persona)
    d = _say(e, "Could I spend a day with your team next week?", last)
    assert d.move == Move.REACT_PITCH and d.line in persona.lines("ask_early"), (d.move, d.line)
    e, last = _engine(persona)
    p = _say(e, "We should move you onto one platform, it would fix all of this.", last)
    assert p.move == Move.REACT_PITCH and p.line in persona.lines("pitch"), (p.move, p.line)


def test_asking_what_she_would_have_done_differently_is_a_question_not_a_request():
    e, last = _engine(load_persona("raj-gm"), "easy")
    d = _say(e, "What did the last tech rollout do to the stores?", last)
    assert d.topic == "history" and d.facts_now, (d.move, d.line)
    f = _say(e, "ouch. what would you have done differently?", d.line)
    assert f.move in (Move.DEEPEN, Move.REVEAL, Move.REPEAT) and f.topic == "history", (
        f.move,
        f.topic,
        f.line,
    )
    assert not f.state["asks"]


def test_a_request_that_names_what_she_told_is_an_ask_not_a_say_back():
    e, last = _engine(ANGELA)
    d = _say(e, "What would make your nurses' day easier?", last)
    assert d.facts_now
    f = _say(e, "can i shadow a charge nurse for a whole shift in the next couple of weeks", d.line)
    # an ask (here, one that offers what she said she needs), not a say-back
    asks = (Move.ACKNOWLEDGE_ASK, Move.REACT_PITCH, Move.TOO_MANY_ASKS, Move.RECEPTIVE, Move.OFFER_TAKEN)
    assert f.move in asks, (
        f.move,
        f.line,
    )


def test_a_question_about_what_we_could_do_together_is_answered_not_taken_as_a_pitch():
    e, last = _engine(DEV)
    d = _say(e, "What would actually help your team from the technology side?", last)
    assert d.facts_now and d.facts_now[0].id == "needs-1"
    trust = e.state.trust
    f = _say(e, "And what's a good first thing we could do together?", d.line)
    assert f.move != Move.REACT_PITCH and e.state.trust >= trust, (f.move, f.line)
    p = _say(e, "We could put sensors on every line and a dashboard on your desk.", f.line)
    assert p.move == Move.REACT_PITCH  # the same words, said as a plan, are a pitch


def test_a_say_back_she_agreed_with_describes_the_fact_again_in_a_summary():
    fact = MARIA.fact("customers-1")
    line = "So the folks on those regular runs stay because you turn up, every time."
    summary = "Let me check I have it. Your margin is being squeezed. " + line
    assert described(MARIA, [fact], summary) == []  # too far from the card's words on its own
    assert described(MARIA, [fact], summary, accepted={fact.id: [line]}) == [fact.id]
    assert (
        described(MARIA, [fact], "Let me check. Your margin is being squeezed.", accepted={fact.id: [line]})
        == []
    )


@pytest.mark.parametrize(
    "say_back",
    [
        "So saving a few dollars a load means nothing to them if their line stops.",
        "a stopped line is what they really fear then",
    ],
)
def test_saying_back_the_more_she_just_told_counts_as_understanding_the_fact(say_back):
    e, last = _engine()
    d = _say(e, "Who are the customers that really matter to you?", last)
    why = _say(e, "Why is that?", d.line)
    assert why.move == Move.DEEPEN  # her why: a stopped line, not the reveal line's words
    r = _say(e, say_back, why.line)
    assert r.move == Move.AFFIRM and "customers-1" in r.state["understood"], (r.move, r.line)


@pytest.mark.parametrize(
    ("followup", "answer_mentions"),
    [
        ("And the frail ones, how do they cope with that long on a trolley?", "trolley"),
        ("Which medications make those patients so much work?", "medications"),
    ],
)
def test_a_specific_follow_up_draws_the_part_of_the_fact_it_asks_about(followup, answer_mentions):
    e, last = _engine(ANGELA)
    d = _say(e, "Who are the patients you're mostly dealing with these days?", last)
    assert d.facts_now and d.facts_now[0].id == "customers-1"
    f = _say(e, followup, d.line)
    assert f.move == Move.DEEPEN and answer_mentions in f.line, f.line


@pytest.mark.parametrize(
    "question",
    [
        "Sixteen hours is brutal. Has it got worse since the agency spending went up?",
        "Sixteen hours. Is that common on every ward, or mostly in the ICU?",
    ],
)
def test_a_plain_question_about_what_she_said_is_answered_not_taken_as_a_correction(question):
    e, last = _engine(ANGELA)
    for line in ("What would make a great year for you, personally?", "Why do the doubles matter so much?"):
        d = _say(e, line, last)
        last = d.line
    trust = e.state.trust
    r = _say(e, question, last)
    assert r.move != Move.REACT_CORRECTION and e.state.trust >= trust, (r.move, r.line)


def test_a_question_that_disputes_what_she_said_is_still_a_correction():
    e, last = _engine(ANGELA)
    d = _say(e, "What would make a great year for you, personally?", last)
    r = _say(e, "Actually, isn't turnover really a pay problem, not a scheduling one?", d.line)
    assert r.move == Move.REACT_CORRECTION, (r.move, r.line)


@pytest.mark.parametrize(
    "persona, line",
    [
        # reuses the words of his hello ("I hear you want to understand claims")
        ("tom-claims", "what went wrong with the old claims system, i only know the gossip"),
        ("angela-cno", "If IT could do one thing and actually get it done, what would you want?"),
    ],
)
def test_before_she_has_told_anything_a_question_is_no_correction(persona, line):
    e, last = _engine(load_persona(persona))
    d = _say(e, line, last)
    assert d.move != Move.REACT_CORRECTION and d.topic, (d.move, d.line)


def test_before_she_has_told_anything_an_outright_contradiction_still_corrects():
    e, last = _engine(ANGELA)
    d = _say(e, "That's not right, you've not been on your feet since six.", last)
    assert d.move == Move.REACT_CORRECTION, (d.move, d.line)


@pytest.mark.parametrize("persona", list_personas(), ids=lambda p: p.id)
def test_hello_or_thanks_is_not_answered_as_if_she_had_been_asked_how_she_is(persona):
    for line in ("hey, appreciate you fitting me in before planning kicks off", "Morning!"):
        e, last = _engine(persona)
        d = _say(e, line, last)
        assert d.move == Move.GREETED and not d.line.rstrip().endswith("?"), d.line
    e, last = _engine(persona)
    assert _say(e, "Hi, how's your week been?", last).move == Move.GREETED


def test_a_general_question_that_leans_on_one_part_draws_that_part_first():
    e, last = _engine()
    line = "Give me the big picture: what would make this year a success for you personally?"
    move = replace(e.read(line, classify(line, last), last), about="general", general=True, areas=())
    leaning = replace(move, leans=("success",))  # as the router reads a general question that leans
    assert [f.id for f in e.step(leaning).facts_now] == ["success-1"]
    e, last = _engine()
    plain = "What keeps you up at night?"
    move = e.read(plain, classify(plain, last), last)
    assert move.about == "general" and not move.leans
    assert [f.id for f in e.step(move).facts_now] == ["competitors-1"]  # no lean: the card's first


def test_a_word_of_praise_before_an_answer_never_repeats_the_answers_own_opening():
    tom = load_persona("tom-claims")
    for seed in range(6):
        e = Engine(tom, "normal", seed=seed)
        e.rules = replace(e.rules, praise=1.0)  # praise every open question
        last = e.opening().line
        d = _say(e, "Who are you up against these days, competition-wise?", last)
        assert d.facts_now and d.line.lower().count("here's the thing") <= 1, d.line


@pytest.mark.parametrize(
    "followup",
    [
        "the line 3 project, did the vendor ever finish it",  # dictated: no question mark
        "eighteen months on that project, was it the sensors or the software in the end",
        "Line 3 and the sensors. Did anyone own it on your side?",
        # after a say-back of what he said, a question of its own (answered, not agreed with)
        "false alarms stopping the line, ouch. did anyone from IT ever come and explain it to you",
    ],
)
def test_a_question_without_its_question_mark_after_her_words_is_answered(followup):
    e, last = _engine(DEV)
    e.state.trust = 0.9
    d = _say(e, "How did the predictive maintenance thing on line 3 go?", last)
    assert d.topic == "history" and d.facts_now
    f = _say(e, followup, d.line)
    assert f.move not in (Move.LISTEN, Move.AFFIRM), (f.move, f.line)
    assert f.topic == "history", (f.move, f.topic, f.line)


def test_a_question_in_other_forms_of_her_words_follows_up_what_she_said_where_the_router_hears_off_world():
    """Marcus wants "integration answers inside a day"; "Who answers the integration questions today?"
    (answers, integration: two of his words, one in another form) asks about what he said, though the
    router alone hears nothing of his world in it."""
    marcus = load_persona("marcus-vp-sales")
    e, last = _engine(marcus)
    e.state.trust = 0.9
    d = _say(e, "What would actually help you from technology?", last)
    assert d.topic == "needs" and "integration" in d.line.lower(), (d.move, d.line)
    f = _say(e, "Who answers the integration questions today?", d.line)
    assert f.topic == "needs" and f.move in (Move.DEEPEN, Move.SAID_ENOUGH), (f.move, f.topic, f.line)


def test_small_talk_that_reuses_her_words_without_asking_stays_small_talk():
    e, last = _engine()
    d = _say(e, "Good morning! How are you?", last)
    f = _say(e, "Coffee sounds great, thanks, mine went cold an hour ago.", d.line)
    assert not f.facts_now and f.move in (Move.GREETED, Move.SMALLTALK, Move.THANKED), (f.move, f.line)


@pytest.mark.parametrize("p_history, about", [(0.995, "history"), (0.9, "followup")])
def test_reusing_her_words_is_a_follow_up_unless_the_line_plainly_asks_about_another_part(p_history, about):
    from coach.counterpart.perceive import _about
    from coach.counterpart.topics import Route

    success = next(f for f in DEV.facts if f.dimension == "success")
    her_line = "Quiet weeks. Safe lines, no recalls, no weekend emergencies."
    line = "How have the lines got on with technology over the years, and the weekend call-outs?"
    rest = (1 - p_history) / 2
    where = Route("history", {"history": p_history, "followup": rest, "success": rest})
    assert _about(where, line, her_line, success, question=True) == about


@pytest.mark.parametrize(
    "line", ["Maria, hi. Good to finally sit down.", "G'day Maria, thanks heaps for fitting me in."]
)
def test_a_hello_after_her_name_is_a_hello(line):
    e, last = _engine()
    assert _say(e, line, last).move in (Move.GREETED, Move.THANKED)


@pytest.mark.parametrize(
    "line", ["Morning shift's a mess again", "Evening shift ok?", "afternoon deliveries late?"]
)
def test_a_time_of_day_in_passing_is_not_a_hello(line):
    e, last = _engine(DEV)
    assert _say(e, line, last).move not in (Move.GREETED, Move.SMALLTALK)


def test_picking_up_her_small_talk_is_small_talk_not_a_say_back_she_disowns():
    e, last = _engine()
    d = _say(e, "Good morning, Maria.", last)
    assert "coffee" in d.line  # her hello offers a coffee, and the leader picks it up
    f = _say(e, "So the coffee's on you today, then.", d.line)
    assert f.move not in (Move.REFLECT_VAGUE, Move.REACT_CORRECTION) and not f.facts_now, (f.move, f.line)


@pytest.mark.parametrize(
    "line, correcting",
    [
        ("every hour in the CRM is an hour lost, so where do the hours actually go?", False),
        ("and who actually answers them at night, your own team?", False),
        ("Actually, is it not the price that loses you the loads?", True),  # "actually" opens the clause
        ("Isn't it true that the hours actually go on the forecast?", True),  # a leading question argues
    ],
)
def test_an_actually_that_stresses_a_question_is_not_a_correction(line, correcting):
    from coach.counterpart.perceive import _is_correction
    from coach.scoring.features import asking_head

    head = asking_head(line)
    assert head is not None
    assert _is_correction(line, "correct", False, False, True, head, told_any=True) is correcting


def test_a_follow_up_that_does_not_ask_why_never_gets_an_answer_that_asks_its_own_why():
    from coach.counterpart.engine import _unprompted

    for persona in list_personas():
        for fact in persona.facts:
            for depth_line in fact.depth_lines():
                said = _unprompted(depth_line, "more")
                assert said and not said.lower().startswith("why "), (persona.id, said)
                assert (
                    _unprompted(depth_line, "why") == depth_line[1]
                )  # asked why, she may say "why X? because"


def test_a_question_that_names_her_company_asks_about_it_not_about_the_topic_in_play():
    e, last = _engine(load_persona("sofia-cmo"))
    d = _say(e, "Who are your customers, really?", last)
    assert d.topic == "customers"
    f = _say(e, "what makes Lumen stand out, though?", d.line)
    assert f.topic == "product", (f.move, f.topic, f.line)


@pytest.mark.parametrize("persona", list_personas(), ids=lambda p: p.id)
def test_a_closed_what_or_which_of_two_question_gets_a_brief_answer_not_a_yes_or_no(persona):
    from coach.counterpart.scripted import label

    for line, kind in [
        ("This year, what must you deliver?", "closed_fact"),
        ("When is the big deadline this year?", "closed_fact"),
        ("Is this year about delivering something big?", "closed_question"),
        ("every time, or just sometimes?", "closed_fact"),  # a choice of two: no yes or no answers it
        ("hmm. is it the money or the hours?", "closed_fact"),
        ("Is this year about delivering something big, or not?", "closed_question"),
        ("Is this year about delivering something big or what?", "closed_question"),
    ]:
        e, last = _engine(persona, "hard")  # on hard a closed question never reveals
        e.state.trust = 1.0  # nothing held back for want of trust: the question's form decides
        d = e.respond(line, label("question_closed"), last)
        assert d.move == Move.SHORT_ANSWER and d.line in persona.lines(kind), (line, d.move, d.line)


@pytest.mark.parametrize("persona", ["dev-coo", "maria-cfo"])
def test_a_long_how_are_you_doing_question_about_her_world_is_answered_not_greeted(persona):
    e, last = _engine(load_persona(persona))
    d = _say(e, "How are you doing against the plan overall?", last)
    assert d.move in (Move.REVEAL, Move.GUARDED), (d.move, d.line)


@pytest.mark.parametrize(
    "persona, line, about",
    [
        ("dev-coo", "How did the evening shift go?", "general"),  # shifts: his card's own world
        ("dev-coo", "Night shift ok?", "general"),
        ("dev-coo", "How did the match go?", "off_world"),
        ("tom-claims", "how long's the drive out to this one?", "off_world"),  # a driveway in a story only
        ("tom-claims", "Are you a Leafs fan, or one of the sane ones?", "off_world"),  # "one": all cards
    ],
)
def test_going_on_about_something_with_nothing_in_play_asks_about_her_world_only_if_it_names_it(
    persona, line, about
):
    """With no topic in play, a line the router hears as going on about something ("How did the evening
    shift go?") asks about her world when it names what her card talks about; otherwise it is what the
    router heard next (the match, the drive in)."""
    from coach.counterpart.perceive import _about
    from coach.counterpart.topics import Route

    where = Route("followup", {"followup": 0.59, "off_world": 0.26, "history": 0.15})
    assert _about(where, line, "", None, True, False, load_persona(persona)) == about


def test_how_did_the_shift_go_as_a_first_question_is_answered_not_deflected():
    e, last = _engine(DEV)
    d = _say(e, "How did the evening shift go?", last)
    assert d.move in (Move.REVEAL, Move.GUARDED, Move.SHORT_ANSWER) and "not really my world" not in d.line, (
        d.move,
        d.line,
    )


@pytest.mark.parametrize(
    "ask, taken",
    [
        ("Could I shadow a night shift next week?", True),  # what she said she needs
        ("Could I follow one of your nurses for a whole shift before we design anything?", True),
        ("Could we get two nurses for a pilot next month?", False),  # names her nurses, offers nothing
        ("Could you sponsor the new scheduling system?", False),
    ],
)
def test_offering_what_she_said_she_needs_is_taken_up_not_treated_as_an_early_ask(ask, taken):
    e, last = _engine(ANGELA)
    e.state.trust = 0.9  # past the needs fact's gate
    d = _say(e, "What would actually help your nurses from technology?", last)
    assert d.topic == "needs" and d.facts_now, (d.move, d.line)
    trust = e.state.trust
    f = _say(e, ask, d.line)
    if taken:
        assert f.move == Move.OFFER_TAKEN and e.state.trust >= trust, (f.move, f.line)
    else:
        assert f.move == Move.REACT_PITCH and e.state.trust < trust, (f.move, f.line)


@pytest.mark.parametrize(
    "followup",
    [
        "And they win more on price or on speed?",
        "And the smaller shippers, they feel the same?",
        "And that's getting worse, not better?",
    ],
)
def test_a_question_in_statement_word_order_about_the_topic_in_play_is_answered_not_taken_as_a_say_back(
    followup,
):
    e, last = _engine()
    e.state.trust = 0.9
    d = _say(e, "Who's giving you the most trouble out there, competition-wise?", last)
    assert d.topic == "competitors" and d.facts_now, (d.move, d.line)
    f = _say(e, followup, d.line)
    assert f.move in (Move.DEEPEN, Move.SAID_ENOUGH, Move.SHORT_ANSWER), (f.move, f.line)
    assert f.topic == "competitors", (f.move, f.topic, f.line)


def test_a_say_back_that_ends_in_a_question_mark_is_still_a_say_back():
    e, last = _engine()
    e.state.trust = 0.9
    d = _say(e, "Who's giving you the most trouble out there, competition-wise?", last)
    fact = d.facts_now[0]
    f = _say(e, f"So {fact.paraphrase}?", d.line)
    assert fact.id in f.state["understood"], (f.move, f.line)


@pytest.mark.parametrize(
    "persona, line, move",
    [
        ("tom-claims", "can we keep this to 30 mins, I have a hard stop", Move.LOGISTICS),
        ("maria-cfo", "Can we move meeting to Thursday? I have conflict on Wednesday.", Move.LOGISTICS),
        (
            "helen-ceo",
            "Helen, shall we keep this meeting for thirty minutes or you need more time today?",
            Move.LOGISTICS,
        ),
        ("raj-gm", "how long have we got?", Move.LOGISTICS),
        # the same words about her world, or a request of the leader's, are not the arrangements
        ("raj-gm", "how long do you have to turn a store around?", None),
        ("dev-coo", "Could we book half an hour next week to walk the plant?", None),
    ],
)
def test_the_arrangements_of_the_meeting_are_settled_not_taken_as_a_pitch(persona, line, move):
    e, last = _engine(load_persona(persona))
    d = _say(e, line, last)
    if move is None:
        assert d.move != Move.LOGISTICS, d.line
    else:
        assert d.move == move and not d.facts_now and "pitch" not in d.line.lower(), (d.move, d.line)
        assert not d.state["asks"]  # moving the meeting is no concrete ask: the scorecard must not count it


def _told_history():
    e, last = _engine(load_persona("tom-claims"), "easy")
    d = _say(e, "what went wrong with the old claims system?", last)
    assert d.move == Move.REVEAL and d.topic == "history"
    return e, d.line


@pytest.mark.parametrize(
    "line",
    [
        # marked as a say-back, wrong about what she said: not answered as a new question about the topic
        "so if I'm hearing you right, the system got built for head office and your adjusters paid for it",
        "so the project was built for head office, not the field, and your adjusters paid the price. fair?",
    ],
)
def test_a_say_back_of_what_she_never_said_is_not_taken_as_a_question(line):
    e, last = _told_history()
    d = _say(e, line, last)
    assert d.move not in (Move.REPEAT, Move.REVEAL, Move.DEEPEN) and not d.facts_now, (d.move, d.line)


def test_the_check_that_closes_a_say_back_is_not_a_fact_of_hers():
    # "fair?" asks whether the say-back is right; her "fair" (what success means to Tom) was not said back
    e, last = _engine(load_persona("tom-claims"), "easy")
    last = _say(e, "what does a good year look like for you?", last).line
    last = _say(e, "what went wrong with the old claims system?", last).line
    d = _say(e, "so the fraud tool flagged loyal customers and you switched it off. fair?", last)
    assert d.state["revealed"] == ["success-1", "history-1"], d.state["revealed"]
    assert "success-1" not in (d.perceived.covered if d.perceived else ()), d.perceived


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize(
    "lines",
    [
        ["What's your side of the history with IT?", "how did the nurses take that", "and then what?"],
        # her objectives have one guarded line of their own: asked again, she keeps them back in other words
        ["What do you have to deliver this year?", "every shift or just sometimes?", "Why is that?"],
    ],
    ids=["history", "one-own-line"],
)
def test_she_never_says_the_same_line_twice_in_a_row_when_she_has_another(seed, lines):
    e = Engine(load_persona("angela-cno"), "normal", seed=seed)
    last = e.opening().line
    said = []
    for line in lines:
        d = _say(e, line, last)
        assert d.move == Move.GUARDED, (line, d.move)
        said.append(d.line)
        last = d.line
    assert all(a != b for a, b in zip(said, said[1:], strict=False)), said


@pytest.mark.parametrize(
    "first, follow",
    [
        (
            "For the FY plan, what are the three or four commitments you'll be signing up to?",
            "Which one has the least slack?",
        ),
        ("Is this year mostly about the planning cycle?", "what happens if it slips"),
    ],
)
def test_a_follow_up_after_a_short_answer_stays_on_what_she_answered_briefly(first, follow):
    """A closed question gets a short answer about one part of her world; the follow-up ("which one has the
    least slack?") is about that part, not a new topic the router reads into its words ("which one")."""
    e, last = _engine(MARIA, "hard")  # on hard a closed question never reveals: a short answer
    e.state.trust = 1.0
    d = _say(e, first, last)
    assert d.move == Move.SHORT_ANSWER and d.topic == "objectives", (d.move, d.topic)
    f = _say(e, follow, d.line)
    assert f.topic == "objectives" and f.move in (Move.REVEAL, Move.GUARDED), (f.move, f.topic, f.line)


@pytest.mark.parametrize(
    "follow, said",
    [
        # asked "why", but about why people still come: the line that answers those words, of another kind
        ("Why do people still come to you then?", "they come back when it matters"),
        # asked "why" about what the why line answers
        ("why are they so much cheaper?", "buying power"),
    ],
)
def test_a_specific_follow_up_gets_the_line_that_answers_its_words(follow, said):
    e, last = _engine(load_persona("raj-gm"))
    d = _say(e, "Ok. And who are your competitors - the big box guys?", last)
    assert d.topic == "competitors" and d.facts_now
    f = _say(e, follow, d.line)
    assert f.move == Move.DEEPEN and said in f.line, (f.move, f.line)


def test_a_summary_of_several_points_that_gets_one_right_is_answered_as_a_partial_summary():
    """ "So if I play it back: A, B and C. Right?" with only A hers is no "yes, that's how it is" (which a
    reflection of A alone earns): she says what is still missing."""
    e, last = _engine(load_persona("helen-ceo"))
    e.state.trust = 0.6  # she will tell her history
    for q in ["who are your members these days?", "What happened last time IT tried something big here?"]:
        last = _say(e, q, last).line
    assert "history-1" in e.state.revealed
    d = _say(
        e,
        "So if I play it back: the core system conversion was a weekend outage, you want more branches open on "
        "Saturdays, and the new app should come first. Right?",
        last,
    )
    assert d.move == Move.PARTIAL_SUMMARY and "history-1" in d.state["understood"], (d.move, d.line)


def _told_raj_history():
    e, last = _engine(load_persona("raj-gm"), "easy")
    d = _say(e, "What did the last tech rollout do to the stores?", last)
    assert d.topic == "history" and d.facts_now, (d.move, d.line)
    return e, d.line


@pytest.mark.parametrize(
    "line, correcting",
    [
        # a say-back that asks to be put right, or feels for her, or names "the real problem" as hers
        ("correct me if I'm wrong but the stores didn't fail to adopt, the devices failed the stores", False),
        ("I might be wrong, but the handhelds died by lunch and your people went back to paper.", False),
        ("so the real problem was the batteries dying by lunch, not your people", False),
        ("Batteries dead by lunch and then they blame the stores, that is not fair at all.", False),
        # contradicting her is still correcting, hedged or not
        ("That's not fair, the handhelds worked fine in the pilot.", True),
        ("The real problem is that your managers never trained anyone.", True),
        ("Correct me if I'm wrong, but actually the stores just didn't want them.", True),
        ("That's not what happened, the stores refused to use them.", True),
    ],
)
def test_a_hedged_or_feeling_say_back_is_no_correction_and_a_contradiction_still_is(line, correcting):
    e, last = _told_raj_history()
    d = _say(e, line, last)
    assert (d.perceived.act is Act.CORRECTION) is correcting, (d.move, d.perceived.act, d.line)
