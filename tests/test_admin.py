"""The Django admin in Chinese: organizations, accounts with roles, reports with tables and findings."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django_tasks.base import TaskResultStatus

from disclosure import earlier
from disclosure.models import AnnualReport, Organization
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_demo(demo, admin_client):
    return admin_client


def test_the_report_list_shows_the_demo_reports(admin_client_with_demo):
    page = admin_client_with_demo.get("/admin/disclosure/annualreport/?year__lte=2021").content.decode()
    assert "秀洲高新区2020年度政府信息公开工作年度报告" in page
    assert "嘉兴市秀洲区教育局2021年度政府信息公开工作年度报告" in page
    assert "年度报告" in page and 'lang="zh-hans"' in page


def test_a_report_shows_its_cells_and_findings_read_only(admin_client_with_demo):
    report = AnnualReport.objects.get(year=2020)
    page = admin_client_with_demo.get(f"/admin/disclosure/annualreport/{report.pk}/change/").content.decode()
    assert "勾稽关系检查" in page
    assert "[警告] 正文年度：“（一）主动公开”写的是“2019年”，本报告是2020年度" in page and "N-year" not in page
    assert "<caption>二、主动公开政府信息情况</caption>" in page and "685389" in page
    assert 'name="overview_proactive"' not in page  # content is edited in the workspace, not here


def test_adding_a_report_in_the_admin_goes_through_create_report(admin_client_with_demo):
    org = Organization.objects.get(slug="xiuzhou-finance")
    response = admin_client_with_demo.post(
        "/admin/disclosure/annualreport/add/", {"organization": org.pk, "year": 2022}
    )
    assert response.status_code == 302
    report = AnnualReport.objects.get(organization=org, year=2022)
    assert report.edition == "2021"
    assert report.events.get().action == "create"


def test_users_are_listed_with_their_roles(admin_client_with_demo, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    page = admin_client_with_demo.get(f"/admin/auth/user/{editor.pk}/change/").content.decode()
    assert "成员角色" in page
    # the editor's two memberships, each with its organization and role chosen (the empty rows offer every role)
    chosen = re.findall(r'<option value="[^"]+" selected>([^<]+)</option>', page)
    assert chosen == ["秀洲高新区", "填报人", "嘉兴市秀洲区教育局", "填报人"]


def test_organizations_show_kind_and_parent(admin_client_with_demo):
    page = admin_client_with_demo.get("/admin/disclosure/organization/").content.decode()
    zone = page[page.index('">秀洲高新区</a>') :]
    zone = zone[: zone.index("</tr>")]
    assert '<td class="field-kind">部门/机构</td>' in zone  # its kind, not words of its name
    assert '<td class="field-parent nowrap">嘉兴市秀洲区人民政府</td>' in zone
    government = page[page.index('">嘉兴市秀洲区人民政府</a>') :]
    assert '<td class="field-kind">人民政府</td>' in government[: government.index("</tr>")]


def test_a_year_without_a_format_edition_is_refused_with_a_message(admin_client_with_demo):
    org = Organization.objects.get(slug="xiuzhou-finance")
    response = admin_client_with_demo.post(
        "/admin/disclosure/annualreport/add/", {"organization": org.pk, "year": 2018}
    )
    assert response.status_code == 200
    assert "2018年没有适用的年度报告格式" in response.content.decode()
    assert not AnnualReport.objects.filter(organization=org).exists()


def test_the_admin_names_django_axes_and_its_records_in_chinese(admin_client):
    """django-axes and Django 5.2's new admin strings come without zh_Hans: disclosure/locale has them."""
    index = admin_client.get("/admin/").content.decode()
    for chinese in ("登录保护", "登录尝试", "登录日志", "登录失败记录", "模型名称"):
        assert chinese in index
    for english in ("Access attempts", "Access logs", "Axes", "Model name", "Add link"):
        assert english not in index
    logs = admin_client.get("/admin/axes/accesslog/").content.decode()
    assert "尝试时间" in logs and "Attempt Time" not in logs
    add_user = admin_client.get("/admin/auth/user/add/").content.decode()
    assert "创建用户后" in add_user and "After you’ve created a user" not in add_user


def test_the_admin_names_each_login_record_in_chinese(admin_client):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    moment = timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 30))
    log = AccessLog.objects.create(username="clerk", ip_address="10.0.0.1")
    AccessLog.objects.filter(pk=log.pk).update(attempt_time=moment)  # set on creation otherwise
    page = admin_client.get(f"/admin/axes/accesslog/{log.pk}/change/").content.decode()
    assert "clerk 的登录记录（2026-01-05 09:30:00）" in page and "Access Log for" not in page
    attempt = AccessAttempt.objects.create(username="clerk", failures_since_start=2, ip_address="10.0.0.1")
    assert str(attempt).startswith("clerk 的登录尝试（")
    failure = AccessFailureLog.objects.create(username="clerk", ip_address="10.0.0.2", locked_out=True)
    assert str(failure).startswith("clerk 登录失败（") and str(failure).endswith("，10.0.0.2，已锁定）")


def test_the_admin_names_the_render_tasks_and_the_password_warning_in_chinese(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "后台任务" in index and "任务结果" in index
    assert "Tasks Database Backend" not in index and "Task Results" not in index
    with translation.override("zh-hans"):  # the states shown once there are tasks
        assert [str(s.label) for s in TaskResultStatus] == ["待运行", "运行中", "失败", "成功"]
    user = admin_client.get("/admin/auth/user/").content.decode()
    assert 'alt="搜索"' in user and 'alt="Search"' not in user
    password = admin_client.get(f"/admin/auth/user/{admin_client.session['_auth_user_id']}/password/")
    password = password.content.decode()
    assert "停用后，该用户当前的密码将作废。" in password and "If disabled" not in password


def test_earlier_report_files_are_listed_read_only(admin_client):
    org = factories.organization("agency", name="测试局")
    kept = earlier.store(org, 2016, name="2016年报.pdf", data=b"%PDF x", published_on=datetime.date(2017, 2, 1))
    page = admin_client.get("/admin/disclosure/earlierreportfile/").content.decode()
    assert "2019年度以前的报告原文" in page and "2016年报.pdf" in page
    change = admin_client.get(f"/admin/disclosure/earlierreportfile/{kept.pk}/change/").content.decode()
    assert 'name="_save"' not in change and "/delete/" not in change  # deleted in the workspace only
    assert admin_client.get("/admin/disclosure/earlierreportfile/add/").status_code == 403
