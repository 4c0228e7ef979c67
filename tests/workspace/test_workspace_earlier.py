"""Reports of the years before the national format (2008–2018), kept as the files agencies published: uploaded
and deleted on the 补录往年报告 page, listed and downloadable on the organization's public page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from disclosure import earlier
from disclosure.importing import uploads
from disclosure.models import EarlierReportFile

PAST = "/workspace/agency-a/past-years/"
UPLOAD = PAST + "earlier/"
PDF = b"%PDF-1.4 a report of 2015\n" * 100


def pdf(name="2015年报.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def form(year=2015, file=None, published_on="2016-03-20", source_url="https://example.gov.cn/2015.pdf"):
    return {"year": str(year), "file": file or pdf(), "published_on": published_on, "source_url": source_url}


def stored_files(folder="originals"):
    """Every file under ``folder`` in storage (the year folders a deleted file leaves are not files)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{f}" for f in files] + [name for sub in folders for name in stored_files(f"{folder}/{sub}")]


def stored_nothing():
    return not EarlierReportFile.objects.exists() and not stored_files()


def test_the_past_years_page_offers_the_upload_for_the_years_before_the_format(people, client):
    client.force_login(people.editor_a)
    html = client.get(PAST).content.decode()
    assert "2019年度以前的报告（自由格式，作为文件保存）" in html and "只能作为文件附件保存" in html
    for year in (2008, 2018):
        assert f'<option value="{year}">{year}年度</option>' in html
    assert 'value="2007"' not in html and 'value="2019"' not in html
    assert f'action="{UPLOAD}"' in html


def test_it_keeps_the_file_under_its_hash_and_lists_it(people, client):
    client.force_login(people.editor_a)
    response = client.post(UPLOAD, form())
    assert response.status_code == 302 and response.url == PAST
    kept = EarlierReportFile.objects.get()
    assert (kept.organization, kept.year, kept.name, kept.size) == (people.a, 2015, "2015年报.pdf", len(PDF))
    assert kept.published_on == datetime.date(2016, 3, 20) and kept.source_url == "https://example.gov.cn/2015.pdf"
    assert kept.uploaded_by == people.editor_a and kept.uploaded_at is not None
    assert kept.file.name == f"originals/agency-a/2015/{kept.sha256}.pdf"
    assert default_storage.open(kept.file.name).read() == PDF
    html = client.get(PAST).content.decode()
    assert "已保存2015年度报告原文" in html and "2016年3月20日" in html and "2015年报.pdf" in html
    assert "/workspace/agency-a/past-years/earlier/2015/delete/" in html


