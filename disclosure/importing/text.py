"""Tolerant comparison of labels: what real reports do to the official wording (docs/official-format.md)."""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
# Leading numbering: 一、 （一） (一) 1. 1、 1． 5、 — any of them, half- or full-width, or none.
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]?)")
_PUNCT = re.compile(r"[，,。.：:；;、“”\"'‘’（）()〔〕\[\]【】《》<>—\-－_/／·]")
CHINESE_NUMERALS = "一二三四五六七八九十"


def squeeze(text):
    """NFKC (full-width to half-width), no whitespace at all (labels are broken by lines and spans)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))


def key(label):
    """The loose key of a label: squeezed, numbering and punctuation dropped."""
    text = squeeze(label)
    text = _NUMBERING.sub("", text, count=1)
    return _PUNCT.sub("", text)


def numbering(text):
    """The leading number of a heading as an int: 五、 5、 （5） (五) 5. → 5; None when it has none."""
    text = squeeze(text)
    match = re.match(r"^[（(]?([一二三四五六七八九十]+|\d+)[)）、.．]?", text)
    if not match:
        return None
    value = match.group(1)
    if value.isdigit():
        return int(value)
    if value == "十":
        return 10
    return CHINESE_NUMERALS.index(value[-1]) + 1 + (10 if len(value) > 1 else 0)
