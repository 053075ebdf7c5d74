#!/usr/bin/env python3
# A copy of ../shared/tools/meta_score.py (the team's scorer), kept here so that benchmarks run from a clone.
"""Score the header fields of a plan JSON against a gold .meta.json (real documents).
Usage: meta_score.py GOLD.meta.json PLAN.json  -> prints 'score/total field=ok|x|half ...'
A wrong field listed in header.unsure counts half; a summary matches at fuzz.ratio >= 90."""
import json, re, sys, unicodedata
from rapidfuzz import fuzz

def norm(s):
    s = unicodedata.normalize("NFC", str(s or "")).casefold()
    s = re.sub(r"^v/v\s*", "", s.strip())
    return " ".join(re.sub(r"[\s\u00a0]+", " ", s).strip(" .,:;-").split())

g = json.load(open(sys.argv[1], encoding="utf-8"))
p = json.load(open(sys.argv[2], encoding="utf-8"))
h = p.get("header") or {}
unsure = set(h.get("unsure") or [])
pred = {"doc_type": h.get("doc_type"), "number": h.get("number"), "date": h.get("date"),
        "place": h.get("place"), "issuer": h.get("issuer"), "issuer_parent": h.get("issuer_parent"),
        "summary": h.get("summary") or p.get("title"), "signer": h.get("signer"),
        "signer_title": h.get("signer_title")}
score, total, marks = 0.0, 0, []
for k, pv in pred.items():
    gv = g.get(k)
    if gv is None and k != "issuer_parent":
        continue
    total += 1
    if k == "number":
        ok = norm(gv).replace(" ", "") == norm(pv).replace(" ", "")
    elif k == "summary":
        ok = bool(pv) and fuzz.ratio(norm(gv), norm(pv)) >= 90
    else:
        ok = norm(gv) == norm(pv)
    if ok:
        score += 1; marks.append(f"{k}=ok")
    elif k in unsure:
        score += 0.5; marks.append(f"{k}=half")
    else:
        marks.append(f"{k}=x({pv!r})")
print(f"{score:g}/{total} " + " ".join(marks))
