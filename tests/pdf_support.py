"""Reading the PDFs fpdf2 writes, without a PDF library: the objects, the text each page shows (decoded
through each font's ToUnicode map, or as Latin-1 for a core font) and the glyphs embedded for it.

Enough PDF for fpdf2's output only: direct ``/Length``, Flate-compressed streams, one content stream
per page, fonts as Type0/CIDFontType2 with a FontFile2 subset and a CIDToGIDMap stream."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from io import BytesIO

from fontTools.ttLib import TTFont

_OBJECT = re.compile(rb"(\d+) 0 obj\s*")
_DELIMITERS = b"()<>[]{}/% \t\r\n\f\x00"
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


@dataclass
class Piece:
    """A run of text as one text operator shows it, in one font (its /BaseFont without the subset tag)."""

    text: str
    font: str


def objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (its dictionary, its stream unpacked or None)."""
    found: dict[int, tuple[bytes, bytes | None]] = {}
    position = 0
    while (match := _OBJECT.search(pdf, position)) is not None:
        start = match.end()
        end = pdf.index(b"endobj", start)
        stream_at = pdf.find(b"stream", start, end)
        if stream_at == -1:
            found[int(match[1])] = (pdf[start:end], None)
            position = end
            continue
        head = pdf[start:stream_at]
        length = int(re.search(rb"/Length (\d+)", head)[1])  # type: ignore[index]
        data_at = stream_at + len(b"stream") + (2 if pdf[stream_at + 6 : stream_at + 8] == b"\r\n" else 1)
        data = pdf[data_at : data_at + length]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        found[int(match[1])] = (head, data)
        position = pdf.index(b"endobj", data_at + length)
    return found


def _ref(head: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s*\[?\s*(\d+) 0 R", head)
    return int(match[1]) if match else None


def _literal(content: bytes, i: int) -> tuple[bytes, int]:
    """A (string) from just after its opening parenthesis: nested parentheses and escapes resolved."""
    out, depth = bytearray(), 1
    while True:
        c = content[i]
        if c == ord("\\"):
            nxt = content[i + 1]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif ord("0") <= nxt <= ord("7"):
                digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4])[0]  # type: ignore[index]
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            elif nxt in b"\r\n":  # a line continuation
                i += 3 if content[i + 1 : i + 3] == b"\r\n" else 2
            else:
                out.append(nxt)
                i += 2
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1


