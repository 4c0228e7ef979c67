"""The public site in a real browser (issue 11): axe-core over every distinct public page state at 0
violations of WCAG 2.1 A/AA, with screenshots at 1280 and 390 px in test-output/ (a11y-public-*.png); every
table fits the page at 1280 px; on a phone a wide table says it scrolls, and its row labels stay in view
while its figures scroll sideways; nothing is refused by the Content Security Policy."""

import json

import pytest
from django.views.defaults import server_error
from playwright.sync_api import expect

from disclosure.models import AnnualReport
from disclosure.publishing import publish_report, reopen_for_correction
from tests.conftest import load_rows

from .test_accessibility import DESKTOP, PHONE, Survey

REPORT = "/reports/xiuzhou-education/2021/"


@pytest.fixture
def demo_site(demo_snapshot, transactional_db, settings):
    """The demo, with 教育局's 2021 report corrected once (version 2 current, version 1 kept)."""
    settings.DEBUG = True
    settings.SITE_ORGANIZER, settings.SITE_CONTACT = "嘉兴市秀洲区人民政府办公室", "0573-82000000"
    settings.SITE_IDENTIFIER = "3304110001"
    load_rows(demo_snapshot)
    report = AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021)
    reopen_for_correction(report, None, "更正第三部分表格中的一处数字。")
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)
    publish_report(AnnualReport.objects.get(pk=report.pk), None)


def serve_the_500_page(page, base, rf):
    """The real 500 page (DEBUG off), answered at a URL of the live server so that its stylesheets load."""
    html = server_error(rf.get("/")).content.decode()
    page.route(base + "/boom/", lambda route: route.fulfill(status=500, body=html, content_type="text/html"))


def test_every_public_page_state_has_no_wcag_violation(live_server, browser, demo_site, output_dir, rf):
    base = live_server.url
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    survey = Survey(page, output_dir)  # screenshots: test-output/a11y-public-*.png
    states = {
        "home": "/",
        "organization": "/reports/xiuzhou-education/",
        "year": "/years/2021/",
        "report-corrected": REPORT,
        "report-earlier-version": REPORT + "v1/",
        "report-2019-edition": "/reports/xiuzhou-hitech-zone/2020/",
        "region-summary": "/reports/xiuzhou/2021/summary/",
        "404": "/reports/no-such-office/",
    }
    for name, path in states.items():
        page.goto(base + path)
        survey.check(f"public-{name}")
    serve_the_500_page(page, base, rf)
    page.goto(base + "/boom/")
    expect(page.get_by_role("heading", name="很抱歉，系统出错了")).to_be_visible()
    survey.check("public-500")
    page.goto(base + REPORT)
    page.locator("details.report-hash summary").click()
    survey.check("public-report-hash-open")

    (output_dir / "axe-violations-public.json").write_text(json.dumps(survey.found, ensure_ascii=False, indent=2))
    assert not survey.found, json.dumps(survey.found, ensure_ascii=False, indent=1)
    assert refused == []


WIDTHS = "() => [...document.querySelectorAll('.report-table-wrap')].map(w => [w.scrollWidth, w.clientWidth])"


def test_every_table_fits_at_1280(live_server, browser, demo_site):
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    for path in (REPORT, "/reports/xiuzhou-hitech-zone/2020/"):
        page.goto(live_server.url + path)
        widths = page.evaluate(WIDTHS)
        assert len(widths) == 3 and all(scroll <= client for scroll, client in widths), widths
        expect(page.locator(".report-table-hint").first).to_be_hidden()


def test_on_a_phone_the_row_labels_stay_beside_the_figures(live_server, browser, demo_site, output_dir):
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    page.goto(live_server.url + REPORT)
    wrap = page.locator(".report-table-wrap").nth(1)  # table 三
    expect(wrap.locator(".report-table-hint")).to_be_visible()
    expect(wrap.locator(".report-table-hint")).to_have_text("左右滑动查看全表")
    label = wrap.get_by_role("rowheader", name="1.属于国家秘密")
    group = wrap.get_by_role("rowheader", name="（三）不予公开")
    before = label.bounding_box()["x"]
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    wrap.scroll_into_view_if_needed()
    box = wrap.bounding_box()
    assert wrap.evaluate("w => w.scrollLeft") > 100  # the figures did move
    assert label.bounding_box()["x"] == pytest.approx(before, abs=1)  # the label did not
    assert box["x"] <= group.bounding_box()["x"] < label.bounding_box()["x"]
    total = wrap.get_by_role("cell").last  # the far right figure is in view beside the labels
    assert total.bounding_box()["x"] + total.bounding_box()["width"] <= box["x"] + box["width"] + 1
    page.screenshot(path=str(output_dir / "public-table3-scrolled-390.png"))
