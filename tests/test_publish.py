"""Publishing a report (the freeze, then the render_version task), correcting it, retrying and re-rendering
what was published. Tasks run in process here (TASKS_BACKEND=immediate, the default)."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from disclosure.actions import ActionError
from disclosure.documents import dumps, export_document
from disclosure.models import AnnualReport, PublishedVersion, ReportEvent
from disclosure.public.files import read_text
from disclosure.publishing import publish_report, reopen_for_correction, retry_render
from disclosure.tasks import render_version

from . import factories

pytestmark = pytest.mark.django_db


def sha(data):
    return hashlib.sha256(data).hexdigest()


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
    assert version.render_state == "ready" and version.render_error == ""
    pdf = version.pdf.read()
    assert pdf.startswith(b"%PDF-") and (version.pdf_size, version.pdf_sha256) == (len(pdf), sha(pdf))
    assert f"-{version.pk}-{version.pdf_sha256[:16]}.pdf" in version.pdf.name  # deterministic, by content
    html = read_text(version.body)
    assert report.title in html and "<script" not in html and version.body_sha256 == sha(html.encode())
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


@pytest.fixture
def broken_pdf(monkeypatch):
    def broken(html, **kwargs):
        raise OSError("字体文件无法读取")

    monkeypatch.setattr("disclosure.tasks.render_pdf", broken)


def test_a_rendering_failure_leaves_the_version_failed_with_the_reason_and_not_public(
    report, reviewer, broken_pdf, client
):
    version = publish_report(report, reviewer)
    report.refresh_from_db()
    assert (report.status, version.number) == (AnnualReport.Status.PUBLISHED, 1)  # the freeze stands
    assert version.render_state == "failed" and "字体文件无法读取" in version.render_error
    assert not version.pdf and not version.body
    assert client.get("/reports/agency/2021/").status_code == 404
    assert client.get("/reports/agency/2021.pdf").status_code == 404


def test_the_freeze_keeps_the_figures_in_relational_form(report):
    version = publish_report(report, None)
    figures = {(f.table, f.row, f.column): f for f in version.figures.all()}
    cells = [c for part in version.content["parts"] for row in part.get("rows") or [] for c in row["cells"]]
    assert len(figures) == sum(1 for c in cells if c["value"] is not None) > 0
    for part in version.content["parts"]:
        for row in part.get("rows") or []:
            for cell in row["cells"]:
                figure = figures.get((part["code"], row["code"], cell["column"]))
                if cell["value"] == "/":
                    assert figure.not_applicable and figure.value is None
                elif cell["value"] is not None:
                    assert figure.value == Decimal(str(cell["value"]))


def test_an_importer_sets_the_publication_date(report):
    when = datetime.datetime(2022, 1, 28, 10, tzinfo=datetime.UTC)
    version = publish_report(report, None, published_at=when)
    assert version.published_at == when and version.content["version"] == 1


def test_the_reviewer_retries_a_failed_rendering_and_it_is_recorded(report, reviewer, monkeypatch, broken_pdf):
    version = publish_report(report, reviewer)
    assert version.render_state == "failed"
    monkeypatch.undo()  # the font is back
    version = retry_render(report, reviewer)
    assert version.render_state == "ready" and version.pdf.read().startswith(b"%PDF-")
    event = report.events.first()
    assert event.action == ReportEvent.Action.RETRY_RENDER and "字体文件无法读取" in event.message
    with pytest.raises(ActionError, match="没有生成失败的版本"):
        retry_render(report, reviewer)


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
    assert "更正说明" in read_text(second.body) and "更正表三中自然人申请数量。" in read_text(second.body)
    first.refresh_from_db()
    assert (first.number, first.content["version"], first.correction_note) == (1, 1, "")
    assert "更正说明" not in read_text(first.body)


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
    stable = ["content_json", "published_at", "body", "body_sha256", "pdf", "pdf_sha256", "render_state"]
    before = PublishedVersion.objects.values(*stable).get(pk=version.pk)
    render_version.call(version.pk)  # same templates: same page and PDF bytes, so the same names
    assert PublishedVersion.objects.values(*stable).get(pk=version.pk) == before


def test_render_reports_rebuilds_outputs_after_a_template_change(report, monkeypatch, capsys):
    version = publish_report(report, None)
    PublishedVersion.objects.filter(pk=version.pk).update(pdf="old.pdf", pdf_sha256="0" * 64)
    call_command("render_reports", "--org", "agency", "--year", str(report.year))
    assert "1 个有变化" in capsys.readouterr().out
    version.refresh_from_db()
    pdf = version.pdf.read()
    assert pdf.startswith(b"%PDF") and version.pdf_sha256 == sha(pdf)
    assert json.loads(version.content_json) == version.content and version.published_at <= version.rendered_at


def test_render_reports_unrendered_renders_only_versions_never_rendered(report, capsys):
    rendered = publish_report(report, None)
    frozen = publish_report(approved(factories.complete_report(factories.organization("other"))), None, render=False)
    assert (frozen.render_state, frozen.rendered_at) == (PublishedVersion.RenderState.RENDERING, None)
    call_command("render_reports", "--unrendered")
    assert "已重新生成 1 个版本" in capsys.readouterr().out
    frozen.refresh_from_db()
    assert frozen.render_state == PublishedVersion.RenderState.READY and frozen.pdf
    assert PublishedVersion.objects.get(pk=rendered.pk).rendered_at == rendered.rendered_at


def test_rerendering_deletes_the_files_it_replaces(report, django_capture_on_commit_callbacks):
    version = publish_report(report, None)
    old = default_storage.save(f"reports/agency/2021/v1-{version.pk}-old.pdf", ContentFile(b"%PDF old"))
    PublishedVersion.objects.filter(pk=version.pk).update(pdf=old, pdf_sha256="0" * 64)
    kept = version.body.name  # the same bytes again: the same name, kept
    with django_capture_on_commit_callbacks(execute=True):
        assert render_version.call(version.pk) == "ready"
    version.refresh_from_db()
    assert not default_storage.exists(old)
    assert all(default_storage.exists(name) for name in (kept, version.pdf.name, version.docx.name))


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
    assert {("xiuzhou-education", 2021, 1), ("xiuzhou-hitech-zone", 2020, 1)} <= set(published)
    assert {number for _, _, number in published} == {1}  # the second run published nothing again
    rendered = PublishedVersion.objects.filter(render_state="ready")
    assert sorted(rendered.values_list("report__organization__slug", flat=True)) == [
        "xiuzhou-education",
        "xiuzhou-hitech-zone",
    ]  # the district's generated history is frozen, not rendered (render_reports does it)


def test_the_export_matches_after_correction_too(report):
    publish_report(report, None)
    reopen_for_correction(report, None, "更正")
    version = publish_report(approved(report), None)
    report.refresh_from_db()
    assert version.content == json.loads(dumps(export_document(report)))
