"""The supervising office in a real browser: the district's reviewer opens the year, filters to overdue
agencies, searches one by name, opens a summed cell's drill-down and follows it to the agency, and downloads
the workbook. Screenshots of the overview and the summed tables at 1280 and 390 px go to test-output/."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from disclosure import publishing
from disclosure.formats import edition_for_year
from tests import factories

from .conftest import CHROMIUM_ARGS  # noqa: F401
from .test_workspace_browser import log_in

YEAR = 2021
FIRST = next(s for s in edition_for_year(YEAR).tables[-1].cells() if not s.derived)


def region(people):
    people.c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    factories.organization("agency-d", parent=people.district, name="测试区丁局")
    for org, value in ((people.a, 7), (people.c, 5)):
        report = factories.complete_report(org, YEAR, cells={FIRST.key: value})
        publishing.publish_report(report, None, require_approved=False)


def test_the_reviewer_of_a_district_oversees_its_year(live_server, browser, e2e_people, output_dir, monkeypatch):
    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)
    region(e2e_people)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    failed = []  # any answer in error but the browser's own favicon request
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    log_in(page, base, "reviewer_parent")
    page.goto(f"{base}/workspace/oversight/{YEAR}/")
    expect(page.get_by_role("heading", name=f"{YEAR}年度 辖区填报情况")).to_be_visible()
    page.screenshot(path=output_dir / "oversight-overview-1280.png", full_page=True)
    page.get_by_label("只看已逾期未发布").check()
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.oversight-table tbody tr")
    expect(rows).to_have_count(2)  # the district itself and 丁局: nothing published
    page.get_by_label("只看已逾期未发布").uncheck()
    page.get_by_label("搜索名称或简称").fill("丙局")
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("测试区丙局")
    page.get_by_role("link", name="汇总数字").click()
    page.screenshot(path=output_dir / "oversight-totals-1280.png", full_page=True)
    page.get_by_role("link", name="12", exact=True).first.click()
    expect(page.locator(".cell-total")).to_have_text("12")
    page.get_by_role("link", name="测试区甲局", exact=True).click()
    expect(page).to_have_url(f"{base}/workspace/agency-a/{YEAR}/")
    page.goto(f"{base}/workspace/oversight/{YEAR}/totals/")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载汇总表（XLSX）").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert book.sheetnames == ["汇总", "填报情况", "明细"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/workspace/oversight/{YEAR}/")
    page.screenshot(path=output_dir / "oversight-overview-390.png", full_page=True)
    page.goto(f"{base}/workspace/oversight/{YEAR}/totals/")
    page.screenshot(path=output_dir / "oversight-totals-390.png", full_page=True)
    for path in OVERSIGHT_PAGES:
        page.goto(f"{base}/workspace/oversight/{YEAR}/{path}")
        assert page_width(page) <= 390, path  # wide tables scroll in their own box, never the page
    assert failed == []


# Every oversight page of the year, below /workspace/oversight/<year>/.
OVERSIGHT_PAGES = (
    "",
    "?view=flat",
    "totals/",
    f"totals/{FIRST.key.table}/{FIRST.key.row}/{FIRST.key.column}/",
    "findings/",
    "indicators/",
    "indicators/agency-a/",
)


def page_width(page):
    """How wide the page is: more than the window when something (a hidden table caption, say) escapes."""
    return page.evaluate("document.documentElement.scrollWidth")


def history(people):
    """Agency A and C published 2019–2021 with varied figures; C's applications jump in 2021 (a prompt)."""
    from tests.oversight.test_indicators import publish

    people.c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    for year, a, c in ((2019, 6, 2), (2020, 9, 3), (YEAR, 12, 14)):
        publish(people.a, year, received=a, partly=1 if a > 6 else 0, refused=1, recon=(1, 2), suits=(1, 2, 0))
        publish(people.c, year, received=c, partly=1 if c > 2 else 0)


def test_the_indicators_draw_on_the_server_without_breaking_the_csp(
    live_server, browser, e2e_people, output_dir, monkeypatch
):
    from .test_accessibility import DESKTOP, PHONE, axe_violations

    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)
    history(e2e_people)
    base = live_server.url
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    problems = []  # CSP refusals and script errors show in the console; failed requests (but the favicon) too
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None)
    log_in(page, base, "reviewer_parent")
    page.goto(f"{base}/workspace/oversight/{YEAR}/")
    page.get_by_role("link", name="指标与提示").click()
    expect(page.get_by_role("heading", name=f"{YEAR}年度 辖区指标与提示")).to_be_visible()
    expect(page.get_by_role("img", name="一、本年新收政府信息公开申请数量，2017—2021年")).to_be_visible()
    expect(page.locator("table.received-data td[data-year='2021']")).to_have_text("26")
    expect(page.locator("table.prompts tbody tr")).to_have_count(1)
    for name, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], name
        page.screenshot(path=output_dir / f"oversight-indicators-{name}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="测试区丙局").click()
    expect(page.get_by_role("heading", name=f"测试区丙局 · {YEAR}年度指标")).to_be_visible()
    expect(page.locator("ul.prompts li")).to_contain_text("由上年 3 增至 14")
    for name, size in (("1280", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        assert axe_violations(page) == [], name
        page.screenshot(path=output_dir / f"oversight-agency-indicators-{name}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/workspace/oversight/{YEAR}/?view=flat")
    expect(page.locator("table.oversight-table tbody tr")).to_have_count(3)
    assert axe_violations(page) == []
    assert problems == []
