import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_programme_page_shows_each_side_in_its_currency(client, reference):
    html = client.get(reverse("programmes:detail", args=["uk-rok-ica"])).content.decode()
    assert "£4,500,000 GBP" in html
    assert "National Research Foundation of Korea" in html and "KRW" in html


def test_programme_list_query_count(client, reference):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("programmes:list")).status_code == 200
    assert len(ctx.captured_queries) == 4


def test_unknown_programme_is_404(client, db):
    assert client.get(reverse("programmes:detail", args=["nope"])).status_code == 404
