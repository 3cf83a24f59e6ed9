"""Perception: what did the leader do with this line? One typed reading, before any decision.

``perceive`` reads a leader line in context (the classifier's label, the counterpart's last line, the
topic in play, the facts told so far, the card) into a :class:`LeaderMove`: the act (a question, a
reflection, a summary, an ask, a pitch, a correction, a greeting, thanks, small talk, an attempt to break
the role...), the asks and pitch it contains, what it is about (a dimension of their world, a follow-up on
the topic in play, their world in general, or nothing of theirs: coach.counterpart.topics, read by
meaning), and, for a say-back, which told facts it describes accurately, which it misreads (a denied or
passing mention is not a misreading) and which untold ones it already knows. The engine (coach.counterpart.engine) decides only from this reading; the scorecard and the
debrief read the same reading from each stored turn, so no surface can count an ask the others missed.

Perception holds no state of its own: the same line, label and told facts always read the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coach.counterpart.cards import Fact, Persona
from coach.counterpart.facts import CLAUSE, covers, misread, touches
from coach.counterpart.meaning import closeness, closest_told, described, names_her_world, picks_up
from coach.counterpart.topics import FOLLOWUP, GENERAL, OFF_WORLD, Route, route
from coach.cues import asks as find_asks
from coach.cues import cue, pitches
from coach.scoring.behaviours import Labelled
from coach.scoring.features import CLAUSE_BREAK, asking_head, disputes
from coach.text import Text, content_words, has, sentences, words
from coach.vocab import LABEL_OF_ACT, Act, Dimension

SUMMARY_FACTS = 3  # a reflection that describes this many facts at once is a summary, stem or not
POINT_WORDS = 3  # a clause of a say-back with this many words makes a point of its own
CHECK_WORDS = 6  # "What am I missing?", "Did I miss anything?": the check that closes a say-back
SHORT_ACK_STEMS = 8  # "I see, that makes sense": an acknowledgement this short carries no content
# With a topic in play, "follow-up" wins when it is the router's best reading. (It won at half the best reading
# while the router read meaning alone; its spelling reader, which hears a short "how come?" plainly, made that
# too eager: dev-conversation misses 191 at 1.0 against 199 at 0.5, follow-ups 64 vs 57, new topics fewer.)
FOLLOWUP_SHARE = 1.0
OFFER_SIMILAR = 0.4  # a request this close in meaning to a need she told (and naming it) offers to meet it
ECHO_SHARE = 0.2  # ... and when the line picks up a word they just said, unless five times as likely
STRONG_ECHO = 2  # a line that picks up this many of their words is about what they just said
ELSEWHERE = 0.99  # ... unless the router is all but certain it asks about another part of their world
HOW_ARE_YOU_WORDS = 5  # "how's your week been", "how are things with you"
SHORT_PROMPT_WORDS = 8  # "tell me more", "go on": a follow-up said as a statement
LEANS = 0.2  # a general question leans towards a part of their world the router gives at least this much
SURE = 0.6  # the router's probability above which a statement about their world is taken as a question
DEPTH_KINDS = ("why", "cost", "example", "feeling")


@dataclass(frozen=True)
class LeaderMove:
    """What the leader did with one line."""

    text: str
    act: Act
    label: str  # the behaviour classifier's label for the line
    confidence: float
    question: bool  # the line asks something (label, question mark or an open stem)
    open: bool  # an open question, by label or shape
    asks: tuple[str, ...] = ()  # the sentences that make a concrete request
    pitch: bool = False  # it sells a solution or tells them what to do
    leader_centric: bool = False  # it is about the leader or their team
    humble: bool = False  # it admits what the leader does not know and asks to learn
    about: str = ""  # a dimension, "followup", "general" or "off_world" (coach.counterpart.topics)
    areas: tuple[str, ...] = ()  # the dimensions it asks about, strongest first (when about a dimension)
    general: bool = False  # an open invitation about their world as a whole
    depth: str = "more"  # what a follow-up asks for more of: why, cost, example, feeling or more
    covered: tuple[str, ...] = ()  # told facts it describes back accurately
    misread: tuple[tuple[str, str], ...] = ()  # (fact id, the misreading phrase)
    touched: tuple[str, ...] = ()  # told facts whose area it is about
    ahead: tuple[str, ...] = ()  # untold facts it already describes
    offers: tuple[str, ...] = ()  # told needs its request offers to meet ("could I shadow a shift?")
    how_are_you: bool = False  # asks how they are ("how's your week been?"), not only hello or thanks
    logistics: bool = False  # small talk about this meeting itself: its length, a hard stop, moving it
    yes_no: bool = True  # a question that a yes or a no answers (not "what...", "which...", "when...")
    leans: tuple[str, ...] = ()  # for a question about their world in general: the parts it leans towards

    @property
    def is_correction(self) -> bool:
        return self.act is Act.CORRECTION

    @property
    def counted_label(self) -> str:
        """The behaviour label every surface shows and counts: the scorer's, unless perception read the line
        the other way on correcting (a plain question the scorer called correcting counts as the question
        it is; a line that contradicts her outright counts as correcting whatever the scorer said)."""
        return counted_label(self.label, self.act)

    @property
    def is_pitch(self) -> bool:
        return self.act in (Act.PITCH, Act.ASK) or (self.pitch and self.act is Act.INFORM)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("text")
        out["act"] = self.act.value
        out["asks"] = list(self.asks)
        out["misread"] = [list(m) for m in self.misread]
        for key in ("areas", "covered", "touched", "ahead", "offers", "leans"):
            out[key] = list(out[key])
        return out

    @classmethod
    def from_dict(cls, text: str, data: dict[str, Any]) -> LeaderMove:
        """The reading stored with a turn (coach.rehearsal); a malformed one raises ValueError."""
        return cls(
            text=text,
            act=Act(data["act"]),
            label=str(data["label"]),
            confidence=float(data["confidence"]),
            question=bool(data["question"]),
            open=bool(data["open"]),
            asks=tuple(str(a) for a in data.get("asks", ())),
            pitch=bool(data.get("pitch", False)),
            leader_centric=bool(data.get("leader_centric", False)),
            humble=bool(data.get("humble", False)),
            about=str(data.get("about", "")),
            areas=tuple(str(a) for a in data.get("areas", ())),
            general=bool(data.get("general", False)),
            depth=str(data.get("depth", "more")),
            covered=tuple(str(a) for a in data.get("covered", ())),
            misread=tuple((str(f), str(p)) for f, p in data.get("misread", ())),
            touched=tuple(str(a) for a in data.get("touched", ())),
            ahead=tuple(str(a) for a in data.get("ahead", ())),
            offers=tuple(str(a) for a in data.get("offers", ())),
            how_are_you=bool(data.get("how_are_you", False)),
            logistics=bool(data.get("logistics", False)),
            leans=tuple(str(a) for a in data.get("leans", ())),
        )


def perceive(
    text: str,
    labelled: Labelled,
    persona: Persona,
    told: Sequence[Fact],
    context: str = "",
    in_play: Fact | None = None,
    accepted: Mapping[str, Sequence[str]] | None = None,
) -> LeaderMove:
    """Read one leader line. ``labelled`` is the classifier's view, ``told`` the facts revealed so far,
    ``context`` the counterpart's last line, ``in_play`` the fact the conversation is on and ``accepted``
    the leader's say-backs she has agreed with, per fact (coach.counterpart.meaning.described)."""
    t = Text.of(text or "")
    raw = t.raw.strip()
    label = labelled.label
    parts = sentences(raw)
    asked = [p for p in parts if p.endswith("?")] or parts[-1:]  # the part that asks
    open_stem = any(
        cue("open_stem").search(p) or cue("polite_open").search(p) or cue("so_question").search(p)
        for p in asked
    )
    # the clause that asks, in the form of a question (None: not in that form), after any hello that opens
    # the line ("hey tom, whats been the hardest part of this year")
    after_hello = _without_hello(raw)  # read once: what the line asks, for the asking clause and the router
    head = asking_head(raw) or (asking_head(after_hello) if after_hello != raw else None)
    wh = _asks_wh(head)  # ... and it opens with a question word
    marked = any(p.endswith("?") for p in parts)  # a sentence ends in "?" ("Is true...? I hear this.")
    question = label in ("question_open", "question_closed") or marked or open_stem or bool(head)
    open_q = label == "question_open" or open_stem
    leader_centric = bool(cue("leader_centric").search(raw))
    unchecked, checks = _CHECK_TAG.subn("", raw)
    said = Text.of(unchecked) if checks else t  # what it says, less the closing "fair?"
    said_back = {f.id: (covers(f, said), misread(f, said)) for f in told}  # each told fact read once
    misreads = [(f, p) for f in told if (p := said_back[f.id][1])]
    if misreads and len(told) > 1:  # a misreading phrase counts against the fact its clause is about
        misreads = [(f, p) for f, p in misreads if closest_told(list(told), _clause_with(raw, p)) == f.id]
    misreads.sort(key=lambda fp: (fp[0].id not in persona.core, list(told).index(fp[0])))
    covered = [f for f in told if said_back[f.id][0] and all(f is not m for m, _ in misreads)]
    if told and (
        label in ("reflect", "inform") or cue("summary").search(raw) or cue("reflect_stem").search(raw)
    ):
        rest = [f for f in told if f not in covered and all(f is not m for m, _ in misreads)]
        by_meaning = set(
            described(persona, rest, said.raw, in_play, accepted, context)
        )  # said back in their own words
        covered += [f for f in rest if f.id in by_meaning]
    else:
        by_meaning = set()
    # an accurate say-back in the card's words is no correction; meaning alone does not clear one ("Actually,
    # the brokers aren't the problem" is close in meaning to what she said, and contradicts it)
    accurate = any(hit and not wrong for hit, wrong in said_back.values())
    touched = [f for f in told if touches(f, said)]
    told_ids = {f.id for f in told}
    # describing her world before she has told it ("ahead of me"), in the sentences that do not pitch: "We
    # should move you onto one platform" proposes, it does not describe the bundlers Marcus loses to
    unpitched = Text.of(" ".join(p for p in sentences(said.raw) if not pitches(p)))
    ahead = [
        f
        for f in persona.facts
        if f.id not in told_ids and covers(f, unpitched) and not misread(f, unpitched)
    ]
    where = route(_focus(after_hello), persona)
    about = _about(where, raw, context, in_play, question, _names_company(raw, persona), persona)
    asks = tuple(find_asks(raw))
    pitch = pitches(raw)
    words_n = len(raw.split())
    thanks = bool(cue("thanks").search(raw))
    short_prompt = words_n <= SHORT_PROMPT_WORDS and label in ("other", "inform")
    if (
        about == FOLLOWUP
        and not question
        and short_prompt
        and not thanks
        and not cue("acknowledge").search(raw)
    ):
        question = open_q = True  # "tell me more", "go on then": a follow-up said as a statement
    says_back = bool(covered or misreads or ahead)
    invited = False  # a question said as a statement: it is answered, not taken as a say-back
    if not question and about != OFF_WORLD and not says_back and not asks and not pitch:
        # "I'd love to hear who your members are", "I reckon a fintech or two is circling your younger
        # members": a question said as a statement, about their world, that describes nothing they said
        if cue("invitation").search(raw) or (_sure(where, about) and cue("second_person").search(raw)):
            question = open_q = invited = True

    def reading(act: Act) -> LeaderMove:
        return LeaderMove(
            text=raw,
            act=act,
            label=label,
            confidence=round(labelled.confidence, 3),
            question=question,
            open=open_q,
            # "can we move this to Thursday?" asks for nothing of hers: no surface counts it an ask
            asks=() if act is Act.SMALL_TALK and logistics else asks,
            pitch=pitch,
            leader_centric=leader_centric,
            humble=open_q and bool(cue("humility").search(raw)),
            about=about,
            areas=where.dimensions if about not in (FOLLOWUP, GENERAL, OFF_WORLD) else (),
            general=about == GENERAL,
            depth=next((k for k in DEPTH_KINDS if cue(f"depth_{k}").search(raw)), "more"),
            covered=tuple(f.id for f in covered),
            misread=tuple((f.id, p) for f, p in misreads),
            touched=tuple(f.id for f in touched),
            ahead=tuple(f.id for f in ahead),
            offers=_offers(told, asks),
            how_are_you=bool(cue("how_are_you").search(raw)),
            logistics=logistics,
            yes_no=not wh and not any(_ALTERNATIVE.search(p) for p in asked),
            leans=tuple(d for d in where.dimensions if where.probs[d] >= LEANS) if about == GENERAL else (),
        )

    # "can we keep this to 30 mins, I have a hard stop": the arrangements of the meeting, not her world and not
    # a request for anything of hers ("could we book half an hour next week to walk the plant?" still asks)
    logistics = (
        bool(cue("logistics").search(raw))
        and not says_back
        and not pitch
        and (about == OFF_WORLD or not _sure(where, about))
    )
    if cue("role_break").search(raw):
        return reading(Act.ROLE_BREAK)
    if _is_correction(raw, label, open_q, accurate, bool(touched) or _echoes(raw, context), head, bool(told)):
        return reading(Act.CORRECTION)
    if logistics:
        return reading(Act.SMALL_TALK)
    # "could I sit in on a night shift next week?": a request, whatever of hers it names
    asking_for = bool(asks) and not (open_stem and not leader_centric)
    if asking_for and not cue("summary").search(raw) and _asks_first(raw, asks):
        return reading(Act.ASK)
    # about their world, nothing they said; a line marked as a say-back ("if I'm hearing you right, ...") is a
    # say-back of hers, however little of it she said
    guess = not touched and not says_back and _sure(where, about) and not cue("summary").search(raw)
    # a say-back that the scorer called telling: close in meaning to something she told, or naming every
    # substance of a fact she has not told yet (describing her world before she has: "ahead of me")
    told_back = label == "inform" and bool(by_meaning or ahead) and not question
    # picking up her small talk ("so the coffee's on you" after her offer of one) says nothing back
    social_echo = about == OFF_WORLD and not touched and not says_back
    # "And the young ones, they think the same?", "And they win more on price or on speed?": a question about
    # the topic in play that says nothing back is a follow-up, whatever its word order (the scorer reads
    # an uninverted question as a reflection)
    asks_on = (
        about == FOLLOWUP and raw.rstrip().endswith("?") and not says_back and not cue("summary").search(raw)
    )
    if (
        not guess
        and not social_echo
        and not asks_on
        and (
            told_back
            or _is_reflection(
                raw, label, bool(touched), (open_stem and raw.endswith("?")) or wh or invited, head
            )
        )
    ):
        n = len(covered) + len(misreads)
        # marked as a summary ("So if I play it back: ...") and making several points, it is one, however few
        # of them match what she said: it is answered as a summary ("that's part of it"), not as a "yes" to
        # the one point it got right
        points = _points(said.raw)
        marked_summary = bool(cue("summary").search(raw))
        summary = n >= SUMMARY_FACTS or (marked_summary and (n >= 2 or points >= SUMMARY_FACTS))
        return reading(Act.SUMMARY if summary else Act.REFLECTION)
    # "could you walk me through..." invites an answer; "could I sit in on..." asks for something
    if asking_for:
        return reading(Act.ASK)
    if pitch and (not question or leader_centric):
        return reading(Act.PITCH)
    if thanks and not question:
        return reading(Act.THANKS)
    # "Hi, how's your week been?": what it asks is how she is, whatever else a week could mean ("how are you
    # doing against the plan overall?" asks about her world: a how-are-you is short)
    asks_how_she_is = (
        about in (OFF_WORLD, GENERAL)
        and bool(head and cue("how_are_you").search(head))
        and len(head.split()) <= HOW_ARE_YOU_WORDS
    )
    # a line that opens with a hello and asks nothing ("Morning!", "G'day Maria, thanks heaps for fitting me
    # in.") is a hello, wherever the router leans among a few weak readings, unless it is sure the line is
    # about her world ("Hi Maria, the margin's down two points" tells her something)
    asks_nothing = not question and not _sure(where, about)
    if (about == OFF_WORLD or asks_how_she_is or asks_nothing) and cue("greeting").search(raw):
        return reading(Act.GREETING)
    if about == OFF_WORLD and cue("small_talk").search(raw):
        return reading(Act.SMALL_TALK)
    if question:
        return reading(Act.OPEN_QUESTION if open_q else Act.CLOSED_QUESTION)
    if cue("small_talk").search(raw) and not cue("acknowledge").search(raw):
        return reading(Act.SMALL_TALK)
    if label == "other" or (cue("acknowledge").search(raw) and len(t.stems) <= SHORT_ACK_STEMS):
        return reading(Act.ACKNOWLEDGE)
    return reading(Act.INFORM)


