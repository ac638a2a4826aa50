"""Jurisdiction: the one place where "who may see what" is decided.

A user's scope is an administrative division code (GB/T 2260 / NBS):
``350000`` province, ``350100`` city, ``350102`` county, ``350102001`` township,
``350102001001`` village. A record lies inside a scope when its division code starts with
the scope's *prefix* (the significant digits of the scope code). Every domain query goes
through :func:`scoped` / :func:`get_scoped`; every write of a division-bearing record
checks :func:`ensure_in_scope`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Boolean, ColumnElement, Select, and_, false, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from yingji.core.errors import Forbidden, NotFound, ValidationFailed

if TYPE_CHECKING:
    from yingji.core.auth import Principal

CODE_RE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")

T = TypeVar("T")


@dataclass(frozen=True)
class ScopeSpec:
    """How a model is scoped: the attribute holding its division code, and optionally its unit."""

    division: str = "division_code"
    unit: str | None = None  # attribute holding the owning unit id (enterprise users see only theirs)


def validate_code(code: str, field: str = "division_code") -> str:
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise ValidationFailed("行政区划代码必须是 6、9 或 12 位数字", field=field)
    return code


def division_level(code: str) -> str:
    validate_code(code)
    if len(code) == 12:
        return "village"
    if len(code) == 9:
        return "township"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def scope_prefix(code: str) -> str:
    """The prefix every division inside ``code`` starts with."""
    level = division_level(code)
    return {"province": code[:2], "city": code[:4]}.get(level, code)


def in_scope(scope_code: str, division_code: str | None) -> bool:
    if division_code is None:
        return False
    return division_code.startswith(scope_prefix(scope_code))


def prefix_clause(column: Any, prefix: str) -> Any:
    """``column`` starts with the digit string ``prefix``, as an index-friendly range.

    ``LIKE 'prefix%'`` cannot use a B-tree index on SQLite or on PostgreSQL with a non-C
    collation; ``prefix <= column < prefix+1`` can (codes are fixed-width digit strings).
    """
    if not prefix.isdigit():
        raise ValueError(f"not a division prefix: {prefix!r}")
    upper = str(int(prefix) + 1).zfill(len(prefix))
    lower_bound, upper_bound = column >= prefix, column < upper
    if len(prefix) <= 4:  # a whole city or province: the range selects (almost) everything
        lower_bound, upper_bound = _Unselective(lower_bound), _Unselective(upper_bound)
    if len(upper) > len(prefix):  # "99…9": no upper bound needed
        return lower_bound
    return and_(lower_bound, upper_bound)


class _Unselective(ColumnElement[bool]):
    """A planner hint: this condition keeps nearly every row.

    SQLite's planner, lacking histograms, guesses that any range is selective and would scan a
    whole city through the division index instead of using, say, an industry index
    (measured: 150 ms → 11 ms on 100k risk sources). Rendered as ``likelihood(x, 0.99)`` on
    SQLite, as plain ``x`` elsewhere.
    """

    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison: no "= 1" on SQLite

    def __init__(self, clause: Any) -> None:
        self.clause = clause


@compiles(_Unselective)
def _unselective_default(element: _Unselective, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clause, **kw)


@compiles(_Unselective, "sqlite")
def _unselective_sqlite(element: _Unselective, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.clause, **kw)}, 0.99)"


def _spec(model: Any) -> ScopeSpec:
    spec = getattr(model, "__scope__", None)
    if spec is None:
        raise TypeError(f"{model.__name__} declares no __scope__ = ScopeSpec(...)")
    return spec


def scope_clause(principal: Principal, model: Any) -> Any:
    """SQL condition restricting ``model`` to the principal's jurisdiction (and unit)."""
    spec = _spec(model)
    column = getattr(model, spec.division)
    clause = prefix_clause(column, scope_prefix(principal.scope_code))
    if principal.unit_id is not None:
        if spec.unit is None:
            return false() if not getattr(model, "__unit_visible__", False) else clause
        clause = clause & (getattr(model, spec.unit) == principal.unit_id)
    return clause


def scoped(principal: Principal, model: type[T], stmt: Select[Any] | None = None) -> Select[Any]:
    stmt = select(model) if stmt is None else stmt
    return stmt.where(scope_clause(principal, model))


def get_scoped(db: Session, principal: Principal, model: type[T], key: Any, *, what: str = "记录") -> T:
    """Load one record by primary key; absent and out-of-scope both answer 404."""
    obj = db.get(model, key)
    if obj is None or not visible(principal, obj):
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return obj


def visible(principal: Principal, obj: Any) -> bool:
    spec = _spec(type(obj))
    if not in_scope(principal.scope_code, getattr(obj, spec.division)):
        return False
    if principal.unit_id is not None:
        if spec.unit is None:
            return bool(getattr(type(obj), "__unit_visible__", False))
        return getattr(obj, spec.unit) == principal.unit_id
    return True


def ensure_in_scope(principal: Principal, division_code: str | None, field: str = "division_code") -> None:
    """Refuse a write that would place a record outside the principal's jurisdiction."""
    if division_code is None or not in_scope(principal.scope_code, division_code):
        raise Forbidden("不能在您的管辖范围之外创建或修改记录", field=field)


def within(column: Any, code: str) -> Any:
    """SQL condition: ``column`` holds a division inside ``code`` (the ``?division=`` filter)."""
    return prefix_clause(column, scope_prefix(code))


def ancestors(code: str) -> list[str]:
    """The divisions that contain ``code``, nearest first: 350102001 → 350102, 350100, 350000.

    A record placed at a containing division (a city-wide annual plan) concerns a county or township
    user too — their part of it; listing such a record tells them nothing about other jurisdictions.
    """
    validate_code(code)
    out: list[str] = []
    if len(code) == 12:
        out.append(code[:9])
    if len(code) >= 9:
        out.append(code[:6])
    six = code[:6]
    for parent in (six[:4] + "00", six[:2] + "0000"):
        if parent != six and parent not in out:
            out.append(parent)
    return out
