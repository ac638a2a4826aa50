"""Imports every model so that ``Base.metadata`` is complete (Alembic, tests, create_all)."""

from yingji.core.audit import AuditHead, AuditRecord  # noqa: F401
from yingji.core.auth import ApiToken, User  # noqa: F401
from yingji.core.db import Base  # noqa: F401
from yingji.core.divisions import Dataset, Division  # noqa: F401
from yingji.core.events import OutboxEvent  # noqa: F401
from yingji.core.sessions import UserSession  # noqa: F401
from yingji.core.throttle import LoginThrottle  # noqa: F401

# every business domain's models
from yingji.domains import domain_modules as _domain_modules

_domain_modules("models")
