"""Which lines of the restored text go where in the DOCX.

A typed administrative document has three parts: the front (header block, document type,
title), the body, and the closing (Nơi nhận on the left, the signature on the right). The scan
gives them as one run of lines; the plan says what the header and signer are. This module
finds the lines of the front and of the closing, so the writer can print those parts from the
plan as Decree 30 lays them out and print the rest as body text.

A line is moved out of the body only when its content is printed elsewhere; a line that
nothing recognises stays as text, so nothing the scan said is lost.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Plan, RestoredText

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
# Documents of Party bodies (Hướng dẫn 36-HD/VPTW) carry this line in the motto's place.
PARTY_MOTTO = ("ĐẢNG CỘNG SẢN VIỆT NAM",)
MAX_FRONT_LINES = 40          # the header block and title fit in the top of the first page
MAX_FRONT_STRAYS = 3          # unrecognised lines tolerated before the title is reached

# the day (or month) may be blank or illegible: a date kept at the precision that is legible
_DATE = re.compile(r"ngay\s*\w{0,4}\s*thang\s*\w{0,4}\s*nam\s*\d{4}")
_NUMBER_LABEL = re.compile(r"^\s*so\b")
_RECIPIENTS = re.compile(r"^\W*noi\s*nhan\b")
# TM. (on behalf of), KT. (deputising), TL., TUQ., Q. (acting): the authority line above the
# title; Party documents write T/M, K/T, T/L.
_AUTHORITY = re.compile(r"^\s*(TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*[.:]?\s+\S", re.IGNORECASE)
_SIGNED = re.compile(r"^\W*\(?\s*(da\s*ky|ky\s*(ten|,|va|ghi)|dong\s*dau)[^)]*\)?\W*$")
_BULLET = re.compile(r"^\s*[-+•–—*]\s*")
# A wide gap, a tab, a table row's " | ", or the start of an authority line inside a cell whose
# lines a table row joined ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH ...")
_COLUMN_GAP = re.compile(r"\s{3,}|\t+|\s\|\s|\s(?=(?:TM|KT|TL|TUQ|Q)\.\s)")
_ANNEX = re.compile(r"^phu luc\b")


def fold(text: str | None) -> str:
    """Compare-form of a text: no diacritics, lower case, letters and digits only."""
    from ..parse.text import fold as fold_chars
    if not text:
        return ""
    return " ".join(re.sub(r"[^\w]+|_", " ", fold_chars(unicodedata.normalize("NFC", text))).split())


def _remove(haystack: str, needle: str) -> str:
    if not needle:
        return haystack
    return re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", " ", haystack)


@dataclass
class Signature:
    authority: list[str] = field(default_factory=list)   # "TM. ỦY BAN NHÂN DÂN"
    titles: list[str] = field(default_factory=list)      # "CHỦ TỊCH", or "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"
    name: str | None = None

    def __bool__(self) -> bool:
        return bool(self.titles or self.name)


@dataclass
class Layout:
    header_block: bool                    # print the two-column header table
    party: bool                           # a Party document: PARTY_MOTTO instead of MOTTO
    front: list[int]                      # lines the header block and title print (1-based)
    front_extra: list[int]                # lines among them that nothing prints: kept as text
    body: range                           # 1-based line numbers of the body
    closing_extra: list[int]              # closing lines that are neither recipients nor signature
    recipients: list[str]
    signature: Signature
    annex: range = range(0)               # 1-based lines of the annexes after the closing (PHỤ LỤC)


def has_header_block(plan: Plan) -> bool:
    h = plan.header
    return any((h.issuer, h.issuer_parent, h.number, h.place, h.date))


class _FrontMatcher:
    """Recognises lines the header block or the title prints."""

    def __init__(self, plan: Plan, header_block: bool):
        h = plan.header
        parts = [plan.title, h.doc_type]
        if header_block:
            parts += [h.issuer, h.issuer_parent, h.number, h.place, *MOTTO, *PARTY_MOTTO]
        self.parts = sorted({fold(p) for p in parts if fold(p)}, key=len, reverse=True)
        self.title = fold(plan.title)
        self.dated = header_block and bool(h.date)
        self.numbered = header_block and bool(h.number)

    def matches(self, text: str) -> tuple[bool, bool]:
        """(is this line printed by the front?, is it (part of) the title?)"""
        n = fold(text)
        if not n:                       # a rule or a stray mark between header lines
            return True, False
        is_title = bool(self.title) and (n in self.title or self.title in n)
        rest = n
        for part in self.parts:
            rest = _remove(rest, part)
        if self.dated:
            rest = _DATE.sub(" ", rest)
        if self.numbered:
            rest = _NUMBER_LABEL.sub(" ", rest)
        rest = " ".join(rest.split())
        if not rest:
            return True, is_title
        if is_title and len(rest) <= 3 and rest[:1] == "v":
            return True, True           # a công văn's "V/v" (or what OCR made of it) before its summary
        # A part the scan broke over two lines ("ỦY BAN NHÂN DÂN" / "XÃ HỢP THỊNH").
        if len(rest) >= 2 and any(f" {rest} " in f" {p} " for p in self.parts):
            return True, is_title or (bool(self.title) and rest in self.title)
        return False, False


def _starts_body(text: str) -> bool:
    from .paragraphs import find_marker
    marker = find_marker(text)
    return (marker is not None and marker.kind in ("roman", "number")) or fold(text).startswith("can cu")


def find_front(plan: Plan, lines: list[str], header_block: bool) -> tuple[list[int], list[int]]:
    """(front lines, unrecognised lines inside the front), as 0-based indexes."""
    matcher = _FrontMatcher(plan, header_block)
    if not matcher.parts:
        return [], []
    recognised, strays = [], []
    title_seen = False
    for i, text in enumerate(lines[:MAX_FRONT_LINES]):
        if not text.strip():
            continue
        ok, is_title = matcher.matches(text)
        if ok and fold(text):
            recognised.append(i)
            title_seen = title_seen or is_title
            continue
        if ok:                          # punctuation only: keep looking
            continue
        if title_seen or _starts_body(text) or len(strays) >= MAX_FRONT_STRAYS:
            break
        strays.append(i)
    if not recognised:
        return [], []
    last = recognised[-1]
    return [i for i in range(last + 1) if i not in strays], [i for i in strays if i < last]


@dataclass
class _Closing:
    start: int                                   # 0-based index of the first closing line
    recipients: list[str] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)
    extra: list[int] = field(default_factory=list)


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() and w.isalpha() for w in words) \
        and not text.isupper()


def _is_title_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(text.split()) <= 6


def _split_signature_parts(text: str, plan: Plan) -> tuple[list[str], str]:
    """Take the plan's signer and signer title out of a line (two-column OCR can merge them
    into a recipients line); returns (the parts found, what is left)."""
    found = []
    for part in (plan.header.signer_title, plan.header.signer):
        for piece in (part or "").split("\n"):
            piece = piece.strip()
            if piece and fold(piece) and piece in text:      # as printed: "CHỦ TỊCH", not "Chủ tịch"
                found.append(piece)
                text = text.replace(piece, " ")
    return found, text


def find_closing(plan: Plan, lines: list[str], body_start: int) -> _Closing:
    n = len(lines)
    half = max(body_start, n // 2)
    recipients_at = next((i for i in range(n - 1, half - 1, -1) if _RECIPIENTS.match(fold(lines[i]))), None)
    end_mark = next((i for i in range(n - 1, half - 1, -1) if "./." in lines[i]), None)
    signer_folds = {fold(p) for p in (plan.header.signer, *(plan.header.signer_title or "").split("\n")) if fold(p)}

    def signature_like(text: str) -> bool:
        f = fold(text)
        return bool(f) and (f in signer_folds or bool(_AUTHORITY.match(text)) or bool(_SIGNED.match(f)))

    if end_mark is not None:
        start = end_mark + 1
    elif recipients_at is not None:
        start = recipients_at
    else:
        start = n
    # Signature lines just above (OCR may read the right column first) or at the very end.
    i = (recipients_at if recipients_at is not None and end_mark is None else start) - 1
    while i >= body_start and (not lines[i].strip() or signature_like(lines[i])):
        i -= 1
    if any(signature_like(lines[j]) for j in range(i + 1, start)):
        start = i + 1
    if start >= n:
        return _Closing(start=n)
    return _classify_closing(plan, lines, start, recipients_at)


def _column_pieces(lines: list[str], start: int):
    """(index, text) of each column of the closing lines: OCR that keeps the layout's spacing
    puts "- UBND huyện;" and "CHỦ TỊCH" on one line, a wide gap apart."""
    for i in range(start, len(lines)):
        for piece in _COLUMN_GAP.split(lines[i].strip()):
            if piece.strip():
                yield i, piece.strip()


def _classify_closing(plan: Plan, lines: list[str], start: int, recipients_at: int | None) -> _Closing:
    closing = _Closing(start=start)
    sig = closing.signature
    recipient_folds = [fold(r) for r in plan.recipients]
    in_recipients = False
    after_title = False
    for i, text in _column_pieces(lines, start):
        found, rest = _split_signature_parts(text, plan)
        if found:
            after_title = True
        rest = rest.strip()
        f = fold(rest)
        if not f:
            continue
        if _RECIPIENTS.match(f):
            in_recipients = True
            rest = re.sub(r"^\W*\w+\s+\w+\s*:?", "", rest).strip()     # drop "Nơi nhận:"
            if not fold(rest):
                continue
            f = fold(rest)
        if _SIGNED.match(f):
            continue
        if _AUTHORITY.match(rest):
            sig.authority.append(rest)
            after_title = True
            continue
        bulleted = bool(_BULLET.match(rest))
        known = any(f and (f in r or r in f) for r in recipient_folds if r)
        if bulleted or known or (in_recipients and closing.recipients and rest[:1].islower()):
            if not bulleted and closing.recipients and rest[:1].islower() and not known:
                closing.recipients[-1] += " " + rest               # a recipient broken over two lines
            else:
                closing.recipients.append(rest)
            in_recipients = True
            continue
        if _is_title_line(rest) and not _is_name(rest):
            sig.titles.append(rest)
            after_title = True
            continue
        if after_title and _is_name(rest) and sig.name is None:
            sig.name = rest
            continue
        if i not in closing.extra:
            closing.extra.append(i)
    return closing


def clean_recipient(text: str) -> str:
    """'- UBND huyện;' -> 'UBND huyện'."""
    return _BULLET.sub("", text).strip().rstrip(";.,").strip()


def find_annex(plan: Plan, lines: list[str], body_start: int) -> int:
    """0-based index of the first line of the annexes (a "PHỤ LỤC" heading, or a table of the
    plan) after "Nơi nhận" and the signature, or len(lines) when there is none."""
    n = len(lines)
    recipients_at = next((i for i in range(n - 1, body_start - 1, -1) if _RECIPIENTS.match(fold(lines[i]))), None)
    if recipients_at is None:
        return n
    first_table = min((t.line - 1 for t in plan.tables if t.line and t.line - 1 > recipients_at), default=n)
    heading = next((i for i in range(recipients_at + 1, n) if _ANNEX.match(fold(lines[i]))
                    and len(lines[i].split()) <= 12), n)
    return min(first_table, heading)


def analyse_layout(plan: Plan, restored: RestoredText) -> Layout:
    lines = [l.text for l in restored.lines]
    header_block = has_header_block(plan)
    front, front_extra = find_front(plan, lines, header_block)
    body_start = (max(front) + 1) if front else 0
    annex_at = find_annex(plan, lines, body_start)
    closing = find_closing(plan, lines[:annex_at], body_start)

    h = plan.header
    signature = Signature(authority=closing.signature.authority)
    if h.signer_title:
        titles = [t.strip() for t in h.signer_title.split("\n") if t.strip()]
        signature.authority = [a for a in signature.authority
                               if not any(fold(a) in fold(t) for t in titles)]
        signature.titles = titles
    else:
        signature.titles = closing.signature.titles
    signature.name = h.signer or closing.signature.name

    sig_folds = {fold(x) for x in (*signature.authority, *signature.titles, signature.name) if x}
    if plan.recipients:
        recipients = [clean_recipient(r) for r in plan.recipients if r and fold(r) not in sig_folds]
    else:
        recipients = [clean_recipient(r) for r in closing.recipients]
    party = any(fold(PARTY_MOTTO[0]) in fold(text) for text in lines[:MAX_FRONT_LINES])
    return Layout(
        header_block=header_block,
        party=party,
        front=[i + 1 for i in front if i not in front_extra],
        front_extra=[i + 1 for i in front_extra],
        body=range(body_start + 1, closing.start + 1),
        closing_extra=[i + 1 for i in closing.extra],
        recipients=[r for r in recipients if r],
        signature=signature,
        annex=range(annex_at + 1, len(lines) + 1),
    )
