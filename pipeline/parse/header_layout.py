"""The header block and the signature block read by layout, from the word boxes (columns.py).

    left column                                right column
    UBND TỈNH X              (issuer_parent)   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    SỞ Y TẾ                  (issuer)          Độc lập - Tự do - Hạnh phúc
    Số: 15/SYT-VP            (number)          X, ngày 10 tháng 01 năm 2025   (place, date)
    V/v tăng cường ...       (summary of a công văn)
                         KẾ HOẠCH / QUYẾT ĐỊNH / ...  (type, across the page)
                         title lines                  (summary)
    ...
    Nơi nhận:                                  KT. GIÁM ĐỐC      (authority)
    - ...;                                     PHÓ GIÁM ĐỐC      (signer_title)
                                               Nguyễn Văn A      (signer)

The right column starts where the motto starts, or where the place before "ngày" starts, or,
with neither, a little left of the middle of the text; a row that holds both columns is cut at
its gap there (or at the motto, which OCR may run into the issuer with no gap at all). The
header ends at the type word, at "Kính gửi", at the first line of the body, or at a row that
runs across both columns. The signature is the lowest right-column block of titles on the last
page that has one, with the first name below it.

A document whose words have no boxes (a text input) is read by the text rules of header.py.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Header
from .columns import PageWords, Segment, Word, row_text, split_row, word_at
from .header_fields import (DOUBT_CONFIDENCE, doc_type_name, fix_caps, in_field_order, person_name,
                            place_before, read_date, read_number, strip_vv)
from .layout import Line, read_marker
from .lexicon import lexicon
from .text import fold, is_upper_text, squash

_STOP = re.compile(r"^\W*(kinh\s*g[uư]i|can\s*cu|xet\s+de\s+nghi|noi\s+nhan)")
# The header and title lie in the top part of the first page: its first rows, or its upper half
# (a page cropped to its text, a phone photo, may hold little else)
HEADER_DEPTH = 0.55
HEADER_ROWS = 16


@dataclass
class LayoutHeader:
    header: Header
    title: str | None = None
    title_line: int | None = None
    body_start: int = 0
    used: set[int] = field(default_factory=set)        # lines read as header or title


@lru_cache(maxsize=1)
def _motto_start() -> re.Pattern:
    """The first two words of each motto phrase, spaces optional (OCR glues "Độclập-Tựdo-")."""
    starts = set()
    for phrase in lexicon().words("header", "motto"):
        words = fold(phrase).split()[:2]
        starts.add(r"\s*".join(re.escape(w) for w in words))
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(starts, key=len, reverse=True)) + ")")


@lru_cache(maxsize=1)
def _motto_any() -> re.Pattern:
    """Any word pair of the motto (a piece of it on its own: "Hạnh phúc", "Tự do -")."""
    pairs = set()
    for phrase in lexicon().words("header", "motto"):
        words = [w for w in fold(phrase).split() if w.isalpha()]
        for a, b in zip(words, words[1:]):
            pairs.add(re.escape(a) + r"\s*[-–]?\s*" + re.escape(b))
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(pairs, key=len, reverse=True)) + ")")


def _numbered(text: str) -> bool:
    """Does the line open a numbered part of the body ("I.", "1.", "a)"; not a dash)?"""
    found = read_marker(text, after_break=True)
    return found is not None and found[0].style not in ("dash", "plus")


def _clean_piece(text: str) -> str:
    """A piece of the issuer without the marks around it (a rule "_", a stray "`", a dot)."""
    words = [w for w in text.split() if any(c.isdigit() or unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lo")
                                            for c in w)]   # not "ˆ", a modifier letter
    return " ".join(words).strip(" .,;:*-–—_")


def _is_junk(text: str) -> bool:
    """A rule, a star, a stray mark: fewer than two letters."""
    return sum(c.isalpha() for c in text) < 2


def _doubted(words: list[Word]) -> bool:
    confs = [w.conf for w in words if w.conf is not None and sum(c.isalpha() or c.isdigit() for c in w.text) >= 2]
    return bool(confs) and min(confs) < DOUBT_CONFIDENCE


# --------------------------------------------------------------------------- header


def _right_start(row: list[Word], page: PageWords) -> int | None:
    """The index of the word where the right column starts in a row that holds the motto or a
    place and date; None when the row has neither."""
    text = row_text(row)
    folded = fold(text)
    m = _motto_start().search(folded)
    if m:
        return word_at(row, m.start())
    d = read_date(text)
    if d is None:
        return None
    at = word_at(row, d.start)
    # the place starts after the widest gap before "ngày", in the right part of the page
    best, best_gap = at, -1.0
    for k in range(1, at + 1):
        if row[k].centre < page.at(0.3):
            continue
        gap = row[k].box.x0 - row[k - 1].box.x1
        if gap > best_gap:
            best, best_gap = k, gap
    if best_gap < 0:
        return 0 if row[0].centre >= page.at(0.3) else at
    return best


def read_header_layout(lines: list[Line], pages: dict[int, PageWords]) -> LayoutHeader | None:
    """The header of the first page that has word boxes, or None (no boxes, or nothing that
    looks like a Decree 30 header)."""
    if not pages:
        return None
    page = pages[min(pages)]
    if sum(len(r) for r in page.rows) < 5:
        return None
    rows = [r for k, r in enumerate(page.rows)
            if k < HEADER_ROWS or (r[0].box.y0 + r[-1].box.y1) / 2 < page.height * HEADER_DEPTH]
    # where the right column starts: the motto, and the place of the first date (later dates
    # are the body's)
    starts: dict[int, int | None] = {}
    dated = False
    for r in rows:
        if dated and not _motto_start().search(fold(row_text(r))):
            starts[id(r)] = None
            continue
        starts[id(r)] = _right_start(r, page)
        dated = dated or (starts[id(r)] is not None and read_date(row_text(r)) is not None)
    anchors = [r[k].box.x0 for r in rows for k in [starts[id(r)]] if k is not None]
    anchors = [x for x in anchors if x >= page.at(0.25)]
    boundary = (min(anchors) - 0.01 * page.frame_width) if anchors else page.at(0.45)

    left: list[Segment] = []
    right: list[Segment] = []
    used: set[int] = set()
    type_row: list[Word] | None = None
    seen_anchor = False
    for row in rows:
        text = row_text(row)
        folded = fold(text).strip()
        if _is_junk(text):
            used.add(row[0].line)
            continue
        if (doc_type_name(text) or _type_with_title(text)) and _centred(row, page) and (seen_anchor or left or right):
            type_row = row              # the type word stands centred under the two columns
            break
        if _STOP.match(folded) or (_numbered(text) and (seen_anchor or left)):
            break
        segments = split_row(row, boundary, page, cut=starts[id(row)])
        if any(s.side == "full" for s in segments) and (seen_anchor or len(left) >= 2):
            break
        for s in segments:
            if s.side == "right":
                right.append(s)
            else:
                left.append(s)
        seen_anchor = seen_anchor or starts[id(row)] is not None
        used.update(w.line for w in row)
    if not (seen_anchor or any(read_number(s.text) for s in left)):
        return None

    header = Header()
    unsure: list[str] = []
    left.sort(key=lambda s: s.top)
    right.sort(key=lambda s: s.top)
    summary_lines = _read_left(left, header, unsure, page)
    _read_right(right + [s for s in left if read_date(s.text)], header, unsure)

    result = LayoutHeader(header=header, used=used)
    if type_row is not None:
        used.update(w.line for w in type_row)
        inline = _type_with_title(row_text(type_row))
        header.doc_type = inline[0] if inline else doc_type_name(row_text(type_row))
        title_rows = _title_rows(page, type_row, inline[1] if inline else None)
        if title_rows:
            result.title = squash(" ".join(t for t, _ in title_rows)).strip(" .")
            result.title_line = lines[title_rows[0][1]].no if title_rows[0][1] < len(lines) else None
            used.update(li for _, li in title_rows)
        header.summary = result.title
    elif summary_lines is not None:
        header.doc_type = "CÔNG VĂN"
        header.summary = summary_lines[0]
        result.title = summary_lines[0]
        result.title_line = lines[summary_lines[1]].no if summary_lines[1] < len(lines) else None
    header.unsure = in_field_order(unsure)
    result.body_start = (max(used) + 1) if used else 0
    if result.title is None:
        # no type word (or no centred title under it): the title is read as in text
        from .header import _title_lines
        title_idx = _title_lines(lines, result.body_start, after_doc_type=type_row is not None)
        if title_idx:
            result.title = squash(" ".join(lines[i].text for i in title_idx)).strip(" .")
            result.title_line = lines[title_idx[0]].no
            result.body_start = title_idx[-1] + 1
            if type_row is not None:
                header.summary = result.title
    return result


def _centred(row: list[Word], page: PageWords) -> bool:
    """Does the row stand in the middle of the text (a type word, a title)?"""
    centre = (page.frame[0] + page.frame[1]) / 2
    return abs((row[0].box.x0 + row[-1].box.x1) / 2 - centre) <= 0.2 * page.frame_width


def _type_with_title(text: str) -> tuple[str, str] | None:
    from .header import _doc_type_with_title
    return _doc_type_with_title(text)


def _read_left(left: list[Segment], header: Header, unsure: list[str], page: PageWords) -> tuple[str, int] | None:
    """Issuer and parent, number, and a V/v summary from the left column, top-down. Returns the
    summary and the line it starts on, when there is one."""
    from .header import split_bodies
    bodies: list[Segment] = []
    number_at = None
    for k, s in enumerate(left):
        reading = read_number(s.text, confidences=s.confidences)
        if reading is not None:
            header.number, header.code_number, header.code_notation = (
                reading.number, reading.code_number, reading.code_notation)
            if reading.unsure:
                unsure.extend(["number", "code_number"])
            number_at = k
            break
        if _is_junk(s.text):
            continue
        if is_upper_text(s.text, min_letters=2):
            bodies.append(s)
    if number_at is None:
        # no "Số:" found: the issuer is what is in capitals at the top of the left column
        bodies = [s for s in left if is_upper_text(s.text, min_letters=2) and not _is_junk(s.text)]
        bodies = bodies[:4]
    pieces = [fix_caps(_clean_piece(s.text)) for s in bodies]
    found = split_bodies(pieces)
    if found:
        header.issuer = found[-1]
        if len(found) > 1:
            header.issuer_parent = found[-2]
        if _doubted([w for s in bodies for w in s.words]):
            unsure.append("issuer")
    if number_at is None:
        return None
    # the summary of a công văn: "V/v ..." under the number, and its continuation lines
    below = [s for s in left[number_at + 1:] if not _is_junk(s.text)]
    if not below:
        return None
    first = below[0]
    pitch = 2.2 * page.letter_height
    if first.top - left[number_at].box.y1 > 3 * pitch:
        return None
    text = strip_vv(first.text, loose=True)
    if text is None:
        return None
    parts, prev = [text], first
    for s in below[1:]:
        if s.top - prev.box.y1 > pitch or is_upper_text(s.text) and not is_upper_text(text):
            break
        parts.append(s.text)
        prev = s
    summary = squash(" ".join(parts)).strip(" .;")
    if _doubted([w for w in first.words[1:]]):
        unsure.append("summary")
    return summary, first.line


def _read_right(right: list[Segment], header: Header, unsure: list[str]) -> None:
    """Place and date from the right column (the motto and stray marks are passed over)."""
    for s in right:
        text = s.text
        reading = read_date(text, confidences=s.confidences)
        if reading is None:
            continue
        header.date = reading.date
        if reading.unsure:
            unsure.append("date")
        before = text[:reading.start]
        cut = _motto_any().search(fold(before))
        if cut:                         # the motto's tail run into the place
            before = before[cut.end():]
        place = place_before(before)
        if place and len(place.split()) <= 6:
            header.place = place
            words = [w for w in s.words if w.box.x0 < s.words[word_at(s.words, reading.start)].box.x0]
            if _doubted(words):
                unsure.append("place")
        return


def _title_rows(page: PageWords, type_row: list[Word], inline: str | None) -> list[tuple[str, int]]:
    """The title under the type word: the rows just below it, centred, until a gap, a body
    opening or a numbered heading."""
    out: list[tuple[str, int]] = []
    if inline:
        out.append((inline, type_row[0].line))
    rows = page.rows
    at = next((k for k, r in enumerate(rows) if r is type_row), None)
    if at is None:
        return out
    pitch = 2.2 * page.letter_height
    prev_bottom = max(w.box.y1 for w in type_row)
    centre = (page.frame[0] + page.frame[1]) / 2
    for row in rows[at + 1:]:
        text = row_text(row)
        if _is_junk(text):
            continue
        top = min(w.box.y0 for w in row)
        if top - prev_bottom > 1.4 * pitch or len(out) >= 4:
            break
        folded = fold(text).strip()
        if _STOP.match(folded) or _numbered(text):
            break
        mid = (row[0].box.x0 + row[-1].box.x1) / 2
        if abs(mid - centre) > 0.15 * page.frame_width or row[-1].box.x1 - row[0].box.x0 > 0.9 * page.frame_width:
            break                       # not centred, or from margin to margin: the body has started
        if out and out[-1][0].rstrip().endswith((".", ";")):
            break
        out.append((text, row[0].line))
        prev_bottom = max(w.box.y1 for w in row)
    return out


# --------------------------------------------------------------------------- signature


@dataclass
class LayoutSignature:
    signer: str | None = None
    title: str | None = None
    authority: str | None = None
    lines: set[int] = field(default_factory=set)       # lines that are only signature
    cut: dict[int, int] = field(default_factory=dict)   # line -> word where its signature part starts
    unsure: list[str] = field(default_factory=list)


_PREFIX = re.compile(r"^\s*(tm|t/m|t\.m|kt|k/t|tl|t/l|tuq|q|thay\s+mat|ky\s+thay|thua\s+lenh|thua\s+uy\s+quyen)"
                     r"\s*[.,:]?\s+(?=\S)")
_PREFIX_SPELLING = {"tm": "TM.", "t/m": "TM.", "t.m": "TM.", "kt": "KT.", "k/t": "KT.", "tl": "TL.", "t/l": "TL.",
                    "tuq": "TUQ.", "q": "Q."}


@lru_cache(maxsize=1)
def _role_rx() -> re.Pattern:
    return lexicon().rx("header", "role")


def role_line(text: str) -> tuple[str | None, str] | None:
    """(prefix, the rest) for a line of the signature's titles: "KT. GIÁM ĐỐC" -> ("KT.", "GIÁM ĐỐC"),
    "PHÓ CHỦ TỊCH" -> (None, "PHÓ CHỦ TỊCH"); None for anything else."""
    core = text.strip(" .,:;*_-–—'\"`‘’")
    if not core or not is_upper_text(core, min_letters=2) or len(core.split()) > 9:
        return None
    folded = fold(core)
    m = _PREFIX.match(folded)
    if m:
        key = re.sub(r"\s+", " ", m.group(1))
        prefix = _PREFIX_SPELLING.get(key, core[:m.end(1)].upper().rstrip(".") + ".")
        rest = fix_caps(core[m.end():].strip())
        if key == "q" and not _role_rx().search(fold(rest)):
            return None                 # "Q." only before an office ("Q. GIÁM ĐỐC")
        return prefix, rest
    r = _role_rx().search(folded)
    if r and len(folded[:r.start()].strip(" .,:;")) <= 2 and len(folded[r.end():].strip(" .,:;")) <= 2:
        return None, fix_caps(core)
    return None


def read_signature_layout(pages: dict[int, PageWords], skip: set[int], end: int) -> LayoutSignature | None:
    """The signature block: on the last page that has one, the lowest run of title lines in the
    right column, and the name below it. Lines in `skip` (the header) and from `end` on (an
    annex) are not looked at."""
    last_page: tuple[list, list[Segment]] | None = None
    for number in sorted(pages, reverse=True):
        page = pages[number]
        rows = [r for r in page.rows if r[0].line not in skip and r[0].line < end]
        if not rows:
            continue
        boundary = page.at(0.4)
        segs: list[Segment] = []
        for row in rows:
            segs.extend(s for s in split_row(row, boundary, page) if s.side == "right")
        segs.sort(key=lambda s: s.top)
        last_page = last_page or (rows, segs)
        titles = [k for k, s in enumerate(segs) if role_line(s.text)]
        if not titles:
            continue
        found = _signature_at(segs, titles, page)
        if found is None:
            continue
        return _mark_lines(found[0], found[1], rows)
    if last_page is None:
        return None
    # No title anywhere (a seal or a signature drawn over it, lost by OCR): the name alone, the
    # lowest of the right column on the last page, marked unsure with the title missing.
    rows, segs = last_page
    for s in reversed(segs):
        name = person_name(s.text)
        if name:
            return _mark_lines(LayoutSignature(signer=name, unsure=["signer"]), [s], rows)
        if len(s.text.split()) > 6:
            break                       # body text: the signature is not down here
    return None


def _mark_lines(found: LayoutSignature, used: list[Segment], rows: list[list[Word]]) -> LayoutSignature:
    """The lines the signature has wholly (`lines`), and where it starts on lines it shares with
    the recipients opposite (`cut`)."""
    for s in used:
        row = next(r for r in rows if r[0].line == s.line)
        if s.words[0] is row[0]:
            found.lines.add(s.line)
        else:
            found.cut[s.line] = s.words[0].index
    return found


def _signature_at(segs: list[Segment], titles: list[int], page: PageWords) -> tuple[LayoutSignature, list[Segment]] | None:
    pitch = 2.2 * page.letter_height
    # the lowest run of title lines (a block: each within about a line of the one above)
    last = titles[-1]
    block = [last]
    k = last - 1
    while k >= 0 and k in titles and segs[block[0]].top - segs[k].box.y1 <= pitch:
        block.insert(0, k)
        k -= 1
    result = LayoutSignature()
    parts = [role_line(segs[k].text) for k in block]
    authority = [f"{p} {rest}".strip() for p, rest in parts if p]
    own = [rest for p, rest in parts if not p]
    result.authority = " ".join(authority) or None
    result.title = own[-1] if own else None
    used = [segs[k] for k in block]
    bottom = segs[block[-1]].box.y1
    for s in segs[block[-1] + 1:]:
        if s.top - bottom > 14 * pitch:
            break
        name = person_name(s.text)
        if name:
            result.signer = name
            used.append(s)
            if _doubted(s.words):
                result.unsure.append("signer")
            break
    if result.title is None and result.authority is None:
        return None
    if any(_doubted(segs[k].words) for k in block):
        result.unsure.append("signer_title")
    return result, used
