"""The workspace under double-clicks and shared caches: starting a report twice at once gives both
requests the one report; no page that shows a draft may be kept by a cache."""

import pytest
from django.db import IntegrityError

from disclosure import workflow
from disclosure.models import AnnualReport
from tests import factories

R = "/workspace/agency-a/2021/"


def test_a_double_click_on_start_takes_the_second_request_to_the_report(people, as_user):
    client = as_user(people.editor_a)
    first, second = client.post(R + "start/"), client.post(R + "start/")
    assert (first.status_code, first.url) == (302, R)
    assert (second.status_code, second.url) == (302, R)
    assert AnnualReport.objects.filter(organization=people.a, year=2021).count() == 1


def test_when_the_other_click_wins_the_race_this_one_gets_its_report(people, as_user, monkeypatch):
    """The second request passed the existence check before the first one's insert (both at once)."""
    factories.complete_report(people.a, 2021)  # the first click's report, created in between
    calls, real = [], workflow._started

    def started(org, year):  # the first check saw nothing yet; the one after the failed insert sees it
        calls.append(year)
        return len(calls) > 1 and real(org, year)

    monkeypatch.setattr(workflow, "_started", started)
    response = as_user(people.editor_a).post(R + "start/")
    assert (response.status_code, response.url) == (302, R)
    assert AnnualReport.objects.filter(organization=people.a, year=2021).count() == 1
    assert len(calls) == 2


def test_an_integrity_error_that_is_not_a_race_is_not_hidden(people, monkeypatch):
    def broken(*args):
        raise IntegrityError("something else")

    monkeypatch.setattr("disclosure.actions.create_report", broken)
    with pytest.raises(IntegrityError):
        workflow.start_report(people.a, 2021, people.editor_a)


@pytest.mark.parametrize("page", ["", "part/overview/", "preview/", "findings/", "history/"])
def test_pages_that_show_a_draft_are_kept_by_no_cache(people, as_user, page):
    factories.complete_report(people.a, 2021)
    response = as_user(people.editor_a).get(R + page)
    assert response.status_code == 200
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_the_dashboard_and_refusals_are_not_cached_either(people, as_user):
    client = as_user(people.editor_a)
    assert "no-store" in client.get("/workspace/")["Cache-Control"]
    assert "no-store" in client.post(R + "start/")["Cache-Control"]
