"""One typed settings object, read from the environment (prefix ``YINGJI_``)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YINGJI_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="SQLite file, secret key, uploads")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default sqlite:///<data_dir>/yingji.db. "
        "Production: postgresql+psycopg://user@host/db",
    )
    bus_url: str = Field(
        default="memory://",
        description="event broker: memory:// (in-process) or redis://host:6379/0",
    )
    secret_key: str | None = Field(default=None, description="cookie signing key; generated if unset")
    admin_password: str | None = Field(
        default=None, description="password of the first administrator (else generated and printed once)"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    timezone: str = "Asia/Shanghai"
    session_max_age: int = Field(default=12 * 3600, description="web session lifetime, seconds")
    secure_cookies: bool = Field(default=False, description="set on HTTPS deployments")
    frontend_dir: Path = Field(default=PROJECT_ROOT / "frontend" / "node_modules")
    reference_data: Path = Field(default=PROJECT_ROOT / "data" / "fuzhou")
    city_code: str = Field(default="350100", description="the city this installation serves")
    map_center: tuple[float, float] = Field(
        default=(26.08, 119.30), description="map centre (latitude, longitude, WGS84) shown before the boundaries load")
    map_zoom: float = Field(default=9, ge=0, le=22, description="initial map zoom level")
    map_min_zoom: float = Field(default=6, ge=0, le=22, description="farthest a user may zoom out")
    map_max_zoom: float = Field(default=18, ge=0, le=22, description="closest a user may zoom in")
    map_bounds: tuple[float, float, float, float] | None = Field(
        default=None, description="south, west, north, east (WGS84) a map may be panned to; "
        "default: around the jurisdiction's boundaries")

    @property
    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'yingji.db'}"

    @property
    def cookie_secret(self) -> str:
        if self.secret_key:
            return self.secret_key
        key_file = self.resolved_data_dir / "secret.key"
        if not key_file.exists():
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
