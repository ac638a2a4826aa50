"""Code tables of the enforcement domain: annual inspection frequency per unit risk level.

``enforcement/config/inspection_frequency.json`` (editable by an admin; ``path=`` loads an
edited copy): visits per year keyed by the unit's risk level key, plus ``unrated``.
"""

from __future__ import annotations

from pathlib import Path

from yingji.core.configfiles import read_config
from yingji.core.errors import ValidationFailed


def load_inspection_frequencies(path: str | Path | None = None) -> dict[str | None, int]:
    """Annual inspections per unit keyed by unit level key; key ``None`` = unrated units."""
    raw = read_config("yingji.enforcement", "inspection_frequency.json", path)
    out: dict[str | None, int] = {}
    for key, n in dict(raw.get("per_year", {})).items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationFailed(f"检查频次“{key}”必须是非负整数", field="per_year", code="bad_config")
        out[str(key)] = n
    unrated = raw.get("unrated", 1)
    if isinstance(unrated, bool) or not isinstance(unrated, int) or unrated < 0:
        raise ValidationFailed("未评级单位检查频次必须是非负整数", field="unrated", code="bad_config")
    out[None] = unrated
    return out
