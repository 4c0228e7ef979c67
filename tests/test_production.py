"""The production configuration, run as it is deployed: DEBUG=0, collectstatic into the manifest storage,
gunicorn; a reviewer publishes through the workspace over HTTP and the public downloads are checked.

Runs in the PostgreSQL pass of ``make test`` only (it is a whole server and a fresh database: once is
enough), and needs pdftotext. The in-process tests below run on both databases: the PDF fetcher under the
manifest storage, and a rendering failure reaching the reviewer as a Chinese message, the version failed and
nothing of it public.
"""

import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.templatetags.static import static
from weasyprint.urls import FatalURLFetchingError

from disclosure import actions
from disclosure.formats import edition_for_year
from disclosure.models import AnnualReport, Membership, Organization, PublishedVersion
from disclosure.pdf import BASE_URL, StaticOnlyFetcher
from disclosure.publishing import publish_report

from .servers import (
    ON_POSTGRES,
    PASSWORD,
    SEED,
    Browser,
    drop_database,
    fresh_database_url,
    manage,
    production_env,
    start_gunicorn,
    stop,
)

# ---- the server ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory, collected_static):
    tmp = tmp_path_factory.mktemp("production")
    database_url, admin, name = fresh_database_url()
    env = production_env(tmp, database_url, collected_static)
    log = open(tmp / "gunicorn.log", "w+")
    process = None
    try:
        manage(env, "migrate", "--noinput", "-v0")
        assert "seeded submitted" in manage(env, "shell", "-c", SEED.replace("{password}", PASSWORD))
        process, base = start_gunicorn(env, log)
        yield base
    finally:
        stop(process)
        log.close()
        drop_database(admin, name)


