"""Collecting the files of a bulk import: files, folders and .zip archives, safely (issue 10, item 6).

A zip is read in memory, never extracted to disk: a member whose name leaves the archive (``../``, an
absolute path) refuses the whole archive, and so does one that would expand past the size or ratio limits
(a zip bomb). Each file is refused above ``MAX_FILE_SIZE``.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .readers import MAX_FILE_SIZE, ImportRefused

MAX_ZIP_TOTAL = 200 * 1024 * 1024  # uncompressed, all members together
MAX_ZIP_RATIO = 100  # uncompressed / compressed, per member
MAX_ZIP_MEMBERS = 1000
SUFFIXES = {".html", ".htm", ".shtml", ".docx", ".doc", ".pdf", ".txt"}


@dataclass
class InputFile:
    name: str  # as shown to the user: the path, or archive.zip › member
    data: bytes

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def collect(paths):
    """Yield InputFile for every report file under ``paths``; raise ImportRefused for a refused input."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in SUFFIXES | {".zip"}:
                    yield from collect([child])
        elif not path.is_file():
            raise ImportRefused(f"{raw}：文件不存在")
        elif path.suffix.lower() == ".zip":
            yield from read_zip(path.name, path.read_bytes())
        else:
            if path.stat().st_size > MAX_FILE_SIZE:
                raise ImportRefused(f"{raw}：文件过大，单个文件不能超过 {MAX_FILE_SIZE // (1024 * 1024)} MB")
            yield InputFile(str(path), path.read_bytes())


def read_zip(name, data):
    try:
        archive = zipfile.ZipFile(__import__("io").BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportRefused(f"{name}：不是有效的 zip 压缩包") from None
    members = [m for m in archive.infolist() if not m.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportRefused(f"{name}：压缩包内文件过多（超过 {MAX_ZIP_MEMBERS} 个）")
    total = 0
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or ":" in member.filename:
            raise ImportRefused(f"{name}：压缩包内的路径“{member.filename}”指向压缩包之外，已拒绝整个压缩包")
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > MAX_FILE_SIZE or total > MAX_ZIP_TOTAL or ratio > MAX_ZIP_RATIO:
            raise ImportRefused(f"{name}：压缩包解压后过大（疑似“压缩炸弹”），已拒绝")
    for member in members:
        if PurePosixPath(member.filename).suffix.lower() in SUFFIXES:
            with archive.open(member) as f:
                content = f.read(MAX_FILE_SIZE + 1)  # never more than the limit, whatever the header said
            if len(content) > MAX_FILE_SIZE:
                raise ImportRefused(f"{name}：压缩包解压后过大（疑似“压缩炸弹”），已拒绝")
            yield InputFile(f"{name} › {member.filename}", content)
