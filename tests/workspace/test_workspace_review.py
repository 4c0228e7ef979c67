"""The reviewer's pages (issue 11, Reviewers): the review page with the report, its findings and explanations
and what changed (against last year, against the replaced version); approval and publication confirmed;
the publication's links; self-review recorded and shown; the history in Chinese, grouped and paged."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from disclosure import publishing, workflow
from disclosure.formats import CellKey, edition_for_year
from disclosure.models import Membership, PublishedVersion, ReportEvent
from tests import factories

R = "/workspace/agency-a/2021/"
NEW, GRANTED, REFUSED = "new", "granted", "refused_state_secret"


def cell(row, column="natural_person"):
    return CellKey("applications", row, column)


def label(row, column="natural_person", year=2021):
    return edition_for_year(year).cell(cell(row, column)).full_label


def html(response):
    return response.content.decode()


def text_of(response):
    """The page's visible text: tags removed, whitespace squeezed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", html(response), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(autouse=True)
def no_rendering(monkeypatch):
    """Publications stay 生成中 unless a test makes them ready: no PDF is rendered here."""
    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)


def publish(report, actor=None):
    return publishing.publish_report(report, actor, require_approved=False)


def ready(version):
    PublishedVersion.objects.filter(pk=version.pk).update(render_state="ready", rendered_at=timezone.now())


def balanced(new, granted, refused=0):
    """Table 三 figures that balance: 本年新收 = 予以公开 + 不予公开（属于国家秘密）."""
    return {cell(NEW): new, cell(GRANTED): granted, cell(REFUSED): refused}


def submitted(people, cells=None, texts=None):
    report = factories.complete_report(people.a, 2021, cells=cells, texts=texts)
    return workflow.submit_report(report, people.editor_a)


# ---- the review page --------------------------------------------------------------------------------


def test_it_shows_the_report_its_findings_and_the_explanations(people, as_user):
    report = factories.complete_report(people.a, 2021, texts={"overview_summary": "2019年，本机关……"})
    finding = next(f for f in workflow.check_report(report) if f.key == "N-year:overview_summary")
    workflow.explain_warning(report, people.editor_a, finding, "引用往年情况，并非笔误。")
    workflow.submit_report(report, people.editor_a)
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert report.title in page
    assert "报告全文" in page and "加强政府信息管理。" in page  # the narrative, in the shared body
    assert "三、政府信息公开申请情况" in page or edition_for_year(2021).part("applications").label in page
    assert finding.message in page
    assert "填报人说明 （editor_a" in page and "引用往年情况，并非笔误。" in page


def test_the_review_queue_leads_to_the_review_page(people, as_user):
    report = submitted(people)
    page = html(as_user(people.reviewer_a).get("/workspace/review/"))
    assert f'<a href="{R}review/">{report.title}</a>' in page


def test_it_lists_the_largest_changes_against_last_year_first(people, as_user):
    publish(factories.complete_report(people.a, 2020, cells=balanced(10, 10)))
    submitted(people, cells=balanced(14, 4, 10))  # +4, −6, +10
    response = as_user(people.reviewer_a).get(R + "review/")
    page = text_of(response)
    assert "与2020年度报告第1版（已发布）相比" in page
    rows = [label(REFUSED), label(GRANTED), label(NEW)]
    positions = [page.index(f"{row} ") for row in rows]
    assert positions == sorted(positions), "largest absolute change first"
    assert f"{label(REFUSED)} 0 10 +10" in page
    assert f"{label(GRANTED)} 10 4 −6" in page
    assert f"{label(NEW)} 10 14 +4" in page
    changes = page.split("与上年相比")[-1].split("报告全文")[0]
    assert label(NEW, "total") not in changes, "totals follow from their cells: not listed again"
    assert "3 个填报的数字不同" in changes


def test_it_leaves_out_cells_last_years_edition_did_not_have(people, as_user):
    publish(factories.complete_report(people.a, 2020, cells=balanced(10, 10)))
    only_2021 = cell("other_other")
    assert edition_for_year(2020).cell(only_2021) is None
    submitted(people, cells={**balanced(14, 4), only_2021: 10})
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert f"{label(NEW)} 10 14 +4" in page
    assert label("other_other") not in page.split("与上年相比")[-1].split("报告全文")[0]


def test_it_compares_with_last_years_report_as_it_stands_when_it_was_never_published(people, as_user):
    factories.complete_report(people.a, 2020, cells=balanced(3, 3))
    submitted(people, cells=balanced(5, 5))
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert "2020年度报告尚未发布，以其现有数字比较。" in page
    assert f"{label(NEW)} 3 5 +2" in page


