"""Readers of the single fields of a header and a signature block, shared by the reading by
layout (header_layout.py, scans and PDF text layers) and the reading of plain text (header.py).

Each reader takes the text of one piece (a column's line, a run of lines) and says how sure it
is: a handwritten number that OCR read as `46†` or `5?AD`, a day read as `,g`, a word Tesseract
itself doubted. What cannot be read is left out and said so, never guessed, and never taken
from elsewhere (a date of the body is not the header's date):

    read_number("Số: 46† /TTg-CĐS")  -> number "/TTg-CĐS", code_number None, unsure
    read_date("Hà Nội, ngày ,g tháng 10 năm 2023") -> "2023-10", unsure

Upper-case lines keep the tone slips of OCR (`THÀNH PHÓ`, `GIÁM ĐÓC`) until restoration handles
capitals; `fix_caps` puts back the spelling of the header's closed vocabulary (bodies, offices,
administrative units: dictionaries/header_words.tsv, organisations.tsv), phrase by phrase, only for phrases of two words or more whose letters
without marks are those of exactly one spelling, and never right after an administrative unit
("XÃ ...", where a proper name stands) - so a name is not "corrected".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import lexicon
from .text import fold, is_upper_text, iso_date, squash

# "Số", as printed and as OCR leaves it ("S&", "Sô", "S6", "S0"), then ":" or "." or nothing.
_LABEL = re.compile(r"^\s*[sS5][oOôÔốỐ0-9&?]?\s*[:.;,]?\s*(?=\S)")
_LABEL_ALONE = re.compile(r"^\s*[sS][oOôÔốỐ0&]?\s*[:.;,]?\s*$")
# A notation: letter codes joined by "-" and "/" (KH-UBND, SGDĐT-CTrTT, KH/ĐU, TTr-CAT-PC06),
# perhaps after a year (2023/NĐ-CP).
_NOTATION = re.compile(r"(?:(?:19|20)\d\d/)?[A-ZĐÐ][A-Za-zĐđÐð0-9&.]*(?:[/\-–][A-Za-zĐđÐð0-9&.]+)*")
# What a hand writes for a digit, read as a letter by OCR: mapped only when every other
# character of the number is a digit, and the reading is marked unsure.
_HAND_DIGITS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                              "!": "1", "i": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8",
                              "g": "9", "q": "9", "G": "6", "b": "6"})
# Tesseract's word confidence (0-100) under which a number, a day or a name is doubted. Print
# that Tesseract reads well scores 85-96; handwriting and damaged print fall below 60.
DOUBT_CONFIDENCE = 60.0


FIELD_ORDER = ["doc_type", "number", "code_number", "code_notation", "date", "place", "issuer", "issuer_parent",
               "summary", "signer", "signer_title", "authority"]


def in_field_order(fields) -> list[str]:
    """Header field names, each once, in the order of the header (for `Header.unsure`)."""
    found = set(fields)
    return [f for f in FIELD_ORDER if f in found]


@dataclass
class NumberReading:
    number: str | None          # whole: "15/KH-UBND", or the printed part "/KH-UBND"
    code_number: str | None     # "15"
    code_notation: str | None   # "KH-UBND"
    unsure: bool = False
    end: int = 0                # where the number ends in the text it was read from


def _squeeze_joins(text: str) -> str:
    """"1906 /SGDĐT- CTrTT" -> "1906/SGDĐT-CTrTT": OCR puts spaces around the joins."""
    return re.sub(r"\s*([/\-–])\s*", r"\1", text)


def read_number(text: str, *, labelled: bool = True, confidences: list[float | None] | None = None
                ) -> NumberReading | None:
    """The document's number in a piece of the header's left column ("Số: 15/KH-UBND"). With
    `labelled`, the piece must start with "Số" (or what OCR made of it); the number itself may
    be handwritten and unreadable: then only the printed notation is kept, and it is unsure.
    `confidences`: Tesseract's confidence of each word of `text`, when known."""
    m = _LABEL.match(text)
    if m and not fold(text[:m.end()]).strip().startswith("s"):
        m = None
    if m is None and labelled:
        return None
    rest = text[m.end():] if m else text
    squeezed = _squeeze_joins(rest.strip())
    token = squeezed.split()[0] if squeezed.split() else ""
    # the notation starts at the first join followed by a letter code (or a year and a code)
    at = None
    for j in re.finditer(r"[/\-–]", token):
        if _NOTATION.match(token, j.end()):
            at = j
            break
    if at is None:
        # "Số: 15/KH" without a notation of the usual shape, or no number at all
        return None
    raw_number, notation = token[:at.start()], _NOTATION.match(token, at.end()).group(0)
    # Đ read twice (as Đ and as an eth, "QĐÐ"): no code has two Đ in a row
    notation = re.sub("Đ{2,}", "Đ", notation.translate(_ETH))
    notation = lexicon().repair_number(notation.rstrip(".,;:"))
    if at.group(0) == "-" and "/" not in notation and not raw_number:
        return None
    sep = "-" if at.group(0) in "-–" else "/"
    start = m.end() if m else 0
    end = _end_of_token(text, start)
    code_number, unsure = _read_digits(raw_number)
    if code_number is not None and _doubted(text, start, end, confidences, digits_only=False):
        unsure = True                   # digits, but Tesseract doubted them (a hand, a stain)
    number = f"{code_number or ''}{sep}{notation}"
    return NumberReading(number=number, code_number=code_number, code_notation=notation,
                         unsure=unsure or code_number is None, end=end)


