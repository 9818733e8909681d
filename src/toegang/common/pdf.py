"""The PDFs Toegang makes (fpdf2), all in one embedded Unicode typeface.

fpdf2's core fonts (Helvetica and the like) print Latin-1 only: "Şükrü Yıldız", "€ 2.500" and "’t" came out
with question marks. Every document is a ``Document`` instead, set in Source Sans Pro (Adobe, SIL Open Font
License 1.1), which the pip package ``font-source-sans-pro`` brings along (pinned in requirements/base.txt; no
system font is needed). Its upright faces cover Latin with Latin Extended-A (Ş ı ğ ł ő ĳ), Greek and
Cyrillic, the euro sign and the typographic quotes and dashes; the italic faces have Latin only, and what
they lack is printed upright. A character no face has is written with ones they have (``printable``).

Each document reads the faces it uses with fpdf2's ``add_font``, and fpdf2 embeds the glyphs it uses. Source
and licence: docs/architecture.md, "Documents (PDF)"."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import font_source_sans_pro
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import TextEmphasis

FONT = "SourceSans"
"""The family to pass to ``set_font``; the styles are "", "B", "I" and "BI"."""

FONT_FILES = {
    "": "SourceSansPro-Regular.ttf",
    "B": "SourceSansPro-Bold.ttf",
    "I": "SourceSansPro-It.ttf",
    "BI": "SourceSansPro-BoldIt.ttf",
}
FONT_DIRECTORY = Path(font_source_sans_pro.font_directory)

# Characters no face has, written with ones they have (anything else: its compatibility form, else its
# letters without accents, else "?").
REPLACEMENTS = {"\u2194": "<->", "\u21d4": "<=>", "\u2717": "x", "\u2718": "x"}


@functools.cache
def covered() -> frozenset[int]:
    """The code points the font prints (the upright faces; the italic ones borrow from them)."""
    return frozenset(ttLib.TTFont(FONT_DIRECTORY / FONT_FILES[""], lazy=True).getBestCmap())


def _substitute(char: str) -> str:
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    if unicodedata.category(char) == "Cf":  # zero-width space and joiners, direction marks: nothing to print
        return ""
    have = covered()
    for form in ("NFKC", "NFKD"):  # "ﬁ" as "fi", "ǅ" as "Dž"; else the letter without its accent
        written = "".join(c for c in unicodedata.normalize(form, char) if not unicodedata.combining(c))
        if written and all(ord(c) in have for c in written):
            return written
    return "?"


def printable(text: str) -> str:
    """``text`` as the font prints it: composed (a letter typed as "S" with a combining cedilla is one
    glyph, "Ş"), and each character no face has written with ones it has."""
    text = unicodedata.normalize("NFC", text)
    have = covered()
    if all(ord(c) in have or c < " " for c in text):
        return text
    return "".join(c if ord(c) in have or c < " " else _substitute(c) for c in text)


class Document(FPDF):
    """An A4 PDF in Source Sans Pro. Regular and bold are there from the start (table headings need bold
    before any ``set_font`` asks for it); an italic face is added when it is first used, as only faces in
    use are embedded."""

    def __init__(self) -> None:
        super().__init__(format="A4")
        self._add_face("")
        self._add_face("B")
        self.set_font(FONT, "", 10)

    def _add_face(self, style: str) -> None:
        if f"{FONT.lower()}{style}" in self.fonts:
            return
        # each document reads the face itself (fpdf2's own way): a face shared between documents kept
        # fpdf2's font descriptor shared too, and two PDFs made at once wrote into each other's
        self.add_font(FONT, style, FONT_DIRECTORY / FONT_FILES[style])
        if "I" in style:  # the italics lack some letters (Ĳ, Ŋ, Greek, Cyrillic): those are printed upright
            self.set_fallback_fonts([FONT], exact_match=False)  # turns fpdf2's check of each letter on

    def set_font(self, family: str | None = None, style: str | TextEmphasis = "", size: float = 0) -> None:
        if (family or self.font_family).lower() == FONT.lower():
            letters = style.style if isinstance(style, TextEmphasis) else style.upper()
            self._add_face("".join(sorted(c for c in letters if c in "BI")))
        super().set_font(family, style, size)
        if self._fallback_font_ids and self.page > 0 and not self.current_font_is_set_on_page:
            # fpdf2 (2.8.9) puts the font on the page with the first text after a change; when that text begins
            # with a borrowed letter, the page keeps the wrong face, or none. So it goes on the page now.
            self._out(self._set_font_for_page(self.current_font, self.font_size_pt))  # type: ignore[arg-type]

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """A letter the italic face lacks comes from the upright face of the same weight."""
        upright = f"{FONT.lower()}{'B' if 'B' in style.upper() else ''}"
        return upright if ord(char) in self.fonts[upright].cmap else None  # type: ignore[union-attr]

    def normalize_text(self, text: str) -> str:
        return printable(super().normalize_text(text))
