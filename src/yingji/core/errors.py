"""One error hierarchy for the whole platform.

Every error a user can cause is a :class:`YingjiError` with a stable machine ``code``,
a Chinese ``message`` a duty officer understands, and optionally the ``field`` at fault.
The HTTP layer turns them into ``{"error": {"code", "message", "field"}}`` with the
error's ``status``; the CLI prints the message and exits non-zero.
"""

from __future__ import annotations

from typing import Any


class YingjiError(Exception):
    status: int = 400
    default_code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "field": self.field}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class ValidationFailed(YingjiError):
    """Input is malformed or breaks a business rule (422)."""

    status = 422
    default_code = "validation_failed"


class NotAuthenticated(YingjiError):
    status = 401
    default_code = "not_authenticated"


class Forbidden(YingjiError):
    """The user is known but may not do this (403)."""

    status = 403
    default_code = "forbidden"


class NotFound(YingjiError):
    """Absent, or outside the user's jurisdiction (404: we do not reveal which)."""

    status = 404
    default_code = "not_found"


class Conflict(YingjiError):
    """The request clashes with the current state (duplicate, illegal transition...)."""

    status = 409
    default_code = "conflict"


class TooManyRequests(YingjiError):
    """Too many attempts (login throttling): 429 with ``Retry-After`` in seconds."""

    status = 429
    default_code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message, field=field, code=code)
        self.retry_after = max(1, int(retry_after))

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class ServiceBusy(YingjiError):
    """The platform is overloaded and refused the request before changing anything (503)."""

    status = 503
    default_code = "service_busy"
