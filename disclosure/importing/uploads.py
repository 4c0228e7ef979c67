"""Uploaded files kept on the server between the upload and the confirmation of an import (issue 10).

The review page never trusts a copy sent back by the browser: the file is stored once, under a random token,
in the site's storage (``import-uploads/``, never served), and the token is recorded in the uploader's session
with the file's name and SHA-256. Only that session can use the token (Django gives a new session at login and
flushes it at logout), only for ``LIFETIME``, and the file read back must still have the recorded hash. Files
older than ``LIFETIME`` are swept whenever something is uploaded, so abandoned reviews do not pile up.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .files import MAX_ZIP_MEMBERS
from .readers import MAX_FILE_SIZE, ImportRefused

FOLDER = "import-uploads"
SESSION_KEY = "disclosure_import_uploads"
LIFETIME = datetime.timedelta(hours=3)
MAX_KEPT = MAX_ZIP_MEMBERS  # per session: every file of one zip may need a review
# What one upload may weigh: a single report file; a zip or several files together.
MAX_UPLOAD_SIZE = MAX_FILE_SIZE
MAX_BATCH_SIZE = 100 * 1024 * 1024


@dataclass
class Upload:
    token: str
    name: str
    sha256: str
    data: bytes


def megabytes(size):
    return f"{size // (1024 * 1024)} MB"


def refuse_too_big(size, limit, what="文件"):
    if size > limit:
        raise ImportRefused(f"{what}过大（{max(1, size // (1024 * 1024))} MB），不能超过 {megabytes(limit)}")


def keep(request, name, data):
    """Store an uploaded file for the requester's session; return its token."""
    refuse_too_big(len(data), MAX_FILE_SIZE)
    sweep()
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{FOLDER}/{token}", ContentFile(data))
    entries = _entries(request)
    entries[token] = {
        "name": name[-200:],
        "sha256": hashlib.sha256(data).hexdigest(),
        "at": timezone.now().isoformat(),
        "path": path,
        "user": request.user.pk,
    }
    for old in sorted(entries, key=lambda t: entries[t]["at"])[:-MAX_KEPT]:
        _delete(entries.pop(old))
    request.session[SESSION_KEY] = entries
    return token


def get(request, token):
    """The upload behind ``token`` if it is the requester's and still valid; None otherwise."""
    entry = _entries(request).get(str(token))
    if entry is None or entry["user"] != request.user.pk or _expired(entry):
        return None
    try:
        with default_storage.open(entry["path"], "rb") as f:
            data = f.read(MAX_FILE_SIZE + 1)
    except (FileNotFoundError, OSError):
        return None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        return None
    return Upload(token, entry["name"], entry["sha256"], data)


def discard(request, token):
    entries = _entries(request)
    entry = entries.pop(str(token), None)
    if entry is not None:
        _delete(entry)
        request.session[SESSION_KEY] = entries


def sweep(now=None):
    """Delete kept files older than ``LIFETIME`` (whoever uploaded them)."""
    limit = (now or timezone.now()) - LIFETIME
    try:
        _, names = default_storage.listdir(FOLDER)
    except (FileNotFoundError, OSError):
        return
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (FileNotFoundError, OSError):
            continue


def _entries(request):
    return dict(request.session.get(SESSION_KEY, {}))


def _expired(entry):
    return datetime.datetime.fromisoformat(entry["at"]) < timezone.now() - LIFETIME


def _delete(entry):
    try:
        default_storage.delete(entry["path"])
    except OSError:
        pass
