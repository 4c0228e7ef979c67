"""What the report commands share: finding a report by organization slug and year, printing findings."""

from django.core.management.base import CommandError

from disclosure.models import AnnualReport


def get_report(slug, year):
    report = AnnualReport.objects.select_related("organization").filter(organization__slug=slug, year=year).first()
    if report is None:
        raise CommandError(f"没有找到机关“{slug}”{year}年度的报告")
    return report


def print_findings(stdout, findings):
    if not findings:
        stdout.write("勾稽关系检查：全部通过")
        return
    for f in findings:
        mark = "错误" if f.blocking else "警告"
        stdout.write(f"[{mark}] {f.rule}：{f.message}")
    blocking = sum(1 for f in findings if f.blocking)
    stdout.write(f"共 {blocking} 个错误、{len(findings) - blocking} 个警告")
