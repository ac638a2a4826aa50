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
    bus_channel: str = Field(default="yingji.events", description="Redis channel of this installation's events")
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
    # --- serving and load (docs/operations.md, "Production deployment") ---
    workers: int = Field(default=1, ge=1, le=64, description="web worker processes of `yingji serve`")
    threads: int = Field(default=40, ge=1, le=400, description="request threads per worker process")
    queue_timeout: float = Field(
        default=60.0, gt=0, description="seconds a request may wait for one of the threads before 503")
    db_pool_size: int | None = Field(
        default=None, ge=1, description="database connections kept per worker; default threads + 5")
    db_max_overflow: int = Field(default=10, ge=0, description="extra connections a worker may open at peaks")
    db_pool_timeout: float = Field(default=30.0, gt=0, description="seconds to wait for a free connection")
    sqlite_busy_timeout: float = Field(
        default=30.0, gt=0, description="SQLite: seconds a writer waits for other processes' writes")
    write_wait_timeout: float = Field(
        default=60.0, gt=0, description="SQLite: seconds a writer waits in its process's queue before 503")
    relay_interval: float = Field(default=2.0, gt=0, description="seconds between periodic outbox flushes")
    sse_replay_limit: int = Field(
        default=500, ge=0, le=10000, description="missed events replayed to a reconnecting live stream")
    cache_ttl: float = Field(default=300.0, ge=0, description="server-side cache of map/list answers, seconds")
    cache_url: str | None = Field(
        default=None, description="redis://… to share the cache between workers; default in-process")
    cache_max_bytes: int = Field(default=64 * 2**20, ge=0, description="memory of the server-side cache, bytes")
    gzip_min_size: int = Field(default=1000, ge=0, description="compress responses at least this large (bytes)")

    @property
    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def engine_options(self) -> dict[str, object]:
        """Pool and lock settings for :class:`yingji.core.db.Database`."""
        return {"pool_size": self.db_pool_size or self.threads + 5, "max_overflow": self.db_max_overflow,
                "pool_timeout": self.db_pool_timeout, "busy_timeout": self.sqlite_busy_timeout,
                "write_wait_timeout": self.write_wait_timeout}

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
