"""Two yearly plans of one fictional commune (xã Đông Sơn, huyện Yên Phong), built as Plan objects,
with the diff an analyst expects between them. Written for sohoa's tests; not from any real plan.

From 2024 to 2025 the targets are renumbered (one removed near the top), reworded ("Tổng sản
lượng" -> "Sản lượng", "người dân" -> "dân số"), reordered, given new breakdown items, moved
from triệu đồng to tỷ đồng; some are unchanged, some added, some removed.
"""
from __future__ import annotations

import random
import unicodedata

from pipeline.model import Header, Plan, Section, Source, Target


def T(number, indicator, value, unit=None, *, breakdown=(), value_max=None, qualifier=None, line=None):
    return Target(number=number, indicator=indicator, value=value, unit=unit, value_max=value_max,
                  qualifier=qualifier, raw=f"{indicator}: {value} {unit or ''}".strip(),
                  breakdown=list(breakdown), line=line)


def B(indicator, value, unit=None, **kw):
    return T(None, indicator, value, unit, **kw)


def plan(year: int, targets: list[Target], sections: list[Section]) -> Plan:
    return Plan(source=Source(path=f"dong-son-{year}.txt", sha256="0" * 64, kind="text", pages=1),
                header=Header(issuer="ỦY BAN NHÂN DÂN XÃ ĐÔNG SƠN", number=f"12/KH-UBND", place="Đông Sơn",
                              date=f"{year}-01-15", doc_type="KẾ HOẠCH"),
                title=f"Kế hoạch phát động phong trào thi đua năm {year}", year=year, locality="Đông Sơn",
                sections=sections, targets=targets)


def S(number, title, *children):
    return Section(number=number, title=title, children=list(children))


def plan_2024() -> Plan:
    targets = [
        T(1, "Tổng sản lượng lương thực có hạt", 3150, "tấn", line=101,
          breakdown=[B("thóc", 2600, "tấn"), B("ngô", 550, "tấn")]),
        T(2, "Diện tích gieo trồng cây hằng năm", 1240, "ha", line=102),
        T(3, "Trồng rừng tập trung", 45, "ha", line=103),
        T(4, "Năng suất lúa bình quân", 58.5, "tạ/ha", line=104),
        T(5, "Phát triển chăn nuôi", None, None, line=105,
          breakdown=[B("Trâu, bò", 1200, "con"), B("lợn", 8500, "con"), B("gia cầm", 95000, "con")]),
        T(6, "Thu nhập bình quân đầu người", 42, "triệu đồng/người/năm", line=106),
        T(7, "Thu ngân sách nhà nước trên địa bàn", 5400, "triệu đồng", line=107),
        T(8, "Tỷ lệ hộ nghèo", 3.5, "%", qualifier="giảm còn", line=108),
        T(9, "Tỷ lệ người dân tham gia bảo hiểm y tế", 95.2, "%", line=109),
        T(10, "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân", 9.8, "%", line=110),
        T(11, "Giải quyết việc làm mới cho lao động", 150, "người", line=111),
        T(12, "Số hộ gia đình đạt danh hiệu gia đình văn hóa", 2100, "hộ", line=112),
        T(13, "Số thôn đạt danh hiệu thôn văn hóa", 11, "thôn", line=113),
        T(14, "Giao quân", 25, "công dân", line=114),
        T(15, "Bê tông hóa đường giao thông nông thôn", 3.2, "km", line=115),
        T(16, "Tỷ lệ tăng dân số tự nhiên", 1.1, "%", qualifier="dưới", line=116),
    ]
    sections = [
        S("I", "MỤC ĐÍCH, YÊU CẦU", S("1", "Mục đích"), S("2", "Yêu cầu")),
        S("II", "NỘI DUNG THI ĐUA", S("1", "Nội dung thi đua"), S("2", "Chỉ tiêu thi đua")),
        S("III", "KHEN THƯỞNG"),
        S("IV", "TỔ CHỨC THỰC HIỆN"),
    ]
    return plan(2024, targets, sections)


