"""`accord backup` / `accord restore` round trip: every table and every media file come back
exactly (SQLite and PostgreSQL); a damaged backup is refused before anything is touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accord.applications.models import Application, Document
from accord.applications.services.documents import upload_document
from tests.applications.test_applicant_views import _pdf
from tests.factories.applications import make_applicant, make_joint_application

pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, list[tuple]]:
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            tables[table] = sorted(cursor.fetchall(), key=repr)
    return tables


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_backup_and_restore_bring_back_every_table_and_every_file(media, tmp_path):
    application = make_joint_application(title_en="Backed up", title_ko="백업된 과제")
    lead = make_applicant(person=application.members.get(country="GB", role="lead").person)
    upload_document(application=application, kind="case", name="case.pdf", data=_pdf(2), actor=lead)
    upload_document(application=application, kind="cv", name="cv.pdf", data=_pdf(1), actor=lead)
    tables, files = every_table(), every_file(media)
    assert len(files) == 2
    assert sum(len(rows) for rows in tables.values()) > 50

    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert sorted(f["path"] for f in manifest["media"]) == sorted(files)

    # what happens after the backup is undone by the restore
    Document.objects.first().file.delete(save=False)
    Application.objects.filter(pk=application.pk).delete()
    make_joint_application(title_en="Made after the backup")
    (media / "stray.txt").write_text("not in the backup")
    assert every_table() != tables

    call_command("restore", str(backup), "--yes")

    assert every_table() == tables
    assert every_file(media) == files
    restored = Application.objects.get(pk=application.pk)
    assert restored.title_ko == "백업된 과제"
    with restored.documents.get(kind="case").file.open("rb") as handle:
        assert handle.read() == _pdf(2)


def test_a_damaged_backup_is_refused_and_nothing_is_touched(media, tmp_path):
    application = make_joint_application(title_en="Kept")
    lead = make_applicant(person=application.members.get(country="GB", role="lead").person)
    upload_document(application=application, kind="case", name="case.pdf", data=_pdf(1), actor=lead)
    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    (stored,) = (backup / "media").rglob("*.pdf")
    stored.write_bytes(b"%PDF-1.7 tampered")
    make_joint_application(title_en="Made after the backup")
    tables = every_table()

    with pytest.raises(CommandError, match="damaged \\(checksum differs\\)"):
        call_command("restore", str(backup), "--yes")

    assert every_table() == tables
