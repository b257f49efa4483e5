"""Uploaded extracts waiting between the mapping screen and the import.

A file can be hundreds of megabytes, so it lives on disk under VAR_DIR/uploads, named by
its SHA-256 (the same file uploaded twice is stored once), never in the session.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
# An upload left on the mapping screen for longer than this is abandoned.
KEEP_SECONDS = 24 * 3600


def uploads_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ".bin"


def upload_keep(uploaded: UploadedFile) -> tuple[str, Path]:
    """Store the upload; its SHA-256 and where it now is."""
    digest = hashlib.sha256()
    folder = uploads_dir()
    _sweep(folder)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as handle:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            handle.write(chunk)
    sha256 = digest.hexdigest()
    path = folder / f"{sha256}{_suffix(uploaded.name or '')}"
    Path(handle.name).replace(path)
    return sha256, path


def upload_path(sha256: str, file_name: str) -> Path | None:
    """The stored upload, or None when it is gone or the name is not one we made."""
    if not _SHA256.fullmatch(sha256):
        return None
    path = uploads_dir() / f"{sha256}{_suffix(file_name)}"
    return path if path.is_file() else None


def upload_discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
