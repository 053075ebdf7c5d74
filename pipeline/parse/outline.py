"""The section tree: numbering as written (I., A-, 1., 1.1., a), -, +), titles, text, and what
each part of the plan is for (goals, targets, tasks, organisation), read from heading words.

Nesting follows the order in which numbering styles first appear under a parent, as in an
outline: a style already open higher up closes everything below it. A list that restarts at 1
under a heading ("2. Chỉ tiêu thi đua" followed by "1. ...", "2. ...") nests under it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .layout import Block
from .lexicon import lexicon
from .text import fold, squash

BULLETS = ("dash", "plus")


@dataclass
class Node:
    """A section while the tree is built; becomes a model.Section."""
    block: Block | None
    title: str | None = None
    text_parts: list[str] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    kinds: set[str] = field(default_factory=set)
    paragraphs: list[Block] = field(default_factory=list)   # unnumbered blocks inside it
    tables: list = field(default_factory=list)              # tables.FoundTable inside it
    dropped: bool = False           # a target-list item: its numbers are targets, not a section
    inferred: str | None = None     # the number an unnumbered heading takes from its place

    @property
    def number(self) -> str | None:
        if self.block is None or not self.block.marker:
            return None
        return self.block.marker.label if self.block.marker.label is not None else self.inferred

    @property
    def unnumbered(self) -> bool:
        return bool(self.style and self.style.startswith("unnumbered"))

    @property
    def style(self) -> str | None:
        return self.block.marker.style if self.block is not None and self.block.marker else None

    @property
    def value(self) -> int | None:
        return self.block.marker.value if self.block is not None and self.block.marker else None

    def context(self) -> set[str]:
        """Its own kinds, or those of the nearest ancestor that has any."""
        node = self
        while node is not None:
            if node.kinds:
                return node.kinds
            node = node.parent
        return set()

    def walk(self):
        for child in self.children:
            yield child
            yield from child.walk()

    def own_text(self) -> str:
        return "\n".join(p for p in self.text_parts if p)

    def full_text(self) -> str:
        """Its title and text and all of its descendants' (for tasks and assignments)."""
        parts = [self.title or "", self.own_text()]
        for c in self.children:
            parts.append(((c.number + " ") if c.number and c.style in BULLETS else "") + c.full_text())
        return squash(" ".join(p for p in parts if p))


def split_title(block: Block) -> tuple[str | None, str]:
    """A numbered block's title and its remaining text.

    A heading line is all title; "Mục đích: Huy động ..." has a short title before a colon; an
    item whose first sentence ends on its first line takes that sentence as its title (the
    rest of the item is its text, which keeps the whole item).
    """
    text = block.text.strip()
    if block.heading:
        return text.rstrip(" :"), ""
    head = text[:120]
    colon = head.find(":")
    if 0 < colon and len(head[:colon].split()) <= 8 and not any(ch.isdigit() for ch in head[:colon]) \
            and not fold(head[:colon]).startswith(("de nghi", "giao ")):
        return head[:colon].strip(), text[colon + 1:].strip()
    first_line_end = block.spans[1][0] if len(block.spans) > 1 else len(text)
    m = re.search(r"[.!?](?=\s|$)", text)
    if m and m.end() <= first_line_end and len(text[:m.start()].split()) <= 25:
        return text[:m.start()].strip(), text
    return None, text


def section_kinds(title: str | None) -> set[str]:
    if not title or len(title.split()) > 12:
        return set()
    folded = fold(title)
    found = set()
    for kind, rx in lexicon().section_rx:
        if rx.search(folded):
            found.add(kind)
    if "organisation" in found:
        return {"organisation"}
    if "targets" in found:
        found -= {"tasks", "funding", "results"}
    return found


def build_outline(blocks: list[Block]) -> tuple[Node, list[Block]]:
    """The tree of numbered blocks under a root; also the paragraphs before the first one
    (the preamble)."""
    root = Node(block=None)
    stack: list[Node] = [root]
    preamble: list[Block] = []
    for block in blocks:
        if block.table is not None:
            stack[-1].tables.append(block.table)
            continue
        if block.marker is None:
            if len(stack) == 1:
                preamble.append(block)
            else:
                target = stack[-1]
                target.paragraphs.append(block)
                target.text_parts.append(block.text)
            continue
        node = Node(block=block)
        node.title, rest = split_title(block)
        if rest:
            node.text_parts.append(rest)
        if node.title is not None and (block.heading or rest != block.text.strip()):
            node.kinds = section_kinds(node.title)
        _place(stack, node)
    infer_numbers(root)
    return root, preamble


# The level below each numbering style in the usual outline (I. > 1. > a) ; A- > 1.).
_NEXT_LEVEL = {"part": "roman", "roman": "arabic", "upper": "arabic", "arabic": "lower"}
_LOWER = "abcdefghiklmnopqrstuvxy"      # the letters plans number with (no đ: Word's own lists have none)


def infer_numbers(root: Node) -> None:
    """Headings without a number under a numbered parent take the number the outline gives
    them: "Cải cách thể chế", "Cải cách thủ tục hành chính" under "II." are 1 and 2, as Word's
    automatic numbering showed them before the text was taken out of the file. Only where the
    parent has no numbered children of that level (then the unnumbered ones are something
    else), and only one level at a time (an inferred "1" makes its own unnumbered children
    "a", "b")."""
    def visit(node: Node, style: str | None) -> None:
        below = _NEXT_LEVEL.get(style or "")
        heads = [c for c in node.children if c.unnumbered]
        if below and heads and not any(c.style == below for c in node.children) \
                and len({c.style for c in heads}) == 1:
            for k, c in enumerate(heads):
                c.inferred = str(k + 1) if below in ("arabic", "roman") else _LOWER[k % len(_LOWER)]
                if below == "roman":
                    from .layout import to_roman
                    c.inferred = to_roman(k + 1)
        for c in node.children:
            visit(c, below if c.inferred else c.style)
    visit(root, None)


def _place(stack: list[Node], node: Node) -> None:
    style, value = node.style, node.value
    same = [i for i, n in enumerate(stack) if n.style == style]
    if same:
        # The open item this one follows: the one it continues in sequence, else the deepest.
        i = next((k for k in reversed(same) if value is not None and stack[k].value is not None
                  and value == stack[k].value + 1), same[-1])
        prev = stack[i]
        restart = (style not in BULLETS + ("roman", "upper", "part") and value == 1
                   and (prev.value or 0) >= 1 and (i < len(stack) - 1 or prev.block.heading))
        if not restart:
            del stack[i:]
    parent = stack[-1]
    node.parent = parent
    parent.children.append(node)
    stack.append(node)
