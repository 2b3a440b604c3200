"""Documents stamped into a page laid out once (issue #13: issuing within 2.5x a bare page).

Most of a certificate is the same for every signer: the letterhead, the campaign's points, the
wording of the foot band. A document template marks what differs with `{% slot %}` and
`{% image_slot %}` (portal_tags). Rendered with a `SLOTS` dict in its context, each slot prints
a short probe instead of its value, hidden, and records the value in the dict: that HTML is the
same for every signer of a campaign, so WeasyPrint lays it out once per process (`BlankPage`,
cached by the HTML), and each document is its blank page plus one PDF revision that writes the
values where the probes were: text shaped by HarfBuzz with the same font WeasyPrint chose,
subset to the glyphs used, and the images.

Only what prints exactly as a full layout would print it is stamped: every character in the
slot's own font (no fallback to another script's font), no glyph moved off its line by
positioning, every value on one line within the width its slot leaves (a slot ends its line, or
is its line's only content when the line is centred). Anything else makes `fill()` return
False and the caller lays the whole document out as before: a long name still wraps, a Chinese
name still prints in Noto.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import re
import subprocess
import unicodedata
import zlib
from dataclasses import dataclass, field

SLOTS = "stamp_slots"  # the context variable that switches slots to probes
PROBE_TEXT = "Mg"
# A 1x1 white PNG: the probe of an image slot (its box is sized by CSS, not by the image).
PROBE_IMAGE = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg=="
)
PROBE_TITLE = "SLOT-TITLE"
TITLE = "__title__"  # the name of {% title_slot %}'s value
HIDE_PROBES = "<style>[data-slot] { visibility: hidden; }</style>"
DROPPED_TABLES = {
    int.from_bytes(tag.encode(), "big")
    for tag in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "name", "post", "FFTM")
}
PX = 0.75  # WeasyPrint lays out in CSS pixels; PDF user space is in points
BOLD = re.compile(r"<b>(.*?)</b>", re.DOTALL)
HTML_SPACES = re.compile(r"[ \t\n\r\f]+")  # what white-space: normal collapses (not U+00A0)
# Characters a layout treats specially (controls, soft hyphens, zero-width joiners, line
# separators) or positions by their neighbours (combining marks): laid out whole.
SPECIAL = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Mn", "Me"}
TAG = re.compile(r"<")


class Unstampable(Exception):
    """A template whose slots cannot be stamped (a programming error in the template)."""


# --- Values, as the slots record them --------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """A text slot's value: (bold, text) pieces, whitespace collapsed as HTML would, or None
    when it holds markup other than <b> (never stamped)."""

    runs: tuple[tuple[bool, str], ...] | None

    @classmethod
    def from_html(cls, markup: str) -> Runs:
        pieces: list[tuple[bool, str]] = []
        position = 0
        for match in BOLD.finditer(markup):
            pieces += [(False, markup[position : match.start()]), (True, match.group(1))]
            position = match.end()
        pieces.append((False, markup[position:]))
        if any(TAG.search(text) for _, text in pieces):
            return cls(None)
        # white-space: normal collapses each run of spaces, and drops it at the line's ends.
        runs: list[tuple[bool, str]] = []
        after_space = True
        for bold, piece in pieces:
            kept = []
            for char in HTML_SPACES.sub(" ", html.unescape(piece)):
                if not (char == " " and after_space):
                    kept.append(char)
                after_space = char == " "
            if kept:
                runs.append((bold, "".join(kept)))
        if runs and runs[-1][1].endswith(" "):
            runs[-1] = (runs[-1][0], runs[-1][1].rstrip(" "))
        return cls(tuple((bold, text) for bold, text in runs if text))


@dataclass(frozen=True)
class Picture:
    """An image slot's value: a data: URI (JPEG, or anything Pillow reads)."""

    uri: str


def record(slots: dict, name: str, value) -> None:
    """Record a slot's value; a name used twice makes the document unstampable."""
    slots[name] = None if name in slots else value


# --- The blank page --------------------------------------------------------------------------


@dataclass(frozen=True)
class TextSlot:
    x: float  # points, PDF user space (origin at the page's bottom left)
    baseline: float
    left: float  # the edges of the line's block
    right: float
    centre: float | None  # the line's centre when it is centred
    size: float
    family: str
    bold: bool
    italic: bool
    color: tuple[float, float, float]
    underline: tuple[float, float] | None  # distance below the baseline, thickness


@dataclass(frozen=True)
class ImageSlot:
    centre: float
    top: float
    width: float | None  # None: from the height and the image's proportions, up to max_width
    height: float
    max_width: float
    pixelated: bool