def _offers(told: Sequence[Fact], asks: Sequence[str]) -> tuple[str, ...]:
    """The told needs (what she wants from technology) that the request offers to meet: it names the need's
    substance and is close to it in meaning ("Could I shadow a night shift next week?" after "Shadow a
    nurse, a whole shift"); a request that only shares a word ("two nurses for a pilot") offers nothing."""
    if not asks:
        return ()
    request = " ".join(asks)
    t = Text.of(request)
    return tuple(
        f.id
        for f in told
        if f.dimension == Dimension.NEEDS.value
        and touches(f, t)
        and float(closeness(request, [f.statement, f.paraphrase, *f.reveal]).max()) >= OFFER_SIMILAR
    )


def _names_company(raw: str, persona: Persona) -> bool:
    """The line names her company by the first word of its name that is a name ("Lumen", "Northwind",
    "Brendan's" of "St. Brendan's Health")."""
    name = [w for w in words(persona.company.lower()) if len(w) >= 4]
    return bool(name) and name[0] in words(raw.lower())


def _asks_first(raw: str, asks: Sequence[str]) -> bool:
    """The request opens the line (its first sentence), rather than following a say-back."""
    return asks[0].strip() == (sentences(raw) or [raw])[0].strip()  # asks keeps the sentences' order


