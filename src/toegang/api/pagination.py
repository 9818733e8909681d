"""Cursor pagination on the primary key: stable under inserts, no COUNT over the authorised queryset."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class StableCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_description = "De cursor uit `next` of `previous` van de vorige pagina."
    page_size_query_description = "Aantal resultaten per pagina (standaard 50, hoogstens 200)."
    invalid_cursor_message = "Ongeldige cursor."

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
            return super().decode_cursor(request)
        except Exception as error:  # noqa: BLE001 - DRF raises NotFound for a cursor it did not make
            raise ValidationError({"cursor": [_("Deze cursor komt niet van de API.")]}) from error
