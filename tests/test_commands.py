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
    call_command("import_report", str(path))
    capsys.readouterr()
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


def test_an_unknown_report_is_an_error(db):
    with pytest.raises(CommandError, match="没有找到机关“nobody”2021年度的报告"):
        call_command("export_report", "nobody", "2021")


def test_import_of_a_bad_file_says_where_and_changes_nothing(demo, capsys, tmp_path):  # noqa: F811
    before = export(capsys, "xiuzhou-education", 2021)
    doc = json.loads(json.dumps(before))
    doc["parts"][2]["rows"][0]["cells"][1]["value"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"导入失败，没有做任何修改：\n.*商业企业）：不能为负数"):
        call_command("import_report", str(path))
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_report", str(tmp_path / "missing.json"))
    assert export(capsys, "xiuzhou-education", 2021) == before
