"""A fresh SQLite database with the Fuzhou reference data and a demo context, for the seed tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from yingji.core.actions import load_reference
from yingji.core.auth import system_principal
from yingji.core.db import Database
from yingji.core.migrate import upgrade
from yingji.demo import DemoContext


def demo_context(tmp_path: Path, reference_data: Any) -> DemoContext:
    url = f"sqlite:///{tmp_path / 'seed.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as s:
        load_reference(s, system_principal(), *reference_data)
    return DemoContext(database=database, console=Console(quiet=True), progress_factory=lambda: None,
                       data_dir=tmp_path, city_code="350100")
