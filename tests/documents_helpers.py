"""Reading issued PDFs back as a person would see them: text boxes, images, the QR code, the
seal. Shared by the document layout and seal tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium_c
import zxingcpp
from django.core.files.base import ContentFile
from django.utils import timezone

from pledges.models import Signature, new_code
from tests.pledges_helpers import drawn_png

Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points

LONG_NAMES = {
    "latin": ("Dr. Maria Goreti Theresia Yosefina Bernadeta Bere Seran Nahak, S.Pd., M.Pd. " * 5)[
        :300
    ],
    "unicode": ("ＭＡＲＩＡ　ＢＥＲＥ 王小明 محمد عبد الله Ελένη Ψηλή Андрей " * 12)[:300],
}
LONG_JABATAN = ("Penata Kelola Sistem dan Teknologi Informasi Ahli Pertama pada Bidang " * 3)[:200]
LONG_UNIT = (
    "Dinas Pemberdayaan Masyarakat, Desa, Perempuan dan Perlindungan Anak serta Pengendalian "
    "Penduduk dan Keluarga Berencana " * 2
)[:200]


@dataclass
class Page:
    width: float
    height: float
    text_boxes: list[Box]
    image_boxes: list[Box]
    qr_texts: list[str]
    qr_boxes: list[Box]


def read_pages(pdf: bytes, *, dpi: int = 150) -> list[Page]:
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        width, height = page.get_size()
        textpage = page.get_textpage()
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        images = [
            obj.get_bounds() for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
        ]
        scale = dpi / 72
        bitmap = page.render(scale=scale).to_pil()
        qr_texts, qr_boxes = [], []
        for result in zxingcpp.read_barcodes(bitmap):
            c = result.position
            corners = (c.top_left, c.top_right, c.bottom_left, c.bottom_right)
            xs = [p.x / scale for p in corners]
            ys = [height - p.y / scale for p in corners]
            qr_texts.append(result.text)
            qr_boxes.append((min(xs), min(ys), max(xs), max(ys)))
        pages.append(Page(width, height, boxes, images, qr_texts, qr_boxes))
    document.close()
    return pages


def overlap(a: Box, b: Box, tolerance: float = 0.4) -> bool:
    """True when two boxes share more than a hairline (glyph boxes of neighbouring runs may
    touch)."""
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > tolerance
        and min(a[3], b[3]) - max(a[1], b[1]) > tolerance
    )


def layout_problems(page: Page) -> list[str]:
    """Everything a reader would call broken: text over text, over an image or the QR code,
    or off the page."""
    problems = []
    boxes = page.text_boxes
    for i, box in enumerate(boxes):
        if box[0] < 0 or box[1] < 0 or box[2] > page.width or box[3] > page.height:
            problems.append(f"text outside the page at {box}")
        for other in boxes[i + 1 :]:
            if overlap(box, other):
                problems.append(f"text over text: {box} and {other}")
        for image in page.image_boxes:
            if overlap(box, image):
                problems.append(f"text over an image: {box} on {image}")
        for qr in page.qr_boxes:
            if overlap(box, qr, tolerance=0):
                problems.append(f"text over the QR code: {box} on {qr}")
    return problems


def memory_signature(
    employee,
    campaign,
    *,
    kind="ikrar",
    method="drawn",
    name=None,
    jabatan=None,
    unit=None,
    pppk=False,
    witnessed=None,
) -> Signature:
    """An unsaved signature with any identity the roster may hold (names up to 300
    characters in any script), for rendering only: nothing is written but its image file."""
    identity = employee.snapshot()
    identity.update(
        name=name or identity["name"], jabatan=jabatan or identity["jabatan"],
        unit=unit or identity["unit"], kind="PPPK" if pppk else "PNS",
        nip="199001012021211001" if pppk else "199001012015031001",
        pangkat_golongan="IX" if pppk else "Penata Muda, III/a", head_prefix="",
    )  # fmt: skip
    signature = Signature(
        code=new_code(), kind=kind, instansi=campaign.instansi, campaign=campaign,
        employee=employee, unit=employee.unit, identity=identity, text_hash="a" * 64,
        record_hash="b" * 64, method=method, signed_at=timezone.now() - dt.timedelta(hours=1),
        typed_name=identity["name"] if method == "typed" else "", witnessed=witnessed,
    )  # fmt: skip
    if method == "drawn":
        signature.image.save(f"{signature.code}.png", ContentFile(drawn_png()), save=False)
    return signature


def pdf_bytes_with_changed_byte(pdf: bytes, at: int | None = None) -> bytes:
    changed = bytearray(pdf)
    changed[len(pdf) // 3 if at is None else at] ^= 0x01
    return bytes(changed)


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
