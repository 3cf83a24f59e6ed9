"""Chunking, offline tiktoken, the corpus format, and ingesting a user's own files."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.errors import CorpusError, InputError
from coach.playbook import ingest
from coach.playbook.ingest import (
    CHUNK_TOKENS,
    CORPUS_DIR,
    MAX_FILE_BYTES,
    Section,
    chunk_sections,
    count_tokens,
    ensure_tiktoken_offline,
    load_corpus,
    read_user_file,
    read_user_files,
)

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "winning-together-part1.txt"

# --- offline tiktoken ------------------------------------------------------------------------------


def test_tiktoken_loads_from_an_empty_cache_without_network(tmp_path, monkeypatch):
    """--block-network is on: a download attempt would fail this test."""
    import tiktoken.load

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tk"))
    path = ensure_tiktoken_offline("cl100k_base")
    url, sha = ingest._BPE["cl100k_base"]
    assert path == tmp_path / "tk" / hashlib.sha1(url.encode()).hexdigest()
    ranks = tiktoken.load.load_tiktoken_bpe(url, expected_hash=sha)  # reads the cache, checks sha256
    assert len(ranks) > 100_000


def test_tiktoken_falls_back_when_its_cache_folder_is_unusable(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(blocker / "cache"))  # mkdir under a file fails
    path = ensure_tiktoken_offline("cl100k_base")
    assert path.exists() and not str(path).startswith(str(blocker))
    import os

    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(path.parent)


def test_count_tokens_uses_cl100k():
    assert count_tokens("hello world") == 2


# --- chunking --------------------------------------------------------------------------------------


def _long_section(paragraphs: int = 12) -> Section:
    text = "\n\n".join(
        f"Paragraph {n}: the counterpart explains how the quarter looks, which customers matter, "
        f"where margin is under pressure and why the last rollout still worries the team number {n}."
        for n in range(paragraphs)
    )
    return Section("long-one", "A long section", text, "corpus/playbook/99-test.md")


def test_long_section_splits_into_token_bounded_chunks_that_keep_the_citation():
    section = _long_section()
    docs = chunk_sections([section])
    assert len(docs) > 1
    assert all(count_tokens(d.page_content) <= CHUNK_TOKENS for d in docs)
    assert [d.metadata["chunk"] for d in docs] == list(range(len(docs)))
    for d in docs:
        assert d.metadata | {"chunk": 0} == {
            "section_id": "long-one",
            "title": "A long section",
            "source": "corpus/playbook/99-test.md",
            "kind": "corpus",
            "chunk": 0,
        }
    # nothing is lost: every paragraph appears in some chunk, in order
    firsts = [next(i for i, d in enumerate(docs) if f"Paragraph {n}:" in d.page_content) for n in range(12)]
    assert firsts == sorted(firsts)


def test_short_section_is_one_chunk_with_its_text_intact():
    section = Section("tiny", "Tiny", "Ask one open question.", "corpus/playbook/x.md")
    [doc] = chunk_sections([section])
    assert doc.page_content == "Ask one open question."


def test_origin_note_is_kept_for_readers_but_not_indexed():
    origin = "*Origin: motivational interviewing\n(Miller & Rollnick), not the paper.*"
    text = f"Reflect *before* you ask.\n\n{origin}"
    [doc] = chunk_sections([Section("r", "R", text, "corpus/playbook/05.md")])
    assert doc.page_content == "Reflect *before* you ask."


# --- the corpus format -----------------------------------------------------------------------------

REQUIRED_IDS = """business-context competitors customers product-special financials current-relationship
success-definition near-term-objectives performance-measures history-and-burns us-versus-them hopes-for-change
concrete-asks asking-for-help demonstrate-understanding thats-right dont-correct seek-first-to-understand
reflective-listening open-questions talk-balance premature-pitch draft-messages""".split()


def test_corpus_has_every_section_the_debrief_cites():
    ids = [s.section_id for s in load_corpus()]
    assert len(ids) == len(set(ids))
    assert set(REQUIRED_IDS) <= set(ids), set(REQUIRED_IDS) - set(ids)


def test_corpus_files_cite_their_sources_and_mark_non_paper_ideas():
    import yaml

    for path in sorted(CORPUS_DIR.glob("*.md")):
        meta = yaml.safe_load(path.read_text().split("---\n")[1])
        cites = " ".join(meta["cites"])
        assert "Winning Together" in cites or "Miller" in cites, path.name
        if "Winning Together" not in cites:  # a file of MI practice must say it is not the paper
            assert "NOT from the Winning Together paper" in " ".join(meta["basis"].split()), path.name
    for section in load_corpus():
        if section.source.endswith("05-listening-practice.md"):
            assert "\n\n*Origin:" in section.text and section.text.endswith("*"), section.section_id
            assert "Miller & Rollnick" in section.text, section.section_id


@pytest.mark.skipif(not SEED.exists(), reason="the seed text lives outside the repository")
def test_corpus_does_not_copy_sentences_from_the_paper():
    """No run of 8 words is shared with the source text, apart from citations and Covey's quoted maxim."""
    allowed = [
        "winning together a playbook for aligning technology business",
        "dominica degrandis ana e torres elisabeth hendrickson levi geinert jeffrey fredrick",
        "seek first to understand then to be understood",
    ]

    def words(text: str) -> str:
        return " ".join(re.findall(r"[a-z']+", text.lower()))

    seed = words(SEED.read_text()).split()
    grams = {tuple(seed[i : i + 8]) for i in range(len(seed) - 7)}
    for path in [*CORPUS_DIR.glob("*.md"), CORPUS_DIR.parent / "README.md"]:
        text = words(path.read_text())
        for phrase in allowed:
            text = text.replace(phrase, " | ")
        w = text.split()
        copied = [" ".join(w[i : i + 8]) for i in range(len(w) - 7) if tuple(w[i : i + 8]) in grams]
        assert not copied, f"{path.name} copies the paper: {copied[:3]}"


