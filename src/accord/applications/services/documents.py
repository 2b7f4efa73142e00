"""PDF attachments: checked by content (not by name), page and size limits, stored privately.

A PDF is refused when it holds active content a viewer could run (JavaScript, launch and other
actions that reach outside the document, embedded files, XFA forms, rich media), when it is also
an HTML page (a PDF/HTML polyglot), or when a compressed part would expand past
``MAX_INFLATED_BYTES`` (a decompression bomb). Every upload is served as an attachment in a
sandbox (``accord.common.downloads``).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zlib
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from accord.accounts.rules import require
from accord.applications.errors import ApplicationError
from accord.applications.models import Application, Document
from accord.applications.services.drafting import bump_version, lock_for_edit
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot

log = logging.getLogger(__name__)
MAX_INFLATED_BYTES = 64 * 1_048_576  # one compressed part; a 300 dpi A4 colour scan is ~26 MB
MAX_OBJECTS = 500_000  # objects walked in one file
_HTML = re.compile(rb"<\s*(?:script|html|body|iframe|svg|object|embed|!doctype\s+html)\b", re.I)
# Dictionary keys, and values of /S (action type), /Type and /Subtype, that mean active content.
_ACTIVE_KEYS = {
    "/JS": gettext_noop("JavaScript"),
    "/JavaScript": gettext_noop("JavaScript"),
    "/EmbeddedFiles": gettext_noop("embedded files"),
    "/XFA": gettext_noop("an XFA form"),
    "/RichMedia": gettext_noop("rich media"),
}
_ACTIVE_ACTIONS = {
    "/JavaScript": gettext_noop("JavaScript"),
    "/Launch": gettext_noop("a launch action"),
    "/ImportData": gettext_noop("an import-data action"),
    "/SubmitForm": gettext_noop("a submit-form action"),
    "/GoToE": gettext_noop("a link into an embedded file"),
    "/RichMediaExecute": gettext_noop("rich media"),
}
_ACTIVE_TYPES = {
    "/EmbeddedFile": gettext_noop("embedded files"),
    "/FileAttachment": gettext_noop("embedded files"),
    "/RichMedia": gettext_noop("rich media"),
}


def _inflated_size(raw: bytes, limit: int) -> int:
    """How many bytes a Flate stream expands to, reading no further than ``limit`` (+1 MB)."""
    inflater = zlib.decompressobj()
    total = 0
    data = raw
    while data and total <= limit:
        try:
            chunk = inflater.decompress(data, 1_048_576)
        except zlib.error:
            return total  # a broken stream is the viewer's problem, not a bomb
        total += len(chunk)
        data = inflater.unconsumed_tail
        if not chunk and not data:
            break
    return total


def active_content(reader: PdfReader) -> str | None:
    """What active content the document holds (for the message), "bomb" for a compressed part
    over MAX_INFLATED_BYTES, or None. Walks every object reachable from the trailer once,
    without recursion."""
    seen: set[int] = set()
    stack: list[Any] = [reader.trailer]
    walked = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            obj = obj.get_object()
        walked += 1
        if walked > MAX_OBJECTS:
            return gettext_noop("more objects than Accord checks")
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[key]
                if key == "/S" and str(value) in _ACTIVE_ACTIONS:
                    return _ACTIVE_ACTIONS[str(value)]
                if key in ("/Type", "/Subtype") and str(value) in _ACTIVE_TYPES:
                    return _ACTIVE_TYPES[str(value)]
                if key not in ("/Parent", "/P"):  # back-links: reached from above anyway
                    stack.append(value)
            if isinstance(obj, StreamObject):
                filters = obj.get("/Filter")
                first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
                if (
                    str(first) == "/FlateDecode"
                    and _inflated_size(obj._data, MAX_INFLATED_BYTES) > MAX_INFLATED_BYTES
                ):
                    return "bomb"
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def read_pdf(data: bytes, *, max_bytes: int, max_pages: int, name: str) -> int:
    """Return the page count, or raise ApplicationError saying what is wrong with the file."""
    if len(data) > max_bytes:
        raise ApplicationError(
            _(
                "%(name)s is %(size)s MB; the limit is %(limit)s MB. Make the file smaller and upload it again."
            )
            % {
                "name": name,
                "size": f"{len(data) / 1_048_576:.1f}",
                "limit": max_bytes // 1_048_576,
            },
            code="too_large",
        )
    if not data.startswith(b"%PDF-"):
        raise ApplicationError(
            _("%(name)s is not a PDF file. Save or export it as PDF and upload it again.")
            % {"name": name},
            code="not_pdf",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ApplicationError(
                _("%(name)s is password-protected. Upload a PDF without a password.")
                % {"name": name},
                code="encrypted",
            )
        pages = len(reader.pages)
        found = active_content(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ApplicationError(
            _("%(name)s is damaged or not a real PDF. Export it again and upload it.")
            % {"name": name},
            code="broken_pdf",
        ) from exc
    if found == "bomb":
        raise ApplicationError(
            _(
                "%(name)s has a compressed part that would expand to more than %(limit)s MB (a "
                "“decompression bomb”). Export or print the document to a new PDF and upload that."
            )
            % {"name": name, "limit": MAX_INFLATED_BYTES // 1_048_576},
            code="pdf_bomb",
        )
    if found is not None:
        raise ApplicationError(
            _(
                "%(name)s contains active content (%(what)s), which Accord does not accept: a "
                "reader's PDF viewer could run it. Print the document to a new PDF (“Save as PDF”) "
                "and upload that."
            )
            % {"name": name, "what": _(found)},
            code="pdf_active",
        )
    if _HTML.search(data):
        raise ApplicationError(
            _(
                "%(name)s is also a web page (it contains HTML), which Accord does not accept. "
                "Print the document to a new PDF (“Save as PDF”) and upload that."
            )
            % {"name": name},
            code="pdf_polyglot",
        )
    if pages == 0:
        raise ApplicationError(_("%(name)s has no pages.") % {"name": name}, code="empty_pdf")
    if pages > max_pages:
        raise ApplicationError(
            _("%(name)s has %(pages)s pages; the limit is %(limit)s.")
            % {"name": name, "pages": pages, "limit": max_pages},
            code="too_many_pages",
        )
    return pages


def upload_document(
    *, application: Application, kind: str, name: str, data: bytes, actor: Any
) -> Document:
    call = application.call
    pages = read_pdf(
        data, max_bytes=call.max_upload_mb * 1_048_576, max_pages=call.max_pages, name=name
    )
    with transaction.atomic():
        locked = lock_for_edit(application, expected_version=None)
        require(
            actor,
            "applications.upload_document",
            locked,
            _("Only the application's team uploads its documents."),
        )
        digest = hashlib.sha256(data).hexdigest()
        document = Document(
            application=locked,
            kind=kind,
            original_name=name[:255],
            size=len(data),
            pages=pages,
            sha256=digest,
            uploaded_by=actor,
        )
        try:
            document.file.save(f"{digest[:16]}.pdf", ContentFile(data), save=False)
        except OSError as error:  # unwritable or full media folder: nothing is saved
            log.error("storing %s failed: %s", name, error)
            raise ApplicationError(
                _(
                    "%(name)s could not be stored: the file store is not available just now. "
                    "Nothing was saved; please try again later, and tell the secretariat if it "
                    "keeps happening."
                )
                % {"name": name},
                code="storage",
            ) from error
        document.save()
        bump_version(locked)
        log_action(
            actor=actor, action=AuditAction.CREATE, instance=document, after=snapshot(document)
        )
        return document


def delete_document(*, document: Document, actor: Any) -> None:
    with transaction.atomic():
        locked = lock_for_edit(document.application, expected_version=None)
        require(
            actor,
            "applications.upload_document",
            locked,
            _("Only the application's team removes its documents."),
        )
        log_action(
            actor=actor, action=AuditAction.DELETE, instance=document, before=snapshot(document)
        )
        document.delete()
        bump_version(locked)
