"""Hostile and broken input: every case is a clear 4xx in Indonesian and writes nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from pledges.models import Campaign, Signature
from portal.models import Employee
from tests.conftest import PASSWORD, login
from tests.pledges_helpers import data_url, drawn_png, make_campaign

pytestmark = pytest.mark.django_db


def sign_form(**overrides) -> dict:
    data = {
        **{f"point_{i}": "on" for i in range(1, 5)},
        "method": "drawn",
        "signature": data_url(drawn_png()),
    }
    data.update(overrides)
    return data


def bomb_png() -> bytes:
    """A few kilobytes that would decode to 400 megapixels."""
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        ("data:image/png;base64," + "QUFB" * 200_000, "terlalu besar"),
        ("data:image/png;base64,iVBORw0KGgo=", "rusak"),
        ("data:image/png;base64,%%%%", "rusak"),
        ("data:text/html;base64,PHNjcmlwdD4=", "harus berupa gambar PNG"),
        ("<svg onload=alert(1)>", "harus berupa gambar PNG"),
        ("data:image/png;base64," + "\u202e" * 10, "rusak"),
    ],
    ids=["oversized", "truncated-png", "not-base64", "html", "svg", "unicode"],
)
def test_bad_signature_data(asn_user, campaign, signature, message):
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]), sign_form(signature=signature)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Signature.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(asn_user, campaign):
    png = bomb_png()
    assert len(png) < 200_000
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]), sign_form(signature=data_url(png))
    )
    page = response.content.decode()
    assert response.status_code == 400 and ("tidak wajar" in page or "rusak" in page)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("cut", [30, 200], ids=["end", "image-data"])
def test_a_truncated_png_is_refused_even_after_a_pdf_was_rendered(asn_user, campaign, cut):
    from PIL import ImageFile

    from portal.documents import render

    render("pdf/pakta_recap.html", {"signed": [], "unsigned": []}, instansi=campaign.instansi)
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint set it for the whole process
    png = drawn_png()
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]), sign_form(signature=data_url(png[:-cut]))
    )
    assert response.status_code == 400 and "rusak" in response.content.decode()
    assert not Signature.objects.exists()


def png_with_image_data(png: bytes, idat: bytes) -> bytes:
    """The same PNG with other image data in one IDAT chunk, its checksum right."""
    import struct
    import zlib

    position, out = 8, [png[:8]]
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            if idat is not None:
                out.append(struct.pack(">I", len(idat)) + b"IDAT" + idat
                           + struct.pack(">I", zlib.crc32(b"IDAT" + idat)))  # fmt: skip
            idat = None  # one chunk for all of the image data
        else:
            out.append(png[position : position + 12 + length])
        position += 12 + length
    return b"".join(out)


@pytest.mark.parametrize("mode", ["RGBA", "P"], ids=["browser-rgba", "palette"])
def test_image_data_that_ends_early_inside_whole_chunks_is_refused(asn_user, campaign, mode):
    """Every chunk whole with its checksum, but the compressed pixels stop halfway: refused
    both for the browser's kind of PNG (decoded once) and any other kind, even once WeasyPrint
    has made Pillow pad truncated images."""
    import zlib

    from PIL import ImageFile

    from portal.documents import render

    render("pdf/pakta_recap.html", {"signed": [], "unsigned": []}, instansi=campaign.instansi)
    assert ImageFile.LOAD_TRUNCATED_IMAGES
    image = Image.open(io.BytesIO(drawn_png()))
    if mode == "P":
        image = image.convert("RGB").convert("P")
    whole = io.BytesIO()
    image.save(whole, "PNG")
    filtered = b"".join(b"\0" + row for row in _rows(image))
    compressed = zlib.compress(filtered)
    cut = png_with_image_data(whole.getvalue(), compressed[: len(compressed) // 2])
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]), sign_form(signature=data_url(cut))
    )
    assert response.status_code == 400 and "rusak" in response.content.decode()
    assert not Signature.objects.exists()


def test_image_data_split_by_another_chunk_is_refused(asn_user, campaign):
    """Pillow's loader stops at the first chunk that is not image data: a PNG whose data goes
    on after a text chunk would pass the ink check whole and print half."""
    import struct
    import zlib

    png = drawn_png()
    rows = b"".join(b"\0" + row for row in _rows(Image.open(io.BytesIO(png))))
    data = zlib.compress(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = png[8 : 8 + 25]  # IHDR, whole
    split = (png[:8] + header + chunk(b"IDAT", data[:100]) + chunk(b"tEXt", b"Comment\0x")
             + chunk(b"IDAT", data[100:]) + chunk(b"IEND", b""))  # fmt: skip
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]), sign_form(signature=data_url(split))
    )
    assert response.status_code == 400 and "rusak" in response.content.decode()
    assert not Signature.objects.exists()


def _rows(image: Image.Image) -> list[bytes]:
    raw, stride = image.tobytes(), len(image.tobytes()) // image.height
    return [raw[i : i + stride] for i in range(0, len(raw), stride)]


@pytest.mark.parametrize("mode", ["P", "L", "LA", "RGB"])
def test_a_signature_png_of_another_kind_is_accepted(asn_user, campaign, mode):
    """Not what a browser's canvas sends, but a real image with ink on it."""
    image = Image.open(io.BytesIO(drawn_png()))
    white = Image.new("RGBA", image.size, "white")
    flat = Image.alpha_composite(white, image)
    buffer = io.BytesIO()
    flat.convert(mode).save(buffer, "PNG")
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]),
        sign_form(signature=data_url(buffer.getvalue())),
    )
    assert response.status_code == 302
    assert Signature.objects.count() == 1


