"""The import rules between layers, checked on every import statement (also inside functions).

- services never import tasks (they enqueue by dotted path through ``accord.common.tasking``);
- selectors (reads) import neither services (writes) nor tasks: a read never writes;
- views and API modules never import tasks (they call one service, which enqueues);
- the numeric core never imports Django.

Ruff bans the module-level forms (`pyproject.toml`: TID251 for `core → django`, TID253 for any
module of `src` importing a tasks module); this walk also finds the imports hidden inside
functions, and holds the rules ruff cannot say per folder (selectors → services).
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
    return _is_layer_module(name, "tasks")


def _is_layer_module(name: str, layer: str) -> bool:
    """``name`` is (in) an app's ``layer`` package or module, e.g. accord.review.services.pool."""
    parts = name.split(".")
    return parts[0] == "accord" and layer in parts[2:]


# Where each layer lives, as globs under src/accord.
SELECTORS = ("*/selectors/**/*.py",)
VIEWS = ("*/views.py", "*/views/**/*.py", "*/api.py", "api/**/*.py")


def _offenders(
    globs: tuple[str, ...], layers: tuple[str, ...], root: Path = SRC
) -> set[tuple[str, str]]:
    """(file, imported module) for every import from the files of ``globs`` into ``layers``."""
    found = set()
    for pattern in globs:
        for path in sorted((root / "accord").glob(pattern)):
            for name in _imports(path, root):
                if any(_is_layer_module(name, layer) for layer in layers):
                    found.add((path.relative_to(root).as_posix(), name))
    return found


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


def test_selectors_never_import_services_or_tasks():
    offenders = _offenders(SELECTORS, ("services", "tasks"))
    assert offenders == set(), (
        f"a selector reads; it must not import a service or a task: {sorted(offenders)}"
    )


def test_views_never_import_tasks():
    offenders = _offenders(VIEWS, ("tasks",))
    assert offenders == set(), f"views call a service, which enqueues: {sorted(offenders)}"


def test_the_layer_rules_see_their_files():
    """The globs find the layers (a rule over no file would pass whatever the code does)."""
    assert len([p for g in SELECTORS for p in ACCORD.glob(g)]) >= 15
    assert len([p for g in VIEWS for p in ACCORD.glob(g)]) >= 20


def test_the_layer_rules_fail_on_a_breach(tmp_path):
    """A selector importing a service (inside a function) and a view importing a task are found;
    a service importing a selector is not a breach."""
    files = {
        "accord/demo_app/selectors/probe.py": "def f():\n    from accord.demo_app.services.writes import save\n",
        "accord/demo_app/views/probe.py": "from accord.demo_app.tasks import run\n",
        "accord/demo_app/services/writes.py": "from accord.demo_app.selectors.probe import f\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert _offenders(SELECTORS, ("services", "tasks"), root=tmp_path) == {
        ("accord/demo_app/selectors/probe.py", "accord.demo_app.services.writes"),
        ("accord/demo_app/selectors/probe.py", "accord.demo_app.services.writes.save"),
    }
    assert _offenders(VIEWS, ("tasks",), root=tmp_path) == {
        ("accord/demo_app/views/probe.py", "accord.demo_app.tasks"),
        ("accord/demo_app/views/probe.py", "accord.demo_app.tasks.run"),
    }


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


def test_ruff_bans_every_tasks_module():
    """Ruff's module-level ban (TID253) names every app's tasks module, so a new one is not
    silently importable from services, views or selectors."""
    import tomllib

    config = tomllib.loads((SRC.parent / "pyproject.toml").read_text())
    banned = set(
        config["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-module-level-imports"]
    )
    tasks = {_module_of(path) for path in ACCORD.glob("*/tasks.py")}
    assert len(tasks) >= 5
    assert tasks <= banned, f"add to banned-module-level-imports: {sorted(tasks - banned)}"
