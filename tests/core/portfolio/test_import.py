"""The numeric core never pulls in Django."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_portfolio_core_and_cli_does_not_import_django() -> None:
    code = "import sys, accord.core.portfolio, accord.cli.portfolio; print('django' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert output.strip() == "False"
