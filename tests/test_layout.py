"""The package's shape: no import circles, no hidden imports of our own modules, data flowing one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coach"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imported(tree: ast.AST, me: str) -> set[str]:
    """coach modules a tree imports (``from coach.x import y`` counts y when y is itself a module)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coach"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("coach")}
    return {m for m in out if m in MODULES and m != me}


def _runtime_imports(name: str) -> set[str]:
    """Imports that run: everything but the ``if TYPE_CHECKING:`` blocks."""
    tree = MODULES[name]
    kept = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        kept.body.append(node)
    return _imported(kept, name)


GRAPH = {name: _runtime_imports(name) for name in MODULES}


def test_no_import_circles():
    seen: dict[str, int] = {}  # 1 visiting, 2 done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(GRAPH[node]):
            if seen.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in seen:
                visit(nxt, path + [nxt])
        seen[node] = 2

    for name in sorted(GRAPH):
        if name not in seen:
            visit(name, [name])
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_function_local_imports_of_our_own_modules():
    """A function-local import of a coach module hides the layering (and usually dodges a circle)."""
    hidden = []
    for name, tree in MODULES.items():
        if name.startswith("coach.cli"):
            continue  # the CLI imports each command's module when that command runs, to start fast
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("coach"):
                        hidden.append(f"{name}.{fn.name}: from {node.module} import ...")
    assert not hidden, hidden


@pytest.mark.parametrize(
    "lower, higher",
    [
        ("coach.counterpart", "coach.debrief"),
        ("coach.counterpart", "coach.drafts"),
        ("coach.scoring.behaviours", "coach.counterpart"),
        ("coach.playbook", "coach.counterpart"),
        ("coach.store", "coach.debrief"),
        ("coach.text", "coach.counterpart"),
        ("coach.vocab", "coach.counterpart"),
        ("coach.cues", "coach.counterpart"),
    ],
)
def test_data_flows_one_way(lower, higher):
    """A lower part never imports a higher one (UI or CLI -> coach functions -> seams)."""
    offenders = [
        f"{m} imports {d}"
        for m, deps in GRAPH.items()
        if m == lower or m.startswith(lower + ".")
        for d in deps
        if d == higher or d.startswith(higher + ".")
    ]
    assert not offenders, offenders


def test_the_ui_and_the_cli_reach_no_sdk_directly():
    """app.py, views/ and the CLI call the coach package; only the seams import the SDKs."""
    sdks = ("openai", "chromadb", "onnxruntime", "httpx", "httpx2")
    files = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py")), *sorted((PACKAGE / "cli").glob("*.py"))]
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in sdks]
    assert not found, found


def test_every_third_party_import_is_declared():
    """A package the code imports must be in pyproject.toml (or be part of Python)."""
    import sys
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        d.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip().lower()
        for d in project["dependencies"]
    }
    module_to_dist = {
        "yaml": "pyyaml",
        "pypdf": "pypdf",
        "langchain_core": "langchain-core",
        "langchain_text_splitters": "langchain-text-splitters",
    }
    optional = {
        d.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip().lower()
        for extra in project.get("optional-dependencies", {}).values()
        for d in extra
    }
    missing = set()
    for tree in MODULES.values():
        # an import inside `try: ... except ImportError` may name an optional extra (the code runs without it)
        guarded = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Try)
            and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers
            )
            for stmt in node.body
            for inner in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                if top == "coach" or top in sys.stdlib_module_names or top == "__future__":
                    continue
                dist = module_to_dist.get(top, top).lower().replace("_", "-")
                if dist not in declared and not (id(node) in guarded and dist in optional):
                    missing.add(f"{top} (as {dist})")
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"
