"""manage.py import_published PATH… [--org SLUG] [--year YEAR] — recognise published reports in bulk.

Prints, file by file, what was recognised (organization, year, cells matched of total, findings). Exit
status: 0 every file recognised completely, 1 some need review or failed, 2 the input was refused.
Storing them as historical records (--confirm) is not built yet (issue 10, item 4).
"""

from django.core.management.base import BaseCommand

from disclosure.importing import ImportRefused, read_file
from disclosure.importing.files import collect
from disclosure.importing.recognition import DOUBTFUL, NOT_FOUND, recognise


class Command(BaseCommand):
    help = "识别已发布的年度报告（网页、Word、PDF、文本、zip）并逐个列出识别结果"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--org", default="", help="机关网址标识（覆盖识别结果）")
        parser.add_argument("--year", type=int, default=None, help="年度（覆盖识别结果）")

    def handle(self, *args, paths, org, year, **options):
        try:
            files = list(collect(paths))
        except ImportRefused as e:
            self.stderr.write(f"拒绝：{e}")
            raise SystemExit(2) from None
        needs_review = 0
        for number, item in enumerate(files, 1):
            prefix = f"[{number}/{len(files)}] {item.name}"
            try:
                r = recognise(read_file(item.name, item.data), year=year)
            except ImportRefused as e:
                self.stdout.write(f"{prefix}：失败：{e}")
                needs_review += 1
                continue
            complete = r.year is not None and not r.count(DOUBTFUL) and not r.count(NOT_FOUND)
            needs_review += not complete
            status = "可导入" if complete else "需要核对"
            who = org or r.organization_name or "（未识别机关）"
            self.stdout.write(f"{prefix}：{who} {r.year or '（未识别年度）'}年度；{r.summary()}；{status}")
            for label in r.unmatched_labels:
                self.stdout.write(f"    未对应的原文标签：{label}")
        raise SystemExit(1 if needs_review else 0)
