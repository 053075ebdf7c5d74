"""What each part of the outline holds: targets, goals, tasks and assignments, and the final
section tree (target-list items are targets, not sections)."""
from __future__ import annotations

import math

from ..model import Assignment, Goal, Section, Target, Task
from .assignments import read_assignment
from .lexicon import lexicon
from .outline import BULLETS, Node
from .targets import read_targets
from .text import lower, squash

NOT_TARGETS = {"results", "organisation", "funding"}


def item_number(node: Node):
    """The number a target or an assignment carries: 1 for "1.", "a" for "a)", None for "-"."""
    if node.style == "arabic":
        return int(node.number)
    if node.style in ("dash", "plus") or node.number is None:
        return None
    return node.number


def collect_targets(root: Node, *, legacy: bool = False) -> list[Target]:
    """Targets from every part of the plan that can hold them; in target sections (and only
    there) an item whose numbers are targets leaves the section tree."""
    out: list[Target] = []
    for node in root.walk():
        ctx = node.context()
        if ctx & NOT_TARGETS:
            continue
        strict = "targets" in ctx
        tasks = "tasks" in ctx
        block = node.block
        if block is not None and node.kinds and node.title and block.text.startswith(node.title):
            # "2. Mục tiêu cụ thể: Tỷ lệ hộ nghèo giảm 1,5%; ...": the title is not an indicator
            rest = len(node.title)
            while rest < len(block.text) and block.text[rest] in " :":
                rest += 1
            block = block.tail(rest)
        found = read_targets(block, item_number(node), strict=strict, legacy=legacy, tasks=tasks) if block else []
        if strict and not node.children and not node.kinds and (found or any(ch.isdigit() for ch in node.block.text)):
            node.dropped = True         # an item of a target list is a target, not a section
        out.extend(found)
        for para in node.paragraphs:
            out.extend(read_targets(para, None, strict=strict, legacy=legacy, tasks=tasks))
    return out


def to_sections(root: Node) -> list[Section]:
    """The section tree: numbered and unnumbered headings and items; bullets ("-", "+") are the
    list items of their section (`items`), never sections, and target-list items are its text."""
    def convert(node: Node) -> Section:
        kept, extra, items = [], [], []
        for c in _lifted(node.children):
            if c.style in BULLETS:
                items.append(_item_text(c))
            elif c.dropped:
                extra.append(c.block.text)
            else:
                kept.append(convert(c))
        text = "\n".join(p for p in [node.own_text()] + extra if p)
        return Section(number=node.number, title=node.title, text=text, children=kept,
                       line=node.block.line if node.block else None, items=items,
                       number_inferred=node.inferred is not None and node.number == node.inferred)
    return [convert(c) for c in _lifted(root.children) if not c.dropped and c.style not in BULLETS]


def _item_text(node: Node) -> str:
    """A list item as written, with its own sub-items ("Phát triển chăn nuôi: + Trâu, bò ...")."""
    parts = [node.block.text] + [p.text for p in node.paragraphs]
    for c in node.children:
        parts.append((c.number + " " if c.style in BULLETS else "") + _item_text(c))
    return squash(" ".join(p for p in parts if p))


def _lifted(children: list[Node]) -> list[Node]:
    """Children with what a bullet holds that is not a bullet itself (a numbered item under a
    "-") brought up to the bullet's level."""
    out: list[Node] = []
    for c in children:
        out.append(c)
        if c.style in BULLETS:
            out.extend(g for g in _lifted(c.children) if g.style not in BULLETS)
    return out


def collect_goals(root: Node) -> list[Goal]:
    goals: list[Goal] = []
    wanted = {"purpose", "requirement"}
    for node in root.walk():
        kinds = node.kinds & wanted
        if not kinds or any(c.kinds & wanted for c in node.children):
            continue
        items: list[tuple[str, int]] = []
        if node.own_text():
            first = node.block.text[len(node.title or ""):].strip(" :") if node.title else node.block.text
            if first and not node.block.heading:
                items.append((first, node.block.line))
            for para in node.paragraphs:
                items.append((para.text, para.line))
        for c in node.children:
            items.append((c.full_text(), c.block.line))
        if len(kinds) == 1:
            kind = next(iter(kinds))
            goals.extend(Goal(kind=kind, text=t, line=ln) for t, ln in items)
            continue
        cue = lexicon().lrx("grammar", "requirement")
        cued = [bool(cue.search(lower(t))) for t, _ in items]
        if len(items) == 1:
            cued = [False]              # one paragraph under "MỤC ĐÍCH, YÊU CẦU": its purpose
        elif not any(cued):
            half = math.ceil(len(items) / 2)
            cued = [k >= half for k in range(len(items))]
        goals.extend(Goal(kind="requirement" if c else "purpose", text=t, line=ln)
                     for (t, ln), c in zip(items, cued))
    return goals


def collect_tasks(root: Node) -> list[Task]:
    tasks: list[Task] = []
    for node in root.walk():
        if "tasks" not in node.kinds or _inside(node, "tasks"):
            continue
        if node.children:
            tasks.extend(Task(number=c.number, text=c.full_text(), line=c.block.line) for c in node.children)
        else:
            tasks.extend(Task(number=None, text=p.text, line=p.line) for p in node.paragraphs)
    return tasks


def _inside(node: Node, kind: str) -> bool:
    p = node.parent
    while p is not None:
        if kind in p.kinds:
            return True
        p = p.parent
    return False


def collect_assignments(root: Node, year: int | None) -> list[Assignment]:
    out: list[Assignment] = []
    for node in root.walk():
        if "organisation" not in node.kinds or _inside(node, "organisation"):
            continue
        out.extend(_assignments_under(node, year))
    return out


def _assignments_under(node: Node, year: int | None) -> list[Assignment]:
    """Assignments in an organisation part: its paragraphs that name a body ("Sở Nội vụ có
    trách nhiệm ...", provincial style), and its items ("1. Công chức Địa chính chủ trì ...",
    "2. Sở Nội vụ:" over its sub-items). An item that names no body but groups others ("1. Công
    tác triển khai", "2. Kinh phí thực hiện") is read through."""
    out: list[Assignment] = []
    for para in node.paragraphs:
        a = read_assignment(para.text, None, year=year, line=para.line, need_party=True)
        if a:
            out.append(a)
    for c in node.children:
        if ("organisation" in c.kinds and c.children) or _groups_others(c, year):
            out.extend(_assignments_under(c, year))
            continue
        extra = " ".join(g.full_text() for g in c.children)
        a = read_assignment(c.block.text, item_number(c), extra=extra, year=year, line=c.block.line)
        subs = [read_assignment(g.block.text, item_number(g), year=year, line=g.block.line, need_party=True)
                for g in c.children]
        if c.children and all(subs) and (a is None or not a.responsibility):
            out.extend(subs)            # "1. Các cơ quan:" over "- Công an xã chủ trì ..."
        elif a:
            out.append(a)
    return out


def _groups_others(node: Node, year: int | None) -> bool:
    """A heading in an organisation part that names no body and holds paragraphs or items of
    its own: "1. Công tác triển khai" over "Sở Nội vụ có trách nhiệm ..."."""
    if not (node.paragraphs or node.children) or not (node.block.heading or node.unnumbered):
        return False
    return read_assignment(node.block.text, None, year=year, need_party=True) is None
