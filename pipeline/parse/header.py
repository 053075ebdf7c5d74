"""The header block (Decree 30/2020/NĐ-CP, Articles 8-11) and the signature at the end.

    UBND HUYỆN THANH SƠN                      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG                 Độc lập - Tự do - Hạnh phúc
    Số: 15/KH-UBND                         Đông Phong, ngày 10 tháng 01 năm 2025
                                KẾ HOẠCH
          Thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2025

OCR reads the two columns in any order: one column after the other, or interleaved on one line
("UBND HUYỆN X CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), and may break a name across lines
("ỦY BAN NHÂN" / "DÂN TỈNH ..."). So the header is read as a bag of pieces: the motto is cut
out wherever it is, the number and the place-and-date are found by their shape, and what is left
in capitals is the issuing body (and the body above it).

That is the reading of plain text. When the words have boxes (scans, PDF text layers), the
header and the signature are read by layout instead (header_layout.py), and these text rules
are the fallback. Both use the field readers of header_fields.py (number, date at the precision
that is legible, "V/v" summary of a công văn, capitals re-spelled, the signer's name without rank).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Header
from .header_fields import fix_caps, person_name, read_date, read_number, strip_vv
from .layout import Line, read_marker
from .lexicon import lexicon
from .text import fold, is_upper_text, squash

_NUMBER = re.compile(r"(?<![\w])so\s*[:.;]?\s*(\d[\w.]*(?:\s*[/\-–]\s*[\w.&]+)+)")
# "Số:   /KH-UBND": the number left blank (a draft, a copy made before it was given) or written
# by a hand that OCR lost: the printed part is kept, and the number is unsure
_BLANK_NUMBER = re.compile(r"(?<![\w])so\s*[:.;]?[\s._…]*/\s*[a-z][\w.&]*(?:\s*[/\-–]\s*[\w.&]+)*")
_DATE = re.compile(r"ngay\s*(\S{0,4}?)\s*thang\s*(\S{0,4}?)\s*[.,]?\s*nam\s*((?:19|20)\d\d)")
_OPENING = re.compile(r"^(can cu|kinh gui)")
_DECORATION = re.compile(r"^[\s\-–—_*=~.•]*$")
_BODY_START = re.compile(r"^(can cu|thuc hien|theo|de |nham|tren co so|nam \d{4}|ngay \d|xet |"
                         r"trien khai thuc hien|thuc hien chi|kinh gui|chu tich|uy ban nhan dan)")

HEADER_SCAN = 30            # the header and title lie within the first lines of a document


@dataclass
class HeaderResult:
    header: Header = field(default_factory=Header)
    title: str | None = None
    title_line: int | None = None
    body_start: int = 0         # index into the lines where the body starts
    used: set[int] = field(default_factory=set)    # lines read as header or title (by layout)


def _content(lines: list[Line], start: int, limit: int) -> list[int]:
    out = []
    for i in range(start, min(len(lines), start + limit * 3)):
        if not lines[i].blank and not lines[i].skip:
            out.append(i)
            if len(out) >= limit:
                break
    return out


def _doc_type_of(text: str) -> str | None:
    key = " ".join(fold(text).strip(" .:").split())
    for name in lexicon().doc_type_names:
        if key == fold(name):
            return name
    return None


def _doc_type_with_title(text: str) -> tuple[str, str] | None:
    """"KẾ HOẠCH Phát triển sản xuất năm 2025" on one line: the type in capitals, then the
    summary. ("Kế hoạch xây dựng ..." in lower case is a title, not a type line.)"""
    stripped = text.strip()
    for name in sorted(lexicon().doc_type_names, key=len, reverse=True):
        head = stripped[:len(name)]
        rest = stripped[len(name):]
        if fold(head) == fold(name) and head.isupper() and rest[:1] == " " and rest.strip() \
                and not rest.strip()[:1].isdigit() and not is_upper_text(rest.split()[0], min_letters=2):
            return name, rest.strip()
    return None


def parse_header(lines: list[Line], pages: dict | None = None) -> HeaderResult:
    """The header and title. `pages` (columns.PageWords by page number) when the words have
    boxes: then the header is read by layout, and by these text rules only if that fails."""
    if pages:
        from .header_layout import read_header_layout
        found = read_header_layout(lines, pages)
        if found is not None:
            return HeaderResult(header=found.header, title=found.title, title_line=found.title_line,
                                body_start=found.body_start, used=found.used)
    result = _parse_header_text(lines)
    result.header.summary = result.header.summary or (result.title if result.header.doc_type else None)
    return result


def _parse_header_text(lines: list[Line]) -> HeaderResult:
    lex = lexicon()
    result = HeaderResult()
    first = _content(lines, 0, HEADER_SCAN)
    if not first:
        return result
    doc_type_at = None
    inline_title = None
    for i in first:
        if read_marker(lines[i].text, after_break=True) and lines[i].text.strip()[:1] != "-":
            break                                   # a numbered heading: the body has started
        if _doc_type_of(lines[i].text):
            doc_type_at = i
            break
        both = _doc_type_with_title(lines[i].text)
        if both and i > first[0]:
            doc_type_at, inline_title = i, both
            break
    motto_rx = lex.rx("header", "motto")
    if doc_type_at is not None:
        zone = [i for i in first if i < doc_type_at]
        result.header.doc_type = inline_title[0] if inline_title else _doc_type_of(lines[doc_type_at].text)
        title_from = doc_type_at + 1
    else:
        # No document-type line: the header, if any, is what carries its marks.
        cues = [i for i in first[:15] if motto_rx.search(fold(lines[i].text))
                or _NUMBER.search(fold(lines[i].text)) or _DATE.search(fold(lines[i].text))]
        zone = [i for i in first if cues and i <= cues[-1]]
        title_from = (cues[-1] + 1) if cues else first[0]
    _read_zone(lines, zone, result.header)
    if doc_type_at is None:
        vv = _vv_summary(lines, first)
        if vv is not None:
            summary, last = vv
            result.header.doc_type, result.header.summary = "CÔNG VĂN", summary
            result.title, result.title_line = summary, lines[last[0]].no
            result.body_start = last[-1] + 1
            return result
    if inline_title:
        title, at = inline_title[1], doc_type_at + 1
        # the summary may go on, in lower case, on the next lines
        while at < len(lines) and at <= doc_type_at + 3 and lines[at].text.strip()[:1].islower() \
                and not title.endswith((".", ";", ":")):
            title += " " + lines[at].text.strip()
            at += 1
        result.title, result.title_line, result.body_start = squash(title), lines[doc_type_at].no, at
        return result
    title_idx = _title_lines(lines, title_from, after_doc_type=doc_type_at is not None)
    if title_idx:
        result.title = squash(" ".join(lines[i].text for i in title_idx)).strip(" .")
        result.title_line = lines[title_idx[0]].no
        result.body_start = title_idx[-1] + 1
    else:
        result.body_start = title_from
    return result


def _title_lines(lines: list[Line], start: int, after_doc_type: bool) -> list[int]:
    """The summary line(s) after the document type: one line, or more while they continue it.
    Right after "KẾ HOẠCH" the summary may itself start with "Thực hiện ..."; without a
    document-type line such a line is the body's first sentence."""
    out: list[int] = []
    gap = False
    for i in range(start, min(len(lines), start + 12)):
        line = lines[i]
        if line.skip:
            continue
        text = line.text.strip()
        if not text or _DECORATION.match(text):
            if out:
                gap = True
            continue
        folded = fold(text)
        if not out:
            opening = _OPENING if after_doc_type else _BODY_START
            if opening.match(folded) or len(text.split()) > (80 if after_doc_type else 40) or (
                    read_marker(text, after_break=True) and not text.startswith("-")):
                return []
            out.append(i)
            continue
        prev = lines[out[-1]].text.strip()
        if len(out) >= 4 or gap or prev.endswith((".", ";", ":")) or read_marker(text, after_break=True) \
                or (_BODY_START.match(folded) and not text[:1].islower()):
            break
        if is_upper_text(lines[out[0]].text):
            if not is_upper_text(text):
                break
        elif not (text[:1].islower() or prev.endswith((",", "-", "–"))):
            break
        out.append(i)
    return out


