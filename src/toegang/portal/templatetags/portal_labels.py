"""Labels the portal shows a resident instead of the professionals' terms."""

from __future__ import annotations

from django import template

from toegang.plans.models import LifeDomain
from toegang.portal.forms import resident_domain_label

register = template.Library()


@register.filter
def resident_label(domain: LifeDomain) -> str:
    """A life domain in words a resident uses (``portal.forms.RESIDENT_DOMAIN_LABELS``)."""
    return resident_domain_label(domain)
