"""Text hygiene: what a person cannot see never reaches a saved transcript, a terminal or the app."""

from __future__ import annotations

import pytest

from coach.rehearsal import check_line
from coach.text import strip_controls
from coach.transcript import Transcript


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Fair point.\x1b]0;owned\x07 Go on.", "Fair point. Go on."),  # an OSC title-setting sequence
        ("\x1b[31mred\x1b[0m alert", "red alert"),  # colour codes
        ("nul\x00 byte", "nul byte"),
        ("abc\u202edcba\u202c done", "abcdcba done"),  # a right-to-left override
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("Plain words stay as typed.", "Plain words stay as typed."),
    ],
)
def test_controls_are_stripped_and_words_kept(typed, kept):
    assert strip_controls(typed) == kept


def test_a_line_of_only_controls_is_an_empty_line():
    with pytest.raises(Exception, match="empty"):
        check_line("\x1b]0;x\x07\x00")


def test_a_hand_edited_transcript_never_carries_escape_sequences():
    t = Transcript.from_dict(
        {"persona": "maria-cfo", "turns": [{"speaker": "leader", "text": "Hi\x1b]0;pwned\x07 Maria\u202e"}]}
    )
    assert t.turns[0].text == "Hi Maria"


def test_coach_sessions_names_a_damaged_file_and_lists_the_rest(settings, monkeypatch):
    from click.testing import CliRunner

    from coach.cli import main
    from coach.rehearsal import start_rehearsal
    from coach.store import sessions
    from tests.helpers import legacy_folder

    r = start_rehearsal(settings, persona_id="maria-cfo")
    r.turn("What worries you most this quarter?")
    sessions.save(r, settings)
    (legacy_folder(settings) / "broken.json").write_text('{"transcript": {"persona": 7, "turns": "x"}}')
    monkeypatch.setenv("COACH_DATA_DIR", str(settings.data_dir))
    out = CliRunner().invoke(main, ["sessions"])
    assert out.exit_code == 0 and r.id in out.output
    assert "Skipped broken.json" in out.stderr and "persona" in out.stderr and "Traceback" not in out.output
