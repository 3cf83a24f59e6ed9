"""Citations: the playbook section behind a piece of feedback, by id, for the debrief and draft review.

    Citation.of("dont-correct")     one section, with the opening of its text as an excerpt
    cite(["dont-correct", ...])     several, in order, each once (the corpus is parsed once, and again only when a file changes)

An unknown id is a CorpusError naming the known ones, so a feedback rule cannot cite a section that is
not there (tests check every cited id).
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.errors import CorpusError
from coach.playbook import ingest

EXCERPT_CHARS = 320


@dataclass(frozen=True)
class Citation:
    section_id: str
    title: str
    source: str
    excerpt: str = ""

    @classmethod
    def of(cls, section_id: str) -> Citation:
        return cite([section_id])[0]

    def to_dict(self) -> dict[str, str]:
        out = {"section_id": self.section_id, "title": self.title, "source": self.source}
        if self.excerpt:
            out["excerpt"] = self.excerpt
        return out


def cite(section_ids: list[str], excerpts: bool = True) -> list[Citation]:
    """The sections behind the feedback, read by id; CorpusError naming the known ids for an unknown one."""
    sections = _sections()
    out = []
    for sid in dict.fromkeys(section_ids):
        if sid not in sections:
            raise CorpusError(
                f"The feedback cites {sid!r}, which no playbook section has. Known: {', '.join(sections)}."
            )
        s = sections[sid]
        out.append(Citation(sid, s.title, s.source, excerpt(s.text) if excerpts else ""))
    return out


_read: tuple[tuple, dict[str, ingest.Section]] = ((), {})


def _sections() -> dict[str, ingest.Section]:
    """The corpus by section id, parsed again only when a corpus file changes (a debrief cites dozens)."""
    global _read
    files = ingest.corpus_files(ingest.CORPUS_DIR)
    stats = [(p.name, p.stat()) for p in files]
    stamp = (str(ingest.CORPUS_DIR), *((name, st.st_mtime_ns, st.st_size) for name, st in stats))
    if stamp != _read[0]:
        _read = (stamp, {s.section_id: s for s in ingest.load_corpus(ingest.CORPUS_DIR)})
    return _read[1]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The section's first paragraph, cut at a sentence end within ``limit`` characters."""
    first = text.strip().split("\n\n")[0].strip()
    if len(first) <= limit:
        return first
    cut = max(first.rfind(". ", 0, limit), first.rfind("? ", 0, limit), first.rfind("! ", 0, limit))
    return first[: cut + 1] if cut > 0 else first[:limit].rsplit(" ", 1)[0] + "…"
