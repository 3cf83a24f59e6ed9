"""`coach review FILE [--persona ID] [--json] [--format md|json]`: output and clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.drafts.review import MAX_FILE_BYTES

DRAFT = """Hi Maria,

Actually, the outage last month was caused by the vendor, not us. Finance always blocks these investments.
We should migrate to a modern cloud platform.

Best,
Sam
"""


@pytest.fixture
def draft_file(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["review", *args], input=input)


def test_markdown_review_quotes_the_draft(draft_file):
    result = run(str(draft_file))
    assert result.exit_code == 0, result.output
    assert "# Draft review" in result.output and "/100**" in result.output
    assert "> Finance always blocks these investments." in result.output
    assert "`us-versus-them`" in result.output


@pytest.mark.parametrize("flags", [["--json"], ["--format", "json"]])
def test_json_review(draft_file, flags):
    result = run(str(draft_file), *flags)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert 0 <= data["score"] <= 40
    assert {s["label"] for s in data["sentences"]} >= {"correcting", "blaming", "telling"}
    assert data["reaction"] is None


def test_persona_adds_the_likely_reaction(draft_file):
    result = run(str(draft_file), "--persona", "maria-cfo", "--json")
    assert result.exit_code == 0, result.output
    reaction = json.loads(result.output)["reaction"]
    assert reaction["persona"] == "maria-cfo" and reaction["move"] == "react_correction"
    assert reaction["trust_end"] < reaction["trust_start"]


def test_output_file_and_stdin(tmp_path):
    out = tmp_path / "review.md"
    result = run("-", "-o", str(out), input=DRAFT)
    assert result.exit_code == 0, result.output
    assert "Finance always blocks" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait, one ask", "not UTF-8"),
        (b"a" * (MAX_FILE_BYTES + 1), "too large"),
    ],
)
def test_unusable_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "draft.txt"
    path.write_bytes(content)
    result = run(str(path))
    assert result.exit_code == 2
    assert message in result.output and str(path) in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "no such file"),
        (["--persona", "nobody-cfo"], "nobody-cfo"),
    ],
)
def test_bad_arguments_give_a_clear_error(draft_file, args, message):
    if args[0] == "missing.txt":
        args = [str(draft_file.parent / "missing.txt")]
    else:
        args = [str(draft_file), *args]
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
