"""Page images -> images Tesseract reads well. Cheap (20-80 ms a page) and harmless on clean pages.

Steps, in order; each was kept because it helped in benchmarks/scan.py (figures in the README):
  gray     colour: each pixel's brightest channel, strongly coloured pixels made paper, so red
           stamps and blue signatures fade out (pipeline.ingest.image.colour_to_gray)
  unstreak erase thin vertical scanner streaks, which Tesseract takes for column rules
  measure  on a ~100 dpi copy: letters and diacritics (connected components of the ink, which
           is what is darker than its neighbourhood, so shadows do not matter), then
           - line direction: do letter centres gather into rows or into columns?
           - which way up: Vietnamese marks sit above the letters far more often than below
           - skew: the angle that makes the rows sharpest (Postl/Baird projection profile)
           - letter height (text size)
  rescale  very large text (>= 450 dpi scans) is reduced; nothing is ever enlarged
  orient   turn by 90/180/270; when the marks cannot tell which way up, pipeline.ocr asks
           Tesseract OSD, but only if the page then reads badly
  deskew   rotate by the measured skew
  flatten  divide out the background (shadows, tinted paper), make paper pure white
Not kept (measured, no gain): binarising ourselves (Tesseract thresholds internally, and its
LSTM reads the gray image), median denoising, enlarging small text.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from .geometry import ReadFrame

# The analysis image is about this many pixels high (A4 at ~100 dpi): enough to see text lines,
# small enough that every measurement takes a few milliseconds.
ANALYSIS_HEIGHT = 1100
MAX_SKEW = 6.0                 # degrees; scanners feed pages straighter than this
# Letter height: the median height of a page's letter-sized ink components (about 1.6 x the
# x-height: capitals, ascenders and attached marks count). 12-14 pt text measures 38-45 px at
# 300 dpi, 19-23 px at 150 dpi, 14 px at 100 dpi. Tesseract reads small text as well as it
# reads it enlarged (enlarging 100-200 dpi pages cost 60-100 % more time and lost accuracy,
# measured on the 150 dpi pages of benchmarks/scan.py's archive profile), so pages are never
# enlarged; text larger than MAX_LETTER_HEIGHT (scans at
# 450 dpi and more) is reduced to TARGET_LETTER_HEIGHT, which reads as well and much faster.
MAX_LETTER_HEIGHT = 64.0
TARGET_LETTER_HEIGHT = 40.0
# The line score (see measure) of a page of text is above 3 upright and below 1/3 sideways;
# near 1 there are no text lines to go by (a blank page, a photo, noise): leave the page alone.
DECISIVE_LINE_SCORE = 1.6
# Which way up: the difference between marks above and below their line, in standard
# deviations of a fair coin (specks fall either side alike). Upright pages measured 3.2-9;
# below this the page is left to Tesseract OSD.
MARKS_Z = 3.0
MIN_MARKS = 20
# remove_streaks(): a column whose mean is this much darker than its neighbourhood's median
# may be a streak (a full-height line at gray 140 darkens its column by ~100); it is one if it
# is dark without a break over MIN_STREAK_RUN of the page height, and at most MAX_STREAK_WIDTH
# columns wide (per 2480 columns of page width).
STREAK_DIP = 12.0
MAX_STREAK_WIDTH = 8
MIN_STREAK_RUN = 0.08           # of the page height: 280 px at 300 dpi, four lines of text
# flatten(): a page with fewer than MIN_INK_SAMPLES pixels darker than INK in its 1/49 sample
# (a few letters' worth) has no text and is made blank.
INK = 128
MIN_INK_SAMPLES = 20


@dataclass
class Prepared:
    """A page ready for Tesseract, and what was done to it."""
    image: object                       # 2-D uint8 numpy array
    dpi: int | None                     # resolution after rescaling (None if unknown)
    layout: "Layout | None" = None      # what was measured on the page as given
    turned: int = 0                     # degrees turned clockwise before OCR
    orientation_sure: bool = True       # False: the marks did not tell which way up
    skew: float = 0.0                   # degrees of skew removed (positive: counter-clockwise)
    scale: float = 1.0
    streak_columns: int = 0             # columns of scanner streaks erased
    timings: dict = field(default_factory=dict)
    frame: "ReadFrame | None" = None    # maps the prepared image back to the page (pipeline.ocr.geometry)


def to_gray(image, how: str = "ink"):
    """2-D uint8 from gray or BGR(A). "ink" (the default) is pipeline.ingest.image.colour_to_gray:
    brightest channel, strongly coloured pixels whitened, so stamps and signatures fade and
    black text stays. "max", "red" and "luma" are kept for benchmarks/scan.py --ablation."""
    import cv2
    import numpy as np

    if image.ndim == 2:
        return image
    image = image[..., :3]
    if how == "ink":
        from ..ingest.image import colour_to_gray
        return colour_to_gray(image)
    if how == "red":
        return np.ascontiguousarray(image[..., 2])
    if how == "luma":
        return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_BGR2GRAY)
    b, g, r = cv2.split(np.ascontiguousarray(image))
    return cv2.max(cv2.max(b, g), r)


def flatten(gray):
    """Divide out the page's background (shadows, uneven light, tinted paper), so that paper is
    white everywhere and Tesseract's global threshold separates ink from paper everywhere. The
    gray levels of the ink are kept: the LSTM reads them, and blurred diacritics live in them.
    A page with no ink at all comes out white: on a blank noisy page Tesseract's threshold falls
    inside the noise, and it then spends seconds to minutes on millions of specks."""
    import cv2
    import numpy as np

    h, w = gray.shape
    f = 1 / 8
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    # The max filter wipes letters out (they are thinner than 9 px at 1/8 scale); the blur
    # smooths its blocks.
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    bg = cv2.blur(bg, (9, 9))
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    if np.count_nonzero(out[::7, ::7] < INK) < MIN_INK_SAMPLES:
        return np.full_like(gray, 255)
    return out


def remove_streaks(gray):
    """Erase thin dark vertical lines running down much of the page: dirt on a scanner's glass
    or sensor draws them along the scan direction, which is always a column of the raw image.
    Tesseract takes such a line for a column rule and splits every line of text it crosses.
    A streak column is one whose mean is well below the median of its neighbourhood (text
    gives a smooth column profile); its pixels are interpolated from the columns either side,
    so letters crossing it keep their strokes. Returns the image and the columns erased."""
    import cv2
    import numpy as np

    h, w = gray.shape
    if w < 64:
        return gray, 0
    colmean = cv2.reduce(gray, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    k = 2 * max(4, w // 400) + 1                           # about 6 columns either side at 300 dpi
    pad = np.pad(colmean, k // 2, mode="edge")
    baseline = np.median(np.lib.stride_tricks.sliding_window_view(pad, k), axis=1)
    candidates = np.flatnonzero((baseline - colmean) > STREAK_DIP)
    if not len(candidates):
        return gray, 0
    # Letters line up too (the first letter of every line at the left margin darkens its column),
    # but they stop at every gap between lines; a streak runs on through them.
    paper = float(np.percentile(gray[::16, ::16], 90))
    rules = None
    streak = np.zeros(w, bool)
    for x in candidates:
        dark = np.concatenate(([False], gray[:, x] < paper - 40, [False]))
        edges = np.flatnonzero(np.diff(dark))
        if not len(edges):
            continue
        runs = edges[1::2] - edges[0::2]
        longest = int(np.argmax(runs))
        if int(runs[longest]) < MIN_STREAK_RUN * h:
            continue
        if rules is None:
            rules = _row_rules(gray, paper)
        if _ruled(rules, x, int(edges[2 * longest]), int(edges[2 * longest + 1])):
            continue                    # a table's column rule: it meets the table's row rules
        streak[x] = True
    if not streak.any():
        return gray, 0
    out = gray.copy()
    xs = np.flatnonzero(streak)
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
    erased = 0
    for run in runs:
        x0, x1 = int(run[0]) - 1, int(run[-1]) + 1         # one column of margin each side
        if x1 - x0 > MAX_STREAK_WIDTH * max(1, w // 2480) or x0 < 1 or x1 > w - 2:
            continue                                        # too wide to be a streak, or at the edge
        left = gray[:, x0 - 1].astype(np.float32)
        right = gray[:, x1 + 1].astype(np.float32)
        t = (np.arange(x0, x1 + 1, dtype=np.float32) - (x0 - 1)) / (x1 + 1 - (x0 - 1))
        out[:, x0:x1 + 1] = (left[:, None] * (1 - t[None, :]) + right[:, None] * t[None, :]).astype(np.uint8)
        erased += x1 - x0 + 1
    return out, erased


def _row_rules(gray, paper: float):
    """The long horizontal rules of the page (ink runs longer than any letter), as a mask."""
    import cv2
    ink = ((gray < paper - 40) * 255).astype("uint8")
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(40, gray.shape[1] // 30), 1))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def _ruled(rules, x: int, top: int, bottom: int) -> bool:
    """Does a dark column run (top..bottom) start and end on row rules? A table's column rule
    does; dirt on the scanner glass runs on through the text (and through a table) regardless."""
    h = rules.shape[0]
    if top <= 0.02 * h or bottom >= 0.98 * h:
        return False                    # from edge to edge (a scanner border's rows): a streak
    near = rules[:, max(0, x - 6):x + 7].max(axis=1) > 0
    return bool(near[max(0, top - 4):top + 5].any() and near[max(0, bottom - 5):bottom + 4].any())


def sauvola(gray, window: int = 31, k: float = 0.2):
    """Sauvola's local threshold (2000): T = mean * (1 + k (std / 128 - 1)) over a window."""
    import cv2
    import numpy as np

    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, -1, (window, window))
    sq = cv2.boxFilter(g * g, -1, (window, window))
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    threshold = mean * (1 + k * (std / 128 - 1))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


