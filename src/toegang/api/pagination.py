"""Cursor pagination on the primary key: stable under inserts, no COUNT over the authorised queryset."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from toegang.cases.selectors import first_visible
from toegang.common.converters import parse_id


class StableCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_description = "De cursor uit `next` of `previous` van de vorige pagina."
    page_size_query_description = "Aantal resultaten per pagina (standaard 50, hoogstens 200)."
    invalid_cursor_message = "Ongeldige cursor."

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        return super().paginate_queryset(_ReadPerWay(queryset), request, view)

    def get_page_size(self, request: Request) -> int:
        """A page size that is no whole number from 1 to 200 is an error, not silently the default."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({"page_size": [_("Kies een geheel getal van 1 tot en met 200.")]})
        return int(value)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"]["minLength"] = 1
        return parameters

    def decode_cursor(self, request: Request) -> Any:
        if self.cursor_query_param not in request.query_params:
            return None  # the first page
        if not request.query_params[self.cursor_query_param]:
            raise ValidationError({"cursor": [_("Deze cursor komt niet van de API.")]})
        try:
            cursor = super().decode_cursor(request)
        except Exception as error:  # noqa: BLE001 - DRF raises NotFound for a cursor it did not make
            raise ValidationError({"cursor": [_("Deze cursor komt niet van de API.")]}) from error
        # the position is a primary key, and every cursor the API gives holds one (the order is on the
        # primary key, which never repeats): a cursor without one, or with anything else in it, was not
        # made here. Without this check any text that base64 decodes to nothing ("!!!") was the first
        # page, so a client with a damaged cursor started over without noticing; a text position made
        # the query fail with a 500, a number beyond the id range overflowed SQLite.
        position = cursor.position
        if position is None or parse_id(position) is None:
            raise ValidationError({"cursor": [_("Deze cursor komt niet van de API.")]})
        return cursor


class _ReadPerWay:
    """The list as DRF's cursor paginator handles it: ordered, filtered on the cursor's position, then
    sliced. The slice is read with ``first_visible``, one way in at a time (cases/selectors.py), so
    that a page of a long list does not walk every row the user may not see."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def order_by(self, *fields: str) -> _ReadPerWay:
        return _ReadPerWay(self.queryset.order_by(*fields))

    def filter(self, **conditions: Any) -> _ReadPerWay:
        return _ReadPerWay(self.queryset.filter(**conditions))

    def __getattr__(self, name: str) -> Any:  # anything else DRF may ask of the list (its model, say)
        return getattr(self.queryset, name)

    def __getitem__(self, window: slice) -> list[Any]:
        return first_visible(self.queryset, window.stop)[window.start :]
