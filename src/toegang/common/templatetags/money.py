"""Amounts are integer eurocents everywhere; this filter shows them the Dutch way: € 2.500,50."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{rest:02d}"
