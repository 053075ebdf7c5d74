"""The plan as a DOCX (first version: A4, Times New Roman, the restored text as paragraphs)."""
from __future__ import annotations

from pathlib import Path

from ..model import Plan, RestoredText
from .atomic import atomic_path


def write_docx(plan: Plan, restored: RestoredText, dest: str | Path, *, review: bool = False) -> Path:
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    for line in restored.lines:
        if line.text.strip():
            doc.add_paragraph(line.text.strip())
    with atomic_path(dest) as tmp:
        doc.save(str(tmp))
    return Path(dest)
