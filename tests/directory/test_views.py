import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.directory import OrganisationFactory, PersonFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_person_page_shows_publications(client):
    person = PersonFactory(name_en="Minjun Kim", name_ko="김민준", country="KR")
    PublicationFactory(person=person, title="반도체 소자의 열 관리", language="ko")
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Minjun Kim" in html and "반도체 소자의 열 관리" in html


def test_hidden_profile_is_404_for_others_and_visible_to_its_owner(client):
    hidden = PersonFactory(public_profile=False, name_en="Hidden Person")
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(hidden.get_absolute_url()).status_code == 404
    owner = UserFactory(person=hidden)
    client.force_login(owner)
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_organisation_page_hides_hidden_profiles(client):
    org = OrganisationFactory(slug="kaist-test", ror_id="05apxxy63")
    PersonFactory(organisation=org, name_en="Visible Researcher")
    PersonFactory(organisation=org, name_en="Hidden Researcher", public_profile=False)
    html = client.get(reverse("directory:organisation", args=["kaist-test"])).content.decode()
    assert "Visible Researcher" in html and "Hidden Researcher" not in html
    assert "https://ror.org/05apxxy63" in html


@pytest.mark.parametrize("n", [1, 3])
def test_organisation_list_query_count_is_flat(client, n):
    for _ in range(n):
        PersonFactory()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("directory:organisations")).status_code == 200
    assert len(ctx.captured_queries) == 1


@pytest.mark.parametrize("n", [1, 3])
def test_organisation_page_query_count_is_flat(client, n):
    org = OrganisationFactory(slug="o")
    for _ in range(n):
        PersonFactory(organisation=org)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("directory:organisation", args=["o"])).status_code == 200
    assert len(ctx.captured_queries) == 5