@dataclass(frozen=True)
class BlankPage:
    pdf: bytes
    texts: dict[str, TextSlot]
    images: dict[str, ImageSlot]
    title: bool  # the document's title is a slot (PROBE_TITLE in its metadata)

    @classmethod
    def from_document(cls, document, pdf: bytes) -> BlankPage:
        """The slots of a laid-out one-page WeasyPrint document (and its PDF bytes)."""
        if len(document.pages) != 1:
            raise Unstampable("a blank page must be one page")
        page = document.pages[0]
        height = page.height * PX
        texts: dict[str, TextSlot] = {}
        images: dict[str, ImageSlot] = {}
        for box, line, block in _slot_boxes(page._page_box):
            name = box.element.get("data-slot")
            if box.element_tag == "img":
                images[name] = _image_slot(box, height)
            else:
                texts[name] = _text_slot(box, line, block, height)
        title = PROBE_TITLE in (document.metadata.title or "")
        return cls(pdf=pdf, texts=texts, images=images, title=title)


def _slot_boxes(box, line=None, block=None):
    """(box, its line box, the block of that line) for each slot's box, in document order."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        element = getattr(child, "element", None)
        if (
            element is not None
            and element.get("data-slot")
            and (child.element_tag == "img" or isinstance(child, boxes.InlineBox))
        ):
            yield child, line, block
        elif isinstance(child, boxes.LineBox):
            yield from _slot_boxes(child, child, box)
        else:
            yield from _slot_boxes(child, line, block)


def _text_slot(box, line, block, page_height: float) -> TextSlot:
    from weasyprint.formatting_structure import boxes

    texts = [child for child in box.children if isinstance(child, boxes.TextBox)]
    if line is None or len(texts) != 1 or texts[0].text != PROBE_TEXT:
        raise Unstampable(f"slot {box.element.get('data-slot')}: one line of probe text")
    text = texts[0]
    style = text.style
    # A line box is as wide as what it holds; its block's content edge is where it must end.
    right = (block.content_box_x() + block.width) * PX
    after = line.children[line.children.index(box) + 1 :] if box in line.children else [box]
    if any(not _blank(child) for child in after):
        raise Unstampable(f"slot {box.element.get('data-slot')} must end its line")
    centre = None
    if line.style["text_align_all"] == "center":
        if any(not _blank(child) for child in line.children if child is not box):
            raise Unstampable(f"slot {box.element.get('data-slot')}: alone on a centred line")
        centre = (text.position_x + text.width / 2) * PX  # the probe was centred there
    elif line.style["text_align_all"] not in ("left", "start"):
        raise Unstampable(f"slot {box.element.get('data-slot')}: left or centred")
    spacing = (style["text_transform"], style["letter_spacing"], style["word_spacing"])
    if spacing != ("none", "normal", 0):
        raise Unstampable(f"slot {box.element.get('data-slot')}: text as it is written")
    underline = None
    if "underline" in style["text_decoration_line"]:
        layout = text.pango_layout
        underline = (-layout.underline_position * PX, layout.underline_thickness * PX)
    color = style["color"]
    return TextSlot(
        x=text.position_x * PX,
        baseline=page_height - (text.position_y + text.baseline) * PX,
        left=block.content_box_x() * PX,
        right=right,
        centre=centre,
        size=style["font_size"] * PX,
        family=style["font_family"][0],
        bold=style["font_weight"] >= 600,
        italic=style["font_style"] != "normal",
        color=tuple(color.to("srgb").coordinates),
        underline=underline,
    )


def _blank(box) -> bool:
    """A box that prints nothing (a line break, collapsed spaces)."""
    if box.element_tag == "img":
        return False
    if hasattr(box, "text"):
        return not box.text.strip()
    return all(_blank(child) for child in getattr(box, "children", ()))


def _image_slot(box, page_height: float) -> ImageSlot:
    style = box.style
    return ImageSlot(
        centre=(box.content_box_x() + box.width / 2) * PX,
        top=page_height - box.content_box_y() * PX,
        width=None if style["width"] == "auto" else box.width * PX,
        height=box.height * PX,
        max_width=box.max_width * PX,  # infinite when none is set
        pixelated=style["image_rendering"] == "pixelated",
    )


# --- Fonts -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Face:
    """One font file, as HarfBuzz shapes it and a PDF embeds it."""

    path: str
    data: bytes
    postscript_name: str
    upem: int
    descriptor: dict  # FontBBox, Ascent, Descent, CapHeight, ItalicAngle, Flags (1/1000 em)

    @functools.cached_property
    def hb(self):
        import uharfbuzz

        face = uharfbuzz.Face(uharfbuzz.Blob(self.data))
        return face, uharfbuzz.Font(face)

    def shape(self, text: str) -> list[tuple[int, int, str]] | None:
        """(glyph, advance in font units, the characters it draws) for the text, or None when
        a character is not in this font or a glyph is moved off the pen position."""
        import uharfbuzz

        face, font = self.hb
        if any(
            unicodedata.category(char) in SPECIAL or font.get_nominal_glyph(ord(char)) is None
            for char in text
        ):
            return None
        buffer = uharfbuzz.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        uharfbuzz.shape(font, buffer)
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        clusters = [info.cluster for info in infos] + [len(text)]
        glyphs = []
        for index, (info, position) in enumerate(zip(infos, positions, strict=True)):
            if position.x_offset or position.y_offset or position.y_advance:
                return None
            glyphs.append((info.codepoint, position.x_advance,
                           text[clusters[index] : clusters[index + 1]]))  # fmt: skip
        return glyphs

    def advance(self, glyph: int) -> int:
        return self.hb[1].get_glyph_h_advance(glyph)

    def subset(self, glyphs: set[int]) -> bytes:
        """The font program with only these glyphs (numbers kept), hinting dropped."""
        import uharfbuzz

        subset_input = uharfbuzz.SubsetInput()
        subset_input.glyph_set.update(glyphs | {0})
        subset_input.flags = (
            uharfbuzz.SubsetFlags.RETAIN_GIDS
            | uharfbuzz.SubsetFlags.NO_HINTING
            | uharfbuzz.SubsetFlags.NO_LAYOUT_CLOSURE
            | uharfbuzz.SubsetFlags.DESUBROUTINIZE
        )
        # A PDF draws glyphs by number: shaping tables, names and math are dead weight.
        subset_input.sets(uharfbuzz.SubsetInputSets.DROP_TABLE_TAG).update(DROPPED_TABLES)
        return uharfbuzz.subset(self.hb[0], subset_input).blob.data


@functools.lru_cache(maxsize=16)
def face(family: str, bold: bool, italic: bool) -> Face | None:
    """The font fontconfig (as Pango) picks for the family and style, if it is that family."""
    pattern = f"{family}:weight={200 if bold else 80}:slant={100 if italic else 0}"
    try:  # the family comes from the documents' own CSS, never from a user
        out = subprocess.run(  # noqa: S603
            ["fc-match", "--format=%{file}\n%{family}", pattern],  # noqa: S607
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, families = out.stdout.partition("\n")
    if family not in families.split(",") or not path.endswith((".ttf", ".otf")):
        return None
    from fontTools.ttLib import TTFont

    with open(path, "rb") as fh:
        data = fh.read()
    font = TTFont(io.BytesIO(data), lazy=True)
    head, hhea, post, os2 = font["head"], font["hhea"], font["post"], font["OS/2"]
    scale = 1000 / head.unitsPerEm
    flags = 32 | (2 if "Serif" in family else 0) | (64 if italic else 0)
    descriptor = {
        "/FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "/Ascent": round(hhea.ascent * scale),
        "/Descent": round(hhea.descent * scale),
        "/CapHeight": round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
        "/ItalicAngle": round(post.italicAngle),
        "/Flags": flags,
        "/StemV": 80,
    }
    name = font["name"].getDebugName(6) or family.replace(" ", "")
    return Face(path=path, data=data, postscript_name=name, upem=head.unitsPerEm,
                descriptor=descriptor)  # fmt: skip


# --- Filling a blank page --------------------------------------------------------------------


@dataclass
class _Drawn:
    """What one document adds to its blank page."""

    content: list[str] = field(default_factory=list)
    glyphs: dict[Face, dict[int, str]] = field(default_factory=dict)  # glyph -> its characters
    images: list[tuple[str, dict, bytes]] = field(default_factory=list)


def _layout_text(slot: TextSlot, value: Runs, drawn: _Drawn) -> bool:
    if not value.runs:  # markup, or nothing at all: an empty line would not take the probe's
        return False
    shaped = []
    width = 0.0
    for bold, text in value.runs:
        run_face = face(slot.family, slot.bold or bold, slot.italic)
        glyphs = run_face.shape(text) if run_face else None
        if glyphs is None:
            return False
        shaped.append((run_face, glyphs))
        width += sum(advance for _, advance, _ in glyphs) * slot.size / run_face.upem
    x = slot.centre - width / 2 if slot.centre is not None else slot.x
    # A hair's breadth of tolerance: WeasyPrint wraps only what overflows.
    if x + width > slot.right + 0.01 or x < slot.left - 0.01:
        return False
    r, g, b = slot.color
    for run_face, glyphs in shaped:
        used = drawn.glyphs.setdefault(run_face, {})
        name = _font_name(drawn, run_face)
        parts = []
        for glyph, advance, chars in glyphs:
            used.setdefault(glyph, chars)
            parts.append(f"<{glyph:04x}>")
            # TJ moves by the font's advance; the shaped advance (kerning) differs by this.
            adjust = (run_face.advance(glyph) - advance) * 1000 / run_face.upem
            if adjust:
                parts.append(f"{adjust:.3f}")
        drawn.content.append(
            f"BT /{name} {slot.size:.4f} Tf {r:.3f} {g:.3f} {b:.3f} rg "
            f"1 0 0 1 {x:.4f} {slot.baseline:.4f} Tm [{''.join(parts)}] TJ ET"
        )
        x += sum(advance for _, advance, _ in glyphs) * slot.size / run_face.upem
    if slot.underline:
        offset, thickness = slot.underline
        start = slot.centre - width / 2 if slot.centre is not None else slot.x
        drawn.content.append(
            f"{r:.3f} {g:.3f} {b:.3f} rg {start:.4f} {slot.baseline - offset - thickness:.4f} "
            f"{width:.4f} {thickness:.4f} re f"
        )
    return True


def _font_name(drawn: _Drawn, run_face: Face) -> str:
    return f"stamp{list(drawn.glyphs).index(run_face)}"


def _layout_image(slot: ImageSlot, value: Picture, drawn: _Drawn) -> bool:
    image = _pdf_image(value.uri)
    if image is None:
        return False
    info, data = image
    height = slot.height
    width = slot.width or min(height * info["/Width"] / info["/Height"], slot.max_width)
    if slot.pixelated:
        info["/Interpolate"] = False
    resource = f"stampimg{len(drawn.images)}"
    drawn.images.append((resource, info, data))
    drawn.content.append(
        f"q {width:.4f} 0 0 {height:.4f} {slot.centre - width / 2:.4f} "
        f"{slot.top - height:.4f} cm /{resource} Do Q"
    )
    return True


def _pdf_image(uri: str) -> tuple[dict, bytes] | None:
    """An image XObject's dictionary and data: a JPEG as it is, anything else decoded."""
    from PIL import Image

    header, _, payload = uri.partition(",")
    if not header.endswith(";base64"):
        return None
    data = base64.b64decode(payload)
    try:
        image = Image.open(io.BytesIO(data))
        if image.format == "JPEG" and image.mode in ("L", "RGB"):
            info = {"/Filter": "/DCTDecode", "/BitsPerComponent": 8}
            raw = data
        else:
            if image.mode == "1":
                info = {"/BitsPerComponent": 1}
            else:
                rgba = image.convert("RGBA")
                image = Image.new("RGB", rgba.size, "white")
                image.paste(rgba.convert("RGB"), mask=rgba.getchannel("A"))
                info = {"/BitsPerComponent": 8}
            raw = zlib.compress(image.tobytes(), 6)
            info["/Filter"] = "/FlateDecode"
    except OSError:
        return None
    info.update({
        "/Width": image.width, "/Height": image.height,
        "/ColorSpace": "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray",
    })  # fmt: skip
    return info, raw


