"""The error pages are Chinese pages in the site's frame, readable on a phone, with DEBUG off (as in
production: Django shows its English technical pages only with DEBUG on)."""

import pytest
from django.test import Client
from django.views.defaults import server_error

from tests.workspace.conftest import make_people


def page(response):
    return response.content.decode()


def assert_site_page(html):
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "css/site.css" in html and 'href="/"' in html


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_a_missing_page_is_a_chinese_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = page(response)
    assert "找不到您要访问的页面" in html and "Not Found" not in html
    assert_site_page(html)


@pytest.mark.django_db
def test_a_forbidden_action_is_a_chinese_403(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    people = make_people()
    from disclosure import actions

    actions.create_report(people.a, 2021, people.editor_a)
    client.force_login(people.reviewer_a)  # may read the report, not edit it
    response = client.post("/workspace/agency-a/2021/part/overview/", {})
    assert response.status_code == 403
    html = page(response)
    assert "您没有权限进行这项操作" in html and "Forbidden" not in html
    assert_site_page(html)


@pytest.mark.django_db
def test_a_form_without_its_token_gets_the_chinese_csrf_page():
    response = Client(enforce_csrf_checks=True).post("/workspace/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = page(response)
    assert "页面已过期" in html and "CSRF" not in html
    assert_site_page(html)


def test_a_server_error_is_a_chinese_500(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = page(response)
    assert "很抱歉，系统出错了" in html and "Server Error" not in html
    assert_site_page(html)