def test_it_says_when_there_is_no_report_of_last_year(people, as_user):
    submitted(people)
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert "系统中没有2020年度报告，无法与上年比较。" in page


def test_it_reads_a_bounded_number_of_rows_whatever_the_history(people, as_user, django_assert_max_num_queries):
    publish(factories.complete_report(people.a, 2020, cells=balanced(10, 10)))
    report = submitted(people, cells=balanced(14, 4, 10))
    client = as_user(people.reviewer_a)
    with django_assert_max_num_queries(40) as few:
        client.get(R + "review/")
    ReportEvent.objects.bulk_create(ReportEvent(report=report, action="save") for _ in range(200))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(R + "review/")


def corrected(people, cells, texts):
    """Version 1 published; reopened for a correction with the given cells and texts, and submitted."""
    report = factories.complete_report(people.a, 2021, cells=balanced(10, 10))
    ready(publish(report))
    workflow.correct_report(report, people.editor_a, "更正表三的数字和存在的问题")
    workflow.save_part(report, people.editor_a, texts=texts, cells={k: Decimal(v) for k, v in cells.items()})
    return workflow.submit_report(report, people.editor_a)


def test_it_shows_what_a_correction_changes_in_the_version_it_replaces(people, as_user):
    corrected(people, balanced(12, 12), {"problems": "存在的问题及改进情况。\n新增一段改进措施。"})
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert "更正：与已发布的第1版相比" in page
    assert "更正说明： 更正表三的数字和存在的问题" in page
    assert f"{label(NEW)} 10 12 +2" in page and f"{label(GRANTED)} 10 12 +2" in page
    assert label(REFUSED) + " " not in page.split("更正：与已发布的第1版相比")[-1].split("报告全文")[0]
    problems = edition_for_year(2021).part("problems").label
    assert f"{problems} 新增 新增一段改进措施。" in page
    assert "删去" not in page.split("更正的文字")[-1].split("报告全文")[0]


def test_it_still_shows_what_the_published_correction_changed(people, as_user):
    report = corrected(people, balanced(12, 12), {"other_matters": "补充说明。"})
    workflow.approve_report(report, people.reviewer_a)
    publish(report)
    page = text_of(as_user(people.reviewer_a).get(R + "review/"))
    assert "更正：与已发布的第1版相比" in page
    assert f"{label(NEW)} 10 12 +2" in page
    assert "删去 无。" in page and "新增 补充说明。" in page


def test_it_shows_no_correction_for_a_first_publication(people, as_user):
    submitted(people)
    assert "更正：" not in text_of(as_user(people.reviewer_a).get(R + "review/"))


# ---- confirmations ------------------------------------------------------------------------------------


def test_it_approves_only_with_the_confirmation_ticked(people, as_user):
    report = submitted(people)
    client = as_user(people.reviewer_a)
    page = html(client.get(R + "review/"))
    assert 'name="confirm" value="yes"' in page and "required" in page
    response = client.post(R + "approve/", follow=True)
    assert "未审核通过：请先勾选" in html(response)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert not report.events.filter(action="approve").exists()
    client.post(R + "approve/", {"confirm": "yes"})
    report.refresh_from_db()
    assert report.status == "approved"


def test_it_shows_what_will_be_public_before_publishing(people, as_user):
    report = workflow.approve_report(submitted(people), people.reviewer_a)
    page = text_of(as_user(people.reviewer_a).get(R + "publish/"))
    assert "确认发布" in page and report.title in page
    assert "版本 第1版" in page
    assert f"发布日期 {timezone.localdate():%Y}年{timezone.localdate().month}月{timezone.localdate().day}日" in page
    assert "发布后不能撤回。" in page and "http://testserver/reports/agency-a/2021/" in page
    assert "更正说明" not in page


def test_the_confirmation_of_a_correction_shows_its_note_and_number(people, as_user):
    report = corrected(people, balanced(12, 12), {})
    workflow.approve_report(report, people.reviewer_a)
    page = text_of(as_user(people.reviewer_a).get(R + "publish/"))
    assert "版本 第2版（更正后的版本，取代第1版）" in page
    assert "更正说明 更正表三的数字和存在的问题" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "未发布：发布须在本页确认"),
        ({"version": "1"}, "未发布：发布须在本页确认"),
        ({"confirm": "yes", "version": "1"}, "未发布：发布须在本页确认"),
        ({"confirm": "publish"}, "未发布：确认页面显示的版本已过时"),
        ({"confirm": "publish", "version": "2"}, "未发布：确认页面显示的版本已过时"),
    ],
)
def test_it_publishes_nothing_without_the_confirmation(people, as_user, data, message):
    report = workflow.approve_report(submitted(people), people.reviewer_a)
    response = as_user(people.reviewer_a).post(R + "publish/", data, follow=True)
    assert message in html(response)
    assert response.redirect_chain[0] == (R + "publish/", 302)
    report.refresh_from_db()
    assert report.status == "approved"
    assert not report.versions.exists() and not report.events.filter(action="publish").exists()


