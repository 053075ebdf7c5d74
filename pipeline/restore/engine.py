"""The restoration engine: a noisy-channel decoder over the whole document.

1. Detect the input's condition from its letters: a document that is not Vietnamese at all
   (language.py) is left as it is; legacy OCR (an English model wrote next to no
   Vietnamese letters outside Latin-1) uses the `eng` channel; Vietnamese OCR and clean text use
   the `vie` channel, in which a word is almost always what it seems.
2. Turn the document into slots, paragraph by paragraph (lines between blank lines: context
   carries across line breaks): punctuation, numbers, numbering and abbreviations are fixed;
   each word gets candidate syllables from the channel (channel.py), plus itself.
   An upper-case word also gets the syllables its capitals' marks may have been misread from
   (capitals.py).
3. Decode with the trigram LM (decoder.py), then write the chosen words back in the places of
   the originals, with the original's case, leaving every other character of the line alone.
   In legacy OCR, the letter channel is first adapted to the document from its sure words and
   its unsure words decoded again (adapt.py), and an English-looking word of a Vietnamese line
   is taken for a misreading (english.py). After the decode, a known phrase with one misread
   syllable is repaired (phrases.py).
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass

import numpy as np

from ..model import RawLine, RawText, RestoredLine, RestoredText, RestoredToken
from ..resources import dictionaries_dir
from .capitals import Capitals
from .channel import Channel, SyllableIndex
from .decoder import Weights, decode
from .english import Context, doubt_keep, looks_misread
from .language import NOT_VIETNAMESE, is_vietnamese_document
from .lm import LanguageModel
from .phrases import PhraseBook, repair_phrases
from .tokens import CODE, ETH_TO_D, NUM, core_class, punct_tokens, split_line
from .vietnamese import is_valid_syllable, place_tone, strip_marks

# Letters of Vietnamese outside Latin-1: an English OCR model (almost) never writes them.
VIETNAMESE_ONLY = set("ăđơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĩũ")
# Symbols an English model writes for Vietnamese letters (x& xã, v¢ vợ, N§i Nội) and that no
# document number or code contains
OCR_JUNK = frozenset("&¢§©®£¥¤_")   # not °: 25°C is written so; `_`: what Ocrad and GOCR write for a letter they cannot read
LEGACY_MAX_SHARE = 0.12   # below this share of words with such letters, the text is legacy OCR


@dataclass
class Settings:
    """Decoder settings per condition (tuned on held-out pages by benchmarks/restore.py)."""
    weights: Weights
    keep_logp: float              # channel log-prob of leaving a word outside the vocabulary as it is
    max_candidates: int = 14      # per word, ranked by channel + unigram prior ...
    common_extra: int = 4         # ... plus the commonest words among plausible readings
    legacy: bool = False          # digits and symbols may stand for letters (t6 tổ, x4 xã, 6 ở)
    number_keep_logp: float = 0.0  # a short number read as a word must beat this
    # a word with an accented letter that is no Vietnamese syllable (Truwéng, nhiém, dông) is
    # the English model's mangling, not a foreign word (those come unaccented): keeping it
    # must cost more
    garbled_keep_logp: float | None = None


SETTINGS = {
    "eng": Settings(Weights(lm=1.0, channel=1.0, pair_bonus=0.5), keep_logp=-9.0, legacy=True,
                    number_keep_logp=-1.0, garbled_keep_logp=-14.0),
    "vie": Settings(Weights(lm=1.0, channel=1.0, pair_bonus=0.5), keep_logp=-1.0),
}
UNIGRAM_PRIOR = 1.0           # weight of log P(word) when choosing which candidates to keep
PRUNE_MARGIN = 12.0           # drop candidates whose channel + unigram score trails the best by more
COMMON_MIN_CHANNEL = -6.0     # how plausible a reading must be for a common word to be kept
NUMBER_AS_WORD_MIN = 0.8      # posterior a number needs to be rewritten as the word it misread
# A second reading of a word by another engine (an old PDF text layer, pipeline.ocr.fusion):
# the weight of its channel score, and how many of its own best readings join the candidates.
# Below 1 because the legacy channel was learned on other engines than the layer's
# (benchmarks/fusion.py measures it).
SECOND_WEIGHT = 0.6
SECOND_EXTRA = 3
# ... asked only where Tesseract is unsure of the word: its confidence below this (a word read
# at 90-96 is right 99 % of the time, and there the layer's misreadings would only add noise).
SECOND_BELOW = 85.0
GARBLED_FLOOR = -8.0


class Literal(str):
    """An output written exactly as it is (a restored abbreviation), not re-cased."""


@dataclass
class Slot:
    ids: np.ndarray
    ch: np.ndarray
    outs: list            # output word per candidate (None: keep the original)
    where: tuple | None   # (line index, piece index) of a word slot


def detect_condition(raw: RawText) -> str:
    words = [p.core for line in raw.lines for p in split_line(line.text) if p.core.isalpha()]
    if not words:
        return "clean"
    if not is_vietnamese_document(words):
        return NOT_VIETNAMESE
    share = sum(1 for w in words if VIETNAMESE_ONLY & set(w.lower())) / len(words)
    if share < LEGACY_MAX_SHARE:
        return "legacy"
    return "vietnamese" if any(line.confidences for line in raw.lines) else "clean"


def is_regular_case(word: str) -> bool:
    """lower, UPPER or Title: the cases a Vietnamese word is written in (not hànH, tỌc)."""
    return word.islower() or word.isupper() or word.istitle() or not any(c.isalpha() for c in word)


def apply_case(pattern: str, word: str, heading: bool) -> str:
    letters = [c for c in pattern if c.isalpha()]
    if not letters:
        return word.upper() if heading else word
    upper = sum(c.isupper() for c in letters)
    if (len(letters) >= 2 and upper >= 0.6 * len(letters)) or (heading and upper == len(letters)):
        return word.upper()
    first = next((c for c in pattern if c.isalnum()), "")
    if first == "I" and word[:1] == "l" and not heading:
        return word     # an English model's capital I for a small l (I6p for lớp): not a capital
    if first.isupper() or (first.isdigit() and heading):
        return word[:1].upper() + word[1:]
    return word


_ROMAN = re.compile(r"^[IVXLC]+$")


def is_marker(pieces, pi: int) -> bool:
    """Numbering and list markers, never restored: the first word of a line when it is a number
    or a single letter or Roman numeral followed by . ) or - (`14.`, `C-`, `V.`, `b)`); a letter
    in brackets (`(a)`); a number next to another number or followed by . ) % / : (a value or
    a date, not a misread word)."""
    piece = pieces[pi]
    core = piece.core
    short = len(core) == 1 or bool(_ROMAN.match(core)) or core.isdigit()
    if not short:
        return False
    after = piece.suffix[:1]
    if pi == 0 and after in (".", ")", "-", "–", ":") and not piece.prefix.strip("‘'\"“"):
        return True
    if piece.prefix.endswith("(") and after == ")":
        return True
    if core.isdigit():
        if pi == 0 or after in (".", ")", "%", "/", ":", ","):
            return True
        neighbours = [pieces[j].core for j in (pi - 1, pi + 1) if 0 <= j < len(pieces)]
        return any(n[:1].isdigit() for n in neighbours)
    return False


# Roman numerals kept as they are wherever they stand (chương II, mục XIII); VI and XI are left
# out: in capitalised text they are more often the syllables VỊ, VÌ, XÍ misread.
_ROMAN_NUMERAL = re.compile(r"^(?=[IVX]{2,})X{0,3}(IX|IV|V?I{0,3})$")


def is_abbreviation(core: str) -> bool:
    """An upper-case word that is not a misread syllable: a Roman numeral (but VI, XI), or
    letters without a vowel (BHXH, TTHC, MN)."""
    if _ROMAN_NUMERAL.match(core) and core not in ("VI", "XI"):
        return True
    return core.isalpha() and not set("AEIOUY") & set(strip_marks(core).upper())


def is_garbled(core: str) -> bool:
    """Accented letters (as an English model emits them) on a word that is no syllable."""
    return not core.isascii() and not is_valid_syllable(core)


def is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


class Engine:
    def __init__(self, style: str = "new"):
        folder = dictionaries_dir()
        self.style = style
        self.lm = LanguageModel(folder / "lm.npz")
        tables = np.load(folder / "candidates.npz")
        if int(tables["vocab_size"][0]) != self.lm.V:
            raise RuntimeError("dictionaries/candidates.npz does not match lm.npz: rebuild it with "
                               "dictionaries/build/build_channel.py")
        index = SyllableIndex(self.lm.vocab, tables["candidate_ids"], self.lm.uni)
        self.candidate_set = set(index.ids.tolist())
        self.channels = {kind: Channel(kind, folder, index, tables) for kind in SETTINGS}
        self.acronyms, self.acronym_of_bare = load_acronyms(folder)
        self.confidence_shift = load_confidence_shift(folder / "ocrconf-vie.tsv")
        # known phrases repaired after the decode (phrases.py); capitals' marks (capitals.py)
        self.phrases = PhraseBook(folder / "phrases.npz", self.lm)
        self.capitals = Capitals(folder / "capitals-vie.tsv")
        self._slot_cache: dict[tuple[str, str], tuple] = {}
        self._fused_cache: dict[tuple[str, str], tuple] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ public
    def restore(self, raw: RawText, corrections=None, adapt: bool = True) -> RestoredText:
        """Restore `raw`; `corrections` (corrections.Corrections, reviewers' words) are preferred.
        `adapt=False` leaves out the per-document adaptation of legacy OCR (for measuring it)."""
        condition = detect_condition(raw)
        if condition == NOT_VIETNAMESE:     # left as it is: restoring would make Vietnamese up
            return RestoredText(lines=[self._line(li, line, line.text, split_line(line.text), {})
                                       for li, line in enumerate(raw.lines)], condition=condition,
                                pages=list(raw.pages))
        kind = "eng" if condition == "legacy" else "vie"
        settings = SETTINGS[kind]
        lines = raw.lines
        texts = [line.text.translate(ETH_TO_D) for line in lines]
        pieces_of = {i: split_line(text) for i, text in enumerate(texts)}
        # one framed slot sequence for the whole document: <s> <s> paragraph </s> ...
        slots: list[Slot] = []
        bos, eos = self._fixed_id(self.lm.bos), self._fixed_id(self.lm.eos)
        # The bars between the cells of a table row ("a | b | c") are the row's, not a misread
        # letter (legacy OCR writes "|" for l and I): a row of a table the source gave, or a line
        # with two bars standing alone or more.
        table_rows = {t.line - 1 + k for t in raw.tables if t.line for k in range(len(t.rows))}
        context = Context(pieces_of)       # how Vietnamese the lines are, for english.py
        for para in self._paragraphs(lines):
            slots += [bos, bos]
            for li in para:
                bars = li in table_rows or sum(1 for p in pieces_of[li] if p.core == "|" and not p.prefix
                                               and not p.suffix) >= 2
                for pi, piece in enumerate(pieces_of[li]):
                    for t in punct_tokens(piece.prefix):
                        slots.append(self._fixed(t))
                    if bars and piece.core == "|" and not piece.prefix and not piece.suffix:
                        slots.append(self._fixed("|"))
                    elif piece.core and is_marker(pieces_of[li], pi):
                        slots.append(self._fixed_id(self.lm.num if piece.core.isdigit() else self.lm.code))
                    elif piece.core:
                        conf = confs_of(lines[li], piece.word) if kind == "vie" else None
                        # only a capitals' slot asks whether it is a place's name (speed)
                        name = kind == "vie" and piece.core.isupper() and after_unit_word(pieces_of[li], pi)
                        slot = self._word_slot(piece.core, kind, settings, (li, pi), conf, name)
                        if settings.legacy and looks_misread(piece.core, self.lm.id_of(piece.core.lower()) != self.lm.unk) \
                                and not context.foreign_around(para, li):
                            slot = Slot(slot.ids, doubt_keep(slot.ids, slot.ch, slot.outs), slot.outs, slot.where)
                        second = (second_reading(lines[li], pieces_of[li], pi)
                                  if kind == "vie" and conf is not None and conf < SECOND_BELOW else None)
                        if second is not None and any(c.isalpha() for c in piece.core):
                            slot = self._fused(slot, piece.core, second)
                        if corrections:        # reviewers' words last: they win over both readings
                            slot = corrections.adjust(slot, piece.core, *neighbours(pieces_of[li], pi), self.lm)
                        slots.append(slot)
                    for t in punct_tokens(piece.suffix):
                        slots.append(self._fixed(t))
            slots.append(eos)
        runners_up: list = []
        choice, conf = decode(self.lm, [s.ids for s in slots], [s.ch for s in slots], settings.weights, runners_up)
        if adapt and settings.legacy:
            # the engine's habits, learned from this document's sure words (adapt.py)
            from .adapt import adapt as adapt_document
            cores = {(li, pi): pieces_of[li][pi].core for li in pieces_of for pi in range(len(pieces_of[li]))}

            def refine(slot: Slot) -> Slot:
                if not corrections:
                    return slot
                li, pi = slot.where
                return corrections.adjust(slot, pieces_of[li][pi].core, *neighbours(pieces_of[li], pi), self.lm)
            adapt_document(self, slots, choice, conf, runners_up, cores, settings, refine)
        if self.phrases is not None:     # a known phrase with one syllable the decode got wrong
            repair_phrases(self, slots, choice, conf, runners_up, kind, pieces_of)
        chosen = {}
        for s, c, p, alts in zip(slots, choice, conf, runners_up):
            if s.where is not None:
                li, pi = s.where
                # a number read as a word (6 -> ở) only when the decoder is sure
                if s.outs[c] is not None and pieces_of[li][pi].core.isdigit() and p < NUMBER_AS_WORD_MIN:
                    alts = [(c, p)] + [(k, q) for k, q in alts if s.outs[k] is not None]
                    c, p = s.outs.index(None), 1.0 - p
                chosen[s.where] = (s.outs[c], p, [(s.outs[k], q) for k, q in alts if k != c])
        out_lines = [self._line(li, line, texts[li], pieces_of[li], chosen) for li, line in enumerate(lines)]
        return RestoredText(lines=out_lines, condition=condition, pages=list(raw.pages))

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _paragraphs(lines: list[RawLine]):
        para: list[int] = []
        for i, line in enumerate(lines):
            if line.text.strip():
                para.append(i)
            elif para:
                yield para
                para = []
        if para:
            yield para

    def _line(self, li: int, line: RawLine, text: str, pieces, chosen) -> RestoredLine:
        """The restored line; `text` is the line as read, its look-alike letters replaced. Each
        token gets its word's box (its share of it, for a word restored in parts)."""
        heading = is_heading(text)
        tokens, parts, pos = [], [], 0
        word_lengths = [len(w) for w in line.text.split()] if line.boxes else None
        for pi, piece in enumerate(pieces):
            if not piece.core:
                continue
            out, p, alts = chosen.get((li, pi), (None, 1.0, []))
            word = piece.core if out is None else self._render(piece.core, out, heading)
            alternatives = []
            for alt, q in alts:
                shown = piece.core if alt is None else self._render(piece.core, alt, heading)
                if shown != word and all(shown != a for a, _ in alternatives):
                    alternatives.append((shown, q))
            tokens.append(RestoredToken(text=word, original=line.text[piece.start:piece.end],
                                        confidence=round(float(p), 4),
                                        start=piece.start, end=piece.end,
                                        ocr_confidence=confs_of(line, piece.word),
                                        box=box_of(line, word_lengths, piece),
                                        alternatives=alternatives))
            parts.append(text[pos:piece.start])
            parts.append(word)
            pos = piece.end
        parts.append(text[pos:])
        return RestoredLine(text="".join(parts), original=line.text, tokens=tokens, page=line.page,
                            boxes=line.boxes, block=line.block)

    def _render(self, original: str, word: str, heading: bool) -> str:
        if isinstance(word, Literal):
            return str(word)
        word = place_tone(word, self.style)
        if place_tone(original.lower(), self.style) == word and is_regular_case(original):
            return place_tone(original, self.style)   # unchanged but for tone placement
        return apply_case(original, word, heading)

    def _fixed(self, token: str) -> Slot:
        return self._fixed_id(self.lm.id_of(token))

    @staticmethod
    def _fixed_id(i: int) -> Slot:
        return Slot(np.array([i]), np.zeros(1), [None], None)

    def _word_slot(self, core: str, kind: str, settings: Settings, where, ocr_conf=None,
                   name: bool = False) -> Slot:
        key = (core, kind, name)
        cached = self._slot_cache.get(key)
        if cached is None:
            ids, ch, outs = self._candidates(core, kind, settings, name)
            lower = place_tone(core.lower(), "new")
            as_read = np.array([o is None or o == lower for o in outs])
            cached = (ids, ch, outs, as_read)
            with self._lock:
                self._slot_cache[key] = cached
        ids, ch, outs, as_read = cached
        if ocr_conf is not None and len(ids) > 1 and ocr_conf >= 0:
            # Tesseract's own doubt: a word it was unsure of is more often misread
            keep_shift, change_shift = self.confidence_shift(ocr_conf)
            ch = ch + np.where(as_read, keep_shift, change_shift)
        return Slot(ids, ch, outs, where)

    def _fused(self, slot: Slot, core: str, second: str) -> Slot:
        """The slot of a word that another engine read too (a PDF's old text layer, without
        Vietnamese): each candidate is scored against both readings, log P(tesseract | w) +
        SECOND_WEIGHT * log P(layer | w), the layer's through the legacy `eng` channel; the
        layer's own best readings join the candidates. Independent eyes on the same ink: where
        Tesseract doubts, the layer decides, and where both agree nothing changes."""
        key = (core, second)
        cached = self._fused_cache.get(key)
        if cached is None:
            eng, vie = self.channels["eng"], self.channels["vie"]
            lower2 = place_tone(second.lower(), "new")
            theirs = dict(eng.candidates(lower2, second if second[:1].isupper() else None))
            lower1 = place_tone(core.lower(), "new")
            ids, outs = list(slot.ids), list(slot.outs)
            extra = sorted((i for i in theirs if i not in set(ids)),
                           key=lambda i: -(theirs[i] + UNIGRAM_PRIOR * float(self.lm.uni[i])))[:SECOND_EXTRA]
            # Tesseract's reading of a word that is no syllable (ngh1ệp) says little about which
            # syllable it was: its letter-level penalties are floored, so the layer can speak
            floor_vie = None if is_valid_syllable(lower1) else GARBLED_FLOOR
            ours = [None] * len(ids) + [max(vie._score(lower1, i), floor_vie or -1e9) for i in extra]
            ids += extra
            outs += [self.lm.vocab[i] for i in extra]
            floor = min(theirs.values(), default=0.0) - 2.0
            second_lp = np.array([theirs.get(i, floor) if o is not None or i in theirs else floor
                                  for i, o in zip(ids, outs)])
            cached = (np.array(ids), np.array(ours, dtype=object), outs, second_lp)
            with self._lock:
                self._fused_cache[key] = cached
        ids, ours, outs, second_lp = cached
        n = len(slot.ids)
        ch = np.concatenate([slot.ch, np.array(ours[n:], dtype=np.float64)])
        ch = np.where([o is None for o in outs], np.minimum(ch, SETTINGS["vie"].keep_logp), ch)
        return Slot(ids, ch + SECOND_WEIGHT * second_lp, outs, slot.where)

    def _candidates(self, core: str, kind: str, settings: Settings, name: bool = False):
        lm = self.lm
        cls = core_class(core)
        if cls == NUM:
            if not (settings.legacy and core.isdigit() and len(core) <= 2):
                return np.array([lm.num]), np.zeros(1), [None]
            keep_id, keep_lp = lm.num, settings.number_keep_logp   # 6 for ở, 13 for là
        elif cls == CODE:
            spelled = self._spell_code(core, settings)
            if spelled is not None:
                return np.array([lm.code]), np.zeros(1), [spelled]
            digits = sum(c.isdigit() for c in core)
            # letters mixed with digits or symbols (t6, x4, d@)ng, ¢d, 1&): a word the English
            # model misread; longer codes (QH14, 26-CT/TU) are kept
            if not (settings.legacy and digits <= 2 and len(core) <= 6 and "/" not in core
                    and "-" not in core and not core.isdigit()):
                return np.array([lm.code]), np.zeros(1), [None]
            keep_id, keep_lp = lm.code, settings.keep_logp
            if settings.garbled_keep_logp is not None and any(c in OCR_JUNK for c in core):
                keep_lp = settings.garbled_keep_logp     # x&, 1&, v¢: no code is written so
        else:
            keep_id = lm.id_of(place_tone(core.lower(), "new"))
            keep_lp = None if keep_id in self.candidate_set else settings.keep_logp
            if keep_lp is not None and settings.garbled_keep_logp is not None and is_garbled(core):
                keep_lp = settings.garbled_keep_logp
            if len(core) >= 2 and core.isupper():
                bare = strip_marks(core)
                if settings.legacy and bare in self.acronym_of_bare and core not in self.acronyms:
                    return np.array([keep_id]), np.zeros(1), [Literal(self.acronym_of_bare[bare])]
                if core in self.acronyms or is_abbreviation(core):
                    return np.array([keep_id]), np.zeros(1), [None]
        lower = place_tone(core.lower(), "new")
        cased = core if core[:1].isupper() else None
        cands = self.channels[kind].candidates(lower, cased)
        if kind == "vie" and self.capitals is not None and len(core) >= 2 and core.isupper() and not name:
            cands = self._capital_candidates(lower, cands)
        if cands:
            scored = sorted(((lp + UNIGRAM_PRIOR * float(lm.uni[i]), i, lp) for i, lp in cands), reverse=True)
            floor = scored[0][0] - PRUNE_MARGIN
            kept = [(i, lp) for sc, i, lp in scored[: settings.max_candidates] if sc >= floor]
            # a common word that the channel finds only fairly likely (cứ read as cu) is kept
            # too: its context, not its spelling, will decide (căn cứ)
            common = sorted(((float(lm.uni[i]), i, lp) for sc, i, lp in scored[settings.max_candidates:]
                             if lp >= COMMON_MIN_CHANNEL), reverse=True)
            kept += [(i, lp) for _u, i, lp in common[: settings.common_extra]]
            if cands[0] not in kept:
                kept.append(cands[0])
        else:
            kept = []
        ids = [i for i, _ in kept]
        ch = [lp for _, lp in kept]
        outs: list = [lm.vocab[i] for i in ids]
        if keep_id not in ids:
            ids.append(keep_id)
            ch.append(keep_lp if keep_lp is not None else min(ch or [0.0]) - 2.0)
            outs.append(None)
        return np.array(ids), np.array(ch, dtype=np.float64), outs

    def _capital_candidates(self, lower: str, cands):
        """An upper-case word's candidates: every syllable with its bare letters, scored by how
        Tesseract `vie` reads capitals' marks (capitals.py) or by the channel, whichever finds
        the reading likelier (the channel knows confusions of whole marks, BÕ for BỔ, that the
        letter-and-tone model of capitals does not)."""
        best = dict(cands)
        for i in self.channels["vie"].index.groups.get(strip_marks(lower), ()):
            lp = self.capitals.score(self.lm.vocab[i], lower)
            if lp is not None and lp > best.get(i, -1e9):
                best[i] = lp
        return sorted(best.items(), key=lambda c: -c[1])

    def _spell_code(self, core: str, settings: Settings):
        """A code with abbreviations whose Đ the OCR dropped (ND-CP -> NĐ-CP), or None."""
        if not settings.legacy:
            return None
        changed = False

        def fix(m):
            nonlocal changed
            run = m.group(0)
            spelled = self.acronym_of_bare.get(run)
            if spelled and spelled != run:
                changed = True
                return spelled
            return run
        out = _UPPER_RUN.sub(fix, core)
        return Literal(out) if changed else None


_UPPER_RUN = re.compile(r"(?<![^\W\d_])[A-Z]{2,8}(?![^\W\d_])")


# Administrative units, by their bare letters (TỈNH, HUYỆN, XÃ, PHƯỜNG, THỊ TRẤN, THÀNH PHỐ): the
# capitals after one are a place's name, which the LM knows too little to re-mark (a province
# BÌNH PHÚ would become PHỦ, the commoner syllable). QUẬN is left out: bare, it is CƠ QUAN.
_UNIT_WORDS = {"TINH": "", "HUYEN": "", "XA": "", "PHUONG": "", "TRAN": "THI", "PHO": "THANH"}


def after_unit_word(pieces, pi: int) -> bool:
    """Whether piece `pi` is one of the two words after an administrative unit on its line."""
    def bare(j):
        return strip_marks(pieces[j].core).upper() if j >= 0 and pieces[j].core.isupper() else ""
    for j in range(max(pi - 2, 0), pi):
        before = _UNIT_WORDS.get(bare(j))
        if before is not None and (not before or bare(j - 1) == before):
            return True
    return False


def neighbours(pieces, pi: int) -> tuple[str, str]:
    """The cores beside piece `pi` on its line ("" at the line's edges)."""
    return (pieces[pi - 1].core if pi > 0 else "", pieces[pi + 1].core if pi + 1 < len(pieces) else "")


def box_of(line: RawLine, word_lengths: list[int] | None, piece):
    """The box of the piece's characters within its word's box, or None without geometry."""
    wi = piece.word
    if not word_lengths or wi >= len(line.boxes) or line.boxes[wi] is None:
        return None
    return line.boxes[wi].part(piece.start - piece.word_start, piece.end - piece.word_start,
                               word_lengths[wi] if wi < len(word_lengths) else 0)


def second_reading(line: RawLine, pieces, pi: int) -> str | None:
    """Another engine's reading of piece `pi`'s word (RawLine.second), its edge punctuation
    off; None when there is none or the word is restored in parts (a chain)."""
    if not line.second:
        return None
    piece = pieces[pi]
    wi = piece.word
    if wi >= len(line.second) or not line.second[wi]:
        return None
    if (pi > 0 and pieces[pi - 1].word == wi) or (pi + 1 < len(pieces) and pieces[pi + 1].word == wi):
        return None
    theirs = [p for p in split_line(line.second[wi].translate(ETH_TO_D)) if p.core]
    return theirs[0].core if len(theirs) == 1 else None


def confs_of(line: RawLine, wi: int):
    """The OCR confidence of the line's word `wi` (a whitespace-separated word), when known."""
    if line.confidences and wi < len(line.confidences):
        return line.confidences[wi]
    return None


def load_confidence_shift(path):
    """Channel log-prob shifts by Tesseract word confidence: (for reading the word as written,
    for reading it as another word), relative to the channel's average. From ocrconf-vie.tsv."""
    rows = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                b, right, total = map(int, line.split("\t"))
                rows.append((b, right, total))
    all_right = sum(r for _, r, _ in rows) + 1
    all_total = sum(t for _, _, t in rows) + 2
    mean = all_right / all_total
    table = {}
    for b, right, total in rows:
        acc = (right + 2 * mean) / (total + 2)          # smoothed towards the mean
        table[b] = (math.log(acc / mean), math.log((1 - acc) / (1 - mean)))

    def shift(conf: float) -> tuple[float, float]:
        return table.get(min(int(conf // 10), 9) * 10, (0.0, 0.0))
    return shift


def load_acronyms(folder) -> tuple[set[str], dict[str, str]]:
    """Known abbreviations (kept as they are) and, for those with Đ, their bare OCR form."""
    spellings: set[str] = set()
    for line in (folder / "acronyms-domain.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spellings.add(line.strip())
    for line in (folder / "acronyms.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            spellings.add(line.split("\t")[1])
    bare: dict[str, str] = {}
    for s in spellings:
        for part in re.split(r"[-&/]", s):
            if "Đ" in part and len(part) >= 2:
                bare.setdefault(strip_marks(part), part)
        if "Đ" in s:
            bare.setdefault(strip_marks(s), s)
    return spellings, bare


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(style: str = "new") -> Engine:
    with _engines_lock:
        if style not in _engines:
            _engines[style] = Engine(style)
        return _engines[style]
