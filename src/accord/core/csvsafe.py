"""CSV cells a spreadsheet will not run as formulas (OWASP "CSV injection").

Every CSV Accord writes goes through :func:`writer` (or :func:`safe_cell` for one value): a text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
apostrophe, which spreadsheets read as "this is text". Plain numbers (``-12.5``, ``+3``, ``1e-4``)
are not formulas and pass unchanged, so numeric columns keep their values.

Pure Python; no Django (the numeric core's 360Giving export uses it too).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_PREFIXES = frozenset({"=", "+", "-", "@", "\t", "\r"})
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def safe_cell(value: object) -> object:
    """``value`` as a cell no spreadsheet evaluates: text with a formula prefix gets a ``'``."""
    if not isinstance(value, str) or value[:1] not in FORMULA_PREFIXES:
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeWriter:
    """A ``csv.writer`` whose every cell passes through :func:`safe_cell`."""

    def __init__(self, stream: Any, **kwargs: Any) -> None:
        self._writer: _Writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **kwargs: Any) -> SafeWriter:
    """Like ``csv.writer(stream, **kwargs)``, with formula prefixes neutralised in every cell."""
    return SafeWriter(stream, **kwargs)
