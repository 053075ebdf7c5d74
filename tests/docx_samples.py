"""Hand-built plans for the DOCX tests: a fictional commune plan (xã Tân Phong, huyện Sơn
Minh) written in the genre, with its restored text as two-column OCR linearises it (the header
and closing columns run together on one line), and the Plan a full parser gives for it.

Nothing here comes from the shared sample's gold text.
"""
from __future__ import annotations

import re

from pipeline.model import (Assignment, Goal, Header, LowConfidenceWord, Plan, Quality, Reference,
                            RestoredLine, RestoredText, RestoredToken, Section, Source, Target, Task)

TAN_PHONG = """\
UBND HUYỆN SƠN MINH
ỦY BAN NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ TÂN PHONG                    Độc lập - Tự do - Hạnh phúc
Số: 27/KH-UBND                  Tân Phong, ngày 08 tháng 02 năm 2025

KẾ HOẠCH
Thực hiện nhiệm vụ phát triển kinh tế - xã hội
và bảo đảm quốc phòng, an ninh năm 2025

Căn cứ Nghị quyết số 45/NQ-HĐND ngày 18/12/2024 của Hội đồng nhân dân xã Tân
Phong về nhiệm vụ phát triển kinh tế - xã hội năm 2025; Ủy ban nhân dân xã ban hành
Kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Cụ thể hóa các chỉ tiêu Nghị quyết của Hội đồng nhân dân xã thành nhiệm vụ của
từng ban, ngành, đoàn thể và các thôn; phấn đấu hoàn thành toàn diện các mục tiêu
đề ra trong năm 2025.
2. Yêu cầu
Các ban, ngành, đoàn thể và thôn xây dựng kế hoạch cụ thể, phân công rõ người, rõ
việc, rõ thời gian hoàn thành.

Thường xuyên kiểm tra, đôn đốc, kịp thời tháo gỡ khó khăn, vướng mắc trong quá

trình thực hiện; định kỳ sơ kết, rút kinh nghiệm.

II. CÁC CHỈ TIÊU CHỦ YẾU
1. Tổng sản lượng lương thực có hạt: 4.350 tấn, trong đó thóc 3.120 tấn.
2. Diện tích lúa chất lượng cao: 215,5 ha.
3. Trồng rừng tập trung: 62 ha.
4. Đàn gia súc: trâu, bò: 1.240 con; lợn: 7.800 con.
5. Tổng thu ngân sách trên địa bàn: 6.832.510.000 đồng.
6. Tỷ lệ hộ nghèo giảm còn 2,32 %.
7. Tỷ lệ người dân tham gia bảo hiểm y tế đạt 96,5 % trở lên.
8. Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân: 10,2 %.
9. Số lao động được giải quyết việc làm mới: 180 người.
10. Gia đình đạt danh hiệu văn hóa: 2.210 hộ.
11. Tỷ lệ hộ sử dụng nước sạch: 92 %.
12. Làm mới đường giao thông nông thôn: 3,5 km.

III. NHIỆM VỤ, GIẢI PHÁP
1. Tập trung chỉ đạo sản xuất vụ Đông Xuân đúng khung thời vụ; chuyển giao tiến bộ
kỹ thuật, đưa giống mới có năng suất, chất lượng cao vào sản xuất.
2. Đẩy mạnh cải cách hành chính, chuyển đổi số; nâng cao chất lượng phục vụ của Bộ
phận tiếp nhận và trả kết quả.
3. Giữ vững quốc phòng, an ninh; hoàn thành chỉ tiêu tuyển quân năm 2025.

IV. TỔ CHỨC THỰC HIỆN
1. Công chức Địa chính - Nông nghiệp chủ trì, phối hợp với các thôn triển khai
các chỉ tiêu sản xuất nông nghiệp, báo cáo kết quả trước ngày 15/12/2025.
2. Công chức Văn hóa - Xã hội có trách nhiệm theo dõi các chỉ tiêu văn hóa, xã hội;
tổng hợp báo cáo trước ngày 30/11/2025.
3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã và các đoàn thể tuyên truyền, vận
động Nhân dân tham gia thực hiện Kế hoạch.

Trên đây là Kế hoạch thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2025 của Ủy
ban nhân dân xã Tân Phong./.

Nơi nhận:                                   TM. ỦY BAN NHÂN DÂN
- UBND huyện Sơn Minh;                            CHỦ TỊCH
- TT Đảng ủy, HĐND xã;
- Các ban, ngành, đoàn thể xã;
- Trưởng các thôn;
- Lưu: VT.                                   Lê Thị Minh Hằng
"""

