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
WITHHELD = "x"  # a published total withheld because its parts elsewhere would then be pinned down (CBS: "geheim")
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
    """A published percentage of ``part`` in ``whole``: suppressed when the whole, the part or the rest
    is small (0% or 100% of a group of 1–4 says as much as the count); otherwise computed from the
    published (rounded) counts, so that it gives back no exact count to subtract with."""
    if whole <= 0:
        return ""
    if whole < SMALL or 0 < part < SMALL or 0 < whole - part < SMALL:
        return TOO_FEW
    shown_part, shown_whole = part // SMALL * SMALL, whole // SMALL * SMALL
    return f"{round(100 * shown_part / shown_whole)}%"


def average(total: float, n: int, *, decimals: int = 1) -> str:
    """A published average over ``n`` cases: suppressed under 5 cases."""
    if n <= 0:
        return ""
    if n < SMALL:
        return TOO_FEW
    return f"{total / n:.{decimals}f}".replace(".", ",")


AMOUNT_STEP_CENTS = 100_000  # published amounts are rounded down to whole thousands of euros


def amount(cents: int, n: int) -> str:
    """A published sum of money over ``n`` cases, rounded down to whole thousands of euros (so that the
    difference of two published sums does not give back one person's budget): suppressed when fewer
    than 5 cases make it up."""
    if n <= 0:
        return ""
    if n < SMALL:
        return TOO_FEW
    shown = abs(cents) // AMOUNT_STEP_CENTS * AMOUNT_STEP_CENTS // 100
    return f"{shown if cents >= 0 else -shown:,}".replace(",", ".")


def parts(total: int, values: list[int], *, open_rest: bool = False) -> list[str] | None:
    """The published parts of a published total (a breakdown), or None when the breakdown must be
    withheld: when the published total and the other published parts would pin down the value of a
    suppressed part (for instance five parts "<5" under a total "20": each can only be 4).

    ``open_rest``: the parts need not add up to the total (cases without an area, a team or a law are
    in the total but in no part); the unpublished rest can be anything from 0 up, so only a total too
    small for the suppressed parts pins them (each then 1)."""
    shown = [count(v) for v in values]
    hidden = [i for i, v in enumerate(values) if 0 < v < SMALL]
    if not hidden:
        return shown
    total_low = total // SMALL * SMALL if total >= SMALL else 1
    total_high = total_low + SMALL - 1 if total >= SMALL else SMALL - 1
    known_low = sum(v // SMALL * SMALL for i, v in enumerate(values) if i not in hidden and v >= SMALL)
    known_high = sum(v // SMALL * SMALL + SMALL - 1 for i, v in enumerate(values) if i not in hidden and v >= SMALL)
    k = len(hidden)
    low = k if open_rest else max(k, total_low - known_high)
    high = min((SMALL - 1) * k, total_high - known_low)
    for _cell in hidden:  # the range one suppressed part can take, given the others in 1–4
        if max(1, low - (SMALL - 1) * (k - 1)) == min(SMALL - 1, high - (k - 1)):
            return None
    return shown
