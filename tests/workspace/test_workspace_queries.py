"""Every workspace page runs the same number of SQL queries whatever the number of organizations or reports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure import workflow
from disclosure.formats import CellKey
from disclosure.models import AnnualReport, Membership
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
        org = factories.organization(f"extra-{i}", parent=people.district, name=f"追加机关{i}")
        Membership.objects.create(user=people.editor_a, organization=org, role=Membership.Role.EDITOR)
        report = factories.complete_report(org, 2021)
        if i % 2:
            factories.complete_report(org, 2022)
        assert workflow.submit_report(report, people.editor_a).status == AnnualReport.Status.SUBMITTED
    assert AnnualReport.objects.filter(organization__slug__startswith="extra-").count() == n + n // 2


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
    report = AnnualReport.objects.get(organization=people.a, year=2021)
    saved = client.post(R + "part/problems/", {"revision": report.revision, "problems": "改。"})
    assert saved.status_code == 302  # saved: one more event in the history, a new revision
    report.refresh_from_db()
    assert report.problems == "改。"
    with django_assert_max_num_queries(first):
        assert client.get(R + page).status_code == 200
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
    assert "追加机关" not in client.get(url).content.decode()
    more_organizations(people, 9)
    assert count(client, url) == one
    listed = client.get(url).content.decode()
    assert all(f"追加机关{i}" in listed for i in range(9))  # the ten organizations are really on the page
    assert one <= 10, one


def test_saving_table_three_runs_a_bounded_number_of_queries(people, as_user):
    report = factories.complete_report(people.a, 2021)
    client = as_user(people.editor_a)
    queries = count(
        client, R + "part/applications/", "post", table_post(report, T3, {"applications.new.other_org": "1"})
    )
    assert queries <= 25, queries
    assert report.entered_values()[CellKey("applications", "new", "other_org")] == 1  # the save happened