def ink_components(gray):
    """(stats, centroids) of the connected components of the ink, background left out. Ink is
    what is darker than its neighbourhood (a window of 1/40 of the page height), so shadows and
    uneven light do not matter."""
    import cv2

    block = max(15, (gray.shape[0] // 40) | 1)
    mask = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    _n, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return stats[1:], centroids[1:]


def components(small):
    """The letters and the marks (diacritics, dots) among the ink components of a small page
    image: ((x, y) of letter centres, (x, y) of mark centres, median letter height), or None
    when there are too few letters. Ink is what is dark against its local background, so
    shadows and uneven light do not matter; specks, rules, borders and stamp rings are neither
    letters nor marks."""
    import cv2
    import numpy as np

    stats, centroids = ink_components(small)
    h = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    w = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    area = stats[:, cv2.CC_STAT_AREA]
    big = np.maximum(h, w)
    sized = (h >= 3) & (area >= 6)
    if sized.sum() < 30:
        return None
    # The median of a page's components is a letter; its height is near the x-height (or the
    # letter width, on a page lying sideways).
    med = float(np.median(big[sized]))
    letters = sized & (big >= 0.5 * med) & (h <= 3 * med) & (w <= 3 * med)
    if letters.sum() < 30:
        return None
    marks = (big >= max(2.0, 0.12 * med)) & (big <= 0.45 * med) & (area >= 2)
    return centroids[letters], centroids[marks], float(np.median(h[letters]))


def marks_above(u_l, v_l, u_m, v_m, angle_deg: float, letter: float) -> tuple[int, int]:
    """(marks above their line, marks below it), for text lines running along u and tilted by
    `angle_deg`. Vietnamese puts most marks above the letters (tones, circumflex, breve, the dot
    of i); below there are only the dot of the heavy tone and punctuation. Upside down, the
    counts swap: a cheap orientation test that needs no OCR."""
    import numpy as np

    t = math.radians(angle_deg)
    pl = v_l * math.cos(t) - u_l * math.sin(t)
    pm = v_m * math.cos(t) - u_m * math.sin(t)
    bin_px = max(1.0, letter / 4)
    lo = min(pl.min(), pm.min() if len(pm) else pl.min())
    hist = np.bincount(((pl - lo) / bin_px).astype(np.int64)).astype(np.float64)
    hist = np.convolve(hist, np.ones(3) / 3, mode="same")
    # Line centres: bins holding the most letter centres within one letter height either side.
    reach = 4
    padded = np.pad(hist, reach)
    local_max = np.max(np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1), axis=1)
    peaks = np.nonzero((hist >= local_max) & (hist >= 2))[0]
    if len(peaks) < 2 or not len(pm):
        return 0, 0
    centres = lo + (peaks + 0.5) * bin_px
    i = np.clip(np.searchsorted(centres, pm), 1, len(centres) - 1)
    nearest = np.where(np.abs(pm - centres[i - 1]) < np.abs(pm - centres[i]), centres[i - 1], centres[i])
    d = (pm - nearest) / letter
    return int(np.sum((d < -0.3) & (d > -1.2))), int(np.sum((d > 0.3) & (d < 1.2)))


def profile(u, v, angle_deg: float, bin_px: float):
    """Histogram of the points projected across lines tilted by `angle_deg` (v is the axis
    across the lines, u along them)."""
    import numpy as np

    t = math.radians(angle_deg)
    proj = (v * math.cos(t) - u * math.sin(t)) / bin_px
    proj = (proj - proj.min()).astype(np.int64)
    return np.bincount(proj)


def sharpness(hist) -> float:
    """Sum of squares: largest when the bins follow the text lines (Postl 1986; Baird 1987)."""
    import numpy as np
    return float(np.dot(hist, hist))


def best_angle(u, v, bin_px: float):
    """The tilt (degrees) whose profile is sharpest: a coarse search, then a fine one."""
    import numpy as np

    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    a0 = float(coarse[int(np.argmax([sharpness(profile(u, v, a, bin_px)) for a in coarse]))])
    fine = np.arange(a0 - 0.5, a0 + 0.5 + 1e-9, 0.05)
    return float(fine[int(np.argmax([sharpness(profile(u, v, a, bin_px / 2)) for a in fine]))])


def lineness(u, v, angle_deg: float, letter: float) -> float:
    """How much the points gather into lines across v: the profile's energy over the energy of
    the same profile smoothed over three letter heights. Text lines give a high ratio; the
    other direction (letters spread along a line, only a margin lines them up) gives about 1."""
    import numpy as np

    hist = profile(u, v, angle_deg, max(1.0, letter / 4)).astype(np.float64)
    smooth = np.convolve(hist, np.ones(13) / 13, mode="same")
    return sharpness(hist) / max(sharpness(smooth), 1e-9)


@dataclass
class Layout:
    """What measure() found on a page."""
    line_score: float = 0.0        # > 1: text lines run left to right; < 1: top to bottom
    rotate: int | None = 0         # degrees to turn clockwise to make it upright (None: unsure which way)
    skew: float = 0.0              # degrees to rotate (counter-clockwise) after turning
    letter_height: float | None = None   # pixels of the measured image
    marks: tuple[int, int] = (0, 0)      # diacritics above / below their line, upright frame

    @property
    def has_lines(self) -> bool:
        return self.line_score >= DECISIVE_LINE_SCORE or 0 < self.line_score <= 1 / DECISIVE_LINE_SCORE


def measure(gray) -> Layout:
    """Direction of the text lines, which way up, skew and letter height of a page image."""
    import cv2

    f = min(1.0, ANALYSIS_HEIGHT / max(gray.shape))
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    found = components(small)
    if found is None:                     # a blank page, or no letters: nothing to measure
        return Layout()
    letters, marks, letter = found
    x, y = letters[:, 0], letters[:, 1]
    mx, my = marks[:, 0], marks[:, 1]
    bin_px = max(1.0, letter / 4)
    angle_r = best_angle(x, y, bin_px)
    angle_c = best_angle(y, -x, bin_px)   # the frame of the page turned counter-clockwise
    score = lineness(x, y, angle_r, letter) / lineness(y, -x, angle_c, letter)
    out = Layout(line_score=score, letter_height=letter / f)
    if score >= 1:
        above, below = marks_above(x, y, mx, my, angle_r, letter)
        upright, flipped, out.skew = 0, 180, angle_r
    else:
        above, below = marks_above(y, -x, my, -mx, angle_c, letter)
        upright, flipped, out.skew = 270, 90, angle_c
    out.marks = (above, below)
    n = above + below
    z = (above - below) / math.sqrt(n) if n else 0.0
    if n >= MIN_MARKS and abs(z) >= MARKS_Z:
        out.rotate = upright if z > 0 else flipped
    else:
        out.rotate = None
    return out


def small_rotation(width: int, height: int, angle_deg: float):
    """The 2x3 matrix (source -> destination) of a rotation by a few degrees about the centre."""
    import cv2
    return cv2.getRotationMatrix2D((width / 2, height / 2), angle_deg, 1.0)


def rotate_small_angle(gray, angle_deg: float):
    """Rotate by a few degrees about the centre, filling with the page's background."""
    import cv2
    import numpy as np

    h, w = gray.shape
    m = small_rotation(w, h, angle_deg)
    border = int(np.percentile(gray[:: 16, :: 16], 90))
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def turn(gray, degrees_clockwise: int):
    import numpy as np
    k = (degrees_clockwise // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, -k)) if k else gray


def prepare(image, dpi: int | None = None, *, steps: frozenset[str] | None = None) -> Prepared:
    """Preprocess one page. `steps` limits which steps run (for benchmarks); None runs them all."""
    import time

    import cv2

    steps = ALL_STEPS if steps is None else steps
    t0 = time.perf_counter()
    gray = to_gray(image, "red" if "red" in steps else "max" if "maxchannel" in steps
                   else "ink" if "colour" in steps else "luma")
    if "unstreak" in steps:
        gray, out_streak = remove_streaks(gray)
    layout = measure(gray)
    frame = ReadFrame(gray.shape[1], gray.shape[0])
    out = Prepared(image=gray, dpi=dpi, layout=layout, streak_columns=out_streak if "unstreak" in steps else 0,
                   frame=frame)
    out.timings["measure"] = time.perf_counter() - t0
    # Only text lines tell which way is up, how skewed and how large the text is; without them
    # (a blank page, a photo, noise) the page is left as it is.
    lines = layout.has_lines
    letter = layout.letter_height
    if lines and "rescale" in steps and letter and letter > MAX_LETTER_HEIGHT:
        # First, so that the other steps work on the smaller page.
        out.scale = TARGET_LETTER_HEIGHT / letter
        gray = cv2.resize(gray, None, fx=out.scale, fy=out.scale, interpolation=cv2.INTER_AREA)
        frame.resize_to(gray.shape[1], gray.shape[0])
        out.dpi = int(round(dpi * out.scale)) if dpi else None
    if lines and "orient" in steps:
        if layout.rotate is None:          # sideways or not is sure, which way round is not
            out.turned = 90 if layout.line_score < 1 else 0
            out.orientation_sure = False
        else:
            out.turned = layout.rotate
        gray = turn(gray, out.turned)
        frame.turn(out.turned)
    if lines and "deskew" in steps and abs(layout.skew) >= 0.1:
        frame.rotate(small_rotation(gray.shape[1], gray.shape[0], layout.skew))
        gray = rotate_small_angle(gray, layout.skew)
        out.skew = layout.skew
    if "flatten" in steps:
        gray = flatten(gray)
    # Measured and not kept (benchmarks/scan.py --ablation runs them):
    if "despeckle" in steps:
        gray = cv2.medianBlur(gray, 3)
    if "sharpen" in steps:
        gray = cv2.addWeighted(gray, 1.6, cv2.GaussianBlur(gray, (0, 0), 1.5), -0.6, 0)
    if "otsu" in steps:
        gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)[1]
    if "sauvola" in steps:
        gray = sauvola(gray, window=max(15, int(2 * (layout.letter_height or 20)) | 1))
    out.image = gray
    out.timings["total"] = time.perf_counter() - t0
    return out


ALL_STEPS = frozenset({"colour", "unstreak", "orient", "deskew", "flatten", "rescale"})
# Steps that can be switched on for measurement (benchmarks/scan.py --ablation) but did not help.
EXPERIMENTAL_STEPS = frozenset({"despeckle", "sharpen", "otsu", "sauvola", "red", "maxchannel"})
