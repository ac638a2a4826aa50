"""Every write of places: the gazetteer import (CSV/xlsx, GeoJSON, OpenStreetMap).

One action: permission checked, every row checked first (every bad row reported), then one
transaction (``core.importing.run_import``: all or nothing, or only the good rows), one summary
audit record and one event; the place index is rebuilt on the next search.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yingji.core.auth import Principal
from yingji.core.errors import Conflict, Forbidden
from yingji.core.importing import run_import
from yingji.core.scope import in_scope
from yingji.places import permissions, service
from yingji.places.importing import PlaceRow, parse_any


def import_places(db: Session, actor: Principal, content: bytes, filename: str, *, datum: str = "WGS84",
                  mode: str = "all_or_nothing", dry_run: bool = False) -> tuple[int, int, list[Any], bool]:
    """Import place names. Returns (total rows, imported, errors, committed)."""
    if (reason := permissions.import_refusal(actor)) is not None:
        raise Forbidden(reason)
    rows, errors = parse_any(content, filename, datum=datum)
    source = f"import:{filename}"[:64]

    def check(row: PlaceRow, seen: set[str]) -> None:
        key = f"{row.kind}|{row.name}|{row.lon:.5f}|{row.lat:.5f}"
        if key in seen:
            raise Conflict(f"“{row.name}”在文件中重复", field="名称")
        division, _, _ = service.division_code_of(db, row.lon, row.lat, service.city_code())
        if not in_scope(actor.scope_code, division):
            raise Forbidden(f"“{row.name}”不在您的管辖范围内", field="经度")
        seen.add(key)

    result = run_import(db, actor, rows, errors, mode=mode, dry_run=dry_run, check=check,
                        make=lambda row: db.add(service.place_from_row(db, row, source=source)), what="place", label="地名",
                        event_type="places.imported", filename=filename)
    if result[3]:
        service.invalidate()
    return result