def counted_label(label: str, act: Act) -> str:
    """The scorer's ``label``, unless perception's ``act`` settled correcting the other way."""
    if act is Act.CORRECTION:
        return "correct"
    return LABEL_OF_ACT[act] if label == "correct" else label


def _about(
    where: Route,
    raw: str,
    context: str,
    in_play: Fact | None,
    question: bool = False,
    names_them: bool = False,
    persona: Persona | None = None,
) -> str:
    """The router's reading, in context: a follow-up needs a topic in play; one that picks up the words
    the counterpart just used ("what happened on line 2?") stays with it unless clearly about another part,
    and a question that picks up two of them, even as other forms of the words ("when a demo breaks, what
    goes wrong?" after "demos that don't break"), is about what she said, whatever the router made of it."""
    probs = where.probs
    best = max(probs.values(), default=0.0)
    if in_play is None:
        if question and where.about in (FOLLOWUP, OFF_WORLD) and picks_up(raw, context):
            return GENERAL  # "what's the launch looking like?" after her "the launch channel is on fire"
        new = where.best_new_topic()
        if (
            question
            and where.about == FOLLOWUP
            and new == OFF_WORLD
            and persona is not None
            and names_her_world(raw, persona)
        ):
            # "How did the evening shift go?" with nothing in play reads as going on about something; with
            # no topic to go on with, it asks about the shifts her card talks about: her world in general,
            # not the weekend
            return GENERAL
        return new
    p_follow = probs.get(FOLLOWUP, 0.0)
    # "what does Lumen do that nobody else does?" after her customers: a line that names her company asks about
    # it, wherever the router's next reading points
    next_reading = where.best_new_topic()
    turns_to = next_reading if next_reading not in (GENERAL, OFF_WORLD) else None
    if p_follow >= FOLLOWUP_SHARE * best and not (names_them and turns_to and turns_to != in_play.dimension):
        return FOLLOWUP
    echo = _echoes(raw, context)
    elsewhere = where.about != in_play.dimension and probs.get(where.about, 0.0) >= ELSEWHERE
    if (
        where.about != OFF_WORLD
        and not elsewhere
        and (echo >= STRONG_ECHO or (echo and p_follow >= ECHO_SHARE * best))
    ):
        return FOLLOWUP
    if where.about == OFF_WORLD and question and picks_up(raw, context):
        return FOLLOWUP
    return where.best_new_topic()