def _tokens(content: bytes) -> list[tuple[str, object]]:
    """The content stream as (kind, value): "str", "name", "num", "[", "]", "op"."""
    tokens: list[tuple[str, object]] = []
    i, n = 0, len(content)
    while i < n:
        c = content[i : i + 1]
        if c in b" \t\r\n\f\x00":
            i += 1
        elif c == b"%":
            while i < n and content[i : i + 1] not in b"\r\n":
                i += 1
        elif c == b"(":
            value, i = _literal(content, i + 1)
            tokens.append(("str", value))
        elif content[i : i + 2] in (b"<<", b">>"):
            tokens.append(("op", content[i : i + 2].decode()))
            i += 2
        elif c == b"<":
            end = content.index(b">", i)
            digits = re.sub(rb"\s", b"", content[i + 1 : end])
            tokens.append(("str", bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())))
            i = end + 1
        elif c in b"[]":
            tokens.append((c.decode(), None))
            i += 1
        else:
            start = i + 1 if c == b"/" else i
            i += 1
            while i < n and content[i : i + 1] not in _DELIMITERS:
                i += 1
            word = content[start:i].decode("latin-1")
            if c == b"/":
                tokens.append(("name", word))
            elif re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", word):
                tokens.append(("num", float(word)))
            else:
                tokens.append(("op", word))
    return tokens


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(text, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


@dataclass
class _Font:
    name: str
    to_unicode: dict[int, str] | None  # None: a core font, one byte per character


def _fonts(found: dict[int, tuple[bytes, bytes | None]], resources: bytes) -> dict[str, _Font]:
    fonts: dict[str, _Font] = {}
    listed = re.search(rb"/Font\s*<<(.*?)>>", resources, re.S)
    for key, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", listed[1] if listed else b""):
        head = found[int(number)][0]
        name = re.search(rb"/BaseFont\s*/([^\s/>]+)", head)[1].decode().split("+")[-1]  # type: ignore[index]
        cmap_ref = _ref(head, b"ToUnicode")
        to_unicode = _to_unicode(found[cmap_ref][1] or b"") if cmap_ref else None
        fonts[key.decode()] = _Font(name, to_unicode)
    return fonts


def _decode(font: _Font | None, data: bytes) -> str:
    if font is None or font.to_unicode is None:
        return data.decode("latin-1")
    codes = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    return "".join(font.to_unicode.get(code, "\ufffd") for code in codes)


def pieces(pdf: bytes) -> list[list[Piece]]:
    """Per text object (fpdf2 writes one per line of a cell), its runs of text with their fonts."""
    found = objects(pdf)
    shown: list[list[Piece]] = []
    tree = next(head for head, _ in found.values() if re.search(rb"/Type\s*/Pages\b", head))
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", tree)[1]  # type: ignore[index]
    for number in re.findall(rb"(\d+) 0 R", kids):  # in the order of the pages
        head = found[int(number)][0]
        resources_ref = _ref(head, b"Resources")
        resources = found[resources_ref][0] if resources_ref else head
        fonts = _fonts(found, resources)
        for ref in re.findall(rb"/Contents\s*\[?\s*((?:\d+ 0 R\s*)+)", head):
            for number in re.findall(rb"(\d+) 0 R", ref):
                content = found[int(number)][1] or b""
                shown += _text_objects(_tokens(content), fonts)
    return [line for line in shown if line]


def _text_objects(tokens: list[tuple[str, object]], fonts: dict[str, _Font]) -> list[list[Piece]]:
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    font: _Font | None = None
    saved: list[_Font | None] = []
    operands: list[tuple[str, object]] = []
    array: list[tuple[str, object]] | None = None
    for kind, value in tokens:
        if kind == "[":
            array = []
        elif kind == "]":
            operands.append(("array", array))
            array = None
        elif array is not None:
            array.append((kind, value))
        elif kind != "op":
            operands.append((kind, value))
        else:
            if value == "q":  # the font is part of the graphics state that q saves and Q restores
                saved.append(font)
            elif value == "Q":
                font = saved.pop()
            elif value == "BT":
                current = []
            elif value == "ET":
                lines.append(current)
            elif value == "Tf":
                font = fonts.get(str(operands[-2][1]))
            elif value in ("Tj", "'", '"'):
                current.append(Piece(_decode(font, operands[-1][1]), font.name if font else ""))  # type: ignore[arg-type]
            elif value == "TJ":
                parts = operands[-1][1]
                text = "".join(_decode(font, v) for k, v in parts if k == "str")  # type: ignore[union-attr,arg-type]
                current.append(Piece(text, font.name if font else ""))
            operands = []
    return lines


def pdf_text(pdf: bytes) -> str:
    """The text a PDF shows: the runs of a line joined, the lines joined by a space."""
    return " ".join("".join(piece.text for piece in line) for line in pieces(pdf))


@dataclass
class EmbeddedGlyph:
    font: str
    glyph: str  # its name in the embedded subset
    outline: tuple[tuple[int, int], ...]  # the points of its contours (components resolved)


def embedded_glyphs(pdf: bytes) -> dict[str, list[EmbeddedGlyph]]:
    """Character -> the glyphs the PDF's embedded font subsets hold for it: through each Type0 font's
    ToUnicode map to a CID, through its CIDToGIDMap to a glyph of its FontFile2, with that glyph's outline."""
    found = objects(pdf)
    glyphs: dict[str, list[EmbeddedGlyph]] = {}
    for head, _ in found.values():
        if b"/Type0" not in head:
            continue
        name = re.search(rb"/BaseFont\s*/([^\s/>]+)", head)[1].decode().split("+")[-1]  # type: ignore[index]
        to_unicode = _to_unicode(found[_ref(head, b"ToUnicode")][1] or b"")  # type: ignore[index]
        descendant = found[_ref(head, b"DescendantFonts")][0]  # type: ignore[index]
        gid_map = found[_ref(descendant, b"CIDToGIDMap")][1] or b""  # type: ignore[index]
        descriptor = found[_ref(descendant, b"FontDescriptor")][0]  # type: ignore[index]
        subset = TTFont(BytesIO(found[_ref(descriptor, b"FontFile2")][1] or b""))  # type: ignore[index]
        order = subset.getGlyphOrder()
        for cid, text in to_unicode.items():
            gid = int.from_bytes(gid_map[2 * cid : 2 * cid + 2], "big")
            glyph = order[gid]
            glyphs.setdefault(text, []).append(EmbeddedGlyph(name, glyph, outline(subset, glyph)))
    return glyphs


def outline(font: TTFont, glyph: str) -> tuple[tuple[int, int], ...]:
    table = font["glyf"]
    coordinates, _, _ = table[glyph].getCoordinates(table)
    return tuple((int(x), int(y)) for x, y in coordinates)
