"""manage.py import_published: what it prints, what --confirm stores, its exit status, the inputs it refuses."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from disclosure.models import AnnualReport, Organization, OriginalDocument, PublishedVersion
from tests import factories

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt"
WORD_PASTED = Path(__file__).parent / "fixtures" / "word-pasted-2021.html"

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone():
    org = factories.organization("hitech", name="嘉兴秀洲高新技术产业开发区")
    org.short_name = "秀洲高新区"
    org.save()
    return org


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_published", *map(str, args), stdout=out, stderr=err, skip_checks=True)
    return exit_.value.code, out.getvalue(), err.getvalue()


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_sample_recognised_completely_exit_0_nothing_stored(zone):
    code, out, err = run(SAMPLE)
    assert code == 0
    assert "[1/1]" in out and "嘉兴秀洲高新技术产业开发区 2020年度；单元格 198/198 已识别，0 存疑，0 未找到" in out
    assert out.rstrip().endswith("可导入") and "[1/1] 正在处理" in err
    assert not AnnualReport.objects.exists()


def test_confirm_imports_with_the_date_and_source_given(zone):
    url = "https://www.xiuzhou.gov.cn/art/2021/1/20/art_1.html"
    code, out, _ = run(SAMPLE, "--confirm", "--published-on", "2021-01-20", "--source-url", url)
    assert code == 0, out
    assert "发现问题" in out and out.rstrip().endswith("已导入")
    version = PublishedVersion.objects.get(report__organization=zone, report__year=2020)
    assert version.published_at.date() == datetime.date(2021, 1, 20)
    assert version.original.source_url == url and version.original.name == SAMPLE.name


def test_confirm_twice_skips_the_same_file_by_its_hash(zone, tmp_path):
    run(SAMPLE, "--confirm", "--published-on", "2021-01-20")
    copy = tmp_path / "renamed.txt"
    copy.write_bytes(SAMPLE.read_bytes())
    code, out, _ = run(copy, "--confirm", "--published-on", "2021-01-20")
    assert code == 0 and "已导入，跳过" in out
    assert OriginalDocument.objects.count() == 1 and PublishedVersion.objects.count() == 1


def test_a_year_already_published_needs_review_and_is_not_overwritten(zone):
    from disclosure.publishing import publish_report

    version = publish_report(factories.complete_report(zone, 2020), None, require_approved=False)
    code, out, _ = run(SAMPLE, "--confirm", "--published-on", "2021-01-20")
    assert code == 1 and "需要核对：2020年度报告已在系统中（已发布），不覆盖" in out
    assert list(PublishedVersion.objects.all()) == [version] and not OriginalDocument.objects.exists()


def test_unknown_organization_and_missing_date_need_review(tmp_path):
    code, out, _ = run(SAMPLE, "--confirm")
    assert code == 1
    assert "系统中没有名为“秀洲高新区”的机关（用 --org 指定）" in out
    assert "缺少原文发布日期" in out
    assert not AnnualReport.objects.exists()


def test_org_and_year_override_and_the_page_date_is_used(zone):
    Organization.objects.create(slug="education", name="教育局")
    code, out, _ = run(WORD_PASTED, "--org", "education", "--year", "2021")
    assert code == 1 and "教育局 2021年度" in out and "未找到" in out  # the fixture has parts of tables only
    assert "需要核对" in out


def test_a_failed_file_in_a_zip_is_reported_not_shown_as_data(zone, tmp_path):
    archive = make_zip(tmp_path / "reports.zip", {"a.txt": SAMPLE.read_bytes(), "empty.htm": b""})
    code, out, _ = run(archive, "--confirm", "--published-on", "2021-01-20")
    assert code == 1
    assert "reports.zip › empty.htm：失败：文件为空" in out
    assert "reports.zip › a.txt：嘉兴秀洲高新技术产业开发区 2020年度" in out and "已导入" in out
    assert "empty.htm：" not in out.split("失败：文件为空")[1]  # no cells, no findings for the failed file
    assert OriginalDocument.objects.get().name == "a.txt"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "nobody"], "系统中没有网址标识为“nobody”的机关"),
        (["--published-on", "2021/1/20"], "不是 YYYY-MM-DD"),
        (["--source-url", "ftp://x"], "不是有效的 http"),
    ],
)
def test_bad_arguments_refused_exit_2(args, message):
    code, out, err = run(SAMPLE, "--confirm", *args)
    assert code == 2 and message in err and out == ""
    assert not AnnualReport.objects.exists()


def test_missing_path_refused_exit_2(tmp_path):
    code, out, err = run(tmp_path / "nope.html")
    assert code == 2 and "文件不存在" in err and out == ""


def test_zip_with_parent_paths_refused_exit_2(tmp_path):
    archive = make_zip(tmp_path / "evil.zip", {"../evil.txt": b"x"})
    code, _, err = run(archive)
    assert code == 2 and "指向压缩包之外" in err
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_refused_exit_2(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"bomb.txt": b"0" * (30 * 1024 * 1024)})
    code, _, err = run(archive)
    assert code == 2 and "压缩炸弹" in err