def fill(blank: BlankPage, values: dict, writer) -> bool:
    """Write the slots' values into the blank page through a pyHanko incremental writer opened
    on `blank.pdf`. False (and nothing written) when any value cannot be stamped exactly."""
    drawn = _Drawn()
    values = dict(values)
    title = values.pop(TITLE, None) if blank.title else None
    if set(values) != set(blank.texts) | set(blank.images) or None in values.values():
        return False
    for name, slot in blank.texts.items():
        if not isinstance(values[name], Runs) or not _layout_text(slot, values[name], drawn):
            return False
    for name, slot in blank.images.items():
        if not isinstance(values[name], Picture) or not _layout_image(slot, values[name], drawn):
            return False
    _write(writer, drawn, title)
    return True


def _write(writer, drawn: _Drawn, title: str | None) -> None:
    from pyhanko.pdf_utils import generic

    def stream(data: bytes, info: dict | None = None, compress: bool = True):
        info = dict(info or {})
        if compress:
            info["/Filter"], data = "/FlateDecode", zlib.compress(data, 6)
        return writer.add_object(generic.StreamObject(_pdf_dict(info), encoded_data=data))

    fonts = generic.DictionaryObject()
    for index, (run_face, glyphs) in enumerate(drawn.glyphs.items()):
        fonts[generic.NameObject(f"/stamp{index}")] = _embed(writer, stream, run_face, glyphs)
    xobjects = generic.DictionaryObject()
    for resource, info, data in drawn.images:
        xobjects[generic.NameObject(f"/{resource}")] = stream(
            data, {"/Type": "/XObject", "/Subtype": "/Image", **info}, compress=False
        )
    resources = generic.DictionaryObject()
    if fonts:
        resources[generic.NameObject("/Font")] = fonts
    if xobjects:
        resources[generic.NameObject("/XObject")] = xobjects
    # WeasyPrint's content leaves its coordinate system in place: save the state before it,
    # restore it before ours.
    writer.add_stream_to_page(0, stream(b"q"), prepend=True)
    content = "Q\n" + "\n".join(drawn.content)
    writer.add_stream_to_page(0, stream(content.encode("ascii")), resources=resources)
    if title is not None:
        _set_title(writer, title)


