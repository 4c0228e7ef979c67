"""Reports built through the real actions, for tests."""

from decimal import Decimal

from disclosure import actions
from disclosure.formats import edition_for_year
from disclosure.models import Organization


def organization(slug="agency", kind=Organization.Kind.DEPARTMENT, parent=None, name=None):
    return Organization.objects.create(slug=slug, name=name or f"测试机关{slug}", kind=kind, parent=parent)


COMPLETE_TEXTS = {
    "overview_proactive": "本年度主动公开政府信息。",
    "overview_on_request": "本年度依法办理政府信息公开申请。",
    "overview_management": "加强政府信息管理。",
    "overview_platform": "建设政府信息公开平台。",
    "overview_oversight": "落实监督保障。",
    "problems": "存在的问题及改进情况。",
    "other_matters": "无。",
}


def complete_report(org, year=2021, cells=None, texts=None):
    """A report with every cell 0 (or as given) and every required section written."""
    report = actions.create_report(org, year)
    values = {spec.key: Decimal(0) for spec in edition_for_year(year).entered_cells()}
    values.update({key: Decimal(v) if isinstance(v, int) else v for key, v in (cells or {}).items()})
    actions.save_content(report, None, texts={**COMPLETE_TEXTS, **(texts or {})}, cells=values)
    report.refresh_from_db()
    return report