@pytest.mark.parametrize(
    "data, message",
    [
        (form(file=pdf("report.exe")), "类型不能保存"),
        (form(file=pdf("report")), "类型不能保存"),
        (form(file=pdf(data=b"")), "文件为空"),
        (form(year=2019), "请选择列出的年度"),
        (form(year=2007), "请选择列出的年度"),
        (form(year=""), "请选择报告所属年度"),
        (form(published_on=""), "请填写原发布日期"),
        (form(published_on="2015-12-31"), "早于2015年度结束"),
        (form(published_on=f"{datetime.date.today().year + 1}-01-01"), "晚于今天"),
        (form(source_url="javascript:alert(1)"), "请填写有效的网址"),
    ],
)
def test_it_refuses_bad_input_with_a_message_and_stores_nothing(people, client, data, message):
    client.force_login(people.editor_a)
    response = client.post(UPLOAD, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "尚未保存" in html and "<title>错误：" in html
    assert stored_nothing()


def test_it_refuses_a_file_over_the_limit(people, client, monkeypatch):
    client.force_login(people.editor_a)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_SIZE", 1024)
    response = client.post(UPLOAD, form(file=pdf(data=b"x" * 2048)))
    assert "文件过大" in response.content.decode()
    assert stored_nothing()


def test_it_refuses_an_upload_over_the_limit_before_reading_it(people, client):
    client.force_login(people.editor_a)
    big = pdf(data=b"x" * (uploads.MAX_UPLOAD_SIZE + 100_000))
    response = client.post(UPLOAD, form(file=big))
    assert response.status_code == 413 and "上传的内容过大" in response.content.decode()
    assert stored_nothing()


def test_a_second_file_for_a_year_is_refused_until_the_first_is_deleted(
    people, client, django_capture_on_commit_callbacks
):
    client.force_login(people.editor_a)
    client.post(UPLOAD, form())
    first = EarlierReportFile.objects.get()
    response = client.post(UPLOAD, form(file=pdf("other.pdf", b"%PDF other")))
    assert "2015年度的报告原文已经保存；如需替换，请先删除已保存的文件" in response.content.decode()
    assert list(EarlierReportFile.objects.all()) == [first] and stored_files() == [first.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(PAST + "earlier/2015/delete/").status_code == 302
    assert stored_nothing()
    client.post(UPLOAD, form(file=pdf("other.pdf", b"%PDF other")))
    assert EarlierReportFile.objects.get().name == "other.pdf"


def test_it_deletes_the_row_and_then_the_file(people, client, django_capture_on_commit_callbacks):
    client.force_login(people.reviewer_parent)  # a supervising office, for an agency below it
    client.post(UPLOAD, form())
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(PAST + "earlier/2015/delete/", follow=True)
    assert "已删除2015年度报告原文" in response.content.decode()
    assert not EarlierReportFile.objects.exists() and len(stored_files()) == 1  # until the deletion commits
    for callback in callbacks:
        callback()
    assert stored_nothing()
    assert client.post(PAST + "earlier/2015/delete/").status_code == 404  # nothing left to delete
    assert client.get(PAST + "earlier/2015/delete/").status_code == 405


def test_a_failed_save_leaves_no_file_in_storage(people, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(EarlierReportFile.objects, "create", fail)
    with pytest.raises(RuntimeError):
        earlier.store(people.a, 2015, name="a.pdf", data=PDF, published_on=datetime.date(2016, 1, 5))
    assert stored_nothing()


def test_the_database_holds_one_file_per_year_and_only_earlier_years(people):
    kept = earlier.store(people.a, 2015, name="a.pdf", data=PDF, published_on=datetime.date(2016, 1, 5))
    for year in (2015, 2019, 2007):
        with pytest.raises(IntegrityError), transaction.atomic():
            EarlierReportFile.objects.create(
                organization=people.a, year=year, file=kept.file.name, name="b.pdf", sha256="0", size=1,
                published_on=datetime.date(2020, 1, 5),
            )  # fmt: skip
    kept.year = 2019
    with pytest.raises(ValidationError):
        kept.clean()


# ---- the public page ---------------------------------------------------------------------------------


def test_the_public_page_lists_the_file_and_serves_it_as_a_download(people, client):
    assert "原文文件" not in client.get("/reports/agency-a/").content.decode()  # a visitor's page, now cached
    client.force_login(people.editor_a)
    client.post(UPLOAD, form(year=2012, file=pdf("年报.html", b"<script>alert(1)</script>"), published_on="2013-02-01"))
    client.logout()
    html = client.get("/reports/agency-a/").content.decode()  # the upload refreshed the cached page
    assert "2019年度以前的年度报告（原文文件）" in html and "2012年度报告" in html and "2013年2月1日" in html
    assert 'href="/reports/agency-a/2012/original"' in html and "下载原文（网页，1 KB）" in html
    response = client.get("/reports/agency-a/2012/original")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"  # an HTML original is never rendered
    assert response["Content-Disposition"].startswith("attachment") and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert client.get("/reports/agency-a/2011/original").status_code == 404
    assert client.get("/reports/agency-b/2012/original").status_code == 404


def test_the_public_page_forgets_a_deleted_file(people, client):
    client.force_login(people.editor_a)
    client.post(UPLOAD, form())
    client.logout()
    assert "下载原文（PDF，3 KB）" in client.get("/reports/agency-a/").content.decode()
    assert client.get("/reports/agency-a/2015/original").status_code == 200
    client.force_login(people.editor_a)
    client.post(PAST + "earlier/2015/delete/")
    client.logout()
    assert "下载原文" not in client.get("/reports/agency-a/").content.decode()
    assert client.get("/reports/agency-a/2015/original").status_code == 404


def test_refusing_an_earlier_year_points_to_the_past_years_page(people, client):
    client.force_login(people.editor_a)
    response = client.post("/workspace/agency-a/2015/start/", follow=True)
    assert "只能作为文件附件保存：可在“补录往年报告”页面上传原文文件" in response.content.decode()
