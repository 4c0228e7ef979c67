"""The editor's and reviewer's journeys through HTTP: dashboard, start, fill part by part, errors, conflicts,
preview, findings, submit, return, approve, history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure import actions, workflow
from disclosure.formats import CellKey, edition_for_year
from disclosure.models import AnnualReport, ReportEvent
from disclosure.workspace.progress import deadline_of
from tests import factories

R = "/workspace/agency-a/2021/"
T3 = "applications"


def key(row, column, table=T3):
    return CellKey(table, row, column)


def name(row, column, table=T3):
    return str(key(row, column, table))


def html(response):
    return response.content.decode()


def cell_classes(page, cell_key):
    """The classes of the table cell (``<td>``) that holds the input of ``cell_key``."""
    at = page.index(f'name="{cell_key}"')
    td = page[page.rindex("<td", 0, at) : at]
    return re.search(r'class="([^"]*)"', td).group(1).split()


def table_post(report, table_code, values, **extra):
    """Every entered cell of the table as currently stored, overridden by ``values`` ({name: text})."""
    stored = report.entered_values()
    data = {"revision": report.revision, **extra}
    for spec in report.format.table(table_code).cells():
        if not spec.derived:
            value = stored.get(spec.key)
            data[str(spec.key)] = "" if value is None else str(value)
    data.update(values)
    return data


# ---- dashboard and deadlines ------------------------------------------------------------------------


def test_it_lists_reports_with_status_and_deadline(people, as_user):
    factories.complete_report(people.a, 2021)
    response = as_user(people.editor_a).get("/workspace/")
    page = html(response)
    assert "测试区甲局" in page
    assert "2021年度报告" in page and "草稿" in page
    # A 部门: 1月31日 of the next year (a narrow table may break the date after 年 only).
    assert '2022年<span class="nowrap">1月31日</span>' in page
    overdue = (timezone.localdate() - datetime.date(2022, 1, 31)).days
    assert f"已逾期 {overdue} 天" in page  # a draft of 2021, long past its deadline


def test_it_gives_governments_until_march(people, as_user):
    gov, department = people.district, people.a  # a real 人民政府 and a real 部门 (Organization.kind)
    due = deadline_of(gov, 2021, today=datetime.date(2022, 3, 1))
    assert (due.days_left, due.text) == (30, "还剩 30 天")
    assert deadline_of(department, 2021, today=datetime.date(2022, 3, 1)).text == "已逾期 29 天"
    late = deadline_of(gov, 2021, today=datetime.date(2022, 4, 2))
    assert late.overdue and late.text == "已逾期 2 天"
    on_time = timezone.make_aware(datetime.datetime(2022, 3, 31, 23, 0))
    assert deadline_of(gov, 2021, on_time, today=datetime.date(2023, 1, 1)).text == "按时发布"
    published_late = deadline_of(gov, 2021, on_time + datetime.timedelta(days=2), today=datetime.date(2023, 1, 1))
    assert published_late.late and not published_late.overdue and published_late.text == "逾期 2 天发布"
    factories.complete_report(gov, 2021)
    dashboard = html(as_user(people.reviewer_parent).get("/workspace/"))
    section = dashboard[dashboard.index("测试区人民政府") :]
    row = section[section.index("2021年度报告") :]
    assert '2022年<span class="nowrap">3月31日</span>' in row[: row.index("</tr>")]


def test_it_offers_to_start_this_years_report(people, as_user):
    page = html(as_user(people.editor_a).get("/workspace/"))
    assert "开始填报" in page
    assert "开始填报" not in html(as_user(people.reviewer_a).get("/workspace/"))


# ---- start, carry-in --------------------------------------------------------------------------------


def test_it_starts_a_report_with_carried_in_figures(people, as_user):
    last = factories.complete_report(
        people.a, 2021, cells={key("carried_forward", "natural_person"): 4, key("new", "natural_person"): 4}
    )
    actions.save_content(last, None, texts={"preface": "联系电话：0573-1234567"})
    client = as_user(people.editor_a)
    response = client.post("/workspace/agency-a/2022/start/")
    assert response.status_code == 302 and response.url == "/workspace/agency-a/2022/"
    report = AnnualReport.objects.get(organization=people.a, year=2022)
    assert report.edition == "2021"
    assert report.entered_values()[key("carried_in", "natural_person")] == Decimal(4)
    assert report.preface == "联系电话：0573-1234567"
    assert "preface" in report.carried_in
    page = html(client.get("/workspace/agency-a/2022/part/applications/"))
    assert "carried" in cell_classes(page, key("carried_in", "natural_person"))  # marked as carried in
    assert "carried" not in cell_classes(page, key("new", "natural_person"))
    assert "从上年报告带入" in page
    assert "本项从上年报告带入" in html(client.get("/workspace/agency-a/2022/part/overview/"))


def test_it_refuses_to_start_a_report_twice(people, as_user):
    factories.complete_report(people.a, 2021)
    client = as_user(people.editor_a)
    response = client.post(R + "start/", follow=True)
    assert "2021年度报告已经存在" in html(response)


def test_it_refuses_a_year_without_an_edition(people, as_user):
    response = as_user(people.editor_a).post("/workspace/agency-a/2010/start/", follow=True)
    assert "早于2019年启用的统一格式" in html(response) and "只能作为文件附件保存" in html(response)


# ---- parts ------------------------------------------------------------------------------------------


@pytest.fixture
def report(people):
    return actions.create_report(people.a, 2021, people.editor_a)


def test_it_shows_a_navigator_with_each_parts_state(people, as_user, report):
    actions.save_content(report, None, texts={"problems": "问题。"})
    page = html(as_user(people.editor_a).get(R))
    states = dict(re.findall(r'<a href="[^"]*">([^<]*)</a>\s*<span class="badge state-[a-z_]+">([^<·]*)', page))
    assert list(states) == [part.label for part in report.format.parts]  # every part, in order, with its state
    assert states["五、存在的主要问题及改进情况"] == "已完成"
    assert states["三、收到和处理政府信息公开申请情况"] == "未填写"


def test_it_edits_the_overview_with_five_subtopics_and_the_preface(people, as_user, report):
    client = as_user(people.editor_a)
    page = html(client.get(R + "part/overview/"))
    for label in [
        "前言",
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]:
        assert label in page
    data = {"revision": report.revision, "preface": "前言。", "overview_proactive": "主动公开情况。"}
    response = client.post(R + "part/overview/", data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.preface, report.overview_proactive) == ("前言。", "主动公开情况。")


def test_it_names_each_input_by_its_official_row_and_column(people, as_user, report):
    page = html(as_user(people.editor_a).get(R + "part/applications/"))
    # the full row path and the full column path, as table 四 has them ("3.其他 其他" alone is ambiguous)
    assert 'aria-label="一、本年新收政府信息公开申请数量 自然人"' in page
    assert 'aria-label="三、本年度办理结果 （三）不予公开 1.属于国家秘密 法人或其他组织 商业企业"' in page
    assert 'aria-label="三、本年度办理结果 （六）其他处理 3.其他 法人或其他组织 其他"' in page
    names = re.findall(r'<input type="text"[^>]*aria-label="([^"]+)"', page)
    assert len(names) == 144 and len(set(names)) == 144
    # the official merged headers come from the shared layout
    assert 'colspan="5"' in page and "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in page
    litigation = html(as_user(people.editor_a).get(R + "part/litigation/"))
    assert 'aria-label="行政诉讼 复议后起诉 结果维持"' in litigation


def test_it_saves_table_three_and_computes_totals(people, as_user, report):
    client = as_user(people.editor_a)
    values = {name("new", "natural_person"): "3", name("new", "commercial_enterprise"): "2"}
    response = client.post(R + "part/applications/", table_post(report, T3, values))
    assert response.status_code == 302
    page = html(client.get(R + "part/applications/"))
    assert re.search(r'id="out-applications\.new\.total"[^>]*>5</output>', page)
    assert 'data-sum="applications.new.natural_person applications.new.commercial_enterprise' in page


def test_it_keeps_what_was_typed_and_shows_messages_beside_cells(people, as_user, report):
    client = as_user(people.editor_a)
    bad = {
        name("new", "natural_person"): "-1",
        name("new", "commercial_enterprise"): "abc",
        name("new", "research_institution"): "1.5",
        name("new", "social_welfare_org"): "99999999999999",
        name("new", "legal_service_org"): "7",
    }
    response = client.post(R + "part/applications/", table_post(report, T3, bad))
    assert response.status_code == 200
    page = html(response)
    for message in ["不能为负数", "“abc”不是数字", "应为整数", "数值过大：最大为 999,999,999,999"]:
        assert message in page
    assert 'value="abc"' in page and 'value="7"' in page  # nothing typed is lost
    assert 'aria-describedby="err-applications.new.natural_person"' in page
    assert 'href="#id_applications.new.natural_person"' in page  # the summary links to the cell
    assert "有 4 处填写有误" in page
    assert report.cells.count() == 0  # nothing saved


def test_it_refuses_slash_in_table_three_but_takes_it_in_table_two(people, as_user, report):
    client = as_user(people.editor_a)
    page = html(client.post(R + "part/applications/", table_post(report, T3, {name("new", "other_org"): "/"})))
    assert "本表不能填“/”" in page
    response = client.post(R + "part/proactive/", table_post(report, "proactive", {"proactive.rules.made": "/"}))
    assert response.status_code == 302
    assert report.entered_values()[CellKey("proactive", "rules", "made")] == "/"


def test_it_fills_blank_cells_with_zero_in_one_click(people, as_user, report):
    client = as_user(people.editor_a)
    data = table_post(report, "litigation", {"litigation.cases.reconsideration_upheld": "2"}, fill_zero="1")
    assert client.post(R + "part/litigation/", data).status_code == 302
    values = report.entered_values()
    table = report.format.table("litigation")
    entered = [s for s in table.cells() if not s.derived]
    assert all(values[s.key] is not None for s in entered)
    assert values[CellKey("litigation", "cases", "reconsideration_upheld")] == 2
    assert values[CellKey("litigation", "cases", "direct_suit_pending")] == 0


def test_it_shows_consistency_findings_with_the_numbers(people, as_user, report):
    client = as_user(people.editor_a)
    values = {name("new", "natural_person"): "5", name("granted", "natural_person"): "3"}
    client.post(R + "part/applications/", table_post(report, T3, values, fill_zero="1"))
    page = html(client.get(R + "part/applications/"))
    assert "自然人列：本年新收 5 + 上年结转 0 = 5，但办理结果总计 3 + 结转下年度 0 = 3，相差 2" in page
    assert 'href="#finding-1"' in page
    assert "有错误" in page


def loaded(client, url):
    """The hidden revision and snapshot of a part's page, as a browser would post them back."""
    return dict(re.findall(r'name="(revision|snapshot)" value="([^"]*)"', html(client.get(url))))