_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


def _end_of_token(text: str, start: int) -> int:
    """The offset just past the number-and-notation that starts at or after `start` (its parts
    may be spaced: "1906 /SGDĐT-CTrTT")."""
    m = re.match(r"\s*\S*(?:\s*[/\-–]\s*\S+)*", text[start:])
    return start + (m.end() if m else 0)


def _read_digits(raw: str) -> tuple[str | None, bool]:
    """(the number, unsure?) from what OCR read where the number is written. Empty: none
    (a blank left for a hand, or a hand faded away)."""
    raw = raw.strip(" .,:;'\"‘’`")
    if not raw:
        return None, True
    if re.fullmatch(r"\d{1,6}[a-z]?", raw):
        return raw, False
    mapped = raw.translate(_HAND_DIGITS)
    if re.fullmatch(r"\d{1,6}", mapped) and sum(c.isdigit() for c in raw) >= len(raw) / 2:
        return mapped, True
    return None, True


# --------------------------------------------------------------------------- dates

# "ngày 26 tháng 7 năm 2020", with what OCR does to it: glued ("ngày30", "26tháng"), a
# handwritten day read as junk (",g", "—") or left blank. Day and month are read apart.
_HEADER_DATE = re.compile(r"(?<![^\W\d_])ngay\s*(?P<d>[^\s]{0,4}?)\s*thang\s*(?P<m>[^\s]{0,4}?)\s*[.,]?\s*"
                          r"nam\s*(?P<y>(?:19|20)\d\d)(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<![^\W\d_])ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*((?:19|20)\d\d)(?!\d)")


@dataclass
class DateReading:
    date: str | None            # ISO at the precision that is legible
    unsure: bool
    start: int                  # where "ngày" starts in the text
    end: int


def _part(raw: str, low: int, high: int) -> tuple[int | None, bool]:
    """A day or a month as read: (value, read cleanly?)."""
    core = raw.strip(" .,:;'\"‘’`_-—–")
    if re.fullmatch(r"\d{1,2}", core) and low <= int(core) <= high:
        return int(core), core == raw.strip()
    mapped = core.translate(_HAND_DIGITS)
    if core and re.fullmatch(r"\d{1,2}", mapped) and low <= int(mapped) <= high \
            and sum(c.isdigit() for c in core) >= len(core) / 2:
        return int(mapped), False
    return None, False


