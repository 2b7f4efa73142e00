"""Hostile PDFs (issue 10, finding 6): active content, PDF/HTML polyglots and decompression bombs
are refused with a clear message, nothing stored; every upload is served as an attachment in a
CSP sandbox, never sniffed."""

from __future__ import annotations

import io
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from accord.applications.enums import DocumentKind
from accord.applications.errors import ApplicationError
from accord.applications.models import Document
from accord.applications.services.documents import MAX_INFLATED_BYTES, upload_document
from tests.applications.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def open_action_javascript() -> bytes:
    """/OpenAction << /S /JavaScript /JS (app.alert…) >>, as the issue's probe."""
    writer = blank()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return written(writer)


def launch_action() -> bytes:
    writer = blank()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return written(writer)


def embedded_file() -> bytes:
    writer = blank()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    return written(writer)


def annotation_javascript() -> bytes:
    writer = blank()
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return written(writer)


def polyglot() -> bytes:
    return pdf_bytes(1) + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def bomb() -> bytes:
    """A 200 KB compressed stream that inflates to 200 MB, as the issue's probe."""
    writer = blank()
    inflated = MAX_INFLATED_BYTES * 3 + 8_000_000
    packer = zlib.compressobj(9)
    chunk = b"\0" * 1_048_576
    raw = b"".join(packer.compress(chunk) for _ in range(inflated // len(chunk))) + packer.flush()
    stream = DecodedStreamObject()
    stream.set_data(b"")
    stream._data = raw
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return written(writer)


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (
            open_action_javascript,
            "pdf_active",
            "case.pdf contains active content (JavaScript), which Accord does not accept",
        ),
        (launch_action, "pdf_active", "case.pdf contains active content (a launch action)"),
        (embedded_file, "pdf_active", "case.pdf contains active content (embedded files)"),
        (annotation_javascript, "pdf_active", "case.pdf contains active content (JavaScript)"),
        (polyglot, "pdf_polyglot", "case.pdf is also a web page (it contains HTML)"),
        (
            bomb,
            "pdf_bomb",
            "case.pdf has a compressed part that would expand to more than 64 MB",
        ),
    ],
    ids=["openaction-js", "launch", "embedded-file", "link-js", "pdf-html-polyglot", "bomb"],
)
def test_hostile_pdfs_are_refused_and_nothing_is_stored(draft, uk_lead, media, make, code, message):
    data = make()
    with pytest.raises(ApplicationError) as caught:
        upload_document(
            application=draft, kind=DocumentKind.CASE, name="case.pdf", data=data, actor=uk_lead
        )
    assert caught.value.code == code
    assert str(caught.value.message).startswith(message)
    assert Document.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_bomb_file_is_small(draft):
    assert len(bomb()) < 400_000


def test_a_pdf_with_links_and_compressed_pages_is_accepted(draft, uk_lead):
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_uri(0, "https://example.org/", [0, 0, 100, 100])
    document = upload_document(
        application=draft,
        kind=DocumentKind.CASE,
        name="case.pdf",
        data=written(writer),
        actor=uk_lead,
    )
    assert document.pages == 3
