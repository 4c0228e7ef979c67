"""Every workspace page runs the same number of SQL queries whatever the number of organizations or reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure import workflow
from disclosure.models import Membership
from tests import factories

from .test_workspace_journeys import T3, table_post

R = "/workspace/agency-a/2021/"


def count(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302)
    return len(queries)


def more_organizations(people, n):
    """n more agencies under the district, each with a submitted report and an editor role for editor_a."""
    for i in range(n):
        org = factories.organization(f"extra-{i}", parent=people.district)
        Membership.objects.create(user=people.editor_a, organization=org, role=Membership.Role.EDITOR)
        report = factories.complete_report(org, 2021)
        factories.complete_report(org, 2022) if i % 2 else None
        workflow.submit_report(report, people.editor_a)


PAGES = [
    "",
    "part/overview/",
    "part/proactive/",
    "part/applications/",
    "part/litigation/",
    "preview/",
    "findings/",
    "history/",
]


@pytest.mark.parametrize("page", PAGES)
def test_report_pages_run_a_bounded_number_of_queries(people, as_user, page, django_assert_max_num_queries):
    factories.complete_report(people.a, 2020)
    factories.complete_report(people.a, 2021)
    client = as_user(people.editor_a)
    first = count(client, R + page)
    more_organizations(people, 5)
    client.post(R + "part/problems/", {"revision": 1, "problems": "改。"})
    with django_assert_max_num_queries(first):
        client.get(R + page)
    assert first <= 20, first


@pytest.mark.parametrize(
    "url, who",
    [
        ("/workspace/", "editor_a"),
        ("/workspace/", "reviewer_parent"),
        ("/workspace/", "admin"),
        ("/workspace/review/", "reviewer_parent"),
    ],
)
def test_lists_run_the_same_queries_for_1_or_10_organizations(people, as_user, url, who):
    factories.complete_report(people.a, 2021)
    client = as_user(getattr(people, who))
    one = count(client, url)
    more_organizations(people, 9)
    assert count(client, url) == one
    assert one <= 10, one


def test_saving_table_three_runs_a_bounded_number_of_queries(people, as_user):
    report = factories.complete_report(people.a, 2021)
    client = as_user(people.editor_a)
    queries = count(
        client, R + "part/applications/", "post", table_post(report, T3, {"applications.new.other_org": "1"})
    )
    assert queries <= 25, queries
