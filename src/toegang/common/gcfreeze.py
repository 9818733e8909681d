"""Python's cyclic garbage collector in a long-running server process (ADR 0016).

A gunicorn worker holds about 240,000 long-lived objects once it has served its first pages: modules,
models, URL patterns, compiled templates, translation catalogues. Python's full collection walks all
of them, and on seed M under load it ran every 270 requests or so and took about 150 ms each time,
with the worker's request waiting (docs/performance.md, "The garbage collector under load").

``gc.freeze()`` moves every object that exists at that moment out of the collector's reach, so a
later full collection only walks what came after. Freezing at start-up alone is not enough: most of
those objects are made by the first requests (templates compile, URL resolvers fill). So the worker
collects and freezes after its 1st, 10th, 100th and 1000th request, once the response has gone out.

What is frozen is only ever freed by reference counting. A freeze right after a full collection
holds what is alive between requests: the process's caches, not a request's objects.

The youngest generation is collected after 7,000 new objects instead of 700: a page makes tens of
thousands, and at 700 many of the ones still in use were walked and moved to an older generation,
to be walked again there (0.3 ms less per request under load).
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

FREEZE_AFTER = frozenset({1, 10, 100, 1000})
YOUNGEST_THRESHOLD = 7000  # Python's default is 700


class Freezer:
    """Counts finished requests and freezes after the ones in ``after``."""

    def __init__(self, after: frozenset[int] = FREEZE_AFTER) -> None:
        self.after = after
        self.finished = 0

    def __call__(self, sender: Any = None, **kwargs: Any) -> None:
        self.finished += 1
        if self.finished in self.after:
            gc.collect()
            gc.freeze()


def install() -> Freezer:
    """For a server process (wsgi.py): Django sends ``request_finished`` when the server closes the
    response, after the last byte has been handed to the client."""
    freezer = Freezer()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST_THRESHOLD, middle, oldest)
    request_finished.connect(freezer, weak=False, dispatch_uid="toegang-gc-freeze")
    return freezer
