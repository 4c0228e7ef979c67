"""Storing a report as it was published elsewhere (issue 10, item 4): a historical record, not a publication.

``import_historical`` takes what ``recognise`` found in a published file (with the cells a reviewer may have
corrected on the upload page) and, in one transaction, creates the year's report from it exactly as
published — blanks stay blank, the totals the document declared are kept beside the computed ones, its
findings stay the original's problems and block nothing — and freezes it as version 1 through the same code
as every publication (``publishing.freeze_and_render``: figures, region totals, rendering), dated with the
original's publication date so that its on-time status is the original's. The original file is kept in the
default storage under its SHA-256, downloadable from the public page; the same file never comes in twice.
"""

import datetime
import hashlib
import re
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError
from django.utils import timezone

from .. import publishing
from ..actions import ActionError, record, write_content
from ..checks import mismatched_totals
from ..formats import EDITIONS, CellKey, UnknownEdition, edition_for_year
from ..formats.values import CellValueError, derive, parse_cell
from ..models import AnnualReport, OriginalDocument, ReportEvent
from .readers import MAX_FILE_SIZE, ImportRefused

FIRST_YEAR = min(e.first_year for e in EDITIONS.values())

# What the original is served as: a known document type, or bytes to save (an HTML page is never rendered
# on our origin: it would run with our cookies).
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".txt": "text/plain; charset=utf-8",
}
OCTET_STREAM = "application/octet-stream"


def already_imported(sha256):
    """The version a file with this SHA-256 was imported as, or None."""
    original = OriginalDocument.objects.select_related("version__report__organization").filter(sha256=sha256).first()
    return original.version if original else None


def import_historical(
    recognition,
    *,
    organization,
    year=None,
    published_on,
    source_url="",
    original_name,
    original_bytes,
    user=None,
    values=None,
):
    """Store a report as it was published elsewhere; returns the PublishedVersion.

    ``year`` overrides the recognised year; ``published_on`` is the original's publication date (None: the
    one the original states, see ``original_date``); ``values``, when given, replaces the recognised cell
    values ({CellKey or "table.row.column": value or text}; a cell it lacks is blank). Raises ImportRefused
    (a Chinese message) when it cannot be stored; nothing is stored then, neither rows nor file.
    """
    if organization is None:
        raise ImportRefused("请选择报告所属的机关")
    year = _year(recognition, year)
    edition = _edition(recognition, year)
    published_on = _published_on(recognition, year, published_on)
    source_url = clean_source_url(source_url)
    original_name = clean_original_name(original_name)
    _check_bytes(original_bytes)
    sha256 = hashlib.sha256(original_bytes).hexdigest()
    cells = _cells(edition, recognition.values if values is None else values)
    texts = _texts(edition, recognition.texts)
    imported = {
        "published_on": published_on.isoformat(),
        "source_url": source_url,
        "original_name": original_name,
        "sha256": sha256,
    }
    stored = []
    try:
        return publishing.freeze_and_render(
            lambda: _store(
                organization, year, edition, texts, cells, imported, original_bytes, user, stored, published_on
            )
        )
    except ActionError as e:
        _delete(stored)
        raise ImportRefused(str(e)) from None
    except IntegrityError:
        # Two imports at once of the same file or the same year: the other one was stored first.
        _delete(stored)
        raise ImportRefused("同一文件或同一年度的报告正被同时导入，请刷新后查看结果") from None
    except BaseException:
        _delete(stored)
        raise


def _store(organization, year, edition, texts, cells, imported, data, user, stored, published_on):
    """Inside the transaction: the report, its content, the frozen version and the kept original."""
    earlier = already_imported(imported["sha256"])
    if earlier is not None:
        raise ImportRefused(f"该文件已经导入过（{earlier.report.title}），不再重复导入")
    report = _report(organization, year, edition)
    entered = {spec.key: cells.get(spec.key) for spec in edition.entered_cells()}
    declared = {k: v for k, v in cells.items() if edition.cell(k).derived and isinstance(v, Decimal)}
    changes = write_content(report, texts, entered)
    report.declared_totals = mismatched_totals(edition, derive(edition, entered), declared)
    report.carried_in = []
    report.revision += 1
    report.save()
    imported["declared_totals"] = report.declared_totals
    message = f"导入已发布的原文：{imported['original_name']}（SHA-256 {imported['sha256'][:16]}…）"
    if imported["source_url"]:
        message += f"；来源 {imported['source_url']}"
    record(report, user, ReportEvent.Action.IMPORT, message=message, changes=changes)
    published_at = timezone.make_aware(datetime.datetime.combine(published_on, datetime.time(12)))
    version = publishing.freeze(report, user, False, published_at, imported=imported)
    name = original_path(organization, year, imported["original_name"], imported["sha256"])
    saved = default_storage.save(name, ContentFile(data))
    stored.append(saved)
    OriginalDocument.objects.create(
        version=version,
        file=saved,
        name=imported["original_name"],
        sha256=imported["sha256"],
        size=len(data),
        content_type=content_type_of(imported["original_name"]),
        source_url=imported["source_url"],
        published_on=published_on,
        imported_by=user,
    )
    return version


