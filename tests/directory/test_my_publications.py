"""'My profile': a researcher's publications entered by hand or imported from BibTeX, RIS and
ORCID files; edit and delete of their own entries only; partner-finder visibility; audit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.common.models import AuditEntry
from accord.directory.models import Person, Publication
from tests.factories.accounts import UserFactory
from tests.factories.directory import PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db

PUBS = Path(__file__).parent.parent / "core" / "data" / "pubs"
PROFILE = reverse("directory:my_profile")
IMPORT = reverse("directory:my_publications_import")
ADD = reverse("directory:my_publication_add")

BIB_TITLES = [
    "Photonic Integrated Circuits for Quantum Key Distribution",
    "반도체 공정 데이터를 이용한 결함 예측",
    "Schrödinger Bridges for Generative Modelling",
    "Satellite Telemetry Compression",
]
RIS_TITLES = [
    "Photonic integrated circuits for quantum key distribution",
    "양자 센서를 이용한 자기장 측정",
    "Engineering biology foundries: a UK–Korea comparison",
]


@pytest.fixture
def researcher(client):
    person = PersonFactory(name_en="Min-jun Kim", name_ko="김민준", country="KR")
    user = UserFactory(person=person)
    client.force_login(user)
    return user


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (PUBS / name).read_bytes() if data is None else data)


def titles(person: Person) -> list[str]:
    return list(person.publications.order_by("pk").values_list("title", flat=True))


def publication_audit(action: str) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(Publication)
    return list(AuditEntry.objects.filter(content_type=ct, action=action).order_by("id"))


# ---------------------------------------------------------------------- import
def test_import_bibtex_adds_the_good_entries_with_exact_titles(client, researcher):
    response = client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)

    assert response.status_code == 200
    assert titles(researcher.person) == BIB_TITLES
    report = response.context["report"]
    assert report.added == len(BIB_TITLES)
    assert report.already_there == 0
    html = response.content.decode()
    assert "4 publications added" in html
    assert "0 already in your profile" in html


def test_import_keeps_coauthors_without_the_researcher(client, researcher):
    client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)
    client.post(IMPORT, {"file": upload("sample.ris")}, follow=True)

    coauthors = dict(researcher.person.publications.values_list("title", "coauthors"))
    assert coauthors["Photonic Integrated Circuits for Quantum Key Distribution"] == [
        "Smith, Jane A.",
        "Park, Ji-woo",
    ]
    assert coauthors["반도체 공정 데이터를 이용한 결함 예측"] == ["이서연"]
    assert coauthors["Schrödinger Bridges for Generative Modelling"] == [
        "Müller, Jérôme",
        "Kim, M.",
    ]
    assert coauthors["양자 센서를 이용한 자기장 측정"] == ["박지우"]


def test_import_ris_adds_the_records_with_exact_fields(client, researcher):
    response = client.post(IMPORT, {"file": upload("sample.ris")}, follow=True)

    assert response.status_code == 200
    assert titles(researcher.person) == RIS_TITLES
    korean = researcher.person.publications.get(title="양자 센서를 이용한 자기장 측정")
    assert (korean.year, korean.language, korean.doi, korean.venue) == (
        2023,
        "ko",
        "10.3938/npsm.2023.77",
        "한국물리학회지",
    )
    assert response.context["report"].problems[0]["position"] == "entry 3 (line 23)"


def test_importing_the_same_file_twice_adds_nothing_the_second_time(client, researcher):
    client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)

    response = client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)

    report = response.context["report"]
    assert (report.added, report.already_there) == (0, 4)
    assert titles(researcher.person) == BIB_TITLES
    assert "0 publications added" in response.content.decode()
    assert "4 already in your profile" in response.content.decode()


def test_ris_after_bibtex_merges_the_work_with_the_same_doi(client, researcher):
    client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)

    report = client.post(IMPORT, {"file": upload("sample.ris")}, follow=True).context["report"]

    assert report.added == len(RIS_TITLES[1:])
    assert titles(researcher.person) == BIB_TITLES + RIS_TITLES[1:]
    assert report.already_there == 1
    assert researcher.person.publications.count() == 6


def test_orcid_json_import_recognises_the_researcher_by_orcid(client):
    person = PersonFactory(name_en="M. J. Kim", orcid="0000-0002-1825-0097")
    client.force_login(UserFactory(person=person))

    response = client.post(IMPORT, {"file": upload("orcid_record.json")}, follow=True)

    assert titles(person) == [
        "Photonic integrated circuits for quantum key distribution",
        "차세대 통신망을 위한 양자 암호 기술",
    ]
    assert list(person.publications.values_list("coauthors", flat=True)) == [[], []]
    assert [(p["position"], p["message"]) for p in response.context["report"].problems] == [
        ("work put-code 104", "work has no title")
    ]


def test_broken_entries_are_reported_with_their_position_and_good_ones_added(client, researcher):
    response = client.post(IMPORT, {"file": upload("sample.bib")}, follow=True)

    report = response.context["report"]
    assert [(p["position"], p["key"], p["message"]) for p in report.problems] == [
        (
            "line 27",
            None,
            "entry could not be parsed (unbalanced braces or missing comma?): "
            "'@article{broken2020,'",
        ),
        ("line 32", "notitle2020", "entry has no title"),
        (
            "line 37",
            "kim2021photonic",
            "duplicate entry key 'kim2021photonic'; the first entry with this key was kept",
        ),
        ("line 42", "badyear", "year 'forthcoming' has no four-digit year"),
        ("line 42", "badyear", "DOI 'not-a-doi' does not start with '10.'"),
    ]
    html = response.content.decode()
    assert "<strong>line 32</strong> [notitle2020]: entry has no title" in html
    assert titles(researcher.person) == BIB_TITLES


def test_unreadable_file_shows_the_error_and_adds_nothing(client, researcher):
    response = client.post(
        IMPORT, {"file": upload("pubs.xml", b"\xff\xfe\x00\x91garbage\n")}, follow=True
    )

    assert response.status_code == 200
    assert response.context["report"].error == (
        "pubs.xml, line 1 could not be read: not UTF-8 (byte 0); re-save the file as UTF-8"
    )
    assert titles(researcher.person) == []
    assert publication_audit("create") == []


def test_xml_that_is_not_orcid_is_refused_with_the_importers_message(client, researcher):
    response = client.post(
        IMPORT, {"file": upload("list.xml", b"<library><item/></library>")}, follow=True
    )

    assert response.context["report"].error == (
        "list.xml could not be read: root element 'library' is not an ORCID v3.0 record, "
        "works or work"
    )
    assert titles(researcher.person) == []


def test_upload_over_5_mb_is_refused(client, researcher):
    data = b"% padding\n" * 629_146  # 6,291,460 bytes: just over 6 MB
    response = client.post(IMPORT, {"file": upload("big.bib", data)}, follow=True)

    assert response.status_code == 200
    assert response.context["import_form"].errors["file"] == [
        "big.bib is 6.0 MB; the limit is 5 MB."
    ]
    assert titles(researcher.person) == []


def test_unknown_extension_is_refused_naming_the_accepted_kinds(client, researcher):
    response = client.post(IMPORT, {"file": upload("pubs.docx", b"PK\x03\x04")}, follow=True)

    assert response.context["import_form"].errors["file"] == [
        "pubs.docx is not a file Accord can read. Accepted kinds: BibTeX (.bib), "
        "BibTeX (.bibtex), RIS (.ris), ORCID JSON (.json), ORCID XML (.xml)."
    ]


def test_import_is_audited_one_entry_per_added_publication(client, researcher):
    client.post(IMPORT, {"file": upload("sample.ris")}, follow=True)

    entries = publication_audit("create")
    assert [e.object_repr for e in entries] == RIS_TITLES
    assert {e.actor_id for e in entries} == {researcher.pk}


# ---------------------------------------------------------------------- by hand
def hand_entry(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Quantum repeaters over metropolitan fibre",
        "abstract": "We build a two-node repeater between Daejeon and Seoul.",
        "year": "2024",
        "language": "en",
        "doi": "https://doi.org/10.1000/QR.2024.1",
        "venue": "Optica",
        "coauthors": "Smith, Jane A.\n\n  Park,   Ji-woo \nSmith, Jane A.\n",
    }
    data.update(overrides)
    return data


def test_add_by_hand_saves_normalised_values_and_audits(client, researcher):
    response = client.post(ADD, hand_entry())

    assert response.status_code == 302
    assert response.url == PROFILE
    pub = researcher.person.publications.get()
    assert (pub.title, pub.year, pub.language, pub.doi, pub.venue, pub.coauthors) == (
        "Quantum repeaters over metropolitan fibre",
        2024,
        "en",
        "10.1000/qr.2024.1",
        "Optica",
        ["Smith, Jane A.", "Park, Ji-woo"],
    )
    assert [e.object_id for e in publication_audit("create")] == [str(pub.pk)]


def test_add_by_hand_validation_error_keeps_the_typed_text(client, researcher):
    abstract = "A long abstract I typed carefully & do not want to lose."
    response = client.post(ADD, hand_entry(title="", doi="not a doi", abstract=abstract))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "title": ["This field is required."],
        "doi": [
            "“not a doi” is not a DOI. A DOI starts with 10., e.g. 10.1038/s41586-021-03819-2."
        ],
    }
    html = response.content.decode()
    assert "A long abstract I typed carefully &amp; do not want to lose.</textarea>" in html
    assert 'value="Optica"' in html
    assert researcher.person.publications.count() == 0


def test_add_by_hand_refuses_a_duplicate_title(client, researcher):
    PublicationFactory(person=researcher.person, title="Quantum Repeaters over Metropolitan Fibre!")

    response = client.post(ADD, hand_entry())

    assert response.context["form"].non_field_errors() == [
        "Your profile already lists this publication: “Quantum Repeaters over Metropolitan Fibre!”."
    ]
    assert researcher.person.publications.count() == 1


# ---------------------------------------------------------------------- edit & delete
@pytest.fixture
def mine_and_theirs(researcher):
    mine = PublicationFactory(person=researcher.person, title="My paper", coauthors=["A. Lee"])
    other = UserFactory(person=PersonFactory())
    PublicationFactory(person=other.person, title="Their paper")
    return mine, other


def test_edit_own_publication_is_saved_and_audited(client, researcher, mine_and_theirs):
    mine, _other = mine_and_theirs
    url = reverse("directory:my_publication_edit", args=[mine.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, hand_entry(title="My paper, revised", coauthors="A. Lee"))

    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.doi, mine.coauthors) == (
        "My paper, revised",
        "10.1000/qr.2024.1",
        ["A. Lee"],
    )
    [entry] = publication_audit("update")
    assert entry.before["title"] == "My paper"
    assert entry.after["title"] == "My paper, revised"
    assert entry.actor_id == researcher.pk


def test_edit_keeps_the_orcid_of_an_unchanged_coauthor(client, researcher):
    pub = PublicationFactory(
        person=researcher.person,
        coauthors=[{"name": "Jane Smith", "orcid": "0000-0001-5109-3700"}, "Tom Brown"],
    )
    url = reverse("directory:my_publication_edit", args=[pub.pk])
    assert "Jane Smith\nTom Brown</textarea>" in client.get(url).content.decode()

    client.post(url, hand_entry(title=pub.title, coauthors="Jane Smith\nRhys Evans"))

    pub.refresh_from_db()
    assert pub.coauthors == [{"name": "Jane Smith", "orcid": "0000-0001-5109-3700"}, "Rhys Evans"]


def test_delete_own_publication_is_audited(client, researcher, mine_and_theirs):
    mine, _other = mine_and_theirs
    url = reverse("directory:my_publication_delete", args=[mine.pk])
    assert client.get(url).status_code == 200

    response = client.post(url)

    assert response.status_code == 302
    assert researcher.person.publications.count() == 0
    [entry] = publication_audit("delete")
    assert (entry.object_id, entry.before["title"], entry.after) == (str(mine.pk), "My paper", {})


@pytest.mark.parametrize(
    "name", ["directory:my_publication_edit", "directory:my_publication_delete"]
)
def test_another_user_cannot_edit_or_delete_my_publication(client, mine_and_theirs, name):
    mine, other = mine_and_theirs
    url = reverse(name, args=[mine.pk])
    assert client.get(url).status_code == 200  # the owner, signed in by the fixture

    client.force_login(other)

    assert client.get(url).status_code == 404
    assert client.post(url, hand_entry(title="Hijacked")).status_code == 404
    mine.refresh_from_db()
    assert mine.title == "My paper"
    assert AuditEntry.objects.count() == 0


# ---------------------------------------------------------------------- page, access, visibility
def test_profile_page_lists_my_publications_only(client, researcher, mine_and_theirs):
    html = client.get(PROFILE).content.decode()

    assert "My paper" in html
    assert "Their paper" not in html
    assert reverse("directory:my_publication_edit", args=[mine_and_theirs[0].pk]) in html
    assert f'href="{PROFILE}"' in html  # the "My profile" link in the menu


def test_user_without_a_person_is_told_there_is_no_researcher_profile(client):
    client.force_login(UserFactory())

    response = client.get(PROFILE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your account has no researcher profile" in html
    assert f'href="{PROFILE}"' not in html
    assert client.post(ADD, hand_entry()).status_code == 404
    assert client.post(IMPORT, {"file": upload("sample.bib")}, follow=True).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        PROFILE,
        ADD,
        IMPORT,
        reverse("directory:my_visibility"),
        reverse("directory:my_publication_edit", args=[1]),
        reverse("directory:my_publication_delete", args=[1]),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_visibility_checkbox_is_saved_and_audited(client, researcher):
    person = researcher.person
    assert person.public_profile is True

    client.post(reverse("directory:my_visibility"), {})

    person.refresh_from_db()
    assert person.public_profile is False
    [entry] = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    )
    assert (entry.action, entry.before, entry.after) == (
        "update",
        {"public_profile": True},
        {"public_profile": False},
    )
    client.post(reverse("directory:my_visibility"), {"public_profile": "on"})
    person.refresh_from_db()
    assert person.public_profile is True


@pytest.mark.parametrize("n", [1, 3])
def test_profile_page_query_count_is_flat(client, researcher, n):
    for _ in range(n):
        PublicationFactory(person=researcher.person)

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PROFILE).status_code == 200

    assert len(ctx.captured_queries) == 6  # 5 + the import under way, if any
