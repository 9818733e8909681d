"""No input makes the import fail with an exception: random bytes, and valid provider messages with
random damage (cut short, a byte changed, text put in), each end as invalid, rejected or accepted, and a
rejected or invalid file leaves no half-processed rows behind."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toegang.common.dates import today
from toegang.istandaarden import inbound, provider
from toegang.istandaarden.models import ClaimLine, Message
from toegang.procedures.models import Provider

VALID = provider.claim(
    "WMO",
    agb="98000001",
    municipality="9901",
    identification="F1",
    on=today(),
    number="F1",
    period=(dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    lines=[
        provider.Line("999999990", "R1", 1, "01", "01A01", dt.date(2026, 9, 1), dt.date(2026, 9, 30), 4, "04", 14_000)
    ],
)

damaged = st.one_of(
    st.binary(max_size=400),
    st.integers(0, len(VALID)).map(lambda n: VALID[:n]),
    st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)).map(
        lambda t: VALID[: t[0]] + bytes([t[1]]) + VALID[t[0] + 1 :]
    ),
    st.tuples(st.integers(0, len(VALID)), st.text(max_size=40)).map(
        lambda t: VALID[: t[0]] + t[1].encode() + VALID[t[0] :]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=damaged)
def test_no_input_raises_and_nothing_is_half_written(world, data):
    Provider.objects.get_or_create(agb_code="98000001", defaults={"name": "Thuiszorg"})
    before = Message.objects.count(), ClaimLine.objects.count()
    outcome = inbound.import_document(data, name="fuzz.xml", out=None)
    assert outcome.status in {"accepted", "rejected", "invalid"}
    assert all(isinstance(error, str) and error for error in outcome.errors)
    assert not any("kon niet worden verwerkt" in error for error in outcome.errors)  # never the safety net
    if outcome.status == "invalid":
        assert (Message.objects.count(), ClaimLine.objects.count()) == before
    else:  # stored whole: the claim and its answer, with one line per prestatie or (refused as a whole: a
        # declaration number seen in an earlier example, a date in the future, totals that do not add up) none
        stored = Message.objects.count() - before[0]
        assert stored in (0, 2)
        lines = ClaimLine.objects.count() - before[1]
        assert lines in ((0, VALID.count(b"<Prestatie>")) if stored else (0,))
    assert not ClaimLine.objects.filter(approved=True).exists()  # no assignment exists: nothing is granted
