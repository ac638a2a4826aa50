"""The asset version in the static URLs follows the files (pure: a temporary folder)."""

from __future__ import annotations

from yingji.web import assets


def test_the_asset_version_changes_when_any_asset_changes(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "shell" / "js").mkdir(parents=True)
    (tmp_path / "risk").mkdir()
    shared = tmp_path / "shell" / "js" / "a.js"
    shared.write_text("export const a = 1;\n")
    monkeypatch.setattr(assets, "static_roots", lambda: {"": tmp_path / "shell", "risk": tmp_path / "risk"})
    first = assets._Version.compute()
    assert first == assets._Version.compute()  # stable while nothing changes
    shared.write_text("export const a = 22;\n")
    second = assets._Version.compute()
    (tmp_path / "risk" / "map.js").write_text("export {};\n")  # a new file in a domain's folder
    third = assets._Version.compute()
    assert len({first, second, third}) == 3


def test_versioned_paths_put_the_version_before_the_folder(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(assets.asset_version, "get", lambda: "abc123")
    assert assets.versioned_path("risk/js/map.js") == "/static/v/abc123/risk/js/map.js"
    assert assets.versioned_path("/css/yingji.css") == "/static/v/abc123/css/yingji.css"
