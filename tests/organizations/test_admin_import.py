"""The same import in the Django admin: upload → preview (or every bad row) → confirm."""

import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosure import orgimport
from disclosure.models import Membership, Organization

from .test_import_organizations import BASE, GOOD, HEADER, snapshot

pytestmark = pytest.mark.django_db
URL = "/admin/disclosure/organization/import/"
User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    return Organization.objects.create(name="嘉兴市秀洲区人民政府", slug="xiuzhou", kind=Organization.Kind.GOVERNMENT)


def upload(client, lines, name="orgs.csv"):
    content = "\n".join(lines).encode("utf-8-sig")
    return client.post(URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


def confirm(client, preview, **extra):
    page = preview.content.decode()
    content = re.search(r'name="content" value="([^"]*)"', page).group(1)
    filename = re.search(r'name="filename" value="([^"]*)"', page).group(1)
    return client.post(URL, {"content": content, "filename": filename, **extra})


def test_the_changelist_links_to_the_upload(admin_client):
    assert URL in admin_client.get("/admin/disclosure/organization/").content.decode()
    assert "上传并预览" in admin_client.get(URL).content.decode()


def test_upload_previews_then_confirm_imports(admin_client, district):
    before = snapshot()
    preview = upload(admin_client, GOOD)
    page = preview.content.decode()
    assert "确认后将新建机关 2 个，更新 1 个，新建账号 4 个，新增角色 5 个" in page
    assert "更新：简称：（空） → 秀洲区政府" in page and "zhang · 秀洲区教育局 · 填报人" in page
    assert snapshot() == before  # a preview writes nothing
    done = confirm(admin_client, preview)
    page = done.content.decode()
    assert "已导入：新建机关 2 个，更新 1 个，新建账号 4 个，新增角色 5 个" in page
    assert page.count("http://testserver/workspace/password/set/") == 4
    assert Membership.objects.filter(user__username="wang", organization=district).exists()
    assert not User.objects.get(username="li").has_usable_password()
    logged = LogEntry.objects.filter(content_type__model="organization")
    assert logged.count() == 3 and logged.filter(change_message__contains="批量导入：简称").exists()


def test_confirm_can_mail_the_links(admin_client, district):
    done = confirm(admin_client, upload(admin_client, GOOD), send_email="on")
    assert len(mail.outbox) == 4 and "http://testserver/workspace/password/set/" in mail.outbox[0].body
    assert "已把设置密码的链接发到以下新账号的邮箱" in done.content.decode()


def test_bad_rows_are_listed_and_nothing_can_be_confirmed(admin_client, district):
    before = snapshot()
    page = upload(admin_client, [HEADER, BASE, "测试局,,委员会,,,", "测试局,,部门,,,"]).content.decode()
    assert "有 2 处错误，没有导入任何内容" in page
    assert "<td>第 3 行</td><td>未知的类型“委员会”" in page
    assert "<td>第 4 行</td><td>名称“测试局”与第 3 行重复" in page
    assert "确认导入" not in page
    assert snapshot() == before


def test_confirm_checks_the_file_again(admin_client, district):
    """The confirmed content comes from the page: it is checked anew, never trusted."""
    import base64

    bad = base64.b64encode("\n".join([HEADER, "测试局,,委员会,,,"]).encode()).decode()
    page = admin_client.post(URL, {"content": bad, "filename": "x.csv"}).content.decode()
    assert "未知的类型“委员会”" in page and not Organization.objects.filter(name="测试局").exists()
    page = admin_client.post(URL, {"content": "not base64!", "filename": "x.csv"}).content.decode()
    assert "文件内容已损坏，请重新上传" in page


def test_a_file_it_cannot_read_is_refused(admin_client, district):
    page = upload(admin_client, ["名称,电话", "测试局,123"]).content.decode()
    assert "无法导入：第 1 行：未知的列“电话”" in page
    big = SimpleUploadedFile("big.csv", b"x" * (orgimport.MAX_BYTES + 1), "text/csv")
    page = admin_client.post(URL, {"file": big}).content.decode()
    assert "文件过大" in page and "没有做任何修改" in page


def test_only_staff_with_the_permissions_may_import(client, district):
    assert client.get(URL).status_code == 302  # to the admin's login
    staff = User.objects.create_user("staff", "s@x.cn", "pw-staff-123", is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"content": "", "filename": ""}).status_code == 403
