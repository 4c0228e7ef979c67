"""The public site over HTTP: what is reachable, the downloads, caching, headers, query counts."""

import csv
import datetime
import hashlib
import io
import json
import socket
import time
import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from disclosure import actions
from disclosure.models import AnnualReport, Organization, PublishedVersion
from disclosure.public import pagecache
from disclosure.publishing import publish_report, reopen_for_correction

from . import factories
from .conftest import load_rows, saved_rows

pytestmark = pytest.mark.django_db

FILES = ["pdf", "json", "csv"]


def urls(slug, year, number=1):
    base = f"/reports/{slug}/{year}"
    return [f"{base}/", *(f"{base}.{f}" for f in FILES), f"{base}/v{number}/"] + [
        f"{base}/v{number}.{f}" for f in FILES
    ]


def approve(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)


def make_government():
    return factories.organization("district", kind=Organization.Kind.GOVERNMENT, name="测试区人民政府")


def make_report(government):
    return factories.complete_report(factories.organization("agency", parent=government, name="测试区教育局"))


def publish_a_report():
    publish_report(make_report(make_government()), None, require_approved=False)


published_rows = saved_rows(publish_a_report)  # its PDF is rendered once per session, not once per test


@pytest.fixture
def published(published_rows, db):
    """测试区教育局's 2021 report, published as version 1. A test that also asks for ``report`` or
    ``government`` gets the published report and its government."""
    load_rows(published_rows)
    return PublishedVersion.objects.get(report__organization__slug="agency")


@pytest.fixture
def government(request, db):
    if "published" in request.fixturenames:
        return request.getfixturevalue("published").report.organization.parent
    return make_government()


@pytest.fixture
def report(request, government):
    if "published" in request.fixturenames:
        return request.getfixturevalue("published").report
    return make_report(government)


# ---- what is reachable ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_an_unpublished_report_is_404_on_every_public_url(client, report, status):
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    for url in urls("agency", 2021):
        assert client.get(url).status_code == 404, url
    assert client.get("/years/2021/").status_code == 404
    assert 'href="/reports/agency/2021/"' not in client.get("/").content.decode()  # the link a publication gets
    assert "2021年度报告" not in client.get("/reports/agency/").content.decode()


def test_an_unknown_organization_year_or_version_is_404(client, published):
    for url in urls("nobody", 2021) + urls("agency", 2020) + urls("agency", 2021, number=2)[4:]:
        assert client.get(url).status_code == 404, url
    assert client.get("/reports/nobody/").status_code == 404
    assert client.get("/years/2020/").status_code == 404
    assert client.get("/reports/agency/2021.xml").status_code == 404


def test_a_published_report_is_on_every_public_url(client, published):
    for url in urls("agency", 2021):
        assert client.get(url).status_code == 200, url


def test_a_correction_in_progress_keeps_the_published_version_public(client, report, published):
    reopen_for_correction(report, None, "更正一处文字。")
    actions.save_content(report, None, texts={"problems": "草稿中的新文字，尚未发布。"})
    page = client.get("/reports/agency/2021/").content.decode()
    assert "存在的问题及改进情况。" in page and "尚未发布" not in page
    assert client.get("/reports/agency/2021/v2/").status_code == 404
    assert json.loads(client.get("/reports/agency/2021.json").content)["version"] == 1


def test_the_corrected_version_is_current_and_the_earlier_one_stays(client, report, published):
    reopen_for_correction(report, None, "更正表二中的数字。")
    approve(report)
    publish_report(report, None)

    current = client.get("/reports/agency/2021/").content.decode()
    assert "更正说明" in current and "更正表二中的数字。" in current
    assert "第2版" in current and "已有更新的版本" not in current
    assert json.loads(client.get("/reports/agency/2021.json").content)["version"] == 2

    earlier = client.get("/reports/agency/2021/v1/").content.decode()
    assert "已有更新的版本" in earlier and 'href="/reports/agency/2021/"' in earlier
    assert "更正表二中的数字。" not in earlier
    assert 'href="/reports/agency/2021/v1.pdf"' in earlier
    assert json.loads(client.get("/reports/agency/2021/v1.json").content)["version"] == 1
    assert "已有更新的版本" not in client.get("/reports/agency/2021/v2/").content.decode()


# ---- the lists -----------------------------------------------------------------------------------------


def test_home_lists_recent_publications_organizations_as_a_tree_and_years(client, published):
    factories.organization("unpublished", name="尚未发布的机关")
    page = client.get("/").content.decode()
    assert 'href="/reports/agency/2021/"' in page
    tree = page[page.index('class="org-tree"') :]
    assert tree.index("测试区人民政府") < tree.index("<ul>") < tree.index("测试区教育局")
    assert "尚未发布的机关" in page
    assert 'href="/years/2021/"' in page


