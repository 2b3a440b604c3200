"""Certificates stamped into a page laid out once (portal.stamping) are the certificates a whole
layout makes: looked at (rendered and compared pixel by pixel), read (text, metadata) and
sealed. What cannot be stamped exactly is laid out whole."""

import io

import pypdfium2
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from pledges.certificates import certificate_context, render_certificate
from portal import documents, seals, stamping
from portal.models import PaperSize
from tests.documents_helpers import LONG_NAMES, memory_signature, text_of
from tests.pledges_helpers import make_campaign

pytestmark = pytest.mark.django_db
NUMBER = "800.1.6/IKR/2026/000123"
TEMPLATE = "pdf/certificate.html"


def stamped(signature):
    return documents.issue_stamped(
        TEMPLATE, certificate_context(signature), instansi=signature.instansi, number=NUMBER,
        reason="Ikrar",
    )  # fmt: skip


def laid_out(signature):
    return documents.issue(
        TEMPLATE, certificate_context(signature), instansi=signature.instansi, number=NUMBER,
        reason="Ikrar", max_pages=1,
    )  # fmt: skip


def grey_page(pdf: bytes, dpi: int = 100):
    document = pypdfium2.PdfDocument(pdf)
    try:
        assert len(document) == 1
        return document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


def metadata(pdf: bytes) -> tuple[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader.metadata.title, reader.trailer["/Root"]["/Metadata"].get_object().get_data()


@pytest.mark.parametrize("method", ["drawn", "typed"])
@pytest.mark.parametrize("pppk", [False, True])
@pytest.mark.parametrize("paper", [PaperSize.A4, PaperSize.F4])
def test_a_stamped_certificate_is_the_laid_out_one(employee, method, pppk, paper):
    employee.instansi.paper_size = paper
    employee.instansi.save()
    signature = memory_signature(employee, make_campaign(employee.instansi), method=method,
                                 pppk=pppk, name="Yohanes Ñato Seran, S.Pd.")  # fmt: skip
    stamp, whole = stamped(signature), laid_out(signature)
    assert stamp is not None

    # The same page, looked at: 400-500 of a million pixels differ, by anti-aliasing and an
    # underline a fraction of a point apart; any text half a point off moves over 10,000.
    a, b = grey_page(stamp.pdf), grey_page(whole.pdf)
    assert a.size == b.size
    histogram = ImageChops.difference(a, b).histogram()
    assert sum(histogram[65:]) < 1000
    # Read: the same words, the same title in the Info dictionary and the XMP metadata (PDF/A).
    assert sorted(text_of(stamp.pdf).split()) == sorted(text_of(whole.pdf).split())
    assert metadata(stamp.pdf) == metadata(whole.pdf)
    assert "Yohanes Ñato Seran, S.Pd." in metadata(stamp.pdf)[0]
    # Sealed over the stamped revision, and the stored hash is of the sealed bytes.
    check = seals.validate(stamp.pdf)
    assert check.ok and check.whole_file, check
    assert stamp.sha256 == documents.hashlib.sha256(stamp.pdf).hexdigest()


def test_the_blank_page_is_laid_out_once_for_a_campaign(employee):
    documents._blank_page.cache_clear()
    campaign = make_campaign(employee.instansi)
    first = memory_signature(employee, campaign, name="Maria Bere")
    second = memory_signature(employee, campaign, name="Yakobus Tae")
    texts = [text_of(stamped(first).pdf), text_of(stamped(second).pdf)]
    assert documents._blank_page.cache_info().misses == 1
    assert "Maria Bere" in texts[0] and "Yakobus Tae" not in texts[0]
    assert "Yakobus Tae" in texts[1] and "Maria Bere" not in texts[1]
    assert first.code in texts[0].replace("-", "") and second.code in texts[1].replace("-", "")


def test_a_changed_letterhead_makes_a_new_blank_page(employee):
    signature = memory_signature(employee, make_campaign(employee.instansi))
    assert "BADAN KEPEGAWAIAN" not in text_of(stamped(signature).pdf)
    employee.instansi.office_name = "Badan Kepegawaian dan Pengembangan SDM"
    employee.instansi.save()
    signature.instansi = employee.instansi
    assert "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SDM" in text_of(stamped(signature).pdf)


@pytest.mark.parametrize("name", ["latin", "unicode"])
def test_what_does_not_fit_its_line_is_laid_out_whole(employee, name):
    """A name that wraps, or letters from another script's font: never stamped, and the
    certificate is still made (one page, the whole name)."""
    signature = memory_signature(employee, make_campaign(employee.instansi), name=LONG_NAMES[name])
    assert stamped(signature) is None
    short = memory_signature(employee, make_campaign(employee.instansi), name="王小明")
    assert stamped(short) is None
    pdf = render_certificate(short, NUMBER).pdf
    assert "王小明" in text_of(pdf)


@pytest.mark.parametrize("name", ["Maria\u00adBere", "Maria\u200bBere", "Mari\u0301a Bere"])
def test_characters_a_layout_treats_specially_are_laid_out_whole(employee, name):
    """A soft hyphen or a zero-width space prints nothing unless the line breaks there; a
    combining accent is placed by its neighbour: only the whole layout gets them right."""
    signature = memory_signature(employee, make_campaign(employee.instansi), name=name)
    assert stamped(signature) is None


def test_stamping_that_breaks_falls_back_to_the_whole_layout(employee, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("font subsetting failed")

    monkeypatch.setattr(stamping, "fill", broken)
    signature = memory_signature(employee, make_campaign(employee.instansi))
    assert stamped(signature) is None
    assert "Stamping pdf/certificate.html failed" in caplog.text
    pdf = render_certificate(signature, NUMBER).pdf
    assert seals.validate(pdf).ok and NUMBER in text_of(pdf)


def test_a_slot_value_is_plain_text_in_bold_or_not():
    runs = stamping.Runs.from_html
    assert runs("  Maria &amp;  Bere ").runs == ((False, "Maria & Bere"),)
    assert runs("<b>800.1</b> · Kode: <b>AB-CD</b>").runs == (
        (True, "800.1"), (False, " · Kode: "), (True, "AB-CD"),
    )  # fmt: skip
    assert runs("one<br>two").runs is None
    assert runs("Ni\u00a0Luh").runs == ((False, "Ni\u00a0Luh"),)  # no-break space kept
    slots: dict = {}
    stamping.record(slots, "name", runs("A"))
    stamping.record(slots, "name", runs("B"))
    assert slots == {"name": None}  # used twice: the document is laid out whole