def test_it_publishes_with_the_confirmation(people, as_user):
    report = workflow.approve_report(submitted(people), people.reviewer_a)
    response = as_user(people.reviewer_a).post(R + "publish/", {"confirm": "publish", "version": "1"}, follow=True)
    assert "已发布第1版" in html(response)
    report.refresh_from_db()
    assert report.status == "published" and report.versions.get().number == 1


def test_a_second_confirmation_of_the_same_version_publishes_nothing_more(people, as_user):
    report = workflow.approve_report(submitted(people), people.reviewer_a)
    confirm = {"confirm": "publish", "version": "1"}
    as_user(people.reviewer_parent).post(R + "publish/", confirm)  # a colleague was quicker
    response = as_user(people.reviewer_a).post(R + "publish/", confirm, follow=True)
    assert "报告当前状态为“已发布”，不能发布" in html(response) and "已过时" not in html(response)
    assert report.versions.count() == 1


def test_the_confirmation_page_sends_back_a_report_that_is_not_approved(people, as_user):
    submitted(people)
    response = as_user(people.reviewer_a).get(R + "publish/", follow=True)
    assert response.redirect_chain == [(R, 302)]
    assert "报告当前状态为“待审核”，不能发布" in html(response)


# ---- after publishing ------------------------------------------------------------------------------


LINKS = [
    'href="/reports/agency-a/2021/"',
    'href="/reports/agency-a/2021.pdf"',
    'href="/reports/agency-a/2021.docx"',
    'href="/reports/agency-a/2021.json"',
    'href="/reports/agency-a/2021.csv"',
]


@pytest.mark.parametrize("url", [R, R + "review/"])
def test_it_links_the_public_page_and_files_once_rendered(people, as_user, url):
    report = workflow.approve_report(submitted(people), people.reviewer_a)
    version = workflow.publish(report, people.reviewer_a)
    client = as_user(people.reviewer_a)
    rendering = html(client.get(url))
    assert "已发布" in rendering and "生成中" in rendering and "data-rendering" in rendering
    assert "workspace/rendering.js" in rendering
    assert not any(link in rendering for link in LINKS)
    ready(version)
    page = html(client.get(url))
    assert "已发布" in page and "已完成" in page and "rendering.js" not in page and "data-rendering" not in page
    assert all(link in page for link in LINKS), [link for link in LINKS if link not in page]


def test_it_links_the_previous_version_while_a_correction_renders(people, as_user):
    report = corrected(people, balanced(12, 12), {})
    workflow.approve_report(report, people.reviewer_a)
    publish(report)
    page = html(as_user(people.reviewer_a).get(R))
    assert "生成中" in page and "公众看到的是第1版" in page
    assert 'href="/reports/agency-a/2021/">公开页面</a>（第1版）' in page


# ---- self-review --------------------------------------------------------------------------------------


@pytest.fixture
def both(people):
    """agency A's editor, made its reviewer too (a small office)."""
    Membership.objects.create(user=people.editor_a, organization=people.a, role=Membership.Role.REVIEWER)
    return people.editor_a


def test_an_editor_who_also_reviews_may_approve_their_own_report_and_it_is_recorded(people, as_user, both):
    submitted(people)
    client = as_user(both)
    assert "本人审核" in text_of(client.get(R + "review/"))  # said before approving
    response = client.post(R + "approve/", {"confirm": "yes"}, follow=True)
    assert "已审核通过" in html(response)
    event = ReportEvent.objects.get(action="approve")
    assert event.actor == both and event.self_review
    review_page = text_of(client.get(R + "review/"))
    assert "审核通过： editor_a" in review_page and "本人审核" in review_page
    history = text_of(client.get(R + "history/"))
    assert "审核通过 本人审核 （待审核 → 已审核）" in history
    assert "本人审核" in text_of(client.get(R + "publish/"))


def test_an_approval_by_another_reviewer_is_not_a_self_review(people, as_user, both):
    submitted(people)
    as_user(people.reviewer_a).post(R + "approve/", {"confirm": "yes"})
    assert not ReportEvent.objects.get(action="approve").self_review
    assert "本人审核" not in text_of(as_user(people.reviewer_a).get(R + "history/"))
    assert "本人审核" not in text_of(as_user(people.reviewer_a).get(R + "review/"))


