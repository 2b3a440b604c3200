"""Every issued document, looked at: nothing printed over anything else, nothing off the page
or under the QR code, the QR code readable from a 150 dpi rendering, the expected page count.

The matrix covers what the roster accepts at its limits (300-character names in any script,
200-character jabatan and unit names), drawn and typed signatures, PNS and PPPK, both pakta
variants with and without a witness, the SK, the BAP and the recap. Text boxes come from
pypdfium2 (the glyph boxes of each text run), images from its page objects, the QR code's
position and content from zxing-cpp on the rendered page.
"""

import pytest
from django.urls import reverse

from pledges import bulk
from pledges.certificates import render_certificate, verification_url
from pledges.models import BulkExport, Campaign
from pledges.national_texts import PAKTA_PROHIBITIONS
from sanctions.models import Case, Stage
from tests.conftest import login
from tests.documents_helpers import (
    LONG_JABATAN,
    LONG_NAMES,
    LONG_UNIT,
    layout_problems,
    memory_signature,
    read_pages,
    text_of,
)
from tests.pledges_helpers import make_campaign
from tests.sanctions_helpers import make_case, put_in_stage

pytestmark = pytest.mark.django_db

IKRAR_MATRIX = [
    (name, method, pppk)
    for name in ("short", "latin", "unicode")
    for method in ("drawn", "typed")
    for pppk in (False, True)
]


def identity_for(name: str) -> dict:
    if name == "short":
        return {}
    return {"name": LONG_NAMES[name], "jabatan": LONG_JABATAN, "unit": LONG_UNIT}


def assert_looks_right(pdf: bytes, *, pages: int | range, qr: str | None = None) -> list:
    read = read_pages(pdf)
    expected = pages if isinstance(pages, range) else range(pages, pages + 1)
    assert len(read) in expected, f"{len(read)} pages, expected {pages}"
    for number, page in enumerate(read, start=1):
        assert layout_problems(page) == [], f"page {number}"
        if qr is not None:
            assert page.qr_texts == [qr], f"page {number}: QR {page.qr_texts}"
    return read


@pytest.mark.parametrize(("name", "method", "pppk"), IKRAR_MATRIX)
def test_an_ikrar_is_one_clean_page(employee, name, method, pppk):
    campaign = make_campaign(employee.instansi)
    signature = memory_signature(employee, campaign, method=method, pppk=pppk, **identity_for(name))
    pdf = render_certificate(signature, "800.1.6/IKR/2026/000123").pdf
    assert_looks_right(pdf, pages=1, qr=verification_url(signature))
    text = text_of(pdf)
    assert "800.1.6/IKR/2026/000123" in text
    assert ("NI PPPK" in text) == pppk


@pytest.mark.parametrize("variant", ["ikrar", "larangan"])
@pytest.mark.parametrize("witnessed", [False, True])
@pytest.mark.parametrize("name", ["short", "unicode"])
def test_a_pakta_keeps_its_signatures_with_the_date(camat_user, variant, witnessed, name):
    head = camat_user.employee
    campaign = make_campaign(
        head.instansi, pakta_variant=variant,
        pakta_points=PAKTA_PROHIBITIONS if variant == "larangan" else [],
    )  # fmt: skip
    pakta = memory_signature(head, campaign, kind="pakta", **identity_for(name))
    document = pakta
    if witnessed:
        document = memory_signature(
            head, campaign, kind="saksi", witnessed=pakta, method="typed", **identity_for(name)
        )
    pdf = render_certificate(document, "800.1.6/PKT/2026/000007").pdf
    read = assert_looks_right(pdf, pages=range(1, 3), qr=verification_url(document))
    # The signature block (from the place and date to the last NIP) is never split.
    per_page = [text_of_page(pdf, i) for i in range(len(read))]
    date_page = next(i for i, t in enumerate(per_page) if "Atambua," in t)
    assert "NIP 19900101 201503 1 001" in per_page[date_page]
    if witnessed:
        assert "Mengetahui," in per_page[date_page]


def text_of_page(pdf: bytes, index: int) -> str:
    import io

    from pypdf import PdfReader

    return " ".join((PdfReader(io.BytesIO(pdf)).pages[index].extract_text() or "").split())


def test_the_recap_has_letterhead_number_and_page_numbers(instansi, bkd_user, camat_user):
    campaign = make_campaign(instansi)
    export = BulkExport.objects.create(
        instansi=instansi, campaign=campaign, kind=BulkExport.Kind.PAKTA_ZIP, created_by=bkd_user
    )
    pdf = bulk.recap_pdf(export)
    assert_looks_right(pdf, pages=1)
    text = text_of(pdf)
    assert "PEMERINTAH KABUPATEN BELU" in text
    assert "Nomor: 800.1.6/REK/" in text and "Halaman 1 dari 1" in text


@pytest.fixture
def decided_case(employee, bkd_user):
    case = make_case(employee, bkd_user, violations=("netral-kampanye", "netral-fasilitas"))
    put_in_stage(case, Stage.DECISION, bkd_user)
    team = "\n".join(f"Pemeriksa {i}, {LONG_JABATAN}" for i in range(1, 9))
    Case.objects.filter(pk=case.pk).update(examined_on="2025-05-22", examination_team=team)
    return case


@pytest.mark.parametrize(("view", "pages"), [("sanctions:sk_pdf", 1), ("sanctions:bap_pdf", 2)])
def test_the_sk_and_bap_are_clean_and_numbered(bkd_user, decided_case, view, pages):
    response = login(bkd_user).get(reverse(view, args=[decided_case.pk]))
    assert response.status_code == 200
    assert_looks_right(response.content, pages=pages)
    text = text_of(response.content)
    assert "PEMERINTAH KABUPATEN BELU" in text
    assert f"Halaman 1 dari {pages}" in text
    assert ("NOMOR 800/1/2025" in text) if view == "sanctions:sk_pdf" else ("/BAP/" in text)


def test_f4_paper_is_215_by_330_mm(employee):
    instansi = employee.instansi
    instansi.paper_size = "F4"
    instansi.save()
    signature = memory_signature(employee, make_campaign(instansi))
    page = read_pages(render_certificate(signature, "1").pdf)[0]
    assert (round(page.width / 72 * 25.4), round(page.height / 72 * 25.4)) == (215, 330)


def test_every_script_prints_as_glyphs(employee):
    """Full-width, CJK and Arabic letters are drawn with a Noto font, not as empty boxes."""
    import io

    from pypdf import PdfReader

    signature = memory_signature(
        employee, make_campaign(employee.instansi), name="ＭＡＲＩＡ 王小明 محمد"
    )
    pdf = render_certificate(signature, "1").pdf
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in f for f in fonts), fonts
    assert any("Arabic" in f for f in fonts), fonts
    assert "ＭＡＲＩＡ" in text_of(pdf)


def test_the_campaign_variant_larangan_lists_every_prohibition(camat_user):
    head = camat_user.employee
    campaign = make_campaign(
        head.instansi, pakta_variant=Campaign.PaktaVariant.PROHIBITIONS,
        pakta_points=PAKTA_PROHIBITIONS,
    )  # fmt: skip
    pdf = render_certificate(memory_signature(head, campaign, kind="pakta"), "1").pdf
    text = text_of(pdf)
    assert all(" ".join(p.split()[:6]) in text for p in PAKTA_PROHIBITIONS)
