import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from disclosure.documents import DocumentError, import_document, loads

from ._common import EXIT_STATUSES, exit_status, print_findings, refuse


class Command(BaseCommand):
    help = "Create or update a draft report from a JSON document (as written by export_report). " + EXIT_STATUSES

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document, or - for standard input")

    def handle(self, file, **options):
        try:
            document = loads(self._read(file))
            report, created, changes, findings = import_document(document)
        except DocumentError as e:
            raise refuse("导入失败，没有做任何修改：\n" + "\n".join(e.errors)) from None
        if created:
            self.stdout.write(f"已创建：{report.title}（填写 {len(changes)} 处）")
        elif changes:
            self.stdout.write(f"已更新：{report.title}（修改 {len(changes)} 处）")
        else:
            self.stdout.write(f"没有变化：{report.title}与文件内容相同")
        print_findings(self.stdout, findings)
        exit_status(findings)

    def _read(self, file):
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise refuse(f"无法读取文件 {file}：{e}") from None
