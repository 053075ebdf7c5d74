"""Small rendered scan pages for the OCR tests: a few lines of our own text in the genre (a
fictional commune's plan, not the sample's gold), drawn at 300 dpi with the fonts the Makefile
installs, so that the real Tesseract reads each page in well under a second."""
from __future__ import annotations

import subprocess
from functools import lru_cache

import numpy as np

PLAN_A = [
    "ỦY BAN NHÂN DÂN XÃ HƯNG THỊNH",
    "KẾ HOẠCH",
    "Phát triển chăn nuôi và thủy sản năm 2026",
    "Căn cứ Nghị quyết của Hội đồng nhân dân xã về nhiệm vụ năm 2026;",
    "1. Tổng đàn lợn đạt 7.400 con, đàn trâu bò 1.150 con.",
    "2. Diện tích nuôi trồng thủy sản 62 ha, sản lượng 480 tấn.",
    "3. Tỷ lệ hộ dùng nước sạch đạt 98,5 %, giảm hộ nghèo còn 2,1 %.",
    "Giao Công chức Địa chính - Nông nghiệp chủ trì, báo cáo kết quả.",
]
PLAN_B = [
    "II. NHIỆM VỤ VÀ GIẢI PHÁP",
    "1. Tuyên truyền, vận động Nhân dân giữ gìn vệ sinh môi trường.",
    "2. Hỗ trợ các hộ chuyển đổi cơ cấu cây trồng trên đất lúa kém hiệu quả.",
    "3. Đẩy mạnh ứng dụng khoa học kỹ thuật vào sản xuất nông nghiệp.",
    "4. Củng cố tổ hợp tác, phát triển sản phẩm theo chuỗi giá trị.",
    "Đề nghị Mặt trận Tổ quốc xã phối hợp kiểm tra, giám sát thực hiện.",
]
PLAN_C = [
    "III. TỔ CHỨC THỰC HIỆN",
    "Các ban, ngành, đoàn thể căn cứ kế hoạch này xây dựng chương trình",
    "hành động cụ thể, định kỳ hằng quý báo cáo Ủy ban nhân dân xã.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc kịp thời",
    "phản ánh về Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã.",
]


@lru_cache(maxsize=4)
def font_file(family: str = "Liberation Serif") -> str:
    path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout.strip()
    if not path:
        raise RuntimeError(f"font {family} not found (apt-get install fonts-liberation2)")
    return path


def render(lines: list[str], *, size_px: int = 50, width: int = 1900, margin: int = 90) -> np.ndarray:
    """The lines drawn black on white (2-D uint8), 1.5 line spacing, like a 300 dpi scan of
    12 pt text."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file(), size_px)
    pitch = int(size_px * 1.5)
    img = Image.new("L", (width, 2 * margin + pitch * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * pitch), line, font=font, fill=0)
    return np.asarray(img).copy()


def scanned(page: np.ndarray, *, angle: float = 0.0, noise: float = 4.0, blur: float = 0.6, seed: int = 0) -> np.ndarray:
    """A light scanner's touch: blur, a skew of `angle` degrees (counter-clockwise), noise."""
    import cv2

    a = cv2.GaussianBlur(page.astype(np.float32), (0, 0), blur) if blur else page.astype(np.float32)
    if angle:
        h, w = a.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        a = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    a = a + np.random.default_rng(seed).normal(0, noise, a.shape)
    return np.clip(a, 0, 255).astype(np.uint8)


def turned(page: np.ndarray, degrees_counter_clockwise: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(page, degrees_counter_clockwise // 90))


def render_table(above: list[str], rows: list[list[str]], *, merges=(), below: list[str] = (),
                 widths: list[int] | None = None, size_px: int = 40, width: int = 2000,
                 margin: int = 90) -> np.ndarray:
    """A page with a ruled table as a printer draws it: text lines above and below, cells
    with their text wrapped at the cell width, `merges` ((row, col, last row, last col)) drawn
    as one cell (no rule inside, its text in it once)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file(), size_px)
    pitch = int(size_px * 1.4)
    cols = max(len(r) for r in rows)
    inner = width - 2 * margin
    widths = widths or [inner // cols] * cols
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + w)
    covered = {}
    for r0, c0, r1, c1 in merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                covered[(r, c)] = (r0, c0, r1, c1)

    def wrap(text: str, px: int) -> list[str]:
        out, cur = [], ""
        for word in text.split():
            trial = f"{cur} {word}".strip()
            if font.getlength(trial) <= px - 24 or not cur:
                cur = trial
            else:
                out.append(cur)
                cur = word
        return out + ([cur] if cur else [])

    def area(r, c):
        r0, c0, r1, c1 = covered.get((r, c), (r, c, r, c))
        return r0, c0, r1, c1

    heights = []
    for r, row in enumerate(rows):
        need = 1
        for c, text in enumerate(row):
            r0, c0, r1, c1 = area(r, c)
            if (r0, c0) == (r, c) and r1 == r:
                need = max(need, len(wrap(text, xs[c1 + 1] - xs[c0])))
        heights.append(need * pitch + 24)
    top = margin + pitch * len(above) + pitch // 2
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    height = ys[-1] + pitch * (len(below) + 1) + margin
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(above):
        draw.text((margin, margin + i * pitch), line, font=font, fill=0)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            r0, c0, r1, c1 = area(r, c)
            if (r0, c0) != (r, c):
                continue
            draw.rectangle([xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]], outline=0, width=3)
            for k, line in enumerate(wrap(text, xs[c1 + 1] - xs[c0])):
                draw.text((xs[c0] + 12, ys[r0] + 12 + k * pitch), line, font=font, fill=0)
    for i, line in enumerate(below):
        draw.text((margin, ys[-1] + pitch // 2 + i * pitch), line, font=font, fill=0)
    return np.asarray(img).copy()
