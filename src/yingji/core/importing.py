"""Bulk imports shared by every domain: read a table, check every row, then write all or the good ones.

Files are xlsx or csv (UTF-8 or GBK) with Chinese column headers in the first row; row numbers
in error reports are the spreadsheet's (the header is row 1). :func:`run_import` checks every
row first (writing nothing), reports *every* bad row, and then — unless it is a dry run —
writes either all rows or only the good ones in ONE transaction (rule 8), with one summary
audit record and one event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from yingji.core import audit, events
from yingji.core.db import atomic
from yingji.core.errors import Conflict, Forbidden, ValidationFailed, YingjiError
from yingji.core.schemas import ImportRowError

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024


def _normalise_header(h: Any) -> str:
    return str(h or "").strip().replace("(", "（").replace(")", "）").rstrip("*").strip()


def read_table(content: bytes, filename: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of an xlsx or csv file as (spreadsheet row number, {header: value}); blank rows skipped."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed("文件超过 10 MB", field="file")
    name = (filename or "").lower()
    raw: list[list[Any]]
    if name.endswith(".xlsx") or content[:2] == b"PK":
        try:
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            raw = [list(r) for _, r in zip(range(MAX_ROWS + 2), ws.iter_rows(values_only=True))]
            wb.close()
        except Exception:  # noqa: BLE001 - any broken workbook is the user's file problem
            raise ValidationFailed("无法读取 Excel 文件，请确认是 .xlsx 格式", field="file") from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError:
                raise ValidationFailed("CSV 文件编码无法识别（请用 UTF-8 或 GBK）", field="file") from None
        if "\x00" in text:
            raise ValidationFailed("文件包含无效字符", field="file")
        try:
            raw = [r for _, r in zip(range(MAX_ROWS + 2), csv.reader(io.StringIO(text)))]
        except csv.Error:
            raise ValidationFailed("CSV 文件格式错误", field="file") from None
    if not raw:
        raise ValidationFailed("文件为空", field="file")
    if len(raw) > MAX_ROWS + 1:
        raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", field="file")
    headers = [_normalise_header(h) for h in raw[0]]
    out = []
    for i, values in enumerate(raw[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((i, {h: v for h, v in zip(headers, values) if h}))
    return out


def cell_text(v: Any) -> str | None:
    """A cell as stripped text (``12.0`` from Excel → ``"12"``); None when blank."""
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def pick(row: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """{field: text} for the (Chinese header → field) columns present and non-blank in ``row``."""
    out: dict[str, Any] = {}
    for header, key in columns.items():
        if header in row and (value := cell_text(row[header])) is not None:
            out[key] = value
    return out


def missing(row: dict[str, Any], rownum: int, required: Iterable[str]) -> list[ImportRowError]:
    return [ImportRowError(row=rownum, field=h, message=f"{h}：缺少必填项") for h in required
            if cell_text(row.get(h)) is None]


def row_errors(row: int, exc: Exception, labels: dict[str, str]) -> list[ImportRowError]:
    """A validation error of one row, with the Chinese column header as field name."""
    if isinstance(exc, ValidationError):
        from yingji.core.api import translate_error

        errs = []
        for e in exc.errors():
            t = translate_error(e)
            field = t["field"]
            label = labels.get(field or "", field)
            errs.append(ImportRowError(row=row, field=label,
                                       message=t["message"].replace(f"{field}：", f"{label}：", 1)))
        return errs
    return [ImportRowError(row=row, field=getattr(exc, "field", None), message=getattr(exc, "message", str(exc)))]


def run_import(db: Session, actor: Any, rows: list[tuple[int, Any]], errors: list[ImportRowError], *,
               mode: str, dry_run: bool, check: Callable[[Any, set[str]], None],
               make: Callable[[Any], Any], what: str, label: str, event_type: str,
               filename: str) -> tuple[int, int, list[ImportRowError], bool]:
    """Check every row (``check(item, seen)`` raises a YingjiError), then write in one transaction.

    Returns (total rows, imported rows, errors sorted by row, committed). ``all_or_nothing``
    commits nothing when any row is bad; ``valid_only`` commits the good rows.
    """
    total = len(rows) + len({e.row for e in errors})
    seen: set[str] = set()
    good: list[tuple[int, Any]] = []
    for rownum, item in rows:
        try:
            check(item, seen)
            good.append((rownum, item))
        except (ValidationFailed, Conflict, Forbidden) as exc:
            errors.append(ImportRowError(row=rownum, field=exc.field, message=exc.message))
        except YingjiError as exc:  # pragma: no cover - any other user error is still a row error
            errors.append(ImportRowError(row=rownum, field=exc.field, message=exc.message))
    errors.sort(key=lambda e: e.row)
    if dry_run or not good or (errors and mode == "all_or_nothing"):
        return total, (len(good) if dry_run else 0), errors, False
    with atomic(db):
        for _, item in good:
            make(item)
        audit.record(db, actor, f"{what}.imported", "import", filename[:64], division_code=actor.scope_code,
                     after={"rows": total, "imported": len(good), "errors": len(errors), "mode": mode})
        events.emit(db, event_type, division_code=actor.scope_code, actor=actor.username,
                    summary=f"导入{label} {len(good)} 条（{filename[:60]}）",
                    payload={"imported": len(good), "errors": len(errors)})
    return total, len(good), errors, True