def plan_2025() -> Plan:
    targets = [
        T(1, "Sản lượng lương thực có hạt", 3300, "tấn", line=98,
          breakdown=[B("thóc", 2700, "tấn"), B("ngô", 600, "tấn")]),
        T(2, "Diện tích gieo trồng cây hằng năm", 1240, "ha", line=99),
        T(3, "Năng suất lúa bình quân đạt", 60, "tạ/ha", line=100),
        T(4, "Phát triển chăn nuôi", None, None, line=101,
          breakdown=[B("Tổng đàn trâu, bò", 1150, "con"), B("lợn", 9000, "con"), B("gia cầm", 95000, "con"),
                     B("dê", 400, "con")]),
        T(5, "Thu nhập bình quân đầu người đạt", 46, "triệu đồng/người/năm", line=102),
        T(6, "Thu ngân sách trên địa bàn", 6.1, "tỷ đồng", line=103),
        T(7, "Tỷ lệ dân số tham gia bảo hiểm y tế", 96, "%", line=104),
        T(8, "Tỷ lệ hộ nghèo", 2.9, "%", qualifier="giảm còn", line=105),
        T(9, "Giải quyết việc làm cho lao động", 160, "người", line=106),
        T(10, "Gia đình đạt danh hiệu gia đình văn hóa", 2150, "hộ", line=107),
        T(11, "Số thôn đạt danh hiệu thôn văn hóa", 11, "thôn", line=108),
        T(12, "Giao quân", 25, "công dân", line=109),
        T(13, "Số trường học đạt chuẩn quốc gia", 5, "trường", line=110),
        T(14, "Bê tông hóa đường giao thông nông thôn", 4, "km", line=111),
        T(15, "Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý", 85, "%", line=112),
        T(16, "Tỷ lệ tăng dân số tự nhiên", 1.0, "%", qualifier="dưới", line=113),
    ]
    sections = [
        S("I", "MỤC ĐÍCH, YÊU CẦU", S("1", "Mục đích"), S("2", "Yêu cầu")),
        S("II", "NỘI DUNG THI ĐUA", S("1", "Nội dung thi đua"), S("2", "Chỉ tiêu thi đua")),
        S("III", "NHIỆM VỤ, GIẢI PHÁP"),
        S("IV", "KHEN THƯỞNG"),
        S("V", "TỔ CHỨC THỰC HIỆN"),
    ]
    return plan(2025, targets, sections)


# (indicator in the diff, unit, old, new, change): what an analyst reads off the two plans.
EXPECTED = [
    ("Sản lượng lương thực có hạt", "tấn", 3150, 3300, "changed"),
    ("thóc", "tấn", 2600, 2700, "changed"),
    ("ngô", "tấn", 550, 600, "changed"),
    ("Diện tích gieo trồng cây hằng năm", "ha", 1240, 1240, "unchanged"),
    ("Trồng rừng tập trung", "ha", 45, None, "removed"),
    ("Năng suất lúa bình quân đạt", "tạ/ha", 58.5, 60, "changed"),
    ("Tổng đàn trâu, bò", "con", 1200, 1150, "changed"),
    ("lợn", "con", 8500, 9000, "changed"),
    ("gia cầm", "con", 95000, 95000, "unchanged"),
    ("dê", "con", None, 400, "added"),
    ("Thu nhập bình quân đầu người đạt", "triệu đồng/người/năm", 42, 46, "changed"),
    ("Thu ngân sách trên địa bàn", "tỷ đồng", 5400, 6.1, "changed"),
    ("Tỷ lệ dân số tham gia bảo hiểm y tế", "%", 95.2, 96, "changed"),
    ("Tỷ lệ hộ nghèo", "%", 3.5, 2.9, "changed"),
    ("Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân", "%", 9.8, None, "removed"),
    ("Giải quyết việc làm cho lao động", "người", 150, 160, "changed"),
    ("Gia đình đạt danh hiệu gia đình văn hóa", "hộ", 2100, 2150, "changed"),
    ("Số thôn đạt danh hiệu thôn văn hóa", "thôn", 11, 11, "unchanged"),
    ("Giao quân", "công dân", 25, 25, "unchanged"),
    ("Số trường học đạt chuẩn quốc gia", "trường", None, 5, "added"),
    ("Bê tông hóa đường giao thông nông thôn", "km", 3.2, 4, "changed"),
    ("Tỷ lệ chất thải rắn sinh hoạt được thu gom, xử lý", "%", None, 85, "added"),
    ("Tỷ lệ tăng dân số tự nhiên", "%", 1.1, 1.0, "changed"),
]
EXPECTED_SECTIONS = [("III", "NHIỆM VỤ, GIẢI PHÁP", "added")]


