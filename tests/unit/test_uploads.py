"""What an uploaded file is: whole-file checks of images (Pillow) and PDFs (pypdf), by content."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

import pytest

from tests.filesamples import JPEG, PDF, PNG, image_bytes, pdf_bytes
from yingji.core import uploads
from yingji.core.errors import ValidationFailed
from yingji.core.uploads import UploadPolicy, check


def refused(content: bytes, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        check(content, **kwargs)
    assert exc.value.field == "file"
    return exc.value.message


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a size but holds a single row of pixel data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("content,kind,ctype,ext", [
    (PNG, "image", "image/png", ".png"),
    (JPEG, "image", "image/jpeg", ".jpg"),
    (image_bytes("WEBP"), "image", "image/webp", ".webp"),
    (PDF, "pdf", "application/pdf", ".pdf"),
    (pdf_bytes(pages=3), "pdf", "application/pdf", ".pdf"),
    (pdf_bytes(password=""), "pdf", "application/pdf", ".pdf"),  # restrictions only: opens for everyone
])
def test_intact_files_are_accepted_as_what_they_are(content, kind, ctype, ext):
    checked = check(content)
    assert (checked.kind, checked.content_type, checked.extension, checked.size) == (kind, ctype, ext, len(content))


@pytest.mark.parametrize("content,message", [
    (PNG[: len(PNG) - 20], "损坏"),  # truncated pixel data / missing end
    (PNG[:16] + b"garbage!" * 40, "损坏"),  # valid magic bytes, garbage body
    (JPEG[: len(JPEG) // 2], "损坏"),
    (b"%PDF-1.7\n" + b"junk " * 200, "PDF 文件已损坏"),  # a PDF header with junk
    (PDF[: len(PDF) // 2], "PDF 文件已损坏"),
    (pdf_bytes(password="secret-1"), "密码"),
    (image_bytes("GIF"), "只能上传"),
    (b"MZ\x90\x00" + b"\x00" * 100, "只能上传"),
    (b"", "文件为空"),
])
def test_damaged_or_foreign_files_are_refused_in_chinese(content, message):
    assert message in refused(content)


def test_pixel_limits_stop_decompression_bombs_before_decoding():
    assert "像素" in refused(image_bytes("PNG", size=(200, 100)), policy=UploadPolicy(max_pixels=10_000))
    assert "8000×8000" in refused(png_header_only(8000, 8000))  # 64 MP declared, over the 60 MP default
    assert "像素" in refused(png_header_only(30000, 30000))  # beyond Pillow's own bomb limit too


def test_size_limit_and_allowed_kinds():
    assert "10 MB" in refused(b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    assert "图片" in refused(PDF, allowed=(uploads.IMAGE,))


def test_animated_images_are_refused():
    from PIL import Image

    out = BytesIO()
    frames = [Image.new("RGB", (8, 8), c) for c in ((255, 0, 0), (0, 255, 0))]
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    assert "动图" in refused(out.getvalue())


@pytest.mark.parametrize("given,expected", [
    ("photo.jpg", "photo.png"),  # the name follows what the file is
    ("现场照片.PNG", "现场照片.PNG"),
    ("noextension", "noextension.png"),
    ("../../etc/passwd", "passwd.png"),
    ("C:\\Users\\a\\scan.png", "scan.png"),
    ('a"b.png', "ab.png"),
    ("", "upload.png"),
])
def test_display_names_carry_the_real_extension(given, expected):
    assert check(PNG).display_name(given) == expected


def test_a_jpeg_named_jpeg_keeps_its_name():
    assert check(JPEG).display_name("scan.jpeg") == "scan.jpeg"