def test_work_before_the_last_publication_does_not_make_an_approval_a_self_review(people, both):
    report = factories.complete_report(people.a, 2021)
    workflow.submit_report(report, both)
    workflow.approve_report(report, people.reviewer_a)
    publish(report)
    assert not workflow.is_own_work(report, both)  # what they did belongs to the published version
    workflow.correct_report(report, both, "更正")
    assert not workflow.is_own_work(report, both)  # reopening is not writing
    workflow.submit_report(report, both)
    assert workflow.is_own_work(report, both)
    assert not workflow.is_own_work(report, people.reviewer_a)


# ---- history ------------------------------------------------------------------------------------------

RAW_CODES = re.compile(
    r"\b(draft|submitted|approved|published|create|save|import|submit|return|approve|publish|reopen|explain"
    r"|retry_render|rendering|ready|failed)\b"
)


def a_whole_cycle(people):
    report = corrected(people, balanced(12, 12), {"problems": "改。"})
    workflow.return_report(report, people.reviewer_a, "请再核对")
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, people.reviewer_a)
    publish(report, people.reviewer_a)
    return report


def test_the_history_speaks_chinese_only(people, as_user):
    report = a_whole_cycle(people)
    ReportEvent.objects.create(report=report, action="obsolete", from_status="old_status", to_status="other")
    page = text_of(as_user(people.editor_a).get(R + "history/"))
    assert not RAW_CODES.search(page), RAW_CODES.search(page)
    assert "old_status" not in page and "obsolete" not in page
    for words in ("已发布 → 草稿", "草稿 → 待审核", "待审核 → 草稿", "待审核 → 已审核", "已审核 → 已发布", "→ 草稿"):
        assert words in page, words
    for action in ("创建", "保存", "提交审核", "退回", "审核通过", "发布", "更正", "其他操作"):
        assert action in page, action


def test_the_history_groups_events_by_day_and_by_person(people, as_user):
    report = factories.complete_report(people.a, 2021)
    workflow.submit_report(report, people.editor_a)
    workflow.return_report(report, people.reviewer_a, "请再核对")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    report.events.filter(action="create").update(at=yesterday)
    page = html(as_user(people.editor_a).get(R + "history/"))
    days = re.findall(r'<h2 class="h6" id="day-\d+"><time datetime="([\d-]+)"', page)
    assert days == [str(timezone.localdate()), str(timezone.localdate(yesterday))]
    today = page.split('id="day-2"')[0]
    runs = re.findall(r'<h3 class="h6">([^<]+)<span class="small text-secondary fw-normal">（(\d+) 条）', today)
    # Newest first: the return, the submission, the save by no one (factories write as a command would).
    assert runs == [("reviewer_a", "1"), ("editor_a", "1"), ("系统", "1")]
    assert "创建" in page.split('id="day-2"')[1]


EVENTS_PER_PAGE = 50


def test_the_history_is_paged(people, as_user):
    report = factories.complete_report(people.a, 2021)
    start = timezone.now() - datetime.timedelta(hours=3)
    ReportEvent.objects.bulk_create(
        ReportEvent(report=report, action="save", message=f"第{i}次", at=start + datetime.timedelta(seconds=i))
        for i in range(2 * EVENTS_PER_PAGE + 10)
    )
    total = report.events.count()
    client = as_user(people.editor_a)
    first = html(client.get(R + "history/"))
    assert first.count('<li class="history-event">') == EVENTS_PER_PAGE
    assert f"共 {total} 条" in first and "第 1 / 3 页" in first and 'href="?page=2"' in first
    last = html(client.get(R + "history/?page=3"))
    assert last.count('<li class="history-event">') == total - 2 * EVENTS_PER_PAGE
    assert "第0次" in last and "第 3 / 3 页" in last and 'href="?page=2"' in last and "?page=4" not in last
    assert "第 3 / 3 页" in html(client.get(R + "history/?page=99"))
    assert "第 1 / 3 页" in html(client.get(R + "history/?page=abc"))


def test_the_history_fits_a_long_save_in_a_folded_table(people, as_user):
    factories.complete_report(people.a, 2021, cells={cell(NEW): Decimal(3), cell(GRANTED): Decimal(3)})
    page = html(as_user(people.editor_a).get(R + "history/"))
    assert re.search(r"<details><summary>修改了 \d+ 处</summary>", page)
    assert f'<th scope="row">{label(GRANTED)}</th>' in page  # the cell's full name, row path and column