def test_it_keeps_the_second_editors_input_on_a_conflict(people, as_user, report):
    both = loaded(as_user(people.editor_a), R + "part/applications/")
    first = table_post(report, T3, {name("new", "natural_person"): "1"}, **both)
    second = table_post(report, T3, {name("new", "natural_person"): "2", name("new", "other_org"): "9"}, **both)
    as_user(people.editor_a).post(R + "part/applications/", first)
    response = as_user(people.editor_a).post(R + "part/applications/", second)
    assert response.status_code == 200
    page = html(response)
    assert "其他人已保存了这份报告" in page
    assert 'value="2"' in page and 'value="9"' in page
    assert "一、本年新收政府信息公开申请数量 自然人" in page  # in the differences table
    assert report.entered_values()[key("new", "natural_person")] == 1  # the first save stands
    # the page now carries the new revision, so saving again overwrites deliberately
    again = dict(re.findall(r'name="(revision|snapshot)" value="([^"]*)"', page))
    report.refresh_from_db()
    assert int(again["revision"]) == report.revision
    assert as_user(people.editor_a).post(R + "part/applications/", {**second, **again}).status_code == 302
    assert report.entered_values()[key("new", "natural_person")] == 2


def test_it_keeps_the_second_editors_text_on_a_conflict(people, as_user, report):
    client = as_user(people.editor_a)
    both = loaded(client, R + "part/problems/")
    client.post(R + "part/problems/", {**both, "problems": "甲写的。"})
    response = client.post(R + "part/problems/", {**both, "problems": "乙写的。"})
    page = html(response)
    assert "乙写的。" in page and "甲写的。" in page and "其他人已保存" in page
    report.refresh_from_db()
    assert report.problems == "甲写的。"


