"""Features of one (utterance, context) pair for the behaviour classifier.

Two parts, concatenated by :func:`feature_matrix`:

* the leader's utterance as frozen MiniLM sees it after layer 3 of 6 (mean-pooled,
  ``MiniLMEncoder.encode_layer3``): against the final sentence vector, on the same cross-validation, it
  labelled better on every set (evals/data/README.md, "Which layer of the encoder") at half the cost; the
  middle layers keep more of a line's form, the last ones more of its topic;
* a small set of lexical cues (question marks, first words, wh-words, contradiction and leading-question
  markers, "you"-stems, reflective stems, overlap with the counterpart's content words, length, style).

The counterpart's turn enters twice. The utterance is encoded a second time after it
(``MiniLMEncoder.encode_pair_layer3``: ``[CLS] context [SEP] utterance [SEP]``, pooled over the utterance's
tokens), and the difference from the utterance read alone is a feature block: what the context changed in
how the line reads. Correcting is relational ("So it's the vendor's fault." reflects a counterpart who
blamed the vendor and contradicts one who blamed IT), and on the writers' rows, split by writer, it lifted
`correct` F1 (evals/data/README.md). The lexical cues add content-word overlap, polarity and whether the
counterpart asked something. (Embedding the context on its own, measured earlier, did not help: the
utterance never attended to it.)
The lexical cues are named (:data:`CUE_NAMES`) so the evidence shown to the user can cite them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from coach.cues import cue
from coach.text import STOPWORDS, clean, sentences, words

# How much of the utterance the embedding sees: long monologues add latency but little signal.
UTTERANCE_CHARS = 1000
# Lexical features read at most this much (a 50,000-character paste must stay fast).
LEXICAL_CHARS = 4000
# The end of the counterpart's turn the in-context encoding sees (ample for its last 64 tokens).
CONTEXT_CHARS = 1000

WH = ("what", "how", "why", "where", "when", "who", "which", "whom", "whose")
AUX = (
    "is",
    "are",
    "was",
    "were",
    "do",
    "does",
    "did",
    "can",
    "could",
    "would",
    "will",
    "have",
    "has",
    "had",
    "should",
    "shall",
    "may",
    "might",
    "am",
    "isn't",
    "aren't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "shouldn't",
    "haven't",
    "hasn't",
    "any",
    "anything",
    "ok",
    "okay",
)
OPEN_STEMS = re.compile(
    r"^(tell me|walk me|talk me|take me|help me (understand|see|get)|describe|explain|say more|"
    r"i'?m curious|i wonder|could you (tell|walk|talk|describe|explain|help)|"
    r"can you (tell|walk|talk|describe|"
    r"explain|help)|would you (tell|walk|talk|describe|explain))\b"
)
LEADING = re.compile(
    r"\b(don'?t you (think|agree|feel|see)|wouldn'?t you (agree|say)|isn'?t it (true|obvious|clear)|"
    r"surely|shouldn'?t (we|you)|aren'?t you|can'?t you see|wouldn'?t it be|doesn'?t it make sense|"
    r"why (wouldn'?t|don'?t|won'?t|can'?t) (you|we)|haven'?t you|you do realise|you do realize|"
    r"is(n'?t)? that (just|really)|how can you (say|think|claim)|you can'?t (really|seriously))\b"
)
CONTRA = re.compile(
    r"\b(actually|in fact|to be fair|not quite|not really|not exactly|that'?s not|that is not|that isn'?t|"
    r"isn'?t (right|true|accurate|the case|fair)|disagree|push back|pushback|challenge that|respectfully|"
    r"with (all due )?respect|i'?m not sure (that'?s|that is|i agree)|"
    r"i don'?t (think|agree|buy|see) (that|it)|"
    r"the reality is|the truth is|the data (says|shows)|the numbers (say|show)|wrong|mistaken|incorrect|"
    r"that'?s (unfair|not fair|a myth|overstated|exaggerated|an exaggeration|not what)|"
    r"i'?d (question|argue|counter|dispute|gently)|let me correct|to correct|on the contrary|"
    r"that'?s on (you|your)|it'?s not (our|my|the team'?s|it'?s) fault|not our fault|blame|"
    r"misconception|misunderstanding|misread|you'?re missing|you'?ve got (it|that) wrong|no,|nope|"
    r"says otherwise|(say|says|show|shows|suggest|suggests|tell|tells) (otherwise|the opposite)|"
    r"see it differently|not convinced|"
    r"(isn'?t|is not|aren'?t|wasn'?t|not) (the|really the) (issue|problem|reason|cause)|"
    r"that'?s one (reading|way|view)|"
    r"(it|they|that) (didn'?t|doesn'?t|don'?t|wasn'?t|weren'?t|isn'?t|aren'?t)\b(?! you)|"
    r"(we|it|they) (do|did|can|does),? (though|actually)|i'?m afraid|far from|overstat\w*|optimistic)\b"
)
CONTRAST = re.compile(
    r"\b(but|though|although|however|otherwise|instead|rather|whereas|yet|only|still|except)\b"
)
ABSOLUTE = re.compile(
    r"\b(always|never|nobody|no one|everyone|everybody|every|all|just|obviously|clearly|nothing|completely|"
    r"totally|basically|dead|useless|waste|fault|blame|only|impossible|can'?t|won'?t|"
    r"don'?t need|should just)\b"
)
REQUEST = re.compile(
    r"^(can|could|would|will) you|^(tell|explain|walk|show|give|send) me|"
    r"^(what|how|why|where|when|which|who)\b|"
    r"\?\s*$"
)
REFLECT_STEMS = re.compile(
    r"^(so,? (you|it|what|your|the|for|if|that)|it sounds like|sounds like|it seems like|seems like|"
    r"what i'?m hearing|i'?m hearing|i hear|you'?re saying|you'?re telling me|if i understand|"
    r"if i'?m hearing|let me (make sure|play|check|see if|sum|repeat|reflect)|in other words|"
    r"correct me if|so what you|you feel|you'?re feeling|you'?re worried|you'?re concerned|"
    r"it'?s like|for you|you want|you'?d like|you need|you'?ve|you'?re|your)"
)
SUMMARY = re.compile(
    r"\b(so far|to sum up|summari[sz]e|if i'?ve got|play (it|that) back|recap|let me see if)\b"
)
THANKS = re.compile(
    r"\b(thanks|thank you|appreciate|grateful|good (morning|afternoon|evening)|hello|hi|hey|welcome|"
    r"nice to|great to|good to (see|meet)|bye|goodbye|see you|cheers|congrat\w*|take care|enjoy|sorry|"
    r"apolog\w+|no problem|no worries|pleasure)\b"
)
LOGISTICS = re.compile(
    r"\b(calendar|invite|schedule|reschedule|minutes|agenda|slot|dial|call back|zoom|teams|room|"
    r"next (week|meeting|time)|coffee|lunch|running late|hard stop|follow[- ]up|send (you|over|it))\b"
)
PITCH = re.compile(
    r"\b(we (built|can|could|should|will|have|'?ve|'?ll|propose|recommend)|our (platform|team|roadmap|plan|"
    r"solution|tool)|i (recommend|suggest|propose|'?d suggest|'?d recommend|think we should)|you should|"
    r"you (need|have) to|let'?s|the plan is|the answer is|the fix is|what we need|the best|"
    r"will (save|cut|reduce|increase|improve|deliver)|roi|return on)\b"
)
ASK = re.compile(
    r"\b(i'?d like (us|you) to|could we agree|can we agree|would you be willing|i need (you|your|us)|"
    r"i'?m asking|my ask|will you|could you (commit|sponsor|approve|give|free|lend)|can i ask (you|for))\b"
)
ACK = re.compile(r"^(ok(ay)?|right|sure|yes|yeah|yep|uh[- ]huh|mm+|hmm+|got it|i see|great|good|cool|fine)\b")
SECOND = re.compile(r"\b(you|your|you'?re|you'?ve|you'?d|you'?ll|yours|yourself)\b")
FIRST = re.compile(r"\b(i|i'?m|i'?ve|i'?d|i'?ll|me|my|we|we'?re|we'?ve|our|us)\b")
NEGATION = re.compile(r"\b(not|no|never|n'?t|don'?t|doesn'?t|isn'?t|aren'?t|wasn'?t|won'?t|can'?t|nothing)\b")
FEELING = re.compile(
    r"\b(feel|feeling|frustrat\w*|worr\w*|concern\w*|anxious|stress\w*|tired|pressure|scared|afraid|"
    r"upset|angry|disappoint\w*|hope|want|need|important|matters?|care)\b"
)
FILLERS = frozenset("so uh um uhm er okay ok well and but now right yeah alright then oh mm hmm".split())
DISFLUENCY = re.compile(r"\b(uh|um|uhm|er|hmm)\b")
CONTEXT_QUESTION = re.compile(r"\?\s*$")
# The shape of a question, for question_form(): a clause that opens with a question word or with an auxiliary
# and its subject ("has the guarantee...", "is it..."), and the short checks that end a say-back instead.
_WH_FORM = re.compile(  # not a cleft ("what I'm hearing is...", "how you handle it matters")
    r"^(what|how|why|where|when|who|which|whose)('s|'re|'d|'ve)?\b"
    r"(?! (i|i'm|i've|i'd|you|you're|you've|we|we're|we've|they|they're|he|she)\b)"
)
_WH_AUX = re.compile(
    r"^(what|how|why|where|when|who|which)('s|'re|'d|'ve| (is|are|was|were|do|does|did|can|could|would|will|"
    r"has|have|had|should|much|many|long|often|come|bad|big|far|soon))\b"
    r"|^(whats|hows|wheres|whos|whatre)\b"  # typed without the apostrophe ("whats on the plant scorecard")
)
_AUX_FORM = re.compile(
    r"^(is|are|r|was|were|do|does|did|can|could|would|will|has|have|had|should|isn't|aren't|wasn't|doesn't|"
    r"didn't|hasn't|haven't|won't|wouldn't) (it|that|this|there|you|u|they|he|she|we|anyone|anybody|any|all|"
    r"those|these|the|your|a|an|some|most|people|customers|members)\b"
    r"|^ever (been|had|seen|lost|done|gone|thought|\w+ed)\b"  # "ever had an IT change shut down a line"
)
_CHECK = re.compile(r"\b(right|fair|correct|accurate|close|wrong|off|true|summary)( to say)?\W*$")
# where a spoken clause breaks: a dash between spaces, or a comma, semicolon or colon (perception splits there too)
CLAUSE_BREAK = re.compile(r"\s+[-\u2013\u2014]+\s+|[,;:]\s+")
# Dictated lines come without punctuation: "forty thousand testers how do you even manage that many". In a
# line with no punctuation at all, "what", "how" or "why" with its verb, or "do you", "did they"..., anywhere
# after the first word starts the question ("who", "which", "where" and "that" also start relative clauses:
# "the one who has to", "marketing did that").
_SPOKEN_Q = re.compile(
    r"\b(what|how|why)('s|'re| (is|are|was|were|do|does|did|can|could|would|will|has|have|had|should|much|"
    r"many|long|often))\b|\b(do|did|have|are|were) (you|they)\b(?! know\b)|\bwhich (ones?|of them|part|bit) "
    r"(do|does|did|is|are)\b"
)
CHECK_WORDS = 6  # a clause this short that ends in "right", "fair", "correct"... checks a say-back
TAG_WORDS = 3  # a clause after the first this short ("isn't it", "do you think") is a tag, not a question

CUE_NAMES: tuple[str, ...] = (
    "ends_with_question_mark",
    "has_question_mark",
    "question_marks_log",
    "last_sentence_question",
    "starts_wh",
    "last_sentence_starts_wh",
    "wh_anywhere",
    "starts_aux",
    "last_sentence_starts_aux",
    "open_stem",
    "tag_question",
    "leading_question",
    "contradiction_marker",
    "contradiction_count_log",
    "starts_but",
    "negation_log",
    "reflective_stem",
    "summary_marker",
    "starts_you",
    "second_person_log",
    "first_person_log",
    "thanks_or_greeting",
    "logistics",
    "pitch_or_advice",
    "concrete_ask",
    "acknowledgement",
    "feeling_words",
    "overlap_of_utterance",
    "overlap_of_context",
    "best_sentence_overlap",
    "shared_numbers",
    "has_number",
    "words_log",
    "sentences_log",
    "context_words_log",
    "context_empty",
    "context_is_question",
    "has_uppercase",
    "has_punctuation",
    "disfluency",
    "very_short",
    "new_numbers",
    "contrast_words_log",
    "context_absolute",
    "context_negation",
    "polarity_flip",
    "you_perspective",
    "context_is_request",
    "blame_wording",
    "us_them_wording",
)


def embed_text(utterance: str) -> str:
    """The string the embedding model sees (bounded so that latency is bounded)."""
    return clean(utterance)[:UTTERANCE_CHARS] or " "


def stem(word: str) -> str:
    """The classifier's own crude stem (suffix off, first 6 letters): an input the artifact was trained on,
    kept apart from coach.text.stem so that the shipped weights stay valid."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)][:6]
    return word[:6]


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2}


