"""The public site as an official publication (issue 11): the report page's facts, 目录 and downloads (type,
size, pages), the SHA-256 in a details line, each table titled once, the footer set by the administrator,
the favicon, a corrected report listed once, and compression of the public pages only (BREACH)."""

import gzip
import re

import pypdfium2
import pytest
from django.test import Client

from disclosure.public import pagecache
from disclosure.public.compression import is_personal
from disclosure.public.downloads import facts, file_size
from disclosure.publishing import publish_report, reopen_for_correction

from .test_public import approve, government, published, published_rows, redis_cache, redis_refused, report  # noqa: F401  (fixtures)
from .test_public_report import Tables

pytestmark = pytest.mark.django_db

REPORT = "/reports/agency/2021/"


def page(client, url=REPORT, **headers):
    return client.get(url, **headers).content.decode()


# ---- the report page --------------------------------------------------------------------------------


def test_it_states_the_facts_and_the_contents_before_the_body(client, published):  # noqa: F811
    html = page(client)
    body = html.index('<article class="report-body"')
    for fact in ("发布机构", "发布日期", "版本", "下载", "目录"):
        assert html.index(fact) < body, fact
    assert "report-meta" in html and "col-lg-3" not in html  # no side column squeezing the tables
    # The title heads the page; the body's own copy (for the PDF and the preview) is hidden by public.css.
    assert html.index('<h1 class="report-page-title">测试区教育局2021年度') < html.index('class="report-facts"')


def test_its_contents_link_to_every_part_of_the_body(client, published):  # noqa: F811
    html = page(client)
    toc = html[html.index('class="report-toc"') : html.index('<article class="report-body"')]
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert len(anchors) == 6
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_a_correction_lists_its_note_first_in_the_contents(client, report, published):  # noqa: F811
    reopen_for_correction(report, None, "更正表二中的数字。")
    approve(report)
    publish_report(report, None)
    toc = page(client)
    toc = toc[toc.index('class="report-toc"') :]
    assert toc.index('href="#correction-note"') < toc.index('href="#part-')
    assert 'id="correction-note"' in toc


def test_each_download_says_its_type_size_and_pages(client, published):  # noqa: F811
    published.refresh_from_db()
    pdf = b"".join(client.get("/reports/agency/2021.pdf").streaming_content)
    pages = len(pypdfium2.PdfDocument(pdf))
    assert published.pdf_pages == pages and published.pdf_size == len(pdf)
    html = page(client)
    assert f"PDF，{file_size(len(pdf))}，{pages} 页" in html
    json_size = len(client.get("/reports/agency/2021.json").content)
    csv_size = len(client.get("/reports/agency/2021.csv").content)
    assert f"JSON，{file_size(json_size)}" in html and f"CSV，{file_size(csv_size)}" in html


def test_the_sizes_read_as_a_person_says_them():
    assert [file_size(n) for n in (1, 1024, 1025, 462_848, 1024 * 1024, 1_300_000)] == [
        "1 KB",
        "1 KB",
        "2 KB",
        "452 KB",
        "1.0 MB",
        "1.2 MB",
    ]
    assert facts("PDF", 462_848, 5) == "PDF，452 KB，5 页"
    assert facts("Word", None) == "Word"


def test_the_hash_is_in_a_details_line(client, published):  # noqa: F811
    html = page(client)
    details = html[html.index("<details") : html.index("</details>")]
    assert "<summary>文件校验码（SHA-256）</summary>" in details and published.pdf_sha256 in details
    assert html.count(published.pdf_sha256) == 1


def test_each_table_is_titled_once_by_its_part_heading(client, published):  # noqa: F811
    html = page(client)
    assert "<caption" not in html[html.index('<article class="report-body"') :]
    tables = Tables(html).tables
    assert [t["caption"] for t in tables] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    for t in tables:
        assert html.count(f">{t['caption']}<") == 2  # the heading and the 目录's link, no caption
        assert f'aria-labelledby="{t["labelledby"]}"' in html and f'id="{t["labelledby"]}"' in html


def test_row_labels_carry_their_level_for_the_sticky_offsets(client, published):  # noqa: F811
    html = page(client)
    assert re.search(r'<th scope="rowgroup" rowspan="\d+" class="lv0">三、本年度办理结果', html)
    assert re.search(r'<th scope="rowgroup" rowspan="\d+" class="lv1">（三）不予公开', html)
    assert '<th scope="row" class="lv2">1.属于国家秘密</th>' in html
    assert "左右滑动查看全表" in html


# ---- the site ------------------------------------------------------------------------------------------


def test_the_footer_shows_what_the_administrator_set(client, published, settings):  # noqa: F811
    settings.SITE_ORGANIZER, settings.SITE_CONTACT = "测试区人民政府办公室", "0573-12345678"
    settings.SITE_IDENTIFIER = "3304110001"
    html = page(client, "/")
    footer = html[html.index('<footer class="site-footer">') :]
    facts = (("主办单位", "测试区人民政府办公室"), ("联系方式", "0573-12345678"), ("网站标识码", "3304110001"))
    for label, value in facts:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in footer


