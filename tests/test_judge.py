"""The optional LLM judge: validated answers, honest fallbacks, real quotes, clear failures."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.errors import BackendError
from coach.llm import OpenAIChat, ScriptedChat
from coach.scoring.judge import FALLBACK, JUDGE, judge_batch
from evals.behaviours import Row, _evaluate_judge

CONTEXT = "The crew app caused the delays at the airport, plain and simple."
LINE = "The delays started nine days before the app went live."
LOCAL_URL = "http://127.0.0.1:8008/v1"
LOCAL_KEY = "counterpart-local-key"  # the local server's fixed key; not a secret, and filtered from cassettes


@pytest.mark.parametrize(
    ("reply", "label", "scorer", "cue_has", "quoted"),
    [
        # a clean answer is taken, with its reason and a quote that really is in the counterpart's turn
        (
            '{"label": "correct", "cue": "a contrary date", "quoted": "The crew app caused the delays"}',
            "correct",
            JUDGE,
            "judge: a contrary date",
            "The crew app caused the delays",
        ),
        # a quote in other letter case is given back as the counterpart wrote it
        (
            '{"label": "reflect", "cue": "restates", "quoted": "CREW APP CAUSED THE DELAYS"}',
            "reflect",
            JUDGE,
            "restates",
            "crew app caused the delays",
        ),
        # prose around the JSON and a label written as words are accepted
        (
            'Sure. {"label": "Question Open", "cue": "asks how"} Hope that helps.',
            "question_open",
            JUDGE,
            "asks how",
            None,
        ),
        # an invented quote is dropped for the local scorer's real one
        (
            '{"label": "correct", "cue": "contradicts", "quoted": "the app is flawless"}',
            "correct",
            JUDGE,
            "contradicts",
            CONTEXT,
        ),
        # not JSON, or a label outside the six: the local label stands and the row says why
        ("I think this one is a correction.", None, FALLBACK, "not valid: no JSON object", "any"),
        ('{"label": "praise", "cue": "nice"}', None, FALLBACK, "not valid: label", "any"),
        ('{"label": "correct", "cue": "' + "x" * 500 + '"}', None, FALLBACK, "not valid: cue", "any"),
    ],
)
def test_the_judges_answer_is_checked(reply, label, scorer, cue_has, quoted):
    from coach.scoring.behaviours import classify

    local = classify(LINE, CONTEXT)
    (out,) = judge_batch([(LINE, CONTEXT)], ScriptedChat([reply]))
    assert out.scorer == scorer
    assert out.label == (label or local.label)
    assert cue_has in out.evidence.cue
    if quoted != "any":
        assert out.evidence.quoted == quoted
    assert out.to_dict()["scorer"] == scorer
    # the confidence is the local scorer's probability for the label given, so disagreement shows
    assert out.confidence == pytest.approx(local.scores[out.label])


def test_the_prompt_holds_the_definitions_and_only_the_two_turns():
    chat = ScriptedChat(['{"label": "correct", "cue": "x"}'])
    judge_batch([(LINE, CONTEXT)], chat)
    system, user = chat.requests[0]
    assert all(lab in system["content"] for lab in ("reflect", "question_closed", "correct", "other"))
    assert user["content"] == f"COUNTERPART: {CONTEXT}\nLEADER: {LINE}\n"


def test_an_empty_line_is_not_sent():
    chat = ScriptedChat([])
    (out,) = judge_batch([("   ", CONTEXT)], chat)
    assert chat.requests == [] and out.label == "other" and out.scorer.startswith("local")


def test_a_backend_failure_keeps_what_was_judged_and_says_which_rows_fell_back():
    chat = ScriptedChat(
        ['{"label": "other"}', BackendError("Cannot reach the model server at X.", kind="connection")]
    )
    out = judge_batch([("Thanks for the time.", "Hi."), (LINE, CONTEXT), ("And another.", "x")], chat)
    assert len(chat.requests) == 2  # nothing more is sent after a failure
    assert out[0].scorer == "judge" and out[0].label == "other"
    for lab in out[1:]:
        assert lab.scorer.startswith("local: the judge failed (connection)") and "Cannot reach" in lab.scorer


def test_the_eval_measures_only_valid_answers_and_says_when_there_are_none():
    rows = [Row("1", CONTEXT, LINE, "correct", "g"), Row("2", "Hi.", "Thanks for coming.", "other", "g")]
    rep, valid = _evaluate_judge(rows, ScriptedChat(['{"label": "correct"}', "no idea"]))
    assert (valid, rep.n, rep.accuracy) == (1, 1, 1.0)
    with pytest.raises(ValueError, match="no valid answer"):
        _evaluate_judge(rows, ScriptedChat(["?", "?"]))


def test_score_judge_without_a_model_names_the_settings(tmp_path):
    f = tmp_path / "u.csv"
    f.write_text(f'id,context,utterance\n1,"{CONTEXT}","{LINE}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(f), "--judge"])
    assert result.exit_code != 0
    assert "OPENAI_API_KEY" in result.output and "leave out --judge" in result.output


def test_score_judge_labels_a_transcript_scorecard(tmp_path, monkeypatch):
    chat = ScriptedChat(
        ['{"label": "correct", "cue": "a contrary date"}', '{"label": "question_open", "cue": "how"}']
    )
    monkeypatch.setattr("coach.scoring.judge.configured_judge", lambda settings: chat)
    f = tmp_path / "t.json"
    turns = [
        {"speaker": "counterpart", "text": CONTEXT},
        {"speaker": "leader", "text": LINE},
        {"speaker": "counterpart", "text": "Fine. Whatever."},
        {"speaker": "leader", "text": "How did the week go for the crews?"},
    ]
    f.write_text(json.dumps({"persona": "maria-cfo", "turns": turns}), encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(f), "--judge", "--json"])
    assert result.exit_code == 0, result.output
    card = json.loads(result.output[result.output.index("{") :])
    assert [t["label"] for t in card["turns"]] == ["correct", "question_open"]
    assert card["turns"][0]["cue"] == "judge: a contrary date"


@pytest.mark.vcr
def test_a_real_small_model_that_cannot_answer_in_json_falls_back_row_by_row(vcr):
    """Recorded against llama.cpp serving SmolLM2-135M, which echoes the turn instead of JSON: the run
    still completes, every row says the local scorer labelled it and why."""
    backend = OpenAIChat("smollm2", api_key=LOCAL_KEY, base_url=LOCAL_URL, timeout=60.0, max_retries=0)
    out = judge_batch(
        [(LINE, CONTEXT), ("How many accounts do you have in total?", "We lost two accounts.")], backend
    )
    if vcr.record_mode == "none":
        assert vcr.play_count == 2, "the answers must come from the cassette, not a live server"
    assert [o.scorer for o in out] == [FALLBACK, FALLBACK]
    assert all("the judge's answer was not valid" in o.evidence.cue for o in out)
    assert json.loads(vcr.requests[0].body)["temperature"] == 0.0


def test_score_judge_reports_a_backend_failure_plainly(tmp_path, monkeypatch):
    chat = ScriptedChat([BackendError("The model server at http://127.0.0.1:9/v1 refused the connection.")])
    monkeypatch.setattr("coach.scoring.judge.configured_judge", lambda settings: chat)
    f = tmp_path / "u.csv"
    f.write_text(f'id,context,utterance\n1,"{CONTEXT}","{LINE}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(f), "--judge"])
    assert result.exit_code == 3  # printed, but not by the judge
    assert "1\t" in result.stdout  # the row is still labelled, by the local scorer
    assert "The judge failed at row 1" in result.stderr and "refused the connection" in result.stderr
    assert "Traceback" not in result.output
