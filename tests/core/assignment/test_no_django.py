"""The numeric core and the `accord assign` command never import Django."""

from __future__ import annotations

import subprocess
import sys


def test_importing_assignment_core_and_cli_does_not_import_django() -> None:
    code = (
        "import sys\n"
        "import accord.core.assignment, accord.cli.assign\n"
        "print('django' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
