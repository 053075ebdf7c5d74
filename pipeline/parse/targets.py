"""Targets: an indicator, a number with a unit, a range, a qualifier, and breakdowns.

The forms plans use, all handled by one left-to-right reading of an item's quantities:

    Tổng sản lượng lương thực: 2.210 tấn, trong đó thóc 1.790 tấn     label, breakdown
    Phát triển chăn nuôi: Trâu, bò: 710 con; lợn: 5.500 con          parent with breakdown
    Sản lượng lúa: 2.961 tấn; Sản lượng bắp: 14 tấn                   two targets on a line
    Tốc độ tăng trưởng đạt 7,5 - 8,0%                                 range, qualifier
    Thu ngân sách đạt 1,85 tỷ đồng, tăng 6% so với năm 2024           a second quantity
    Tỷ lệ trẻ em 6 tuổi vào lớp 1 đạt 100%                            numbers inside the name
    Phấn đấu 98% hộ gia đình được sử dụng nước sạch                   value first

A quantity is a number followed by a unit from dictionaries/units.tsv. Dates, document
numbers, year ranges and numbers after "năm", "lớp", "Điều" ... are never quantities.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Target
from .layout import Block
from .lexicon import lexicon
from .numbers import NUMBER, parse_number
from .text import fold, lower, squash

_MASKS = [
    re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}"),               # dates
    re.compile(r"\d+(?:[.,]\d+)?(?:\s*/\s*\d{4})?\s*[/\-]\s*[a-z]{1,10}(?:\s*[/\-]\s*[a-z0-9]+)*"),   # 26-CT/TU
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-–—]\s*(?:19|20)\d{2}(?!\d)"),       # 2021 - 2025
    re.compile(r"ngay\s+\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}"),
    re.compile(r"\d+\s*/\s*\d+"),                                                # 19/19 tiêu chí
    re.compile(r"[a-z]{2,}\d+(?:[.,]\d+)?|[a-z]\d+[a-z]"),                        # PM2.5, H5N1
]
_NUM = re.compile(NUMBER)
_HAS_DIGIT = re.compile(r"\d")
_RANGE = re.compile(r"\s*(%\s*)?(?:-|–|—|÷|~|den|toi)\s*(" + NUMBER + r")")
_TIME = re.compile(r"^(?:(?:den|toi|trong|vao|tu|nam|giai doan)\s+)*(?:(?:het|cuoi|dau)\s+)?"
                   r"(?:nam|giai doan)\s+[\d#]{4}(?:\s*[-–]\s*[\d#]{4})?\s*[,:]?\s*")
_CLAUSE_END = re.compile(r";|\.(?=\s+[^\s\d])|\(|\)")


@dataclass
class Quantity:
    start: int              # where its qualifier (or number) starts
    num_start: int
    end: int                # after its unit (and a following "trở lên")
    value: int | float | None
    value_max: int | float | None
    unit: str
    unit_kind: str
    qualifier: str | None
    raw: str


def mask(folded: str, other: str | None = None) -> str:
    """The folded text (or `other`, aligned with it) with the digits of dates, document
    numbers and year ranges hidden."""
    base = folded if other is None else other
    if not _HAS_DIGIT.search(folded):
        return base
    chars = list(base)
    for rx in _MASKS:
        for m in rx.finditer(folded):
            for k in range(m.start(), m.end()):
                if chars[k].isdigit():
                    chars[k] = "#"
    return "".join(chars)


_VOWELS = set("aeiouy")
# Digits legacy OCR writes for letters inside a word ("h6" hộ, "t6" tổ, "x4" xã).
_DIGIT_LETTERS = str.maketrans({"6": "o", "0": "o", "4": "a", "1": "i", "3": "e"})
_LEGACY_WORDS = re.compile(r"\s*([a-z0-9]+(?:\s+[a-z0-9]+)?)")
_LEGACY_PER = re.compile(r"\s*/\s*([a-z0-9]+(?:\s+[a-z0-9]+)?)")


def _close(spelling: str, word: str, *, any_letter: bool = False) -> bool:
    """Is `word` `spelling` with at most one letter misread (a vowel for a vowel; any letter
    in longer words when `any_letter`)?"""
    if len(spelling) != len(word):
        return False
    diff = [(a, b) for a, b in zip(spelling, word) if a != b]
    if not diff:
        return True
    if len(diff) > 1:
        return False
    a, b = diff[0]
    return (a in _VOWELS and b in _VOWELS) or (a.isalpha() and b.isalpha() and (
        len(word) >= 5 or (any_letter and len(word) >= 4)))


def _legacy_per(folded: str, end: int) -> tuple[list[str], int]:
    """Denominators after a unit as legacy OCR leaves them ("/ngudi/nam")."""
    lex = lexicon()
    per = []
    while True:
        p = _LEGACY_PER.match(folded, end)
        if not p:
            break
        word = p.group(1).split()[0].translate(_DIGIT_LETTERS)
        hit = {name for sp, name in lex.per.items() if " " not in sp and _close(sp, word, any_letter=True)}
        if len(hit) != 1:
            break
        per.append(hit.pop())
        end = folded.index(p.group(1).split()[0], end) + len(p.group(1).split()[0])
    return per, end


def _legacy_unit(masked: str, at: int):
    """A unit as legacy OCR may leave it after restoration: a vowel misread ("tin" for "tấn"),
    a digit for a letter ("h6" for "hộ"), misread denominators ("/ngudi/nam"). Returns
    (Unit, denominators, end) when exactly one unit fits."""
    lex = lexicon()
    m = _LEGACY_WORDS.match(masked, at)
    if not m:
        return None
    words = m.group(1).translate(_DIGIT_LETTERS).split()
    for n in (2, 1):
        if len(words) < n:
            continue
        cand = words[:n]
        if n == 1 and len(cand[0]) < 2:
            continue
        found = {u for sp, u in lex.units.items()
                 if len(sp.split()) == n and all(_close(a, b) for a, b in zip(sp.split(), cand))
                 and (n == 1 and (len(cand[0]) >= 3 or sp == cand[0]) or any(a == b for a, b in zip(sp.split(), cand)))}
        if len(found) != 1:
            continue
        unit = found.pop()
        first = m.group(1).split()
        end = at + len(m.group(0)) if n == len(first) else masked.index(first[0], at) + len(first[0])
        per, end = _legacy_per(masked, end)
        return unit, per, end
    return None


def find_quantities(text: str, *, legacy: bool = False) -> list[Quantity]:
    """The quantities of a text. With `legacy` (the text was restored from legacy OCR) a unit
    with one vowel misread is still recognised."""
    lex = lexicon()
    folded = fold(text)
    masked = mask(folded)                  # numbers and units: folded, a lost tone is harmless
    lmasked = mask(folded, lower(text))    # grammar words and qualifiers: with their tones
    not_value = lex.lrx("grammar", "not_value_after")
    out: list[Quantity] = []
    pos = 0
    while True:
        m = _NUM.search(masked, pos)
        if not m:
            break
        pos = m.end()
        s, e = m.start(), m.end()
        if s > 0 and (masked[s - 1].isalnum() or masked[s - 1] in "#/"):
            continue
        before = lmasked[max(0, s - 25):s]
        w = re.search(r"(\w[\w ]*?)\s*$", before)
        if w and any(not_value.fullmatch(w.group(1)[k:]) for k in range(len(w.group(1)))
                     if k == 0 or w.group(1)[k - 1] == " "):
            continue
        value_max_raw = None
        r = _RANGE.match(masked, e)
        if r:
            value_max_raw = (r.start(2), r.end(2))
            unit_at = r.end()
        else:
            unit_at = e
        u = lex.unit_rx.match(masked, unit_at)
        unit = lex.unit_of(u.group(1)) if u else None
        if unit is not None:
            per = [lex.per[p.strip()] for p in (u.group(2) or "").split("/") if p.strip()]
            unit_end = u.end()
            if legacy and folded[unit_end:unit_end + 2].strip().startswith("/"):
                more, unit_end = _legacy_per(folded, unit_end)
                per += more
        elif legacy:
            found = _legacy_unit(folded, unit_at)
            if found is None:
                continue
            unit, per, unit_end = found
        else:
            continue
        unit_name = "/".join([unit.name] + per) if unit.name != "tạ/ha" or not per else unit.name
        end = unit_end
        value = parse_number(text[s:e], unit.kind)
        if value is None:
            continue
        vmax = parse_number(text[value_max_raw[0]:value_max_raw[1]], unit.kind) if value_max_raw else None
        if vmax is not None and vmax <= value:
            vmax = None
        quals, qstart = _qualifiers_before(lmasked, s)
        after = lex.qualifier_after_rx.match(lmasked, end)
        if after:
            q = lex.qualifiers.get(" ".join(after.group(1).split()))
            if q:
                quals.append(q)
                end = after.end()
        qualifier = max(quals, key=lambda q: q.strength).name if quals else None
        out.append(Quantity(start=qstart, num_start=s, end=end, value=value, value_max=vmax,
                            unit=unit_name, unit_kind=unit.kind, qualifier=qualifier,
                            raw=squash(text[s:unit_end])))
        pos = end
    return out


def _qualifiers_before(masked: str, at: int):
    """Qualifier words right before a number ("đạt trên", "giảm còn", "ít nhất"), strongest
    kept by the caller; also the range opener "từ"."""
    lex = lexicon()
    quals = []
    tail_end = at
    for _ in range(4):
        tail = masked[max(0, tail_end - 30):tail_end]
        m = lex.qualifier_before_rx.search(tail)
        if m:
            q = lex.qualifiers.get(" ".join(m.group(1).split()))
            if q:
                quals.append(q)
            tail_end = tail_end - (len(tail) - m.start(1))
            continue
        m = re.search(r"(?:^|\s)(từ|mức)\s*$", tail)
        if m:
            tail_end = tail_end - (len(tail) - m.start(1))
            continue
        break
    return quals, tail_end


# --------------------------------------------------------------------------- indicators

def clean_indicator(text: str, keep_links: bool = False) -> str:
    """An indicator without numbering, lead words ("Phấn đấu", "Đến năm 2025,"), qualifiers and
    link words at its ends, or surrounding punctuation."""
    lex = lexicon()
    lead = lex.lrx("grammar", "lead")
    link = lex.lrx("grammar", "link")
    s = squash(text)
    for _ in range(8):
        before = s
        s = s.strip(" ,;:-–—.+*•(")
        s = re.sub(r"\)\s*$", "", s) if s.count(")") > s.count("(") else s
        t = _TIME.match(fold(s))
        if t and t.end() > 0:
            s = s[t.end():]
            continue
        f = lower(s)
        m = lead.match(f)
        if m and m.start() == 0 and (m.end() == len(f) or not f[m.end()].isalnum()):
            s = s[m.end():]
            continue
        q = lex.qualifier_before_rx.search(f)
        if q and q.end() == len(f.rstrip()):
            s = s[:q.start(1)]
            continue
        for lm in ([] if keep_links else link.finditer(f)):
            if lm.end() == len(f.rstrip()) and (lm.start() == 0 or f[lm.start() - 1] == " "):
                s = s[:lm.start()]
                break
        if s == before:
            break
    return s.strip(" ,;:-–—.")


def _post_text(text: str, q: Quantity, stop: int) -> str:
    """The words after a quantity, up to the end of its clause: the indicator of a value-first
    target ("98% hộ gia đình được sử dụng nước sạch")."""
    lex = lexicon()
    seg = text[q.end:stop]
    f = lower(seg)
    cut = len(seg)
    m = _CLAUSE_END.search(f)
    if m:
        cut = m.start()
    for c in lex.lrx("grammar", "connector").finditer(f):
        if c.start() < cut and f[c.start():c.end()] in ("trong đó", "so với", "với", "bao gồm", "gồm") \
                and not f[:c.start()].endswith("đối "):         # "đối với" opens a scope, not a second item
            cut = c.start()
            break
    k = f.find(", trong đó")
    if 0 <= k < cut:
        cut = k
    if stop < len(text) and cut == len(seg) and "," in seg:
        cut = seg.rfind(",")            # the next quantity follows in the same clause
    return clean_indicator(seg[:cut])


# --------------------------------------------------------------------------- reading an item

_SCOPE = re.compile(r"\s*(?:đối với|$|[.;])")     # after a number: the scope of an indicator named before it
_SCOPE_PHRASE = re.compile(r"\s*((?:đối với|Đối với)\s[^,;.()]+)")
_BREAKDOWN_OPEN = re.compile(r"(?:^|[\s(,;:])(trong do|bao gom|gom|cu the)\s*[:,]?\s*")


def read_targets(block: Block, number, *, strict: bool, legacy: bool = False, tasks: bool = False) -> list[Target]:
    """The targets in one block (an item or a paragraph). `strict` is False outside target
    sections, where a quantity counts only when the sentence reads as a target ("phấn đấu",
    "chỉ tiêu", or a qualifier right before the number), except in tasks (`tasks`: "Tổ chức 02
    lớp tập huấn", "Duy trì 100% cơ quan ...": every quantified task is a commitment).
    `legacy`: the text was restored from legacy OCR, so units may still be misspelt."""
    text = block.text
    if not _HAS_DIGIT.search(text):
        return []
    quantities = _drop_label_numbers(text, find_quantities(text, legacy=legacy))
    if not strict and not tasks:
        quantities = [q for q in quantities if q.qualifier or _target_sentence(text, q.start)]
    return _ItemReader(block, number).read(quantities)


class _ItemReader:
    """Reads an item's quantities left to right. Each quantity is, by the words before it:
    a breakdown part (after "trong đó", or in a "label: part: n; part: n" list), the same
    indicator again ("..., tăng 6%"), or a new target with its own indicator (before it, or
    after it when the number comes first)."""

    def __init__(self, block: Block, number):
        self.block, self.number = block, number
        self.text = block.text
        self.folded = fold(block.text)
        self.targets: list[Target] = []
        self.main: Target | None = None         # the target that parts and repeats attach to
        self.parent_mode = False                # "Phát triển chăn nuôi: Trâu, bò: 710 con; ..."
        self.breakdown_until = -1               # "(trong đó: ...)" runs to its closing bracket

    def read(self, quantities: list[Quantity]) -> list[Target]:
        prev_end = 0
        for k, q in enumerate(quantities):
            next_start = quantities[k + 1].start if k + 1 < len(quantities) else len(self.text)
            self._one(q, self.text[prev_end:q.start], prev_end, next_start, first=k == 0)
            prev_end = q.end
        return self._merge_single_parts()

    def _clause(self, pre: str, at: int, first: bool, q_end: int) -> tuple[str, bool]:
        """The words of `pre` (the text since the last quantity) that belong to this quantity,
        and whether a new clause starts with them."""
        fpre = self.folded[at:at + len(pre)]
        # ";", ". " and "(" start a new clause, but not a bracket closed before the number:
        # "Tốc độ tăng trưởng kinh tế (GRDP) đạt 8,5%" keeps "(GRDP)" in its indicator.
        hard = [m.end() for m in re.finditer(r";|\(|\.(?=\s)", fpre)
                if m.group(0) != "(" or ")" not in fpre[m.end():]]
        local_from = hard[-1] if hard else 0
        if not first and not hard:
            soft = [m.end() for m in re.finditer(r",|(?<!\w)(?<!đối )(?:với|và|so với)(?!\w)", lower(pre))]
            local_from = soft[-1] if soft else 0
        opener = None
        for m in _BREAKDOWN_OPEN.finditer(fpre):
            opener = m
        if opener is not None and self.main is not None:
            in_brackets = "(" in fpre[:opener.start() + 1]
            self.breakdown_until = _paren_close(self.folded, at + opener.start()) if in_brackets else len(self.text)
            local_from = max(local_from, opener.end())
        local = pre[local_from:]
        stripped = lower(clean_indicator(local, keep_links=True))
        cue = lexicon().lrx("grammar", "target_cue")
        last = stripped[stripped.rfind(",") + 1:].lstrip() if "," in stripped else ""
        opens = next((m for m in cue.finditer(last) if m.start() == 0), None)
        if opens is not None and (opens.end() < len(last) or not _SCOPE.match(lower(self.text[q_end:]))):
            # "Củng cố ..., bảo đảm 100% thôn có ...": the words after the number name it, and
            # "..., phấn đấu giải ngân đạt 95% kế hoạch vốn": the words after the cue; but
            # "Số hóa hồ sơ ..., phấn đấu đạt 100% đối với ...": the words before it do
            local = local[local.rfind(",") + 1:]
        return local, first or bool(hard)

    def _one(self, q: Quantity, pre: str, at: int, next_start: int, first: bool) -> None:
        local, new_clause = self._clause(pre, at, first, q.end)
        tgt = Target(number=None, indicator="", value=q.value, unit=q.unit, value_max=q.value_max,
                     qualifier=q.qualifier, raw=q.raw, line=self.block.line_at(q.num_start))
        if self.main is not None and (q.start < self.breakdown_until or self.parent_mode):
            tgt.indicator = clean_indicator(local) or _value_first(self.text, q, next_start, "")
            self.main.breakdown.append(tgt)
            return
        label, part = _split_label(local)
        if self.main is None and label and part:
            self.main = Target(number=self.number, indicator=label, value=None, raw="", line=tgt.line)
            self.targets.append(self.main)
            self.parent_mode = True
            tgt.indicator = part
            self.main.breakdown.append(tgt)
            return
        indicator = clean_indicator(local)
        colon_form = ":" in local and not clean_indicator(local.rsplit(":", 1)[1])
        scope = _SCOPE_PHRASE.match(self.text, q.end)
        if indicator and scope and scope.group(1):
            indicator = f"{indicator} {squash(scope.group(1))}"   # "... đạt 100% đối với hồ sơ tiếp nhận mới"
        if not indicator:
            post = _post_text(self.text, q, next_start)
            if self.main is not None and not new_clause and (q.qualifier not in (None, "đạt") or not post):
                indicator = self.main.indicator      # "tăng 6% so với năm 2024": the same indicator
            else:
                indicator = _value_first(self.text, q, next_start, "")
        elif not colon_form and new_clause and len(indicator.split()) <= 6 and not _has_head(indicator):
            if _post_text(self.text, q, next_start):
                # a verb before the number, its object after it: "Trồng mới 12 ha rừng"
                indicator = _value_first(self.text, q, next_start, clean_indicator(local, keep_links=True))
        if not indicator:
            return
        tgt.indicator, tgt.number = indicator, self.number
        self.targets.append(tgt)
        self.main = tgt

    def _merge_single_parts(self) -> list[Target]:
        """A parent with one part is one target: "Sản phẩm cây công nghiệp: lạc vỏ: 255 tấn"."""
        out = []
        for t in self.targets:
            if t.value is None and len(t.breakdown) == 1:
                only = t.breakdown[0]
                only.indicator = f"{t.indicator}: {only.indicator}"
                only.number, only.breakdown = t.number, []
                out.append(only)
            elif t.value is not None or t.breakdown:
                out.append(t)
        return out


def _drop_label_numbers(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """Quantities inside an indicator's name before its colon are not targets:
    "Số hộ có thu nhập trên 50 triệu đồng/năm: 120 hộ" is one target of 120 hộ."""
    keep = []
    for i, q in enumerate(quantities):
        if i + 1 < len(quantities):
            between = text[q.end:quantities[i + 1].start]
            folded = fold(between)
            label = (":" in between and not any(c in between for c in ";(") and len(between.split()) <= 6
                     and not _BREAKDOWN_OPEN.search(folded) and not clean_indicator(between.rsplit(":", 1)[1]))
            # "Giá trị sản xuất trên 1 ha đất canh tác đạt 120 triệu đồng": per hectare
            per_unit = q.value == 1 and q.qualifier == "trên" and ";" not in between
            if label or per_unit:
                continue
        keep.append(q)
    return keep


def _paren_close(folded: str, at: int) -> int:
    k = folded.find(")", at)
    return k if k >= 0 else len(folded)


def _target_sentence(text: str, at: int) -> bool:
    """Outside target sections: does the sentence before a quantity read as a target?"""
    lex = lexicon()
    low = lower(text)
    start = max(low.rfind(".", 0, at), low.rfind(";", 0, at)) + 1
    sentence = low[start:at]
    if lex.lrx("grammar", "target_sentence").search(sentence):
        return True
    cue = lex.lrx("grammar", "target_cue")
    return any(m.end() == len(sentence.rstrip()) for m in cue.finditer(sentence))


def _split_label(local: str) -> tuple[str, str]:
    """"Phát triển chăn nuôi: Trâu, bò, ngựa: " -> ("Phát triển chăn nuôi", "Trâu, bò, ngựa");
    "Tỷ lệ hộ nghèo: " -> ("", "")."""
    parts = local.split(":")
    if len(parts) < 2:
        return "", ""
    label = clean_indicator(parts[0])
    sub = clean_indicator(":".join(parts[1:]))
    if not label or not sub or any(ch.isdigit() for ch in sub):
        return "", ""
    return label, sub


def _has_head(indicator: str) -> bool:
    """Does the indicator start with a noun that names a complete indicator ("Tỷ lệ ...")?"""
    m = lexicon().lrx("grammar", "indicator_head").match(lower(indicator))
    return bool(m) and m.start() == 0


def _value_first(text: str, q: Quantity, stop: int, lead: str) -> str:
    post = _post_text(text, q, stop)
    if not post:
        return lead
    words = [lead] if lead else []
    if q.unit_kind == "count" and "/" not in q.unit:
        words.append(q.unit)
    words.append(post)
    return squash(" ".join(words))
