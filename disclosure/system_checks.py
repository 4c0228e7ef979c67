"""
Startup checks for the system libraries PDF rendering needs.

WeasyPrint renders published reports to PDF. Without a CJK font every Chinese character comes
out as a blank box, and without libharfbuzz-subset WeasyPrint subsets the (large) CJK fonts
with fontTools instead, which makes rendering ~25x slower. Neither is a Python package, so pip cannot
install them; these checks make `manage.py check` / `runserver` say so instead of producing bad
PDFs silently. Likewise for the fonts cut to GB 2312 (`manage.py subset_fonts`): without them PDFs are the
same but take about twice as long.
"""

import ctypes.util
import subprocess

from django.core.checks import Warning, register

from . import pdf_fonts


def _cjk_font_families() -> list[str]:
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):  # fc-list (fontconfig) missing or hanging
        return []
    return [line for line in result.stdout.splitlines() if line.strip()]


@register()
def check_cjk_font(app_configs, **kwargs):
    if _cjk_font_families():
        return []
    return [
        Warning(
            "未找到中文（CJK）字体，PDF 中的汉字将无法显示。 No CJK font found: Chinese text in PDFs will not render.",
            hint="安装 Noto CJK 字体 / install the Noto CJK fonts: apt-get install fonts-noto-cjk "
            "(or run `make system-deps`).",
            id="disclosure.W001",
        )
    ]


@register()
def check_harfbuzz_subset(app_configs, **kwargs):
    if ctypes.util.find_library("harfbuzz-subset"):
        return []
    return [
        Warning(
            "未找到 libharfbuzz-subset，PDF 生成将慢约 25 倍。 libharfbuzz-subset not found: "
            "WeasyPrint falls back to slow font subsetting (PDF rendering ~25x slower).",
            hint="安装 / install: apt-get install libharfbuzz-subset0 (or run `make system-deps`).",
            id="disclosure.W002",
        )
    ]


@register()
def check_subset_fonts(app_configs, **kwargs):
    missing = pdf_fonts.missing_faces()
    if not missing:
        return []
    return [
        Warning(
            f"PDF 字体子集未生成（缺 {len(missing)} 个，在 {pdf_fonts.font_dir()}），PDF 生成将慢约一倍。 "
            "The CJK fonts cut to GB 2312 are missing: PDFs render with the whole system fonts, ~2x slower.",
            hint="运行 / run: python manage.py subset_fonts (or `make fonts`); FONT_CACHE_DIR sets the folder.",
            id="disclosure.W003",
        )
    ]