def _embed(writer, stream, run_face: Face, glyphs: dict[int, str]):

    program = run_face.subset(set(glyphs))
    tag = "".join(
        chr(65 + byte % 26) for byte in hashlib.sha256(repr(sorted(glyphs)).encode()).digest()[:6]
    )
    base = f"/{tag}+{run_face.postscript_name}"
    descriptor = {
        "/Type": "/FontDescriptor",
        "/FontName": base,
        **run_face.descriptor,
        "/FontFile2": stream(program, {"/Length1": len(program)}),
    }
    widths: list = []
    for glyph in sorted(glyphs):
        widths += [glyph, [round(run_face.advance(glyph) * 1000 / run_face.upem)]]
    cid_font = writer.add_object(_pdf_dict({
        "/Type": "/Font", "/Subtype": "/CIDFontType2", "/BaseFont": base,
        "/CIDSystemInfo": {"/Registry": "(Adobe)", "/Ordering": "(Identity)", "/Supplement": 0},
        "/CIDToGIDMap": "/Identity", "/W": widths,
        "/FontDescriptor": writer.add_object(_pdf_dict(descriptor)),
    }))  # fmt: skip
    return writer.add_object(_pdf_dict({
        "/Type": "/Font", "/Subtype": "/Type0", "/BaseFont": base, "/Encoding": "/Identity-H",
        "/DescendantFonts": [cid_font], "/ToUnicode": stream(_to_unicode(glyphs)),
    }))  # fmt: skip


