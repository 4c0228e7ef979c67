"""Publishing a report, correcting it, and re-rendering what was published."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from disclosure.actions import ActionError
from disclosure.documents import dumps, export_document
from disclosure.models import AnnualReport, PublishedVersion, ReportEvent
from disclosure.publishing import publish_report, reopen_for_correction, rerender_version

from . import factories

pytestmark = pytest.mark.django_db


def approved(report):
    AnnualReport.objects.filter(pk=report.pk).update(status=AnnualReport.Status.APPROVED)
    report.refresh_from_db()
    return report


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_user("reviewer")


@pytest.fixture
def report():
    return approved(factories.complete_report(factories.organization("agency")))


def test_it_publishes_an_approved_report_as_version_1(report, reviewer):
    version = publish_report(report, reviewer)
    report.refresh_from_db()
    assert (report.status, report.version) == (AnnualReport.Status.PUBLISHED, 1)
    assert (version.number, version.published_by, version.correction_note) == (1, reviewer, "")
    assert bytes(version.pdf).startswith(b"%PDF-")
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    assert report.title in version.html and "<script" not in version.html
    assert version.content["status"] == "published" and version.content["version"] == 1
    event = report.events.first()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "publish",
        reviewer,
        "approved",
        "published",
    )


def test_the_frozen_content_is_the_document_export_report_writes(report, capsys):
    version = publish_report(report, None)
    capsys.readouterr()
    call_command("export_report", report.organization.slug, str(report.year))
    exported = capsys.readouterr().out
    assert version.content_json == exported
    assert json.loads(exported) == version.content


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_only_an_approved_report_is_published(status, reviewer):
    report = factories.complete_report(factories.organization("agency"))
    AnnualReport.objects.filter(pk=report.pk).update(status=status)
    with pytest.raises(ActionError, match="只有已审核的报告可以发布"):
        publish_report(report, reviewer)
    assert not PublishedVersion.objects.exists()


def test_a_published_report_is_not_published_twice(report, reviewer):
    publish_report(report, reviewer)
    with pytest.raises(ActionError, match="已经发布"):
        publish_report(report, reviewer, require_approved=False)
    assert PublishedVersion.objects.count() == 1


def test_a_report_with_blocking_findings_is_never_published(reviewer):
    report = factories.complete_report(factories.organization("agency"), texts={"overview_proactive": ""})
    with pytest.raises(ActionError, match="未通过勾稽关系检查"):
        publish_report(report, reviewer, require_approved=False)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT and not PublishedVersion.objects.exists()


def test_a_rendering_failure_publishes_nothing_and_says_why(report, reviewer, monkeypatch):
    def broken(html, **kwargs):
        raise OSError("字体文件无法读取")

    monkeypatch.setattr("disclosure.publishing.render_pdf", broken)
    events = report.events.count()
    with pytest.raises(ActionError, match="报告未发布.*字体文件无法读取"):
        publish_report(report, reviewer)
    report.refresh_from_db()
    assert (report.status, report.version) == (AnnualReport.Status.APPROVED, 1)
    assert not PublishedVersion.objects.exists()
    assert report.events.count() == events


# ---- corrections --------------------------------------------------------------------------------------


def test_a_correction_becomes_version_2_with_its_note_and_version_1_stays(report, reviewer):
    first = publish_report(report, reviewer)
    reopen_for_correction(report, reviewer, "更正表三中自然人申请数量。")
    report.refresh_from_db()
    assert (report.status, report.correction_note) == (AnnualReport.Status.DRAFT, "更正表三中自然人申请数量。")
    assert report.events.first().action == ReportEvent.Action.REOPEN

    second = publish_report(approved(report), reviewer)
    assert (second.number, second.correction_note) == (2, "更正表三中自然人申请数量。")
    assert second.content["version"] == 2 and second.content["correction_note"] == "更正表三中自然人申请数量。"
    assert "更正说明" in second.html and "更正表三中自然人申请数量。" in second.html
    first.refresh_from_db()
    assert (first.number, first.content["version"], first.correction_note) == (1, 1, "")
    assert "更正说明" not in first.html


def test_a_correction_needs_a_note(report, reviewer):
    publish_report(report, reviewer)
    with pytest.raises(ActionError, match="请填写更正说明"):
        reopen_for_correction(report, reviewer, "  ")
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.PUBLISHED


def test_an_over_long_correction_note_is_refused_saying_the_limit(report, reviewer):
    publish_report(report, reviewer)
    with pytest.raises(ActionError, match="更正说明太长：最多 2000 字，现为 2001 字"):
        reopen_for_correction(report, reviewer, "更" * 2001)
    report.refresh_from_db()
    assert (report.status, report.correction_note) == (AnnualReport.Status.PUBLISHED, "")


def test_only_a_published_report_is_reopened(report, reviewer):
    with pytest.raises(ActionError, match="只有已发布的报告可以更正"):
        reopen_for_correction(report, reviewer, "更正")


# ---- re-rendering -------------------------------------------------------------------------------------


def test_rerendering_changes_no_content_and_is_stable(report):
    version = publish_report(report, None)
    before = PublishedVersion.objects.values().get(pk=version.pk)
    assert rerender_version(version.pk) is False  # same templates, same bytes
    assert PublishedVersion.objects.values().get(pk=version.pk) == before


def test_render_reports_rebuilds_outputs_after_a_template_change(report, monkeypatch, capsys):
    version = publish_report(report, None)
    PublishedVersion.objects.filter(pk=version.pk).update(html="<p>old</p>", pdf=b"old", pdf_sha256="0" * 64)
    call_command("render_reports", "--org", "agency", "--year", str(report.year))
    assert "1 个有变化" in capsys.readouterr().out
    version.refresh_from_db()
    assert bytes(version.pdf).startswith(b"%PDF") and version.pdf_sha256 == hashlib.sha256(version.pdf).hexdigest()
    assert json.loads(version.content_json) == version.content and version.published_at <= version.rendered_at


def test_render_reports_selects_by_organization(report, capsys):
    publish_report(report, None)
    call_command("render_reports", "--org", "someone-else")
    assert "已重新生成 0 个版本" in capsys.readouterr().out


# ---- the command and the admin -------------------------------------------------------------------------


def test_the_command_publishes_and_prints_the_hash(report, capsys):
    call_command("publish_report", "agency", str(report.year))
    out = capsys.readouterr().out
    assert PublishedVersion.objects.get().pdf_sha256 in out and "/reports/agency/2021/" in out


def test_the_command_refuses_an_unreviewed_report_unless_told(capsys):
    report = factories.complete_report(factories.organization("agency"))
    with pytest.raises(CommandError, match="只有已审核的报告可以发布"):
        call_command("publish_report", "agency", str(report.year))
    call_command("publish_report", "agency", str(report.year), "--without-review")
    assert PublishedVersion.objects.count() == 1


def test_the_admin_publishes_approved_reports(report, admin_client):
    response = admin_client.post(
        "/admin/disclosure/annualreport/",
        {"action": "publish_selected", "_selected_action": [report.pk]},
        follow=True,
    )
    assert f"已发布：{report.title} 第1版" in response.content.decode()  # the message, not the status filter
    assert PublishedVersion.objects.filter(report=report).count() == 1


def test_load_demo_publishes_the_two_demo_reports_once(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    published = PublishedVersion.objects.values_list("report__organization__slug", "report__year", "number")
    assert sorted(published) == [("xiuzhou-education", 2021, 1), ("xiuzhou-hitech-zone", 2020, 1)]


def test_the_export_matches_after_correction_too(report):
    publish_report(report, None)
    reopen_for_correction(report, None, "更正")
    version = publish_report(approved(report), None)
    report.refresh_from_db()
    assert version.content == json.loads(dumps(export_document(report)))
