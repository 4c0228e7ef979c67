"""Accessibility in a real browser: axe-core (bundled by axe-playwright-python) over every distinct state of
the workspace's pages, the error pages and the admin — no violation of WCAG 2.1 A/AA — with a screenshot of
each at 1280 and 390 px in test-output/; a keyboard-only round of a table; and the grid's two figures of
issue 11: Tab presses from the top of a table page to its first input, and cells covered by the sticky
headers, labels or save bar when focused on a phone (written to test-output/grid-keyboard.json)."""

import json
import re

from playwright.sync_api import expect

from disclosure.formats.base import MAX_SECTION_LENGTH
from disclosure.workspace.progress import reporting_year

from .conftest import PASSWORD

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    response = Axe().run(page, options=options).response
    return [
        {"rule": v["id"], "impact": v["impact"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in response["violations"]
    ]


class Survey:
    """Runs axe over a page state at both widths and keeps the screenshots and the findings."""

    def __init__(self, page, output_dir):
        self.page, self.output_dir, self.found = page, output_dir, {}

    def check(self, name):
        page = self.page
        for label, size in (("1280", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(size)
            violations = axe_violations(page)
            if violations:
                self.found[f"{name}@{label}"] = violations
            # A full-page shot draws a sticky save bar mid-page, where the window's foot was: not on part pages.
            full = label == "1280" and not page.locator(".save-bar").count()
            page.screenshot(path=str(self.output_dir / f"a11y-{name}-{label}.png"), full_page=full)
        page.set_viewport_size(DESKTOP)


def log_in(page, base, username, path="/workspace/login/"):
    page.goto(base + path)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def post_from_page(page, url, token=True):
    """A POST to ``url`` from the current page's form token (or without it), as a tampered form would."""
    page.evaluate(
        """([url, token]) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = url;
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
            if (token && csrf) form.appendChild(csrf.cloneNode());
            document.body.appendChild(form); form.submit();
        }""",
        [url, token],
    )
    page.wait_for_load_state()


def fail_a_save(page, first_input):
    first_input.fill("一二三x")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.title().startswith("错误：")


def test_every_page_state_has_no_wcag_violation(live_server, browser, e2e_people, output_dir):
    base, year = live_server.url, reporting_year()
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    survey = Survey(page, output_dir)
    report = f"{base}/workspace/agency-a/{year}/"

    page.goto(base + "/workspace/login/")
    survey.check("login")
    page.goto(base + "/no/such/page/")
    expect(page.get_by_role("heading", name="找不到您要访问的页面")).to_be_visible()
    survey.check("404")

    log_in(page, base, "editor_a")
    page.get_by_role("button", name=f"开始填报{year}年度报告").click()
    page.goto(base + "/workspace/")
    survey.check("dashboard")
    for code in ("overview", "proactive", "applications", "litigation"):
        page.goto(f"{report}part/{code}/")
        survey.check(f"part-{code}")
        if code == "overview":
            page.locator("textarea").first.fill("长" * (MAX_SECTION_LENGTH + 1))
            page.get_by_role("button", name="保存", exact=True).click()
            expect(page.locator("#error-summary")).to_be_focused()
        else:
            fail_a_save(page, page.locator("input.cell-input").first)
        survey.check(f"part-{code}-error")
    page.goto(report + "findings/")
    survey.check("findings")
    page.goto(report + "history/")
    survey.check("history")
    post_from_page(page, base + "/workspace/agency-a/1999/start/", token=False)
    expect(page.get_by_role("heading", name=re.compile("页面已过期"))).to_be_visible()
    survey.check("403-csrf")

    page.context.clear_cookies()
    log_in(page, base, "reviewer_a")
    page.goto(f"{report}part/overview/")
    post_from_page(page, f"{report}part/overview/")
    expect(page.get_by_role("heading", name="您没有权限进行这项操作")).to_be_visible()
    survey.check("403")

    page.context.clear_cookies()
    log_in(page, base, "admin", path="/admin/login/")
    expect(page.get_by_role("heading", name="站点管理")).to_be_visible()
    survey.check("admin-index")
    page.goto(base + "/admin/disclosure/organization/")
    survey.check("admin-changelist")
    page.goto(base + "/admin/axes/accesslog/")
    survey.check("admin-axes-log")

    (output_dir / "axe-violations.json").write_text(json.dumps(survey.found, ensure_ascii=False, indent=2))
    assert not survey.found, json.dumps(survey.found, ensure_ascii=False, indent=1)


# ---- the keyboard ------------------------------------------------------------------------------------------

# What hides a corner of the input ("" when all four corners show): "outside" or the covering element.
COVERED = """input => {
    const r = input.getBoundingClientRect();
    const [left, right, top, bottom] = [r.left + 3, r.right - 3, r.top + 3, r.bottom - 3];
    for (const [x, y] of [[left, top], [right, top], [left, bottom], [right, bottom]]) {
        const e = document.elementFromPoint(x, y);
        if (e === input) continue;
        return e ? e.tagName + "." + e.className + " " + (e.textContent || "").slice(0, 12) : "outside";
    }
    return "";
}"""


HEADERS_ABOVE_WINDOW = "e => e.closest('.grid-scroll').querySelector('thead').getBoundingClientRect().top < 0"
DEEP_CELL = "三、本年度办理结果 （三）不予公开 1.属于国家秘密 法人或其他组织 其他"


def tabs_to_first_input(page):
    """Tab presses from the top of the page to the grid's first input, following a skip link to the table."""
    tabs = 0
    while tabs < 60:
        page.keyboard.press("Tab")
        tabs += 1
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.textContent]")
        if "cell-input" in focused[0]:
            return tabs
        if "表格" in (focused[1] or ""):
            page.keyboard.press("Enter")
    return tabs


def covered_cells(page):
    """Inputs partly hidden (by a sticky part, or outside the window) when reached by Tab, one after another."""
    first = page.locator("input.cell-input").first
    first.focus()
    covered = []
    for _ in range(page.locator("input.cell-input").count()):
        active = page.evaluate_handle("() => document.activeElement")
        if page.evaluate("e => !e.classList.contains('cell-input')", active):
            break
        page.wait_for_timeout(20)  # smooth scrolling, if any, settles
        hidden_by = page.evaluate(COVERED, active)
        if page.evaluate(HEADERS_ABOVE_WINDOW, active):
            hidden_by = hidden_by or "column headers above the window"
        if hidden_by:
            covered.append(f"{page.evaluate('e => e.name', active)}: {hidden_by}")
        page.keyboard.press("Tab")
    return covered


def test_a_table_by_keyboard_alone(live_server, browser, e2e_people, output_dir):
    base, year = live_server.url, reporting_year()
    page = browser.new_page(viewport=PHONE, locale="zh-CN")
    log_in(page, base, "editor_a")
    page.get_by_role("button", name=f"开始填报{year}年度报告").click()
    report = f"{base}/workspace/agency-a/{year}/"

    # Figures of issue 11 on table 三 at 390 px.
    page.goto(f"{report}part/applications/")
    figures = {"tabs_to_first_input": tabs_to_first_input(page)}
    covered = covered_cells(page)
    figures.update(covered_cells=len(covered), inputs=page.locator("input.cell-input").count(), which=covered)
    (output_dir / "grid-keyboard.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    assert figures["tabs_to_first_input"] <= 2 and not covered, figures
    deep = page.get_by_role("textbox", name=DEEP_CELL, exact=True)
    deep.focus()
    assert not page.evaluate(COVERED, deep.element_handle())
    assert page.locator(".grid-scroll thead").bounding_box()["y"] >= 0, "the column headers are out of view"
    page.screenshot(path=str(output_dir / "keyboard-table3-deep-cell-390.png"))

    # Table 四 by keyboard: skip to the table, type every figure, one of them wrong, and save with Enter.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{report}part/litigation/")
    tabs_to_first_input(page)
    inputs = page.locator("input.cell-input")
    for i in range(inputs.count()):
        expect(inputs.nth(i)).to_be_focused()
        page.keyboard.type("1O" if i == 4 else "1")  # a letter O for a zero
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="保存", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary has the focus; its link brings the cell into view with its headers.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith("错误：")
    page.keyboard.press("Tab")
    link = page.locator("#error-summary a").first
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    wrong = inputs.nth(4)
    expect(wrong).to_be_focused()
    assert not page.evaluate(COVERED, wrong.element_handle())
    header = page.locator(".grid-scroll thead").bounding_box()
    assert header["y"] >= 0, "the column headers are out of view"
    page.screenshot(path=str(output_dir / "keyboard-litigation-error-link-1280.png"))

    page.keyboard.press("Control+A")
    page.keyboard.type("10")
    page.keyboard.press("Enter")
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(0)
    assert inputs.nth(4).input_value() == "10"
