"""Burgerservicenummer validation: 9 digits that pass the elfproef (DOMAIN.md §5.7).

The checksum itself comes from python-stdnum; this module turns its verdict into a message that
names the field and the rule, in Dutch.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.nl import bsn as stdnum_bsn

from toegang.common.errors import DomainError


def normalise_bsn(value: str) -> str:
    """Return the 9-digit BSN or raise DomainError naming the rule that failed."""
    raw = (value or "").strip().replace(" ", "").replace(".", "").replace("-", "")
    if not raw:
        raise DomainError(_("BSN: vul een burgerservicenummer in."), field="bsn")
    if not (raw.isascii() and raw.isdigit()):
        raise DomainError(_("BSN: een burgerservicenummer bestaat alleen uit cijfers."), field="bsn")
    if len(raw) == 8:
        raw = "0" + raw  # 8-digit numbers are left-padded with a zero
    if len(raw) != 9:
        raise DomainError(_("BSN: een burgerservicenummer heeft 9 cijfers."), field="bsn")
    if raw == "000000000":
        raise DomainError(_("BSN: 000000000 is geen geldig burgerservicenummer."), field="bsn")
    try:
        stdnum_bsn.validate(raw)
    except stdnum_errors.ValidationError:
        raise DomainError(
            _("BSN: dit nummer voldoet niet aan de elfproef (controlegetal klopt niet)."), field="bsn"
        ) from None
    return raw


def is_valid_bsn(value: str) -> bool:
    try:
        normalise_bsn(value)
    except DomainError:
        return False
    return True


def nth_test_range_bsn(sequence: int) -> str:
    """The ``sequence``-th BSN in the 9999xxxxx test range that passes the elfproef (synthetic data)."""
    found = -1
    for candidate in range(999900000, 1_000_000_000):
        text = str(candidate)
        if is_valid_bsn(text):
            found += 1
            if found == sequence:
                return text
    raise ValueError("test range exhausted")