def test_a_very_long_typed_name_is_refused(asn_user, campaign):
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]),
        sign_form(method="typed", signature="", typed_name="A" * 10_000),
    )
    assert response.status_code == 400 and "paling banyak 300" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_null_character_in_the_typed_name_is_refused(asn_user, campaign):
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]),
        sign_form(method="typed", signature="", typed_name="Maria\u0000 Bere"),
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_direction_and_zero_width_characters_are_kept_as_typed(asn_user, campaign):
    # Evidence records what was typed; the certificate and review pages escape it.
    name = "\u202eMaria\u200b Bere"
    response = login(asn_user).post(
        reverse("pledges:sign", args=[campaign.pk]),
        sign_form(method="typed", signature="", typed_name=name),
    )
    assert response.status_code == 302
    assert Signature.objects.get().typed_name == name


def test_missing_csrf_is_refused(asn_user, campaign):
    client = Client(enforce_csrf_checks=True)
    client.force_login(asn_user, backend="portal.backends.UserBackend")
    response = client.post(reverse("pledges:sign", args=[campaign.pk]), sign_form())
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize("code", ["A" * 5000, "..%5C..%5Cetc%5Cpasswd", "ÄÖÜ-½", "' OR 1=1 --"])
def test_odd_verification_codes_are_a_plain_404(client, code):
    response = client.get(f"/v/{code}/")
    assert response.status_code == 404
    assert "Kode verifikasi tidak dikenal" in response.content.decode()


def test_a_renamed_executable_is_not_a_pdf(client):
    upload = SimpleUploadedFile(
        "sertifikat.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 100, content_type="application/pdf"
    )
    response = client.post(reverse("pledges:verify_pdf"), {"file": upload})
    assert response.status_code == 400 and "bukan PDF" in response.content.decode()


@pytest.mark.parametrize(
    "username", ["１９６８０４１１１９９３０３１００９", "1968" * 20, "' OR '1'='1"]
)
def test_malformed_nips_at_login_get_the_normal_answer(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_nul_character_anywhere_is_a_plain_400(client):
    response = client.post(reverse("login"), {"username": "\u0000", "password": PASSWORD})
    assert response.status_code == 400
    assert "karakter yang tidak dapat diproses" in response.content.decode()
    assert client.get("/v/AAAA%00BBBB/").status_code == 400


def zip_bomb_xlsx() -> bytes:
    """A valid-looking XLSX whose sheet would inflate to about a gigabyte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * 2**20
            for _ in range(1024):
                sheet.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_roster_is_refused(bkd_user):
    data = zip_bomb_xlsx()
    assert len(data) < 5 * 2**20
    upload = SimpleUploadedFile("pegawai.xlsx", data)
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Employee.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        "nip,nama\n198504122010031001,=cmd|' /C calc'!A0\n".encode("utf-16-le"),
        b"\xff\xfe\x00\x00garbage\x00\x00",
        "nip;nama\n1985;Zoë\n".encode("cp1252"),
    ],
    ids=["utf16-without-bom", "binary", "cp1252-semicolons"],
)
def test_broken_roster_files_are_reported_not_imported(bkd_user, content):
    upload = SimpleUploadedFile("pegawai.csv", content)
    response = login(bkd_user).post(reverse("portal:roster_import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert not Employee.objects.exists()


def test_a_very_long_campaign_title_is_refused(bkd_user):
    response = login(bkd_user).post(
        reverse("pledges:campaign_create"),
        {
            "title": "x" * 5000,
            "opens_on": "2026-01-01",
            "closes_on": "2026-02-01",
            "ikrar_points": "Satu",
            "ikrar_closing": "Tutup",
            "pakta_variant": "ikrar",
            "pakta_closing": "Tutup",
            "allow_drawn": "on",
        },
    )
    assert response.status_code == 400 and "paling banyak 200" in response.content.decode()
    assert not Campaign.objects.filter(instansi__isnull=False).exists()
