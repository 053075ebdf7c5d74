#!/usr/bin/env python3
# A copy of ../shared/tools/body.py (the team's scorer), kept here so that benchmarks run from a clone.
"""Print the body of a document: from its "Kính gửi" or first "Căn cứ" line on (diacritics and case
ignored, so a legacy "Kinh grri:" counts), or the whole text when there is none. Reading-order conventions of the
two-column header then do not weigh on a text score; header fields are scored apart.
Usage: body.py FILE"""
import sys, unicodedata

def bare(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
# the body begins at "Kính gửi" (a công văn) or at the first "Căn cứ" (a quyết định), whichever is first
start = next((i for i, l in enumerate(lines) if bare(l).lstrip(" -").startswith(("kinh g", "kinh q", "can cu"))), 0)
sys.stdout.write("\n".join(lines[start:]))
