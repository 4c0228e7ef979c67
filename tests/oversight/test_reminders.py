"""Reminders from the overview: e-mail to the editors of chosen overdue agencies, recorded, once a day at most,
only inside the sender's subtree."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from disclosure import publishing, reminders
from disclosure.models import Membership, Reminder
from disclosure.permissions import OversightScope
from tests import factories

YEAR = 2021  # every deadline of 2021 is long past
URL = f"/workspace/oversight/{YEAR}/remind/"
OVERVIEW = f"/workspace/oversight/{YEAR}/"


def said(response):
    return " ".join(str(m) for m in response.context["messages"])


def remind(client, *orgs, **extra):
    return client.post(URL, {"organization": [o.pk for o in orgs], **extra}, follow=True)


def test_it_mails_the_editors_and_records_the_reminder(people, as_user):
    factories.complete_report(people.a, YEAR)
    Membership.objects.create(user=people.reviewer_a, organization=people.a, role=Membership.Role.EDITOR)
    people.reviewer_a.email = ""
    people.reviewer_a.save()  # an editor without an address is left out, not an error
    response = remind(as_user(people.reviewer_parent), people.a, query="state=draft")
    assert response.redirect_chain[-1][0] == OVERVIEW + "?state=draft"  # back to the same filters
    assert "已向 1 个机关的填报人发送提醒：测试区甲局（1 人）" in said(response)
    [message] = mail.outbox
    assert message.to == ["editor_a@example.org"]
    assert message.subject == f"【催报提醒】请尽快发布测试区甲局{YEAR}年度政府信息公开工作年度报告"
    assert f"http://testserver/workspace/agency-a/{YEAR}/" in message.body
    assert "已逾期" in message.body and "草稿" in message.body and f"{YEAR + 1}年1月31日" in message.body
    reminder = Reminder.objects.get()
    assert (reminder.organization, reminder.year, reminder.sent_by) == (people.a, YEAR, people.reviewer_parent)
    assert reminder.recipients == "editor_a@example.org"
    row = response.content.decode().split('data-org="agency-a"', 1)[1].split("</tr>", 1)[0]
    day = timezone.localtime(reminder.sent_at)
    assert f"已提醒 {day.month}月{day.day}日" in row
    assert 'form="reminder-form"' not in row  # reminded today: no box to tick again


def test_a_not_started_report_links_to_the_dashboard(people, as_user):
    remind(as_user(people.reviewer_parent), people.a)
    assert "http://testserver/workspace/\n" in mail.outbox[0].body
    assert "未开始" in mail.outbox[0].body


def test_it_reminds_an_agency_at_most_once_a_day(people, as_user):
    client = as_user(people.reviewer_parent)
    remind(client, people.a)
    response = remind(client, people.a)
    assert "今天已经提醒过，不再重复发送" in said(response) and "测试区甲局" in said(response)
    assert len(mail.outbox) == 1 and Reminder.objects.count() == 1
    # Another supervising office over the same agency (the superuser) is held to the same day.
    assert "今天已经提醒过" in said(remind(as_user(people.admin), people.a))
    assert len(mail.outbox) == 1
    # The next day it may be reminded again.
    scope = OversightScope(frozenset([people.district.pk]), frozenset([people.district.pk, people.a.pk]), {})
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    outcome = reminders.send_reminders(scope, YEAR, [people.a.pk], people.reviewer_parent, lambda o, r: "x", tomorrow)
    assert [org for org, _ in outcome.sent] == [people.a] and Reminder.objects.count() == 2


def test_the_database_refuses_a_second_reminder_the_same_day(people):
    from django.db import IntegrityError, transaction

    today = datetime.date.today()
    Reminder.objects.create(
        organization=people.a, year=YEAR, sent_at=datetime.datetime.now(datetime.UTC), sent_on=today
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            organization=people.a, year=YEAR, sent_at=datetime.datetime.now(datetime.UTC), sent_on=today
        )


def test_it_ignores_agencies_outside_the_subtree(people, as_user):
    response = remind(as_user(people.reviewer_parent), people.b)
    assert "1 个所选机关不在您的辖区内（或不存在），已忽略" in said(response)
    assert not mail.outbox and not Reminder.objects.exists()
    response = as_user(people.reviewer_parent).post(URL, {"organization": ["999999", "x"]}, follow=True)
    assert "不在您的辖区内" in said(response) and not mail.outbox


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "reviewer_a"])
def test_only_a_supervising_office_may_send(people, as_user, who):
    assert as_user(getattr(people, who)).post(URL, {"organization": [people.a.pk]}).status_code == 404
    assert not mail.outbox


def test_it_needs_a_post_with_csrf(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.reviewer_parent)
    assert client.post(URL, {"organization": [people.a.pk]}).status_code == 403
    assert client.get(URL).status_code == 405
    assert not mail.outbox


def test_it_says_when_an_agency_has_no_editor_email(people, as_user):
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    response = remind(as_user(people.reviewer_parent), c)
    assert "以下机关的填报人没有登记邮箱，无法发送提醒：测试区丙局" in said(response)
    assert not mail.outbox and not Reminder.objects.exists()


def test_the_overview_says_before_sending_who_has_no_editor_email(people, as_user):
    c = factories.organization("agency-c", parent=people.district, name="测试区丙局")
    page = as_user(people.reviewer_parent).get(OVERVIEW).content.decode()
    row = page.split('data-org="agency-c"', 1)[1].split("</tr>", 1)[0]
    assert 'form="reminder-form"' not in row  # nothing sent for it
    assert f'disabled id="remind-{c.pk}"' in row and f'aria-describedby="no-email-{c.pk}"' in row
    assert ">无邮箱</span>" in row
    agency_a = page.split('data-org="agency-a"', 1)[1].split("</tr>", 1)[0]
    assert f'value="{people.a.pk}" form="reminder-form"' in agency_a and "无邮箱" not in agency_a


@pytest.mark.parametrize(
    ("step", "offered"),
    [("draft", True), ("returned", True), ("submitted", False), ("approved", False)],
)
def test_only_reports_waiting_for_their_editors_are_offered(people, as_user, step, offered):
    from disclosure import workflow

    report = factories.complete_report(people.a, YEAR)
    if step != "draft":
        report = workflow.submit_report(report, people.editor_a)
    if step == "returned":
        workflow.return_report(report, people.reviewer_parent, "请核对")
    if step == "approved":
        workflow.approve_report(report, people.reviewer_parent)
    client = as_user(people.reviewer_parent)
    row = client.get(OVERVIEW).content.decode().split('data-org="agency-a"', 1)[1].split("</tr>", 1)[0]
    assert ('form="reminder-form"' in row) == offered
    response = remind(client, people.a)
    assert bool(mail.outbox) == offered
    if not offered:  # the next step is the reviewer's: nothing to remind the editors of
        assert "正等待审核" in said(response) and not Reminder.objects.exists()


def test_published_agencies_and_far_deadlines_are_not_reminded(people, as_user, monkeypatch):
    monkeypatch.setattr(publishing, "schedule_render", lambda version_id: None)
    publishing.publish_report(factories.complete_report(people.a, YEAR), None, require_approved=False)
    client = as_user(people.reviewer_parent)
    page = client.get(OVERVIEW).content.decode()
    assert f'value="{people.a.pk}" form="reminder-form"' not in page  # no box for a published agency
    assert f'value="{people.district.pk}" form="reminder-form"' not in page  # overdue, but no editor to mail
    assert f'disabled id="remind-{people.district.pk}"' in page
    assert "已发布、正等待审核或离截止日期还早" in said(remind(client, people.a))
    assert not mail.outbox


def test_reminders_open_two_weeks_before_the_deadline(people):
    scope = OversightScope(frozenset([people.district.pk]), frozenset([people.district.pk, people.a.pk]), {})
    deadline = people.a.deadline(YEAR)

    def on(day):
        return reminders.send_reminders(scope, YEAR, [people.a.pk], people.reviewer_parent, lambda o, r: "x", day)

    assert on(deadline - datetime.timedelta(days=reminders.REMIND_BEFORE_DAYS + 1)).not_due == [people.a]
    assert not mail.outbox
    assert [org for org, _ in on(deadline - datetime.timedelta(days=reminders.REMIND_BEFORE_DAYS)).sent] == [people.a]
    assert "距截止还有 14 天" in mail.outbox[0].body


def test_a_failed_sending_leaves_no_record(people, as_user, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("连接被关闭")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    response = remind(as_user(people.reviewer_parent), people.a)
    assert "向测试区甲局发送提醒失败：连接被关闭" in said(response)
    assert not Reminder.objects.exists()


def test_nothing_ticked_says_so(people, as_user):
    response = as_user(people.reviewer_parent).post(URL, follow=True)
    assert "请先勾选要提醒的机关" in said(response)
