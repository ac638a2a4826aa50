"""One way to declare a list: its filters, sort keys, text search, pagination and jurisdiction.

Every list endpoint of the platform is a :class:`ListSpec` (in the spirit of Netflix Dispatch's
search/filter/sort/paginate and NetBox's FilterSets):

* the **query model** — a pydantic model derived from :class:`ListQuery` — declares the query
  parameters with their types, ranges and Chinese descriptions (FastAPI reads it with
  ``Annotated[Model, Query()]``, so OpenAPI, validation and the Chinese 422 messages come for free);
* **filters** map each query field to a SQL condition (helpers :func:`eq`, :func:`contains`,
  :func:`within_division`, :func:`since`, :func:`before`, or any callable ``value -> clause``);
* **sorts** name the columns a client may order by: ``sort=-discovered_at,code`` (``-`` =
  descending; NULLs always last; the primary key breaks ties so pages are stable);
* the **jurisdiction** filter of the model (``__scope__``) is applied by :meth:`ListSpec.select`
  itself — a list cannot forget it.

Views stay thin::

    @router.get("", response_model=Page[HazardOut])
    def list_hazards(principal: Reader, db: Db, query: Annotated[HazardQuery, Query()]):
        return HAZARDS.page(db, principal, query, out=lambda rows: decorate(db, rows))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from yingji.core.errors import ValidationFailed
from yingji.core.scope import scoped, validate_code, within

if TYPE_CHECKING:
    from yingji.core.auth import Principal

MAX_PAGE_SIZE = 500
SORT_PATTERN = r"^-?[a-z][a-z0-9_]{0,39}(,-?[a-z][a-z0-9_]{0,39}){0,5}$"

Clause = Callable[[Any], Any]


class ListQuery(BaseModel):
    """Pagination and sorting, shared by every list; a list's own model adds its filters."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=1_000_000, description="页码，从 1 开始")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="每页条数（最多 500）")
    sort: str | None = Field(None, max_length=250, pattern=SORT_PATTERN,
                             description="排序字段，逗号分隔；前缀 - 表示降序，如 -discovered_at,code")


# --- filter helpers: value -> SQL condition --------------------------------------------------------

def eq(column: Any) -> Clause:
    return lambda value: column == value


def one_of(column: Any) -> Clause:
    return lambda values: column.in_(list(values))


def since(column: Any) -> Clause:
    """``column >= value`` (inclusive lower bound)."""
    return lambda value: column >= value


def before(column: Any) -> Clause:
    """``column < value`` (exclusive upper bound)."""
    return lambda value: column < value


def contains(*columns: Any) -> Clause:
    """Text search: any of ``columns`` contains the (stripped) text, wildcards escaped."""
    def clause(value: str) -> Any:
        text = value.strip()
        return or_(*(c.contains(text, autoescape=True) for c in columns))
    return clause


def within_division(column: Any) -> Clause:
    """The ``?division=`` filter: the record lies inside that division (index-friendly range)."""
    def clause(code: str) -> Any:
        validate_code(code, field="division")
        return within(column, code)
    return clause


def null_or_eq(column: Any, null_value: str) -> Clause:
    """``?level=unassessed`` style: one sentinel value selects NULL, any other equality."""
    return lambda value: column.is_(None) if value == null_value else column == value


# --- the spec ----------------------------------------------------------------------------------------

@dataclass
class ListSpec:
    """How one list is filtered, sorted, paginated and scoped."""

    model: Any
    query: type[ListQuery]
    filters: Mapping[str, Clause] = field(default_factory=dict)
    sorts: Mapping[str, Any] = field(default_factory=dict)
    default_sort: Sequence[str] = ("-id",)
    scope: bool = True  # apply the model's jurisdiction filter (__scope__)
    labels: Mapping[str, str] = field(default_factory=dict)  # sort key -> Chinese label (errors, docs)

    def __post_init__(self) -> None:
        fields = set(self.query.model_fields)
        unknown = set(self.filters) - fields
        if unknown:
            raise TypeError(f"{self.query.__name__} has no field for filters {sorted(unknown)}")
        for key in self.default_sort:
            if key.lstrip("-") not in self.sorts:
                raise TypeError(f"default sort key {key!r} is not a declared sort of {self.model.__name__}")
        self._pk = self.model.__mapper__.primary_key[0]

    # -- building blocks
    def conditions(self, query: ListQuery) -> list[Any]:
        out = []
        for name, make in self.filters.items():
            value = getattr(query, name)
            if value is None or value == "" or value == [] or value == ():
                continue
            out.append(make(value))
        return out

    def order_by(self, sort: str | None) -> list[Any]:
        keys = [k for k in (sort.split(",") if sort else self.default_sort) if k]
        order: list[Any] = []
        seen: set[str] = set()
        for key in keys:
            name = key.lstrip("-")
            column = self.sorts.get(name)
            if column is None:
                allowed = "、".join(f"{k}（{self.labels[k]}）" if k in self.labels else k for k in self.sorts)
                raise ValidationFailed(f"不能按“{name}”排序，可选：{allowed}", field="sort", code="bad_sort")
            if name in seen:
                continue
            seen.add(name)
            order.append((column.desc() if key.startswith("-") else column.asc()).nulls_last())
        if not any(c is self._pk for c in (self.sorts.get(k.lstrip("-")) for k in keys)):
            order.append(self._pk.desc() if keys and keys[0].startswith("-") else self._pk.asc())
        return order

    def select(self, principal: Principal | None, query: ListQuery, *, base: Select[Any] | None = None) -> Select[Any]:
        """The filtered, scoped and ordered statement (no LIMIT): for pages and for exports."""
        stmt = base if base is not None else select(self.model)
        if self.scope:
            if principal is None:
                raise RuntimeError(f"list of {self.model.__name__} needs a principal for its jurisdiction")
            stmt = scoped(principal, self.model, stmt)
        return stmt.where(*self.conditions(query)).order_by(*self.order_by(query.sort))

    def rows(self, db: Session, principal: Principal | None, query: ListQuery,
             base: Select[Any] | None = None) -> tuple[list[Any], int]:
        """One page of ORM objects and the total count (``base``: a narrower starting statement)."""
        stmt = self.select(principal, query, base=base)
        total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        offset = (query.page - 1) * query.page_size
        items = list(db.scalars(stmt.limit(query.page_size).offset(offset)).all()) if offset < total else []
        return items, total

    def page(self, db: Session, principal: Principal | None, query: ListQuery,
             out: Callable[[list[Any]], Iterable[Any]] | None = None, base: Select[Any] | None = None) -> dict[str, Any]:
        """``{items, total, page, page_size, sort}``; ``out`` turns the ORM rows into response models."""
        items, total = self.rows(db, principal, query, base=base)
        return {"items": list(out(items)) if out else items, "total": total, "page": query.page,
                "page_size": query.page_size, "sort": query.sort or ",".join(self.default_sort)}

    def describe(self) -> dict[str, Any]:
        """What a client may filter and sort by (served for documentation and list components)."""
        return {"filters": list(self.filters), "sorts": list(self.sorts), "default_sort": list(self.default_sort)}
