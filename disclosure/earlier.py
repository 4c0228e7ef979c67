"""Annual reports of the years before the national format (2008–2018), kept as the files agencies published.

Those reports were free-form, so nothing of them can be stored as tables: the file is kept as it was, under
its SHA-256 in the default storage like an imported original (``importing.historical.original_path``), with
its original name, publication date and address, and offered for download on the organization's public page.

There is no organization-level event log: the row records who uploaded it and when, and every upload and
deletion is also logged (``disclosure.earlier``), since a deleted row leaves nothing behind.
"""

import hashlib
import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from .importing import ImportRefused, uploads
from .importing.historical import check_published_on, clean_original_name, clean_source_url, original_path
from .models import FIRST_EDITION_YEAR, FIRST_REPORT_YEAR, EarlierReportFile
from .public import pagecache

logger = logging.getLogger(__name__)

# The types kept, and how a download link names them: "下载原文（PDF，123 KB）".
KINDS = {".html": "网页", ".htm": "网页", ".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".txt": "文本", ".wps": "WPS"}
ALLOWED_SUFFIXES = tuple(KINDS)
YEARS = range(FIRST_EDITION_YEAR - 1, FIRST_REPORT_YEAR - 1, -1)  # newest first, as the page offers them


def store(organization, year, *, name, data, published_on, source_url="", user=None):
    """Keep the file of ``organization``'s report of ``year``; returns the EarlierReportFile. Raises
    ImportRefused (a Chinese message) when it cannot be kept; nothing is stored then, neither row nor file."""
    name = _checked_name(name)
    _check_year(year)
    _check_bytes(data)
    published_on = check_published_on(year, published_on)
    source_url = clean_source_url(source_url)
    if EarlierReportFile.objects.filter(organization=organization, year=year).exists():
        raise _already_kept(year)
    sha256 = hashlib.sha256(data).hexdigest()
    saved = default_storage.save(original_path(organization, year, name, sha256), ContentFile(data))
    try:
        with transaction.atomic():
            kept = EarlierReportFile.objects.create(
                organization=organization,
                year=year,
                file=saved,
                name=name,
                sha256=sha256,
                size=len(data),
                published_on=published_on,
                source_url=source_url,
                uploaded_by=user,
            )
            pagecache.invalidate()  # the organization's public page lists it
    except IntegrityError:
        default_storage.delete(saved)
        raise _already_kept(year) from None  # a second upload of the same year won the race
    except BaseException:
        default_storage.delete(saved)
        raise
    logger.info("%s kept the %s report of %s: %s (%s)", user, year, organization.slug, name, sha256)
    return kept


def delete(kept, user=None):
    """Remove a kept file: its row now, its bytes once that has committed (a rollback keeps both)."""
    name = kept.file.name
    with transaction.atomic():
        kept.delete()
        pagecache.invalidate()
        transaction.on_commit(lambda: default_storage.delete(name))
    logger.info("%s deleted the %s report of %s: %s (%s)", user, kept.year, kept.organization.slug, kept.name, name)


def kind_of(name):
    return KINDS.get(PurePath(name).suffix.lower(), "文件")


def _already_kept(year):
    return ImportRefused(f"{year}年度的报告原文已经保存；如需替换，请先删除已保存的文件")


def _checked_name(name):
    name = clean_original_name(name)
    if PurePath(name).suffix.lower() not in ALLOWED_SUFFIXES:
        allowed = "、".join(ALLOWED_SUFFIXES)
        raise ImportRefused(f"文件“{name}”的类型不能保存：只接受 {allowed} 文件")
    return name


def _check_year(year):
    if year not in YEARS:
        raise ImportRefused(
            f"只能保存{FIRST_REPORT_YEAR}—{FIRST_EDITION_YEAR - 1}年度的报告原文；"
            f"{FIRST_EDITION_YEAR}年度起的报告按统一格式补录"
        )


def _check_bytes(data):
    if not data:
        raise ImportRefused("文件为空：请选择有内容的报告文件")
    uploads.refuse_too_big(len(data), uploads.MAX_UPLOAD_SIZE)