def test_the_footer_leaves_out_what_is_not_set(client, published, settings):  # noqa: F811
    settings.SITE_ORGANIZER, settings.SITE_CONTACT, settings.SITE_IDENTIFIER = "主办机关", "", ""
    footer = page(client, "/")
    footer = footer[footer.index('<footer class="site-footer">') :]
    assert "主办机关" in footer and "联系方式" not in footer and "网站标识码" not in footer


def test_every_page_links_the_favicon(client, published):  # noqa: F811
    html = page(client, "/")
    assert 'rel="icon" href="/static/favicon/favicon.svg" type="image/svg+xml"' in html
    assert 'href="/static/favicon/favicon-32.png"' in html
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon/favicon.ico")


def test_the_home_page_lists_a_corrected_report_once(client, report, published):  # noqa: F811
    reopen_for_correction(report, None, "更正一处。")
    approve(report)
    publish_report(report, None)
    home = page(client, "/")
    recent = home[home.index('id="recent-title"') : home.index('id="org-title"')]
    assert recent.count('href="/reports/agency/2021/"') == 1
    assert "已更正" in recent and "更正（第2版）" in recent


# ---- compression ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", REPORT, "/reports/agency/", "/years/2021/", "/reports/agency/2021.json"])
def test_public_pages_are_compressed_for_a_client_that_accepts_it(client, published, url):  # noqa: F811
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert not plain.has_header("Content-Encoding") and "Accept-Encoding" in plain["Vary"]
    assert len(packed.content) < len(plain.content) / 2


def test_the_cache_keeps_one_copy_per_encoding(client, published, django_assert_num_queries):  # noqa: F811
    client.get(REPORT)
    client.get(REPORT, HTTP_ACCEPT_ENCODING="gzip")
    with django_assert_num_queries(2):  # the generation, once a request: both from the cache
        plain = client.get(REPORT)
        packed = client.get(REPORT, HTTP_ACCEPT_ENCODING="gzip")
    assert not plain.has_header("Content-Encoding") and "第1版" in plain.content.decode()
    assert packed["Content-Encoding"] == "gzip" and "第1版" in gzip.decompress(packed.content).decode()
    assert packed["ETag"] == "W/" + plain["ETag"]  # the same page, whatever its encoding


@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_revisit_of_a_page_is_a_304(client, published, encoding):  # noqa: F811
    first = client.get(REPORT, HTTP_ACCEPT_ENCODING=encoding)
    again = client.get(REPORT, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    assert not again.has_header("Content-Encoding")
    pagecache.invalidate()
    fresh = client.get(REPORT, HTTP_ACCEPT_ENCODING=encoding, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 304  # made anew, the same bytes: still not modified


def test_pages_with_a_csrf_token_are_never_compressed(published):  # noqa: F811
    client = Client()
    login = client.get("/workspace/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in login.content.decode()
    assert not login.has_header("Content-Encoding")
    admin = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert "csrfmiddlewaretoken" in admin.content.decode() and not admin.has_header("Content-Encoding")


def test_a_signed_in_users_workspace_is_never_compressed(client, published, django_user_model):  # noqa: F811
    client.force_login(django_user_model.objects.create_user("someone"))
    response = client.get("/workspace/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")


def test_a_public_response_that_is_one_persons_is_not_compressed():
    from django.http import HttpResponse

    response = HttpResponse("x" * 500)
    assert not is_personal(response)
    response.set_cookie("csrftoken", "secret")
    assert is_personal(response)
    varying = HttpResponse("x" * 500)
    varying["Vary"] = "Accept-Language, Cookie"
    assert is_personal(varying)


def test_only_the_public_views_responses_are_compressed(rf):
    from django.http import HttpResponse

    from disclosure.public.compression import PublicGZipMiddleware

    def answer(public):
        response = HttpResponse("公开" * 200)
        if public:
            response.public_page = True
        return response

    request = rf.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert PublicGZipMiddleware(lambda r: answer(True))(request)["Content-Encoding"] == "gzip"
    assert not PublicGZipMiddleware(lambda r: answer(False))(request).has_header("Content-Encoding")


def test_on_redis_each_encoding_has_its_copy_in_this_process_too(client, published, redis_cache, monkeypatch):  # noqa: F811
    plain = client.get(REPORT).content
    packed = client.get(REPORT, HTTP_ACCEPT_ENCODING="gzip").content
    for method in ("get", "get_many", "add"):
        monkeypatch.setattr(redis_cache, method, redis_refused)
    again = client.get(REPORT, HTTP_ACCEPT_ENCODING="gzip")
    assert again["Content-Encoding"] == "gzip" and again.content == packed
    assert gzip.decompress(packed) == plain == client.get(REPORT).content


def test_the_region_summary_titles_each_table_once_too(client, published):  # noqa: F811
    html = page(client, "/reports/district/2021/summary/")
    tables = Tables(html).tables
    summed = [t for t in tables if t["labelledby"]]
    assert [t["caption"] for t in summed] == [
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    assert "<caption>二、" not in html and "左右滑动查看全表" in html


def test_a_pdf_whose_pages_cannot_be_counted_is_published_all_the_same():
    from disclosure.pdf import page_count

    assert page_count(b"%PDF-stand-in") is None
