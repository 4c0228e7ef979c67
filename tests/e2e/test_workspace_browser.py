"""End to end in a real browser: an editor fills table 三 by the inputs' accessible names, watches the live
totals, makes and fixes mistakes and submits; the reviewer returns the report with a reason; the editor fixes
and resubmits; the reviewer approves. Screenshots of table 三 at 1280 and 390 px go to test-output/."""

import re

from playwright.sync_api import expect

from disclosure.models import AnnualReport
from disclosure.workspace.progress import reporting_year

from .conftest import PASSWORD

# (row path, column path) -> value: a consistent table 三 (一 + 二 = 三（七） + 四 in every column).
FIGURES = {
    ("一、本年新收政府信息公开申请数量", "自然人"): "5",
    ("一、本年新收政府信息公开申请数量", "法人或其他组织 商业企业"): "2",
    ("二、上年结转政府信息公开申请数量", "自然人"): "1",
    ("三、本年度办理结果 （一）予以公开", "自然人"): "3",
    ("三、本年度办理结果 （一）予以公开", "法人或其他组织 商业企业"): "1",
    ("三、本年度办理结果 （二）部分公开（区分处理的，只计这一情形，不计其他情形）", "自然人"): "1",
    ("三、本年度办理结果 （四）无法提供 1.本机关不掌握相关政府信息", "自然人"): "1",
    ("三、本年度办理结果 （五）不予处理 2.重复申请", "法人或其他组织 商业企业"): "1",
    ("四、结转下年度继续办理", "自然人"): "1",
}
TEXTS = {
    "（一）主动公开": "本年度通过门户网站主动公开政府信息。",
    "（二）依申请公开": "依法办理政府信息公开申请，均在法定期限内答复。",
    "（三）政府信息管理": "加强政府信息公开审查。",
    "（四）政府信息公开平台建设": "优化政府信息公开专栏。",
    "（五）监督保障": "将政务公开纳入年度考核。",
}


def cell(page, row, column):
    return page.get_by_role("textbox", name=f"{row} {column}", exact=True)


def total(page, row, column):
    return page.get_by_label(f"{row} {column}", exact=True)


