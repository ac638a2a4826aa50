"""A thin single-sheet XLSX writer for the risk exports, on XlsxWriter.

Why not openpyxl here: its write-only mode builds a ``Cell`` per styled value and serialises it
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
from dataclasses import dataclass
from typing import Any

import xlsxwriter

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
            elif isinstance(value, (int, float)):
                if math.isfinite(value):
                    ws.write_number(r, c, value, fmt)
            else:
                ws.write_string(r, c, _ILLEGAL.sub("", str(value)), fmt)
        self._row += 1

    def to_bytes(self) -> bytes:
        self._book.close()
        return self._buffer.getvalue()