def read_date(text: str, *, confidences: list[float | None] | None = None) -> DateReading | None:
    """The first "ngày ... tháng ... năm ..." of `text`. A day (or month) that cannot be read
    gives a date at the precision that can ("2023-10", "2023"), marked unsure; a day read with
    low OCR confidence (handwriting) is kept and marked unsure."""
    folded = fold(text)
    m = _NUMERIC_DATE.search(folded)
    if m:
        iso = iso_date(m.group(1), m.group(2), m.group(3))
        if iso:
            return DateReading(iso, False, m.start(), m.end())
    m = _HEADER_DATE.search(folded)
    if not m:
        return None
    year = int(m.group("y"))
    month, month_clean = _part(m.group("m"), 1, 12)
    day, day_clean = _part(m.group("d"), 1, 31)
    doubted = _doubted(text, m.start(), m.end(), confidences)
    if month is None:
        return DateReading(f"{year:04d}", True, m.start(), m.end())
    if day is None:
        return DateReading(f"{year:04d}-{month:02d}", True, m.start(), m.end())
    iso = iso_date(day, month, year)
    if iso is None:
        return DateReading(f"{year:04d}-{month:02d}", True, m.start(), m.end())
    return DateReading(iso, not (day_clean and month_clean) or doubted, m.start(), m.end())


def _doubted(text: str, start: int, end: int, confidences, *, digits_only: bool = True) -> bool:
    """Is a word of text[start:end] (one holding a digit, with `digits_only`) below the doubt
    confidence? `confidences` has one entry per whitespace-separated word of `text`."""
    if not confidences:
        return False
    for k, w in enumerate(re.finditer(r"\S+", text)):
        if w.end() <= start or w.start() >= end or k >= len(confidences):
            continue
        c = confidences[k]
        if c is not None and c < DOUBT_CONFIDENCE and (not digits_only or any(ch.isdigit() for ch in w.group(0))):
            return True
    return False


def place_before(text: str) -> str | None:
    """The place of "Đà Nẵng, ngày ...": the words before "ngày", without stray marks."""
    place = squash(text).strip(" ,.;:-–—_*'\"`‘’")
    place = re.sub(r"^[^\w]+", "", place)
    return place or None


# --------------------------------------------------------------------------- V/v

# "V/v" (về việc) as printed and as OCR reads it: "V/v", "V/V", "V/v:", "Vlv", "V.v".
_VV_STRICT = re.compile(r"^\s*[Vv]\s*[/|lI1.]\s*[vVyY]\s*[:.]?\s+(?=\S)")
# Under the number in the left column, where nothing else starts a line, a short token
# starting with V is the V/v whatever OCR made of it ("Vị", "Ví", "VW").
_VV_LOOSE = re.compile(r"^\s*[Vv]\S{0,2}\s+(?=\S)")


def strip_vv(text: str, *, loose: bool = False) -> str | None:
    """The summary after a V/v mark, or None when the text does not start with one."""
    m = _VV_STRICT.match(text) or (_VV_LOOSE.match(text) if loose else None)
    if not m:
        return None
    rest = text[m.end():].strip()
    return rest or None


# --------------------------------------------------------------------------- capitals

@lru_cache(maxsize=1)
def _caps_phrases() -> dict[tuple[str, ...], str]:
    """Folded words -> the upper-case spelling, for the phrases of two or more words of the
    header's vocabulary whose folded form has a single spelling."""
    lex = lexicon()
    phrases: list[str] = []
    for kind in ("org_start", "admin", "role", "motto", "name"):
        phrases.extend(lex.words("header", kind))
    # not the document kinds: "PHƯƠNG ÁN" would take "PHƯỜNG AN BÌNH" (they are matched whole,
    # by doc_type_name, on their own line)
    phrases.extend(p for label, p in lex.organisations if label in ("ORG", "ROLE"))
    out: dict[tuple[str, ...], str] = {}
    clash: set[tuple[str, ...]] = set()
    for p in phrases:
        words = p.replace(",", " ").split()
        if len(words) < 2 or not all(re.fullmatch(r"[^\W\d_]+", w) for w in words):
            continue
        key = tuple(fold(w) for w in words)
        upper = " ".join(w.upper() for w in words)
        if key in out and _bare_tone(out[key]) != _bare_tone(upper):
            clash.add(key)
        out.setdefault(key, upper)
    for key in clash:
        del out[key]
    return out


