"""PDF attachments: checked by content (not by name), page and size limits, stored privately."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from accord.applications.errors import ApplicationError
from accord.applications.models import Application, Document
from accord.applications.services.drafting import bump_version, lock_for_edit
from accord.common.models import AuditAction
from accord.common.services.audit import log_action, snapshot

log = logging.getLogger(__name__)


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
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ApplicationError(
            _("%(name)s is damaged or not a real PDF. Export it again and upload it.")
            % {"name": name},
            code="broken_pdf",
        ) from exc
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
        log_action(
            actor=actor, action=AuditAction.DELETE, instance=document, before=snapshot(document)
        )
        document.delete()
        bump_version(locked)