def test_it_saves_a_part_when_someone_else_saved_another_part(people, as_user, report):
    client = as_user(people.editor_a)
    before = loaded(client, R + "part/applications/")
    client.post(R + "part/problems/", {"revision": report.revision, "problems": "另一人写的。"})  # revision moves on
    data = table_post(report, T3, {name("new", "natural_person"): "4"}, **before)
    assert client.post(R + "part/applications/", data).status_code == 302
    report.refresh_from_db()
    assert report.problems == "另一人写的。"
    assert report.entered_values()[key("new", "natural_person")] == 4


def test_it_shows_parts_read_only_to_reviewers(people, as_user, report):
    page = html(as_user(people.reviewer_a).get(R + "part/applications/"))
    assert "disabled" in page and "本页只读" in page and "保存</button>" not in page


# ---- preview, findings, submit, review --------------------------------------------------------------


def test_it_previews_the_report(people, as_user):
    factories.complete_report(people.a, 2021, texts={"problems": "人员不足。"})
    page = html(as_user(people.reviewer_parent).get(R + "preview/"))
    assert "人员不足。" in page and "三、收到和处理政府信息公开申请情况" in page


def test_it_refuses_to_submit_with_blanks(people, as_user, report):
    response = as_user(people.editor_a).post(R + "submit/", follow=True)
    assert "报告还不能提交" in html(response)
    report.refresh_from_db()
    assert report.status == "draft"


