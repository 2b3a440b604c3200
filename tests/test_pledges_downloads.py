"""The Sekda's page and downloads: recap, ZIP, merged PDF, the download log."""

import hashlib
import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pledges.models import BulkExport, Certificate, DownloadEvent
from pledges.services import SignatureInput, sign_pakta
from tests.conftest import login, make_employee, make_unit
from tests.pledges_helpers import data_url, drawn_png, make_campaign, make_signature

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def campaign(instansi):
    return make_campaign(instansi)


@pytest.fixture
def units(instansi):
    """Three kecamatan and a dinas; the first two kecamatan have signed their pakta."""
    made = []
    for name, kind in [
        ("Kecamatan Atambua Barat", "kecamatan"),
        ("Kecamatan Kakuluk Mesak", "kecamatan"),
        ("Kecamatan Tasifeto Timur", "kecamatan"),
        ("Dinas Kesehatan", "dinas"),
    ]:
        unit = make_unit(instansi, name, kind=kind)
        unit.head = make_employee(unit, f"Kepala {name}", jabatan=f"Kepala {name}")
        unit.save()
        made.append(unit)
    make_unit(instansi, "Kelurahan Fatubenao", kind="kelurahan", parent=made[0])
    return made


@pytest.fixture
def signed_paktas(units, campaign):
    data = SignatureInput(method="drawn", confirmed_points=4, drawn_data_url=data_url(drawn_png()))
    return [sign_pakta(employee=u.head, unit=u, campaign=campaign, data=data) for u in units[:2]]


def test_the_recap_lists_every_unit_with_pakta_and_ikrar_progress(
    sekda_user, units, campaign, signed_paktas
):
    make_signature(units[2].head, campaign)
    response = login(sekda_user).get(reverse("pledges:pakta_recap", args=[campaign.pk]))
    page = response.content.decode()
    assert [u.name for u in response.context["rows"]] == sorted(u.name for u in units)
    assert "Kelurahan Fatubenao" not in page  # lurah do not sign a pakta
    for pakta in signed_paktas:
        assert reverse("pledges:certificate", args=[pakta.code]) in page
    row = {u.name: u for u in response.context["rows"]}["Kecamatan Tasifeto Timur"]
    assert (row.signed, row.staff, row.pakta_status) == (1, 1, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "belum"}, ["Dinas Kesehatan", "Kecamatan Tasifeto Timur"]),
        ({"status": "sudah"}, ["Kecamatan Atambua Barat", "Kecamatan Kakuluk Mesak"]),
        ({"kind": "dinas"}, ["Dinas Kesehatan"]),
        (
            {"sort": "-nama"},
            [
                "Kecamatan Tasifeto Timur",
                "Kecamatan Kakuluk Mesak",
                "Kecamatan Atambua Barat",
                "Dinas Kesehatan",
            ],
        ),
        ({"sort": "-pakta", "kind": "kecamatan"}, None),
    ],
)
def test_the_recap_filters_and_sorts(bkd_user, units, campaign, signed_paktas, query, expected):
    response = login(bkd_user).get(reverse("pledges:pakta_recap", args=[campaign.pk]), query)
    names = [u.name for u in response.context["rows"]]
    if expected is None:  # newest pakta first, unsigned last
        assert names[-1] == "Kecamatan Tasifeto Timur" and len(names) == 3
    else:
        assert names == expected


def run_export(user, campaign, kind, django_capture_on_commit_callbacks) -> BulkExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = login(user).post(reverse("pledges:export_start", args=[campaign.pk, kind]))
    export = BulkExport.objects.get()
    assert response.url == reverse("pledges:export", args=[export.pk])
    assert export.status == BulkExport.Status.DONE
    return export


