"""The public region summary and the reminders in a real browser; screenshots at 1280 and 390 px in test-output/."""

from playwright.sync_api import expect

from disclosure import publishing
from disclosure.formats import edition_for_year
from disclosure.models import PublishedVersion
from disclosure.public import pagecache
from tests import factories

from .test_accessibility import axe_violations
from .test_accessibility import log_in as log_in_at
from .test_workspace_browser import log_in

YEAR = 2021
FIRST = next(s for s in edition_for_year(YEAR).tables[-1].cells() if not s.derived)


def ready_at_once(version_id):
    PublishedVersion.objects.filter(pk=version_id).update(render_state=PublishedVersion.RenderState.READY)
    pagecache.invalidate()


def region(people):
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    factories.organization("agency-d", parent=people.district, name="测试区丁局")
    for org, value in ((people.a, 7), (c, 5)):
        report = factories.complete_report(org, YEAR, cells={FIRST.key: value})
        publishing.publish_report(report, None, require_approved=False)


def test_a_visitor_reads_the_region_summary(live_server, browser, e2e_people, output_dir, monkeypatch):
    monkeypatch.setattr(publishing, "schedule_render", ready_at_once)
    region(e2e_people)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{base}/reports/district/")
    page.get_by_role("link", name=f"{YEAR}年度辖区汇总").click()
    expect(page.locator(".summary-basis")).to_contain_text("根据已发布的 2 份报告汇总")
    page.screenshot(path=output_dir / "public-summary-1280.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("link", name="测试区甲局").click()
    expect(page).to_have_url(f"{base}/reports/agency-a/{YEAR}/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/reports/district/{YEAR}/summary/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # wide tables scroll inside their own box, the page does not
    page.screenshot(path=output_dir / "public-summary-390.png", full_page=True)
    assert axe_violations(page) == []


def test_the_reviewer_sends_a_reminder(live_server, browser, e2e_people, output_dir, monkeypatch):
    monkeypatch.setattr(publishing, "schedule_render", ready_at_once)
    region(e2e_people)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, base, "reviewer_parent")
    page.goto(f"{base}/workspace/oversight/{YEAR}/")
    # Before anything is sent, the list says who has no editor to write to: their box cannot be ticked.
    for name, slug in (("测试区丁局", "agency-d"), ("测试区人民政府", "district")):
        expect(page.get_by_label(f"提醒{name}")).to_be_disabled()
        expect(page.locator(f'tr[data-org="{slug}"] .no-email')).to_have_text("无邮箱")
    from disclosure.models import Membership

    Membership.objects.create(user=e2e_people.editor_a, organization=e2e_people.district, role="editor")
    page.reload()
    page.get_by_label("提醒测试区人民政府").check()
    page.get_by_role("button", name="向勾选的机关发送催报提醒").click()
    expect(page.get_by_text("已向 1 个机关的填报人发送提醒：测试区人民政府（1 人）")).to_be_visible()
    expect(page.locator('tr[data-org="district"] .reminded')).to_contain_text("已提醒")
    expect(page.get_by_label("提醒测试区人民政府")).to_have_count(0)  # reminded today: nothing to tick
    page.screenshot(path=output_dir / "oversight-reminders-1280.png", full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=output_dir / "oversight-reminders-390.png", full_page=True)
    assert axe_violations(page) == []


def test_the_admin_imports_a_spreadsheet(live_server, browser, e2e_people, output_dir, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("名称,简称,类型,上级,编辑,审核\n测试区戊局,戊局,部门,测试区人民政府,wu:wu@x.gov.cn,\n", "utf-8-sig")
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in_at(page, base, "admin", path="/admin/login/")
    page.goto(base + "/admin/disclosure/organization/")
    page.get_by_role("link", name="批量导入（CSV/XLSX）").click()
    assert axe_violations(page) == []
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("确认后将新建机关 1 个")).to_be_visible()
    page.screenshot(path=output_dir / "admin-import-preview-1280.png", full_page=True)
    assert axe_violations(page) == []
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入：新建机关 1 个")).to_have_count(2)  # the message and the page
    page.screenshot(path=output_dir / "admin-import-done-1280.png", full_page=True)
    assert axe_violations(page) == []