def test_it_refuses_to_submit_with_blocking_findings(people, as_user):
    factories.complete_report(people.a, 2021, cells={key("new", "natural_person"): 1})
    response = as_user(people.editor_a).post(R + "submit/", follow=True)
    assert "相差 1" in html(response)
    assert AnnualReport.objects.get().status == "draft"


def test_it_needs_an_explanation_for_every_warning(people, as_user):
    report = factories.complete_report(people.a, 2021, texts={"overview_summary": "2019年，本机关……"})
    client = as_user(people.editor_a)
    assert "1 条警告未填写说明" in html(client.post(R + "submit/", follow=True))
    page = html(client.get(R + "findings/"))
    assert "写的是“2019年”" in page and 'name="finding" value="N-year:overview_summary"' in page
    client.post(R + "findings/", {"finding": "N-year:overview_summary", "text": "引用往年情况，并非笔误。"})
    assert "已提交审核" in html(client.post(R + "submit/", follow=True))
    report.refresh_from_db()
    assert report.status == "submitted"
    reviewer_page = html(as_user(people.reviewer_a).get(R))
    assert "引用往年情况，并非笔误。" in reviewer_page


def test_it_goes_through_review(people, as_user):
    report = factories.complete_report(people.a, 2021)
    as_user(people.editor_a).post(R + "submit/")
    queue = html(as_user(people.reviewer_parent).get("/workspace/review/"))
    assert report.title in queue
    reviewer = as_user(people.reviewer_parent)
    page = html(reviewer.get(R))
    assert "审核通过" in page and "退回填报人" in page
    assert "请填写退回原因" in html(reviewer.post(R + "return/", {"reason": " "}, follow=True))
    reviewer.post(R + "return/", {"reason": "表三自然人列请再核对。"})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("draft", "表三自然人列请再核对。")
    assert "表三自然人列请再核对。" in html(as_user(people.editor_a).get(R))
    as_user(people.editor_a).post(R + "submit/")
    as_user(people.reviewer_a).post(R + "approve/", {"confirm": "yes"})
    report.refresh_from_db()
    assert report.status == "approved" and report.return_reason == ""
    assert 'href="/workspace/agency-a/2021/publish/">发布…</a>' in html(as_user(people.reviewer_a).get(R))


@pytest.mark.parametrize(
    "status, url",
    [
        ("draft", "approve/"),
        ("draft", "return/"),
        ("draft", "publish/"),
        ("submitted", "submit/"),
        ("submitted", "publish/"),
        ("approved", "approve/"),
        ("approved", "submit/"),
    ],
)
def test_it_moves_nothing_outside_its_allowed_transitions(people, as_user, status, url):
    report = factories.complete_report(people.a, 2021)
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    user = people.editor_a if url == "submit/" else people.reviewer_a
    data = {"reason": "x", "confirm": "publish" if url == "publish/" else "yes", "version": "1"}
    response = as_user(user).post(R + url, data, follow=True)
    assert "不能" in html(response)
    report.refresh_from_db()
    assert report.status == status


def test_it_does_not_save_a_submitted_report(people, as_user):
    report = factories.complete_report(people.a, 2021)
    workflow.submit_report(report, people.editor_a)
    response = as_user(people.editor_a).post(R + "part/problems/", {"revision": report.revision, "problems": "改"})
    assert "只有草稿可以修改" in html(response)
    report.refresh_from_db()
    assert report.problems != "改"


# ---- history ----------------------------------------------------------------------------------------


def test_it_shows_every_save_and_state_change(people, as_user, report):
    client = as_user(people.editor_a)
    client.post(R + "part/applications/", table_post(report, T3, {name("new", "natural_person"): "3"}))
    client.post(R + "part/problems/", {"revision": report.revision + 1, "problems": "问题。"})
    page = html(as_user(people.reviewer_parent).get(R + "history/"))
    assert "一、本年新收政府信息公开申请数量 自然人" in page and "editor_a" in page
    assert "五、存在的主要问题及改进情况" in page
    assert page.count("保存</strong>") == 2 and "创建</strong>" in page
    actions_recorded = list(report.events.values_list("action", flat=True))
    assert actions_recorded.count(ReportEvent.Action.SAVE) == 2