# ----------------------------------------------------------------------------- OCR-like noise

_TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]


def _retone(word: str, rng: random.Random) -> str:
    """The same letters with another tone mark (or none): what a tone confusion of restoration
    or Tesseract `vie` leaves (`thể` for `thẻ`, `tố` for `tổ`)."""
    d = unicodedata.normalize("NFD", word)
    base = "".join(ch for ch in d if ch not in _TONES)
    vowels = [i for i, ch in enumerate(base) if ch.lower() in "aeiouy"]
    if not vowels:
        return word
    i = rng.choice(vowels)
    tone = rng.choice(_TONES + [""])
    return unicodedata.normalize("NFC", base[:i + 1] + tone + base[i + 1:])


def noisy(text: str, rng: random.Random, rate: float = 0.3) -> str:
    """Damage a name the way restored legacy OCR can: tone marks changed, a hook or breve lost,
    `l` read as `1`, a letter doubled or dropped in a longer word."""
    out = []
    for w in text.split(" "):
        r = rng.random()
        if r < rate * 0.6:
            w = _retone(w, rng)
        elif r < rate * 0.75:
            w = unicodedata.normalize("NFC", unicodedata.normalize("NFD", w).replace("\u031b", "").replace("\u0306", ""))
        elif r < rate * 0.85 and "l" in w:
            w = w.replace("l", "1", 1)
        elif r < rate and len(w) >= 5:
            i = rng.randrange(1, len(w) - 1)
            w = w[:i] + w[i + 1:] if rng.random() < 0.5 else w[:i] + w[i] + w[i:]
        out.append(w)
    return " ".join(out)


def with_noise(p: Plan, seed: int, rate: float = 0.3) -> Plan:
    rng = random.Random(seed)
    q = Plan.from_dict(p.to_dict())
    for t in q.targets:
        t.indicator = noisy(t.indicator, rng, rate)
        for b in t.breakdown:
            b.indicator = noisy(b.indicator, rng, rate)
    return q


# ----------------------------------------------------------------------------- as a document

def vn(v) -> str:
    """3150 -> '3.150', 58.5 -> '58,5' (as the plans write numbers)."""
    whole, _, frac = f"{v:,.2f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def _quantity(t: Target) -> str:
    q = f"{t.qualifier} " if t.qualifier else ""
    unit = t.unit or ""
    sep = "" if unit == "%" else " "
    return f"{q}{vn(t.value)}{sep}{unit}".strip()


def as_text(p: Plan) -> str:
    """The plan as the text of a kế hoạch (the layout of Decree 30/2020/NĐ-CP), for tests that go
    through the whole pipeline."""
    y = p.year
    lines = ["ỦY BAN NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "XÃ ĐÔNG SƠN                            Độc lập - Tự do - Hạnh phúc",
             f"Số: 12/KH-UBND                     Đông Sơn, ngày 15 tháng 01 năm {y}", "",
             "KẾ HOẠCH", f"Phát động phong trào thi đua năm {y}", ""]
    for s in p.sections:
        lines.append(f"{s.number}. {s.title}")
        for c in s.children:
            lines.append(f"{c.number}. {c.title}")
            if c.title == "Chỉ tiêu thi đua":
                for t in p.targets:
                    head = f"{t.number}. {t.indicator}"
                    if t.value is not None:
                        head += f": {_quantity(t)}"
                    if t.breakdown:
                        items = "; ".join(f"{b.indicator}: {_quantity(b)}" for b in t.breakdown)
                        head += (", trong đó " if t.value is not None else ": ") + items
                    lines.append(head)
            else:
                lines.append(f"Các cơ quan, đơn vị, cá nhân tích cực hưởng ứng, thực hiện tốt nhiệm vụ năm {y}.")
        if not s.children:
            lines.append(f"Các ngành, đoàn thể của xã chủ động triển khai, báo cáo kết quả về UBND xã.")
        lines.append("")
    lines += ["Nơi nhận:", "- UBND huyện Yên Phong;", "- Lưu: VT."]
    return "\n".join(lines) + "\n"