def _to_unicode(glyphs: dict[int, str]) -> bytes:
    entries = [f"<{glyph:04x}> <{chars.encode('utf-16-be').hex()}>"
               for glyph, chars in sorted(glyphs.items())]  # fmt: skip
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <ffff>", "endcodespacerange",
    ]  # fmt: skip
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _pdf_dict(values: dict):
    """A pyHanko dictionary from plain values: "/Name", "(string)", numbers, lists, dicts and
    indirect references."""
    from pyhanko.pdf_utils import generic

    def convert(value):
        if isinstance(value, generic.PdfObject):
            return value
        if isinstance(value, bool):
            return generic.BooleanObject(value)
        if isinstance(value, int):
            return generic.NumberObject(value)
        if isinstance(value, float):
            return generic.FloatObject(value)
        if isinstance(value, str) and value.startswith("/"):
            return generic.NameObject(value)
        if isinstance(value, str) and value.startswith("("):
            return generic.TextStringObject(value[1:-1])
        if isinstance(value, list):
            return generic.ArrayObject(convert(item) for item in value)
        if isinstance(value, dict):
            return _pdf_dict(value)
        raise TypeError(value)

    return generic.DictionaryObject(
        {generic.NameObject(key): convert(value) for key, value in values.items()}
    )


def _set_title(writer, title: str) -> None:
    """The document's title in its Info dictionary and its XMP metadata (PDF/A wants both the
    same)."""
    from pyhanko.pdf_utils import generic

    info_ref = writer.trailer_view.raw_get("/Info")
    info = info_ref.get_object()
    info[generic.NameObject("/Title")] = generic.TextStringObject(
        info["/Title"].replace(PROBE_TITLE, title)
    )
    writer.mark_update(info_ref)
    metadata_ref = writer.root.raw_get("/Metadata")
    metadata = metadata_ref.get_object()
    xmp = metadata.data.replace(PROBE_TITLE.encode(), html.escape(title).encode())
    writer.objects[(metadata_ref.generation, metadata_ref.idnum)] = generic.StreamObject(
        _pdf_dict({"/Type": "/Metadata", "/Subtype": "/XML"}), stream_data=xmp
    )