def test_it_has_no_way_to_change_the_history(people, as_user, report):
    page = html(as_user(people.editor_a).get(R + "history/"))
    assert "<form" not in page.split("<main", 1)[1].split("退出登录")[-1]
    assert as_user(people.editor_a).post(R + "history/").status_code == 405


def test_the_editions_describe_every_label_used():
    # guard for the tests above: the labels they look for come from the edition, not from the views
    edition = edition_for_year(2021)
    assert edition.cell(key("new", "natural_person")).label == "一、本年新收政府信息公开申请数量 自然人"


def test_it_takes_a_decrease_in_the_2019_editions_change_column(people, as_user):
    report = actions.create_report(people.a, 2020, people.editor_a)
    client = as_user(people.editor_a)
    url = "/workspace/agency-a/2020/part/proactive/"
    page = html(client.get(url))
    assert 'aria-label="第二十条第（五）项 行政许可 本年增/减"' in page
    data = table_post(report, "proactive", {"proactive.licensing.change": "-8", "proactive.licensing.decisions": "-1"})
    response = client.post(url, data)
    assert "不能为负数" in html(response)  # only 本年增/减 may be negative
    data["proactive.licensing.decisions"] = "3"
    assert client.post(url, data).status_code == 302
    assert report.entered_values()[CellKey("proactive", "licensing", "change")] == -8


def test_it_offers_last_year_and_this_year_and_refuses_a_future_year(client, django_user_model):
    from django.utils import timezone

    from disclosure.models import AnnualReport, Membership
    from tests.factories import organization

    org = organization("startable")
    user = django_user_model.objects.create_user("starter", password="pw-123456-x")
    Membership.objects.create(user=user, organization=org, role=Membership.Role.EDITOR)
    client.force_login(user)
    this_year = timezone.localdate().year
    page = client.get("/workspace/").content.decode()
    assert f"开始填报{this_year - 1}年度报告" in page and f"开始填报{this_year}年度报告" in page
    response = client.post(f"/workspace/startable/{this_year + 1}/start/", follow=True)
    assert f"{this_year + 1}年尚未开始" in response.content.decode()
    assert not AnnualReport.objects.filter(organization=org).exists()


def test_an_editor_reopens_a_published_report_for_a_correction_and_the_next_version_carries_its_note(
    client, django_user_model
):
    from disclosure import workflow
    from disclosure.models import Membership
    from tests.factories import complete_report, organization

    org = organization("corrected")
    editor = django_user_model.objects.create_user("ed", password="pw-123456-x")
    reviewer = django_user_model.objects.create_user("rv", password="pw-123456-x")
    Membership.objects.create(user=editor, organization=org, role=Membership.Role.EDITOR)
    Membership.objects.create(user=reviewer, organization=org, role=Membership.Role.REVIEWER)
    report = workflow.submit_report(complete_report(org, 2021), editor)
    workflow.publish(workflow.approve_report(report, reviewer), reviewer)
    client.force_login(editor)
    page = client.get("/workspace/corrected/2021/").content.decode()
    assert "更正（重新打开报告）" in page
    response = client.post("/workspace/corrected/2021/correct/", {"note": ""}, follow=True)
    assert "请填写更正说明" in response.content.decode()
    client.post("/workspace/corrected/2021/correct/", {"note": "更正了表三的一个数字。"})
    report.refresh_from_db()
    assert report.status == "draft" and report.correction_note == "更正了表三的一个数字。"
    # The deadline was met (late, here) by the first publication; a correction in progress does not make it
    # overdue.
    dashboard = client.get("/workspace/").content.decode()
    row = dashboard[dashboard.index("2021年度报告") :]
    assert "天发布" in row[: row.index("</tr>")] and "已逾期" not in row[: row.index("</tr>")]
    assert "已逾期" not in client.get("/workspace/corrected/2021/").content.decode()
    workflow.submit_report(report, editor)
    version = workflow.publish(workflow.approve_report(report, reviewer), reviewer)
    assert version.number == 2 and version.correction_note == "更正了表三的一个数字。"
    assert "更正了表三的一个数字。" in client.get("/reports/corrected/2021/").content.decode()
