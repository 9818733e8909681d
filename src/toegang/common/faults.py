"""Fault points for the kill tests (tests/test_kill.py). With TOEGANG_FAULT_POINT set to a point's name
the process announces on stderr that it has reached that point, inside its transaction with part of its
rows written, and waits there to be killed. Unset, as always outside those tests, a point costs one
lookup in the environment."""

from __future__ import annotations

import os
import sys
import time

ENV = "TOEGANG_FAULT_POINT"


def point(name: str) -> None:
    if os.environ.get(ENV) == name:
        sys.stderr.write(f"FAULT-POINT {name}\n")
        sys.stderr.flush()
        time.sleep(600)
