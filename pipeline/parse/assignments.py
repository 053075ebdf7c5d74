"""Assignments in "TỔ CHỨC THỰC HIỆN": who is to do what, and by when.

    1. Công chức Địa chính chủ trì, phối hợp với Trưởng các thôn ... trước ngày 15/12/2025.
    2. Đề nghị Ủy ban MTTQ xã và các đoàn thể chính trị - xã hội tuyên truyền, vận động ...
    3. Công chức Tài chính - Kế toán có trách nhiệm tham mưu bố trí kinh phí ...
    4. Trưởng các thôn căn cứ Kế hoạch này ...
    5. Ban Quản lý xây dựng nông thôn mới xã:  (- Chủ trì ...)

spaCy does the reading: a blank Vietnamese pipeline (pyvi's word segmenter is not needed: plans
are matched on syllables), a tokenizer that splits punctuation off words, each token's NORM set
to its folded form, an EntityRuler that marks bodies (ORG) and office holders (ROLE) from
dictionaries/organisations.tsv, and a Matcher for the cues of dictionaries/assignment_cues.tsv.
The assignee runs from the start of the item (after "Đề nghị", "Giao" ...) to the first cue
written in lower case outside an entity ("chủ trì", "có trách nhiệm", "căn cứ" ...).
The pipeline is built once per process, on first use.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import SohoaError
from ..model import Assignment
from .lexicon import lexicon
from .periods import period_iso, read_periods
from .text import fold, squash

_TOKEN = re.compile(r"\d+(?:[./\-]\w+)+|\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*|[^\w\s]", re.UNICODE)


class PlanTokenizer:
    """Splits punctuation off words ("trì," -> "trì" ","), keeps codes ("26-CT/TU", "CT-XH")
    and dates whole, and sets each token's NORM to its folded form."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str):
        from spacy.tokens import Doc
        words, spaces = [], []
        for m in _TOKEN.finditer(text):
            words.append(m.group(0))
            spaces.append(m.end() < len(text) and text[m.end()].isspace())
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for tok in doc:
            tok.norm_ = fold(tok.text)
        return doc


@lru_cache(maxsize=1)
def pipeline():
    """The spaCy pipeline and its cue Matcher, built once."""
    try:
        import spacy
        from spacy.matcher import Matcher
    except ImportError as exc:  # pragma: no cover - spaCy is a declared dependency
        from ..errors import MissingDependencyError
        raise MissingDependencyError("spaCy is not installed", hint="pip install 'spacy>=3.7,<4'") from exc
    try:
        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    except Exception as exc:  # spaCy without its Vietnamese language data
        raise SohoaError(f"spaCy cannot make a Vietnamese pipeline: {exc}",
                         hint="reinstall spaCy (pip install --force-reinstall 'spacy>=3.7,<4')") from exc
    nlp.tokenizer = PlanTokenizer(nlp.vocab)
    lex = lexicon()
    admin = sorted({fold(w) for w in lex.words("header", "admin")} | {"thon", "ban", "to dan pho"})
    admin_single = [a for a in admin if " " not in a]
    tail = [{"NORM": {"IN": admin_single}, "OP": "?"}, {"IS_TITLE": True, "OP": "*"}]
    patterns = []
    for label, phrase in lex.organisations:
        toks = [{"NORM": t.norm_} for t in nlp.make_doc(phrase)]
        patterns.append({"label": label, "pattern": toks + tail})
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    matcher = Matcher(nlp.vocab)
    for kind, phrase in lex.cues:
        matcher.add(kind, [[{"NORM": t.norm_} for t in nlp.make_doc(phrase)]])
    return nlp, matcher


_DEADLINE = re.compile(r"(?<![\w])(?:truoc|cham nhat(?:\s+la)?|han chot(?:\s+la)?|hoan thanh(?:\s+truoc|\s+trong)?"
                       r"|xong trong|xong truoc|trong|den het)\s+")
_YEARLY = re.compile(r"\s*,?\s*(?:hang|hằng|moi) (?:nam|quy|thang)")


def find_deadline(text: str, year: int | None = None) -> str | None:
    """The first deadline after a cue ("trước ngày 15/12/2025", "chậm nhất là ngày 31/01/2026",
    "hoàn thành trong tháng 10/2026", "trong Quý III/2026"), ISO (a day, or a month for a month,
    a quarter or a half year: see periods.py); a day without a year takes the plan's year. A
    year alone ("trong năm 2026") and a recurring date ("trước ngày 15/12 hằng năm") are no
    deadline."""
    folded = fold(text)
    for m in _DEADLINE.finditer(folded):
        found = read_periods(folded[m.end():m.end() + 60])
        if not found or folded[m.end():m.end() + found[0][0]].strip() not in ("", "ngay"):
            continue
        start, end, kind, groups = found[0]
        if kind == "year" or _YEARLY.match(folded, m.end() + end):
            continue
        iso = period_iso(kind, groups, year)
        if iso:
            return iso
    return None