def log_in(page, base, username):
    page.goto(f"{base}/workspace/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="退出登录").click()


def test_editor_fills_and_submits_reviewer_returns_then_approves(live_server, browser, e2e_people, output_dir):
    base, year = live_server.url, reporting_year()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # The editor starts this year's report from the dashboard.
    log_in(page, base, "editor_a")
    page.get_by_role("button", name=f"开始填报{year}年度报告").click()
    expect(page.get_by_text("已开始填报")).to_be_visible()
    report_url = f"{base}/workspace/agency-a/{year}/"

    # 一、总体情况 and the two other narrative parts.
    page.get_by_role("link", name="一、总体情况").click()
    for label, text in TEXTS.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("“一、总体情况”已保存")).to_be_visible()
    for part, text in (("五、存在的主要问题及改进情况", "人员力量不足。"), ("六、其他需要报告的事项", "无。")):
        page.get_by_role("link", name=part).click()
        page.get_by_label(part).fill(text)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_text(f"“{part}”已保存")).to_be_visible()

    # Tables 二 and 四: nothing to report.
    for part in ("二、主动公开政府信息情况", "四、政府信息公开行政复议、行政诉讼情况"):
        page.get_by_role("link", name=part).click()
        page.get_by_role("button", name=re.compile("本表无数据")).click()
        expect(page.get_by_text(f"“{part}”已保存")).to_be_visible()

    # Table 三, by the inputs' accessible names; the totals follow as they type.
    page.get_by_role("link", name="三、收到和处理政府信息公开申请情况").click()
    for (row, column), value in FIGURES.items():
        cell(page, row, column).fill(value)
    expect(total(page, "一、本年新收政府信息公开申请数量", "总计")).to_have_text("7")
    expect(total(page, "三、本年度办理结果 （七）总计", "自然人")).to_have_text("5")
    expect(total(page, "三、本年度办理结果 （七）总计", "总计")).to_have_text("7")

    # A typing mistake: the message sits beside the cell and in the summary; nothing typed is lost.
    cell(page, "三、本年度办理结果 （一）予以公开", "自然人").fill("3件")
    expect(total(page, "三、本年度办理结果 （七）总计", "自然人")).to_have_text("？")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("“3件”不是数字").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("（一）予以公开 自然人："))).to_be_visible()
    expect(cell(page, "一、本年新收政府信息公开申请数量", "自然人")).to_have_value("5")
    page.screenshot(path=str(output_dir / "workspace-table3-error-1280.png"))
    cell(page, "三、本年度办理结果 （一）予以公开", "自然人").fill("3")

    # A consistency mistake: saved, and the equation with the numbers is shown.
    cell(page, "四、结转下年度继续办理", "自然人").fill("2")
    page.once("dialog", lambda dialog: dialog.accept())  # 空白处填 0 并保存 asks first on a partly filled table
    page.get_by_role("button", name="空白处填 0 并保存", exact=True).click()
    expect(page.get_by_text("相差 1").first).to_be_visible()
    expect(page.get_by_text("有错误").first).to_be_visible()
    cell(page, "四、结转下年度继续办理", "自然人").fill("1")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.get_by_text("相差")).to_have_count(0)

    page.screenshot(path=str(output_dir / "workspace-table3-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=str(output_dir / "workspace-table3-390.png"), full_page=False)
    # Scrolled sideways inside its box, the row labels stay in view.
    page.locator(".grid-scroll").evaluate("box => { box.scrollLeft = 300; }")
    page.locator(".grid-scroll").screenshot(path=str(output_dir / "workspace-table3-390-scrolled.png"))
    page.set_viewport_size({"width": 1280, "height": 900})

    # Submit.
    page.goto(report_url)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核").first).to_be_visible()
    log_out(page)

    # The reviewer of the parent government returns it with a reason.
    log_in(page, base, "reviewer_parent")
    page.get_by_role("link", name="待审核", exact=True).click()
    page.get_by_role("link", name=re.compile(f"测试区甲局{year}年度")).click()
    page.get_by_role("link", name="预览").click()
    expect(page.get_by_text("人员力量不足。")).to_be_visible()
    page.screenshot(path=str(output_dir / "workspace-preview-1280.png"), full_page=True)
    page.goto(report_url)
    page.screenshot(path=str(output_dir / "workspace-review-1280.png"), full_page=True)
    page.get_by_label("退回原因").fill("“（五）监督保障”请补充考核结果。")
    page.get_by_role("button", name="退回填报人").click()
    expect(page.get_by_text("已退回填报人")).to_be_visible()
    log_out(page)

    # The editor sees the reason, fixes and resubmits.
    log_in(page, base, "editor_a")
    page.goto(report_url)
    expect(page.get_by_text("“（五）监督保障”请补充考核结果。")).to_be_visible()
    page.get_by_role("link", name="一、总体情况").click()
    page.get_by_label("（五）监督保障").fill("将政务公开纳入年度考核，考核结果为优秀。")
    page.get_by_role("button", name="保存").click()
    page.goto(report_url)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核").first).to_be_visible()
    log_out(page)

    # The reviewer approves.
    log_in(page, base, "reviewer_parent")
    page.goto(report_url)
    page.get_by_role("link", name="审阅报告并审核通过").click()
    page.get_by_label("我已阅读报告全文、检查结果和变化情况").check()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()
    page.get_by_role("link", name="修改记录").click()
    expect(page.get_by_text("审核通过").first).to_be_visible()

    assert AnnualReport.objects.get(organization__slug="agency-a", year=year).status == "approved"
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_leaving_with_unsaved_changes_asks_and_filling_blanks_with_zero_says_how_many(live_server, browser, e2e_people):
    base, year = live_server.url, reporting_year()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    dialogs, answers = [], []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.accept() if (answers.pop(0) if answers else True) else dialog.dismiss()

    page.on("dialog", answer)
    log_in(page, base, "editor_a")
    page.get_by_role("button", name=f"开始填报{year}年度报告").click()
    tables = "三、收到和处理政府信息公开申请情况"

    # Nothing typed: leaving does not ask.
    page.get_by_role("link", name="一、总体情况").click()
    expect(page.get_by_label("（一）主动公开")).to_be_visible()
    assert dialogs == []

    # Typed and not saved: leaving by another part's link asks.
    page.get_by_label("（一）主动公开").fill("本年度主动公开政府信息。")
    # A live count of what the server will count (no maxlength: nothing pasted is cut short).
    expect(page.get_by_text("共 12 字，最多 20000 字")).to_be_visible()
    page.get_by_label("（二）依申请公开").fill("第一行\n第二行")  # a line break is sent as CR LF
    expect(page.get_by_text("共 8 字，最多 20000 字")).to_be_visible()
    page.get_by_role("link", name=tables).click()
    expect(page.get_by_role("heading", name=tables)).to_be_visible()
    assert [kind for kind, _ in dialogs] == ["beforeunload"]

    # On a table: one cell typed turns 本表无数据 into 空白处填 0 并保存, which says how many cells become 0.
    blanks = page.locator("input.cell-input").count() - 1
    expect(page.get_by_role("button", name=re.compile("本表无数据"))).to_be_visible()
    cell(page, "一、本年新收政府信息公开申请数量", "自然人").fill("5")
    fill_zero = page.get_by_role("button", name="空白处填 0 并保存", exact=True)
    dialogs.clear()
    answers.append(False)  # cancelled: nothing is filled or saved
    fill_zero.click()
    assert dialogs[0][0] == "confirm" and f"还有 {blanks} 个空白单元格" in dialogs[0][1], dialogs
    expect(cell(page, "二、上年结转政府信息公开申请数量", "自然人")).to_have_value("")
    expect(page.get_by_text("已保存")).to_have_count(0)
    answers.append(True)
    fill_zero.click()
    expect(page.get_by_text(f"“{tables}”已保存")).to_be_visible()
    expect(cell(page, "二、上年结转政府信息公开申请数量", "自然人")).to_have_value("0")

    # Saved: leaving does not ask; a narrative saved by its button does not either.
    dialogs.clear()
    page.get_by_role("link", name="一、总体情况").click()
    page.get_by_label("（二）依申请公开").fill("依法办理。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("“一、总体情况”已保存")).to_be_visible()
    page.get_by_role("link", name=tables).click()
    expect(page.get_by_role("heading", name=tables)).to_be_visible()
    assert dialogs == []


def test_dashboard_labels_do_not_break_on_a_phone(live_server, browser, e2e_people, output_dir):
    from disclosure.publishing import publish_report
    from tests import factories

    year = reporting_year()
    publish_report(factories.complete_report(e2e_people.a, year - 1), None, require_approved=False, render=False)
    factories.complete_report(e2e_people.a, year - 2)
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    log_in(page, live_server.url, "editor_a")
    page.screenshot(path=str(output_dir / "workspace-dashboard-390.png"), full_page=True)
    labels = [page.get_by_role("link", name=f"{year - 1}年度报告"), page.locator(".badge.status-published")]
    labels += [page.locator(".badge.status-draft")]
    labels.append(page.get_by_role("columnheader", name="截止日期"))
    for label in labels:
        assert label.first.evaluate(LINES) == 1, label
    # It fits: the table needs no sideways scrolling at 390 px.
    assert page.locator(".table-responsive").evaluate("box => box.scrollWidth <= box.clientWidth")
    # The 已发布 badge's colour keeps its contrast (and is no longer the red of 有错误).
    from .test_accessibility import axe_violations

    assert axe_violations(page) == []


# How many lines an element's text takes: its text's boxes at distinct heights.
LINES = """e => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
}"""
