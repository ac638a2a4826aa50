"""The dependency order of the packages (docs/architecture.md) holds, and a back-edge would fail CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = str(Path(sys.executable).parent / "lint-imports")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(src)}
    return subprocess.run([LINT, "--config", str(ROOT / ".importlinter"), "--no-cache"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_hold():
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_back_edge_from_a_shared_package_to_a_domain_fails_the_contracts(tmp_path):
    shutil.copytree(ROOT / "src" / "yingji", tmp_path / "yingji", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "yingji" / "units" / "_probe.py").write_text(
        "def f():\n    from yingji.hazards import models  # an import hidden inside a function\n    return models\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "yingji.units is not allowed to import yingji.hazards" in result.stdout


def test_pure_logic_importing_the_orm_fails_the_contracts(tmp_path):
    shutil.copytree(ROOT / "src" / "yingji", tmp_path / "yingji", ignore=shutil.ignore_patterns("__pycache__"))
    grading = tmp_path / "yingji" / "risk" / "grading.py"
    grading.write_text(grading.read_text(encoding="utf-8") + "\nimport sqlalchemy  # noqa\n", encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "yingji.risk.grading is not allowed to import sqlalchemy" in result.stdout
