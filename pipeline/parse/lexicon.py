"""The parser's domain vocabulary, read once from the data files in dictionaries/.

Each file is a commented TSV (see its header for where it came from). Nothing here is specific
to one document: units, qualifiers, document kinds, section words, header words, organisations
and assignment cues are the genre's closed vocabularies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from ..errors import SohoaError
from ..resources import dictionary
from .text import fold, lower, nfc, phrase_regex


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a commented TSV data file (comments and blank lines skipped)."""
    path = dictionary(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # a broken installation, not a user error; say which file
        raise SohoaError(f"cannot read parser data file {path}: {exc}", path=str(path),
                         hint="reinstall sohoa (pip install --force-reinstall sohoa)") from exc
    rows = []
    for line in text.split("\n"):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        rows.append([c.strip() for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str                       # percent | money | measure | count


@dataclass(frozen=True)
class Qualifier:
    name: str
    position: str                   # before | after
    strength: int


@dataclass
class Lexicon:
    units: dict[str, Unit] = field(default_factory=dict)        # folded spelling -> Unit
    per: dict[str, str] = field(default_factory=dict)           # folded denominator -> spelling
    qualifiers: dict[str, Qualifier] = field(default_factory=dict)   # lower-case spelling -> Qualifier
    doc_types: list[tuple[str, list[str], bool]] = field(default_factory=list)
    section_words: list[tuple[str, str]] = field(default_factory=list)
    header: dict[str, list[str]] = field(default_factory=dict)
    grammar: dict[str, list[str]] = field(default_factory=dict)
    organisations: list[tuple[str, str]] = field(default_factory=list)
    cues: list[tuple[str, str]] = field(default_factory=list)
    doc_codes: dict[str, str] = field(default_factory=dict)    # "QD" -> "QĐ"

    # ---- compiled forms (folded text, word boundaries)

    @cached_property
    def unit_rx(self) -> re.Pattern:
        """A unit right at the match position (used with .match after a number)."""
        alts = []
        for spelling in sorted(self.units, key=len, reverse=True):
            alts.append(r"\s+".join(re.escape(w) for w in spelling.split()) if spelling != "%" else "%")
        per = "|".join(re.escape(p) for p in sorted(self.per, key=len, reverse=True))
        return re.compile(r"\s*(" + "|".join(alts) + r")(?![\w²³])((?:\s*/\s*(?:" + per + r")(?![\w²³]))*)")

    def unit_of(self, folded_spelling: str) -> Unit | None:
        return self.units.get(" ".join(folded_spelling.split()))

    @cached_property
    def qualifier_before_rx(self) -> re.Pattern:
        names = [k for k, q in self.qualifiers.items() if q.position == "before"]
        return re.compile(r"(?:^|(?<=[\s(:,;]))(" + _alts(names) + r")\s*$")

    @cached_property
    def qualifier_after_rx(self) -> re.Pattern:
        names = [k for k, q in self.qualifiers.items() if q.position == "after"]
        return re.compile(r"\s*,?\s*(" + _alts(names) + r")(?!\w)")

    @cached_property
    def doc_type_names(self) -> list[str]:
        return [name for name, _, _ in self.doc_types]

    @cached_property
    def reference_kinds(self) -> list[str]:
        """"Chỉ thị", "Nghị quyết", ... as written in running text."""
        return [name[:1] + name[1:].lower() for name, _, ref in self.doc_types if ref]

    @cached_property
    def codes_of_kind(self) -> dict[str, list[str]]:
        """"Hướng dẫn" -> ["HD"]: the codes a kind of document carries in its number."""
        out: dict[str, list[str]] = {}
        for name, codes, _ in self.doc_types:
            out.setdefault(name[:1] + name[1:].lower(), []).extend(codes)
        return out

    @cached_property
    def kind_of_code(self) -> dict[str, str]:
        out = {}
        for name, codes, ref in self.doc_types:
            for c in codes:
                out.setdefault(fold(c), name[:1] + name[1:].lower())
        return out

    def repair_number(self, number: str) -> str:
        """A document number with the Đ that OCR dropped put back in its letter codes
        ("98/2023/ND-CP" -> "98/2023/NĐ-CP"); other parts are kept as written."""
        return re.sub(r"[^\W\d_]+", lambda m: self.doc_codes.get(m.group(0), m.group(0)), number)

    def words(self, table: str, kind: str) -> list[str]:
        source = self.header if table == "header" else self.grammar
        return source.get(kind, [])

    @lru_cache(maxsize=None)
    def rx(self, table: str, kind: str) -> re.Pattern:
        """Header and section words: matched on folded text (tolerates a lost tone)."""
        return phrase_regex(self.words(table, kind))

    @lru_cache(maxsize=None)
    def lrx(self, table: str, kind: str) -> re.Pattern:
        """Short grammar words: matched on lower-case text with diacritics ("số" is not "sở")."""
        return phrase_regex(self.words(table, kind), folded=False)

    @cached_property
    def section_rx(self) -> list[tuple[str, re.Pattern]]:
        return [(kind, phrase_regex([p])) for kind, p in self.section_words]

    def __hash__(self):                 # for lru_cache on methods; there is one lexicon
        return id(self)


def _alts(phrases) -> str:
    out = []
    for p in sorted(set(phrases), key=len, reverse=True):
        out.append(r"\s+".join(re.escape(w) for w in p.split()))
    return "|".join(out) or r"(?!x)x"


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = Lexicon()
    for row in read_tsv("units.tsv"):
        name, kind = row[0], row[1]
        variants = [v.strip() for v in (row[2] if len(row) > 2 else "").split(",") if v.strip()]
        if kind == "per":
            for s in [name] + variants:
                lex.per[fold(s)] = name
            continue
        for s in [name] + variants:
            lex.units.setdefault(" ".join(fold(s).split()), Unit(name, kind))
    for row in read_tsv("qualifiers.tsv"):
        name, position, strength = row[0], row[1], int(row[2])
        variants = [v.strip() for v in (row[3] if len(row) > 3 else "").split(",") if v.strip()]
        for s in [name] + variants:
            lex.qualifiers.setdefault(lower(nfc(s)), Qualifier(name, position, strength))
    for row in read_tsv("doc_types.tsv"):
        codes = [c.strip() for c in (row[1] if len(row) > 1 else "").split(",") if c.strip()]
        lex.doc_types.append((row[0], codes, len(row) > 2 and row[2] == "yes"))
    lex.section_words = [(r[0], r[1]) for r in read_tsv("section_words.tsv")]
    for table, attr in (("header_words.tsv", "header"), ("grammar_words.tsv", "grammar")):
        d: dict[str, list[str]] = {}
        for kind, phrase in read_tsv(table):
            d.setdefault(kind, []).append(phrase)
        setattr(lex, attr, d)
    lex.organisations = [(r[0], r[1]) for r in read_tsv("organisations.tsv")]
    lex.cues = [(r[0], r[1]) for r in read_tsv("assignment_cues.tsv")]
    lex.doc_codes = {r[0]: r[1] for r in read_tsv("doc_codes.tsv")}
    return lex
