"""The JSON document: export, import, round trip, and import errors that name the place and change nothing."""

import copy
import json
from decimal import Decimal

import pytest

from disclosure.documents import DocumentError, dumps, export_document, import_document, loads
from disclosure.formats import CellKey
from disclosure.models import AnnualReport, ReportEvent

from .factories import complete_report, organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    org = organization("agency")
    fee = CellKey("proactive", "fees", "fee_amount")
    return complete_report(
        org,
        2021,
        cells={fee: Decimal("96171.6"), CellKey("proactive", "rules", "made"): "/"},
        texts={"other_matters": "本年收取行政事业性收费96171.6万元。"},
    )


def part(document, code):
    return next(p for p in document["parts"] if p["code"] == code)


def cell(document, part_code, row, column):
    row_doc = next(r for r in part(document, part_code)["rows"] if r["code"] == row)
    return next(c for c in row_doc["cells"] if c["column"] == column)


def test_export_is_self_describing(report):
    doc = export_document(report)
    assert doc["edition"]["code"] == "2021"
    assert doc["organization"]["slug"] == "agency"
    assert [p["label"] for p in doc["parts"]][0] == "一、总体情况"
    new_total = cell(doc, "applications", "new", "total")
    assert new_total == {"column": "total", "label": "总计", "path": ["申请人情况"], "value": 0, "derived": True}
    assert cell(doc, "proactive", "fees", "fee_amount")["value"] == 96171.6
    assert cell(doc, "proactive", "rules", "made")["value"] == "/"
    assert doc["findings"] == []


def test_import_of_an_export_reproduces_the_same_document(report):
    text = dumps(export_document(report))
    AnnualReport.objects.all().delete()
    imported, created, _, findings = import_document(loads(text))
    assert created and findings == []
    assert dumps(export_document(imported)) == text


def test_importing_the_same_document_again_changes_nothing(report):
    doc = loads(dumps(export_document(report)))
    events = ReportEvent.objects.count()
    _, created, changes, _ = import_document(doc)
    assert not created and changes == []
    assert ReportEvent.objects.count() == events


def test_import_updates_the_draft_and_records_each_changed_cell(report):
    doc = loads(dumps(export_document(report)))
    cell(doc, "applications", "new", "natural_person")["value"] = 2
    _, _, changes, findings = import_document(doc)
    assert changes == [
        {
            "field": "applications.new.natural_person",
            "label": "一、本年新收政府信息公开申请数量 自然人",
            "before": "0",
            "after": "2",
        },
        {
            "field": "declared:applications.new.total",
            "label": "一、本年新收政府信息公开申请数量 总计（文件声明的合计）",
            "before": "",
            "after": "0",
        },
    ]
    assert report.events.filter(action="import").count() == 1
    # The document still says 总计 0, so its own totals disagree; the stored report derives them.
    assert {f.rule for f in findings} >= {"T3-total", "T3-balance"}
    assert report.values()[CellKey("applications", "new", "total")] == 2


def assert_refused(report, doc, *expected):
    before = dumps(export_document(report))
    with pytest.raises(DocumentError) as e:
        import_document(doc)
    for text in expected:
        assert any(text in err for err in e.value.errors), (text, e.value.errors)
    assert dumps(export_document(report)) == before
    return e.value.errors


def test_a_negative_count_is_refused_with_its_place(report):
    doc = loads(dumps(export_document(report)))
    cell(doc, "applications", "carried_in", "research_institution")["value"] = -3
    errors = assert_refused(report, doc, "二、上年结转政府信息公开申请数量 科研机构）：不能为负数")
    assert errors[0].startswith("parts[2]（三、收到和处理政府信息公开申请情况） › rows[1] › cells[2]")


def test_text_in_a_number_cell_is_refused(report):
    doc = loads(dumps(export_document(report)))
    cell(doc, "litigation", "cases", "direct_suit_upheld")["value"] = "三"
    assert_refused(report, doc, "（行政诉讼 未经复议直接起诉 结果维持）：“三”不是数字")


