"""The workflow functions called directly: roles, states, history rows."""

import pytest

from disclosure import workflow
from disclosure.actions import ActionError
from disclosure.checks import check_report
from disclosure.models import ReportEvent
from tests import factories


@pytest.fixture
def report(people):
    return factories.complete_report(people.a, 2021)


def test_it_records_each_transition_with_from_and_to(people, report):
    workflow.submit_report(report, people.editor_a)
    workflow.return_report(report, people.reviewer_parent, "请补充。")
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, people.admin)
    moves = list(
        report.events.exclude(action__in=["create", "save"])
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )
    assert moves == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "draft"),
        ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved"),
    ]
    assert report.events.get(action=ReportEvent.Action.RETURN).message == "请补充。"


def test_it_lets_a_reviewer_return_an_approved_report(people, report):
    workflow.approve_report(workflow.submit_report(report, people.editor_a), people.reviewer_a)
    assert workflow.return_report(report, people.reviewer_a, "发现错字").status == "draft"


@pytest.mark.parametrize("who", ["editor_b", "reviewer_a"])
def test_it_refuses_submission_by_non_editors(people, report, who):
    with pytest.raises(workflow.NotAllowed):
        workflow.submit_report(report, getattr(people, who))


@pytest.mark.parametrize("who", ["editor_a", "editor_b"])
def test_it_refuses_approval_by_non_reviewers(people, report, who):
    workflow.submit_report(report, people.editor_a)
    with pytest.raises(workflow.NotAllowed):
        workflow.approve_report(report, getattr(people, who))


def test_it_refuses_edits_by_reviewers_and_admins(people, report):
    for user in (people.reviewer_a, people.admin):
        with pytest.raises(workflow.NotAllowed):
            workflow.save_part(report, user, texts={"problems": "x"})


def test_it_does_not_take_an_explanation_instead_of_a_fix(people):
    from disclosure.formats import CellKey

    report = factories.complete_report(people.a, 2021, cells={CellKey("applications", "new", "natural_person"): 1})
    blocking = next(f for f in check_report(report) if f.blocking)
    with pytest.raises(ActionError):
        workflow.explain_warning(report, people.editor_a, blocking, "没关系")


def test_it_records_explanations_in_the_history(people):
    report = factories.complete_report(people.a, 2021, texts={"overview_summary": "2019年，……"})
    warning = next(f for f in check_report(report) if not f.blocking)
    workflow.explain_warning(report, people.editor_a, warning, "说明一")
    workflow.explain_warning(report, people.editor_a, warning, "说明二")
    events = report.events.filter(action=ReportEvent.Action.EXPLAIN).order_by("id")
    assert [(e.changes[0]["before"], e.changes[0]["after"]) for e in events] == [("", "说明一"), ("说明一", "说明二")]


def test_it_publishes_an_approved_report_through_the_publication_work(people, report):
    workflow.approve_report(workflow.submit_report(report, people.editor_a), people.reviewer_parent)
    with pytest.raises(workflow.NotAllowed):
        workflow.publish(report, people.editor_a)
    workflow.publish(report, people.reviewer_parent)
    report.refresh_from_db()
    assert report.status == "published"
    assert report.versions.count() == 1
    event = report.events.get(action=ReportEvent.Action.PUBLISH)
    assert (event.from_status, event.to_status, event.actor) == ("approved", "published", people.reviewer_parent)


# ---- self-review ------------------------------------------------------------------------------------


@pytest.fixture
def both(people):
    """Someone who is editor and reviewer of agency A (a small office)."""
    from disclosure.models import Membership

    from .conftest import user

    person = user("small_office")
    for role in (Membership.Role.EDITOR, Membership.Role.REVIEWER):
        Membership.objects.create(user=person, organization=people.a, role=role)
    return person


def approval(report):
    return report.events.get(action=ReportEvent.Action.APPROVE)


def test_an_editor_who_reviews_too_may_approve_what_they_submitted_recorded_as_self_review(report, both):
    workflow.submit_report(report, both)
    assert workflow.approve_report(report, both).status == "approved"
    assert approval(report).self_review and approval(report).actor == both


@pytest.mark.parametrize("action", ["create", "save", "import", "explain"])
def test_writing_the_report_makes_the_approval_a_self_review(people, report, both, action):
    report.events.create(actor=both, action=action)
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, both)
    assert approval(report).self_review


