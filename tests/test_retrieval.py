"""Cited retrieval: the index, search results and their citations, re-indexing, the ask CLI, the eval gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.config import load_settings
from coach.errors import CorpusError, InputError
from coach.playbook.index import Index, collection_name
from coach.playbook.ingest import CORPUS_DIR
from coach.playbook.retrieval import Passage, forget_indexes, get_section, open_index, search, section_ids

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """The real corpus indexed once for the whole session (embedding it takes a few seconds)."""
    path = tmp_path_factory.mktemp("shared-index")
    Index(load_settings({"COACH_DATA_DIR": str(path)}))
    return path


@pytest.fixture
def indexed(index_dir, monkeypatch):
    """Settings (and COACH_DATA_DIR, for the CLI and evals) pointing at the shared index."""
    monkeypatch.setenv("COACH_DATA_DIR", str(index_dir))
    return load_settings({"COACH_DATA_DIR": str(index_dir)})


@pytest.mark.parametrize(
    "question, expected",
    [
        ("How do I find out which numbers the CFO's bonus depends on?", "performance-measures"),
        ("they were burned by a failed ERP rollout and don't trust IT", "history-and-burns"),
        ("what's a good ratio of reflections to questions?", "reflective-listening"),
        ("she's wrong about what caused the outage - should I tell her?", "dont-correct"),
        ("review my email asking the COO for budget", "draft-messages"),
    ],
)
def test_search_finds_the_section_a_cto_needs(indexed, question, expected):
    assert expected in [p.section_id for p in search(question, k=3, settings=indexed)]


def test_passages_carry_faithful_citations(indexed):
    passages = search("how should I ask for help understanding the business?", k=5, settings=indexed)
    assert len(passages) == 5
    assert len({p.section_id for p in passages}) == 5, "one passage per section"
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    for p in passages:
        assert isinstance(p, Passage) and 0 < p.score <= 1
        assert (REPO / p.source).is_file(), p.source
        section = get_section(p.section_id)
        assert (p.title, p.source) == (section.title, section.source)
        assert " ".join(p.text.split()) in " ".join(section.text.split()), (
            "the passage is quoted, not invented"
        )


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_empty_query_is_an_input_error(indexed, query):
    with pytest.raises(InputError, match="empty"):
        search(query, settings=indexed)


@pytest.mark.parametrize("k", [0, -1, 51])
def test_k_out_of_range_is_an_input_error(indexed, k):
    with pytest.raises(InputError, match=f"k={k}"):
        search("budget", k=k, settings=indexed)


def test_index_is_opened_once_per_process(indexed):
    assert open_index(indexed) is open_index(indexed)


def test_get_section_reads_the_corpus_without_an_index():
    section = get_section("thats-right")
    assert section.title == 'Aim for "that\'s right"'
    assert section.source == "corpus/playbook/04-demonstrating-understanding.md"
    assert section.score == 1.0 and "that's right" in section.text
    assert section_ids()[0] == "partnership" and "draft-messages" in section_ids()


def test_unknown_section_id_lists_the_known_ones():
    with pytest.raises(CorpusError, match="'nope'.*business-context.*draft-messages"):
        get_section("nope")


def test_reopening_the_collection_needs_no_download(index_dir):
    """The embedding function is registered: plain chromadb rebuilds it from the stored config."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # same client settings as coach.playbook.index: chromadb refuses two clients on one path with different settings
    client = chromadb.PersistentClient(
        path=str(index_dir / "index"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_collection(collection_name(load_settings({"COACH_DATA_DIR": str(index_dir)})))
    res = collection.query(query_texts=["open questions"], n_results=1)
    assert res["metadatas"][0][0]["kind"] == "corpus"


# --- re-indexing only when the corpus changes ------------------------------------------------------


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A copy of one corpus file plus a one-section file (few chunks: quick to embed)."""
    target = tmp_path / "copy" / "corpus" / "playbook"
    target.mkdir(parents=True)
    shutil.copy(CORPUS_DIR / "03-hopes-for-change.md", target)
    (target / "09-extra.md").write_text(
        "---\ntitle: Extra\ncites: [Test]\nbasis: test\n---\n## Extra {#extra}\n\nA short extra section.\n"
    )
    return target


def test_corpus_is_reindexed_only_when_it_changes(settings, corpus_copy, tmp_path, monkeypatch):
    from coach.playbook.retrieval import add_documents

    first = Index(settings, corpus_copy)
    assert first.rebuilt
    built_at = first.corpus_state()["corpus_built_at"]
    chunks = first.count("corpus")

    again = Index(settings, corpus_copy)  # as a new process would
    assert not again.rebuilt
    assert again.corpus_state()["corpus_built_at"] == built_at
    assert again.count("corpus") == chunks

    monkeypatch.setattr("coach.playbook.ingest.CORPUS_DIR", corpus_copy)
    forget_indexes()
    notes = tmp_path / "notes.md"
    notes.write_text("Dana, the CFO, is measured on free cash flow.")
    add_documents([notes], settings)

    path = corpus_copy / "03-hopes-for-change.md"
    path.write_text(
        path.read_text() + "\n## Pilot agreements {#pilot-agreements}\n\nAgree how a zebra pilot is judged.\n"
    )
    changed = Index(settings, corpus_copy)
    assert changed.rebuilt
    assert changed.count("corpus") == chunks + 1
    assert changed.count("user") == 1, "the user's documents survive a corpus rebuild"
    hits = search("how is the zebra pilot judged", k=1, settings=settings)
    assert hits[0].section_id == "pilot-agreements"

    (corpus_copy / "09-extra.md").unlink()
    shrunk = Index(settings, corpus_copy)
    assert shrunk.rebuilt
    assert "extra" not in {h.metadata["section_id"] for h in shrunk.all_chunks()}
    forget_indexes()


def test_long_running_process_picks_up_corpus_edits(settings, corpus_copy, monkeypatch):
    monkeypatch.setattr("coach.playbook.ingest.CORPUS_DIR", corpus_copy)
    forget_indexes()
    index = open_index(settings)
    path = corpus_copy / "09-extra.md"
    path.write_text(path.read_text() + "\n## Okapi notes {#okapi}\n\nAn okapi is a quiet listener.\n")
    assert search("okapi listener", k=1, settings=settings)[0].section_id == "okapi"
    assert open_index(settings) is index
    forget_indexes()


# --- the CLI ----------------------------------------------------------------------------------------


def test_coach_ask_json(indexed):
    result = CliRunner().invoke(
        main, ["ask", "--json", "--k", "2", "how", "many", "asks", "should", "I", "make?"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["question"] == "how many asks should I make?"
    assert len(data["passages"]) == 2
    first = data["passages"][0]
    assert set(first) == {"text", "section_id", "title", "source", "score"}
    assert first["section_id"] == "concrete-asks"


def test_coach_ask_text_shows_title_and_source(indexed):
    result = CliRunner().invoke(main, ["ask", "should I correct her when she is wrong?"])
    assert result.exit_code == 0, result.output
    assert "Don't correct them while you are listening" in result.output
    assert "corpus/playbook/04-demonstrating-understanding.md#dont-correct" in result.output


def test_coach_ask_blank_question_is_a_clear_error(indexed):
    result = CliRunner().invoke(main, ["ask", "  "])
    assert result.exit_code == 2
    assert "The question is empty" in result.output


# --- the eval gate ----------------------------------------------------------------------------------

# Measured recall@3: 0.912 over 57 questions (0.905 dev, 0.933 held out), `python -m evals.retrieval`.
# The gate sits just below, so a real regression (two more misses) fails.
MEASURED_RECALL3 = 0.88


def test_retrieval_eval_meets_its_measured_threshold(indexed, capsys):
    from evals import retrieval

    assert retrieval.main(["--min-recall3", str(MEASURED_RECALL3)]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "holdout" in out and "recall@3" in out


def test_retrieval_eval_fails_below_the_threshold(indexed, tmp_path, capsys):
    from evals import retrieval

    questions = tmp_path / "q.yaml"
    questions.write_text("questions:\n  - q: what is a zebra crossing?\n    expected: [financials]\n")
    assert retrieval.main(["--questions", str(questions), "--min-recall3", "1.0"]) == 1
    assert "below --min-recall3" in capsys.readouterr().err


@pytest.mark.parametrize(
    "expected, got, rank",
    [(("a",), ("a", "b", "c"), 1), (("b", "z"), ("a", "z", "b"), 2), (("x",), ("a", "b", "c"), None)],
)
def test_rank_of(expected, got, rank):
    from evals.retrieval import rank_of

    assert rank_of(expected, got) == rank


def test_eval_metrics_from_fixed_answers():
    from evals.retrieval import Question, run

    questions = [Question("q1", ("a",)), Question("q2", ("b",)), Question("q3", ("c",), "holdout")]
    answers = {"q1": ["a", "x", "y"], "q2": ["x", "b", "y"], "q3": ["x", "y", "z"]}
    result = run(questions, lambda q, k: answers[q][:k], k=3)
    assert (result.recall_at(1), result.recall_at(3)) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert result.mrr == pytest.approx((1 + 0.5) / 3)
    assert result.only("holdout").n == 1 and result.only("holdout").recall_at(3) == 0
