"""The `accord` command.

Numeric commands (`affinity`, `assign`, `portfolio`) work on plain files and never start
Django; every other word is passed to Django's management commands (`accord migrate`,
`accord load-reference`, `accord export 360giving`, ...).
"""

from __future__ import annotations

import importlib
import os
import sys

# Each of these modules exposes `main(argv: list[str]) -> int` and imports no Django.
CORE_COMMANDS = {
    "affinity": "accord.cli.affinity",
    "assign": "accord.cli.assign",
    "portfolio": "accord.cli.portfolio",
}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in CORE_COMMANDS:
        module = importlib.import_module(CORE_COMMANDS[args[0]])
        return int(module.main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord", *args])
    return 0
