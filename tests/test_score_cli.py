"""`coach score FILE [--json]` on CSVs and transcripts, including broken files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coach.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, ["score", *args])


def test_csv_gives_one_json_line_per_row(tmp_path):
    f = tmp_path / "u.csv"
    f.write_text(
        "id,context,utterance\n"
        'a1,"Our margins fell four points.","What do you think is driving that?"\n'
        'a2,"IT never delivers on time.","Actually, the last four releases shipped on the planned date."\n'
        'a3,"Hello!",""\n',
        encoding="utf-8",
    )
    result = _run(str(f), "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["id"] for x in lines] == ["a1", "a2", "a3"]
    assert lines[0]["label"] == "question_open"
    assert lines[1]["label"] == "correct"
    assert lines[1]["evidence"]["quoted"] == "IT never delivers on time."
    assert lines[2]["label"] == "other"
    assert set(lines[0]) == {"id", "label", "confidence", "evidence"}


def test_csv_text_output_is_one_line_per_row(tmp_path):
    f = tmp_path / "u.csv"
    f.write_text('id,context,utterance\nx,"We hired twelve reps.","Are they ramped yet?"\n', encoding="utf-8")
    result = _run(str(f))
    assert result.exit_code == 0
    assert result.output.startswith("x\tquestion_closed\t")


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("id,utterance", "context"),
        ("id,context", "utterance"),
        ("context,utterance", "id"),
        ("foo", "id, context"),
    ],
)
def test_csv_missing_a_column_names_it(tmp_path, header, missing):
    f = tmp_path / "bad.csv"
    f.write_text(header + "\n1,2\n", encoding="utf-8")
    result = _run(str(f))
    assert result.exit_code == 2
    assert "missing column" in result.output and missing in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.json", "{not json", "not valid JSON"),
        ("t.json", "[1, 2]", "expected a JSON object"),
        ("t.json", '{"persona": "p"}', "turns: missing"),
        ("t.json", '{"persona": "p", "turns": [{"speaker": "boss", "text": "hi"}]}', "(got 'boss')"),
        ("u.csv", 'id,context,utterance\n1,"unclosed,quote\n', "malformed CSV"),
        ("u.csv", "id,context,utterance\n1,a,b,c,d\n", "more fields than the header"),
        ("u.csv", "id,context,utterance\n1,a\n", "fewer fields than the header"),
    ],
)
def test_malformed_files_are_clear_errors(tmp_path, name, content, message):
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    result = _run(str(f))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_a_clear_error(tmp_path):
    result = _run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "no such file" in result.output


def _transcript(tmp_path):
    data = {
        "persona": "maria-cfo",
        "turns": [
            {"speaker": "counterpart", "text": "Our cloud bill grew 40 percent and nobody can tell me why."},
            {"speaker": "leader", "text": "What would a good explanation look like for you?"},
            {"speaker": "counterpart", "text": "One number per product, every month, that I can trust."},
            {
                "speaker": "leader",
                "text": "So you want a monthly cost per product that you can rely on.",
                "state": {"core": ["cost", "trust"], "understood": ["cost", "trust"], "thats_right": True},
            },
            {"speaker": "counterpart", "text": "That's right."},
            {"speaker": "leader", "text": "I'd like us to agree on a monthly cost review together."},
        ],
    }
    f = tmp_path / "session.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    return f


def test_transcript_gives_a_json_scorecard(tmp_path):
    result = _run(str(_transcript(tmp_path)), "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    measures = {m["id"]: m for m in card["measures"]}
    assert [t["label"] for t in card["turns"]] == ["question_open", "reflect", "inform"]
    assert measures["thats_right"]["value"] is True and measures["thats_right"]["evidence_turns"] == [3]
    assert measures["understanding_coverage"]["value"] == 1.0
    assert measures["concrete_asks"]["value"] == 1 and measures["concrete_asks"]["verdict"] == "good"


def test_transcript_text_output_names_criteria(tmp_path):
    result = _run(str(_transcript(tmp_path)))
    assert result.exit_code == 0
    assert "Reflection-to-question ratio: 1.0:1" in result.output
    assert "criterion:" in result.output
