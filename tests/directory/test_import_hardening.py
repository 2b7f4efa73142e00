"""Publication imports hardened (issue 10, finding 1): bounded in entries and nesting (a clear
message, never a RecursionError or a 500), run off the request as a task with progress on the page,
written in batches, and limited per user."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accord.core.pubimport import (
    MAX_ENTRIES,
    MAX_NESTING,
    PublicationImportError,
    import_bibtex,
    import_orcid_json,
    import_orcid_xml,
)
from accord.directory.models import PublicationImport
from accord.directory.services.publications import IMPORT_BATCH, IMPORTS_PER_HOUR
from tests.factories.accounts import UserFactory
from tests.factories.directory import PersonFactory

PROFILE = reverse("directory:my_profile")
IMPORT = reverse("directory:my_publications_import")


def bibtex(n: int, start: int = 0) -> bytes:
    return "".join(
        f"@article{{k{i},\n  title = {{Work number {i} on graphene}},\n  year = {{2020}},\n"
        f"  doi = {{10.1000/w.{i}}}\n}}\n"
        for i in range(start, start + n)
    ).encode()


@pytest.fixture
def researcher(client):
    user = UserFactory(person=PersonFactory(name_en="Min-jun Kim"))
    client.force_login(user)
    return user


def post(client, name, data, **kwargs):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, **kwargs)


# ------------------------------------------------------------------ bounds (core, no database)
def test_deeply_nested_orcid_json_is_a_clear_error_not_a_recursion_error():
    with pytest.raises(PublicationImportError) as caught:
        import_orcid_json("deep.json", text="[" * 200_000)
    assert str(caught.value) == (
        f"deep.json: nested more than {MAX_NESTING} levels deep; an ORCID record is about 10. "
        "Download the record again from ORCID."
    )


def test_deeply_nested_orcid_xml_is_a_clear_error():
    with pytest.raises(PublicationImportError, match="nested more than 64 levels deep"):
        import_orcid_xml("deep.xml", text="<a>" * 50_000 + "</a>" * 50_000)


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = '{"group": [], "title": "' + "[" * 500 + '"}'
    assert import_orcid_json("ok.json", text=text).publications == []


def test_more_entries_than_the_bound_is_refused_before_parsing():
    text = "".join(f"@misc{{k{i}, title={{t{i}}}}}\n" for i in range(MAX_ENTRIES + 1))
    with pytest.raises(PublicationImportError) as caught:
        import_bibtex("many.bib", text=text)
    assert str(caught.value) == (
        f"many.bib: 10,001 BibTeX entries; Accord imports at most {MAX_ENTRIES:,} per file. "
        "Split the file and import the parts one after the other."
    )


def test_latex_is_still_decoded_where_there_is_markup():
    text = (
        '@article{a, title={Schr{\\"o}dinger bridges -- a {DNA} view}, year={2021}}\n'
        "@article{b, title={Plain title with no markup}, year={2022}}\n"
    )
    assert [p.title for p in import_bibtex("t.bib", text=text).publications] == [
        "Schrödinger bridges – a DNA view",
        "Plain title with no markup",
    ]


# ------------------------------------------------------------------ through the page
@pytest.mark.django_db
def test_deep_orcid_json_upload_reports_the_error_not_a_500(client, researcher):
    response = post(client, "orcid.json", b"[" * 200_000, follow=True)
    assert response.status_code == 200
    assert response.context["report"].error.startswith(
        "orcid.json could not be read: nested more than 64 levels deep"
    )
    assert researcher.person.publications.count() == 0


@pytest.mark.django_db
def test_an_import_is_written_in_batches_and_reports_its_progress(client, researcher):
    n = 2 * IMPORT_BATCH + 50
    response = post(client, "many.bib", bibtex(n), follow=True)
    record = response.context["report"]
    assert (record.state, record.total, record.processed, record.added) == ("done", n, n, n)
    assert bytes(record.data) == b""  # the file is not kept once imported
    assert researcher.person.publications.count() == n
    again = post(client, "many.bib", bibtex(n + 10), follow=True).context["report"]
    assert (again.added, again.already_there) == (10, n)


@pytest.mark.django_db(transaction=True)
def test_the_import_runs_in_the_worker_and_the_page_polls_its_progress(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = UserFactory(person=PersonFactory(name_en="Min-jun Kim"))
    client.force_login(user)
    response = post(client, "pubs.bib", bibtex(30))
    record = PublicationImport.objects.get()
    assert response["Location"] == f"{PROFILE}?import={record.pk}#import-report"
    assert (record.state, user.person.publications.count()) == ("queued", 0)
    page = client.get(PROFILE).content.decode()  # the import under way is shown, polling
    status_url = reverse("directory:my_publications_import_status", args=[record.pk])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in page
    assert client.get(status_url).status_code == 200
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    record.refresh_from_db()
    assert (record.state, record.added, user.person.publications.count()) == ("done", 30, 30)
    done = client.get(status_url)
    assert (done.status_code, done["HX-Redirect"]) == (204, f"{PROFILE}?import={record.pk}")


@pytest.mark.django_db
def test_another_users_import_is_a_404(client, researcher):
    post(client, "pubs.bib", bibtex(3))
    record = PublicationImport.objects.get()
    client.force_login(UserFactory(person=PersonFactory()))
    status_url = reverse("directory:my_publications_import_status", args=[record.pk])
    assert client.get(status_url).status_code == 404
    assert client.get(f"{PROFILE}?import={record.pk}").status_code == 404


@pytest.mark.django_db
def test_imports_are_limited_per_user_per_hour(client, researcher):
    for i in range(IMPORTS_PER_HOUR):
        assert post(client, f"p{i}.bib", bibtex(1, start=i)).status_code == 302
    refused = post(client, "one-more.bib", bibtex(1, start=99))
    assert refused.status_code == 200
    [error] = refused.context["import_form"].errors["file"]
    assert error.startswith(
        f"You have started {IMPORTS_PER_HOUR} imports in the last hour, the most Accord takes. "
        "Try again after "
    )
    assert PublicationImport.objects.count() == IMPORTS_PER_HOUR


@pytest.mark.django_db(transaction=True)
def test_one_import_at_a_time(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(UserFactory(person=PersonFactory()))
    post(client, "first.bib", bibtex(2))
    refused = post(client, "second.bib", bibtex(2))
    assert refused.context["import_form"].errors["file"] == [
        "The import of first.bib is still running; wait for it to finish."
    ]


@pytest.mark.django_db
def test_a_user_without_a_profile_gets_404_for_an_import(client, researcher):
    post(client, "pubs.bib", bibtex(1))
    record = PublicationImport.objects.get()
    client.force_login(UserFactory())
    status_url = reverse("directory:my_publications_import_status", args=[record.pk])
    assert client.get(status_url).status_code == 404
    client.logout()
    assert client.get(status_url).status_code == 302
