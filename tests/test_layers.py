"""The import rules between layers, checked on every import statement (also inside functions).

Ruff bans the module-level forms (`pyproject.toml`: TID251 for `core → django`, TID253 for
`services → tasks`); this walk also finds the imports hidden inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ACCORD = SRC / "accord"

# Services enqueue through accord.common.tasking by the task's dotted path; none imports a tasks
# module. (Kept as a set so that a temporary exception would be visible and named here.)
KNOWN_SERVICES_TO_TASKS: set[tuple[str, str]] = set()


def _module_of(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, root: Path = SRC) -> set[str]:
    """Every module ``path`` imports, relative imports resolved (``from x import y`` gives x and x.y)."""
    module = _module_of(path, root)
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


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The check itself: a function-level import of a tasks module is found."""
    probe = tmp_path / "accord" / "demo_services" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("def f():\n    from accord.matching.tasks import run_matching\n")
    assert "accord.matching.tasks" in _imports(probe, root=tmp_path)
    assert _is_tasks_module("accord.review.tasks.run_assignment")
    assert not _is_tasks_module("django_tasks")
    assert not _is_tasks_module("accord.review.services.assignment")


def test_every_task_a_service_names_exists():
    """Services name their tasks by dotted path (accord.common.tasking); a typo there would only
    show when the work is queued, so each named path must resolve to a task here."""
    import re

    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    named = set()
    for path in ACCORD.glob("*/services/**/*.py"):
        named.update(re.findall(r'"(accord\.\w+\.tasks\.\w+)"', path.read_text()))
    assert len(named) >= 7
    for name in sorted(named):
        assert isinstance(import_string(name), Task), name
