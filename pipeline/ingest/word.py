"""Word files: .docx read with python-docx; .doc, .odt and .rtf converted to .docx first by
LibreOffice's headless converter (pipeline.ingest.convert).

A Word file is born digital, so nothing is guessed from pixels, but its text is not all in its
characters: an author's "1.", "a)", "-" are usually Word's automatic numbering, which lives in
numbering.xml and not in the paragraph. This reader resolves it as Word shows it (counters per
list, restarts, "%1.%2." labels, Roman and letter formats), so "Cải cách thủ tục hành chính"
comes out as "2. Cải cách thủ tục hành chính". Each paragraph becomes one line of text, with
its style (name, outline level, bold, centred, numbered: model.LineStyle) for the parser.

Tables stay tables: each row becomes one line `cell | cell | cell` (a merged cell's text
repeated over the columns and rows it covers, as python-docx's `row.cells` gives it, so the
text alone still reads row by row), and a model.Table keeps the cells where they start with
their spans and their own line breaks, and the rows Word repeats as the table's header.

Left out, named here so nobody wonders: the running headers and footers of the pages (page
numbers), footnotes, comments, deleted text of tracked changes, hidden text, text boxes and
drawings.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorruptDocumentError
from ..model import LineStyle, Page, Table, TableCell

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {W + "del", W + "moveFrom", W + "drawing", W + "pict", W + "object", W + "txbxContent",
         W + "footnoteReference", W + "endnoteReference", W + "commentReference",
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_BULLETS_KEPT = {"-": "-", "–": "-", "—": "-", "+": "+", "*": "*", "•": "•"}
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.I)
ROW_SEPARATOR = " | "


def word_pages(data: bytes, path: Path) -> list[Page]:
    """A .docx file as one page of text with its tables and line styles."""
    document = open_docx(data, path)
    reader = WordReader(document)
    reader.read_body()
    return [Page(number=1, text="\n".join(reader.lines), tables=reader.tables, styles=reader.line_styles)]


def open_docx(data: bytes, path: Path):
    """The python-docx Document, or a typed error naming the file."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if data[:4] == b"\xd0\xcf\x11\xe0":        # an OLE file: a .doc, or a password-protected .docx
        raise CorruptDocumentError(
            "is an old binary Word file or a password-protected one, not a .docx", path=path,
            hint="save it as .docx (Word: File > Save As), or name it .doc so LibreOffice converts it")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise CorruptDocumentError(f"is not a readable Word .docx file ({type(exc).__name__})", path=path,
                                   hint="open it in Word or LibreOffice and save it again as .docx") from None
    except XMLSyntaxError:
        raise CorruptDocumentError("is a damaged .docx (its XML cannot be read)", path=path,
                                   hint="open it in Word or LibreOffice and save it again as .docx") from None


# --------------------------------------------------------------------------- numbering

@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None      # lvlRestart: restart after this (1-based) level; 0 = never
    legal: bool = False             # isLgl: every level shown in decimal


@dataclass
class ListState:
    counters: list[int | None] = field(default_factory=lambda: [None] * 9)


def _val(el, name: str, default=None):
    if el is None:
        return default
    child = el.find(W + name)
    if child is None:
        return default
    return child.get(W + "val", default)


def _on(el) -> bool:
    """A w:b-like toggle: present and not switched off."""
    return el is not None and el.get(W + "val", "true") not in ("0", "false", "off")


def roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += s
            n -= v
    return out


def letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb ... (the letter repeated)."""
    if n < 1:
        return ""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalEnclosedParen", "decimalEnclosedFullstop"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return letters(n)
    if fmt == "upperLetter":
        return letters(n).upper()
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "none":
        return ""
    return str(n)                  # ordinal, cardinalText, chineseCounting ...: the number itself


def bullet_of(text: str) -> str:
    """A bullet as plans write it: dashes and pluses kept, symbol-font glyphs (, o, §) as •."""
    t = text.strip()
    return _BULLETS_KEPT.get(t, "•") if t else ""


class Numbering:
    """numbering.xml: list definitions, list instances, and the counters Word keeps."""

    def __init__(self, document, styles: "StyleChain"):
        self.abstract: dict[str, dict[int, Level]] = {}
        self.style_link: dict[str, str] = {}          # abstractNum -> style id (numStyleLink)
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = {}
        self.states: dict[str, ListState] = {}
        self.used: set[str] = set()
        self.styles = styles
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        for an in root.findall(W + "abstractNum"):
            aid = an.get(W + "abstractNumId")
            self.abstract[aid] = {int(lvl.get(W + "ilvl", "0")): _level(lvl) for lvl in an.findall(W + "lvl")}
            link = _val(an, "numStyleLink")
            if link:
                self.style_link[aid] = link
        for num in root.findall(W + "num"):
            nid = num.get(W + "numId")
            aid = _val(num, "abstractNumId")
            starts, levels = {}, {}
            for ov in num.findall(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl", "0"))
                so = _val(ov, "startOverride")
                if so is not None:
                    starts[ilvl] = int(so)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
            self.nums[nid] = (aid, starts, levels)

    def _abstract_of(self, nid: str) -> str | None:
        aid = self.nums.get(nid, (None, {}, {}))[0]
        for _ in range(3):                  # numStyleLink: the definition lives behind a style
            link = self.style_link.get(aid)
            if not link:
                break
            linked = self.styles.numbering_of_style(link)
            if not linked or linked[0] == nid:
                break
            aid = self.nums.get(linked[0], (None, {}, {}))[0]
        return aid

    def label(self, nid: str, ilvl: int) -> str | None:
        """The label Word shows for the next paragraph of list `nid` at level `ilvl`, counting it."""
        if nid not in self.nums or nid == "0":
            return None
        aid = self._abstract_of(nid)
        levels = dict(self.abstract.get(aid, {}))
        _, starts, override_levels = self.nums[nid]
        levels.update(override_levels)
        level = levels.get(ilvl)
        if level is None:
            return None
        state = self.states.setdefault(aid, ListState())
        if nid not in self.used:
            self.used.add(nid)
            # A list instance that overrides its start restarts the list (Word's "Restart at 1").
            for k in starts:
                for deeper in range(k, 9):
                    state.counters[deeper] = None
        if level.fmt == "bullet":
            return bullet_of(level.text)
        c = state.counters
        start = starts.get(ilvl, level.start)
        c[ilvl] = start if c[ilvl] is None else c[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and restart <= ilvl + 1):
                c[deeper] = None

        def sub(m):
            k = int(m.group(1)) - 1
            lv = levels.get(k, Level())
            n = c[k] if c[k] is not None else starts.get(k, lv.start)
            return format_number(n, "decimal" if level.legal and k != ilvl else lv.fmt)
        return re.sub(r"%(\d)", sub, level.text).strip()


def _level(el) -> Level:
    restart = _val(el, "lvlRestart")
    return Level(start=int(_val(el, "start", "1") or 1), fmt=_val(el, "numFmt", "decimal") or "decimal",
                 text=_val(el, "lvlText", "") or "", restart=int(restart) if restart is not None else None,
                 legal=_on(el.find(W + "isLgl")))


# --------------------------------------------------------------------------- styles

class StyleChain:
    """Paragraph style properties with their basedOn inheritance: name, outline level, bold,
    alignment and numbering."""

    def __init__(self, document):
        self.by_id: dict[str, object] = {}
        self.default_id: str | None = None
        try:
            root = document.styles.element
        except Exception:  # noqa: BLE001 - a file without a styles part
            return
        for st in root.findall(W + "style"):
            sid = st.get(W + "styleId")
            self.by_id[sid] = st
            if st.get(W + "type") == "paragraph" and _on_attr(st.get(W + "default")):
                self.default_id = sid

    def chain(self, sid: str | None):
        seen = set()
        sid = sid or self.default_id
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            yield st
            sid = _val(st, "basedOn")

    def name(self, sid: str | None) -> str | None:
        for st in self.chain(sid):
            return _val(st, "name")
        return None

    def first(self, sid: str | None, path: str):
        """The first element at `path` (e.g. "w:pPr/w:jc") along the style's chain."""
        for st in self.chain(sid):
            el = st.find(path.replace("w:", W))
            if el is not None:
                return el
        return None

    def outline(self, sid: str | None) -> int | None:
        el = self.first(sid, "w:pPr/w:outlineLvl")
        if el is not None:
            v = int(el.get(W + "val", "9"))
            return v + 1 if v < 9 else None
        for st in self.chain(sid):
            m = _HEADING_NAME.match(_val(st, "name", "") or "")
            if m:
                return int(m.group(1))
        return None

    def numbering_of_style(self, sid: str) -> tuple[str, int] | None:
        el = self.first(sid, "w:pPr/w:numPr")
        if el is None:
            return None
        nid = _val(el, "numId")
        return (nid, int(_val(el, "ilvl", "0") or 0)) if nid else None


