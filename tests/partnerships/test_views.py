import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.partnerships.models import Commitment
from tests.factories.partnerships import (
    AreaFactory,
    CommitmentFactory,
    InstrumentFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def test_accord_page_lists_the_seven_instruments_in_english(client, reference):
    response = client.get(reverse("partnerships:detail", args=["uk-rok-2023"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('id="instrument-') == 11
    assert "The 7 instruments signed as part of the accord" in html
    for name in [
        "Commitment on safe, responsible AI",
        "Framework for Semiconductor Cooperation",
        "Quantum",
    ]:
        assert name in html
    assert "Michelle Donelan" in html and "Lee Jong Ho" in html


def test_accord_page_in_korean(client, reference):
    client.cookies["django_language"] = "ko"
    html = client.get(reverse("partnerships:detail", args=["uk-rok-2023"])).content.decode()
    assert '<html lang="ko">' in html
    for name in [
        "안전하고 책임 있는 인공지능에 관한 약속",
        "반도체 협력 프레임워크",
        "한-영 디지털 파트너십",
        "우주 협력에 관한 양해각서",
        "과학기술협력협정 이행약정",
        "한-영 양자 대화",
        "공학생물학 협력 약속",
    ]:
        assert name in html
    assert "방문규" in html
    assert "협정 7건" in html or "7개" in html


def test_language_switch_sets_korean(client, reference):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()


def test_commitment_filters(client, reference):
    url = reverse("partnerships:commitments", args=["uk-rok-2023"])
    html = client.get(url, {"area": "semiconductors"}).content.decode()
    shown = {c.slug for c in Commitment.objects.all() if f'id="commitment-{c.slug}"' in html}
    assert shown == {
        "semiconductor-rnd",
        "semiconductor-supply-chain",
        "iuk-kiat-innovation-programmes",
    }
    html = client.get(url, {"instrument": "ai-commitment", "status": "delivered"}).content.decode()
    assert html.count('id="commitment-') == 1 and 'id="commitment-ai-summit-2024"' in html


def test_commitment_filter_htmx_returns_only_the_table(client, reference):
    url = reverse("partnerships:commitments", args=["uk-rok-2023"])
    html = client.get(url, {"area": "quantum"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html
    assert html.count('id="commitment-') == 1


def test_unknown_partnership_is_404(client, db):
    assert client.get(reverse("partnerships:detail", args=["nope"])).status_code == 404
    assert client.get(reverse("partnerships:commitments", args=["nope"])).status_code == 404


def _commitments(n):
    partnership = PartnershipFactory(slug="p")
    area = AreaFactory()
    for _ in range(n):
        commitment = CommitmentFactory(instrument=InstrumentFactory(partnership=partnership))
        commitment.areas.add(area)
    return partnership


@pytest.mark.parametrize("n", [1, 3])
def test_commitments_query_count_is_flat(client, n):
    _commitments(n)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("partnerships:commitments", args=["p"]))
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 8  # + awards' money per currency, + outputs count


@pytest.mark.parametrize("n", [1, 3])
def test_accord_page_query_count_is_flat(client, n):
    _commitments(n)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("partnerships:detail", args=["p"]))
    assert response.status_code == 200
    assert len(ctx.captured_queries) == 5


@pytest.mark.parametrize("n", [1, 3])
def test_partnership_list_query_count_is_flat(client, n):
    for _ in range(n):
        InstrumentFactory(partnership=PartnershipFactory())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("partnerships:list"))
    assert response.status_code == 200
    assert len(response.context["partnerships"]) == n
    assert len(ctx.captured_queries) == 1
