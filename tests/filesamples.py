"""Small, real image and PDF files generated in memory (Pillow, pypdf) for upload tests."""

from __future__ import annotations

from io import BytesIO


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = (200, 40, 40),
                **save: object) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    return out.getvalue()


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
PDF = pdf_bytes()