def _on_attr(v) -> bool:
    return v in ("1", "true", "on")


# --------------------------------------------------------------------------- the reader

class WordReader:
    """Walks the body in order: paragraphs become lines, tables become rows and a Table."""

    def __init__(self, document):
        self.document = document
        self.chain = StyleChain(document)
        self.numbering = Numbering(document, self.chain)
        self.lines: list[str] = []
        self.line_styles: dict[int, LineStyle] = {}      # 1-based line -> its paragraph's style
        self.tables: list[Table] = []

    def read_body(self) -> None:
        body = self.document.element.body
        self._blocks(body)

    def _blocks(self, parent) -> None:
        for el in parent:
            if el.tag == W + "p":
                for text, style in self.paragraph(el):
                    self.lines.append(text)
                    if style is not None:
                        self.line_styles[len(self.lines)] = style
            elif el.tag == W + "tbl":
                self.table(el)
            elif el.tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    self._blocks(content)

    # ---- paragraphs

    def paragraph(self, p) -> list[tuple[str, LineStyle | None]]:
        """The paragraph's lines (a manual line break starts another), with its style."""
        chain = self.chain
        ppr = p.find(W + "pPr")
        sid = _val(ppr, "pStyle")
        text, bold = _runs_text(p, chain, sid)
        label = None
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        if numpr is not None:
            nid, ilvl = _val(numpr, "numId"), int(_val(numpr, "ilvl", "0") or 0)
        else:
            nid, ilvl = (chain.numbering_of_style(sid) or (None, 0)) if sid or chain.default_id else (None, 0)
        if nid and text.strip():
            label = self.numbering.label(nid, ilvl)
        outline = None
        ol = ppr.find(W + "outlineLvl") if ppr is not None else None
        if ol is not None:
            v = int(ol.get(W + "val", "9"))
            outline = v + 1 if v < 9 else None
        else:
            outline = chain.outline(sid)
        jc = ppr.find(W + "jc") if ppr is not None else None
        if jc is None:
            jc = chain.first(sid, "w:pPr/w:jc")
        centred = jc is not None and jc.get(W + "val") == "center"
        style = LineStyle(name=chain.name(sid), outline=outline, bold=bold, centred=centred,
                          numbered=bool(label))
        if label:
            text = f"{label} {text.lstrip()}"
        pieces = text.split("\n")
        return [(piece.rstrip(), style if piece.strip() else None) for piece in pieces]

    # ---- tables

    def table(self, tbl) -> None:
        rows: list[list[TableCell]] = []
        origins: list[list[TableCell | None]] = []      # per row, the cell starting at each grid column
        header_rows = 0
        header_open = True
        for tr in tbl.findall(W + "tr"):
            trpr = tr.find(W + "trPr")
            before = int(_val(trpr, "gridBefore", "0") or 0)
            after = int(_val(trpr, "gridAfter", "0") or 0)
            is_header = trpr is not None and _on(trpr.find(W + "tblHeader"))
            if header_open and is_header:
                header_rows += 1
            else:
                header_open = False
            row: list[TableCell] = [TableCell("") for _ in range(before)]
            placed: list[TableCell | None] = [None] * before
            for tc in tr.findall(W + "tc"):
                tcpr = tc.find(W + "tcPr")
                span = int(_val(tcpr, "gridSpan", "1") or 1)
                vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
                col = len(placed)
                if vmerge is not None and vmerge.get(W + "val", "continue") == "continue":
                    above = _cell_above(origins, col)
                    if above is not None:
                        above.rowspan += 1
                        placed.extend([None] * span)
                        continue
                cell = TableCell(self.cell_text(tc), colspan=span)
                row.append(cell)
                placed.extend([cell] + [None] * (span - 1))
            row.extend(TableCell("") for _ in range(after))
            placed.extend([None] * after)
            rows.append(row)
            origins.append(placed)
        if not rows:
            return
        table = Table(rows=rows, header_rows=header_rows, source="word")
        table.line = len(self.lines) + 1
        for texts in table.grid():
            self.lines.append(ROW_SEPARATOR.join(" ".join(t.split()) for t in texts))
        self.tables.append(table)

    def cell_text(self, tc) -> str:
        out: list[str] = []
        for el in tc:
            if el.tag == W + "p":
                out.extend(text for text, _ in self.paragraph(el))
            elif el.tag == W + "tbl":          # a table inside a cell: its rows as text
                lines, tables = self.lines, self.tables
                self.lines, self.tables = [], []
                self.table(el)
                out.extend(self.lines)
                self.lines, self.tables = lines, tables
            elif el.tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    out.extend(text for p in content.findall(W + "p") for text, _ in self.paragraph(p))
        while out and not out[-1].strip():
            out.pop()
        while out and not out[0].strip():
            out.pop(0)
        return "\n".join(line.strip() for line in out)


