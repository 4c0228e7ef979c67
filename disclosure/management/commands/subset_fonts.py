"""Cut the system CJK fonts of the published PDF to GB 2312 + ASCII + CJK punctuation, once, into
``settings.FONT_CACHE_DIR`` (disclosure/pdf_fonts.py says why). Part of set-up: ``make fonts``, which
``make run`` and ``make test`` run, and a step of the deployment in the README.

Fonts already cut are left alone unless ``--force``. Exit status 0 when every face is there; 2 when a
system font to cut from is missing (the others are still cut; PDFs then use the whole system font).
"""

import time

from django.core.management.base import BaseCommand

from disclosure import pdf_fonts

from ._common import refuse


class Command(BaseCommand):
    help = "Cut the PDF's CJK fonts to GB 2312 + ASCII + CJK punctuation into FONT_CACHE_DIR (fontTools)."
    requires_system_checks = []  # W003 would only announce what this command is about to fix

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="cut again even the fonts already there")

    def handle(self, *args, force=False, **options):
        folder = pdf_fonts.font_dir()
        code_points = None
        failed = []
        for face in pdf_fonts.FACES:
            destination = folder / face.file_name
            if destination.is_file() and not force:
                self.stdout.write(f"已有 {destination}")
                continue
            code_points = code_points or pdf_fonts.gb2312_code_points()
            started = time.perf_counter()
            try:
                glyphs = pdf_fonts.cut(face, destination, code_points)
            except pdf_fonts.SystemFontMissing as e:
                failed.append(str(e))
                continue
            seconds = time.perf_counter() - started
            self.stdout.write(f"已生成 {destination}（{glyphs} 个字形，{seconds:.0f} 秒）")
        if failed:
            raise refuse(
                "以下字体未能生成子集，PDF 将改用完整的系统字体（较慢）：" + "；".join(failed)
                + "。请安装：apt-get install fonts-noto-cjk fonts-arphic-ukai（或 make system-deps）"
            )  # fmt: skip
