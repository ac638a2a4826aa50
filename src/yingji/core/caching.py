"""Conditional GET (ETag → 304) and a short server-side cache for expensive, cacheable reads.

The *data version* is the audit chain's head (``audit_head.last_seq``): every transaction that
changes business data writes an audit record, and the head row is locked while it is appended,
so the version grows in commit order and is the same in every worker process. It is read
before the answer is computed (in the same session), so an answer is never stored under a
version newer than its data.

An ETag is a digest of: the path and its (sorted) query, the caller's scope, unit and role,
the data version and the platform version. Two users with the same jurisdiction share it;
users of different jurisdictions never do. A browser that sends it back in ``If-None-Match``
gets ``304 Not Modified`` without the answer being computed; otherwise the rendered body is
taken from (or put in) a small cache keyed the same way — in-process, or in Redis shared by all
workers (``YINGJI_CACHE_URL``) — pre-compressed with gzip when the client accepts it. Entries
expire after ``cache_ttl`` seconds, which bounds how long a change made behind the platform's
back (no audit record) can go unseen.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji import __version__
from yingji.core.audit import AuditHead

if TYPE_CHECKING:
    from yingji.core.auth import Principal

log = logging.getLogger(__name__)

GZIP_MIN_SIZE = 1000
CACHE_CONTROL = "private, no-cache"  # the browser keeps it but asks (cheaply) every time
VARY = "Authorization, Cookie, Accept-Encoding"


def data_version(db: Session) -> int:
    """The commit-ordered version of all business data (see the module docstring)."""
    return db.scalar(select(AuditHead.last_seq).where(AuditHead.id == 1)) or 0


@dataclass
class _Entry:
    body: bytes
    expires: float
    gz: bytes | None = field(default=None)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gz or b"")


class ResponseCache:
    """A thread-safe LRU of rendered bodies, bounded in bytes and age."""

    def __init__(self, ttl: float = 300.0, max_bytes: int = 64 * 2**20,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0 and self.max_bytes > 0

    def get(self, key: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.expires <= self.clock():
                if entry is not None:
                    self._drop(key)
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, body: bytes) -> _Entry:
        entry = _Entry(body=body, expires=self.clock() + self.ttl)
        if not self.enabled or len(body) > self.max_bytes // 4:
            return entry
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += entry.size
            self._evict()
        return entry

    def add_gzip(self, key: str, entry: _Entry) -> bytes:
        gz = gzip.compress(entry.body, compresslevel=6, mtime=0)
        with self._lock:
            if self._entries.get(key) is entry and entry.gz is None:
                entry.gz = gz
                self._bytes += len(gz)
                self._evict()
        return gz

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size

    def _evict(self) -> None:
        while self._bytes > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))


class RedisResponseCache:
    """The same cache shared by all workers through Redis (``YINGJI_CACHE_URL``).

    One worker renders an answer, every worker serves it. Entries expire after ``ttl`` seconds
    (Redis ``SETEX``); Redis failures count as misses — the answer is then rendered, never lost.
    """

    def __init__(self, url: str, ttl: float = 300.0, prefix: str = "yingji:answer:") -> None:
        import redis

        self.ttl = ttl
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def _ms(self) -> int:
        return max(1, int(self.ttl * 1000))

    def get(self, key: str) -> _Entry | None:
        if not self.enabled:
            return None
        try:
            body, gz = self._redis.mget(self.prefix + key, self.prefix + key + ":gz")
        except Exception:
            log.warning("answer cache unavailable (Redis)", exc_info=True)
            body = gz = None
        if body is None:
            self.misses += 1
            return None
        self.hits += 1
        return _Entry(body=body, expires=0, gz=gz)

    def put(self, key: str, body: bytes) -> _Entry:
        if self.enabled:
            try:
                self._redis.set(self.prefix + key, body, px=self._ms())
            except Exception:
                log.warning("answer cache unavailable (Redis)", exc_info=True)
        return _Entry(body=body, expires=0)

    def add_gzip(self, key: str, entry: _Entry) -> bytes:
        gz = gzip.compress(entry.body, compresslevel=6, mtime=0)
        entry.gz = gz
        if self.enabled:
            try:
                self._redis.set(self.prefix + key + ":gz", gz, px=self._ms())
            except Exception:
                log.warning("answer cache unavailable (Redis)", exc_info=True)
        return gz

    def clear(self) -> None:
        for k in self._redis.scan_iter(self.prefix + "*"):
            self._redis.delete(k)

    def close(self) -> None:
        self._redis.close()


def make_cache(url: str | None, ttl: float, max_bytes: int) -> ResponseCache | RedisResponseCache:
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisResponseCache(url, ttl=ttl)
    if url:
        raise ValueError(f"unsupported YINGJI_CACHE_URL: {url!r} (use redis://…, or leave it empty)")
    return ResponseCache(ttl=ttl, max_bytes=max_bytes)


@lru_cache(maxsize=128)
def _adapter(response_model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(response_model)


def _key(request: Request, principal: Principal, version: int, extra: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    raw = "\x1f".join([__version__, request.url.path, query, principal.scope_code, str(principal.unit_id),
                       principal.role, str(version), extra])
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def cached_json(request: Request, db: Session, principal: Principal, response_model: Any,
                build: Callable[[], Any], *, vary_on: str = "") -> Response:
    """Answer a cacheable GET: 304 when the browser's copy is current, else the (cached) JSON.

    ``build`` computes the answer (a pydantic model or plain data that ``response_model``
    validates, ORM attributes allowed); it runs only when neither the browser nor the cache has
    the current version. ``vary_on`` adds anything else the answer depends on.
    """
    version = data_version(db)  # first: the data read by build() is at least this new
    key = _key(request, principal, version, vary_on)
    etag = f'W/"{key}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": VARY}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    cache: ResponseCache | RedisResponseCache | None = getattr(request.app.state, "cache", None)
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        adapter = _adapter(response_model)
        body = adapter.dump_json(adapter.validate_python(build(), from_attributes=True))
        entry = cache.put(key, body) if cache is not None else _Entry(body=body, expires=0)
    if len(entry.body) >= GZIP_MIN_SIZE and "gzip" in request.headers.get("accept-encoding", ""):
        gz = entry.gz or (cache.add_gzip(key, entry) if cache is not None
                          else gzip.compress(entry.body, compresslevel=6, mtime=0))
        return Response(gz, media_type="application/json", headers=headers | {"Content-Encoding": "gzip"})
    return Response(entry.body, media_type="application/json", headers=headers)