def read_assignment(text: str, number, *, extra: str = "", year: int | None = None,
                    line: int | None = None, need_party: bool = False) -> Assignment | None:
    """One assignment from an item's text (`extra`: its sub-items, for the responsibility and
    deadline when the item is only "X:"). None when the item names nobody."""
    nlp, matcher = pipeline()
    doc = nlp(text)
    if len(doc) == 0:
        return None
    start = 0
    cues = sorted(matcher(doc), key=lambda m: (m[1], -m[2]))
    kinds = {mid: nlp.vocab.strings[mid] for mid, _, _ in cues}
    for mid, s, e in cues:
        if kinds[mid] == "prefix" and s == start:
            start = e
    if start == 0 and len(doc) > 2 and doc[1].norm_ == "nghi" and len(doc[0].text) <= 3:
        start = 2                       # "Đề nghị" with its first word garbled by OCR ("bể nghị")
    marker = None
    for mid, s, e in cues:
        kind = kinds[mid]
        if kind == "prefix" or s <= start:
            continue
        first = doc[s]
        if kind == "garbled":
            k = s
            while k - 1 > start and not doc[k - 1].text.isalpha() and s - (k - 1) <= 2 \
                    and len(doc[k - 1:s].text.replace(" ", "")) <= 3 and doc[k - 1].text not in ",;:":
                k -= 1
            if k == s:
                continue
            kind, s = "drop", k         # "¢6 trách nhiệm": "có trách nhiệm"
            first = doc[e - 2]
        if not first.text[:1].islower() or first.ent_type_:
            continue                    # "Ban Quản lý", "các tổ chức ...": part of a name
        marker = (kind, s, e)
        break
    colon = next((t.i for t in doc[start:start + 18] if t.text == ":"), None)
    if colon is not None and (marker is None or marker[1] > colon) and colon > start:
        who = doc[start:colon]
        rest = doc[colon + 1:].text if colon + 1 < len(doc) else ""
    elif marker is not None:
        who = doc[start:marker[1]]
        rest = doc[marker[2]:].text if marker[0] == "drop" else doc[marker[1]:].text
    else:
        ents = [e for e in doc.ents if e.start == start]
        if not ents:
            return None
        who = ents[0]
        rest = doc[who.end:].text
        if extra and len(doc) - start <= 40 and not re.search(r"[.!?]\s*$", text.strip()):
            # "8. Các sở, ban, ngành; UBND các xã, phường; các cơ quan liên quan" over its
            # sub-items: the whole title names who
            who, rest = doc[start:], ""
    assignee = squash(who.text).strip(" ,;:-")
    if not assignee or len(assignee.split()) > 25:
        return None
    if need_party and not (any(e.start <= who.start < e.end or who.start <= e.start < who.end for e in doc.ents)
                           or start > 0):
        return None
    responsibility = _first_clause(rest) or _first_clause(extra)
    deadline = find_deadline(text + " " + extra, year)
    return Assignment(number=number, assignee=assignee, responsibility=responsibility,
                      deadline=deadline, line=line, co_assignees=find_partners(text + " " + extra))


_WITH = re.compile(r"(?<![\w])phoi hop (?:chat che )?voi\s+")
_STOP_WORDS = ("để", "nhằm", "trong", "theo", "tại", "trên", "về", "khi", "đối với", "cho", "thì", "hoặc")


@lru_cache(maxsize=1)
def _partner_stop() -> re.Pattern:
    """Where the partners after "phối hợp với" end: punctuation that closes a clause, or a
    word in lower case that starts the next verb ("kiểm tra", "xây dựng") or a clause ("để")."""
    verbs = [phrase for kind, phrase in lexicon().cues if kind in ("keep", "drop")]
    words = sorted({w for w in verbs + list(_STOP_WORDS)}, key=len, reverse=True)
    alts = "|".join(r"\s+".join(re.escape(x) for x in w.split()) for w in words)
    return re.compile(r"[;.:(]|(?<![\w])(?:" + alts + r")(?![\w])")


def find_partners(text: str) -> list[str]:
    """The bodies an assignment names as partners: "... chủ trì, phối hợp với Sở Nội vụ, Văn
    phòng UBND tỉnh kiểm tra ..." -> ["Sở Nội vụ", "Văn phòng UBND tỉnh"]."""
    from .table_items import split_bodies
    out: list[str] = []
    folded = fold(text)
    stop = _partner_stop()
    for m in _WITH.finditer(folded):
        rest = text[m.end():]
        end = len(rest)
        for s in stop.finditer(rest):
            word = rest[s.start():s.end()]
            if word[:1].isalpha() and (not word[:1].islower()
                                       or re.search(r"(?<![\w])(?:các|những)\s+$", rest[:s.start()])):
                continue                # "Sở Xây dựng", "các tổ chức": part of a name
            end = s.start()
            break
        for body in split_bodies(rest[:end].strip(" ,")):
            if body not in out and len(body.split()) <= 15:
                out.append(body)
    return out


def _first_clause(text: str) -> str:
    text = squash(text).lstrip("-+• ")
    m = re.search(r";|\.(?=\s|$)", text)
    return (text[:m.start()] if m else text).strip(" ,;:.")
