"""The store (coach/store/): the same suite on SQLite and on a real PostgreSQL server.

What a user would notice: every turn is there after a reopen, "try again from here" puts the
counterpart back exactly as it was, one user never sees another's sessions, an export imports back
exactly, a delete deletes, and the sessions of an earlier version (one JSON file each) come across whole.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from coach.cli import main
from coach.config import load_settings
from coach.counterpart.engine import Engine
from coach.errors import ConfigError, InputError
from coach.rehearsal import Rehearsal, start_rehearsal
from coach.store import archive, db, sessions
from coach.store.schema import metadata
from tests.helpers import legacy_folder

LINES = [
    "Thanks for making the time. What's the quarter looking like from where you sit?",
    "So the margin squeeze is what's keeping you up, more than the system itself?",
    "Why is that?",
    "Who do you see as the competition these days?",
    "It sounds like the brokers undercut you and you can't match them on price.",
    "What would have to be true for this to feel like a win for you?",
]
RECORDED = Path(__file__).parent / "data" / "sessions"


def _played(settings, persona="maria-cfo", seed=3, lines=LINES, user=sessions.LOCAL_USER) -> Rehearsal:
    """A rehearsal saved after every turn, as the app and the CLI do."""
    r = start_rehearsal(settings, persona_id=persona, seed=seed)
    sessions.save(r, settings, user=user)
    for line in lines:
        r.turn(line)
        sessions.save(r, settings, user=user)
    return r


def test_every_turn_comes_back_and_the_engine_is_replayed_exactly(store_settings):
    r = _played(store_settings)
    again = sessions.load(r.id, store_settings)
    assert again.transcript.to_dict() == r.transcript.to_dict()
    assert again.engine.snapshot() == r.engine.snapshot()  # trust, facts told, patience and the RNG
    again.turn("How does the board keep score on you?")  # and it goes on from there
    sessions.save(again, store_settings)
    assert sessions.info(r.id, store_settings).leader_turns == len(LINES) + 1


def test_try_again_from_any_turn_is_exact_after_a_reopen(store_settings):
    live = start_rehearsal(store_settings, persona_id="dev-coo", seed=5)
    before = {}
    for line in LINES:
        before[len(live.transcript.turns)] = live.engine.snapshot()
        live.turn(line)
        sessions.save(live, store_settings)
    kept = sessions.load(live.id, store_settings)
    for index, snapshot in before.items():
        child = kept.branch(index)
        assert child.engine.snapshot() == snapshot, index
        assert child.transcript.turns[-1].text == live.transcript.turns[index - 1].text


def test_a_branch_is_kept_under_its_parent(store_settings):
    r = _played(store_settings)
    child = r.branch(3)
    child.turn("What does a bad week look like for you?")
    sessions.save(child, store_settings)
    rows = {s.id: s for s in sessions.list_sessions(store_settings)}
    assert rows[child.id].parent == {"id": r.id, "turn": 3}
    reopened = sessions.load(child.id, store_settings)
    assert reopened.parent == {"id": r.id, "turn": 3} and reopened.leader_turn_count == 2


def test_the_session_is_kept_for_the_card_it_was_played_with(store_settings):
    """Editing or deleting a persona card later does not change how a kept session replays."""
    from coach.counterpart.cards import delete_persona, load_persona, save_persona

    card = load_persona("maria-cfo").model_copy(update={"id": "my-cfo", "name": "Mara Okafor"})
    save_persona(card, store_settings)
    r = Rehearsal(card, "normal", 3)
    r.open()
    for line in LINES[:3]:
        r.turn(line)
        sessions.save(r, store_settings)
    delete_persona("my-cfo", store_settings)
    again = sessions.load(r.id, store_settings)
    assert again.persona.name == "Mara Okafor" and again.engine.snapshot() == r.engine.snapshot()


def test_a_line_sent_but_never_answered_is_kept(store_settings):
    r = _played(store_settings, lines=LINES[:2])
    r.transcript.meta["pending"] = "And what does the board expect by June?"
    sessions.save(r, store_settings)
    left = sessions.unfinished(store_settings)
    assert left.id == r.id and left.pending == "And what does the board expect by June?"
    assert sessions.load(r.id, store_settings).transcript.meta["pending"] == left.pending
    r.transcript.meta.pop("pending")
    r.end()
    sessions.save(r, store_settings)
    assert sessions.unfinished(store_settings) is None  # an ended session is not offered again


def test_lists_are_newest_first_with_headline_measures(store_settings):
    first = _played(store_settings, lines=LINES[:2])
    second = _played(store_settings, persona="dev-coo", lines=LINES[:4])
    listed = sessions.list_sessions(store_settings)
    assert [s.id for s in listed] == [second.id, first.id]
    assert listed[0].leader_turns == 4 and listed[0].persona == "dev-coo"
    assert set(listed[0].measures) >= {"reflection_ratio", "open_question_share", "turns_to_thats_right"}


def test_one_user_never_sees_or_changes_another_users_sessions(store_settings):
    mine = _played(store_settings, lines=LINES[:2], user="oidc:alice")
    theirs = _played(store_settings, lines=LINES[:3], user="oidc:bob")
    assert [s.id for s in sessions.list_sessions(store_settings, user="oidc:alice")] == [mine.id]
    assert [s.id for s in sessions.list_sessions(store_settings, user="oidc:bob")] == [theirs.id]
    assert sessions.list_sessions(store_settings) == []  # the local user has none
    for attempt in (
        lambda: sessions.load(theirs.id, store_settings, user="oidc:alice"),
        lambda: sessions.transcript(theirs.id, store_settings, user="oidc:alice"),
        lambda: sessions.delete_session(theirs.id, store_settings, user="oidc:alice"),
    ):
        with pytest.raises(InputError, match="No kept session"):
            attempt()
    assert sessions.delete_all(store_settings, user="oidc:alice") == 1
    assert [s.id for s in sessions.list_sessions(store_settings, user="oidc:bob")] == [theirs.id]
    exported = archive.export_all(store_settings, user="oidc:bob")
    assert [s["id"] for s in exported["sessions"]] == [theirs.id]


def test_delete_one_session_takes_its_branches_and_nothing_else(store_settings):
    keep = _played(store_settings, lines=LINES[:2])
    gone = _played(store_settings, lines=LINES[:3])
    child = gone.branch(3)
    child.turn("What does a bad week look like?")
    sessions.save(child, store_settings)
    assert sorted(sessions.delete_session(gone.id, store_settings)) == sorted([gone.id, child.id])
    assert [s.id for s in sessions.list_sessions(store_settings)] == [keep.id]
    with pytest.raises(InputError, match="No kept session"):
        sessions.load(gone.id, store_settings)


def _without_date(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "exported"}


def test_export_then_import_into_an_empty_store_is_exact(store_settings, tmp_path):
    r = _played(store_settings)
    child = r.branch(5)
    child.turn("Tell me about the last systems project, from your side.")
    sessions.save(child, store_settings)
    r.transcript.meta["pending"] = "One more thing."
    sessions.save(r, store_settings)
    exported = archive.export_all(store_settings)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported))

    empty = load_settings({"COACH_DATA_DIR": str(tmp_path / "elsewhere")})  # SQLite, from either database
    imported, skipped = archive.import_all(archive.read_export(path), empty)
    assert sorted(imported) == sorted([r.id, child.id]) and skipped == []
    assert _without_date(archive.export_all(empty)) == _without_date(exported)
    again = sessions.load(r.id, empty)
    assert again.transcript.to_dict() == r.transcript.to_dict()
    assert again.branch(5).engine.snapshot() == r.branch(5).engine.snapshot()
    # importing the same file again changes nothing and says so
    imported, skipped = archive.import_all(archive.read_export(path), empty)
    assert imported == [] and sorted(skipped) == sorted([r.id, child.id])


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"format": "something-else", "sessions": []}', "not a Counterpart export"),
        ('{"format": "counterpart-sessions", "version": 9, "sessions": []}', "version 9"),
        ('{"format": "counterpart-sessions", "version": 1, "sessions": [{"id": "x"}]}', "sessions.0"),
    ],
)
def test_a_bad_export_file_is_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "export.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        archive.read_export(path)


def test_the_migrations_build_exactly_the_schema_the_code_uses(store_settings):
    with db.open_store(store_settings).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_a_database_that_cannot_be_reached_is_named_with_the_fix(free_port, tmp_path):
    settings = load_settings(
        {
            "COACH_DATA_DIR": str(tmp_path / "d"),
            "COACH_DATABASE_URL": f"postgresql://coach:s3cret@127.0.0.1:{free_port}/counterpart",
        }
    )
    with pytest.raises(ConfigError) as err:
        sessions.list_sessions(settings)
    message = str(err.value)
    assert f"127.0.0.1:{free_port}" in message and "COACH_DATABASE_URL" in message
    assert "s3cret" not in message  # the password is never shown


def test_a_url_that_is_not_a_database_is_refused_at_startup(tmp_path):
    with pytest.raises(ConfigError, match="COACH_DATABASE_URL"):
        load_settings({"COACH_DATA_DIR": str(tmp_path), "COACH_DATABASE_URL": "mysql://x@y/z"})


# -- sessions kept by an earlier version, one JSON file each -------------------------------------
def _old_files(settings) -> list[dict]:
    folder = legacy_folder(settings)
    docs = []
    for path in sorted(RECORDED.glob("*.json")):
        shutil.copy(path, folder / path.name)
        docs.append(json.loads(path.read_text()))
    return docs


def _as_read(r: Rehearsal, snapshot: dict) -> dict:
    """A snapshot as this version reads it (fields added since it was written take their defaults)."""
    engine = Engine(r.persona, difficulty=r.difficulty, seed=r.seed)
    engine.restore(snapshot)
    return engine.snapshot()


def test_earlier_session_files_move_into_the_database_without_loss(store_settings):
    docs = _old_files(store_settings)
    listed = {s.id: s for s in sessions.list_sessions(store_settings)}
    for doc in docs:
        sid = doc["transcript"]["meta"]["id"]
        assert sid in listed
        kept = sessions.load(sid, store_settings)
        assert kept.transcript.to_dict()["turns"] == doc["transcript"]["turns"]
        assert kept.engine.snapshot() == _as_read(kept, doc["engine"])
        for index, snapshot in doc["snapshots"].items():  # "try again from here" as it was
            assert kept.branch(int(index)).engine.snapshot() == _as_read(kept, snapshot)
    folder = legacy_folder(store_settings)
    assert not list(folder.glob("*.json"))  # moved aside, not deleted:
    assert len(list((folder / "migrated").glob("*.json"))) == len(docs)


def test_an_old_session_whose_turns_do_not_replay_keeps_its_snapshots(store_settings):
    """A session from an older engine: its snapshots are kept, so branching stays exact."""
    path = sorted(RECORDED.glob("*.json"))[0]
    doc = json.loads(path.read_text())
    index = sorted(doc["snapshots"], key=int)[2]
    doc["snapshots"][index]["state"]["trust"] = 0.123  # no replay of these turns gives this
    (legacy_folder(store_settings) / path.name).write_text(json.dumps(doc))
    sid = doc["transcript"]["meta"]["id"]
    kept = sessions.load(sid, store_settings)
    assert kept.branch(int(index)).engine.snapshot()["state"]["trust"] == 0.123
    assert kept.engine.snapshot() == _as_read(kept, doc["engine"])


def test_an_unreadable_old_file_is_left_in_place_and_reported(store_settings):
    bad = legacy_folder(store_settings) / "hand-edited.json"
    bad.write_text("{not json")
    skipped: list = []
    assert sessions.list_sessions(store_settings, skipped) == []
    assert [p.name for p, _ in skipped] == ["hand-edited.json"]
    assert "cannot be read" in skipped[0][1] and "Move it out" in skipped[0][1]
    assert bad.exists()


# -- the CLI ------------------------------------------------------------------------------------
@pytest.fixture
def cli(store_settings, monkeypatch):
    monkeypatch.setenv("COACH_DATA_DIR", str(store_settings.data_dir))
    if store_settings.database_url:
        monkeypatch.setenv("COACH_DATABASE_URL", store_settings.database_url)
    return CliRunner()


def test_coach_sessions_list_show_export_import_delete(cli, store_settings, tmp_path):
    r = _played(store_settings, lines=LINES[:3])
    listed = [json.loads(x) for x in cli.invoke(main, ["sessions", "list", "--json"]).stdout.splitlines()]
    assert [(x["id"], x["leader_turns"]) for x in listed] == [(r.id, 3)]

    shown = cli.invoke(main, ["sessions", "show", r.id])
    assert shown.exit_code == 0 and LINES[1] in shown.stdout and "[reflect]" in shown.stdout

    out = tmp_path / "all.json"
    assert cli.invoke(main, ["sessions", "export", "-o", str(out)]).exit_code == 0
    refused = cli.invoke(main, ["sessions", "delete", r.id])  # no terminal to confirm on
    assert refused.exit_code == 2 and "--yes" in refused.output
    assert cli.invoke(main, ["sessions", "delete", r.id, "--yes"]).exit_code == 0
    assert cli.invoke(main, ["sessions", "list", "--json"]).stdout.strip() == ""

    back = cli.invoke(main, ["sessions", "import", str(out)])
    assert back.exit_code == 0 and "Imported 1 sessions" in back.stdout
    assert sessions.transcript(r.id, store_settings).to_dict() == r.transcript.to_dict()
    assert cli.invoke(main, ["sessions", "delete", "--all", "--yes"]).stdout.startswith("Deleted 1 ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["sessions", "show", "nope"], "No kept session 'nope'"),
        (["sessions", "delete"], "--all"),
        (["sessions", "import", "missing.json"], "no such file"),
    ],
)
def test_coach_sessions_errors_name_the_fix(cli, args, message):
    result = cli.invoke(main, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


# -- persona cards, per user --------------------------------------------------------------------
def test_a_signed_in_users_cards_are_theirs_alone(store_settings):
    from coach.counterpart.cards import card_text as file_card_text
    from coach.counterpart.cards import load_persona
    from coach.errors import PersonaError
    from coach.store import personas

    card = load_persona("maria-cfo").model_copy(update={"id": "alices-cfo", "name": "Ada Okafor"})
    text = "# Alice's own notes on this card\n" + card.to_yaml()
    assert personas.save_persona(card, store_settings, user="oidc:alice", text=text) == "your cards"

    ids = lambda user: {p.id for p in personas.list_personas(store_settings, user=user)}  # noqa: E731
    assert "alices-cfo" in ids("oidc:alice")
    assert "alices-cfo" not in ids("oidc:bob") and "alices-cfo" not in ids(sessions.LOCAL_USER)
    assert "maria-cfo" in ids("oidc:bob")  # shipped cards are everyone's
    with pytest.raises(PersonaError, match="No persona 'alices-cfo'"):
        personas.load_persona("alices-cfo", store_settings, user="oidc:bob")
    with pytest.raises(PersonaError, match="No saved persona"):
        personas.delete_persona("alices-cfo", store_settings, user="oidc:bob")

    mine = personas.load_persona("alices-cfo", store_settings, user="oidc:alice")
    assert personas.card_text(mine, store_settings, user="oidc:alice").startswith("# Alice's own notes")
    r = start_rehearsal(store_settings, persona=mine, seed=1)
    r.turn(LINES[0])
    sessions.save(r, store_settings, user="oidc:alice")
    personas.delete_persona("alices-cfo", store_settings, user="oidc:alice")
    assert "alices-cfo" not in ids("oidc:alice")
    # her session still opens, with the card it was played with
    assert sessions.load(r.id, store_settings, user="oidc:alice").persona.name == "Ada Okafor"
    assert file_card_text(load_persona("maria-cfo"))  # the local user's files are untouched


def test_a_shipped_id_cannot_be_taken_by_a_users_card(store_settings):
    from coach.counterpart.cards import load_persona
    from coach.errors import PersonaError
    from coach.store import personas

    with pytest.raises(PersonaError, match="belongs to a shipped persona"):
        personas.save_persona(load_persona("maria-cfo"), store_settings, user="oidc:alice")


# -- draft reviews ------------------------------------------------------------------------------
DRAFT = (
    "Hi Maria,\n\nBefore the planning cycle, what matters most to you in this year's investments?\n\nThanks"
)


def test_draft_reviews_are_kept_per_user_exported_and_deleted(store_settings, tmp_path):
    from coach.drafts.review import review_draft
    from coach.store import reviews

    kept_id = reviews.keep(review_draft(DRAFT), store_settings, user="oidc:alice")
    [mine] = reviews.list_reviews(store_settings, user="oidc:alice")
    assert (mine.id, mine.draft) == (kept_id, DRAFT) and mine.review["score"] == mine.score
    assert reviews.list_reviews(store_settings, user="oidc:bob") == []
    with pytest.raises(InputError, match="No kept review"):
        reviews.delete_review(kept_id, store_settings, user="oidc:bob")

    path = tmp_path / "alice.json"
    path.write_text(json.dumps(archive.export_all(store_settings, user="oidc:alice")))
    assert archive.delete_everything(store_settings, user="oidc:alice") == 0  # no sessions, one review
    assert reviews.list_reviews(store_settings, user="oidc:alice") == []
    archive.import_all(archive.read_export(path), store_settings, user="oidc:alice")
    assert [r.draft for r in reviews.list_reviews(store_settings, user="oidc:alice")] == [DRAFT]


@pytest.mark.parametrize("user", [sessions.LOCAL_USER, "oidc:alice"])
def test_your_own_cards_travel_in_the_export_as_you_wrote_them(store_settings, tmp_path, user):
    from coach.counterpart.cards import load_persona
    from coach.store import personas

    card = load_persona("maria-cfo").model_copy(update={"id": "my-cfo", "name": "Mara Okafor"})
    text = "# my notes\n" + card.to_yaml()
    personas.save_persona(card, store_settings, user=user, text=text)
    if user == sessions.LOCAL_USER:  # the local user's cards are files: write the commented text there
        (store_settings.data_dir / "personas" / "my-cfo.yaml").write_text(text)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(archive.export_all(store_settings, user=user)))

    empty = load_settings({"COACH_DATA_DIR": str(tmp_path / "elsewhere")})
    archive.import_all(archive.read_export(path), empty, user=user)
    back = personas.load_persona("my-cfo", empty, user=user)
    assert back.name == "Mara Okafor"
    assert personas.card_text(back, empty, user=user).startswith("# my notes")