_BUT = re.compile(r"\bbut\b", re.I)
FOCUS_WORDS = 4  # the part after "but" is what a line asks, when it has at least this many words
FOCUS_MAX_WORDS = 40  # the router reads at most the last sentences of a line up to this many words


_SOCIAL_LEAD_WORDS = 5  # "Hi Sofia," "Morning all," before the comma: a hello, not what is asked


def _without_hello(raw: str) -> str:
    """The question after the hellos and thank-yous that open a line ("Hi Sofia, thanks for making the time.
    What's the launch looking like?" asks about the launch); the whole line when what follows asks nothing
    ("Hi Dev, thanks for the time. I know you'd rather be out on the floor." is still a hello)."""
    parts = sentences(raw) or [raw]
    n = 0
    # lead: a short hello before a comma in the sentence reached ("hey tom, whats been the hardest...")
    lead, after = False, ""
    while n < len(parts):
        first, sep, after = parts[n].partition(",")
        lead = (
            bool(sep)
            and len(first.split()) <= _SOCIAL_LEAD_WORDS
            and bool(cue("greeting").search(first))
            and not _asks(first)  # "How are you measured, week to week?" is no hello
        )
        if lead and _asks(after) or not (cue("greeting").search(parts[n]) or cue("thanks").search(parts[n])):
            break
        n += 1
    rest = parts[n:]
    if not rest:
        return raw
    if lead and after.strip():
        rest = [after.strip(), *rest[1:]]
    elif n == 0:
        return raw  # no hello opens the line: nothing to read past (and no second look for a question)
    asked = " ".join(rest)
    return asked if _asks(asked) else raw


