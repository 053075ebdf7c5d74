"""Word files made in the tests, the way authors make plans: Word's automatic numbering (a
numbering part written here by hand, as python-docx has no API for it), heading styles, a
header block and a signature block laid out as borderless tables, data tables with merged
cells and repeated header rows.

Nothing here comes from a real document.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

# List definitions: Roman parts, then "1.", "a)" and "-" below them; a "1.1." style list; a
# bullet list whose glyph is a Symbol-font character, as Word writes its round bullet.
OUTLINE, DOTTED, SYMBOL_BULLET = 90, 91, 93
_ABSTRACT = {
    OUTLINE: [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"), ("bullet", "-"), ("bullet", "+")],
    DOTTED: [("decimal", "%1."), ("decimal", "%1.%2.")],
    SYMBOL_BULLET: [("bullet", "\uf0b7")],
}


def _abstract_xml(aid: int, levels) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels))
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}"><w:multiLevelType w:val="hybridMultilevel"/>{lvls}</w:abstractNum>'


class WordPlan:
    """A .docx under construction."""

    def __init__(self):
        self.doc = Document()
        numbering = self.doc.part.numbering_part.element
        first_num = numbering.find(qn("w:num"))
        for aid, levels in _ABSTRACT.items():
            el = parse_xml(_abstract_xml(aid, levels))
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
        for nid in _ABSTRACT:
            numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{nid}"/></w:num>'))
        self._next_num = 200

    def restart(self, list_id: int, level: int, starts: dict[int, int] | None = None) -> int:
        """A new instance of list `list_id` whose `level` starts again at 1 (Word's "Restart
        numbering"; `starts` sets other levels' starts too), as a numbering id for `para`."""
        nid = self._next_num
        self._next_num += 1
        overrides = "".join(f'<w:lvlOverride w:ilvl="{k}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                            for k, v in sorted({level: 1, **(starts or {})}.items()))
        self.doc.part.numbering_part.element.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{list_id}"/>{overrides}</w:num>'))
        return nid

    def para(self, text: str = "", *, num: tuple[int, int] | None = None, style: str | None = None,
             bold: bool = False, center: bool = False):
        """A paragraph; `num` = (numbering id, level) numbers it automatically."""
        p = self.doc.add_paragraph(style=style)
        if text:
            run = p.add_run(text)
            run.bold = bold or None
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if num is not None:
            nid, level = num
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{nid}"/></w:numPr>'))
        return p

    def table(self, rows: list[list[str]], *, header_rows: int = 0, merges=(), borders: bool = True):
        """A table of `rows` (texts; "\\n" makes a new paragraph in the cell). `merges` are
        (row, col, last row, last col) areas merged into one cell holding the first's text."""
        width = max(len(r) for r in rows)
        t = self.doc.add_table(rows=len(rows), cols=width)
        if borders:
            t.style = self.doc.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = t.cell(r, c)
                lines = text.split("\n")
                cell.paragraphs[0].text = lines[0]
                for more in lines[1:]:
                    cell.add_paragraph(more)
        for r0, c0, r1, c1 in merges:
            keep = t.cell(r0, c0).text
            merged = t.cell(r0, c0).merge(t.cell(r1, c1))
            for p in merged.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            merged.paragraphs[0].text = keep.split("\n")[0]
        for r in range(header_rows):
            t.rows[r]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
        return t

    def header_block(self, issuer: str, number: str, place_date: str):
        """The Decree 30 header as authors lay it out: a borderless two-column table."""
        return self.table([[issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
                           [number, place_date]], borders=False)

    def closing_block(self, recipients: list[str], signature: str):
        """Nơi nhận on the left, the signature on the right, in one borderless row."""
        return self.table([["Nơi nhận:\n" + "\n".join(f"- {r}" for r in recipients), signature]], borders=False)

    def save(self, path: Path) -> Path:
        body = self.doc.element.body
        last = [el for el in body if el.tag != qn("w:sectPr")][-1:]
        if last and last[0].tag == qn("w:tbl"):
            self.doc.add_paragraph()        # Word always ends a document with a paragraph
        self.doc.save(str(path))
        return path


def ha_lam_plan(path: Path) -> Path:
    """A provincial plan (fictional tỉnh Hà Lam) as its author's Word file: numbered by Word,
    header and signature blocks as tables, a Phụ lục of tasks with a two-row header, a group
    row spanning the table and a lead body merged over two rows."""
    w = WordPlan()
    w.header_block("ỦY BAN NHÂN DÂN\nTỈNH HÀ LAM", "Số: 25/KH-UBND", "Hà Lam, ngày 15 tháng 01 năm 2026")
    w.para()
    w.para("KẾ HOẠCH", bold=True, center=True)
    w.para("Cải cách hành chính tỉnh Hà Lam năm 2026", style="Heading 1", center=True)
    w.para("Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể "
           "cải cách hành chính nhà nước giai đoạn 2021 - 2030; Ủy ban nhân dân tỉnh ban hành Kế hoạch "
           "cải cách hành chính năm 2026 như sau:")
    w.para("MỤC ĐÍCH, YÊU CẦU", num=(OUTLINE, 0), bold=True)
    w.para("Mục đích", num=(OUTLINE, 1), bold=True)
    w.para("Xác định rõ nhiệm vụ cải cách hành chính trọng tâm của tỉnh trong năm 2026.")
    w.para("Yêu cầu", num=(OUTLINE, 1), bold=True)
    w.para("Các cơ quan, đơn vị bám sát nhiệm vụ được giao, bảo đảm chất lượng và tiến độ.")
    w.para("NHIỆM VỤ TRỌNG TÂM", num=(OUTLINE, 0), bold=True)
    w.para("Cải cách thể chế", num=(OUTLINE, 1), bold=True)
    w.para("Mục tiêu", num=(OUTLINE, 2))
    w.para("100% văn bản quy phạm pháp luật của tỉnh được ban hành đúng thẩm quyền, trình tự, thủ tục.",
           num=(OUTLINE, 3))
    w.para("Nhiệm vụ", num=(OUTLINE, 2))
    w.para("Rà soát, hệ thống hóa văn bản quy phạm pháp luật do tỉnh ban hành.", num=(OUTLINE, 3))
    w.para("Cải cách thủ tục hành chính", num=(OUTLINE, 1), bold=True)
    w.para("Mục tiêu", num=(OUTLINE, 2))
    w.para("Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn đạt 98%; tỷ lệ hồ sơ được xử lý "
           "trực tuyến toàn trình đạt 80%.", num=(OUTLINE, 3))
    w.para("Nhiệm vụ", num=(OUTLINE, 2))
    w.para("Công khai đầy đủ thủ tục hành chính trên Cổng Dịch vụ công quốc gia.", num=(OUTLINE, 3))
    w.para("TỔ CHỨC THỰC HIỆN", num=(OUTLINE, 0), bold=True)
    w.para("Sở Nội vụ có trách nhiệm theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Kế hoạch này.",
           num=(OUTLINE, 1))
    w.para("Các sở, ban, ngành; UBND các xã, phường: xây dựng kế hoạch cải cách hành chính của cơ quan, "
           "địa phương, hoàn thành chậm nhất là ngày 30/01/2026.", num=(OUTLINE, 1))
    w.closing_block(["Bộ Nội vụ;", "Thường trực Tỉnh ủy;", "Lưu: VT, NC."],
                    "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\nTrần Văn Bình")
    w.para()
    w.para("PHỤ LỤC", bold=True, center=True)
    w.para("DANH MỤC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026", bold=True, center=True)
    w.para("(Kèm theo Kế hoạch số 25/KH-UBND ngày 15/01/2026 của UBND tỉnh Hà Lam)", center=True)
    w.table([
        ["TT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Trách nhiệm thực hiện", ""],
        ["", "", "", "", "Cơ quan chủ trì", "Cơ quan phối hợp"],
        ["I", "CẢI CÁCH THỂ CHẾ", "", "", "", ""],
        ["1", "Xây dựng Kế hoạch rà soát văn bản quy phạm pháp luật năm 2026", "Kế hoạch của UBND tỉnh",
         "Tháng 02/2026", "Sở Tư pháp", "Các sở, ban, ngành;\nUBND các xã, phường"],
        ["2", "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị", "Báo cáo kết quả kiểm tra",
         "Quý III/2026", "Sở Nội vụ", "Văn phòng UBND tỉnh, Sở Tài chính"],
        ["3", "Xác định Chỉ số cải cách hành chính của các sở, ban, ngành", "Quyết định công bố Chỉ số",
         "Tháng 12/2026", "", "Sở Văn hóa, Thể thao và Du lịch, Sở Khoa học và Công nghệ"],
    ], header_rows=2, merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 5),
                              (2, 1, 2, 5), (4, 4, 5, 4)])
    return w.save(path)


_LEVEL_OF = {"roman": (OUTLINE, 0), "arabic": (OUTLINE, 1), "lower": (OUTLINE, 2), "dash": (OUTLINE, 3),
             "plus": (OUTLINE, 4), "dotted2": (DOTTED, 1)}


def text_to_word(text: str, path: Path, *, number_headings: bool = True) -> Path:
    """A plan written as text (tests/data/plans) made into the Word file its author would have
    had: numbered lines numbered by Word (the written label removed), the headings the text
    lost their numbers on ("Cải cách thể chế" under "II.") numbered by Word too when
    `number_headings`, `a | b` rows as tables (the first row a header row; the header and
    closing rows as borderless layout tables), everything else as paragraphs."""
    from pipeline.parse.layout import Line, read_marker, unnumbered_heading

    w = WordPlan()
    lines = text.split("\n")
    anchor = None           # the Word level an unnumbered heading takes below the last numbered one
    run_level = None        # the level of the run of unnumbered headings under way
    i = 0
    restart_at: dict[str, int] = {}
    dotted_nid, dotted_parent = DOTTED, None
    while i < len(lines):
        line = lines[i]
        if " | " in line or line.strip() == "|":
            rows = []
            while i < len(lines) and (" | " in lines[i] or lines[i].strip() == "|"):
                rows.append([c.strip() for c in lines[i].split("|")])
                i += 1
            layout = len(rows[0]) == 2 and (i <= 4 or rows[0][0].startswith("Nơi nhận"))
            if layout and rows[0][0].startswith("Nơi nhận"):
                anchor = run_level = None                    # the annexes are not numbered by Word
                left, right = rows[0]
                items = [x.strip(" -") for x in left.replace("Nơi nhận:", "").split(" - ") if x.strip(" -")]
                words = right.split()
                name_at = next(k for k in range(len(words)) if not words[k].isupper())
                w.closing_block(items, " ".join(words[:name_at]).replace(" PHÓ", "\nPHÓ").replace(" CHỦ TỊCH", "\nCHỦ TỊCH", 1)
                                .replace("\n\n", "\n") + "\n\n\n" + " ".join(words[name_at:]))
            else:
                w.table(rows, header_rows=0 if layout else 1, borders=not layout)
            continue
        stripped = line.strip()
        found = read_marker(stripped, after_break=True) if stripped else None
        if found and found[0].style in _LEVEL_OF:
            marker, at = found
            nid, level = _LEVEL_OF[marker.style]
            if marker.style == "roman":
                anchor, run_level = 1, None
            elif marker.style == "arabic" and run_level is None:
                anchor = 2
            key = f"{nid}:{level}"
            if marker.style == "dotted2":            # "2.1": level 2 of a "%1.%2." list whose %1 is the parent
                parent = int(marker.label.split(".")[0])
                if dotted_parent != parent:
                    dotted_nid, dotted_parent = w.restart(DOTTED, 1, {0: parent}), parent
                nid = dotted_nid
            elif marker.value == 1 and key in restart_at:      # a list that starts again at 1
                nid = w.restart(nid, level)
            restart_at[key] = 1
            w.para(stripped[at:].strip(), num=(nid, level), bold=level <= 1)
        elif number_headings and stripped and i + 1 < len(lines) and anchor \
                and unnumbered_heading(Line(i + 1, stripped), Line(i + 2, lines[i + 1].strip())):
            run_level = run_level or anchor
            w.para(stripped, num=(OUTLINE, run_level), bold=True)
        else:
            w.para(stripped, bold=stripped.isupper() and bool(stripped), center=stripped.isupper() and bool(stripped))
        i += 1
    return w.save(path)
