"""The CJK fonts of the published PDF, cut once to the characters reports use.

For every PDF WeasyPrint copies each font file it uses and subsets it: the system's Noto CJK and AR PL UKai
faces hold ~65,000 glyphs (90 MB for the four faces), and that copy and subset cost more than laying out
the tables. ``manage.py subset_fonts`` (``make fonts``) cuts each face once to GB 2312 + ASCII + CJK
punctuation (~7,500 glyphs) into ``settings.FONT_CACHE_DIR``; the print stylesheet declares them with
``@font-face`` before the system fonts, which stay the fallback for rarer characters. The glyphs are the
system font's own, so the pages are the same — only faster to make (docs/style.md: 仿宋/黑体/楷体 by level).

The files are generated, never committed; ``disclosure.W003`` warns when they are missing. Without them
the PDF is the same, only slower.
"""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# The URL path under which the print stylesheet names these files; StaticOnlyFetcher answers it with
# exactly the files of FACES below, from FONT_CACHE_DIR, and nothing else.
FONT_URL_PATH = "/print-fonts/"


@dataclass(frozen=True)
class Face:
    file_name: str  # in FONT_CACHE_DIR, and in the stylesheet's @font-face src
    system_family: str  # the system font it is cut from (fontconfig family name)
    style: str  # fontconfig style of that font
    family: str  # the family name of the cut font, as the stylesheet's @font-face declares it
    weight: str  # its CSS font-weight


FACES = (
    Face("noto-serif-cjk-sc-regular-gb2312.otf", "Noto Serif CJK SC", "Regular", "Noto Serif CJK SC GB2312", "normal"),
    Face("noto-serif-cjk-sc-bold-gb2312.otf", "Noto Serif CJK SC", "Bold", "Noto Serif CJK SC GB2312", "bold"),
    Face("noto-sans-cjk-sc-regular-gb2312.otf", "Noto Sans CJK SC", "Regular", "Noto Sans CJK SC GB2312", "normal"),
    Face("ar-pl-ukai-cn-gb2312.ttf", "AR PL UKai CN", "Book", "AR PL UKai CN GB2312", "normal"),
)
FILE_NAMES = frozenset(face.file_name for face in FACES)

# Besides GB 2312 itself: ASCII, Latin-1, general punctuation (— “ ” …), number forms (Ⅻ), enclosed
# numbers (①), box/shape symbols, CJK symbols and punctuation (、。〔〕), full-width forms (（），：).
EXTRA_RANGES = (
    (0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2150, 0x218F), (0x2190, 0x21FF),
    (0x2460, 0x24FF), (0x2500, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF),
)  # fmt: skip


def font_dir():
    return Path(settings.FONT_CACHE_DIR)


def font_path(file_name):
    """The cut font of that name, if it is one of ours and exists; else None. Never any other file."""
    if file_name not in FILE_NAMES:
        return None
    path = font_dir() / file_name
    return path if path.is_file() else None


def missing_faces():
    return [face for face in FACES if font_path(face.file_name) is None]


def present_files():
    """The cut fonts there now: the per-thread render cache is rebuilt when this changes."""
    return tuple(sorted(face.file_name for face in FACES if font_path(face.file_name)))


def gb2312_code_points():
    """Every character of GB 2312 (rows 0xA1-0xF7, cells 0xA1-0xFE), plus EXTRA_RANGES."""
    points = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                points.update(ord(c) for c in bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # an unassigned position
    for first, last in EXTRA_RANGES:
        points.update(range(first, last + 1))
    return points


class SystemFontMissing(LookupError):
    pass


def system_font(face):
    """(file, index in a collection) of the system font a face is cut from, found through fontconfig."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}|%{family}", f"{face.system_family}:style={face.style}"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError) as e:
        raise SystemFontMissing(f"无法运行 fc-match（fontconfig）：{e}") from e
    file, index, families = found.split("|", 2)
    # fc-match always answers something: make sure it is the font asked for, not a substitute.
    if face.system_family not in families.split(","):
        raise SystemFontMissing(f"系统中没有字体“{face.system_family} {face.style}”（fc-match 给出的是 {families}）")
    return Path(file), int(index or 0)


def cut(face, destination, code_points):
    """Write ``face`` cut to ``code_points`` to ``destination``, renamed to ``face.family``.

    What shapes or places a glyph in horizontal text is kept — the layout features, the hinting, the
    metrics and baselines — so that the text sets exactly as with the whole font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source, index = system_font(face)
    # Glyph boxes as stored, not recomputed: FreeType places a TrueType outline from its stored xMin and
    # left side bearing, and old fonts (AR PL UKai) store boxes a little off their outlines.
    font = TTFont(source, fontNumber=index, lazy=False, recalcBBoxes=False)
    options = subset.Options()
    # The layout features HarfBuzz applies to horizontal text (fontTools' defaults: ccmp, locl, kern,
    # palt, vert…), not the alternates (aalt, jp78, trad…), whose closure would pull in every glyph
    # variant of the other regions and double the font.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = True
    options.legacy_kern = True
    options.drop_tables = []  # keep BASE, vhea/vmtx, VORG…: baselines and metrics as the system font has them
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    _rename(font, face)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f"{destination.name}.{os.getpid()}.part")  # two processes may cut at once
    font.save(partial)
    partial.replace(destination)  # never a half-written font where the renderer looks
    return len(font.getGlyphOrder())


def _rename(font, face):
    """A family name of its own, so that fontconfig never takes the cut font for the whole system one."""
    style = face.style
    postscript = face.family.replace(" ", "") + "-" + style
    names = {1: face.family, 16: face.family, 4: f"{face.family} {style}", 6: postscript, 3: postscript}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