def _bare_tone(text: str) -> str:
    """"HOÀ" and "HÒA" are one spelling with the tone placed two ways."""
    from ..restore.vietnamese import normalise_text
    return normalise_text(text.lower())


def fix_caps(text: str) -> str:
    """Upper-case header text with the spelling of the header vocabulary put back where OCR slipped
    a mark ("UBND THÀNH PHÓ ĐÀ NẴNG" -> "UBND THÀNH PHỐ ĐÀ NẴNG", "GIÁM ĐÓC" -> "GIÁM ĐỐC").
    Text that is not in capitals comes back as it is."""
    if not text or not is_upper_text(text, min_letters=2):
        return text
    text = split_glued(text)
    phrases = _caps_phrases()
    longest = max((len(k) for k in phrases), default=0)
    tokens = list(re.finditer(r"\S+", text))
    cores = [re.match(r"^([^\w]*)([\w]+)([^\w]*)$", t.group(0)) for t in tokens]
    out = [t.group(0) for t in tokens]
    admin_last = {fold(a).split()[-1] for a in lexicon().words("header", "admin")}
    i = 0
    while i < len(tokens):
        done = False
        if i and cores[i - 1] is not None and fold(cores[i - 1].group(2)) in admin_last:
            i += 1                      # after "XÃ", "TỈNH" ... comes a proper name: kept as read
            continue
        for n in range(min(longest, len(tokens) - i), 1, -1):
            parts = cores[i:i + n]
            if any(p is None for p in parts):
                continue
            if any(p.group(3) for p in parts[:-1]) or any(p.group(1) for p in parts[1:]):
                continue            # punctuation inside: not one phrase
            key = tuple(fold(p.group(2)) for p in parts)
            spelling = phrases.get(key)
            if spelling is None:
                continue
            for k, (p, w) in enumerate(zip(parts, spelling.split())):
                if p.group(2).isupper():
                    out[i + k] = p.group(1) + w + p.group(3)
            i += n
            done = True
            break
        if not done:
            i += 1
    # rebuild with the original spacing
    pieces, pos = [], 0
    for t, new in zip(tokens, out):
        pieces.append(text[pos:t.start()] + new)
        pos = t.end()
    return "".join(pieces) + text[pos:]


# --------------------------------------------------------------------------- signer

@lru_cache(maxsize=1)
def _rank_rx() -> re.Pattern:
    ranks = sorted(lexicon().words("header", "rank"), key=len, reverse=True)
    alts = "|".join(r"\s*".join(re.escape(c) for c in fold(r).replace(" ", "")) if "." in r
                    else r"\s+".join(re.escape(w) for w in fold(r).split()) for r in ranks)
    return re.compile(r"^\s*(?:(?:" + alts + r")(?:\s+|(?<=\.)|$))+")


def strip_rank(name: str) -> str:
    """"Đại tá Nguyễn Tường An" -> "Nguyễn Tường An"; "PGS.TS. Lê Văn B" -> "Lê Văn B"."""
    m = _rank_rx().match(fold(name))
    return name[m.end():].strip() if m and m.end() else name.strip()


def person_name(text: str) -> str | None:
    """The name in a signature's name line, rank and stray marks removed, or None."""
    from .header import is_person_name
    name = strip_rank(squash(text).strip(" .,;:*_-–—'\"`‘’()"))
    name = name.strip(" .,;:*_-–—'\"`‘’()")
    return name if is_person_name(name) else None


# --------------------------------------------------------------------------- documents' own spelling

@lru_cache(maxsize=1)
def _document_kinds() -> dict[str, str]:
    return {fold(name): name for name, _, _ in lexicon().doc_types}


def doc_type_name(text: str) -> str | None:
    """The document kind a whole line names ("TỜ TRÌNH", "QUYÉT ĐỊNH" -> "QUYẾT ĐỊNH")."""
    key = " ".join(fold(text).strip(" .:*-–—_").split())
    return _document_kinds().get(key)


