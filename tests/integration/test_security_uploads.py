"""Uploads through the API: stored as what they are, served safely, never left behind by a failed write."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.filesamples import PDF, PNG
from tests.integration.samples_hazards import make_unit
from yingji.core.auth import principal_for
from yingji.hazards import actions
from yingji.hazards.models import Hazard


@pytest.fixture
def county(client_for):  # type: ignore[no-untyped-def]
    return client_for("county_officer", "350102")


def new_hazard(client, database) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/hazards", json={"unit_id": make_unit(database), "title": "配电箱无防护", "tier": "general"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_png_sent_as_jpeg_is_stored_and_served_as_png(county, database, app):
    hid = new_hazard(county, database)
    r = county.post(f"/api/v1/hazards/{hid}/attachments", files={"file": ("photo.jpg", PNG, "image/jpeg")})
    assert r.status_code == 201, r.text
    meta = r.json()
    assert meta["content_type"] == "image/png" and meta["filename"] == "photo.png"
    data_dir: Path = app.state.settings.resolved_data_dir
    stored = data_dir / "uploads" / "hazards" / str(hid) / f"{meta['id']}.png"
    assert stored.read_bytes() == PNG
    got = county.get(f"/api/v1/hazards/{hid}/attachments/{meta['id']}")
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png" and got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("inline")


def test_pdfs_are_downloaded_not_displayed(county, database):
    hid = new_hazard(county, database)
    r = county.post(f"/api/v1/hazards/{hid}/attachments", files={"file": ("整改报告", PDF, "application/octet-stream")})
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "整改报告.pdf"
    got = county.get(f"/api/v1/hazards/{hid}/attachments/{r.json()['id']}")
    assert got.headers["content-type"] == "application/pdf" and got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("attachment")


def test_a_damaged_image_is_refused_in_chinese(county, database):
    hid = new_hazard(county, database)
    r = county.post(f"/api/v1/hazards/{hid}/attachments", files={"file": ("a.png", PNG[:40], "image/png")})
    assert r.status_code == 422 and r.json()["error"]["field"] == "file" and "损坏" in r.json()["error"]["message"]
    assert county.get(f"/api/v1/hazards/{hid}").json()["attachments"] == []


def test_no_file_is_left_behind_when_the_transaction_fails_after_the_write(county, database, tmp_path):
    hid = new_hazard(county, database)
    with database.session() as s:
        actor = principal_for(county.user)

        def fail_commit(session: Session) -> None:
            raise RuntimeError("the database refused the commit")

        event.listen(s, "before_commit", fail_commit)
        with pytest.raises(RuntimeError):
            actions.add_attachment(s, actor, hid, filename="a.png", content_type="image/png", content=PNG,
                                   data_dir=tmp_path)
        event.remove(s, "before_commit", fail_commit)
        assert s.get(Hazard, hid).attachments == []
    folder = tmp_path / "uploads" / "hazards" / str(hid)
    assert folder.is_dir() and list(folder.iterdir()) == []  # written, then removed with the rollback
    with database.session() as s:  # the same action commits normally: the file stays
        meta = actions.add_attachment(s, actor, hid, filename="a.png", content_type="image/png", content=PNG,
                                      data_dir=tmp_path)
    assert [p.name for p in folder.iterdir()] == [f"{meta['id']}.png"]
