"""manage.py import_published: what it prints, its exit status, and the archives it refuses."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt"


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


def test_sample_recognised_completely_exit_0():
    code, out, _ = run(SAMPLE)
    assert code == 0
    assert "秀洲高新区 2020年度；单元格 198/198 已识别" in out and "[1/1]" in out


def test_a_failed_file_in_a_zip_is_reported_not_shown_as_data(tmp_path):
    archive = make_zip(tmp_path / "reports.zip", {"a.txt": SAMPLE.read_bytes(), "empty.htm": b""})
    code, out, _ = run(archive)
    assert code == 1
    assert "reports.zip › empty.htm：失败：文件为空" in out


def test_zip_with_parent_paths_refused_exit_2(tmp_path):
    archive = make_zip(tmp_path / "evil.zip", {"../evil.txt": b"x"})
    code, _, err = run(archive)
    assert code == 2 and "指向压缩包之外" in err
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_bomb_refused_exit_2(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"bomb.txt": b"0" * (30 * 1024 * 1024)})
    code, _, err = run(archive)
    assert code == 2 and "压缩炸弹" in err
