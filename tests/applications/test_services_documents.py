"""PDF uploads: judged by content, not by name; limits on size and pages; nothing kept on refusal."""

from __future__ import annotations

import pytest

from accord.applications.enums import DocumentKind
from accord.applications.errors import ApplicationError
from accord.applications.models import Document
from accord.applications.services.documents import upload_document
from accord.programmes.services.calls import update_call
from tests.applications.conftest import fresh, pdf_bytes

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_a_real_pdf_is_stored_with_its_page_count(draft, uk_lead, media):
    data = pdf_bytes(4)

    document = upload_document(
        application=draft,
        kind=DocumentKind.CASE,
        name="Case for support.pdf",
        data=data,
        actor=uk_lead,
    )

    assert (document.pages, document.size, document.original_name) == (
        4,
        len(data),
        "Case for support.pdf",
    )
    assert document.file.read() == data
    assert stored_files(media) == [f"{document.sha256[:16]}.pdf"]
    assert fresh(draft).version == draft.version + 1


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("picture.pdf", PNG, "not_pdf"),
        ("notes.pdf", b"Case for support\nWe will work together.\n", "not_pdf"),
        ("garbage.pdf", b"%PDF-1.7\nthis is not really a pdf at all\n" * 20, "broken_pdf"),
        ("truncated.pdf", pdf_bytes(2)[:200], "broken_pdf"),
    ],
    ids=["png-renamed", "text-renamed", "pdf-header-then-garbage", "truncated-pdf"],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(
    draft, uk_lead, media, name, data, code
):
    with pytest.raises(ApplicationError) as refused:
        upload_document(
            application=draft, kind=DocumentKind.CASE, name=name, data=data, actor=uk_lead
        )

    assert refused.value.code == code
    assert (Document.objects.count(), stored_files(media), fresh(draft).version) == (
        0,
        [],
        draft.version,
    )


def test_an_oversized_file_is_refused_and_nothing_is_stored(draft, uk_lead, media):
    update_call(call=draft.call, values={"max_upload_mb": 1}, areas=None, actor=None)
    data = pdf_bytes(1)
    data += b"%" + b" " * (1_048_576 - len(data))  # a comment pads it to 1 MiB + 1 byte

    with pytest.raises(ApplicationError) as refused:
        upload_document(
            application=fresh(draft),
            kind=DocumentKind.CASE,
            name="big.pdf",
            data=data,
            actor=uk_lead,
        )

    assert (refused.value.code, refused.value.messages) == (
        "too_large",
        ["big.pdf is 1.0 MB; the limit is 1 MB. Make the file smaller and upload it again."],
    )
    assert (Document.objects.count(), stored_files(media), fresh(draft).version) == (
        0,
        [],
        draft.version,
    )


def test_a_file_of_exactly_the_size_limit_is_accepted(draft, uk_lead, media):
    update_call(call=draft.call, values={"max_upload_mb": 1}, areas=None, actor=None)
    data = pdf_bytes(1)
    data += b"\n%" + b" " * (1_048_576 - len(data) - 2)
    assert len(data) == 1_048_576
    assert (
        upload_document(
            application=fresh(draft),
            kind=DocumentKind.CASE,
            name="exact.pdf",
            data=data,
            actor=uk_lead,
        ).pages
        == 1
    )


def test_too_many_pages_are_refused_and_the_limit_itself_is_accepted(draft, uk_lead, media):
    assert draft.call.max_pages == 6  # the Royal Society–NRF template

    with pytest.raises(ApplicationError) as refused:
        upload_document(
            application=draft,
            kind=DocumentKind.CASE,
            name="long.pdf",
            data=pdf_bytes(7),
            actor=uk_lead,
        )
    assert (refused.value.code, refused.value.messages) == (
        "too_many_pages",
        ["long.pdf has 7 pages; the limit is 6."],
    )
    assert (Document.objects.count(), stored_files(media), fresh(draft).version) == (
        0,
        [],
        draft.version,
    )

    assert (
        upload_document(
            application=draft,
            kind=DocumentKind.CASE,
            name="six.pdf",
            data=pdf_bytes(6),
            actor=uk_lead,
        ).pages
        == 6
    )