def _asks(text: str) -> bool:
    return "?" in text or asking_head(text) is not None


def _focus(raw: str) -> str:
    """What the line asks, read from the line past its hellos (_without_hello): after a preamble ("I know
    cost is always on the table, but what I want to understand is who your shippers are"), the part after
    the last "but"; of a long line (a summary, a monologue), its last sentences up to FOCUS_MAX_WORDS (what is asked comes at the end, and the router reads a long line no
    better and more slowly)."""
    parts = _BUT.split(raw)
    tail = parts[-1].strip(" ,.;:-")
    focus = tail if len(parts) > 1 and len(tail.split()) >= FOCUS_WORDS else raw
    if len(focus.split()) <= FOCUS_MAX_WORDS:
        return focus
    kept: list[str] = []
    for sent in reversed(sentences(focus)):
        if kept and len(" ".join([sent, *kept]).split()) > FOCUS_MAX_WORDS:
            break
        kept.insert(0, sent)
    return " ".join(kept)


def _points(raw: str) -> int:
    """How many points a say-back makes: its clauses of POINT_WORDS or more, less its frame (the "so if I
    play it back" that opens it, the short "what am I missing?" that closes it)."""
    body = [p for p in sentences(raw) or [raw] if not (p.endswith("?") and len(p.split()) <= CHECK_WORDS)]
    return sum(
        len(c.split()) >= POINT_WORDS and not cue("summary").search(c) for p in body for c in CLAUSE.split(p)
    )


