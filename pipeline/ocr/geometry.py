"""Where the words Tesseract found are on the page as it was given.

Tesseract reads the prepared image (pipeline.ocr.preprocess): rescaled, turned by quarter turns,
deskewed, and perhaps turned again after Tesseract OSD. Its word boxes are in that image's
pixels. Every later stage wants them on the page as read (pipeline.model: the upright frame,
which keeps the quarter turns, because a page is read and shown upright, and undoes the
rescaling and the deskewing, which are only for Tesseract). `ReadFrame` composes the steps as
3x3 matrices and maps boxes back; a box drawn around a skewed word becomes the box around its
four mapped corners.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..model import Box


def quarter_turn(k: int, width: float, height: float) -> np.ndarray:
    """The matrix that turns an image of width x height clockwise by k quarter turns (points as
    edge coordinates: (0, 0) is the top-left corner of the top-left pixel)."""
    k %= 4
    if k == 0:
        return np.eye(3)
    if k == 1:      # (x, y) -> (H - y, x)
        return np.array([[0, -1, height], [1, 0, 0], [0, 0, 1]], dtype=float)
    if k == 2:      # (x, y) -> (W - x, H - y)
        return np.array([[-1, 0, width], [0, -1, height], [0, 0, 1]], dtype=float)
    return np.array([[0, 1, 0], [-1, 0, width], [0, 0, 1]], dtype=float)    # (x, y) -> (y, W - x)


def turned_size(k: int, width: int, height: int) -> tuple[int, int]:
    return (height, width) if k % 2 else (width, height)


@dataclass
class ReadFrame:
    """Maps points of the image Tesseract read to the upright page frame.

    Built step by step in the order preprocessing applies them to the page as given (width x
    height): `scale`, `turn`, `rotate` (deskew, about the image centre), `turn` again."""
    width: int                        # the page as given
    height: int
    turns: int = field(default=0, init=False)       # quarter turns clockwise applied in all
    _forward: np.ndarray = field(init=False, repr=False)   # page as given -> image read
    _size: tuple[float, float] = field(init=False, repr=False)   # the image's size at this step

    def __post_init__(self):
        self._forward = np.eye(3)
        self._size = (float(self.width), float(self.height))

    def scale(self, sx: float, sy: float | None = None) -> "ReadFrame":
        sy = sx if sy is None else sy
        self._forward = np.diag([sx, sy, 1.0]) @ self._forward
        self._size = (self._size[0] * sx, self._size[1] * sy)
        return self

    def resize_to(self, width: int, height: int) -> "ReadFrame":
        """The image was resized to exactly width x height (cv2.resize rounds)."""
        return self.scale(width / self._size[0], height / self._size[1])

    def turn(self, degrees_clockwise: int) -> "ReadFrame":
        k = (degrees_clockwise // 90) % 4
        if k:
            self._forward = quarter_turn(k, *self._size) @ self._forward
            self._size = turned_size(k, *self._size)
            self.turns = (self.turns + k) % 4
        return self

    def rotate(self, matrix_2x3) -> "ReadFrame":
        """A small rotation as given to cv2.warpAffine (source -> destination, same size)."""
        m = np.vstack([np.asarray(matrix_2x3, dtype=float), [0, 0, 1]])
        self._forward = m @ self._forward
        return self

    @property
    def rotation(self) -> int:
        return 90 * self.turns

    @property
    def upright_size(self) -> tuple[int, int]:
        return turned_size(self.turns, self.width, self.height)

    def to_upright(self) -> np.ndarray:
        """Image read -> upright frame: undo everything, then apply the quarter turns alone."""
        return quarter_turn(self.turns, self.width, self.height) @ np.linalg.inv(self._forward)

    def boxes(self, rects) -> list[Box]:
        """Boxes in the upright frame for (left, top, width, height) rectangles of the image read."""
        rects = list(rects)
        if not rects:
            return []
        m = self.to_upright()
        r = np.asarray(rects, dtype=float)
        x0, y0 = r[:, 0], r[:, 1]
        x1, y1 = x0 + r[:, 2], y0 + r[:, 3]
        corners = np.stack([np.stack([x0, y0]), np.stack([x1, y0]), np.stack([x0, y1]), np.stack([x1, y1])])
        xs = m[0, 0] * corners[:, 0] + m[0, 1] * corners[:, 1] + m[0, 2]
        ys = m[1, 0] * corners[:, 0] + m[1, 1] * corners[:, 1] + m[1, 2]
        w, h = self.upright_size
        bx0 = np.clip(np.floor(xs.min(axis=0)), 0, w).astype(int)
        by0 = np.clip(np.floor(ys.min(axis=0)), 0, h).astype(int)
        bx1 = np.clip(np.ceil(xs.max(axis=0)), 0, w).astype(int)
        by1 = np.clip(np.ceil(ys.max(axis=0)), 0, h).astype(int)
        return [Box(int(a), int(b), int(c), int(d)) for a, b, c, d in zip(bx0, by0, bx1, by1)]
