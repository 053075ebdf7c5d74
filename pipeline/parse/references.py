"""References to other documents: "Chỉ thị số 26-CT/TU của Ban Thường vụ Tỉnh ủy",
"Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ", "Luật Thi đua, khen thưởng năm 2022".

A reference is a document kind (dictionaries/doc_types.tsv) followed by a number that carries a
kind code ("CT", "NĐ", "KH" ...), then optionally its date and its issuer ("của ..."). Laws are
cited by name. The same document cited twice is one reference, with what each citation adds.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Reference
from .layout import Block
from .lexicon import lexicon
from .text import find_date, fold, lower, squash

# A document number: digits (and a year) joined by "/" or "-" to letter codes; OCR may put
# spaces around the joins ("19/CT- TTg").
_DOC_NUMBER = (r"\d{1,5}[a-z]?(?:\.\d+)?(?:\s*/\s*\d{4})?(?:\s*[/\-–]\s*[a-z0-9&]*[a-z][a-z0-9&]*)+")
_AFTER_NUMBER = re.compile(r"\s*(?:,\s*)?ngay\s+")
_OF = re.compile(r"\s*(?:,\s*)?(cua|do)\s+")
_LAW = re.compile(r"(?<![\w])luat\s+(?=[^\W\d])")


@lru_cache(maxsize=1)
def _kind_rx() -> re.Pattern:
    kinds = lexicon().reference_kinds
    alts = "|".join(r"\s+".join(re.escape(w) for w in fold(k).split())
                    for k in sorted(kinds, key=len, reverse=True))
    # between the kind and the number: "số", or what OCR left of it ("s6", "0)"), or nothing;
    # a stray quote may hang on the kind ("Thông tư’ số")
    return re.compile(r"(?<![\w])(" + alts + r")[’'`‘]?(?:\s+lien\s+tich)?\s*"
                      r"(?:(?:so|s[0-9eo]|[^\s\w]{1,3}|\d[^\s\w])(?:\s*[:.]\s*|\s+))?(" + _DOC_NUMBER + r")")


def find_references(blocks: list[Block], own_number: str | None = None) -> list[Reference]:
    """The documents cited in `blocks`, each once, in order of first citation; `own_number`
    (the plan's own "Số:") is not a reference."""
    found: list[Reference] = []
    own = _norm_number(own_number) if own_number else None
    for block in blocks:
        text = block.text
        folded = fold(text)
        in_block: list[tuple[int, Reference]] = []
        for m in _kind_rx().finditer(folded):
            number = _clean_number(text[m.start(2):m.end(2)])
            if not re.search(r"[A-Za-zĐđ]", number) or _norm_number(number) == own:
                continue
            kind = _kind_name(folded[m.start(1):m.end(1)], number)
            number = _match_kind_code(number, kind)
            ref = Reference(kind=kind, number=number, line=block.line_at(m.start()))
            pos = m.end()
            d = _AFTER_NUMBER.match(folded, pos)
            if d:
                date = find_date(folded, d.end())
                if date and date[1] <= d.end() + 2:
                    ref.date = date[0]
                    pos = date[2]
            ref.issuer = _issuer(text, folded, pos)
            in_block.append((m.start(), ref))
            # "Chỉ thị số 05-CT/TW, 06-CT/TU": further numbers of the same kind
            tail = m.end()
            while True:
                n = re.match(r"\s*(?:,|và)\s*(?:so\s*)?(" + _DOC_NUMBER + r")", folded[tail:])
                if not n:
                    break
                more = _clean_number(text[tail + n.start(1):tail + n.end(1)])
                in_block.append((tail, Reference(kind=kind, number=more, line=block.line_at(tail))))
                tail += n.end()
        for m in _LAW.finditer(folded):
            title = _law_title(text, m.start())
            if title:
                ref = Reference(kind="Luật", title=title, line=block.line_at(m.start()))
                num = re.search(r"so\s+(\d+/\d{4}/qh\d+)", folded[m.start():m.start() + len(title) + 30])
                if num:
                    ref.number = text[m.start() + num.start(1):m.start() + num.end(1)]
                in_block.append((m.start(), ref))
        found.extend(ref for _, ref in sorted(in_block, key=lambda p: p[0]))
    return _merge(found)


def _clean_number(raw: str) -> str:
    return lexicon().repair_number(re.sub(r"\s+", "", raw).replace("–", "-").rstrip(".,;"))


def _match_kind_code(number: str, kind: str) -> str:
    """The kind's own code in its number, spelled as the kind spells it: a "Hướng dẫn" is
    "HD" even where restoration wrote "HĐ"; a "Quyết định" is "QĐ" where OCR wrote "QD"."""
    codes = lexicon().codes_of_kind.get(kind, [])

    def fix(m):
        word = m.group(0)
        for code in codes:
            if fold(word) == fold(code) and word.upper() != word.lower():
                return code
        return word
    return re.sub(r"(?<=[-/])[^\W\d_]+|^[^\W\d_]+", fix, number, count=0)


def _norm_number(number: str) -> str:
    return fold(number).replace(" ", "")


def _kind_name(folded_kind: str, number: str) -> str:
    lex = lexicon()
    for k in lex.reference_kinds:
        if fold(k) == " ".join(folded_kind.split()):
            return k
    code = re.findall(r"[A-Za-zĐđ]+", number)
    return lex.kind_of_code.get(fold(code[0]), folded_kind) if code else folded_kind


def _issuer(text: str, folded: str, pos: int) -> str | None:
    """The body after "của": capitalised words and the lower-case words inside names
    ("Ủy ban nhân dân huyện Thanh Sơn"), up to a verb, a preposition or punctuation."""
    m = _OF.match(folded, pos)
    if not m:
        return None
    stop = lexicon().lrx("grammar", "issuer_stop")
    start = m.end()
    words = []
    low = lower(text)
    for w in re.finditer(r"\S+", text[start:start + 160]):
        word = w.group(0)
        at = start + w.start()
        core = word.strip(",;.:()“”\"")
        if not core:
            break
        if core[0].islower():
            s = stop.match(low, at)
            if s:
                break
            if not words:
                break
        if core[0].isdigit():
            break
        if word.startswith(("(", "“", "\"")):
            break
        if core.lower() == "và":
            nxt = text[at + len(word):].lstrip()
            if not nxt[:1].isupper() or _kind_rx().match(fold(nxt)) or fold(nxt).startswith("luat"):
                break
        words.append(core)
        if word != core and word.rstrip(")”\"") != core:
            break                       # a comma or a full stop ends the name
        if len(words) >= 14:
            break
    issuer = squash(" ".join(words))
    return issuer or None


def _law_title(text: str, at: int) -> str | None:
    """"Luật Thi đua, khen thưởng năm 2022": the law's name up to its year, number or the end
    of the phrase."""
    seg = text[at:at + 160]
    folded = fold(seg)
    m = re.search(r"\bnam\s+\d{4}", folded)
    end = None
    if m:
        end = m.end()
    stops = [k.start() for k in re.finditer(r";|\.(?:\s|$)|\s(?:va|ngay|so)\s|\(|\s(?:cua|theo|ve|duoc|da)\s", folded)]
    if stops and (end is None or min(stops) < (m.start() if m else 10**9)):
        end = min(stops)
    title = squash(seg[:end] if end else seg)
    title = title.rstrip(" ,;.")
    words = title.split()
    if len(words) < 2 or len(words) > 14 or not words[1][:1].isupper():
        return None
    return title


def _merge(refs: list[Reference]) -> list[Reference]:
    out: list[Reference] = []
    by_key: dict[str, Reference] = {}
    for r in refs:
        key = _norm_number(r.number) if r.number else "law:" + fold(r.title or "")
        if key in by_key:
            old = by_key[key]
            old.date = old.date or r.date
            old.issuer = old.issuer or r.issuer
            old.title = old.title or r.title
            continue
        by_key[key] = r
        out.append(r)
    return out
