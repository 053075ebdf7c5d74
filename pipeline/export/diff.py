"""diff: Plan x Plan -> what changed between two plans (typically one year's and the next).

    from pipeline.export.diff import diff_plans
    d = diff_plans(old_plan, new_plan)        # the diff JSON of DESIGN.md, as a dict

Targets, and the breakdown items under them as targets of their own, are matched across the two
plans one-to-one (matching.py): by indicator name (reworded a little, damaged by OCR, renumbered
or moved are all fine), unit, number and value. In three passes:
  1. top-level targets against each other;
  2. the breakdown items of each matched pair of targets against each other;
  3. whatever is left on both sides (an item promoted to a target of its own, items under a
     target that was renamed beyond recognition) against each other.
Matched pairs are `changed` or `unchanged`, the rest `added` (only in the new plan) or `removed`.
Values in units of the same kind are compared after conversion (triệu đồng / tỷ đồng, tạ / tấn:
units.py); `delta` and `pct` are then in the new plan's unit. A target with no value on either
side (a heading for its breakdown items, "Phát triển chăn nuôi:") is not listed itself; its items are.

Sections (numbered headings with a title) only in the new plan are `added`, only in the old `removed`.

Assignments (who does what: the body, its task, its deadline) are matched one to one by body
and by how alike their tasks read; one only in the new plan is `added`, only in the old
`removed`, and a matched one whose deadline moved `changed` (`old_deadline`, `new_deadline`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Plan, Section, Target
from .matching import WordWeights, assign, fold, name_similarity, words
from .units import convert, same_kind

DIFF_SCHEMA = "sohoa.diff/1"
CHANGE_KINDS = ("changed", "unchanged", "added", "removed")

# Scores are a name similarity in 0..1 plus small evidence from unit, value and number.
MATCH_THRESHOLD = 0.6          # top-level targets, and leftovers in pass 3
BREAKDOWN_THRESHOLD = 0.5      # items under two targets already matched: the context vouches for them
SECTION_THRESHOLD = 0.7
UNIT_CLASH = 0.3               # tấn vs %: the same name with an unrelated unit is rarely the same target


@dataclass(eq=False)
class _Item:
    target: Target
    order: float                 # position in its plan (breakdown items right after their parent)
    parent: "_Item | None" = None
    words: tuple[str, ...] = ()
    children: list["_Item"] = field(default_factory=list)

    @property
    def has_value(self) -> bool:
        return isinstance(self.target.value, (int, float))


def _flatten(plan: Plan) -> list[_Item]:
    items: list[_Item] = []
    for i, t in enumerate(plan.targets):
        top = _Item(t, order=float(i), words=words(t.indicator))
        items.append(top)
        for k, b in enumerate(t.breakdown):
            child = _Item(b, order=i + (k + 1) / (len(t.breakdown) + 1), parent=top, words=words(b.indicator))
            top.children.append(child)
            items.append(child)
    return items


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


class _Scorer:
    def __init__(self, old: list[_Item], new: list[_Item]):
        self.weight = WordWeights([it.words for it in old + new])

    def name(self, a: _Item, b: _Item) -> float:
        return name_similarity(a.words, b.words, self.weight)

    def __call__(self, a: _Item, b: _Item, siblings: bool = False) -> float:
        """`siblings`: items under two targets already matched. Their names are short ("ngô",
        "lợn") and one damaged letter changes a word, so they are also compared letter by letter."""
        s = self.name(a, b)
        if siblings:
            from rapidfuzz import fuzz
            s = max(s, fuzz.ratio(" ".join(a.words), " ".join(b.words)) / 100.0)
        if s <= 0.2:
            return s
        ta, tb = a.target, b.target
        kind = same_kind(ta.unit, tb.unit)
        if kind is False:
            s -= UNIT_CLASH
        elif kind is None and (ta.unit or tb.unit):
            s -= 0.05                       # one unit missing: often a parsing slip, weak evidence
        elif kind and fold(ta.unit) == fold(tb.unit):
            s += 0.02
        if a.has_value and b.has_value:
            va = convert(float(ta.value), ta.unit, tb.unit) if kind else float(ta.value)
            vb = float(tb.value)
            if va is not None and _close(va, vb):
                s += 0.05                   # the same figure again: likely the same target
            elif va is not None and vb and 0.75 <= va / vb <= 1.33:
                s += 0.02
        if ta.number is not None and str(ta.number) == str(tb.number):
            s += 0.02
        if (a.parent is None) != (b.parent is None):
            s -= 0.05                       # a target vs a breakdown item: possible, less likely
        elif a.parent is not None and b.parent is not None:
            s += 0.05 * self.name(a.parent, b.parent)
        return s


def match_targets(old: list[_Item], new: list[_Item]) -> list[tuple[_Item, _Item, float]]:
    score = _Scorer(old, new)
    pairs: list[tuple[_Item, _Item, float]] = []

    def run(xs: list[_Item], ys: list[_Item], threshold: float, siblings: bool = False):
        if not xs or not ys:
            return []
        scores = [[score(x, y, siblings) for y in ys] for x in xs]
        found = [(xs[i], ys[j], s) for i, j, s in assign(scores, threshold)]
        pairs.extend(found)
        return found

    old_tops = [it for it in old if it.parent is None]
    new_tops = [it for it in new if it.parent is None]
    for a, b, _ in run(old_tops, new_tops, MATCH_THRESHOLD):
        run(a.children, b.children, BREAKDOWN_THRESHOLD, siblings=True)
    used = {id(x) for a, b, _ in pairs for x in (a, b)}
    run([it for it in old if id(it) not in used], [it for it in new if id(it) not in used], MATCH_THRESHOLD)
    return pairs


def _num(v):
    """Floats that are whole numbers as ints, others rounded off binary noise."""
    if v is None:
        return None
    v = round(float(v), 6)
    return int(v) if v.is_integer() else v


def _change(old: _Item | None, new: _Item | None, similarity: float | None) -> dict:
    to, tn = (old.target if old else None), (new.target if new else None)
    main = tn or to
    entry = {
        "indicator": main.indicator, "unit": main.unit,
        "old": _num(to.value) if to else None, "new": _num(tn.value) if tn else None,
        "delta": None, "pct": None, "change": "added" if to is None else "removed" if tn is None else None,
        "number": main.number,
        "parent": ((new or old).parent.target.indicator if (new or old).parent else None),
        "old_indicator": to.indicator if to else None, "old_number": to.number if to else None,
        "old_unit": to.unit if to else None,
        "old_max": _num(to.value_max) if to else None, "new_max": _num(tn.value_max) if tn else None,
        "similarity": round(min(1.0, similarity), 3) if similarity is not None else None,   # match score
    }
    if to is not None and tn is not None:
        vo = None if to.value is None else convert(float(to.value), to.unit, tn.unit)
        mo = None if to.value_max is None else convert(float(to.value_max), to.unit, tn.unit)
        comparable = same_kind(to.unit, tn.unit) is not False
        if vo is not None and tn.value is not None:
            entry["delta"] = _num(float(tn.value) - vo)
            entry["pct"] = round((float(tn.value) - vo) / abs(vo) * 100, 2) if vo else None
        same_value = (to.value is None and tn.value is None) or (
            vo is not None and tn.value is not None and _close(vo, float(tn.value)))
        same_max = (to.value_max is None and tn.value_max is None) or (
            mo is not None and tn.value_max is not None and _close(mo, float(tn.value_max)))
        entry["change"] = "unchanged" if comparable and same_value and same_max else "changed"
    return entry


# ----------------------------------------------------------------------------------- sections

def _headings(sections: list[Section], trail: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Section]]:
    out = []
    for s in sections:
        number = (s.number or "").strip()
        here = trail + (number,)
        if s.title and s.title.strip() and number not in ("-", "+", "•", "*", "–"):
            out.append((here, s))
        out.extend(_headings(s.children, here))
    return out


def diff_sections(old: Plan, new: Plan) -> list[dict]:
    ho, hn = _headings(old.sections), _headings(new.sections)
    wo = [words(s.title) for _, s in ho]
    wn = [words(s.title) for _, s in hn]
    weight = WordWeights(wo + wn)
    scores = [[name_similarity(a, b, weight) for b in wn] for a in wo]
    pairs = assign(scores, SECTION_THRESHOLD) if ho and hn else []
    matched_old = {i for i, _, _ in pairs}
    matched_new = {j for _, j, _ in pairs}
    out = [{"number": s.number, "title": s.title, "path": ".".join(p for p in trail if p), "change": "added"}
           for j, (trail, s) in enumerate(hn) if j not in matched_new]
    out += [{"number": s.number, "title": s.title, "path": ".".join(p for p in trail if p), "change": "removed"}
            for i, (trail, s) in enumerate(ho) if i not in matched_old]
    return out


# ----------------------------------------------------------------------------------- assignments

ASSIGNMENT_THRESHOLD = 0.35     # the same body: tasks need only share their main words


def diff_assignments(old: Plan, new: Plan) -> list[dict]:
    ao, an = old.assignments, new.assignments
    wo = [words(a.responsibility) for a in ao]
    wn = [words(a.responsibility) for a in an]
    weight = WordWeights(wo + wn)

    def score(i: int, j: int) -> float:
        if fold(ao[i].assignee) != fold(an[j].assignee):
            return 0.0
        if not wo[i] and not wn[j]:
            return 1.0
        return 0.5 + 0.5 * name_similarity(wo[i], wn[j], weight)
    scores = [[score(i, j) for j in range(len(an))] for i in range(len(ao))]
    pairs = assign(scores, 0.5 + 0.5 * ASSIGNMENT_THRESHOLD) if ao and an else []

    def entry(a_old, a_new, change):
        a = a_new or a_old
        return {"assignee": a.assignee, "responsibility": a.responsibility, "source": a.source,
                "old_deadline": a_old.deadline if a_old else None,
                "new_deadline": a_new.deadline if a_new else None, "change": change}
    out = []
    for i, j, _ in sorted(pairs, key=lambda p: p[1]):
        if ao[i].deadline != an[j].deadline:
            out.append(entry(ao[i], an[j], "changed"))
    matched_old = {i for i, _, _ in pairs}
    matched_new = {j for _, j, _ in pairs}
    out += [entry(None, a, "added") for j, a in enumerate(an) if j not in matched_new]
    out += [entry(a, None, "removed") for i, a in enumerate(ao) if i not in matched_old]
    return out


# ----------------------------------------------------------------------------------- the diff

def describe(plan: Plan, label: str | None = None) -> dict:
    return {"document": label or plan.source.path, "source": plan.source.path, "sha256": plan.source.sha256,
            "title": plan.title, "year": plan.year, "locality": plan.locality}


def diff_plans(old: Plan, new: Plan, *, old_label: str | None = None, new_label: str | None = None) -> dict:
    """The diff JSON: {old, new, changes: [{indicator, unit, old, new, delta, pct, change, ...}],
    sections: [{number, title, path, change}], assignments: [{assignee, responsibility,
    old_deadline, new_deadline, change}], summary: {kind: count}}."""
    io, inew = _flatten(old), _flatten(new)
    pairs = match_targets(io, inew)
    match_of_old = {id(a): (b, s) for a, b, s in pairs}
    matched_new = {id(b) for _, b, _ in pairs}

    rows: list[tuple[tuple, dict]] = []
    for a, b, s in pairs:
        if a.has_value or b.has_value:
            rows.append(((b.order, 0, a.order), _change(a, b, s)))
    for b in inew:
        if id(b) not in matched_new and b.has_value:
            rows.append(((b.order, 0, 0.0), _change(None, b, None)))
    # A removed item is listed where it stood: after the new position of the last old item before
    # it that was matched.
    anchor = -1.0
    for a in io:
        if id(a) in match_of_old:
            anchor = match_of_old[id(a)][0].order
        elif a.has_value:
            rows.append(((anchor, 1, a.order), _change(a, None, None)))
    changes = [entry for _, entry in sorted(rows, key=lambda r: r[0])]
    summary = {kind: sum(c["change"] == kind for c in changes) for kind in CHANGE_KINDS}
    return {"schema": DIFF_SCHEMA, "old": describe(old, old_label), "new": describe(new, new_label),
            "summary": summary, "changes": changes, "sections": diff_sections(old, new),
            "assignments": diff_assignments(old, new)}