def _clause_with(raw: str, phrase: str) -> str:
    """The clause of ``raw`` that holds ``phrase`` (clauses as coach.counterpart.facts reads them)."""
    return next((c for c in CLAUSE.split(raw) if c and has(Text.of(c), phrase)), raw)


def _sure(where: Route, about: str) -> bool:
    """The router is confident the line is about their world (a dimension or their world in general)."""
    return about not in (FOLLOWUP, OFF_WORLD) and where.probs.get(about, 0.0) >= SURE


def _echoes(raw: str, context: str) -> int:
    """How many content words (or numbers) of what the counterpart just said the line picks up."""
    if not context:
        return 0
    return len(content_words(raw) & content_words(context))


# "actually" after a word, not opening a clause ("Actually, ..."): it stresses, it does not contradict
_MID_ACTUALLY = re.compile(r"(?<=\w )actually\b", re.I)


def _is_correction(
    raw: str,
    label: str,
    open_q: bool,
    accurate: bool,
    about_their_words: bool,
    head: str | None,
    told_any: bool,
) -> bool:
    """The classifier's label, weighed against the words: an accurate say-back is not a correction, and
    a line that touches nothing they have said has nothing to contradict (unless it says so outright)."""
    if cue("strong_correction").search(raw):
        return True
    # before she has told anything only an outright "that's not right" corrects her: "what happened with the
    # claims project, I only heard rumours" after "I hear you want to understand claims" reuses her hello's
    # words and asks
    if not told_any:
        return False
    weak = bool(cue("weak_correction").search(raw))
    if cue("say_back_hedge").search(raw) and not weak:
        return False  # "correct me if I'm wrong but...": it asks to be put right, it does not put her right
    if label == "correct":
        if open_q and (raw.endswith("?") or cue("invitation").search(raw)):
            return False
        # in the form of a question, asked, not argued: "Sixteen hours is brutal. Has it got worse since...?";
        # an "actually" inside the question only stresses it ("do the apps actually take your members?")
        if head is not None and not disputes(_MID_ACTUALLY.sub("", raw)) and not weak:
            return False
        return weak or (not accurate and about_their_words)
    return weak and label in ("inform", "reflect", "other") and not accurate


