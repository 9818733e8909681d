"""Helpers for the PDFs made with fpdf2's core fonts (Latin-1)."""

from __future__ import annotations

from typing import Any


def latin1(text: Any) -> str:
    """Text the core fonts can print: dashes become hyphens, anything outside Latin-1 a question mark."""
    return str(text).replace("\u2013", "-").replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")
