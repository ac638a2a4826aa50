"""The platform's one Excel (.xlsx) writer: a thin single-sheet writer on XlsxWriter.

Every domain's export goes through :class:`SheetWriter` and :func:`xlsx_response`. Why not openpyxl here: its write-only mode builds a ``Cell`` per styled value and serialises it
through ``et_xmlfile``; the full-city risk-source export (8,860 rows × 16 columns) spent > 90 %
of its time there (cProfile, see docs/supervision-risk.md). XlsxWriter's ``constant_memory``
mode streams rows straight out. openpyxl is still what imports and the tests use to read files.

Values of type str / int / float / bool / None; strings are always written as text (never as
formulas), and characters XML does not allow are dropped.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import xlsxwriter
from fastapi.responses import StreamingResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Styled:
    """A value with a cell style (see :meth:`SheetWriter.style`)."""

    value: Any
    style: int


class SheetWriter:
    """Append rows, then :meth:`to_bytes`."""

    def __init__(self, title: str) -> None:
        if len(title) > 31 or any(ch in title for ch in "[]:*?/\\"):
            raise ValueError(f"invalid sheet title {title!r}")
        self.title = title
        self._buffer = io.BytesIO()
        self._book = xlsxwriter.Workbook(self._buffer, {"constant_memory": True, "in_memory": True,
                                                        "strings_to_formulas": False})
        self._sheet = self._book.add_worksheet(title)
        self._formats: list[Any] = [None]
        self._format_ids: dict[tuple[bool, str | None, str | None], int] = {(False, None, None): 0}
        self._row = 0

    def style(self, *, bold: bool = False, fill: str | None = None, color: str | None = None) -> int:
        key = (bold, "#" + fill.lstrip("#").upper() if fill else None,
               "#" + color.lstrip("#").upper() if color else None)
        if key not in self._format_ids:
            props: dict[str, Any] = {"bold": bold}
            if key[1]:
                props.update(bg_color=key[1], pattern=1)
            if key[2]:
                props["font_color"] = key[2]
            self._format_ids[key] = len(self._formats)
            self._formats.append(self._book.add_format(props))
        return self._format_ids[key]

    def header(self, headers: Iterable[str]) -> None:
        """A bold header row (call :meth:`freeze_header` too for long tables)."""
        bold = self.style(bold=True)
        self.append([Styled(h, bold) for h in headers])
        self._sheet.freeze_panes(self._row, 0)

    def widths(self, widths: Iterable[float]) -> None:
        for c, w in enumerate(widths):
            self._sheet.set_column(c, c, w)

    def append(self, values: list[Any] | tuple[Any, ...]) -> None:
        ws, r = self._sheet, self._row
        for c, value in enumerate(values):
            fmt = None
            if type(value) is Styled:
                fmt = self._formats[value.style]
                value = value.value
            if value is None or value == "":
                if fmt is not None:
                    ws.write_blank(r, c, None, fmt)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value, fmt)
            elif isinstance(value, datetime):
                from yingji.core.timeutil import fmt_local

                ws.write_string(r, c, fmt_local(value), fmt)
            elif isinstance(value, (int, float)):
                if math.isfinite(value):
                    ws.write_number(r, c, value, fmt)
            else:
                ws.write_string(r, c, _ILLEGAL.sub("", str(value)), fmt)
        self._row += 1

    def to_bytes(self) -> bytes:
        self._book.close()
        return self._buffer.getvalue()


def safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user text (CSV/Excel injection): ``=cmd`` → ``'=cmd``.

    XlsxWriter already writes every string as text (``strings_to_formulas`` off); the quote keeps
    the value inert when someone copies it into another sheet or saves the file as CSV.
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def chunks(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), CHUNK):
        yield data[i:i + CHUNK]


def xlsx_response(data: bytes, filename: str) -> StreamingResponse:
    """An .xlsx download with a Chinese file name (RFC 5987) and an ASCII fallback."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    ascii_name = filename.encode("ascii", "ignore").decode().strip() or "export.xlsx"
    if ascii_name == ".xlsx":
        ascii_name = "export.xlsx"
    return StreamingResponse(chunks(data), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "Content-Length": str(len(data))})