def test_the_admins_history_speaks_chinese_too(people, as_user):
    report = a_whole_cycle(people)
    page = text_of(as_user(people.admin).get(f"/admin/disclosure/annualreport/{report.pk}/change/"))
    history = page.split("操作记录")[-1]
    assert "待审核 → 已审核" in history and "已发布 → 草稿" in history
    assert not re.search(r"\b(draft|submitted|approved|published)\b", history)


def status_badges(response):
    return re.findall(r'<span class="badge status-(\w+)">([^<]+)</span>', html(response))


def test_a_returned_draft_and_a_correction_are_named_as_on_the_overview(people, as_user):
    report = workflow.return_report(submitted(people), people.reviewer_a, "表三数字有误")
    client = as_user(people.editor_a)
    assert status_badges(client.get(R)) == [("returned", "已退回")]
    assert ("returned", "已退回") in status_badges(client.get("/workspace/"))
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, people.reviewer_a)
    publish(report)
    publishing.reopen_for_correction(report, people.reviewer_a, "更正表三数字")
    assert status_badges(client.get(R)) == [("correcting", "更正中")]
    assert ("correcting", "更正中") in status_badges(client.get("/workspace/"))


def started_message(client, year):
    response = client.post(f"/workspace/agency-a/{year}/start/", follow=True)
    return [str(m) for m in response.context["messages"]]


def test_starting_a_year_says_where_its_carried_figures_come_from(people, as_user):
    client = as_user(people.editor_a)
    assert started_message(client, 2021) == ["已开始填报2021年度报告；没有2020年度报告，没有可带入的数据"]
    assert started_message(client, 2022) == [
        "已开始填报2022年度报告；能带入的数据已从2021年度报告带入，但该报告尚未发布（草稿），请务必核对"
    ]
    report = factories.complete_report(people.a, 2023)
    publish(report)
    assert started_message(client, 2024) == ["已开始填报2024年度报告；能从2023年度报告带入的数据已带入"]


@pytest.mark.parametrize("url", ["/workspace/", "/workspace/review/", R, R + "history/"])
def test_the_menu_offers_the_region_pages_to_a_supervising_office_on_every_page(people, as_user, url):
    submitted(people)
    assert "辖区汇总" in html(as_user(people.reviewer_parent).get(url))
    assert "辖区汇总" not in html(as_user(people.editor_a).get(url))


def test_a_refused_return_reason_comes_back_in_its_box_on_the_review_page(people, as_user):
    submitted(people)
    client = as_user(people.reviewer_a)
    response = client.post(R + "return/", {"reason": "因" * 2001, "from": "review"})
    assert response.url == R + "review/#decision"
    page = html(client.get(response.url))
    assert "退回原因太长：最多 2000 字，现为 2001 字" in page and "因" * 2001 in page
    assert "因" * 2001 not in html(client.get(R + "review/"))  # shown once


def test_a_refused_correction_note_comes_back_in_its_box(people, as_user):
    report = factories.complete_report(people.a, 2021)
    publish(report)
    client = as_user(people.editor_a)
    response = client.post(R + "correct/", {"note": "改" * 2001}, follow=True)
    assert "更正说明太长" in html(response) and "改" * 2001 in html(response)
    report.refresh_from_db()
    assert report.status == "published"


def todo_items(response):
    page = html(response)
    if "待办" not in page:
        return []
    summary = page[page.index('id="todo-title"') : page.index("</section>", page.index('id="todo-title"'))]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li[^>]*>(.*?)</li>", summary)]


def test_the_dashboard_sums_up_what_waits_for_each_role(people, as_user):
    report = submitted(people)
    assert todo_items(as_user(people.reviewer_a).get("/workspace/")) == ["待审核 1 份"]
    assert [item[:6] for item in todo_items(as_user(people.editor_a).get("/workspace/"))] == ["可以开始填报"]
    workflow.return_report(report, people.reviewer_a, "请核对")
    assert todo_items(as_user(people.editor_a).get("/workspace/"))[0] == "已退回 需要修改 1 份"
    workflow.submit_report(report, people.editor_a)
    workflow.approve_report(report, people.reviewer_a)
    assert todo_items(as_user(people.reviewer_a).get("/workspace/")) == ["已审核待发布 1 份"]


def test_submitting_during_the_reporting_year_is_flagged(people, as_user):
    this_year = timezone.localdate().year
    factories.complete_report(people.a, this_year)
    page = html(as_user(people.editor_a).get(f"/workspace/agency-a/{this_year}/"))
    assert f"{this_year}年尚未结束" in page
    factories.complete_report(people.a, this_year - 1)
    assert "尚未结束" not in html(as_user(people.editor_a).get(f"/workspace/agency-a/{this_year - 1}/"))