def row_of(page, heading):
    """The text of the table row (``<tr>…</tr>``) that contains ``heading``: a status read from the row, never
    from the column headers."""
    body = page[page.index("<tbody>") :]
    start = body.rindex("<tr>", 0, body.index(heading))
    return body[start : body.index("</tr>", start)]


def published_on(version, year, month, day):
    moment = timezone.make_aware(datetime.datetime(year, month, day, 10))
    PublishedVersion.objects.filter(pk=version.pk).update(published_at=moment)
    pagecache.invalidate()  # not a publication: the cached page would otherwise stay for a minute


def test_the_organization_page_says_on_time_or_late(client, published, report):
    published_on(published, 2022, 1, 31)  # the deadline day itself is on time
    row = row_of(client.get("/reports/agency/").content.decode(), "2021年度报告")
    assert "按时发布" in row and "逾期" not in row and "2022年1月31日" in row
    published_on(published, 2022, 2, 3)
    row = row_of(client.get("/reports/agency/").content.decode(), "2021年度报告")
    assert "逾期发布" in row and "按时发布" not in row
    assert "2022年2月3日" in row and "2022年1月31日" in row


def test_the_year_page_lists_every_organization_and_who_published(client, published, government, monkeypatch):
    published_on(published, 2022, 1, 20)
    page = client.get("/years/2021/").content.decode()
    agency = row_of(page, "测试区教育局")
    assert "按时发布" in agency and "2022年1月20日" in agency and "2022年1月31日" in agency
    district = row_of(page, "测试区人民政府")
    assert "2022年3月31日" in district  # a government's deadline
    assert "逾期未发布" in district and "尚未发布" not in district  # today is long after 2022-03-31
    # before the deadline, the same government has simply not published yet
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2022, 3, 31))
    pagecache.invalidate()
    district = row_of(client.get("/years/2021/").content.decode(), "测试区人民政府")
    assert "尚未发布" in district and "逾期" not in district


# ---- downloads -----------------------------------------------------------------------------------------


def test_the_pdf_served_is_the_one_whose_hash_the_page_shows(client, published):
    response = client.get("/reports/agency/2021.pdf")
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)  # streamed from storage, not read from the database
    assert content.startswith(b"%PDF-")
    digest = hashlib.sha256(content).hexdigest()
    assert digest == published.pdf_sha256
    assert digest in client.get("/reports/agency/2021/").content.decode()
    assert response["ETag"] == f'"{digest}"'