def _read_zone(lines: list[Line], zone: list[int], header: Header) -> None:
    lex = lexicon()
    motto_rx = lex.rx("header", "motto")
    pieces: list[tuple[str, bool]] = []          # (text, is a place fragment candidate)
    place_parts: list[str] = []
    for i in zone:
        text = lines[i].text
        folded = fold(text)
        keep = [True] * len(text)

        def cut(a, b):
            for k in range(a, b):
                keep[k] = False

        for m in motto_rx.finditer(folded):
            cut(m.start(), m.end())
        m = _NUMBER.search(folded) or _BLANK_NUMBER.search(folded)
        reading = read_number(text[m.start():]) if m and header.number is None else None
        if reading is not None:
            header.number, header.code_number, header.code_notation = (
                reading.number, reading.code_number, reading.code_notation)
            if reading.unsure:
                header.unsure.extend(["number", "code_number"])
            cut(m.start(), m.start() + reading.end)
        elif m and header.number is None:
            header.number = lex.repair_number(
                re.sub(r"\s+", "", text[m.start(1):m.end(1)]).rstrip(".,;").replace("–", "-"))
            cut(m.start(), m.end())
        elif re.match(r"^\s*so\s*[:.]?\s*$", folded):
            cut(0, len(text))                    # "Số:" alone; the number is on the next line
            header.number = header.number or ""
        elif header.number == "" and re.match(r"^\s*\d[\w.]*\s*[/\-]", text):
            reading = read_number(text, labelled=False)
            if reading is not None:
                header.number, header.code_number, header.code_notation = (
                    reading.number, reading.code_number, reading.code_notation)
            else:
                header.number = lex.repair_number(re.sub(r"\s+", "", text.strip()).rstrip(".,;"))
            cut(0, len(text))
        d = read_date(text) if header.date is None and _DATE.search(folded) else None
        if d:
            header.date = d.date
            if d.unsure:
                header.unsure.append("date")
            before = "".join(c for k, c in enumerate(text[:d.start]) if keep[k])
            place = squash(before).strip(" ,.")
            # The place is the mixed-case words before "ngày"; capitals before it are the issuer.
            words = place.split()
            split_at = 0
            for k, w in enumerate(words):
                if not (is_upper_text(w, min_letters=1) and len(w) > 1):
                    split_at = k
                    break
            else:
                split_at = len(words)
            if split_at and split_at < len(words):
                pieces.append((" ".join(words[:split_at]), False))
                place = " ".join(words[split_at:])
            elif split_at == len(words) and words:
                pieces.append((place, False))
                place = ""
            place_parts.append(place)
            cut(0, d.end)
        rest = squash("".join(c if keep[k] else " " for k, c in enumerate(text)))
        rest = rest.strip(" *-–—_,.:")
        if not rest:
            continue
        if is_upper_text(rest, min_letters=2):
            pieces.append((rest, False))
        elif header.date is None:
            pieces.append((rest, True))          # a place broken before its date line
    # A place split over two lines ("Thành phố Hồ" / "Chí Minh, ngày ...").
    pending = [p for p, is_place in pieces if is_place]
    if header.date is not None:
        place = squash(" ".join(pending[-1:] + place_parts)).strip(" ,")
        header.place = place or None
    issuers = split_bodies([fix_caps(p) for p, is_place in pieces if not is_place])
    if issuers:
        header.issuer = issuers[-1]
        if len(issuers) > 1:
            header.issuer_parent = issuers[-2]
    if header.number == "":
        header.number = None