def squeeze(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.skipif(not ON_POSTGRES, reason="runs once per `make test`, in its PostgreSQL pass (a real server)")
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")
def test_a_reviewer_publishes_through_gunicorn_with_debug_off_and_the_public_downloads_it(server):
    browser = Browser(server)
    status, _, page = browser.get("/workspace/login/")
    assert status == 200 and "csrftoken" in browser.cookies
    status, headers, _ = browser.post("/workspace/login/", {"username": "reviewer", "password": PASSWORD})
    assert status == 302 and "sessionid" in browser.cookies, "the reviewer could not log in"

    report_page = "/workspace/xiuzhou-education/2021/"
    status, headers, page = browser.get(report_page)
    assert status == 200 and "no-store" in headers["Cache-Control"]
    assert browser.post(report_page + "approve/", {"confirm": "yes"})[0] == 302
    status, _, page = browser.follow(*browser.post(report_page + "publish/", {"confirm": "publish", "version": "1"}))
    assert status == 200
    assert "已发布" in page.decode() and "失败" not in page.decode()

    # The public page links the hashed, collected stylesheet, which WhiteNoise serves.
    status, _, page = browser.get("/reports/xiuzhou-education/2021/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.decode())
    assert stylesheet, "no hashed stylesheet: is the manifest storage in use?"
    assert browser.get(stylesheet.group(1))[0] == 200

    public = Browser(server)
    status, headers, document = public.get("/reports/xiuzhou-education/2021.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    document = json.loads(document)
    assert document["version"] == 1 and document["status"] == "published"
    status, headers, csv = public.get("/reports/xiuzhou-education/2021.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    tables = [part for part in document["parts"] if part.get("rows")]
    assert tables and all(part["label"] in csv.decode("utf-8-sig") for part in tables)
    status, headers, pdf = public.get("/reports/xiuzhou-education/2021.pdf")
    assert status == 200 and pdf.startswith(b"%PDF-")

    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    text = squeeze(text.decode("utf-8"))
    assert squeeze(document["title"]) in text
    for label in [part["label"] for part in tables] + [row["label"] for t in tables for row in t["rows"]]:
        assert squeeze(label) in text, f"the PDF lacks {label!r}"


@pytest.mark.skipif(not ON_POSTGRES, reason="runs once per `make test`, in its PostgreSQL pass (a real server)")
def test_gunicorn_with_debug_off_answers_a_missing_page_with_the_chinese_404(server):
    status, headers, page = Browser(server).get("/no/such/page/")
    page = page.decode()
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert "找不到您要访问的页面" in page and "Not Found" not in page and 'name="viewport"' in page


# ---- in process: the fetcher under the manifest storage, and a failed rendering -----------------------------


@pytest.fixture
def manifest_storage(settings, tmp_path):
    """The production static storage, collected into a temporary STATIC_ROOT (no compression: faster)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", "-v0")
    return settings.STATIC_ROOT


def test_the_fetcher_serves_the_hashed_names_of_the_manifest_storage(manifest_storage):
    url = static("print/report-print.css")
    assert re.search(r"report-print\.[0-9a-f]{12}\.css$", url), url
    response = StaticOnlyFetcher().fetch(BASE_URL + url.lstrip("/"))
    assert response.content_type == "text/css" and b"@page" in response.read()


@pytest.mark.parametrize("name", ["staticfiles.json", "print/report-print.0123456789ab.css"])
def test_under_the_manifest_storage_only_names_the_manifest_lists_are_served(manifest_storage, name):
    """STATIC_ROOT also holds the manifest itself; a made-up hash is no file of ours."""
    assert (manifest_storage / "staticfiles.json").is_file()
    with pytest.raises(FatalURLFetchingError):
        StaticOnlyFetcher().fetch(f"{BASE_URL}static/{name}")


@pytest.mark.django_db
def test_a_report_publishes_under_the_manifest_storage(manifest_storage):
    report = submitted_report()
    version = publish_report(report, None, require_approved=False)
    assert version.pdf.read().startswith(b"%PDF-")


@pytest.fixture
def broken_static_files(monkeypatch):
    """Our print stylesheet cannot be found: WeasyPrint stops with its BaseException. The thread's parsed
    stylesheet is dropped too, so the next render has to fetch it again."""
    monkeypatch.setattr("disclosure.pdf.static_file", lambda name: None)
    monkeypatch.setattr("disclosure.pdf._thread.renderer", None, raising=False)


FAILED = "生成网页、PDF 或 Word 文件失败"


def submitted_report():
    gov = Organization.objects.create(slug="gov", name="测试区人民政府", kind=Organization.Kind.GOVERNMENT)
    org = Organization.objects.create(slug="agency", name="测试区甲局", kind=Organization.Kind.DEPARTMENT, parent=gov)
    report = actions.create_report(org, 2021)
    edition = edition_for_year(2021)
    texts = {section.code: "内容。" for section in edition.text_sections()}
    actions.save_content(report, None, texts=texts, cells={spec.key: Decimal(0) for spec in edition.entered_cells()})
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)
    report.refresh_from_db()
    return report


def assert_published_but_failed(report):
    """The freeze stands (the version number is taken, the history says published); the version's rendering
    failed with the reason, and nothing of it is public."""
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED
    version = PublishedVersion.objects.get(report=report)
    assert version.render_state == "failed" and "静态文件不存在" in version.render_error
    assert not version.pdf and not PublishedVersion.objects.filter(render_state="ready").exists()


@pytest.mark.django_db
def test_a_rendering_failure_reaches_the_reviewer_in_the_workspace_with_a_retry(client, broken_static_files):
    report = submitted_report()
    reviewer = get_user_model().objects.create_user("reviewer")
    Membership.objects.create(user=reviewer, organization=report.organization, role=Membership.Role.REVIEWER)
    client.force_login(reviewer)
    response = client.post(
        f"/workspace/{report.organization.slug}/{report.year}/publish/",
        {"confirm": "publish", "version": "1"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("已发布第1版，但生成失败" in m and "静态文件不存在" in m for m in shown), shown
    page = response.content.decode()
    assert "失败" in page and "retry-render/" in page and "重试" in page
    assert_published_but_failed(report)


@pytest.mark.django_db
def test_a_rendering_failure_reaches_the_admin(admin_client, broken_static_files):
    report = submitted_report()
    response = admin_client.post(
        "/admin/disclosure/annualreport/",
        {"action": "publish_selected", "_selected_action": [report.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert any(FAILED in str(m) for m in response.context["messages"])
    assert_published_but_failed(report)


@pytest.mark.django_db
def test_a_rendering_failure_stops_publish_report_with_a_message(broken_static_files):
    report = submitted_report()
    with pytest.raises(CommandError, match="第1版生成失败：" + FAILED) as raised:
        call_command("publish_report", report.organization.slug, str(report.year))
    assert raised.value.returncode == 1
    assert_published_but_failed(report)


@pytest.mark.django_db
def test_a_rendering_failure_stops_render_reports_with_a_message_and_the_version_stays(capsys, monkeypatch):
    report = submitted_report()
    version = publish_report(report, None)
    monkeypatch.setattr("disclosure.pdf.static_file", lambda name: None)
    monkeypatch.setattr("disclosure.pdf._thread.renderer", None)
    with pytest.raises(CommandError, match="1 个版本生成失败"):
        call_command("render_reports")
    assert "该版本保持原样" in capsys.readouterr().err
    version.refresh_from_db()
    assert version.render_state == "ready" and version.pdf.read().startswith(b"%PDF-")
