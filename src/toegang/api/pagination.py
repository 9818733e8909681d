"""Cursor pagination on the primary key: stable under inserts, no COUNT over the authorised queryset."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_description = "De cursor uit `next` of `previous` van de vorige pagina."
    page_size_query_description = "Aantal resultaten per pagina (standaard 50, hoogstens 200)."
    invalid_cursor_message = "Ongeldige cursor."