def _ends_asking_open(raw: str) -> bool:
    """The line ends in an open question of its own after picking up what they said: "Ridgeway by
    September - where is that today?", "Sixty-two dollars a customer; what has that done to payback?"."""
    last = (sentences(raw) or [raw])[-1]
    if not last.endswith("?"):
        return False
    tail = CLAUSE_BREAK.split(last)[-1]
    return tail != last and bool(cue("open_stem").search(tail) or cue("so_question").search(tail))


ASKS_AFTER_WORDS = 5  # a question after a say-back with this many words asks something ("is that it?" checks)


def _asks_after_saying(raw: str, head: str | None) -> bool:
    """After picking up what they said, the line asks a question of its own, open or closed: "a whole
    day down, ouch. did anyone ever come and explain it to you" is answered, not agreed with."""
    if head is None or len(head.split()) < ASKS_AFTER_WORDS:
        return False
    low = " ".join(words(raw.lower()))
    return not low.startswith(" ".join(words(head))[:20])  # something came before the question


# the one-word check that closes a say-back ("..., fair?", "- is that right?"): it asks whether the say-back is
# right, it says nothing of hers (her "fair" is what success means to Tom)
_CHECK_TAG = re.compile(
    r"(?<=\w)\s*[,.;:\u2014-]+\s*(is that |was that |would that be )?(fair|right|correct|accurate)\??\s*$",
    re.I,
)
_WH = re.compile(r"^(what|how|why|where|when|who|which|whose)\b")
# "every shift or just sometimes?", "is it the money or the hours?": a choice between two, which a yes or a
# no does not answer ("..., or not?" and "or what?" still ask yes or no)
_ALTERNATIVE = re.compile(r"\w\W+or\b(?!\W+(not|no|nah|what|something|anything|so|whatever)\b)[^?]*\?", re.I)


def _asks_wh(head: str | None) -> bool:
    """The clause that asks opens with a question word: "fifteen percent of waste - where's most of it
    coming from?" asks about her words, it does not say them back."""
    return head is not None and bool(_WH.match(head))


def _is_reflection(raw: str, label: str, touches_told: bool, asks_open: bool, head: str | None) -> bool:
    if cue("summary").search(raw):
        return True
    if _ends_asking_open(raw) or _asks_after_saying(raw, head):  # the question is what they answer
        return False
    if label == "reflect":  # unless it is plainly an open question: "why does he read it backwards?"
        return not asks_open  # picks up her words to ask about them, and is answered
    if cue("so_question").search(raw) and raw.endswith("?"):
        return False
    if cue("reflect_stem").search(raw) or cue("say_back_hedge").search(raw):
        return touches_told
    return False
