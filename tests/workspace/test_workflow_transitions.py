"""``disclosure.workflow`` called directly: each action × each role × each state, with the exact outcome.

Fast tests for ``make mutation``: reports are built with ``factories.complete_report`` and put into a state
by updating the row; publishing renders a stand-in PDF (the real rendering has its own tests).
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from disclosure import workflow
from disclosure.actions import ActionError, EditConflict
from disclosure.checks import BLOCKING, WARNING, Finding, check_report
from disclosure.models import AnnualReport, ReportEvent, WarningExplanation
from disclosure.permissions import Access
from tests import factories

Status = AnnualReport.Status
REVIEWERS = ("reviewer_a", "reviewer_parent", "admin")
NOT_EDITORS = ("editor_b", "reviewer_a", "reviewer_parent", "admin")
NOT_REVIEWERS = ("editor_a", "editor_b")
ONLY_EDITORS = "只有本机关的填报人可以进行此操作"
ONLY_REVIEWERS = "只有本机关的审核人可以进行此操作"


@pytest.fixture(autouse=True)
def stand_in_pdf(monkeypatch):
    monkeypatch.setattr("disclosure.tasks.render_pdf", lambda html: b"%PDF-stand-in")


@pytest.fixture
def report(people):
    return factories.complete_report(people.a, 2021)


def in_state(report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    return report


def moves(report):
    """The state changes recorded in the history, oldest first."""
    events = report.events.exclude(action__in=[ReportEvent.Action.CREATE, ReportEvent.Action.SAVE]).order_by("id")
    return [(e.action, e.from_status, e.to_status, e.actor.username, e.message) for e in events]


# action -> (the function with its extra argument, the state it starts from, the state it leads to)
ACTIONS = {
    "submit": (lambda r, u: workflow.submit_report(r, u), Status.DRAFT, Status.SUBMITTED),
    "withdraw": (lambda r, u: workflow.withdraw_report(r, u), Status.SUBMITTED, Status.DRAFT),
    "return": (lambda r, u: workflow.return_report(r, u, " 请补充。 "), Status.SUBMITTED, Status.DRAFT),
    "approve": (lambda r, u: workflow.approve_report(r, u), Status.SUBMITTED, Status.APPROVED),
    "publish": (lambda r, u: workflow.publish(r, u), Status.APPROVED, Status.PUBLISHED),
    "correct": (lambda r, u: workflow.correct_report(r, u, " 更正错字。 "), Status.PUBLISHED, Status.DRAFT),
}
# The event each action records, and its message.
EVENTS = {
    "submit": ("submit", ""),
    "withdraw": ("withdraw", ""),
    "return": ("return", "请补充。"),
    "approve": ("approve", ""),
    "publish": ("publish", "第1版"),
    "correct": ("reopen", "更正错字。"),
}
DOERS = [("submit", "editor_a"), ("withdraw", "editor_a"), ("correct", "editor_a")] + [
    (action, who) for action in ("return", "approve", "publish") for who in REVIEWERS
]
REFUSED_ROLES = [
    (action, who, message)
    for action, others, message in [
        ("submit", NOT_EDITORS, ONLY_EDITORS),
        ("withdraw", NOT_EDITORS, ONLY_EDITORS),
        ("correct", NOT_EDITORS, ONLY_EDITORS),
        ("return", NOT_REVIEWERS, ONLY_REVIEWERS),
        ("approve", NOT_REVIEWERS, ONLY_REVIEWERS),
        ("publish", NOT_REVIEWERS, ONLY_REVIEWERS),
    ]
    for who in others
]
STATE_MESSAGES = {
    # (action, state the report is in) -> the refusal
    ("submit", Status.SUBMITTED): "报告当前状态为“待审核”，不能提交审核",
    ("submit", Status.APPROVED): "报告当前状态为“已审核”，不能提交审核",
    ("submit", Status.PUBLISHED): "报告当前状态为“已发布”，不能提交审核",
    ("withdraw", Status.DRAFT): "报告当前状态为“草稿”，不能撤回",
    ("withdraw", Status.APPROVED): "报告当前状态为“已审核”，不能撤回",
    ("withdraw", Status.PUBLISHED): "报告当前状态为“已发布”，不能撤回",
    ("return", Status.DRAFT): "报告当前状态为“草稿”，不能退回",
    ("return", Status.PUBLISHED): "报告当前状态为“已发布”，不能退回",
    ("approve", Status.DRAFT): "报告当前状态为“草稿”，不能审核通过",
    ("approve", Status.APPROVED): "报告当前状态为“已审核”，不能审核通过",
    ("approve", Status.PUBLISHED): "报告当前状态为“已发布”，不能审核通过",
    ("publish", Status.DRAFT): "报告当前状态为“草稿”，不能发布：只有已审核的报告可以发布",
    ("publish", Status.SUBMITTED): "报告当前状态为“待审核”，不能发布：只有已审核的报告可以发布",
    ("publish", Status.PUBLISHED): "报告当前状态为“已发布”，不能发布：只有已审核的报告可以发布",
    ("correct", Status.DRAFT): "报告当前状态为“草稿”，不能更正：只有已发布的报告可以更正",
    ("correct", Status.SUBMITTED): "报告当前状态为“待审核”，不能更正：只有已发布的报告可以更正",
    ("correct", Status.APPROVED): "报告当前状态为“已审核”，不能更正：只有已发布的报告可以更正",
}


@pytest.mark.parametrize("action, who", DOERS)
def test_it_moves_the_report_and_records_who_moved_it(people, report, action, who):
    do, source, target = ACTIONS[action]
    report = in_state(report, source)
    returned = do(report, getattr(people, who))
    report.refresh_from_db()
    assert report.status == target
    assert (getattr(returned, "status", None) or returned.report.status) == target
    event, message = EVENTS[action]
    assert moves(report) == [(event, source, target, who, message)]


@pytest.mark.parametrize("action, who, message", REFUSED_ROLES)
def test_it_refuses_the_action_to_anyone_without_the_role(people, report, action, who, message):
    do, source, _ = ACTIONS[action]
    report = in_state(report, source)
    with pytest.raises(workflow.NotAllowed) as refused:
        do(report, getattr(people, who))
    assert str(refused.value) == message
    report.refresh_from_db()
    assert (report.status, moves(report)) == (source, [])


@pytest.mark.parametrize("action, status", STATE_MESSAGES)
def test_it_refuses_the_action_from_a_wrong_state(people, report, action, status):
    do = ACTIONS[action][0]
    report = in_state(report, status)
    who = "editor_a" if action in ("submit", "withdraw", "correct") else "reviewer_a"
    with pytest.raises(ActionError) as refused:
        do(report, getattr(people, who))
    assert not isinstance(refused.value, workflow.NotAllowed)
    assert str(refused.value) == STATE_MESSAGES[action, status]
    report.refresh_from_db()
    assert (report.status, moves(report)) == (status, [])


def test_it_lets_a_reviewer_return_an_approved_report_with_the_reason(people, report):
    report = in_state(report, Status.APPROVED)
    returned = workflow.return_report(report, people.reviewer_parent, "  发现错字  ")
    report.refresh_from_db()
    assert (returned.status, report.status, report.return_reason) == (Status.DRAFT, Status.DRAFT, "发现错字")
    assert moves(report) == [("return", "approved", "draft", "reviewer_parent", "发现错字")]


def test_it_clears_the_return_reason_when_the_report_is_submitted_again(people, report):
    report = workflow.return_report(in_state(report, Status.SUBMITTED), people.reviewer_a, "请补充。")
    workflow.submit_report(report, people.editor_a)
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (Status.SUBMITTED, "")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_refuses_to_return_a_report_without_a_reason(people, report, reason):
    report = in_state(report, Status.SUBMITTED)
    with pytest.raises(ActionError, match="^请填写退回原因$"):
        workflow.return_report(report, people.reviewer_a, reason)
    report.refresh_from_db()
    assert (report.status, moves(report)) == (Status.SUBMITTED, [])


@pytest.mark.parametrize("note", ["", "  ", None])
def test_it_refuses_to_reopen_a_published_report_without_a_correction_note(people, report, note):
    report = in_state(report, Status.PUBLISHED)
    with pytest.raises(ActionError, match="^请填写更正说明$"):
        workflow.correct_report(report, people.editor_a, note)
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED


def test_it_publishes_an_approved_report_as_version_one(people, report):
    report = in_state(report, Status.APPROVED)
    version = workflow.publish(report, people.reviewer_parent)
    report.refresh_from_db()
    version.refresh_from_db()
    assert (version.number, version.published_by) == (1, people.reviewer_parent)
    with version.pdf.open("rb") as pdf:
        assert pdf.read() == b"%PDF-stand-in"
    assert (report.status, report.version) == (Status.PUBLISHED, 1)


# ---- allowed_actions: the buttons ------------------------------------------------------------------

EDITOR, REVIEWER, BOTH, NOBODY = Access(can_edit=True), Access(can_review=True), Access(True, True), Access()


@pytest.mark.parametrize(
    "status, access, allowed",
    [
        (Status.DRAFT, EDITOR, ["submit"]),
        (Status.DRAFT, REVIEWER, []),
        (Status.SUBMITTED, EDITOR, ["withdraw"]),
        (Status.SUBMITTED, REVIEWER, ["return", "approve"]),
        (Status.APPROVED, EDITOR, []),
        (Status.APPROVED, REVIEWER, ["return", "publish"]),
        (Status.PUBLISHED, EDITOR, ["correct"]),
        (Status.PUBLISHED, REVIEWER, []),
        (Status.PUBLISHED, BOTH, ["correct"]),
        (Status.SUBMITTED, BOTH, ["withdraw", "return", "approve"]),
        (Status.DRAFT, NOBODY, []),
        (Status.SUBMITTED, NOBODY, []),
    ],
)
def test_it_offers_only_the_actions_the_role_may_take_from_the_state(status, access, allowed):
    assert workflow.allowed_actions(SimpleNamespace(status=status), access) == allowed


# ---- submission: findings and explanations ---------------------------------------------------------


def finding(n, severity):
    return Finding(rule=f"test-{n}", severity=severity, message=f"问题{n}")


@pytest.mark.parametrize(
    "findings, message",
    [
        ([finding(1, BLOCKING)], "报告还不能提交：问题1"),
        ([finding(n, BLOCKING) for n in (1, 2, 3)], "报告还不能提交：问题1；问题2；问题3"),
        ([finding(n, BLOCKING) for n in (1, 2, 3, 4)], "报告还不能提交：问题1；问题2；问题3等"),
        ([finding(1, WARNING), finding(2, WARNING)], "报告还不能提交：还有 2 条警告未填写说明"),
        ([finding(1, BLOCKING), finding(2, WARNING)], "报告还不能提交：问题1；还有 1 条警告未填写说明"),
    ],
)
def test_it_refuses_submission_with_errors_or_unexplained_warnings(people, report, monkeypatch, findings, message):
    monkeypatch.setattr(workflow, "check_report", lambda r: findings)
    with pytest.raises(ActionError) as refused:
        workflow.submit_report(report, people.editor_a)
    assert str(refused.value) == message
    report.refresh_from_db()
    assert (report.status, moves(report)) == (Status.DRAFT, [])


def test_it_submits_once_every_warning_is_explained(people, report, monkeypatch):
    warnings = [finding(1, WARNING), finding(2, WARNING)]
    monkeypatch.setattr(workflow, "check_report", lambda r: warnings)
    workflow.explain_warning(report, people.editor_a, warnings[0], "说明一")
    assert workflow.submission_problems(report, warnings) == ["还有 1 条警告未填写说明"]
    workflow.explain_warning(report, people.editor_a, warnings[1], "说明二")
    assert workflow.submission_problems(report, warnings) == []
    assert workflow.submit_report(report, people.editor_a).status == Status.SUBMITTED


def test_it_does_not_count_an_explanation_of_another_warning(people, report):
    WarningExplanation.objects.create(report=report, finding_key="test-9:", text="别的警告", author=people.editor_a)
    assert workflow.submission_problems(report, [finding(1, WARNING)]) == ["还有 1 条警告未填写说明"]


def test_it_checks_the_report_itself_before_submission(people):
    report = factories.complete_report(people.a, 2021)
    assert check_report(report) == []
    assert workflow.submit_report(report, people.editor_a).status == Status.SUBMITTED


# ---- explanations ----------------------------------------------------------------------------------


def test_it_records_an_explanation_and_its_change(people, report):
    warning = finding(1, WARNING)
    first = workflow.explain_warning(report, people.editor_a, warning, "  说明一 ")
    assert (first.finding_key, first.text, first.author) == ("test-1:", "说明一", people.editor_a)
    again = workflow.explain_warning(report, people.editor_a, warning, "说明一")
    assert again == first
    workflow.explain_warning(report, people.editor_a, warning, "说明二")
    events = report.events.filter(action=ReportEvent.Action.EXPLAIN).order_by("id")
    change = {"field": "explanation:test-1:", "label": "警告说明：问题1"}
    assert [(e.actor, e.changes) for e in events] == [
        (people.editor_a, [{**change, "before": "", "after": "说明一"}]),
        (people.editor_a, [{**change, "before": "说明一", "after": "说明二"}]),
    ]
    assert WarningExplanation.objects.get(report=report).text == "说明二"


@pytest.mark.parametrize("text", ["", "  ", None])
def test_it_refuses_an_empty_explanation(people, report, text):
    with pytest.raises(ActionError, match="^请填写说明$"):
        workflow.explain_warning(report, people.editor_a, finding(1, WARNING), text)
    assert not WarningExplanation.objects.exists()


def test_it_refuses_an_explanation_of_an_error(people, report):
    with pytest.raises(ActionError, match="^错误须修改数据，不能以说明代替$"):
        workflow.explain_warning(report, people.editor_a, finding(1, BLOCKING), "没关系")
    assert not WarningExplanation.objects.exists()


@pytest.mark.parametrize("status, label", [(Status.SUBMITTED, "待审核"), (Status.APPROVED, "已审核")])
def test_it_refuses_an_explanation_outside_a_draft(people, report, status, label):
    report = in_state(report, status)
    with pytest.raises(ActionError) as refused:
        workflow.explain_warning(report, people.editor_a, finding(1, WARNING), "说明")
    assert str(refused.value) == f"报告当前状态为“{label}”，只有草稿可以修改"
    assert not WarningExplanation.objects.exists()


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_it_lets_only_the_editor_explain_a_warning(people, report, who):
    with pytest.raises(workflow.NotAllowed, match=f"^{ONLY_EDITORS}$"):
        workflow.explain_warning(report, getattr(people, who), finding(1, WARNING), "说明")
    assert not WarningExplanation.objects.exists()


# ---- saving a part and starting a report -----------------------------------------------------------


def test_it_saves_a_part_as_the_editor(people, report):
    cell = next(iter(report.entered_values()))
    texts, cells = {"problems": "新的问题。"}, {cell: Decimal(7)}
    revision = report.revision
    saved, changes = workflow.save_part(report, people.editor_a, texts=texts, cells=cells, expected_revision=revision)
    saved.refresh_from_db()
    assert saved.problems == "新的问题。"
    assert saved.entered_values()[cell] == 7
    assert [c["after"] for c in changes] == ["新的问题。", "7"]
    assert report.events.filter(action=ReportEvent.Action.SAVE).latest("id").actor == people.editor_a


def test_it_refuses_a_part_saved_over_someone_elses_save(people, report):
    with pytest.raises(EditConflict):
        workflow.save_part(report, people.editor_a, texts={"problems": "新的"}, expected_revision=report.revision + 1)
    report.refresh_from_db()
    assert report.problems != "新的"


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_it_lets_only_the_editor_save_a_part(people, report, who):
    with pytest.raises(workflow.NotAllowed, match=f"^{ONLY_EDITORS}$"):
        workflow.save_part(report, getattr(people, who), texts={"problems": "x"})


def test_it_starts_a_report_for_the_editor(people):
    report = workflow.start_report(people.a, 2021, people.editor_a)
    assert (report.organization, report.year, report.status) == (people.a, 2021, Status.DRAFT)
    assert report.events.get().actor == people.editor_a


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_it_lets_only_the_editor_start_a_report(people, who):
    with pytest.raises(workflow.NotAllowed, match="^只有本机关的填报人可以开始填报$"):
        workflow.start_report(people.a, 2021, getattr(people, who))
    assert not AnnualReport.objects.exists()


def test_it_refuses_to_start_a_report_twice(people, report):
    with pytest.raises(ActionError, match="^2021年度报告已经存在$"):
        workflow.start_report(people.a, 2021, people.editor_a)
    assert AnnualReport.objects.count() == 1


def test_it_refuses_to_start_a_report_for_a_year_not_begun(people):
    from django.utils import timezone

    this_year = timezone.localdate().year
    assert workflow.start_report(people.a, this_year, people.editor_a).year == this_year
    with pytest.raises(ActionError, match=f"^{this_year + 1}年尚未开始，不能填报该年度的报告$"):
        workflow.start_report(people.a, this_year + 1, people.editor_a)


def test_it_keeps_the_same_text_for_two_warnings_as_two_explanations(people, report):
    workflow.explain_warning(report, people.editor_a, finding(1, WARNING), "同一说明")
    workflow.explain_warning(report, people.editor_a, finding(2, WARNING), "同一说明")
    assert sorted(report.explanations.values_list("finding_key", "text")) == [
        ("test-1:", "同一说明"),
        ("test-2:", "同一说明"),
    ]


def test_it_does_not_take_another_reports_explanation_for_this_one(people, report):
    other = factories.complete_report(people.b, 2021)
    WarningExplanation.objects.create(report=other, finding_key="test-1:", text="同一说明", author=people.editor_b)
    explanation = workflow.explain_warning(report, people.editor_a, finding(1, WARNING), "同一说明")
    assert (explanation.report, explanation.text) == (report, "同一说明")
    assert report.events.filter(action=ReportEvent.Action.EXPLAIN).count() == 1


def test_it_starts_a_report_when_another_organization_has_one_for_that_year(people):
    factories.complete_report(people.b, 2021)
    assert workflow.start_report(people.a, 2021, people.editor_a).organization == people.a
