"""The report commands as a script would use them."""

import json

import pytest
from django.core.management import CommandError, call_command

from disclosure.models import AnnualReport
from disclosure.publishing import reopen_for_correction

from .test_demo import demo, export  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_changing_one_cell_of_the_consistent_report_makes_check_report_fail(demo, capsys, tmp_path):  # noqa: F811
    doc = export(capsys, "xiuzhou-education", 2021)
    table3 = next(p for p in doc["parts"] if p["code"] == "applications")
    table3["rows"][0]["cells"][0]["value"] += 1  # 一、本年新收 自然人
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # The demo report is published: a change goes into a correction (a draft again).
    report = AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021)
    reopen_for_correction(report, None, "更正一个数字")
    with pytest.raises(SystemExit) as e:
        call_command("import_report", str(path))
    assert e.value.code == 1  # imported, but the report now has blocking findings
    assert "已更新：嘉兴市秀洲区教育局2021年度政府信息公开工作年度报告（修改 2 处）" in capsys.readouterr().out
    with pytest.raises(SystemExit) as e:
        call_command("check_report", "xiuzhou-education", "2021")
    assert e.value.code == 1
    out = capsys.readouterr().out
    assert (
        "[错误] T3-balance：自然人列：本年新收 13 + 上年结转 1 = 14，但办理结果总计 12 + 结转下年度 1 = 13，相差 1"
        in out
    )


def test_check_report_passes_quietly_on_a_consistent_report(demo, capsys):  # noqa: F811
    call_command("check_report", "xiuzhou-education", "2021")
    assert "全部通过" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["export_report", "check_report", "publish_report"])
def test_an_unknown_report_is_refused_with_status_2(db, command):
    with pytest.raises(CommandError, match="没有找到机关“nobody”2021年度的报告") as e:
        call_command(command, "nobody", "2021")
    assert e.value.returncode == 2


def test_import_of_a_bad_file_says_where_and_changes_nothing(demo, capsys, tmp_path):  # noqa: F811
    before = export(capsys, "xiuzhou-education", 2021)
    doc = json.loads(json.dumps(before))
    doc["parts"][2]["rows"][0]["cells"][1]["value"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"导入失败，没有做任何修改：\n.*商业企业）：不能为负数") as e:
        call_command("import_report", str(path))
    assert e.value.returncode == 2
    with pytest.raises(CommandError, match="无法读取文件") as e:
        call_command("import_report", str(tmp_path / "missing.json"))
    assert e.value.returncode == 2
    assert export(capsys, "xiuzhou-education", 2021) == before


def test_export_exits_0(demo, capsys):  # noqa: F811
    call_command("export_report", "xiuzhou-education", "2021")  # returns: status 0
    assert json.loads(capsys.readouterr().out)["year"] == 2021


def test_importing_identical_content_into_a_published_report_says_nothing_changed(demo, capsys, tmp_path):  # noqa: F811
    path = tmp_path / "same.json"
    path.write_text(json.dumps(export(capsys, "xiuzhou-education", 2021), ensure_ascii=False), encoding="utf-8")
    call_command("import_report", str(path))  # returns: status 0, the report is clean
    out = capsys.readouterr().out
    assert out.startswith("没有变化：嘉兴市秀洲区教育局2021年度政府信息公开工作年度报告与文件内容相同\n")
    assert "修改 0 处" not in out
    assert AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021).status == "published"


def test_a_wrong_declared_total_stays_a_finding_of_check_report(demo, capsys, tmp_path):  # noqa: F811
    doc = export(capsys, "xiuzhou-education", 2021)
    table4 = next(p for p in doc["parts"] if p["code"] == "litigation")
    total = next(c for c in table4["rows"][0]["cells"] if c["column"] == "reconsideration_total")
    total["value"] += 1
    path = tmp_path / "total.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    reopen_for_correction(AnnualReport.objects.get(organization__slug="xiuzhou-education", year=2021), None, "更正合计")
    with pytest.raises(SystemExit) as e:
        call_command("import_report", str(path))
    assert e.value.code == 1
    assert (
        "[错误] T4-sum：行政复议：总计 2，但 结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 1，相差 1"
        in capsys.readouterr().out
    )
    with pytest.raises(SystemExit) as e:
        call_command("check_report", "xiuzhou-education", "2021")
    assert e.value.code == 1
    assert (
        "[错误] T4-sum：行政复议：总计 2，但 结果维持 1 + 结果纠正 0 + 其他结果 0 + 尚未审结 0 = 1，相差 1"
        in capsys.readouterr().out
    )