def test_an_unknown_label_is_refused(report):
    doc = loads(dumps(export_document(report)))
    cell(doc, "applications", "new", "natural_person")["label"] = "个人"
    part(doc, "problems")["label"] = "5、存在的主要问题及改进情况"
    assert_refused(
        report,
        doc,
        "标签“个人”与官方格式“自然人”不符",
        "parts[4]（五、存在的主要问题及改进情况）：标签“5、存在的主要问题及改进情况”与官方格式",
    )


def test_an_unknown_row_or_column_is_refused(report):
    doc = loads(dumps(export_document(report)))
    part(doc, "applications")["rows"][0]["cells"][0]["column"] = "robots"
    assert_refused(report, doc, "表中没有行“new”、列“robots”")


def test_a_fraction_in_a_count_and_slash_in_table_three_are_refused(report):
    doc = loads(dumps(export_document(report)))
    cell(doc, "applications", "new", "natural_person")["value"] = Decimal("1.5")
    cell(doc, "applications", "new", "other_org")["value"] = "/"
    assert_refused(report, doc, "：应为整数", "：本表不能填“/”")


def test_malformed_json_says_where():
    with pytest.raises(DocumentError) as e:
        loads('{"schema": \n  oops}')
    assert e.value.errors[0].startswith("第 2 行第 3 列：不是有效的 JSON")


def test_missing_parts_and_wrong_types_are_reported(report):
    doc = loads(dumps(export_document(report)))
    broken = copy.deepcopy(doc)
    del broken["parts"][0]
    assert_refused(report, broken, "parts：应有 6 个部分，文件中有 5 个")
    broken = copy.deepcopy(doc)
    broken["year"] = "2021"
    assert_refused(report, broken, "文件 › year：类型不对（应为整数）")
    with pytest.raises(DocumentError):
        import_document([1, 2])


def test_an_unknown_organization_or_mismatched_edition_is_refused(report):
    doc = loads(dumps(export_document(report)))
    other = copy.deepcopy(doc)
    other["organization"]["slug"] = "nobody"
    assert_refused(report, other, "系统中没有网址标识为“nobody”的机关")
    other = copy.deepcopy(doc)
    other["year"] = 2020
    assert_refused(report, other, "2020年度的报告不适用“2021年版”格式")


def test_import_into_a_submitted_report_is_refused_unless_identical(report):
    doc = loads(dumps(export_document(report)))
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.SUBMITTED)
    import_document(doc)  # the same content: accepted, nothing to do
    cell(doc, "applications", "new", "natural_person")["value"] = 1
    assert_refused(report, doc, "当前状态为“待审核”，只能导入到草稿")


def test_the_document_is_utf8_json_with_chinese_unescaped(report):
    text = dumps(export_document(report))
    assert "一、总体情况" in text
    assert json.loads(text)["title"] == "测试机关agency2021年度政府信息公开工作年度报告"


# ---- bad input refused with its place, nothing changed ------------------------------------------------


def test_deeply_nested_json_is_refused():
    with pytest.raises(DocumentError) as e:
        loads("[" * 100_000 + "]" * 100_000)
    assert e.value.errors == ["文件：嵌套层次过深，不是年度报告文档"]


def test_an_integer_of_thousands_of_digits_is_refused():
    with pytest.raises(DocumentError) as e:
        loads('{"year": ' + "9" * 5000 + "}")
    assert e.value.errors == ["文件：含有位数过多的整数，不是年度报告文档"]


def test_nul_characters_and_lone_surrogates_are_refused_with_their_place():
    with pytest.raises(DocumentError) as e:
        loads('{"preface": {"text": "a\\u0000b"}, "x": ["\\ud800"], "\\u0000k": 1}')
    assert sorted(e.value.errors) == [
        "文件 › preface › text：含有空字符（\\u0000）",
        "文件 › x[0]：含有无效的 Unicode 字符（单独的代理码位）",
        "文件：含有空字符（\\u0000）",
    ]
    assert loads('{"a": "\\ud83d\\ude00"}') == {"a": "😀"}  # a proper surrogate pair is a character


