"""Bad files (issue 10): each refused with a clear Chinese message; nothing stored, nothing executed or fetched."""

import io
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from disclosure.documents import loads
from disclosure.importing import readers
from disclosure.importing.files import MAX_ZIP_RATIO
from disclosure.models import AnnualReport, Cell, OriginalDocument, PublishedFigure, PublishedVersion, ReportEvent
from disclosure.rendering import render_body
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return factories.organization("education", name="嘉兴市秀洲区教育局")


@pytest.fixture
def sealed(monkeypatch):
    """No network, no process: a reader that tried either would fail the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"tried to connect or run something: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_published", *map(str, args), stdout=out, stderr=err, skip_checks=True)
    return exit_.value.code, out.getvalue(), err.getvalue()


def state():
    models = (AnnualReport, Cell, PublishedVersion, PublishedFigure, ReportEvent, OriginalDocument)
    root = Path(default_storage.location)
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return {m.__name__: m.objects.count() for m in models}, files


CONFIRM = ("--confirm", "--org", "education", "--published-on", "2022-01-20")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.html", b"", "文件为空"),
        ("junk.html", bytes(range(256)) * 64, "不是可识别的文件"),
        ("junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 16, "不是有效的 PDF 文件：文件已损坏或不是 PDF"),
        ("junk.docx", b"PK\x03\x04" + bytes(range(256)) * 16, "不是有效的 Word（.docx）文件：文件已损坏"),
        ("README.txt", b"# disclosure\n\nA Django app.\n", "未识别出政府信息公开工作年度报告"),
    ],
)
def test_refused_file_fails_with_its_reason_and_nothing_is_stored(org, sealed, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    before = state()
    code, out, _ = run(path, *CONFIRM)
    assert code == 1
    assert out.strip().startswith(f"[1/1] {path}：失败：") and message in out
    assert "单元格" not in out  # a file that failed is never shown as data
    assert state() == before


def test_50_mb_file_refused_by_its_size_before_it_is_read(org, sealed, tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    before = state()
    code, out, err = run(big, *CONFIRM)
    assert code == 2 and "文件过大，单个文件不能超过 20 MB" in err and out == ""
    assert read == [] and state() == before


def test_50_mb_upload_refused_by_its_length_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(readers, "read_pdf", lambda data: pytest.fail("parsed"))
    with pytest.raises(readers.ImportRefused, match="文件过大（50 MB）"):
        readers.read_file("big.pdf", b"%PDF" + bytes(50 * 1024 * 1024 - 4))


def test_zip_bomb_refused_before_it_is_inflated(org, sealed, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("report.html", b"<p>" + b"0" * (MAX_ZIP_RATIO * 2 * 1024 * 100))
    assert bomb.stat().st_size < 100 * 1024
    before = state()
    code, out, err = run(bomb, *CONFIRM)
    assert code == 2 and "压缩炸弹" in err and out == ""
    assert state() == before


def test_zip_with_parent_paths_refused_and_nothing_written_outside(org, sealed, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    archive = folder / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("../../evil.html", "<p>x</p>")
        z.writestr("ok.txt", (ROOT / "docs" / "samples" / "xiuzhou-hitech-zone-2020.txt").read_bytes())
    before = state()
    code, out, err = run(archive, *CONFIRM)
    assert code == 2 and "指向压缩包之外，已拒绝整个压缩包" in err and out == ""
    assert not list(tmp_path.rglob("evil.html")) and state() == before


def html_with_scripts():
    """The demo 2021 report's page with what a hostile or careless page holds: scripts, event handlers, remote
    images, stylesheets and frames. Its figures must come through, and none of the rest."""
    document = loads((ROOT / "disclosure" / "demo" / "xiuzhou-education-2021.json").read_text())
    body = render_body(document).replace("</article>", "HOSTILE</article>")  # inside the report itself
    body = body.replace("HOSTILE", hostile_markup())
    hostile = hostile_markup()
    return (
        '<html><head><meta name="PubDate" content="2022-01-20"><style>@import url(http://example.invalid/i.css);</style>'
        f"</head><body onload=\"fetch('http://example.invalid')\">{hostile}{body}</body></html>"
    ).encode()


def hostile_markup():
    return (
        '<script>document.write("<p>注入</p>")</script>'
        '<script src="http://example.invalid/a.js"></script>'
        '<img src="http://example.invalid/x.png" onerror="alert(1)">'
        '<link rel="stylesheet" href="http://example.invalid/s.css">'
        '<iframe src="http://example.invalid/"></iframe>'
        "<noscript><p>请启用脚本以便注入</p></noscript>"
    )


def test_html_with_scripts_imports_the_report_and_nothing_of_the_scripts(org, sealed, tmp_path, client):
    path = tmp_path / "page.html"
    path.write_bytes(html_with_scripts())
    code, out, _ = run(path, "--confirm", "--org", "education")
    assert code == 0, out
    version = PublishedVersion.objects.get()
    version.refresh_from_db()
    shown = default_storage.open(version.body.name).read().decode() + version.content_json
    assert "注入" not in shown and "example.invalid" not in shown and "alert" not in shown
    # The file itself is kept as it was, and only ever offered as a download.
    response = client.get(f"/reports/education/{version.report.year}/original")
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Disposition"].startswith(
        "attachment"
    )
    assert b"".join(response.streaming_content) == path.read_bytes()
