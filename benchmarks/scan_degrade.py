"""Degradations of real archive scans that synth_scan.py does not make.

synth_scan.py renders a page and applies its profile (skew, blur, noise, uneven light, ink,
JPEG, resolution). Archive scans also have: salt-and-pepper specks, a dark shadow along the
binding, black scanner borders, dirt streaks, very low JPEG quality, 150 dpi, a page fed in
sideways or upside down, and colour scans with a red stamp and a blue signature over the text.
`archive_page` applies a seeded random mix of these, for benchmarks/scan.py and the tests.
"""
from __future__ import annotations

import math
import random

import cv2
import numpy as np

# Colours are BGR (OpenCV order).
PAPER_TINTS = [(236, 244, 248), (222, 236, 242), (245, 245, 245), (214, 228, 236)]
STAMP_RED = (40, 40, 200)
SIGNATURE_BLUE = (150, 60, 20)


def salt_pepper(a, amount, rng):
    """Isolated black and white pixels (dust, scanner sensor noise)."""
    out = a.copy()
    m = rng.random(a.shape[:2]) < amount
    vals = rng.choice(np.array([0, 255], np.uint8), size=int(m.sum()))
    out[m] = vals[:, None] if out.ndim == 3 else vals
    return out


def binding_shadow(a, rnd):
    """The dark band where a bound page curves away from the glass."""
    h, w = a.shape[:2]
    width = rnd.uniform(0.08, 0.2) * w
    depth = rnd.uniform(0.55, 0.9)
    x = np.arange(w, dtype=np.float32)
    if rnd.random() < 0.5:
        x = x[::-1]
    shade = 1 - depth * np.exp(-x / width)
    shade = shade[None, :, None] if a.ndim == 3 else shade[None, :]
    return (a.astype(np.float32) * shade).astype(np.uint8)


def scanner_border(a, rnd):
    """Black bands on one or two edges, with a ragged inner edge (lid open, page smaller than glass)."""
    out = a.copy()
    h, w = a.shape[:2]
    for side in rnd.sample(["top", "bottom", "left", "right"], k=rnd.choice([1, 2])):
        depth = int(rnd.uniform(0.01, 0.03) * (w if side in ("left", "right") else h))
        length = h if side in ("left", "right") else w
        ragged = depth + np.cumsum(np.random.default_rng(rnd.randrange(1 << 30)).integers(-1, 2, length))
        ragged = np.clip(ragged, depth // 2, depth * 2)
        for i, d in enumerate(ragged):
            v = rnd.randrange(10, 40) if i % 97 == 0 else 20
            if side == "left":
                out[i, :d] = v
            elif side == "right":
                out[i, w - d:] = v
            elif side == "top":
                out[:d, i] = v
            else:
                out[h - d:, i] = v
    return out


def streaks(a, rnd):
    """Thin vertical lines from dirt on the scanner's glass."""
    out = a.copy()
    w = a.shape[1]
    for _ in range(rnd.randint(1, 3)):
        x = rnd.randrange(w)
        out[:, x:x + rnd.randint(1, 3)] = rnd.randint(40, 140)
    return out


def stamp_and_signature(bgr, rnd):
    """A red round stamp and a blue signature, blended over the text as ink is (multiply)."""
    h, w = bgr.shape[:2]
    layer = np.full_like(bgr, 255)
    cx, cy = int(rnd.uniform(0.45, 0.75) * w), int(rnd.uniform(0.3, 0.85) * h)
    r = int(0.075 * w)
    cv2.circle(layer, (cx, cy), r, STAMP_RED, max(4, r // 14))
    cv2.circle(layer, (cx, cy), int(r * 0.72), STAMP_RED, max(2, r // 30))
    for k in range(26):                               # the lettering around the ring
        t = 2 * math.pi * k / 26
        p = (int(cx + 0.86 * r * math.cos(t)), int(cy + 0.86 * r * math.sin(t)))
        cv2.circle(layer, p, max(3, r // 22), STAMP_RED, -1)
    star = [(int(cx + (0.3 if i % 2 == 0 else 0.12) * r * math.cos(math.pi / 2 + i * math.pi / 5)),
             int(cy - (0.3 if i % 2 == 0 else 0.12) * r * math.sin(math.pi / 2 + i * math.pi / 5))) for i in range(10)]
    cv2.fillPoly(layer, [np.array(star, np.int32)], STAMP_RED)
    pts = [(cx - r + int(i * 2.2 * r / 40), cy + int(0.3 * r * math.sin(i / 2.5)) + rnd.randint(-8, 8))
           for i in range(40)]
    cv2.polylines(layer, [np.array(pts, np.int32)], False, SIGNATURE_BLUE, max(3, r // 40))
    layer = cv2.GaussianBlur(layer, (0, 0), 1.2)
    alpha = rnd.uniform(0.6, 0.9)                     # faded stamp ink
    ink = 1 - alpha * (1 - layer.astype(np.float32) / 255)
    return (bgr.astype(np.float32) * ink).astype(np.uint8)


def colourise(gray, rnd):
    """A gray page on tinted paper, as a colour scan."""
    tint = np.array(rnd.choice(PAPER_TINTS), np.float32) / 255
    return (gray.astype(np.float32)[..., None] * tint[None, None, :]).astype(np.uint8)


def rotate(a, angle):
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if a.ndim == 3 else 255
    return cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def jpeg_roundtrip(a, quality):
    ok, buf = cv2.imencode(".jpg", a, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def archive_page(gray, rnd, *, turn=None):
    """A clean 300 dpi page (2-D uint8) -> (degraded page, what was done). The page may come back
    in colour (BGR) and at 150 dpi; `turn` (0, 90, 180, 270 counter-clockwise) forces the turn."""
    rng = np.random.default_rng(rnd.randrange(1 << 30))
    done = []
    a = gray
    if rnd.random() < 0.35:
        a = stamp_and_signature(colourise(a, rnd), rnd)
        done.append("colour+stamp")
    if rnd.random() < 0.5:
        a = binding_shadow(a, rnd)
        done.append("shadow")
    angle = rnd.uniform(-3.5, 3.5)
    a = rotate(a, angle)
    done.append(f"skew{angle:+.1f}")
    blur = rnd.uniform(0.4, 1.0)
    a = cv2.GaussianBlur(a, (0, 0), blur)
    a = np.clip(a.astype(np.float32) + rng.normal(0, rnd.uniform(3, 10), a.shape), 0, 255).astype(np.uint8)
    if rnd.random() < 0.4:
        a = scanner_border(a, rnd)
        done.append("border")
    if rnd.random() < 0.3:
        a = streaks(a, rnd)
        done.append("streaks")
    if rnd.random() < 0.4:
        a = cv2.resize(a, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        done.append("150dpi")
    if rnd.random() < 0.4:
        a = salt_pepper(a, rnd.uniform(0.001, 0.006), rng)
        done.append("specks")
    if rnd.random() < 0.5:
        q = rnd.randint(20, 40)
        a = jpeg_roundtrip(a, q)
        done.append(f"jpeg{q}")
    k = turn if turn is not None else 0
    if k:
        a = np.ascontiguousarray(np.rot90(a, k // 90))
        done.append(f"turned{k}")
    return a, done