def download(user, export) -> bytes:
    response = login(user).get(reverse("pledges:export_download", args=[export.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_zip_holds_every_signed_pakta_and_a_recap(
    sekda_user, campaign, signed_paktas, django_capture_on_commit_callbacks
):
    export = run_export(sekda_user, campaign, "pakta_zip", django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(download(sekda_user, export)))
    expected = sorted(
        f"Kecamatan-{n}-{p.code}.pdf"
        for n, p in zip(["Atambua-Barat", "Kakuluk-Mesak"], signed_paktas, strict=True)
    )
    assert archive.namelist() == ["00-rekapitulasi.pdf", *expected]
    for pakta in signed_paktas:
        name = next(n for n in archive.namelist() if pakta.code in n)
        body = archive.read(name)
        assert body.startswith(b"%PDF-")
        assert hashlib.sha256(body).hexdigest() == Certificate.objects.get(signature=pakta).sha256
    recap = text_of(archive.read("00-rekapitulasi.pdf"))
    assert "Pakta ditandatangani: 2 dari 4 unit kerja" in recap
    assert "Kepala Kecamatan Atambua Barat" in recap and signed_paktas[0].code_display in recap
    assert "Kecamatan Tasifeto Timur" in recap and "Belum menandatangani" in recap
    assert export.percent == 100


def test_the_merged_pdf_is_the_recap_then_every_pakta(
    sekda_user, campaign, signed_paktas, django_capture_on_commit_callbacks
):
    export = run_export(sekda_user, campaign, "pakta_pdf", django_capture_on_commit_callbacks)
    reader = PdfReader(io.BytesIO(download(sekda_user, export)))
    assert len(reader.pages) == 1 + len(signed_paktas)
    assert "Rekapitulasi".upper() in reader.pages[0].extract_text().upper()


def test_bkd_zips_every_ikrar_certificate(
    bkd_user, units, campaign, django_capture_on_commit_callbacks
):
    signatures = [make_signature(u.head, campaign) for u in units]
    export = run_export(bkd_user, campaign, "ikrar_zip", django_capture_on_commit_callbacks)
    names = zipfile.ZipFile(io.BytesIO(download(bkd_user, export))).namelist()
    assert len(names) == len(signatures) and names == sorted(names)
    assert all(name.endswith(".pdf") and "/" in name for name in names)


def test_every_download_is_logged(
    sekda_user, campaign, signed_paktas, django_capture_on_commit_callbacks
):
    export = run_export(sekda_user, campaign, "pakta_zip", django_capture_on_commit_callbacks)
    download(sekda_user, export)
    login(sekda_user).get(reverse("pledges:certificate", args=[signed_paktas[0].code]))
    events = list(DownloadEvent.objects.order_by("pk").values_list("user", "export", "signature"))
    assert events == [(sekda_user.pk, export.pk, None), (sekda_user.pk, None, signed_paktas[0].pk)]


def test_a_failed_export_is_visible_and_can_be_restarted(
    sekda_user, campaign, signed_paktas, monkeypatch, django_capture_on_commit_callbacks
):
    from pledges import bulk

    def broken(*args, **kwargs):
        raise OSError("disk penuh")

    monkeypatch.setattr(bulk, "recap_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        login(sekda_user).post(reverse("pledges:export_start", args=[campaign.pk, "pakta_zip"]))
    export = BulkExport.objects.get()
    assert export.status == BulkExport.Status.FAILED and "disk penuh" in export.error
    page = login(sekda_user).get(reverse("pledges:export", args=[export.pk])).content.decode()
    assert "Pembuatan berkas gagal." in page
    assert (
        login(sekda_user).get(reverse("pledges:export_download", args=[export.pk])).status_code
        == 404
    )
    monkeypatch.undo()
    login(sekda_user).post(reverse("pledges:export_restart", args=[export.pk]))
    export.refresh_from_db()
    assert export.status == BulkExport.Status.DONE


class TestPermissions:
    def urls(self, campaign):
        return [
            reverse("pledges:pakta_recap", args=[campaign.pk]),
            reverse("pledges:pakta_recap_latest"),
        ]

    def test_anonymous_goes_to_login(self, client, campaign):
        for url in self.urls(campaign):
            assert client.get(url).url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        "persona", ["asn_user", "camat_user", "inspektorat_user", "auditor_user"]
    )
    def test_other_roles_are_refused(self, request, persona, campaign):
        user = request.getfixturevalue(persona)
        for url in self.urls(campaign):
            assert login(user).get(url).status_code == 403
        start = reverse("pledges:export_start", args=[campaign.pk, "pakta_zip"])
        assert login(user).post(start).status_code == 403
        assert not BulkExport.objects.exists()

    def test_another_instansi_gets_404(
        self,
        other_bkd_user,
        sekda_user,
        campaign,
        signed_paktas,
        django_capture_on_commit_callbacks,
    ):
        export = run_export(sekda_user, campaign, "pakta_zip", django_capture_on_commit_callbacks)
        client = login(other_bkd_user)
        assert client.get(self.urls(campaign)[0]).status_code == 404
        for name in ("pledges:export", "pledges:export_download"):
            assert client.get(reverse(name, args=[export.pk])).status_code == 404
        assert (
            client.post(
                reverse("pledges:export_start", args=[campaign.pk, "pakta_zip"])
            ).status_code
            == 404
        )

    def test_the_sekda_may_not_zip_every_ikrar(self, sekda_user, campaign):
        url = reverse("pledges:export_start", args=[campaign.pk, "ikrar_zip"])
        assert login(sekda_user).post(url).status_code == 404

    @pytest.mark.parametrize("persona", ["bkd_user", "sekda_user"])
    def test_bkd_and_sekda_reach_the_recap(self, request, persona, campaign):
        user = request.getfixturevalue(persona)
        response = login(user).get(self.urls(campaign)[1])
        assert response.url == self.urls(campaign)[0]
        assert login(user).get(self.urls(campaign)[0]).status_code == 200