FRONT = "---\ntitle: T\ncites: [X]\nbasis: B\n---\n"


@pytest.mark.parametrize(
    "files, message",
    [
        ({"01.md": "## Title without id\n\ntext\n"}, "no front matter"),
        ({"01.md": FRONT + "## Title without id\n\ntext\n"}, "has no id"),
        (
            {"01.md": FRONT + "## A {#same}\n\none\n", "02.md": FRONT + "## B {#same}\n\ntwo\n"},
            "appears in both",
        ),
        ({"01.md": FRONT + "## A {#empty}\n\n## B {#full}\n\ntext\n"}, "is empty"),
        ({"01.md": "---\ntitle: T\n---\n## A {#a}\n\ntext\n"}, "missing"),
        ({}, "No playbook files"),
    ],
)
def test_malformed_corpus_is_a_corpus_error_naming_the_fix(tmp_path, files, message):
    corpus = tmp_path / "corpus" / "playbook"
    corpus.mkdir(parents=True)
    for name, text in files.items():
        (corpus / name).write_text(text)
    with pytest.raises(CorpusError, match=message):
        load_corpus(corpus)


# --- a user's files --------------------------------------------------------------------------------


def _pdf(text: str | None) -> bytes:
    """A minimal one-page PDF; with text=None the page has no text (like a scanned image)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _oversized(path: Path) -> None:
    with open(path, "wb") as f:  # sparse: no real disk use
        f.truncate(MAX_FILE_BYTES + 1)


BAD_FILES = [
    ("binary.txt", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary file"),
    ("empty.md", lambda p: p.write_bytes(b""), "is empty"),
    ("blank.md", lambda p: p.write_text("   \n\n  "), "contains no text"),
    ("missing.md", None, "no such file"),
    ("huge.txt", _oversized, "the limit is 20 MB"),
    ("slides.pptx", lambda p: p.write_text("x"), "not supported"),
    ("latin1.txt", lambda p: p.write_bytes("caf\xe9 cr\xe8me".encode("latin-1")), "not UTF-8"),
    ("scan.pdf", lambda p: p.write_bytes(_pdf(None)), "no extractable text"),
    ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.4\nthis is not really a pdf"), "not a readable PDF"),
]


@pytest.mark.parametrize("name, make, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_user_file_is_an_input_error_naming_the_file_and_fix(tmp_path, name, make, message):
    path = tmp_path / name
    if make:
        make(path)
    with pytest.raises(InputError, match=message) as info:
        read_user_file(path)
    assert name in str(info.value)


def test_a_folder_is_refused_with_a_hint(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_user_file(tmp_path)


def test_markdown_is_split_by_heading_and_pdf_by_page(tmp_path):
    md = tmp_path / "Q3 Board Notes.md"
    md.write_text(
        "---\nx: 1\n---\nIntro line.\n\n# Revenue\n\nUp 4%.\n\n## Churn\n\nFlat.\n\n## Churn\n\nAgain.\n"
    )
    sections = read_user_file(md)
    assert [(s.section_id, s.title) for s in sections] == [
        ("q3-board-notes", "Q3 Board Notes"),
        ("q3-board-notes/revenue", "Revenue"),
        ("q3-board-notes/churn", "Churn"),
        ("q3-board-notes/churn-2", "Churn"),
    ]
    assert all(s.kind == "user" and s.source == str(md.resolve()) for s in sections)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(_pdf("Margin is the CFO's first worry"))
    [page] = read_user_file(pdf)
    assert (page.section_id, page.title) == ("plan/p1", "plan.pdf, page 1")
    assert "Margin is the CFO" in page.text


def test_all_bad_files_are_reported_at_once(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("fine")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_user_files([good, tmp_path / "empty.txt", tmp_path / "gone.md"])
    message = str(info.value)
    assert "Nothing was added" in message and "empty.txt" in message and "gone.md" in message
    assert "good.md" not in message


# --- ingest into the index (small: each file is one chunk) -----------------------------------------


def _count_user_chunks(settings) -> int:
    from coach.playbook.retrieval import open_index

    return open_index(settings).count("user")


@pytest.fixture
def tiny_corpus(tmp_path, monkeypatch):
    """A one-section corpus, so building the index costs one embedding."""
    corpus = tmp_path / "corpus" / "playbook"
    corpus.mkdir(parents=True)
    (corpus / "01.md").write_text(FRONT + "## Asks {#concrete-asks}\n\nMake one or two concrete asks.\n")
    monkeypatch.setattr("coach.playbook.ingest.CORPUS_DIR", corpus)
    from coach.playbook.retrieval import forget_indexes

    forget_indexes()
    yield corpus
    forget_indexes()


def test_a_bad_file_leaves_the_index_untouched(settings, tiny_corpus, tmp_path):
    from coach.playbook.retrieval import add_documents

    good = tmp_path / "good.md"
    good.write_text("Our CFO watches EBITDA.")
    (tmp_path / "bad.bin.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputError, match="bad.bin.txt"):
        add_documents([good, tmp_path / "bad.bin.txt"], settings)
    assert _count_user_chunks(settings) == 0


def test_reingesting_a_file_replaces_its_chunks(settings, tiny_corpus, tmp_path):
    from coach.playbook.retrieval import add_documents, search

    notes = tmp_path / "notes.md"
    notes.write_text("The budget review with Dana is in March.")
    add_documents([notes], settings)
    add_documents([notes], settings)
    assert _count_user_chunks(settings) == 1
    notes.write_text("The budget review with Dana moved to June.")
    report = add_documents([notes], settings)
    assert report["user_files"] == 1 and report["user_chunks"] == 1
    texts = [p.text for p in search("when is the budget review with Dana", k=5, settings=settings)]
    assert "The budget review with Dana moved to June." in texts
    assert not any("March" in t for t in texts)


def test_cli_ingest_reports_bad_files_with_exit_2(tmp_path, tiny_corpus):
    (tmp_path / "empty.md").write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "empty.md")])
    assert result.exit_code == 2
    assert "empty.md is empty" in result.output


def test_cli_ingest_json_summary(tmp_path, tiny_corpus):
    notes = tmp_path / "notes.txt"
    notes.write_text("Dana, our CFO, is measured on free cash flow.")
    result = CliRunner().invoke(main, ["ingest", "--json", str(notes)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["files"] == [{"path": str(notes.resolve()), "sections": 1, "chunks": 1}]
    assert summary["user_chunks"] == 1


def test_ingested_documents_survive_an_upgrade_of_the_bundled_encoder(
    settings, tiny_corpus, tmp_path, monkeypatch
):
    """A new encoder means a new collection; the user's documents are carried into it, once."""
    from coach.playbook.retrieval import add_documents, forget_indexes, open_index, search

    notes = tmp_path / "notes.md"
    notes.write_text("Dana's team is measured on days sales outstanding.")
    with monkeypatch.context() as m:
        m.setattr("coach.playbook.index.MODEL_ID", "all-MiniLM-L6-v2-int8")  # the encoder shipped before
        add_documents([notes], settings)
    forget_indexes()
    index = open_index(settings)
    assert index.carried_over == 1 and index.user_sources() == [str(notes)]
    hits = search("what is Dana's team measured on", k=3, settings=settings)
    assert any("days sales outstanding" in h.text for h in hits)
    forget_indexes()
    again = open_index(settings)
    assert again.carried_over == 0 and again.count("user") == 1
