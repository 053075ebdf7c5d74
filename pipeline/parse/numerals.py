"""Roman heading numerals as the plan reads them, written back into the restored text.

Tesseract misreads the numerals of headings more than any other word: "III. NHIỆM VỤ" comes
out as "II.", "HI." or "Il.", and restoration, which reads words, cannot know better. The parser
can: it reads headings in sequence (pipeline.parse.layout.read_marker and build_blocks) and
gives each section its true number. `write_back_numerals` puts that number in the text, so
the .txt and the plan agree ("HI. NHIỆM VỤ" -> "III. NHIỆM VỤ"). Only Roman numerals, only at
the start of the line a section was read from, and the token keeps what the OCR wrote as its
original, so the change shows in `quality` like any other.
"""
from __future__ import annotations

from ..model import Plan, RestoredText, Section
from .layout import ROMANISH, roman_value


def _sections(sections: list[Section]):
    for s in sections:
        yield s
        yield from _sections(s.children)


def write_back_numerals(restored: RestoredText, plan: Plan) -> int:
    """Correct the Roman numeral opening each section's line in `restored` (in place) to the
    section's number; returns how many lines changed."""
    changed = 0
    for section in _sections(plan.sections):
        if not section.number or roman_value(section.number) is None or not section.line:
            continue
        if not 1 <= section.line <= len(restored.lines):
            continue
        line = restored.lines[section.line - 1]
        m = ROMANISH.match(line.text)
        if not m or m.group(2) == section.number:
            continue
        written = m.group(2)
        line.text = line.text[:m.start(2)] + section.number + line.text[m.end(2):]
        for token in line.tokens:
            if token.text.startswith(written):
                token.text = section.number + token.text[len(written):]
                break
        changed += 1
    return changed
