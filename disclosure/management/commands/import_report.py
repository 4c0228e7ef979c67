from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from disclosure.documents import DocumentError, import_document, loads

from ._common import print_findings


class Command(BaseCommand):
    help = "Create or update a draft report from a JSON document (as written by export_report)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON document, or - for standard input")

    def handle(self, file, **options):
        try:
            document = loads(self._read(file))
            report, created, changes, findings = import_document(document)
        except DocumentError as e:
            raise CommandError("导入失败，没有做任何修改：\n" + "\n".join(e.errors)) from None
        verb = "已创建" if created else "已更新"
        self.stdout.write(f"{verb}：{report.title}（修改 {len(changes)} 处）")
        print_findings(self.stdout, findings)

    def _read(self, file):
        if file == "-":
            import sys

            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"无法读取文件 {file}：{e}") from None
