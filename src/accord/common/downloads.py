"""Uploaded and generated files, served the one safe way: always as an attachment (never opened
inline by the browser), in a CSP sandbox, and never sniffed as another type."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse


def private_file(file: IO[bytes], *, filename: str, content_type: str) -> FileResponse:
    """A permission-checked view's answer for one private file."""
    response = FileResponse(file, content_type=content_type, as_attachment=True, filename=filename)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