# What a leader line responds to: the counterpart's last turn, and an earlier one of the last few when the
# line plainly picks up that one instead (a say-back of something she told three turns ago).
LOOK_BACK = 6
EARLIER_MIN = 2  # the earlier turn must share at least this many content words with the line ...
EARLIER_OVER = 2  # ... and this many times as many as her last turn does


def responds_to(utterance: str, theirs: list[str]) -> str:
    """The counterpart's words a leader line responds to, given her turns so far (oldest first): her last
    turn; or, when the line shares clearly more content words with one of her few turns before it, that turn
    followed by her last ("So the average member is fifty-seven..." said back two turns after she said it is
    a reflection, not a contradiction of what she said since)."""
    if not theirs:
        return ""
    last = theirs[-1]
    mine = content_stems(utterance)
    if not mine:
        return last
    base = len(mine & content_stems(last))
    best, best_n = None, 0
    for earlier in theirs[-1 - LOOK_BACK : -1]:
        n = len(mine & content_stems(earlier))
        if n > best_n:
            best, best_n = earlier, n
    if best is not None and best_n >= EARLIER_MIN and best_n >= EARLIER_OVER * max(base, 1):
        return f"{best} {last}"
    return last


@lru_cache(maxsize=4096)
def _context_parts(context: str) -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]:
    sents = sentences(context) or ([context] if context else [])
    return frozenset(content_stems(context)), tuple((s, frozenset(content_stems(s))) for s in sents)


