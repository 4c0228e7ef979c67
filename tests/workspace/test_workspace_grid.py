"""The input grid's page (issue 11): one pass of HTML, the same fields as the form, the error summary and
the title after a failed save, the skip link to the table, and findings that link to the cell to fix."""

import re

import pytest

from disclosure import actions
from disclosure.checks import check_report
from disclosure.workspace.forms import TableForm
from disclosure.workspace.progress import finding_target

from .test_workspace_journeys import R, html, name, table_post


@pytest.fixture
def report(people):
    return actions.create_report(people.a, 2021, people.editor_a)


def inputs(page):
    return re.findall(r"<input type=\"text\"[^>]*>", page)


def test_every_entered_cell_is_one_input_with_the_forms_attributes(people, as_user, report):
    page = html(as_user(people.editor_a).get(R + "part/applications/"))
    fields = [f for f in TableForm(report.format.table("applications")).fields if f not in ("revision", "snapshot")]
    found = inputs(page)
    assert [re.search(r'name="([^"]+)"', i).group(1) for i in found] == fields
    first = found[0]
    for attribute in (
        'id="id_applications.new.natural_person"',
        'inputmode="decimal"',
        'autocomplete="off"',
        'maxlength="40"',
        'class="form-control form-control-sm cell-input"',
    ):
        assert attribute in first
    assert '<th scope="rowgroup" rowspan="22" class="lv0"><span class="group-label">三、本年度办理结果' in page


def test_what_was_typed_comes_back_escaped_with_its_message(people, as_user, report):
    client = as_user(people.editor_a)
    typed = '"><script>x</script>'
    response = client.post(
        R + "part/applications/", table_post(report, "applications", {name("new", "natural_person"): typed})
    )
    page = html(response)
    assert "<script>x</script>" not in page
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in page
    assert 'aria-invalid="true" aria-describedby="err-applications.new.natural_person"' in page
    assert 'class="cell-error" id="err-applications.new.natural_person"' in page


def test_a_failed_save_prefixes_the_title_and_links_the_summary_to_the_cell(people, as_user, report):
    client = as_user(people.editor_a)
    ok = html(client.get(R + "part/applications/"))
    assert "<title>三、" in ok and "错误：" not in ok
    bad = {name("granted", "natural_person"): "三件"}
    page = html(client.post(R + "part/applications/", table_post(report, "applications", bad)))
    assert re.search(r"<title>错误：三、收到和处理政府信息公开申请情况", page)
    assert '<a href="#id_applications.granted.natural_person">三、本年度办理结果 （一）予以公开 自然人：' in page
    assert 'id="error-summary"' in page and "workspace/part.js" in page


def test_the_skip_link_of_a_table_page_goes_to_the_table(people, as_user, report):
    page = html(as_user(people.editor_a).get(R + "part/applications/"))
    assert page.index('href="#grid">跳到表格</a>') < page.index("<header")
    assert 'id="grid"' in page and "跳到正文" not in page
    text = html(as_user(people.editor_a).get(R + "part/overview/"))
    assert 'href="#main">跳到正文</a>' in text


def test_findings_link_to_the_part_and_the_cell_where_the_fix_is(people, as_user, report):
    findings = check_report(report)
    blank_table = next(f for f in findings if f.cells and f.cells[0].table == "applications")
    assert finding_target(report, blank_table) == ("applications", "id_applications.new.natural_person")
    blank_text = next(f for f in findings if f.section == "problems")
    assert finding_target(report, blank_text) == ("problems", "id_problems")
    page = html(as_user(people.editor_a).get(R + "findings/"))
    assert f'href="{R}part/applications/#id_applications.new.natural_person" class="finding-fix">去修改' in page
    assert f'href="{R}part/problems/#id_problems" class="finding-fix">去修改' in page
    # a blank is counted apart from the errors, and its badge is not the error's
    assert "检查结果（0 错误，" in page and "处未填写" in page
    assert "finding-incomplete" in page and "finding-error" not in page


def test_a_figure_that_does_not_balance_links_to_an_entered_cell_not_a_total(people, as_user, report):
    client = as_user(people.editor_a)
    values = {name("new", "natural_person"): "1", name("carried_forward", "natural_person"): "5"}
    client.post(R + "part/applications/", table_post(report, "applications", values, fill_zero="1"))
    report.refresh_from_db()
    finding = next(f for f in check_report(report) if not f.incomplete and f.cells)
    assert any(report.format.cell(k).derived for k in finding.cells)  # the rule involves a total
    first_entered = next(k for k in finding.cells if not report.format.cell(k).derived)
    assert finding_target(report, finding) == ("applications", f"id_{first_entered}")


EMPTY_TABLE = "本表无数据（空白处填 0 并保存）</button>"
PARTLY_FILLED = ">空白处填 0 并保存</button>"


def test_fill_with_zero_is_called_no_data_only_on_an_empty_table(people, as_user, report):
    client = as_user(people.editor_a)
    empty = html(client.get(R + "part/applications/"))
    assert EMPTY_TABLE in empty and PARTLY_FILLED not in empty
    client.post(R + "part/applications/", table_post(report, "applications", {name("new", "natural_person"): "5"}))
    partly = html(client.get(R + "part/applications/"))
    assert PARTLY_FILLED in partly and EMPTY_TABLE not in partly
    # What was typed counts too, when a refused save shows it again.
    report.refresh_from_db()
    typed = {name("new", "natural_person"): "", name("granted", "natural_person"): "三件"}
    refused = html(client.post(R + "part/applications/", table_post(report, "applications", typed)))
    assert PARTLY_FILLED in refused


@pytest.mark.parametrize("part", ["applications", "overview"])
def test_a_part_form_warns_on_leaving_and_knows_a_refused_save_is_unsaved(people, as_user, report, part):
    client = as_user(people.editor_a)
    page = html(client.get(R + f"part/{part}/"))
    form = re.search(r"<form method=\"post\" action=\"[^\"]*/part/[^>]*>", page).group(0)
    assert "data-warn-unsaved" in form and "data-unsaved" not in form.replace("data-warn-unsaved", "")
    bad = table_post(report, "applications", {name("new", "natural_person"): "x"})
    if part == "overview":
        bad = {"revision": report.revision, "overview_proactive": "长" * 20_001}
    refused = html(client.post(R + f"part/{part}/", bad))
    form = re.search(r"<form method=\"post\" action=\"[^\"]*/part/[^>]*>", refused).group(0)
    assert "data-warn-unsaved data-unsaved" in form
    assert "data-warn-unsaved" not in html(as_user(people.reviewer_a).get(R + f"part/{part}/"))
