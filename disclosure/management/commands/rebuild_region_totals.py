"""Rebuild the region totals (``RegionTotal``) from the current published versions' figures, or with
``--check`` only compare them: exit status 0 when they agree, 1 when they differ (each difference printed)."""

from django.core.management.base import BaseCommand, CommandError

from disclosure import regions

SHOWN = 20  # differences printed at most


class Command(BaseCommand):
    help = (
        "Rebuild the summed figures of every region from the published figures; "
        "--check only compares (exit 1 on a difference)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比较，不修改；有差异时退出状态为 1")

    def handle(self, check=False, **options):
        if not check:
            count = regions.rebuild()
            self.stdout.write(f"已重建辖区合计：{count} 行")
            return
        found = regions.differences()
        for (organization, year, table, row, column), stored, computed in found[:SHOWN]:
            where = f"机关 {organization} {year}年 {table}.{row}.{column}"
            self.stdout.write(f"{where}：表中为 {_show(stored)}，按已发布数字应为 {_show(computed)}")
        if found:
            message = f"辖区合计与已发布数字不符：共 {len(found)} 处。请运行 rebuild_region_totals 重建"
            raise CommandError(message, returncode=1)
        self.stdout.write("辖区合计与已发布数字一致")


def _show(entry):
    return "无" if entry is None else f"{entry[0]}（{entry[1]} 份报告）"
