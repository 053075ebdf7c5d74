"""The multi-engine page maker and aligner the legacy channel is learned from
(dictionaries/build/make_ocr_pairs.py --variant 3, dictionaries/build/pairs.py): a real page
rendered and read by real Tesseract `fra` and gocr, then aligned."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "dictionaries" / "build"
sys.path.insert(0, str(BUILD))

import pairs  # noqa: E402

# Written for this test (a made-up commune notice), so no corpus or sample text is involved.
TEXT = """KẾ HOẠCH
Phát triển kinh tế nông nghiệp của xã năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao thu nhập cho người dân trên địa bàn xã thông qua sản xuất hàng hóa.
2. Các thôn tổ chức tuyên truyền để nhân dân hiểu rõ chủ trương của tỉnh.
II. NHIỆM VỤ
1. Trồng mới năm mươi héc ta rừng sản xuất tại các thôn vùng cao.
2. Hỗ trợ giống cây trồng cho các hộ nghèo và hộ cận nghèo.
3. Xây dựng mô hình chăn nuôi an toàn sinh học tại ba thôn.
III. TỔ CHỨC THỰC HIỆN
Ủy ban nhân dân xã giao cán bộ địa chính nông nghiệp theo dõi, đôn đốc việc thực hiện.
Trưởng các thôn báo cáo kết quả về Ủy ban nhân dân xã trước ngày mười lăm hằng tháng.
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    folder = data / "vn-legal-admin" / "tvpl-local"
    folder.mkdir(parents=True)
    (folder / "notice.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path_factory.mktemp("pairs")
    subprocess.run([sys.executable, str(BUILD / "make_ocr_pairs.py"), str(out), "--variant", "3",
                    "--pages", "1", "--data", str(data), "--engines", "fra,gocr", "--dpi", "300"],
                   check=True, capture_output=True)
    return out


def test_a_page_is_written_with_each_engine_reading(page):
    pid = "m00000"
    src = (page / f"{pid}.src.txt").read_text(encoding="utf-8")
    assert "Phát triển kinh tế" in src
    for engine in ("fra", "gocr"):
        assert (page / f"{pid}.{engine}.txt").read_text(encoding="utf-8").strip()
    row = (page / "pairs.m0.tsv").read_text(encoding="utf-8").split("\n")[0].split("\t")
    assert row[0] == pid and row[1] == "vn-legal-admin/tvpl-local/notice.txt" and row[-1] == "fra,gocr"
    assert pairs.page_ids([page], heldout=None, engines=("fra",)) == [(page, pid)]
    assert pairs.page_ids([page], heldout=None) == []       # no eng/vie readings on this page


def test_the_legacy_channel_learns_from_both_engines(page):
    n_src = len([c for c in pairs.cores(TEXT) if c.isalpha()])
    per_engine = {e: list(pairs.syllable_pairs([page], e, heldout=None)) for e in ("fra", "gocr")}
    # Tesseract fra reads most plain Latin words of a clean 300 dpi page as they are
    fra = per_engine["fra"]
    assert len(fra) > 0.5 * n_src
    plain = [(s, o) for s, o in fra if s.isascii()]
    assert sum(s == o for s, o in plain) > 0.7 * len(plain)
    assert per_engine["gocr"]
    legacy = list(pairs.syllable_pairs([page], "eng", heldout=None))
    assert sorted(legacy) == sorted(fra + per_engine["gocr"])


def test_the_unseen_engine_is_never_learned_from(page):
    before = sorted(pairs.syllable_pairs([page], "eng", heldout=None))
    (page / "m00000.ocrad.txt").write_text((page / "m00000.fra.txt").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    try:
        assert sorted(pairs.syllable_pairs([page], "eng", heldout=None)) == before
        assert list(pairs.syllable_pairs([page], "ocrad", heldout=None))   # yet it can be measured
    finally:
        (page / "m00000.ocrad.txt").unlink()