def best_context_span(utterance: str, context: str) -> tuple[str | None, float]:
    """The counterpart sentence sharing most content words with the utterance, and that share."""
    context = clean(context)[-LEXICAL_CHARS:]
    if not context:
        return None, 0.0
    u = content_stems(clean(utterance)[:LEXICAL_CHARS])
    _, parts = _context_parts(context)
    best, score = None, 0.0
    for sent, stems in parts:
        if not stems:
            continue
        s = len(u & stems) / math.sqrt(len(stems) * max(len(u), 1))
        if s > score:
            best, score = sent, s
    return best, score


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()
)
# "one" is left out: it is far more often a pronoun ("the one that broke") than a figure.
_NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS) if w != "one"} | {
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?|\b("
    + "|".join(_TENS)
    + r")(?:[- ]("
    + "|".join(_UNITS[1:10])
    + r"))?\b|\b("
    + "|".join(_NUMBER_WORDS)
    + r")\b",
    re.I,
)


def numbers(text: str) -> set[str]:
    """The numbers in a text as digit strings, spelled-out ones included ("thirteen" and "13" are one number),
    so that a paraphrase in digits of figures said in words is not mistaken for a new figure."""
    out = set()
    for m in _NUMBER.finditer(text):
        if m.group(1):
            out.add(str(_TENS[m.group(1).lower()] + (_UNITS.index(m.group(2).lower()) if m.group(2) else 0)))
        elif m.group(3):
            out.add(str(_NUMBER_WORDS[m.group(3).lower()]))
        else:
            out.add(m.group(0))
    return out


def question_form(utterance: str) -> bool:
    """The line asks in the form of a question, whatever words of theirs it picks up: its question sentence
    (or a clause of it) opens with a question word or an auxiliary and its subject ("Six outages since
    spring - what does the vendor say?", "Has a client ever claimed that refund?"), or, with no
    question mark, opens with a question word and its verb ("how are the brokers able to go under you").
    A short check at the end of a say-back ("..., is that fair?", "..., isn't it?") is not a question form,
    nor is a line with a summary marker ("Let me check I've got it: ... What am I missing?")."""
    return asking_head(utterance) is not None


_WHY_ANY = re.compile(r"^why\b(?! (i|i'm|i've|we|we're|they|they're|it's|that's|this)\b)(?=.{4})")
# "why" and "how" (not "how many", "how long"...) ask for an explanation: they cannot be answered yes or no
_WHY_HOW = re.compile(r"^(why|how(?! (many|much|long|often|far|old|big|soon|large|small)\b))\b")


def asks_why_or_how(utterance: str) -> bool:
    """The question the line asks (question_form's clause) opens with "why" or "how": open by its form
    ("Why is that?", "And how so?"), whatever the counterpart's last words made of it."""
    return why_or_how(asking_head(utterance))


def why_or_how(head: str | None) -> bool:
    """asks_why_or_how, from the asking clause already found (asking_head)."""
    return head is not None and bool(_WHY_HOW.match(head))


_LOOSE_END = re.compile(r"(?<=[.!?])\s+")


def _clause_head(sentence: str, marked: bool, later: bool = False) -> str | None:
    """The clause of one sentence that asks, from its question word or auxiliary on. Unmarked (no question
    mark), a question word counts only with its verb at the start ("how are the brokers able to..."), and in
    a later sentence not "which" ("Which is why..." tells)."""
    for i, clause in enumerate(CLAUSE_BREAK.split(sentence.lower().rstrip("?! ."))):
        toks = words(clause)
        while len(toks) > 1 and toks[0] in FILLERS:
            toks = toks[1:]
        head = " ".join(toks)
        short_tag = i and len(toks) <= TAG_WORDS and not _WHY_HOW.match(head)  # "..., why?" asks
        if short_tag or (len(toks) <= CHECK_WORDS and _CHECK.search(head)):
            continue
        # unmarked: a question word with its verb, or "why" with anything ("why the top five hundred items")
        wh = _WH_FORM.match(head) if marked else (i == 0 and (_WH_AUX.match(head) or _WHY_ANY.match(head)))
        if later and not marked and head.startswith("which"):
            wh = None
        if wh or _AUX_FORM.match(head):
            return head
    return None


def asking_head(utterance: str) -> str | None:
    """The words of the clause that asks (question_form's), from its question word or auxiliary on; None if none asks."""
    raw = clean(utterance)[:LEXICAL_CHARS]
    low = raw.lower()
    if SUMMARY.search(low) or cue("summary").search(low):
        return None
    sents = sentences(raw) or [raw]
    asked = [s for s in sents if "?" in s]
    # without a question mark: a line that opens with a question word and its verb, or any clause that is an
    # inversion ("..., is it the same three every month"); "which is why..." inside a say-back is a relative
    # clause, not a question
    marked = bool(asked)
    if marked:  # the last sentence that asks, after a sentence end the splitter kept ("... days. where...?")
        last = next((p for p in reversed(_LOOSE_END.split(asked[-1])) if "?" in p), asked[-1])
        if head := _clause_head(last, True):
            return head
        # a question mark that only echoes her words, then the question unmarked ("3 stores in a year?? what
        # did that do to the others")
        after_last = max(i for i, sent in enumerate(sents) if "?" in sent) + 1
        parts = [p for sent in sents[after_last:] for p in _LOOSE_END.split(sent)]
    else:  # unmarked: the first sentence, then the others ("a whole day down, ouch. did anyone ever explain")
        parts = [p for sent in sents for p in _LOOSE_END.split(sent)]
    for k, part in enumerate(parts):
        if head := _clause_head(part, False, later=marked or k > 0):
            return head
    if not any(ch in raw for ch in ".,?!;:-"):  # dictated: no punctuation at all
        tail = " ".join(words(low)[1:])
        if spoken := _SPOKEN_Q.search(tail):
            return tail[spoken.start() :]
    return None


def disputes(utterance: str) -> bool:
    """The words argue: a contradiction marker ("actually", "that's not...") or a leading question."""
    low = clean(utterance)[:LEXICAL_CHARS].lower()
    return bool(CONTRA.search(low) or LEADING.search(low))


def lexical_features(utterance: str, context: str) -> np.ndarray:
    """The named lexical cues (:data:`CUE_NAMES`) as a float32 vector."""
    raw = clean(utterance)[:LEXICAL_CHARS]
    ctx = clean(context)[-LEXICAL_CHARS:]
    low = raw.lower()
    toks = words(low)
    sents = sentences(raw) or [raw]
    # The sentence that carries the question (the last one with "?", else the last), minus leading fillers.
    last = next((s for s in reversed(sents) if "?" in s), sents[-1]).lower()
    last_toks = words(last)
    while len(last_toks) > 1 and last_toks[0] in FILLERS:
        last_toks = last_toks[1:]
    first = toks[0] if toks else ""
    u_stems = content_stems(raw)
    c_stems, c_parts = _context_parts(ctx) if ctx else (frozenset(), ())
    shared = u_stems & c_stems
    best = 0.0
    for _, stems in c_parts:
        if stems and u_stems:
            best = max(best, len(u_stems & stems) / math.sqrt(len(stems) * len(u_stems)))
    nums_u, nums_c = numbers(raw), numbers(ctx)
    n_contra = len(CONTRA.findall(low))
    ctx_low = ctx.lower()
    n_you, n_me = len(SECOND.findall(low)), len(FIRST.findall(low))
    values = {
        "ends_with_question_mark": float(raw.rstrip().endswith("?")),
        "has_question_mark": float("?" in raw),
        "question_marks_log": math.log1p(raw.count("?")),
        "last_sentence_question": float(last.rstrip().endswith("?")),
        "starts_wh": float(first in WH),
        "last_sentence_starts_wh": float(bool(last_toks) and last_toks[0] in WH),
        "wh_anywhere": float(any(t in WH for t in last_toks)),
        "starts_aux": float(first in AUX),
        "last_sentence_starts_aux": float(bool(last_toks) and last_toks[0] in AUX),
        "open_stem": float(bool(OPEN_STEMS.search(low)) or bool(OPEN_STEMS.search(last))),
        "tag_question": float(
            bool(
                re.search(
                    r"(, (right|correct|yes|no|true)|(is|was|do|does|did|are|wo|ca|would|should)n'?t "
                    r"(it|you|we|they|that|he|she))\?\s*$",
                    low,
                )
            )
        ),
        "leading_question": float(bool(LEADING.search(low))),
        "contradiction_marker": float(n_contra > 0),
        "contradiction_count_log": math.log1p(n_contra),
        "starts_but": float(first in ("but", "however", "although", "though", "no", "nope")),
        "negation_log": math.log1p(len(NEGATION.findall(low))),
        "reflective_stem": float(bool(REFLECT_STEMS.search(low))),
        "summary_marker": float(bool(SUMMARY.search(low))),
        "starts_you": float(first in ("you", "your", "you're", "you've", "you'd", "you'll")),
        "second_person_log": math.log1p(len(SECOND.findall(low))),
        "first_person_log": math.log1p(len(FIRST.findall(low))),
        "thanks_or_greeting": float(bool(THANKS.search(low))),
        "logistics": float(bool(LOGISTICS.search(low))),
        "pitch_or_advice": float(bool(PITCH.search(low))),
        "concrete_ask": float(bool(ASK.search(low))),
        "acknowledgement": float(bool(ACK.search(low))),
        "feeling_words": math.log1p(len(FEELING.findall(low))),
        "overlap_of_utterance": len(shared) / max(len(u_stems), 1),
        "overlap_of_context": len(shared) / max(len(c_stems), 1),
        "best_sentence_overlap": best,
        "shared_numbers": float(bool(nums_u & nums_c)),
        "has_number": float(bool(nums_u)),
        "words_log": math.log1p(len(toks)) / 4.0,
        "sentences_log": math.log1p(len(sents)),
        "context_words_log": math.log1p(len(words(ctx))) / 4.0,
        "context_empty": float(not ctx),
        "context_is_question": float(bool(CONTEXT_QUESTION.search(ctx))),
        "has_uppercase": float(any(ch.isupper() for ch in raw)),
        "has_punctuation": float(any(ch in ".,?!;" for ch in raw)),
        "disfluency": float(bool(DISFLUENCY.search(low))),
        "very_short": float(len(toks) <= 3),
        "new_numbers": float(bool(nums_u - nums_c)),
        "contrast_words_log": math.log1p(len(CONTRAST.findall(low))),
        "context_absolute": math.log1p(len(ABSOLUTE.findall(ctx_low))),
        "context_negation": float(bool(NEGATION.search(ctx_low))),
        "polarity_flip": float(bool(shared) and bool(NEGATION.search(low)) != bool(NEGATION.search(ctx_low))),
        "you_perspective": (n_you + 0.5) / (n_you + n_me + 1.0),
        "context_is_request": float(bool(REQUEST.search(ctx_low))),
        # the shared cues (coach/data/cues.yaml) that every surface reads; here only as learned evidence
        "blame_wording": float(bool(cue("blame").search(low))),
        "us_them_wording": float(bool(cue("us_them").search(low))),
    }
    return np.fromiter((values[name] for name in CUE_NAMES), dtype=np.float32, count=len(CUE_NAMES))


def feature_matrix(pairs: Sequence[tuple[str, str]], emb_u: np.ndarray, emb_pair: np.ndarray) -> np.ndarray:
    """[emb(utterance), emb(utterance after context) - emb(utterance), lexical cues] for each pair, float32."""
    lex = np.stack([lexical_features(u, c) for u, c in pairs]) if pairs else np.zeros((0, len(CUE_NAMES)))
    return np.hstack([emb_u, emb_pair - emb_u, lex]).astype(np.float32)


def in_context(
    pairs: Sequence[tuple[str, str]],
    emb_u: np.ndarray,
    encode_pairs: Callable[[list[tuple[str, str]]], np.ndarray],
) -> np.ndarray:
    """Each utterance's vector read after its context; a line with no context is its own vector already
    (the encoder gives exactly ``emb_u`` then), so only the lines with one are encoded again."""
    out = np.array(emb_u, dtype=np.float32, copy=True)
    todo = [i for i, (_, c) in enumerate(pairs) if c and c.strip()]
    if todo:
        out[todo] = encode_pairs([embed_pair(*pairs[i]) for i in todo])
    return out


def embed_pair(utterance: str, context: str) -> tuple[str, str]:
    """What the in-context encoding reads: the utterance as :func:`embed_text` cuts it and the end of the
    context (the encoder keeps its last ``PAIR_CONTEXT_TOKENS`` tokens; this bounds the tokenizer's work)."""
    return embed_text(utterance), (context or "")[-CONTEXT_CHARS:]
