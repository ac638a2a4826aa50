"""Uploaded files: check the whole file, store it with the type it really is, never leave it behind.

Every domain that accepts files uses this module:

- :func:`check` decodes images completely with Pillow (verify, then load the pixels; the pixel
  count is checked *before* decoding, against decompression bombs) and parses PDFs with pypdf
  (every page object, not encrypted with a password). What the client claimed the file was is
  ignored: the content type and extension come from what the file *is*.
- :func:`store` writes the file inside the caller's transaction and deletes it again if that
  transaction does not commit (rolled back, failed at commit, or the session closed without
  commit). The file is complete on disk before the row pointing at it commits, so a committed
  row never points at a missing file; a crash between write and commit can leave an
  unreferenced file (named by a random id), never a dangling reference.
- :func:`file_response` serves a stored file with the content type its extension stands for,
  ``nosniff``, and ``Content-Disposition: attachment`` for everything but images.
"""

from __future__ import annotations

import os
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from fastapi.responses import FileResponse
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from yingji.core.errors import ValidationFailed

if TYPE_CHECKING:
    from yingji.config import Settings

IMAGE, PDF = "image", "pdf"
# Pillow format -> (content type, extension). MPO is the multi-picture JPEG some cameras write.
IMAGE_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", ".jpg"),
    "MPO": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}
PDF_TYPE = ("application/pdf", ".pdf")
# what a stored file is served as, by its extension (only extensions this module writes)
SERVED_TYPES: dict[str, tuple[str, str]] = {
    ".jpg": ("image/jpeg", IMAGE), ".jpeg": ("image/jpeg", IMAGE), ".png": ("image/png", IMAGE),
    ".webp": ("image/webp", IMAGE), ".pdf": ("application/pdf", PDF),
}
KIND_LABELS = {IMAGE: "JPEG、PNG、WebP 图片", PDF: "PDF 文件"}


@dataclass(frozen=True)
class UploadPolicy:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 60_000_000
    max_pdf_pages: int = 500

    @classmethod
    def from_settings(cls, settings: Settings, *, max_bytes: int | None = None) -> UploadPolicy:
        return cls(max_bytes=max_bytes or cls.max_bytes, max_pixels=settings.upload_max_pixels,
                   max_pdf_pages=settings.upload_pdf_max_pages)


@dataclass(frozen=True)
class CheckedFile:
    """What an upload turned out to be."""

    kind: str  # image | pdf
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    def display_name(self, filename: str | None) -> str:
        """The client's file name, made printable and given the extension of what the file is."""
        name = PurePath((filename or "").replace("\\", "/")).name
        name = "".join(ch for ch in name if ch.isprintable() and ch != '"')[-120:].strip() or "upload"
        stem, dot, suffix = name.rpartition(".")
        ext = "." + suffix.lower() if dot and stem else ""
        if ext in SERVED_TYPES and SERVED_TYPES[ext][0] == self.content_type:
            return name  # photo.jpeg stays photo.jpeg
        if ext in SERVED_TYPES:
            name = stem  # a wrong known extension is replaced, not doubled: photo.jpg (PNG) -> photo.png
        return name[-120:] + self.extension


def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, field="file")


def check(content: bytes, *, allowed: tuple[str, ...] = (IMAGE, PDF),
          policy: UploadPolicy | None = None) -> CheckedFile:
    """Validate a whole uploaded file; raise :class:`ValidationFailed` (field ``file``) if it is not
    an intact file of an ``allowed`` kind within the ``policy`` limits."""
    policy = policy or UploadPolicy()
    accepted = "、".join(KIND_LABELS[k] for k in allowed)
    if not content:
        raise _fail("文件为空")
    if len(content) > policy.max_bytes:
        raise _fail(f"文件不能超过 {policy.max_bytes / 1024 / 1024:g} MB")
    if content.startswith(b"%PDF-"):
        if PDF not in allowed:
            raise _fail(f"只能上传{accepted}")
        return _check_pdf(content, policy)
    if IMAGE in allowed:
        checked = _check_image(content, policy)
        if checked is not None:
            return checked
    raise _fail(f"只能上传{accepted}（文件内容不是可识别的格式）")


def _looks_like_image(content: bytes) -> bool:
    """The first bytes of a JPEG, PNG or WebP (a claim to check, never a proof)."""
    return (content.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
            or (content[:4] == b"RIFF" and content[8:12] == b"WEBP"))


