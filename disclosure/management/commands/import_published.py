"""manage.py import_published PATH… [--org SLUG] [--year YEAR] [--confirm] [--published-on YYYY-MM-DD]
[--source-url URL] — bring in reports that agencies already published (issue 10, item 6).

Files, folders and .zip archives. One line per file: organization and year recognised, cells matched of
total, findings, and the outcome (``importing.bulk``). Without ``--confirm`` nothing is stored: it says what
it recognised and whether it could be imported. With ``--confirm`` each complete file is stored as a
historical record (``importing.historical``); the others need review in the workspace. Re-running is safe:
a file already imported (same SHA-256) is skipped. Progress goes to stderr.

Exit status: 0 every file imported (or importable, or already imported), 1 some need review or failed,
2 the input was refused (bad arguments, unreadable paths, a refused archive) and nothing was done.
"""

import datetime

from django.core.management.base import BaseCommand

from disclosure.importing import ImportRefused
from disclosure.importing.bulk import process
from disclosure.importing.files import collect
from disclosure.importing.historical import clean_source_url
from disclosure.models import Organization


class Refused(Exception):
    pass


class Command(BaseCommand):
    help = "识别已发布的年度报告（网页、Word、PDF、文本、zip）；加 --confirm 时导入识别完整的报告"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--org", default="", help="机关网址标识（覆盖识别结果）")
        parser.add_argument("--year", type=int, default=None, help="年度（覆盖识别结果）")
        parser.add_argument("--confirm", action="store_true", help="导入识别完整的文件（否则只列出识别结果）")
        parser.add_argument("--published-on", default="", help="原文发布日期 YYYY-MM-DD（网页中没有时必填）")
        parser.add_argument("--source-url", default="", help="原文网址")

    def handle(self, *args, paths, org, year, confirm, published_on, source_url, **options):
        try:
            organization = _organization(org)
            published_on = _date(published_on)
            source_url = clean_source_url(source_url)
            files = list(collect(paths))
        except (Refused, ImportRefused) as e:
            self.stderr.write(f"拒绝：{e}")
            raise SystemExit(2) from None
        failures = 0
        for number, item in enumerate(files, 1):
            self.stderr.write(f"[{number}/{len(files)}] 正在处理 {item.name}")
            result = process(
                item,
                organization=organization,
                year=year,
                confirm=confirm,
                published_on=published_on,
                source_url=source_url,
            )
            failures += not result.ok
            self.stdout.write(f"[{number}/{len(files)}] {result.line()}")
            if result.recognition is not None and result.status != "imported":
                for label in result.recognition.unmatched_labels:
                    self.stdout.write(f"    未对应的原文标签：{label}")
        self.stderr.write(f"共 {len(files)} 个文件，{len(files) - failures} 个完成，{failures} 个需要核对或失败")
        raise SystemExit(1 if failures else 0)


def _organization(slug):
    if not slug:
        return None
    found = Organization.objects.filter(slug=slug).first()
    if found is None:
        raise Refused(f"系统中没有网址标识为“{slug}”的机关")
    return found


def _date(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Refused(f"--published-on“{text}”不是 YYYY-MM-DD 格式的日期") from None
