"""Addresses and headers nobody should send: out-of-range years, foreign Host headers, arbitrary query
strings. Each answers what Django answers for any bad request (404, 400), never a 500 or a cached page."""

import pytest
from django.test import Client

from disclosure.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    # The year page lists every organization with its deadline (a date in the following year).
    return Organization.objects.create(slug="agency", name="测试机关", kind=Organization.Kind.DEPARTMENT)


@pytest.mark.parametrize(
    "url",
    [
        "/years/9999/",
        "/years/0000/",
        "/years/10000/",
        "/years/99999999999999999999/",
        "/reports/agency/9999/",
        "/reports/agency/9999.pdf",
        "/reports/agency/9999/v1/",
        "/reports/agency/99999999999999999999/",
        "/workspace/agency/9999/",
        "/workspace/agency/9999/start/",
    ],
)
def test_an_out_of_range_year_is_not_found(client, organization, url):
    assert client.get(url).status_code == 404


def test_a_cached_page_is_not_served_for_a_host_that_is_not_allowed(client, django_assert_num_queries):
    assert client.get("/").status_code == 200  # now in the cache
    with django_assert_num_queries(1):  # the publication generation
        assert client.get("/").status_code == 200  # served from it
    assert Client(HTTP_HOST="attacker.example").get("/").status_code == 400


def test_query_strings_neither_change_the_page_nor_make_new_cache_entries(client, django_assert_num_queries):
    page = client.get("/").content
    with django_assert_num_queries(3):  # the publication generation, once a request
        for query in ("?a=1", "?b=2&c=3", "?utm_source=x"):
            response = client.get("/" + query)
            assert response.status_code == 200 and response.content == page