def _vv_summary(lines: list[Line], first: list[int]) -> tuple[str, list[int]] | None:
    """A công văn's summary: "V/v ..." near the top (after its number), with the lines that
    continue it, up to "Kính gửi", the body, or a line that ends it."""
    for n, i in enumerate(first[:14]):
        text = lines[i].text
        summary = strip_vv(text)
        if summary is None:
            continue
        parts, used = [summary], [i]
        for j in first[n + 1:n + 4]:
            nxt = lines[j].text.strip()
            folded = fold(nxt)
            if j != used[-1] + 1 or _OPENING.match(folded) or (_BODY_START.match(folded) and not nxt[:1].islower()) \
                    or read_marker(nxt, after_break=True) or parts[-1].rstrip().endswith((".", ";", ":")) \
                    or is_upper_text(nxt) or _NUMBER.search(folded) or _DATE.search(folded):
                break
            parts.append(nxt)
            used.append(j)
        return squash(" ".join(parts)).strip(" .;"), used
    return None


def split_bodies(fragments: list[str]) -> list[str]:
    """Issuing bodies from the capitals of the header: fragments broken mid-name are joined,
    two bodies run together ("UBND HUYỆN X ỦY BAN NHÂN DÂN XÃ Y") are split."""
    lex = lexicon()
    starts = lex.rx("header", "org_start")
    text = squash(" ".join(f for f in fragments if f and f != "*"))
    if not text:
        return []
    folded = fold(text)
    cuts = [0]
    single = {w.lower() for w in lex.words("header", "org_start") if " " not in w}
    for m in starts.finditer(folded):
        at = m.start()
        if at == 0 or at - cuts[-1] < 3:
            continue
        if " " not in m.group(0) and text[m.start():m.end()].lower() not in single:
            continue                            # "PHONG" (a name) is not "PHÒNG" (a department)
        before = folded[cuts[-1]:at].split()
        # Split only after a complete name: an admin unit with its name, or a body's own name,
        # never inside one ("BỘ QUỐC PHÒNG", "ỦY BAN NHÂN DÂN", "... VÀ MÔI TRƯỜNG").
        if len(before) < 2 or before[-1] in ("va", "nhan", "dan", "quoc", "moi", "cac", "ban", "uy", "hoi"):
            continue
        if m.group(0).split()[0] in ("bo", "ban", "hoi", "doan", "truong", "phong", "so", "mat") \
                and not _complete_body(before):
            continue
        cuts.append(at)
    cuts.append(len(text))
    pieces = [text[a:b].strip(" ,") for a, b in zip(cuts, cuts[1:]) if text[a:b].strip(" ,")]
    # a body's name has at least two words: "... XÃ ĐÔNG PHÒNG" (a misread "PHONG") stays whole
    out: list[str] = []
    for piece in pieces:
        if out and len(piece.split()) < 2:
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _complete_body(words: list[str]) -> bool:
    """Does a run of folded words already name a body with its place ("ubnd huyen thanh son")?"""
    admin = {fold(a).split()[0] for a in lexicon().words("header", "admin")}
    return any(w in admin for w in words[:-1]) or words[0] in ("bo", "so", "cuc", "tinh", "huyen")


