"""Small-cell protection for every number that leaves the system in aggregate form (exports, reports,
the client's dashboard, the API).

Two rules, together (docs/adr/0010-small-cells.md):

1. **Suppression.** A count from 1 to 4 is shown as "<5". A share (a/b) is suppressed when either
   its part or the rest (b - a) is under 5, since either reveals a small group; an average when
   fewer than 5 are averaged.
2. **Rounding down to a multiple of 5.** Every other count is rounded down to a multiple of 5
   (12 → 10, 9 → 5); shares and averages are computed from the exact numbers but shown with no more
   precision than whole percents / one decimal.

Rounding is what makes differencing useless: whatever combination of filters a user subtracts
(municipality minus one area, this quarter minus two of its months), each published count stands for
five possible true values, so the difference of two published counts cannot pin down a cell of 1 to 4.
Suppression alone would not be enough: total 12 and area A 10 would reveal area B = 2. Rounding
*down* rather than to the nearest multiple matters: with "8 → 10" two suppressed parts (each "<5")
of a published total "10" could only be 4 and 4. ``tests/test_steering.py`` checks by brute force that
no published part, total or pair of parts determines a suppressed cell.
"""

from __future__ import annotations

SMALL = 5
SUPPRESSED = "<5"
TOO_FEW = "<5 gevallen"  # a share, average or amount withheld: says that cases are few, not that the value is small


def count(value: int | None) -> str:
    """A published count: empty without data, 0 as 0, 1–4 as "<5", else rounded down to a multiple of 5
    (a negative amount, such as a net credit, likewise in absolute value)."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    if abs(value) < SMALL:
        return SUPPRESSED
    rounded = abs(value) // SMALL * SMALL
    return str(rounded if value > 0 else -rounded)


def share(part: int, whole: int) -> str:
    """A published percentage of ``part`` in ``whole``: suppressed when the part or the rest is small."""
    if whole <= 0:
        return ""
    if 0 < part < SMALL or 0 < whole - part < SMALL:
        return TOO_FEW
    return f"{round(100 * part / whole)}%"


def average(total: float, n: int, *, decimals: int = 1) -> str:
    """A published average over ``n`` cases: suppressed under 5 cases."""
    if n <= 0:
        return ""
    if n < SMALL:
        return TOO_FEW
    return f"{total / n:.{decimals}f}".replace(".", ",")


def amount(cents: int, n: int) -> str:
    """A published sum of money over ``n`` cases, in whole euros: suppressed when fewer than 5 make it up
    (a single person's provision would show)."""
    if n <= 0:
        return ""
    if n < SMALL:
        return TOO_FEW
    return f"{round(cents / 100):,}".replace(",", ".")
