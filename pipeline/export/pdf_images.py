"""The page images of a searchable PDF, taken from the source image file as they are.

Never resampled, never made lossier than the source:
- a JPEG keeps its own bytes (DCTDecode), whatever its quality;
- a PNG keeps its own compressed data: PNG's IDAT stream is zlib with per-row predictors, which
  PDF's FlateDecode reads with /Predictor 15, so it is copied byte for byte (as img2pdf does);
- a bitonal TIFF frame (or a PNG that cannot be copied) is encoded CCITT Group 4 (lossless, the
  fax code scanners use), and any other frame as PNG data (lossless Flate); a JPEG-compressed
  TIFF frame, which Flate would inflate several times over, is encoded JPEG at quality 92.
EXIF orientation is not applied to the pixels: `orientation` says how the stored pixels are
turned, and the page's drawing matrix turns them (pipeline.export.pdf.image_matrix).
"""
from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

JPEG_REENCODE_QUALITY = 92


@dataclass
class PageImage:
    data: bytes                      # the stream's (encoded) bytes
    width: int                       # pixels as stored
    height: int
    colour_space: object             # a pikepdf Name or Array, built by `xobject`
    bits: int
    filter: str                      # "DCTDecode", "FlateDecode", "CCITTFaxDecode"
    params: dict | None = None       # DecodeParms
    decode: list | None = None
    orientation: int = 1             # EXIF orientation of the stored pixels (1: as they are)

    def xobject(self, pdf):
        from pikepdf import Array, Dictionary, Name, Stream

        stream = Stream(pdf, self.data)
        stream.Type = Name.XObject
        stream.Subtype = Name.Image
        stream.Width, stream.Height = self.width, self.height
        stream.BitsPerComponent = self.bits
        cs = self.colour_space
        if isinstance(cs, tuple):                       # ("Indexed", n, palette bytes)
            from pikepdf import String
            stream.ColorSpace = Array([Name.Indexed, Name.DeviceRGB, cs[1], String(cs[2])])
        else:
            stream.ColorSpace = Name("/" + cs)
        stream.Filter = Name("/" + self.filter)
        if self.params:
            stream.DecodeParms = Dictionary({"/" + k: v for k, v in self.params.items()})
        if self.decode:
            stream.Decode = Array(self.decode)
        return pdf.make_indirect(stream)


def image_file_pages(data: bytes) -> list[PageImage]:
    """One PageImage per page (frame) of an image file (PNG, JPEG, TIFF)."""
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    if img.format == "JPEG":
        return [jpeg_page(data, img)]
    if img.format == "PNG":
        copied = png_passthrough(data)
        if copied is not None:
            copied.orientation = exif_orientation(img)
            return [copied]
    pages = []
    frame = 0
    while True:
        img.seek(frame)
        pages.append(encode_frame(img))
        frame += 1
        if frame >= getattr(img, "n_frames", 1):
            break
    return pages


def exif_orientation(img) -> int:
    try:
        value = int(img.getexif().get(0x0112, 1))
    except Exception:                   # a broken EXIF block: ingest ignored it too
        return 1
    return value if 1 <= value <= 8 else 1


def jpeg_page(data: bytes, img) -> PageImage:
    """The JPEG's own bytes. A CMYK JPEG cannot be shown under PDF/A's sRGB output intent as it
    is, so it alone is re-encoded (as RGB)."""
    orientation = exif_orientation(img)
    if img.mode in ("L", "RGB"):
        return PageImage(data=data, width=img.width, height=img.height, bits=8, filter="DCTDecode",
                         colour_space="DeviceGray" if img.mode == "L" else "DeviceRGB", orientation=orientation)
    rgb = img.convert("RGB")
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=JPEG_REENCODE_QUALITY)
    return PageImage(data=buf.getvalue(), width=img.width, height=img.height, bits=8, filter="DCTDecode",
                     colour_space="DeviceRGB", orientation=orientation)


def png_chunks(data: bytes):
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        yield kind, data[pos + 8:pos + 8 + length]
        pos += 12 + length


def png_passthrough(data: bytes) -> PageImage | None:
    """The PNG's compressed pixels as a Flate stream with PNG predictors, or None when PDF
    cannot show them as they are (interlaced, 16 bits, alpha or transparency)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    idat, palette, ihdr = [], None, None
    for kind, body in png_chunks(data):
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind in (b"tRNS", b"acTL"):        # transparency or animation: not as it is
            return None
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None or not idat:
        return None
    width, height, depth, colour, _, _, interlace = ihdr
    if interlace or depth > 8 or colour not in (0, 2, 3) or (colour == 3 and not palette):
        return None
    colours = {0: 1, 2: 3, 3: 1}[colour]
    space = {0: "DeviceGray", 2: "DeviceRGB"}.get(colour) or ("Indexed", len(palette) // 3 - 1, palette)
    return PageImage(data=b"".join(idat), width=width, height=height, bits=depth, filter="FlateDecode",
                     colour_space=space,
                     params={"Predictor": 15, "Colors": colours, "BitsPerComponent": depth, "Columns": width})


def encode_frame(img) -> PageImage:
    """A decoded frame, encoded losslessly (G4 for bitonal) or, if it was JPEG, as JPEG."""
    from PIL import Image

    orientation = exif_orientation(img)
    was_jpeg = img.format == "TIFF" and str(img.info.get("compression", "")).endswith("jpeg")
    if img.mode == "1":
        page = group4(img)
        page.orientation = orientation
        return page
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info):
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, img.convert("RGBA")).convert("RGB")
    elif img.mode.startswith("I") or img.mode == "F":
        from ..ingest.image import stretch_to_8bit
        img = Image.fromarray(stretch_to_8bit(img))
    elif img.mode not in ("L", "RGB", "P"):
        img = img.convert("RGB")
    if was_jpeg and img.mode in ("L", "RGB"):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=JPEG_REENCODE_QUALITY)
        return PageImage(data=buf.getvalue(), width=img.width, height=img.height, bits=8, filter="DCTDecode",
                         colour_space="DeviceGray" if img.mode == "L" else "DeviceRGB", orientation=orientation)
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=6)
    page = png_passthrough(buf.getvalue())
    assert page is not None          # Pillow writes L, RGB and P non-interlaced, 8 bits, no tRNS here
    page.orientation = orientation
    return page


def group4(img) -> PageImage:
    """A bitonal frame as one CCITT Group 4 stream (libtiff's encoder, through Pillow)."""
    from PIL import Image

    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4", strip_size=1 << 30)   # one strip: one G4 stream
    tiff = Image.open(io.BytesIO(buf.getvalue()))
    offsets, counts = (v if isinstance(v, tuple) else (v,) for v in (tiff.tag_v2[273], tiff.tag_v2[279]))
    if len(offsets) != 1:
        raise ValueError("the Group 4 encoder wrote several strips")
    offset, count = offsets[0], counts[0]
    # The fax code's "white" runs are the 0 bits. Pillow writes bilevel images BlackIsZero
    # (photometric 1), where the 0 bits are black: the decoder must then make "white" runs 0
    # (black in DeviceGray), which is what /BlackIs1 true asks.
    black_is_1 = tiff.tag_v2.get(262, 1) == 1
    raw = buf.getvalue()[offset:offset + count]
    return PageImage(data=raw, width=img.width, height=img.height, bits=1, filter="CCITTFaxDecode",
                     colour_space="DeviceGray",
                     params={"K": -1, "Columns": img.width, "Rows": img.height, "BlackIs1": black_is_1})
