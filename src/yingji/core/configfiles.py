"""Reading the JSON configuration files that domains ship as package data (rule 7)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from yingji.core.errors import ValidationFailed


def read_config(package: str, name: str, path: str | Path | None = None) -> Any:
    """``<package>/config/<name>``, or an admin-edited copy at ``path``; bad JSON is a clear error."""
    if path is None:
        text = resources.files(package).joinpath(f"config/{name}").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"配置文件 {name} 格式错误：{exc}", field=name, code="bad_config") from None
