"""Keyset ("cursor") pagination that stays correct while rows are inserted and edited.

A page ends at the last row it returned, by the values of the ordering
columns and the row id; the next page starts strictly after them. Unlike
offsets, a row inserted or deleted before the cursor does not shift later
rows, and unlike DRF's ``CursorPagination`` the whole sort key is in the
cursor, so ties (many events share a start date) are handled exactly.

Ordering by ``updated_at`` is the sync order: an edited row moves behind
the cursor's end and is met again, never skipped. The cursor is signed, so
a tampered or truncated one is a 400, not a silent restart.
"""

import datetime
import uuid
from collections import OrderedDict
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

_SALT = "tracker.api.cursor"


class KeysetPagination(BasePagination):
    """Pages of ``page_size`` rows in one of the view's ``orderings``.

    A view sets ``orderings`` (name shown to clients -> model fields, each
    optionally prefixed with ``-``; none may be null) and
    ``default_ordering``; without them, rows come in id order. The row id is
    always the last sort key.
    """

    page_size = 50
    max_page_size = 500
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.orderings = getattr(view, "orderings", None) or {"id": ()}
        self.ordering_name = self._ordering_name(request, getattr(view, "default_ordering", "id"))
        keys = list(self.orderings[self.ordering_name])
        self.fields = [*keys, "-pk" if keys and keys[0].startswith("-") else "pk"]
        self._model = queryset.model
        self.page_size_value = self._page_size(request)
        cursor = self._decode(request)
        backwards = cursor is not None and cursor["d"] == "p"
        order = [_reverse(field) for field in self.fields] if backwards else self.fields
        if cursor is not None:
            queryset = queryset.filter(_after(order, cursor["v"]))
        rows = list(queryset.order_by(*order)[: self.page_size_value + 1])
        more = len(rows) > self.page_size_value
        rows = rows[: self.page_size_value]
        if backwards:
            rows.reverse()
            self.has_next, self.has_previous = True, more
        else:
            self.has_next, self.has_previous = more, cursor is not None
        self.rows = rows
        return rows

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            OrderedDict([("next", self.get_next_link()), ("previous", self.get_previous_link()), ("results", data)])
        )

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.rows:
            return None
        return self._link(self.rows[-1], "n")

    def get_previous_link(self) -> str | None:
        if not self.has_previous or not self.rows:
            return None
        return self._link(self.rows[0], "p")

    # Query parameters -------------------------------------------------------

    def ordering_fields(self, request: Request, view) -> list[str]:
        """The model fields of the ordering the request asks for (a 400 for an unknown one), without the id."""
        self.orderings = getattr(view, "orderings", None) or {"id": ()}
        return list(self.orderings[self._ordering_name(request, getattr(view, "default_ordering", "id"))])

    def query_parameters(self) -> set[str]:
        return {self.cursor_query_param, self.page_size_query_param, self.ordering_query_param}

    def _ordering_name(self, request: Request, default: str) -> str:
        name = request.query_params.get(self.ordering_query_param) or default
        if name not in self.orderings:
            choices = ", ".join(self.orderings)
            raise ValidationError({self.ordering_query_param: [f"Unknown ordering {name!r}; use one of: {choices}."]})
        return name

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Ask for between 1 and {self.max_page_size} rows per page."]}
            )
        return size

    # Cursors ------------------------------------------------------------------

    def _link(self, row: Any, direction: str) -> str:
        values = [_value(row, field.lstrip("-")) for field in self.fields]
        token = signing.dumps({"o": self.ordering_name, "d": direction, "v": values}, salt=_SALT, compress=True)
        return replace_query_param(self.base_url, self.cursor_query_param, token)

    def _decode(self, request: Request) -> dict | None:
        token = request.query_params.get(self.cursor_query_param)
        if token is None:
            return None
        invalid = ValidationError(
            {self.cursor_query_param: ["This cursor is not valid; use the next or previous link as given."]}
        )
        try:
            cursor = signing.loads(token, salt=_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            raise invalid from None
        if not isinstance(cursor, dict) or cursor.get("d") not in ("n", "p"):
            raise invalid
        if cursor.get("o") != self.ordering_name:
            raise ValidationError(
                {self.cursor_query_param: ["This cursor belongs to another ordering; start again without it."]}
            )
        meta = self._model._meta
        try:
            cursor["v"] = [
                (meta.pk if name == "pk" else meta.get_field(name)).to_python(value)
                for name, value in zip((field.lstrip("-") for field in self.fields), cursor["v"], strict=True)
            ]
        except Exception:  # noqa: BLE001 - any malformed value means a forged cursor
            raise invalid from None
        return cursor

    # Schema --------------------------------------------------------------------

    def get_schema_operation_parameters(self, view) -> list[dict]:
        orderings = list(getattr(view, "orderings", None) or {"id": ()})
        default = getattr(view, "default_ordering", "id")
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position from the `next` or `previous` link of a page. Keep the other "
                "parameters as they were.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "in": "query",
                "required": False,
                "description": "Sort order; `-` means descending. Incremental sync uses `updated_at`, in which an "
                f"edited row moves to the end and is never skipped. Default `{default}`.",
                "schema": {"type": "string", "enum": orderings},
            },
        ]

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri", "description": "The next page."},
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page.",
                },
                "results": schema,
            },
        }


def _reverse(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _value(row: Any, name: str) -> Any:
    """The value of a sort key in a row: a model instance, or a dict from ``values()``."""
    value = row["id" if name == "pk" else name] if isinstance(row, dict) else getattr(row, name)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _after(order: list[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ``order``: ``a > x or (a = x and b > y) or ...``.

    The first key is also bounded on its own (``a >= x``) so that the database
    can start an index range scan there instead of filtering every row.
    """
    names = [field.lstrip("-") for field in order]
    alternatives = Q()
    for position, field in enumerate(order):
        lookup = "lt" if field.startswith("-") else "gt"
        equal = dict(zip(names[:position], values[:position], strict=True))
        alternatives |= Q(**equal, **{f"{names[position]}__{lookup}": values[position]})
    bound = "lte" if order[0].startswith("-") else "gte"
    return Q(**{f"{names[0]}__{bound}": values[0]}) & alternatives


def keyset_batches(queryset: QuerySet, order: list[str], size: int = 200):
    """Every row of ``queryset`` in ``order`` (the id last), fetched ``size`` rows at a time.

    For exports that stream a whole result: memory stays bounded, and each
    batch is one query plus the queryset's prefetches.
    """
    order = [*order, "-pk" if order and order[0].startswith("-") else "pk"]
    position = None
    while True:
        batch = queryset.order_by(*order)
        if position is not None:
            batch = batch.filter(_after(order, position))
        rows = list(batch[:size])
        yield from rows
        if len(rows) < size:
            return
        position = [getattr(rows[-1], field.lstrip("-")) for field in order]
