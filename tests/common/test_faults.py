"""Faults answer calmly: a database outage gives the bilingual 503 page (nothing was lost, try
again), an unusable file store refuses an upload with a clear message and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from accord.applications.models import Application, Document
from tests.applications.test_applicant_views import _pdf
from tests.factories.applications import make_applicant, make_joint_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead():
    application = make_joint_application(title_en="Fault lines")
    person = application.members.get(country="GB", role="lead").person
    return application, make_applicant(person=person)


def database_down(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_a_database_outage_answers_the_bilingual_503_page(client, lead):
    application, user = lead
    client.force_login(user)
    url = reverse("applications:detail", args=[application.reference])
    with connection.execute_wrapper(database_down):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    html = response.content.decode()
    assert "Temporarily unavailable" in html
    assert "Nothing was lost" in html
    assert "일시적으로 사용할 수 없습니다" in html
    assert client.get(url).status_code == 200  # and the next request, with the database, works


def test_a_write_during_an_outage_is_rolled_back_and_answers_503(client, lead):
    application, user = lead
    client.force_login(user)
    url = reverse("applications:edit", args=[application.reference])
    calls = {"n": 0}

    def fail_on_the_audit_insert(execute, sql, params, many, context):
        if "common_auditentry" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("terminating connection due to administrator command")
        calls["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_on_the_audit_insert):
        response = client.post(url, {"version": application.version, "title_en": "Half-written"})
    assert response.status_code == 503
    assert Application.objects.get(pk=application.pk).title_en == "Fault lines"


def test_an_unusable_file_store_refuses_the_upload_clearly(client, lead, settings, tmp_path):
    application, user = lead
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker / "media")  # every write below it fails (ENOTDIR)
    client.force_login(user)
    pdf = SimpleUploadedFile("case.pdf", _pdf(1), content_type="application/pdf")
    response = client.post(
        reverse("applications:upload", args=[application.reference]),
        {"kind": "case", "file": pdf},
        follow=True,
    )
    assert response.status_code == 200
    assert "case.pdf could not be stored: the file store is not available just now." in (
        response.content.decode()
    )
    assert not Document.objects.filter(application=application).exists()
    assert Application.objects.get(pk=application.pk).version == application.version