# Words the (imagined) restoration changed, as (line prefix, restored word, OCR word, confidence).
# The low confidences are unsure for pipeline.restore.unsure's model and listed for review; the
# sure ones (1.0) are not.
CHANGES = [
    ("Thực hiện nhiệm vụ", "nhiệm", "nhiem", 0.33),  # in the title: marked there
    ("Cụ thể hóa", "Nghị", "Nghi", 1.0),          # sure: not for review
    ("Cụ thể hóa", "đoàn", "doan", 1.0),
    ("Thường xuyên", "đôn", "don", 0.41),          # unsure: highlighted in review mode
    ("4. Đàn gia súc", "trâu", "trau", 0.52),
    ("động Nhân dân", "Nhân", "Nhan", 0.38),
    ("- Trưởng các thôn", "thôn", "thon", 0.44),
]


def tokenize(line: str) -> list[tuple[int, int, str]]:
    """(start, end, core) of each word: edge punctuation split off, as the restorer does."""
    out = []
    for m in re.finditer(r"\S+", line):
        word, start = m.group(0), m.start()
        core = word.strip("\"'“”‘’()[],.;:!?/")
        if core:
            at = word.index(core)
            out.append((start + at, start + at + len(core), core))
    return out


def restored_from(text: str, changes=()) -> RestoredText:
    """A RestoredText of `text` with `changes` applied as (line prefix, word, original, confidence)."""
    lines = []
    for raw in text.split("\n"):
        tokens, original = [], raw
        for start, end, core in tokenize(raw):
            tok = RestoredToken(text=core, original=core, confidence=1.0, start=start, end=end)
            for prefix, word, orig, conf in changes:
                if raw.lstrip().startswith(prefix) and core == word and tok.original == core:
                    tok.original, tok.confidence = orig, conf
                    original = original[:start] + orig + original[end:]
                    break
            tokens.append(tok)
        lines.append(RestoredLine(text=raw, original=original, tokens=tokens))
    return RestoredText(lines=lines, condition="legacy" if changes else "clean")


def line_of(restored: RestoredText, prefix: str) -> int:
    """1-based number of the first line that starts with `prefix`."""
    for i, line in enumerate(restored.lines, 1):
        if line.text.lstrip().startswith(prefix):
            return i
    raise KeyError(prefix)


def quality_for(restored: RestoredText) -> Quality:
    """The quality block the pipeline computes for this restored text."""
    from pipeline.restore.quality import quality_of
    return quality_of(restored)