def _report(organization, year, edition):
    """A new report for the year, or its draft when one was started and never published (it is replaced)."""
    report = AnnualReport.objects.select_for_update().filter(organization=organization, year=year).first()
    if report is None:
        return AnnualReport.objects.create(organization=organization, year=year, edition=edition.code)
    if report.versions.exists() or report.status != AnnualReport.Status.DRAFT:
        raise ImportRefused(
            f"{report.title}在本系统中已有（{report.get_status_display()}），不以导入的原文覆盖；如需更正，请在工作台中更正"
        )
    return report


def _delete(names):
    for name in names:
        default_storage.delete(name)


def content_type_of(name):
    """The type an original is served with: PDF and Word as themselves, anything else as bytes to save."""
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), OCTET_STREAM)


def original_path(organization, year, original_name, sha256):
    """originals/<org>/<year>/<sha256>.<ext>: named by the bytes' hash, never by the uploaded name (which may
    hold anything); also where an earlier year's free-form report is kept (``disclosure.earlier``)."""
    suffix = PurePath(original_name).suffix.lower()
    suffix = suffix if suffix in {".pdf", ".docx", ".doc", ".txt", ".html", ".htm", ".wps"} else ".bin"
    return f"originals/{organization.slug}/{year}/{sha256}{suffix}"


# ---- checking what was given ----------------------------------------------------------------------


def _year(recognition, year):
    year = year or recognition.year
    if year is None:
        raise ImportRefused("没有识别出报告年度，请填写年度")
    if year < FIRST_YEAR:
        raise ImportRefused(
            f"{year}年度的报告早于{FIRST_YEAR}年版格式，不能按表格导入；"
            "此前的报告只能作为文件附件保存：可在“补录往年报告”页面上传原文文件"
        )
    last_year = timezone.localdate().year - 1
    if year > last_year:
        raise ImportRefused(f"{year}年度尚未结束或刚结束，不能作为往年报告导入（往年报告最晚为{last_year}年度）")
    return year


def _edition(recognition, year):
    try:
        edition = edition_for_year(year)
    except UnknownEdition as e:
        raise ImportRefused(str(e)) from None
    if recognition.edition.code != edition.code:
        raise ImportRefused(
            f"文件按“{recognition.edition.name}”识别，而{year}年度适用“{edition.name}”：请按正确的年度重新识别"
        )
    return edition


def _published_on(recognition, year, given):
    given = given or original_date(recognition)
    if given is None:
        raise ImportRefused("请填写原文的发布日期（原文中没有找到发布日期）")
    if isinstance(given, datetime.datetime):
        given = given.date()
    return check_published_on(year, given)


def check_published_on(year, given):
    """A publication date of the report of ``year``: after the year ended, not after today."""
    if given > timezone.localdate():
        raise ImportRefused(f"原文发布日期 {given:%Y-%m-%d} 晚于今天，请核对")
    if given.year <= year:
        raise ImportRefused(f"原文发布日期 {given:%Y-%m-%d} 早于{year}年度结束，请核对发布日期或年度")
    return given


def original_date(recognition):
    """The publication date the original states: a web page's metadata (PubDate and the like), else the
    date under its signature. (A Word file's "created" property is when it was typed, not published.)"""
    if recognition.kind == "html" and parse_date(recognition.published):
        return parse_date(recognition.published)
    return parse_date(recognition.signed)


def parse_date(text):
    """The date at the start of a metadata value: 2021-01-28, 2021-01-28 09:30:00, 2021/1/28, 2021年1月28日."""
    match = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text or "")
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def clean_source_url(url):
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > 1000:
        raise ImportRefused("原文网址太长：最多 1000 个字符")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ImportRefused(f"原文网址“{url[:100]}”不是有效的 http(s) 网址") from None
    return url


def clean_original_name(name):
    name = PurePath(str(name or "").replace("\\", "/")).name.replace("\x00", "").strip()
    if not name:
        raise ImportRefused("缺少原文件名")
    return name[-200:]


def _check_bytes(data):
    if not data:
        raise ImportRefused("文件为空")
    if len(data) > MAX_FILE_SIZE:
        raise ImportRefused(f"文件过大，单个文件不能超过 {MAX_FILE_SIZE // (1024 * 1024)} MB")


def _cells(edition, values):
    """{CellKey: value} for every cell of the edition, from recognised values or a reviewer's edits."""
    cells, errors = {}, []
    for raw_key, raw in values.items():
        key = raw_key if isinstance(raw_key, CellKey) else CellKey(*str(raw_key).split("."))
        spec = edition.cell(key)
        if spec is None:
            errors.append(f"表中没有单元格“{raw_key}”")
            continue
        try:
            cells[key] = parse_cell(spec, raw)
        except CellValueError as e:
            errors.append(f"{spec.label}：{e}")
    if errors:
        raise ImportRefused("单元格数值有误：" + "；".join(errors[:5]) + ("等" if len(errors) > 5 else ""))
    return cells


def _texts(edition, texts):
    out = {}
    for section in edition.text_sections():
        text = (texts.get(section.code) or "").replace("\x00", "")
        if len(text) > section.max_length:
            raise ImportRefused(f"“{section.label}”太长：最多 {section.max_length} 字，原文为 {len(text)} 字")
        out[section.code] = text
    return out
