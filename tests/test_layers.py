"""The import rules between layers, checked on every import statement (also inside functions).

Ruff bans the module-level forms (`pyproject.toml`: TID251 for `core → django`, TID253 for
`services → tasks`); this walk also finds the imports hidden inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ACCORD = SRC / "accord"

# Known `services → tasks` imports (issue 13): a service should enqueue through a small interface
# instead. Remove a line when its import goes; the test fails on any new one and on a stale line.
KNOWN_SERVICES_TO_TASKS = {
    ("accord/decisions/services/letters.py", "accord.decisions.tasks"),
    ("accord/matching/services/runs.py", "accord.matching.tasks"),
    ("accord/review/services/assignment.py", "accord.review.tasks"),
}


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved (``from x import y`` gives x and x.y)."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _is_tasks_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "accord" and "tasks" in parts[2:]


def test_services_never_import_tasks():
    found = set()
    for path in sorted(ACCORD.glob("*/services/**/*.py")):
        for name in _imports(path):
            if _is_tasks_module(name):
                found.add(
                    (path.relative_to(SRC).as_posix(), name.partition(".tasks")[0] + ".tasks")
                )
    new = found - KNOWN_SERVICES_TO_TASKS
    assert not new, f"services must not import tasks (enqueue through an interface): {sorted(new)}"
    gone = KNOWN_SERVICES_TO_TASKS - found
    assert not gone, f"fixed, remove from KNOWN_SERVICES_TO_TASKS: {sorted(gone)}"


def test_numeric_core_never_imports_django():
    offenders = sorted(
        (path.relative_to(SRC).as_posix(), name)
        for path in ACCORD.glob("core/**/*.py")
        for name in _imports(path)
        if name == "django" or name.startswith("django.")
    )
    assert offenders == []


def test_the_walk_sees_imports_inside_functions():
    """The check itself: a function-level import of a tasks module is found."""
    probe = ACCORD / "matching" / "services" / "runs.py"
    assert "accord.matching.tasks" in _imports(probe)
    assert _is_tasks_module("accord.review.tasks.run_assignment")
    assert not _is_tasks_module("django_tasks")
    assert not _is_tasks_module("accord.review.services.assignment")
