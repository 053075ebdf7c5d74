"""Units of targets: which are the same kind of quantity, and the factor between them
(dictionaries/unit_scales.tsv). Used by the diff to compare "6.832 triệu đồng" with "7,1 tỷ đồng"."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .matching import fold


@dataclass(frozen=True)
class UnitScale:
    kind: str           # "money", "mass/area" ...; for a unit not in the table, its folded self
    factor: float       # to the kind's base unit
    known: bool


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, float]]:
    from ..resources import dictionary
    table: dict[str, tuple[str, float]] = {}
    for line in dictionary("unit_scales.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        unit, kind, factor = line.split("\t")
        table[_key(unit)] = (kind, float(factor))
    return table


def _key(unit: str) -> str:
    u = unit.strip().replace("²", "2").replace("³", "3")
    return "%" if u == "%" else fold(u)


@lru_cache(maxsize=512)
def scale_of(unit: str | None) -> UnitScale | None:
    """None for no unit; a rate ("tạ/ha") is the ratio of its parts when all are known."""
    if not unit or not unit.strip():
        return None
    table = _table()
    key = _key(unit)
    if key in table:
        kind, factor = table[key]
        return UnitScale(kind, factor, True)
    parts = [_key(p) for p in unit.split("/")]
    if len(parts) > 1 and all(p in table for p in parts):
        kind = "/".join(table[p][0] for p in parts)
        factor = table[parts[0]][1]
        for p in parts[1:]:
            factor /= table[p][1]
        return UnitScale(kind, factor, True)
    return UnitScale("/".join(parts), 1.0, False)


def same_kind(a: str | None, b: str | None) -> bool | None:
    """True when two units measure the same kind of quantity, False when they do not,
    None when either is missing. Units not in the table ("thôn", "trường") are the same when
    they read alike, so that a letter damaged by OCR ("ngwoi" / "nguoi") does not split them."""
    sa, sb = scale_of(a), scale_of(b)
    if sa is None or sb is None:
        return None
    if sa.known and sb.known:
        return sa.kind == sb.kind
    from rapidfuzz.distance import Levenshtein
    return sa.kind == sb.kind or Levenshtein.normalized_similarity(sa.kind, sb.kind) >= 0.6


def convert(value: float, unit: str | None, to: str | None) -> float | None:
    """`value` in `unit` expressed in `to`; None when they are not the same kind of quantity."""
    sa, sb = scale_of(unit), scale_of(to)
    if sa is None and sb is None:
        return value
    if sa is None or sb is None or sa.kind != sb.kind:
        return None
    return value * sa.factor / sb.factor