def split_glued(text: str) -> str:
    """Capitals OCR ran together on a low-resolution scan ("ANTỈNHLẬMĐÒNG") split into the
    syllables they spell ("AN TỈNH LẬM ĐÒNG"), when a word of 5 letters or more is no syllable
    and splits wholly into syllables of two letters or more (fewest pieces). Acronyms (UBND,
    SGDĐT: no vowel to make syllables of) and anything else are kept."""
    from ..restore.vietnamese import is_valid_syllable

    def pieces(word: str) -> list[str] | None:
        n = len(word)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for end in range(2, n + 1):
            for start in range(max(0, end - 7), end - 1):
                prev = best[start]
                part = word[start:end]
                if prev is not None and is_valid_syllable(part) and (
                        best[end] is None or len(prev) + 1 < len(best[end])):
                    best[end] = prev + [part]
        return best[n]

    def fix(m: re.Match) -> str:
        word = m.group(0)
        if len(word) < 5 or not word.isupper() or is_valid_syllable(word):
            return word
        parts = pieces(word)
        return " ".join(parts) if parts and len(parts) >= 2 else word
    return re.sub(r"[^\W\d_]+", fix, text)


# --------------------------------------------------------------------------- the document's own spelling

_NAME_WORD = re.compile(r"[^\W\d_]+")


def _distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


def document_spelling(name: str, body: str) -> str | None:
    """How the text itself writes a name that a header line (italic, or in capitals) may have
    read with a mark slipped: the capitalised run of as many words in `body` whose letters
    without marks are the name's, or differ by one letter in a name of 6 letters or more,
    written so at least twice and more often than any other such spelling. None when the body
    has no such name."""
    words = name.split()
    if not words or len(words) > 5:
        return None
    n = len(words)
    key = " ".join(fold(w) for w in words)
    counts: dict[str, int] = {}
    tokens = re.findall(r"\S+", body)
    for k in range(len(tokens) - n + 1):
        run = [t.strip(",.;:()“”\"'") for t in tokens[k:k + n]]
        if not all(_NAME_WORD.fullmatch(t) and t[:1].isupper() for t in run):
            continue
        if any(t.isupper() and len(t) > 1 for t in run):
            continue                    # capitals carry the same slips as the header
        candidate = " ".join(run)
        folded = " ".join(fold(t) for t in run)
        if folded == key or (len(key) >= 6 and _distance_at_most_one(folded, key)
                             and folded.split()[0][:1] == key.split()[0][:1]):
            counts[candidate] = counts.get(candidate, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda c: (counts[c], fold(c) == key))
    ties = [c for c in counts if counts[c] == counts[best]]
    if counts[best] < 2 or len(ties) > 1:
        return None
    return best


@lru_cache(maxsize=1)
def _admin_rx() -> re.Pattern:
    words = sorted(lexicon().words("header", "admin"), key=len, reverse=True)
    alts = "|".join(r"\s+".join(re.escape(w) for w in fold(x).split()) for x in words)
    return re.compile(r"(?<![^\W\d_])(" + alts + r")\s+")


def respell_names(header, body: str) -> None:
    """The place, and the proper names in the issuer and its parent ("... TỈNH LẬM ĐÒNG" after an
    administrative unit), spelled as the document spells them in its body."""
    if header.place:
        better = document_spelling(header.place, body)
        if better and better != header.place:
            header.place = better
    for attr in ("issuer", "issuer_parent"):
        value = getattr(header, attr)
        if not value:
            continue
        folded = fold(value)
        m = None
        for m in _admin_rx().finditer(folded):
            pass                        # the last unit names the place: "UBND HUYỆN X XÃ Y" -> Y
        if m is None:
            continue
        tail = value[m.end():]
        if not tail.strip():
            continue
        better = document_spelling(tail.title(), body)
        if better and better.upper() != tail:
            setattr(header, attr, value[:m.end()] + better.upper())