def _check_image(content: bytes, policy: UploadPolicy) -> CheckedFile | None:
    from PIL import Image, UnidentifiedImageError

    formats = ["JPEG", "PNG", "WEBP"]  # Pillow's JPEG opener also yields MPO images
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                img = Image.open(BytesIO(content), formats=formats)
            except UnidentifiedImageError:
                if _looks_like_image(content):
                    raise _fail("图片文件已损坏或不完整，无法读取") from None
                return None  # not an image of an accepted format at all
            with img:
                fmt, (width, height) = str(img.format), img.size
                if width * height > policy.max_pixels:
                    raise _fail(f"图片过大（{width}×{height} 像素），最多 {policy.max_pixels // 10000} 万像素")
                if fmt in ("PNG", "WEBP") and getattr(img, "is_animated", False):
                    raise _fail("只能上传静态图片，不接受动图")
                img.verify()  # structure and checksums
            with Image.open(BytesIO(content), formats=formats) as img:
                img.load()  # decode every pixel: truncated or corrupt data fails here
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _fail(f"图片像素过多，最多 {policy.max_pixels // 10000} 万像素") from None
    except Exception:  # Pillow signals bad data with many exception types
        raise _fail("图片文件已损坏或不完整，无法读取") from None
    content_type, extension = IMAGE_FORMATS[fmt]
    return CheckedFile(IMAGE, content_type, extension, len(content), width=width, height=height)


def _check_pdf(content: bytes, policy: UploadPolicy) -> CheckedFile:
    from pypdf import PdfReader
    from pypdf import PasswordType

    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted:
            # owner-password-only PDFs (printing/copying restrictions) open for everyone: accept;
            # a PDF that needs a password to open cannot be read by anyone here: refuse
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except Exception:  # an encryption pypdf cannot undo without extra packages (AES)
                raise _fail("该 PDF 文件已加密，无法检查其内容，请去除加密后再上传") from None
            if not opened:
                raise _fail("不接受需要密码才能打开的 PDF 文件，请去除密码后再上传")
        pages = len(reader.pages)
        if pages == 0:
            raise _fail("PDF 文件没有任何页面")
        if pages > policy.max_pdf_pages:
            raise _fail(f"PDF 文件页数过多（{pages} 页），最多 {policy.max_pdf_pages} 页")
        for page in reader.pages:  # parse every page object and its size
            box = page.mediabox
            if float(box.width) <= 0 or float(box.height) <= 0:
                raise _fail("PDF 文件的页面尺寸无效")
    except ValidationFailed:
        raise
    except Exception:  # pypdf signals bad data with many exception types
        raise _fail("PDF 文件已损坏或不完整，无法读取") from None
    content_type, extension = PDF_TYPE
    return CheckedFile(PDF, content_type, extension, len(content), pages=pages)


# --- storage ------------------------------------------------------------------------------------

_PENDING = "yingji_uploads_pending"


def _on_commit(session: Session) -> None:
    session.info.get(_PENDING, []).clear()  # committed: the files stay


def _on_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint or inner transaction: the outer one decides
    pending: list[Path] = session.info.get(_PENDING, [])
    while pending:  # not committed: remove what was written for it
        pending.pop().unlink(missing_ok=True)


def _pending(db: Session) -> list[Path]:
    pending = db.info.get(_PENDING)
    if pending is None:
        pending = db.info[_PENDING] = []
        event.listen(db, "after_commit", _on_commit)
        event.listen(db, "after_transaction_end", _on_transaction_end)
    return pending


def store(db: Session, folder: Path, name: str, content: bytes) -> Path:
    """Write ``folder/name`` inside the transaction of ``db``; removed again unless it commits.

    Call it inside ``atomic(db)``, after the checks that may refuse the request. The file is
    written under a temporary name, flushed to disk and renamed, so the final name never shows
    a partial file.
    """
    if not db.in_transaction():
        raise RuntimeError("uploads.store() must run inside the action's transaction")
    if PurePath(name).name != name or name.startswith("."):
        raise ValueError(f"unsafe stored file name {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    temp = folder / f".{name}.{secrets.token_hex(6)}.part"
    try:
        with open(temp, "xb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _pending(db).append(final)
    return final


def file_response(path: Path, filename: str, **kwargs: Any) -> FileResponse:
    """Serve a stored upload: type from its extension, ``nosniff``, inline only for images."""
    content_type, kind = SERVED_TYPES.get(path.suffix.lower(), ("application/octet-stream", "other"))
    headers = {"X-Content-Type-Options": "nosniff"} | kwargs.pop("headers", {})
    return FileResponse(path, media_type=content_type, filename=filename, headers=headers,
                        content_disposition_type="inline" if kind == IMAGE else "attachment", **kwargs)
