"""What the report commands share: finding a report by organization slug and year, printing findings, and
the exit statuses every report command documents:

- 0: done, and the report has no blocking findings;
- 1: done, but the report has blocking findings (``check_report``, ``import_report``);
- 2: refused: bad arguments, an unknown report, a file that cannot be read or imported; nothing changed.
"""

from django.core.management.base import CommandError

from disclosure.checks import has_blocking
from disclosure.models import AnnualReport

EXIT_CLEAN, EXIT_BLOCKING, EXIT_REFUSED = 0, 1, 2
EXIT_STATUSES = (
    "退出状态：0 没有阻止提交的错误；1 报告有错误（勾稽关系等）；2 拒绝执行（参数、文件或报告有误，未做任何修改）"
)


def refuse(message):
    """Stop the command with exit status 2 and the message on standard error."""
    return CommandError(message, returncode=EXIT_REFUSED)


def get_report(slug, year):
    report = AnnualReport.objects.select_related("organization").filter(organization__slug=slug, year=year).first()
    if report is None:
        raise refuse(f"没有找到机关“{slug}”{year}年度的报告")
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


def exit_status(findings):
    """1 when a blocking rule fails, else 0: raise SystemExit(1) so that scripts can tell."""
    if has_blocking(findings):
        raise SystemExit(EXIT_BLOCKING)