def test_the_json_is_the_document_export_report_writes(client, published, capsys):
    response = client.get("/reports/agency/2021.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    capsys.readouterr()
    call_command("export_report", "agency", "2021")
    assert response.content.decode("utf-8") == capsys.readouterr().out


def test_the_csv_has_one_row_per_cell_with_a_bom(client, published, report):
    response = client.get("/reports/agency/2021.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="agency-2021-v1.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["部分", "行", "列", "数值", "代码"]
    assert len(rows) - 1 == len(report.format.cell_specs())
    by_code = {row[4]: row for row in rows[1:]}
    assert by_code["proactive.rules.made"] == [
        "二、主动公开政府信息情况",
        "第二十条第（一）项 / 规章",
        "本年制发件数",
        "0",
        "proactive.rules.made",
    ]
    total = by_code["litigation.cases.reconsideration_total"]
    assert total[:3] == ["四、政府信息公开行政复议、行政诉讼情况", "", "行政复议 / 总计"]


# ---- caching -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FILES)
def test_current_files_are_cached_briefly_and_revalidated(client, published, fmt):
    response = client.get(f"/reports/agency/2021.{fmt}")
    assert response["Cache-Control"] == "public, max-age=300"
    etag = response["ETag"]
    again = client.get(f"/reports/agency/2021.{fmt}", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(f"/reports/agency/2021.{fmt}", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize("fmt", FILES)
def test_numbered_files_are_immutable(client, published, fmt):
    response = client.get(f"/reports/agency/2021/v1.{fmt}")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(f"/reports/agency/2021/v1.{fmt}", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_pages_are_cached_briefly(client, published):
    for url in ["/", "/reports/agency/", "/years/2021/", "/reports/agency/2021/", "/reports/agency/2021/v1/"]:
        assert client.get(url)["Cache-Control"] == "public, max-age=300", url


# ---- headers and markup --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/reports/agency/2021/", "/reports/agency/2021.pdf", "/reports/nobody/"])
def test_security_headers(client, published, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/", "/reports/agency/", "/years/2021/", "/reports/agency/2021/"])
def test_no_inline_script_or_style(client, published, url):
    html = client.get(url).content.decode()
    assert "<style" not in html and " style=" not in html
    assert html.count("<script") == html.count("<script src=")
    assert " on" not in html.replace(" only", "")  # no onclick= etc.


def test_the_narrative_is_escaped(client, report):
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    actions.save_content(report, None, texts={"other_matters": hostile})
    publish_report(report, None, require_approved=False)
    html = client.get("/reports/agency/2021/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_signed_in_user_gets_a_fresh_page(client, published, django_user_model, django_assert_num_queries):
    client.get("/reports/agency/2021/")
    client.force_login(django_user_model.objects.create_user("someone"))
    with django_assert_num_queries(2):  # the versions, the version: rendered afresh (no page cache lookup)
        assert client.get("/reports/agency/2021/").status_code == 200


def test_publishing_empties_the_page_cache_of_every_process(client, report, published):
    assert "第1版" in client.get("/reports/agency/2021/").content.decode()
    assert "更正" not in client.get("/").content.decode()
    stamp = pagecache.generation()
    reopen_for_correction(report, None, "更正一处。")
    approve(report)
    publish_report(report, None)
    assert pagecache.generation() > stamp  # in the database: seen by every process of every server
    assert "第2版" in client.get("/reports/agency/2021/").content.decode()
    home = client.get("/").content.decode()
    assert "已更正" in home and home.count('href="/reports/agency/2021/"') == 1


@pytest.fixture
def shared_cache(settings):
    """The generation kept in the cache, as with CACHE_URL=redis://… (the local-memory cache stands in for
    Redis here; tests/test_several_servers.py runs the real one)."""
    settings.CACHE_URL = "redis://stand-in"


def test_with_a_shared_cache_a_kept_page_and_download_need_no_query(
    client, published, shared_cache, django_assert_num_queries
):
    page = client.get("/reports/agency/2021/").content
    with django_assert_num_queries(0):
        assert client.get("/reports/agency/2021/").content == page
    download = client.get("/reports/agency/2021.pdf")
    with django_assert_num_queries(0):
        again = client.get("/reports/agency/2021.pdf")
    assert b"".join(again.streaming_content) == b"".join(download.streaming_content)


def test_with_a_shared_cache_the_generation_rises_when_the_change_commits(
    client, report, published, shared_cache, django_capture_on_commit_callbacks
):
    assert "第1版" in client.get("/reports/agency/2021/").content.decode()
    before = pagecache.generation()
    reopen_for_correction(report, None, "更正一处。")
    approve(report)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_report(report, None)
        assert pagecache.generation() == before  # not before the commit: a page read now would be stale
    assert callbacks and pagecache.generation() > before
    assert "第2版" in client.get("/reports/agency/2021/").content.decode()


def test_with_a_shared_cache_a_lost_generation_matches_no_kept_page(client, published, shared_cache):
    from django.core.cache import cache

    client.get("/reports/agency/")
    Organization.objects.filter(slug="agency").update(name="改过名的教育局")
    assert "改过名的教育局" not in client.get("/reports/agency/").content.decode()  # kept for a minute
    cache.delete(pagecache.GENERATION_KEY)  # Redis restarted, say, and the pages were kept elsewhere
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


# ---- query counts --------------------------------------------------------------------------------------


def test_query_counts(client, published, django_assert_num_queries):
    # A visitor's GET of a page reads the publication generation (1 query); a cached page needs nothing else.
    with django_assert_num_queries(3):
        client.get("/reports/agency/2021/")
    with django_assert_num_queries(1):  # kept until the next version becomes ready
        client.get("/reports/agency/2021/")
    with django_assert_num_queries(3):
        client.get("/reports/agency/2021/v1/")
    with django_assert_num_queries(4):
        client.get("/")
    with django_assert_num_queries(3):
        client.get("/reports/agency/")
    with django_assert_num_queries(3):
        client.get("/years/2021/")
    with django_assert_num_queries(3):  # the generation, the versions, the file's name
        response = client.get("/reports/agency/2021.pdf")
    with django_assert_num_queries(1):  # kept in the page cache: the stored file's name, not its bytes
        again = client.get("/reports/agency/2021.pdf")
    assert b"".join(again.streaming_content) == b"".join(response.streaming_content)
    assert again["ETag"] == response["ETag"] and again["Content-Disposition"] == response["Content-Disposition"]
    with django_assert_num_queries(1):  # a 304 from the kept hash: no file opened
        not_modified = client.get("/reports/agency/2021.pdf", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (not_modified.status_code, not_modified["ETag"]) == (304, response["ETag"])
    with django_assert_num_queries(3):
        client.get("/reports/agency/2021.csv")


# ---- the page cache on a real Redis ---------------------------------------------------------------------
# CACHE_URL=redis://…: the shared generation, its announcements, each process's own copy of the pages. Uses the
# Redis at 127.0.0.1:6379 (a key prefix of its own), skipped with the reason when there is none;
# tests/test_several_servers.py runs the same through two gunicorns.

REDIS = "redis://127.0.0.1:6379/7"  # tests/test_several_servers.py flushes one of 8-15


def redis_runs():
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_cache(settings):
    if not redis_runs():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHE_URL = REDIS
    settings.CACHES = {
        "default": {"BACKEND": "disclosure.cache.RedisCache", "LOCATION": REDIS, "KEY_PREFIX": uuid.uuid4().hex},
        pagecache.PROCESS_CACHE: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    pagecache.watch = pagecache.GenerationWatch()  # a new process, as far as the cache knows
    yield caches["default"]
    pagecache.watch._drop()
    # Only this test's keys: clear() would flush the whole Redis database under a test of another xdist worker.
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        client.delete(key)


def redis_refused(*args, **kwargs):
    raise AssertionError("asked Redis")


def rename(name):
    Organization.objects.filter(slug="agency").update(name=name)


def test_a_page_this_process_holds_costs_no_round_trip(client, published, redis_cache, monkeypatch):
    page = client.get("/reports/agency/2021/").content
    for method in ("get", "get_many", "add"):
        monkeypatch.setattr(redis_cache, method, redis_refused)
    assert client.get("/reports/agency/2021/").content == page


def announce_elsewhere(redis_cache):
    """What another server does after a publication commits; returns once the announcement has reached
    this process's subscription socket (delivery takes a moment even on loopback)."""
    raised = redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())
    assert pagecache.watch._pubsub.connection.can_read(timeout=5)
    return raised


def test_an_announced_generation_reaches_this_process_at_its_next_request(client, published, redis_cache):
    client.get("/reports/agency/")
    rename("改过名的教育局")
    assert "改过名的教育局" not in client.get("/reports/agency/").content.decode()  # kept
    announce_elsewhere(redis_cache)
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


def test_the_process_that_raised_the_generation_knows_before_its_announcement_arrives(
    client, published, redis_cache, monkeypatch
):
    client.get("/reports/agency/")
    monkeypatch.setattr(pagecache.watch._pubsub, "get_message", lambda timeout: None)  # not arrived yet
    rename("改过名的教育局")
    pagecache._raise_cached_generation()
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


def test_announcements_that_cross_never_lower_the_generation(redis_cache):
    first = pagecache.watch.current()
    received = []
    get_message = pagecache.watch._pubsub.get_message

    def recording(timeout):
        message = get_message(timeout=timeout)
        if message is not None:
            received.append(message["data"])
        return message

    pagecache.watch._pubsub.get_message = recording
    raised = announce_elsewhere(redis_cache)
    redis_cache._cache.get_client().publish(pagecache._channel(), first)  # a late, older announcement
    deadline = time.monotonic() + 5
    while str(first).encode() not in received and time.monotonic() < deadline:
        assert pagecache.watch.current() == raised > first
    assert str(first).encode() in received


def test_what_was_announced_while_disconnected_is_not_missed(client, published, redis_cache):
    client.get("/reports/agency/")
    pagecache.watch._pubsub.connection.disconnect()  # a dropped connection; redis-py reconnects by itself
    rename("改过名的教育局")
    redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())  # by another server, unheard
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()
    assert pagecache.watch._pubsub is not None


def test_without_a_subscription_each_request_asks_redis_and_stays_right(client, published, redis_cache):
    client.get("/reports/agency/")
    pagecache.watch._drop()
    pagecache.watch._retry_at = float("inf")  # Redis refuses subscriptions for now
    rename("改过名的教育局")
    redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())  # by another server
    assert "改过名的教育局" in client.get("/reports/agency/").content.decode()


def test_a_lost_counter_restarts_from_the_clock(redis_cache):
    raised = redis_cache.raise_counter(pagecache.GENERATION_KEY, pagecache._channel())
    assert redis_cache.get(pagecache.GENERATION_KEY) > 10**18  # never back at 1, which old pages may carry
    assert raised == redis_cache.get(pagecache.GENERATION_KEY)  # to the last digit (Lua numbers are doubles)