def tan_phong() -> tuple[Plan, RestoredText]:
    """The commune plan and its restored text, as a full parser would give them."""
    r = restored_from(TAN_PHONG, CHANGES)
    at = lambda prefix: line_of(r, prefix)      # noqa: E731
    header = Header(issuer="ỦY BAN NHÂN DÂN XÃ TÂN PHONG", issuer_parent="UBND HUYỆN SƠN MINH",
                    number="27/KH-UBND", place="Tân Phong", date="2025-02-08", doc_type="KẾ HOẠCH",
                    signer="Lê Thị Minh Hằng", signer_title="CHỦ TỊCH")
    sections = [
        Section("I", "MỤC ĐÍCH, YÊU CẦU", line=at("I. MỤC"), children=[
            Section("1", "Mục đích", text="Cụ thể hóa các chỉ tiêu ...", line=at("1. Mục đích")),
            Section("2", "Yêu cầu", text="Các ban, ngành ...", line=at("2. Yêu cầu"))]),
        Section("II", "CÁC CHỈ TIÊU CHỦ YẾU", line=at("II. CÁC")),
        Section("III", "NHIỆM VỤ, GIẢI PHÁP", line=at("III. NHIỆM")),
        Section("IV", "TỔ CHỨC THỰC HIỆN", line=at("IV. TỔ")),
    ]
    T = Target
    targets = [
        T(1, "Tổng sản lượng lương thực có hạt", 4350, "tấn", line=at("1. Tổng sản lượng"),
          breakdown=[T(None, "thóc", 3120, "tấn", line=at("1. Tổng sản lượng"))]),
        T(2, "Diện tích lúa chất lượng cao", 215.5, "ha", line=at("2. Diện tích")),
        T(3, "Trồng rừng tập trung", 62, "ha", line=at("3. Trồng rừng")),
        T(4, "Đàn gia súc", None, None, line=at("4. Đàn gia súc"), breakdown=[
            T(None, "trâu, bò", 1240, "con", line=at("4. Đàn gia súc")),
            T(None, "lợn", 7800, "con", line=at("4. Đàn gia súc"))]),
        T(5, "Tổng thu ngân sách trên địa bàn", 6832510000, "đồng", line=at("5. Tổng thu")),
        T(6, "Tỷ lệ hộ nghèo", 2.32, "%", qualifier="giảm còn", line=at("6. Tỷ lệ hộ nghèo")),
        T(7, "Tỷ lệ người dân tham gia bảo hiểm y tế", 96.5, "%", qualifier="trở lên", line=at("7. Tỷ lệ")),
        T(8, "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân", 10.2, "%", line=at("8. Tỷ lệ")),
        T(9, "Số lao động được giải quyết việc làm mới", 180, "người", line=at("9. Số lao động")),
        T(10, "Gia đình đạt danh hiệu văn hóa", 2210, "hộ", line=at("10. Gia đình")),
        T(11, "Tỷ lệ hộ sử dụng nước sạch", 92, "%", line=at("11. Tỷ lệ")),
        T(12, "Làm mới đường giao thông nông thôn", 3.5, "km", line=at("12. Làm mới")),
    ]
    for t in targets:
        t.raw = r.lines[t.line - 1].text
    assignments = [
        Assignment(1, "Công chức Địa chính - Nông nghiệp",
                   "chủ trì, phối hợp với các thôn triển khai các chỉ tiêu sản xuất nông nghiệp",
                   "2025-12-15", line=at("1. Công chức Địa")),
        Assignment(2, "Công chức Văn hóa - Xã hội", "theo dõi các chỉ tiêu văn hóa, xã hội",
                   "2025-11-30", line=at("2. Công chức Văn")),
        Assignment(3, "Ủy ban Mặt trận Tổ quốc Việt Nam xã và các đoàn thể",
                   "tuyên truyền, vận động Nhân dân tham gia thực hiện Kế hoạch", None, line=at("3. Đề nghị")),
    ]
    plan = Plan(
        source=Source(path="tan-phong-2025.txt", sha256="0" * 64, kind="text", pages=1),
        header=header,
        title="Thực hiện nhiệm vụ phát triển kinh tế - xã hội và bảo đảm quốc phòng, an ninh năm 2025",
        year=2025, locality="Tân Phong", sections=sections,
        goals=[Goal("purpose", "Cụ thể hóa các chỉ tiêu Nghị quyết ...", line=at("Cụ thể hóa"))],
        targets=targets,
        tasks=[Task("1", "Tập trung chỉ đạo sản xuất vụ Đông Xuân ...", line=at("1. Tập trung"))],
        assignments=assignments,
        references=[Reference("Nghị quyết", "45/NQ-HĐND", "2024-12-18", "Hội đồng nhân dân xã",
                              line=at("Căn cứ"))],
        recipients=["UBND huyện Sơn Minh", "TT Đảng ủy, HĐND xã", "Các ban, ngành, đoàn thể xã",
                    "Trưởng các thôn", "Lưu: VT"],
        quality=quality_for(r),
    )
    return plan, r


def count_targets(targets: list[Target]) -> int:
    return sum(1 + count_targets(t.breakdown) for t in targets)
