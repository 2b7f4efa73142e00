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
        code = int(module.main(args[1:]))
        if argv is None:
            # Run from the command line: every file is written and closed by now, so skip the
            # interpreter's teardown (freeing each module, array and solver object: 0.04-0.07 s
            # of a 0.7-0.9 s `accord assign` at 2,000 x 2,000, bench/README.md).
            _exit_now(code)
        return code
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord", *args])
    return 0


def _exit_now(code: int) -> None:
    """Flush the standard streams and end the process with ``code``, without teardown."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: 120, as the interpreter's own exit says
        code = code or 120
    os._exit(code)