def test_an_approval_by_someone_who_wrote_nothing_is_not_a_self_review(people, report, both):
    report.events.create(actor=both, action=ReportEvent.Action.RETURN)
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, both)
    assert not approval(report).self_review
    assert not workflow.is_own_work(report, None)


def test_only_work_since_the_last_publication_counts(report, both):
    workflow.submit_report(report, both)
    assert workflow.is_own_work(report, both)
    report.events.create(actor=None, action=ReportEvent.Action.PUBLISH)
    assert not workflow.is_own_work(report, both)
    report.events.create(actor=both, action=ReportEvent.Action.REOPEN)
    assert not workflow.is_own_work(report, both)  # reopening is not writing
    report.events.create(actor=both, action=ReportEvent.Action.SAVE)
    assert workflow.is_own_work(report, both)
    report.events.create(actor=None, action=ReportEvent.Action.PUBLISH)  # the correction published
    assert not workflow.is_own_work(report, both)


# ---- which years a report can be written for --------------------------------------------------------------


def test_a_report_year_runs_from_the_first_edition_to_this_year():
    import datetime

    today = datetime.date(2026, 3, 1)
    for year in (workflow.FIRST_YEAR, 2025, 2026):
        workflow.check_report_year(year, today)  # no refusal
    with pytest.raises(ActionError, match=f"^{workflow.FIRST_YEAR - 1}年度早于{workflow.FIRST_YEAR}年启用的统一格式"):
        workflow.check_report_year(workflow.FIRST_YEAR - 1, today)
    with pytest.raises(ActionError, match="^2027年尚未开始，不能填报该年度的报告$"):
        workflow.check_report_year(2027, today)


def test_only_reviewers_retry_a_failed_rendering(people, report, monkeypatch):
    retried = []
    monkeypatch.setattr(workflow.publishing, "retry_render", lambda r, actor: retried.append((r, actor)) or "queued")
    for who in ("editor_a", "editor_b"):
        with pytest.raises(workflow.NotAllowed):
            workflow.retry_render(report, getattr(people, who))
    assert retried == []
    assert workflow.retry_render(report, people.reviewer_a) == "queued"
    assert retried == [(report, people.reviewer_a)]


def test_an_upload_becomes_the_draft_of_its_own_organization_and_year(people):
    from decimal import Decimal

    from disclosure.formats import edition_for_year

    key = next(iter(edition_for_year(2021).entered_cells())).key
    other = factories.complete_report(people.b, 2021)  # another organization's report of the year: untouched
    earlier = factories.complete_report(people.a, 2020)  # the organization's report of another year: untouched
    with pytest.raises(workflow.NotAllowed, match="^只有本机关的填报人可以导入到草稿$"):
        workflow.import_into_draft(
            people.a, 2021, people.editor_b, texts={}, cells={}, declared={}, source_name="x.docx"
        )
    report, changes = workflow.import_into_draft(
        people.a,
        2021,
        people.editor_a,
        texts={"problems": "导入的问题与改进"},
        cells={key: Decimal(7)},
        declared={"3.1.total": "12"},
        source_name="报告.docx",
    )
    report.refresh_from_db()
    assert (report.organization, report.year) == (people.a, 2021) and report.pk not in (other.pk, earlier.pk)
    assert report.events.filter(action=ReportEvent.Action.CREATE, actor=people.editor_a).exists()
    assert report.entered_values()[key] == Decimal(7) and report.problems == "导入的问题与改进"
    assert report.declared_totals == {"3.1.total": "12"}
    assert report.events.get(action=ReportEvent.Action.IMPORT, actor=people.editor_a).message == "从文件“报告.docx”导入"


def test_a_blank_in_the_upload_leaves_what_was_carried_in(people):
    report = factories.complete_report(people.a, 2021, texts={"problems": "去年的问题"})
    report.carried_in = ["problems"]
    report.save(update_fields=["carried_in"])
    workflow.import_into_draft(
        people.a,
        2021,
        people.editor_a,
        texts={"problems": "  ", "other_matters": ""},
        cells={},
        declared={},
        source_name="x.docx",
    )
    report.refresh_from_db()
    assert report.problems == "去年的问题" and report.other_matters == ""  # not carried in: the blank is taken
    workflow.import_into_draft(
        people.a, 2021, people.editor_a, texts={"problems": "今年的"}, cells={}, declared={}, source_name="y.docx"
    )
    report.refresh_from_db()
    assert report.problems == "今年的"
