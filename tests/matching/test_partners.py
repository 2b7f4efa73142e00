"""The partner finder: other side only, filters respected, explained, updated when profiles change."""

import pytest
from django.urls import reverse

from accord.directory.services.people import add_publication
from accord.matching.selectors.partners import find_partners
from tests.factories.applications import make_applicant, make_researcher
from tests.factories.directory import PublicationFactory
from tests.factories.partnerships import AreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    quantum = AreaFactory(slug="quantum", name_en="Quantum")
    me = make_researcher("GB", name_en="Alex Morgan")
    PublicationFactory(
        person=me,
        title="Silicon spin qubits",
        abstract="Quantum dots in silicon for spin qubits.",
        year=2023,
    )
    kr_quantum = make_researcher("KR", name_en="Minjun Kim", career_stage="early")
    kr_quantum.areas.add(quantum)
    PublicationFactory(
        person=kr_quantum,
        title="실리콘 양자점 스핀 큐비트",
        abstract="실리콘 양자점에서 스핀 큐비트의 결맞음 시간을 측정하였다.",
        year=2024,
        language="ko",
    )
    kr_bio = make_researcher("KR", name_en="Seoyeon Lee", career_stage="senior")
    PublicationFactory(
        person=kr_bio,
        title="Coral reef fish migration",
        abstract="Reef fish move with ocean temperature.",
        year=2022,
    )
    uk_other = make_researcher("GB", name_en="Sam Jones")
    PublicationFactory(
        person=uk_other,
        title="Spin qubit readout",
        abstract="Readout of silicon spin qubits.",
        year=2022,
    )
    return me, kr_quantum, kr_bio, uk_other, quantum


def test_ranks_the_other_side_across_languages_and_explains(community):
    me, kr_quantum, kr_bio, uk_other, _quantum = community
    matches = find_partners(person=me, other_country="KR")
    assert [m.person.pk for m in matches] == [kr_quantum.pk, kr_bio.pk]
    assert matches[0].evidence[0].title == "실리콘 양자점 스핀 큐비트"


def test_filters_are_respected(community):
    me, kr_quantum, kr_bio, uk_other, quantum = community
    assert [
        m.person.pk for m in find_partners(person=me, other_country="KR", career_stages=["senior"])
    ] == [kr_bio.pk]
    assert [m.person.pk for m in find_partners(person=me, other_country="KR", areas=[quantum])] == [
        kr_quantum.pk
    ]
    assert [m.person.pk for m in find_partners(text="coral reef fish", other_country="GB")] in (
        [uk_other.pk, me.pk],
        [me.pk, uk_other.pk],
    )


def test_index_updates_when_a_profile_changes(community):
    me, kr_quantum, kr_bio, uk_other, _quantum = community
    assert find_partners(text="coral reef fish", other_country="KR")[0].person.pk == kr_bio.pk
    add_publication(
        person=kr_quantum,
        title="Coral reef fish tracking",
        abstract="Coral reef fish tracked with tags.",
        year=2025,
    )
    kr_quantum.publications.update(
        title="Coral reef fish", abstract="Coral reef fish and their migration in warm water."
    )
    kr_quantum.save()
    top = find_partners(text="coral reef fish migration", other_country="KR")
    assert kr_quantum.pk in [m.person.pk for m in top]


def test_hidden_profiles_are_never_found(community):
    me, kr_quantum, kr_bio, uk_other, _quantum = community
    kr_bio.public_profile = False
    kr_bio.save()
    assert kr_bio.pk not in [m.person.pk for m in find_partners(person=me, other_country="KR")]


def test_page_needs_sign_in_and_shows_matches(client, community):
    me, kr_quantum, *_rest = community
    assert client.get(reverse("matching:partners")).status_code == 302
    client.force_login(make_applicant(person=me))
    response = client.get(reverse("matching:partners"), {"country": "KR", "text": ""})
    assert response.status_code == 200
    assert "Minjun Kim" in response.content.decode()


def test_searching_with_an_empty_profile_says_what_to_do(client, community):
    from tests.factories.applications import make_researcher as researcher

    client.force_login(make_applicant(person=researcher("KR", name_en="No Papers Yet")))
    response = client.get(reverse("matching:partners"), {"country": "GB", "text": ""})
    assert response.context["no_profile"] is True
    assert "Your profile has no publications yet" in response.content.decode()


@pytest.mark.parametrize("extra", [0, 4])
def test_eligibility_filter_reads_the_call_once(community, extra, django_assert_num_queries):
    """Filtering by a call's eligibility costs the same queries however many people there are."""
    from accord.matching.selectors.partners import build_index
    from tests.factories.applications import CallFactory, EligibilityRuleFactory

    me, kr_quantum, kr_bio, _uk_other, _quantum = community
    for i in range(extra):
        PublicationFactory(
            person=make_researcher("KR", career_stage="early"),
            title=f"Quantum topic {i}",
            year=2024,
        )
    call = CallFactory()
    EligibilityRuleFactory(
        call=call, kind="career_stage", params={"country": "KR", "stages": ["early"]}
    )
    build_index()
    with django_assert_num_queries(4):
        matches = find_partners(person=me, other_country="KR", call=call)
    assert kr_bio.pk not in [m.person.pk for m in matches]
    assert kr_quantum.pk in [m.person.pk for m in matches]
