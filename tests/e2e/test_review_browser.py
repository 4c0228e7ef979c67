"""The reviewer's pages in a real browser (issue 11, Reviewers): the review page with last year's changes and
a correction's, approval by ticking the confirmation, the publication's confirmation page, the published
report's links, and the history grouped by day and person. axe-core finds no WCAG 2.1 A/AA violation in any
of these states; screenshots at 1280 and 390 px land in test-output/ (review-*.png)."""

import json
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from disclosure import publishing, workflow
from disclosure.formats import CellKey
from disclosure.models import Membership, PublishedVersion
from tests import factories

from .test_accessibility import DESKTOP, PHONE, axe_violations, log_in

R = "/workspace/agency-a/2021/"


def figures(new, granted, refused=0):
    """Table 三 figures that balance (自然人 column)."""
    rows = {"new": new, "granted": granted, "refused_state_secret": refused}
    return {CellKey("applications", row, "natural_person"): Decimal(value) for row, value in rows.items()}


class Shots:
    """axe at both widths and screenshots: the whole page at 1280 and 390 px, and the first screen at 390."""

    def __init__(self, page, output_dir):
        self.page, self.output_dir, self.found = page, output_dir, {}

    def check(self, name):
        for label, size in (("1280", DESKTOP), ("390", PHONE)):
            self.page.set_viewport_size(size)
            violations = axe_violations(self.page)
            if violations:
                self.found[f"{name}@{label}"] = violations
            self.page.screenshot(path=str(self.output_dir / f"review-{name}-{label}.png"), full_page=True)
        self.page.screenshot(path=str(self.output_dir / f"review-{name}-390-screen.png"))
        self.page.set_viewport_size(DESKTOP)


def test_a_reviewer_reads_approves_and_publishes(live_server, browser, e2e_people, output_dir, monkeypatch):
    people = e2e_people
    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)  # stays 生成中 until made ready
    # A small office: agency A's editor is its reviewer too.
    Membership.objects.create(user=people.editor_a, organization=people.a, role=Membership.Role.REVIEWER)
    last_year = factories.complete_report(people.a, 2020, cells=figures(10, 10))
    publishing.publish_report(last_year, None, require_approved=False)
    report = factories.complete_report(
        people.a, 2021, cells=figures(14, 4, 10), texts={"overview_summary": "2019年，本机关……"}
    )
    finding = next(f for f in workflow.check_report(report) if f.key == "N-year:overview_summary")
    workflow.explain_warning(report, people.editor_a, finding, "引用往年情况，并非笔误。")
    workflow.submit_report(report, people.editor_a)

    base = live_server.url
    page = browser.new_page(viewport=DESKTOP, locale="zh-CN")
    shots = Shots(page, output_dir)
    log_in(page, base, "editor_a")
    page.goto(base + R)
    page.get_by_role("link", name="审阅报告并审核通过").click()
    expect(page.get_by_role("heading", name="与上年相比")).to_be_visible()
    expect(page.get_by_text("引用往年情况，并非笔误。")).to_be_visible()
    expect(page.locator(".changes-table tbody tr").first).to_contain_text("+10")
    shots.check("page")

    # Approval needs the box ticked (the browser itself refuses the form without it).
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_have_count(0)
    page.get_by_label("我已阅读报告全文、检查结果和变化情况").check()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()
    expect(page.locator(".approval-line")).to_contain_text("本人审核")

    page.get_by_role("link", name="发布…").first.click()
    expect(page.get_by_role("heading", name="确认发布")).to_be_visible()
    expect(page.get_by_text("发布后不能撤回。")).to_be_visible()
    shots.check("publish-confirm")
    page.get_by_role("button", name="确认发布第1版").click()
    expect(page.get_by_text("已发布第1版，正在生成")).to_be_visible()
    shots.check("published-rendering")

    # Once rendered, the page shows it by itself (rendering.js), without a reload.
    page.evaluate("() => { window.notReloaded = true; }")
    PublishedVersion.objects.filter(report=report).update(render_state="ready", rendered_at=timezone.now())
    expect(page.get_by_role("link", name="PDF")).to_have_attribute("href", "/reports/agency-a/2021.pdf", timeout=15000)
    assert page.evaluate("() => window.notReloaded")
    page.goto(base + R + "review/")
    shots.check("published")

    # A correction: what it changes against version 1.
    workflow.correct_report(report, people.editor_a, "更正表三的数字。")
    workflow.save_part(report, people.editor_a, cells=figures(12, 2, 10), texts={"problems": "改进措施已落实。"})
    workflow.submit_report(report, people.editor_a)
    page.goto(base + R + "review/")
    expect(page.get_by_role("heading", name="更正：与已发布的第1版相比")).to_be_visible()
    shots.check("correction")

    page.goto(base + R + "history/")
    expect(page.get_by_text("本人审核").first).to_be_visible()
    shots.check("history")
    page.get_by_text("修改了").first.click()  # a save's changes, unfolded
    shots.check("history-open")

    (output_dir / "review-axe-violations.json").write_text(json.dumps(shots.found, ensure_ascii=False, indent=2))
    assert not shots.found, json.dumps(shots.found, ensure_ascii=False, indent=1)
