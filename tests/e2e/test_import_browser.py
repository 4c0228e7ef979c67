"""Bringing a published report in, in a real browser (issue 10): 补录往年报告 → upload the agency's published page
→ the review page (screenshots at 1280 and 390 px, axe: no violation) → a corrected cell, checked again →
confirmed as last year's historical record → this year's report started, with its figures carried in from the
imported one."""

import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from disclosure.models import Organization
from disclosure.workspace.progress import reporting_year
from tests.workspace.test_workspace_import import carried_in_key, published_page, received

from .test_accessibility import DESKTOP, PHONE, Survey, log_in


def test_it_imports_a_published_report_after_review_and_carries_it_into_the_next_year(
    browser, live_server, e2e_people, output_dir, tmp_path
):
    people, base = e2e_people, live_server.url
    year = reporting_year() - 1  # the year before the one being written now
    stock = next(iter(_stock_keys(year)), None)
    cells = {received(year): 6, **({stock: 40} if stock else {})}
    page_file = published_page(people.a, year, cells=cells, date=f"{year + 1}-01-28", name="甲局年报.html")
    path = tmp_path / page_file.name
    path.write_bytes(page_file.read())

    page = browser.new_page(viewport=DESKTOP)
    log_in(page, base, "editor_a")
    page.get_by_role("link", name="补录往年报告").click()
    survey = Survey(page, output_dir)
    survey.check("import-past-years")
    page.get_by_role("link", name=re.compile(f"上传已发布的原文\\s*（{year}年度）")).click()
    survey.check("import-upload")
    page.get_by_label("已发布的报告文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并识别").click()
    expect(page.get_by_role("heading", name="核对导入的报告")).to_be_visible()
    expect(page.locator("#id_published_on")).to_have_value(f"{year + 1}-01-28")
    expect(page.locator("#id_organization")).to_have_value("agency-a")

    # The figure as published was 6; the reviewer corrects it to 7 and checks again: nothing stored yet.
    cell = page.locator(f'input[name="{received(year)}"]')
    expect(cell).to_have_value("6")
    assert "已识别" in cell.get_attribute("aria-label")
    cell.fill("7")
    page.get_by_role("button", name="重新检查（不保存）").click()
    expect(page.locator(f'input[name="{received(year)}"]')).to_have_value("7")
    survey.check("import-review")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(output_dir / "import-review-full-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(output_dir / "import-review-full-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.locator(".grid-scroll").nth(1).scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "import-review-table3-1280.png"))
    assert survey.found == {}, survey.found

    page.get_by_role("button", name="确认导入为往年报告（按原发布日期）").click()
    expect(page.get_by_text(f"已导入测试区甲局{year}年度")).to_be_visible()
    # The findings stored are those the review showed: the corrected figure's total is the sum, not the 6 published.
    expect(page.get_by_role("link", name=re.compile(r"检查结果（2 错误"))).to_be_visible()
    page.screenshot(path=str(output_dir / "import-done-1280.png"), full_page=True)

    # Next year's report, started from the dashboard, carries in the imported report's figures.
    page.goto(base + "/workspace/")
    page.get_by_role("button", name=f"开始填报{year + 1}年度报告").click()
    expect(page.get_by_text(f"能从{year}年度报告带入的数据已带入")).to_be_visible()
    part = carried_in_key(year + 1).table
    page.goto(f"{base}/workspace/agency-a/{year + 1}/part/{_part_code(year + 1, part)}/")
    expect(page.locator(f'input[name="{carried_in_key(year + 1)}"]')).to_have_value("7")
    if stock:
        page.goto(f"{base}/workspace/agency-a/{year + 1}/part/{_part_code(year + 1, stock.table)}/")
        expect(page.locator(f'input[name="{stock}"]')).to_have_value("40")
    page.screenshot(path=str(output_dir / "import-carried-in-1280.png"))
    page.close()


def _stock_keys(year):
    from disclosure.actions import _stock_in_force
    from disclosure.formats import edition_for_year

    return _stock_in_force(edition_for_year(year))


def _part_code(year, table_code):
    from disclosure.formats import edition_for_year

    return next(p.code for p in edition_for_year(year).parts if p.is_table and p.table.code == table_code)


def test_a_supervising_office_imports_a_zip_and_reviews_what_needs_it(
    browser, live_server, e2e_people, output_dir, tmp_path
):
    people, base = e2e_people, live_server.url
    Organization.objects.create(slug="education", name="测试区教育局", parent=people.district)
    fixtures = Path(__file__).resolve().parents[1] / "importing" / "fixtures"
    archive = tmp_path / "已发布的年报.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(fixtures / "word-pasted-2021.html", "教育局2021.html")
        z.write(fixtures / "gbk-2020.htm", "司法局2020.htm")
        z.writestr("扫描件.pdf", b"%PDF-1.4 not really")
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, base, "reviewer_parent")
    page.get_by_role("link", name="批量导入所辖机关已发布的报告（zip）").click()
    page.get_by_label("压缩包或多个文件").set_input_files(str(archive))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_role("heading", name="导入结果（3 个文件）")).to_be_visible()
    expect(page.locator("tr.outcome-failed")).to_have_count(1)
    survey = Survey(page, output_dir)
    survey.check("import-batch")
    page.get_by_role("link", name=re.compile("核对并导入.*教育局2021")).click()
    expect(page.locator("#id_organization")).to_have_value("education")
    expect(page.locator("td.rec-not_found").first).to_be_visible()
    assert "未找到" in page.locator("td.rec-not_found input").first.get_attribute("aria-label")
    survey.check("import-review-partial")
    assert survey.found == {}, survey.found
    page.close()