def _cell_above(origins: list[list[TableCell | None]], col: int) -> TableCell | None:
    """The cell a vertical merge continues: the nearest row above with a cell starting at `col`."""
    for placed in reversed(origins):
        if col < len(placed) and placed[col] is not None:
            return placed[col]
    return None


def _runs_text(p, chain: StyleChain, sid: str | None) -> tuple[str, bool]:
    """The paragraph's visible text (tabs as tabs, line breaks as newlines) and whether all of
    it is bold."""
    style_bold = _on(chain.first(sid, "w:rPr/w:b"))
    parts: list[str] = []
    bold_chars = plain_chars = 0

    def walk(el, bold):
        nonlocal bold_chars, plain_chars
        for child in el:
            tag = child.tag
            if tag in _SKIP:
                continue
            if tag == W + "r":
                rpr = child.find(W + "rPr")
                if rpr is not None and _on(rpr.find(W + "vanish")):
                    continue
                b = rpr.find(W + "b") if rpr is not None else None
                run_bold = _on(b) if b is not None else bold
                walk(child, run_bold)
            elif tag == W + "t":
                t = child.text or ""
                parts.append(t)
                n = len(t.strip())
                if bold:
                    bold_chars += n
                else:
                    plain_chars += n
            elif tag == W + "tab":
                parts.append("\t")
            elif tag in (W + "br", W + "cr"):
                parts.append("\n")
            elif tag == W + "noBreakHyphen":
                parts.append("-")
            elif tag in (W + "pPr", W + "rPr"):
                continue
            else:
                walk(child, bold)

    walk(p, style_bold)
    text = "".join(parts).replace("\u00a0", " ")
    return text, bold_chars > 0 and plain_chars == 0
