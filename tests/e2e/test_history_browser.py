"""In a real browser: a report imported from its published original carries into next year's report as one
filled here does — the editor starts the year on the dashboard and finds last year's 结转下年度继续办理 as this
year's 上年结转, marked as carried in. The public page of the imported report says where it came from.
Screenshots go to test-output/."""

import datetime
from pathlib import Path

from playwright.sync_api import expect

from disclosure.importing import read_file, recognise
from disclosure.importing.historical import import_historical
from disclosure.workspace.progress import reporting_year

from .test_workspace_browser import cell, log_in

FIXTURE = Path(__file__).resolve().parents[1] / "importing" / "fixtures" / "word-merged-2022.docx"
SOURCE = "https://www.example.gov.cn/art/report.html"


def test_next_year_carries_in_from_an_imported_report(live_server, browser, e2e_people, output_dir):
    year = reporting_year()
    data = FIXTURE.read_bytes()
    recognition = recognise(read_file(FIXTURE.name, data), year=year - 1)
    imported = import_historical(
        recognition,
        organization=e2e_people.a,
        year=year - 1,
        published_on=datetime.date(year, 1, 20),
        source_url=SOURCE,
        original_name=FIXTURE.name,
        original_bytes=data,
    )
    table = recognition.edition.table_of_kind("applications")
    forward = {
        c.code: recognition.values[table.key(table.carried_forward_row, c.code)] for c in table.applicant_columns
    }

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/reports/agency-a/{year - 1}/")
    expect(page.get_by_text("本报告由已发布的原文导入").first).to_be_visible()
    expect(page.get_by_role("link", name=f"原文件（{FIXTURE.name}", exact=False)).to_be_visible()
    page.screenshot(path=str(output_dir / "history-public-page.png"), full_page=False)

    log_in(page, live_server.url, "editor_a")
    page.get_by_role("button", name=f"开始填报{year}年度报告").click()
    expect(page.get_by_text(f"能从{year - 1}年度报告带入的数据已带入")).to_be_visible()
    page.get_by_role("link", name="三、收到和处理政府信息公开申请情况").first.click()
    row = "二、上年结转政府信息公开申请数量"
    expect(cell(page, row, "自然人")).to_have_value(str(forward["natural_person"]))
    expect(cell(page, row, "法人或其他组织 商业企业")).to_have_value(str(forward["commercial_enterprise"]))
    expect(cell(page, row, "法人或其他组织 其他")).to_have_value(str(forward["other_org"]))
    page.screenshot(path=str(output_dir / "history-carried-in.png"), full_page=False)
    assert imported.report.year == year - 1


def test_deleting_an_earlier_report_file_asks_first(live_server, browser, e2e_people):
    from disclosure import earlier
    from disclosure.models import EarlierReportFile

    earlier.store(e2e_people.a, 2015, name="2015.pdf", data=b"%PDF-1.4 2015\n", published_on=datetime.date(2016, 3, 1))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server.url, "editor_a")
    page.goto(f"{live_server.url}/workspace/agency-a/past-years/")
    delete_button = page.locator("form[data-confirm] button", has_text="2015年度报告原文")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    delete_button.click()
    expect(delete_button).to_be_visible()
    assert questions and "公众将不能再下载" in questions[0]
    assert EarlierReportFile.objects.filter(year=2015).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    delete_button.click()
    expect(delete_button).to_have_count(0)
    assert not EarlierReportFile.objects.filter(year=2015).exists()