# --------------------------------------------------------------------------- signature

def is_person_name(text: str) -> bool:
    """"Nguyễn Văn Thành", "LÒ VĂN DŨNG": 2-5 capitalised syllables, nothing else."""
    words = text.strip().split()
    if not 2 <= len(words) <= 5:
        return False
    if any(ch.isdigit() or ch in ",;:()/-" for ch in text):
        return False
    upper_all = all(w.isupper() for w in words)
    return all(w[:1].isupper() and (upper_all or w[1:].islower()) for w in words)


def find_signature(lines: list[Line], start: int, end: int, pages: dict | None = None,
                   skip: set[int] | None = None):
    """The signature block (header_layout.LayoutSignature: signer, title, authority, its lines,
    unsure fields): by layout when the words have boxes (pages: columns.PageWords by page; `skip`:
    the header's lines), else (or when layout finds none) by the text of lines[start:end]."""
    from .header_layout import LayoutSignature, read_signature_layout
    if pages:
        found = read_signature_layout(pages, set(skip or ()) | set(range(start)), end)
        if found is not None:
            return found
    signer, title, used, authority = _signature_text(lines, start, end)
    return LayoutSignature(signer=signer, title=title, authority=authority, lines=used)


def parse_signature(lines: list[Line], start: int, end: int) -> tuple[str | None, str | None, set[int]]:
    """The signer's name and title in lines[start:end] (the end of the document), and the
    indices of the lines that belong to the signature block."""
    signer, title, used, _ = _signature_text(lines, start, end)
    return signer, title, used


def _signature_text(lines: list[Line], start: int, end: int) -> tuple[str | None, str | None, set[int], str | None]:
    lex = lexicon()
    roles_rx = lex.rx("header", "role")
    prefix_rx = lex.rx("header", "sign_prefix")
    used: set[int] = set()
    title_at = None
    title = None
    for i in range(end - 1, max(start, end - 30) - 1, -1):
        text = lines[i].text.strip()
        if not text:
            continue
        folded = fold(text)
        found = list(roles_rx.finditer(folded))
        if not found:
            continue
        last = found[-1]
        whole = not folded[:found[0].start()].strip(" .:") and last.end() >= len(folded.rstrip(" .:"))
        # OCR may run the title into a recipient's line: "- UBND huyện; CHỦ TỊCH"
        at_end = last.end() >= len(folded.rstrip(" .:")) and is_upper_text(text[last.start():last.end()])
        if is_upper_text(text) or prefix_rx.search(folded) or whole or at_end:
            title_at = i
            title = squash(text[last.start():last.end()])
            break
    if title_at is None:
        return None, None, used, None
    from .header_layout import role_line
    title = fix_caps(title)
    # the lines above the title that belong to it ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    if not lines[title_at].text.lstrip().startswith(("-", "+", "–", "•")):
        used.add(title_at)
    authority: list[str] = []
    own = role_line(lines[title_at].text)
    if own and own[0]:
        authority.append(f"{own[0]} {own[1]}")
    for i in range(title_at - 1, max(start, title_at - 4) - 1, -1):
        text = lines[i].text.strip()
        if not text:
            continue
        folded = fold(text)
        if prefix_rx.match(folded.lstrip()) or (is_upper_text(text) and not text.startswith(("-", "+"))
                                                 and len(text.split()) <= 8):
            used.add(i)
            above = role_line(text)
            if above and above[0]:
                authority.insert(0, f"{above[0]} {above[1]}")
        else:
            break
    signer = None
    for i in range(title_at + 1, min(end, title_at + 8)):
        text = lines[i].text.strip()
        if not text:
            continue
        name = person_name(text)
        if name:
            signer = name
            used.add(i)
            break
        if is_upper_text(text) or fold(text).startswith("(da ky"):
            used.add(i)                 # "PHÓ CHỦ TỊCH" below "KT. CHỦ TỊCH", "(Đã ký)"
    return signer, title, used, " ".join(authority) or None
