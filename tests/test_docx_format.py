"""Vietnamese number and date writing for the DOCX (pipeline/export/vnformat.py)."""
from __future__ import annotations

import pytest

from pipeline.export.vnformat import format_date, format_number, format_place_date, format_value


@pytest.mark.parametrize("value, text", [
    (2210, "2.210"),
    (10.2, "10,2"),
    (6832510000, "6.832.510.000"),
    (2.32, "2,32"),
    (0, "0"),
    (1, "1"),
    (999, "999"),
    (1000, "1.000"),
    (58000, "58.000"),
    (410000, "410.000"),
    (99.0, "99"),                 # a float with no fraction prints as a whole number
    (1234.5, "1.234,5"),
    (0.5, "0,5"),
    (-1500, "-1.500"),
    (-2.75, "-2,75"),
    (1e-7, "0,0000001"),          # never scientific notation
    (12345678.25, "12.345.678,25"),
])
def test_format_number_writes_vietnamese_style(value, text):
    assert format_number(value) == text


def test_format_number_passes_none_and_strings_through():
    assert format_number(None) == ""
    assert format_number("7,5 - 8,0") == "7,5 - 8,0"
    with pytest.raises(TypeError):
        format_number(True)


@pytest.mark.parametrize("args, text", [
    ((4350,), "4.350"),
    ((7.5, 8), "7,5 - 8"),
    ((2.32, None, "giảm còn"), "giảm còn 2,32"),
    ((96.5, None, "trở lên"), "96,5 trở lên"),
    ((95, None, "đạt"), "đạt 95"),
    ((None,), ""),
    ((None, None, "trên"), ""),   # a qualifier without a number says nothing
])
def test_format_value_places_range_and_qualifier(args, text):
    assert format_value(*args) == text


@pytest.mark.parametrize("iso, text", [
    ("2025-01-15", "ngày 15 tháng 01 năm 2025"),   # months 1 and 2 take a leading zero
    ("2025-02-08", "ngày 08 tháng 02 năm 2025"),   # days below 10 too
    ("2024-03-05", "ngày 05 tháng 3 năm 2024"),    # other months do not
    ("2024-12-20", "ngày 20 tháng 12 năm 2024"),
    ("2024-13-40", "2024-13-40"),                   # not a date: printed as given
    ("tháng 3/2024", "tháng 3/2024"),
    (None, ""),
])
def test_format_date_follows_decree_30(iso, text):
    assert format_date(iso) == text


def test_place_and_date_line():
    assert format_place_date("Phúc Lộc", "2025-01-15") == "Phúc Lộc, ngày 15 tháng 01 năm 2025"
    assert format_place_date(None, "2025-01-15") == "Ngày 15 tháng 01 năm 2025"
    assert format_place_date("Phúc Lộc", None) == "Phúc Lộc"
    assert format_place_date(None, None) == ""