@pytest.mark.parametrize("year", [2999, 9999, 40000, 10**30])
def test_a_future_year_or_one_beyond_the_database_is_refused(report, year):
    from django.utils import timezone

    doc = loads(dumps(export_document(report)))
    doc["year"] = year
    assert_refused(report, doc, f"文件 › year：{year}年尚未开始，不能导入该年度的报告")
    doc["year"] = timezone.localdate().year + 1
    assert_refused(report, doc, "年尚未开始")


def test_this_year_may_be_imported(report):
    from django.utils import timezone

    doc = loads(dumps(export_document(report)))
    doc["year"] = timezone.localdate().year
    imported, created, _, _ = import_document(doc)
    assert created and imported.year == timezone.localdate().year


def test_a_duplicate_cell_with_another_value_is_refused(report):
    doc = loads(dumps(export_document(report)))
    row = part(doc, "applications")["rows"][0]
    row["cells"].append({**row["cells"][0], "value": 7})
    assert_refused(
        report,
        doc,
        "rows[0] › cells[7]（一、本年新收政府信息公开申请数量 自然人）：同一单元格在文件中出现两次，数值不同",
    )


def test_a_duplicate_cell_with_the_same_value_is_harmless(report):
    doc = loads(dumps(export_document(report)))
    row = part(doc, "applications")["rows"][0]
    row["cells"].append(dict(row["cells"][0]))
    _, created, changes, _ = import_document(doc)
    assert not created and changes == []


def test_a_table_without_rows_is_refused(report):
    doc = loads(dumps(export_document(report)))
    part(doc, "litigation")["rows"] = []
    assert_refused(report, doc, "parts[3]（四、政府信息公开行政复议、行政诉讼情况） › rows：表格没有任何行")


def test_an_overlong_section_is_refused_with_the_limit(report):
    doc = loads(dumps(export_document(report)))
    part(doc, "problems")["sections"][0]["text"] = "问" * 20_001
    assert_refused(report, doc, "“五、存在的主要问题及改进情况”太长：最多 20000 字，现为 20001 字")
    part(doc, "problems")["sections"][0]["text"] = "问" * 20_000
    import_document(doc)
    report.refresh_from_db()
    assert len(report.problems) == 20_000


@pytest.mark.parametrize("value", ["1e3", ".5e1", "1_000", "+5", "٣", True, None])
def test_numbers_in_a_document_follow_the_same_grammar(report, value):
    doc = loads(dumps(export_document(report)))
    cell(doc, "applications", "new", "natural_person")["value"] = value
    if value is None:
        import_document(doc)  # blank: accepted, and the blank rule will ask for it
        return
    assert_refused(report, doc, "（一、本年新收政府信息公开申请数量 自然人）：")


def test_nan_in_a_document_is_not_a_number(report):
    text = dumps(export_document(report)).replace('"value": 96171.6', '"value": NaN')
    assert_refused(report, loads(text), "（行政事业性收费 本年收费金额（单位：万元））：“nan”不是数字")


def test_a_wrong_declared_total_is_stored_and_stays_until_a_corrected_import(report):
    from disclosure.checks import check_report

    doc = loads(dumps(export_document(report)))
    cell(doc, "litigation", "cases", "direct_suit_total")["value"] = 4
    _, _, changes, findings = import_document(doc)
    assert [c["field"] for c in changes] == ["declared:litigation.cases.direct_suit_total"]
    report.refresh_from_db()
    assert report.declared_totals == {"litigation.cases.direct_suit_total": "4"}
    expected = ["行政诉讼 未经复议直接起诉：总计 4，但 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 0，相差 4"]
    assert [f.message for f in findings if f.rule == "T4-sum"] == expected
    assert [f.message for f in check_report(report) if f.rule == "T4-sum"] == expected
    # Importing the same file again changes nothing; a corrected file drops the declared total.
    assert import_document(doc)[2] == []
    cell(doc, "litigation", "cases", "direct_suit_total")["value"] = 0
    _, _, changes, findings = import_document(doc)
    assert changes[0]["before"] == "4" and changes[0]["after"] == ""
    assert [f for f in findings if f.rule == "T4-sum"] == []
